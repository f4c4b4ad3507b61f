// The order work's REST routes (AddOrderRoutes) driven in-process through
// kiosk::Router::Dispatch over a real SQLite store: the ship-from-store path
// end to end, restocking after a cancellation, labels voided and reprinted,
// authentication and roles, and the HTTP status and message of every kind of
// bad request; the `changed` hook is counted throughout.
#include <gtest/gtest.h>

#include "edge/app/api.h"
#include "edge/kiosk/http.h"
#include "order_test_support.h"

namespace edge::app::testing_orders {
namespace {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string raw;
  json body;  // null unless the reply is JSON
  // The error message of a JSON error reply, "" otherwise.
  std::string message() const {
    return body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
  }
  std::string code() const {
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }
};

std::ostream& operator<<(std::ostream& os, const Reply& r) {
  return os << r.status << " " << r.content_type << " " << r.raw.substr(0, 300);
}

class ApiOrders : public OrderFixture {
 protected:
  void SetUp() override {
    OrderFixture::SetUp();
    if (HasFatalFailure()) return;
    const core::Actor admin{"storeedgectl", core::Role::kSupervisor};
    ASSERT_TRUE(auth_->AddUser("ana", "Ana Ruiz", core::Role::kAssociate, "1111", admin).ok());
    ASSERT_TRUE(auth_->AddUser("bo", "Bo Chen", core::Role::kAssociate, "2222", admin).ok());
    ASSERT_TRUE(auth_->AddUser("sue", "Sue Park", core::Role::kSupervisor, "3333", admin).ok());
    ASSERT_TRUE(auth_->AddUser("dee", "Dee Gone", core::Role::kAssociate, "4444", admin).ok());
    ASSERT_TRUE(auth_->SetDisabled("dee", true, admin).ok());
    for (auto [id, pin, token] :
         {std::tuple{"ana", "1111", &ana_token_}, std::tuple{"bo", "2222", &bo_token_},
          std::tuple{"sue", "3333", &sue_token_}}) {
      auto s = auth_->Login(id, pin);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      *token = s->token;
    }
    AddOrderRoutes(router_, *auth_, *orders_, {[this] { ++changes_; }});
  }

  // Dispatches one request; `target` may carry a query string.
  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string* token = nullptr) {
    kiosk::Request req;
    req.method = method;
    req.target = target;
    const size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string kv = rest.substr(0, amp);
        const size_t eq = kv.find('=');
        req.query[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
    }
    const std::string& t = token ? *token : ana_token_;
    if (!t.empty()) req.headers["authorization"] = "Bearer " + t;
    req.body = body;
    req.remote = "127.0.0.1";
    kiosk::Response resp = router_.Dispatch(req);
    Reply r;
    r.status = resp.status;
    r.content_type = resp.content_type;
    r.raw = resp.body;
    if (resp.content_type == "application/json") r.body = json::parse(resp.body);
    return r;
  }
  Reply Post(const std::string& target, const json& body = json::object(),
             const std::string* token = nullptr) {
    return Call("POST", target, body.dump(), token);
  }
  Reply Get(const std::string& target, const std::string* token = nullptr) {
    return Call("GET", target, "", token);
  }

  // An order through picking and packing by the service, its label
  // received and queued at PACK-1: ready for label verification.
  void PackedWithLabel(const std::string& order_id, const std::string& tracking) {
    Route(Routed(order_id, {Line("1", "SKU-B", 1, kUpcB, "Wool socks")}));
    auto task = orders_->CreatePickTask({order_id}, ana_);
    ASSERT_TRUE(task.ok()) << task.status().ToString();
    PickAll(*task, ana_, kScans);
    if (HasFatalFailure()) return;
    auto p = orders_->OpenPackage(order_id, "S", "PACK-1", bo_);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    PackCommand c;
    c.package_id = p->package.package_id;
    c.scan = kUpcB;
    ASSERT_TRUE(orders_->PackUnits(c, bo_).ok());
    ASSERT_TRUE(orders_->ClosePackage(c.package_id, 300, bo_).ok());
    ASSERT_TRUE(orders_->FinishPacking(order_id, bo_).ok());
    ASSERT_TRUE(orders_->ApplyShipmentLabel(Label(order_id, c.package_id, tracking)).ok());
    package_id_ = c.package_id;
  }

  kiosk::Router router_;
  std::string ana_token_, bo_token_, sue_token_;
  const std::string no_token_;
  int changes_ = 0;
  std::string package_id_;
};

// Evaluates `reply` once (it may be a call that changes something).
#define EXPECT_REPLY(reply, want_status)               \
  do {                                                 \
    const Reply& reply_ = (reply);                     \
    EXPECT_EQ(reply_.status, (want_status)) << reply_; \
  } while (0)

