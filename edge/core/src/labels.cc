#include "edge/core/labels.h"

#include <algorithm>
#include <cstdio>

#include "edge/core/barcode.h"
#include "edge/core/code128.h"
#include "edge/core/gtin.h"
#include "edge/core/pdf.h"

namespace edge::core {
namespace {

// ZPL geometry at 203 dpi.
constexpr int kDots4x6Width = 812;
constexpr int kDots4x6Height = 1218;
constexpr int kDots4x2Height = 406;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool AllDigits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsDigit); }

bool IsRef(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
  });
}

Status Invalid(const std::string& what, const std::string& field, const std::string& why) {
  return Status::InvalidArgument(what + ": " + field + " " + why);
}

// Free text on a label: any UTF-8 but control characters (which would end a
// line or a ZPL field in surprising places).
Status CheckText(const std::string& what, const std::string& field, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return Invalid(what, field, "holds a control character");
  }
  return Status::Ok();
}

Status CheckRef(const std::string& what, const std::string& field, std::string_view ref) {
  if (!IsRef(ref)) return Invalid(what, field, "'" + std::string(ref) + "' must be 1-32 of [A-Za-z0-9_-]");
  return Status::Ok();
}

Status CheckAddress(const std::string& what, const std::string& field, const PostalAddress& a) {
  EDGE_RETURN_IF_ERROR(CheckText(what, field + ".name", a.name));
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    EDGE_RETURN_IF_ERROR(CheckText(what, field + ".lines[" + std::to_string(i) + "]", a.lines[i]));
  }
  return Status::Ok();
}

// Number of code points (UTF-8 lead bytes).
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// `s` cut to at most `max` code points, ending in "..." when cut.
std::string Cut(std::string_view s, std::size_t max) {
  if (CodePoints(s) <= max) return std::string(s);
  std::string out;
  std::size_t n = 0;
  for (char c : s) {
    const bool lead = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (lead && ++n > max - 3) break;
    out += c;
  }
  return out + "...";
}

// ---- ZPL ----

// Text for ^FH^FD: the three characters that ZPL reads as commands or as the
// hex indicator become _XX escapes.
std::string ZplText(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '^') {
      out += "_5E";
    } else if (c == '~') {
      out += "_7E";
    } else if (c == '_') {
      out += "_5F";
    } else {
      out += c;
    }
  }
  return out;
}

class Zpl {
 public:
  Zpl(int width, int height) {
    // ^CI28: UTF-8; ^PW/^LL: the label's size; ^LH0,0: origin at the corner.
    z_ = "^XA\n^CI28\n^PW" + std::to_string(width) + "\n^LL" + std::to_string(height) + "\n^LH0,0\n";
    width_ = width;
  }
  // Text in the scalable font, cut to fit `width` dots (the font's glyphs
  // average well under 0.6 of its height).
  void Text(int x, int y, int h, std::string_view text, int width = 0) {
    if (text.empty()) return;
    if (width <= 0) width = width_ - x - 20;
    const auto max = static_cast<std::size_t>(std::max(4, width * 10 / (h * 6)));
    z_ += "^FO" + std::to_string(x) + "," + std::to_string(y) + "^A0N," + std::to_string(h) + "," +
          std::to_string(h) + "^FH^FD" + ZplText(Cut(text, max)) + "^FS\n";
  }
  // Text centred across the whole label.
  void Centered(int y, int h, std::string_view text) {
    z_ += "^FO0," + std::to_string(y) + "^A0N," + std::to_string(h) + "," + std::to_string(h) + "^FB" +
          std::to_string(width_) + ",1,0,C^FH^FD" + ZplText(text) + "^FS\n";
  }
  void HLine(int x, int y, int w, int thickness) {
    z_ += "^FO" + std::to_string(x) + "," + std::to_string(y) + "^GB" + std::to_string(w) + "," +
          std::to_string(thickness) + "," + std::to_string(thickness) + "^FS\n";
  }
  void Raw(const std::string& s) { z_ += s + "\n"; }
  std::string Done() { return z_ + "^XZ\n"; }

 private:
  std::string z_;
  int width_;
};

