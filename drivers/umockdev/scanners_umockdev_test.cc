// ScannerManager end to end through libusb under umockdev (usb_testbed.h):
// real libusb, real udev hotplug monitor, emulated usbfs devices. Every wait
// has a deadline; nothing sleeps.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edge/drivers/scanners.h"
#include "edge/testing/hid_reports.h"
#include "usb_testbed.h"

// FakeScannerSpec{.kind = ..., .ports = ...} leaves the other fields at their
// defaults on purpose; GCC 12 warns about that for designated initializers.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace edge::drivers {
namespace {

using edge::testing::FakeKind;
using edge::testing::FakeScanner;
using edge::testing::FakeScannerSpec;
using edge::testing::HidPosReports;
using edge::testing::KeyboardReports;
using edge::testing::UsbTestbed;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kDeadline = seconds(20);

// True while this process has the scanner's device node open (umockdev's
// preload opens the node under the testbed directory, plus a socket to the
// ioctl handler; the handler is not told when the client closes them).
bool NodeOpen(const FakeScanner& scanner) {
  const std::string node = scanner.devnode();
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.size() >= node.size() &&
        target.compare(target.size() - node.size(), node.size(), node) == 0) {
      return true;
    }
  }
  return false;
}

ScannerRule VidPid(std::string station, uint16_t vid, uint16_t pid) {
  ScannerRule r;
  r.station = std::move(station);
  r.vendor_id = vid;
  r.product_id = pid;
  return r;
}

// The io_context side: runs the loop in the test's thread until a condition
// holds, collecting what the manager delivers.
class Harness {
 public:
  Harness() : work_(io_.get_executor()) {}
  ~Harness() { Stop(); }

  void Start(std::vector<ScannerRule> stations, std::chrono::milliseconds claim_retry = milliseconds(5000)) {
    ScannerOptions o;
    o.stations = std::move(stations);
    // Generous: the emulated reports arrive as fast as the (shared, sanitized)
    // machine lets libusb's loop spin, and a cut scan must not be the test's.
    o.gap_timeout = seconds(5);
    o.claim_retry = claim_retry;
    o.shutdown_timeout = seconds(2);
    auto m = ScannerManager::Create(
        io_, o, [this](const ScanEvent& e) { scans_.push_back(e); },
        [this](const StationScannerStatus& s) { states_.push_back(s); });
    ASSERT_TRUE(m.ok()) << m.status().message();
    manager_ = std::move(m).value();
  }

  // Destroys the manager: transfers cancelled, interfaces released, devices
  // closed, all before it returns.
  void Stop() { manager_.reset(); }

  // Runs the io_context until `pred` holds; false at the deadline.
  bool RunUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = kDeadline) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return false;
      io_.run_one_for(std::min<std::chrono::steady_clock::duration>(deadline - now, milliseconds(100)));
    }
    return true;
  }

  StationScannerStatus Status(const std::string& station) const {
    for (const auto& s : manager_->Statuses()) {
      if (s.station == station) return s;
    }
    ADD_FAILURE() << "no station " << station;
    return {};
  }

  bool WaitState(const std::string& station, ScannerState state,
                 std::chrono::milliseconds timeout = kDeadline) {
    const bool ok = RunUntil([&] { return Status(station).state == state; }, timeout);
    if (!ok) {
      const auto s = Status(station);
      ADD_FAILURE() << station << " is " << ScannerStateName(s.state) << " (" << s.detail << "), expected "
                    << ScannerStateName(state);
    }
    return ok;
  }

  // Waits for `n` scans in all.
  bool WaitScans(size_t n, std::chrono::milliseconds timeout = kDeadline) {
    const bool ok = RunUntil([&] { return scans_.size() >= n; }, timeout);
    if (!ok) ADD_FAILURE() << "got " << scans_.size() << " scans, expected " << n;
    return ok;
  }

  const std::vector<ScanEvent>& scans() const { return scans_; }
  const std::vector<StationScannerStatus>& states() const { return states_; }
  ScannerManager& manager() { return *manager_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<ScanEvent> scans_;
  std::vector<StationScannerStatus> states_;
  std::unique_ptr<ScannerManager> manager_;
};

