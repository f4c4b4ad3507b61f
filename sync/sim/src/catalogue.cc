#include "edge/sim/catalogue.h"

#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>

#include "edge/core/csv.h"
#include "edge/core/gtin.h"

namespace edge::sim {

namespace {

struct Base {
  const char* code;         // SKU stem
  const char* description;  // before the variant
  char zone;                // location zone
  const char* variant;      // "size", "colour", "pack" or "" (one item)
};

// Zones in walk order: the pick path starts at A (apparel) and ends at G
// (grocery, nearest the tills).
constexpr const char kZones[] = "AFHETG";

constexpr Base kBases[] = {
    {"SHOE-TRL", "Trail running shoe", 'F', "size"},
    {"SHOE-RUN", "Road running shoe", 'F', "size"},
    {"SHOE-HKB", "Waterproof hiking boot", 'F', "size"},
    {"SHOE-SND", "Leather sandal", 'F', "size"},
    {"SOCK-MER", "Merino hiking socks", 'F', "pack"},
    {"TEE-ORG", "Organic cotton T-shirt", 'A', "fit"},
    {"SWT-MER", "Merino crew sweater", 'A', "fit"},
    {"JKT-RAIN", "Packable rain jacket", 'A', "fit"},
    {"PNT-CHN", "Stretch chino trousers", 'A', "fit"},
    {"CAP-BSB", "Baseball cap", 'A', "colour"},
    {"MUG-CER", "Ceramic mug 350 ml", 'H', "colour"},
    {"PAN-CST", "Cast iron skillet 26 cm", 'H', ""},
    {"KNF-CHF", "Chef's knife 20 cm", 'H', ""},
    {"TWL-BTH", "Cotton bath towel", 'H', "colour"},
    {"CND-SOY", "Soy wax candle", 'H', "colour"},
    {"LMP-DSK", "LED desk lamp", 'H', "colour"},
    {"CBL-USBC", "USB-C charging cable 2 m", 'E', "colour"},
    {"EAR-WLS", "Wireless earbuds", 'E', "colour"},
    {"PWR-BNK", "Power bank 10000 mAh", 'E', ""},
    {"SPK-BT", "Bluetooth speaker", 'E', "colour"},
    {"BAT-AA", "AA alkaline batteries", 'E', "pack"},
    {"LGO-CTY", "Building bricks city set", 'T', ""},
    {"PZL-1000", "Jigsaw puzzle 1000 pieces", 'T', ""},
    {"BAL-SCR", "Football size 5", 'T', ""},
    {"PLS-BER", "Plush bear 30 cm", 'T', "colour"},
    {"BSC-OAT", "Organic oat biscuits 250 g", 'G', "pack"},
    {"COF-BNS", "Coffee beans 1 kg", 'G', ""},
    {"TEA-GRN", "Green tea 40 bags", 'G', "pack"},
    {"OIL-OLV", "Extra virgin olive oil 750 ml", 'G', ""},
    {"CHC-DRK", "Dark chocolate 70% 100 g", 'G', "pack"},
};

const std::vector<std::string>& Variants(const std::string& kind) {
  static const std::vector<std::string> size = {"38", "39", "40", "41", "42", "43", "44", "45", "46"};
  static const std::vector<std::string> colour = {"black", "navy", "grey", "red", "green", "white", "sand"};
  static const std::vector<std::string> pack = {"1", "3", "6", "12"};
  static const std::vector<std::string> fit = [] {
    std::vector<std::string> v;
    for (const char* c : {"black", "navy", "grey", "red", "green", "white", "sand"}) {
      for (const char* s : {"S", "M", "L", "XL", "XXL"}) v.push_back(std::string(c) + " " + s);
    }
    return v;
  }();
  static const std::vector<std::string> one = {""};
  if (kind == "size") return size;
  if (kind == "fit") return fit;
  if (kind == "colour") return colour;
  if (kind == "pack") return pack;
  return one;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string WithCheckDigit(const std::string& body) {
  return body + static_cast<char>('0' + core::GtinCheckDigit(body));
}

std::string Pad(int64_t v, size_t width) {
  std::string s = std::to_string(v);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

}  // namespace

std::vector<CatalogueItem> MakeCatalogue(size_t n, uint64_t seed) {
  if (n < 1 || n > 5000) throw std::invalid_argument("catalogue size must be 1..5000");
  std::mt19937_64 rng(seed);
  // Every (base, variant) pair once, in a shuffled order, until n; then the
  // same again as "value pack" items so any n up to 5000 is reachable.
  std::vector<std::pair<size_t, std::string>> all;
  for (size_t b = 0; b < std::size(kBases); ++b) {
    for (const auto& v : Variants(kBases[b].variant)) all.emplace_back(b, v);
  }
  std::shuffle(all.begin(), all.end(), rng);
  std::vector<CatalogueItem> out;
  out.reserve(n);
  std::set<std::string> locations;
  for (size_t i = 0; i < n; ++i) {
    const auto& [b, v] = all[i % all.size()];
    const Base& base = kBases[b];
    const size_t round = i / all.size();
    CatalogueItem it;
    const std::string kind = base.variant;
    std::string suffix = Upper(v);
    std::replace(suffix.begin(), suffix.end(), ' ', '-');
    it.sku = std::string(base.code) + (v.empty() ? "" : "-" + suffix) +
             (round ? "-V" + std::to_string(round) : "");
    it.description = base.description;
    if (kind == "size") it.description += ", size " + v;
    if (kind == "colour") it.description += ", " + v;
    if (kind == "fit")
      it.description += ", " + v.substr(0, v.find(' ')) + ", size " + v.substr(v.find(' ') + 1);
    if (kind == "pack") it.description += v == "1" ? "" : ", pack of " + v;
    if (round) it.description += " (value pack " + std::to_string(round) + ")";
    // GS1 prefix 50 (UK) + a made-up company 12345 + a 5-digit item reference.
    it.ean13 = WithCheckDigit("5012345" + Pad(static_cast<int64_t>(10000 + i), 5));
    if (i % 4 == 0)
      it.upca = WithCheckDigit("0" + std::string("36000") + Pad(static_cast<int64_t>(10000 + i), 5));
    const char zone = base.zone;
    const auto zi = static_cast<int64_t>(std::string(kZones).find(zone));
    // A free bin of the zone; when the zone is full (very large catalogues)
    // items share bins, as they do in a real store.
    for (int tries = 0; tries < 64; ++tries) {
      const int64_t aisle = 1 + static_cast<int64_t>(rng() % 12);
      const int64_t bin = 1 + static_cast<int64_t>(rng() % 24);
      it.location = std::string(1, zone) + "-" + Pad(aisle, 2) + "-" + Pad(bin, 2);
      // Aisles are walked as a snake: odd aisles up, even aisles down.
      it.walk_order = zi * 10000 + aisle * 100 + (aisle % 2 ? bin : 25 - bin);
      if (locations.insert(it.location).second) break;
    }
    it.on_hand = rng() % 12 == 0 ? 0 : 2 + static_cast<int64_t>(rng() % 39);
    it.safety_stock = it.on_hand > 10 ? static_cast<int64_t>(rng() % 3) : 0;
    out.push_back(std::move(it));
  }
  return out;
}

std::string CatalogueCsv(const std::vector<CatalogueItem>& items) {
  std::string out = "sku,description,gtins,location,walk_order,safety_stock\n";
  for (const auto& it : items) {
    out += core::CsvField(it.sku) + "," + core::CsvField(it.description) + "," + it.ean13 +
           (it.upca.empty() ? "" : ";" + it.upca) + "," + it.location + "," + std::to_string(it.walk_order) +
           "," + std::to_string(it.safety_stock) + "\n";
  }
  return out;
}

std::string Gtin14(const std::string& ean13) { return "0" + ean13; }

}  // namespace edge::sim
