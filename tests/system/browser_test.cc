// The associates' app in a real browser: Debian's headless Chromium, driven
// by playwright-core (tests/browser/*.mjs), against the real storeedged, with
// a real mosquitto and the OMS stand-in routing orders. The browser does what
// an associate does (sign in, scan by typing like a keyboard-wedge scanner,
// press the buttons); this side checks what that produced where it matters:
// the events the OMS receives.
//
// A script tells this side when it is ready for the next outside change by
// printing "STEP name" on its stdout, a FIFO read here; every wait on either
// side is for a condition, with a deadline.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "edge/kiosk/http_client.h"
#include "edge/store/database.h"
#include "edge/testing/central.h"
#include "edge/testing/daemon.h"
#include "edge/testing/mosquitto.h"
#include "edge/testing/report_seed.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kSource = STOREEDGE_SOURCE_DIR;

// The lines a child writes to a FIFO, read as they come.
class StepReader {
 public:
  explicit StepReader(std::string path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + path_);
  }
  ~StepReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  const std::string& path() const { return path_; }

  // Opens the read end; call right after starting the writer (non-blocking:
  // a writer that never opens it shows as a timeout, not a hang).
  void Open() { fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC); }

  // Reads until a line "STEP <name>" arrives. False at the deadline or when
  // the writer closed its end first (it exited).
  bool WaitFor(const std::string& name, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
        const std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        if (line == "STEP " + name) return true;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (fd_ < 0 || left.count() <= 0 || !WaitReadable(fd_, left)) return false;
      char buf[4096];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n == 0) return false;  // the writer closed its end
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return false;
      }
      pending_.append(buf, static_cast<size_t>(n));
      log_.append(buf, static_cast<size_t>(n));
    }
  }
  const std::string& log() const { return log_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::string pending_;
  std::string log_;
};

// One node script under tests/browser with the app's URL and an associate's
// credentials in its environment.
class BrowserScript {
 public:
  BrowserScript(const TempDir& dir, const std::string& script, std::map<std::string, std::string> env)
      : steps_(dir.File(script + ".steps")), stderr_path_(dir.File(script + ".stderr")) {
    Process::Options o;
    o.argv = {NODE_PATH, kSource + "/tests/browser/" + script};
    o.env = std::move(env);
    o.stdout_path = steps_.path();
    o.stderr_path = stderr_path_;
    o.cwd = kSource + "/tests/browser";
    process_ = std::make_unique<Process>(o);
    steps_.Open();
  }
  bool WaitForStep(const std::string& name, std::chrono::milliseconds timeout = 60s) {
    return steps_.WaitFor(name, timeout);
  }
  // The exit code, -1 when it did not end in time.
  int Wait(std::chrono::milliseconds timeout = 180s) {
    steps_.WaitFor("(end)", timeout);  // drains its stdout until it closes it
    auto code = process_->Wait(timeout);
    return code ? *code : -1;
  }
  std::string Output() const { return "stdout:\n" + steps_.log() + "\nstderr:\n" + ReadFile(stderr_path_); }

 private:
  StepReader steps_;
  std::string stderr_path_;
  std::unique_ptr<Process> process_;
};

// What the browser tests need installed; a missing piece fails with the fix.
void CheckBrowserTools() {
  ASSERT_EQ(::access("/usr/bin/chromium", X_OK), 0)
      << "/usr/bin/chromium is missing: apt-get install chromium (packaging/install-deps.sh)";
  ASSERT_EQ(::access(NODE_PATH, X_OK), 0) << NODE_PATH << " is missing: apt-get install nodejs";
  ASSERT_TRUE(std::filesystem::exists(kSource + "/tests/browser/node_modules/playwright-core/package.json"))
      << "playwright-core is not installed: make test-tools (npm ci --prefix tests/browser)";
}

json Item(const std::string& sku, const std::string& gtin, const std::string& description, int on_hand,
          const std::string& location) {
  return {{"sku", sku},
          {"gtin", gtin},
          {"description", description},
          {"on_hand", on_hand},
          {"location", location}};
}