// The widest module (in dots, at most 4) with which `data` as Code 128, its
// quiet zones and a character of slack (the printer picks its own code sets)
// fit `width` dots; 0 when not even 2 dots do — narrower bars (0.125 mm at
// 203 dpi) do not scan reliably, so such a code is left off.
int ModuleDots(std::string_view data, int width) {
  auto s = EncodeCode128(data);
  if (!s.ok()) return 0;
  const int module = std::min(4, width / (s->modules + 20 + 11));
  return module >= 2 ? module : 0;
}

Status CheckPackage(const PackageLabel& l) {
  const std::string what = "package label";
  if (Status s = ValidateSscc(l.sscc); !s.ok()) return Invalid(what, "sscc", s.message());
  EDGE_RETURN_IF_ERROR(CheckRef(what, "order_ref", l.order_ref));
  EDGE_RETURN_IF_ERROR(CheckRef(what, "package_id", l.package_id));
  if (l.package_n < 1 || l.package_m < l.package_n || l.package_m > 999) {
    return Invalid(
        what, "package n of m",
        std::to_string(l.package_n) + " of " + std::to_string(l.package_m) + " must have 1 <= n <= m <= 999");
  }
  if (l.ship_to.name.empty()) return Invalid(what, "ship_to.name", "is empty");
  EDGE_RETURN_IF_ERROR(CheckAddress(what, "ship_from", l.ship_from));
  EDGE_RETURN_IF_ERROR(CheckAddress(what, "ship_to", l.ship_to));
  EDGE_RETURN_IF_ERROR(CheckText(what, "carrier", l.carrier));
  EDGE_RETURN_IF_ERROR(CheckText(what, "service", l.service));
  EDGE_RETURN_IF_ERROR(CheckText(what, "tracking", l.tracking));
  if (l.weight_g < 0) return Invalid(what, "weight_g", "is negative");
  return Status::Ok();
}

Status CheckBag(const BagLabel& l) {
  const std::string what = "bag label";
  EDGE_RETURN_IF_ERROR(CheckText(what, "short_name", l.short_name));
  EDGE_RETURN_IF_ERROR(CheckText(what, "note", l.note));
  auto code = BagCode(l.order_ref, l.bag_n, l.bag_m);
  if (!code.ok()) return Status::InvalidArgument(what + ": " + code.status().message());
  return Status::Ok();
}

Status CheckLocation(const LocationLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckText("location label", "caption", l.caption));
  auto code = LocationCode(l.zone, l.aisle, l.bin);
  if (!code.ok()) return Status::InvalidArgument("location label: " + code.status().message());
  return Status::Ok();
}

// "2.35 KG", rounded to 10 g.
std::string Weight(int grams) {
  const int tens = (grams + 5) / 10;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d.%02d KG", tens / 100, tens % 100);
  return buf;
}

// The largest height (dots, at most `max_h`, at least 24) at which `text`
// fits `width` dots whole.
int FitHeight(std::string_view text, int width, int max_h) {
  const int n = std::max<int>(1, static_cast<int>(CodePoints(text)));
  return std::clamp(width * 10 / (6 * n), 24, max_h);
}

std::string OfText(const char* what, int n, int m) {
  return std::string(what) + " " + std::to_string(n) + " OF " + std::to_string(m);
}

}  // namespace

// ---- SSCC ----

Result<std::string> MakeSscc(int extension_digit, std::string_view company_prefix,
                             uint64_t serial_reference) {
  if (extension_digit < 0 || extension_digit > 9) {
    return Status::InvalidArgument("sscc: extension digit " + std::to_string(extension_digit) +
                                   " must be 0-9");
  }
  if (!AllDigits(company_prefix) || company_prefix.size() < 7 || company_prefix.size() > 10) {
    return Status::InvalidArgument("sscc: GS1 company prefix '" + std::string(company_prefix) +
                                   "' must be 7 to 10 digits");
  }
  const std::size_t serial_digits = 16 - company_prefix.size();
  std::string serial = std::to_string(serial_reference);
  if (serial.size() > serial_digits) {
    return Status::InvalidArgument("sscc: serial reference " + serial + " does not fit the " +
                                   std::to_string(serial_digits) + " digits a " +
                                   std::to_string(company_prefix.size()) + "-digit company prefix leaves");
  }
  std::string body = std::to_string(extension_digit) + std::string(company_prefix) +
                     std::string(serial_digits - serial.size(), '0') + serial;
  return body + static_cast<char>('0' + GtinCheckDigit(body));
}

