// storeedgectl inventory show|search|adjust|import: the inventory replica on
// the store's database file directly, through InventoryService. Safe while
// the daemon runs: SQLite WAL with the configured busy timeout keeps the two
// processes apart, every write is a transaction, and the daemon's publisher
// sends the events appended here from the outbox.
//
// An import validates the whole file first and applies nothing when a row is
// bad. A valid file is applied in one transaction opened here; the service's
// own commands run inside it as savepoints (store::Transaction), so the whole
// import commits or nothing does.
#include "edge/app/ctl_inventory.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "edge/app/cli.h"
#include "edge/app/config.h"
#include "edge/app/ctl_store.h"
#include "edge/app/event_log.h"
#include "edge/app/inventory_json.h"
#include "edge/app/inventory_service.h"
#include "edge/app/system_clock.h"
#include "edge/core/gtin.h"
#include "edge/core/inventory.h"

namespace edge::app {

namespace {

using json = nlohmann::json;

// The service's own bounds (inventory_service.cc), checked here too so that
// a bad row is named with its line before anything is applied.
constexpr size_t kMaxSku = 64;
constexpr size_t kMaxDescription = 512;
constexpr int64_t kMaxWalkOrder = 1'000'000'000;

const char* const kColumns[] = {"sku",      "description", "gtins",       "on_hand",
                                "location", "walk_order",  "safety_stock"};
constexpr const char* kColumnList = "sku, description, gtins, on_hand, location, walk_order, safety_stock";

// ---- small text helpers ----

std::string Shown(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 40) + "...' (" + std::to_string(s.size()) + " bytes)";
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && IsBlank(s[b])) ++b;
  while (e > b && IsBlank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Strict decimal integer: an optional sign and digits, nothing else.
std::optional<int64_t> ParseInt(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t v = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(text[i] - '0');
    if (v > (kMax - d) / 10) return std::nullopt;  // checked before it could wrap
    v = v * 10 + d;
  }
  return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

// True for an optional sign and digits: an integer, if a large one.
bool IntegerDigits(const std::string& text) {
  return AllDigits(!text.empty() && (text[0] == '+' || text[0] == '-') ? text.substr(1) : text);
}

// The byte offset of the first invalid UTF-8 sequence, or nullopt when `s` is
// valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
// Event payloads are JSON, which must be valid UTF-8.
std::optional<size_t> InvalidUtf8At(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0u) != 0x80u) return i;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

std::string Describe(const json& j) {
  if (j.is_number_float()) return "number " + j.dump();
  return j.type_name();
}

// ---- bounded line reading ----

// Physical lines of a stream, each at most `max` bytes (without "\n" or
// "\r\n"). A longer line is skipped to its end without being kept, and
// reported as too long with its number.
class LineReader {
 public:
  enum class Got { kLine, kTooLong, kEnd };

  LineReader(std::istream& in, size_t max) : buf_(in.rdbuf()), max_(max) {}

  Got Next(std::string* line) {
    line->clear();
    if (buf_ == nullptr) return Got::kEnd;
    size_t length = 0;
    bool any = false;
    int last = 0;
    for (;;) {
      const int c = buf_->sbumpc();
      if (c == std::char_traits<char>::eof()) {
        if (!any) return Got::kEnd;
        break;
      }
      any = true;
      ++bytes_;
      if (c == '\n') break;
      ++length;
      last = c;
      if (length <= max_ + 1) line->push_back(static_cast<char>(c));  // +1: a '\r' before '\n'
    }
    ++line_no_;
    if (last == '\r') {
      --length;
      if (length <= max_) line->pop_back();  // else the line was cut short and is refused below
    }
    if (line_no_ == 1 && line->rfind("\xEF\xBB\xBF", 0) == 0) {
      line->erase(0, 3);  // a UTF-8 byte order mark, as spreadsheets write
      length -= 3;
    }
    if (length > max_) {
      line->clear();
      too_long_by_ = length;
      return Got::kTooLong;
    }
    return Got::kLine;
  }

  int64_t line_no() const { return line_no_; }
  uint64_t bytes() const { return bytes_; }
  size_t too_long_length() const { return too_long_by_; }

 private:
  std::streambuf* buf_;
  size_t max_;
  int64_t line_no_ = 0;
  uint64_t bytes_ = 0;
  size_t too_long_by_ = 0;
};

// ---- row validation ----

// Collects a file's rows and errors, checking each row and the rules across
// rows (one row per SKU, one SKU per GTIN, one walk order per location).
class ImportChecker {
 public:
  explicit ImportChecker(std::string name) : name_(std::move(name)) {}

  void Error(int64_t line, const std::string& field, const std::string& problem) {
    ++file_.error_count;
    if (file_.errors.size() < kMaxImportErrorsKept) {
      file_.errors.push_back(name_ + ":" + std::to_string(line) + ": " + field + ": " + problem);
    }
  }

  // A row being read.
  struct Row {
    ImportRow r;
    bool sku_given = false;       // a non-empty sku, valid or not
    bool location_given = false;  // a non-empty location, valid or not
    bool bad = false;
  };

