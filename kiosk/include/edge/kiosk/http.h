// The daemon's HTTP server (Boost.Beast on the daemon's io_context) and the
// router that maps requests to handlers.
//
// Handlers run on the io_context thread, the thread that owns the domain
// state, so they call app services directly. A handler that throws gets a
// 500 JSON error; the exception never leaves the Asio handler.
//
// Every connection has limits: header and body size (413 when exceeded), a
// deadline for reading a request and for idle keep-alive connections. Errors
// are JSON: {"error":{"code":"…","message":"…"}}.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "edge/core/status.h"

namespace edge::kiosk {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query as sent
  std::string path;    // without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;   // {name} segments of the matched route
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;  // peer address
  std::string route;   // the matched route pattern, e.g. "/api/v1/orders/{id}"

  // A header's value, or "" when absent. `name` in lower case.
  std::string Header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(int status, std::string body);
  // {"error":{"code":code,"message":message}}
  static Response Error(int status, const std::string& code, const std::string& message);
};

using Handler = std::function<Response(const Request&)>;

// Decides whether a WebSocket upgrade may proceed: the channels the client
// will receive, or an error (401/403) that is answered instead of upgrading.
using WebSocketAuthorizer = std::function<core::Result<std::vector<std::string>>(const Request&)>;

// What the server observed of one request, for metrics.
struct RequestRecord {
  std::string method;
  std::string route;  // matched pattern, or "(unmatched)"
  int status = 0;
  double seconds = 0;
};

// Routes by method and path. Paths may hold `{name}` segments, which match
// one non-empty segment and land in Request::params.
class Router {
 public:
  void Add(const std::string& method, const std::string& path, Handler handler);
  // Every GET (and HEAD) under `prefix` ("/app" matches "/app", "/app/" and
  // "/app/x/y"), tried after the exact routes.
  void AddPrefix(const std::string& prefix, Handler handler);
  // A WebSocket endpoint at `path` (GET with Upgrade: websocket).
  void AddWebSocket(const std::string& path, WebSocketAuthorizer authorize);
  // The authorizer for a WebSocket path, or nullptr.
  const WebSocketAuthorizer* FindWebSocket(const std::string& path) const;
  // Every handler of Add and AddPrefix is called through `around` (at most
  // one; the application's per-request setup, such as Database::StampScope).
  using Around = std::function<Response(const Request&, const Handler&)>;
  void SetAround(Around around) { around_ = std::move(around); }
  // 404 for an unknown path, 405 (with Allow) for a known path and another method.
  Response Dispatch(Request& request) const;
  // Every (method, path) registered with Add, for the OpenAPI check.
  std::vector<std::pair<std::string, std::string>> Routes() const;
  // Every path registered with AddWebSocket, sorted, for the OpenAPI check.
  std::vector<std::string> WebSocketPaths() const;

 private:
  struct Route {
    std::string method;
    std::string path;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::map<std::string, WebSocketAuthorizer> websockets_;
  std::vector<std::pair<std::string, Handler>> prefixes_;
  Around around_;
};

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port
  uint64_t body_limit_bytes = 1 << 20;
  uint32_t header_limit_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  // Messages queued for one WebSocket client beyond which it is dropped (a
  // client that does not read must not grow the daemon's memory).
  size_t websocket_queue_limit = 512;
  // Called on the io_context thread after each response is sent.
  std::function<void(const RequestRecord&)> on_request;
};

class HttpServer {
 public:
  // Binds and starts accepting. Fails with IoError naming the address when it
  // cannot listen (in use, not an address of this host, no permission).
  static core::Result<std::unique_ptr<HttpServer>> Start(boost::asio::io_context& io,
                                                         const HttpOptions& options, const Router& router);
  ~HttpServer();

  // Stops accepting and closes idle connections; requests in flight finish.
  void Stop();
  uint16_t port() const;
  // Connections open now (HTTP and WebSocket).
  size_t connections() const;
  // WebSocket clients connected now.
  size_t websocket_clients() const;
  // Sends `text` to every WebSocket client subscribed to `channel`.
  // io_context thread only.
  void Publish(const std::string& channel, const std::string& text);

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// Splits a host:port listen string ("127.0.0.1:8080", "[::1]:8080",
// "0.0.0.0:80"). Fails naming what is wrong.
core::Status ParseListen(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace edge::kiosk
