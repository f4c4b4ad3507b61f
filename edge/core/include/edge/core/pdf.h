// PdfWriter: a small PDF 1.4 writer for the store's documents — packing
// slips and labels for ordinary (non-thermal) printers. It draws text in the
// PDF standard fonts (Helvetica, Helvetica-Bold, Courier; WinAnsi encoding,
// so Latin-1 text prints and other characters become '?'), straight lines,
// filled rectangles, and Code 128 symbols as filled rectangles. No images,
// no embedded fonts, no compression: a label is a few kilobytes anyway, and a
// plain file is easy to check.
//
// Coordinates are PDF points (1/72 inch) from the page's lower-left corner.
// The output is a pure function of the calls made (no dates, no ids), so the
// same document gives the same bytes.
//
// A value owned by one caller; not thread-safe. No I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "edge/core/code128.h"

namespace edge::core {

enum class PdfFont { kHelvetica, kHelveticaBold, kCourier };

// Points per inch and per millimetre, for page sizes.
inline constexpr double kPointsPerInch = 72.0;
inline constexpr double kPointsPerMm = 72.0 / 25.4;

class PdfWriter {
 public:
  // Starts a new page of the given size; drawing calls go to the last page.
  void BeginPage(double width_pt, double height_pt);

  // Text with its baseline starting at (x, y). UTF-8 in; control characters
  // are dropped.
  void Text(double x, double y, double size_pt, PdfFont font, std::string_view utf8);
  // The same, right-aligned so that the text ends at x.
  void TextRight(double x, double y, double size_pt, PdfFont font, std::string_view utf8);
  // The width the text takes (from the fonts' standard metrics).
  static double TextWidth(double size_pt, PdfFont font, std::string_view utf8);
  // `utf8` shortened, with "..." at the end, to fit `width_pt`.
  static std::string Fit(double width_pt, double size_pt, PdfFont font, std::string_view utf8);

  void Line(double x1, double y1, double x2, double y2, double width_pt);
  void FillRect(double x, double y, double width_pt, double height_pt);
  // Draws `symbol` with its lower-left corner at (x, y): each module is
  // `module_pt` wide and bars are `height_pt` tall. The caller keeps the
  // quiet zones (10 modules each side) free. Returns the symbol's width.
  double Barcode(double x, double y, double module_pt, double height_pt, const Code128Symbol& symbol);

  // The finished file. With no page begun, one empty A4 page is made.
  std::string Finish() const;

  std::size_t pages() const { return pages_.size(); }

 private:
  struct Page {
    double width = 0;
    double height = 0;
    std::string content;  // the page's content stream
  };
  Page& Current();

  std::vector<Page> pages_;
};

}  // namespace edge::core
