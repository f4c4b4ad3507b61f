// AuthService: associates and supervisors (PINs), their sign-in sessions,
// kiosk device tokens, and the audit trail of who changed what.
//
// PINs are stored only as salted PBKDF2-HMAC-SHA256 hashes (OpenSSL); bearer
// tokens are 256 random bits, stored only as their SHA-256. Repeated wrong
// PINs lock the account (core::LockoutPolicy) until the lock runs out or a
// supervisor unlocks it. Each command is one SQLite transaction that also
// writes its audit row. io_context thread only (storeedgectl uses it on its
// own connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "edge/core/auth.h"
#include "edge/core/clock.h"
#include "edge/core/status.h"
#include "edge/store/store.h"
#include "edge/store/user_repo.h"

namespace edge::app {

struct AuthOptions {
  // PBKDF2 iterations for new PIN hashes. Higher makes a stolen database's
  // short PINs costlier to guess, and each sign-in slower (about 0.1 s at the
  // default on a store PC).
  int pin_iterations = 210000;
  core::Duration session_ttl = std::chrono::hours(12);
  core::LockoutPolicy lockout;
};

struct SessionInfo {
  std::string token;  // give to the client; never stored
  core::Actor actor;
  core::TimePoint expires;  // epoch for tokens that never expire
};

struct UserInfo {
  std::string id;
  std::string name;
  core::Role role = core::Role::kAssociate;
  bool disabled = false;
  bool locked = false;
};

class AuthService {
 public:
  AuthService(store::Store& store, const core::Clock& clock, AuthOptions options = {});

  // Adds a user. InvalidArgument for a bad id, name or PIN; AlreadyExists
  // when the id is taken.
  core::Status AddUser(const std::string& id, const std::string& name, core::Role role,
                       const std::string& pin, const core::Actor& by);
  // Disables (or enables) a user; a disabled user's sessions end at once.
  core::Status SetDisabled(const std::string& id, bool disabled, const core::Actor& by);
  // Sets a new PIN, clears any lockout and ends the user's sessions.
  core::Status ResetPin(const std::string& id, const std::string& pin, const core::Actor& by);
  // Clears a lockout (supervisor override).
  core::Status Unlock(const std::string& id, const core::Actor& by);
  core::Result<std::vector<UserInfo>> ListUsers();

  // Signs in. Unauthenticated "wrong associate id or PIN" for an unknown id
  // or a wrong PIN (the two are not told apart), "account … is locked …"
  // while locked, "account … is disabled" when disabled.
  core::Result<SessionInfo> Login(const std::string& id, const std::string& pin);
  // The actor behind a bearer token; Unauthenticated when unknown, expired,
  // or its user or kiosk was disabled since. Every request calls it, so the
  // sessions found are remembered in memory until anything changes users,
  // sessions or kiosks: this service's own commands forget them at once, and
  // a commit by another connection (storeedgectl disabling a user on the
  // database) is seen through the database's ChangeStamp before the next
  // answer.
  core::Result<core::Actor> Authenticate(const std::string& token);
  core::Status Logout(const std::string& token);

  // Registers a kiosk device and returns its device token (shown once).
  core::Result<std::string> AddKiosk(const std::string& name, const core::Actor& by);

  // Records a state-changing call in the audit trail inside `txn`.
  core::Status Audit(store::Transaction& txn, const core::Actor& by, const std::string& action,
                     const std::string& target, const std::string& detail = "");

 private:
  std::string HashPin(const std::string& pin, const std::string& salt, int64_t iterations) const;
  int64_t NowMs() const { return core::ToUnixMillis(clock_.Now()); }
  // Forgets the remembered sessions (after any change of users, sessions or
  // kiosks, and when another connection has committed).
  void ForgetSessions() { known_.clear(); }
  // Runs `body` in one transaction and commits it, forgetting the sessions.
  template <typename F>
  core::Status Write(F&& body);

  struct KnownSession {
    core::Actor actor;
    int64_t expires_ms = 0;  // 0: never
  };

  store::Store& store_;
  store::UserRepo users_;
  const core::Clock& clock_;
  AuthOptions options_;
  // Sessions found by Authenticate, by SHA-256 of the token (the tokens
  // themselves are not kept), valid while the database's data_version is
  // `known_version_`.
  std::unordered_map<std::string, KnownSession> known_;
  int64_t known_version_ = -1;
};

// Random bytes from the OS (OpenSSL's RAND_bytes), for salts, tokens and ids.
std::string RandomBytes(size_t n);
std::string HexEncode(const std::string& bytes);
std::string Sha256(std::string_view data);
// The SHA-256 of `a` followed by `b`.
std::string Sha256(std::string_view a, std::string_view b);

}  // namespace edge::app
