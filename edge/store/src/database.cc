#include "edge/store/database.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

namespace edge::store {

Status SqliteStatus(int rc, const std::string& context, const char* message) {
  std::string msg = context + ": " + (message ? message : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::IoError(std::move(msg));
    case SQLITE_CONSTRAINT:
      return Status::AlreadyExists(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return Status::Internal(std::move(msg));
    default:
      return Status::IoError(std::move(msg));
  }
}

namespace {
std::string Shorten(const char* sql) {
  std::string s = sql ? sql : "";
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}
}  // namespace

// ---- Statement ----

Status Statement::Bound(int rc, int index) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ =
        SqliteStatus(rc, "bind #" + std::to_string(index) + " of " + Shorten(sql()), sqlite3_errmsg(db_));
  }
  return Status::Ok();
}

Statement& Statement::Bind(int index, int64_t value) {
  (void)Bound(sqlite3_bind_int64(stmt_.get(), index, value), index);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  (void)Bound(sqlite3_bind_double(stmt_.get(), index, value), index);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  (void)Bound(
      sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  (void)Bound(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
  return *this;
}
Statement& Statement::BindNull(int index) {
  (void)Bound(sqlite3_bind_null(stmt_.get(), index), index);
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, "step " + Shorten(sql()), sqlite3_errmsg(db_));
}

Status Statement::Run() {
  for (;;) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = Status::Ok();
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
int64_t Statement::Int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_.get(), col); }
std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
std::string Statement::Blob(int col) const {
  const void* p = sqlite3_column_blob(stmt_.get(), col);
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
const char* Statement::sql() const { return sqlite3_sql(stmt_.get()); }

// ---- Database ----

namespace {
// Process-wide settings, which SQLite accepts only before its first use (the
// first open initialises it); later calls are refused and change nothing.
//  - Statement journals (the old images of the pages a statement or a
//    savepoint may have to restore) stay in memory instead of going to a
//    temporary file past 64 KiB. An inbound batch is one transaction with a
//    savepoint per message, and each message touches more than 64 KiB (and
//    more than 120 KiB) of pages: the journal went to a temporary file,
//    written with every message and kept until the batch committed. In
//    memory it is emptied as each message's savepoint is released. The
//    journal holds each page at most once, and the largest statement, a
//    1,000,000-SKU snapshot's, adds about 35 MB while it runs.
//    Not a threshold above 64 KiB: SQLite 3.40 moves an in-memory journal
//    to a file in chunks of the threshold's size, one write each, and a
//    write of more than 128 KiB is cut short and reported as "database or
//    disk is full" (a 4 MiB threshold failed every snapshot of 200,000 SKUs
//    or more; DatabaseTest.AStatementChangingMegabytesInsideATransactionCommits).
//  - No memory statistics: they take a global mutex on every allocation,
//    and nothing here reads them.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}
}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, Mode mode) {
  ConfigureSqliteOnce();
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, Deleter> db(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(rc, "open " + path, raw ? sqlite3_errmsg(raw) : nullptr);
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Database>(new Database(db.release(), path));
}

Status Database::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_.get(), copy.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  Status s = SqliteStatus(rc, "exec " + Shorten(copy.c_str()), err ? err : sqlite3_errmsg(db_.get()));
  sqlite3_free(err);
  return s;
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(rc, "prepare " + Shorten(std::string(sql).c_str()), sqlite3_errmsg(db_.get()));
  }
  return Statement(db_.get(), stmt);
}

Result<CachedStatement> Database::Cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return CachedStatement(it->second.get());
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto owned = std::make_unique<Statement>(std::move(st).value());
  Statement* p = owned.get();
  cache_.emplace(sql, std::move(owned));
  return CachedStatement(p);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no row from " + std::string(sql));
  return st->Int64(0);
}

Result<std::string> Database::QueryText(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no row from " + std::string(sql));
  return st->Text(0);
}

int64_t Database::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Database::Changes() const { return sqlite3_changes(db_.get()); }

