// TCP_NODELAY for the MQTT library's socket.
//
// Paho C never sets TCP_NODELAY and gives no access to its socket. Under
// pipelined QoS 1 traffic (a PUBLISH, its PUBACK, the next PUBLISH) Nagle's
// algorithm then holds small segments back until the peer's delayed ACK:
// 40 ms and more per round trip, even on loopback. After each connect the
// client looks for its own TCP sockets connected to the broker's port and
// turns Nagle off on them. A socket of another connection to the same port,
// should there be one, only gets the same harmless option.
#pragma once

#include <cstdint>
#include <string>

namespace edge::sync {

// The port of a broker URI ("tcp://host:1883", "ssl://[::1]:8883",
// "mqtt://host" → 1883, "mqtts://host" → 8883); 0 when it names none.
uint16_t BrokerPort(const std::string& uri);

// Sets TCP_NODELAY on every connected TCP socket of this process whose peer
// port is `port`. Returns how many sockets it set.
int SetNoDelayOnConnectionsTo(uint16_t port);

}  // namespace edge::sync
