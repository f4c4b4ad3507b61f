// HID report decoding for barcode scanners: what a USB scanner's input
// reports mean as text, before ParseScan (barcode.h) says what the text means
// to the store.
//
// Two report formats are understood, one decoder each:
//
// * BootKeyboardDecoder: a scanner in keyboard mode, "typing" the code as a
//   HID boot keyboard (HID 1.11 appendix B). Every input report is 8 bytes:
//
//     byte 0     modifiers: bit 0 LeftCtrl, 1 LeftShift, 2 LeftAlt, 3 LeftGUI,
//                4 RightCtrl, 5 RightShift, 6 RightAlt, 7 RightGUI
//     byte 1     reserved
//     bytes 2-7  the usages (Keyboard page 0x07) of the keys held down, 0 = none;
//                all six 0x01 (ErrorRollOver) when too many keys are held
//
//   A key counts when it goes down: a usage present in this report and not
//   in the previous one, taken in report order. So "11" arrives as 1 down,
//   all up, 1 down, and is two ones; a key held across reports is one key.
//   Characters follow the US layout, shifted when either Shift is held at
//   the moment the key goes down. Ctrl with a letter or with [ \ ] ^ _ gives
//   the ASCII control character (Ctrl+] is GS, ASCII 29: how scanners type
//   the FNC1 separator of GS1 codes); keys pressed with Alt or GUI, keys
//   without a character (F1, arrows, Backspace, Esc) and Caps Lock are
//   ignored (a scanner types capitals with Shift). Keypad digits, '.', '+',
//   '-', '*', '/' type their character (Num Lock is taken as on). Enter,
//   keypad Enter and Tab end the scan; an Enter with nothing before it is
//   ignored. When the gap between two keys exceeds `gap_timeout`, the
//   characters before the gap are a partial scan (the scanner was unplugged
//   mid-code, or a person typed on a keyboard) and are dropped.
//
// * HidPosDecoder: a scanner in HID POS mode, on the Barcode Scanner usage
//   page 0x8C of the HID Point of Sale Usage Tables (Scanned Data Report,
//   0x8C:0x12). The layout implemented is the one Honeywell's HID POS
//   scanners (and Access-IS readers) use:
//
//     byte 0      Report ID, 0x02 (reports with another ID are status or
//                 feature replies and are ignored)
//     byte 1      Byte Count (Generic Desktop 0x01:0x3B): how many bytes of
//                 Decoded Data this report carries, 0-56
//     bytes 2-4   Symbology Identifier 1, 2, 3 (0x8C:0xFB, 0xFC, 0xFD): the
//                 AIM identifier "]" + code character + modifier ("]E0");
//                 all zero when the scanner sends none
//     bytes 5...  Decoded Data (0x8C:0xFE), Byte Count bytes, zero padded
//     last byte   bit 0: Decoded Data Continued (0x8C:0xFF): the next report
//                 carries more of the same code
//
//   Honeywell's report is 64 bytes (56 data bytes, a vendor symbology byte
//   at 61, a reserved byte at 62, the Continued flag at 63); a descriptor
//   without the vendor bytes gives 62 (flag at 61). Both are read by taking
//   the flag from the report's last byte. A code longer than one report
//   comes as several reports, all but the last with Continued set, and all
//   with the same symbology identifier; they are joined. A continuation that
//   comes later than `gap_timeout` drops the code whole: the parts before it,
//   the late part and any parts still to come (reports with the same
//   symbology up to the one without Continued), so that the rest of a cut
//   code never passes for a code of its own. A report with another
//   symbology while a code is open starts a new code; the open one is
//   dropped.
//
// Time is passed in as a steady (monotonic) time point: a wall clock step
// (NTP) must not cut a scan in two. Pure: no I/O, no clock reads. A decoder
// belongs to one device and is used from one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edge/core/barcode.h"
#include "edge/core/status.h"

