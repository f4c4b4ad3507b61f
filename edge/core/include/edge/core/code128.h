// Code 128 and GS1-128 symbols: the bars and spaces for a piece of data, for
// printers that are not told "draw a Code 128" but draw rectangles (the PDF
// labels). ZPL printers encode Code 128 themselves (^BC); this encoder is the
// one the store uses wherever it draws bars on its own.
//
// Pure functions over values; any thread.
#pragma once

#include <string_view>
#include <vector>

#include "edge/core/status.h"

namespace edge::core {

// One encoded symbol. `codes` are the symbol characters from the start code
// to the check character (without the stop); `widths` are the element widths
// in modules, bar first, alternating bar and space, from the start character
// through the stop pattern (the quiet zones of 10 modules on each side are
// not included).
struct Code128Symbol {
  std::vector<int> codes;
  std::vector<int> widths;
  int modules = 0;  // the sum of widths
};

// Encodes `data`: printable ASCII (32..126). Code set B carries text; runs of
// four or more digits switch to code set C (two digits per character), which
// keeps SSCCs and other numbers short. With `gs1`, FNC1 follows the start
// character (GS1-128) and every GS (ASCII 29) in `data` is encoded as FNC1,
// the separator after a variable-length AI. Returns InvalidArgument for
// empty data, a character outside that set, a GS without `gs1`, or more than
// 80 characters (longer symbols do not fit on any label and most scanners
// refuse them).
Result<Code128Symbol> EncodeCode128(std::string_view data, bool gs1 = false);

}  // namespace edge::core
