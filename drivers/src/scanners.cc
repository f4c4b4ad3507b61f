#include "edge/drivers/scanners.h"

#include <libusb.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "edge/core/hid_decode.h"
#include "edge/log/log.h"

namespace edge::drivers {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

// ---- pure helpers ----

bool RuleMatches(const ScannerRule& rule, const UsbDeviceId& id, bool check_serial) {
  if (rule.empty()) return false;
  if (rule.vendor_id && *rule.vendor_id != id.vendor_id) return false;
  if (rule.product_id && *rule.product_id != id.product_id) return false;
  if (!rule.port_path.empty() && rule.port_path != id.port_path) return false;
  if (check_serial && !rule.serial.empty() && rule.serial != id.serial) return false;
  return true;
}

std::string FormatPortPath(uint8_t bus, std::span<const uint8_t> ports) {
  if (ports.empty()) return "usb" + std::to_string(bus);
  std::string s = std::to_string(bus) + "-";
  for (size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) s += '.';
    s += std::to_string(ports[i]);
  }
  return s;
}

bool ValidPortPath(std::string_view path) {
  auto number = [](std::string_view n) {
    if (n.empty() || n.size() > 3 || (n.size() > 1 && n[0] == '0')) return false;
    int v = 0;
    for (char c : n) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    return v >= 1 && v <= 255;
  };
  const size_t dash = path.find('-');
  if (dash == std::string_view::npos || !number(path.substr(0, dash))) return false;
  std::string_view rest = path.substr(dash + 1);
  int ports = 0;
  for (;;) {
    const size_t dot = rest.find('.');
    if (!number(rest.substr(0, dot)) || ++ports > 7) return false;
    if (dot == std::string_view::npos) return true;
    rest = rest.substr(dot + 1);
  }
}

std::string_view ScannerStateName(ScannerState state) {
  switch (state) {
    case ScannerState::kNotConfigured:
      return "not_configured";
    case ScannerState::kNoScanner:
      return "no_scanner";
    case ScannerState::kConnected:
      return "connected";
    case ScannerState::kDisconnected:
      return "disconnected";
    case ScannerState::kClaimFailed:
      return "claim_failed";
    case ScannerState::kError:
      return "error";
  }
  return "unknown";
}

namespace {

// libusb's loop wakes at least this often to expire partial scans and retry
// claims; libusb_interrupt_event_handler wakes it at once to stop.
constexpr int kLoopTimeoutUs = 100'000;
// Synchronous control requests while attaching a device.
constexpr unsigned kControlTimeoutMs = 1000;
// Transfer errors in a row (stall, babble, CRC) before a device is given up.
constexpr int kMaxTransferErrors = 5;
// Malformed reports logged per device (the rest are not).
constexpr int kMaxReportWarnings = 5;
// bmRequestType of GET_DESCRIPTOR(report) and of SET_PROTOCOL / SET_IDLE.
constexpr uint8_t kInStandardInterface = 0x81;  // IN | standard | interface
constexpr uint8_t kOutClassInterface = 0x21;    // OUT | class | interface

std::string UsbError(int r) {
  return std::string(libusb_error_name(r)) + " (" + libusb_strerror(static_cast<libusb_error>(r)) + ")";
}

std::string Hex4(uint16_t v) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "%04x", v);
  return buf;
}

// ---- owners of libusb handles ----

struct ContextExit {
  void operator()(libusb_context* c) const { libusb_exit(c); }
};
using ContextPtr = std::unique_ptr<libusb_context, ContextExit>;

struct DeviceUnref {
  void operator()(libusb_device* d) const { libusb_unref_device(d); }
};
using DeviceRef = std::unique_ptr<libusb_device, DeviceUnref>;

struct HandleClose {
  void operator()(libusb_device_handle* h) const { libusb_close(h); }
};
using HandlePtr = std::unique_ptr<libusb_device_handle, HandleClose>;

// Frees a transfer that is not in flight (the owner makes sure of that).
struct TransferFree {
  void operator()(libusb_transfer* t) const { libusb_free_transfer(t); }
};
using TransferPtr = std::unique_ptr<libusb_transfer, TransferFree>;

struct ConfigFree {
  void operator()(libusb_config_descriptor* c) const { libusb_free_config_descriptor(c); }
};
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigFree>;

// A claimed interface. Released when destroyed, which with auto-detach also
// gives the interface back to the kernel driver; must go before its handle.
class ClaimedInterface {
 public:
  ClaimedInterface() = default;
  ClaimedInterface(libusb_device_handle* handle, int number) : handle_(handle), number_(number) {}
  ClaimedInterface(ClaimedInterface&& o) noexcept
      : handle_(std::exchange(o.handle_, nullptr)), number_(o.number_) {}
  ClaimedInterface& operator=(ClaimedInterface&& o) noexcept {
    if (this != &o) {
      Release();
      handle_ = std::exchange(o.handle_, nullptr);
      number_ = o.number_;
    }
    return *this;
  }
  ~ClaimedInterface() { Release(); }

