#include "edge/kiosk/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace edge::kiosk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

core::Result<ClientResponse> HttpRequest(const std::string& host, uint16_t port, const std::string& method,
                                         const std::string& target, const std::string& body,
                                         const std::map<std::string, std::string>& headers,
                                         std::chrono::milliseconds timeout) {
  const std::string where = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                            ":" + std::to_string(port);
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    tcp::resolver resolver(io);
    beast::error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return core::Status::Unavailable(where + ": cannot resolve host: " + ec.message());
    ClientResponse out;
    bool done = false;
    beast::flat_buffer buffer;
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host);
    req.set(http::field::user_agent, "storeedgectl");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);

    stream.expires_after(timeout);
    stream.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) {
      if (e) {
        ec = e;
        return;
      }
      stream.socket().set_option(tcp::no_delay(true), e);
      http::async_write(stream, req, [&](beast::error_code e2, size_t) {
        if (e2) {
          ec = e2;
          return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code e3, size_t) {
          ec = e3;
          done = !e3;
        });
      });
    });
    io.run();
    if (!done) {
      return core::Status::Unavailable(where + ": " +
                                       (ec == beast::error::timeout
                                            ? "no answer within " + std::to_string(timeout.count()) + " ms"
                                            : ec.message()));
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return out;
  } catch (const std::exception& e) {
    return core::Status::Unavailable(where + ": " + e.what());
  }
}

}  // namespace edge::kiosk
