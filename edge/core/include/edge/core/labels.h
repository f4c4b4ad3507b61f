// Labels and documents the store prints: what is on them (plain values) and
// how they are rendered — ZPL II for thermal label printers, PDF for ordinary
// printers. Rendering is pure text generation: the printer driver
// (drivers/printing.h) only moves the bytes to a CUPS queue.
//
//   package label   4x6 in: ship-from, ship-to, carrier and tracking, order
//                   and package n of m, and the package's SSCC as a GS1-128
//                   barcode, AI (00), with its human-readable line.
//   bag label       4x2 in, pickup bags: order ref, the customer's short
//                   name, "BAG n OF m", the store's bag code
//                   SE1:BAG:<order_ref>:<n>/<m> (QR in ZPL; Code 128 in PDF,
//                   which draws no QR) and a Code 128 of the order ref.
//   location label  4x2 in: the location "Z-A-B" large, and its code
//                   SE1:LOC:<zone>-<aisle>-<bin> as Code 128.
//   packing slip    PDF only (A4 or US Letter): order ref, ship-to, lines
//                   with quantities; several pages when the lines need them.
//
// The codes follow the store's scheme in edge/core/barcode.h, and every code
// a label carries is checked with ParseScan before it is rendered, so a label
// the store prints is a label the store can scan.
//
// ZPL is for 203 dpi (8 dots/mm) printers, UTF-8 (^CI28); free text goes
// through ^FH hex escapes, so a '^' or '~' in a customer's name cannot end a
// field or inject a command. Text that does not fit is cut with "...".
//
// Pure functions over values; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/status.h"

namespace edge::core {

// ---- SSCC ----

// Builds an SSCC-18: extension digit (0-9), the GS1 company prefix (7 to 10
// digits), the serial reference (zero-padded to 16 minus the prefix's
// length), and the GS1 mod-10 check digit. InvalidArgument when the
// extension is not a digit, the prefix is not 7-10 digits, or the serial
// reference does not fit its digits (e.g. prefix "0614141" leaves 9 digits,
// so the serial must be below 10^9).
Result<std::string> MakeSscc(int extension_digit, std::string_view company_prefix, uint64_t serial_reference);

// OK when `sscc` is 18 digits with a valid check digit; otherwise
// InvalidArgument saying which rule fails.
Status ValidateSscc(std::string_view sscc);

// "(00) 106141410000000128": the human-readable line under the barcode.
std::string SsccHumanReadable(std::string_view sscc);

// ---- the store's codes ----

// "SE1:BAG:ORD-1001:2/3". InvalidArgument when the parts break the rules of
// edge/core/barcode.h (order ref [A-Za-z0-9_-]{1,32}, 1 <= n <= m <= 99).
Result<std::string> BagCode(std::string_view order_ref, int n, int m);
// "SE1:LOC:A-12-3"; each part [A-Z0-9]{1,4}.
Result<std::string> LocationCode(std::string_view zone, std::string_view aisle, std::string_view bin);

// ---- what is printed ----

struct PostalAddress {
  std::string name;                // person or company; required on ship-to
  std::vector<std::string> lines;  // street, city and postcode, country; up to 4 printed
};

struct PackageLabel {
  std::string sscc;        // 18 digits with check digit (MakeSscc)
  std::string order_ref;   // [A-Za-z0-9_-]{1,32}
  std::string package_id;  // [A-Za-z0-9_-]{1,32}
  int package_n = 1;       // package n of m, 1 <= n <= m <= 999
  int package_m = 1;
  PostalAddress ship_from;
  PostalAddress ship_to;
  std::string carrier;   // "UPS"; may be empty
  std::string service;   // "Ground"; may be empty
  std::string tracking;  // may be empty (not known yet)
  int weight_g = 0;      // 0: not printed
};

struct BagLabel {
  std::string order_ref;   // [A-Za-z0-9_-]{1,32}
  std::string short_name;  // the customer's short name, e.g. "SMITH J"; may be empty
  int bag_n = 1;           // bag n of m, 1 <= n <= m <= 99
  int bag_m = 1;
  std::string note;  // one line, e.g. "Hold until 2026-12-04" or the staging location; may be empty
};

struct LocationLabel {
  std::string zone, aisle, bin;  // each [A-Z0-9]{1,4}
  std::string caption;           // one line, e.g. "Pickup shelf"; may be empty
};

struct PackingSlip {
  struct Line {
    std::string sku;
    std::string description;
    int qty = 0;  // > 0
  };
  std::string order_ref;   // [A-Za-z0-9_-]{1,32}
  std::string store_name;  // heading, e.g. "Store S042 - Main Street"
  std::string date;        // as it should read, e.g. "2026-11-27" (the core reads no clock)
  PostalAddress ship_to;
  std::vector<Line> lines;  // at least one
  std::string note;         // printed at the end; may be empty
};

enum class Paper { kA4, kLetter };

// ---- ZPL (thermal printers, 203 dpi) ----
//
// Each returns one complete label (^XA ... ^XZ), or InvalidArgument naming
// the field that is wrong (a bad SSCC, an order ref outside the store's
// scheme, n > m, a control character in text).

Result<std::string> PackageLabelZpl(const PackageLabel& label);
Result<std::string> BagLabelZpl(const BagLabel& label);
Result<std::string> LocationLabelZpl(const LocationLabel& label);

// ---- PDF (ordinary printers) ----
//
// The same labels as one-page PDFs of the label's size (4x6 or 4x2 in), for
// printing on label stock or sheets, and the packing slip on `paper`. The
// same validation and errors as the ZPL functions.

Result<std::string> PackageLabelPdf(const PackageLabel& label);
Result<std::string> BagLabelPdf(const BagLabel& label);
Result<std::string> LocationLabelPdf(const LocationLabel& label);
Result<std::string> PackingSlipPdf(const PackingSlip& slip, Paper paper = Paper::kA4);

}  // namespace edge::core
