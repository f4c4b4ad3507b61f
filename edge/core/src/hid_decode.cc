#include "edge/core/hid_decode.h"

#include <algorithm>
#include <cstdio>

namespace edge::core {
namespace {

// Keyboard page usages with a meaning of their own.
constexpr uint8_t kUsageEnter = 0x28;
constexpr uint8_t kUsageTab = 0x2B;
constexpr uint8_t kUsageKeypadEnter = 0x58;
// 0x01 ErrorRollOver, 0x02 POSTFail, 0x03 ErrorUndefined: the report says
// nothing about which keys are down.
constexpr uint8_t kUsageLastError = 0x03;

constexpr uint8_t kModCtrl = 0x01 | 0x10;
constexpr uint8_t kModShift = 0x02 | 0x20;
constexpr uint8_t kModAltGui = 0x04 | 0x08 | 0x40 | 0x80;

bool IsTerminator(uint8_t usage) {
  return usage == kUsageEnter || usage == kUsageKeypadEnter || usage == kUsageTab;
}

// Ctrl+key as a terminal types it: Ctrl+A..Z are 1..26, Ctrl+[ \ ] are
// 27..29 (Ctrl+] = GS), Ctrl+^ (Shift+6) is 30 and Ctrl+_ (Shift+-) is 31.
// 0 when Ctrl+key makes no character (or NUL, which no scan may carry).
char ControlChar(uint8_t usage, bool shift) {
  const char c = UsKeyboardChar(usage, shift);
  if (c >= 'a' && c <= 'z') return static_cast<char>(c - 'a' + 1);
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 1);
  switch (c) {
    case '[':
      return 27;
    case '\\':
      return 28;
    case ']':
      return 29;
    case '^':
      return 30;
    case '_':
      return 31;
    default:
      return 0;
  }
}

long long Millis(std::chrono::steady_clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms < 0 ? 0 : static_cast<long long>(ms);
}

std::string Characters(std::size_t n) { return std::to_string(n) + (n == 1 ? " character" : " characters"); }

std::string Hex(uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", b);
  return buf;
}

bool Printable(uint8_t b) { return b > 0x20 && b < 0x7F; }

}  // namespace

char UsKeyboardChar(uint8_t usage, bool shift) {
  if (usage >= 0x04 && usage <= 0x1D) {
    return static_cast<char>((shift ? 'A' : 'a') + (usage - 0x04));
  }
  if (usage >= 0x1E && usage <= 0x27) {
    static constexpr char kDigits[] = "1234567890";
    static constexpr char kShifted[] = "!@#$%^&*()";
    return (shift ? kShifted : kDigits)[usage - 0x1E];
  }
  if (usage >= 0x2C && usage <= 0x38) {
    // Space - = [ ] \ (non-US # ~, which Linux also maps to \) ; ' ` , . /
    static constexpr char kPlain[] = " -=[]\\\\;'`,./";
    static constexpr char kShifted[] = " _+{}||:\"~<>?";
    return (shift ? kShifted : kPlain)[usage - 0x2C];
  }
  if (usage >= 0x54 && usage <= 0x57) return "/*-+"[usage - 0x54];
  if (usage >= 0x59 && usage <= 0x61) return static_cast<char>('1' + (usage - 0x59));
  if (usage == 0x62) return '0';
  if (usage == 0x63) return '.';
  if (usage == 0x67) return '=';
  return 0;
}

// ---- BootKeyboardDecoder ----

BootKeyboardDecoder::BootKeyboardDecoder(DecoderOptions options) : options_(options) {}

void BootKeyboardDecoder::Drop(std::vector<DecoderEvent>* out, std::string reason) {
  DecoderEvent e;
  e.kind = DecoderEvent::Kind::kDropped;
  e.text = std::move(text_);
  e.reason = std::move(reason);
  out->push_back(std::move(e));
  text_.clear();
  overflow_ = false;
}

