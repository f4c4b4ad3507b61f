// The HTTP API over real HTTP against the running daemon, driven by
// docs/openapi.json (read at run time): every operation the spec lists is
// called in every check below, so a route added to the spec is covered, or
// the test names what it lacks.
//
// One daemon serves the whole suite, with a small [http] max_body_bytes,
// request_timeout_s and idle_timeout_s, a mosquitto broker and the central
// OMS of tests/support; after each test it must still answer /healthz, and
// at the end stop cleanly with no handler having thrown.
//  - Without a token every operation is 401 with a JSON error (public ones
//    are not). With a token, each role reaches exactly what the spec's
//    x-roles allow it and is refused the rest with 403: a kiosk device token
//    outside the kiosk routes, an associate inside them and on
//    supervisor-only operations.
//  - Malformed, non-object, empty and field-less bodies are 400 naming the
//    problem; missing required query parameters are 400 naming them; a body
//    over max_body_bytes is 413 and the daemon answers the next request;
//    unknown paths are 404, other methods 405.
//  - Every operation succeeds, with its documented status, on data seeded
//    for real: inventory by storeedgectl, orders routed over MQTT, labels
//    sent by the OMS, users and kiosk devices by storeedgectl.
//  - The kiosk lookup's limits per kiosk and per order ref answer 429 with
//    Retry-After.
//  - A request that stalls half-way, on a new or a kept-alive connection, is
//    cut off after request_timeout_s; an idle kept-alive connection after
//    idle_timeout_s.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "edge/core/barcode.h"
#include "edge/testing/central.h"
#include "edge/testing/daemon.h"
#include "edge/testing/eventually.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMaxBodyBytes = 8192;
constexpr int kRequestTimeoutS = 2;
constexpr int kIdleTimeoutS = 6;
const std::set<std::string> kRoles = {"associate", "supervisor", "kiosk"};

// ---- the spec ----

// One operation of docs/openapi.json.
struct Operation {
  std::string method;                              // "GET", "POST", …
  std::string path;                                // the template, "/api/v1/tasks/{task_id}"
  std::set<std::string> roles;                     // x-roles
  bool is_public = false;                          // security: []
  bool websocket = false;                          // x-websocket
  bool has_body = false;                           // requestBody
  bool body_required = false;                      // requestBody.required
  std::vector<std::string> required_fields;        // of the body's schema
  std::map<std::string, std::string> path_params;  // name -> schema type
  std::vector<std::string> required_query;         // required query parameters
  std::set<int> success;                           // documented 1xx/2xx statuses
  std::string Name() const { return method + " " + path; }
};

json LoadSpec() {
  const std::string text = ReadFile(STOREEDGE_SOURCE_DIR "/docs/openapi.json");
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// Follows "$ref": "#/components/…" until a node without one.
const json& Resolve(const json& spec, const json& node) {
  const json* n = &node;
  for (int hops = 0; n->is_object() && n->contains("$ref") && hops < 10; ++hops) {
    const std::string ref = (*n)["$ref"].get<std::string>();
    n = &spec.at(json::json_pointer(ref.substr(1)));
  }
  return *n;
}

std::vector<Operation> Operations(const json& spec) {
  std::vector<Operation> out;
  for (const auto& [path, item] : spec.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      Operation o;
      for (char c : method)
        o.method.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      o.path = path;
      for (const auto& r : op.value("x-roles", json::array())) o.roles.insert(r.get<std::string>());
      o.is_public = op.contains("security") && op["security"].is_array() && op["security"].empty();
      o.websocket = op.value("x-websocket", false);
      for (const auto& p : op.value("parameters", json::array())) {
        const json& param = Resolve(spec, p);
        if (param.value("in", "") == "path") {
          o.path_params[param.at("name")] = param.value("schema", json::object()).value("type", "string");
        } else if (param.value("in", "") == "query" && param.value("required", false)) {
          o.required_query.push_back(param.at("name"));
        }
      }
      if (op.contains("requestBody")) {
        const json& body = Resolve(spec, op["requestBody"]);
        o.has_body = true;
        o.body_required = body.value("required", false);
        const json& schema = Resolve(spec, body.at("content").at("application/json").at("schema"));
        for (const auto& f : schema.value("required", json::array())) o.required_fields.push_back(f);
      }
      for (const auto& [code, response] : op.at("responses").items()) {
        if (code.size() == 3 && (code[0] == '1' || code[0] == '2')) o.success.insert(std::stoi(code));
      }
      out.push_back(std::move(o));
    }
  }
  return out;
}

// ---- raw sockets, for what the HTTP client cannot do ----

