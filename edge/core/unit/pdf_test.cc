#include "edge/core/pdf.h"

#include <gtest/gtest.h>

#include <string>

namespace edge::core {
namespace {

// The byte offset the xref table gives for object `id`.
std::size_t XrefOffset(const std::string& pdf, int id) {
  const std::size_t xref = pdf.rfind("\nxref\n") + 1;
  std::size_t line = pdf.find('\n', pdf.find('\n', xref) + 1) + 1;  // entry 0
  for (int i = 0; i < id; ++i) line = pdf.find('\n', line) + 1;
  return std::stoul(pdf.substr(line, 10));
}

TEST(PdfWriter, WritesAWellFormedFile) {
  PdfWriter pdf;
  pdf.BeginPage(288, 432);
  pdf.Text(10, 400, 12, PdfFont::kHelvetica, "Hello (world) \\ caf\xc3\xa9 \xe2\x82\xac \xe4\xb8\xad");
  pdf.Line(10, 390, 278, 390, 1.5);
  pdf.FillRect(10, 10, 20, 30.25);
  pdf.BeginPage(288, 144);
  const std::string out = pdf.Finish();

  EXPECT_EQ(out.rfind("%PDF-1.4\n", 0), 0u);
  EXPECT_EQ(out.substr(out.size() - 6), "%%EOF\n");
  EXPECT_EQ(pdf.pages(), 2u);
  EXPECT_NE(out.find("/Count 2"), std::string::npos);
  EXPECT_NE(out.find("/MediaBox [0 0 288 432]"), std::string::npos);
  // Parentheses and backslash escaped; é and € in WinAnsi; a CJK character
  // has no WinAnsi code and becomes '?'.
  EXPECT_NE(out.find("(Hello \\(world\\) \\\\ caf\xe9 \x80 ?) Tj"), std::string::npos);
  EXPECT_NE(out.find("1.5 w 10 390 m 278 390 l S"), std::string::npos);
  EXPECT_NE(out.find("10 10 20 30.25 re f"), std::string::npos);

  // Every xref entry points at "N 0 obj"; startxref at the xref table.
  for (int id = 1; id <= 9; ++id) {
    const std::size_t at = XrefOffset(out, id);
    EXPECT_EQ(out.substr(at, std::to_string(id).size() + 6), std::to_string(id) + " 0 obj") << id;
  }
  const std::size_t startxref = std::stoul(out.substr(out.rfind("startxref\n") + 10));
  EXPECT_EQ(out.substr(startxref, 5), "xref\n");
}

TEST(PdfWriter, StreamLengthIsExact) {
  PdfWriter pdf;
  pdf.BeginPage(100, 100);
  pdf.Text(1, 2, 3, PdfFont::kCourier, "x");
  const std::string out = pdf.Finish();
  const std::size_t len_at = out.find("/Length ") + 8;
  const std::size_t len = std::stoul(out.substr(len_at));
  const std::size_t data = out.find("stream\n", len_at) + 7;
  EXPECT_EQ(out.substr(data + len, 10), "\nendstream");
}

TEST(PdfWriter, MeasuresAndFitsText) {
  // Helvetica digits are 556/1000 em; Courier is 600 for every character.
  EXPECT_DOUBLE_EQ(PdfWriter::TextWidth(10, PdfFont::kHelvetica, "00"), 11.12);
  EXPECT_DOUBLE_EQ(PdfWriter::TextWidth(10, PdfFont::kCourier, "abc"), 18);
  EXPECT_EQ(PdfWriter::Fit(100, 10, PdfFont::kCourier, "short"), "short");
  const std::string cut = PdfWriter::Fit(30, 10, PdfFont::kCourier, "a long line");
  EXPECT_EQ(cut, "a ...");
  EXPECT_LE(PdfWriter::TextWidth(10, PdfFont::kCourier, cut), 30);
  // Never cuts a UTF-8 sequence in half.
  EXPECT_EQ(PdfWriter::Fit(30, 10, PdfFont::kCourier, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
            "\xc3\xa9\xc3\xa9...");
}

TEST(PdfWriter, DrawsBarcodeBarsOnly) {
  auto symbol = EncodeCode128("A");
  ASSERT_TRUE(symbol.ok());
  PdfWriter pdf;
  pdf.BeginPage(200, 100);
  const double width = pdf.Barcode(10, 20, 1, 30, *symbol);
  EXPECT_DOUBLE_EQ(width, symbol->modules);
  const std::string out = pdf.Finish();
  std::size_t bars = 0;
  for (std::size_t at = out.find(" re\n"); at != std::string::npos; at = out.find(" re\n", at + 1)) ++bars;
  EXPECT_EQ(bars, (symbol->widths.size() + 1) / 2);
  EXPECT_NE(out.find("10 20 2 30 re\n"), std::string::npos);  // start B begins with a 2-module bar
}

TEST(PdfWriter, SameCallsSameBytes) {
  auto make = [] {
    PdfWriter p;
    p.BeginPage(50, 50);
    p.Text(1, 1, 8, PdfFont::kHelveticaBold, "x");
    return p.Finish();
  };
  EXPECT_EQ(make(), make());
}

}  // namespace
}  // namespace edge::core
