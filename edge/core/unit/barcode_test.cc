#include "edge/core/barcode.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace edge::core {
namespace {

using Kind = Scan::Kind;
using Ais = std::map<std::string, std::string>;

// Check digits below were computed with an independent script, not with the
// code under test; the GS1 ones are GS1's own published examples.

TEST(ValidGtinCheckDigit, PublishedExamples) {
  for (const char* valid : {
           "09506000134352",      // GS1 Digital Link standard
           "106141411234567897",  // SSCC, GS1 General Specifications
           "09501101530003",      // GS1 General Specifications
           "4006381333931",       // EAN-13
           "96385074",            // EAN-8
           "036000291452",        // UPC-A
           "012345678905",        // UPC-A
           "042100005264",        // UPC-A of UPC-E 04252614
       }) {
    EXPECT_TRUE(ValidGtinCheckDigit(valid)) << valid;
  }
  for (const char* invalid :
       {"012345678901", "4006381333932", "106141411234567890", "", "5", "12a4", "0950600013435 "}) {
    EXPECT_FALSE(ValidGtinCheckDigit(invalid)) << invalid;
  }
}

TEST(NormalizeGtin, PadsToGtin14) {
  const struct {
    const char* in;
    const char* gtin14;
  } cases[] = {
      {"012345678905", "00012345678905"},   {"036000291452", "00036000291452"},
      {"4006381333931", "04006381333931"},  {"96385074", "00000096385074"},
      {"09506000134352", "09506000134352"}, {"9506000134352", "09506000134352"},
  };
  for (const auto& c : cases) {
    const Result<std::string> r = NormalizeGtin(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().message();
    EXPECT_EQ(*r, c.gtin14) << c.in;
  }
}

TEST(NormalizeGtin, RefusesWithReason) {
  const struct {
    const char* in;
    const char* message;
  } cases[] = {
      {"012345678901", "UPC-A 012345678901: check digit is 1, expected 5"},
      {"4006381333932", "EAN-13 4006381333932: check digit is 2, expected 1"},
      {"96385075", "EAN-8 96385075: check digit is 5, expected 4"},
      {"09506000134353", "GTIN-14 09506000134353: check digit is 3, expected 2"},
      {"", "GTIN is empty"},
      {"12345", "GTIN '12345' must be 8, 12, 13 or 14 digits, got 5"},
      {"106141411234567897", "GTIN '106141411234567897' must be 8, 12, 13 or 14 digits, got 18"},
      {"4006381 33393", "GTIN '4006381 33393' must contain only digits"},
      {"04252614", "EAN-8 04252614: check digit is 4, expected 0"},  // UPC-E is never guessed
  };
  for (const auto& c : cases) {
    const Result<std::string> r = NormalizeGtin(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message) << c.in;
  }
}

TEST(ExpandUpcE, EveryRule) {
  const struct {
    const char* upce;
    const char* upca;
  } cases[] = {
      {"04252614", "042100005264"},  // GS1's example; last digit 0-2: mm d6 00 | 00 ddd
      {"01234565", "012345000065"},  // last digit 5-9: ddddd | 0000 d6
      {"01357901", "013000005791"},  // 0
      {"01357910", "013100005790"},  // 1
      {"01357929", "013200005799"},  // 2
      {"01357931", "013500000791"},  // 3: ddd 00 | 000 dd
      {"01357947", "013570000097"},  // 4: dddd 0 | 0000 d
      {"01357950", "013579000050"},  // 5
      {"01357967", "013579000067"},  // 6
      {"01357974", "013579000074"},  // 7
      {"01357981", "013579000081"},  // 8
      {"01357998", "013579000098"},  // 9
      {"11357908", "113000005798"},  // number system 1
      {"11357938", "113500000798"}, {"11357944", "113570000094"}, {"11357995", "113579000095"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ExpandUpcE(c.upce), c.upca) << c.upce;
    EXPECT_TRUE(ValidGtinCheckDigit(c.upca)) << c.upca;
  }
  // The check digit is carried over, not validated.
  EXPECT_EQ(ExpandUpcE("04252615"), "042100005265");
  for (const char* bad : {"", "0425261", "042526145", "24252614", "0425261a", "9 252614"}) {
    EXPECT_EQ(ExpandUpcE(bad), "") << bad;
  }
}

struct Parsed {
  const char* text;
  const char* aim;
  Kind kind;
  const char* gtin;
  const char* symbology;
  Ais ais;
};

void ExpectParsed(const Parsed& c) {
  const Result<Scan> r = ParseScan(c.text, c.aim);
  ASSERT_TRUE(r.ok()) << "'" << c.text << "' aim '" << c.aim << "': " << r.status().message();
  EXPECT_EQ(ScanKindName(r->kind), ScanKindName(c.kind)) << c.text;
  EXPECT_EQ(r->gtin, c.gtin) << c.text;
  EXPECT_EQ(r->symbology, c.symbology) << c.text;
  EXPECT_EQ(r->ais, c.ais) << c.text;
}

TEST(ParseScan, RetailCodes) {
  const Parsed cases[] = {
      {"4006381333931", "", Kind::kGtin, "04006381333931", "EAN-13", {}},
      {"]E04006381333931", "", Kind::kGtin, "04006381333931", "EAN-13", {}},   // wedge: AIM id as prefix
      {"4006381333931", "]E0", Kind::kGtin, "04006381333931", "EAN-13", {}},   // HID POS: AIM id apart
      {"4006381333931\r\n", "", Kind::kGtin, "04006381333931", "EAN-13", {}},  // wedge's Enter suffix
      {"]E04006381333931\r", "", Kind::kGtin, "04006381333931", "EAN-13", {}},
      {"036000291452", "", Kind::kGtin, "00036000291452", "UPC-A", {}},
      {"012345678905", "", Kind::kGtin, "00012345678905", "UPC-A", {}},
      {"]E0036000291452", "", Kind::kGtin, "00036000291452", "UPC-A", {}},
      {"]E00036000291452", "", Kind::kGtin, "00036000291452", "EAN-13", {}},  // UPC-A as EAN-13
      {"96385074", "", Kind::kGtin, "00000096385074", "EAN-8", {}},
      {"]E496385074", "", Kind::kGtin, "00000096385074", "EAN-8", {}},
      {"]E004252614", "", Kind::kGtin, "00042100005264", "UPC-E", {}},
      {"04252614", "]E0", Kind::kGtin, "00042100005264", "UPC-E", {}},
      {"11357995", "]E0", Kind::kGtin, "00113579000095", "UPC-E", {}},
      {"09506000134352", "", Kind::kGtin, "09506000134352", "GTIN-14", {}},
      {"]I109506000134352", "", Kind::kGtin, "09506000134352", "ITF-14", {}},
  };
  for (const Parsed& c : cases) ExpectParsed(c);
}

TEST(ParseScan, Gs1ElementStrings) {
  const Ais example = {{"01", "09501101530003"}, {"17", "140704"}, {"10", "AB-123"}};
  const Parsed cases[] = {
      // GS1 General Specifications' example, as scanners send it and as printed.
      {"]C1010950110153000317140704"
       "10AB-123",
       "", Kind::kGs1, "09501101530003", "GS1-128", example},
      {"010950110153000317140704"
       "10AB-123",
       "]C1", Kind::kGs1, "09501101530003", "GS1-128", example},
      {"(01)09501101530003(17)140704(10)AB-123", "", Kind::kGs1, "09501101530003", "GS1 human-readable",
       example},
      {"(01)09501101530003(17)140704(10)AB-123", "]C1", Kind::kGs1, "09501101530003", "GS1-128", example},
      // A variable-length value ends at GS; fixed-length ones need none.
      {"10AB-123"
       "\x1d"
       "0109501101530003"
       "17140704",
       "]d2", Kind::kGs1, "09501101530003", "GS1 DataMatrix", example},
      {"0109501101530003"
       "\x1d"
       "17140704"
       "\x1d"
       "10AB-123"
       "\x1d",
       "]Q3", Kind::kGs1, "09501101530003", "GS1 QR Code", example},
      {"\x1d"
       "0109501101530003"
       "17140704"
       "10AB-123",
       "", Kind::kGs1, "09501101530003", "GS1 element string", example},
      {"0109501101530003"
       "17140704"
       "10AB-123"
       "\x1d"
       "21SER/42",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1 element string",
       {{"01", "09501101530003"}, {"17", "140704"}, {"10", "AB-123"}, {"21", "SER/42"}}},
      {"]e00109501101530003", "", Kind::kGs1, "09501101530003", "GS1 DataBar", {{"01", "09501101530003"}}},
      {"]C100106141411234567897", "", Kind::kGs1, "", "GS1-128", {{"00", "106141411234567897"}}},
      {"(01)09501101530003(17)260101(10)AB-123",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1 human-readable",
       {{"01", "09501101530003"}, {"17", "260101"}, {"10", "AB-123"}}},
      // Day 00: the month only (GS1 allows it for every date AI we know).
      {"(01)09501101530003(17)261200(15)260100(11)250300",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1 human-readable",
       {{"01", "09501101530003"}, {"17", "261200"}, {"15", "260100"}, {"11", "250300"}}},
      {"(01)09501101530003(17)240229",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1 human-readable",
       {{"01", "09501101530003"}, {"17", "240229"}}},
      // Weight with three decimals, count, price, order number, GLN, company internal.
      {"]C10109501101530003"
       "3103001250"
       "30"
       "12"
       "\x1d"
       "3922"
       "1299"
       "\x1d"
       "400"
       "PO-77"
       "\x1d"
       "410"
       "9501101020917"
       "9"
       "1"
       "X",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1-128",
       {{"01", "09501101530003"},
        {"3103", "001250"},
        {"30", "12"},
        {"3922", "1299"},
        {"400", "PO-77"},
        {"410", "9501101020917"},
        {"91", "X"}}},
      {"(02)09501101530003(37)24(00)106141411234567897",
       "",
       Kind::kGs1,
       "",
       "GS1 human-readable",
       {{"02", "09501101530003"}, {"37", "24"}, {"00", "106141411234567897"}}},
      // The same AI twice with the same value, and stray separators.
      {"]C1"
       "\x1d"
       "0109501101530003"
       "\x1d\x1d"
       "0109501101530003",
       "",
       Kind::kGs1,
       "09501101530003",
       "GS1-128",
       {{"01", "09501101530003"}}},
  };
  for (const Parsed& c : cases) ExpectParsed(c);
}

TEST(ParseScan, Gs1DigitalLink) {
  const Parsed cases[] = {
      {"https://id.gs1.org/01/09506000134352/10/AB-123/21/12345?17=271231",
       "",
       Kind::kGs1,
       "09506000134352",
       "GS1 Digital Link",
       {{"01", "09506000134352"}, {"10", "AB-123"}, {"21", "12345"}, {"17", "271231"}}},
      {"https://id.gs1.org/01/09506000134352",
       "",
       Kind::kGs1,
       "09506000134352",
       "GS1 Digital Link",
       {{"01", "09506000134352"}}},
      // Any domain, a path of its own before the key, short GTINs, other parameters.
      {"https://shop.example.com/p/01/9506000134352?linkType=gs1:pip&3103=000500",
       "",
       Kind::kGs1,
       "09506000134352",
       "GS1 Digital Link",
       {{"01", "09506000134352"}, {"3103", "000500"}}},
      {"http://example.org/01/036000291452/",
       "",
       Kind::kGs1,
       "00036000291452",
       "GS1 Digital Link",
       {{"01", "00036000291452"}}},
      {"https://example.org/01/96385074#top",
       "",
       Kind::kGs1,
       "00000096385074",
       "GS1 Digital Link",
       {{"01", "00000096385074"}}},
      {"https://brand.example/01/09506000134352/10/AB%2F12%2b3/21/A+B",
       "",
       Kind::kGs1,
       "09506000134352",
       "GS1 Digital Link",
       {{"01", "09506000134352"}, {"10", "AB/12+3"}, {"21", "A+B"}}},
      {"HTTPS://ID.GS1.ORG/01/09506000134352/21/ABC",
       "]Q1",
       Kind::kGs1,
       "09506000134352",
       "QR Code",
       {{"01", "09506000134352"}, {"21", "ABC"}}},
      {"https://id.gs1.org/00/106141411234567897",
       "",
       Kind::kGs1,
       "",
       "GS1 Digital Link",
       {{"00", "106141411234567897"}}},
      {"https://id.gs1.org/414/9501101020917/254/7",
       "",
       Kind::kGs1,
       "",
       "GS1 Digital Link",
       {{"414", "9501101020917"}, {"254", "7"}}},
      // Links to web pages are text, even with a "01" in them.
      {"https://example.com/2024/01/15/article", "", Kind::kText, "", "", {}},
      {"https://example.com", "", Kind::kText, "", "", {}},
      {"https://example.com/01/", "", Kind::kText, "", "", {}},
  };
  for (const Parsed& c : cases) ExpectParsed(c);
}

TEST(ParseScan, TextIsNotAnError) {
  const Parsed cases[] = {
      {"SKU-4411", "", Kind::kText, "", "", {}},
      {"hello world", "", Kind::kText, "", "", {}},
      {"Größe 42", "", Kind::kText, "", "", {}},
      {"12345", "", Kind::kText, "", "", {}},                     // no GTIN has 5 digits
      {"106141411234567897", "", Kind::kText, "", "", {}},        // nor 18
      {"]C04006381333932", "", Kind::kText, "", "Code 128", {}},  // a Code 128 of digits is not a GTIN
      {"12345670", "]A0", Kind::kText, "", "Code 39", {}},
      {"(555) 123-4567", "]Q1", Kind::kText, "", "QR Code", {}},  // not a GS1 AI: a phone number
      {"(23)123", "", Kind::kText, "", "", {}},
      {"]]E0", "", Kind::kText, "", "", {}},
      {"]E04006381333931", "]C0", Kind::kText, "", "Code 128", {}},  // AIM id given apart: data verbatim
      {"1Z999AA1012345678", "", Kind::kText, "", "", {}},            // 17 characters: not UPS
      {"SE2:ORD:X:1", "", Kind::kText, "", "", {}},
      {"1234567890123", "]I1", Kind::kText, "", "ITF", {}},
  };
  for (const Parsed& c : cases) ExpectParsed(c);
}

TEST(ParseScan, KeepsRawAndAimId) {
  const Result<Scan> r = ParseScan("]E04006381333931\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->raw, "4006381333931");
  EXPECT_EQ(r->aim_id, "]E0");
  const Result<Scan> t = ParseScan("free text", "]C0");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->raw, "free text");
  EXPECT_EQ(t->aim_id, "]C0");
}

TEST(ParseScan, StoreCodes) {
  Result<Scan> r = ParseScan("SE1:ORD:A1B2-C3:123456");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kOrder);
  EXPECT_EQ(r->order_ref, "A1B2-C3");
  EXPECT_EQ(r->pickup_code, "123456");

  r = ParseScan("SE1:ORD:o_42:12345678", "]Q1");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->order_ref, "o_42");
  EXPECT_EQ(r->pickup_code, "12345678");
  EXPECT_EQ(r->symbology, "QR Code");