// A keyboard-mode scanner present at start, with usbhid bound to it: found by
// enumeration, usbhid detached and the interface claimed, switched to the
// boot protocol; known codes come through typed key by key; at the end the
// interface is released, usbhid given back and the node closed.
TEST(ScannersUnderUmockdev, KeyboardScannerWithKernelDriverBound) {
  UsbTestbed bed;
  FakeScanner& scanner = bed.Plug({.kind = FakeKind::kKeyboard, .vendor_id = 0x05e0, .product_id = 0x1200});
  ASSERT_TRUE(scanner.state().driver_bound);

  Harness h;
  h.Start({VidPid("till-1", 0x05e0, 0x1200)});
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));
  const auto status = h.Status("till-1");
  EXPECT_EQ(status.mode, "keyboard");
  EXPECT_EQ(status.usb_id, "05e0:1200");
  EXPECT_EQ(status.port_path, "1-3");
  const auto after_claim = scanner.state();
  EXPECT_TRUE(after_claim.claimed);
  EXPECT_FALSE(after_claim.driver_bound) << "usbhid must be detached before the claim";
  EXPECT_EQ(after_claim.detaches, 1);
  EXPECT_EQ(after_claim.set_protocol_boot, 1);

  scanner.Send(KeyboardReports("4006381333931\n"));
  scanner.Send(KeyboardReports("11\n"));  // key-down edges: two ones
  scanner.Send(KeyboardReports("SE1:ORD:R-1001:123456\t"));
  scanner.Send(KeyboardReports(std::string("]C10109501101530003") + "10AB-1" + '\x1d' + "17260101\n"));
  scanner.Send(KeyboardReports("4006381333932\n"));  // bad check digit: delivered with the error
  ASSERT_TRUE(h.WaitScans(5));
  const auto& s = h.scans();
  for (const auto& e : s) {
    EXPECT_EQ(e.station, "till-1");
    EXPECT_EQ(e.device, "05e0:1200 on 1-3");
    EXPECT_EQ(e.aim_id, "");
  }
  EXPECT_EQ(s[0].text, "4006381333931");
  ASSERT_TRUE(s[0].scan.ok()) << s[0].scan.status().message();
  EXPECT_EQ(s[0].scan->kind, core::Scan::Kind::kGtin);
  EXPECT_EQ(s[0].scan->gtin, "04006381333931");
  EXPECT_EQ(s[1].text, "11");
  EXPECT_EQ(s[2].text, "SE1:ORD:R-1001:123456");
  ASSERT_TRUE(s[2].scan.ok()) << s[2].scan.status().message();
  EXPECT_EQ(s[2].scan->kind, core::Scan::Kind::kOrder);
  EXPECT_EQ(s[2].scan->pickup_code, "123456");
  ASSERT_TRUE(s[3].scan.ok()) << s[3].scan.status().message();
  EXPECT_EQ(s[3].scan->kind, core::Scan::Kind::kGs1);
  EXPECT_EQ(s[3].scan->ais.at("10"), "AB-1");
  EXPECT_EQ(s[3].scan->ais.at("17"), "260101");
  ASSERT_FALSE(s[4].scan.ok());
  EXPECT_EQ(s[4].scan.status().message(), "EAN-13 4006381333932: check digit is 2, expected 1");
  ASSERT_TRUE(h.RunUntil([&] { return h.Status("till-1").scans == 5; }));

  h.Stop();
  const auto after = scanner.state();
  EXPECT_FALSE(after.claimed);
  EXPECT_TRUE(after.driver_bound) << "usbhid is given back on release";
  EXPECT_EQ(after.reattaches, 1);
  EXPECT_EQ(after.flying, 0u) << "the transfer was cancelled and reaped";
  EXPECT_FALSE(NodeOpen(scanner)) << "the device was closed";
  EXPECT_TRUE(after.unknown_ioctls.empty());
}

// A HID POS scanner behind a hub, matched by its port path: the AIM
// identifier comes with every code, long codes come in several reports.
TEST(ScannersUnderUmockdev, HidPosScannerByPortPath) {
  UsbTestbed bed;
  FakeScanner& pos = bed.Plug({.kind = FakeKind::kHidPos,
                               .vendor_id = 0x0c2e,
                               .product_id = 0x0b87,
                               .ports = {1, 4},
                               .kernel_driver = "usbhid"});
  Harness h;
  ScannerRule curbside;
  curbside.station = "curbside";
  curbside.port_path = "1-1.4";
  h.Start({curbside});
  ASSERT_TRUE(h.WaitState("curbside", ScannerState::kConnected));
  EXPECT_EQ(h.Status("curbside").mode, "hid_pos");
  EXPECT_EQ(h.Status("curbside").port_path, "1-1.4");
  EXPECT_EQ(pos.state().report_descriptor_reads, 1);
  EXPECT_EQ(pos.state().set_protocol_boot, 0);

  std::string qr = "https://id.gs1.org/01/09506000134352/10/ABC123?17=261231";
  while (qr.size() < 150) qr += "&x=padding";
  pos.Send(HidPosReports("4006381333931", "]E0"));
  pos.Send(HidPosReports("04252614", "]E0"));  // UPC-E: only the AIM id tells it from EAN-8
  pos.Send(HidPosReports(qr, "]Q1"));          // three reports
  ASSERT_TRUE(h.WaitScans(3));
  const auto& s = h.scans();
  EXPECT_EQ(s[0].station, "curbside");
  EXPECT_EQ(s[0].aim_id, "]E0");
  ASSERT_TRUE(s[0].scan.ok());
  EXPECT_EQ(s[0].scan->symbology, "EAN-13");
  ASSERT_TRUE(s[1].scan.ok()) << s[1].scan.status().message();
  EXPECT_EQ(s[1].scan->symbology, "UPC-E");
  EXPECT_EQ(s[1].scan->gtin, "00042100005264");
  EXPECT_EQ(s[2].text, qr);
  EXPECT_EQ(s[2].aim_id, "]Q1");
  ASSERT_TRUE(s[2].scan.ok()) << s[2].scan.status().message();
  EXPECT_EQ(s[2].scan->kind, core::Scan::Kind::kGs1);
  EXPECT_EQ(s[2].scan->ais.at("10"), "ABC123");
}

