#include "edge/store/checkpointer.h"

#include <utility>

#include "edge/log/log.h"

namespace edge::store {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(Database& writer, Options options) {
  if (options.pages < 1 || options.inline_pages < options.pages) {
    return Status::InvalidArgument("checkpointer: pages must be >= 1 and inline_pages >= pages (got " +
                                   std::to_string(options.pages) + " and " +
                                   std::to_string(options.inline_pages) + ")");
  }
  auto own = Database::Open(writer.path(), Database::Mode::kReadWrite);
  if (!own.ok()) return own.status().WithContext("checkpointer");
  Database& d = **own;
  auto mode = d.QueryText("PRAGMA journal_mode");
  if (!mode.ok()) return mode.status().WithContext("checkpointer");
  if (*mode != "wal") {
    return Status::FailedPrecondition("checkpointer: database " + writer.path() + " is in " + *mode +
                                      " journal mode, not WAL");
  }
  EDGE_RETURN_IF_ERROR(d.Exec(options.full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL")
                           .WithContext("checkpointer"));
  // This connection never writes, so SQLite never checkpoints on it by itself.
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA wal_autocheckpoint=0").WithContext("checkpointer"));
  std::unique_ptr<Checkpointer> c(new Checkpointer(writer, std::move(own).value(), options));
  // Replaces the automatic checkpoint (SQLite implements it as this hook).
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, c.get());
  return c;
}

Checkpointer::Checkpointer(Database& writer, std::unique_ptr<Database> own, Options options)
    : writer_(writer), own_(std::move(own)), options_(options), thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  // The writer's default, set again (it also removes the hook).
  sqlite3_wal_autocheckpoint(writer_.handle(), 1000);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int Checkpointer::OnCommit(void* self_ptr, sqlite3* db, const char* schema, int frames) {
  auto* self = static_cast<Checkpointer*>(self_ptr);
  if (frames >= self->options_.inline_pages) {
    int log = 0;
    int done = 0;
    // As SQLite's own automatic checkpoint does: PASSIVE, result ignored
    // (SQLITE_BUSY while the thread is at it; the next commit tries again).
    const int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (rc == SQLITE_OK) {
      std::lock_guard lock(self->mu_);
      ++self->counts_.writer;
    }
    self->asked_at_ = 0;
    return SQLITE_OK;
  }
  // The WAL starts again from frame 1 after a complete checkpoint.
  if (frames < self->asked_at_) self->asked_at_ = 0;
  if (frames - self->asked_at_ < self->options_.pages) return SQLITE_OK;
  self->asked_at_ = frames;
  {
    std::lock_guard lock(self->mu_);
    self->wanted_ = true;
  }
  self->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    int log = 0;
    int done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    const char* why = rc == SQLITE_OK ? nullptr : sqlite3_errmsg(own_->handle());
    lock.lock();
    if (rc == SQLITE_OK) {
      ++counts_.thread;
    } else if (rc == SQLITE_BUSY) {
      ++counts_.busy;
    } else if (rc != SQLITE_OK) {
      ++counts_.failed;
      if (rc != last_error_) {
        log::Warn("store.checkpoint_failed")
            .Kv("path", writer_.path())
            .Kv("error", why ? why : sqlite3_errstr(rc))
            .Kv("note", "the WAL keeps growing until a checkpoint succeeds; commits are unaffected");
      }
    }
    if (rc != SQLITE_BUSY) last_error_ = rc;
    done_.notify_all();
  }
}

Checkpointer::Counts Checkpointer::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

bool Checkpointer::WaitForCheckpoints(int64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return done_.wait_for(lock, timeout, [&] { return counts_.thread + counts_.busy + counts_.failed >= n; });
}

}  // namespace edge::store
