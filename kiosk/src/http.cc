#include "edge/kiosk/http.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <nlohmann/json.hpp>
#include <set>

#include "edge/log/log.h"

namespace edge::kiosk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using core::Status;

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Error(int status, const std::string& code, const std::string& message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  return Json(status, j.dump());
}

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

void Router::Add(const std::string& method, const std::string& path, Handler handler) {
  routes_.push_back(Route{method, path, Split(path), std::move(handler)});
}

void Router::AddPrefix(const std::string& prefix, Handler handler) {
  prefixes_.emplace_back(prefix, std::move(handler));
}

void Router::AddWebSocket(const std::string& path, WebSocketAuthorizer authorize) {
  websockets_[path] = std::move(authorize);
}

const WebSocketAuthorizer* Router::FindWebSocket(const std::string& path) const {
  auto it = websockets_.find(path);
  return it == websockets_.end() ? nullptr : &it->second;
}

Response Router::Dispatch(Request& request) const {
  const std::vector<std::string> segs = Split(request.path);
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      const std::string& want = r.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params[want.substr(1, want.size() - 2)] = PercentDecode(segs[i]);
      } else if (want != segs[i]) {
        match = false;
      }
    }
    if (!match) continue;
    if (r.method != request.method && !(request.method == "HEAD" && r.method == "GET")) {
      allowed.insert(r.method);
      continue;
    }
    request.params = std::move(params);
    request.route = r.path;
    return around_ ? around_(request, r.handler) : r.handler(request);
  }
  if (allowed.empty() && (request.method == "GET" || request.method == "HEAD")) {
    for (const auto& [prefix, handler] : prefixes_) {
      if (request.path == prefix || request.path.rfind(prefix + "/", 0) == 0) {
        request.route = prefix + "/*";
        return around_ ? around_(request, handler) : handler(request);
      }
    }
  }
  if (!allowed.empty()) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response resp =
        Response::Error(405, "method_not_allowed",
                        request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")");
    resp.headers.emplace_back("Allow", allow);
    return resp;
  }
  return Response::Error(404, "not_found", "no route for " + request.path);
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : routes_) out.emplace_back(r.method, r.path);
  return out;
}

std::vector<std::string> Router::WebSocketPaths() const {
  std::vector<std::string> out;
  for (const auto& entry : websockets_) out.push_back(entry.first);
  return out;
}

Status ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon;
  std::string h;
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return Status::InvalidArgument("'" + listen + "' is not host:port (IPv6 as [::1]:8080)");
    }
    h = listen.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("'" + listen + "' is not host:port (e.g. 127.0.0.1:8080)");
    }
    h = listen.substr(0, colon);
  }
  const std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(p) > 65535) {
    return Status::InvalidArgument("'" + listen + "': port '" + p + "' is not a number from 0 to 65535");
  }
  boost::system::error_code ec;
  asio::ip::make_address(h, ec);
  if (ec) {
    return Status::InvalidArgument("'" + listen + "': '" + h +
                                   "' is not an IP address (use 127.0.0.1, 0.0.0.0 or [::1])");
  }
  *host = h;
  *port = static_cast<uint16_t>(std::stoul(p));
  return Status::Ok();
}

// ---- server ----

class Session;
class WsSession;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, HttpOptions opts, const Router& r)
      : io(io), options(std::move(opts)), router(r), acceptor(io) {}

  void Accept();
  void Remove(Session* s) { sessions.erase(s); }
  void Remove(WsSession* s) { ws_sessions.erase(s); }

  asio::io_context& io;
  HttpOptions options;
  const Router& router;
  tcp::acceptor acceptor;
  bool stopped = false;
  std::set<Session*> sessions;
  std::set<WsSession*> ws_sessions;
};