  r = ParseScan("SE1:BAG:A1B2-C3:2/3");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kBag);
  EXPECT_EQ(r->order_ref, "A1B2-C3");
  EXPECT_EQ(r->bag_n, 2);
  EXPECT_EQ(r->bag_m, 3);

  r = ParseScan("]C0SE1:BAG:X:99/99");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->bag_n, 99);
  EXPECT_EQ(r->bag_m, 99);

  r = ParseScan("SE1:LOC:B-12-3A");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kLocation);
  EXPECT_EQ(r->location, "B-12-3A");

  r = ParseScan("SE1:LOC:CHIL-0001-Z9Z9");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->location, "CHIL-0001-Z9Z9");

  r = ParseScan("SE1:PKG:PKG-0042");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kPackage);
  EXPECT_EQ(r->package_id, "PKG-0042");
}

TEST(ParseScan, Tracking) {
  const Result<Scan> r = ParseScan("1Z999AA10123456784", "]C0");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->kind, Kind::kTracking);
  EXPECT_EQ(r->tracking, "1Z999AA10123456784");
  EXPECT_EQ(r->carrier, "UPS");
  EXPECT_TRUE(ParseScan("1Z12345E6605272234").ok());
}

struct Refused {
  std::string text;
  const char* aim;
  std::string message;
};

