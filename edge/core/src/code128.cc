#include "edge/core/code128.h"

#include <array>
#include <string>

namespace edge::core {
namespace {

constexpr char kGs = '\x1d';
constexpr int kStartB = 104;
constexpr int kStartC = 105;
constexpr int kCodeB = 100;  // in code set C: switch to B
constexpr int kCodeC = 99;   // in code set B: switch to C
constexpr int kFnc1 = 102;
constexpr std::size_t kMaxData = 80;

// Element widths (bar, space, bar, space, bar, space) of symbol characters
// 0..106; 106 is the stop, whose seventh element is the final bar.
constexpr std::array<const char*, 107> kPatterns = {
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::size_t DigitRun(std::string_view s, std::size_t at) {
  std::size_t n = 0;
  while (at + n < s.size() && IsDigit(s[at + n])) ++n;
  return n;
}

}  // namespace

Result<Code128Symbol> EncodeCode128(std::string_view data, bool gs1) {
  if (data.empty()) return Status::InvalidArgument("code 128: no data");
  if (data.size() > kMaxData) {
    return Status::InvalidArgument("code 128: " + std::to_string(data.size()) + " characters, at most " +
                                   std::to_string(kMaxData) + " fit on a label");
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c == kGs && gs1) continue;
    if (c < 32 || c > 126) {
      return Status::InvalidArgument("code 128: character " + std::to_string(c) + " at position " +
                                     std::to_string(i + 1) + " is not printable ASCII" +
                                     (c == kGs ? " (GS is FNC1 only in GS1-128)" : ""));
    }
  }

  Code128Symbol s;
  bool set_c = DigitRun(data, 0) >= 4;
  s.codes.push_back(set_c ? kStartC : kStartB);
  if (gs1) s.codes.push_back(kFnc1);
  std::size_t i = 0;
  while (i < data.size()) {
    if (data[i] == kGs) {  // FNC1 has the same value in every code set
      s.codes.push_back(kFnc1);
      ++i;
      continue;
    }
    if (set_c) {
      if (DigitRun(data, i) >= 2) {
        s.codes.push_back((data[i] - '0') * 10 + (data[i + 1] - '0'));
        i += 2;
      } else {
        s.codes.push_back(kCodeB);
        set_c = false;
      }
      continue;
    }
    const std::size_t run = DigitRun(data, i);
    if (run >= 4) {
      // An odd run leaves its first digit in B, so C takes whole pairs.
      if (run % 2 == 1) {
        s.codes.push_back(data[i] - 32);
        ++i;
      }
      s.codes.push_back(kCodeC);
      set_c = true;
      continue;
    }
    s.codes.push_back(data[i] - 32);
    ++i;
  }

  int sum = s.codes[0];
  for (std::size_t k = 1; k < s.codes.size(); ++k) sum += static_cast<int>(k) * s.codes[k];
  s.codes.push_back(sum % 103);

  auto append = [&s](const char* pattern) {
    for (const char* p = pattern; *p; ++p) {
      s.widths.push_back(*p - '0');
      s.modules += *p - '0';
    }
  };
  for (int code : s.codes) append(kPatterns[static_cast<std::size_t>(code)]);
  append(kPatterns[106]);
  return s;
}

}  // namespace edge::core
