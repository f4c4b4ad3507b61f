// Label correctness end to end: the labels edge/core renders are drawn as a
// printer would draw them and their barcodes read back by a barcode reader,
// and what is read must be what was meant.
//
//  - ZPL: rendered to PNG offline by zpl-renderer-js (Zebrash in WebAssembly)
//    through tests/tools/render-zpl.cjs (npm ci --prefix tests/tools).
//  - PDF: rasterised by pdftoppm (poppler-utils).
//  - Decoded by zbarimg (zbar-tools), whose XML output names the symbology
//    and, for GS1-128, the GS1 modifier (FNC1 in first position).
//  - The decoded text is then parsed by the store's own scanner parser
//    (core::ParseScan), so a label the store prints is a label it can scan.
//
// STOREEDGE_LABEL_PNG_DIR=<dir> keeps the PNGs there (docs/labels/ holds a
// few, made so).
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "edge/core/barcode.h"
#include "edge/core/labels.h"
#include "edge/testing/process.h"
#include "edge/testing/temp_dir.h"

namespace edge::core {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

std::string SourceDir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().string();
}

struct Symbol {
  std::string type;       // "CODE-128", "QR-Code"
  std::string modifiers;  // "GS1" when FNC1 came first
  std::string data;
};

// Runs argv (argv[0] looked up on PATH) with output in `dir`; returns the
// exit code, stdout in *out and stderr in *err.
int RunIn(const TempDir& dir, std::vector<std::string> argv, std::string* out, std::string* err) {
  testing::Process::Options o;
  o.argv = {"/usr/bin/env"};
  o.argv.insert(o.argv.end(), argv.begin(), argv.end());
  o.stdout_path = dir.File("run.out");
  o.stderr_path = dir.File("run.err");
  testing::Process p(o);
  auto code = p.Wait(std::chrono::seconds(90));
  if (out) *out = ReadFile(o.stdout_path);
  if (err) *err = ReadFile(o.stderr_path);
  return code ? *code : -1;
}

std::string RendererPath() { return SourceDir() + "/tests/tools/node_modules/zpl-renderer-js/package.json"; }

class LabelRender : public ::testing::Test {
 protected:
  struct ZplLabel {
    std::string name;
    std::string zpl;
    double width_in, height_in;
  };

  static PackageLabel Package() {
    PackageLabel l;
    l.sscc = *MakeSscc(1, "0614141", 123456789);
    l.order_ref = "ORD-10023";
    l.package_id = "PKG-10023-1";
    l.package_n = 1;
    l.package_m = 2;
    l.ship_from = {"Store S042 Main Street", {"1 Main Street", "Springfield IL 62701"}};
    l.ship_to = {"Jane Doe", {"22 Elm Road", "Apt 4", "Shelbyville IL 62565", "USA"}};
    l.carrier = "UPS";
    l.service = "Ground";
    l.tracking = "1Z999AA10123456784";
    l.weight_g = 2345;
    return l;
  }

  // Every ZPL label the tests check. Loading the renderer takes seconds, so
  // all are rendered in one run before the tests.
  static std::vector<ZplLabel> ZplLabels() {
    return {
        {"package-label-4x6", PackageLabelZpl(Package()).value(), 4, 6},
        {"bag-label-4x2", BagLabelZpl({"ORD-10023", "SMITH J", 2, 3, "Pickup shelf P-01"}).value(), 4, 2},
        {"bag-label-long",
         BagLabelZpl({"ORDER_2026-11-27_abcdefg", "VERY LONG CUSTOMER NAME THAT DOES NOT FIT", 12, 99, ""})
             .value(),
         4, 2},
        {"bag-label-longest", BagLabelZpl({"ORDER_2026-11-27_abcdefghij01234", "", 1, 1, ""}).value(), 4, 2},
        {"location-label-4x2", LocationLabelZpl({"A", "12", "3", "Pickup shelf"}).value(), 4, 2},
    };
  }

  // Renders ZplLabels() once per process.
  static void RenderZplLabels() {
    if (batch_) return;
    batch_ = new TempDir;
    std::string list;
    for (const auto& l : ZplLabels()) {
      WriteFile(batch_->File(l.name + ".zpl"), l.zpl);
      list += batch_->File(l.name + ".zpl") + "\t" + batch_->File(l.name + ".png") + "\t" +
              std::to_string(l.width_in * 25.4) + "\t" + std::to_string(l.height_in * 25.4) + "\t8\n";
    }
    WriteFile(batch_->File("batch.tsv"), list);
    batch_code_ = RunIn(
        *batch_, {"node", SourceDir() + "/tests/tools/render-zpl.cjs", "--batch", batch_->File("batch.tsv")},
        nullptr, &batch_err_);
  }
  static void TearDownTestSuite() {
    delete batch_;
    batch_ = nullptr;
  }

  int Run(std::vector<std::string> argv, std::string* out = nullptr) {
    return RunIn(dir_, std::move(argv), out, &last_err_);
  }

