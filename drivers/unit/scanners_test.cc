// ScannerManager's rules and its life without scanners, on the machine's own
// libusb (no device matches). The libusb path with emulated scanners is in
// drivers/umockdev/scanners_umockdev_test.cc.
#include "edge/drivers/scanners.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace edge::drivers {
namespace {

TEST(ScannerRules, Match) {
  const UsbDeviceId dev{0x05e0, 0x1200, "1-1.4", "SN-7"};
  auto rule = [](std::optional<uint16_t> vid, std::optional<uint16_t> pid, std::string serial,
                 std::string port) {
    ScannerRule r;
    r.station = "s";
    r.vendor_id = vid;
    r.product_id = pid;
    r.serial = std::move(serial);
    r.port_path = std::move(port);
    return r;
  };
  const struct {
    const char* name;
    ScannerRule rule;
    bool with_serial;
    bool without_serial;
  } cases[] = {
      {"no rule matches nothing", rule({}, {}, "", ""), false, false},
      {"vid:pid", rule(0x05e0, 0x1200, "", ""), true, true},
      {"vendor only", rule(0x05e0, {}, "", ""), true, true},
      {"product only", rule({}, 0x1200, "", ""), true, true},
      {"other vendor", rule(0x05e1, 0x1200, "", ""), false, false},
      {"other product", rule(0x05e0, 0x1201, "", ""), false, false},
      {"serial", rule({}, {}, "SN-7", ""), true, true},
      {"other serial (unchecked without opening)", rule({}, {}, "SN-8", ""), false, true},
      {"serial is exact", rule({}, {}, "sn-7", ""), false, true},
      {"port path", rule({}, {}, "", "1-1.4"), true, true},
      {"other port", rule({}, {}, "", "1-1.3"), false, false},
      {"port is not a prefix", rule({}, {}, "", "1-1"), false, false},
      {"all rules", rule(0x05e0, 0x1200, "SN-7", "1-1.4"), true, true},
      {"all but one", rule(0x05e0, 0x1200, "SN-7", "2-1.4"), false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(RuleMatches(c.rule, dev, true), c.with_serial) << c.name;
    EXPECT_EQ(RuleMatches(c.rule, dev, false), c.without_serial) << c.name;
  }
}

TEST(ScannerRules, PortPaths) {
  const uint8_t one[] = {4};
  const uint8_t two[] = {1, 4};
  const uint8_t seven[] = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(FormatPortPath(1, one), "1-4");
  EXPECT_EQ(FormatPortPath(1, two), "1-1.4");
  EXPECT_EQ(FormatPortPath(3, seven), "3-1.2.3.4.5.6.7");
  EXPECT_EQ(FormatPortPath(2, {}), "usb2");
  for (const char* ok : {"1-1", "1-1.4", "255-255.255", "3-1.2.3.4.5.6.7", "10-2.10"}) {
    EXPECT_TRUE(ValidPortPath(ok)) << ok;
  }
  for (const char* bad : {"", "1", "1-", "-1", "0-1", "1-0", "1-1.", "1-.1", "1-1..2", "256-1", "1-256",
                          "01-1", "1-01", "a-1", "1-1.4 ", "1-1.2.3.4.5.6.7.8", "usb1", "1_1"}) {
    EXPECT_FALSE(ValidPortPath(bad)) << bad;
  }
}

TEST(ScannerStates, Names) {
  EXPECT_EQ(ScannerStateName(ScannerState::kNotConfigured), "not_configured");
  EXPECT_EQ(ScannerStateName(ScannerState::kNoScanner), "no_scanner");
  EXPECT_EQ(ScannerStateName(ScannerState::kConnected), "connected");
  EXPECT_EQ(ScannerStateName(ScannerState::kDisconnected), "disconnected");
  EXPECT_EQ(ScannerStateName(ScannerState::kClaimFailed), "claim_failed");
  EXPECT_EQ(ScannerStateName(ScannerState::kError), "error");
}

TEST(ScannerManager, RefusesBadRules) {
  boost::asio::io_context io;
  auto make = [&](std::vector<ScannerRule> rules) {
    ScannerOptions o;
    o.stations = std::move(rules);
    return ScannerManager::Create(io, o, {});
  };
  ScannerRule a;
  a.station = "till-1";
  a.vendor_id = 0x05e0;
  ScannerRule unnamed = a;
  unnamed.station = "";
  ScannerRule bad_port = a;
  bad_port.station = "curbside";
  bad_port.port_path = "1-1.";
  const struct {
    std::vector<ScannerRule> rules;
    const char* error;
  } cases[] = {
      {{unnamed}, "scanner rules: a station without a name"},
      {{a, a}, "station till-1: named twice"},
      {{a, bad_port}, "station curbside: scanner port path \"1-1.\" is not bus-port[.port...], e.g. 1-1.4"},
  };
  for (const auto& c : cases) {
    auto m = make(c.rules);
    ASSERT_FALSE(m.ok()) << c.error;
    EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(m.status().message(), c.error);
  }
}

// With nothing plugged in that matches, every station waits for its scanner
// and the manager stops promptly (the event thread is interrupted, not
// waited out).
TEST(ScannerManager, StartsAndStopsWithoutScanners) {
  boost::asio::io_context io;
  ScannerOptions o;
  ScannerRule till;
  till.station = "till-1";
  till.vendor_id = 0xffff;  // no such scanner
  till.product_id = 0xfffe;
  ScannerRule handheld;
  handheld.station = "handheld";  // keyboard wedge only
  o.stations = {till, handheld};
  o.shutdown_timeout = std::chrono::milliseconds(500);
  int scans = 0;
  auto m = ScannerManager::Create(io, o, [&](const ScanEvent&) { ++scans; });
  ASSERT_TRUE(m.ok()) << m.status().message();
  io.run_for(std::chrono::milliseconds(50));
  const auto st = (*m)->Statuses();
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0].station, "till-1");
  // no_scanner here; error where libusb cannot start at all (no usbfs).
  EXPECT_TRUE(st[0].state == ScannerState::kNoScanner || st[0].state == ScannerState::kError)
      << ScannerStateName(st[0].state) << " " << st[0].detail;
  EXPECT_EQ(st[1].station, "handheld");
  EXPECT_EQ(st[1].state, ScannerState::kNotConfigured);
  const auto t0 = std::chrono::steady_clock::now();
  m.value().reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_EQ(scans, 0);
}

}  // namespace
}  // namespace edge::drivers
