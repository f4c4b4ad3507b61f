#include "edge/core/barcode.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "edge/core/gtin.h"

namespace edge::core {
namespace {

constexpr char kGs = '\x1d';  // ASCII 29: how scanners transmit the GS1 FNC1 separator

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlnum(char c) { return IsDigit(c) || IsUpper(c) || IsLower(c); }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
}

std::string Hex2(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 0xF];
}

// `v` in single quotes for an error message: bytes that are not printable
// ASCII become \xNN, so a message never carries control characters or a
// UTF-8 sequence cut in half, and long values are cut at 40 bytes.
std::string Quote(std::string_view v) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < v.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c >= 0x7F) {
      out += "\\x" + Hex2(c).substr(2);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (v.size() > kMax) out += "...";
  return out + "'";
}

std::string Str(std::string_view v) { return std::string(v); }

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

// Offset of the first byte that does not start a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or npos.
std::size_t InvalidUtf8At(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra;
    std::uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (s.size() - i <= extra) return i;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += extra + 1;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------
// Check digits

// GtinCheckDigit (gtin.h) as a character. `digits` are all ASCII digits.
char CheckChar(std::string_view digits) { return static_cast<char>('0' + GtinCheckDigit(digits)); }

// "<what>: check digit is X, expected Y" when the last digit of `digits` is
// not their GS1 mod-10 check digit. `digits` are known to be all digits.
Status CheckDigitStatus(const std::string& what, std::string_view digits) {
  const char expected = CheckChar(digits.substr(0, digits.size() - 1));
  if (digits.back() == expected) return Status::Ok();
  return Invalid(what + ": check digit is " + digits.back() + ", expected " + expected);
}

// The name of a GTIN by its length, or "" for a length no GTIN has.
std::string_view GtinName(std::size_t length) {
  switch (length) {
    case 8:
      return "EAN-8";
    case 12:
      return "UPC-A";
    case 13:
      return "EAN-13";
    case 14:
      return "GTIN-14";
    default:
      return "";
  }
}

std::string PadToGtin14(std::string_view digits) {
  return std::string(14 - digits.size(), '0') + Str(digits);
}

// ---------------------------------------------------------------------------
// GS1 Application Identifiers

enum class Charset { kNumeric, kCset82 };
enum Lint : unsigned { kNoLint = 0, kCheckDigit = 1, kDate = 2 };

struct AiSpec {
  // The AI, or for a family whose fourth digit is the implied decimal point
  // (310n net weight) its first three digits.
  std::string_view ai;
  std::string_view title;
  Charset charset;
  std::size_t min_len, max_len;  // equal for fixed-length AIs
  unsigned lints = kNoLint;
  char max_decimal = '\0';  // families only: the fourth digit runs '0'..max_decimal

  bool fixed() const { return min_len == max_len; }
  bool Matches(std::string_view candidate) const {
    if (max_decimal == '\0') return candidate == ai;
    return candidate.size() == 4 && candidate.substr(0, 3) == ai && candidate[3] >= '0' &&
           candidate[3] <= max_decimal;
  }
};

// GS1's own notation: N for digits, X for character set 82.
constexpr Charset kN = Charset::kNumeric;
constexpr Charset kX = Charset::kCset82;

// From the GS1 General Specifications (section 3) and the GS1 Barcode Syntax
// Dictionary. Dates are all "yymmd0": day 00 means the day is not given.
constexpr AiSpec kAis[] = {
    {"00", "SSCC", kN, 18, 18, kCheckDigit},
    {"01", "GTIN", kN, 14, 14, kCheckDigit},
    {"02", "contained GTIN", kN, 14, 14, kCheckDigit},
    {"10", "batch/lot", kX, 1, 20},
    {"11", "production date", kN, 6, 6, kDate},
    {"12", "due date", kN, 6, 6, kDate},
    {"13", "packaging date", kN, 6, 6, kDate},
    {"15", "best-before date", kN, 6, 6, kDate},
    {"16", "sell-by date", kN, 6, 6, kDate},
    {"17", "expiry date", kN, 6, 6, kDate},
    {"20", "variant", kN, 2, 2},
    {"21", "serial number", kX, 1, 20},
    {"22", "consumer product variant", kX, 1, 20},
    {"240", "additional product id", kX, 1, 30},
    {"241", "customer part number", kX, 1, 30},
    {"250", "secondary serial number", kX, 1, 30},
    {"254", "GLN extension", kX, 1, 20},
    {"30", "variable count", kN, 1, 8},
    {"310", "net weight (kg)", kN, 6, 6, kNoLint, '5'},
    {"320", "net weight (lb)", kN, 6, 6, kNoLint, '5'},
    {"37", "count", kN, 1, 8},
    {"390", "amount payable", kN, 1, 15, kNoLint, '9'},
    {"392", "price", kN, 1, 15, kNoLint, '9'},
    {"400", "customer order number", kX, 1, 30},
    {"401", "GINC", kX, 1, 30},
    {"402", "GSIN", kN, 17, 17, kCheckDigit},
    {"410", "ship-to GLN", kN, 13, 13, kCheckDigit},
    {"411", "bill-to GLN", kN, 13, 13, kCheckDigit},
    {"412", "purchased-from GLN", kN, 13, 13, kCheckDigit},
    {"413", "ship-for GLN", kN, 13, 13, kCheckDigit},
    {"414", "location GLN", kN, 13, 13, kCheckDigit},
    {"415", "invoicing party GLN", kN, 13, 13, kCheckDigit},
    {"420", "ship-to postal code", kX, 1, 20},
    {"90", "internal", kX, 1, 30},
    {"91", "company internal", kX, 1, 90},
    {"92", "company internal", kX, 1, 90},
    {"93", "company internal", kX, 1, 90},
    {"94", "company internal", kX, 1, 90},
    {"95", "company internal", kX, 1, 90},
    {"96", "company internal", kX, 1, 90},
    {"97", "company internal", kX, 1, 90},
    {"98", "company internal", kX, 1, 90},
    {"99", "company internal", kX, 1, 90},
};

const AiSpec* FindAi(std::string_view ai) {
  for (const AiSpec& spec : kAis) {
    if (spec.Matches(ai)) return &spec;
  }
  return nullptr;
}

// How many digits an AI has, from its first two (GS1 General Specifications,
// "GS1 Application Identifiers in numerical order"); 0 when no AI starts so.
// An element string has no separator between an AI and its value, so this is
// the only way to know where the AI ends.
std::size_t AiLength(char a, char b) {
  const int p = (a - '0') * 10 + (b - '0');
  if (p <= 4 || (p >= 10 && p <= 22) || p == 30 || p == 37 || p >= 90) return 2;
  if ((p >= 23 && p <= 25) || (p >= 40 && p <= 42) || p == 71) return 3;
  if ((p >= 31 && p <= 36) || p == 39 || p == 43 || p == 70 || p == 72 || (p >= 80 && p <= 82)) return 4;
  return 0;
}

// GS1 AI encodable character set 82: letters, digits and these.
bool IsCset82(char c) {
  static constexpr std::string_view kPunctuation = "!\"%&'()*+,-./:;<=>?_";
  return IsAlnum(c) || kPunctuation.find(c) != std::string_view::npos;
}

Status ValidateDate(const std::string& what, std::string_view v) {
  const int yy = (v[0] - '0') * 10 + (v[1] - '0');
  const int mm = (v[2] - '0') * 10 + (v[3] - '0');
  const int dd = (v[4] - '0') * 10 + (v[5] - '0');
  if (mm < 1 || mm > 12)
    return Invalid(what + " " + Str(v) + ": month " + Str(v.substr(2, 2)) + " is not 01-12");
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // GS1 reads YY within a 100-year window around today (1951-2050 for now);
  // in that window, and without reading a clock, a multiple of 4 is a leap year.
  const int last = kDays[mm - 1] + (mm == 2 && yy % 4 == 0 ? 1 : 0);
  if (dd > last) {
    return Invalid(what + " " + Str(v) + ": day " + Str(v.substr(4, 2)) + " does not exist in month " +
                   Str(v.substr(2, 2)) + " (at most " + std::to_string(last) + ")");
  }
  return Status::Ok();  // day 00 (no day given) is allowed for every date AI we support
}

Status ValidateAiValue(const AiSpec& spec, std::string_view ai, std::string_view v) {
  const std::string what = "GS1 AI (" + Str(ai) + ") " + Str(spec.title);
  if (v.empty()) return Invalid(what + " is empty");
  if (spec.fixed() && v.size() != spec.max_len) {
    return Invalid(what + " " + Quote(v) + " has " + std::to_string(v.size()) + " characters, expected " +
                   std::to_string(spec.max_len));
  }
  if (v.size() > spec.max_len) {
    return Invalid(what + " is " + std::to_string(v.size()) + " characters long (at most " +
                   std::to_string(spec.max_len) + ")");
  }
  if (spec.charset == Charset::kNumeric) {
    if (!AllDigits(v)) return Invalid(what + " " + Quote(v) + " must contain only digits");
  } else {
    const auto bad = std::find_if(v.begin(), v.end(), [](char c) { return !IsCset82(c); });
    if (bad != v.end()) {
      return Invalid(what + " " + Quote(v) + " contains " + Quote(std::string_view(&*bad, 1)) +
                     ", which GS1 does not allow");
    }
  }
  if (spec.lints & kCheckDigit) EDGE_RETURN_IF_ERROR(CheckDigitStatus(what + " " + Str(v), v));
  if (spec.lints & kDate) EDGE_RETURN_IF_ERROR(ValidateDate(what, v));
  return Status::Ok();
}

// Validates `value` for `ai` and records it. The same AI twice is fine when
// the values agree (some labels repeat the GTIN) and an error when not.
Status AddAi(std::string_view ai, std::string_view value, std::map<std::string, std::string>* ais) {
  const AiSpec* spec = FindAi(ai);
  if (spec == nullptr) return Invalid("GS1 AI (" + Str(ai) + ") is unknown or not supported");
  EDGE_RETURN_IF_ERROR(ValidateAiValue(*spec, ai, value));
  const auto [it, inserted] = ais->try_emplace(Str(ai), Str(value));
  if (!inserted && it->second != value) {
    return Invalid("GS1 AI (" + Str(ai) + ") appears twice with different values " + Quote(it->second) +
                   " and " + Quote(value));
  }
  return Status::Ok();
}

// An element string as scanners send it: AI, value, AI, value, ... with GS
// after each variable-length value that is not the last.
Status ParseElementString(std::string_view d, std::map<std::string, std::string>* ais) {
  std::size_t pos = 0;
  while (pos < d.size()) {
    // A leading GS is the transmitted start FNC1; one after a fixed-length
    // value is redundant but harmless. Neither separates anything.
    if (d[pos] == kGs) {
      ++pos;
      continue;
    }
    if (!IsDigit(d[pos])) {
      return Invalid("GS1 data: expected an AI at offset " + std::to_string(pos) + ", found " +
                     Quote(d.substr(pos, 1)));
    }
    if (pos + 1 >= d.size() || !IsDigit(d[pos + 1])) {
      return Invalid("GS1 data: AI " + Quote(d.substr(pos, 1)) + " at offset " + std::to_string(pos) +
                     " is cut short");
    }
    const std::size_t ai_len = AiLength(d[pos], d[pos + 1]);
    if (ai_len == 0) {
      return Invalid("GS1 data: no AI starts with " + Str(d.substr(pos, 2)) + " (offset " +
                     std::to_string(pos) + ")");
    }
    const std::string_view ai = d.substr(pos, ai_len);
    if (ai.size() < ai_len || !AllDigits(ai)) {
      return Invalid("GS1 data: AI " + Quote(ai) + " at offset " + std::to_string(pos) + " is cut short");
    }
    const AiSpec* spec = FindAi(ai);
    if (spec == nullptr) return Invalid("GS1 AI (" + Str(ai) + ") is unknown or not supported");
    pos += ai_len;
    // A fixed-length value ends after its length; stopping early at a GS
    // reports "has 9 characters, expected 14" rather than a confusing AI.
    const std::size_t limit = spec->fixed() ? std::min(d.size(), pos + spec->max_len) : d.size();
    std::size_t end = d.find(kGs, pos);
    if (end == std::string_view::npos || end > limit) end = limit;
    EDGE_RETURN_IF_ERROR(AddAi(ai, d.substr(pos, end - pos), ais));
    pos = end;
  }
  if (ais->empty()) return Invalid("GS1 data holds no AI");
  return Status::Ok();
}

// Length of the "(AI)" group at `pos` (2-4 digits in parentheses), or 0.
std::size_t HriGroupAt(std::string_view d, std::size_t pos) {
  if (pos >= d.size() || d[pos] != '(') return 0;
  std::size_t i = pos + 1;
  while (i < d.size() && i - pos - 1 < 4 && IsDigit(d[i])) ++i;
  const std::size_t digits = i - pos - 1;
  if (digits < 2 || i >= d.size() || d[i] != ')') return 0;
  return digits + 2;
}

// The human-readable form "(01)09501101530003(17)260101(10)AB-123". A value
// runs to the next "(AI)" group, so a value holding "(" + digits + ")" cannot
// be written this way; scanners never send this form, people and tests do.
Status ParseHumanReadable(std::string_view d, std::map<std::string, std::string>* ais) {
  std::size_t pos = 0;
  while (pos < d.size()) {
    const std::size_t group = HriGroupAt(d, pos);
    if (group == 0) {
      return Invalid("GS1 human-readable data: expected '(AI)' at offset " + std::to_string(pos));
    }
    const std::string_view ai = d.substr(pos + 1, group - 2);
    pos += group;
    std::size_t end = pos;
    while (end < d.size() && HriGroupAt(d, end) == 0) ++end;
    EDGE_RETURN_IF_ERROR(AddAi(ai, d.substr(pos, end - pos), ais));
    pos = end;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// GS1 Digital Link

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    const char c = IsUpper(s[i]) ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding. '+' stays '+': it is a GS1 character, and
// Digital Link does not use form encoding.
Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(s[i + 2]) : -1;
    if (lo < 0) return Invalid("GS1 Digital Link: bad percent-escape in " + Quote(s));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A primary key and a value that looks like one: this is what tells a
// Digital Link from a link to a web page that happens to have "01" in it.
bool IsPrimaryKey(std::string_view key, std::string_view value) {
  if (!AllDigits(value)) return false;
  if (key == "01") return !GtinName(value.size()).empty();
  if (key == "00") return value.size() == 18;
  if (key == "414") return value.size() == 13;
  return false;
}

Status AddLinkPair(std::string_view raw_key, std::string_view raw_value,
                   std::map<std::string, std::string>* ais) {
  Result<std::string> key = PercentDecode(raw_key);
  EDGE_RETURN_IF_ERROR(key);
  Result<std::string> value = PercentDecode(raw_value);
  EDGE_RETURN_IF_ERROR(value);
  // Digital Link allows a GTIN in its short form; the element string does not.
  if (*key == "01" && AllDigits(*value) && value->size() != 14 && !GtinName(value->size()).empty()) {
    *value = PadToGtin14(*value);
  }
  return AddAi(*key, *value, ais);
}

// Sets *is_link and, when the URI is a Digital Link, its AIs. An http(s) URI
// that is not a Digital Link is OK with *is_link false.
Status ParseDigitalLink(std::string_view uri, bool* is_link, std::map<std::string, std::string>* ais) {
  *is_link = false;
  std::size_t scheme = 0;
  if (StartsWithNoCase(uri, "https://")) {
    scheme = 8;
  } else if (StartsWithNoCase(uri, "http://")) {
    scheme = 7;
  } else {
    return Status::Ok();
  }
  std::string_view rest = uri.substr(scheme);
  rest = rest.substr(0, rest.find('#'));
  const std::size_t q = rest.find('?');
  const std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  const std::string_view host_path = rest.substr(0, q);
  const std::size_t slash = host_path.find('/');
  if (slash == std::string_view::npos) return Status::Ok();
  std::vector<std::string_view> segs = Split(host_path.substr(slash + 1), '/');
  if (!segs.empty() && segs.back().empty()) segs.pop_back();  // a trailing '/'
  std::size_t key = 0;
  while (key + 1 < segs.size() && !IsPrimaryKey(segs[key], segs[key + 1])) ++key;
  if (key + 1 >= segs.size()) return Status::Ok();

  *is_link = true;
  // Whatever precedes the key is the resolver's own path; from the key on,
  // every segment is an AI or its value.
  for (std::size_t i = key; i < segs.size(); i += 2) {
    if (!AllDigits(segs[i])) {
      return Invalid("GS1 Digital Link: path segment " + Quote(segs[i]) + " is not a GS1 AI");
    }
    if (i + 1 >= segs.size()) return Invalid("GS1 Digital Link: AI (" + Str(segs[i]) + ") has no value");
    EDGE_RETURN_IF_ERROR(AddLinkPair(segs[i], segs[i + 1], ais));
  }
  for (std::string_view param : Split(query, '&')) {
    const std::size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    // Non-numeric parameters (linkType, context, ...) are for the resolver.
    if (!AllDigits(name)) continue;
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    EDGE_RETURN_IF_ERROR(AddLinkPair(name, value, ais));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Store codes and carriers

bool IsRef(std::string_view s) {
  return !s.empty() && s.size() <= 32 &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

bool IsLocationPart(std::string_view s) {
  return !s.empty() && s.size() <= 4 &&
         std::all_of(s.begin(), s.end(), [](char c) { return IsDigit(c) || IsUpper(c); });
}

// "1".."99" without sign or spaces; 0 when not.
int SmallNumber(std::string_view s) {
  if (!AllDigits(s) || s.size() > 2) return 0;
  return s.size() == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
}

Status ParseStoreCode(std::string_view d, Scan* scan) {
  const std::string_view rest = d.substr(4);  // after "SE1:"
  const std::string_view type = rest.substr(0, 3);
  const std::string_view body = rest.size() > 3 && rest[3] == ':' ? rest.substr(4) : std::string_view();
  if (rest.size() < 4 || rest[3] != ':' ||
      (type != "ORD" && type != "BAG" && type != "LOC" && type != "PKG")) {
    return Invalid("SE1 code " + Quote(d) + " does not start with SE1:ORD:, SE1:BAG:, SE1:LOC: or SE1:PKG:");
  }
  if (type == "ORD") {
    const std::size_t colon = body.find(':');
    if (colon == std::string_view::npos) {
      return Invalid("SE1 order code " + Quote(d) + " must be SE1:ORD:<order_ref>:<pickup_code>");
    }
    const std::string_view ref = body.substr(0, colon), pickup = body.substr(colon + 1);
    if (!IsRef(ref))
      return Invalid("SE1 order code: order ref " + Quote(ref) + " must be 1-32 of [A-Za-z0-9_-]");
    if (!AllDigits(pickup) || pickup.size() < 6 || pickup.size() > 8) {
      return Invalid("SE1 order code: pickup code " + Quote(pickup) + " must be 6-8 digits");
    }
    scan->kind = Scan::Kind::kOrder;
    scan->order_ref = ref;
    scan->pickup_code = pickup;
  } else if (type == "BAG") {
    const std::size_t colon = body.find(':');
    if (colon == std::string_view::npos) {
      return Invalid("SE1 bag label " + Quote(d) + " must be SE1:BAG:<order_ref>:<n>/<m>");
    }
    const std::string_view ref = body.substr(0, colon), count = body.substr(colon + 1);
    if (!IsRef(ref))
      return Invalid("SE1 bag label: order ref " + Quote(ref) + " must be 1-32 of [A-Za-z0-9_-]");
    const std::size_t slash = count.find('/');
    const int n = slash == std::string_view::npos ? 0 : SmallNumber(count.substr(0, slash));
    const int m = slash == std::string_view::npos ? 0 : SmallNumber(count.substr(slash + 1));
    if (n < 1 || m < 1 || n > m) {
      return Invalid("SE1 bag label: bag " + Quote(count) + " must be <n>/<m> with 1 <= n <= m <= 99");
    }
    scan->kind = Scan::Kind::kBag;
    scan->order_ref = ref;
    scan->bag_n = n;
    scan->bag_m = m;
  } else if (type == "LOC") {
    const std::vector<std::string_view> parts = Split(body, '-');
    if (parts.size() != 3 || !std::all_of(parts.begin(), parts.end(), IsLocationPart)) {
      return Invalid("SE1 location label " + Quote(d) +
                     " must be SE1:LOC:<zone>-<aisle>-<bin>, each 1-4 of [A-Z0-9]");
    }
    scan->kind = Scan::Kind::kLocation;
    scan->location = body;
  } else {
    if (!IsRef(body))
      return Invalid("SE1 package label: package id " + Quote(body) + " must be 1-32 of [A-Za-z0-9_-]");
    scan->kind = Scan::Kind::kPackage;
    scan->package_id = body;
  }
  return Status::Ok();
}

bool LooksLikeUps(std::string_view d) {
  return d.size() == 18 && StartsWith(d, "1Z") &&
         std::all_of(d.begin() + 2, d.end(), [](char c) { return IsDigit(c) || IsUpper(c); });
}

// UPS's mod-10 over the 15 characters between "1Z" and the check digit:
// letters count as (ASCII - 63) mod 10 (A=2, ..., I=0), odd positions double.
char UpsCheckDigit(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const int v = IsDigit(body[i]) ? body[i] - '0' : (body[i] - 'A' + 2) % 10;
    sum += i % 2 == 1 ? 2 * v : v;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// ---------------------------------------------------------------------------
// Symbologies

// "]" + symbology letter + modifier; AIM modifiers are digits or capitals.
bool IsAimId(std::string_view s) {
  return s.size() == 3 && s[0] == ']' && (IsUpper(s[1]) || IsLower(s[1])) && (IsDigit(s[2]) || IsUpper(s[2]));
}

bool IsGs1Aim(std::string_view aim) { return aim == "]C1" || aim == "]d2" || aim == "]Q3" || aim == "]e0"; }

std::string_view SymbologyName(std::string_view aim) {
  if (aim.empty()) return "";
  switch (aim[1]) {
    case 'A':
      return "Code 39";
    case 'C':
      return aim[2] == '1' ? "GS1-128" : "Code 128";
    case 'd':
      return aim[2] == '2' ? "GS1 DataMatrix" : "Data Matrix";
    case 'E':
      return aim[2] == '4' ? "EAN-8" : "EAN/UPC";
    case 'e':
      return "GS1 DataBar";
    case 'F':
      return "Codabar";
    case 'G':
      return "Code 93";
    case 'I':
      return "ITF";
    case 'L':
      return "PDF417";
    case 'Q':
      return aim[2] == '3' ? "GS1 QR Code" : "QR Code";
    case 'z':
      return "Aztec";
    default:
      return "";
  }
}

// Data under an EAN/UPC AIM id ("]E0", "]E4", ...).
Status ParseEanUpc(std::string_view d, Scan* scan) {
  const char modifier = scan->aim_id[2];
  if (modifier == '4') {
    if (!AllDigits(d) || d.size() != 8) return Invalid("EAN-8 scan " + Quote(d) + " (]E4) must be 8 digits");
    EDGE_RETURN_IF_ERROR(CheckDigitStatus("EAN-8 " + Str(d), d));
    scan->symbology = "EAN-8";
    scan->gtin = PadToGtin14(d);
  } else if (modifier == '0') {
    if (!AllDigits(d) || (d.size() != 8 && d.size() != 12 && d.size() != 13)) {
      return Invalid("EAN/UPC scan " + Quote(d) +
                     " (]E0) must be 8 (UPC-E), 12 (UPC-A) or 13 (EAN-13) digits");
    }
    if (d.size() == 8) {
      if (d[0] != '0' && d[0] != '1') {
        return Invalid("UPC-E " + Str(d) + ": number system is " + d[0] + ", expected 0 or 1");
      }
      const std::string upca = ExpandUpcE(d);
      EDGE_RETURN_IF_ERROR(CheckDigitStatus("UPC-E " + Str(d), upca));
      scan->symbology = "UPC-E";
      scan->gtin = PadToGtin14(upca);
    } else {
      const std::string_view name = GtinName(d.size());
      EDGE_RETURN_IF_ERROR(CheckDigitStatus(Str(name) + " " + Str(d), d));
      scan->symbology = name;
      scan->gtin = PadToGtin14(d);
    }
  } else {
    return Invalid("EAN/UPC scans with add-on (AIM " + scan->aim_id + ") are not supported");
  }
  scan->kind = Scan::Kind::kGtin;
  return Status::Ok();
}

Status ParseGs1(std::string_view d, std::string_view format, Scan* scan) {
  if (HriGroupAt(d, 0) != 0) {
    EDGE_RETURN_IF_ERROR(ParseHumanReadable(d, &scan->ais));
  } else {
    EDGE_RETURN_IF_ERROR(ParseElementString(d, &scan->ais));
  }
  scan->kind = Scan::Kind::kGs1;
  if (scan->symbology.empty()) scan->symbology = format;
  if (const auto it = scan->ais.find("01"); it != scan->ais.end()) scan->gtin = it->second;
  return Status::Ok();
}

}  // namespace

std::string_view ScanKindName(Scan::Kind kind) {
  switch (kind) {
    case Scan::Kind::kGtin:
      return "gtin";
    case Scan::Kind::kGs1:
      return "gs1";
    case Scan::Kind::kOrder:
      return "order";
    case Scan::Kind::kBag:
      return "bag";
    case Scan::Kind::kLocation:
      return "location";
    case Scan::Kind::kPackage:
      return "package";
    case Scan::Kind::kTracking:
      return "tracking";
    case Scan::Kind::kText:
      return "text";
  }
  return "unknown";
}

bool ValidGtinCheckDigit(std::string_view digits) {
  return digits.size() >= 2 && AllDigits(digits) &&
         CheckChar(digits.substr(0, digits.size() - 1)) == digits.back();
}

Result<std::string> NormalizeGtin(std::string_view gtin) {
  if (gtin.empty()) return Invalid("GTIN is empty");
  if (!AllDigits(gtin)) return Invalid("GTIN " + Quote(gtin) + " must contain only digits");
  const std::string_view name = GtinName(gtin.size());
  if (name.empty()) {
    return Invalid("GTIN " + Quote(gtin) + " must be 8, 12, 13 or 14 digits, got " +
                   std::to_string(gtin.size()));
  }
  EDGE_RETURN_IF_ERROR(CheckDigitStatus(Str(name) + " " + Str(gtin), gtin));
  return PadToGtin14(gtin);
}

std::string ExpandUpcE(std::string_view upce) {
  if (upce.size() != 8 || !AllDigits(upce) || (upce[0] != '0' && upce[0] != '1')) return "";
  const std::string_view d = upce.substr(1, 6);
  std::string middle;  // the UPC-A's manufacturer code (5 digits) and item reference (5 digits)
  switch (d[5]) {
    case '0':
    case '1':
    case '2':
      middle = {d[0], d[1], d[5], '0', '0', '0', '0', d[2], d[3], d[4]};
      break;
    case '3':
      middle = {d[0], d[1], d[2], '0', '0', '0', '0', '0', d[3], d[4]};
      break;
    case '4':
      middle = {d[0], d[1], d[2], d[3], '0', '0', '0', '0', '0', d[4]};
      break;
    default:
      middle = {d[0], d[1], d[2], d[3], d[4], '0', '0', '0', '0', d[5]};
      break;
  }
  return upce[0] + middle + upce[7];
}

Result<Scan> ParseScan(std::string_view text, std::string_view aim_id) {
  Scan scan;
  std::string_view d = text;
  if (!aim_id.empty()) {
    if (!IsAimId(aim_id)) {
      return Invalid("AIM symbology identifier " + Quote(aim_id) +
                     " must be ']', a letter, and a digit or capital letter");
    }
    scan.aim_id = aim_id;
  } else if (IsAimId(d.substr(0, 3))) {
    scan.aim_id = d.substr(0, 3);
    d.remove_prefix(3);
  }
  while (!d.empty() && (d.back() == '\r' || d.back() == '\n')) d.remove_suffix(1);
  if (d.empty())
    return Invalid(scan.aim_id.empty() ? "scan is empty" : "scan " + scan.aim_id + " has no data");
  if (d.size() > kMaxScanBytes) {
    return Invalid("scan is " + std::to_string(d.size()) + " bytes long (at most " +
                   std::to_string(kMaxScanBytes) + ")");
  }

  // Without an AIM id, a GS can only be a GS1 separator: nothing else sends one.
  const bool gs1 = IsGs1Aim(scan.aim_id) || (scan.aim_id.empty() && d.find(kGs) != std::string_view::npos);
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto c = static_cast<unsigned char>(d[i]);
    if ((c < 0x20 || c == 0x7F) && !(gs1 && d[i] == kGs)) {
      return Invalid("scan contains control character " + Hex2(c) + " at offset " + std::to_string(i));
    }
  }
  if (const std::size_t bad = InvalidUtf8At(d); bad != std::string_view::npos) {
    return Invalid("scan is not valid UTF-8 (byte " + Hex2(static_cast<unsigned char>(d[bad])) +
                   " at offset " + std::to_string(bad) + ")");
  }
  scan.raw = d;
  scan.symbology = SymbologyName(scan.aim_id);

  if (gs1) {
    EDGE_RETURN_IF_ERROR(ParseGs1(d, "GS1 element string", &scan));
    return scan;
  }
  if (!scan.aim_id.empty() && scan.aim_id[1] == 'E') {
    EDGE_RETURN_IF_ERROR(ParseEanUpc(d, &scan));
    return scan;
  }
  if (!scan.aim_id.empty() && scan.aim_id[1] == 'I' && d.size() == 14 && AllDigits(d)) {
    EDGE_RETURN_IF_ERROR(CheckDigitStatus("ITF-14 " + Str(d), d));
    scan.kind = Scan::Kind::kGtin;
    scan.symbology = "ITF-14";
    scan.gtin = d;
    return scan;
  }
  if (StartsWith(d, "SE1:")) {
    EDGE_RETURN_IF_ERROR(ParseStoreCode(d, &scan));
    return scan;
  }
  // Only a group naming an AI we know makes this GS1: "(555) 123-4567" on a
  // QR code is a phone number.
  if (const std::size_t group = HriGroupAt(d, 0); group != 0 && FindAi(d.substr(1, group - 2)) != nullptr) {
    EDGE_RETURN_IF_ERROR(ParseGs1(d, "GS1 human-readable", &scan));
    return scan;
  }
  bool is_link = false;
  EDGE_RETURN_IF_ERROR(ParseDigitalLink(d, &is_link, &scan.ais));
  if (is_link) {
    scan.kind = Scan::Kind::kGs1;
    if (scan.symbology.empty()) scan.symbology = "GS1 Digital Link";
    if (const auto it = scan.ais.find("01"); it != scan.ais.end()) scan.gtin = it->second;
    return scan;
  }
  if (LooksLikeUps(d)) {
    const char expected = UpsCheckDigit(d.substr(2, 15));
    if (d[17] != expected) {
      return Invalid("UPS tracking number " + Str(d) + ": check digit is " + d[17] + ", expected " +
                     expected);
    }
    scan.kind = Scan::Kind::kTracking;
    scan.tracking = d;
    scan.carrier = "UPS";
    return scan;
  }
  // Bare digits are a GTIN only when nothing says which symbology carried
  // them; a Code 128 or QR of digits is somebody's own number.
  if (scan.aim_id.empty() && AllDigits(d) && !GtinName(d.size()).empty()) {
    Result<std::string> gtin = NormalizeGtin(d);
    EDGE_RETURN_IF_ERROR(gtin);
    scan.kind = Scan::Kind::kGtin;
    scan.symbology = GtinName(d.size());
    scan.gtin = std::move(gtin).value();
    return scan;
  }
  scan.kind = Scan::Kind::kText;
  return scan;
}

}  // namespace edge::core