  // The PNG of the label `name` (of ZplLabels()), after checking that
  // `zpl` is what was rendered.
  std::string RenderedZpl(const std::string& name, const std::string& zpl) {
    EXPECT_EQ(ReadFile(batch_->File(name + ".zpl")), zpl) << name;
    const std::string png = batch_->File(name + ".png");
    Keep(png);
    return png;
  }

  std::string RenderPdf(const std::string& name, const std::string& pdf) {
    const std::string in = dir_.File(name + ".pdf"), prefix = dir_.File(name);
    WriteFile(in, pdf);
    const int code = Run({"pdftoppm", "-r", "300", "-png", "-singlefile", in, prefix});
    EXPECT_EQ(code, 0) << last_err_;
    Keep(prefix + ".png");
    return prefix + ".png";
  }

  void Keep(const std::string& png) {
    if (const char* keep = std::getenv("STOREEDGE_LABEL_PNG_DIR"); keep && *keep) {
      std::filesystem::copy_file(png, std::filesystem::path(keep) / std::filesystem::path(png).filename(),
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }

  std::vector<Symbol> Decode(const std::string& png) {
    std::string xml;
    const int code = Run({"zbarimg", "--xml", "-q", "--nodbus", png}, &xml);
    EXPECT_EQ(code, 0) << "zbarimg found no barcode in " << png << ": " << last_err_;
    std::vector<Symbol> out;
    static const std::regex kSymbol(
        R"(<symbol type='([^']+)'([^>]*)>\s*<data><!\[CDATA\[([\s\S]*?)\]\]></data>)");
    static const std::regex kModifiers(R"(modifiers='([^']*)')");
    for (std::sregex_iterator it(xml.begin(), xml.end(), kSymbol), end; it != end; ++it) {
      Symbol s{(*it)[1], "", (*it)[3]};
      const std::string attrs = (*it)[2];
      std::smatch m;
      if (std::regex_search(attrs, m, kModifiers)) s.modifiers = m[1];
      out.push_back(std::move(s));
    }
    return out;
  }

  static const Symbol* Find(const std::vector<Symbol>& symbols, const std::string& type) {
    for (const auto& s : symbols) {
      if (s.type == type) return &s;
    }
    return nullptr;
  }

  // The GS1-128 SSCC as meant: FNC1 first, AI 00, 18 digits whose check
  // digit the store's parser accepts.
  static void ExpectSscc(const std::vector<Symbol>& symbols, const std::string& sscc) {
    const Symbol* c = Find(symbols, "CODE-128");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->modifiers, "GS1");
    EXPECT_EQ(c->data, "00" + sscc);
    auto scan = ParseScan(c->data, "]C1");
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    EXPECT_EQ(scan->kind, Scan::Kind::kGs1);
    EXPECT_EQ(scan->ais.at("00"), sscc);
    EXPECT_TRUE(ValidGtinCheckDigit(scan->ais.at("00")));
  }

  static void ExpectBag(const std::string& text, const std::string& ref, int n, int m) {
    auto scan = ParseScan(text);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    EXPECT_EQ(scan->kind, Scan::Kind::kBag);
    EXPECT_EQ(scan->order_ref, ref);
    EXPECT_EQ(scan->bag_n, n);
    EXPECT_EQ(scan->bag_m, m);
  }

  // The ZPL checks; one test runs them all, so that the renderer loads once
  // (ctest runs every test in its own process).
  void CheckPackageZpl();
  void CheckBagZpl();
  void CheckLongBagZpl();
  void CheckLocationZpl();

  static inline TempDir* batch_ = nullptr;
  static inline int batch_code_ = -1;
  static inline std::string batch_err_;
  TempDir dir_;
  std::string last_err_;
};

void LabelRender::CheckPackageZpl() {
  auto zpl = PackageLabelZpl(Package());
  ASSERT_TRUE(zpl.ok()) << zpl.status().ToString();
  const auto symbols = Decode(RenderedZpl("package-label-4x6", *zpl));
  ASSERT_EQ(symbols.size(), 1u);
  ExpectSscc(symbols, "106141411234567897");
}

void LabelRender::CheckBagZpl() {
  auto zpl = BagLabelZpl({"ORD-10023", "SMITH J", 2, 3, "Pickup shelf P-01"});
  ASSERT_TRUE(zpl.ok()) << zpl.status().ToString();
  const auto symbols = Decode(RenderedZpl("bag-label-4x2", *zpl));
  const Symbol* qr = Find(symbols, "QR-Code");
  ASSERT_NE(qr, nullptr);
  EXPECT_EQ(qr->data, "SE1:BAG:ORD-10023:2/3");
  ExpectBag(qr->data, "ORD-10023", 2, 3);
  const Symbol* ref = Find(symbols, "CODE-128");
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(ref->data, "ORD-10023");
  EXPECT_EQ(ref->modifiers, "");
}

void LabelRender::CheckLongBagZpl() {
  // 24 characters still fit as Code 128 with 2-dot bars under the QR.
  std::string ref = "ORDER_2026-11-27_abcdefg";
  auto zpl = BagLabelZpl({ref, "VERY LONG CUSTOMER NAME THAT DOES NOT FIT", 12, 99, ""});
  ASSERT_TRUE(zpl.ok()) << zpl.status().ToString();
  auto symbols = Decode(RenderedZpl("bag-label-long", *zpl));
  const Symbol* qr = Find(symbols, "QR-Code");
  ASSERT_NE(qr, nullptr);
  ExpectBag(qr->data, ref, 12, 99);
  const Symbol* c = Find(symbols, "CODE-128");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->data, ref);

