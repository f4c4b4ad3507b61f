#include "edge/core/hid_decode.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "edge/core/barcode.h"
// The report builders are shared with the libusb tests; core_unit_tests
// links only the core, so the test support header is included by path.
#include "../../../tests/support/edge/testing/hid_reports.h"

namespace edge::core {
namespace {

using edge::testing::HidPosReports;
using edge::testing::KeyboardReports;
using edge::testing::KeyReport;
using edge::testing::Report;
using Kind = DecoderEvent::Kind;
using std::chrono::milliseconds;

const MonoTime kT0 = MonoTime{} + std::chrono::hours(1);

DecoderEvent ScanOf(std::string text, std::string aim = "") {
  DecoderEvent e;
  e.text = std::move(text);
  e.aim_id = std::move(aim);
  return e;
}

// Feeds `reports` one millisecond apart; fails the test on a refused report.
std::vector<DecoderEvent> FeedAll(BootKeyboardDecoder& d, const std::vector<Report>& reports, MonoTime* t) {
  std::vector<DecoderEvent> out;
  for (const Report& r : reports) {
    *t += milliseconds(1);
    auto events = d.Feed(r, *t);
    EXPECT_TRUE(events.ok()) << events.status().message();
    if (!events.ok()) continue;
    out.insert(out.end(), events->begin(), events->end());
  }
  return out;
}

std::vector<DecoderEvent> FeedAll(HidPosDecoder& d, const std::vector<Report>& reports, MonoTime* t) {
  std::vector<DecoderEvent> out;
  for (const Report& r : reports) {
    *t += milliseconds(1);
    auto events = d.Feed(r, *t);
    EXPECT_TRUE(events.ok()) << events.status().message();
    if (!events.ok()) continue;
    out.insert(out.end(), events->begin(), events->end());
  }
  return out;
}

TEST(UsKeyboardChar, Table) {
  const struct {
    uint8_t usage;
    bool shift;
    char c;
  } cases[] = {
      {0x04, false, 'a'},
      {0x04, true, 'A'},
      {0x1D, false, 'z'},
      {0x1D, true, 'Z'},
      {0x1E, false, '1'},
      {0x1E, true, '!'},
      {0x26, false, '9'},
      {0x26, true, '('},
      {0x27, false, '0'},
      {0x27, true, ')'},
      {0x2C, false, ' '},
      {0x2D, false, '-'},
      {0x2D, true, '_'},
      {0x2E, false, '='},
      {0x2E, true, '+'},
      {0x2F, false, '['},
      {0x2F, true, '{'},
      {0x30, false, ']'},
      {0x30, true, '}'},
      {0x31, false, '\\'},
      {0x31, true, '|'},
      {0x32, false, '\\'},
      {0x33, false, ';'},
      {0x33, true, ':'},
      {0x34, false, '\''},
      {0x34, true, '"'},
      {0x35, false, '`'},
      {0x35, true, '~'},
      {0x36, false, ','},
      {0x36, true, '<'},
      {0x37, false, '.'},
      {0x37, true, '>'},
      {0x38, false, '/'},
      {0x38, true, '?'},
      {0x54, false, '/'},
      {0x55, false, '*'},
      {0x56, false, '-'},
      {0x57, false, '+'},
      {0x59, false, '1'},
      {0x61, false, '9'},
      {0x62, false, '0'},
      {0x63, false, '.'},
      {0x67, false, '='},
      // No character: none, errors, Enter, Esc, Backspace, Tab, Caps Lock,
      // F1, arrows, keypad Enter, Num Lock, modifiers as keys.
      {0x00, false, 0},
      {0x01, false, 0},
      {0x28, false, 0},
      {0x29, false, 0},
      {0x2A, false, 0},
      {0x2B, false, 0},
      {0x39, false, 0},
      {0x3A, false, 0},
      {0x4F, false, 0},
      {0x58, false, 0},
      {0x53, false, 0},
      {0xE1, false, 0},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(UsKeyboardChar(c.usage, c.shift), c.c)
        << "usage 0x" << std::hex << int(c.usage) << " shift " << c.shift;
  }
}

TEST(BootKeyboardDecoder, TypedCodesRoundTrip) {
  for (const std::string& text : std::vector<std::string>{
           "4006381333931",
           "11",
           "1111",
           "0",
           "ABC-123abc",
           "SE1:ORD:ab_C-9:123456",
           "SE1:BAG:R-1:1/2",
           "!@#$%^&*()_+{}|:\"<>?~",
           "`-=[]\\;',./",
           "https://id.gs1.org/01/09506000134352?17=201225&linkType=gs1:pip",
           "a b c",
           "]E04006381333931",
           std::string("0109501101530003") + "10ABC" + '\x1d' + "17260101",
       }) {
    BootKeyboardDecoder d;
    MonoTime t = kT0;
    const auto events = FeedAll(d, KeyboardReports(text + "\n"), &t);
    ASSERT_EQ(events.size(), 1u) << text;
    EXPECT_EQ(events[0], ScanOf(text)) << text;
    EXPECT_FALSE(d.has_partial());
  }
}

// Raw report sequences: what counts as a key going down.
TEST(BootKeyboardDecoder, KeyDownEdges) {
  using R = std::vector<Report>;
  const uint8_t k1 = 0x1E, k2 = 0x1F, ka = 0x04, enter = 0x28, tab = 0x2B, kp_enter = 0x58;
  const Report up = KeyReport(0);
  const Report rollover = KeyReport(0, {1, 1, 1, 1, 1, 1});
  const struct {
    const char* name;
    R reports;
    std::vector<std::string> scans;
  } cases[] = {
      {"held key is one press",
       R{KeyReport(0, {k1}), KeyReport(0, {k1}), KeyReport(0, {k1}), up, KeyReport(0, {enter})},
       {"1"}},
      {"release between presses: two",
       R{KeyReport(0, {k1}), up, KeyReport(0, {k1}), up, KeyReport(0, {enter})},
       {"11"}},
      {"two keys down in one report, in report order",
       R{KeyReport(0, {k2, k1}), up, KeyReport(0, {enter})},
       {"21"}},
      {"new key while another is held",
       R{KeyReport(0, {k1}), KeyReport(0, {k1, k2}), KeyReport(0, {k2}), up, KeyReport(0, {enter})},
       {"12"}},
      {"same key twice in one report is one", R{KeyReport(0, {k1, k1}), up, KeyReport(0, {enter})}, {"1"}},
      {"rollover report changes nothing",
       R{KeyReport(0, {k1}), rollover, KeyReport(0, {k1}), up, KeyReport(0, {enter})},
       {"1"}},
      {"left shift", R{KeyReport(0x02, {ka}), up, KeyReport(0, {enter})}, {"A"}},
      {"right shift", R{KeyReport(0x20, {ka}), up, KeyReport(0, {enter})}, {"A"}},
      {"shift counts when the key goes down",
       R{KeyReport(0, {ka}), KeyReport(0x02, {ka}), KeyReport(0x02), KeyReport(0x02, {ka}), up,
         KeyReport(0, {enter})},
       {"aA"}},
      {"modifier change alone types nothing", R{KeyReport(0x02), KeyReport(0), KeyReport(0, {enter})}, {}},
      {"Tab ends a scan", R{KeyReport(0, {k1}), up, KeyReport(0, {tab})}, {"1"}},
      {"keypad Enter ends a scan", R{KeyReport(0, {k1}), up, KeyReport(0, {kp_enter})}, {"1"}},
      {"character and Enter in one report", R{KeyReport(0, {k1, enter})}, {"1"}},
      {"Enter alone is ignored", R{KeyReport(0, {enter}), up, KeyReport(0, {enter})}, {}},
      {"two scans",
       R{KeyReport(0, {k1}), up, KeyReport(0, {enter}), up, KeyReport(0, {k2}), up, KeyReport(0, {enter})},
       {"1", "2"}},
      {"Ctrl+] is GS",
       R{KeyReport(0, {k1}), KeyReport(0x01, {0x30}), up, KeyReport(0, {k2}), up, KeyReport(0, {enter})},
       {"1\x1d"
        "2"}},
      {"right Ctrl+a is SOH",
       R{KeyReport(0x10, {ka}), up, KeyReport(0, {k1}), up, KeyReport(0, {enter})},
       {"\x01"
        "1"}},
      {"Ctrl+1 types nothing",
       R{KeyReport(0x01, {k1}), up, KeyReport(0, {k2}), up, KeyReport(0, {enter})},
       {"2"}},
      {"Alt+key and GUI+key type nothing",
       R{KeyReport(0x04, {ka}), up, KeyReport(0x08, {ka}), up, KeyReport(0x40, {ka}), up, KeyReport(0, {k1}),
         up, KeyReport(0, {enter})},
       {"1"}},
      {"keys without a character",
       R{KeyReport(0, {0x3A}), up, KeyReport(0, {0x2A}), up, KeyReport(0, {0x39}), up, KeyReport(0, {k1}), up,
         KeyReport(0, {enter})},
       {"1"}},
      {"keypad digits",
       R{KeyReport(0, {0x59}), up, KeyReport(0, {0x62}), up, KeyReport(0, {0x63}), up, KeyReport(0, {enter})},
       {"10."}},
  };
  for (const auto& c : cases) {
    BootKeyboardDecoder d;
    MonoTime t = kT0;
    const auto events = FeedAll(d, c.reports, &t);
    std::vector<std::string> scans;
    for (const auto& e : events) {
      EXPECT_EQ(e.kind, Kind::kScan) << c.name << ": " << e.reason;
      scans.push_back(e.text);
    }
    EXPECT_EQ(scans, c.scans) << c.name;
  }
}

TEST(BootKeyboardDecoder, RefusesReportsThatAreNotEightBytes) {
  BootKeyboardDecoder d;
  ASSERT_TRUE(d.Feed(KeyReport(0, {0x1E}), kT0).ok());
  for (size_t n : {0u, 1u, 7u, 9u, 64u}) {
    const Report r(n, 0);
    const auto events = d.Feed(r, kT0);
    ASSERT_FALSE(events.ok()) << n;
    EXPECT_EQ(events.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(events.status().message(),
              "boot keyboard report of " + std::to_string(n) + " bytes; a boot keyboard report has 8");
  }
  // The refused reports changed nothing: the 1 is still held, then Enter.
  auto events = d.Feed(KeyReport(0, {0x1E, 0x28}), kT0);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], ScanOf("1"));
}

TEST(BootKeyboardDecoder, GapDropsThePartialScan) {
  DecoderOptions o;
  o.gap_timeout = milliseconds(300);
  const struct {
    const char* name;
    milliseconds gap;  // between "12" and "34"
    std::vector<DecoderEvent> want;
  } cases[] = {
      {"no gap", milliseconds(5), {ScanOf("1234")}},
      {"exactly the timeout", milliseconds(300), {ScanOf("1234")}},
      {"just over",
       milliseconds(301),
       {DecoderEvent{Kind::kDropped, "12", "", "gap of 301 ms after 2 characters"}, ScanOf("34")}},
      {"long",
       milliseconds(60000),
       {DecoderEvent{Kind::kDropped, "12", "", "gap of 60000 ms after 2 characters"}, ScanOf("34")}},
  };
  for (const auto& c : cases) {
    BootKeyboardDecoder d(o);
    MonoTime t = kT0;
    auto events = FeedAll(d, KeyboardReports("12"), &t);
    EXPECT_TRUE(d.has_partial());
    // The 2 went down 1 ms before `t` (its release came at `t`), and FeedAll
    // steps 1 ms before each report: so the 3 goes down `gap` after the 2.
    t += c.gap - milliseconds(2);
    const auto more = FeedAll(d, KeyboardReports("34\n"), &t);
    events.insert(events.end(), more.begin(), more.end());
    EXPECT_EQ(events, c.want) << c.name;
  }
}

TEST(BootKeyboardDecoder, GapBeforeEnterDropsToo) {
  BootKeyboardDecoder d;
  MonoTime t = kT0;
  (void)FeedAll(d, KeyboardReports("12"), &t);
  t += milliseconds(1000);
  const auto events = FeedAll(d, KeyboardReports("\n"), &t);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::kDropped);
  EXPECT_EQ(events[0].text, "12");
}

