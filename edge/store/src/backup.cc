#include "edge/store/backup.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <vector>

#include "edge/store/database.h"
#include "edge/store/store.h"

namespace edge::store {

namespace {

std::string Errno(int e) { return std::strerror(e); }

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// `what` is "backup PATH" or "database PATH": the directory that is to hold
// a new file must exist and be writable.
Status CheckWritableDir(const std::string& dir, const std::string& what) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::IoError(what + ": directory " + dir + " does not exist");
    return Status::IoError(what + ": directory " + dir + ": " + Errno(errno));
  }
  if (!S_ISDIR(st.st_mode)) return Status::IoError(what + ": " + dir + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::IoError(what + ": cannot write in directory " + dir + ": " + Errno(errno));
  }
  return Status::Ok();
}

Status Fsync(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Status::IoError("open " + path + " to fsync: " + Errno(errno));
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) return Status::IoError("fsync " + path + ": " + Errno(e));
  return Status::Ok();
}

// A new, empty, uniquely named file (mode 0600) beside `near`, removed with
// its SQLite side files unless Keep() is called.
class TempFile {
 public:
  static Result<TempFile> Create(const std::string& near, const std::string& what) {
    std::string tmpl = DirOf(near) + "/." + BaseOf(near) + ".tmp-XXXXXX";
    const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) {
      const int e = errno;
      if (e == ENOSPC) return Status::IoError(what + ": disk full: cannot create a file in " + DirOf(near));
      return Status::IoError(what + ": cannot create a temp file in " + DirOf(near) + ": " + Errno(e));
    }
    ::close(fd);
    return TempFile(tmpl);
  }
  TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (path_.empty()) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }
  const std::string& path() const { return path_; }
  void Keep() { path_.clear(); }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Ends a read transaction opened with BEGIN unless it was committed.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db) {}
  ~ReadTransaction() {
    if (open_) (void)db_.Exec("ROLLBACK");
  }
  Status Begin() {
    EDGE_RETURN_IF_ERROR(db_.Exec("BEGIN"));
    open_ = true;
    // BEGIN is deferred: the first read takes the snapshot.
    return db_.QueryInt("SELECT count(*) FROM sqlite_schema").status();
  }
  void End() {
    if (open_) (void)db_.Exec("COMMIT");  // only read: nothing to write
    open_ = false;
  }

 private:
  Database& db_;
  bool open_ = false;
};

struct BackupDeleter {
  void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};

// The words for a SQLite failure on `db`, with the system's reason for an
// I/O error ("disk I/O error (No space left on device)").
std::string SqliteWords(sqlite3* db, int rc) {
  std::string words = sqlite3_errstr(rc);
  const int sys = sqlite3_system_errno(db);
  if ((rc & 0xFF) == SQLITE_IOERR && sys != 0) words += " (" + Errno(sys) + ")";
  if ((rc & 0xFF) == SQLITE_FULL) words = "disk full (" + words + ")";
  return words;
}

// "not a SQLite database" for a file whose first bytes are not SQLite's.
Status CheckHeader(const std::string& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound(what + " does not exist");
    return Status::IoError(what + ": cannot open: " + Errno(e));
  }
  char header[16] = {};
  const ssize_t n = ::read(fd, header, sizeof header);
  const int e = errno;
  ::close(fd);
  if (n < 0) return Status::IoError(what + ": cannot read: " + Errno(e));
  if (n == 0) return Status::Corruption(what + " is empty, not a SQLite database");
  if (n < static_cast<ssize_t>(sizeof header) || std::memcmp(header, "SQLite format 3", 16) != 0) {
    return Status::Corruption(what + " is not a SQLite database");
  }
  return Status::Ok();
}