  Row Begin(int64_t line) {
    Row row;
    row.r.line = line;
    return row;
  }
  void Bad(Row& row, const std::string& field, const std::string& problem) {
    row.bad = true;
    Error(row.r.line, field, problem);
  }

  void Sku(Row& row, const std::string& v) {
    if (v.empty()) return;  // reported as missing
    row.sku_given = true;
    if (v.size() > kMaxSku) {
      return Bad(row, "sku", Shown(v) + " is longer than " + std::to_string(kMaxSku) + " bytes");
    }
    if (auto at = InvalidUtf8At(v)) {
      return Bad(row, "sku", "is not valid UTF-8 (byte " + std::to_string(*at + 1) + ")");
    }
    for (unsigned char c : v) {
      if (c < 0x20 || c == 0x7F) return Bad(row, "sku", Shown(v) + " holds a control character");
    }
    if (IsBlank(v.front()) || IsBlank(v.back())) {
      return Bad(row, "sku", Shown(v) + " has spaces around it");
    }
    row.r.sku = v;
  }

  void Description(Row& row, const std::string& v) {
    if (v.size() > kMaxDescription) {
      return Bad(row, "description",
                 "is " + std::to_string(v.size()) + " bytes, at most " + std::to_string(kMaxDescription));
    }
    if (auto at = InvalidUtf8At(v)) {
      return Bad(row, "description", "is not valid UTF-8 (byte " + std::to_string(*at + 1) + ")");
    }
    if (!v.empty()) row.r.description = v;
  }

  void Gtin(Row& row, const std::string& code) {
    auto g = core::NormalizeGtin14(code);
    if (!g.ok()) {
      const size_t n = code.size();
      if (!AllDigits(code)) {
        return Bad(row, "gtins", Shown(code) + " is not a GTIN: it must be digits only");
      }
      if (n != 8 && n != 12 && n != 13 && n != 14) {
        return Bad(row, "gtins",
                   Shown(code) + " has " + std::to_string(n) + " digits; a GTIN has 8, 12, 13 or 14");
      }
      const int expected = core::GtinCheckDigit(std::string_view(code).substr(0, n - 1));
      return Bad(row, "gtins",
                 Shown(code) + " has a wrong check digit (" + std::to_string(expected) + " would be right)");
    }
    if (std::find(row.r.gtins.begin(), row.r.gtins.end(), *g) == row.r.gtins.end()) row.r.gtins.push_back(*g);
  }

