// ScannerManager: the stations' USB barcode scanners over libusb-1.0. The
// core only ever sees "station S scanned this text with this symbology".
//
// Each station names its scanner by match rules (ScannerRule: vendor:product,
// serial number, USB port path); every rule given must hold. Devices come
// and go through libusb hotplug (registered with LIBUSB_HOTPLUG_ENUMERATE, so
// the scanners present at start arrive the same way): plugging, unplugging
// and replugging a scanner needs no restart. A device that matches a free
// station is opened, the kernel's driver is detached from its interface
// (libusb auto-detach: it is given back when the interface is released),
// the interface claimed and an interrupt IN transfer kept in flight. Which
// interface, and how its reports are read:
//
//   * a HID interface whose report descriptor uses the Barcode Scanner page
//     0x8C: HID POS mode (edge/core/hid_decode.h HidPosDecoder), preferred;
//   * else a HID boot keyboard interface (subclass 1, protocol 1), switched
//     to the boot protocol (SET_PROTOCOL 0, SET_IDLE 0): keyboard mode
//     (BootKeyboardDecoder).
//
// Each scan is parsed with core::ParseScan and delivered as a ScanEvent.
// Failure is per station and never fatal: a device that cannot be opened or
// claimed (permissions, another program holds it) is reported as
// claim_failed with the reason and retried every `claim_retry`; a device
// without a usable interface, or whose transfers keep failing, is reported
// as error; a device unplugged (even mid-transfer: the transfer completes
// with LIBUSB_TRANSFER_NO_DEVICE) is reported as disconnected, its partial
// scan dropped and its handle closed, and the station takes the next
// matching device that arrives. When libusb itself cannot start, every
// configured station reports error and the daemon runs on without scanners.
//
// Threads: a dedicated event thread runs libusb_handle_events and owns every
// libusb handle; it decodes reports into plain values and posts them to the
// io_context, so the callbacks run on the io_context thread and the loop
// never blocks on USB. The destructor stops the event thread with
// libusb_interrupt_event_handler (libusb >= 1.0.21), cancels the transfers
// and waits for them up to `shutdown_timeout`, then releases the interfaces
// (giving the kernel driver back) and closes the devices.
//
// Create, Statuses and the destructor: io_context thread only (Create may
// also run before the io_context runs). The io_context must outlive the
// manager; callbacks are not called after the manager is destroyed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/barcode.h"
#include "edge/core/status.h"

namespace edge::drivers {

// Which USB scanner belongs to a station; the app converts its config into
// these. A rule left empty matches anything; a station with no rule at all
// has no USB scanner (keyboard-wedge handhelds only).
struct ScannerRule {
  std::string station;                 // the station's name, reported with its scans
  std::optional<uint16_t> vendor_id;   // idVendor
  std::optional<uint16_t> product_id;  // idProduct
  std::string serial;                  // iSerialNumber, exactly; "" = any
  std::string port_path;               // "1-1.4": bus, then the hub ports from the root; "" = any
  bool empty() const { return !vendor_id && !product_id && serial.empty() && port_path.empty(); }
};

// What the rules look at on a device.
struct UsbDeviceId {
  uint16_t vendor_id = 0;
  uint16_t product_id = 0;
  std::string port_path;  // "1-1.4"
  std::string serial;     // "" when it has none or it was not read
};

// True when every rule given in `rule` holds for `id`. With `check_serial`
// false the serial rule is taken as holding (it costs opening the device).
// An empty rule matches nothing.
bool RuleMatches(const ScannerRule& rule, const UsbDeviceId& id, bool check_serial = true);

// The port path of a device as sysfs and the config write it: the bus, "-",
// then the port numbers from the root hub joined by ".": bus 1, ports {1, 4}
// -> "1-1.4". A root hub (no ports) gives "usb1".
std::string FormatPortPath(uint8_t bus, std::span<const uint8_t> ports);

// True for "B-P" or "B-P.P..." with B and each P in 1-255 and at most 7
// ports (USB allows 5 tiers of hubs below the root; Linux sysfs allows 7).
bool ValidPortPath(std::string_view path);

struct ScannerOptions {
  std::vector<ScannerRule> stations;  // names unique and not empty
  // Longest silence inside one scan (keyboard mode) or between the reports
  // of one code (HID POS); past it the partial scan is dropped. See
  // core::DecoderOptions.
  std::chrono::milliseconds gap_timeout{300};
  // How often to try again a device that could not be opened or claimed.
  // Shorter notices a freed device sooner, at the cost of a log line and an
  // open() each time; 0 = only when it is replugged.
  std::chrono::milliseconds claim_retry{5000};
  // How long the destructor waits for cancelled transfers before it closes
  // the devices anyway.
  std::chrono::milliseconds shutdown_timeout{2000};
};

enum class ScannerState {
  kNotConfigured,  // the station has no scanner rules
  kNoScanner,      // no matching scanner seen since start
  kConnected,      // claimed, reading
  kDisconnected,   // it was here and went away (unplugged)
  kClaimFailed,    // present, but could not be opened or claimed: `detail`
  kError,          // present, but unusable: `detail`
};

// "not_configured", "no_scanner", "connected", "disconnected",
// "claim_failed", "error".
std::string_view ScannerStateName(ScannerState state);

struct StationScannerStatus {
  std::string station;
  ScannerState state = ScannerState::kNoScanner;
  std::string detail;     // why, for claim_failed, error and disconnected
  std::string mode;       // "keyboard" or "hid_pos" while connected
  std::string usb_id;     // "05e0:1200" of the device (the last one seen)
  std::string port_path;  // "1-1.4"
  std::string serial;     // when it was read
  uint64_t scans = 0;     // scans delivered since start
  bool operator==(const StationScannerStatus&) const = default;
};

struct ScanEvent {
  std::string station;
  std::string device;             // "05e0:1200 on 1-1.4", for logs
  std::string text;               // the data as scanned (without the Enter/Tab suffix)
  std::string aim_id;             // from a HID POS scanner; "" in keyboard mode
  core::Result<core::Scan> scan;  // ParseScan(text, aim_id): the Scan or why not
};

class ScannerManager {
 public:
  using ScanCallback = std::function<void(const ScanEvent&)>;
  using StateCallback = std::function<void(const StationScannerStatus&)>;

  // Checks the options, starts libusb and its event thread, and registers
  // for hotplug. `on_scan` gets every scan and `on_state` every change of a
  // station's state, both on the io_context thread. InvalidArgument names the
  // station whose rules are wrong (empty or repeated name, bad port path);
  // libusb failing to start is not an error (see the top of this file).
  static core::Result<std::unique_ptr<ScannerManager>> Create(boost::asio::io_context& io,
                                                              ScannerOptions options, ScanCallback on_scan,
                                                              StateCallback on_state = {});
  ~ScannerManager();
  ScannerManager(const ScannerManager&) = delete;
  ScannerManager& operator=(const ScannerManager&) = delete;

  // Every configured station's scanner, in config order. As of the last
  // state change posted to the io_context.
  std::vector<StationScannerStatus> Statuses() const;

  struct Impl;

 private:
  explicit ScannerManager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edge::drivers