void ExpectRefused(const Refused& c) {
  const Result<Scan> r = ParseScan(c.text, c.aim);
  ASSERT_FALSE(r.ok()) << "'" << c.text << "' aim '" << c.aim << "' parsed as " << ScanKindName(r->kind);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), c.message) << "'" << c.text << "' aim '" << c.aim << "'";
}

TEST(ParseScan, RefusesGarbage) {
  const Refused cases[] = {
      {"", "", "scan is empty"},
      {"\r\n", "", "scan is empty"},
      {"]E0", "", "scan ]E0 has no data"},
      {"", "]Q1", "scan ]Q1 has no data"},
      {std::string("abc\x07"
                   "def"),
       "", "scan contains control character 0x07 at offset 3"},
      {std::string("ab\0cd", 5), "", "scan contains control character 0x00 at offset 2"},
      {"abc\x7f", "", "scan contains control character 0x7f at offset 3"},
      {"\tSKU", "", "scan contains control character 0x09 at offset 0"},
      {"abc\x1d"
       "def",
       "]C0", "scan contains control character 0x1d at offset 3"},  // GS outside GS1
      {"caf\xc3", "", "scan is not valid UTF-8 (byte 0xc3 at offset 3)"},
      {"\xff\xfe", "", "scan is not valid UTF-8 (byte 0xff at offset 0)"},
      {"\xc0\xaf", "", "scan is not valid UTF-8 (byte 0xc0 at offset 0)"},       // overlong '/'
      {"a\xed\xa0\x80", "", "scan is not valid UTF-8 (byte 0xed at offset 1)"},  // surrogate
      {std::string(kMaxScanBytes + 1, 'A'), "", "scan is 8193 bytes long (at most 8192)"},
      {"4006381333931", "E0",
       "AIM symbology identifier 'E0' must be ']', a letter, and a digit or capital letter"},
      {"4006381333931", "]E",
       "AIM symbology identifier ']E' must be ']', a letter, and a digit or capital letter"},
      {"4006381333931", "]Ee",
       "AIM symbology identifier ']Ee' must be ']', a letter, and a digit or capital letter"},
  };
  for (const Refused& c : cases) ExpectRefused(c);
  EXPECT_TRUE(ParseScan(std::string(kMaxScanBytes, 'A')).ok());
}