  void Release() {
    // Fails with NO_DEVICE when the device is gone; nothing to do then.
    if (handle_) (void)libusb_release_interface(std::exchange(handle_, nullptr), number_);
  }
  explicit operator bool() const { return handle_ != nullptr; }
  int number() const { return number_; }

 private:
  libusb_device_handle* handle_ = nullptr;
  int number_ = -1;
};

// The hotplug callback; deregistered when destroyed, before the context.
class HotplugRegistration {
 public:
  HotplugRegistration(libusb_context* ctx, libusb_hotplug_callback_handle handle)
      : ctx_(ctx), handle_(handle) {}
  HotplugRegistration(const HotplugRegistration&) = delete;
  HotplugRegistration& operator=(const HotplugRegistration&) = delete;
  ~HotplugRegistration() { libusb_hotplug_deregister_callback(ctx_, handle_); }

 private:
  libusb_context* ctx_;
  libusb_hotplug_callback_handle handle_;
};

enum class Mode { kKeyboard, kHidPos };

const char* ModeName(Mode m) { return m == Mode::kKeyboard ? "keyboard" : "hid_pos"; }

enum class Phase {
  kSpare,        // matches a station that is taken; waits for it
  kActive,       // bound to a station, transfer in flight
  kClaimFailed,  // bound to a station; retried at retry_at
  kFailed,       // bound to a station; unusable until replugged
  kGone,         // unplugged; freed once its transfer is back
};

// One USB device that matches a station's rules. Event thread only.
struct Device {
  ScannerManager::Impl* impl = nullptr;
  DeviceRef dev;
  UsbDeviceId id;
  uint8_t serial_index = 0;
  bool serial_read = false;
  std::string name;  // "05e0:1200 on 1-1.4"
  int station = -1;
  Phase phase = Phase::kSpare;
  SteadyClock::time_point retry_at{};
  SteadyClock::time_point given_up_at{};  // when it went kGone or kFailed
  std::string last_claim_error;           // logged once, not on every retry

  // Declared in reverse release order: the transfer is freed first (never
  // while in flight), its buffer next, then the interface is released, then
  // the handle closed.
  HandlePtr handle;
  ClaimedInterface claim;
  std::vector<uint8_t> buffer;
  TransferPtr transfer;
  bool in_flight = false;

  Mode mode = Mode::kKeyboard;
  std::optional<core::BootKeyboardDecoder> keyboard;
  std::optional<core::HidPosDecoder> pos;
  int errors_in_a_row = 0;
  bool resubmit_due = false;
  bool clear_halt_due = false;
  int report_warnings = 0;
  uint8_t endpoint = 0;
};

// What the io_context thread owns: the callbacks and the statuses the API
// reports. Posted handlers hold it, so it outlives the manager when they
// are still queued; `closed` makes them no-ops then.
struct Sink {
  ScannerManager::ScanCallback on_scan;
  ScannerManager::StateCallback on_state;
  std::vector<StationScannerStatus> statuses;
  bool closed = false;
};

// An interface that could carry scans.
struct HidInterface {
  int number = 0;
  uint8_t endpoint = 0;
  uint16_t max_packet = 0;
  bool boot_keyboard = false;
  uint16_t report_descriptor_length = 0;
};

}  // namespace

// The event thread and everything it owns.
struct ScannerManager::Impl {
  Impl(asio::io_context& io_context, ScannerOptions o) : io(io_context), options(std::move(o)) {}

  asio::io_context& io;
  const ScannerOptions options;
  std::shared_ptr<Sink> sink = std::make_shared<Sink>();

  // Event thread state, in reverse release order: the devices and queued
  // hotplug events hold device references and handles, so they go before
  // the registration, which goes before the context.
  ContextPtr ctx;
  std::unique_ptr<HotplugRegistration> hotplug;
  std::mutex pending_mu;  // hotplug callbacks run in Create's thread (ENUMERATE), then the event thread
  std::vector<std::pair<libusb_hotplug_event, DeviceRef>> pending;
  std::vector<std::unique_ptr<Device>> devices;
  std::vector<Device*> owner;                // per station: the device bound to it
  std::vector<StationScannerStatus> posted;  // per station: the last status posted
  SteadyClock::time_point last_loop_error_log{};
  std::atomic<bool> stop{false};
  std::thread thread;  // joined in ~ScannerManager before anything above goes

  // Event thread.
  void Run();
  void Tick();
  void OnArrived(DeviceRef dev);
  void OnLeft(libusb_device* dev);
  void Assign();
  void Attach(Device& d, std::vector<int> candidates);
  void Bind(Device& d, int station);
  void MarkGone(Device& d, const std::string& reason);
  void Fail(Device& d, ScannerState state, const std::string& reason);
  void Submit(Device& d);
  void ReleaseUsb(Device& d);
  void Decode(Device& d, std::span<const uint8_t> report);
  void HandleEvents(Device& d, std::vector<core::DecoderEvent> events);
  void DeliverScan(Device& d, core::DecoderEvent e);
  void PostState(int station, StationScannerStatus s);
  void PostDeviceState(Device& d, ScannerState state, const std::string& detail);
  void Shutdown();
  static void OnTransfer(libusb_transfer* t);
  static int OnHotplug(libusb_context* ctx, libusb_device* dev, libusb_hotplug_event event, void* user);
};

