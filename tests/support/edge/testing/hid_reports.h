// The input reports a USB barcode scanner sends for a code, built from an
// independent US-layout table (not from the decoder under test): boot
// keyboard reports for a scanner in keyboard mode, and HID POS scanned data
// reports (Honeywell layout, see edge/core/hid_decode.h). Header-only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edge::testing {

using Report = std::vector<uint8_t>;

inline constexpr uint8_t kLeftCtrl = 0x01;
inline constexpr uint8_t kLeftShift = 0x02;
inline constexpr uint8_t kRightShift = 0x20;
inline constexpr uint8_t kKeyEnter = 0x28;
inline constexpr uint8_t kKeyTab = 0x2B;

// A boot keyboard report with `mods` and up to six keys.
inline Report KeyReport(uint8_t mods, std::initializer_list<uint8_t> keys = {}) {
  Report r(8, 0);
  r[0] = mods;
  size_t i = 2;
  for (uint8_t k : keys) r.at(i++) = k;
  return r;
}

// The key (Keyboard page usage) and modifiers that type `c` on a US layout;
// '\n' as Enter, '\t' as Tab, other control characters 1-31 as Ctrl+key
// (GS = Ctrl+]).
inline std::pair<uint8_t, uint8_t> UsKeyFor(char c) {
  if (c >= 'a' && c <= 'z') return {0, static_cast<uint8_t>(0x04 + (c - 'a'))};
  if (c >= 'A' && c <= 'Z') return {kLeftShift, static_cast<uint8_t>(0x04 + (c - 'A'))};
  if (c >= '1' && c <= '9') return {0, static_cast<uint8_t>(0x1E + (c - '1'))};
  if (c == '0') return {0, 0x27};
  if (c == '\n') return {0, kKeyEnter};
  if (c == '\t') return {0, kKeyTab};
  if (c >= 1 && c <= 26) return {kLeftCtrl, static_cast<uint8_t>(0x04 + (c - 1))};
  switch (c) {
    case 27:
      return {kLeftCtrl, 0x2F};  // Ctrl+[
    case 28:
      return {kLeftCtrl, 0x31};  // Ctrl+backslash
    case 29:
      return {kLeftCtrl, 0x30};  // Ctrl+] (GS)
    case 30:
      return {kLeftCtrl | kLeftShift, 0x23};  // Ctrl+^
    case 31:
      return {kLeftCtrl | kLeftShift, 0x2D};  // Ctrl+_
    case ' ':
      return {0, 0x2C};
    case '!':
      return {kLeftShift, 0x1E};
    case '@':
      return {kLeftShift, 0x1F};
    case '#':
      return {kLeftShift, 0x20};
    case '$':
      return {kLeftShift, 0x21};
    case '%':
      return {kLeftShift, 0x22};
    case '^':
      return {kLeftShift, 0x23};
    case '&':
      return {kLeftShift, 0x24};
    case '*':
      return {kLeftShift, 0x25};
    case '(':
      return {kLeftShift, 0x26};
    case ')':
      return {kLeftShift, 0x27};
    case '-':
      return {0, 0x2D};
    case '_':
      return {kLeftShift, 0x2D};
    case '=':
      return {0, 0x2E};
    case '+':
      return {kLeftShift, 0x2E};
    case '[':
      return {0, 0x2F};
    case '{':
      return {kLeftShift, 0x2F};
    case ']':
      return {0, 0x30};
    case '}':
      return {kLeftShift, 0x30};
    case '\\':
      return {0, 0x31};
    case '|':
      return {kLeftShift, 0x31};
    case ';':
      return {0, 0x33};
    case ':':
      return {kLeftShift, 0x33};
    case '\'':
      return {0, 0x34};
    case '"':
      return {kLeftShift, 0x34};
    case '`':
      return {0, 0x35};
    case '~':
      return {kLeftShift, 0x35};
    case ',':
      return {0, 0x36};
    case '<':
      return {kLeftShift, 0x36};
    case '.':
      return {0, 0x37};
    case '>':
      return {kLeftShift, 0x37};
    case '/':
      return {0, 0x38};
    case '?':
      return {kLeftShift, 0x38};
    default:
      throw std::invalid_argument(std::string("no US key types character ") + std::to_string(int(c)));
  }
}

// What a keyboard-mode scanner sends for `text`: per character a report with
// the key down and one with all keys up ("11" is two presses).
inline std::vector<Report> KeyboardReports(std::string_view text) {
  std::vector<Report> out;
  for (char c : text) {
    const auto [mods, key] = UsKeyFor(c);
    out.push_back(KeyReport(mods, {key}));
    out.push_back(KeyReport(0));
  }
  return out;
}

// What a HID POS scanner sends for `data` with AIM identifier `aim` (3
// characters, or "" for none): reports of `report_size` bytes (64 as
// Honeywell's, or 62), each with up to report_size - 8 data bytes, all but
// the last with Decoded Data Continued set in the last byte.
inline std::vector<Report> HidPosReports(std::string_view data, std::string_view aim,
                                         size_t report_size = 64) {
  const size_t chunk = report_size == 64 ? 56 : report_size - 6;
  std::vector<Report> out;
  size_t at = 0;
  do {
    const size_t n = std::min(chunk, data.size() - at);
    Report r(report_size, 0);
    r[0] = 0x02;
    r[1] = static_cast<uint8_t>(n);
    for (size_t i = 0; i < aim.size() && i < 3; ++i) r[2 + i] = static_cast<uint8_t>(aim[i]);
    for (size_t i = 0; i < n; ++i) r[5 + i] = static_cast<uint8_t>(data[at + i]);
    at += n;
    r.back() = at < data.size() ? 0x01 : 0x00;
    out.push_back(std::move(r));
  } while (at < data.size());
  return out;
}

}  // namespace edge::testing
