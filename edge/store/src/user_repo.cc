#include "edge/store/user_repo.h"

namespace edge::store {

namespace {

constexpr const char* kUserColumns =
    "id, name, role, pin_hash, pin_salt, pin_iterations, disabled, failures, first_failure, locked_until, "
    "created, updated";

UserRow ReadUser(const Statement& st) {
  UserRow u;
  u.id = st.Text(0);
  u.name = st.Text(1);
  u.role = st.Text(2);
  u.pin_hash = st.Blob(3);
  u.pin_salt = st.Blob(4);
  u.pin_iterations = st.Int64(5);
  u.disabled = st.Int64(6) != 0;
  u.lockout.failures = static_cast<int>(st.Int64(7));
  u.lockout.first_failure_ms = st.Int64(8);
  u.lockout.locked_until_ms = st.Int64(9);
  u.created_ms = st.Int64(10);
  u.updated_ms = st.Int64(11);
  return u;
}

Status ExpectOneRow(Database& db, const std::string& what) {
  if (db.Changes() == 0) return Status::NotFound(what);
  return Status::Ok();
}

}  // namespace

Status UserRepo::Insert(const UserRow& u) {
  auto st = db_.Cached(
      "INSERT INTO users(id, name, role, pin_hash, pin_salt, pin_iterations, disabled, created, updated) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, u.id).Bind(2, u.name).Bind(3, u.role).BindBlob(4, u.pin_hash).BindBlob(5, u.pin_salt);
  (*st)->Bind(6, u.pin_iterations).Bind(7, u.disabled ? 1 : 0).Bind(8, u.created_ms);
  Status s = (*st)->Run();
  if (s.code() == core::StatusCode::kAlreadyExists)
    return Status::AlreadyExists("user '" + u.id + "' exists");
  return s;
}

Result<UserRow> UserRepo::Get(const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?1";
  auto st = db_.Cached(sql.c_str());
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no user '" + id + "'");
  return ReadUser(**st);
}

Result<std::vector<UserRow>> UserRepo::List() {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id";
  auto st = db_.Cached(sql.c_str());
  if (!st.ok()) return st.status();
  std::vector<UserRow> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadUser(**st));
  }
  return out;
}

Status UserRepo::SetPin(const std::string& id, const std::string& hash, const std::string& salt,
                        int64_t iterations, int64_t now_ms) {
  auto st = db_.Cached(
      "UPDATE users SET pin_hash = ?2, pin_salt = ?3, pin_iterations = ?4, failures = 0, first_failure = 0, "
      "locked_until = 0, updated = ?5 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).BindBlob(2, hash).BindBlob(3, salt).Bind(4, iterations).Bind(5, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return ExpectOneRow(db_, "no user '" + id + "'");
}

Status UserRepo::SetDisabled(const std::string& id, bool disabled, int64_t now_ms) {
  auto st = db_.Cached("UPDATE users SET disabled = ?2, updated = ?3 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, disabled ? 1 : 0).Bind(3, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return ExpectOneRow(db_, "no user '" + id + "'");
}

Status UserRepo::SetLockout(const std::string& id, const core::LockoutState& s) {
  auto st = db_.Cached("UPDATE users SET failures = ?2, first_failure = ?3, locked_until = ?4 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, s.failures).Bind(3, s.first_failure_ms).Bind(4, s.locked_until_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return ExpectOneRow(db_, "no user '" + id + "'");
}

Status UserRepo::InsertSession(const SessionRow& s) {
  auto st = db_.Cached(
      "INSERT INTO sessions(token_hash, subject, role, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return st.status();
  (*st)
      ->BindBlob(1, s.token_hash)
      .Bind(2, s.subject)
      .Bind(3, s.role)
      .Bind(4, s.created_ms)
      .Bind(5, s.expires_ms);
  return (*st)->Run();
}

Result<SessionRow> UserRepo::GetSession(const std::string& token_hash) {
  auto st =
      db_.Cached("SELECT token_hash, subject, role, created, expires FROM sessions WHERE token_hash = ?1");
  if (!st.ok()) return st.status();
  (*st)->BindBlob(1, token_hash);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such session");
  SessionRow s;
  s.token_hash = (*st)->Blob(0);
  s.subject = (*st)->Text(1);
  s.role = (*st)->Text(2);
  s.created_ms = (*st)->Int64(3);
  s.expires_ms = (*st)->Int64(4);
  return s;
}

Status UserRepo::DeleteSession(const std::string& token_hash) {
  auto st = db_.Cached("DELETE FROM sessions WHERE token_hash = ?1");
  if (!st.ok()) return st.status();
  (*st)->BindBlob(1, token_hash);
  return (*st)->Run();
}

Status UserRepo::DeleteSessionsOf(const std::string& subject) {
  auto st = db_.Cached("DELETE FROM sessions WHERE subject = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, subject);
  return (*st)->Run();
}

Result<int64_t> UserRepo::DeleteExpiredSessions(int64_t now_ms) {
  auto st = db_.Cached("DELETE FROM sessions WHERE expires != 0 AND expires <= ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return static_cast<int64_t>(db_.Changes());
}

Status UserRepo::InsertKiosk(const std::string& name, int64_t now_ms) {
  auto st = db_.Cached("INSERT INTO kiosks(name, created) VALUES (?1, ?2)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, name).Bind(2, now_ms);
  Status s = (*st)->Run();
  if (s.code() == core::StatusCode::kAlreadyExists)
    return Status::AlreadyExists("kiosk '" + name + "' exists");
  return s;
}

Result<std::optional<bool>> UserRepo::KioskDisabled(const std::string& name) {
  auto st = db_.Cached("SELECT disabled FROM kiosks WHERE name = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, name);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<bool>();
  return std::optional<bool>((*st)->Int64(0) != 0);
}

Status UserRepo::Audit(const AuditRow& r) {
  auto st = db_.Cached(
      "INSERT INTO audit_log(at, actor, role, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st.ok()) return st.status();
  (*st)
      ->Bind(1, r.at_ms)
      .Bind(2, r.actor)
      .Bind(3, r.role)
      .Bind(4, r.action)
      .Bind(5, r.target)
      .Bind(6, r.detail);
  return (*st)->Run();
}

Result<std::vector<AuditRow>> UserRepo::AuditSince(int64_t since_ms, int limit) {
  auto st = db_.Cached(
      "SELECT at, actor, role, action, target, detail FROM audit_log WHERE at >= ?1 ORDER BY id LIMIT ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, since_ms).Bind(2, limit);
  std::vector<AuditRow> out;
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(
        {(*st)->Int64(0), (*st)->Text(1), (*st)->Text(2), (*st)->Text(3), (*st)->Text(4), (*st)->Text(5)});
  }
  return out;
}

}  // namespace edge::store
