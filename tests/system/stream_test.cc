// The live stream over a real WebSocket against the running daemon: an
// associate's screens hear at once when the link to the OMS goes down and
// when it comes back (the "sync" channel), without polling.
#include <sys/socket.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

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

TEST(Stream, TheLinkToTheOmsGoingDownAndComingBackIsPushed) {
  TempDir dir;
  Mosquitto broker(dir);
  DaemonUnderTest d(
      dir, "T001",
      "[mqtt]\nuri = \"" + broker.uri() + "\"\nreconnect_min_ms = 100\nreconnect_max_ms = 300\n");
  ASSERT_EQ(RunProgram(dir,
                       {STOREEDGECTL_PATH, "--config", d.config_path(), "user", "add", "ana", "--name", "Ana",
                        "--role", "associate", "--pin-stdin"},
                       "", "1234\n")
                .code,
            0);
  ASSERT_TRUE(d.Start()) << d.Stderr();
  auto login = kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/auth/login",
                                  R"({"associate_id":"ana","pin":"1234"})");
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string token = json::parse(login->body)["token"];

  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), d.port()});
  const timeval tv{20, 0};  // no read waits longer than the test's deadlines
  ::setsockopt(ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ws.handshake("127.0.0.1", "/api/v1/stream?token=" + token);

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

}  // namespace
}  // namespace edge::testing
