// A small blocking HTTP/1.1 client for storeedgectl and for tests that talk
// to the daemon over real HTTP. Not for use on the daemon's io_context thread.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "edge/core/status.h"

namespace edge::kiosk {

struct ClientResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Sends one request to host:port and returns the response. Fails with
// Unavailable when nothing listens there or the deadline passes, naming the
// address.
core::Result<ClientResponse> HttpRequest(const std::string& host, uint16_t port, const std::string& method,
                                         const std::string& target, const std::string& body = "",
                                         const std::map<std::string, std::string>& headers = {},
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace edge::kiosk
