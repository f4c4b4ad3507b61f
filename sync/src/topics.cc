#include "edge/sync/topics.h"

#include <mqtt/async_client.h>

namespace edge::sync {

Topics::Topics(const std::string& store_id) {
  const std::string base = "oms/v1/stores/" + store_id + "/";
  orders = base + "orders";
  inventory = base + "inventory";
  shipments = base + "shipments";
  control = base + "control";
  events = base + "events";
  status = base + "status";
}

std::string Topics::StreamOf(const std::string& topic) const {
  if (topic == orders) return "orders";
  if (topic == inventory) return "inventory";
  if (topic == shipments) return "shipments";
  if (topic == control) return "control";
  return "";
}

std::string MqttLibraryVersion() { return mqtt::VERSION_STR; }

}  // namespace edge::sync
