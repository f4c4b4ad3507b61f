// Associates and supervisors end to end: created with storeedgectl on the
// database, signing in over real HTTP against the running daemon, role checks
// and the lockout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

class AuthSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto add = [&](const std::string& id, const std::string& role, const std::string& pin) {
      return RunProgram(dir_,
                        {STOREEDGECTL_PATH, "--config", d_.config_path(), "user", "add", id, "--name",
                         "Name of " + id, "--role", role, "--pin-stdin"},
                        "", pin + "\n");
    };
    auto r = add("sup", "supervisor", "9999");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "user sup: add done\n");
    ASSERT_EQ(add("ana", "associate", "1234").code, 0);
    ASSERT_TRUE(d_.Start()) << d_.Stderr();
  }
  void TearDown() override {
    if (!d_.started()) return;
    d_.process().Signal(SIGTERM);
    EXPECT_EQ(d_.process().Wait(15s).value_or(-1), 0);
  }
  kiosk::ClientResponse Call(const std::string& method, const std::string& target,
                             const std::string& body = "", const std::string& token = "") {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    auto r = kiosk::HttpRequest("127.0.0.1", d_.port(), method, target, body, h);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : kiosk::ClientResponse{};
  }
  std::string Login(const std::string& id, const std::string& pin) {
    auto r = Call("POST", "/api/v1/auth/login", json{{"associate_id", id}, {"pin", pin}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["token"].get<std::string>() : "";
  }
  static std::string Code(const kiosk::ClientResponse& r) {
    return json::parse(r.body)["error"]["code"].get<std::string>();
  }

  TempDir dir_;
  DaemonUnderTest d_{dir_};
};

TEST_F(AuthSystemTest, SignInAndRoles) {
  const std::string ana = Login("ana", "1234");
  const std::string sup = Login("sup", "9999");
  auto me = Call("GET", "/api/v1/me", "", ana);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json::parse(me.body), (json{{"id", "ana"}, {"role", "associate"}}));

  auto none = Call("GET", "/api/v1/users");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Code(none), "unauthenticated");
  auto forbidden = Call("GET", "/api/v1/users", "", ana);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(json::parse(forbidden.body)["error"]["message"],
            "this needs the supervisor role; 'ana' is associate");
  auto users = Call("GET", "/api/v1/users", "", sup);
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(json::parse(users.body)["users"].size(), 2u);

  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", "", ana).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/me", "", ana).status, 401);
}

TEST_F(AuthSystemTest, BadRequestsAreNamed) {
  auto bad_json = Call("POST", "/api/v1/auth/login", "{not json");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(json::parse(bad_json.body)["error"]["message"], "request body is not valid JSON");
  auto missing = Call("POST", "/api/v1/auth/login", R"({"associate_id":"ana"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json::parse(missing.body)["error"]["message"], "field 'pin' is missing");
  auto typed = Call("POST", "/api/v1/auth/login", R"({"associate_id":"ana","pin":1234})");
  EXPECT_EQ(json::parse(typed.body)["error"]["message"], "field 'pin' must be a string");
}

TEST_F(AuthSystemTest, LockoutAndSupervisorUnlock) {
  for (int i = 0; i < 5; ++i) {
    auto r = Call("POST", "/api/v1/auth/login", R"({"associate_id":"ana","pin":"0000"})");
    EXPECT_EQ(r.status, 401);
  }
  auto locked = Call("POST", "/api/v1/auth/login", R"({"associate_id":"ana","pin":"1234"})");
  EXPECT_EQ(locked.status, 401);
  EXPECT_NE(
      json::parse(locked.body)["error"]["message"].get<std::string>().find("is locked after 5 wrong PINs"),
      std::string::npos);
  const std::string sup = Login("sup", "9999");
  EXPECT_EQ(Call("POST", "/api/v1/users/ana/unlock", "", sup).status, 200);
  EXPECT_FALSE(Login("ana", "1234").empty());

  // storeedgectl shows and manages the same users while the daemon runs.
  auto list = RunProgram(dir_, {STOREEDGECTL_PATH, "--config", d_.config_path(), "user", "list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("ana                  associate   active    Name of ana"), std::string::npos)
      << list.out;
  auto dis = RunProgram(dir_, {STOREEDGECTL_PATH, "--config", d_.config_path(), "user", "disable", "ana"});
  EXPECT_EQ(dis.code, 0) << dis.err;
  auto r = Call("POST", "/api/v1/auth/login", R"({"associate_id":"ana","pin":"1234"})");
  EXPECT_EQ(json::parse(r.body)["error"]["message"], "account 'ana' is disabled; ask a supervisor");
  auto ghost =
      RunProgram(dir_, {STOREEDGECTL_PATH, "--config", d_.config_path(), "user", "disable", "ghost"});
  EXPECT_EQ(ghost.code, 1);
  EXPECT_EQ(ghost.err, "storeedgectl: user disable ghost: no user 'ghost'\n");
}

}  // namespace
}  // namespace edge::testing