  // An integer field from its text (CSV), within [min, max].
  std::optional<int64_t> Int(Row& row, const char* field, const std::string& text, int64_t min, int64_t max) {
    auto v = ParseInt(text);
    if (!v) {
      Bad(row, field,
          std::string(IntegerDigits(text) ? "is too large" : "must be an integer") + ", got " + Shown(text));
      return std::nullopt;
    }
    return Range(row, field, *v, min, max);
  }
  // An integer field within [min, max].
  std::optional<int64_t> Range(Row& row, const char* field, int64_t v, int64_t min, int64_t max) {
    if (v < min) {
      Bad(row, field, "must be >= " + std::to_string(min) + ", got " + std::to_string(v));
      return std::nullopt;
    }
    if (v > max) {
      Bad(row, field, "must be <= " + std::to_string(max) + ", got " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }

  void Location(Row& row, const std::string& code) {
    row.location_given = true;
    auto l = core::ParseLocationCode(code);
    if (!l.ok()) return Bad(row, "location", l.status().message());
    row.r.location = code;
  }

  // Ends a row: the checks that need the whole row and the other rows.
  void End(Row& row) {
    if (!row.sku_given) Bad(row, "sku", "is missing");
    if (row.r.walk_order && !row.location_given) Bad(row, "walk_order", "needs a location");
    if (!row.r.sku.empty()) {
      auto [it, fresh] = skus_.emplace(row.r.sku, row.r.line);
      if (!fresh) {
        Bad(row, "sku",
            Shown(row.r.sku) + " is on line " + std::to_string(it->second) + " and on line " +
                std::to_string(row.r.line) + "; give each SKU once");
      }
      for (const std::string& g : row.r.gtins) {
        auto [gi, gfresh] = gtins_.emplace(g, std::make_pair(row.r.sku, row.r.line));
        if (!gfresh && gi->second.first != row.r.sku) {
          Bad(row, "gtins",
              "'" + g + "' is given to sku " + Shown(gi->second.first) + " on line " +
                  std::to_string(gi->second.second) + " and to sku " + Shown(row.r.sku) + " on line " +
                  std::to_string(row.r.line));
        }
      }
    }
    if (row.r.location && row.r.walk_order) {
      auto [it, fresh] = walks_.emplace(*row.r.location, std::make_pair(*row.r.walk_order, row.r.line));
      if (!fresh && it->second.first != *row.r.walk_order) {
        Bad(row, "walk_order",
            "location " + *row.r.location + " has walk_order " + std::to_string(it->second.first) +
                " on line " + std::to_string(it->second.second) + " and " +
                std::to_string(*row.r.walk_order) + " on line " + std::to_string(row.r.line));
      }
    }
    if (!row.bad) file_.rows.push_back(std::move(row.r));
  }

  ImportFile Take() { return std::move(file_); }

 private:
  std::string name_;
  ImportFile file_;
  std::map<std::string, int64_t> skus_;
  std::map<std::string, std::pair<std::string, int64_t>> gtins_;  // gtin14 -> (sku, line)
  std::map<std::string, std::pair<int64_t, int64_t>> walks_;      // location -> (walk_order, line)
};

// Sets one field of a row from its text (a CSV field; "" is absent).
void SetFromText(ImportChecker& c, ImportChecker::Row& row, const std::string& column, const std::string& v) {
  if (column == "sku") {
    c.Sku(row, v);
    return;
  }
  if (v.empty()) return;
  if (column == "description") {
    c.Description(row, v);
  } else if (column == "gtins") {
    size_t start = 0;
    for (;;) {
      const size_t end = v.find(';', start);
      const std::string code =
          Trim(v.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (!code.empty()) c.Gtin(row, code);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  } else if (column == "on_hand") {
    row.r.on_hand = c.Int(row, "on_hand", v, 0, core::kMaxQuantity);
  } else if (column == "location") {
    c.Location(row, v);
  } else if (column == "walk_order") {
    row.r.walk_order = c.Int(row, "walk_order", v, 0, kMaxWalkOrder);
  } else if (column == "safety_stock") {
    row.r.safety_stock = c.Int(row, "safety_stock", v, 0, core::kMaxQuantity);
  }
}

// ---- CSV ----

struct CsvRecord {
  int64_t line = 0;  // the line it starts on
  std::vector<std::string> fields;
};

enum class CsvGot { kRecord, kBlank, kError, kEnd };

// Reads one record (RFC 4180; a quoted field may span lines). On kError,
// `error_field` is the index of the field at fault and `error` says what.
CsvGot ReadCsvRecord(LineReader& reader, CsvRecord* rec, size_t* error_field, std::string* error) {
  std::string line;
  LineReader::Got got = reader.Next(&line);
  if (got == LineReader::Got::kEnd) return CsvGot::kEnd;
  rec->line = reader.line_no();
  rec->fields.clear();
  *error_field = 0;
  if (got == LineReader::Got::kTooLong) {
    *error_field = SIZE_MAX;
    *error = "longer than " + std::to_string(kMaxImportLineBytes) + " bytes (" +
             std::to_string(reader.too_long_length()) + "); not read";
    return CsvGot::kError;
  }
  if (Trim(line).empty()) return CsvGot::kBlank;

  enum class State { kStart, kUnquoted, kQuoted, kAfterQuote } state = State::kStart;
  std::string field;
  size_t record_bytes = line.size();
  size_t i = 0;
  for (;;) {
    if (i == line.size()) {
      if (state == State::kQuoted) {
        // A line break inside quotes belongs to the field.
        got = reader.Next(&line);
        if (got == LineReader::Got::kEnd) {
          *error_field = rec->fields.size();
          *error = "the quote opened here is never closed";
          return CsvGot::kError;
        }
        if (got == LineReader::Got::kTooLong) {
          *error_field = SIZE_MAX;
          *error = "line " + std::to_string(reader.line_no()) + " of this record is longer than " +
                   std::to_string(kMaxImportLineBytes) + " bytes; not read";
          return CsvGot::kError;
        }
        record_bytes += line.size() + 1;
        if (record_bytes > kMaxImportLineBytes) {
          *error_field = SIZE_MAX;
          *error = "the record is longer than " + std::to_string(kMaxImportLineBytes) + " bytes; not read";
          return CsvGot::kError;
        }
        field.push_back('\n');
        i = 0;
        continue;
      }
      if (state == State::kUnquoted) field = Trim(field);
      rec->fields.push_back(std::move(field));
      return CsvGot::kRecord;
    }
    const char c = line[i++];
    switch (state) {
      case State::kStart:
        if (IsBlank(c)) break;
        if (c == '"') {
          state = State::kQuoted;
        } else if (c == ',') {
          rec->fields.emplace_back();
        } else {
          field.push_back(c);
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == ',') {
          rec->fields.push_back(Trim(field));
          field.clear();
          state = State::kStart;
        } else if (c == '"') {
          *error_field = rec->fields.size();
          *error = "a quote inside an unquoted field; quote the whole field and double the quote";
          return CsvGot::kError;
        } else {
          field.push_back(c);
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          if (i < line.size() && line[i] == '"') {
            field.push_back('"');
            ++i;
          } else {
            state = State::kAfterQuote;
          }
        } else {
          field.push_back(c);
        }
        break;
      case State::kAfterQuote:
        if (IsBlank(c)) break;
        if (c == ',') {
          rec->fields.push_back(std::move(field));
          field.clear();
          state = State::kStart;
        } else {
          *error_field = rec->fields.size();
          *error = "text after the closing quote";
          return CsvGot::kError;
        }
        break;
    }
  }
}

void ReadCsv(LineReader& reader, ImportChecker& c, const std::function<void(uint64_t)>& progress) {
  std::vector<std::string> columns;  // empty until the header is read
  CsvRecord rec;
  size_t error_field = 0;
  std::string error;
  for (;;) {
    const CsvGot got = ReadCsvRecord(reader, &rec, &error_field, &error);
    if (got == CsvGot::kEnd) break;
    if (got == CsvGot::kBlank) continue;
    if (columns.empty()) {
      // The first record names the columns; without them no row can be read.
      if (got == CsvGot::kError) {
        c.Error(rec.line, "header", error);
        return;
      }
      std::set<std::string> seen;
      bool bad = false;
      for (const std::string& name : rec.fields) {
        if (std::find(std::begin(kColumns), std::end(kColumns), name) == std::end(kColumns)) {
          c.Error(rec.line, "header",
                  "unknown column " + Shown(name) + " (the columns are " + kColumnList + ")");
          bad = true;
        } else if (!seen.insert(name).second) {
          c.Error(rec.line, "header", "column " + Shown(name) + " is named twice");
          bad = true;
        }
      }
      if (!seen.count("sku")) {
        c.Error(rec.line, "header",
                "no 'sku' column; the first row must name the columns (" + std::string(kColumnList) + ")");
        bad = true;
      }
      if (bad) return;
      columns = rec.fields;
      continue;
    }
    if (got == CsvGot::kError) {
      c.Error(rec.line, error_field < columns.size() ? columns[error_field] : "line", error);
    } else if (rec.fields.size() != columns.size()) {
      c.Error(rec.line, "row",
              "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                  std::to_string(columns.size()));
    } else {
      ImportChecker::Row row = c.Begin(rec.line);
      for (size_t i = 0; i < columns.size(); ++i) SetFromText(c, row, columns[i], rec.fields[i]);
      c.End(row);
    }
    if (progress) progress(reader.bytes());
  }
  if (columns.empty()) {
    c.Error(1, "header", "missing; the first row must name the columns (" + std::string(kColumnList) + ")");
  }
}

// ---- JSON lines ----

void SetFromJson(ImportChecker& c, ImportChecker::Row& row, const std::string& key, const json& v) {
  if (v.is_null()) return;  // the same as absent
  auto must_be_string = [&]() {
    if (v.is_string()) return true;
    c.Bad(row, key, "must be a string, got " + Describe(v));
    return false;
  };
  auto integer = [&](int64_t min, int64_t max) -> std::optional<int64_t> {
    if (!v.is_number_integer()) {
      c.Bad(row, key, "must be an integer, got " + Describe(v));
      return std::nullopt;
    }
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max)) {
      c.Bad(row, key, "must be <= " + std::to_string(max) + ", got " + v.dump());
      return std::nullopt;
    }
    return c.Range(row, key.c_str(), v.get<int64_t>(), min, max);
  };
  if (key == "sku") {
    if (must_be_string()) c.Sku(row, v.get<std::string>());
  } else if (key == "description") {
    if (must_be_string()) c.Description(row, v.get<std::string>());
  } else if (key == "gtins") {
    if (!v.is_array()) return c.Bad(row, key, "must be an array of strings, got " + Describe(v));
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        return c.Bad(row, key, "[" + std::to_string(i) + "] must be a string, got " + Describe(v[i]));
      }
      c.Gtin(row, v[i].get<std::string>());
    }
  } else if (key == "on_hand") {
    row.r.on_hand = integer(0, core::kMaxQuantity);
  } else if (key == "location") {
    if (must_be_string()) c.Location(row, v.get<std::string>());
  } else if (key == "walk_order") {
    row.r.walk_order = integer(0, kMaxWalkOrder);
  } else if (key == "safety_stock") {
    row.r.safety_stock = integer(0, core::kMaxQuantity);
  } else {
    c.Bad(row, key, "unknown key (the keys are " + std::string(kColumnList) + ")");
  }
}

void ReadJsonLines(LineReader& reader, ImportChecker& c, const std::function<void(uint64_t)>& progress) {
  std::string line;
  for (;;) {
    const LineReader::Got got = reader.Next(&line);
    if (got == LineReader::Got::kEnd) break;
    const int64_t n = reader.line_no();
    if (got == LineReader::Got::kTooLong) {
      c.Error(n, "line",
              "longer than " + std::to_string(kMaxImportLineBytes) + " bytes (" +
                  std::to_string(reader.too_long_length()) + "); not read");
    } else if (!Trim(line).empty()) {
      json j;
      bool parsed = true;
      try {
        j = json::parse(line);
      } catch (const json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 4: …"
        std::string what = e.what();
        if (size_t p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
        c.Error(n, "row", "not valid JSON: " + what);
        parsed = false;
      }
      if (parsed && !j.is_object()) {
        c.Error(n, "row", "must be a JSON object, got " + Describe(j));
      } else if (parsed) {
        ImportChecker::Row row = c.Begin(n);
        for (const auto& [key, value] : j.items()) SetFromJson(c, row, key, value);
        c.End(row);
      }
    }
    if (progress) progress(reader.bytes());
  }
}

// ---- progress ----

// A progress bar on a terminal, redrawn in place with '\r' at most ten times a
// second: "importing  1234/5000 [#######.......] 24%".
class ProgressBar {
 public:
  ProgressBar(std::FILE* out, bool enabled, const char* label, const char* unit = "")
      : out_(out), enabled_(enabled), label_(label), unit_(unit) {}

  void Update(uint64_t done, uint64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    Draw(done, total);
    last_ = now;
  }
  void Finish(uint64_t done, uint64_t total) {
    if (!enabled_) return;
    Draw(done, total);
    Break();
  }
  // Ends the bar's line (before an error is printed under it).
  void Break() {
    if (!drawn_) return;
    std::fputc('\n', out_);
    std::fflush(out_);
    drawn_ = false;
    width_ = 0;
  }

 private:
  void Draw(uint64_t done, uint64_t total) {
    constexpr int kWidth = 30;
    const uint64_t pct = total == 0 ? 100 : std::min<uint64_t>(100, done * 100 / total);
    const int filled = static_cast<int>(pct * kWidth / 100);
    std::string text = label_;
    text.resize(std::max<size_t>(text.size(), 10), ' ');
    text += " " + std::to_string(done) + "/" + std::to_string(total) + unit_ + " [" +
            std::string(static_cast<size_t>(filled), '#') +
            std::string(static_cast<size_t>(kWidth - filled), '.') + "] " + std::to_string(pct) + "%";
    const size_t shown = text.size();
    if (text.size() < width_) text.append(width_ - text.size(), ' ');  // over a longer earlier line
    width_ = shown;
    std::fprintf(out_, "\r%s", text.c_str());
    std::fflush(out_);
    drawn_ = true;
  }

  std::FILE* out_;
  bool enabled_;
  std::string label_;
  std::string unit_;
  bool drawn_ = false;
  size_t width_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// ---- the commands ----

constexpr const char* kHelp =
    "Usage: storeedgectl [--config FILE] inventory show SKU|BARCODE [--json]\n"
    "       storeedgectl [--config FILE] inventory search TEXT [--limit N] [--json]\n"
    "       storeedgectl [--config FILE] inventory adjust SKU --kind count|damaged|found|receipt --qty N\n"
    "                    [--location CODE] [--ref REF] --by ASSOCIATE_ID\n"
    "       storeedgectl [--config FILE] inventory import FILE [--dry-run] [--by ID]\n"
    "\n"
    "These work on the store's database directly (the daemon may be running).\n"
    "\n"
    "  show     an item by SKU or by any of its barcodes (GTIN-8, UPC-A, EAN-13,\n"
    "           GTIN-14): figures, barcodes, stock per location, incoming\n"
    "  search   items whose SKU or description has every word of TEXT (1..200, default 20)\n"
    "  adjust   an associate's count, damaged, found or receipt; reported to the OMS\n"
    "  import   items, barcodes, locations and stock from FILE, all or nothing:\n"
    "           CSV with a header row (sku,description,gtins,on_hand,location,walk_order,\n"
    "           safety_stock; only sku required; gtins separated by ';') or JSON lines\n"
    "           (.jsonl/.ndjson: one object per line with the same keys, gtins an array).\n"
    "           Every row is checked first; a bad one is reported as FILE:LINE: field: problem\n"
    "           and nothing is applied. on_hand is a count (by --by, default \"import\") at\n"
    "           the row's location, or of the whole SKU when it names none.\n"
    "           --dry-run checks the file and applies nothing.\n"
    "\n"
    "Exit codes: 0 ok, 1 error (bad row, unknown SKU, refused adjustment), 2 bad usage,\n"
    "3 the database cannot be opened.\n";

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
};

// Splits args[2..] into positionals, --name VALUE options (`valued`) and
// --flags (`flags`). Returns "" or a usage error.
std::string ParseArgs(const std::vector<std::string>& args, const std::set<std::string>& valued,
                      const std::set<std::string>& flags, ParsedArgs* out) {
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      if (valued.count(a)) {
        if (i + 1 >= args.size()) return a + " needs a value";
        if (out->values.count(a)) return a + " is given twice";
        out->values[a] = args[++i];
      } else if (flags.count(a)) {
        out->flags.insert(a);
      } else {
        return "unknown option '" + a + "'";
      }
    } else {
      out->positional.push_back(a);
    }
  }
  return "";
}

class Ctl {
 public:
  Ctl(const Config& config, const CtlStreams& io) : config_(config), io_(io) {}

