// Database, Statement, Transaction: RAII owners of SQLite's C handles.
//
// A Database owns one sqlite3 connection; Statements it prepares borrow it and
// must be destroyed first. A Transaction rolls back unless committed. None of
// these is thread-safe: the io_context thread owns the store's connection (a
// tool such as the backup command opens its own).
//
// Every fallible call returns a Status or Result whose message names the
// operation and SQLite's own message ("step INSERT INTO outbox…: disk I/O
// error"). SQLITE_BUSY/LOCKED map to Unavailable (transient), SQLITE_CORRUPT
// and SQLITE_NOTADB to Corruption, SQLITE_FULL/IOERR/CANTOPEN/READONLY/PERM
// to IoError.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "edge/core/status.h"

namespace edge::store {

using core::Result;
using core::Status;

// Maps a SQLite result code and message to a Status with `context`.
Status SqliteStatus(int rc, const std::string& context, const char* message);

class Database;

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement() = default;

  // Bind by 1-based index. Binding never fails for valid indexes; an out of
  // range index is a programming error reported at Step().
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& v) {
    return v ? Bind(index, *v) : BindNull(index);
  }

  // Runs one step. Returns true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Resets for re-execution and clears bindings.
  void Reset();

  bool IsNull(int col) const;
  int64_t Int64(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;

  const char* sql() const;

 private:
  friend class Database;
  struct Deleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Status Bound(int rc, int index);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Deleter> stmt_;
  Status bind_error_;
};

// A borrowed cached statement; resets it on destruction.
class CachedStatement {
 public:
  explicit CachedStatement(Statement* s) : s_(s) {}
  CachedStatement(CachedStatement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  ~CachedStatement() {
    if (s_) s_->Reset();
  }
  Statement* operator->() const { return s_; }
  Statement& operator*() const { return *s_; }

 private:
  Statement* s_;
};

// A mark of a connection's view of the data: two equal stamps taken on the
// same connection mean no row changed in between, by this connection or by
// any other (storeedgectl works on the same file). For caches of answers
// built from the database.
struct ChangeStamp {
  int64_t own = -1;     // rows this connection inserted, updated or deleted (sqlite3_total_changes64)
  int64_t others = -1;  // PRAGMA data_version: moves when another connection commits
  // Transactions and savepoints this connection rolled back: what was read
  // inside one may be undone without moving the two counts above.
  int64_t undone = -1;
  bool operator==(const ChangeStamp&) const = default;
};

class Database {
 public:
  enum class Mode { kReadWrite, kReadWriteCreate, kReadOnly };

  // Opens `path`. kReadWrite fails with NotFound when the file is missing.
  // Opening does not read the file yet; the first statement does.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  // Prepares a new statement, owned by the caller.
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once and kept for the life of the connection, ready
  // to bind. `sql` must outlive the connection (a string literal: the cache
  // key is its address). The handle resets the statement when it goes out of
  // scope, so no read transaction lingers past its use (a lingering one would
  // pin an old WAL snapshot and make the next write fail with BUSY_SNAPSHOT
  // once another connection, such as storeedgectl, has committed). Not
  // reentrant for the same literal.
  Result<CachedStatement> Cached(const char* sql);

  // Runs a query returning one integer (e.g. "PRAGMA user_version").
  Result<int64_t> QueryInt(std::string_view sql);
  // Runs a query returning one text value.
  Result<std::string> QueryText(std::string_view sql);

  int64_t LastInsertRowid() const;
  int Changes() const;
  // The current ChangeStamp. Its `others` part comes from PRAGMA
  // data_version, a read transaction of its own (a few microseconds, most of
  // them file-locking system calls). In WAL mode the header of the WAL index
  // (the -shm region the connection maps) is looked at first: every commit
  // by any connection rewrites it, so while it holds the very bytes it held
  // at the last read of data_version, that value still stands. A connection
  // that has used Stamp() in WAL mode must stay in WAL mode.
  Result<ChangeStamp> Stamp();
  // While one is alive, Stamp() reads PRAGMA data_version once and then
  // reuses it: other connections' commits are seen as of the scope's first
  // look, this connection's own changes at once. Opened around each HTTP
  // request, so that the request's checks (its session, its cached reads)
  // cost one read of the stamp, not one each. A commit by another
  // connection during the scope is seen by the next one: a cache filled in
  // the scope is stamped with the older view and so read again.
  class StampScope {
   public:
    explicit StampScope(Database& db);
    ~StampScope();
    StampScope(const StampScope&) = delete;
    StampScope& operator=(const StampScope&) = delete;

