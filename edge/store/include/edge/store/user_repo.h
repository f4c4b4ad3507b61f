// UserRepo: rows of the users, sessions, kiosks and audit_log tables
// (sql/0003_users.sql). Statements run on the caller's connection, inside the
// caller's transaction when there is one. io_context thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/core/auth.h"
#include "edge/store/database.h"

namespace edge::store {

struct UserRow {
  std::string id;
  std::string name;
  std::string role;  // "associate" or "supervisor"
  std::string pin_hash;
  std::string pin_salt;
  int64_t pin_iterations = 0;
  bool disabled = false;
  core::LockoutState lockout;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SessionRow {
  std::string token_hash;
  std::string subject;
  std::string role;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;  // 0: never
};

struct AuditRow {
  int64_t at_ms = 0;
  std::string actor;
  std::string role;
  std::string action;
  std::string target;
  std::string detail;
};

class UserRepo {
 public:
  explicit UserRepo(Database& db) : db_(db) {}

  // AlreadyExists when the id is taken.
  Status Insert(const UserRow& user);
  // NotFound when there is no such user.
  Result<UserRow> Get(const std::string& id);
  Result<std::vector<UserRow>> List();
  Status SetPin(const std::string& id, const std::string& hash, const std::string& salt, int64_t iterations,
                int64_t now_ms);
  Status SetDisabled(const std::string& id, bool disabled, int64_t now_ms);
  Status SetLockout(const std::string& id, const core::LockoutState& state);

  Status InsertSession(const SessionRow& session);
  // NotFound when no session has this token hash.
  Result<SessionRow> GetSession(const std::string& token_hash);
  Status DeleteSession(const std::string& token_hash);
  Status DeleteSessionsOf(const std::string& subject);
  Result<int64_t> DeleteExpiredSessions(int64_t now_ms);

  Status InsertKiosk(const std::string& name, int64_t now_ms);
  // nullopt when unknown; the value is whether it is disabled.
  Result<std::optional<bool>> KioskDisabled(const std::string& name);

  Status Audit(const AuditRow& row);
  Result<std::vector<AuditRow>> AuditSince(int64_t since_ms, int limit);

 private:
  Database& db_;
};

}  // namespace edge::store
