// The pickup routes in process over a real SQLite store: the counter's
// bagging, staging, search and handover with role checks, and the kiosk's
// check-in: what it shows, the same answer for a wrong ref and a wrong code,
// its rate limit per order ref, and that a kiosk token reaches nothing else.
#include <gtest/gtest.h>

#include "edge/app/api.h"
#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

class ApiPickup : public OrderFixture {
 protected:
  void SetUp() override {
    OrderFixture::SetUp();
    if (HasFatalFailure()) return;
    const core::Actor admin{"storeedgectl", core::Role::kSupervisor};
    ASSERT_TRUE(auth_->AddUser("ana", "Ana Ruiz", core::Role::kAssociate, "1111", admin).ok());
    ASSERT_TRUE(auth_->AddUser("sue", "Sue Park", core::Role::kSupervisor, "3333", admin).ok());
    ana_token_ = auth_->Login("ana", "1111")->token;
    sue_token_ = auth_->Login("sue", "3333")->token;
    auto k = auth_->AddKiosk("kiosk-1", admin);
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    kiosk_token_ = *k;
    AddPickupRoutes(router_, *auth_, *orders_, {[this] { ++changes_; }});
    AddOrderRoutes(router_, *auth_, *orders_, {});
  }

  std::pair<int, json> Call(const std::string& method, const std::string& path, const json& body,
                            const std::string& token, const std::map<std::string, std::string>& query = {}) {
    kiosk::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.query = query;
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    if (!body.is_null()) req.body = body.dump();
    req.remote = "127.0.0.1";
    kiosk::Response resp = router_.Dispatch(req);
    json j = json::parse(resp.body, nullptr, false);
    return {resp.status, j};
  }

  // A bopis order routed, picked and ready: its bag label codes.
  std::vector<std::string> ReadyOrder(const std::string& id, const std::string& code) {
    json o = Routed(id, {Line("1", "SKU-B", 1, kUpcB)}, 5, "2026-11-28T18:00:00Z", "bopis");
    o["pickup_code"] = code;
    o["customer"] = {{"first_name", "Maria"}, {"last_name", "Okafor"}, {"phone_last4", "0173"}};
    Route(o);
    auto t = orders_->CreatePickTask({id}, ana_);
    EXPECT_TRUE(t.ok());
    PickAll(*t, ana_, kScans);
    auto [status, body] =
        Call("POST", "/api/v1/orders/" + id + "/bags", {{"count", 2}, {"station", "pack-1"}}, ana_token_);
    EXPECT_EQ(status, 201) << body.dump();
    std::vector<std::string> codes;
    for (const auto& b : body["bags"]) {
      codes.push_back(b["label_code"]);
      auto [s, r] =
          Call("POST", "/api/v1/bags/stage", {{"bag", b["label_code"]}, {"location", "P-01-1"}}, ana_token_);
      EXPECT_EQ(s, 200) << r.dump();
    }
    EXPECT_EQ(StateOf(id), core::OrderState::kReady);
    return codes;
  }

  kiosk::Router router_;
  std::string ana_token_, sue_token_, kiosk_token_;
  int changes_ = 0;
};