TEST(ParseScan, RefusesBadRetailCodes) {
  const Refused cases[] = {
      {"012345678901", "", "UPC-A 012345678901: check digit is 1, expected 5"},
      {"4006381333932", "", "EAN-13 4006381333932: check digit is 2, expected 1"},
      {"]E04006381333932", "", "EAN-13 4006381333932: check digit is 2, expected 1"},
      {"036000291453", "]E0", "UPC-A 036000291453: check digit is 3, expected 2"},
      {"96385075", "", "EAN-8 96385075: check digit is 5, expected 4"},
      {"]E496385075", "", "EAN-8 96385075: check digit is 5, expected 4"},
      {"09506000134353", "", "GTIN-14 09506000134353: check digit is 3, expected 2"},
      {"]I109506000134353", "", "ITF-14 09506000134353: check digit is 3, expected 2"},
      {"04252614", "", "EAN-8 04252614: check digit is 4, expected 0"},  // 8 digits, no AIM id: EAN-8
      {"]E004252615", "", "UPC-E 04252615: check digit is 5, expected 4"},
      {"]E024252614", "", "UPC-E 24252614: number system is 2, expected 0 or 1"},
      {"]E012345", "", "EAN/UPC scan '12345' (]E0) must be 8 (UPC-E), 12 (UPC-A) or 13 (EAN-13) digits"},
      {"]E0400638133393X", "",
       "EAN/UPC scan '400638133393X' (]E0) must be 8 (UPC-E), 12 (UPC-A) or 13 (EAN-13) digits"},
      {"]E44006381333931", "", "EAN-8 scan '4006381333931' (]E4) must be 8 digits"},
      {"]E3400638133393112", "", "EAN/UPC scans with add-on (AIM ]E3) are not supported"},
  };
  for (const Refused& c : cases) ExpectRefused(c);
}