   private:
    Database& db_;
  };
  // True when Stamp() has the WAL-index header to look at (tests).
  bool FastStampForTesting() const;
  // True while a Transaction (or any BEGIN) is open on this connection.
  bool InTransaction() const;
  // Calls `hook` every `every_steps` virtual-machine steps while a statement
  // of this connection runs (sqlite3_progress_handler), so that the thread
  // can show it is alive during a long statement, such as the apply of a
  // large snapshot. The hook cannot stop the statement and must not use the
  // connection. One per connection; an empty hook removes it.
  void SetProgressHook(std::function<void()> hook, int every_steps = 10'000);
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_.get(); }

 private:
  struct Deleter {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Database(sqlite3* db, std::string path);  // in database.cc, where WalIndexPeek is complete

  // Members in reverse release order: statements are finalized before the
  // connection closes.
  std::unique_ptr<sqlite3, Deleter> db_;
  std::string path_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> cache_;
  // Transactions open on this connection (the outermost and its savepoints).
  int txn_depth_ = 0;
  int64_t rolled_back_ = 0;  // ChangeStamp::undone
  int stamp_scopes_ = 0;
  std::optional<int64_t> scoped_data_version_;
  // The WAL-index header as of the last read of data_version (Stamp).
  struct WalIndexPeek;
  std::unique_ptr<WalIndexPeek> peek_;  // complete in database.cc, where ~Database is
  bool peek_tried_ = false;
  std::function<void()> progress_hook_;
  friend class Transaction;
};

// BEGIN IMMEDIATE on construction (the single writer takes its lock up front,
// so two writers never deadlock on an upgrade); ROLLBACK on destruction unless
// Commit() succeeded.
//
// Begun while another Transaction is open on the same connection, it is a
// SAVEPOINT inside it: Commit() releases the savepoint (its changes become
// part of the outer transaction, durable only when that commits) and
// destruction without Commit() rolls back to it, undoing only its own
// changes. This lets a command that opens its own transaction run inside a
// caller's (the sync bridge applies an inbound message and records it in the
// inbox atomically). Transactions nest strictly: an inner one ends before
// its outer one.
class Transaction {
 public:
  // How the COMMIT of an outermost transaction waits for the disk.
  //  kSynced: as the connection's PRAGMA synchronous says.
  //  kUnsynced: with synchronous NORMAL for this commit only (the setting is
  //    put back when the transaction ends). In WAL mode the database stays
  //    consistent, but a power cut may lose this commit until the next one
  //    that syncs, or a checkpoint, has taken it to disk. For changes that
  //    are harmless to lose, such as marks of what the broker acknowledged
  //    (lost, the events are sent again with their ids).
  // A transaction begun inside another is part of that one's commit, so
  // the choice has no effect there.
  enum class Durability { kSynced, kUnsynced };
  static Result<std::unique_ptr<Transaction>> Begin(Database& db,
                                                    Durability durability = Durability::kSynced);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Commits. On failure the transaction is rolled back and the error returned.
  Status Commit();
  Database& db() { return db_; }
  // True for a savepoint inside another transaction.
  bool nested() const { return depth_ > 1; }

 private:
  Transaction(Database& db, int depth, int restore_sync)
      : db_(db), depth_(depth), restore_sync_(restore_sync) {}
  // Marks the transaction ended; puts PRAGMA synchronous back (kUnsynced).
  Status End();
  Status RestoreSync();
  Database& db_;
  int depth_;         // 1 = the outermost (BEGIN); more = a savepoint
  int restore_sync_;  // the PRAGMA synchronous level to put back at End(), or 0
  bool done_ = false;
};

}  // namespace edge::store
