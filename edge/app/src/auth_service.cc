#include "edge/app/auth_service.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "edge/log/log.h"

namespace edge::app {

using core::Result;
using core::Status;

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    // Without randomness no salt or token is safe; this is not recoverable.
    throw std::runtime_error("RAND_bytes failed: no entropy");
  }
  return out;
}

std::string HexEncode(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Sha256(std::string_view data) { return Sha256(data, {}); }

std::string Sha256(std::string_view a, std::string_view b) {
  // Every request hashes its bearer token: the digest is fetched once and a
  // context kept per thread (OpenSSL 3 would otherwise look the algorithm
  // up and allocate a context on every call).
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (sha256 == nullptr || c.ctx == nullptr || EVP_DigestInit_ex(c.ctx, sha256, nullptr) != 1 ||
      EVP_DigestUpdate(c.ctx, a.data(), a.size()) != 1 || EVP_DigestUpdate(c.ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(c.ctx, md, &len) != 1) {
    std::string both(a);
    both.append(b);
    EVP_Digest(both.data(), both.size(), md, &len, EVP_sha256(), nullptr);
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

AuthService::AuthService(store::Store& store, const core::Clock& clock, AuthOptions options)
    : store_(store), users_(store.db()), clock_(clock), options_(options) {}

std::string AuthService::HashPin(const std::string& pin, const std::string& salt, int64_t iterations) const {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                    static_cast<int>(iterations), EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Status AuthService::Audit(store::Transaction& txn, const core::Actor& by, const std::string& action,
                          const std::string& target, const std::string& detail) {
  store::UserRepo repo(txn.db());
  return repo.Audit({NowMs(), by.id, core::RoleName(by.role), action, target, detail});
}

// Every command of this service that writes comes through here: whatever it
// changes, no remembered session outlives it.
template <typename F>
Status AuthService::Write(F&& body) {
  ForgetSessions();
  auto txn = store::Transaction::Begin(store_.db());
  if (!txn.ok()) return txn.status();
  EDGE_RETURN_IF_ERROR(body(**txn));
  return (*txn)->Commit();
}

Status AuthService::AddUser(const std::string& id, const std::string& name, core::Role role,
                            const std::string& pin, const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(core::ValidateAssociateId(id));
  if (name.empty() || name.size() > 100) return Status::InvalidArgument("name must be 1 to 100 characters");
  if (role == core::Role::kKiosk) return Status::InvalidArgument("role must be associate or supervisor");
  EDGE_RETURN_IF_ERROR(core::ValidatePin(pin));
  store::UserRow u;
  u.id = id;
  u.name = name;
  u.role = core::RoleName(role);
  u.pin_salt = RandomBytes(16);
  u.pin_iterations = options_.pin_iterations;
  u.pin_hash = HashPin(pin, u.pin_salt, u.pin_iterations);
  u.created_ms = NowMs();
  return Write([&](store::Transaction& txn) -> Status {
    EDGE_RETURN_IF_ERROR(users_.Insert(u));
    return Audit(txn, by, "user.add", id, u.role);
  });
}

Status AuthService::SetDisabled(const std::string& id, bool disabled, const core::Actor& by) {
  return Write([&](store::Transaction& txn) -> Status {
    EDGE_RETURN_IF_ERROR(users_.SetDisabled(id, disabled, NowMs()));
    if (disabled) EDGE_RETURN_IF_ERROR(users_.DeleteSessionsOf(id));
    return Audit(txn, by, disabled ? "user.disable" : "user.enable", id);
  });
}

Status AuthService::ResetPin(const std::string& id, const std::string& pin, const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(core::ValidatePin(pin));
  const std::string salt = RandomBytes(16);
  const std::string hash = HashPin(pin, salt, options_.pin_iterations);
  return Write([&](store::Transaction& txn) -> Status {
    EDGE_RETURN_IF_ERROR(users_.SetPin(id, hash, salt, options_.pin_iterations, NowMs()));
    EDGE_RETURN_IF_ERROR(users_.DeleteSessionsOf(id));
    return Audit(txn, by, "user.reset_pin", id);
  });
}

Status AuthService::Unlock(const std::string& id, const core::Actor& by) {
  return Write([&](store::Transaction& txn) -> Status {
    EDGE_RETURN_IF_ERROR(users_.SetLockout(id, core::AfterSuccess()));
    return Audit(txn, by, "user.unlock", id);
  });
}

Result<std::vector<UserInfo>> AuthService::ListUsers() {
  auto rows = users_.List();
  if (!rows.ok()) return rows.status();
  std::vector<UserInfo> out;
  for (const auto& r : *rows) {
    UserInfo u{r.id, r.name, core::Role::kAssociate, r.disabled, core::IsLocked(r.lockout, clock_.Now())};
    (void)core::ParseUserRole(r.role, &u.role);
    out.push_back(std::move(u));
  }
  return out;
}

Result<SessionInfo> AuthService::Login(const std::string& id, const std::string& pin) {
  const Status wrong = Status::Unauthenticated("wrong associate id or PIN");
  auto user = users_.Get(id);
  if (!user.ok()) {
    if (user.status().code() == core::StatusCode::kNotFound) {
      // Spend the same time as a real check so the answer's timing does not
      // tell which ids exist.
      (void)HashPin(pin, "unknown-user-salt", options_.pin_iterations);
      return wrong;
    }
    return user.status();
  }
  const core::TimePoint now = clock_.Now();
  if (user->disabled) return Status::Unauthenticated("account '" + id + "' is disabled; ask a supervisor");
  if (core::IsLocked(user->lockout, now)) {
    const int64_t minutes = (user->lockout.locked_until_ms - core::ToUnixMillis(now) + 59999) / 60000;
    return Status::Unauthenticated(
        "account '" + id + "' is locked after " + std::to_string(options_.lockout.max_failures) +
        " wrong PINs; try again in " + std::to_string(minutes) + " min or ask a supervisor to unlock it");
  }
  const std::string got = HashPin(pin, user->pin_salt, user->pin_iterations);
  const bool match = got.size() == user->pin_hash.size() &&
                     CRYPTO_memcmp(got.data(), user->pin_hash.data(), got.size()) == 0;
  if (!match) {
    const core::LockoutState next = core::AfterFailure(user->lockout, now, options_.lockout);
    EDGE_RETURN_IF_ERROR(Write([&](store::Transaction& txn) -> Status {
      EDGE_RETURN_IF_ERROR(users_.SetLockout(id, next));
      return Audit(txn, {id, core::Role::kAssociate}, "auth.login_failed", id,
                   "failures=" + std::to_string(next.failures));
    }));
    if (core::IsLocked(next, now)) {
      log::Warn("auth.locked").Kv("user", id).Kv("failures", next.failures);
      return Status::Unauthenticated(
          "wrong associate id or PIN; account '" + id + "' is now locked for " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::minutes>(options_.lockout.lock_for).count()) +
          " min");
    }
    return wrong;
  }
  core::Role role = core::Role::kAssociate;
  (void)core::ParseUserRole(user->role, &role);
  SessionInfo info;
  info.token = HexEncode(RandomBytes(32));
  info.actor = {id, role};
  info.expires = now + options_.session_ttl;
  store::SessionRow s{Sha256(info.token), id, user->role, core::ToUnixMillis(now),
                      core::ToUnixMillis(info.expires)};
  EDGE_RETURN_IF_ERROR(Write([&](store::Transaction& txn) -> Status {
    if (user->lockout.failures != 0) EDGE_RETURN_IF_ERROR(users_.SetLockout(id, core::AfterSuccess()));
    EDGE_RETURN_IF_ERROR(users_.InsertSession(s));
    return Audit(txn, info.actor, "auth.login", id);
  }));
  return info;
}

Result<core::Actor> AuthService::Authenticate(const std::string& token) {
  const Status bad = Status::Unauthenticated("missing, unknown or expired token; sign in again");
  if (token.size() != 64) return bad;
  const std::string hash = Sha256(token);
  // Another connection's commit may have disabled a user or a kiosk, or
  // ended sessions: then nothing remembered is trusted.
  auto stamp = store_.db().Stamp();
  if (!stamp.ok()) return stamp.status();
  if (stamp->others != known_version_) {
    ForgetSessions();
    known_version_ = stamp->others;
  }
  if (auto it = known_.find(hash); it != known_.end()) {
    if (it->second.expires_ms == 0 || it->second.expires_ms > NowMs()) return it->second.actor;
    known_.erase(it);
    return bad;
  }
  auto s = users_.GetSession(hash);
  if (!s.ok()) return s.status().code() == core::StatusCode::kNotFound ? bad : s.status();
  if (s->expires_ms != 0 && s->expires_ms <= NowMs()) return bad;
  core::Actor actor;
  if (s->role == "kiosk") {
    auto disabled = users_.KioskDisabled(s->subject);
    if (!disabled.ok()) return disabled.status();
    if (!*disabled || **disabled) return bad;
    actor = core::Actor{s->subject, core::Role::kKiosk};
  } else {
    auto user = users_.Get(s->subject);
    if (!user.ok() || user->disabled) return bad;
    core::Role role = core::Role::kAssociate;
    (void)core::ParseUserRole(user->role, &role);
    actor = core::Actor{s->subject, role};
  }
  // Bounded: a store has dozens of sessions; a flood of sign-ins only costs
  // look-ups again.
  if (known_.size() >= 10000) ForgetSessions();
  known_.emplace(hash, KnownSession{actor, s->expires_ms});
  return actor;
}

Status AuthService::Logout(const std::string& token) {
  ForgetSessions();
  return users_.DeleteSession(Sha256(token));
}

Result<std::string> AuthService::AddKiosk(const std::string& name, const core::Actor& by) {
  EDGE_RETURN_IF_ERROR(core::ValidateAssociateId(name).WithContext("kiosk name"));
  const std::string token = HexEncode(RandomBytes(32));
  EDGE_RETURN_IF_ERROR(Write([&](store::Transaction& txn) -> Status {
    EDGE_RETURN_IF_ERROR(users_.InsertKiosk(name, NowMs()));
    EDGE_RETURN_IF_ERROR(users_.InsertSession({Sha256(token), name, "kiosk", NowMs(), 0}));
    return Audit(txn, by, "kiosk.add", name);
  }));
  return token;
}

}  // namespace edge::app
