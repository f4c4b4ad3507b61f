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

// Routes by method and path. Paths may hold `{name}` segments, which match
// one non-empty segment and land in Request::params.
class Router {
 public:
  void Add(const std::string& method, const std::string& path, Handler handler);
  // 404 for an unknown path, 405 (with Allow) for a known path and another method.
  Response Dispatch(Request& request) const;
  // Every (method, path) registered, for the OpenAPI check.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string path;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct HttpOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port
  uint64_t body_limit_bytes = 1 << 20;
  uint32_t header_limit_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
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
  // Connections open now.
  size_t connections() const;

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// Splits a host:port listen string ("127.0.0.1:8080", "[::1]:8080",
// "0.0.0.0:80"). Fails naming what is wrong.
core::Status ParseListen(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace edge::kiosk
