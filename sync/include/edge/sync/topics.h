// MQTT topic names of the wire contract (PROTOCOL.md, "Topics") for one store.
// Values; any thread.
#pragma once

#include <string>

namespace edge::sync {

struct Topics {
  explicit Topics(const std::string& store_id);

  // central -> node
  std::string orders;
  std::string inventory;
  std::string shipments;
  std::string control;
  // node -> central
  std::string events;
  std::string status;  // retained; also the will

  // The inbound stream a topic carries ("orders", …), or "" for a topic that
  // is not one of this store's inbound topics.
  std::string StreamOf(const std::string& topic) const;
};

// The Paho MQTT C++ library's version, for `storeedged --version`.
std::string MqttLibraryVersion();

}  // namespace edge::sync