TEST(BootKeyboardDecoder, ExpireDropsAfterTheGap) {
  BootKeyboardDecoder d;  // 300 ms
  MonoTime t = kT0;
  EXPECT_TRUE(d.Expire(t + milliseconds(5000)).empty()) << "nothing to drop";
  (void)FeedAll(d, KeyboardReports("123"), &t);
  t -= milliseconds(1);  // the last key went down one report before the end
  EXPECT_TRUE(d.Expire(t + milliseconds(300)).empty());
  const auto dropped = d.Expire(t + milliseconds(301));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], (DecoderEvent{Kind::kDropped, "123", "", "no key for 301 ms after 3 characters"}));
  EXPECT_FALSE(d.has_partial());
  EXPECT_TRUE(d.Expire(t + milliseconds(900)).empty());
  // The next scan is whole.
  t += milliseconds(1000);
  const auto events = FeedAll(d, KeyboardReports("45\n"), &t);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], ScanOf("45"));
}

TEST(BootKeyboardDecoder, ResetReturnsThePartialAndForgetsHeldKeys) {
  BootKeyboardDecoder d;
  MonoTime t = kT0;
  EXPECT_TRUE(d.Reset("unplugged").empty());
  ASSERT_TRUE(d.Feed(KeyReport(0, {0x1E}), t).ok());  // 1 held
  const auto dropped = d.Reset("unplugged");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], (DecoderEvent{Kind::kDropped, "1", "", "unplugged"}));
  // After a reset the same key down again is a new press.
  auto events = d.Feed(KeyReport(0, {0x1E}), t);
  ASSERT_TRUE(events.ok());
  events = d.Feed(KeyReport(0, {0x1E, 0x28}), t);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], ScanOf("1"));
}