// A raw response ("HTTP/1.1 413 …", headers, body) as the client's type;
// status 0 when it is not one.
kiosk::ClientResponse ParseRaw(const std::string& raw) {
  kiosk::ClientResponse r;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12 || head_end == std::string::npos) return r;
  r.status = std::atoi(raw.substr(9, 3).c_str());
  size_t at = raw.find("\r\n") + 2;
  while (at < head_end) {
    const size_t eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    at = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// A TCP connection to 127.0.0.1:port that sends bytes as given and reads
// with deadlines (poll; no sleeping).
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  // False when the peer is gone (EPIPE, reset).
  bool Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads until the peer closes (EOF or reset) or the deadline passes.
  // Returns whether it closed; what arrived is in received().
  bool WaitClosed(Clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      if (!WaitReadable(fd_, left)) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) return true;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return true;  // reset: closed too
      }
      received_.append(buf, static_cast<size_t>(n));
    }
  }

  // Reads until the end of a response's head ("\r\n\r\n"), a close or the
  // deadline. Returns whether the head is complete.
  bool ReadHead(Clock::time_point deadline) {
    while (received_.find("\r\n\r\n") == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 || !WaitReadable(fd_, left)) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return received_.find("\r\n\r\n") != std::string::npos;
      received_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one whole response (its head, and its body by Content-Length).
  bool ReadResponse(Clock::time_point deadline) {
    if (!ReadHead(deadline)) return false;
    const size_t body_at = received_.find("\r\n\r\n") + 4;
    const std::string length = ParseRaw(received_).headers["content-length"];
    const size_t want = body_at + static_cast<size_t>(std::atol(length.c_str()));
    while (received_.size() < want) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 || !WaitReadable(fd_, left)) return false;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      received_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  const std::string& received() const { return received_; }
  void Clear() { received_.clear(); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string received_;
};

// ---- data ----

// A valid EAN-13 from 12 digits.
std::string Ean13(const std::string& body12) {
  int sum = 0;
  for (int k = 0; k < 12; ++k) sum += (body12[11 - k] - '0') * (k % 2 == 0 ? 3 : 1);
  return body12 + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// A UPS tracking number "1Z" + body15 + the check digit the parser accepts.
std::string Ups(const std::string& body15) {
  for (char d = '0'; d <= '9'; ++d) {
    auto scan = core::ParseScan("1Z" + body15 + d);
    if (scan.ok() && scan->kind == core::Scan::Kind::kTracking) return "1Z" + body15 + d;
  }
  return "";
}

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += k[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

std::string Today(int days_from_now = 0) {
  const std::time_t t = std::time(nullptr) + days_from_now * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

const std::string kGtinA = "4006381333931";  // SKU-A, EAN-13
const std::string kUpcB = "012345678905";    // SKU-B, UPC-A
const std::string kGtinC = "5901234123457";  // SKU-C, EAN-13

json Routed(const std::string& id, const std::string& kind, json lines, const std::string& code = "") {
  return {{"order_id", id},
          {"order_ref", "W-" + id},
          {"kind", kind},
          {"priority", 5},
          {"placed_at", "2026-11-27T09:00:00Z"},
          {"promised_by", "2026-11-28T18:00:00Z"},
          {"hold_until", nullptr},
          {"pickup_code", code.empty() ? json(nullptr) : json(code)},
          {"customer", {{"first_name", "Maria"}, {"last_name", "Okafor"}, {"phone_last4", "0173"}}},
          {"ship_to",
           {{"name", "Maria Okafor"},
            {"line1", "1 Main St"},
            {"city", "Springfield"},
            {"postcode", "12345"},
            {"country", "US"}}},
          {"carrier_service", "UPS_GROUND"},
          {"lines", std::move(lines)}};
}

json Line(const std::string& id, const std::string& sku, int qty, const std::string& gtin,
          const std::string& fulfil = "now") {
  json l = {{"line_id", id}, {"sku", sku},       {"gtin", gtin},
            {"qty", qty},    {"fulfil", fulfil}, {"description", "Item " + sku}};
  if (fulfil != "now") l["expected_at"] = "2030-01-15T00:00:00Z";
  return l;
}

// ---- the suite ----

class ApiHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = LoadSpec();
    if (spec_.is_discarded()) {
      setup_error_ = "docs/openapi.json does not parse";
      return;
    }
    ops_ = Operations(spec_);
    dir_ = std::make_unique<TempDir>();
    broker_ = std::make_unique<Mosquitto>(*dir_);
    // Printing is real up to the daemon's print queue: each station has a
    // CUPS queue on a port where no cupsd listens, so jobs are stored and
    // wait (the API answers as soon as a job is queued).
    const std::string extra =
        "max_body_bytes = " + std::to_string(kMaxBodyBytes) +
        "\nrequest_timeout_s = " + std::to_string(kRequestTimeoutS) +
        "\nidle_timeout_s = " + std::to_string(kIdleTimeoutS) + "\n[mqtt]\nuri = \"" + broker_->uri() +
        "\"\n[sync]\navailable_interval_s = 0\n"
        "[[station]]\nname = \"pack-1\"\nprinter_queue = \"laser1\"\nprinter_format = \"pdf\"\n"
        "[[station]]\nname = \"bag-1\"\nprinter_queue = \"zebra1\"\nprinter_format = \"zpl\"\n";
    daemon_ = std::make_unique<DaemonUnderTest>(*dir_, "S042", extra);

    auto ctl = [](std::vector<std::string> args, const std::string& input = "") {
      args.insert(args.begin(), {STOREEDGECTL_PATH, "--config", daemon_->config_path()});
      return RunProgram(*dir_, std::move(args), "", input);
    };
    for (const auto& [id, role, pin] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"ana", "associate", "1111"},
                                                                        {"bob", "associate", "2222"},
                                                                        {"sue", "supervisor", "3333"},
                                                                        {"zed", "associate", "4444"}}) {
      auto r = ctl({"user", "add", id, "--name", "Name of " + id, "--role", role, "--pin-stdin"}, pin + "\n");
      if (r.code != 0) {
        setup_error_ = "user add " + id + ": " + r.err;
        return;
      }
    }
    for (int i = 1; i <= 4; ++i) {
      auto r = ctl({"kiosk", "add", "kiosk-" + std::to_string(i)});
      const size_t nl = r.out.find('\n');
      if (r.code != 0 || nl == std::string::npos) {
        setup_error_ = "kiosk add: " + r.err;
        return;
      }
      std::string token = r.out.substr(nl + 1);
      while (!token.empty() && token.back() == '\n') token.pop_back();
      kiosk_tokens_.push_back(token);
    }
    const std::string csv =
        "sku,description,gtins,on_hand,location,walk_order\n"
        "SKU-A,Trail shoe 42," +
        kGtinA +
        ",20,A-01-01,10\n"
        "SKU-B,Wool socks," +
        kUpcB +
        ",20,A-01-02,20\n"
        "SKU-C,Rain jacket M," +
        kGtinC + ",0,A-01-03,30\n";
    WriteFile(dir_->File("stock.csv"), csv);
    if (auto r = ctl({"inventory", "import", dir_->File("stock.csv")}); r.code != 0) {
      setup_error_ = "inventory import: " + r.err;
      return;
    }

    central_ = std::make_unique<CentralOms>(broker_->uri(), "S042");
    if (!central_->Connect()) {
      setup_error_ = "central OMS cannot connect";
      return;
    }
    if (!daemon_->Start(30s, {{"CUPS_SERVER", "127.0.0.1:" + std::to_string(FreePort())}})) {
      setup_error_ = "storeedged did not start: " + daemon_->Stderr();
      return;
    }
    if (!central_->WaitForOnline()) {
      setup_error_ = "storeedged did not come online: " + daemon_->Stderr();
      return;
    }
    for (const auto& [id, pin] : std::vector<std::pair<std::string, std::string>>{
             {"ana", "1111"}, {"bob", "2222"}, {"sue", "3333"}}) {
      const std::string token = LoginToken(id, pin);
      if (token.empty()) {
        setup_error_ = "cannot sign in as " + id;
        return;
      }
      tokens_[id] = token;
    }
    ready_ = true;
  }

  static void TearDownTestSuite() {
    if (daemon_ && daemon_->started()) {
      // Through everything the suite did, the daemon kept running and
      // stops cleanly; no handler ever threw.
      auto health = daemon_->Get("/healthz");
      EXPECT_TRUE(health.ok() && health->status == 200);
      daemon_->process().Signal(SIGTERM);
      EXPECT_EQ(daemon_->process().Wait(15s).value_or(-1), 0);
      EXPECT_EQ(daemon_->Stderr().find("http.handler_failed"), std::string::npos) << daemon_->Stderr();
    }
    central_.reset();
    daemon_.reset();
    broker_.reset();
    dir_.reset();
    ops_.clear();
    tokens_.clear();
    kiosk_tokens_.clear();
  }

  void SetUp() override { ASSERT_TRUE(ready_) << setup_error_; }

  void TearDown() override {
    if (!ready_) return;
    // Whatever the test sent, the daemon is alive and answers.
    EXPECT_FALSE(daemon_->process().Wait(0ms).has_value()) << "storeedged exited: " << daemon_->Stderr();
    auto health = daemon_->Get("/healthz");
    ASSERT_TRUE(health.ok()) << health.status().ToString();
    EXPECT_EQ(health->status, 200);
  }

  static std::string LoginToken(const std::string& id, const std::string& pin) {
    auto r = kiosk::HttpRequest("127.0.0.1", daemon_->port(), "POST", "/api/v1/auth/login",
                                json{{"associate_id", id}, {"pin", pin}}.dump());
    if (!r.ok() || r->status != 200) return "";
    return json::parse(r->body)["token"].get<std::string>();
  }

  static kiosk::ClientResponse Call(const std::string& method, const std::string& target,
                                    const std::string& body = "", const std::string& token = "") {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    auto r = kiosk::HttpRequest("127.0.0.1", daemon_->port(), method, target, body, h);
    EXPECT_TRUE(r.ok()) << method << " " << target << ": " << r.status().ToString();
    return r.ok() ? *r : kiosk::ClientResponse{};
  }

  // A WebSocket upgrade of `target`: the response (its body when refused).
  static kiosk::ClientResponse Upgrade(const std::string& target) {
    RawConnection c(daemon_->port());
    EXPECT_TRUE(c.connected());
    c.Send("GET " + target +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    const auto deadline = Clock::now() + 10s;
    EXPECT_TRUE(c.ReadHead(deadline)) << target << ": " << c.received();
    if (ParseRaw(c.received()).status != 101) c.WaitClosed(deadline);  // a refusal closes the connection
    return ParseRaw(c.received());
  }

  // `op.path` with its path parameters filled: from `values`, else a value
  // of the right type that names nothing (an integer id, or "none-such"),
  // except where a handler checks the parameter before it reads the body or
  // the query (a station, a report must exist), so that those checks are
  // reached.
  static std::string Fill(const Operation& op, const std::map<std::string, std::string>& values = {}) {
    static const std::map<std::string, std::string> kExisting = {{"station", "pack-1"}, {"name", "orders"}};
    std::string p = op.path;
    for (const auto& [name, type] : op.path_params) {
      std::string v = type == "integer" ? "999999" : "none-such";
      if (auto it = values.find(name); it != values.end()) {
        v = it->second;
      } else if (auto known = kExisting.find(name); known != kExisting.end()) {
        v = known->second;
      }
      const std::string key = "{" + name + "}";
      p.replace(p.find(key), key.size(), v);
    }
    return p;
  }

  static const Operation* Find(const std::string& method, const std::string& path) {
    for (const auto& op : ops_) {
      if (op.method == method && op.path == path) return &op;
    }
    return nullptr;
  }

  // Checks that `r` is a JSON error {"error":{"code","message"}} with
  // `status`, and `code` when given. Returns the message.
  static std::string ExpectError(const std::string& what, int status, const std::string& content_type,
                                 const std::string& body, int want, const std::string& code = "") {
    EXPECT_EQ(status, want) << what << ": " << body;
    EXPECT_EQ(content_type, "application/json") << what;
    const json j = json::parse(body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].is_object()) << what << ": " << body;
    if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return "";
    const json& e = j["error"];
    EXPECT_TRUE(e.contains("code") && e["code"].is_string()) << what << ": " << body;
    EXPECT_TRUE(e.contains("message") && e["message"].is_string() && !e["message"].get<std::string>().empty())
        << what << ": " << body;
    if (!code.empty()) {
      EXPECT_EQ(e.value("code", ""), code) << what << ": " << body;
    }
    return e.value("message", "");
  }
  static std::string ExpectError(const std::string& what, const kiosk::ClientResponse& r, int want,
                                 const std::string& code = "") {
    auto ct = r.headers.find("content-type");
    return ExpectError(what, r.status, ct == r.headers.end() ? "" : ct->second, r.body, want, code);
  }

  // A token of a role allowed to call `op`: an associate's when associates
  // may, else a supervisor's, else a kiosk's; "" for public operations.
  static std::string AllowedToken(const Operation& op) {
    if (op.is_public) return "";
    if (op.roles.count("associate")) return tokens_["ana"];
    if (op.roles.count("supervisor")) return tokens_["sue"];
    return kiosk_tokens_.at(0);
  }

  static json spec_;
  static std::vector<Operation> ops_;
  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<Mosquitto> broker_;
  static std::unique_ptr<DaemonUnderTest> daemon_;
  static std::unique_ptr<CentralOms> central_;
  static std::map<std::string, std::string> tokens_;  // ana, bob, sue
  static std::vector<std::string> kiosk_tokens_;      // kiosk-1 … kiosk-4
  static bool ready_;
  static std::string setup_error_;
};

