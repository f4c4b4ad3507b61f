// UsbTestbed: USB barcode scanners emulated under umockdev, for libusb to
// find, open, claim and read as it does real ones.
//
// libusb on Linux finds devices through udev and sysfs and talks to them with
// usbfs ioctls on /dev/bus/usb/BBB/DDD. umockdev's preload library (linked
// into the test binary) redirects /sys and /dev to a testbed directory and
// delivers uevents to libudev monitors, so libusb's own hotplug monitor sees
// Plug() and Unplug(). Each FakeScanner answers the usbfs ioctls of its
// device node through umockdev's in-process ioctl handler (UMockdevIoctlBase
// "handle-ioctl"), as libusb's own tests/umockdev.c does: capabilities,
// claim (DISCONNECT_CLAIM detaching a bound kernel driver, CLAIMINTERFACE),
// release, USBDEVFS_IOCTL connect/disconnect (the kernel driver given back),
// GETDRIVER, control URBs (string and HID report descriptors, SET_PROTOCOL,
// SET_IDLE) and interrupt IN URBs, which complete with the reports the test
// queued with Send(). URBs are reaped with REAPURBNDELAY; DISCARDURB moves a
// URB to the reap queue with -ENOENT.
//
// Found while writing this: umockdev_testbed_add_from_string() sends no "add"
// uevent (add_device() does), so Plug() sends one with umockdev_testbed_uevent;
// Unplug() sends "remove" before removing the sysfs entry (libusb reads the
// device number from the uevent's DEVNAME).
//
// An emulated node always polls ready, so libusb's event loop spins on
// REAPURBNDELAY answering EAGAIN: tests wait with deadlines (WaitFor), never
// for "nothing happened".
//
// Threads: the ioctl handlers run on umockdev's worker thread; the test
// thread queues reports and reads the state; both under the scanner's mutex.
#pragma once

#include <linux/types.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace edge::testing {

enum class FakeKind { kKeyboard, kHidPos, kMouse };

struct FakeScannerSpec {
  FakeKind kind = FakeKind::kKeyboard;
  uint16_t vendor_id = 0x05e0;
  uint16_t product_id = 0x1200;
  std::string serial;                    // "" = no iSerialNumber
  std::vector<uint8_t> ports = {3};      // on bus 1: {3} is "1-3"; {1, 4} is "1-1.4" (behind hub 1-1)
  std::string kernel_driver = "usbhid";  // bound to interface 0 at plug time; "" = none
  bool busy = false;                     // another program holds the interface: claims fail with EBUSY
};

// The HID report descriptors the fakes give out.
inline const std::vector<uint8_t>& BootKeyboardReportDescriptor() {
  static const std::vector<uint8_t> d = {
      0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01,
      0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
      0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06,
      0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0};
  return d;
}

// Barcode Scanner page, Scanned Data Report in Honeywell's 64-byte layout.
inline const std::vector<uint8_t>& HidPosReportDescriptor() {
  static const std::vector<uint8_t> d = {
      0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x09, 0x12, 0xa1, 0x02, 0x15, 0x00, 0x26,
      0xff, 0x00, 0x75, 0x08, 0x95, 0x01, 0x05, 0x01, 0x09, 0x3b, 0x81, 0x02, 0x95, 0x03, 0x05,
      0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81, 0x02, 0x95, 0x38, 0x09, 0xfe, 0x82, 0x02,
      0x01, 0x95, 0x02, 0x06, 0x66, 0xff, 0x09, 0x01, 0x81, 0x02, 0x25, 0x01, 0x75, 0x01, 0x95,
      0x01, 0x05, 0x8c, 0x09, 0xff, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, 0xc0, 0xc0};
  return d;
}

// A HID mouse: neither a boot keyboard nor a scanner.
inline const std::vector<uint8_t>& MouseReportDescriptor() {
  static const std::vector<uint8_t> d = {0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
                                         0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
                                         0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0xc0, 0xc0};
  return d;
}

class FakeScanner {
 public:
  FakeScanner(FakeScannerSpec spec, int devnum) : spec_(std::move(spec)), devnum_(devnum) {
    driver_bound_ = !spec_.kernel_driver.empty();
    busy_ = spec_.busy;
    handler_ = umockdev_ioctl_base_new();
    g_signal_connect(handler_, "handle-ioctl", G_CALLBACK(&FakeScanner::OnIoctl), this);
  }
  ~FakeScanner() {
    g_signal_handlers_disconnect_by_data(handler_, this);
    for (UMockdevIoctlData* d : flying_) g_object_unref(d);
    for (UMockdevIoctlData* d : ready_) g_object_unref(d);
    g_object_unref(handler_);
  }
  FakeScanner(const FakeScanner&) = delete;
  FakeScanner& operator=(const FakeScanner&) = delete;

  const FakeScannerSpec& spec() const { return spec_; }
  int devnum() const { return devnum_; }
  UMockdevIoctlBase* handler() const { return handler_; }
  std::string devnode() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "/dev/bus/usb/001/%03d", devnum_);
    return buf;
  }
  std::string sysfs_name() const {
    std::string s = "1-";
    for (size_t i = 0; i < spec_.ports.size(); ++i) s += (i ? "." : "") + std::to_string(spec_.ports[i]);
    return s;
  }

  // Queues input reports; each completes one interrupt URB, in order.
  void Send(const std::vector<std::vector<uint8_t>>& reports) {
    std::lock_guard<std::mutex> g(mu_);
    reports_.insert(reports_.end(), reports.begin(), reports.end());
  }

  void SetBusy(bool busy) {
    std::lock_guard<std::mutex> g(mu_);
    busy_ = busy;
  }

  // The device is gone at once, as when its cable is pulled: the URBs in
  // flight complete with -ESHUTDOWN (reapable after the disconnect, as usbfs
  // allows), every later ioctl fails with ENODEV.
  void Vanish() {
    std::lock_guard<std::mutex> g(mu_);
    gone_ = true;
    for (UMockdevIoctlData* d : flying_) {
      auto* urb = reinterpret_cast<usbdevfs_urb*>(d->data);
      urb->status = -ESHUTDOWN;
      urb->actual_length = 0;
      ready_.push_back(d);
    }
    flying_.clear();
    cv_.notify_all();
  }

  struct State {
    bool claimed = false;
    bool driver_bound = false;
    int detaches = 0;    // kernel driver taken off by a claim
    int reattaches = 0;  // given back with USBDEVFS_CONNECT
    int set_protocol_boot = 0;
    int report_descriptor_reads = 0;
    int claims_refused = 0;
    size_t flying = 0;  // interrupt URBs waiting for a report
    size_t reports_queued = 0;
    std::vector<unsigned long> unknown_ioctls;
  };
  State state() const {
    std::lock_guard<std::mutex> g(mu_);
    return StateLocked();
  }

  // Waits until `pred(state)` holds; false at the deadline.
  bool WaitFor(const std::function<bool(const State&)>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock<std::mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return pred(StateLocked()); });
  }

  // Waits until every queued report went out and the next URB is in flight:
  // the driver took the last report and asked for more.
  bool WaitDrained(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return WaitFor([](const State& s) { return s.reports_queued == 0 && s.flying > 0; }, timeout);
  }

  std::vector<uint8_t> Descriptors() const {
    const bool keyboard = spec_.kind == FakeKind::kKeyboard;
    const std::vector<uint8_t>& report = ReportDescriptor();
    const uint16_t mps = keyboard ? 8 : 64;
    std::vector<uint8_t> d = {18,
                              1,
                              0x00,
                              0x02,
                              0,
                              0,
                              0,
                              64,
                              Lo(spec_.vendor_id),
                              Hi(spec_.vendor_id),
                              Lo(spec_.product_id),
                              Hi(spec_.product_id),
                              0x00,
                              0x01,
                              1,
                              2,
                              static_cast<uint8_t>(spec_.serial.empty() ? 0 : 3),
                              1};
    const uint16_t total = 9 + 9 + 9 + 7;
    const uint8_t subclass = keyboard ? 1 : 0;
    const uint8_t protocol = keyboard ? 1 : (spec_.kind == FakeKind::kMouse ? 2 : 0);
    const std::vector<uint8_t> config = {9,
                                         2,
                                         Lo(total),
                                         Hi(total),
                                         1,
                                         1,
                                         0,
                                         0xa0,
                                         50,  // configuration
                                         9,
                                         4,
                                         0,
                                         0,
                                         1,
                                         3,
                                         subclass,
                                         protocol,
                                         0,  // interface 0: HID
                                         9,
                                         0x21,
                                         0x11,
                                         0x01,
                                         0,
                                         1,
                                         0x22,
                                         Lo(static_cast<uint16_t>(report.size())),  // HID descriptor
                                         Hi(static_cast<uint16_t>(report.size())),  //
                                         7,
                                         5,
                                         0x81,
                                         3,
                                         Lo(mps),
                                         Hi(mps),
                                         static_cast<uint8_t>(keyboard ? 10 : 1)};  // EP 1 IN interrupt
    d.insert(d.end(), config.begin(), config.end());
    return d;
  }

 private:
  struct DataUnref {
    void operator()(UMockdevIoctlData* d) const { g_object_unref(d); }
  };
  using DataPtr = std::unique_ptr<UMockdevIoctlData, DataUnref>;

  static uint8_t Lo(uint16_t v) { return static_cast<uint8_t>(v & 0xff); }
  static uint8_t Hi(uint16_t v) { return static_cast<uint8_t>(v >> 8); }

  const std::vector<uint8_t>& ReportDescriptor() const {
    switch (spec_.kind) {
      case FakeKind::kKeyboard:
        return BootKeyboardReportDescriptor();
      case FakeKind::kHidPos:
        return HidPosReportDescriptor();
      case FakeKind::kMouse:
        break;
    }
    return MouseReportDescriptor();
  }

  State StateLocked() const {
    State s;
    s.claimed = claimed_;
    s.driver_bound = driver_bound_;
    s.detaches = detaches_;
    s.reattaches = reattaches_;
    s.set_protocol_boot = set_protocol_boot_;
    s.report_descriptor_reads = report_descriptor_reads_;
    s.claims_refused = claims_refused_;
    s.flying = flying_.size();
    s.reports_queued = reports_.size();
    s.unknown_ioctls = unknown_;
    return s;
  }

  static gboolean OnIoctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
    auto* s = static_cast<FakeScanner*>(self);
    std::lock_guard<std::mutex> g(s->mu_);
    const gboolean handled = s->Handle(client);
    s->cv_.notify_all();
    return handled;
  }

  template <typename T>
  static DataPtr Resolve(UMockdevIoctlData* arg) {
    return DataPtr(umockdev_ioctl_data_resolve(arg, 0, sizeof(T), nullptr));
  }

  gboolean Handle(UMockdevIoctlClient* client) {
    const unsigned long request = umockdev_ioctl_client_get_request(client);
    UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
    auto done = [&](long result, int err = 0) {
      umockdev_ioctl_client_complete(client, result, err);
      return TRUE;
    };
    auto fail = [&](int err) { return done(-1, err); };

    switch (request) {
      case USBDEVFS_GET_CAPABILITIES: {
        DataPtr caps = Resolve<__u32>(arg);
        *reinterpret_cast<__u32*>(caps->data) = USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        return done(0);
      }
      case USBDEVFS_DISCONNECT_CLAIM: {
        if (gone_) return fail(ENODEV);
        DataPtr dc = Resolve<usbdevfs_disconnect_claim>(arg);
        const auto* c = reinterpret_cast<usbdevfs_disconnect_claim*>(dc->data);
        if (busy_) {
          ++claims_refused_;
          return fail(EBUSY);
        }
        const bool except = (c->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) != 0;
        if (driver_bound_ && except && spec_.kernel_driver == c->driver) {
          ++claims_refused_;
          return fail(EBUSY);
        }
        if (driver_bound_) {
          driver_bound_ = false;
          ++detaches_;
        }
        claimed_ = true;
        return done(0);
      }
      case USBDEVFS_CLAIMINTERFACE: {
        if (gone_) return fail(ENODEV);
        if (busy_ || driver_bound_) {
          ++claims_refused_;
          return fail(EBUSY);
        }
        claimed_ = true;
        return done(0);
      }
      case USBDEVFS_RELEASEINTERFACE:
        if (gone_) return fail(ENODEV);
        claimed_ = false;
        return done(0);
      case USBDEVFS_IOCTL: {
        if (gone_) return fail(ENODEV);
        DataPtr io = Resolve<usbdevfs_ioctl>(arg);
        const auto* c = reinterpret_cast<usbdevfs_ioctl*>(io->data);
        if (c->ioctl_code == static_cast<int>(USBDEVFS_CONNECT)) {
          if (claimed_) return fail(EBUSY);
          if (spec_.kernel_driver.empty() || driver_bound_) return done(0);
          driver_bound_ = true;
          ++reattaches_;
          return done(0);
        }
        if (c->ioctl_code == static_cast<int>(USBDEVFS_DISCONNECT)) {
          if (!driver_bound_) return fail(ENODATA);
          driver_bound_ = false;
          ++detaches_;
          return done(0);
        }
        return fail(ENOTTY);
      }
      case USBDEVFS_GETDRIVER: {
        if (gone_) return fail(ENODEV);
        if (!driver_bound_) return fail(ENODATA);
        DataPtr gd = Resolve<usbdevfs_getdriver>(arg);
        auto* c = reinterpret_cast<usbdevfs_getdriver*>(gd->data);
        std::snprintf(c->driver, sizeof c->driver, "%s", spec_.kernel_driver.c_str());
        return done(0);
      }
      case USBDEVFS_CLEAR_HALT:
      case USBDEVFS_RESETEP:
      case USBDEVFS_RESET:
        if (gone_) return fail(ENODEV);
        return done(0);
      case USBDEVFS_SUBMITURB: {
        if (gone_) return fail(ENODEV);
        DataPtr urb_data = Resolve<usbdevfs_urb>(arg);
        auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
        // Makes urb->buffer point at a local copy, synced back on completion.
        DataPtr buffer(umockdev_ioctl_data_resolve(urb_data.get(), offsetof(usbdevfs_urb, buffer),
                                                   static_cast<gsize>(urb->buffer_length), nullptr));
        if (urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->buffer_length >= 8) {
          AnswerControl(urb);
          ready_.push_back(urb_data.release());
          return done(0);
        }
        if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && (urb->endpoint & 0x80) != 0) {
          flying_.push_back(urb_data.release());
          return done(0);
        }
        return fail(EINVAL);
      }
      case USBDEVFS_REAPURB:
      case USBDEVFS_REAPURBNDELAY: {
        UMockdevIoctlData* urb_data = nullptr;
        if (!ready_.empty()) {
          urb_data = ready_.front();
          ready_.pop_front();
        } else if (gone_) {
          return fail(ENODEV);
        } else if (!flying_.empty() && !reports_.empty()) {
          urb_data = flying_.front();
          flying_.pop_front();
          auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
          const std::vector<uint8_t>& r = reports_.front();
          const size_t n = std::min(r.size(), static_cast<size_t>(urb->buffer_length));
          std::memcpy(urb->buffer, r.data(), n);
          urb->actual_length = static_cast<int>(n);
          urb->status = 0;
          reports_.pop_front();
        } else {
          return fail(EAGAIN);
        }
        DataPtr ptr = Resolve<void*>(arg);
        umockdev_ioctl_data_set_ptr(ptr.get(), 0, urb_data);
        done(0);
        g_object_unref(urb_data);
        return TRUE;
      }
      case USBDEVFS_DISCARDURB: {
        const gulong addr = *reinterpret_cast<gulong*>(arg->data);
        for (auto it = flying_.begin(); it != flying_.end(); ++it) {
          if ((*it)->client_addr != addr) continue;
          auto* urb = reinterpret_cast<usbdevfs_urb*>((*it)->data);
          urb->status = -ENOENT;
          urb->actual_length = 0;
          ready_.push_back(*it);
          flying_.erase(it);
          return done(0);
        }
        return fail(EINVAL);
      }
      default:
        unknown_.push_back(request);
        return FALSE;  // umockdev answers ENOTTY
    }
  }

  void AnswerControl(usbdevfs_urb* urb) {
    auto* b = static_cast<uint8_t*>(urb->buffer);
    const uint8_t type = b[0], request = b[1];
    const uint16_t value = static_cast<uint16_t>(b[2] | (b[3] << 8));
    const uint16_t length = static_cast<uint16_t>(b[6] | (b[7] << 8));
    std::vector<uint8_t> reply;
    bool stall = false;
    if ((type & 0x80) && request == 0x06) {  // GET_DESCRIPTOR
      const uint8_t kind = static_cast<uint8_t>(value >> 8), index = static_cast<uint8_t>(value & 0xff);
      if (kind == 0x03) {
        if (index == 0) {
          reply = {4, 3, 0x09, 0x04};  // English (US)
        } else {
          const std::string text = index == 1 ? "Fake Scanners" : index == 2 ? "Fake Scanner" : spec_.serial;
          if (index > 3 || (index == 3 && spec_.serial.empty())) {
            stall = true;
          } else {
            reply = {static_cast<uint8_t>(2 + 2 * text.size()), 3};
            for (char c : text) {
              reply.push_back(static_cast<uint8_t>(c));
              reply.push_back(0);
            }
          }
        }
      } else if (kind == 0x22) {
        ++report_descriptor_reads_;
        reply = ReportDescriptor();
      } else {
        stall = true;
      }
    } else if (type == 0x21 && request == 0x0B) {  // SET_PROTOCOL
      if (value == 0) ++set_protocol_boot_;
    } else if (type == 0x21 && request == 0x0A) {  // SET_IDLE
    } else {
      stall = true;
    }
    const size_t n =
        std::min({reply.size(), static_cast<size_t>(length), static_cast<size_t>(urb->buffer_length - 8)});
    if (n) std::memcpy(b + 8, reply.data(), n);
    urb->actual_length = stall ? 0 : static_cast<int>(n);
    urb->status = stall ? -EPIPE : 0;
  }

  const FakeScannerSpec spec_;
  const int devnum_;
  UMockdevIoctlBase* handler_ = nullptr;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<std::vector<uint8_t>> reports_;
  std::deque<UMockdevIoctlData*> flying_;  // interrupt IN URBs, submitted, not reaped
  std::deque<UMockdevIoctlData*> ready_;   // completed URBs waiting to be reaped
  bool gone_ = false;
  bool busy_ = false;
  bool claimed_ = false;
  bool driver_bound_ = false;
  int detaches_ = 0;
  int reattaches_ = 0;
  int set_protocol_boot_ = 0;
  int report_descriptor_reads_ = 0;
  int claims_refused_ = 0;
  std::vector<unsigned long> unknown_;
};

class UsbTestbed {
 public:
  UsbTestbed() : testbed_(umockdev_testbed_new()) {
    if (!testbed_) throw std::runtime_error("umockdev_testbed_new failed");
  }
  ~UsbTestbed() {
    // The testbed goes first: it stops its worker thread, after which no
    // handler of the scanners below runs.
    g_object_unref(testbed_);
    scanners_.clear();
  }
  UsbTestbed(const UsbTestbed&) = delete;
  UsbTestbed& operator=(const UsbTestbed&) = delete;

  // Plugs in a scanner (and, for a port path behind a hub, the hub).
  FakeScanner& Plug(FakeScannerSpec spec) {
    if (spec.ports.size() > 1) EnsureHub(spec.ports.front());
    scanners_.push_back(std::make_unique<FakeScanner>(std::move(spec), next_devnum_++));
    FakeScanner& s = *scanners_.back();
    GError* error = nullptr;
    // The handler first, so that libusb can open the node as soon as it
    // hears of the device.
    if (!umockdev_testbed_attach_ioctl(testbed_, s.devnode().c_str(), s.handler(), &error))
      Throw("attach", error);
    AddDevice(SysfsPath(s), s.devnode(), s.devnum(), s.Descriptors());
    umockdev_testbed_uevent(testbed_, ("/sys" + SysfsPath(s)).c_str(), "add");
    return s;
  }