TEST(BootKeyboardDecoder, TooLongIsDroppedWhole) {
  DecoderOptions o;
  o.max_length = 5;
  BootKeyboardDecoder d(o);
  MonoTime t = kT0;
  const auto events = FeedAll(d, KeyboardReports("12345\n123456789\n6789\n"), &t);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], ScanOf("12345"));
  EXPECT_EQ(events[1], (DecoderEvent{Kind::kDropped, "12345", "", "longer than 5 bytes"}));
  EXPECT_EQ(events[2], ScanOf("6789"));
}

// A wedge scan goes through the same parser as any other.
TEST(BootKeyboardDecoder, FeedsParseScan) {
  const struct {
    std::string typed;
    Scan::Kind kind;
    std::string symbology;
  } cases[] = {
      {"4006381333931\n", Scan::Kind::kGtin, "EAN-13"},
      {"]E04006381333931\n", Scan::Kind::kGtin, "EAN-13"},
      {"]C1" + std::string("0109501101530003") + "10ABC" + '\x1d' + "17260101\n", Scan::Kind::kGs1,
       "GS1-128"},
      {"SE1:LOC:A-12-3\t", Scan::Kind::kLocation, ""},
  };
  for (const auto& c : cases) {
    BootKeyboardDecoder d;
    MonoTime t = kT0;
    const auto events = FeedAll(d, KeyboardReports(c.typed), &t);
    ASSERT_EQ(events.size(), 1u) << c.typed;
    const auto scan = ParseScan(events[0].text, events[0].aim_id);
    ASSERT_TRUE(scan.ok()) << c.typed << ": " << scan.status().message();
    EXPECT_EQ(scan->kind, c.kind) << c.typed;
    EXPECT_EQ(scan->symbology, c.symbology) << c.typed;
  }
  BootKeyboardDecoder d;
  MonoTime t = kT0;
  const auto events = FeedAll(d, KeyboardReports("4006381333932\n"), &t);
  ASSERT_EQ(events.size(), 1u);
  const auto scan = ParseScan(events[0].text, events[0].aim_id);
  ASSERT_FALSE(scan.ok());
  EXPECT_EQ(scan.status().message(), "EAN-13 4006381333932: check digit is 2, expected 1");
}