  int Usage(const std::string& verb, const std::string& message) {
    std::fprintf(io_.err, "storeedgectl: inventory%s: %s (see inventory --help)\n",
                 verb.empty() ? "" : (" " + verb).c_str(), message.c_str());
    return 2;
  }
  int Fail(const std::string& message) {
    std::fprintf(io_.err, "storeedgectl: %s\n", message.c_str());
    return 1;
  }

  // Opens the store and the service; false (with the message printed) when
  // the database cannot be opened.
  // `bootstrap`: the command may create the database (import does, to set
  // up a store without the OMS); the others need one that exists, so that a
  // mistyped data_dir is named instead of answered from an empty store.
  bool Open(bool bootstrap = false) {
    std::error_code ec;
    if (!bootstrap && !std::filesystem::exists(config_.DatabasePath(), ec)) {
      std::fprintf(
          io_.err,
          "storeedgectl: no database at %s: is [store] data_dir right? (storeedged creates it at its "
          "first start, inventory import when it bootstraps a store)\n",
          config_.DatabasePath().c_str());
      return false;
    }
    auto st = OpenStoreForCtl(config_, clock_);
    if (!st.ok()) {
      std::fprintf(io_.err, "storeedgectl: %s\n", st.status().message().c_str());
      return false;
    }
    store_ = std::move(st).value();
    InventoryOptions o;
    if (config_.sync.available_interval_s > 0)
      o.available_interval = std::chrono::seconds(config_.sync.available_interval_s);
    // Event ids: two runs must never repeat one (the outbox refuses it).
    auto svc = InventoryService::Create(*store_, clock_, o, SeededFromOs());
    if (!svc.ok()) {
      std::fprintf(io_.err, "storeedgectl: %s\n", svc.status().message().c_str());
      return false;
    }
    svc_ = std::move(svc).value();
    return true;
  }