TEST_F(ApiOrders, ShipFromStoreEndToEnd) {
  const std::string t1 = Ups("12345E660527223");
  ASSERT_FALSE(t1.empty());
  Route(Routed("O-1001",
               {Line("1", "SKU-A", 2, kGtinA, "Trail shoe 42"), Line("2", "SKU-B", 1, kUpcB, "Wool socks"),
                Line("3", "SKU-C", 1, kGtinC, "Rain jacket M")}));
  NewEvents();

  // The queue shows it, with the time left to its promise.
  Reply r = Get("/api/v1/queue");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body, (json{{"orders",
                           {{{"order_id", "O-1001"},
                             {"order_ref", "W-O-1001"},
                             {"kind", "ship_from_store"},
                             {"priority", 5},
                             {"promised_by", "2026-11-28T18:00:00.000Z"},
                             {"time_left_s", 114296},  // 1 d 7:44:56.880
                             {"units", 4}}}}}))
      << r;

  r = Post("/api/v1/tasks", {{"order_ids", {"O-1001"}}});
  EXPECT_REPLY(r, 201);
  const int64_t task = r.body.value("task_id", int64_t{0});
  ASSERT_GT(task, 0) << r;
  const std::string task_path = "/api/v1/tasks/" + std::to_string(task);
  EXPECT_EQ(changes_, 1);
  EXPECT_EQ(Get("/api/v1/queue").body, (json{{"orders", json::array()}}));

  r = Get("/api/v1/tasks");
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["tasks"].size(), 1u) << r;
  EXPECT_EQ(r.body["tasks"][0]["task_id"], task);
  EXPECT_EQ(r.body["tasks"][0]["kind"], "pick");
  EXPECT_EQ(r.body["tasks"][0]["state"], "open");
  EXPECT_EQ(r.body["tasks"][0]["assignee"], nullptr);

  // The pick list in walk order, with what the picker needs to see.
  r = Get(task_path);
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["pick_lines"].size(), 3u) << r;
  std::vector<std::string> walk;
  for (const auto& l : r.body["pick_lines"]) {
    walk.push_back(l["location"].get<std::string>() + " " + l["sku"].get<std::string>() + " " +
                   l["description"].get<std::string>() + " " + l["gtin"].get<std::string>() + " x" +
                   std::to_string(l["qty"].get<int>()) + " " + l["tote"].get<std::string>());
  }
  EXPECT_EQ(walk, (std::vector<std::string>{"A-01-01 SKU-A Trail shoe 42 " + Gtin14(kGtinA) + " x2 T1",
                                            "B-02-03 SKU-B Wool socks " + Gtin14(kUpcB) + " x1 T1",
                                            "D-01-01 SKU-C Rain jacket M " + Gtin14(kGtinC) + " x1 T1"}));
  EXPECT_EQ(r.body["totes"], (json{{{"order_id", "O-1001"}, {"slot", 1}, {"tote", "T1"}}}));
  EXPECT_EQ(r.body["restock"], json::array());
  const int64_t line_a = r.body["pick_lines"][0]["pick_line_id"];
  const int64_t line_b = r.body["pick_lines"][1]["pick_line_id"];
  const int64_t line_c = r.body["pick_lines"][2]["pick_line_id"];

  r = Post(task_path + "/claim");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["task"]["state"], "in_progress");
  EXPECT_EQ(r.body["task"]["assignee"], "ana");
  EXPECT_EQ(changes_, 2);
  EXPECT_EQ(StateOf("O-1001"), core::OrderState::kPicking);

  // Shoes by scan, scan-driven (no pick line named).
  r = Post(task_path + "/pick", {{"scan", kGtinA}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body, (json{{"pick_line_id", line_a},
                          {"order_id", "O-1001"},
                          {"line_id", "1"},
                          {"sku", "SKU-A"},
                          {"tote", "T1"},
                          {"line_remaining", 1},
                          {"task_remaining", 3},
                          {"order_picked", false},
                          {"task_done", false}}));
  r = Post(task_path + "/pick", {{"scan", kGtinA}, {"at", "A-01-01"}, {"aim_id", "]E0"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["line_remaining"], 0);
  EXPECT_EQ(changes_, 4);

  // A shoe scanned at the socks' line is refused, naming the socks; nothing changes.
  const std::string before = Fingerprint();
  r = Post(task_path + "/pick", {{"pick_line_id", line_b}, {"scan", kGtinA}});
  EXPECT_REPLY(r, 400);
  EXPECT_EQ(r.code(), "invalid_argument");
  EXPECT_NE(r.message().find("wrong item"), std::string::npos) << r;
  EXPECT_NE(r.message().find("expected SKU-B 'Wool socks'"), std::string::npos) << r;
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(changes_, 4);

  r = Post(task_path + "/pick", {{"pick_line_id", line_b}, {"scan", kUpcB}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["sku"], "SKU-B");
  EXPECT_EQ(r.body["task_remaining"], 1);

  // The jacket is not on its shelf.
  r = Post(task_path + "/short", {{"pick_line_id", line_c}, {"qty", 1}, {"reason", "not_found"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body, (json{{"released", 1},
                          {"stock_delta", -2},  // the bin is counted empty
                          {"task_remaining", 0},
                          {"order_picked", true},
                          {"task_done", true}}));
  EXPECT_EQ(changes_, 6);
  EXPECT_EQ(StateOf("O-1001"), core::OrderState::kPicked);

  r = Get("/api/v1/tasks?kind=pack");
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["tasks"].size(), 1u) << r;
  EXPECT_EQ(r.body["tasks"][0]["order_id"], "O-1001");
  EXPECT_EQ(r.body["tasks"][0]["urgent"], false);
  EXPECT_EQ(r.body["tasks"][0]["started_at"], nullptr);
  EXPECT_EQ(r.body["tasks"][0]["finished_at"], nullptr);
  EXPECT_EQ(Get("/api/v1/tasks?kind=pick").body["tasks"], json::array());

  // Pack shoes and socks into one box.
  r = Post("/api/v1/orders/O-1001/packages", {{"box", "M"}, {"station", "PACK-1"}});
  EXPECT_REPLY(r, 201);
  EXPECT_EQ(r.body["package_id"], "S042-P1");
  EXPECT_EQ(r.body["state"], "open");
  EXPECT_EQ(r.body["box"], "M");
  EXPECT_EQ(r.body["length_mm"], 400);
  EXPECT_EQ(r.body["has_label"], false);
  EXPECT_EQ(r.body["label_state"], "none");
  EXPECT_EQ(r.body["lines"], json::array());
  r = Post("/api/v1/packages/S042-P1/units", {{"scan", kGtinA}, {"qty", 2}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["lines"], (json{{{"line_id", "1"}, {"qty", 2}}}));
  r = Post("/api/v1/packages/S042-P1/units", {{"scan", kUpcB}});
  EXPECT_REPLY(r, 200);
  r = Post("/api/v1/packages/S042-P1/close", {{"weight_g", 1200}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["state"], "closed");
  EXPECT_EQ(r.body["weight_g"], 1200);
  EXPECT_EQ(r.body["lines"], (json{{{"line_id", "1"}, {"qty", 2}}, {{"line_id", "2"}, {"qty", 1}}}));
  r = Post("/api/v1/orders/O-1001/packed");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["order"]["state"], "packed");
  EXPECT_EQ(changes_, 11);

  // The packing slip as a PDF, on either paper.
  r = Get("/api/v1/packages/S042-P1/slip");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(r.raw.rfind("%PDF-", 0), 0u) << r;
  Reply letter = Get("/api/v1/packages/S042-P1/slip?paper=letter");
  EXPECT_REPLY(letter, 200);
  EXPECT_EQ(letter.raw.rfind("%PDF-", 0), 0u);
  EXPECT_NE(letter.raw, r.raw);
  r = Post("/api/v1/packages/S042-P1/slip/print");
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(printer_.jobs.size(), 1u);
  EXPECT_EQ(printer_.jobs[0].kind, "packing_slip");
  EXPECT_EQ(printer_.jobs[0].station, "PACK-1");
  EXPECT_EQ(changes_, 11);  // printing changes nothing on screen

  // The label arrives from the OMS and is printed; the API tells of it
  // without its bytes.
  ASSERT_TRUE(orders_->ApplyShipmentLabel(Label("O-1001", "S042-P1", t1, "^XA secret label ^XZ")).ok());
  r = Get("/api/v1/packages/S042-P1");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["has_label"], true);
  EXPECT_EQ(r.body["label_state"], "queued");
  EXPECT_EQ(r.body["label_format"], "zpl");
  EXPECT_EQ(r.body["carrier"], "UPS");
  EXPECT_EQ(r.body["tracking"], t1);
  EXPECT_EQ(r.raw.find("secret"), std::string::npos) << r;
  EXPECT_EQ(r.raw.find(Base64("^XA secret label ^XZ")), std::string::npos) << r;
  EXPECT_EQ(Get("/api/v1/manifest?carrier=UPS").body["packages"], json::array());  // not verified yet

  r = Post("/api/v1/packages/S042-P1/label/verify", {{"scan", t1}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["label_state"], "verified");
  EXPECT_EQ(changes_, 12);

  r = Get("/api/v1/manifest?carrier=UPS");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["carrier"], "UPS");
  ASSERT_EQ(r.body["packages"].size(), 1u) << r;
  EXPECT_EQ(r.body["packages"][0]["package_id"], "S042-P1");
  EXPECT_EQ(r.body["packages"][0]["tracking"], t1);
  EXPECT_EQ(r.raw.find("secret"), std::string::npos);
  r = Get("/api/v1/manifest");
  EXPECT_EQ(r.body["carrier"], nullptr);
  EXPECT_EQ(r.body["packages"].size(), 1u) << r;
  EXPECT_EQ(Get("/api/v1/manifest?carrier=FEDEX").body["packages"], json::array());

  r = Post("/api/v1/handoffs", {{"carrier", "UPS"}, {"scan", "SE1:PKG:S042-P1"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(
      r.body,
      (json{{"package_id", "S042-P1"}, {"order_id", "O-1001"}, {"tracking", t1}, {"order_shipped", true}}));
  EXPECT_EQ(changes_, 13);

  // The order as it ended: shipped, one jacket shorted, every step recorded.
  r = Get("/api/v1/orders/O-1001");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["order"]["state"], "shipped");
  EXPECT_EQ(r.body["order"]["kind"], "ship_from_store");
  EXPECT_EQ(r.body["order"]["ship_to"]["city"], "Springfield");
  EXPECT_EQ(r.body["order"]["placed_at"], "2026-11-27T09:00:00.000Z");
  ASSERT_EQ(r.body["lines"].size(), 3u);
  EXPECT_EQ(r.body["lines"][0]["shipped"], 2);
  EXPECT_EQ(r.body["lines"][2]["shorted"], 1);
  EXPECT_EQ(r.body["lines"][2]["short_reason"], "not_found");
  ASSERT_EQ(r.body["packages"].size(), 1u);
  EXPECT_EQ(r.body["packages"][0]["state"], "shipped");
  EXPECT_EQ(r.raw.find("secret"), std::string::npos);
  std::vector<std::string> records;
  for (const auto& p : r.body["pick_records"]) {
    records.push_back(p["method"].get<std::string>() + ":" + p["sku"].get<std::string>() + ":" +
                      p["associate"].get<std::string>());
  }
  EXPECT_EQ(records, (std::vector<std::string>{"scan:SKU-A:ana", "scan:SKU-A:ana", "scan:SKU-B:ana",
                                               "short:SKU-C:ana"}));
  std::vector<std::string> tasks;
  for (const auto& t : r.body["tasks"])
    tasks.push_back(t["kind"].get<std::string>() + ":" + t["state"].get<std::string>());
  EXPECT_EQ(tasks, (std::vector<std::string>{"pick:done", "pack:done"}));

  // The events the OMS gets, from acceptance on.
  std::vector<std::string> types;
  for (const Event& e : NewEvents()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"order.pick_started", "inventory.adjusted", "order.rejected",
                                             "order.picked", "order.packed", "order.shipped"}));
  // Who did what is the signed-in associate.
  EXPECT_EQ(*store_->db().QueryInt(
                "SELECT count(*) FROM audit_log WHERE actor = 'ana' AND action = 'package.handoff'"),
            1);
}

TEST_F(ApiOrders, EveryRouteNeedsASignedInUser) {
  const auto routes = router_.Routes();
  EXPECT_EQ(routes.size(), 26u);
  for (const auto& [method, pattern] : routes) {
    std::string path = pattern;
    for (const auto& [param, value] : std::vector<std::pair<std::string, std::string>>{
             {"{task_id}", "1"}, {"{order_id}", "O-1"}, {"{package_id}", "S042-P1"}}) {
      if (auto at = path.find(param); at != std::string::npos) path.replace(at, param.size(), value);
    }
    SCOPED_TRACE(method + " " + path);
    Reply r = Call(method, path, "{}", &no_token_);
    EXPECT_REPLY(r, 401);
    EXPECT_EQ(r.code(), "unauthenticated");
    const std::string bad = "not-a-token";
    r = Call(method, path, "{}", &bad);
    EXPECT_REPLY(r, 401);
  }
  EXPECT_EQ(changes_, 0);
}

TEST_F(ApiOrders, AssignAndReassignNeedASupervisor) {
  Route(Routed("O-1", {Line("1", "SKU-B", 1)}));
  auto task = orders_->CreatePickTask({"O-1"}, ana_);
  ASSERT_TRUE(task.ok());
  const std::string path = "/api/v1/tasks/" + std::to_string(*task);
  for (const char* op : {"/assign", "/reassign"}) {
    Reply r = Post(path + op, {{"associate", "bo"}}, &ana_token_);
    EXPECT_REPLY(r, 403);
    EXPECT_EQ(r.code(), "permission_denied");
    EXPECT_NE(r.message().find("supervisor"), std::string::npos) << r;
  }
  EXPECT_EQ(changes_, 0);
  EXPECT_EQ(orders_->GetTask(*task)->task.assignee, std::nullopt);

  // The associate must be a user who may sign in.
  Reply r = Post(path + "/assign", {{"associate", "zed"}}, &sue_token_);
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("field 'associate'"), std::string::npos) << r;
  r = Post(path + "/assign", {{"associate", "dee"}}, &sue_token_);
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("disabled"), std::string::npos) << r;
  EXPECT_EQ(changes_, 0);

  r = Post(path + "/assign", {{"associate", "bo"}}, &sue_token_);
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["task"]["assignee"], "bo");
  EXPECT_EQ(r.body["task"]["state"], "open");
  EXPECT_EQ(changes_, 1);
  // Only bo may take it now.
  r = Post(path + "/claim", json::object(), &ana_token_);
  EXPECT_REPLY(r, 403);
  r = Post(path + "/claim", json::object(), &bo_token_);
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(changes_, 2);
  // In progress: assigning is refused (reassign it instead), reassigning works.
  r = Post(path + "/assign", {{"associate", "ana"}}, &sue_token_);
  EXPECT_REPLY(r, 409);
  EXPECT_NE(r.message().find("reassign"), std::string::npos) << r;
  r = Post(path + "/reassign", {{"associate", "ana"}}, &sue_token_);
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["task"]["assignee"], "ana");
  EXPECT_EQ(r.body["task"]["state"], "open");
  EXPECT_EQ(changes_, 3);
  EXPECT_EQ(
      *store_->db().QueryInt("SELECT count(*) FROM audit_log WHERE actor = 'sue' AND action LIKE 'task.%'"),
      2);
}