// One WebSocket client: receives what is published on its channels. Reads
// only to notice the close and answer pings; messages from clients are
// ignored (commands go through the REST API).
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, std::vector<std::string> channels,
            std::shared_ptr<HttpServer::Impl> server)
      : ws_(std::move(stream)), channels_(channels.begin(), channels.end()), server_(std::move(server)) {}
  ~WsSession() {
    if (auto s = server_.lock()) s->Remove(this);
  }

  void Start(http::request<http::string_body> req) {
    auto server = server_.lock();
    if (!server) return;
    server->ws_sessions.insert(this);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "storeedged"); }));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->open_ = true;
      self->Read();
      if (!self->queue_.empty()) self->Write();
    });
  }

  bool Wants(const std::string& channel) const { return channels_.count(channel) > 0; }

  void Send(std::shared_ptr<const std::string> text) {
    auto server = server_.lock();
    if (!server || closing_) return;
    if (queue_.size() >= server->options.websocket_queue_limit) {
      // A client that stopped reading is dropped rather than buffered forever;
      // it reconnects and reloads its state.
      log::Warn("ws.client_dropped").Kv("reason", "send queue full").Kv("queued", queue_.size());
      return Close(websocket::close_code::policy_error);
    }
    queue_.push_back(std::move(text));
    if (open_ && queue_.size() == 1) Write();
  }

  void Close(websocket::close_code code = websocket::close_code::going_away) {
    if (closing_) return;
    closing_ = true;
    if (!open_) {
      beast::get_lowest_layer(ws_).close();
      return;
    }
    ws_.async_close(code, [self = shared_from_this()](beast::error_code) {});
  }

 private:
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->closing_ = true;
        return;
      }
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void Write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->closing_ = true;
        return;
      }
      self->queue_.pop_front();
      if (!self->queue_.empty() && !self->closing_) self->Write();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::set<std::string> channels_;
  std::weak_ptr<HttpServer::Impl> server_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool open_ = false;
  bool closing_ = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    boost::system::error_code ec;
    remote_ = stream_.socket().remote_endpoint(ec).address().to_string();
  }
  ~Session() {
    if (auto s = server_.lock()) s->Remove(this);
  }

  void Start() {
    if (auto s = server_.lock()) s->sessions.insert(this);
    ReadRequest(/*first=*/true);
  }

  // Closes the connection when it is idle; a request being handled finishes.
  void CloseIfIdle() {
    if (!busy_) {
      boost::system::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.close();
    }
  }

 private:
  void ReadRequest(bool first) {
    auto server = server_.lock();
    if (!server) return;
    parser_.emplace();
    parser_->body_limit(server->options.body_limit_bytes);
    parser_->header_limit(server->options.header_limit_bytes);
    busy_ = false;
    if (first || buffer_.size() > 0) return ReadMessage(server->options.read_timeout);
    // A kept-alive connection may idle until its next request begins; from
    // its first byte on, the request has the request timeout like any other.
    stream_.expires_after(server->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              if (auto server = self->server_.lock())
                                self->ReadMessage(server->options.read_timeout);
                            });
  }

  void ReadMessage(std::chrono::steady_clock::duration timeout) {
    stream_.expires_after(timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec) {
      // Answered before any route was found: counted all the same, under
      // the method when the request line gave a known one, and the route
      // "(refused)" (labels from a fixed set: a client cannot add series).
      started_ = std::chrono::steady_clock::now();
      const http::verb verb = parser_->get().method();
      method_ = verb == http::verb::unknown ? "(unread)" : std::string(http::to_string(verb));
      route_ = "(refused)";
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      auto server = server_.lock();
      const uint64_t limit = server ? server->options.body_limit_bytes : 0;
      return Send(Response::Error(413, "payload_too_large",
                                  ec == http::error::body_limit
                                      ? "request body larger than " + std::to_string(limit) + " bytes"
                                      : "request headers too large"),
                  /*keep_alive=*/false);
    }
    if (ec) {
      return Send(Response::Error(400, "bad_request", "malformed HTTP request: " + ec.message()), false);
    }
    busy_ = true;
    auto server = server_.lock();
    if (!server) return;
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) {
      const std::string qs = req.target.substr(q + 1);
      size_t i = 0;
      while (i <= qs.size()) {
        size_t amp = qs.find('&', i);
        if (amp == std::string::npos) amp = qs.size();
        const std::string kv = qs.substr(i, amp - i);
        if (!kv.empty()) {
          const size_t eq = kv.find('=');
          req.query[PercentDecode(kv.substr(0, eq))] =
              eq == std::string::npos ? "" : PercentDecode(kv.substr(eq + 1));
        }
        i = amp + 1;
      }
    }
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    req.body = std::move(msg.body());
    req.remote = remote_;
    started_ = std::chrono::steady_clock::now();
    if (websocket::is_upgrade(msg)) {
      const WebSocketAuthorizer* authorize = server->router.FindWebSocket(req.path);
      method_ = req.method;
      route_ = authorize ? req.path : "(unmatched)";
      if (!authorize) return Send(Response::Error(404, "not_found", "no WebSocket at " + req.path), false);
      auto channels = (*authorize)(req);
      if (!channels.ok()) {
        const bool unauth = channels.status().code() == core::StatusCode::kUnauthenticated;
        return Send(Response::Error(unauth ? 401 : 403, unauth ? "unauthenticated" : "permission_denied",
                                    channels.status().message()),
                    false);
      }
      // Hand the connection over to a WebSocket session; this HTTP session
      // ends (an upgrade is not an answered request).
      method_.clear();
      auto ws = std::make_shared<WsSession>(std::move(stream_), std::move(channels).value(), server);
      ws->Start(parser_->release());
      return;
    }
    Response resp;
    try {
      resp = server->router.Dispatch(req);
    } catch (const std::exception& e) {
      log::Error("http.handler_failed").Kv("path", req.path).Kv("error", e.what());
      resp = Response::Error(500, "internal", "internal error while handling " + req.path);
    }
    const bool head = req.method == "HEAD";
    method_ = req.method;
    route_ = req.route.empty() ? "(unmatched)" : req.route;
    Send(std::move(resp), msg.keep_alive() && !server->stopped, head);
  }

  void Send(Response resp, bool keep_alive, bool head = false) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(resp.status));
    res->set(http::field::server, "storeedged");
    res->set(http::field::content_type, resp.content_type);
    res->set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : resp.headers) res->set(k, v);
    res->keep_alive(keep_alive);
    status_ = resp.status;
    res->body() = std::move(resp.body);
    res->prepare_payload();
    if (head) res->body().clear();
    auto server = server_.lock();
    stream_.expires_after(server ? server->options.read_timeout : std::chrono::seconds(30));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                        self->Observe();
                        if (ec || !keep_alive) return self->Close();
                        self->ReadRequest(/*first=*/false);
                      });
  }

  void Observe() {
    auto server = server_.lock();
    if (!server || !server->options.on_request || method_.empty()) return;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server->options.on_request(RequestRecord{method_, route_, status_, secs});
    method_.clear();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::weak_ptr<HttpServer::Impl> server_;
  std::string remote_;
  bool busy_ = false;
  std::chrono::steady_clock::time_point started_{};
  std::string method_;
  std::string route_;
  int status_ = 0;
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped) return;
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        log::Warn("http.accept_failed").Kv("error", ec.message());
      }
    } else {
      // Small request/response exchanges: do not let Nagle hold them back.
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), self)->Start();
    }
    self->Accept();
  });
}

