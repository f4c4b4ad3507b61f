// docs/openapi.json against the routes storeedged serves. The router is built
// by AddApiRoutes, the function the daemon's AddRoutes calls, over real
// services on a temp SQLite store (the daemon's own handlers — /metrics,
// /healthz, /readyz, /api/v1/status — are stand-ins here: only their paths
// matter). Its (method, path) pairs and its WebSocket paths (x-websocket in the
// spec) must be exactly the operations the spec lists; each operation needs a
// summary and a response, and each {param} of a path its path parameter.
//
// The spec is JSON (valid YAML too), so nlohmann::json reads it.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "edge/app/api.h"
#include "edge/app/auth_service.h"
#include "edge/app/inventory_service.h"
#include "edge/app/order_service.h"
#include "edge/app/report_service.h"
#include "edge/core/clock.h"
#include "edge/kiosk/http.h"
#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using json = nlohmann::json;

const std::string kSpecPath = std::string(STOREEDGE_SOURCE_DIR) + "/docs/openapi.json";

// The HTTP methods an OpenAPI path item may hold.
const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

class NoPrinter : public LabelPrinter {
 public:
  core::Status QueuePrint(const std::string&, const std::string&, const std::string&, const std::string&,
                          const std::string&) override {
    return core::Status::Unavailable("no printer in this test");
  }
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One line per entry, for failure messages.
std::string Lines(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "\n  " + i;
  return out;
}

// What is in `a` and not in `b`.
std::set<std::string> Minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::set<std::string> out;
  for (const auto& x : a) {
    if (!b.count(x)) out.insert(x);
  }
  return out;
}

// The {name} segments of a path template.
std::set<std::string> TemplateParams(const std::string& path) {
  static const std::regex param(R"(\{([^{}/]+)\})");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(path.begin(), path.end(), param); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

class OpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.path = dir_.File("storeedge.db");
    o.store_id = "S042";
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto inv = InventoryService::Create(*store_, clock_, InventoryOptions{}, std::mt19937_64(1));
    ASSERT_TRUE(inv.ok()) << inv.status().ToString();
    inventory_ = std::move(inv).value();
    auth_ = std::make_unique<AuthService>(*store_, clock_);
    OrderOptions oo;
    oo.store_id = "S042";
    auto ord = OrderService::Create(*store_, clock_, *inventory_, *auth_, printer_, oo, std::mt19937_64(2));
    ASSERT_TRUE(ord.ok()) << ord.status().ToString();
    orders_ = std::move(ord).value();

    // As the daemon's AddRoutes does; its own handlers read daemon state, so
    // stand-ins take their place (the test never dispatches).
    const kiosk::Handler stand_in = [](const kiosk::Request&) { return kiosk::Response::Json(200, "{}"); };
    reports_ = std::make_unique<ReportService>(store_->db(), clock_);
    AddApiRoutes(router_, *auth_, *inventory_, *orders_, {},
                 {stand_in, stand_in, stand_in, stand_in, stand_in}, reports_.get());

    const std::string text = ReadText(kSpecPath);
    ASSERT_FALSE(text.empty()) << "cannot read " << kSpecPath;
    spec_ = json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(spec_.is_discarded()) << kSpecPath << " is not valid JSON";
    ASSERT_TRUE(spec_.is_object() && spec_.contains("paths") && spec_["paths"].is_object());
  }

  // Calls `f(path, method, operation)` for every operation of the spec.
  template <typename F>
  void ForEachOperation(F f) const {
    for (const auto& [path, item] : spec_["paths"].items()) {
      for (const auto& [method, op] : item.items()) {
        if (kMethods.count(method)) f(path, method, item, op);
      }
    }
  }

  // A parameter object, following a $ref into components.
  const json& Resolve(const json& j) const {
    if (j.is_object() && j.contains("$ref") && j["$ref"].is_string()) {
      const std::string ref = j["$ref"].get<std::string>();
      if (ref.rfind("#/", 0) == 0) {
        const json::json_pointer ptr(ref.substr(1));
        if (spec_.contains(ptr)) return spec_.at(ptr);
      }
    }
    return j;
  }

  edge::testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};
  NoPrinter printer_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<InventoryService> inventory_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<ReportService> reports_;
  kiosk::Router router_;
  json spec_;
};

TEST_F(OpenApi, DescribesExactlyTheRoutesServed) {
  std::set<std::string> served, served_ws, described, described_ws;
  for (const auto& [method, path] : router_.Routes()) {
    EXPECT_TRUE(served.insert(method + " " + path).second) << "registered twice: " << method << " " << path;
  }
  for (const auto& path : router_.WebSocketPaths()) served_ws.insert("GET " + path);
  ASSERT_FALSE(served.empty());
  ASSERT_FALSE(served_ws.empty());

  ForEachOperation([&](const std::string& path, const std::string& method, const json&, const json& op) {
    const bool ws = op.value("x-websocket", false);
    if (ws) {
      EXPECT_EQ(method, "get") << path << ": a WebSocket opens with a GET";
    }
    (ws ? described_ws : described).insert(Upper(method) + " " + path);
  });

  const auto undocumented = Minus(served, described);
  const auto not_served = Minus(described, served);
  EXPECT_TRUE(undocumented.empty()) << "served but not in " << kSpecPath << ":" << Lines(undocumented);
  EXPECT_TRUE(not_served.empty()) << "in " << kSpecPath << " but not served:" << Lines(not_served);
  const auto ws_undocumented = Minus(served_ws, described_ws);
  const auto ws_not_served = Minus(described_ws, served_ws);
  EXPECT_TRUE(ws_undocumented.empty()) << "WebSockets served but not in " << kSpecPath
                                       << " (as a get with x-websocket: true):" << Lines(ws_undocumented);
  EXPECT_TRUE(ws_not_served.empty()) << "x-websocket operations in " << kSpecPath
                                     << " that are not WebSockets served:" << Lines(ws_not_served);
}