  // 32, the most allowed, would need bars too thin to scan: the Code 128 is
  // left off and the QR carries the ref.
  ref = "ORDER_2026-11-27_abcdefghij01234";
  ASSERT_EQ(ref.size(), 32u);
  zpl = BagLabelZpl({ref, "", 1, 1, ""});
  ASSERT_TRUE(zpl.ok());
  EXPECT_EQ(zpl->find("^BC"), std::string::npos);
  symbols = Decode(RenderedZpl("bag-label-longest", *zpl));
  ASSERT_EQ(symbols.size(), 1u);
  ExpectBag(symbols[0].data, ref, 1, 1);
}

void LabelRender::CheckLocationZpl() {
  auto zpl = LocationLabelZpl({"A", "12", "3", "Pickup shelf"});
  ASSERT_TRUE(zpl.ok());
  const auto symbols = Decode(RenderedZpl("location-label-4x2", *zpl));
  const Symbol* c = Find(symbols, "CODE-128");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->data, "SE1:LOC:A-12-3");
  auto scan = ParseScan(c->data);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->kind, Scan::Kind::kLocation);
  EXPECT_EQ(scan->location, "A-12-3");
}

TEST_F(LabelRender, ZplLabelsScanAsMeant) {
  ASSERT_TRUE(std::filesystem::exists(RendererPath()))
      << "zpl-renderer-js is missing: run `npm ci --prefix " << SourceDir() << "/tests/tools`";
  RenderZplLabels();
  ASSERT_EQ(batch_code_, 0) << "render-zpl.cjs failed: " << batch_err_;
  {
    SCOPED_TRACE("4x6 package label: GS1-128 SSCC");
    CheckPackageZpl();
  }
  {
    SCOPED_TRACE("4x2 bag label: QR bag code, Code 128 order ref");
    CheckBagZpl();
  }
  {
    SCOPED_TRACE("bag labels with long order refs");
    CheckLongBagZpl();
  }
  {
    SCOPED_TRACE("location label");
    CheckLocationZpl();
  }
}

TEST_F(LabelRender, PackageLabelPdfScansAsTheSscc) {
  auto pdf = PackageLabelPdf(Package());
  ASSERT_TRUE(pdf.ok());
  const auto symbols = Decode(RenderPdf("package-label-4x6-pdf", *pdf));
  ASSERT_EQ(symbols.size(), 1u);
  ExpectSscc(symbols, "106141411234567897");
}

TEST_F(LabelRender, BagAndLocationLabelPdfsScan) {
  auto bag = BagLabelPdf({"ORD-10023", "SMITH J", 1, 2, ""});
  ASSERT_TRUE(bag.ok());
  auto symbols = Decode(RenderPdf("bag-label-4x2-pdf", *bag));
  ASSERT_EQ(symbols.size(), 1u);
  EXPECT_EQ(symbols[0].type, "CODE-128");
  ExpectBag(symbols[0].data, "ORD-10023", 1, 2);

  auto loc = LocationLabelPdf({"B", "7", "14", ""});
  ASSERT_TRUE(loc.ok());
  symbols = Decode(RenderPdf("location-label-4x2-pdf", *loc));
  ASSERT_EQ(symbols.size(), 1u);
  EXPECT_EQ(symbols[0].data, "SE1:LOC:B-7-14");
}

TEST_F(LabelRender, PackingSlipCarriesTheOrderRef) {
  PackingSlip s;
  s.order_ref = "ORD-10023";
  s.store_name = "Store S042 Main Street";
  s.date = "2026-11-27";
  s.ship_to = {"Jane Doe", {"22 Elm Road", "Shelbyville IL 62565"}};
  s.lines = {{"SKU-100", "Blue ceramic mug, 350 ml", 2}, {"SKU-200", "Teapot, 1 l", 1}};
  s.note = "Thank you for your order.";
  auto pdf = PackingSlipPdf(s);
  ASSERT_TRUE(pdf.ok());
  const auto symbols = Decode(RenderPdf("packing-slip-a4", *pdf));
  ASSERT_EQ(symbols.size(), 1u);
  EXPECT_EQ(symbols[0].data, "ORD-10023");
  std::string text;
  ASSERT_EQ(Run({"pdftotext", "-layout", dir_.File("packing-slip-a4.pdf"), "-"}, &text), 0) << last_err_;
  EXPECT_NE(text.find("Blue ceramic mug, 350 ml"), std::string::npos) << text;
  EXPECT_NE(text.find("3 items in 2 lines"), std::string::npos) << text;
}

}  // namespace
}  // namespace edge::core