// Nothing at start; scanners plugged in, unplugged and plugged in again while
// the manager runs, through libusb's udev hotplug monitor. A station matched
// by serial number gets its scanner, not the other one.
TEST(ScannersUnderUmockdev, HotplugAddRemoveReplug) {
  UsbTestbed bed;
  Harness h;
  ScannerRule packing;
  packing.station = "packing";
  packing.serial = "SN-PACK-7";
  h.Start({VidPid("till-1", 0x05e0, 0x1200), packing});
  EXPECT_EQ(h.Status("till-1").state, ScannerState::kNoScanner);
  EXPECT_EQ(h.Status("packing").state, ScannerState::kNoScanner);

  // A scanner with another serial: matches no station, is left alone.
  FakeScanner& stranger = bed.Plug(
      {.vendor_id = 0x1eab, .product_id = 0x0d22, .serial = "SN-OTHER", .ports = {5}, .kernel_driver = ""});
  FakeScanner& pack = bed.Plug(
      {.vendor_id = 0x1eab, .product_id = 0x0d22, .serial = "SN-PACK-7", .ports = {6}, .kernel_driver = ""});
  ASSERT_TRUE(h.WaitState("packing", ScannerState::kConnected));
  EXPECT_EQ(h.Status("packing").serial, "SN-PACK-7");
  EXPECT_EQ(h.Status("packing").port_path, "1-6");
  EXPECT_FALSE(stranger.state().claimed);

  FakeScanner& till = bed.Plug({.vendor_id = 0x05e0, .product_id = 0x1200, .ports = {3}});
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));
  pack.Send(KeyboardReports("SE1:PKG:P-77\n"));
  ASSERT_TRUE(h.WaitScans(1));
  till.Send(KeyboardReports("96385074\n"));
  ASSERT_TRUE(h.WaitScans(2));
  EXPECT_EQ(h.scans()[0].station, "packing");
  EXPECT_EQ(h.scans()[0].text, "SE1:PKG:P-77");
  EXPECT_EQ(h.scans()[1].station, "till-1");
  EXPECT_EQ(h.scans()[1].text, "96385074");

  EXPECT_TRUE(NodeOpen(till));
  bed.Unplug(till);
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kDisconnected));
  EXPECT_FALSE(h.Status("till-1").detail.empty());
  EXPECT_TRUE(h.RunUntil([&] { return !NodeOpen(till); })) << "the handle of the unplugged scanner is closed";
  EXPECT_EQ(h.Status("packing").state, ScannerState::kConnected) << "the other station is untouched";

  FakeScanner& again = bed.Plug({.vendor_id = 0x05e0, .product_id = 0x1200, .ports = {3}});
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));
  again.Send(KeyboardReports("4006381333931\n"));
  ASSERT_TRUE(h.WaitScans(3));
  EXPECT_EQ(h.scans()[2].station, "till-1");
  EXPECT_EQ(h.scans()[2].text, "4006381333931");

  // The station's history: no_scanner -> connected -> disconnected -> connected.
  std::vector<ScannerState> till_states;
  for (const auto& s : h.states()) {
    if (s.station == "till-1") till_states.push_back(s.state);
  }
  EXPECT_EQ(till_states, (std::vector<ScannerState>{ScannerState::kConnected, ScannerState::kDisconnected,
                                                    ScannerState::kConnected}));
}