  int Show(const std::vector<std::string>& args) {
    ParsedArgs a;
    if (auto e = ParseArgs(args, {}, {"--json"}, &a); !e.empty()) return Usage("show", e);
    if (a.positional.size() != 1) return Usage("show", "give one SKU or barcode");
    const std::string& key = a.positional[0];
    if (!Open()) return 3;
    auto v = svc_->BySku(key);
    if (!v.ok() && v.status().code() == core::StatusCode::kNotFound && AllDigits(key)) {
      auto b = svc_->ByBarcode(key);
      if (b.ok()) {
        v = std::move(b);
      } else if (b.status().code() == core::StatusCode::kNotFound) {
        return Fail("inventory show: no item has the sku or barcode " + Shown(key));
      } else {
        return Fail("inventory show: no item has the sku " + Shown(key) +
                    ", and as a barcode: " + b.status().message());
      }
    }
    if (!v.ok()) return Fail("inventory show: " + v.status().message());
    if (a.flags.count("--json")) {
      std::fprintf(io_.out, "%s\n", ItemViewJson(*v).dump(2).c_str());
      return 0;
    }
    PrintItem(*v);
    return 0;
  }

  void PrintItem(const ItemView& v) {
    std::FILE* o = io_.out;
    std::fprintf(o, "sku:           %s\n", v.sku.c_str());
    std::fprintf(o, "description:   %s\n", v.description.empty() ? "(none)" : v.description.c_str());
    std::fprintf(o, "on_hand:       %lld\n", static_cast<long long>(v.figures.on_hand));
    std::fprintf(o, "reserved:      %lld\n", static_cast<long long>(v.figures.reserved));
    std::fprintf(o, "safety_stock:  %lld\n", static_cast<long long>(v.figures.safety_stock));
    std::fprintf(o, "available:     %lld\n", static_cast<long long>(v.available));
    std::string codes;
    for (const auto& g : v.gtins) codes += (codes.empty() ? "" : ", ") + g;
    std::fprintf(o, "barcodes:      %s\n", codes.empty() ? "(none)" : codes.c_str());
    if (v.locations.empty()) {
      std::fprintf(o, "locations:     (none)\n");
    } else {
      std::fprintf(o, "locations:\n  %-32s %12s\n", "LOCATION", "QTY");
      for (const auto& l : v.locations) {
        std::fprintf(o, "  %-32s %12lld\n", l.location.code.empty() ? "(unlocated)" : l.location.code.c_str(),
                     static_cast<long long>(l.qty));
      }
    }
    if (v.incoming.empty()) {
      std::fprintf(o, "incoming:      (none)\n");
    } else {
      std::fprintf(o, "incoming:\n  %-24s %10s %10s  %s\n", "REF", "QTY", "RECEIVED", "ETA");
      for (const auto& i : v.incoming) {
        std::fprintf(o, "  %-24s %10lld %10lld  %s\n", i.ref.c_str(), static_cast<long long>(i.qty),
                     static_cast<long long>(i.received_qty),
                     core::FormatRfc3339(core::FromUnixMillis(i.eta_ms)).c_str());
      }
    }
  }