// ---- HID POS ----

TEST(HidPosDecoder, OneReportPerShortCode) {
  const struct {
    std::string data;
    std::string aim;
    size_t report_size;
  } cases[] = {
      {"4006381333931", "]E0", 64},      {"4006381333931", "]E0", 62},      {"SE1:ORD:R-1:123456", "]Q1", 64},
      {"no symbology sent", "", 64},     {std::string(56, 'x'), "]C0", 64},  // exactly one full report
      {std::string(56, 'y'), "]C0", 62},
  };
  for (const auto& c : cases) {
    HidPosDecoder d;
    MonoTime t = kT0;
    const auto reports = HidPosReports(c.data, c.aim, c.report_size);
    ASSERT_EQ(reports.size(), 1u);
    const auto events = FeedAll(d, reports, &t);
    ASSERT_EQ(events.size(), 1u) << c.data;
    EXPECT_EQ(events[0], ScanOf(c.data, c.aim));
    EXPECT_FALSE(d.has_partial());
  }
}

TEST(HidPosDecoder, ContinuedReportsAreJoined) {
  std::string qr;
  for (int i = 0; qr.size() < 300; ++i) qr += "https://example.com/" + std::to_string(i) + "/";
  for (size_t size : {64u, 62u}) {
    HidPosDecoder d;
    MonoTime t = kT0;
    const auto reports = HidPosReports(qr, "]Q1", size);
    ASSERT_GT(reports.size(), 5u);
    for (size_t i = 0; i + 1 < reports.size(); ++i) EXPECT_EQ(reports[i].back(), 1) << i;
    std::vector<DecoderEvent> events;
    for (size_t i = 0; i < reports.size(); ++i) {
      t += milliseconds(2);
      auto e = d.Feed(reports[i], t);
      ASSERT_TRUE(e.ok()) << e.status().message();
      if (i + 1 < reports.size()) {
        EXPECT_TRUE(e->empty()) << "a code is not complete before its last report";
        EXPECT_TRUE(d.has_partial());
      }
      events.insert(events.end(), e->begin(), e->end());
    }
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0], ScanOf(qr, "]Q1"));
  }
}

TEST(HidPosDecoder, LayoutAndRefusals) {
  Report good = HidPosReports("123", "]E0")[0];
  auto with = [&](size_t i, uint8_t v) {
    Report r = good;
    r[i] = v;
    return r;
  };
  const struct {
    const char* name;
    Report report;
    const char* error;  // "" = accepted
    std::vector<DecoderEvent> want;
  } cases[] = {
      {"Honeywell report", good, "", {ScanOf("123", "]E0")}},
      {"another report id is ignored", with(0, 0x04), "", {}},
      {"no read (zero count) gives nothing", with(1, 0), "", {}},
      {"vendor symbology byte is ignored", with(61, 0x64), "", {ScanOf("123", "]E0")}},
      {"empty", Report{}, "empty HID POS report", {}},
      {"too short",
       Report{0x02, 0, ']', 'E', '0'},
       "HID POS report of 5 bytes; a scanned data report has at least 6",
       {}},
      {"shortest", Report{0x02, 0, ']', 'E', '0', 0}, "", {}},
      {"shortest with data", Report{0x02, 1, ']', 'E', '0', '7', 0}, "", {ScanOf("7", "]E0")}},
      {"count into the flags byte",
       Report{0x02, 2, ']', 'E', '0', '7', 0},
       "HID POS Byte Count 2 runs past the end of a 7-byte report",
       {}},
      {"count past the end", with(1, 59), "HID POS Byte Count 59 runs past the end of a 64-byte report", {}},
      {"largest count in 64 bytes",
       with(1, 58),
       "",
       {ScanOf(std::string("123") + std::string(55, '\0'), "]E0")}},
      {"symbology not AIM",
       with(2, 'X'),
       "HID POS symbology identifier 58 45 30 is not an AIM identifier (\"]\" and two characters)",
       {}},
      {"symbology with a control byte",
       with(4, 0x01),
       "HID POS symbology identifier 5d 45 01 is not an AIM identifier (\"]\" and two characters)",
       {}},
  };
  for (const auto& c : cases) {
    HidPosDecoder d;
    const auto events = d.Feed(c.report, kT0);
    if (*c.error) {
      ASSERT_FALSE(events.ok()) << c.name;
      EXPECT_EQ(events.status().code(), StatusCode::kInvalidArgument) << c.name;
      EXPECT_EQ(events.status().message(), c.error) << c.name;
      continue;
    }
    ASSERT_TRUE(events.ok()) << c.name << ": " << events.status().message();
    EXPECT_EQ(*events, c.want) << c.name;
  }
}

