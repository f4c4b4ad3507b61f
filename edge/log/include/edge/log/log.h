// Leveled, structured logging: one line per event, key=value fields, on
// stderr (journald keeps it when the daemon runs under systemd).
//
//   edge::log::Info("store.opened").Kv("path", path).Kv("schema", 3);
//
// prints, when the statement ends,
//
//   2026-11-27T10:15:03.120Z info store.opened path=/var/lib/x.db schema=3
//
// Values with spaces, quotes or '=' are quoted. Any thread may log; a line is
// written with one write(2), so lines from threads never interleave.
#pragma once

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace edge::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug", "info", "warn" or "error". Returns false for anything else.
bool ParseLevel(std::string_view text, Level* out);
const char* LevelName(Level level);

// The lowest level that is written. Default info. Any thread.
void SetLevel(Level level);
Level GetLevel();

// Where lines go: stderr by default. A test may capture them (nullptr restores
// stderr). The sink must outlive its use; not for concurrent reconfiguration.
using Sink = void (*)(std::string_view line, void* arg);
void SetSink(Sink sink, void* arg);

// One log line; written when the Line is destroyed.
class Line {
 public:
  Line(Level level, std::string_view event);
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  Line& Kv(std::string_view key, std::string_view value);
  Line& Kv(std::string_view key, const std::string& value) { return Kv(key, std::string_view(value)); }
  Line& Kv(std::string_view key, const char* value) { return Kv(key, std::string_view(value)); }
  Line& Kv(std::string_view key, bool value) { return Kv(key, value ? "true" : "false"); }
  template <typename T>
  Line& Kv(std::string_view key, T value) requires std::is_arithmetic_v<T> {
    return Kv(key, std::string_view(std::to_string(value)));
  }

 private:
  bool enabled_;
  std::string text_;
};

inline Line Debug(std::string_view event) { return Line(Level::kDebug, event); }
inline Line Info(std::string_view event) { return Line(Level::kInfo, event); }
inline Line Warn(std::string_view event) { return Line(Level::kWarn, event); }
inline Line Error(std::string_view event) { return Line(Level::kError, event); }

}  // namespace edge::log
