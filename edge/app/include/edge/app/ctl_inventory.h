// storeedgectl inventory …: the store's inventory replica on the database
// file directly, through InventoryService (show, search, adjust, import), and
// the reader of import files (CSV or JSON lines) that `inventory import`
// validates before it applies anything. The reader is exposed so that it can
// be tested without a database.
//
// Main thread of storeedgectl (or of a test); nothing here is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace edge::app {

struct Config;

// The longest line an import file may hold, in bytes without its line ending.
// A longer line is refused (with its number) without being held in memory.
inline constexpr size_t kMaxImportLineBytes = 64 * 1024;
// Error messages kept (and printed) per file; the rest are only counted.
inline constexpr size_t kMaxImportErrorsKept = 100;

enum class ImportFormat { kCsv, kJsonLines };

// The import format of the file `name`: .csv is CSV, .jsonl and .ndjson are
// JSON lines (case-insensitive); any other name is JSON lines when the first
// non-blank character of `in` is '{', else CSV. Sniffing rewinds `in` to the
// start (it must be seekable).
ImportFormat DetectImportFormat(const std::string& name, std::istream& in);

// One row of an import file, validated.
struct ImportRow {
  int64_t line = 0;  // where the row starts in the file, from 1
  std::string sku;
  std::optional<std::string> description;  // absent or empty: left as it is
  std::vector<std::string> gtins;          // normalised to GTIN-14, without repeats
  std::optional<int64_t> on_hand;
  std::optional<std::string> location;
  std::optional<int64_t> walk_order;
  std::optional<int64_t> safety_stock;
};

struct ImportFile {
  std::vector<ImportRow> rows;      // the valid rows, in file order
  std::vector<std::string> errors;  // "NAME:LINE: field: problem", in line order
                                    // (the first kMaxImportErrorsKept)
  size_t error_count = 0;           // every error found
  bool ok() const { return error_count == 0; }
  size_t WithStock() const;  // rows that give on_hand
};

// Reads and validates every row of `in`, named `name` in messages.
//
// CSV (RFC 4180): a header row naming the columns, any of sku, description,
// gtins, on_hand, location, walk_order, safety_stock in any order (sku
// required; an unknown or repeated name is an error); fields separated by
// ',', optionally in double quotes (a quote inside doubled; a quoted field
// may span lines); spaces around unquoted fields and around quotes are
// ignored; an empty field is the same as an absent one; gtins separated by
// ';'. JSON lines: one object per line with the same keys (gtins an array of
// strings; null is the same as absent; another key is an error). Blank lines
// and a UTF-8 byte order mark are skipped in both.
//
// Each row: sku 1..64 bytes of UTF-8 without control characters or spaces
// around it; description at most 512 bytes of UTF-8; each GTIN a GTIN-8,
// UPC-A, EAN-13 or GTIN-14 with its check digit; on_hand and safety_stock
// 0..1e9; location a location code (e.g. A-03-12); walk_order 0..1e9 and
// only with a location. Across rows: a SKU appears once, a GTIN belongs to
// one SKU, a location has one walk_order. A line longer than
// kMaxImportLineBytes is an error. Every error names the line and the field.
//
// `progress`, when given, is called after each row with the bytes read.
ImportFile ReadImportFile(std::istream& in, const std::string& name, ImportFormat format,
                          const std::function<void(uint64_t bytes_read)>& progress = {});

// Where storeedgectl writes: `out` for results, `err` for errors and, when
// `progress` is set (stderr is a terminal), the progress bars of an import.
struct CtlStreams {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool progress = false;
};

// storeedgectl inventory …, as CtlInventoryCommand (cli.h) but writing to
// `io`. Returns the exit code: 0 ok, 1 error (a bad row, an unknown SKU, an
// error of the service), 2 bad usage, 3 the database cannot be opened.
int CtlInventoryCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io);

}  // namespace edge::app
