// AuthService on a real SQLite file: PINs hashed, sessions by token, lockout
// after five wrong PINs, supervisor unlock, disabled users, kiosk tokens, and
// an audit row for every change.
#include "edge/app/auth_service.h"

#include <gtest/gtest.h>

#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using namespace std::chrono_literals;
using core::Role;

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.File("s.db");
    o.store_id = "S1";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    AuthOptions ao;
    ao.pin_iterations = 1000;  // keeps the test fast; production uses the default
    auth_ = std::make_unique<AuthService>(*store_, clock_, ao);
    ASSERT_TRUE(auth_->AddUser("sup", "Sam Super", Role::kSupervisor, "9999", admin_).ok());
    ASSERT_TRUE(auth_->AddUser("ana", "Ana Ruiz", Role::kAssociate, "1234", admin_).ok());
  }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503120)};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuthService> auth_;
  core::Actor admin_{"storeedgectl", Role::kSupervisor};
};

TEST_F(AuthServiceTest, PinIsStoredOnlyAsSaltedHash) {
  auto st = store_->db().Prepare("SELECT pin_hash, pin_salt FROM users WHERE id IN ('ana', 'sup')");
  ASSERT_TRUE(st.ok());
  std::vector<std::string> hashes, salts;
  while (*st->Step()) {
    hashes.push_back(st->Blob(0));
    salts.push_back(st->Blob(1));
    EXPECT_EQ(hashes.back().size(), 32u);
    EXPECT_EQ(hashes.back().find("1234"), std::string::npos);
  }
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_NE(salts[0], salts[1]);
}

TEST_F(AuthServiceTest, LoginGivesATokenThatAuthenticates) {
  auto s = auth_->Login("ana", "1234");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->token.size(), 64u);
  auto who = auth_->Authenticate(s->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(*who, (core::Actor{"ana", Role::kAssociate}));
  // The token is not stored, only its hash.
  EXPECT_EQ(*store_->db().QueryInt("SELECT count(*) FROM sessions WHERE token_hash = '" + s->token + "'"), 0);
  clock_.Advance(12h);
  EXPECT_EQ(auth_->Authenticate(s->token).status().message(),
            "missing, unknown or expired token; sign in again");
}