TEST_F(ApiPickup, KioskCheckInShowsOnlyAFirstNameAndIsLimitedPerOrderRef) {
  ReadyOrder("O-1", "482915");
  // A wrong ref and a wrong code get the same answer.
  auto [status, body] = Call("POST", "/api/v1/kiosk/lookup",
                             {{"order_ref", "W-NOPE"}, {"pickup_code", "482915"}}, kiosk_token_);
  EXPECT_EQ(status, 404);
  const json unknown = body;
  std::tie(status, body) =
      Call("POST", "/api/v1/kiosk/lookup", {{"order_ref", "W-O-1"}, {"pickup_code", "000000"}}, kiosk_token_);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(body, unknown);
  // The right code by QR: a first name, the ref, ready; nothing else.
  std::tie(status, body) =
      Call("POST", "/api/v1/kiosk/lookup", {{"qr", "SE1:ORD:W-O-1:482915"}}, kiosk_token_);
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body,
            (json{{"order_ref", "W-O-1"}, {"first_name", "Maria"}, {"kind", "bopis"}, {"ready", true}}));
  std::tie(status, body) =
      Call("POST", "/api/v1/kiosk/checkin", {{"order_ref", "W-O-1"}, {"pickup_code", "482915"}, {"bay", "3"}},
           kiosk_token_);
  ASSERT_EQ(status, 201) << body.dump();
  EXPECT_EQ(body["first_name"], "Maria");
  EXPECT_EQ(body["bay"], "3");
  EXPECT_EQ(body["position"], 1);
  EXPECT_EQ(body["estimated_wait_s"], 180);
  EXPECT_FALSE(body.dump().find("Okafor") != std::string::npos);
  EXPECT_FALSE(body.dump().find("0173") != std::string::npos);
  const int64_t arrival = body["arrival_id"];
  std::tie(status, body) =
      Call("GET", "/api/v1/kiosk/arrivals/" + std::to_string(arrival), nullptr, kiosk_token_);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["state"], "waiting");
  // The check-in made an urgent handover task, not escalated yet.
  std::tie(status, body) = Call("GET", "/api/v1/tasks", nullptr, ana_token_, {{"kind", "handover"}});
  ASSERT_EQ(status, 200) << body.dump();
  ASSERT_EQ(body["tasks"].size(), 1u) << body.dump();
  EXPECT_EQ(body["tasks"][0]["urgent"], true);
  EXPECT_EQ(body["tasks"][0]["escalated_at"], nullptr);
  EXPECT_EQ(body["tasks"][0]["started_at"], nullptr);
  // Three tries of W-O-1 so far this minute; three more, and the 7th is
  // refused with 429.
  for (int i = 0; i < 3; ++i) {
    std::tie(status, body) = Call("POST", "/api/v1/kiosk/lookup",
                                  {{"order_ref", "W-O-1"}, {"pickup_code", "482915"}}, kiosk_token_);
    EXPECT_EQ(status, 200) << i;
  }
  std::tie(status, body) =
      Call("POST", "/api/v1/kiosk/lookup", {{"order_ref", "W-O-1"}, {"pickup_code", "482915"}}, kiosk_token_);
  EXPECT_EQ(status, 429) << body.dump();
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  // A kiosk token reaches kiosk things only; an associate's no kiosk route.
  std::tie(status, body) = Call("GET", "/api/v1/arrivals", nullptr, kiosk_token_);
  EXPECT_EQ(status, 403);
  std::tie(status, body) = Call("GET", "/api/v1/queue", nullptr, kiosk_token_);
  EXPECT_EQ(status, 403);
  std::tie(status, body) = Call("POST", "/api/v1/kiosk/lookup", {{"qr", "SE1:ORD:W-O-1:482915"}}, ana_token_);
  EXPECT_EQ(status, 403);
  std::tie(status, body) = Call("POST", "/api/v1/kiosk/lookup", {{"qr", "SE1:ORD:W-O-1:482915"}}, "");
  EXPECT_EQ(status, 401);
  std::tie(status, body) = Call("POST", "/api/v1/kiosk/lookup", {{"qr", "4006381333931"}}, kiosk_token_);
  EXPECT_EQ(status, 400);
}

// [policy] kiosk_lookups_per_kiosk_per_min and _per_ref_per_min, applied
// live (a reload calls SetKioskLimits).
TEST_F(ApiPickup, TheKioskLimitsAreThePolicys) {
  ReadyOrder("O-1", "482915");
  ReadyOrder("O-2", "112233");
  auto lookup = [&](const std::string& ref, const std::string& code) {
    return Call("POST", "/api/v1/kiosk/lookup", {{"order_ref", ref}, {"pickup_code", code}}, kiosk_token_)
        .first;
  };
  orders_->SetKioskLimits(100, 2);  // per ref: two a minute
  EXPECT_EQ(lookup("W-O-1", "482915"), 200);
  EXPECT_EQ(lookup("W-O-1", "482915"), 200);
  EXPECT_EQ(lookup("W-O-1", "482915"), 429);
  EXPECT_EQ(lookup("W-O-2", "112233"), 200) << "another ref has its own budget";
  // Per kiosk: five a minute; four used (a call refused per ref counts for
  // its kiosk).
  orders_->SetKioskLimits(5, 100);
  EXPECT_EQ(lookup("W-O-1", "482915"), 200);
  EXPECT_EQ(lookup("W-O-2", "112233"), 429);
  orders_->SetKioskLimits(1000, 1000);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(lookup(i % 2 ? "W-O-1" : "W-O-2", i % 2 ? "482915" : "112233"), 200);
}