// RFC 3339 UTC of now + `ahead`: a due time the queue shows as hours away.
std::string Rfc3339In(std::chrono::seconds ahead) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json Routed(const std::string& order_id, const std::string& ref, json lines) {
  return {{"order_id", order_id},
          {"order_ref", ref},
          {"kind", "ship_from_store"},
          {"priority", 5},
          {"placed_at", "2026-11-27T09:00:00Z"},
          {"promised_by", Rfc3339In(5h + 40min)},
          {"ship_to",
           {{"name", "Ana Ruiz"},
            {"line1", "1 Main St"},
            {"city", "Springfield"},
            {"postcode", "12345"},
            {"country", "US"}}},
          {"carrier_service", "UPS_GROUND"},
          {"lines", std::move(lines)}};
}

json Line(const std::string& id, const std::string& sku, const std::string& gtin, int qty,
          const std::string& description) {
  return {{"line_id", id},  {"sku", sku}, {"gtin", gtin}, {"qty", qty}, {"description", description},
          {"fulfil", "now"}};
}

// A bopis or curbside order with its pickup code, held for three days.
json RoutedPickup(const std::string& order_id, const std::string& ref, const std::string& kind,
                  const std::string& code, const std::string& first_name, json lines) {
  json j = Routed(order_id, ref, std::move(lines));
  j["kind"] = kind;
  j["pickup_code"] = code;
  j["hold_until"] = Rfc3339In(72h);
  j["ship_to"] = nullptr;
  j["customer"] = {{"first_name", first_name}, {"last_name", "Okafor"}, {"phone_last4", "0173"}};
  return j;
}

// The REST API as a handheld calls it, with ana's token.
class Api {
 public:
  explicit Api(uint16_t port) : port_(port) {}
  // POST /api/v1/auth/login; false (with the answer in `error`) when refused.
  bool SignIn(const std::string& user, const std::string& pin) {
    auto r = Call("POST", "/api/v1/auth/login", {{"associate_id", user}, {"pin", pin}});
    if (!r.is_object() || !r.contains("token")) return false;
    token_ = r["token"].get<std::string>();
    return true;
  }
  // The answer as it came (status, body), e.g. a CSV; status 0 when none came.
  kiosk::ClientResponse Raw(const std::string& method, const std::string& target) {
    auto r =
        kiosk::HttpRequest("127.0.0.1", port_, method, target, "", {{"Authorization", "Bearer " + token_}});
    return r.ok() ? *r : kiosk::ClientResponse{};
  }
  // The JSON answer; {"status": N, "error": …} when it was not 2xx.
  json Call(const std::string& method, const std::string& target, const json& body = nullptr) {
    std::map<std::string, std::string> headers;
    if (!token_.empty()) headers["Authorization"] = "Bearer " + token_;
    if (!body.is_null()) headers["Content-Type"] = "application/json";
    auto r =
        kiosk::HttpRequest("127.0.0.1", port_, method, target, body.is_null() ? "" : body.dump(), headers);
    if (!r.ok()) return {{"status", 0}, {"error", r.status().message()}};
    json j = json::parse(r->body, nullptr, false);
    if (r->status < 200 || r->status > 299) return {{"status", r->status}, {"error", r->body}};
    return j;
  }
  // Picks every unit of `order_id` by scanning the item's barcode.
  ::testing::AssertionResult PickAll(const std::string& order_id,
                                     const std::map<std::string, std::string>& barcode) {
    json t = Call("POST", "/api/v1/tasks", {{"order_ids", json::array({order_id})}});
    if (!t.contains("task_id")) return ::testing::AssertionFailure() << "create task: " << t.dump();
    const std::string task = "/api/v1/tasks/" + std::to_string(t["task_id"].get<int64_t>());
    json v = Call("GET", task);
    if (!v.contains("pick_lines")) return ::testing::AssertionFailure() << "task: " << v.dump();
    for (const auto& l : v["pick_lines"]) {
      for (int64_t i = l["remaining"].get<int64_t>(); i > 0; --i) {
        json r =
            Call("POST", task + "/pick",
                 {{"pick_line_id", l["pick_line_id"]}, {"scan", barcode.at(l["sku"].get<std::string>())}});
        if (r.contains("error")) return ::testing::AssertionFailure() << "pick: " << r.dump();
      }
    }
    return ::testing::AssertionSuccess();
  }
  // Bags a picked order into `count` bags at pack-1 and stages each at
  // `location`; the bags' label codes.
  std::vector<std::string> BagAndStage(const std::string& order_id, int count, const std::string& location) {
    std::vector<std::string> codes;
    json b = Call("POST", "/api/v1/orders/" + order_id + "/bags", {{"count", count}, {"station", "pack-1"}});
    if (!b.contains("bags")) {
      ADD_FAILURE() << "bag " << order_id << ": " << b.dump();
      return codes;
    }
    for (const auto& bag : b["bags"]) {
      codes.push_back(bag["label_code"].get<std::string>());
      json r = Call("POST", "/api/v1/bags/stage", {{"bag", codes.back()}, {"location", location}});
      EXPECT_FALSE(r.contains("error")) << r.dump();
    }
    return codes;
  }