TEST(ParseScan, RefusesBadGs1) {
  const Refused cases[] = {
      {"]C10109501101530004", "", "GS1 AI (01) GTIN 09501101530004: check digit is 4, expected 3"},
      {"]C100106141411234567890", "", "GS1 AI (00) SSCC 106141411234567890: check digit is 0, expected 7"},
      {"(02)09501101530004(37)1", "",
       "GS1 AI (02) contained GTIN 09501101530004: check digit is 4, expected 3"},
      {"(410)9501101020918", "", "GS1 AI (410) ship-to GLN 9501101020918: check digit is 8, expected 7"},
      {"(01)09501101530003(17)261301", "", "GS1 AI (17) expiry date 261301: month 13 is not 01-12"},
      {"(01)09501101530003(17)260001", "", "GS1 AI (17) expiry date 260001: month 00 is not 01-12"},
      {"(01)09501101530003(11)260132", "",
       "GS1 AI (11) production date 260132: day 32 does not exist in month 01 (at most 31)"},
      {"(01)09501101530003(17)260431", "",
       "GS1 AI (17) expiry date 260431: day 31 does not exist in month 04 (at most 30)"},
      {"(01)09501101530003(15)250229", "",
       "GS1 AI (15) best-before date 250229: day 29 does not exist in month 02 (at most 28)"},
      {"(01)09501101530003(17)240230", "",
       "GS1 AI (17) expiry date 240230: day 30 does not exist in month 02 (at most 29)"},
      {"(01)0950110153000", "", "GS1 AI (01) GTIN '0950110153000' has 13 characters, expected 14"},
      {"]C1010950110153", "", "GS1 AI (01) GTIN '0950110153' has 10 characters, expected 14"},
      {"]C1"
       "010950110153"
       "\x1d"
       "10AB",
       "", "GS1 AI (01) GTIN '0950110153' has 10 characters, expected 14"},
      {"]C10109501101A30003", "", "GS1 AI (01) GTIN '09501101A30003' must contain only digits"},
      {"]C1"
       "1714070"
       "\x1d",
       "", "GS1 AI (17) expiry date '14070' has 5 characters, expected 6"},
      {"]C1"
       "0109501101530003"
       "10ABCDEFGHIJKLMNOPQRSTU",
       "", "GS1 AI (10) batch/lot is 21 characters long (at most 20)"},
      {"]C1"
       "30123456789",
       "", "GS1 AI (30) variable count is 9 characters long (at most 8)"},
      {"(30)12A", "", "GS1 AI (30) variable count '12A' must contain only digits"},
      {"(10)AB 123", "", "GS1 AI (10) batch/lot 'AB 123' contains ' ', which GS1 does not allow"},
      {"(01)09501101530003(21)A#1", "",
       "GS1 AI (21) serial number 'A#1' contains '#', which GS1 does not allow"},
      {"(01)09501101530003(21)\xc3\xa9", "",
       "GS1 AI (21) serial number '\\xc3\\xa9' contains '\\xc3', which GS1 does not allow"},
      {"]C1"
       "10"
       "\x1d"
       "0109501101530003",
       "", "GS1 AI (10) batch/lot is empty"},
      {"(01)09501101530003(99)", "", "GS1 AI (99) company internal is empty"},
      {"]C1"
       "10AB"
       "\x1d"
       "10CD",
       "", "GS1 AI (10) appears twice with different values 'AB' and 'CD'"},
      {"]C123123", "", "GS1 AI (231) is unknown or not supported"},
      {"]C17003123456789", "", "GS1 AI (7003) is unknown or not supported"},
      {"]C13106001250", "", "GS1 AI (3106) is unknown or not supported"},
      {"]C1(23)123", "", "GS1 AI (23) is unknown or not supported"},
      {"(01)09501101530003(8200)http", "", "GS1 AI (8200) is unknown or not supported"},
      {"]C10509501101530003", "", "GS1 data: no AI starts with 05 (offset 0)"},
      {"]C1ABC", "", "GS1 data: expected an AI at offset 0, found 'A'"},
      {"]C1"
       "0109501101530003"
       "-",
       "", "GS1 data: expected an AI at offset 16, found '-'"},
      {"]C1"
       "0109501101530003"
       "1",
       "", "GS1 data: AI '1' at offset 16 is cut short"},
      {"]C1"
       "0109501101530003"
       "310",
       "", "GS1 data: AI '310' at offset 16 is cut short"},
      {"]d2"
       "\x1d",
       "", "GS1 data holds no AI"},
      {"\x1d", "", "GS1 data holds no AI"},
      {"]Q3SE1:ORD:A:123456", "", "GS1 data: expected an AI at offset 0, found 'S'"},
  };
  for (const Refused& c : cases) ExpectRefused(c);
}