// The WAL index (https://sqlite.org/walformat.html, "The WAL-Index Header")
// begins with two copies of a 48-byte header followed by the checkpoint
// information. A writer rewrites both copies at each commit (its frame
// count, or after a restart of the WAL its salts, and its checksums change),
// second copy first. The format is shared by every process and SQLite
// version using the file, so it is stable.
struct Database::WalIndexPeek {
  static constexpr size_t kHeaders = 96;  // both copies
  static constexpr uint32_t kVersion = 3007000;
  static constexpr int kRegion = 32768;  // the size of a wal-index region
  // Region 0 of the index as the connection itself maps it (xShmMap): no
  // file of our own is opened, so none is closed (closing any descriptor of
  // a file drops every POSIX lock the process holds on it, SQLite's too).
  const volatile unsigned char* header = nullptr;
  unsigned char seen[kHeaders] = {};
  bool have_seen = false;
  int64_t data_version = -1;  // PRAGMA data_version when `seen` was read

  void Read(unsigned char* out) const {
    for (size_t i = 0; i < kHeaders; ++i) out[i] = header[i];
    std::atomic_thread_fence(std::memory_order_acquire);
  }

  // The wal-index of `db`'s main database when it is in WAL mode, already
  // mapped by the connection and of the known version; null otherwise
  // (Stamp then always reads data_version). The mapping is SQLite's and
  // lives as long as the connection stays in WAL mode, which a Database
  // never leaves once it has entered it.
  static WalIndexPeek* Open(Database& db) {
    auto mode = db.QueryText("PRAGMA journal_mode");
    if (!mode.ok() || *mode != "wal") return nullptr;
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
        file->pMethods->xShmMap == nullptr) {
      return nullptr;
    }
    volatile void* region = nullptr;
    // bExtend = 0: only a region that exists; nothing is created.
    if (file->pMethods->xShmMap(file, 0, kRegion, 0, &region) != SQLITE_OK || region == nullptr)
      return nullptr;
    const auto* h = static_cast<const volatile unsigned char*>(region);
    uint32_t version = 0;
    for (size_t i = 0; i < sizeof version; ++i) reinterpret_cast<unsigned char*>(&version)[i] = h[i];
    if (version != kVersion || h[12] != 1) return nullptr;  // iVersion, isInit
    auto* peek = new WalIndexPeek;
    peek->header = h;
    return peek;
  }
};

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Database::~Database() {
  // Statements must be finalized before the connection closes.
  cache_.clear();
}

void Database::SetProgressHook(std::function<void()> hook, int every_steps) {
  progress_hook_ = std::move(hook);
  if (!progress_hook_) {
    sqlite3_progress_handler(db_.get(), 0, nullptr, nullptr);
    return;
  }
  sqlite3_progress_handler(
      db_.get(), std::max(every_steps, 1),
      [](void* self) {
        static_cast<Database*>(self)->progress_hook_();
        return 0;  // never interrupts
      },
      this);
}

Result<ChangeStamp> Database::Stamp() {
  ChangeStamp stamp;
  stamp.own = sqlite3_total_changes64(db_.get());
  stamp.undone = rolled_back_;
  if (stamp_scopes_ > 0 && scoped_data_version_) {
    stamp.others = *scoped_data_version_;
    return stamp;
  }
  unsigned char header[WalIndexPeek::kHeaders];
  if (peek_) {
    peek_->Read(header);
    if (peek_->have_seen && std::memcmp(header, peek_->seen, sizeof header) == 0) {
      stamp.others = peek_->data_version;
      if (stamp_scopes_ > 0) scoped_data_version_ = stamp.others;
      return stamp;
    }
  }
  // The header was read first: a commit between the two shows as a changed
  // header next time, never as a data_version taken for a header it did not
  // have.
  auto st = Cached("PRAGMA data_version");
  if (!st.ok()) return st.status();
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("PRAGMA data_version returned no row");
  stamp.others = (*st)->Int64(0);
  if (stamp_scopes_ > 0) scoped_data_version_ = stamp.others;
  if (peek_) {
    std::memcpy(peek_->seen, header, sizeof header);
    peek_->have_seen = true;
    peek_->data_version = stamp.others;
  } else if (!peek_tried_) {
    // After a read: in WAL mode the index now exists and is initialised.
    // Its header is first remembered by the next call, read before its
    // data_version.
    peek_tried_ = true;
    peek_.reset(WalIndexPeek::Open(*this));
  }
  return stamp;
}

bool Database::FastStampForTesting() const { return peek_ != nullptr; }

Database::StampScope::StampScope(Database& db) : db_(db) { ++db_.stamp_scopes_; }

