#include "edge/sync/socket_tuning.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace edge::sync {
namespace {

TEST(SocketTuning, BrokerPortOfEachUriForm) {
  EXPECT_EQ(BrokerPort("tcp://127.0.0.1:1884"), 1884);
  EXPECT_EQ(BrokerPort("ssl://broker.example:8884"), 8884);
  EXPECT_EQ(BrokerPort("ssl://[::1]:9000"), 9000);
  EXPECT_EQ(BrokerPort("mqtt://broker"), 1883);
  EXPECT_EQ(BrokerPort("mqtts://broker"), 8883);
  EXPECT_EQ(BrokerPort("tcp://broker:x"), 0);
  EXPECT_EQ(BrokerPort("tcp://broker:70000"), 0);
}

bool NoDelay(int fd) {
  int v = 0;
  socklen_t len = sizeof v;
  return ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v != 0;
}

TEST(SocketTuning, SetsNoDelayOnConnectionsToThePortOnly) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const uint16_t port = ntohs(a.sin_port);

  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const int accepted = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(accepted, 0);
  ASSERT_FALSE(NoDelay(client));

  EXPECT_EQ(SetNoDelayOnConnectionsTo(static_cast<uint16_t>(port + 1 == 0 ? 2 : port + 1)), 0);
  EXPECT_FALSE(NoDelay(client));
  EXPECT_EQ(SetNoDelayOnConnectionsTo(port), 1)
      << "the client side only: the accepted socket's peer port differs";
  EXPECT_TRUE(NoDelay(client));
  EXPECT_FALSE(NoDelay(accepted));
  ::close(accepted);
  ::close(client);
  ::close(listener);
}

}  // namespace
}  // namespace edge::sync