namespace edge::core {

using MonoTime = std::chrono::steady_clock::time_point;

// What feeding a report produced.
struct DecoderEvent {
  enum class Kind {
    kScan,     // a complete scan: `text` (and `aim_id` from HID POS)
    kDropped,  // a partial scan was thrown away: `text` so far, `reason`
  };
  Kind kind = Kind::kScan;
  std::string text;    // the data, without the Enter/Tab that ended it
  std::string aim_id;  // "]E0" from a HID POS report; "" in keyboard mode
  std::string reason;  // kDropped: "gap of 812 ms after 5 characters", ...
  bool operator==(const DecoderEvent&) const = default;
};

struct DecoderOptions {
  // The longest silence inside one scan. Scanners type a code in a burst
  // (a few ms per key); a longer pause means the code was cut. Too short
  // cuts slow (wireless, batch) scanners; too long joins a cut code to the
  // next one.
  std::chrono::milliseconds gap_timeout{300};
  // A scan longer than this is dropped whole (QR codes top out at 7089).
  std::size_t max_length = kMaxScanBytes;
};

// The character a key types on a US keyboard, or 0 when it types none.
// `usage` is on the Keyboard page (0x07); `shift` is either Shift held.
char UsKeyboardChar(uint8_t usage, bool shift);

inline constexpr std::size_t kBootKeyboardReportSize = 8;

class BootKeyboardDecoder {
 public:
  explicit BootKeyboardDecoder(DecoderOptions options = {});

  // Feeds one input report that arrived at `now`. Returns the events it
  // produced, in order (a dropped partial, then a completed scan, say), or
  // InvalidArgument for a report that is not 8 bytes; the decoder is then
  // unchanged. A rollover report (0x01 in the key array) is ignored.
  Result<std::vector<DecoderEvent>> Feed(std::span<const uint8_t> report, MonoTime now);

  // Drops the partial scan when its last key is more than gap_timeout before
  // `now`; call it when no report came for a while. Returns the kDropped
  // event, or nothing.
  std::vector<DecoderEvent> Expire(MonoTime now);

  // The device went away: forgets the keys held and returns the partial
  // scan, if any, as a kDropped event with `reason`.
  std::vector<DecoderEvent> Reset(std::string_view reason);

  bool has_partial() const { return !text_.empty() || overflow_; }

 private:
  void Drop(std::vector<DecoderEvent>* out, std::string reason);

  DecoderOptions options_;
  uint8_t previous_[6] = {};  // keys down in the last report
  std::string text_;          // the scan so far
  bool overflow_ = false;     // past max_length: discard until Enter
  MonoTime last_key_{};
};

class HidPosDecoder {
 public:
  static constexpr uint8_t kScannedDataReportId = 0x02;
  // Report ID, Byte Count, three symbology bytes and the flags byte.
  static constexpr std::size_t kMinReportSize = 6;

  explicit HidPosDecoder(DecoderOptions options = {}, uint8_t report_id = kScannedDataReportId);

  // Feeds one input report that arrived at `now`. Returns the events it
  // produced, or InvalidArgument for a report too short for the layout,
  // whose Byte Count runs past its end, or whose symbology identifier is
  // neither all zero nor "]" + two printable characters; the decoder is
  // then unchanged. Reports with another Report ID give no events.
  Result<std::vector<DecoderEvent>> Feed(std::span<const uint8_t> report, MonoTime now);

  // As BootKeyboardDecoder::Expire, for a code whose continuation is late.
  std::vector<DecoderEvent> Expire(MonoTime now);

  // As BootKeyboardDecoder::Reset.
  std::vector<DecoderEvent> Reset(std::string_view reason);

  bool has_partial() const { return continued_; }

 private:
  void DropPartial(std::vector<DecoderEvent>* out, std::string reason);

  DecoderOptions options_;
  uint8_t report_id_;
  bool continued_ = false;   // a code is open, waiting for its next report
  bool discarding_ = false;  // the rest of a dropped code is still coming
  std::string text_;
  std::string aim_id_;
  bool overflow_ = false;
  MonoTime last_report_{};
};

// True when the HID report descriptor `descriptor` declares usage page
// `page`: in a Usage Page item or in the high half of a 32-bit (extended)
// Usage, Usage Minimum or Usage Maximum. A descriptor that ends inside an
// item is read up to that item.
bool HidReportDescriptorUsesPage(std::span<const uint8_t> descriptor, uint16_t page);

inline constexpr uint16_t kHidUsagePageBarcodeScanner = 0x8C;

}  // namespace edge::core