TEST(ParseScan, RefusesBadDigitalLinks) {
  const Refused cases[] = {
      {"https://id.gs1.org/01/09506000134353", "",
       "GS1 AI (01) GTIN 09506000134353: check digit is 3, expected 2"},
      {"https://id.gs1.org/01/9506000134353", "",
       "GS1 AI (01) GTIN 09506000134353: check digit is 3, expected 2"},
      {"https://id.gs1.org/01/09506000134352/10", "", "GS1 Digital Link: AI (10) has no value"},
      {"https://id.gs1.org/01/09506000134352/lot/ABC", "",
       "GS1 Digital Link: path segment 'lot' is not a GS1 AI"},
      {"https://id.gs1.org/01/09506000134352/10/AB%2", "", "GS1 Digital Link: bad percent-escape in 'AB%2'"},
      {"https://id.gs1.org/01/09506000134352/10/AB%zz", "",
       "GS1 Digital Link: bad percent-escape in 'AB%zz'"},
      {"https://id.gs1.org/01/09506000134352/10/A%20B", "",
       "GS1 AI (10) batch/lot 'A B' contains ' ', which GS1 does not allow"},
      {"https://id.gs1.org/01/09506000134352?17=271301", "",
       "GS1 AI (17) expiry date 271301: month 13 is not 01-12"},
      {"https://id.gs1.org/01/09506000134352?17=", "", "GS1 AI (17) expiry date is empty"},
      {"https://id.gs1.org/01/09506000134352?23=1", "", "GS1 AI (23) is unknown or not supported"},
      {"https://id.gs1.org/01/09506000134352/10/AB?10=CD", "",
       "GS1 AI (10) appears twice with different values 'AB' and 'CD'"},
      {"https://id.gs1.org/00/106141411234567890", "",
       "GS1 AI (00) SSCC 106141411234567890: check digit is 0, expected 7"},
  };
  for (const Refused& c : cases) ExpectRefused(c);
}

