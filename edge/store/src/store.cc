#include "edge/store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "edge/log/log.h"
#include "migrations.h"

namespace edge::store {

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

namespace {

bool FileExists(const std::string& path, struct stat* st) { return ::stat(path.c_str(), st) == 0; }

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, const core::Clock& clock) {
  const std::string& path = options.path;
  struct stat st {};
  const bool exists = FileExists(path, &st);
  if (exists && !S_ISREG(st.st_mode)) {
    return Status::IoError("database " + path + " exists but is not a regular file");
  }
  if (!exists && errno != ENOENT) {
    return Status::IoError("database " + path + ": " + std::strerror(errno));
  }
  auto db = Database::Open(path, exists ? Database::Mode::kReadWrite : Database::Mode::kReadWriteCreate);
  if (!db.ok()) return db.status();
  std::unique_ptr<Store> store(new Store(options, std::move(db).value(), clock));
  Database& d = store->db();

  // Read the header before anything writes to the file: a file that is not
  // ours, is damaged or is too new must be refused untouched.
  const std::string untouched = " (file left untouched)";
  auto version = d.QueryInt("PRAGMA user_version");
  if (!version.ok()) {
    if (version.status().code() == core::StatusCode::kCorruption) {
      // SQLite's own words ("file is not a database"), without the statement.
      const std::string& m = version.status().message();
      const size_t colon = m.rfind(": ");
      return Status::Corruption("database " + path + " is not a SQLite database or is corrupt: " +
                                (colon == std::string::npos ? m : m.substr(colon + 2)) + untouched);
    }
    return version.status().WithContext("database " + path);
  }
  auto app_id = d.QueryInt("PRAGMA application_id");
  if (!app_id.ok()) return app_id.status().WithContext("database " + path);
  auto objects = d.QueryInt("SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) {
    return Status::Corruption("database " + path + " is corrupt: " + objects.status().message() + untouched);
  }
  if (*app_id != kApplicationId && (*app_id != 0 || *objects != 0)) {
    return Status::Corruption("database " + path + " is not a storeedge database (application_id " +
                              std::to_string(*app_id) + ")" + untouched);
  }
  if (*version > LatestSchemaVersion()) {
    return Status::FailedPrecondition(
        "database " + path + " has schema version " + std::to_string(*version) +
        ", newer than this storeedge knows (" + std::to_string(LatestSchemaVersion()) +
        "): it was written by a newer release; upgrade storeedge or restore a backup" + untouched);
  }
  store->schema_version_ = static_cast<int>(*version);

  // Migrate before switching to WAL so that a failed migration of an old file
  // rolls back to exactly the bytes it had.
  EDGE_RETURN_IF_ERROR(store->Migrate());

  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA journal_mode=WAL").WithContext("database " + path));
  auto mode = d.QueryText("PRAGMA journal_mode");
  if (!mode.ok() || *mode != "wal") {
    return Status::IoError("database " + path + ": cannot switch to WAL journal mode");
  }
  EDGE_RETURN_IF_ERROR(d.Exec(options.synchronous == Synchronous::kFull ? "PRAGMA synchronous=FULL"
                                                                        : "PRAGMA synchronous=NORMAL"));
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA foreign_keys=ON"));
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA cache_size=-" + std::to_string(std::max(options.cache_kib, 64))));
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA busy_timeout=" + std::to_string(options.busy_timeout_ms)));
  EDGE_RETURN_IF_ERROR(store->CheckOwner());
  if (options.background_checkpoint) {
    Checkpointer::Options co;
    co.pages = options.checkpoint_pages;
    co.inline_pages = 8 * options.checkpoint_pages;
    co.full_sync = options.synchronous == Synchronous::kFull;
    auto c = Checkpointer::Start(d, co);
    if (!c.ok()) return c.status().WithContext("database " + path);
    store->checkpointer_ = std::move(c).value();
  }
  return store;
}

Status Store::Migrate() {
  Database& d = *db_;
  const int from = schema_version_;
  const int to = LatestSchemaVersion();
  if (from == to) return Status::Ok();
  auto txn = Transaction::Begin(d);
  if (!txn.ok()) return txn.status().WithContext("database " + options_.path + ": migrate");
  for (const Migration& m : Migrations()) {
    if (m.version <= from) continue;
    Status s = d.Exec(m.sql);
    if (!s.ok()) {
      return s.WithContext("database " + options_.path + ": migration " + std::to_string(m.version) + " (" +
                           m.name + ") failed; the file is left at schema " + std::to_string(from));
    }
  }
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA application_id=" + std::to_string(kApplicationId)));
  EDGE_RETURN_IF_ERROR(d.Exec("PRAGMA user_version=" + std::to_string(to)));
  if (from == 0) {
    auto st = d.Prepare("INSERT INTO meta(key, value) VALUES ('store_id', ?1), ('created', ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, options_.store_id).Bind(2, std::to_string(NowMs()));
    EDGE_RETURN_IF_ERROR(st->Run());
  }
  Status s = (*txn)->Commit();
  if (!s.ok()) {
    return s.WithContext("database " + options_.path + ": migration to schema " + std::to_string(to) +
                         " failed; the file is left at schema " + std::to_string(from));
  }
  log::Info("store.migrated").Kv("path", options_.path).Kv("from", from).Kv("to", to);
  schema_version_ = to;
  return Status::Ok();
}

Status Store::CheckOwner() {
  auto owner = db_->QueryText("SELECT value FROM meta WHERE key = 'store_id'");
  if (!owner.ok()) return owner.status().WithContext("database " + options_.path + ": read meta");
  if (*owner != options_.store_id) {
    return Status::Corruption("database " + options_.path + " belongs to store '" + *owner +
                              "', but this node is configured as store '" + options_.store_id +
                              "' (file left untouched)");
  }
  return Status::Ok();
}

// ---- outbox ----

Result<int64_t> Store::AppendEvent(Transaction& txn, const std::string& id, const std::string& type,
                                   const std::string& payload_json) {
  auto st = txn.db().Cached("INSERT INTO outbox(id, type, payload, created) VALUES (?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, type).Bind(3, payload_json).Bind(4, NowMs());
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return txn.db().LastInsertRowid();
}

namespace {
Result<std::vector<OutboxEvent>> ReadEvents(Statement& st) {
  std::vector<OutboxEvent> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    OutboxEvent e;
    e.seq = st.Int64(0);
    e.id = st.Text(1);
    e.type = st.Text(2);
    e.payload = st.Text(3);
    e.created_ms = st.Int64(4);
    if (!st.IsNull(5)) e.published_ms = st.Int64(5);
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

Result<std::vector<OutboxEvent>> Store::UnpublishedEvents(int64_t after_seq, int limit) {
  auto st = db_->Cached(
      "SELECT seq, id, type, payload, created, published FROM outbox "
      "WHERE published IS NULL AND seq > ?1 ORDER BY seq LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, after_seq).Bind(2, limit);
  return ReadEvents(**st);
}

Result<std::vector<OutboxEvent>> Store::EventsFrom(int64_t from_seq, int limit) {
  auto st = db_->Cached(
      "SELECT seq, id, type, payload, created, published FROM outbox "
      "WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from_seq).Bind(2, limit);
  return ReadEvents(**st);
}

Status Store::MarkPublished(int64_t seq) {
  auto st = db_->Cached("UPDATE outbox SET published = ?2 WHERE seq = ?1 AND published IS NULL");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, seq).Bind(2, NowMs());
  return (*st)->Run();
}

Result<int64_t> Store::OutboxDepth() {
  return db_->QueryInt("SELECT count(*) FROM outbox WHERE published IS NULL");
}

Result<int64_t> Store::LastEventSeq() {
  return db_->QueryInt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
}

Result<int64_t> Store::PruneEvents(core::Duration retention) {
  auto st = db_->Cached("DELETE FROM outbox WHERE published IS NOT NULL AND published < ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, core::ToUnixMillis(clock_.Now() - retention));
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return static_cast<int64_t>(db_->Changes());
}

// ---- inbox ----

Result<int64_t> Store::PruneInbox(core::Duration retention) {
  auto st = db_->Cached("DELETE FROM inbox WHERE applied < ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, core::ToUnixMillis(clock_.Now() - retention));
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return static_cast<int64_t>(db_->Changes());
}

Result<bool> Store::InboxContains(const std::string& id) {
  auto st = db_->Cached("SELECT 1 FROM inbox WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return (*st)->Step();
}

Status Store::RecordInbound(Transaction& txn, const std::string& id, const std::string& stream, int64_t seq,
                            const std::string& type) {
  auto ins = txn.db().Cached("INSERT INTO inbox(id, stream, seq, type, applied) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, id).Bind(2, stream).Bind(3, seq).Bind(4, type).Bind(5, NowMs());
  EDGE_RETURN_IF_ERROR((*ins)->Run());
  auto adv = txn.db().Cached(
      "INSERT INTO stream_state(stream, next_seq) VALUES (?1, ?2) "
      "ON CONFLICT(stream) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)");
  if (!adv.ok()) return adv.status();
  (*adv)->Bind(1, stream).Bind(2, seq + 1);
  return (*adv)->Run();
}

Result<int64_t> Store::NextSeq(const std::string& stream) {
  auto st = db_->Cached("SELECT next_seq FROM stream_state WHERE stream = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, stream);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*st)->Int64(0) : int64_t{1};
}

Status Store::AdvanceStream(Transaction& txn, const std::string& stream, int64_t seq) {
  auto adv = txn.db().Cached(
      "INSERT INTO stream_state(stream, next_seq) VALUES (?1, ?2) "
      "ON CONFLICT(stream) DO UPDATE SET next_seq = max(next_seq, excluded.next_seq)");
  if (!adv.ok()) return adv.status();
  (*adv)->Bind(1, stream).Bind(2, seq + 1);
  return (*adv)->Run();
}

// ---- held messages ----

Status Store::HoldInbound(const std::string& stream, int64_t seq, const std::string& id,
                          const std::string& payload) {
  auto st = db_->Cached(
      "INSERT INTO held(stream, seq, id, payload, received) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT(stream, seq) DO NOTHING");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, stream).Bind(2, seq).Bind(3, id).BindBlob(4, payload).Bind(5, NowMs());
  return (*st)->Run();
}

Result<std::vector<std::pair<std::string, int64_t>>> Store::HeldSeqs() {
  auto st = db_->Cached("SELECT stream, seq FROM held ORDER BY stream, seq");
  if (!st.ok()) return st.status();
  std::vector<std::pair<std::string, int64_t>> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.emplace_back((*st)->Text(0), (*st)->Int64(1));
  }
  return out;
}

Result<std::optional<std::string>> Store::HeldPayload(const std::string& stream, int64_t seq) {
  auto st = db_->Cached("SELECT payload FROM held WHERE stream = ?1 AND seq = ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, stream).Bind(2, seq);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>((*st)->Blob(0));
}

Status Store::DropHeld(Transaction& txn, const std::string& stream, int64_t seq) {
  auto st = txn.db().Cached("DELETE FROM held WHERE stream = ?1 AND seq = ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, stream).Bind(2, seq);
  return (*st)->Run();
}

// ---- dead letters ----

Status Store::AddDeadLetter(const DeadLetter& l) {
  auto st = db_->Cached(
      "INSERT INTO dead_letters(received, topic, message_id, stream, seq, reason, payload) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, NowMs()).Bind(2, l.topic).Bind(3, l.message_id).Bind(4, l.stream).Bind(5, l.seq);
  (*st)->Bind(6, l.reason).BindBlob(7, l.payload);
  return (*st)->Run();
}

Result<int64_t> Store::DeadLetterCount() { return db_->QueryInt("SELECT count(*) FROM dead_letters"); }

int64_t Store::FileSizeBytes() const {
  int64_t total = 0;
  for (const std::string& p : {options_.path, options_.path + "-wal"}) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace edge::store