core::Result<std::unique_ptr<HttpServer>> HttpServer::Start(asio::io_context& io, const HttpOptions& options,
                                                            const Router& router) {
  auto impl = std::make_shared<Impl>(io, options, router);
  const std::string where = options.address + ":" + std::to_string(options.port);
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(options.address, ec);
  if (ec) return Status::InvalidArgument("http listen " + where + ": not an IP address");
  const tcp::endpoint ep(addr, options.port);
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("http listen " + where + ": " + ec.message());
  impl->Accept();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  // Copy: closing a session may end it and remove it from the set.
  std::vector<Session*> open(impl_->sessions.begin(), impl_->sessions.end());
  for (Session* s : open) s->CloseIfIdle();
  std::vector<WsSession*> ws(impl_->ws_sessions.begin(), impl_->ws_sessions.end());
  for (WsSession* s : ws) s->Close();
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

size_t HttpServer::connections() const { return impl_->sessions.size() + impl_->ws_sessions.size(); }

size_t HttpServer::websocket_clients() const { return impl_->ws_sessions.size(); }

void HttpServer::Publish(const std::string& channel, const std::string& text) {
  auto shared = std::make_shared<const std::string>(text);
  // Copy: a full queue closes (and may remove) a session.
  std::vector<WsSession*> ws(impl_->ws_sessions.begin(), impl_->ws_sessions.end());
  for (WsSession* s : ws) {
    if (s->Wants(channel)) s->Send(shared);
  }
}

}  // namespace edge::kiosk