TEST(ParseScan, RefusesBadStoreCodes) {
  const std::string kAlphabet = " must be 1-32 of [A-Za-z0-9_-]";
  const std::string kBag = " must be <n>/<m> with 1 <= n <= m <= 99";
  const std::string kLoc = " must be SE1:LOC:<zone>-<aisle>-<bin>, each 1-4 of [A-Z0-9]";
  const std::string kType = " does not start with SE1:ORD:, SE1:BAG:, SE1:LOC: or SE1:PKG:";
  const std::string long_ref(33, 'A');
  const Refused cases[] = {
      {"SE1:FOO:1", "", ("SE1 code 'SE1:FOO:1'" + kType)},
      {"SE1:", "", ("SE1 code 'SE1:'" + kType)},
      {"SE1:ORD", "", ("SE1 code 'SE1:ORD'" + kType)},
      {"SE1:ord:A:123456", "", ("SE1 code 'SE1:ord:A:123456'" + kType)},
      {"SE1:ORD:A1B2C3", "", "SE1 order code 'SE1:ORD:A1B2C3' must be SE1:ORD:<order_ref>:<pickup_code>"},
      {"SE1:ORD:A1B2C3:12345", "", "SE1 order code: pickup code '12345' must be 6-8 digits"},
      {"SE1:ORD:A1B2C3:123456789", "", "SE1 order code: pickup code '123456789' must be 6-8 digits"},
      {"SE1:ORD:A1B2C3:12345a", "", "SE1 order code: pickup code '12345a' must be 6-8 digits"},
      {"SE1:ORD:A1B2C3:123456:7", "", "SE1 order code: pickup code '123456:7' must be 6-8 digits"},
      {"SE1:ORD:A B:123456", "", ("SE1 order code: order ref 'A B'" + kAlphabet)},
      {"SE1:ORD::123456", "", ("SE1 order code: order ref ''" + kAlphabet)},
      {"SE1:ORD:" + long_ref + ":123456", "", ("SE1 order code: order ref '" + long_ref + "'" + kAlphabet)},
      {"SE1:BAG:A1B2C3", "", "SE1 bag label 'SE1:BAG:A1B2C3' must be SE1:BAG:<order_ref>:<n>/<m>"},
      {"SE1:BAG:A1B2C3:3/2", "", ("SE1 bag label: bag '3/2'" + kBag)},
      {"SE1:BAG:A1B2C3:0/2", "", ("SE1 bag label: bag '0/2'" + kBag)},
      {"SE1:BAG:A1B2C3:1/100", "", ("SE1 bag label: bag '1/100'" + kBag)},
      {"SE1:BAG:A1B2C3:2", "", ("SE1 bag label: bag '2'" + kBag)},
      {"SE1:BAG:A1B2C3:-1/2", "", ("SE1 bag label: bag '-1/2'" + kBag)},
      {"SE1:BAG:A.1:1/2", "", ("SE1 bag label: order ref 'A.1'" + kAlphabet)},
      {"SE1:LOC:B-12", "", ("SE1 location label 'SE1:LOC:B-12'" + kLoc)},
      {"SE1:LOC:b-12-3", "", ("SE1 location label 'SE1:LOC:b-12-3'" + kLoc)},
      {"SE1:LOC:B-12345-3", "", ("SE1 location label 'SE1:LOC:B-12345-3'" + kLoc)},
      {"SE1:LOC:B--3", "", ("SE1 location label 'SE1:LOC:B--3'" + kLoc)},
      {"SE1:LOC:B-1-2-3", "", ("SE1 location label 'SE1:LOC:B-1-2-3'" + kLoc)},
      {"SE1:PKG:", "", ("SE1 package label: package id ''" + kAlphabet)},
      {"SE1:PKG:a/b", "", ("SE1 package label: package id 'a/b'" + kAlphabet)},
      {"1Z999AA10123456785", "", "UPS tracking number 1Z999AA10123456785: check digit is 5, expected 4"},
      {"1Z999AA1012345678X", "", "UPS tracking number 1Z999AA1012345678X: check digit is X, expected 4"},
  };
  for (const Refused& c : cases) ExpectRefused(c);
}

TEST(ParseScan, LongValuesAreCutInMessages) {
  const Result<Scan> r = ParseScan("SE1:PKG:" + std::string(100, 'x') + "!");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "SE1 package label: package id '" + std::string(40, 'x') + "...' must be 1-32 of [A-Za-z0-9_-]");
}

TEST(ScanKindName, NamesEveryKind) {
  EXPECT_EQ(ScanKindName(Kind::kGtin), "gtin");
  EXPECT_EQ(ScanKindName(Kind::kGs1), "gs1");
  EXPECT_EQ(ScanKindName(Kind::kOrder), "order");
  EXPECT_EQ(ScanKindName(Kind::kBag), "bag");
  EXPECT_EQ(ScanKindName(Kind::kLocation), "location");
  EXPECT_EQ(ScanKindName(Kind::kPackage), "package");
  EXPECT_EQ(ScanKindName(Kind::kTracking), "tracking");
  EXPECT_EQ(ScanKindName(Kind::kText), "text");
}

}  // namespace
}  // namespace edge::core