json ApiHttpTest::spec_;
std::vector<Operation> ApiHttpTest::ops_;
std::unique_ptr<TempDir> ApiHttpTest::dir_;
std::unique_ptr<Mosquitto> ApiHttpTest::broker_;
std::unique_ptr<DaemonUnderTest> ApiHttpTest::daemon_;
std::unique_ptr<CentralOms> ApiHttpTest::central_;
std::map<std::string, std::string> ApiHttpTest::tokens_;
std::vector<std::string> ApiHttpTest::kiosk_tokens_;
bool ApiHttpTest::ready_ = false;
std::string ApiHttpTest::setup_error_;

TEST_F(ApiHttpTest, SpecNamesWhoMayCallEveryOperation) {
  ASSERT_GE(ops_.size(), 50u);
  size_t publics = 0;
  for (const auto& op : ops_) {
    SCOPED_TRACE(op.Name());
    EXPECT_FALSE(op.success.empty()) << "no documented success status";
    if (op.is_public) {
      ++publics;
      continue;
    }
    EXPECT_FALSE(op.roles.empty()) << "x-roles missing";
    for (const auto& r : op.roles) EXPECT_TRUE(kRoles.count(r)) << "unknown role " << r;
  }
  EXPECT_GE(publics, 1u);
  EXPECT_LT(publics, ops_.size());
}

TEST_F(ApiHttpTest, WithoutATokenEveryProtectedOperationIs401) {
  for (const auto& op : ops_) {
    SCOPED_TRACE(op.Name());
    const std::string target = Fill(op);
    if (op.websocket) {
      auto r = Upgrade(target);
      if (op.is_public) {
        EXPECT_EQ(r.status, 101) << r.body;
        continue;
      }
      ExpectError(op.Name(), r, 401, "unauthenticated");
      ExpectError(op.Name() + " unknown token", Upgrade(target + "?token=" + std::string(64, 'f')), 401,
                  "unauthenticated");
      // Refused upgrades are answered requests: counted under their path.
      auto m = daemon_->Get("/metrics");
      ASSERT_TRUE(m.ok());
      EXPECT_NE(m->body.find("storeedge_http_requests_total{method=\"GET\",route=\"" + op.path +
                             "\",code=\"401\"} "),
                std::string::npos)
          << m->body;
      continue;
    }
    // A well-formed body, so that only the missing token can be refused.
    const std::string body = op.has_body ? "{}" : "";
    auto r = Call(op.method, target, body);
    if (op.is_public) {
      EXPECT_NE(r.status, 401) << r.body;
      EXPECT_NE(r.status, 403) << r.body;
      continue;
    }
    ExpectError(op.Name(), r, 401, "unauthenticated");
    // A token nobody issued, and a scheme other than Bearer: the same.
    ExpectError(op.Name() + " unknown token", Call(op.method, target, body, std::string(64, 'f')), 401,
                "unauthenticated");
    auto basic = kiosk::HttpRequest("127.0.0.1", daemon_->port(), op.method, target, body,
                                    {{"Authorization", "Basic YW5hOjExMTE="}});
    ASSERT_TRUE(basic.ok());
    ExpectError(op.Name() + " basic auth", *basic, 401, "unauthenticated");
  }
}