TEST(HidPosDecoder, OtherReportIdOption) {
  HidPosDecoder d({}, 0x05);
  Report r = HidPosReports("42", "]E0")[0];
  auto events = d.Feed(r, kT0);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  r[0] = 0x05;
  events = d.Feed(r, kT0);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], ScanOf("42", "]E0"));
}

TEST(HidPosDecoder, LateContinuationDropsTheCodeWhole) {
  const std::string code(150, 'a');  // three reports
  auto reports = HidPosReports(code, "]Q1");
  ASSERT_EQ(reports.size(), 3u);
  HidPosDecoder d;  // 300 ms
  MonoTime t = kT0;
  auto events = d.Feed(reports[0], t);
  ASSERT_TRUE(events.ok() && events->empty());
  t += milliseconds(301);
  events = d.Feed(reports[1], t);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], (DecoderEvent{Kind::kDropped, std::string(112, 'a'), "]Q1",
                                        "its continuation came after 301 ms"}));
  // The last part of the same code must not pass for a code of its own.
  events = d.Feed(reports[2], t + milliseconds(1));
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  // The next code is whole.
  events = d.Feed(HidPosReports("4006381333931", "]E0")[0], t + milliseconds(2));
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], ScanOf("4006381333931", "]E0"));
}

TEST(HidPosDecoder, ExpireDropsAndSwallowsTheRest) {
  auto reports = HidPosReports(std::string(100, 'b'), "]Q1");
  ASSERT_EQ(reports.size(), 2u);
  HidPosDecoder d;
  MonoTime t = kT0;
  ASSERT_TRUE(d.Feed(reports[0], t).ok());
  EXPECT_TRUE(d.Expire(t + milliseconds(300)).empty());
  const auto dropped = d.Expire(t + milliseconds(400));
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0],
            (DecoderEvent{Kind::kDropped, std::string(56, 'b'), "]Q1", "no continuation for 400 ms"}));
  EXPECT_FALSE(d.has_partial());
  // The rest, late, is swallowed; a code of another symbology is not.
  auto events = d.Feed(reports[1], t + milliseconds(500));
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  events = d.Feed(HidPosReports("96385074", "]E4")[0], t + milliseconds(600));
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0], ScanOf("96385074", "]E4"));
}

TEST(HidPosDecoder, NewSymbologyCutsTheOpenCode) {
  auto first = HidPosReports(std::string(100, 'c'), "]Q1");
  HidPosDecoder d;
  ASSERT_TRUE(d.Feed(first[0], kT0).ok());
  const auto events = d.Feed(HidPosReports("96385074", "]E4")[0], kT0 + milliseconds(1));
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0], (DecoderEvent{Kind::kDropped, std::string(56, 'c'), "]Q1",
                                        "a code of symbology ]E4 began before it ended"}));
  EXPECT_EQ((*events)[1], ScanOf("96385074", "]E4"));
}