namespace {

void LogLibusb(libusb_context*, enum libusb_log_level level, const char* str) {
  std::string_view message(str ? str : "");
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.remove_suffix(1);
  if (level == LIBUSB_LOG_LEVEL_ERROR) {
    log::Error("usb.libusb").Kv("message", message);
  } else {
    log::Warn("usb.libusb").Kv("message", message);
  }
}

// The HID interfaces (alternate setting 0) with an interrupt IN endpoint.
std::vector<HidInterface> HidInterfaces(const libusb_config_descriptor& config) {
  std::vector<HidInterface> out;
  for (int i = 0; i < config.bNumInterfaces; ++i) {
    const libusb_interface& itf = config.interface[i];
    if (itf.num_altsetting < 1) continue;
    const libusb_interface_descriptor& alt = itf.altsetting[0];
    if (alt.bInterfaceClass != LIBUSB_CLASS_HID) continue;
    HidInterface h;
    h.number = alt.bInterfaceNumber;
    h.boot_keyboard = alt.bInterfaceSubClass == 1 && alt.bInterfaceProtocol == 1;
    for (int e = 0; e < alt.bNumEndpoints; ++e) {
      const libusb_endpoint_descriptor& ep = alt.endpoint[e];
      if ((ep.bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN &&
          (ep.bmAttributes & LIBUSB_TRANSFER_TYPE_MASK) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
        h.endpoint = ep.bEndpointAddress;
        h.max_packet = ep.wMaxPacketSize & 0x7FF;
        break;
      }
    }
    if (h.endpoint == 0 || h.max_packet == 0) continue;
    // The HID descriptor (class descriptor 0x21) follows the interface
    // descriptor and gives the length of the report descriptor.
    const unsigned char* x = alt.extra;
    int left = alt.extra_length;
    while (left >= 2 && x[0] >= 2 && x[0] <= left) {
      if (x[1] == LIBUSB_DT_HID && x[0] >= 9) {
        for (int k = 0; k < x[5] && 6 + 3 * k + 2 < x[0]; ++k) {
          if (x[6 + 3 * k] == LIBUSB_DT_REPORT) {
            h.report_descriptor_length = static_cast<uint16_t>(x[7 + 3 * k] | (x[8 + 3 * k] << 8));
          }
        }
      }
      left -= x[0];
      x += x[0];
    }
    out.push_back(h);
  }
  return out;
}

}  // namespace

// ---- hotplug and the event loop ----

int ScannerManager::Impl::OnHotplug(libusb_context*, libusb_device* dev, libusb_hotplug_event event,
                                    void* user) {
  auto* self = static_cast<Impl*>(user);
  // Only queue: this may run inside libusb's event handling, where opening
  // the device and synchronous control requests must not happen.
  std::lock_guard<std::mutex> g(self->pending_mu);
  self->pending.emplace_back(event, DeviceRef(libusb_ref_device(dev)));
  return 0;  // stay registered
}

void ScannerManager::Impl::Run() {
  while (!stop.load()) {
    // Nothing here throws but allocation; should it, the scanners keep
    // running rather than take the daemon down from this thread.
    try {
      Tick();
      timeval tv{0, kLoopTimeoutUs};
      const int r = libusb_handle_events_timeout_completed(ctx.get(), &tv, nullptr);
      if (r < 0 && r != LIBUSB_ERROR_INTERRUPTED) {
        const auto now = SteadyClock::now();
        if (now - last_loop_error_log > std::chrono::seconds(10)) {
          last_loop_error_log = now;
          log::Warn("usb.events_failed").Kv("error", UsbError(r));
        }
      }
    } catch (const std::exception& e) {
      log::Error("usb.event_thread_exception").Kv("error", e.what());
    }
  }
  Shutdown();
}

void ScannerManager::Impl::Tick() {
  std::vector<std::pair<libusb_hotplug_event, DeviceRef>> events;
  {
    std::lock_guard<std::mutex> g(pending_mu);
    events.swap(pending);
  }
  for (auto& [event, dev] : events) {
    if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
      OnArrived(std::move(dev));
    } else {
      OnLeft(dev.get());
    }
  }
  const auto now = SteadyClock::now();
  for (auto& dp : devices) {
    Device& d = *dp;
    if (d.phase == Phase::kActive) {
      std::vector<core::DecoderEvent> expired = d.keyboard ? d.keyboard->Expire(now) : d.pos->Expire(now);
      if (!expired.empty()) HandleEvents(d, std::move(expired));
      if (d.resubmit_due && !d.in_flight) {
        d.resubmit_due = false;
        if (d.clear_halt_due) {
          d.clear_halt_due = false;
          (void)libusb_clear_halt(d.handle.get(), d.endpoint);
        }
        Submit(d);
      }
    }
    if (d.phase == Phase::kClaimFailed && options.claim_retry.count() > 0 && now >= d.retry_at) {
      const int station = d.station;
      Attach(d, {station});
    }
    if ((d.phase == Phase::kGone || d.phase == Phase::kFailed) && d.in_flight &&
        now - d.given_up_at > options.shutdown_timeout) {
      log::Warn("usb.transfer_stuck").Kv("device", d.name).Kv("action", "closing the device anyway");
      // libusb_close takes in-flight transfers off its lists; the transfer
      // can be freed after it.
      d.claim.Release();
      d.handle.reset();
      d.in_flight = false;
    }
    if (d.phase != Phase::kActive && !d.in_flight && (d.handle || d.transfer)) ReleaseUsb(d);
  }
  std::erase_if(devices,
                [](const std::unique_ptr<Device>& d) { return d->phase == Phase::kGone && !d->in_flight; });
  Assign();
}

