#include "edge/log/log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace edge::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
Sink g_sink = nullptr;
void* g_sink_arg = nullptr;

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, std::string_view v) {
  if (!NeedsQuotes(v)) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
          out.append(buf);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string Timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

bool ParseLevel(std::string_view text, Level* out) {
  if (text == "debug")
    *out = Level::kDebug;
  else if (text == "info")
    *out = Level::kInfo;
  else if (text == "warn")
    *out = Level::kWarn;
  else if (text == "error")
    *out = Level::kError;
  else
    return false;
  return true;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }
Level GetLevel() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

void SetSink(Sink sink, void* arg) {
  g_sink = sink;
  g_sink_arg = arg;
}

Line::Line(Level level, std::string_view event)
    : enabled_(static_cast<int>(level) >= g_level.load(std::memory_order_relaxed)) {
  if (!enabled_) return;
  text_.reserve(128);
  text_ = Timestamp();
  text_.push_back(' ');
  text_.append(LevelName(level));
  text_.push_back(' ');
  text_.append(event);
}

Line& Line::Kv(std::string_view key, std::string_view value) {
  if (!enabled_) return *this;
  text_.push_back(' ');
  text_.append(key);
  text_.push_back('=');
  AppendValue(text_, value);
  return *this;
}

Line::~Line() {
  if (!enabled_) return;
  text_.push_back('\n');
  if (g_sink) {
    g_sink(text_, g_sink_arg);
    return;
  }
  // One write per line keeps lines from different threads whole.
  const char* p = text_.data();
  size_t left = text_.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;  // stderr closed or full: logging must never stop the daemon
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace edge::log