TEST_F(ApiHttpTest, EachRoleReachesWhatTheSpecAllowsIt) {
  // Every operation with each role's token. Allowed calls carry no body and
  // ids that name nothing, so they stop at a 400 or 404 before changing
  // anything; a refused one must be 403 with a JSON error.
  std::map<std::string, std::set<std::string>> refused;  // role -> operations
  for (const auto& op : ops_) {
    if (op.is_public) continue;
    for (const std::string& role : kRoles) {
      SCOPED_TRACE(op.Name() + " as " + role);
      // Signing out ends the session: it gets a session of its own.
      std::string token = role == "kiosk"        ? kiosk_tokens_.at(0)
                          : role == "supervisor" ? tokens_["sue"]
                                                 : tokens_["ana"];
      if (op.Name() == "POST /api/v1/auth/logout") {
        token = role == "supervisor"  ? LoginToken("sue", "3333")
                : role == "associate" ? LoginToken("ana", "1111")
                                      : token;
      }
      const bool allowed = op.roles.count(role) > 0;
      const kiosk::ClientResponse r =
          op.websocket ? Upgrade(Fill(op) + "?token=" + token) : Call(op.method, Fill(op), "", token);
      if (r.status == 403) refused[role].insert(op.Name());
      if (allowed) {
        EXPECT_NE(r.status, 403) << r.body;
        EXPECT_NE(r.status, 401) << r.body;
        EXPECT_LT(r.status, 500) << r.body;
      } else {
        const std::string message = ExpectError(op.Name() + " as " + role, r, 403, "permission_denied");
        EXPECT_NE(message.find("role"), std::string::npos) << message;
      }
    }
  }
  // The operations each role is refused are exactly those the spec's
  // x-roles leave it out of: supervisor-only and kiosk-only ones for an
  // associate, kiosk-only ones for a supervisor, all but the kiosk's for a
  // kiosk. A change of roles in the code or the spec alone fails here.
  for (const std::string& role : kRoles) {
    std::set<std::string> expected;
    for (const auto& op : ops_) {
      if (!op.is_public && !op.roles.count(role)) expected.insert(op.Name());
    }
    EXPECT_EQ(refused[role], expected) << role;
  }
  // The spec says which operations are supervisor-only; there are some, and
  // associates are refused each of them while supervisors are not.
  std::set<std::string> supervisor_only;
  for (const auto& op : ops_) {
    if (op.roles == std::set<std::string>{"supervisor"}) supervisor_only.insert(op.Name());
  }
  EXPECT_GE(supervisor_only.size(), 5u);
  for (const auto& name : supervisor_only) {
    EXPECT_TRUE(refused["associate"].count(name)) << name;
    EXPECT_FALSE(refused["supervisor"].count(name)) << name;
  }
}

TEST_F(ApiHttpTest, MalformedBodiesAre400NamingTheProblem) {
  size_t with_body = 0;
  for (const auto& op : ops_) {
    if (!op.has_body) continue;
    ++with_body;
    SCOPED_TRACE(op.Name());
    const std::string target = Fill(op);
    const std::string token = AllowedToken(op);
    EXPECT_EQ(
        ExpectError("not JSON", Call(op.method, target, "{\"sku\": \"A\",", token), 400, "invalid_argument"),
        "request body is not valid JSON");
    EXPECT_EQ(ExpectError("not an object", Call(op.method, target, "[1, 2]", token), 400, "invalid_argument"),
              "request body must be a JSON object");
    if (op.body_required) {
      EXPECT_EQ(ExpectError("empty", Call(op.method, target, "", token), 400, "invalid_argument"),
                "request body is empty; expected a JSON object");
    }
    // An object without the fields the spec requires: the message names one.
    if (!op.required_fields.empty()) {
      const std::string message =
          ExpectError("no fields", Call(op.method, target, "{}", token), 400, "invalid_argument");
      bool named = false;
      for (const auto& f : op.required_fields)
        named = named || message.find("'" + f + "'") != std::string::npos;
      EXPECT_TRUE(named) << message;
    }
  }
  EXPECT_GE(with_body, 20u);
}

TEST_F(ApiHttpTest, MissingRequiredQueryParametersAre400NamingThem) {
  size_t checked = 0;
  for (const auto& op : ops_) {
    // The stream's token is its credential: the 401 test covers it.
    if (op.websocket || op.required_query.empty()) continue;
    SCOPED_TRACE(op.Name());
    ++checked;
    const std::string message =
        ExpectError(op.Name(), Call(op.method, Fill(op), "", AllowedToken(op)), 400, "invalid_argument");
    bool named = false;
    // "query parameter 'q' is missing", or the service's "q: type an order ref…".
    for (const auto& q : op.required_query) {
      named = named || message.find("'" + q + "'") != std::string::npos || message.rfind(q + ": ", 0) == 0;
    }
    EXPECT_TRUE(named) << message;
  }
  EXPECT_GE(checked, 3u);
}

TEST_F(ApiHttpTest, UnknownPathsAndMethodsAreJsonErrors) {
  ExpectError("unknown path", Call("GET", "/api/v1/no-such-thing", "", tokens_["ana"]), 404, "not_found");
  // A path of the spec with a method it does not list: 405 naming those it does.
  for (const auto& op : ops_) {
    if (op.websocket || Find("DELETE", op.path)) continue;
    SCOPED_TRACE(op.Name());
    auto r = Call("DELETE", Fill(op), "", tokens_["ana"]);
    ExpectError("DELETE " + op.path, r, 405, "method_not_allowed");
    EXPECT_NE(r.headers["allow"].find(op.method), std::string::npos) << r.headers["allow"];
  }
  // A made-up method is refused as malformed and counted, but adds no series
  // of its own to /metrics (a client could add them without end).
  EXPECT_EQ(Call("BREW", "/healthz").status, 400);
  auto m = daemon_->Get("/metrics");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->body.find("method=\"BREW\""), std::string::npos) << m->body;
  EXPECT_NE(
      m->body.find("storeedge_http_requests_total{method=\"(unread)\",route=\"(refused)\",code=\"400\"} "),
      std::string::npos)
      << m->body;
}