 private:
  uint16_t port_;
  std::string token_;
};

// The barcodes on the seeded items (UPC-A of their GTINs).
const std::map<std::string, std::string> kBarcodes = {
    {"SKU-1", "012345678905"}, {"SKU-2", "040000000013"}, {"SKU-3", "040000000020"}};

// The store, its broker, the OMS and an associate (ana, PIN 4321), with
// stock on three shelves.
class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CheckBrowserTools();
    if (HasFatalFailure()) return;
    broker_ = std::make_unique<Mosquitto>(dir_);
    // Reconnects within a second once the broker is back (the banner test).
    daemon_ = std::make_unique<DaemonUnderTest>(dir_, "S042",
                                                "[mqtt]\nuri = \"" + broker_->uri() +
                                                    "\"\nreconnect_min_ms = 100\nreconnect_max_ms = 1000\n"
                                                    "[[station]]\nname = \"pack-1\"\n");
    auto add = RunProgram(dir_,
                          {STOREEDGECTL_PATH, "--config", daemon_->config_path(), "user", "add", "ana",
                           "--name", "Ana Lee", "--role", "associate", "--pin-stdin"},
                          "", "4321\n");
    ASSERT_EQ(add.code, 0) << add.err;
    central_ = std::make_unique<CentralOms>(broker_->uri(), "S042");
    ASSERT_TRUE(central_->Connect());
    ASSERT_TRUE(daemon_->Start(30s)) << daemon_->Stderr();
    ASSERT_TRUE(central_->WaitForOnline()) << daemon_->Stderr();
    central_->Send("inventory", "inventory.snapshot",
                   {{"snapshot_id", "s1"},
                    {"as_of_store_seq", 0},
                    {"chunk", 1},
                    {"chunks", 1},
                    {"items",
                     {Item("SKU-1", "00012345678905", "Trail shoe 42", 5, "A-01-01"),
                      Item("SKU-2", "00040000000013", "Rain jacket M", 3, "B-02-03"),
                      Item("SKU-3", "00040000000020", "Water bottle 750 ml", 10, "C-03-01")}}});
    ASSERT_TRUE(central_->WaitForEvent([](const json& e) {
      return e["type"] == "inventory.snapshot_applied";
    })) << daemon_->Stderr();
  }

  // A kiosk device token, as `storeedgectl kiosk add` prints it (its last line).
  std::string AddKiosk(const std::string& name) {
    auto r = RunProgram(dir_, {STOREEDGECTL_PATH, "--config", daemon_->config_path(), "kiosk", "add", name});
    EXPECT_EQ(r.code, 0) << r.err;
    std::string out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out.substr(out.find_last_of('\n') + 1);
  }

  // Routes a pickup order through the OMS and waits for the store to take it.
  void RoutePickup(const std::string& order_id, const std::string& ref, const std::string& kind,
                   const std::string& code, const std::string& first_name, json lines) {
    central_->Send("orders", "order.routed",
                   RoutedPickup(order_id, ref, kind, code, first_name, std::move(lines)));
    ASSERT_TRUE(central_->WaitForEvent("order.accepted", order_id)) << daemon_->Stderr();
  }

  std::map<std::string, std::string> Env(const std::string& order_id) const {
    std::filesystem::create_directories(SCREENSHOT_DIR);
    return {{"STOREEDGE_URL", "http://127.0.0.1:" + std::to_string(daemon_->port())},
            {"STOREEDGE_USER", "ana"},
            {"STOREEDGE_PIN", "4321"},
            {"STOREEDGE_ORDER", order_id},
            {"STOREEDGE_STATION", "pack-1"},
            {"SCREENSHOT_DIR", SCREENSHOT_DIR}};
  }

  TempDir dir_;
  std::unique_ptr<Mosquitto> broker_;
  std::unique_ptr<DaemonUnderTest> daemon_;
  std::unique_ptr<CentralOms> central_;
};