Result<std::vector<DecoderEvent>> BootKeyboardDecoder::Feed(std::span<const uint8_t> report, MonoTime now) {
  if (report.size() != kBootKeyboardReportSize) {
    return Status::InvalidArgument("boot keyboard report of " + std::to_string(report.size()) +
                                   " bytes; a boot keyboard report has 8");
  }
  const std::span<const uint8_t> keys = report.subspan(2, 6);
  // A rollover report keeps the keys of the one before: nothing went up or
  // down that the report could tell.
  if (std::any_of(keys.begin(), keys.end(), [](uint8_t k) { return k != 0 && k <= kUsageLastError; })) {
    return std::vector<DecoderEvent>{};
  }
  const uint8_t mods = report[0];
  const bool shift = (mods & kModShift) != 0;
  const bool ctrl = (mods & kModCtrl) != 0;
  const bool alt_gui = (mods & kModAltGui) != 0;
  std::vector<DecoderEvent> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const uint8_t k = keys[i];
    if (k == 0) continue;
    // Down in the last report too: held, not pressed again. Twice in this
    // report: one key.
    if (std::find(std::begin(previous_), std::end(previous_), k) != std::end(previous_)) continue;
    if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), k) !=
        keys.begin() + static_cast<std::ptrdiff_t>(i)) {
      continue;
    }
    if (has_partial() && now - last_key_ > options_.gap_timeout) {
      Drop(&out,
           "gap of " + std::to_string(Millis(now - last_key_)) + " ms after " + Characters(text_.size()));
    }
    last_key_ = now;
    if (IsTerminator(k)) {
      if (overflow_) {
        Drop(&out, "longer than " + std::to_string(options_.max_length) + " bytes");
      } else if (!text_.empty()) {
        DecoderEvent e;
        e.text = std::move(text_);
        out.push_back(std::move(e));
        text_.clear();
      }
      continue;
    }
    if (alt_gui) continue;  // a shortcut, not text
    const char c = ctrl ? ControlChar(k, shift) : UsKeyboardChar(k, shift);
    if (c == 0 || overflow_) continue;
    if (text_.size() >= options_.max_length) {
      overflow_ = true;
      continue;
    }
    text_ += c;
  }
  std::copy(keys.begin(), keys.end(), std::begin(previous_));
  return out;
}

std::vector<DecoderEvent> BootKeyboardDecoder::Expire(MonoTime now) {
  std::vector<DecoderEvent> out;
  if (has_partial() && now - last_key_ > options_.gap_timeout) {
    Drop(&out,
         "no key for " + std::to_string(Millis(now - last_key_)) + " ms after " + Characters(text_.size()));
  }
  return out;
}

std::vector<DecoderEvent> BootKeyboardDecoder::Reset(std::string_view reason) {
  std::vector<DecoderEvent> out;
  if (has_partial()) Drop(&out, std::string(reason));
  std::fill(std::begin(previous_), std::end(previous_), 0);
  return out;
}

// ---- HidPosDecoder ----

HidPosDecoder::HidPosDecoder(DecoderOptions options, uint8_t report_id)
    : options_(options), report_id_(report_id) {}