Status ValidateSscc(std::string_view sscc) {
  if (sscc.size() != 18 || !AllDigits(sscc)) {
    return Status::InvalidArgument("sscc '" + std::string(sscc.substr(0, 40)) + "' must be 18 digits");
  }
  const int expected = GtinCheckDigit(sscc.substr(0, 17));
  if (sscc[17] - '0' != expected) {
    return Status::InvalidArgument("sscc '" + std::string(sscc) + "': check digit is " + sscc[17] +
                                   ", expected " + std::to_string(expected));
  }
  return Status::Ok();
}

std::string SsccHumanReadable(std::string_view sscc) { return "(00) " + std::string(sscc); }

// ---- codes ----

Result<std::string> BagCode(std::string_view order_ref, int n, int m) {
  if (n < 1 || m < n || m > 99) {
    return Status::InvalidArgument("bag " + std::to_string(n) + " of " + std::to_string(m) +
                                   " must have 1 <= n <= m <= 99");
  }
  std::string code = "SE1:BAG:" + std::string(order_ref) + ":" + std::to_string(n) + "/" + std::to_string(m);
  // The scanner's parser is the judge: what it refuses is never printed.
  auto scan = ParseScan(code);
  if (!scan.ok()) return scan.status();
  return code;
}

Result<std::string> LocationCode(std::string_view zone, std::string_view aisle, std::string_view bin) {
  std::string code = "SE1:LOC:" + std::string(zone) + "-" + std::string(aisle) + "-" + std::string(bin);
  auto scan = ParseScan(code);
  if (!scan.ok()) return scan.status();
  return code;
}

// ---- ZPL ----

Result<std::string> PackageLabelZpl(const PackageLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckPackage(l));
  Zpl z(kDots4x6Width, kDots4x6Height);
  // Ship-from, small, top left; carrier large, top right.
  z.Text(30, 30, 22, "FROM:", 480);
  z.Text(30, 58, 26, l.ship_from.name, 480);
  int y = 90;
  for (std::size_t i = 0; i < l.ship_from.lines.size() && i < 3; ++i, y += 30) {
    z.Text(30, y, 26, l.ship_from.lines[i], 480);
  }
  z.Text(540, 30, 70, l.carrier, 250);
  z.Text(540, 110, 30, l.service, 250);
  z.HLine(30, 190, 752, 4);
  // Ship-to, the largest text: it is what the carrier reads.
  z.Text(30, 210, 26, "SHIP TO:");
  z.Text(60, 245, 52, l.ship_to.name);
  y = 305;
  for (std::size_t i = 0; i < l.ship_to.lines.size() && i < 4; ++i, y += 50) {
    z.Text(60, y, 44, l.ship_to.lines[i]);
  }
  z.HLine(30, 520, 752, 4);
  z.Text(30, 540, 34, "ORDER " + l.order_ref, 440);
  z.Text(500, 540, 34, OfText("PKG", l.package_n, l.package_m), 290);
  z.Text(30, 585, 28, "PACKAGE " + l.package_id, 440);
  if (l.weight_g > 0) z.Text(500, 585, 28, Weight(l.weight_g), 290);
  if (!l.tracking.empty()) {
    z.Text(30, 630, 26, "TRACKING #:");
    z.Text(30, 662, 44, l.tracking);
  }
  z.HLine(30, 720, 752, 4);
  z.Text(30, 740, 26, "SSCC");
  // GS1-128: >; starts code set C, >8 is FNC1; AI 00 and the 18 digits make
  // 20 digits, ten code C pairs. Module 4 dots (0.5 mm, GS1's logistic
  // label minimum is 0.495 mm): 156 modules = 624 dots, centred.
  z.Raw("^FO94,775^BY4^BCN,250,N,N,N^FD>;>800" + l.sscc + "^FS");
  z.Centered(1045, 40, SsccHumanReadable(l.sscc));
  return z.Done();
}