TEST_F(ApiHttpTest, BodiesOverTheLimitAre413AndTheDaemonCarriesOn) {
  const std::string limit = std::to_string(kMaxBodyBytes);
  // A body of exactly max_body_bytes is read: the login answers.
  json at_limit = {{"associate_id", "ana"}, {"pin", "1111"}, {"pad", ""}};
  at_limit["pad"] = std::string(kMaxBodyBytes - at_limit.dump().size(), 'x');
  ASSERT_EQ(at_limit.dump().size(), static_cast<size_t>(kMaxBodyBytes));
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", at_limit.dump()).status, 200);

  const std::string over = json{{"pad", std::string(kMaxBodyBytes + 1, 'x')}}.dump();
  for (const auto& op : ops_) {
    if (!op.has_body) continue;
    SCOPED_TRACE(op.Name());
    const std::string message =
        ExpectError(op.Name(), Call(op.method, Fill(op), over, AllowedToken(op)), 413, "payload_too_large");
    EXPECT_NE(message.find(limit), std::string::npos) << message;
    // The next request is answered.
    auto next = daemon_->Get("/healthz");
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(next->status, 200);
  }

  // Chunked, with no Content-Length to refuse it up front: refused when the
  // chunks pass the limit.
  RawConnection c(daemon_->port());
  ASSERT_TRUE(c.connected());
  std::string request =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(1024, 'x');
  for (int i = 0; i <= kMaxBodyBytes / 1024; ++i) request += "400\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  c.Send(request);  // the daemon may close before taking it all
  ASSERT_TRUE(c.WaitClosed(Clock::now() + 10s)) << "the connection stayed open";
  ExpectError("chunked", ParseRaw(c.received()), 413, "payload_too_large");
  EXPECT_EQ(daemon_->Get("/healthz")->status, 200);

  // Each refusal is counted among the requests answered, though no route
  // was reached.
  auto m = daemon_->Get("/metrics");
  ASSERT_TRUE(m.ok());
  const std::string key = "storeedge_http_requests_total{method=\"POST\",route=\"(refused)\",code=\"413\"} ";
  const size_t at = m->body.find(key);
  ASSERT_NE(at, std::string::npos) << m->body;
  size_t with_body = 0;
  for (const auto& op : ops_) with_body += op.has_body && op.method == "POST";
  EXPECT_GE(std::stod(m->body.substr(at + key.size())), static_cast<double>(with_body + 1)) << m->body;
}

TEST_F(ApiHttpTest, KioskLookupIsLimitedPerKioskAndPerOrderRef) {
  auto lookup = [&](size_t kiosk, const std::string& ref, const std::string& path = "/api/v1/kiosk/lookup") {
    return Call("POST", path, json{{"order_ref", ref}, {"pickup_code", "123456"}}.dump(),
                kiosk_tokens_.at(kiosk));
  };
  auto expect_limited = [&](const std::string& what, const kiosk::ClientResponse& r) {
    const std::string message = ExpectError(what, r, 429, "rate_limited");
    EXPECT_NE(message.find("too many"), std::string::npos) << message;
    auto retry = r.headers.find("retry-after");
    ASSERT_NE(retry, r.headers.end()) << what;
    EXPECT_GT(std::atoi(retry->second.c_str()), 0) << retry->second;
  };
  // Per order ref: six tries a minute. A ref that matches nothing answers
  // like a real order's wrong codes: 404 four times, then 403 (locked).
  for (int i = 0; i < 6; ++i) {
    if (i < 4) {
      ExpectError("ref try " + std::to_string(i), lookup(1, "W-NOPE-1"), 404, "not_found");
    } else {
      ExpectError("ref try " + std::to_string(i), lookup(1, "W-NOPE-1"), 403, "permission_denied");
    }
  }
  expect_limited("7th try of one ref", lookup(1, "W-NOPE-1"));
  // The check-in shares the limit; another kiosk is refused the ref too;
  // another ref is still answered.
  expect_limited("check-in of that ref", lookup(1, "W-NOPE-1", "/api/v1/kiosk/checkin"));
  expect_limited("that ref at another kiosk", lookup(3, "W-NOPE-1"));
  ExpectError("another ref", lookup(1, "W-NOPE-2"), 404, "not_found");

  // Per kiosk: twenty tries a minute whatever the refs.
  for (int i = 0; i < 20; ++i) {
    ExpectError("kiosk try " + std::to_string(i), lookup(2, "W-K-" + std::to_string(i)), 404, "not_found");
  }
  expect_limited("21st try of one kiosk", lookup(2, "W-K-20"));
  ExpectError("the same ref at another kiosk", lookup(3, "W-K-20"), 404, "not_found");
}

