// The HTTP server over a real loopback socket: routing, errors, limits.
#include "edge/kiosk/http.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "edge/kiosk/http_client.h"

namespace edge::kiosk {
namespace {

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/ping", [](const Request& r) {
      return Response::Json(
          200, nlohmann::json{{"pong", true}, {"q", r.query.count("x") ? r.query.at("x") : ""}}.dump());
    });
    router_.Add("POST", "/api/v1/echo", [](const Request& r) { return Response::Json(200, r.body); });
    router_.Add("GET", "/api/v1/orders/{id}", [](const Request& r) {
      return Response::Json(200, nlohmann::json{{"id", r.params.at("id")}}.dump());
    });
    router_.Add("GET", "/api/v1/boom", [](const Request&) -> Response { throw std::runtime_error("x"); });
    HttpOptions o;
    o.port = 0;
    o.body_limit_bytes = 1024;
    auto s = HttpServer::Start(io_, o, router_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    port_ = server_->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->Stop(); });
    thread_.join();
    server_.reset();
  }
  ClientResponse Call(const std::string& method, const std::string& target, const std::string& body = "") {
    auto r = HttpRequest("127.0.0.1", port_, method, target, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ClientResponse{};
  }

  boost::asio::io_context io_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(HttpTest, RoutesAndQuery) {
  auto r = Call("GET", "/api/v1/ping?x=a%20b");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["q"], "a b");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  auto p = Call("GET", "/api/v1/orders/O-1001");
  EXPECT_EQ(nlohmann::json::parse(p.body)["id"], "O-1001");
  EXPECT_EQ(Call("POST", "/api/v1/echo", R"({"a":1})").body, R"({"a":1})");
}

TEST_F(HttpTest, UnknownRouteAndMethodAreJsonErrors) {
  auto r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "not_found");
  auto m = Call("DELETE", "/api/v1/ping");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.headers["allow"], "GET");
  EXPECT_EQ(nlohmann::json::parse(m.body)["error"]["message"],
            "DELETE is not allowed on /api/v1/ping (allowed: GET)");
}

TEST_F(HttpTest, HandlerExceptionIs500AndServerKeepsServing) {
  auto r = Call("GET", "/api/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "internal");
  EXPECT_EQ(Call("GET", "/api/v1/ping").status, 200);
}

TEST_F(HttpTest, OversizeBodyIs413) {
  auto r = Call("POST", "/api/v1/echo", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["message"], "request body larger than 1024 bytes");
  EXPECT_EQ(Call("GET", "/api/v1/ping").status, 200);
}

TEST_F(HttpTest, GarbageRequestIs400) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  boost::asio::write(s, boost::asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
  std::string got;
  boost::system::error_code ec;
  char buf[1024];
  for (;;) {
    size_t n = s.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
}

TEST(HttpListen, ParsesAndRefuses) {
  std::string h;
  uint16_t p;
  ASSERT_TRUE(ParseListen("127.0.0.1:8080", &h, &p).ok());
  EXPECT_EQ(h, "127.0.0.1");
  EXPECT_EQ(p, 8080);
  ASSERT_TRUE(ParseListen("[::1]:9", &h, &p).ok());
  EXPECT_EQ(h, "::1");
  EXPECT_EQ(ParseListen("localhost", &h, &p).message(), "'localhost' is not host:port (e.g. 127.0.0.1:8080)");
  EXPECT_EQ(ParseListen("127.0.0.1:99999", &h, &p).message(),
            "'127.0.0.1:99999': port '99999' is not a number from 0 to 65535");
  EXPECT_EQ(ParseListen("shop:80", &h, &p).message(),
            "'shop:80': 'shop' is not an IP address (use 127.0.0.1, 0.0.0.0 or [::1])");
}

TEST(RouterAround, EveryHandlerRunsInsideItAndNothingElseDoes) {
  Router router;
  std::vector<std::string> seen;
  router.Add("GET", "/a/{x}", [&](const Request& r) {
    seen.push_back("handler " + r.params.at("x"));
    return Response::Json(200, "{}");
  });
  router.AddPrefix("/app", [&](const Request& r) {
    seen.push_back("prefix " + r.route);
    return Response::Json(200, "{}");
  });
  router.SetAround([&](const Request& r, const Handler& h) {
    seen.push_back("before " + r.route);
    Response out = h(r);
    seen.push_back("after");
    out.status = 299;
    return out;
  });
  auto status = [&](const std::string& method, const std::string& path) {
    Request r;
    r.method = method;
    r.path = path;
    return router.Dispatch(r).status;
  };
  EXPECT_EQ(status("GET", "/a/1"), 299);
  EXPECT_EQ(status("GET", "/app/x.js"), 299);
  EXPECT_EQ(status("GET", "/nope"), 404);
  EXPECT_EQ(status("POST", "/a/1"), 405);
  EXPECT_EQ(seen, (std::vector<std::string>{"before /a/{x}", "handler 1", "after", "before /app/*",
                                            "prefix /app/*", "after"}));
}

TEST(HttpServerStart, BusyPortIsAClearError) {
  boost::asio::io_context io;
  Router router;
  HttpOptions o;
  o.port = 0;
  auto a = HttpServer::Start(io, o, router);
  ASSERT_TRUE(a.ok());
  o.port = (*a)->port();
  auto b = HttpServer::Start(io, o, router);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().message(),
            "http listen 127.0.0.1:" + std::to_string(o.port) + ": Address already in use");
}

}  // namespace
}  // namespace edge::kiosk