// Reads what the caller reports of a storeedge database; Corruption naming
// `what` when it is not one.
Result<DatabaseFacts> ReadFacts(Database& db, const std::string& path, const std::string& what) {
  DatabaseFacts f;
  f.path = path;
  auto app_id = db.QueryInt("PRAGMA application_id");
  if (!app_id.ok()) {
    if (app_id.status().code() == core::StatusCode::kCorruption) {
      return Status::Corruption(what + " is not a SQLite database or is corrupt");
    }
    return app_id.status().WithContext(what);
  }
  if (*app_id != kApplicationId) {
    return Status::Corruption(what + " is not a storeedge database (application_id " +
                              std::to_string(*app_id) + ")");
  }
  auto version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status().WithContext(what);
  f.schema_version = static_cast<int>(*version);
  if (f.schema_version < 1)
    return Status::Corruption(what + " is not a storeedge database (schema version 0)");
  auto store_id = db.QueryText("SELECT value FROM meta WHERE key = 'store_id'");
  if (!store_id.ok()) {
    return Status::Corruption(
        what + " is not a storeedge database (no store id: " + store_id.status().message() + ")");
  }
  f.store_id = *store_id;
  auto seq = db.QueryInt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
  if (!seq.ok()) return seq.status().WithContext(what + ": last event seq");
  f.last_event_seq = *seq;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) f.bytes = st.st_size;
  return f;
}

// PRAGMA integrity_check: Corruption naming `what` and the first problems.
Status IntegrityCheck(Database& db, const std::string& what) {
  auto st = db.Prepare("PRAGMA integrity_check(10)");
  if (!st.ok()) return st.status().WithContext(what + ": integrity_check");
  std::vector<std::string> rows;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) {
      if (row.status().code() == core::StatusCode::kCorruption) {
        return Status::Corruption(what + " is corrupt: " + row.status().message());
      }
      return row.status().WithContext(what + ": integrity_check");
    }
    if (!*row) break;
    rows.push_back(st->Text(0));
  }
  if (rows.size() == 1 && rows[0] == "ok") return Status::Ok();
  std::string problems;
  for (const std::string& r : rows) problems += (problems.empty() ? "" : "; ") + r;
  return Status::Corruption(what + " fails integrity_check: " + problems);
}

// Copies database `src` into the (empty) database `dst` in steps, retrying
// busy or locked steps until `busy_deadline`. `what` names the copy in errors.
Status CopyPages(Database& src, Database& dst, const std::string& what, int pages_per_step,
                 std::chrono::milliseconds busy_deadline, const std::function<void(int, int)>& on_step,
                 BackupResult* counts) {
  std::unique_ptr<sqlite3_backup, BackupDeleter> b(
      sqlite3_backup_init(dst.handle(), "main", src.handle(), "main"));
  if (!b) {
    return SqliteStatus(sqlite3_errcode(dst.handle()), what + ": start the copy",
                        sqlite3_errmsg(dst.handle()));
  }
  const auto deadline = std::chrono::steady_clock::now() + busy_deadline;
  int backoff_ms = 5;
  for (;;) {
    const int rc = sqlite3_backup_step(b.get(), pages_per_step > 0 ? pages_per_step : -1);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      ++counts->steps;
      backoff_ms = 5;
      if (on_step) on_step(sqlite3_backup_remaining(b.get()), sqlite3_backup_pagecount(b.get()));
      continue;
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (std::chrono::steady_clock::now() >= deadline) {
        return Status::Unavailable(what + ": the database stayed busy for more than " +
                                   std::to_string(busy_deadline.count() / 1000) + " s; try again");
      }
      ++counts->busy_retries;
      // A backoff, not a synchronisation: the other connection is mid-write.
      sqlite3_sleep(backoff_ms);
      backoff_ms = backoff_ms < 200 ? backoff_ms * 2 : 200;
      continue;
    }
    b.reset();  // finishing records the error on the copy's connection
    if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB) {
      return Status::Corruption("database " + src.path() + " is corrupt: " + sqlite3_errstr(rc) + " (" +
                                what + " not written)");
    }
    const bool source_side =
        sqlite3_system_errno(dst.handle()) == 0 && sqlite3_system_errno(src.handle()) != 0;
    return SqliteStatus(rc, source_side ? what + ": reading database " + src.path() : what,
                        SqliteWords(source_side ? src.handle() : dst.handle(), rc).c_str());
  }
  sqlite3_backup* raw = b.release();
  const int rc = sqlite3_backup_finish(raw);
  if (rc != SQLITE_OK) return SqliteStatus(rc, what, SqliteWords(dst.handle(), rc).c_str());
  return Status::Ok();
}