// A scanner held by another program: reported as claim_failed with the
// reason, not fatal (the other station scans on), and retried until free.
TEST(ScannersUnderUmockdev, DeviceThatCannotBeClaimed) {
  UsbTestbed bed;
  FakeScanner& held = bed.Plug({.vendor_id = 0x05e0, .product_id = 0x1200, .ports = {3}, .busy = true});
  FakeScanner& other =
      bed.Plug({.kind = FakeKind::kHidPos, .vendor_id = 0x0c2e, .product_id = 0x0b87, .ports = {4}});
  Harness h;
  h.Start({VidPid("till-1", 0x05e0, 0x1200), VidPid("curbside", 0x0c2e, 0x0b87)}, milliseconds(200));
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kClaimFailed));
  EXPECT_NE(h.Status("till-1").detail.find("LIBUSB_ERROR_BUSY"), std::string::npos)
      << h.Status("till-1").detail;
  ASSERT_TRUE(h.WaitState("curbside", ScannerState::kConnected));
  other.Send(HidPosReports("96385074", "]E4"));
  ASSERT_TRUE(h.WaitScans(1));
  EXPECT_EQ(h.scans()[0].station, "curbside");
  // Retried, still refused.
  EXPECT_TRUE(held.WaitFor([](const FakeScanner::State& s) { return s.claims_refused >= 2; }));

  held.SetBusy(false);
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));
  held.Send(KeyboardReports("4006381333931\n"));
  ASSERT_TRUE(h.WaitScans(2));
  EXPECT_EQ(h.scans()[1].station, "till-1");
}

// A HID device that is neither a boot keyboard nor a HID POS scanner.
TEST(ScannersUnderUmockdev, DeviceWithoutAScannerInterface) {
  UsbTestbed bed;
  FakeScanner& mouse = bed.Plug({.kind = FakeKind::kMouse, .vendor_id = 0x046d, .product_id = 0xc077});
  Harness h;
  h.Start({VidPid("till-1", 0x046d, 0xc077)});
  ASSERT_TRUE(h.WaitState("till-1", ScannerState::kError));
  EXPECT_EQ(h.Status("till-1").detail, "no HID POS (usage page 0x8C) or boot keyboard interface");
  EXPECT_TRUE(mouse.WaitFor([](const FakeScanner::State& s) { return !s.claimed && s.driver_bound; }))
      << "released, and usbhid has the mouse back";
  EXPECT_TRUE(h.RunUntil([&] { return !NodeOpen(mouse); })) << "and closed";
}

// The scanner vanishes in the middle of a code: its transfer ends with
// LIBUSB_TRANSFER_NO_DEVICE before udev says anything. The partial code is
// dropped (no scan), the station shows disconnected, the handle is closed;
// after a replug the next code comes whole.
TEST(ScannersUnderUmockdev, VanishesMidTransfer) {
  for (const FakeKind kind : {FakeKind::kKeyboard, FakeKind::kHidPos}) {
    SCOPED_TRACE(kind == FakeKind::kKeyboard ? "keyboard" : "hid_pos");
    UsbTestbed bed;
    FakeScannerSpec spec{.kind = kind, .vendor_id = 0x05e0, .product_id = 0x1200, .ports = {2}};
    FakeScanner& first = bed.Plug(spec);
    Harness h;
    h.Start({VidPid("till-1", 0x05e0, 0x1200)});
    ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));

    if (kind == FakeKind::kKeyboard) {
      first.Send(KeyboardReports("400638"));  // no Enter yet
    } else {
      auto parts = HidPosReports(std::string(120, '7'), "]Q1");
      parts.pop_back();  // the last part never comes
      first.Send(parts);
    }
    ASSERT_TRUE(first.WaitDrained());
    EXPECT_TRUE(NodeOpen(first));
    first.Vanish();
    ASSERT_TRUE(h.WaitState("till-1", ScannerState::kDisconnected));
    EXPECT_NE(h.Status("till-1").detail.find("LIBUSB_TRANSFER_NO_DEVICE"), std::string::npos)
        << h.Status("till-1").detail;
    EXPECT_TRUE(h.RunUntil([&] { return !NodeOpen(first); }))
        << "resources freed: the device node was closed";

    bed.Unplug(first);  // udev's remove comes later; nothing left to do
    spec.ports = {2};
    FakeScanner& second = bed.Plug(spec);
    ASSERT_TRUE(h.WaitState("till-1", ScannerState::kConnected));
    if (kind == FakeKind::kKeyboard) {
      second.Send(KeyboardReports("1333931\n4006381333931\n"));
    } else {
      second.Send(HidPosReports("4006381333931", "]E0"));
    }
    ASSERT_TRUE(h.WaitScans(kind == FakeKind::kKeyboard ? 2 : 1));
    // The partial code from the first device never became a scan.
    if (kind == FakeKind::kKeyboard) {
      EXPECT_EQ(h.scans()[0].text, "1333931");
      EXPECT_EQ(h.scans()[1].text, "4006381333931");
    } else {
      ASSERT_EQ(h.scans().size(), 1u);
      EXPECT_EQ(h.scans()[0].text, "4006381333931");
    }
  }
}

}  // namespace
}  // namespace edge::drivers