// The task list is kept between requests while nothing changed; every change
// shows in the next answer, whoever made it: an API call, a service call
// (a routed order, a timer) or another process on the same database file.
TEST_F(ApiOrders, TheTaskListShowsEveryChangeAtOnce) {
  Route(Routed("O-1", {Line("1", "SKU-B", 1)}));
  Route(Routed("O-2", {Line("1", "SKU-B", 1)}));
  auto ids = [&](const std::string& target) {
    Reply r = Get(target);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::pair<int64_t, std::string>> out;
    for (const auto& t : r.body["tasks"]) out.emplace_back(t["task_id"], t["state"]);
    return out;
  };
  using Tasks = std::vector<std::pair<int64_t, std::string>>;
  EXPECT_EQ(ids("/api/v1/tasks"), Tasks{});
  Reply r = Post("/api/v1/tasks", {{"order_ids", {"O-1"}}});
  ASSERT_EQ(r.status, 201) << r;
  const int64_t first = r.body["task_id"];
  EXPECT_EQ(ids("/api/v1/tasks"), (Tasks{{first, "open"}}));
  EXPECT_EQ(ids("/api/v1/tasks"), (Tasks{{first, "open"}}));
  EXPECT_EQ(ids("/api/v1/tasks?kind=restock"), Tasks{});

  auto second = orders_->CreatePickTask({"O-2"}, ana_);  // not through the API
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(ids("/api/v1/tasks"), (Tasks{{first, "open"}, {*second, "open"}}));
  EXPECT_REPLY(Post("/api/v1/tasks/" + std::to_string(first) + "/claim"), 200);
  EXPECT_EQ(ids("/api/v1/tasks"), (Tasks{{first, "in_progress"}, {*second, "open"}}));

  // Another process writing the same file.
  auto other = store::Database::Open(dir_.File("storeedge.db"), store::Database::Mode::kReadWrite);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("UPDATE tasks SET urgent = 1 WHERE id = " + std::to_string(*second)).ok());
  r = Get("/api/v1/tasks");
  ASSERT_EQ(r.body["tasks"].size(), 2u) << r;
  EXPECT_EQ(r.body["tasks"][1]["urgent"], true);
  EXPECT_EQ(changes_, 2);
}

