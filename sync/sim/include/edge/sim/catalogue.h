// The demo store's catalogue: a few hundred realistic items, the same for a
// given seed — SKU, description, a valid EAN-13 (and for some a UPC-A),
// a location zone/aisle/bin with its walk order, stock and safety stock.
//
// The simulated OMS sends its stock in the snapshot; the store's master data
// (descriptions, barcodes, locations) is what `storeedgectl inventory import`
// reads from CatalogueCsv. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edge::sim {

struct CatalogueItem {
  std::string sku;          // "SHOE-TRL-42"
  std::string description;  // "Trail running shoe, size 42"
  std::string ean13;        // 13 digits, valid check digit
  std::string upca;         // 12 digits or "" (items from North American suppliers)
  std::string location;     // "F-03-12"
  int64_t walk_order = 0;
  int64_t on_hand = 0;  // 0 for some: they can only be backordered
  int64_t safety_stock = 0;
};

// `n` items (1..5000), deterministic for `seed`. Every SKU and barcode is
// unique; about one item in twelve has no stock.
std::vector<CatalogueItem> MakeCatalogue(size_t n, uint64_t seed);

// The import file for `storeedgectl inventory import`: the header
// sku,description,gtins,location,walk_order,safety_stock and one row per
// item (no on_hand: the OMS snapshot brings the stock).
std::string CatalogueCsv(const std::vector<CatalogueItem>& items);

// The 14-digit form of an EAN-13 ("0" + it), as the wire contract's `gtin`.
std::string Gtin14(const std::string& ean13);

}  // namespace edge::sim