void ScannerManager::Impl::OnArrived(DeviceRef dev) {
  for (const auto& d : devices) {
    if (d->dev.get() == dev.get()) return;  // enumerated and announced both
  }
  libusb_device_descriptor desc{};
  if (libusb_get_device_descriptor(dev.get(), &desc) != 0) return;
  if (desc.bDeviceClass == LIBUSB_CLASS_HUB) return;
  auto d = std::make_unique<Device>();
  d->impl = this;
  d->id.vendor_id = desc.idVendor;
  d->id.product_id = desc.idProduct;
  uint8_t ports[8];
  const int n = libusb_get_port_numbers(dev.get(), ports, sizeof ports);
  d->id.port_path = FormatPortPath(libusb_get_bus_number(dev.get()),
                                   std::span<const uint8_t>(ports, n > 0 ? static_cast<size_t>(n) : 0));
  d->serial_index = desc.iSerialNumber;
  d->name = Hex4(desc.idVendor) + ":" + Hex4(desc.idProduct) + " on " + d->id.port_path;
  const bool wanted = std::any_of(options.stations.begin(), options.stations.end(),
                                  [&](const ScannerRule& r) { return RuleMatches(r, d->id, false); });
  if (!wanted) {
    log::Debug("usb.device_ignored").Kv("device", d->name).Kv("reason", "no station's rules match it");
    return;
  }
  d->dev = std::move(dev);
  log::Info("usb.device_arrived").Kv("device", d->name);
  devices.push_back(std::move(d));
}

void ScannerManager::Impl::OnLeft(libusb_device* dev) {
  for (auto& d : devices) {
    if (d->dev.get() == dev) {
      log::Info("usb.device_left").Kv("device", d->name);
      MarkGone(*d, "unplugged");
    }
  }
}

void ScannerManager::Impl::Assign() {
  for (auto& dp : devices) {
    Device& d = *dp;
    if (d.phase != Phase::kSpare) continue;
    std::vector<int> candidates;
    for (size_t s = 0; s < options.stations.size(); ++s) {
      if (owner[s] == nullptr && RuleMatches(options.stations[s], d.id, d.serial_read)) {
        candidates.push_back(static_cast<int>(s));
      }
    }
    if (!candidates.empty()) Attach(d, std::move(candidates));
  }
}

void ScannerManager::Impl::Bind(Device& d, int station) {
  if (d.station == station) return;
  if (d.station >= 0) owner[static_cast<size_t>(d.station)] = nullptr;
  d.station = station;
  owner[static_cast<size_t>(station)] = &d;
}

void ScannerManager::Impl::Attach(Device& d, std::vector<int> candidates) {
  const auto now = SteadyClock::now();
  auto claim_failed = [&](int station, const std::string& why) {
    Bind(d, station);
    d.phase = Phase::kClaimFailed;
    d.retry_at = now + options.claim_retry;
    d.claim.Release();
    d.handle.reset();
    if (why != d.last_claim_error) {
      d.last_claim_error = why;
      log::Warn("usb.claim_failed")
          .Kv("station", options.stations[static_cast<size_t>(station)].station)
          .Kv("device", d.name)
          .Kv("error", why)
          .Kv("retry_ms", options.claim_retry.count());
    }
    PostDeviceState(d, ScannerState::kClaimFailed, why);
  };

  if (!d.handle) {
    libusb_device_handle* h = nullptr;
    const int r = libusb_open(d.dev.get(), &h);
    if (r != 0) {
      claim_failed(candidates.front(), "open: " + UsbError(r));
      return;
    }
    d.handle.reset(h);
  }
  const bool wants_serial = std::any_of(candidates.begin(), candidates.end(), [&](int s) {
    return !options.stations[static_cast<size_t>(s)].serial.empty();
  });
  if (wants_serial && !d.serial_read) {
    d.serial_read = true;
    if (d.serial_index != 0) {
      unsigned char buf[256];
      const int n = libusb_get_string_descriptor_ascii(d.handle.get(), d.serial_index, buf, sizeof buf);
      if (n > 0) {
        d.id.serial.assign(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
      } else if (n < 0) {
        log::Warn("usb.serial_unreadable").Kv("device", d.name).Kv("error", UsbError(n));
      }
    }
  }
  std::erase_if(candidates,
                [&](int s) { return !RuleMatches(options.stations[static_cast<size_t>(s)], d.id, true); });
  if (candidates.empty()) {
    d.handle.reset();  // not this station's scanner; stays a spare for another
    return;
  }
  Bind(d, candidates.front());

  // Let libusb detach usbhid from the interface on claim and give it back on
  // release, so the scanner types into the console again when we let go.
  const int ad = libusb_set_auto_detach_kernel_driver(d.handle.get(), 1);
  if (ad != 0 && ad != LIBUSB_ERROR_NOT_SUPPORTED) {
    log::Warn("usb.auto_detach_failed").Kv("device", d.name).Kv("error", UsbError(ad));
  }

  libusb_config_descriptor* raw_config = nullptr;
  const int rc = libusb_get_active_config_descriptor(d.dev.get(), &raw_config);
  if (rc != 0) {
    Fail(d, ScannerState::kError, "read the active configuration: " + UsbError(rc));
    return;
  }
  const ConfigPtr config(raw_config);
  const std::vector<HidInterface> hids = HidInterfaces(*config);
  if (hids.empty()) {
    Fail(d, ScannerState::kError, "no HID interface with an interrupt IN endpoint");
    return;
  }

  std::string claim_error;
  const HidInterface* chosen = nullptr;
  // A HID POS interface first: it carries the symbology and long codes.
  for (const HidInterface& h : hids) {
    if (h.boot_keyboard) continue;
    const int r = libusb_claim_interface(d.handle.get(), h.number);
    if (r != 0) {
      claim_error = "claim interface " + std::to_string(h.number) + ": " + UsbError(r);
      if (r == LIBUSB_ERROR_NO_DEVICE) break;
      continue;
    }
    ClaimedInterface claim(d.handle.get(), h.number);
    std::vector<unsigned char> desc(h.report_descriptor_length ? h.report_descriptor_length : 1024);
    const int n =
        libusb_control_transfer(d.handle.get(), kInStandardInterface, LIBUSB_REQUEST_GET_DESCRIPTOR,
                                static_cast<uint16_t>(LIBUSB_DT_REPORT << 8), static_cast<uint16_t>(h.number),
                                desc.data(), static_cast<uint16_t>(desc.size()), kControlTimeoutMs);
    if (n > 0 &&
        core::HidReportDescriptorUsesPage(std::span<const uint8_t>(desc.data(), static_cast<size_t>(n)),
                                          core::kHidUsagePageBarcodeScanner)) {
      d.claim = std::move(claim);
      d.mode = Mode::kHidPos;
      chosen = &h;
      break;
    }
    if (n < 0) {
      log::Warn("usb.report_descriptor_unreadable")
          .Kv("device", d.name)
          .Kv("interface", h.number)
          .Kv("error", UsbError(n));
    }
  }
  if (!chosen && !d.claim) {
    for (const HidInterface& h : hids) {
      if (!h.boot_keyboard) continue;
      const int r = libusb_claim_interface(d.handle.get(), h.number);
      if (r != 0) {
        claim_error = "claim interface " + std::to_string(h.number) + ": " + UsbError(r);
        break;
      }
      d.claim = ClaimedInterface(d.handle.get(), h.number);
      d.mode = Mode::kKeyboard;
      chosen = &h;
      // Reports in the boot layout whatever the report descriptor says, and
      // only on change. A device may refuse either; boot keyboards must not.
      const int p =
          libusb_control_transfer(d.handle.get(), kOutClassInterface, 0x0B /* SET_PROTOCOL */, 0 /* boot */,
                                  static_cast<uint16_t>(h.number), nullptr, 0, kControlTimeoutMs);
      const int i = libusb_control_transfer(d.handle.get(), kOutClassInterface, 0x0A /* SET_IDLE */, 0,
                                            static_cast<uint16_t>(h.number), nullptr, 0, kControlTimeoutMs);
      if (p < 0 || i < 0) {
        log::Debug("usb.boot_protocol_refused").Kv("device", d.name).Kv("set_protocol", p).Kv("set_idle", i);
      }
      break;
    }
  }
  if (!chosen) {
    if (!claim_error.empty()) {
      claim_failed(d.station, claim_error);
    } else {
      Fail(d, ScannerState::kError, "no HID POS (usage page 0x8C) or boot keyboard interface");
    }
    return;
  }

  d.endpoint = chosen->endpoint;
  // One report per transfer. A transfer ends when its buffer is full or a
  // packet comes short: a boot keyboard report is one 8-byte packet; a HID
  // POS report is 64 bytes, one packet at full speed, several full ones on a
  // device with smaller packets (so the buffer is 64 rounded up to packets).
  size_t buffer_size = chosen->max_packet;
  if (d.mode == Mode::kHidPos && buffer_size < 64)
    buffer_size = (64 + buffer_size - 1) / buffer_size * buffer_size;
  d.buffer.assign(buffer_size, 0);
  d.transfer.reset(libusb_alloc_transfer(0));
  if (!d.transfer) {
    Fail(d, ScannerState::kError, "libusb_alloc_transfer failed");
    return;
  }
  libusb_fill_interrupt_transfer(d.transfer.get(), d.handle.get(), d.endpoint, d.buffer.data(),
                                 static_cast<int>(d.buffer.size()), &Impl::OnTransfer, &d, 0);
  core::DecoderOptions dopt;
  dopt.gap_timeout = options.gap_timeout;
  d.keyboard.reset();
  d.pos.reset();
  if (d.mode == Mode::kKeyboard) {
    d.keyboard.emplace(dopt);
  } else {
    d.pos.emplace(dopt);
  }
  d.errors_in_a_row = 0;
  d.report_warnings = 0;
  d.last_claim_error.clear();
  d.phase = Phase::kActive;
  Submit(d);
  if (d.phase != Phase::kActive) return;
  log::Info("usb.scanner_connected")
      .Kv("station", options.stations[static_cast<size_t>(d.station)].station)
      .Kv("device", d.name)
      .Kv("mode", ModeName(d.mode))
      .Kv("interface", d.claim.number());
  PostDeviceState(d, ScannerState::kConnected, "");
}

void ScannerManager::Impl::Submit(Device& d) {
  const int r = libusb_submit_transfer(d.transfer.get());
  if (r == 0) {
    d.in_flight = true;
    return;
  }
  if (r == LIBUSB_ERROR_NO_DEVICE) {
    MarkGone(d, "unplugged");
  } else {
    Fail(d, ScannerState::kError, "submit interrupt transfer: " + UsbError(r));
  }
}

void ScannerManager::Impl::Fail(Device& d, ScannerState state, const std::string& reason) {
  d.phase = Phase::kFailed;
  d.given_up_at = SteadyClock::now();
  if (d.in_flight) (void)libusb_cancel_transfer(d.transfer.get());
  if (d.station >= 0) {
    log::Error("usb.scanner_failed")
        .Kv("station", options.stations[static_cast<size_t>(d.station)].station)
        .Kv("device", d.name)
        .Kv("error", reason);
    PostDeviceState(d, state, reason);
  }
}

void ScannerManager::Impl::MarkGone(Device& d, const std::string& reason) {
  if (d.phase == Phase::kGone) return;
  if (d.keyboard) HandleEvents(d, d.keyboard->Reset(reason));
  if (d.pos) HandleEvents(d, d.pos->Reset(reason));
  // Fails with NO_DEVICE or NOT_FOUND when libusb already finished it; the
  // callback (CANCELLED or NO_DEVICE) clears in_flight either way.
  if (d.in_flight) (void)libusb_cancel_transfer(d.transfer.get());
  if (d.station >= 0) {
    log::Warn("usb.scanner_disconnected")
        .Kv("station", options.stations[static_cast<size_t>(d.station)].station)
        .Kv("device", d.name)
        .Kv("reason", reason);
    PostDeviceState(d, ScannerState::kDisconnected, reason);
    owner[static_cast<size_t>(d.station)] = nullptr;
    d.station = -1;
  }
  d.phase = Phase::kGone;
  d.given_up_at = SteadyClock::now();
}

void ScannerManager::Impl::ReleaseUsb(Device& d) {
  d.transfer.reset();
  d.claim.Release();
  d.handle.reset();
}

void ScannerManager::Impl::OnTransfer(libusb_transfer* t) {
  Device& d = *static_cast<Device*>(t->user_data);
  Impl& self = *d.impl;
  d.in_flight = false;
  switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED:
      d.errors_in_a_row = 0;
      if (d.phase != Phase::kActive) return;
      self.Decode(d, std::span<const uint8_t>(t->buffer, static_cast<size_t>(std::max(0, t->actual_length))));
      if (d.phase == Phase::kActive) self.Submit(d);
      return;
    case LIBUSB_TRANSFER_NO_DEVICE:
      self.MarkGone(d, "unplugged (the transfer ended with LIBUSB_TRANSFER_NO_DEVICE)");
      return;
    case LIBUSB_TRANSFER_CANCELLED:
      return;
    case LIBUSB_TRANSFER_TIMED_OUT:  // no timeout is set; resubmit should one come
      if (d.phase == Phase::kActive) self.Submit(d);
      return;
    case LIBUSB_TRANSFER_STALL:
    case LIBUSB_TRANSFER_ERROR:
    case LIBUSB_TRANSFER_OVERFLOW:
      break;
  }
  if (d.phase != Phase::kActive) return;
  const char* what = t->status == LIBUSB_TRANSFER_STALL      ? "LIBUSB_TRANSFER_STALL"
                     : t->status == LIBUSB_TRANSFER_OVERFLOW ? "LIBUSB_TRANSFER_OVERFLOW"
                                                             : "LIBUSB_TRANSFER_ERROR";
  if (++d.errors_in_a_row >= kMaxTransferErrors) {
    self.Fail(d, ScannerState::kError,
              "interrupt transfer failed " + std::to_string(d.errors_in_a_row) + " times in a row: " + what);
    return;
  }
  log::Warn("usb.transfer_failed").Kv("device", d.name).Kv("status", what).Kv("in_a_row", d.errors_in_a_row);
  // Clearing a halt is a synchronous control request, which must not run
  // inside event handling: the loop does it.
  d.resubmit_due = true;
  d.clear_halt_due = t->status == LIBUSB_TRANSFER_STALL;
}

void ScannerManager::Impl::Decode(Device& d, std::span<const uint8_t> report) {
  const auto now = SteadyClock::now();
  auto events = d.keyboard ? d.keyboard->Feed(report, now) : d.pos->Feed(report, now);
  if (!events.ok()) {
    if (d.report_warnings++ < kMaxReportWarnings) {
      log::Warn("usb.report_refused").Kv("device", d.name).Kv("error", events.status().message());
    }
    return;
  }
  HandleEvents(d, std::move(events).value());
}

void ScannerManager::Impl::HandleEvents(Device& d, std::vector<core::DecoderEvent> events) {
  for (auto& e : events) {
    if (e.kind == core::DecoderEvent::Kind::kDropped) {
      log::Warn("usb.scan_dropped")
          .Kv("station",
              d.station >= 0 ? options.stations[static_cast<size_t>(d.station)].station : std::string())
          .Kv("device", d.name)
          .Kv("bytes", e.text.size())
          .Kv("reason", e.reason);
      continue;
    }
    DeliverScan(d, std::move(e));
  }
}

void ScannerManager::Impl::DeliverScan(Device& d, core::DecoderEvent e) {
  if (d.station < 0) return;
  const size_t station = static_cast<size_t>(d.station);
  // ParseScan is pure: parsing here keeps the io_context thread free.
  core::Result<core::Scan> parsed = core::ParseScan(e.text, e.aim_id);
  ScanEvent ev{options.stations[station].station, d.name, std::move(e.text), std::move(e.aim_id),
               std::move(parsed)};
  asio::post(io, [sink = sink, station, ev = std::move(ev)] {
    if (sink->closed) return;
    ++sink->statuses[station].scans;
    if (!sink->on_scan) return;
    try {
      sink->on_scan(ev);
    } catch (const std::exception& ex) {
      log::Error("usb.scan_callback_failed").Kv("station", ev.station).Kv("error", ex.what());
    } catch (...) {
      log::Error("usb.scan_callback_failed").Kv("station", ev.station).Kv("error", "unknown exception");
    }
  });
}

void ScannerManager::Impl::PostDeviceState(Device& d, ScannerState state, const std::string& detail) {
  if (d.station < 0) return;
  StationScannerStatus s;
  s.station = options.stations[static_cast<size_t>(d.station)].station;
  s.state = state;
  s.detail = detail;
  if (state == ScannerState::kConnected) s.mode = ModeName(d.mode);
  s.usb_id = Hex4(d.id.vendor_id) + ":" + Hex4(d.id.product_id);
  s.port_path = d.id.port_path;
  s.serial = d.id.serial;
  PostState(d.station, std::move(s));
}

void ScannerManager::Impl::PostState(int station, StationScannerStatus s) {
  const size_t i = static_cast<size_t>(station);
  if (posted[i] == s) return;
  posted[i] = s;
  asio::post(io, [sink = sink, i, s = std::move(s)]() mutable {
    if (sink->closed) return;
    s.scans = sink->statuses[i].scans;
    sink->statuses[i] = s;
    if (!sink->on_state) return;
    try {
      sink->on_state(s);
    } catch (const std::exception& ex) {
      log::Error("usb.state_callback_failed").Kv("station", s.station).Kv("error", ex.what());
    } catch (...) {
      log::Error("usb.state_callback_failed").Kv("station", s.station).Kv("error", "unknown exception");
    }
  });
}