TEST(HidPosDecoder, ResetAndTooLong) {
  HidPosDecoder d;
  auto reports = HidPosReports(std::string(100, 'd'), "]Q1");
  ASSERT_TRUE(d.Feed(reports[0], kT0).ok());
  const auto dropped = d.Reset("unplugged");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].reason, "unplugged");
  EXPECT_EQ(dropped[0].text, std::string(56, 'd'));
  // After a reset the tail is a code of its own: the device that sent the
  // head is gone, whatever comes now is from a new one.
  auto events = d.Feed(reports[1], kT0);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);

  DecoderOptions o;
  o.max_length = 100;
  HidPosDecoder small(o);
  MonoTime t = kT0;
  const auto too_long = FeedAll(small, HidPosReports(std::string(101, 'e'), "]Q1"), &t);
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_EQ(too_long[0].kind, Kind::kDropped);
  EXPECT_EQ(too_long[0].reason, "longer than 100 bytes");
  const auto fits = FeedAll(small, HidPosReports(std::string(100, 'e'), "]Q1"), &t);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_EQ(fits[0], ScanOf(std::string(100, 'e'), "]Q1"));
}

TEST(HidPosDecoder, FeedsParseScanWithTheAimId) {
  HidPosDecoder d;
  MonoTime t = kT0;
  // 8 digits under ]E0 are UPC-E; without the AIM id they would be EAN-8.
  const auto events = FeedAll(d, HidPosReports("04252614", "]E0"), &t);
  ASSERT_EQ(events.size(), 1u);
  const auto scan = ParseScan(events[0].text, events[0].aim_id);
  ASSERT_TRUE(scan.ok()) << scan.status().message();
  EXPECT_EQ(scan->symbology, "UPC-E");
  EXPECT_EQ(scan->gtin, "00042100005264");
}

// ---- report descriptors ----

TEST(HidReportDescriptorUsesPage, Items) {
  using D = std::vector<uint8_t>;
  const D boot_keyboard = {0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15,
                           0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08,
                           0x81, 0x01, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91,
                           0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00,
                           0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0};
  const D hid_pos = {0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x12, 0xa1, 0x02, 0x15,
                     0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x01, 0x05, 0x01, 0x09, 0x3b, 0x81,
                     0x02, 0x95, 0x03, 0x05, 0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81, 0x02,
                     0x95, 0x38, 0x09, 0xfe, 0x82, 0x02, 0x01, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01,
                     0x09, 0xff, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, 0xc0, 0xc0};
  const struct {
    const char* name;
    D d;
    bool pos;
  } cases[] = {
      {"boot keyboard", boot_keyboard, false},
      {"HID POS scanner", hid_pos, true},
      {"two-byte usage page", {0x06, 0x8c, 0x00, 0x09, 0x02}, true},
      {"vendor page 0xff8c is not 0x8c", {0x06, 0x8c, 0xff}, false},
      {"extended usage", {0x05, 0x01, 0x0b, 0x02, 0x00, 0x8c, 0x00}, true},
      {"extended usage minimum", {0x1b, 0x00, 0x00, 0x8c, 0x00}, true},
      {"0x8c as data of another item", {0x09, 0x8c, 0x15, 0x8c, 0x75, 0x08}, false},
      {"long item is skipped", {0xfe, 0x02, 0x10, 0x05, 0x8c, 0x05, 0x01}, false},
      {"long item then page", {0xfe, 0x01, 0x10, 0x00, 0x05, 0x8c}, true},
      {"truncated item", {0x05}, false},
      {"truncated two-byte page", {0x06, 0x8c}, false},
      {"empty", {}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HidReportDescriptorUsesPage(c.d, kHidUsagePageBarcodeScanner), c.pos) << c.name;
  }
  EXPECT_TRUE(HidReportDescriptorUsesPage(boot_keyboard, 0x07));
}

}  // namespace
}  // namespace edge::core