TEST_F(BrowserTest, PickAndPackAWholeOrder) {
  central_->Send("orders", "order.routed",
                 Routed("O-1", "W-1001",
                        {Line("1", "SKU-1", "00012345678905", 2, "Trail shoe 42"),
                         Line("2", "SKU-2", "00040000000013", 1, "Rain jacket M")}));
  ASSERT_TRUE(central_->WaitForEvent("order.accepted", "O-1")) << daemon_->Stderr();

  BrowserScript browser(dir_, "pick_pack.mjs", Env("O-1"));
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();

  // What the associate's clicks and scans amount to, as the OMS sees it.
  auto picked = central_->WaitForEvent("order.picked", "O-1");
  ASSERT_TRUE(picked) << daemon_->Stderr();
  EXPECT_EQ(picked->at("data").at("lines"),
            json::parse(R"([{"line_id":"1","qty":2},{"line_id":"2","qty":1}])"));
  auto packed = central_->WaitForEvent("order.packed", "O-1");
  ASSERT_TRUE(packed) << daemon_->Stderr();
  const json& packages = packed->at("data").at("packages");
  ASSERT_EQ(packages.size(), 1u) << packed->dump();
  EXPECT_EQ(packages[0]["dims_mm"], json::parse("[400,300,200]")) << "box M";
  EXPECT_EQ(packages[0]["weight_g"], 1250);
  EXPECT_EQ(packages[0]["lines"], json::parse(R"([{"line_id":"1","qty":2},{"line_id":"2","qty":1}])"));

  // Every unit was confirmed by a scan, typed as a wedge scanner types, by ana.
  auto db = store::Database::Open(daemon_->db_path(), store::Database::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT coalesce(sum(qty), 0) FROM pick_records WHERE order_id = 'O-1' AND "
                             "method = 'scan' AND associate = 'ana'"),
            3);
}

TEST_F(BrowserTest, QueueUpdatesLiveAndShowsWhenTheOmsLinkIsDown) {
  central_->Send("orders", "order.routed",
                 Routed("O-1", "W-1001", {Line("1", "SKU-1", "00012345678905", 1, "Trail shoe 42")}));
  ASSERT_TRUE(central_->WaitForEvent("order.accepted", "O-1")) << daemon_->Stderr();

  BrowserScript browser(dir_, "live_queue.mjs", Env("O-2"));
  // The page shows the queue with O-1; now the OMS routes another order.
  ASSERT_TRUE(browser.WaitForStep("route-order")) << browser.Output();
  central_->Send("orders", "order.routed",
                 Routed("O-2", "W-1002", {Line("1", "SKU-3", "00040000000020", 2, "Water bottle 750 ml")}));
  ASSERT_TRUE(central_->WaitForEvent("order.accepted", "O-2")) << daemon_->Stderr();
  // It appeared without a reload; now the link to the OMS goes down.
  ASSERT_TRUE(browser.WaitForStep("stop-broker")) << browser.Output();
  ASSERT_EQ(broker_->Stop(), 0);
  // The banner showed; the link comes back.
  ASSERT_TRUE(browser.WaitForStep("start-broker")) << browser.Output();
  broker_->Start();
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();
}

