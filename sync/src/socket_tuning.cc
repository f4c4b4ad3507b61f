#include "edge/sync/socket_tuning.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>

namespace edge::sync {

uint16_t BrokerPort(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : uri.substr(0, scheme_end);
  std::string rest = scheme_end == std::string::npos ? uri : uri.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  size_t host_end = 0;
  if (!rest.empty() && rest[0] == '[') {
    host_end = rest.find(']');
    if (host_end == std::string::npos) return 0;
    ++host_end;
  } else {
    host_end = rest.find(':');
    if (host_end == std::string::npos) host_end = rest.size();
  }
  if (host_end < rest.size() && rest[host_end] == ':') {
    const std::string digits = rest.substr(host_end + 1);
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return 0;
    }
    const long p = std::strtol(digits.c_str(), nullptr, 10);
    return p > 0 && p <= 65535 ? static_cast<uint16_t>(p) : 0;
  }
  if (scheme == "ssl" || scheme == "mqtts" || scheme == "wss") return 8883;
  return 1883;
}

int SetNoDelayOnConnectionsTo(uint16_t port) {
  if (port == 0) return 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 0;
  int set = 0;
  const int self = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == self) continue;
    int type = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
      continue;
    sockaddr_storage peer{};
    socklen_t plen = sizeof peer;
    if (::getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    uint16_t peer_port = 0;
    if (peer.ss_family == AF_INET) {
      peer_port = ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      peer_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port);
    } else {
      continue;
    }
    if (peer_port != port) continue;
    const int one = 1;
    if (::setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0) ++set;
  }
  ::closedir(dir);
  return set;
}

}  // namespace edge::sync