  // Pulls the cable: the device vanishes (its URBs fail), then udev reports
  // it removed and its sysfs entry goes.
  void Unplug(FakeScanner& s) {
    s.Vanish();
    const std::string sys = "/sys" + SysfsPath(s);
    umockdev_testbed_uevent(testbed_, sys.c_str(), "remove");
    umockdev_testbed_remove_device(testbed_, sys.c_str());
  }

 private:
  static std::string SysfsPath(const FakeScanner& s) {
    const auto& p = s.spec().ports;
    if (p.size() == 1) return "/devices/usb1/" + s.sysfs_name();
    return "/devices/usb1/1-" + std::to_string(p.front()) + "/" + s.sysfs_name();
  }

  [[noreturn]] static void Throw(const char* what, GError* error) {
    std::string m = std::string("umockdev ") + what + ": " + (error ? error->message : "failed");
    if (error) g_error_free(error);
    throw std::runtime_error(m);
  }

  void AddDevice(const std::string& path, const std::string& devnode, int devnum,
                 const std::vector<uint8_t>& desc) {
    std::string hex;
    char b[3];
    for (uint8_t v : desc) {
      std::snprintf(b, sizeof b, "%02x", v);
      hex += b;
    }
    char num[4];
    std::snprintf(num, sizeof num, "%03d", devnum);
    const std::string text =
        "P: " + path + "\nN: " + devnode.substr(5) +
        "\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: BUSNUM=001\nE: DEVNUM=" + num +
        "\nE: DEVNAME=" + devnode + "\nA: busnum=1\\n\nA: devnum=" + std::to_string(devnum) +
        "\\n\nA: bConfigurationValue=1\\n\nA: speed=12\\n\nH: descriptors=" + hex + "\n";
    GError* error = nullptr;
    if (!umockdev_testbed_add_from_string(testbed_, text.c_str(), &error)) Throw("add device", error);
  }

  void EnsureHub(uint8_t port) {
    for (uint8_t p : hubs_) {
      if (p == port) return;
    }
    hubs_.push_back(port);
    const int devnum = next_devnum_++;
    char node[32];
    std::snprintf(node, sizeof node, "/dev/bus/usb/001/%03d", devnum);
    const std::vector<uint8_t> desc = {18, 1, 0x00, 0x02, 9, 0,  1, 64, 0x6b, 0x1d, 0x02, 0x00, 0x00, 0x01, 0,
                                       0,  0, 1,    9,    2, 25, 0, 1,  1,    0,    0xe0, 0,    9,    4,    0,
                                       0,  1, 9,    0,    0, 0,  7, 5,  0x81, 3,    1,    0,    12};
    AddDevice("/devices/usb1/1-" + std::to_string(port), node, devnum, desc);
    umockdev_testbed_uevent(testbed_, ("/sys/devices/usb1/1-" + std::to_string(port)).c_str(), "add");
  }

  UMockdevTestbed* testbed_;
  std::vector<std::unique_ptr<FakeScanner>> scanners_;
  std::vector<uint8_t> hubs_;
  int next_devnum_ = 2;
};

}  // namespace edge::testing
