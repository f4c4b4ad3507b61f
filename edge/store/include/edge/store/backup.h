// Backup and restore of the store's database file, and the lock that tells
// whether storeedged has the database open.
//
// Backup() takes a consistent copy with SQLite's online backup API while the
// daemon runs; Restore() replaces the database with such a copy, checked
// first, while it does not run. Both open their own connections (they are
// storeedgectl's, or a test's) and never touch a Store the daemon holds.
// Nothing here is shared between threads; call from one thread at a time.
//
// DatabaseLock is an advisory flock(2) on "<database>.lock", beside the
// database: storeedged holds it from before it opens the database until it
// exits (the kernel drops it when the process dies, even by SIGKILL), and
// Restore() takes it for as long as it replaces the file, so neither can
// happen while the other does.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "edge/core/clock.h"
#include "edge/core/status.h"

namespace edge::store {

using core::Result;
using core::Status;

// ---- the daemon's lock ----

// "<db_path>.lock".
std::string DatabaseLockPath(const std::string& db_path);

class DatabaseLock {
 public:
  // Takes the exclusive lock on DatabaseLockPath(db_path) without waiting,
  // creating the lock file (mode 0644, empty) when missing. Fails with
  // Unavailable when another process holds it, IoError (naming the file and
  // the reason) when the file cannot be created or opened.
  static Result<std::unique_ptr<DatabaseLock>> TryAcquire(const std::string& db_path);
  ~DatabaseLock();  // releases the lock
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  DatabaseLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// ---- what a database file holds ----

struct DatabaseFacts {
  std::string path;
  int64_t bytes = 0;           // size of the file
  int schema_version = 0;      // PRAGMA user_version
  std::string store_id;        // meta.store_id
  int64_t last_event_seq = 0;  // the highest outbox seq ever assigned (0: none)
};

// ---- backup ----

struct BackupOptions {
  // Replace `dest_path` when it exists (storeedgectl backup --force).
  bool overwrite = false;
  // Pages copied per step of sqlite3_backup_step.
  int pages_per_step = 256;
  // How long steps that find the database busy or locked are retried, in
  // total, before giving up.
  std::chrono::milliseconds busy_deadline{30000};
  // Called after each step that copied pages, with the pages left to copy
  // and the total (progress; tests also write between steps here).
  std::function<void(int remaining, int total)> on_step;
};

struct BackupResult {
  DatabaseFacts facts;   // of the copy written at dest_path
  int steps = 0;         // backup steps taken
  int busy_retries = 0;  // steps retried because the database was busy
};

// Copies the database at `db_path` (a storeedge database, possibly in use by
// storeedged in WAL mode) to `dest_path`:
//  - the copy is of one snapshot: a read transaction is held on the source
//    for the whole copy, which is taken in steps of pages_per_step pages. In
//    WAL mode a reader never blocks the daemon's writes (a checkpoint cannot
//    pass the snapshot while the copy runs, so the WAL may grow meanwhile);
//    a step that finds the database busy or locked is retried with a short
//    backoff until busy_deadline;
//  - it is written to a temp file beside dest_path (mode 0600: it holds PIN
//    hashes and session token hashes), switched to a rollback journal (one
//    self-contained file), checked with PRAGMA integrity_check, fsynced, and
//    only then renamed to dest_path, atomically; the directory is fsynced.
//    On any failure the temp file is removed and dest_path is untouched.
// Errors, each naming the path concerned:
//  - NotFound: the database does not exist;
//  - Corruption: the database is not a SQLite database, not a storeedge
//    database, or the copy fails integrity_check;
//  - AlreadyExists: dest_path exists and options.overwrite is false (checked
//    first, and again at the rename, which never replaces a file then);
//  - InvalidArgument: dest_path is a directory, or the database itself;
//  - IoError: dest_path's directory is missing or not writable, the disk is
//    full, or a read, write, fsync or rename failed (with the system's
//    reason);
//  - Unavailable: the database stayed busy past busy_deadline.
Result<BackupResult> Backup(const std::string& db_path, const std::string& dest_path,
                            const BackupOptions& options = {});

// ---- restore ----

// Checks that the file at `path` can be restored, without changing it: a
// SQLite database whose header names storeedge (application_id), that passes
// integrity_check, has a schema version from 1 to LatestSchemaVersion(), and
// a store id. NotFound, Corruption (naming what is wrong) or
// FailedPrecondition (schema newer than this build) otherwise.
Result<DatabaseFacts> CheckBackup(const std::string& path);

struct RestoreOptions {
  std::string store_id;    // the configured store: a backup of another is refused
  bool any_store = false;  // restore a backup of another store (--force-store)
  core::TimePoint now{};   // names the pre-restore copy
};

struct RestoreResult {
  DatabaseFacts restored;                          // of the database now at db_path
  std::string pre_restore_path;                    // the replaced database, "" when there was none
  std::optional<int64_t> replaced_last_event_seq;  // when the replaced one could be read
};

// Replaces the database at `db_path` with the backup at `backup_path`:
//  1. CheckBackup(backup_path), and its store id must equal options.store_id
//     unless options.any_store (FailedPrecondition naming both);
//  2. takes the DatabaseLock of db_path: FailedPrecondition when storeedged
//     (or another restore) holds it;
//  3. copies the backup to a temp file beside db_path and fsyncs it;
//  4. the current database, when there is one, must not be open in another
//     process (FailedPrecondition otherwise): it is switched to a rollback
//     journal, which folds its WAL into it;
//  5. the current database is kept as "<db_path>.pre-restore-<UTC time>"
//     (a hard link, so db_path always names a whole database), with its -wal
//     and -journal when they could not be folded in; its -shm is removed;
//  6. the temp file is renamed to db_path, and the directory fsynced.
// On a failure before step 5 nothing at db_path has changed; a failure of the
// rename in step 6 puts the moved files back. The restored file is in
// rollback-journal mode and at the backup's schema version: Store::Open
// migrates it and switches it to WAL at the next start.
Result<RestoreResult> Restore(const std::string& backup_path, const std::string& db_path,
                              const RestoreOptions& options);

}  // namespace edge::store