  int Search(const std::vector<std::string>& args) {
    ParsedArgs a;
    if (auto e = ParseArgs(args, {"--limit"}, {"--json"}, &a); !e.empty()) return Usage("search", e);
    if (a.positional.empty()) return Usage("search", "give the TEXT to search for");
    std::string text;
    for (const auto& p : a.positional) text += (text.empty() ? "" : " ") + p;
    int limit = 20;
    if (auto it = a.values.find("--limit"); it != a.values.end()) {
      auto n = ParseInt(it->second);
      if (!n || *n < 1 || *n > 200)
        return Usage("search", "--limit must be 1 to 200, got " + Shown(it->second));
      limit = static_cast<int>(*n);
    }
    if (!Open()) return 3;
    auto found = svc_->Search(text, limit);
    if (!found.ok()) return Fail("inventory " + found.status().message());
    if (a.flags.count("--json")) {
      json items = json::array();
      for (const auto& i : *found) items.push_back(ItemSummaryJson(i));
      std::fprintf(io_.out, "%s\n", json{{"items", items}}.dump(2).c_str());
      return 0;
    }
    if (found->empty()) {
      std::fprintf(io_.out, "no item matches %s\n", Shown(text).c_str());
      return 0;
    }
    std::fprintf(io_.out, "%-24s %10s %10s  %s\n", "SKU", "AVAILABLE", "ON_HAND", "DESCRIPTION");
    for (const auto& i : *found) {
      std::fprintf(io_.out, "%-24s %10lld %10lld  %s\n", i.sku.c_str(), static_cast<long long>(i.available),
                   static_cast<long long>(i.figures.on_hand), i.description.c_str());
    }
    return 0;
  }