// (a) A customer checks in at the curbside kiosk (its device token from
// storeedgectl kiosk add): the arrival appears on the associate's Arrivals
// screen without a reload, with the bay; the kiosk's wait updates live.
TEST_F(BrowserTest, KioskCheckInAppearsOnTheArrivalsScreen) {
  RoutePickup("O-7", "W-7001", "curbside", "482915", "Maria",
              json::array({Line("1", "SKU-1", "00012345678905", 1, "Trail shoe 42")}));
  Api api(daemon_->port());
  ASSERT_TRUE(api.SignIn("ana", "4321"));
  ASSERT_TRUE(api.PickAll("O-7", kBarcodes));
  ASSERT_EQ(api.BagAndStage("O-7", 2, "P-01-01").size(), 2u);
  ASSERT_TRUE(central_->WaitForEvent("order.ready_for_pickup", "O-7")) << daemon_->Stderr();

  auto env = Env("O-7");
  env["STOREEDGE_KIOSK_TOKEN"] = AddKiosk("kiosk-1");
  env["STOREEDGE_ORDER_REF"] = "W-7001";
  env["STOREEDGE_PICKUP_CODE"] = "482915";
  BrowserScript browser(dir_, "kiosk_checkin.mjs", env);
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();

  // The OMS heard the customer is here, at bay 3.
  auto arrived = central_->WaitForEvent("order.customer_arrived", "O-7");
  ASSERT_TRUE(arrived) << daemon_->Stderr();
  EXPECT_EQ(arrived->at("data").value("source", ""), "kiosk");
  EXPECT_EQ(arrived->at("data").value("bay", ""), "3");
}

// (b) Bag and stage in the app, then the handover: a wrong pickup code shows
// the attempts left, a bag of another order is refused, the right code and
// every bag complete it; the OMS gets order.picked_up verified by the code.
// Then a return of that order at the counter.
TEST_F(BrowserTest, HandoverWithAWrongThenARightPickupCode) {
  RoutePickup("O-7", "W-7001", "bopis", "482915", "Maria",
              json::array({Line("1", "SKU-1", "00012345678905", 1, "Trail shoe 42"),
                           Line("2", "SKU-3", "00040000000020", 2, "Water bottle 750 ml")}));
  RoutePickup("O-8", "W-8001", "bopis", "135791", "Zoe",
              json::array({Line("1", "SKU-2", "00040000000013", 1, "Rain jacket M")}));
  Api api(daemon_->port());
  ASSERT_TRUE(api.SignIn("ana", "4321"));
  ASSERT_TRUE(api.PickAll("O-7", kBarcodes));
  ASSERT_TRUE(api.PickAll("O-8", kBarcodes));
  const auto other = api.BagAndStage("O-8", 1, "P-02-01");
  ASSERT_EQ(other.size(), 1u);

  auto env = Env("O-7");
  env["STOREEDGE_ORDER_REF"] = "W-7001";
  env["STOREEDGE_PICKUP_CODE"] = "482915";
  env["STOREEDGE_OTHER_BAG"] = other[0];
  BrowserScript browser(dir_, "handover.mjs", env);
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();

  auto ready = central_->WaitForEvent("order.ready_for_pickup", "O-7");
  ASSERT_TRUE(ready) << daemon_->Stderr();
  EXPECT_EQ(ready->at("data").at("bags"), 2) << "bagged in the app into two bags";
  auto picked_up = central_->WaitForEvent("order.picked_up", "O-7");
  ASSERT_TRUE(picked_up) << daemon_->Stderr();
  EXPECT_EQ(picked_up->at("data").at("verified_by"), "pickup_code");
  EXPECT_EQ(picked_up->at("data").at("lines"),
            json::parse(R"([{"line_id":"1","qty":1},{"line_id":"2","qty":2}])"));
  // The other order's bag never left: it is still staged.
  auto still = api.Call("GET", "/api/v1/orders/O-8/bags");
  ASSERT_TRUE(still.contains("bags")) << still.dump();
  EXPECT_EQ(still["bags"][0]["state"], "staged");
  // The return at the counter: one bottle, damaged.
  auto returned = central_->WaitForEvent("return.received", "O-7");
  ASSERT_TRUE(returned) << daemon_->Stderr();
  EXPECT_EQ(returned->at("data").at("lines").size(), 1u) << returned->dump();
  EXPECT_EQ(returned->at("data").at("lines")[0].value("line_id", ""), "2") << returned->dump();
  EXPECT_EQ(returned->at("data").at("lines")[0].value("qty", 0), 1) << returned->dump();
}