Result<std::string> BagLabelZpl(const BagLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckBag(l));
  const std::string code = *BagCode(l.order_ref, l.bag_n, l.bag_m);
  Zpl z(kDots4x6Width, kDots4x2Height);
  // QR, model 2, 7 dots a module, error correction M, automatic data mode.
  z.Raw("^FO20,20^BQN,2,7^FDMA," + code + "^FS");
  z.Text(270, 25, FitHeight(l.order_ref, kDots4x6Width - 290, 56), l.order_ref);
  z.Text(270, 90, 44, l.short_name);
  z.Text(270, 145, 64, OfText("BAG", l.bag_n, l.bag_m));
  z.Text(270, 218, 28, l.note);
  // Code 128 of the order ref across the bottom, automatic code sets (mode
  // A), with its text; left off when the ref is too long to scan at this
  // width (the QR above carries it too).
  if (const int module = ModuleDots(l.order_ref, kDots4x6Width - 40); module > 0) {
    const int width = module * EncodeCode128(l.order_ref)->modules;
    z.Raw("^FO" + std::to_string(std::max(20, (kDots4x6Width - width) / 2)) + ",262^BY" +
          std::to_string(module) + "^BCN,90,Y,N,N,A^FD" + l.order_ref + "^FS");
  }
  return z.Done();
}

Result<std::string> LocationLabelZpl(const LocationLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckLocation(l));
  const std::string code = *LocationCode(l.zone, l.aisle, l.bin);
  const std::string name = l.zone + "-" + l.aisle + "-" + l.bin;
  Zpl z(kDots4x6Width, kDots4x2Height);
  z.Centered(20, 130, name);
  z.Text(30, 160, 32, l.caption);
  // Location codes are at most 22 characters: they always fit.
  const int module = std::max(2, ModuleDots(code, kDots4x6Width - 40));
  const int width = module * EncodeCode128(code)->modules;
  z.Raw("^FO" + std::to_string(std::max(20, (kDots4x6Width - width) / 2)) + ",205^BY" +
        std::to_string(module) + "^BCN,130,Y,N,N,A^FD" + code + "^FS");
  return z.Done();
}

// ---- PDF ----

namespace {

constexpr double kLabelWidth = 4 * kPointsPerInch;

// Draws `symbol` centred on the page width, with bars as wide as fit (at most
// `max_module` points).
void CenteredBarcode(PdfWriter& pdf, double page_width, double y, double height, double max_module,
                     const Code128Symbol& symbol) {
  const double module = std::min(max_module, (page_width - 20) / (symbol.modules + 20));
  const double width = module * symbol.modules;
  pdf.Barcode((page_width - width) / 2, y, module, height, symbol);
}

void CenteredText(PdfWriter& pdf, double page_width, double y, double size, PdfFont font,
                  std::string_view text) {
  pdf.Text((page_width - PdfWriter::TextWidth(size, font, text)) / 2, y, size, font, text);
}

}  // namespace

Result<std::string> PackageLabelPdf(const PackageLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckPackage(l));
  const double w = kLabelWidth, h = 6 * kPointsPerInch;
  PdfWriter pdf;
  pdf.BeginPage(w, h);
  const auto hv = PdfFont::kHelvetica, bold = PdfFont::kHelveticaBold;
  pdf.Text(10, h - 16, 7, hv, "FROM:");
  pdf.Text(10, h - 26, 9, hv, PdfWriter::Fit(170, 9, hv, l.ship_from.name));
  double y = h - 36;
  for (std::size_t i = 0; i < l.ship_from.lines.size() && i < 3; ++i, y -= 10) {
    pdf.Text(10, y, 8, hv, PdfWriter::Fit(170, 8, hv, l.ship_from.lines[i]));
  }
  pdf.TextRight(w - 10, h - 32, 22, bold, PdfWriter::Fit(90, 22, bold, l.carrier));
  pdf.TextRight(w - 10, h - 46, 10, hv, PdfWriter::Fit(90, 10, hv, l.service));
  pdf.Line(10, h - 72, w - 10, h - 72, 1.5);
  pdf.Text(10, h - 84, 8, hv, "SHIP TO:");
  pdf.Text(20, h - 102, 15, bold, PdfWriter::Fit(w - 30, 15, bold, l.ship_to.name));
  y = h - 120;
  for (std::size_t i = 0; i < l.ship_to.lines.size() && i < 4; ++i, y -= 16) {
    pdf.Text(20, y, 13, hv, PdfWriter::Fit(w - 30, 13, hv, l.ship_to.lines[i]));
  }
  pdf.Line(10, h - 190, w - 10, h - 190, 1.5);
  pdf.Text(10, h - 205, 11, bold, PdfWriter::Fit(170, 11, bold, "ORDER " + l.order_ref));
  pdf.TextRight(w - 10, h - 205, 11, bold, OfText("PKG", l.package_n, l.package_m));
  pdf.Text(10, h - 220, 9, hv, PdfWriter::Fit(170, 9, hv, "PACKAGE " + l.package_id));
  if (l.weight_g > 0) pdf.TextRight(w - 10, h - 220, 9, hv, Weight(l.weight_g));
  if (!l.tracking.empty()) {
    pdf.Text(10, h - 236, 7, hv, "TRACKING #:");
    pdf.Text(10, h - 252, 14, bold, PdfWriter::Fit(w - 20, 14, bold, l.tracking));
  }
  pdf.Line(10, h - 264, w - 10, h - 264, 1.5);
  pdf.Text(10, h - 276, 7, hv, "SSCC");
  std::string data = "00" + l.sscc;
  auto symbol = EncodeCode128(data, /*gs1=*/true);
  if (!symbol.ok()) return symbol.status();
  CenteredBarcode(pdf, w, 48, 80, 1.5, *symbol);
  CenteredText(pdf, w, 32, 12, hv, SsccHumanReadable(l.sscc));
  return pdf.Finish();
}