// Makes `path` (a copy written by CopyPages) one self-contained file in
// rollback-journal mode: a copy of a WAL database says "WAL" in its header.
Status ToRollbackJournal(Database& db, const std::string& what) {
  auto mode = db.QueryText("PRAGMA journal_mode=DELETE");
  if (!mode.ok()) return mode.status().WithContext(what + ": leave WAL mode");
  if (*mode != "delete")
    return Status::IoError(what + ": cannot leave WAL mode (journal_mode " + *mode + ")");
  return Status::Ok();
}

std::string UtcStamp(core::TimePoint t) {
  const std::time_t secs = static_cast<std::time_t>(core::ToUnixMillis(t) / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace

// ---- DatabaseLock ----

std::string DatabaseLockPath(const std::string& db_path) { return db_path + ".lock"; }

Result<std::unique_ptr<DatabaseLock>> DatabaseLock::TryAcquire(const std::string& db_path) {
  const std::string path = DatabaseLockPath(db_path);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // A lock file another user created (root's storeedgectl, say) can still be
  // locked through a read-only descriptor.
  if (fd < 0 && errno == EACCES) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("lock file " + path + ": " + Errno(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return Status::Unavailable("lock file " + path + " is held by another process");
    return Status::IoError("lock file " + path + ": flock: " + Errno(e));
  }
  return std::unique_ptr<DatabaseLock>(new DatabaseLock(fd, path));
}

DatabaseLock::~DatabaseLock() { ::close(fd_); }

// ---- Backup ----

Result<BackupResult> Backup(const std::string& db_path, const std::string& dest_path,
                            const BackupOptions& options) {
  const std::string what = "backup " + dest_path;
  if (dest_path.empty()) return Status::InvalidArgument("backup: no destination path given");
  struct stat db_st {};
  if (::stat(db_path.c_str(), &db_st) != 0) {
    if (errno == ENOENT) return Status::NotFound("database " + db_path + " does not exist");
    return Status::IoError("database " + db_path + ": " + Errno(errno));
  }
  struct stat dest_st {};
  if (::stat(dest_path.c_str(), &dest_st) == 0) {
    if (S_ISDIR(dest_st.st_mode)) {
      return Status::InvalidArgument(what + ": is a directory; give the name of the file to write");
    }
    if (dest_st.st_dev == db_st.st_dev && dest_st.st_ino == db_st.st_ino) {
      return Status::InvalidArgument(what + ": is the database itself");
    }
    if (!options.overwrite) {
      return Status::AlreadyExists(what + ": already exists (use --force to replace it)");
    }
  }
  EDGE_RETURN_IF_ERROR(CheckWritableDir(DirOf(dest_path), what));
  EDGE_RETURN_IF_ERROR(CheckHeader(db_path, "database " + db_path));

  auto src = Database::Open(db_path, Database::Mode::kReadWrite);
  if (!src.ok()) return src.status();
  // Taking the snapshot may meet a WAL being recovered or restarted.
  EDGE_RETURN_IF_ERROR((*src)->Exec("PRAGMA busy_timeout=5000"));
  ReadTransaction snapshot(**src);
  if (Status s = snapshot.Begin(); !s.ok()) {
    if (s.code() == core::StatusCode::kCorruption) {
      return Status::Corruption("database " + db_path + " is not a SQLite database or is corrupt");
    }
    return s.WithContext("database " + db_path);
  }
  auto source_facts = ReadFacts(**src, db_path, "database " + db_path);
  if (!source_facts.ok()) return source_facts.status();

  auto temp = TempFile::Create(dest_path, what);
  if (!temp.ok()) return temp.status();
  BackupResult result;
  {
    auto dst = Database::Open(temp->path(), Database::Mode::kReadWrite);
    if (!dst.ok()) return dst.status().WithContext(what);
    EDGE_RETURN_IF_ERROR(CopyPages(**src, **dst, what, options.pages_per_step, options.busy_deadline,
                                   options.on_step, &result));
    EDGE_RETURN_IF_ERROR(ToRollbackJournal(**dst, what));
    EDGE_RETURN_IF_ERROR(IntegrityCheck(**dst, "the copy for " + dest_path));
    auto facts = ReadFacts(**dst, temp->path(), "the copy for " + dest_path);
    if (!facts.ok()) return facts.status();
    result.facts = *facts;
  }
  snapshot.End();

  EDGE_RETURN_IF_ERROR(Fsync(temp->path(), false).WithContext(what));
  if (options.overwrite) {
    if (::rename(temp->path().c_str(), dest_path.c_str()) != 0) {
      return Status::IoError(what + ": rename " + temp->path() + ": " + Errno(errno));
    }
  } else if (::renameat2(AT_FDCWD, temp->path().c_str(), AT_FDCWD, dest_path.c_str(), RENAME_NOREPLACE) !=
             0) {
    const int e = errno;
    if (e == EEXIST) return Status::AlreadyExists(what + ": already exists (use --force to replace it)");
    if (e != EINVAL && e != ENOSYS)
      return Status::IoError(what + ": rename " + temp->path() + ": " + Errno(e));
    // A file system without RENAME_NOREPLACE: link() never replaces either.
    if (::link(temp->path().c_str(), dest_path.c_str()) != 0) {
      const int le = errno;
      if (le == EEXIST) return Status::AlreadyExists(what + ": already exists (use --force to replace it)");
      return Status::IoError(what + ": link " + temp->path() + ": " + Errno(le));
    }
    ::unlink(temp->path().c_str());
  }
  temp->Keep();
  EDGE_RETURN_IF_ERROR(Fsync(DirOf(dest_path), true).WithContext(what));
  result.facts.path = dest_path;
  struct stat st {};
  if (::stat(dest_path.c_str(), &st) == 0) result.facts.bytes = st.st_size;
  return result;
}

// ---- Restore ----

Result<DatabaseFacts> CheckBackup(const std::string& path) {
  const std::string what = "backup " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(what + " does not exist");
    return Status::IoError(what + ": " + Errno(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(what + " is not a regular file");
  EDGE_RETURN_IF_ERROR(CheckHeader(path, what));
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return db.status().WithContext(what);
  auto facts = ReadFacts(**db, path, what);
  if (!facts.ok()) return facts.status();
  if (facts->schema_version > LatestSchemaVersion()) {
    return Status::FailedPrecondition(what + " has schema version " + std::to_string(facts->schema_version) +
                                      ", newer than this storeedge knows (" +
                                      std::to_string(LatestSchemaVersion()) +
                                      "): it was taken by a newer release");
  }
  EDGE_RETURN_IF_ERROR(IntegrityCheck(**db, what));
  return facts;
}

Result<RestoreResult> Restore(const std::string& backup_path, const std::string& db_path,
                              const RestoreOptions& options) {
  auto facts = CheckBackup(backup_path);
  if (!facts.ok()) return facts.status();
  if (!options.any_store && facts->store_id != options.store_id) {
    return Status::FailedPrecondition("backup " + backup_path + " is of store '" + facts->store_id +
                                      "', but this node is configured as store '" + options.store_id +
                                      "' (use --force-store to restore it anyway)");
  }
  const std::string what = "restore to " + db_path;
  EDGE_RETURN_IF_ERROR(CheckWritableDir(DirOf(db_path), "database " + db_path));

  auto lock = DatabaseLock::TryAcquire(db_path);
  if (!lock.ok()) {
    if (lock.status().code() == core::StatusCode::kUnavailable) {
      return Status::FailedPrecondition("storeedged is running on database " + db_path + " (it holds " +
                                        DatabaseLockPath(db_path) +
                                        "): stop it first (systemctl stop storeedged); nothing was changed");
    }
    return lock.status().WithContext(what);
  }

  // The copy first, beside the database (same file system: the rename is
  // atomic), so that the database is replaced only by a whole, synced file.
  auto temp = TempFile::Create(db_path, what);
  if (!temp.ok()) return temp.status();
  {
    auto src = Database::Open(backup_path, Database::Mode::kReadOnly);
    if (!src.ok()) return src.status().WithContext("backup " + backup_path);
    auto dst = Database::Open(temp->path(), Database::Mode::kReadWrite);
    if (!dst.ok()) return dst.status().WithContext(what);
    BackupResult counts;
    EDGE_RETURN_IF_ERROR(CopyPages(**src, **dst, what, -1, std::chrono::seconds(30), {}, &counts));
    EDGE_RETURN_IF_ERROR(ToRollbackJournal(**dst, what));
  }
  EDGE_RETURN_IF_ERROR(Fsync(temp->path(), false).WithContext(what));

  RestoreResult result;
  const bool had_db = Exists(db_path);
  // A file that is not a SQLite database at all (a reason to restore) is not
  // opened: SQLite would take it for an empty database and reset its WAL.
  if (had_db && CheckHeader(db_path, "database " + db_path).ok()) {
    // Leaving WAL mode needs every other connection closed (each holds a
    // shared lock on the file while open), so it tells whether another
    // process has the database open; and it folds the WAL into the file, so
    // the pre-restore copy is one whole file.
    auto cur = Database::Open(db_path, Database::Mode::kReadWrite);
    if (!cur.ok()) return cur.status().WithContext(what);
    (void)(*cur)->Exec("PRAGMA busy_timeout=2000");
    auto mode = (*cur)->QueryText("PRAGMA journal_mode=DELETE");
    if (!mode.ok() && mode.status().code() == core::StatusCode::kUnavailable) {
      return Status::FailedPrecondition("database " + db_path +
                                        " is open in another process (a storeedgectl command?): "
                                        "let it finish and try again; nothing was changed");
    }
    if (mode.ok() && *mode != "delete") {
      return Status::FailedPrecondition("database " + db_path + " is open in another process (journal mode " +
                                        *mode + "): let it finish and try again; nothing was changed");
    }
    // A damaged database (a reason to restore) may not be readable: it is
    // kept as it is, with its WAL.
    if (mode.ok()) {
      auto seq =
          (*cur)->QueryInt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
      if (seq.ok()) result.replaced_last_event_seq = *seq;
    }
  }

  std::vector<std::pair<std::string, std::string>> moved;  // (from, to), to undo
  auto undo = [&] {
    for (auto it = moved.rbegin(); it != moved.rend(); ++it) ::rename(it->second.c_str(), it->first.c_str());
  };
  if (had_db) {
    const std::string base = db_path + ".pre-restore-" + UtcStamp(options.now);
    std::string pre = base;
    for (int n = 2; Exists(pre) || Exists(pre + "-wal") || Exists(pre + "-journal"); ++n) {
      pre = base + "-" + std::to_string(n);
    }
    bool linked = ::link(db_path.c_str(), pre.c_str()) == 0;
    if (!linked) {
      // A file system without hard links: a rename leaves db_path missing
      // until the restored file takes its place.
      if (::rename(db_path.c_str(), pre.c_str()) != 0) {
        return Status::IoError(what + ": keep the current database as " + pre + ": " + Errno(errno));
      }
      moved.emplace_back(db_path, pre);
    }
    // Side files of the replaced database go with it: a WAL left at db_path
    // would be applied to the restored file.
    for (const char* suffix : {"-wal", "-journal"}) {
      const std::string from = db_path + suffix;
      if (!Exists(from)) continue;
      if (::rename(from.c_str(), (pre + suffix).c_str()) != 0) {
        const int e = errno;
        undo();
        if (linked) ::unlink(pre.c_str());
        return Status::IoError(what + ": move " + from + " to " + pre + suffix + ": " + Errno(e));
      }
      moved.emplace_back(from, pre + suffix);
    }
    ::unlink((db_path + "-shm").c_str());
    result.pre_restore_path = pre;
    if (::rename(temp->path().c_str(), db_path.c_str()) != 0) {
      const int e = errno;
      undo();
      if (linked) ::unlink(pre.c_str());
      return Status::IoError(what + ": rename " + temp->path() + ": " + Errno(e) +
                             " (the current database is left in place)");
    }
  } else if (::rename(temp->path().c_str(), db_path.c_str()) != 0) {
    return Status::IoError(what + ": rename " + temp->path() + ": " + Errno(errno));
  }
  temp->Keep();
  EDGE_RETURN_IF_ERROR(Fsync(DirOf(db_path), true).WithContext(what));
  result.restored = *facts;
  result.restored.path = db_path;
  struct stat st {};
  if (::stat(db_path.c_str(), &st) == 0) result.restored.bytes = st.st_size;
  return result;
}

}  // namespace edge::store
