// Barcode scans: what a scanned string means to the store.
//
// ParseScan turns the text a scanner sends, and the AIM symbology identifier
// when the scanner reports one, into a typed Scan: a retail GTIN, GS1 data
// (an element string or a GS1 Digital Link URI), one of the store's own SE1
// labels, a carrier tracking number, or plain text. A scan that claims to be
// one of those and breaks its rules is refused with an InvalidArgument that
// says what is wrong ("UPC-A 012345678901: check digit is 1, expected 5"),
// so the associate rescans instead of picking the wrong item.
//
// Pure functions over values: no I/O, no clock, no state. Any thread may call
// them; the scanner driver decodes on its own thread and posts the Scan.
//
// Conventions (decisions, not all forced by a standard):
//
// * AIM identifier. `aim_id` is "]" + symbology letter + modifier ("]E0").
//   When `aim_id` is given (HID POS scanners report it apart from the data),
//   `text` is the data verbatim. When it is empty, a leading "]Xm" in `text`
//   (keyboard-wedge scanners configured to prefix it) is taken as the AIM id
//   and removed. Trailing CR/LF (a wedge's Enter suffix) is always removed.
//
// * Digits as GTINs. With no AIM id, a string of only digits of length 8, 12,
//   13 or 14 is read as EAN-8, UPC-A, EAN-13 or GTIN-14, and a wrong check
//   digit is an error (it was meant as a GTIN). An 8-digit string is EAN-8,
//   never UPC-E: the two cannot be told apart without the symbology. UPC-E is
//   read only with AIM "]E0" and 8 digits (AIM sends EAN-8 as "]E4", so 8
//   digits under "]E0" can only be UPC-E). "]E0" also takes 12 (UPC-A) or 13
//   (EAN-13) digits. "]I0"/"]I1" (ITF) with 14 digits is ITF-14. Under any
//   other known symbology (Code 128 "]C0", Code 39 "]A0", QR "]Q1", ...)
//   digits are plain text: those symbologies do not carry bare GTINs.
//   EAN/UPC add-ons ("]E1", "]E2", "]E3") are refused as not supported.
//
// * GS1. Data under "]C1" (GS1-128), "]d2" (GS1 DataMatrix), "]Q3" (GS1 QR)
//   or "]e0" (GS1 DataBar) must be a GS1 element string; so must data with no
//   AIM id that contains GS (ASCII 29, the FNC1 separator). Anywhere, data
//   that opens with "(" + 2-4 digits + ")" is read as the human-readable form
//   "(01)09501101530003(17)260101(10)AB-123". Fixed-length AIs need no GS
//   after them (a GS there is tolerated); variable-length ones end at GS or at
//   the end. Checked: the AI is known (see below), lengths, digits in numeric
//   AIs, the GS1 character set 82 in alphanumeric ones, mod-10 check digits
//   (00, 01, 02, 402, 410-415), dates YYMMDD (month 01-12, day within the
//   month; day 00 means "no day" and is allowed for 11, 12, 13, 15, 16, 17 as
//   GS1 permits; Feb 29 only when YY is a multiple of 4, true for 1951-2050),
//   and one AI twice with different values. Not checked: which AIs GS1
//   requires or forbids together. Supported AIs: 00 01 02 10 11 12 13 15 16
//   17 20 21 22 240 241 250 254 30 310n 320n 37 390n 392n 400 401 402 410-415
//   420 90-99. Any other AI is refused naming it.
//
// * GS1 Digital Link. An http(s) URI on any domain whose path holds a primary
//   key "/01/<8, 12, 13 or 14 digits>", "/00/<18 digits>" or "/414/<13
//   digits>" is a Digital Link; from the key on, the path must be AI/value
//   pairs, and query parameters with all-digit keys are AIs too (others, such
//   as linkType, are ignored). Values are percent-decoded ('+' stays '+') and
//   checked as above; a GTIN in 01 is padded to 14 digits. An http(s) URI
//   without such a key is plain text (a link to a web page).
//
// * Store codes, all upper case, written by our own label printer:
//     SE1:ORD:<order_ref>:<pickup_code>  order QR; pickup code 6-8 digits
//     SE1:BAG:<order_ref>:<n>/<m>        bag n of m, 1 <= n <= m <= 99
//     SE1:LOC:<zone>-<aisle>-<bin>       each [A-Z0-9]{1,4}
//     SE1:PKG:<package_id>               a package the store packed
//   order_ref and package_id are [A-Za-z0-9_-]{1,32}. Data that starts with
//   "SE1:" and does not fit is an error, never plain text.
//
// * Carrier tracking: UPS "1Z" + 16 of [A-Z0-9], whose last character is the
//   UPS mod-10 check digit (checked; the sample numbers in UPS's developer
//   documentation famously fail it, real labels pass).
//
// * Anything else that is printable UTF-8 is Kind::kText (a typed SKU, a
//   Code 128 of free text). Empty data, control characters (but GS in GS1
//   data), invalid UTF-8 and data longer than kMaxScanBytes are refused.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "edge/core/status.h"