TEST_F(ApiOrders, ChangedIsCalledOncePerSuccessfulChangeOnly) {
  Route(Routed("O-1", {Line("1", "SKU-B", 2)}));
  Reply r = Post("/api/v1/tasks", {{"order_ids", {"O-1"}}});
  ASSERT_EQ(r.status, 201) << r;
  const int64_t task = r.body["task_id"];
  const std::string path = "/api/v1/tasks/" + std::to_string(task);
  EXPECT_EQ(changes_, 1);
  // Reads never call it.
  for (const char* p :
       {"/api/v1/queue", "/api/v1/orders/O-1", "/api/v1/tasks", "/api/v1/boxes", "/api/v1/manifest"}) {
    EXPECT_REPLY(Get(p), 200);
  }
  EXPECT_REPLY(Get(path), 200);
  EXPECT_EQ(changes_, 1);
  // The same order again: refused, no call.
  EXPECT_REPLY(Post("/api/v1/tasks", {{"order_ids", {"O-1"}}}), 409);
  EXPECT_EQ(changes_, 1);

  EXPECT_REPLY(Post(path + "/claim"), 200);
  EXPECT_EQ(changes_, 2);
  EXPECT_REPLY(Post(path + "/claim", json::object(), &bo_token_), 403);
  EXPECT_REPLY(Post(path + "/release", json::object(), &bo_token_), 403);
  EXPECT_EQ(changes_, 2);
  EXPECT_REPLY(Post(path + "/release"), 200);
  EXPECT_EQ(changes_, 3);
  EXPECT_REPLY(Post(path + "/release"), 409);  // not in progress any more
  EXPECT_EQ(changes_, 3);
  // More units than the line needs.
  r = Post(path + "/pick", {{"scan", kUpcB}, {"qty", 3}});
  EXPECT_REPLY(r, 409);
  EXPECT_EQ(r.code(), "failed_precondition");
  EXPECT_EQ(changes_, 3);
  EXPECT_REPLY(Post(path + "/pick", {{"scan", kUpcB}, {"qty", 2}}), 200);  // claims it too
  EXPECT_EQ(changes_, 4);
  EXPECT_EQ(orders_->GetTask(task)->task.state, core::TaskState::kDone);
  // An empty manifest confirmed changes nothing.
  r = Post("/api/v1/manifest/confirm", {{"carrier", "UPS"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["handoffs"], json::array());
  EXPECT_EQ(changes_, 4);
}

TEST_F(ApiOrders, UnknownOrderPackageOrTaskIs404) {
  const std::vector<std::tuple<std::string, std::string, json>> calls = {
      {"GET", "/api/v1/orders/NOPE", nullptr},
      {"POST", "/api/v1/orders/NOPE/packages", {{"box", "M"}, {"station", "PACK-1"}}},
      {"POST", "/api/v1/orders/NOPE/packed", json::object()},
      {"POST", "/api/v1/tasks", {{"order_ids", {"NOPE"}}}},
      {"GET", "/api/v1/tasks/999", nullptr},
      {"POST", "/api/v1/tasks/999/claim", json::object()},
      {"POST", "/api/v1/tasks/999/release", json::object()},
      {"POST", "/api/v1/tasks/999/pick", {{"scan", kUpcB}}},
      {"POST", "/api/v1/tasks/999/short", {{"pick_line_id", 1}, {"qty", 1}, {"reason", "damaged"}}},
      {"POST", "/api/v1/tasks/999/restock", {{"scan", kUpcB}, {"location", "A-01-01"}}},
      {"GET", "/api/v1/packages/S042-P9", nullptr},
      {"POST", "/api/v1/packages/S042-P9/units", {{"scan", kUpcB}}},
      {"POST", "/api/v1/packages/S042-P9/close", {{"weight_g", 100}}},
      {"GET", "/api/v1/packages/S042-P9/slip", nullptr},
      {"POST", "/api/v1/packages/S042-P9/slip/print", json::object()},
      {"POST", "/api/v1/packages/S042-P9/label/verify", {{"scan", "1Z999"}}},
      {"POST", "/api/v1/packages/S042-P9/label/void", {{"reason", "smudged"}}},
      {"POST", "/api/v1/packages/S042-P9/label/reprint", json::object()},
      {"POST", "/api/v1/handoffs", {{"carrier", "UPS"}, {"scan", "SE1:PKG:S042-P9"}}},
  };
  for (const auto& [method, path, body] : calls) {
    SCOPED_TRACE(method + " " + path);
    Reply r = Call(method, path, body.is_null() ? "" : body.dump());
    EXPECT_REPLY(r, 404);
    EXPECT_EQ(r.code(), "not_found");
    EXPECT_FALSE(r.message().empty());
  }
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/api/v1/tasks/999/assign"}, {"POST", "/api/v1/tasks/999/reassign"}}) {
    Reply r = Call(method, path, json{{"associate", "bo"}}.dump(), &sue_token_);
    EXPECT_REPLY(r, 404);
  }
  EXPECT_NE(Get("/api/v1/orders/NOPE").message().find("NOPE"), std::string::npos);
  EXPECT_NE(Get("/api/v1/packages/S042-P9").message().find("S042-P9"), std::string::npos);
  EXPECT_NE(Get("/api/v1/tasks/999").message().find("999"), std::string::npos);
  EXPECT_EQ(changes_, 0);
}

TEST_F(ApiOrders, BadRequestsAre400NamingTheField) {
  const std::string before = Fingerprint();
  struct Case {
    std::string method, target, body, names;
    const std::string* token = nullptr;
  };
  const std::vector<Case> cases = {
      {"POST", "/api/v1/tasks", "", "body is empty"},
      {"POST", "/api/v1/tasks", "{\"order_ids\": [", "not valid JSON"},
      {"POST", "/api/v1/tasks", "[\"O-1\"]", "JSON object"},
      {"POST", "/api/v1/tasks", "{}", "field 'order_ids' is missing"},
      {"POST", "/api/v1/tasks", R"({"order_ids":"O-1"})", "field 'order_ids'"},
      {"POST", "/api/v1/tasks", R"({"order_ids":[]})", "field 'order_ids'"},
      {"POST", "/api/v1/tasks", R"({"order_ids":["O-1",2]})", "field 'order_ids[1]'"},
      {"POST", "/api/v1/tasks", R"({"order_ids":["O-1","O-1"]})", "field 'order_ids[1]'"},
      {"POST", "/api/v1/tasks", R"({"order_ids":["1","2","3","4","5","6","7","8","9","10","11","12","13"]})",
       "field 'order_ids'"},
      {"GET", "/api/v1/tasks?kind=box", "",
       "'kind' must be pick, pack, restock, stage or handover, got 'box'"},
      {"GET", "/api/v1/tasks/abc", "", "'task_id'"},
      {"GET", "/api/v1/tasks/-3", "", "'task_id'"},
      {"GET", "/api/v1/tasks/12x", "", "'task_id'"},
      {"POST", "/api/v1/tasks/abc/claim", "{}", "'task_id'"},
      {"POST", "/api/v1/tasks/abc/release", "{}", "'task_id'"},
      {"POST", "/api/v1/tasks/1/pick", "nope", "not valid JSON"},
      {"POST", "/api/v1/tasks/1/pick", R"({"scan":4006381333931})", "field 'scan'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"pick_line_id":"7"})", "field 'pick_line_id'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"scan":"x","qty":"2"})", "field 'qty'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"scan":"x","qty":1.5})", "field 'qty'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"at":5})", "field 'at'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"aim_id":[]})", "field 'aim_id'"},
      {"POST", "/api/v1/tasks/1/pick", R"({"manual_reason":true})", "field 'manual_reason'"},
      {"POST", "/api/v1/tasks/abc/pick", R"({"scan":"x"})", "'task_id'"},
      {"POST", "/api/v1/tasks/1/short", "{}", "field 'pick_line_id'"},
      {"POST", "/api/v1/tasks/1/short", R"({"pick_line_id":1})", "field 'qty'"},
      {"POST", "/api/v1/tasks/1/short", R"({"pick_line_id":1,"qty":1})", "field 'reason'"},
      {"POST", "/api/v1/tasks/1/short", R"({"pick_line_id":1,"qty":1,"reason":"lost"})", "field 'reason'"},
      {"POST", "/api/v1/tasks/1/restock", "{}", "field 'scan'"},
      {"POST", "/api/v1/tasks/1/restock", R"({"scan":"x"})", "field 'location'"},
      {"POST", "/api/v1/tasks/1/restock", R"({"scan":"x","location":"A-01-01","aim_id":1})",
       "field 'aim_id'"},
      {"POST", "/api/v1/tasks/1/assign", "{}", "field 'associate'", &sue_token_},
      {"POST", "/api/v1/tasks/1/reassign", R"({"associate":7})", "field 'associate'", &sue_token_},
      {"POST", "/api/v1/tasks/x/assign", R"({"associate":"bo"})", "'task_id'", &sue_token_},
      {"POST", "/api/v1/orders/O-1/packages", "{}", "field 'box'"},
      {"POST", "/api/v1/orders/O-1/packages", R"({"box":"M"})", "field 'station'"},
      {"POST", "/api/v1/orders/O-1/packages", R"({"box":3,"station":"PACK-1"})", "field 'box'"},
      {"POST", "/api/v1/packages/S042-P1/units", R"({"qty":"1"})", "field 'qty'"},
      {"POST", "/api/v1/packages/S042-P1/units", R"({"line_id":1})", "field 'line_id'"},
      {"POST", "/api/v1/packages/S042-P1/units", R"({"scan":false})", "field 'scan'"},
      {"POST", "/api/v1/packages/S042-P1/close", "{}", "field 'weight_g'"},
      {"POST", "/api/v1/packages/S042-P1/close", R"({"weight_g":"900"})", "field 'weight_g'"},
      {"GET", "/api/v1/packages/S042-P1/slip?paper=a3", "", "query parameter 'paper'"},
      {"POST", "/api/v1/packages/S042-P1/label/verify", "{}", "field 'scan'"},
      {"POST", "/api/v1/packages/S042-P1/label/verify", R"({"scan":""})", "field 'scan'"},
      {"POST", "/api/v1/packages/S042-P1/label/void", "{}", "field 'reason'"},
      {"POST", "/api/v1/packages/S042-P1/label/void", R"({"reason":""})", "field 'reason'"},
      {"GET", "/api/v1/manifest?carrier=", "", "query parameter 'carrier'"},
      {"POST", "/api/v1/handoffs", "{}", "field 'carrier'"},
      {"POST", "/api/v1/handoffs", R"({"carrier":""})", "field 'carrier'"},
      {"POST", "/api/v1/handoffs", R"({"carrier":"UPS"})", "field 'scan'"},
      {"POST", "/api/v1/handoffs", R"({"carrier":"UPS","scan":"x","aim_id":0})", "field 'aim_id'"},
      {"POST", "/api/v1/manifest/confirm", "{}", "field 'carrier'"},
      {"POST", "/api/v1/manifest/confirm", R"({"carrier":["UPS"]})", "field 'carrier'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target + " " + c.body);
    Reply r = Call(c.method, c.target, c.body, c.token);
    EXPECT_REPLY(r, 400);
    EXPECT_EQ(r.code(), "invalid_argument");
    EXPECT_NE(r.message().find(c.names), std::string::npos) << r.message();
  }
  EXPECT_EQ(changes_, 0);
  EXPECT_EQ(Fingerprint(), before);
}

TEST_F(ApiOrders, ServiceRefusalsKeepTheirStatusAndNameTheField) {
  Route(Routed("O-1", {Line("1", "SKU-B", 1, kUpcB, "Wool socks")}));
  // Not picked yet: packing it is a conflict with the order's state.
  Reply r = Post("/api/v1/orders/O-1/packed");
  EXPECT_REPLY(r, 409);
  EXPECT_EQ(r.code(), "failed_precondition");
  EXPECT_NE(r.message().find("not picked"), std::string::npos) << r;
  r = Post("/api/v1/orders/O-1/packages", {{"box", "M"}, {"station", "PACK-1"}});
  EXPECT_REPLY(r, 409);
  EXPECT_EQ(changes_, 0);

  r = Post("/api/v1/tasks", {{"order_ids", {"O-1"}}});
  ASSERT_EQ(r.status, 201) << r;
  const std::string path = "/api/v1/tasks/" + std::to_string(r.body["task_id"].get<int64_t>());
  // Values the service refuses name the field too.
  r = Post(path + "/pick", {{"scan", kUpcB}, {"qty", 0}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("qty"), std::string::npos) << r;
  r = Post(path + "/pick", {{"scan", "SE1:LOC:A-01-01"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("scan"), std::string::npos) << r;
  r = Post(path + "/pick", {{"manual_reason", "torn"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("pick_line_id"), std::string::npos) << r;
  r = Post(path + "/pick", {{"scan", kUpcB}, {"at", "nowhere at all"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("): at: "), std::string::npos) << r;
  // A pick task is not restocked.
  r = Post(path + "/restock", {{"scan", kUpcB}, {"location", "B-02-03"}});
  EXPECT_REPLY(r, 409);
  EXPECT_EQ(changes_, 1);

  ASSERT_TRUE(Post(path + "/pick", {{"scan", kUpcB}}).status == 200);
  r = Post("/api/v1/orders/O-1/packages", {{"box", "HUGE"}, {"station", "PACK-1"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("box"), std::string::npos) << r;
  r = Post("/api/v1/orders/O-1/packages", {{"box", "S"}, {"station", "pack 1"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("station"), std::string::npos) << r;
  r = Post("/api/v1/orders/O-1/packages", {{"box", "S"}, {"station", "PACK-1"}});
  ASSERT_EQ(r.status, 201) << r;
  const std::string pkg = "/api/v1/packages/" + r.body["package_id"].get<std::string>();
  r = Post(pkg + "/close", {{"weight_g", 0}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("weight_g"), std::string::npos) << r;
  r = Post(pkg + "/close", {{"weight_g", 250}});
  EXPECT_REPLY(r, 409);  // empty
  r = Post(pkg + "/units", {{"scan", kGtinA}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("still to pack: SKU-B 'Wool socks' (1)"), std::string::npos) << r;
  r = Post(pkg + "/units", {{"line_id", "1"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("manual_reason"), std::string::npos) << r;
  r = Post(pkg + "/units", {{"line_id", "1"}, {"manual_reason", "label torn"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(changes_, 4);  // task, pick, package, units
}

TEST_F(ApiOrders, BoxesAreTheCatalogue) {
  Reply r = Get("/api/v1/boxes");
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["boxes"].size(), 5u) << r;
  EXPECT_EQ(r.body["boxes"][0],
            (json{{"name", "ENV"}, {"length_mm", 350}, {"width_mm", 250}, {"height_mm", 30}}));
  std::vector<std::string> names;
  for (const auto& b : r.body["boxes"]) names.push_back(b["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"ENV", "S", "M", "L", "XL"}));
}

TEST_F(ApiOrders, LabelVoidedAndReprintedMustBeVerifiedAgain) {
  const std::string t = Ups("777AA1012345670");
  ASSERT_FALSE(t.empty());
  PackedWithLabel("O-7", t);
  ASSERT_FALSE(package_id_.empty());
  const std::string pkg = "/api/v1/packages/" + package_id_;
  // A scan that is not this package's tracking is refused.
  Reply r = Post(pkg + "/label/verify", {{"scan", "not the label"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("wrong label"), std::string::npos) << r;
  EXPECT_REPLY(Post(pkg + "/label/verify", {{"scan", t + "\r\n"}}), 200);
  EXPECT_EQ(Get("/api/v1/manifest?carrier=UPS").body["packages"].size(), 1u);

  r = Post(pkg + "/label/void", {{"reason", "smudged"}});
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["label_state"], "voided");
  EXPECT_EQ(Get("/api/v1/manifest?carrier=UPS").body["packages"], json::array());
  r = Post(pkg + "/label/void", {{"reason", "again"}});
  EXPECT_REPLY(r, 409);
  r = Post(pkg + "/label/verify", {{"scan", t}});
  EXPECT_REPLY(r, 409);
  EXPECT_EQ(changes_, 2);

  // The printer is away: the reprint is refused with 503, but the label is
  // now to be verified again, and screens are told.
  const size_t jobs = printer_.jobs.size();
  printer_.offline = true;
  r = Post(pkg + "/label/reprint");
  EXPECT_REPLY(r, 503);
  EXPECT_EQ(changes_, 3);
  EXPECT_EQ(Get(pkg).body["label_state"], "received");
  printer_.offline = false;
  r = Post(pkg + "/label/reprint");
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body["label_state"], "queued");
  ASSERT_EQ(printer_.jobs.size(), jobs + 1);
  EXPECT_EQ(printer_.jobs.back().kind, "carrier_label");
  EXPECT_EQ(changes_, 4);
  EXPECT_REPLY(Post(pkg + "/label/verify", {{"scan", t}}), 200);

  // A package for UPS is not FedEx's; the UPS driver takes it by its tracking.
  r = Post("/api/v1/handoffs", {{"carrier", "FEDEX"}, {"scan", t}});
  EXPECT_REPLY(r, 409);
  r = Post("/api/v1/manifest/confirm", {{"carrier", "UPS"}}, &bo_token_);
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["handoffs"].size(), 1u) << r;
  EXPECT_EQ(
      r.body["handoffs"][0],
      (json{{"package_id", package_id_}, {"order_id", "O-7"}, {"tracking", t}, {"order_shipped", true}}));
  EXPECT_EQ(changes_, 6);
  EXPECT_EQ(StateOf("O-7"), core::OrderState::kShipped);
  // Handed off: the label cannot be voided now.
  EXPECT_REPLY(Post(pkg + "/label/void", {{"reason", "late"}}), 409);
}

TEST_F(ApiOrders, RestockAfterACancellation) {
  Route(Routed("O-5", {Line("1", "SKU-A", 1, kGtinA, "Trail shoe 42")}));
  auto task = orders_->CreatePickTask({"O-5"}, ana_);
  ASSERT_TRUE(task.ok());
  PickAll(*task, ana_, kScans);
  auto cancel = orders_->ApplyCancelRequested({{"order_id", "O-5"}, {"reason", "customer"}});
  ASSERT_TRUE(cancel.ok()) << cancel.status().ToString();
  ASSERT_TRUE(cancel->restock_task.has_value());

  Reply r = Get("/api/v1/tasks?kind=restock");
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["tasks"].size(), 1u) << r;
  EXPECT_EQ(r.body["tasks"][0]["task_id"], *cancel->restock_task);
  EXPECT_EQ(r.body["tasks"][0]["order_id"], "O-5");
  const std::string path = "/api/v1/tasks/" + std::to_string(*cancel->restock_task);
  r = Get(path);
  EXPECT_REPLY(r, 200);
  ASSERT_EQ(r.body["restock"].size(), 1u) << r;
  EXPECT_EQ(r.body["restock"][0]["sku"], "SKU-A");
  EXPECT_EQ(r.body["restock"][0]["from_location"], "A-01-01");
  EXPECT_EQ(r.body["restock"][0]["done"], false);
  EXPECT_EQ(r.body["pick_lines"], json::array());

  r = Post(path + "/restock", {{"scan", kUpcB}, {"location", "A-01-01"}});
  EXPECT_REPLY(r, 400);
  EXPECT_NE(r.message().find("this task holds SKU-A (1)"), std::string::npos) << r;
  EXPECT_EQ(changes_, 0);
  r = Post(path + "/restock", {{"scan", kGtinA}, {"location", "SE1:LOC:A-02-09"}}, &bo_token_);
  EXPECT_REPLY(r, 200);
  EXPECT_EQ(r.body, (json{{"order_id", "O-5"},
                          {"line_id", "1"},
                          {"sku", "SKU-A"},
                          {"location", "A-02-09"},
                          {"remaining", 0},
                          {"task_done", true}}));
  EXPECT_EQ(changes_, 1);
  EXPECT_EQ(StockAt("SKU-A", "A-02-09"), 1);
  r = Get(path);
  EXPECT_EQ(r.body["task"]["state"], "done");
  EXPECT_EQ(r.body["restock"][0]["associate"], "bo");
  EXPECT_EQ(r.body["restock"][0]["to_location"], "A-02-09");
}

}  // namespace
}  // namespace edge::app::testing_orders