Result<std::string> BagLabelPdf(const BagLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckBag(l));
  const std::string code = *BagCode(l.order_ref, l.bag_n, l.bag_m);
  const double w = kLabelWidth, h = 2 * kPointsPerInch;
  PdfWriter pdf;
  pdf.BeginPage(w, h);
  const auto hv = PdfFont::kHelvetica, bold = PdfFont::kHelveticaBold;
  pdf.Text(10, h - 22, 16, bold, PdfWriter::Fit(150, 16, bold, l.order_ref));
  pdf.TextRight(w - 10, h - 22, 16, bold, OfText("BAG", l.bag_n, l.bag_m));
  pdf.Text(10, h - 40, 12, hv, PdfWriter::Fit(w - 20, 12, hv, l.short_name));
  pdf.Text(10, h - 53, 8, hv, PdfWriter::Fit(w - 20, 8, hv, l.note));
  auto symbol = EncodeCode128(code);
  if (!symbol.ok()) return symbol.status();
  CenteredBarcode(pdf, w, 24, 40, 1.2, *symbol);
  CenteredText(pdf, w, 12, 8, PdfFont::kCourier, code);
  return pdf.Finish();
}

Result<std::string> LocationLabelPdf(const LocationLabel& l) {
  EDGE_RETURN_IF_ERROR(CheckLocation(l));
  const std::string code = *LocationCode(l.zone, l.aisle, l.bin);
  const double w = kLabelWidth, h = 2 * kPointsPerInch;
  PdfWriter pdf;
  pdf.BeginPage(w, h);
  const auto bold = PdfFont::kHelveticaBold;
  CenteredText(pdf, w, h - 42, 36, bold, l.zone + "-" + l.aisle + "-" + l.bin);
  pdf.Text(10, h - 58, 9, PdfFont::kHelvetica, PdfWriter::Fit(w - 20, 9, PdfFont::kHelvetica, l.caption));
  auto symbol = EncodeCode128(code);
  if (!symbol.ok()) return symbol.status();
  CenteredBarcode(pdf, w, 24, 40, 1.4, *symbol);
  CenteredText(pdf, w, 12, 8, PdfFont::kCourier, code);
  return pdf.Finish();
}