Result<std::vector<DecoderEvent>> HidPosDecoder::Feed(std::span<const uint8_t> report, MonoTime now) {
  if (report.empty()) return Status::InvalidArgument("empty HID POS report");
  if (report[0] != report_id_) return std::vector<DecoderEvent>{};
  if (report.size() < kMinReportSize) {
    return Status::InvalidArgument("HID POS report of " + std::to_string(report.size()) +
                                   " bytes; a scanned data report has at least " +
                                   std::to_string(kMinReportSize));
  }
  const std::size_t count = report[1];
  // The data sits between the symbology identifier and the flags byte.
  if (5 + count > report.size() - 1) {
    return Status::InvalidArgument("HID POS Byte Count " + std::to_string(count) +
                                   " runs past the end of a " + std::to_string(report.size()) +
                                   "-byte report");
  }
  std::string aim;
  if (report[2] != 0 || report[3] != 0 || report[4] != 0) {
    if (report[2] != ']' || !Printable(report[3]) || !Printable(report[4])) {
      return Status::InvalidArgument("HID POS symbology identifier " + Hex(report[2]) + " " + Hex(report[3]) +
                                     " " + Hex(report[4]) +
                                     " is not an AIM identifier (\"]\" and two characters)");
    }
    aim.assign(reinterpret_cast<const char*>(report.data() + 2), 3);
  }
  const bool more = (report.back() & 0x01) != 0;
  const std::string_view data(reinterpret_cast<const char*>(report.data() + 5), count);

  std::vector<DecoderEvent> out;
  if (discarding_) {
    // The rest of a code already dropped as late: it must not pass for a
    // code of its own. A report naming another symbology starts a new code.
    if (aim == aim_id_) {
      discarding_ = more;
      return out;
    }
    discarding_ = false;
  }
  if (continued_ && aim != aim_id_) {
    // A new code began before the last one ended: the last one was cut.
    DropPartial(&out, "a code of symbology " + (aim.empty() ? std::string("(none)") : aim) +
                          " began before it ended");
  } else if (continued_ && now - last_report_ > options_.gap_timeout) {
    // Late, but the same code: drop it whole, this part and what follows.
    text_.append(data);
    DropPartial(&out, "its continuation came after " + std::to_string(Millis(now - last_report_)) + " ms");
    discarding_ = more;
    return out;
  }
  if (!continued_) {
    text_.clear();
    aim_id_ = aim;
    overflow_ = false;
  }
  last_report_ = now;
  if (!overflow_) {
    if (text_.size() + count > options_.max_length) {
      overflow_ = true;
    } else {
      text_.append(data);
    }
  }
  if (more) {
    continued_ = true;
    return out;
  }
  if (overflow_) {
    DropPartial(&out, "longer than " + std::to_string(options_.max_length) + " bytes");
  } else if (!text_.empty()) {
    DecoderEvent e;
    e.text = std::move(text_);
    e.aim_id = aim_id_;
    out.push_back(std::move(e));
  }
  text_.clear();
  continued_ = false;
  return out;
}

void HidPosDecoder::DropPartial(std::vector<DecoderEvent>* out, std::string reason) {
  DecoderEvent e;
  e.kind = DecoderEvent::Kind::kDropped;
  e.text = std::move(text_);
  e.aim_id = aim_id_;
  e.reason = std::move(reason);
  out->push_back(std::move(e));
  text_.clear();
  continued_ = false;
  overflow_ = false;
}

std::vector<DecoderEvent> HidPosDecoder::Expire(MonoTime now) {
  std::vector<DecoderEvent> out;
  if (continued_ && now - last_report_ > options_.gap_timeout) {
    DropPartial(&out, "no continuation for " + std::to_string(Millis(now - last_report_)) + " ms");
    discarding_ = true;  // its rest, should it still come
  }
  return out;
}

std::vector<DecoderEvent> HidPosDecoder::Reset(std::string_view reason) {
  std::vector<DecoderEvent> out;
  if (continued_) DropPartial(&out, std::string(reason));
  text_.clear();
  continued_ = false;
  overflow_ = false;
  discarding_ = false;
  return out;
}

// ---- report descriptors ----

bool HidReportDescriptorUsesPage(std::span<const uint8_t> d, uint16_t page) {
  constexpr uint8_t kTypeGlobal = 1, kTypeLocal = 2;
  constexpr uint8_t kTagUsagePage = 0;                                  // global
  constexpr uint8_t kTagUsage = 0, kTagUsageMin = 1, kTagUsageMax = 2;  // local
  std::size_t i = 0;
  while (i < d.size()) {
    const uint8_t prefix = d[i];
    if (prefix == 0xFE) {  // long item: size, tag, data
      if (i + 2 >= d.size()) break;
      i += 3 + d[i + 1];
      continue;
    }
    const std::size_t size = (prefix & 3) == 3 ? 4 : (prefix & 3);
    const uint8_t type = (prefix >> 2) & 3;
    const uint8_t tag = prefix >> 4;
    if (i + 1 + size > d.size()) break;
    uint32_t value = 0;
    for (std::size_t b = 0; b < size; ++b) value |= static_cast<uint32_t>(d[i + 1 + b]) << (8 * b);
    if (type == kTypeGlobal && tag == kTagUsagePage && (value & 0xFFFF) == page) return true;
    if (type == kTypeLocal && (tag == kTagUsage || tag == kTagUsageMin || tag == kTagUsageMax) && size == 4 &&
        (value >> 16) == page) {
      return true;
    }
    i += 1 + size;
  }
  return false;
}

}  // namespace edge::core