// (c) A kiosk left alone goes back to its start screen (short timeouts given
// in its address; the script waits for the start screen, it does not sleep).
TEST_F(BrowserTest, KioskReturnsToTheStartAfterInactivity) {
  auto env = Env("");
  env["STOREEDGE_KIOSK_TOKEN"] = AddKiosk("kiosk-1");
  BrowserScript browser(dir_, "kiosk_idle.mjs", env);
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();
}

constexpr int64_t kMin = 60'000, kHour = 60 * kMin, kDay = 24 * kHour;

int64_t DayMs(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days(year_month_day{year{y}, month{m}, day{d}}).time_since_epoch())
      .count();
}

// Three UTC days, 2026-03-02 to 2026-03-04, with figures known by hand:
//   03-02  R1, R2 ship_from_store shipped; R3 bopis picked_up (its customer
//          waited 10 min at the counter, announced in the app); R4 curbside
//          picked_up (waited 4 min at bay 3, announced at the kiosk)
//   03-03  R5 ship_from_store cancelled
//   03-04  R6 same_day rejected; R7 bopis expired; R9 curbside picked_up
//          (waited 7 min at bay 5, announced by an associate)
// and two orders just outside the period (03-01 23:30, 03-05 00:30 UTC).
SeedData KnownReportDays() {
  const int64_t d1 = DayMs(2026, 3, 2), d2 = d1 + kDay, d3 = d2 + kDay;
  auto order = [](std::string id, std::string kind, std::string state, int64_t routed) {
    SeedOrder o;
    o.id = std::move(id);
    o.kind = std::move(kind);
    o.state = std::move(state);
    o.routed = routed;
    o.closed_at = routed + 2 * kHour;
    return o;
  };
  SeedData d;
  d.orders = {order("R0", "ship_from_store", "shipped", d1 - 30 * kMin),
              order("R1", "ship_from_store", "shipped", d1 + 9 * kHour),
              order("R2", "ship_from_store", "shipped", d1 + 11 * kHour),
              order("R3", "bopis", "picked_up", d1 + 12 * kHour),
              order("R4", "curbside", "picked_up", d1 + 13 * kHour),
              order("R5", "ship_from_store", "cancelled", d2 + 10 * kHour),
              order("R6", "same_day", "rejected", d3 + 12 * kHour),
              order("R7", "bopis", "expired", d3 + 15 * kHour),
              order("R9", "curbside", "picked_up", d3 + 13 * kHour),
              order("R8", "curbside", "picked_up", d3 + 24 * kHour + 30 * kMin)};
  d.arrivals = {{"R4", "kiosk", "3", d1 + 14 * kHour, "served", d1 + 14 * kHour + 4 * kMin},
                {"R3", "app", std::nullopt, d1 + 13 * kHour, "served", d1 + 13 * kHour + 10 * kMin},
                {"R9", "associate", "5", d3 + 14 * kHour, "served", d3 + 14 * kHour + 7 * kMin}};
  return d;
}

