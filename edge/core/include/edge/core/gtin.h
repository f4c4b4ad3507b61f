// GTIN normalisation: every barcode a SKU answers to (GTIN-8, UPC-A, EAN-13,
// GTIN-14) is stored and looked up as a 14-digit GTIN, so that the UPC-A
// `012345678905` and the GTIN-14 `00012345678905` find the same item.
//
// This is the small normaliser the inventory replica needs; a full barcode
// parser (GS1 application identifiers, symbology prefixes) lives elsewhere.
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "edge/core/status.h"

namespace edge::core {

// The GS1 mod-10 check digit (0..9) of `body`, the digits of a GTIN without
// its check digit: weights 3,1,3,1… from the rightmost digit. `body` must be
// digits only (callers validate first).
int GtinCheckDigit(std::string_view body);

// Validates `code` as a GTIN-8, UPC-A (12 digits), EAN-13 or GTIN-14 and
// returns it left-padded with zeros to 14 digits. Fails with InvalidArgument
// when `code` is empty, holds anything but ASCII digits, has another length,
// or its last digit is not the mod-10 check digit of the others, e.g.
//   "gtin '012345678906': check digit is 6, expected 5".
// Long inputs are shortened in the message.
Result<std::string> NormalizeGtin14(std::string_view code);

}  // namespace edge::core