  int Adjust(const std::vector<std::string>& args) {
    ParsedArgs a;
    if (auto e = ParseArgs(args, {"--kind", "--qty", "--location", "--ref", "--by"}, {}, &a); !e.empty())
      return Usage("adjust", e);
    if (a.positional.size() != 1) return Usage("adjust", "give one SKU");
    Adjustment adj;
    adj.sku = a.positional[0];
    if (!a.values.count("--kind")) return Usage("adjust", "--kind count|damaged|found|receipt is required");
    if (!core::ParseAdjustmentKind(a.values["--kind"], &adj.kind)) {
      return Usage("adjust",
                   "--kind must be count, damaged, found or receipt, got " + Shown(a.values["--kind"]));
    }
    if (!a.values.count("--qty")) return Usage("adjust", "--qty N is required");
    auto qty = ParseInt(a.values["--qty"]);
    if (!qty) {
      return Usage("adjust", std::string(IntegerDigits(a.values["--qty"]) ? "--qty is too large"
                                                                          : "--qty must be an integer") +
                                 ", got " + Shown(a.values["--qty"]));
    }
    adj.qty = *qty;
    if (!a.values.count("--by"))
      return Usage("adjust", "--by ASSOCIATE_ID is required (who counted or found it)");
    adj.by = a.values["--by"];
    if (a.values.count("--location")) adj.location = a.values["--location"];
    if (a.values.count("--ref")) adj.ref = a.values["--ref"];
    for (const std::string* s : {&adj.sku, &adj.by}) {
      if (InvalidUtf8At(*s)) return Usage("adjust", Shown(*s) + " is not valid UTF-8");
    }
    if (adj.ref && InvalidUtf8At(*adj.ref)) return Usage("adjust", "--ref is not valid UTF-8");
    if (!Open()) return 3;
    auto out = svc_->Adjust(adj);
    if (!out.ok()) return Fail(out.status().message());
    std::fprintf(io_.out, "adjusted %s (%s%s): delta %+lld, on_hand %lld\n", adj.sku.c_str(),
                 core::AdjustmentKindName(adj.kind), adj.location ? (" at " + *adj.location).c_str() : "",
                 static_cast<long long>(out->delta), static_cast<long long>(out->on_hand));
    return 0;
  }