void ScannerManager::Impl::Shutdown() {
  for (auto& d : devices) {
    if (d->keyboard) HandleEvents(*d, d->keyboard->Reset("the daemon is stopping"));
    if (d->pos) HandleEvents(*d, d->pos->Reset("the daemon is stopping"));
    if (d->phase == Phase::kActive) d->phase = Phase::kFailed;  // no resubmit from the callbacks
    if (d->in_flight) (void)libusb_cancel_transfer(d->transfer.get());
  }
  const auto deadline = SteadyClock::now() + options.shutdown_timeout;
  auto in_flight = [&] {
    return std::any_of(devices.begin(), devices.end(), [](const auto& d) { return d->in_flight; });
  };
  while (in_flight() && SteadyClock::now() < deadline) {
    timeval tv{0, 50'000};
    (void)libusb_handle_events_timeout_completed(ctx.get(), &tv, nullptr);
  }
  for (auto& d : devices) {
    if (d->in_flight) {
      log::Warn("usb.transfer_stuck").Kv("device", d->name).Kv("action", "closing the device anyway");
      d->claim.Release();
      d->handle.reset();  // takes the transfer off libusb's lists
      d->in_flight = false;
    }
    ReleaseUsb(*d);
  }
  devices.clear();
  std::fill(owner.begin(), owner.end(), nullptr);
}

// ---- ScannerManager ----

core::Result<std::unique_ptr<ScannerManager>> ScannerManager::Create(asio::io_context& io,
                                                                     ScannerOptions options,
                                                                     ScanCallback on_scan,
                                                                     StateCallback on_state) {
  std::set<std::string> names;
  for (const ScannerRule& r : options.stations) {
    if (r.station.empty()) return core::Status::InvalidArgument("scanner rules: a station without a name");
    if (!names.insert(r.station).second) {
      return core::Status::InvalidArgument("station " + r.station + ": named twice");
    }
    if (!r.port_path.empty() && !ValidPortPath(r.port_path)) {
      return core::Status::InvalidArgument("station " + r.station + ": scanner port path \"" + r.port_path +
                                           "\" is not bus-port[.port...], e.g. 1-1.4");
    }
  }
  if (options.gap_timeout.count() <= 0)
    return core::Status::InvalidArgument("scanner gap_timeout must be > 0");

  auto impl = std::make_unique<Impl>(io, std::move(options));
  Impl& m = *impl;
  const size_t n = m.options.stations.size();
  m.owner.assign(n, nullptr);
  m.posted.resize(n);
  m.sink->on_scan = std::move(on_scan);
  m.sink->on_state = std::move(on_state);
  m.sink->statuses.resize(n);
  bool any_scanner = false;
  for (size_t i = 0; i < n; ++i) {
    auto& s = m.sink->statuses[i];
    s.station = m.options.stations[i].station;
    s.state = m.options.stations[i].empty() ? ScannerState::kNotConfigured : ScannerState::kNoScanner;
    any_scanner = any_scanner || !m.options.stations[i].empty();
    m.posted[i] = s;
  }
  if (!any_scanner) return std::unique_ptr<ScannerManager>(new ScannerManager(std::move(impl)));

  auto unavailable = [&](const std::string& why) {
    log::Warn("usb.unavailable").Kv("error", why).Kv("effect", "stations run without USB scanners");
    for (auto& s : m.sink->statuses) {
      if (s.state == ScannerState::kNotConfigured) continue;
      s.state = ScannerState::kError;
      s.detail = why;
    }
    m.hotplug.reset();
    m.ctx.reset();
    return std::unique_ptr<ScannerManager>(new ScannerManager(std::move(impl)));
  };

  libusb_context* raw = nullptr;
  const int r = libusb_init(&raw);
  if (r != 0) return unavailable("libusb_init: " + UsbError(r));
  m.ctx.reset(raw);
  libusb_set_log_cb(m.ctx.get(), &LogLibusb, LIBUSB_LOG_CB_CONTEXT);
  (void)libusb_set_option(m.ctx.get(), LIBUSB_OPTION_LOG_LEVEL, LIBUSB_LOG_LEVEL_WARNING);
  if (!libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
    return unavailable("libusb has no hotplug support here");
  // With ENUMERATE the devices present now arrive through the same callback,
  // in this thread, before the event thread starts.
  libusb_hotplug_callback_handle handle = 0;
  const int hr = libusb_hotplug_register_callback(
      m.ctx.get(),
      static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                        LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
      LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
      &Impl::OnHotplug, &m, &handle);
  if (hr != 0) return unavailable("libusb_hotplug_register_callback: " + UsbError(hr));
  m.hotplug = std::make_unique<HotplugRegistration>(m.ctx.get(), handle);
  try {
    m.thread = std::thread([&m] { m.Run(); });
  } catch (const std::system_error& e) {
    return unavailable(std::string("start the USB event thread: ") + e.what());
  }
  log::Info("usb.started").Kv("stations", n);
  return std::unique_ptr<ScannerManager>(new ScannerManager(std::move(impl)));
}

ScannerManager::ScannerManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ScannerManager::~ScannerManager() {
  impl_->sink->closed = true;
  if (impl_->thread.joinable()) {
    impl_->stop.store(true);
    libusb_interrupt_event_handler(impl_->ctx.get());
    impl_->thread.join();
  }
}

std::vector<StationScannerStatus> ScannerManager::Statuses() const { return impl_->sink->statuses; }

}  // namespace edge::drivers