TEST_F(ApiHttpTest, StalledRequestsAreCutOffAfterTheRequestTimeout) {
  // A keep-alive connection that answered one request: the next one is
  // stalled half-way through its head, or never starts.
  RawConnection kept_stalled(daemon_->port()), kept_idle(daemon_->port());
  for (RawConnection* c : {&kept_stalled, &kept_idle}) {
    ASSERT_TRUE(c->connected());
    ASSERT_TRUE(c->Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_TRUE(c->ReadResponse(Clock::now() + 10s)) << c->received();
    EXPECT_EQ(ParseRaw(c->received()).status, 200);
    c->Clear();
  }
  const auto t0 = Clock::now();
  ASSERT_TRUE(kept_stalled.Send("GET /healthz HTTP/1.1\r\nHo"));
  // New connections: half a head; a whole head and half the body; nothing.
  RawConnection half_head(daemon_->port()), half_body(daemon_->port()), silent(daemon_->port());
  ASSERT_TRUE(half_head.connected() && half_body.connected() && silent.connected());
  ASSERT_TRUE(half_head.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"));
  ASSERT_TRUE(half_body.Send(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{\"associate_id\":"));
  // Meanwhile others are served at once.
  auto health = daemon_->Get("/healthz");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->status, 200);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(kRequestTimeoutS)) << "a stalled client held others up";

  // Each stalled request is cut off request_timeout_s after it began (well
  // before idle_timeout_s), without an answer or with a 408.
  const auto timeout = std::chrono::seconds(kRequestTimeoutS);
  const auto deadline = t0 + timeout + 3s;
  static_assert(kRequestTimeoutS + 3 < kIdleTimeoutS);
  for (auto [name, c] :
       {std::pair{"half a head", &half_head}, std::pair{"half a body", &half_body},
        std::pair{"nothing sent", &silent}, std::pair{"keep-alive, half a head", &kept_stalled}}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(c->WaitClosed(deadline)) << "still open " << kRequestTimeoutS + 3 << " s after it began";
    EXPECT_GE(Clock::now() - t0, timeout - 100ms) << "closed before request_timeout_s";
    EXPECT_TRUE(c->received().empty() || ParseRaw(c->received()).status == 408) << c->received();
  }
  // A keep-alive connection with nothing more to ask is closed after
  // idle_timeout_s.
  EXPECT_TRUE(kept_idle.WaitClosed(t0 + std::chrono::seconds(kIdleTimeoutS) + 3s));
  EXPECT_GE(Clock::now() - t0, std::chrono::seconds(kIdleTimeoutS) - 100ms);
  EXPECT_EQ(kept_idle.received(), "");
}

TEST_F(ApiHttpTest, EveryOperationSucceedsWithSeededData) {
  std::set<std::string> covered;
  const std::string ana = tokens_["ana"], sue = tokens_["sue"], kiosk = kiosk_tokens_.at(0);
  // Calls an operation of the spec and expects `status`, which the spec
  // must document as a success of it. Returns the body parsed (a JSON string
  // holding the body when it is not JSON).
  auto ok = [&](const std::string& method, const std::string& path,
                const std::map<std::string, std::string>& params, const std::string& query, const json& body,
                const std::string& token, int status = 200) -> json {
    const Operation* op = Find(method, path);
    EXPECT_NE(op, nullptr) << method << " " << path << " is not in the spec";
    if (!op) return nullptr;
    EXPECT_TRUE(op->success.count(status)) << op->Name() << ": " << status << " is not documented";
    covered.insert(op->Name());
    const std::string target = Fill(*op, params) + query;
    auto r = Call(method, target, body.is_null() ? "" : body.dump(), token);
    EXPECT_EQ(r.status, status) << method << " " << target << ": " << r.body;
    json j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json(r.body) : j;
  };
  const json none = nullptr;

  // ---- the daemon ----
  EXPECT_EQ(ok("GET", "/healthz", {}, "", none, "")["status"], "ok");
  EXPECT_EQ(ok("GET", "/readyz", {}, "", none, "")["status"], "ready");
  EXPECT_NE(ok("GET", "/metrics", {}, "", none, "").get<std::string>().find("# TYPE"), std::string::npos);
  EXPECT_EQ(ok("GET", "/api/v1/status", {}, "", none, "")["store"], "S042");

  // ---- users and sessions ----
  json login = ok("POST", "/api/v1/auth/login", {}, "", {{"associate_id", "bob"}, {"pin", "2222"}}, "");
  EXPECT_EQ(login["role"], "associate");
  EXPECT_EQ(login["token"].get<std::string>().size(), 64u);
  EXPECT_EQ(ok("GET", "/api/v1/me", {}, "", none, ana), (json{{"id", "ana"}, {"role", "associate"}}));
  EXPECT_EQ(ok("GET", "/api/v1/me", {}, "", none, kiosk), (json{{"id", "kiosk-1"}, {"role", "kiosk"}}));
  json users = ok("GET", "/api/v1/users", {}, "", none, sue);
  EXPECT_EQ(users["users"].size(), 4u);
  for (int i = 0; i < 5; ++i) {
    Call("POST", "/api/v1/auth/login", json{{"associate_id", "zed"}, {"pin", "0000"}}.dump());
  }
  EXPECT_EQ(LoginToken("zed", "4444"), "") << "zed is locked";
  EXPECT_EQ(ok("POST", "/api/v1/users/{id}/unlock", {{"id", "zed"}}, "", none, sue)["unlocked"], "zed");
  EXPECT_NE(LoginToken("zed", "4444"), "");
  const std::string bye = login["token"];
  EXPECT_EQ(ok("POST", "/api/v1/auth/logout", {}, "", none, bye)["signed_out"], "bob");
  EXPECT_EQ(Call("GET", "/api/v1/me", "", bye).status, 401);

  // ---- inventory ----
  json item = ok("GET", "/api/v1/inventory/items/{sku}", {{"sku", "SKU-A"}}, "", none, ana);
  EXPECT_EQ(item["sku"], "SKU-A");
  EXPECT_EQ(item["on_hand"], 20);
  EXPECT_EQ(ok("GET", "/api/v1/inventory/barcodes/{code}", {{"code", kGtinA}}, "", none, ana)["sku"],
            "SKU-A");
  json location = ok("GET", "/api/v1/inventory/locations/{code}", {{"code", "A-01-01"}}, "", none, ana);
  EXPECT_EQ(location["location"], "A-01-01");
  ASSERT_EQ(location["items"].size(), 1u);
  EXPECT_EQ(location["items"][0]["sku"], "SKU-A");
  const std::string gtin_n = Ean13("200000000099");
  json put = ok("PUT", "/api/v1/inventory/items/{sku}", {{"sku", "SKU-N"}}, "",
                {{"description", "Gift card holder"}, {"gtins", {gtin_n}}}, sue);
  EXPECT_EQ(put["sku"], "SKU-N");
  EXPECT_EQ(put["description"], "Gift card holder");
  json found = ok("GET", "/api/v1/inventory/search", {}, "?q=holder", none, ana);
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();
  EXPECT_EQ(found["items"][0]["sku"], "SKU-N");
  json adjusted = ok("POST", "/api/v1/inventory/adjustments", {}, "",
                     {{"kind", "receipt"}, {"sku", "SKU-B"}, {"qty", 5}, {"location", "A-01-02"}}, sue);
  EXPECT_EQ(adjusted["delta"], 5);
  EXPECT_EQ(adjusted["on_hand"], 25);

  // ---- orders routed by the OMS over MQTT ----
  // O-BACK first: its line waits for stock, so no event answers it; the
  // others are applied after it (one stream, in order).
  central_->Send("orders", "order.routed",
                 Routed("O-BACK", "ship_from_store", {Line("1", "SKU-C", 1, kGtinC, "backorder")}));
  central_->Send("orders", "order.routed",
                 Routed("O-SHIP", "ship_from_store", {Line("1", "SKU-A", 2, kGtinA)}));
  central_->Send("orders", "order.routed",
                 Routed("O-SHORT", "ship_from_store", {Line("1", "SKU-B", 2, kUpcB)}));
  central_->Send("orders", "order.routed",
                 Routed("O-PICK", "bopis", {Line("1", "SKU-A", 2, kGtinA)}, "482915"));
  central_->Send("orders", "order.routed",
                 Routed("O-CURB", "curbside", {Line("1", "SKU-B", 1, kUpcB)}, "135790"));
  for (const char* id : {"O-SHIP", "O-SHORT", "O-PICK", "O-CURB"}) {
    ASSERT_TRUE(central_->WaitForEvent("order.accepted", id)) << id << "\n" << daemon_->Stderr();
  }
  json queue = ok("GET", "/api/v1/queue", {}, "", none, ana);
  std::set<std::string> queued;
  for (const auto& o : queue["orders"]) queued.insert(o["order_id"]);
  EXPECT_TRUE(queued.count("O-SHIP") && queued.count("O-PICK")) << queue.dump();
  json order = ok("GET", "/api/v1/orders/{order_id}", {{"order_id", "O-SHIP"}}, "", none, ana);
  EXPECT_EQ(order["order"]["order_id"], "O-SHIP");
  EXPECT_EQ(order["order"]["state"], "accepted");
  json waiting = ok("GET", "/api/v1/backorders", {}, "", none, ana);
  ASSERT_EQ(waiting["lines"].size(), 1u) << waiting.dump();
  EXPECT_EQ(waiting["lines"][0]["order_id"], "O-BACK");

  // ---- picking: assign, reassign, claim, release, pick, short ----
  const std::string t1 = std::to_string(
      ok("POST", "/api/v1/tasks", {}, "", {{"order_ids", {"O-SHIP"}}}, ana, 201)["task_id"].get<int64_t>());
  json tasks = ok("GET", "/api/v1/tasks", {}, "", none, ana);
  ASSERT_FALSE(tasks["tasks"].empty());
  EXPECT_EQ(std::to_string(tasks["tasks"][0]["task_id"].get<int64_t>()), t1);
  json task = ok("GET", "/api/v1/tasks/{task_id}", {{"task_id", t1}}, "", none, ana);
  ASSERT_EQ(task["pick_lines"].size(), 1u);
  EXPECT_EQ(task["pick_lines"][0]["sku"], "SKU-A");
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/assign", {{"task_id", t1}}, "", {{"associate", "bob"}},
               sue)["task"]["assignee"],
            "bob");
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/reassign", {{"task_id", t1}}, "", {{"associate", "ana"}},
               sue)["task"]["assignee"],
            "ana");
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/claim", {{"task_id", t1}}, "", none, ana)["task"]["state"],
            "in_progress");
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/release", {{"task_id", t1}}, "", none, ana)["task"]["state"],
            "open");
  json picked =
      ok("POST", "/api/v1/tasks/{task_id}/pick", {{"task_id", t1}}, "", {{"scan", kGtinA}, {"qty", 2}}, ana);
  EXPECT_EQ(picked["order_picked"], true);
  EXPECT_EQ(picked["task_done"], true);

  const std::string t2 = std::to_string(
      ok("POST", "/api/v1/tasks", {}, "", {{"order_ids", {"O-SHORT"}}}, ana, 201)["task_id"].get<int64_t>());
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/pick", {{"task_id", t2}}, "", {{"scan", kUpcB}},
               ana)["line_remaining"],
            1);
  json t2_view = ok("GET", "/api/v1/tasks/{task_id}", {{"task_id", t2}}, "", none, ana);
  ASSERT_EQ(t2_view["pick_lines"].size(), 1u);
  const int64_t pick_line = t2_view["pick_lines"][0]["pick_line_id"];
  json shorted = ok("POST", "/api/v1/tasks/{task_id}/short", {{"task_id", t2}}, "",
                    {{"pick_line_id", pick_line}, {"qty", 1}, {"reason", "not_found"}}, ana);
  EXPECT_EQ(shorted["order_picked"], true);

  // ---- packing, labels and the carrier ----
  json boxes = ok("GET", "/api/v1/boxes", {}, "", none, ana);
  ASSERT_FALSE(boxes["boxes"].empty());
  const std::string box = boxes["boxes"][0]["name"];
  const std::string track1 = Ups("999AA1012345678"), track2 = Ups("999AA1012345679");
  ASSERT_FALSE(track1.empty() || track2.empty());
  std::map<std::string, std::string> package_of;
  for (const auto& [order_id, gtin, units, tracking] :
       std::vector<std::tuple<std::string, std::string, int, std::string>>{{"O-SHIP", kGtinA, 2, track1},
                                                                           {"O-SHORT", kUpcB, 1, track2}}) {
    json package = ok("POST", "/api/v1/orders/{order_id}/packages", {{"order_id", order_id}}, "",
                      {{"box", box}, {"station", "pack-1"}}, ana, 201);
    const std::string p = package["package_id"];
    package_of[order_id] = p;
    EXPECT_EQ(package["state"], "open");
    json packed_units = ok("POST", "/api/v1/packages/{package_id}/units", {{"package_id", p}}, "",
                           {{"scan", gtin}, {"qty", units}}, ana);
    ASSERT_EQ(packed_units["lines"].size(), 1u);
    EXPECT_EQ(packed_units["lines"][0]["qty"], units);
    EXPECT_EQ(ok("POST", "/api/v1/packages/{package_id}/close", {{"package_id", p}}, "", {{"weight_g", 900}},
                 ana)["state"],
              "closed");
    EXPECT_EQ(ok("POST", "/api/v1/orders/{order_id}/packed", {{"order_id", order_id}}, "", none,
                 ana)["order"]["state"],
              "packed");
    ASSERT_TRUE(central_->WaitForEvent("order.packed", order_id)) << daemon_->Stderr();
    central_->Send("shipments", "shipment.label",
                   {{"order_id", order_id},
                    {"package_id", p},
                    {"carrier", "UPS"},
                    {"tracking", tracking},
                    {"format", "pdf"},
                    {"data", Base64("%PDF-1.4\n% label " + tracking + "\n%%EOF\n")}});
  }
  const std::string p1 = package_of["O-SHIP"], p2 = package_of["O-SHORT"];
  json p1_view = ok("GET", "/api/v1/packages/{package_id}", {{"package_id", p1}}, "", none, ana);
  EXPECT_EQ(p1_view["package_id"], p1);
  EXPECT_EQ(p1_view["weight_g"], 900);
  const json slip = ok("GET", "/api/v1/packages/{package_id}/slip", {{"package_id", p1}}, "", none, ana);
  ASSERT_TRUE(slip.is_string());
  EXPECT_EQ(slip.get<std::string>().rfind("%PDF-", 0), 0u);
  EXPECT_EQ(
      ok("POST", "/api/v1/packages/{package_id}/slip/print", {{"package_id", p1}}, "", none, ana)["queued"],
      true);
  // The labels come from the OMS over MQTT: wait until both are in.
  for (const std::string& p : {p1, p2}) {
    const bool labelled = Eventually(
        [&] {
          auto r = Call("GET", "/api/v1/packages/" + p, "", ana);
          return r.status == 200 && json::parse(r.body).value("has_label", false);
        },
        20s);
    ASSERT_TRUE(labelled) << p << "\n" << daemon_->Stderr();
  }
  EXPECT_EQ(ok("POST", "/api/v1/packages/{package_id}/label/void", {{"package_id", p1}}, "",
               {{"reason", "smudged"}}, ana)["label_state"],
            "voided");
  EXPECT_EQ(ok("POST", "/api/v1/packages/{package_id}/label/reprint", {{"package_id", p1}}, "", none,
               ana)["package_id"],
            p1);
  for (const auto& [p, tracking] : {std::pair{p1, track1}, std::pair{p2, track2}}) {
    EXPECT_EQ(ok("POST", "/api/v1/packages/{package_id}/label/verify", {{"package_id", p}}, "",
                 {{"scan", tracking}}, ana)["label_state"],
              "verified");
  }
  json manifest = ok("GET", "/api/v1/manifest", {}, "?carrier=UPS", none, ana);
  EXPECT_EQ(manifest["packages"].size(), 2u) << manifest.dump();
  json handoff = ok("POST", "/api/v1/handoffs", {}, "", {{"carrier", "UPS"}, {"scan", track1}}, ana);
  EXPECT_EQ(handoff["package_id"], p1);
  EXPECT_EQ(handoff["order_shipped"], true);
  json confirmed = ok("POST", "/api/v1/manifest/confirm", {}, "", {{"carrier", "UPS"}}, ana);
  ASSERT_EQ(confirmed["handoffs"].size(), 1u) << confirmed.dump();
  EXPECT_EQ(confirmed["handoffs"][0]["order_id"], "O-SHORT");
  ASSERT_TRUE(central_->WaitForEvent("order.shipped", "O-SHORT"));

  // ---- pickup: bag, stage, the kiosk, the counter, the handover ----
  const std::string t3 = std::to_string(
      ok("POST", "/api/v1/tasks", {}, "", {{"order_ids", {"O-PICK"}}}, ana, 201)["task_id"].get<int64_t>());
  EXPECT_EQ(ok("POST", "/api/v1/tasks/{task_id}/pick", {{"task_id", t3}}, "", {{"scan", kGtinA}, {"qty", 2}},
               ana)["order_picked"],
            true);
  json bags = ok("POST", "/api/v1/orders/{order_id}/bags", {{"order_id", "O-PICK"}}, "",
                 {{"count", 1}, {"station", "bag-1"}}, ana, 201);
  ASSERT_EQ(bags["bags"].size(), 1u);
  const std::string bag = bags["bags"][0]["label_code"];
  EXPECT_EQ(ok("GET", "/api/v1/orders/{order_id}/bags", {{"order_id", "O-PICK"}}, "", none,
               ana)["bags"][0]["label_code"],
            bag);
  EXPECT_EQ(ok("POST", "/api/v1/orders/{order_id}/bags/print", {{"order_id", "O-PICK"}}, "",
               {{"station", "bag-1"}}, ana)["printed"],
            true);
  EXPECT_EQ(
      ok("POST", "/api/v1/bags/stage", {}, "", {{"bag", bag}, {"location", "P-01-1"}}, ana)["order_state"],
      "ready");
  json counter = ok("GET", "/api/v1/pickup/orders", {}, "?q=W-O-PICK", none, ana);
  ASSERT_EQ(counter["orders"].size(), 1u);
  EXPECT_EQ(counter["orders"][0]["state"], "ready");
  EXPECT_EQ(counter.dump().find("482915"), std::string::npos) << "the pickup code never leaves";

  EXPECT_EQ(ok("GET", "/api/v1/kiosk/bays", {}, "", none, kiosk)["bays"].size(), 8u);
  json looked = ok("POST", "/api/v1/kiosk/lookup", {}, "",
                   {{"order_ref", "W-O-PICK"}, {"pickup_code", "482915"}}, kiosk);
  EXPECT_EQ(looked,
            (json{{"order_ref", "W-O-PICK"}, {"first_name", "Maria"}, {"kind", "bopis"}, {"ready", true}}));
  json checkin = ok("POST", "/api/v1/kiosk/checkin", {}, "",
                    {{"qr", "SE1:ORD:W-O-PICK:482915"}, {"bay", "3"}, {"vehicle", "blue van"}}, kiosk, 201);
  EXPECT_EQ(checkin["bay"], "3");
  EXPECT_EQ(checkin["first_name"], "Maria");
  const std::string arrival = std::to_string(checkin["arrival_id"].get<int64_t>());
  EXPECT_EQ(
      ok("GET", "/api/v1/kiosk/arrivals/{arrival_id}", {{"arrival_id", arrival}}, "", none, kiosk)["state"],
      "waiting");
  json arrivals = ok("GET", "/api/v1/arrivals", {}, "", none, ana);
  ASSERT_EQ(arrivals["arrivals"].size(), 1u);
  EXPECT_EQ(arrivals["arrivals"][0]["order_id"], "O-PICK");
  json checked = ok("POST", "/api/v1/orders/{order_id}/pickup-code/check", {{"order_id", "O-PICK"}}, "",
                    {{"pickup_code", "482915"}}, ana);
  EXPECT_EQ(checked["ok"], true);
  EXPECT_EQ(ok("POST", "/api/v1/orders/{order_id}/bags/check", {{"order_id", "O-PICK"}}, "", {{"bag", bag}},
               ana)["bag"]["label_code"],
            bag);
  json handover = ok(
      "POST", "/api/v1/orders/{order_id}/handover", {{"order_id", "O-PICK"}}, "",
      {{"pickup_code", "482915"}, {"bag_scans", {bag}}, {"refused", {{{"line_id", "1"}, {"qty", 1}}}}}, ana);
  EXPECT_EQ(handover["picked_up"], (json{{{"line_id", "1"}, {"qty", 1}}}));
  ASSERT_TRUE(handover["restock_task"].is_number_integer()) << handover.dump();
  const std::string restock_task = std::to_string(handover["restock_task"].get<int64_t>());
  json restock_tasks = ok("GET", "/api/v1/tasks", {}, "?kind=restock", none, ana);
  ASSERT_EQ(restock_tasks["tasks"].size(), 1u);
  EXPECT_EQ(std::to_string(restock_tasks["tasks"][0]["task_id"].get<int64_t>()), restock_task);
  json restocked = ok("POST", "/api/v1/tasks/{task_id}/restock", {{"task_id", restock_task}}, "",
                      {{"scan", kGtinA}, {"location", "A-01-01"}}, ana);
  EXPECT_EQ(restocked["sku"], "SKU-A");
  EXPECT_EQ(restocked["task_done"], true);

  // ---- returns ----
  json returnable = ok("GET", "/api/v1/returns/lookup", {}, "?q=O-PICK", none, ana);
  ASSERT_EQ(returnable["lines"].size(), 1u);
  EXPECT_EQ(returnable["lines"][0]["returnable"], 1);
  json returned =
      ok("POST", "/api/v1/returns", {}, "",
         {{"order_id", "O-PICK"},
          {"lines", {{{"line_id", "1"}, {"qty", 1}, {"condition", "resellable"}, {"location", "A-01-01"}}}}},
         ana, 201);
  ASSERT_EQ(returned["returns"].size(), 1u);
  EXPECT_EQ(returned["returns"][0]["qty"], 1);

  // ---- curbside: an arrival told to an associate; a code lock lifted ----
  json told = ok("POST", "/api/v1/arrivals", {}, "", {{"order_id", "O-CURB"}, {"bay", "2"}}, ana, 201);
  EXPECT_EQ(told["ready"], false);
  json wrong;
  for (int i = 0; i < 5; ++i) {
    wrong = ok("POST", "/api/v1/orders/{order_id}/pickup-code/check", {{"order_id", "O-CURB"}}, "",
               {{"pickup_code", "000000"}}, ana);
    EXPECT_EQ(wrong["ok"], false);
  }
  EXPECT_EQ(wrong["locked"], true);
  EXPECT_EQ(ok("POST", "/api/v1/orders/{order_id}/pickup-code/unlock", {{"order_id", "O-CURB"}}, "", none,
               sue)["locked"],
            false);

  // ---- a scan at a station, as if its scanner read it ----
  json scanned =
      ok("POST", "/api/v1/stations/{station}/scans", {{"station", "pack-1"}}, "", {{"code", kGtinA}}, sue);
  EXPECT_EQ(scanned, (json{{"station", "pack-1"}, {"kind", "gtin"}, {"by", "sue"}}));

  // ---- reports ----
  json report = ok("GET", "/api/v1/reports/{name}", {{"name", "orders"}},
                   "?from=" + Today(-1) + "&to=" + Today(1), none, sue);
  EXPECT_EQ(report["name"], "orders");
  EXPECT_EQ(report["from"], Today(-1));
  EXPECT_FALSE(report["tables"].empty()) << report.dump();

  // ---- live updates ----
  for (const std::string& token : {ana, kiosk}) {
    covered.insert("GET /api/v1/stream");
    const Operation* stream = Find("GET", "/api/v1/stream");
    ASSERT_NE(stream, nullptr);
    EXPECT_TRUE(stream->success.count(101));
    EXPECT_EQ(Upgrade("/api/v1/stream?token=" + token).status, 101);
  }

  // Every operation of the spec was called successfully above.
  std::vector<std::string> missing;
  for (const auto& op : ops_) {
    if (!covered.count(op.Name())) missing.push_back(op.Name());
  }
  EXPECT_TRUE(missing.empty()) << "operations with no successful call in this test: " << json(missing).dump();
}

}  // namespace
}  // namespace edge::testing