TEST_F(AuthServiceTest, WrongPinAndUnknownUserLookAlike) {
  EXPECT_EQ(auth_->Login("ana", "0000").status().message(), "wrong associate id or PIN");
  EXPECT_EQ(auth_->Login("nobody", "0000").status().message(), "wrong associate id or PIN");
  EXPECT_EQ(auth_->Login("ana", "0000").status().code(), core::StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, FiveWrongPinsLockUntilTimeOrSupervisor) {
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(auth_->Login("ana", "0000").status().message(), "wrong associate id or PIN");
  EXPECT_EQ(auth_->Login("ana", "0000").status().message(),
            "wrong associate id or PIN; account 'ana' is now locked for 15 min");
  // Even the right PIN is refused while locked.
  EXPECT_EQ(
      auth_->Login("ana", "1234").status().message(),
      "account 'ana' is locked after 5 wrong PINs; try again in 15 min or ask a supervisor to unlock it");
  clock_.Advance(10min);
  EXPECT_EQ(
      auth_->Login("ana", "1234").status().message(),
      "account 'ana' is locked after 5 wrong PINs; try again in 5 min or ask a supervisor to unlock it");
  ASSERT_TRUE(auth_->Unlock("ana", {"sup", Role::kSupervisor}).ok());
  EXPECT_TRUE(auth_->Login("ana", "1234").ok());
}

TEST_F(AuthServiceTest, LockRunsOut) {
  for (int i = 0; i < 5; ++i) (void)auth_->Login("ana", "0000");
  clock_.Advance(15min);
  EXPECT_TRUE(auth_->Login("ana", "1234").ok());
}

TEST_F(AuthServiceTest, DisableEndsSessionsAndResetPinToo) {
  auto s = auth_->Login("ana", "1234");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(auth_->SetDisabled("ana", true, admin_).ok());
  EXPECT_FALSE(auth_->Authenticate(s->token).ok());
  EXPECT_EQ(auth_->Login("ana", "1234").status().message(), "account 'ana' is disabled; ask a supervisor");
  ASSERT_TRUE(auth_->SetDisabled("ana", false, admin_).ok());
  auto s2 = auth_->Login("ana", "1234");
  ASSERT_TRUE(s2.ok());
  ASSERT_TRUE(auth_->ResetPin("ana", "5678", admin_).ok());
  EXPECT_FALSE(auth_->Authenticate(s2->token).ok());
  EXPECT_FALSE(auth_->Login("ana", "1234").ok());
  EXPECT_TRUE(auth_->Login("ana", "5678").ok());
  EXPECT_EQ(auth_->SetDisabled("ghost", true, admin_).message(), "no user 'ghost'");
}

// Authenticate remembers the sessions it found; nothing that ends a session
// may be missed because of that: this service's own commands, and commits
// by another process on the same file (storeedgectl user disable).
TEST_F(AuthServiceTest, ARememberedSessionEndsWithEveryChangeThatEndsIt) {
  auto ana = auth_->Login("ana", "1234");
  auto sup = auth_->Login("sup", "9999");
  auto kiosk = auth_->AddKiosk("kiosk-1", admin_);
  ASSERT_TRUE(ana.ok() && sup.ok() && kiosk.ok());
  for (int i = 0; i < 2; ++i) {  // the second time from memory
    ASSERT_TRUE(auth_->Authenticate(ana->token).ok());
    ASSERT_TRUE(auth_->Authenticate(sup->token).ok());
    ASSERT_TRUE(auth_->Authenticate(*kiosk).ok());
  }
  auto other = store::Database::Open(dir_.File("s.db"), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("UPDATE users SET disabled = 1 WHERE id = 'ana'").ok());
  EXPECT_FALSE(auth_->Authenticate(ana->token).ok()) << "disabled by another process";
  EXPECT_TRUE(auth_->Authenticate(sup->token).ok());
  ASSERT_TRUE((*other)->Exec("UPDATE kiosks SET disabled = 1 WHERE name = 'kiosk-1'").ok());
  EXPECT_FALSE(auth_->Authenticate(*kiosk).ok()) << "kiosk disabled by another process";
  ASSERT_TRUE((*other)->Exec("UPDATE users SET disabled = 0 WHERE id = 'ana'").ok());
  ASSERT_TRUE(auth_->Authenticate(ana->token).ok());
  ASSERT_TRUE(auth_->Authenticate(ana->token).ok());

  // Promoted by another process: the role read again.
  ASSERT_TRUE((*other)->Exec("UPDATE users SET role = 'supervisor' WHERE id = 'ana'").ok());
  auto promoted = auth_->Authenticate(ana->token);
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(promoted->role, Role::kSupervisor);

  // This service's own commands.
  ASSERT_TRUE(auth_->Logout(sup->token).ok());
  EXPECT_FALSE(auth_->Authenticate(sup->token).ok()) << "signed out";
  ASSERT_TRUE(auth_->SetDisabled("ana", true, admin_).ok());
  EXPECT_FALSE(auth_->Authenticate(ana->token).ok()) << "disabled";

  // Expiry is checked on every call, remembered or not.
  auto ben = auth_->Login("sup", "9999");
  ASSERT_TRUE(ben.ok());
  ASSERT_TRUE(auth_->Authenticate(ben->token).ok());
  clock_.Advance(12h - 1ms);
  ASSERT_TRUE(auth_->Authenticate(ben->token).ok());
  clock_.Advance(1ms);
  EXPECT_FALSE(auth_->Authenticate(ben->token).ok()) << "expired";
}

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256(std::string(1000, 'a'))), HexEncode(Sha256(std::string(1000, 'a'))));
  EXPECT_EQ(HexEncode(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(AuthServiceTest, BadInputIsRefused) {
  EXPECT_EQ(auth_->AddUser("ana", "Again", Role::kAssociate, "1234", admin_).message(), "user 'ana' exists");
  EXPECT_EQ(auth_->AddUser("b c", "B", Role::kAssociate, "1234", admin_).message(),
            "associate id 'b c' may contain only letters, digits, '.', '_' and '-'");
  EXPECT_EQ(auth_->AddUser("bo", "Bo", Role::kAssociate, "12", admin_).message(),
            "PIN must be 4 to 12 digits, got 2 characters");
  EXPECT_EQ(auth_->AddUser("bo", "", Role::kAssociate, "1234", admin_).message(),
            "name must be 1 to 100 characters");
}

TEST_F(AuthServiceTest, KioskTokenIsAKioskActor) {
  auto token = auth_->AddKiosk("kiosk-1", {"sup", Role::kSupervisor});
  ASSERT_TRUE(token.ok());
  auto who = auth_->Authenticate(*token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(*who, (core::Actor{"kiosk-1", Role::kKiosk}));
  clock_.Advance(24h * 365);
  EXPECT_TRUE(auth_->Authenticate(*token).ok());
  EXPECT_EQ(auth_->AddKiosk("kiosk-1", admin_).status().message(), "kiosk 'kiosk-1' exists");
}

TEST_F(AuthServiceTest, EveryChangeIsAudited) {
  (void)auth_->Login("ana", "0000");
  ASSERT_TRUE(auth_->Login("ana", "1234").ok());
  ASSERT_TRUE(auth_->SetDisabled("ana", true, {"sup", Role::kSupervisor}).ok());
  store::UserRepo repo(store_->db());
  auto rows = repo.AuditSince(0, 100);
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> actions;
  for (const auto& r : *rows) actions.push_back(r.actor + ":" + r.action + ":" + r.target);
  EXPECT_EQ(actions, (std::vector<std::string>{"storeedgectl:user.add:sup", "storeedgectl:user.add:ana",
                                               "ana:auth.login_failed:ana", "ana:auth.login:ana",
                                               "sup:user.disable:ana"}));
}

}  // namespace
}  // namespace edge::app