  int Import(const std::vector<std::string>& args) {
    ParsedArgs a;
    if (auto e = ParseArgs(args, {"--by"}, {"--dry-run"}, &a); !e.empty()) return Usage("import", e);
    if (a.positional.size() != 1) return Usage("import", "give one FILE");
    const std::string& path = a.positional[0];
    const std::string by = a.values.count("--by") ? a.values["--by"] : "import";
    if (by.empty() || by.size() > 64 || InvalidUtf8At(by)) {
      return Usage("import", "--by must be 1 to 64 bytes of UTF-8, got " + Shown(by));
    }
    const bool dry_run = a.flags.count("--dry-run") > 0;

    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
      return Fail("inventory import: " + path + ": is a directory");
    std::ifstream file_in(path, std::ios::binary);
    if (!file_in) return Fail("inventory import: cannot open " + path + ": " + std::strerror(errno));
    // A pipe (`import <(…)`, /dev/stdin) cannot be rewound after the format
    // is sniffed: it is read into memory first.
    std::istringstream piped;
    std::istream* in_ptr = &file_in;
    if (!std::filesystem::is_regular_file(path, ec)) {
      std::ostringstream all;
      all << file_in.rdbuf();
      if (file_in.bad()) return Fail("inventory import: cannot read " + path + ": " + std::strerror(errno));
      piped.str(std::move(all).str());
      in_ptr = &piped;
    }
    std::istream& in = *in_ptr;
    const ImportFormat format = DetectImportFormat(path, in);

    ImportFile file;
    {
      // Validation shows how much of the file is read, in KiB: the number of
      // rows is not known before the end.
      std::error_code size_ec;
      const uint64_t kib = (std::filesystem::file_size(path, size_ec) + 1023) / 1024;
      ProgressBar bar(io_.err, io_.progress && !size_ec, "validating", " KiB");
      file = ReadImportFile(in, path, format,
                            [&](uint64_t bytes) { bar.Update(std::min(kib, (bytes + 1023) / 1024), kib); });
      bar.Finish(kib, kib);
    }
    if (!file.ok()) {
      for (const auto& e : file.errors) std::fprintf(io_.err, "%s\n", e.c_str());
      if (file.error_count > file.errors.size()) {
        std::fprintf(io_.err, "... and %zu more\n", file.error_count - file.errors.size());
      }
      return Fail("inventory import: " + std::to_string(file.error_count) + " error" +
                  (file.error_count == 1 ? "" : "s") + " in " + path + "; nothing imported");
    }
    const size_t with_stock = file.WithStock();
    if (dry_run) {
      std::fprintf(io_.out, "dry run: would import %zu items (%zu with stock) from %s; nothing applied\n",
                   file.rows.size(), with_stock, path.c_str());
      return 0;
    }
    if (!Open(/*bootstrap=*/true)) return 3;

    // One transaction for the whole file: the service's commands below become
    // savepoints of it, so a failure anywhere (or a crash) leaves the store as
    // it was before the import.
    auto txn = store::Transaction::Begin(store_->db());
    if (!txn.ok()) return Fail("inventory import: " + txn.status().message());
    ProgressBar bar(io_.err, io_.progress, "importing");
    const uint64_t total = file.rows.size();
    uint64_t done = 0;
    // Returning drops `txn` uncommitted: everything applied so far rolls back.
    auto fail = [&](const ImportRow& row, const std::string& message) {
      bar.Break();
      return Fail("inventory import: " + path + ":" + std::to_string(row.line) + ": " + message +
                  "; nothing imported");
    };
    for (const ImportRow& row : file.rows) {
      bar.Update(done, total);
      if (auto s = svc_->UpsertItem(row.sku, row.description, row.gtins); !s.ok())
        return fail(row, s.message());
      if (row.walk_order) {
        if (auto s = svc_->DefineLocation(*row.location, row.walk_order); !s.ok())
          return fail(row, s.message());
      }
      if (row.safety_stock) {
        // The service has no command for safety stock (the OMS sends it in
        // snapshots); the repo marks the SKU's availability as changed, and
        // the daemon reports it with the next inventory.available.
        if (auto s = svc_->repo().SetSafetyStock(**txn, row.sku, *row.safety_stock); !s.ok()) {
          return fail(row, "safety_stock: " + s.message());
        }
      }
      if (row.on_hand) {
        Adjustment adj;
        adj.kind = core::AdjustmentKind::kCount;
        adj.sku = row.sku;
        adj.location = row.location;
        adj.qty = *row.on_hand;
        adj.by = by;
        if (auto r = svc_->Adjust(adj); !r.ok()) return fail(row, r.status().message());
      }
      ++done;
    }
    bar.Finish(done, total);
    if (auto s = (*txn)->Commit(); !s.ok()) {
      return Fail("inventory import: commit: " + s.message() + "; nothing imported");
    }
    std::fprintf(io_.out, "imported %zu items (%zu with stock) from %s\n", file.rows.size(), with_stock,
                 path.c_str());
    return 0;
  }

 private:
  const Config& config_;
  CtlStreams io_;
  SystemClock clock_;
  // Members in reverse release order: the service borrows the store.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<InventoryService> svc_;
};

}  // namespace

size_t ImportFile::WithStock() const {
  return static_cast<size_t>(
      std::count_if(rows.begin(), rows.end(), [](const ImportRow& r) { return r.on_hand.has_value(); }));
}

ImportFormat DetectImportFormat(const std::string& name, std::istream& in) {
  std::string ext = std::filesystem::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".csv") return ImportFormat::kCsv;
  if (ext == ".jsonl" || ext == ".ndjson") return ImportFormat::kJsonLines;
  std::streambuf* buf = in.rdbuf();
  ImportFormat format = ImportFormat::kCsv;
  size_t i = 0;
  for (;; ++i) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    // A byte order mark first, then white space, are skipped.
    if (i < 3 && (c == 0xEF || c == 0xBB || c == 0xBF)) continue;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '{') format = ImportFormat::kJsonLines;
    break;
  }
  in.clear();
  buf->pubseekpos(0, std::ios::in);
  return format;
}

ImportFile ReadImportFile(std::istream& in, const std::string& name, ImportFormat format,
                          const std::function<void(uint64_t bytes_read)>& progress) {
  LineReader reader(in, kMaxImportLineBytes);
  ImportChecker checker(name);
  if (format == ImportFormat::kCsv) {
    ReadCsv(reader, checker, progress);
  } else {
    ReadJsonLines(reader, checker, progress);
  }
  return checker.Take();
}

int CtlInventoryCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io) {
  if (args.size() < 2) {
    std::fputs(kHelp, io.err);
    return 2;
  }
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kHelp, io.out);
      return 0;
    }
  }
  Ctl ctl(config, io);
  const std::string& verb = args[1];
  if (verb == "show") return ctl.Show(args);
  if (verb == "search") return ctl.Search(args);
  if (verb == "adjust") return ctl.Adjust(args);
  if (verb == "import") return ctl.Import(args);
  return ctl.Usage("", "unknown command '" + verb + "' (show, search, adjust, import)");
}

int CtlInventoryCommand(const Config& config, const std::vector<std::string>& args) {
  CtlStreams io;
  io.progress = ::isatty(STDERR_FILENO) == 1;
  return CtlInventoryCommand(config, args, io);
}

}  // namespace edge::app