Result<std::string> PackingSlipPdf(const PackingSlip& s, Paper paper) {
  const std::string what = "packing slip";
  EDGE_RETURN_IF_ERROR(CheckRef(what, "order_ref", s.order_ref));
  EDGE_RETURN_IF_ERROR(CheckText(what, "store_name", s.store_name));
  EDGE_RETURN_IF_ERROR(CheckText(what, "date", s.date));
  EDGE_RETURN_IF_ERROR(CheckText(what, "note", s.note));
  EDGE_RETURN_IF_ERROR(CheckAddress(what, "ship_to", s.ship_to));
  if (s.lines.empty()) return Status::InvalidArgument(what + ": lines: none (a slip lists what is packed)");
  for (std::size_t i = 0; i < s.lines.size(); ++i) {
    const std::string field = "lines[" + std::to_string(i) + "]";
    EDGE_RETURN_IF_ERROR(CheckText(what, field + ".sku", s.lines[i].sku));
    EDGE_RETURN_IF_ERROR(CheckText(what, field + ".description", s.lines[i].description));
    if (s.lines[i].qty <= 0) {
      return Invalid(what, field + ".qty", std::to_string(s.lines[i].qty) + " must be positive");
    }
  }
  auto ref_symbol = EncodeCode128(s.order_ref);
  if (!ref_symbol.ok()) return ref_symbol.status();

  const double w = paper == Paper::kA4 ? 210 * kPointsPerMm : 8.5 * kPointsPerInch;
  const double h = paper == Paper::kA4 ? 297 * kPointsPerMm : 11 * kPointsPerInch;
  const double left = 50, right = w - 50, bottom = 70, row = 16;
  const auto hv = PdfFont::kHelvetica, bold = PdfFont::kHelveticaBold;
  const double x_qty = left, x_sku = left + 50, x_desc = left + 180;

  // Pages: the first has the heading and address; every page a table header.
  const double first_rows_top = h - 250, next_rows_top = h - 110;
  const auto rows_on = [&](double top) { return static_cast<std::size_t>((top - bottom) / row); };
  std::size_t page_count = 1;
  for (std::size_t left_over =
           s.lines.size() > rows_on(first_rows_top) ? s.lines.size() - rows_on(first_rows_top) : 0;
       left_over > 0; ++page_count) {
    left_over = left_over > rows_on(next_rows_top) ? left_over - rows_on(next_rows_top) : 0;
  }

  PdfWriter pdf;
  std::size_t next = 0;
  int total_qty = 0;
  for (const auto& line : s.lines) total_qty += line.qty;
  for (std::size_t page = 1; page <= page_count; ++page) {
    pdf.BeginPage(w, h);
    double y;
    pdf.Text(left, h - 60, 16, bold, PdfWriter::Fit(right - left - 160, 16, bold, s.store_name));
    pdf.TextRight(right, h - 60, 20, bold, "PACKING SLIP");
    pdf.Text(left, h - 80, 11, hv, "Order " + s.order_ref + (s.date.empty() ? "" : "   " + s.date));
    if (page == 1) {
      pdf.Barcode(right - ref_symbol->modules * 1.0, h - 120, 1.0, 28, *ref_symbol);
      pdf.Text(left, h - 120, 9, hv, "SHIP TO:");
      pdf.Text(left, h - 136, 12, bold, PdfWriter::Fit(280, 12, bold, s.ship_to.name));
      y = h - 152;
      for (std::size_t i = 0; i < s.ship_to.lines.size() && i < 4; ++i, y -= 14) {
        pdf.Text(left, y, 11, hv, PdfWriter::Fit(280, 11, hv, s.ship_to.lines[i]));
      }
      y = first_rows_top;
    } else {
      y = next_rows_top;
    }
    pdf.Text(x_qty, y + 6, 10, bold, "QTY");
    pdf.Text(x_sku, y + 6, 10, bold, "SKU");
    pdf.Text(x_desc, y + 6, 10, bold, "DESCRIPTION");
    pdf.Line(left, y + 2, right, y + 2, 0.75);
    y -= row - 4;
    const std::size_t rows = rows_on(page == 1 ? first_rows_top : next_rows_top);
    for (std::size_t r = 0; r < rows && next < s.lines.size(); ++r, ++next, y -= row) {
      const auto& line = s.lines[next];
      pdf.TextRight(x_qty + 24, y, 11, hv, std::to_string(line.qty));
      pdf.Text(x_sku, y, 11, PdfFont::kCourier,
               PdfWriter::Fit(x_desc - x_sku - 8, 11, PdfFont::kCourier, line.sku));
      pdf.Text(x_desc, y, 11, hv, PdfWriter::Fit(right - x_desc, 11, hv, line.description));
    }
    if (page == page_count) {
      pdf.Line(left, y + row - 4, right, y + row - 4, 0.75);
      pdf.Text(left, y - 4, 11, bold,
               std::to_string(total_qty) + (total_qty == 1 ? " item" : " items") + " in " +
                   std::to_string(s.lines.size()) + (s.lines.size() == 1 ? " line" : " lines"));
      if (!s.note.empty()) pdf.Text(left, y - 24, 10, hv, PdfWriter::Fit(right - left, 10, hv, s.note));
    }
    pdf.TextRight(right, 40, 9, hv, "Page " + std::to_string(page) + " of " + std::to_string(page_count));
  }
  return pdf.Finish();
}

}  // namespace edge::core