TEST_F(OpenApi, EveryOperationHasASummaryAndResponses) {
  std::map<std::string, std::string> operation_ids;
  int operations = 0;
  ForEachOperation([&](const std::string& path, const std::string& method, const json&, const json& op) {
    ++operations;
    const std::string name = Upper(method) + " " + path;
    SCOPED_TRACE(name);
    ASSERT_TRUE(op.is_object());
    EXPECT_TRUE(op.contains("summary") && op["summary"].is_string() &&
                !op["summary"].get<std::string>().empty())
        << "no summary";
    ASSERT_TRUE(op.contains("responses") && op["responses"].is_object() && !op["responses"].empty())
        << "no responses";
    // Who may call it: x-roles lists the roles; empty means no sign-in, which
    // the operation must say by overriding the global security with [].
    ASSERT_TRUE(op.contains("x-roles") && op["x-roles"].is_array()) << "no x-roles";
    const bool open = op["x-roles"].empty();
    const bool no_security = op.contains("security") && op["security"].is_array() && op["security"].empty();
    EXPECT_EQ(open, no_security) << "x-roles and security disagree";
    if (!open) {
      EXPECT_TRUE(op["responses"].contains("401")) << "needs a token but has no 401 response";
    }
    if (op.contains("operationId")) {
      const std::string id = op["operationId"].get<std::string>();
      auto [it, fresh] = operation_ids.emplace(id, name);
      EXPECT_TRUE(fresh) << "operationId " << id << " also names " << it->second;
    } else {
      ADD_FAILURE() << "no operationId";
    }
  });
  EXPECT_GT(operations, 0);
}

TEST_F(OpenApi, PathParametersMatchTheTemplate) {
  ForEachOperation([&](const std::string& path, const std::string& method, const json& item, const json& op) {
    SCOPED_TRACE(Upper(method) + " " + path);
    // Operation parameters override path-item ones of the same name and place.
    std::map<std::pair<std::string, std::string>, json> params;
    for (const json* list : {&item, &op}) {
      if (!list->contains("parameters")) continue;
      for (const auto& p : (*list)["parameters"]) {
        const json& r = Resolve(p);
        params[{r.value("name", ""), r.value("in", "")}] = r;
      }
    }
    std::set<std::string> declared;
    for (const auto& [key, p] : params) {
      if (key.second != "path") continue;
      declared.insert(key.first);
      EXPECT_TRUE(p.value("required", false)) << "path parameter '" << key.first << "' must be required";
    }
    const std::set<std::string> in_template = TemplateParams(path);
    EXPECT_TRUE(Minus(in_template, declared).empty())
        << "{param} without a path parameter:" << Lines(Minus(in_template, declared));
    EXPECT_TRUE(Minus(declared, in_template).empty())
        << "path parameter not in the path:" << Lines(Minus(declared, in_template));
  });
}

TEST_F(OpenApi, EveryReferenceResolves) {
  std::set<std::string> broken;
  std::vector<const json*> todo = {&spec_};
  while (!todo.empty()) {
    const json* j = todo.back();
    todo.pop_back();
    if (j->is_object() && j->contains("$ref") && (*j)["$ref"].is_string()) {
      const std::string ref = (*j)["$ref"].get<std::string>();
      if (ref.rfind("#/", 0) != 0 || !spec_.contains(json::json_pointer(ref.substr(1)))) broken.insert(ref);
    }
    if (j->is_structured()) {
      for (auto it = j->begin(); it != j->end(); ++it) todo.push_back(&*it);
    }
  }
  EXPECT_TRUE(broken.empty()) << "references to nothing:" << Lines(broken);
}

TEST_F(OpenApi, IsOpenApi303OfTheProjectVersion) {
  EXPECT_EQ(spec_.value("openapi", ""), "3.0.3");
  ASSERT_TRUE(spec_.contains("info") && spec_["info"].is_object());
  EXPECT_EQ(spec_["info"].value("title", ""), "storeedge");
  const std::string cmake = ReadText(std::string(STOREEDGE_SOURCE_DIR) + "/CMakeLists.txt");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(cmake, m, std::regex(R"(project\(storeedge\s+VERSION\s+([0-9.]+))")))
      << "no project(storeedge VERSION x.y.z) in CMakeLists.txt";
  EXPECT_EQ(spec_["info"].value("version", ""), m[1].str()) << "info.version is not the project's version";
}

}  // namespace
}  // namespace edge::app
