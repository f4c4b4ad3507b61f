// WebSocket endpoint over a real loopback socket: authorization decides the
// channels; published messages reach subscribed clients only; a refused
// upgrade is a JSON 401; the request observer sees every HTTP request.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <future>
#include <thread>

#include "edge/kiosk/http.h"
#include "edge/kiosk/http_client.h"

namespace edge::kiosk {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class WebSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/ping", [](const Request&) { return Response::Json(200, "{}"); });
    router_.AddWebSocket("/api/v1/stream", [](const Request& r) -> core::Result<std::vector<std::string>> {
      const auto it = r.query.find("token");
      if (it == r.query.end() || it->second == "bad") return core::Status::Unauthenticated("bad token");
      if (it->second == "kiosk") return std::vector<std::string>{"kiosk"};
      return std::vector<std::string>{"tasks", "orders"};
    });
    HttpOptions o;
    o.port = 0;
    o.on_request = [this](const RequestRecord& r) { records_.push_back(r); };
    auto s = HttpServer::Start(io_, o, router_);
    ASSERT_TRUE(s.ok());
    server_ = std::move(s).value();
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    asio::post(io_, [this] { server_->Stop(); });
    thread_.join();
  }
  // Runs `f` on the server's thread and waits for it.
  template <typename F>
  auto OnServer(F f) {
    std::packaged_task<decltype(f())()> task(f);
    auto fut = task.get_future();
    asio::post(io_, [&task] { task(); });
    return fut.get();
  }
  // Waits until the server counts `n` WebSocket clients (bounded).
  bool WaitClients(size_t n) {
    for (int i = 0; i < 2000; ++i) {
      if (OnServer([this] { return server_->websocket_clients(); }) == n) return true;
      std::this_thread::yield();
    }
    return false;
  }

  asio::io_context io_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::vector<RequestRecord> records_;  // touched on the server thread only
};

struct Client {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  void Connect(uint16_t port, const std::string& target) {
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws.handshake("127.0.0.1", target);
  }
  std::string Read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
};

TEST_F(WebSocketTest, PublishesToSubscribedChannelsOnly) {
  Client associate, kiosk;
  associate.Connect(port_, "/api/v1/stream?token=t1");
  kiosk.Connect(port_, "/api/v1/stream?token=kiosk");
  ASSERT_TRUE(WaitClients(2));
  OnServer([this] {
    server_->Publish("orders", R"({"type":"order","id":"O-1"})");
    server_->Publish("kiosk", R"({"type":"wait","minutes":3})");
    server_->Publish("nobody", R"({"x":1})");
    return 0;
  });
  EXPECT_EQ(associate.Read(), R"({"type":"order","id":"O-1"})");
  EXPECT_EQ(kiosk.Read(), R"({"type":"wait","minutes":3})");
  associate.ws.close(websocket::close_code::normal);
  ASSERT_TRUE(WaitClients(1));
}

TEST_F(WebSocketTest, RefusedUpgradeIsJson401) {
  auto r = HttpRequest("127.0.0.1", port_, "GET", "/api/v1/stream?token=bad", "",
                       {{"Connection", "Upgrade"},
                        {"Upgrade", "websocket"},
                        {"Sec-WebSocket-Version", "13"},
                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body, R"({"error":{"code":"unauthenticated","message":"bad token"}})");
  // An upgrade to a path that is no WebSocket is a 404.
  auto n = HttpRequest("127.0.0.1", port_, "GET", "/api/v1/ping", "",
                       {{"Connection", "Upgrade"},
                        {"Upgrade", "websocket"},
                        {"Sec-WebSocket-Version", "13"},
                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->status, 404);
}

TEST_F(WebSocketTest, StopClosesClients) {
  Client c;
  c.Connect(port_, "/api/v1/stream?token=t1");
  ASSERT_TRUE(WaitClients(1));
  OnServer([this] {
    server_->Stop();
    return 0;
  });
  beast::flat_buffer b;
  beast::error_code ec;
  c.ws.read(b, ec);
  EXPECT_EQ(ec, websocket::error::closed);
}

TEST_F(WebSocketTest, ObserverSeesRequests) {
  auto r = HttpRequest("127.0.0.1", port_, "GET", "/api/v1/ping");
  ASSERT_TRUE(r.ok());
  auto n = HttpRequest("127.0.0.1", port_, "GET", "/nope");
  ASSERT_TRUE(n.ok());
  // The observer runs once the response is written, which may be just after
  // the client has read it.
  std::vector<RequestRecord> recs;
  for (int i = 0; i < 2000 && recs.size() < 2; ++i) recs = OnServer([this] { return records_; });
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].route, "/api/v1/ping");
  EXPECT_EQ(recs[0].status, 200);
  EXPECT_GE(recs[0].seconds, 0.0);
  EXPECT_EQ(recs[1].route, "(unmatched)");
  EXPECT_EQ(recs[1].status, 404);
}

}  // namespace
}  // namespace edge::kiosk
