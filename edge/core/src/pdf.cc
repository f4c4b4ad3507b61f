#include "edge/core/pdf.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace edge::core {
namespace {

// Advance widths (1/1000 em) of ASCII 32..126 in the standard fonts' AFM
// metrics; Courier is 600 throughout.
constexpr std::array<int, 95> kHelvetica = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,  278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,  611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,  556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,  500, 334, 260, 334, 584};
constexpr std::array<int, 95> kHelveticaBold = {
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

// Decodes UTF-8 into WinAnsi (Windows-1252) bytes: Latin-1 maps to itself,
// the typographic quotes, dashes, ellipsis and euro sign to their cp1252
// codes, control characters are dropped, anything else (and malformed
// UTF-8) becomes '?'.
std::string ToWinAnsi(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      out += '?';
      ++i;
      continue;
    }
    bool ok = i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    i += len;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) continue;
    if (cp < 0x100) {
      out += static_cast<char>(cp);
      continue;
    }
    switch (cp) {
      case 0x20AC:
        out += '\x80';
        break;
      case 0x201A:
        out += '\x82';
        break;
      case 0x201E:
        out += '\x84';
        break;
      case 0x2026:
        out += '\x85';
        break;
      case 0x0160:
        out += '\x8A';
        break;
      case 0x0152:
        out += '\x8C';
        break;
      case 0x017D:
        out += '\x8E';
        break;
      case 0x2018:
        out += '\x91';
        break;
      case 0x2019:
        out += '\x92';
        break;
      case 0x201C:
        out += '\x93';
        break;
      case 0x201D:
        out += '\x94';
        break;
      case 0x2013:
        out += '\x96';
        break;
      case 0x2014:
        out += '\x97';
        break;
      case 0x2122:
        out += '\x99';
        break;
      case 0x0161:
        out += '\x9A';
        break;
      case 0x0153:
        out += '\x9C';
        break;
      case 0x017E:
        out += '\x9E';
        break;
      case 0x0178:
        out += '\x9F';
        break;
      default:
        out += '?';
        break;
    }
  }
  return out;
}

int Advance(PdfFont font, unsigned char c) {
  if (font == PdfFont::kCourier) return 600;
  if (c >= 32 && c <= 126) {
    return font == PdfFont::kHelveticaBold ? kHelveticaBold[c - 32] : kHelvetica[c - 32];
  }
  return 556;  // Latin-1 letters are mostly as wide as a digit
}

double WidthOf(double size, PdfFont font, std::string_view win_ansi) {
  int units = 0;
  for (char c : win_ansi) units += Advance(font, static_cast<unsigned char>(c));
  return units * size / 1000.0;
}

// A number as PDF writes it: at most two decimals, no exponent, no locale.
std::string Num(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// A PDF literal string: backslash, parentheses escaped.
std::string Literal(std::string_view win_ansi) {
  std::string out = "(";
  for (char c : win_ansi) {
    if (c == '\\' || c == '(' || c == ')') out += '\\';
    out += c;
  }
  return out + ")";
}

const char* FontResource(PdfFont font) {
  switch (font) {
    case PdfFont::kHelvetica:
      return "/F1";
    case PdfFont::kHelveticaBold:
      return "/F2";
    case PdfFont::kCourier:
      return "/F3";
  }
  return "/F1";
}

std::string Offset10(std::size_t v) {
  std::string s = std::to_string(v);
  return std::string(10 - s.size(), '0') + s;
}

}  // namespace

void PdfWriter::BeginPage(double width_pt, double height_pt) { pages_.push_back({width_pt, height_pt, {}}); }

PdfWriter::Page& PdfWriter::Current() {
  if (pages_.empty()) BeginPage(210 * kPointsPerMm, 297 * kPointsPerMm);
  return pages_.back();
}

void PdfWriter::Text(double x, double y, double size_pt, PdfFont font, std::string_view utf8) {
  const std::string text = ToWinAnsi(utf8);
  if (text.empty()) return;
  Current().content += "BT " + std::string(FontResource(font)) + " " + Num(size_pt) + " Tf " + Num(x) + " " +
                       Num(y) + " Td " + Literal(text) + " Tj ET\n";
}

void PdfWriter::TextRight(double x, double y, double size_pt, PdfFont font, std::string_view utf8) {
  Text(x - TextWidth(size_pt, font, utf8), y, size_pt, font, utf8);
}

double PdfWriter::TextWidth(double size_pt, PdfFont font, std::string_view utf8) {
  return WidthOf(size_pt, font, ToWinAnsi(utf8));
}

std::string PdfWriter::Fit(double width_pt, double size_pt, PdfFont font, std::string_view utf8) {
  if (TextWidth(size_pt, font, utf8) <= width_pt) return std::string(utf8);
  // Cut at code point boundaries until "…" fits.
  std::string s(utf8);
  while (!s.empty()) {
    do {
      s.pop_back();
    } while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80);
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    if (TextWidth(size_pt, font, s + "...") <= width_pt) return s + "...";
  }
  return "";
}

void PdfWriter::Line(double x1, double y1, double x2, double y2, double width_pt) {
  Current().content +=
      Num(width_pt) + " w " + Num(x1) + " " + Num(y1) + " m " + Num(x2) + " " + Num(y2) + " l S\n";
}

void PdfWriter::FillRect(double x, double y, double width_pt, double height_pt) {
  Current().content += Num(x) + " " + Num(y) + " " + Num(width_pt) + " " + Num(height_pt) + " re f\n";
}

double PdfWriter::Barcode(double x, double y, double module_pt, double height_pt,
                          const Code128Symbol& symbol) {
  std::string& c = Current().content;
  double at = x;
  for (std::size_t i = 0; i < symbol.widths.size(); ++i) {
    const double w = symbol.widths[i] * module_pt;
    if (i % 2 == 0) c += Num(at) + " " + Num(y) + " " + Num(w) + " " + Num(height_pt) + " re\n";
    at += w;
  }
  c += "f\n";
  return at - x;
}

std::string PdfWriter::Finish() const {
  std::vector<Page> pages = pages_;
  if (pages.empty()) pages.push_back({210 * kPointsPerMm, 297 * kPointsPerMm, {}});

  // Objects: 1 catalog, 2 page tree, 3-5 fonts, then a page and its content
  // stream per page.
  const std::size_t count = 5 + 2 * pages.size();
  std::vector<std::size_t> offsets(count + 1, 0);
  // The binary comment line tells transfer tools the file is not text.
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  auto object = [&](std::size_t id, const std::string& body) {
    offsets[id] = out.size();
    out += std::to_string(id) + " 0 obj\n" + body + "\nendobj\n";
  };
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (std::size_t p = 0; p < pages.size(); ++p) kids += (p ? " " : "") + std::to_string(6 + 2 * p) + " 0 R";
  object(2, "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  const char* fonts[] = {"Helvetica", "Helvetica-Bold", "Courier"};
  for (std::size_t f = 0; f < 3; ++f) {
    object(3 + f, std::string("<< /Type /Font /Subtype /Type1 /BaseFont /") + fonts[f] +
                      " /Encoding /WinAnsiEncoding >>");
  }
  for (std::size_t p = 0; p < pages.size(); ++p) {
    const std::size_t page_id = 6 + 2 * p;
    object(page_id, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + Num(pages[p].width) + " " +
                        Num(pages[p].height) +
                        "] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents " +
                        std::to_string(page_id + 1) + " 0 R >>");
    object(page_id + 1, "<< /Length " + std::to_string(pages[p].content.size()) + " >>\nstream\n" +
                            pages[p].content + "\nendstream");
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(count + 1) + "\n0000000000 65535 f \n";
  for (std::size_t id = 1; id <= count; ++id) out += Offset10(offsets[id]) + " 00000 n \n";
  out += "trailer\n<< /Size " + std::to_string(count + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace edge::core