namespace edge::core {

// The longest scan accepted, in bytes. QR codes top out at 7089 characters.
inline constexpr std::size_t kMaxScanBytes = 8192;

// One scan, understood. Which fields are set depends on `kind`.
struct Scan {
  enum class Kind {
    kGtin,      // a retail or trade item code: `gtin`
    kGs1,       // GS1 element string or Digital Link: `ais` (and `gtin` from AI 01)
    kOrder,     // SE1:ORD: `order_ref`, `pickup_code`
    kBag,       // SE1:BAG: `order_ref`, `bag_n`, `bag_m`
    kLocation,  // SE1:LOC: `location` ("A-12-3")
    kPackage,   // SE1:PKG: `package_id`
    kTracking,  // a carrier's tracking number: `tracking`, `carrier`
    kText,      // none of the above: `raw`
  };
  Kind kind = Kind::kText;
  std::string gtin;                        // GTIN-14 when known (kGtin, or AI 01 of kGs1)
  std::map<std::string, std::string> ais;  // GS1 AI -> value ("17" -> "260101")
  // The barcode symbology from the AIM id ("EAN-13", "UPC-E", "GS1-128",
  // "QR Code", ...). Without an AIM id, the data format that was recognised
  // ("EAN-13" for 13 digits, "GS1 Digital Link", "GS1 element string",
  // "GS1 human-readable"), or empty for text and store codes.
  std::string symbology;
  std::string aim_id;  // "]E0", or empty when the scanner sent none
  std::string order_ref, pickup_code, location, package_id;
  std::string tracking, carrier;  // "1Z...", "UPS"
  int bag_n = 0, bag_m = 0;
  std::string raw;  // the data as scanned, without AIM id and trailing CR/LF
};

// "gtin", "gs1", "order", "bag", "location", "package", "tracking", "text".
std::string_view ScanKindName(Scan::Kind kind);

// Parses one scan; see the conventions above. `aim_id`, when not empty, must
// be "]" + letter + digit or capital letter. Returns the Scan, or
// InvalidArgument naming what is wrong: the AIM id, the data (empty, too
// long, control character, bad UTF-8), a check digit, a GS1 AI and its value,
// the part of an SE1 code, or a UPS check digit.
Result<Scan> ParseScan(std::string_view text, std::string_view aim_id = {});

// True when `digits` is 2 or more ASCII digits whose last one is the GS1
// mod-10 check digit of the others (GTIN-8/12/13/14, SSCC, GLN, GSIN). To
// compute a check digit, use GtinCheckDigit in edge/core/gtin.h.
bool ValidGtinCheckDigit(std::string_view digits);

// Validates a GTIN of 8 (EAN-8; never UPC-E: call ExpandUpcE first), 12
// (UPC-A), 13 (EAN-13) or 14 (GTIN-14) digits and returns it as GTIN-14,
// left-padded with zeros: "012345678905" -> "00012345678905". InvalidArgument
// when it is not all digits, has another length, or the check digit is wrong
// ("UPC-A 012345678901: check digit is 1, expected 5").
Result<std::string> NormalizeGtin(std::string_view gtin);

// Expands an 8-digit UPC-E (number system 0 or 1, six digits, check digit) to
// its 12-digit UPC-A by the GS1 rules on the sixth digit: 0-2, 3, 4, 5-9.
// "04252614" -> "042100005264". The check digit is carried over unchanged
// (it is the UPC-A's); check it with ValidGtinCheckDigit. Returns "" when
// `upce` is not 8 digits with number system 0 or 1.
std::string ExpandUpcE(std::string_view upce);

}  // namespace edge::core