Database::StampScope::~StampScope() {
  if (--db_.stamp_scopes_ == 0) db_.scoped_data_version_.reset();
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

// ---- Transaction ----

namespace {
std::string SavepointName(int depth) { return "storeedge_sp" + std::to_string(depth); }

// The statements that open and close a transaction at each depth, prepared
// once per connection (Database::Cached) instead of parsed by sqlite3_exec on
// every use: an inbound batch opens two savepoints per message. The cache is
// keyed by address, so each text lives as long as the program.
constexpr int kPreparedDepths = 8;
struct TxnSql {
  std::string begin, commit;  // SAVEPOINT x / RELEASE x; depth 1: BEGIN IMMEDIATE / COMMIT
};
const TxnSql* PreparedTxnSql(int depth) {
  static const std::vector<TxnSql> k = [] {
    std::vector<TxnSql> v(kPreparedDepths + 1);
    v[1] = {"BEGIN IMMEDIATE", "COMMIT"};
    for (int d = 2; d <= kPreparedDepths; ++d) {
      v[d] = {"SAVEPOINT " + SavepointName(d), "RELEASE " + SavepointName(d)};
    }
    return v;
  }();
  return depth >= 1 && depth <= kPreparedDepths ? &k[depth] : nullptr;
}

Status RunPrepared(Database& db, const std::string& sql) {
  auto st = db.Cached(sql.c_str());
  if (!st.ok()) return st.status();
  return (*st)->Run();
}
}  // namespace

// PRAGMA synchronous values (https://sqlite.org/pragma.html#pragma_synchronous).
constexpr int64_t kSyncNormal = 1;
constexpr int64_t kSyncFull = 2;
constexpr int64_t kSyncExtra = 3;

Result<std::unique_ptr<Transaction>> Transaction::Begin(Database& db, Durability durability) {
  const int depth = db.txn_depth_ + 1;
  int restore = 0;
  if (durability == Durability::kUnsynced && depth == 1) {
    // Parsed each time, not Database::Cached: SQLite reads and sets this
    // PRAGMA when the statement is prepared, so a kept statement would
    // answer, or set, what held when it was first prepared.
    auto level = db.QueryInt("PRAGMA synchronous");
    if (!level.ok()) return level.status();
    if (*level > kSyncNormal) {
      EDGE_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
      restore = static_cast<int>(*level);
    }
  }
  Status begun = Status::Ok();
  if (const TxnSql* sql = PreparedTxnSql(depth)) {
    begun = RunPrepared(db, sql->begin);
  } else {
    begun = db.Exec("SAVEPOINT " + SavepointName(depth));
  }
  std::unique_ptr<Transaction> txn(new Transaction(db, depth, restore));
  if (!begun.ok()) {
    txn->done_ = true;  // nothing to roll back
    if (restore) (void)txn->RestoreSync();
    return begun;
  }
  db.txn_depth_ = depth;
  return txn;
}

Status Transaction::RestoreSync() {
  if (restore_sync_ == 0) return Status::Ok();
  const char* sql = restore_sync_ == kSyncExtra  ? "PRAGMA synchronous = EXTRA"
                    : restore_sync_ == kSyncFull ? "PRAGMA synchronous = FULL"
                                                 : "PRAGMA synchronous = NORMAL";
  restore_sync_ = 0;
  return db_.Exec(sql).WithContext("put PRAGMA synchronous back");
}

Status Transaction::End() {
  done_ = true;
  db_.txn_depth_ = depth_ - 1;
  return RestoreSync();
}

Transaction::~Transaction() {
  if (done_) return;
  ++db_.rolled_back_;
  if (depth_ == 1) {
    (void)db_.Exec("ROLLBACK");
  } else {
    const std::string sp = SavepointName(depth_);
    (void)db_.Exec("ROLLBACK TO " + sp + "; RELEASE " + sp);
  }
  (void)End();
}

Status Transaction::Commit() {
  if (done_) return Status::Internal("transaction committed twice");
  const TxnSql* sql = PreparedTxnSql(depth_);
  if (depth_ == 1) {
    Status s = RunPrepared(db_, sql->commit);
    if (!s.ok()) {
      ++db_.rolled_back_;
      (void)db_.Exec("ROLLBACK");
    }
    Status restored = End();
    return s.ok() ? restored : s;
  }
  const std::string sp = SavepointName(depth_);
  Status s = sql ? RunPrepared(db_, sql->commit) : db_.Exec("RELEASE " + sp);
  if (!s.ok()) {
    ++db_.rolled_back_;
    (void)db_.Exec("ROLLBACK TO " + sp + "; RELEASE " + sp);
  }
  (void)End();
  return s;
}

}  // namespace edge::store
