// The live stream over a real WebSocket against the running daemon: an
// associate's screens hear at once when the link to the OMS goes down and
// when it comes back (the "sync" channel), without polling.
#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "edge/testing/central.h"
#include "edge/testing/daemon.h"
#include "edge/testing/mosquitto.h"

namespace edge::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using namespace std::chrono_literals;

// Reads stream messages until one satisfies `pred` or `timeout` passes
// (each read is bounded by the socket's receive timeout).
std::optional<json> ReadUntil(websocket::stream<asio::ip::tcp::socket>& ws,
                              const std::function<bool(const json&)>& pred, std::chrono::seconds timeout,
                              std::vector<json>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    beast::flat_buffer b;
    beast::error_code ec;
    ws.read(b, ec);
    if (ec) return std::nullopt;
    json j = json::parse(beast::buffers_to_string(b.data()), nullptr, false);
    seen->push_back(j);
    if (!j.is_discarded() && pred(j)) return j;
  }
  return std::nullopt;
}

// Adds a user with storeedgectl and signs them in to the running daemon;
// the session token, or "" on failure.
std::string AddAndSignIn(const TempDir& dir, DaemonUnderTest& d, const std::string& id,
                         const std::string& role, const std::string& pin) {
  if (RunProgram(dir,
                 {STOREEDGECTL_PATH, "--config", d.config_path(), "user", "add", id, "--name", id, "--role",
                  role, "--pin-stdin"},
                 "", pin + "\n")
          .code != 0)
    return "";
  auto login = kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/auth/login",
                                  json{{"associate_id", id}, {"pin", pin}}.dump());
  if (!login.ok() || login->status != 200) return "";
  return json::parse(login->body).value("token", "");
}

// The live stream as an associate's screen opens it; no read waits longer
// than 20 s (the tests' deadlines).
void OpenStream(websocket::stream<asio::ip::tcp::socket>& ws, uint16_t port, const std::string& token) {
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  const timeval tv{20, 0};
  ::setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ws.handshake("127.0.0.1", "/api/v1/stream?token=" + token);
}

TEST(Stream, TheLinkToTheOmsGoingDownAndComingBackIsPushed) {
  TempDir dir;
  Mosquitto broker(dir);
  DaemonUnderTest d(
      dir, "T001",
      "[mqtt]\nuri = \"" + broker.uri() + "\"\nreconnect_min_ms = 100\nreconnect_max_ms = 300\n");
  ASSERT_TRUE(d.Start()) << d.Stderr();
  const std::string token = AddAndSignIn(dir, d, "ana", "associate", "1234");
  ASSERT_FALSE(token.empty()) << d.Stderr();
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  OpenStream(ws, d.port(), token);

  // Connected first (the daemon links up on its own).
  std::vector<json> seen;
  auto up = [](const json& j) { return j.value("type", "") == "sync" && j.value("connected", false); };
  auto down = [](const json& j) { return j.value("type", "") == "sync" && !j.value("connected", true); };
  auto status = d.Get("/api/v1/status");
  ASSERT_TRUE(status.ok());
  if (!json::parse(status->body)["sync"].value("connected", false)) {
    ASSERT_TRUE(ReadUntil(ws, up, 30s, &seen)) << d.Stderr();
  }
  broker.Kill();
  auto went = ReadUntil(ws, down, 30s, &seen);
  ASSERT_TRUE(went) << json(seen).dump();
  EXPECT_TRUE((*went)["outbox_depth"].is_number());
  broker.Start();
  auto back = ReadUntil(ws, up, 60s, &seen);
  ASSERT_TRUE(back) << json(seen).dump() << d.Stderr();
  EXPECT_EQ((*back)["state"], "connected");

  ws.close(websocket::close_code::normal);
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

// A receipt from the OMS that gives a waiting backorder line its stock puts
// the order in the pick queue: the screens are told at once (the "orders"
// channel), not at their next unrelated update.
TEST(Stream, AReceiptThatFillsABackorderTellsTheScreens) {
  TempDir dir;
  Mosquitto broker(dir);
  DaemonUnderTest d(dir, "S042", "[mqtt]\nuri = \"" + broker.uri() + "\"\n");
  CentralOms central(broker.uri(), "S042");
  ASSERT_TRUE(central.Connect()) << central.client().error();
  ASSERT_TRUE(d.Start()) << d.Stderr();
  ASSERT_TRUE(central.WaitForOnline()) << d.Stderr();
  const std::string token = AddAndSignIn(dir, d, "ana", "associate", "1234");
  ASSERT_FALSE(token.empty()) << d.Stderr();
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  OpenStream(ws, d.port(), token);
  std::vector<json> seen;
  auto orders_changed = [](const json& j) { return j.value("type", "") == "orders_changed"; };

  central.Send("inventory", "inventory.snapshot",
               {{"snapshot_id", "s"},
                {"as_of_store_seq", 0},
                {"chunk", 1},
                {"chunks", 1},
                {"items", {{{"sku", "SKU-C"}, {"on_hand", 0}}}}});
  json line = {{"line_id", "1"},
               {"sku", "SKU-C"},
               {"qty", 1},
               {"fulfil", "backorder"},
               {"expected_at", "2030-01-15T00:00:00Z"},
               {"description", "Item C"}};
  central.Send("orders", "order.routed", RoutedOrder("O-BACK", json::array({line})));
  // The routed order is told (it waits for stock, so it is not in the queue).
  ASSERT_TRUE(ReadUntil(ws, orders_changed, 20s, &seen)) << json(seen).dump() << d.Stderr();
  auto queue = [&] {
    auto r = kiosk::HttpRequest("127.0.0.1", d.port(), "GET", "/api/v1/queue", "",
                                {{"authorization", "Bearer " + token}});
    EXPECT_TRUE(r.ok() && r->status == 200);
    return r.ok() ? json::parse(r->body, nullptr, false) : json();
  };
  EXPECT_EQ(queue()["orders"].size(), 0u) << queue().dump();

  central.Send("inventory", "inventory.delta",
               {{"sku", "SKU-C"}, {"delta", 1}, {"reason", "receipt"}, {"ref", "PO-1"}});
  ASSERT_TRUE(ReadUntil(ws, orders_changed, 20s, &seen)) << json(seen).dump() << d.Stderr();
  const json after = queue();
  ASSERT_EQ(after["orders"].size(), 1u) << after.dump();
  EXPECT_EQ(after["orders"][0]["order_id"], "O-BACK");

  // A receipt booked in the store by a supervisor is told the same way.
  const std::string sue = AddAndSignIn(dir, d, "sue", "supervisor", "4321");
  ASSERT_FALSE(sue.empty()) << d.Stderr();
  auto receipt =
      kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/inventory/adjustments",
                         R"({"kind":"receipt","sku":"SKU-C","qty":2})", {{"authorization", "Bearer " + sue}});
  ASSERT_TRUE(receipt.ok());
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  ASSERT_TRUE(ReadUntil(ws, orders_changed, 20s, &seen)) << json(seen).dump() << d.Stderr();

  ws.close(websocket::close_code::normal);
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing
