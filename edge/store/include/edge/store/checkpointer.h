// Checkpoints a connection's WAL from a thread and connection of its own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past
// 1,000 pages: that commit copies every page back into the database file and
// waits for the disk, on the thread that committed it (the daemon's
// io_context thread, between two messages). Started on the writing
// connection, a Checkpointer turns that off and runs the same PASSIVE
// checkpoint on its own thread instead, each time the writer has added
// `pages` frames since the last one was asked for. A PASSIVE checkpoint never
// waits for or blocks the writer or any reader; the writer restarts the WAL
// from its beginning once a checkpoint has copied all of it. Durability does
// not change: a commit is durable once its frames are in the WAL, whoever
// copies them on later.
//
// Should the thread fall behind (a slow disk under a long burst), the writer
// checkpoints itself once the WAL holds `inline_pages` frames, as SQLite
// would, so the WAL stays bounded.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "edge/core/status.h"
#include "edge/store/database.h"

namespace edge::store {

class Checkpointer {
 public:
  struct Options {
    int64_t pages = 1000;         // frames added to the WAL that ask for a checkpoint
    int64_t inline_pages = 8000;  // WAL size at which the writer checkpoints itself
    bool full_sync = true;        // PRAGMA synchronous of the checkpointing connection: FULL, else NORMAL
  };
  struct Counts {
    int64_t thread = 0;  // checkpoints the thread completed
    int64_t busy = 0;    // of its tries, found another checkpoint running (tried again on the next request)
    int64_t failed = 0;  // of its tries, failed otherwise (logged)
    int64_t writer = 0;  // checkpoints the writer ran itself at inline_pages
  };

  // Opens a second connection to `writer`'s file (in WAL mode) and starts the
  // thread. `writer` must outlive the Checkpointer and is used only on the
  // thread that commits on it.
  static Result<std::unique_ptr<Checkpointer>> Start(Database& writer, Options options);
  // Gives the writer SQLite's automatic checkpoint back and stops the thread.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  Counts counts() const;
  // Waits until the thread has finished `n` tries in all (completed, busy or
  // failed), or `timeout` has passed; true in the first case (tests).
  bool WaitForCheckpoints(int64_t n, std::chrono::milliseconds timeout);

 private:
  Checkpointer(Database& writer, std::unique_ptr<Database> own, Options options);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  Database& writer_;
  std::unique_ptr<Database> own_;
  const Options options_;
  int64_t asked_at_ = 0;  // WAL frames when a checkpoint was last asked for (writer's thread only)

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  bool wanted_ = false;
  bool stop_ = false;
  Counts counts_;
  int last_error_ = SQLITE_OK;
  std::thread thread_;
};

}  // namespace edge::store