TEST_F(ApiPickup, AtTheKioskAnUnknownRefAnswersAndLocksExactlyLikeARealOrdersWrongCodes) {
  ReadyOrder("O-1", "482915");
  // Five wrong tries each: a real order (wrong code) and a ref that matches
  // nothing. The answers must not tell them apart, the fifth locking both.
  std::vector<std::pair<int, json>> real, unknown;
  for (int i = 0; i < 6; ++i) {
    real.push_back(Call("POST", "/api/v1/kiosk/lookup", {{"order_ref", "W-O-1"}, {"pickup_code", "000000"}},
                        kiosk_token_));
    unknown.push_back(Call("POST", "/api/v1/kiosk/lookup",
                           {{"order_ref", "W-O-9"}, {"pickup_code", "000000"}}, kiosk_token_));
  }
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE("try " + std::to_string(i + 1));
    EXPECT_EQ(real[i].first, i < 4 ? 404 : 403) << real[i].second.dump();
    EXPECT_EQ(unknown[i], real[i]) << unknown[i].second.dump() << " vs " << real[i].second.dump();
  }
  EXPECT_EQ(real[4].second["error"]["message"],
            "too many wrong codes for this order: please ask at the counter");
}

TEST_F(ApiPickup, CounterFindsChecksAndHandsOverWithRoleChecks) {
  const auto bags = ReadyOrder("O-2", "13572468");
  ReadyOrder("O-3", "24682468");
  auto [status, body] = Call("GET", "/api/v1/pickup/orders", nullptr, ana_token_, {{"q", "okafor"}});
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["orders"].size(), 2u);
  std::tie(status, body) = Call("GET", "/api/v1/pickup/orders", nullptr, ana_token_, {{"q", "W-O-2"}});
  ASSERT_EQ(body["orders"].size(), 1u);
  EXPECT_EQ(body["orders"][0]["bags"].size(), 2u);
  EXPECT_EQ(body["orders"][0].dump().find("13572468"), std::string::npos) << "the code never leaves";
  // A bag of O-3 at O-2's counter.
  auto o3 = orders_->BagsOf("O-3");
  std::tie(status, body) =
      Call("POST", "/api/v1/orders/O-2/bags/check", {{"bag", (*o3)[0].label_code}}, ana_token_);
  EXPECT_EQ(status, 400);
  EXPECT_NE(body["error"]["message"].get<std::string>().find("belongs to order 'W-O-3'"), std::string::npos);
  // Wrong codes to the lock; only a supervisor unlocks.
  for (int i = 0; i < 5; ++i) {
    std::tie(status, body) =
        Call("POST", "/api/v1/orders/O-2/pickup-code/check", {{"pickup_code", "11111111"}}, ana_token_);
    ASSERT_EQ(status, 200);
    EXPECT_EQ(body["attempts_left"], 4 - i);
  }
  EXPECT_EQ(body["locked"], true);
  std::tie(status, body) = Call("POST", "/api/v1/orders/O-2/handover",
                                {{"pickup_code", "13572468"}, {"bag_scans", bags}}, ana_token_);
  EXPECT_EQ(status, 403);
  std::tie(status, body) = Call("POST", "/api/v1/orders/O-2/pickup-code/unlock", json::object(), ana_token_);
  EXPECT_EQ(status, 403);
  std::tie(status, body) = Call("POST", "/api/v1/orders/O-2/pickup-code/unlock", json::object(), sue_token_);
  EXPECT_EQ(status, 200);
  // Bad bodies are named.
  std::tie(status, body) =
      Call("POST", "/api/v1/orders/O-2/handover", {{"pickup_code", "13572468"}}, ana_token_);
  EXPECT_EQ(status, 400);
  EXPECT_NE(body["error"]["message"].get<std::string>().find("bag_scans"), std::string::npos);
  std::tie(status, body) =
      Call("POST", "/api/v1/orders/O-2/handover",
           {{"pickup_code", "13572468"}, {"bag_scans", bags}, {"refused", "all"}}, ana_token_);
  EXPECT_EQ(status, 400);
  std::tie(status, body) = Call("POST", "/api/v1/orders/O-2/handover",
                                {{"pickup_code", "13572468"}, {"bag_scans", bags}}, ana_token_);
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["picked_up"], (json{{{"line_id", "1"}, {"qty", 1}}}));
  EXPECT_EQ(StateOf("O-2"), core::OrderState::kPickedUp);
  EXPECT_GT(changes_, 0);
}

}  // namespace
}  // namespace edge::app::testing_orders