// A busy January 2026 (for the screenshots): everything in it happened by
// 2026-02-10, long before the known days; orders still waiting for their
// customer are made expired, so the daemon has nothing of it to expire.
SeedData BusyJanuary() {
  SeedData d = GenerateBusyStore(DayMs(2026, 1, 1), 31, 40, DayMs(2026, 2, 10), 10);
  for (auto& o : d.orders) {
    if (o.state == "ready") {
      o.state = "expired";
      o.closed_at = o.hold_until;
    }
  }
  for (auto& a : d.arrivals) {
    if (a.state == "waiting") a.state = "closed";
  }
  return d;
}

// (d) The supervisors' reports page: a supervisor sees every report of the
// API; for the known days the charts' bars and points and the tables' cells
// are the figures worked out above by hand; a table's CSV download is the
// API's CSV; an empty period and an API error are shown; an associate gets no
// Reports entry and a "supervisors only" message.
TEST_F(BrowserTest, ReportsPageShowsKnownFiguresToSupervisorsOnly) {
  auto add = RunProgram(dir_,
                        {STOREEDGECTL_PATH, "--config", daemon_->config_path(), "user", "add", "sue",
                         "--name", "Sue Park", "--role", "supervisor", "--pin-stdin"},
                        "", "2468\n");
  ASSERT_EQ(add.code, 0) << add.err;
  // The store's local days are Tokyo's (UTC+9 all year), so that they differ
  // from UTC days.
  daemon_->process().Signal(SIGTERM);
  ASSERT_EQ(daemon_->process().Wait(30s), 0) << daemon_->Stderr();
  ASSERT_TRUE(daemon_->Start(30s, {{"TZ", "JST-9"}})) << daemon_->Stderr();
  {
    auto db = store::Database::Open(daemon_->db_path(), store::Database::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Exec("PRAGMA busy_timeout=10000").ok());
    ASSERT_NO_THROW(WriteSeed(**db, KnownReportDays()));
    ASSERT_NO_THROW(WriteSeed(**db, BusyJanuary()));
  }
  Api sue(daemon_->port());
  ASSERT_TRUE(sue.SignIn("sue", "2468"));
  // The API's own list of reports, from its answer to an unknown one.
  const auto unknown = sue.Raw("GET", "/api/v1/reports/nope?from=2026-03-02&to=2026-03-05");
  ASSERT_EQ(unknown.status, 404) << unknown.body;
  std::string list = json::parse(unknown.body)["error"]["message"].get<std::string>();
  ASSERT_NE(list.find("the reports are "), std::string::npos) << list;
  list = list.substr(list.find("the reports are ") + 16);
  json names = json::array();
  for (size_t at = 0; at <= list.size();) {
    const size_t comma = std::min(list.find(", ", at), list.size());
    names.push_back(list.substr(at, comma - at));
    at = comma + 2;
  }
  ASSERT_EQ(names.size(), 8u) << names.dump();

  const json expect = {
      {"reports", names},
      {"from", "2026-03-02"},
      {"last", "2026-03-04"},
      {"days", {"2026-03-02", "2026-03-03", "2026-03-04"}},
      {"empty", json::array({"returns"})},
      {"orders",
       {{"series",
         {{"ship_from_store", {2, 1, 0}},
          {"bopis", {1, 0, 1}},
          {"curbside", {1, 0, 1}},
          {"same_day", {0, 0, 1}},
          {"all", {4, 1, 3}}}},
        // Tokyo's days: R0 falls on 03-02, R7 (15:00 UTC) on 03-05.
        {"local_all", {5, 1, 2}},
        {"table", "by_kind"},
        // key, then the cells: kind, orders, accepted, picking, picked, packed, shipped, ready, picked_up,
        // expired, cancelled, rejected
        {"rows",
         {{"ship_from_store", "ship from store", "3", "0", "0", "0", "0", "2", "0", "0", "0", "1", "0"},
          {"bopis", "bopis", "2", "0", "0", "0", "0", "0", "0", "1", "1", "0", "0"},
          {"curbside", "curbside", "2", "0", "0", "0", "0", "0", "0", "2", "0", "0", "0"},
          {"same_day", "same day", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "1"},
          {"(all)", "(all)", "8", "0", "0", "0", "0", "2", "0", "3", "1", "1", "1"}}}}},
      {"curbside",
       {{"series",
         {{"arrivals", {2, 0, 1}}, {"wait_median_min", {4, nullptr, 7}}, {"wait_p90_min", {10, nullptr, 7}}}},
        {"table", "by_source"},
        // key, then the cells: source, arrivals, served, waiting, closed, wait median, p90, max (minutes)
        {"rows",
         {{"app", "app", "1", "1", "0", "0", "10.0", "10.0", "10.0"},
          {"associate", "associate", "1", "1", "0", "0", "7.0", "7.0", "7.0"},
          {"kiosk", "kiosk", "1", "1", "0", "0", "4.0", "4.0", "4.0"},
          {"(all)", "(all)", "3", "3", "0", "0", "7.0", "10.0", "10.0"}}}}}};

  const std::string downloads = dir_.File("downloads");
  auto env = Env("");
  env["STOREEDGE_SUPERVISOR"] = "sue";
  env["STOREEDGE_SUPERVISOR_PIN"] = "2468";
  env["STOREEDGE_EXPECT"] = expect.dump();
  env["STOREEDGE_DOWNLOADS"] = downloads;
  BrowserScript browser(dir_, "reports.mjs", env);
  const int code = browser.Wait();
  ASSERT_EQ(code, 0) << browser.Output() << "\ndaemon:\n" << daemon_->Stderr();

  // What the page saved is the API's CSV of that table, and the figures above.
  const std::map<std::string, std::string> csv = {
      {"orders-by_kind",
       "kind,orders,accepted,picking,picked,packed,shipped,ready,picked_up,expired,cancelled,rejected\r\n"
       "ship_from_store,3,0,0,0,0,2,0,0,0,1,0\r\n"
       "bopis,2,0,0,0,0,0,0,1,1,0,0\r\n"
       "curbside,2,0,0,0,0,0,0,2,0,0,0\r\n"
       "same_day,1,0,0,0,0,0,0,0,0,0,1\r\n"
       "(all),8,0,0,0,0,2,0,3,1,1,1\r\n"},
      {"orders-daily",
       "day,ship_from_store,bopis,curbside,same_day,all\r\n"
       "2026-03-02,2,1,1,0,4\r\n"
       "2026-03-03,1,0,0,0,1\r\n"
       "2026-03-04,0,1,1,1,3\r\n"},
      {"curbside-by_source",
       "source,arrivals,served,waiting,closed,wait_median_min,wait_p90_min,wait_max_min\r\n"
       "app,1,1,0,0,10.0,10.0,10.0\r\n"
       "associate,1,1,0,0,7.0,7.0,7.0\r\n"
       "kiosk,1,1,0,0,4.0,4.0,4.0\r\n"
       "(all),3,3,0,0,7.0,10.0,10.0\r\n"}};
  for (const auto& [file, want] : csv) {
    const std::string report = file.substr(0, file.find('-')), table = file.substr(file.find('-') + 1);
    const auto api = sue.Raw("GET", "/api/v1/reports/" + report +
                                        "?from=2026-03-02&to=2026-03-05&days=utc&format=csv&table=" + table);
    ASSERT_EQ(api.status, 200) << api.body;
    const std::string saved = ReadFile(downloads + "/" + file + ".csv");
    EXPECT_EQ(saved, api.body) << file;
    EXPECT_EQ(saved, want) << file;
  }
}

}  // namespace
}  // namespace edge::testing
