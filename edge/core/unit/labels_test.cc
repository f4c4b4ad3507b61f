#include "edge/core/labels.h"

#include <gtest/gtest.h>

#include "edge/core/barcode.h"

namespace edge::core {
namespace {

PackageLabel Package() {
  PackageLabel l;
  l.sscc = *MakeSscc(1, "0614141", 12);
  l.order_ref = "ORD-10023";
  l.package_id = "PKG-1";
  l.package_n = 1;
  l.package_m = 2;
  l.ship_from = {"Store S042", {"1 Main Street", "Springfield 12345"}};
  l.ship_to = {"Jane Doe", {"22 Elm Road", "Shelbyville 54321", "USA"}};
  l.carrier = "UPS";
  l.service = "Ground";
  l.tracking = "1Z999AA10123456784";
  l.weight_g = 2345;
  return l;
}

TEST(Sscc, BuildsEighteenDigitsWithCheckDigit) {
  auto s = MakeSscc(1, "0614141", 12);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->size(), 18u);
  EXPECT_EQ(s->substr(0, 17), "10614141000000012");
  EXPECT_TRUE(ValidGtinCheckDigit(*s));
  EXPECT_TRUE(ValidateSscc(*s).ok());
  // GS1 General Specifications' example SSCC 106141411234567897.
  EXPECT_EQ(*MakeSscc(1, "0614141", 123456789), "106141411234567897");
  EXPECT_EQ(*MakeSscc(0, "0614141123", 456789), "006141411234567890");
  EXPECT_EQ(SsccHumanReadable("106141411234567897"), "(00) 106141411234567897");
}

TEST(Sscc, RefusesWhatDoesNotFit) {
  EXPECT_EQ(MakeSscc(10, "0614141", 1).status().message(), "sscc: extension digit 10 must be 0-9");
  EXPECT_EQ(MakeSscc(0, "061414", 1).status().message(),
            "sscc: GS1 company prefix '061414' must be 7 to 10 digits");
  EXPECT_EQ(MakeSscc(0, "06141A1", 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(MakeSscc(0, "0614141", 999999999).ok());
  EXPECT_EQ(MakeSscc(0, "0614141", 1000000000).status().message(),
            "sscc: serial reference 1000000000 does not fit the 9 digits a 7-digit company prefix leaves");
  EXPECT_EQ(ValidateSscc("106141411234567890").message(),
            "sscc '106141411234567890': check digit is 0, expected 7");
  EXPECT_EQ(ValidateSscc("1234").message(), "sscc '1234' must be 18 digits");
}

TEST(StoreCodes, FollowTheScannerScheme) {
  EXPECT_EQ(*BagCode("ORD-10023", 2, 3), "SE1:BAG:ORD-10023:2/3");
  auto scan = ParseScan(*BagCode("ORD-10023", 2, 3));
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->kind, Scan::Kind::kBag);
  EXPECT_EQ(scan->order_ref, "ORD-10023");
  EXPECT_EQ(scan->bag_n, 2);
  EXPECT_EQ(scan->bag_m, 3);
  EXPECT_EQ(BagCode("ORD 1", 1, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(BagCode("ORD-1", 3, 2).status().message(), "bag 3 of 2 must have 1 <= n <= m <= 99");
  EXPECT_FALSE(BagCode("ORD-1", 1, 100).ok());

  EXPECT_EQ(*LocationCode("A", "12", "3"), "SE1:LOC:A-12-3");
  EXPECT_FALSE(LocationCode("a", "12", "3").ok());
  EXPECT_FALSE(LocationCode("ZONE5", "1", "1").ok());
}

TEST(PackageLabelZpl, CarriesGs1128SsccAndTheAddresses) {
  auto zpl = PackageLabelZpl(Package());
  ASSERT_TRUE(zpl.ok()) << zpl.status().ToString();
  const std::string& z = *zpl;
  EXPECT_EQ(z.rfind("^XA\n^CI28\n^PW812\n^LL1218\n", 0), 0u);
  EXPECT_EQ(z.substr(z.size() - 4), "^XZ\n");
  // Start C, FNC1, AI 00 and the SSCC.
  EXPECT_NE(z.find("^BCN,250,N,N,N^FD>;>800" + Package().sscc + "^FS"), std::string::npos);
  EXPECT_NE(z.find("^FD(00) " + Package().sscc + "^FS"), std::string::npos);
  EXPECT_NE(z.find("^FDJane Doe^FS"), std::string::npos);
  EXPECT_NE(z.find("^FDORDER ORD-10023^FS"), std::string::npos);
  EXPECT_NE(z.find("^FDPKG 1 OF 2^FS"), std::string::npos);
  EXPECT_NE(z.find("^FD1Z999AA10123456784^FS"), std::string::npos);
  EXPECT_NE(z.find("^FD2.35 KG^FS"), std::string::npos);
}

TEST(PackageLabelZpl, EscapesTextSoItCannotInjectCommands) {
  PackageLabel l = Package();
  l.ship_to.name = "Evil^XZ~JA_name";
  auto zpl = PackageLabelZpl(l);
  ASSERT_TRUE(zpl.ok());
  EXPECT_NE(zpl->find("^FH^FDEvil_5EXZ_7EJA_5Fname^FS"), std::string::npos);
  // One label: the only ^XZ is the last.
  EXPECT_EQ(zpl->find("^XZ"), zpl->size() - 4);
  EXPECT_EQ(zpl->find("~JA"), std::string::npos);
}

TEST(PackageLabelZpl, CutsLongText) {
  PackageLabel l = Package();
  l.ship_to.lines = {std::string(200, 'x')};
  auto zpl = PackageLabelZpl(l);
  ASSERT_TRUE(zpl.ok());
  EXPECT_EQ(zpl->find(std::string(60, 'x')), std::string::npos);
  EXPECT_NE(zpl->find("x...^FS"), std::string::npos);
}

TEST(PackageLabelZpl, NamesTheBadField) {
  PackageLabel l = Package();
  l.sscc[17] = l.sscc[17] == '0' ? '1' : '0';
  EXPECT_EQ(PackageLabelZpl(l).status().message().rfind("package label: sscc sscc '", 0), 0u);
  l = Package();
  l.order_ref = "ORD 1";
  EXPECT_EQ(PackageLabelZpl(l).status().message(),
            "package label: order_ref 'ORD 1' must be 1-32 of [A-Za-z0-9_-]");
  l = Package();
  l.package_n = 3;
  EXPECT_EQ(PackageLabelZpl(l).status().message(),
            "package label: package n of m 3 of 2 must have 1 <= n <= m <= 999");
  l = Package();
  l.ship_to.lines[1] = "a\nb";
  EXPECT_EQ(PackageLabelZpl(l).status().message(),
            "package label: ship_to.lines[1] holds a control character");
  l = Package();
  l.ship_to.name.clear();
  EXPECT_EQ(PackageLabelZpl(l).status().message(), "package label: ship_to.name is empty");
}

TEST(BagLabelZpl, CarriesQrBagCodeAndCode128OrderRef) {
  BagLabel b{"ORD-10023", "SMITH J", 2, 3, "Shelf P-01"};
  auto zpl = BagLabelZpl(b);
  ASSERT_TRUE(zpl.ok()) << zpl.status().ToString();
  EXPECT_NE(zpl->find("^BQN,2,7^FDMA,SE1:BAG:ORD-10023:2/3^FS"), std::string::npos);
  EXPECT_NE(zpl->find("^BCN,90,Y,N,N,A^FDORD-10023^FS"), std::string::npos);
  EXPECT_NE(zpl->find("^FDBAG 2 OF 3^FS"), std::string::npos);
  EXPECT_NE(zpl->find("^FDSMITH J^FS"), std::string::npos);
  EXPECT_NE(zpl->find("^LL406"), std::string::npos);
  b.bag_n = 4;
  EXPECT_EQ(BagLabelZpl(b).status().message(), "bag label: bag 4 of 3 must have 1 <= n <= m <= 99");
}

TEST(LocationLabelZpl, CarriesTheLocationCode) {
  auto zpl = LocationLabelZpl({"A", "12", "3", "Pickup shelf"});
  ASSERT_TRUE(zpl.ok());
  EXPECT_NE(zpl->find("^FDSE1:LOC:A-12-3^FS"), std::string::npos);
  EXPECT_NE(zpl->find("^FDA-12-3^FS"), std::string::npos);
  EXPECT_FALSE(LocationLabelZpl({"A", "1", "", ""}).ok());
}

TEST(LabelPdf, LabelsAreOnePageOfTheLabelSize) {
  auto pkg = PackageLabelPdf(Package());
  ASSERT_TRUE(pkg.ok()) << pkg.status().ToString();
  EXPECT_EQ(pkg->rfind("%PDF-1.4", 0), 0u);
  EXPECT_NE(pkg->find("/MediaBox [0 0 288 432]"), std::string::npos);
  EXPECT_NE(pkg->find("(\\(00\\) " + Package().sscc + ") Tj"), std::string::npos);
  auto bag = BagLabelPdf({"ORD-10023", "SMITH J", 1, 1, ""});
  ASSERT_TRUE(bag.ok());
  EXPECT_NE(bag->find("/MediaBox [0 0 288 144]"), std::string::npos);
  EXPECT_NE(bag->find("(SE1:BAG:ORD-10023:1/1) Tj"), std::string::npos);
  auto loc = LocationLabelPdf({"A", "12", "3", ""});
  ASSERT_TRUE(loc.ok());
  EXPECT_NE(loc->find("(SE1:LOC:A-12-3) Tj"), std::string::npos);
}

TEST(PackingSlipPdf, ListsLinesAcrossPages) {
  PackingSlip s;
  s.order_ref = "ORD-10023";
  s.store_name = "Store S042";
  s.date = "2026-11-27";
  s.ship_to = {"Jane Doe", {"22 Elm Road"}};
  s.lines = {{"SKU-1", "Blue mug", 2}, {"SKU-2", "Teapot", 1}};
  auto one = PackingSlipPdf(s);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_NE(one->find("/Count 1"), std::string::npos);
  EXPECT_NE(one->find("(Blue mug) Tj"), std::string::npos);
  EXPECT_NE(one->find("(3 items in 2 lines) Tj"), std::string::npos);
  EXPECT_NE(one->find("/MediaBox [0 0 595.28 841.89]"), std::string::npos);

  for (int i = 0; i < 80; ++i)
    s.lines.push_back({"SKU-X" + std::to_string(i), "Item " + std::to_string(i), 1});
  auto many = PackingSlipPdf(s, Paper::kLetter);
  ASSERT_TRUE(many.ok());
  EXPECT_NE(many->find("/Count 3"), std::string::npos);
  EXPECT_NE(many->find("(Page 3 of 3) Tj"), std::string::npos);
  EXPECT_NE(many->find("(Item 79) Tj"), std::string::npos);
  EXPECT_NE(many->find("/MediaBox [0 0 612 792]"), std::string::npos);

  s.lines = {};
  EXPECT_EQ(PackingSlipPdf(s).status().message(), "packing slip: lines: none (a slip lists what is packed)");
  s.lines = {{"SKU-1", "Mug", 0}};
  EXPECT_EQ(PackingSlipPdf(s).status().message(), "packing slip: lines[0].qty 0 must be positive");
}

}  // namespace
}  // namespace edge::core
