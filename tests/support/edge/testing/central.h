// CentralOms: the central side of ../shared/PROTOCOL.md in tests — sends
// enveloped messages on the four inbound streams (ids unique, seq 1, 2, 3 …
// per stream, as the contract says) and collects the node's `events` and
// retained `status`, parsed. Built on MqttTestClient (a real Paho client on a
// real broker); every wait has a deadline. Header-only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edge/testing/mqtt_client.h"

namespace edge::testing {

// The data of an order.routed message as the OMS sends it: a ship-from-store
// order of Ana Ruiz's with `lines` (each {line_id, sku, qty, fulfil, …}).
inline nlohmann::json RoutedOrder(const std::string& order_id, nlohmann::json lines) {
  return {{"order_id", order_id},
          {"order_ref", "W-" + order_id},
          {"kind", "ship_from_store"},
          {"priority", 5},
          {"placed_at", "2026-11-27T09:00:00Z"},
          {"promised_by", "2026-11-28T18:00:00Z"},
          {"hold_until", nullptr},
          {"pickup_code", nullptr},
          {"customer", {{"first_name", "Ana"}, {"last_name", "Ruiz"}, {"phone_last4", "0173"}}},
          {"ship_to",
           {{"name", "Ana Ruiz"},
            {"line1", "1 Main St"},
            {"city", "Springfield"},
            {"postcode", "12345"},
            {"country", "US"}}},
          {"carrier_service", "UPS_GROUND"},
          {"lines", std::move(lines)}};
}

class CentralOms {
 public:
  // Connects as `client_id` with a persistent session (events published
  // while this side is away are queued by the broker) and subscribes to the
  // store's events and status.
  CentralOms(std::string uri, std::string store, std::string client_id = "central-test", uint64_t seed = 1)
      : store_(std::move(store)), rng_(seed), client_(Options(std::move(uri), std::move(client_id))) {}

  ~CentralOms() { StopServingReplays(); }

  bool Connect() {
    if (!client_.Connect()) return false;
    return client_.Subscribe(Topic("events")) >= 0 && client_.Subscribe(Topic("status")) >= 0;
  }

  std::string Topic(const std::string& stream) const { return "oms/v1/stores/" + store_ + "/" + stream; }

  // The envelope of the next message on `stream` (its seq taken).
  nlohmann::json Envelope(const std::string& stream, const std::string& type, nlohmann::json data) {
    return {{"id", NewId()},          {"type", type},          {"store", store_},
            {"stream", stream},       {"seq", ++seq_[stream]}, {"ts", "2026-11-27T10:15:03.120Z"},
            {"data", std::move(data)}};
  }
  // Sends the next message on `stream`; returns its envelope.
  nlohmann::json Send(const std::string& stream, const std::string& type, nlohmann::json data) {
    std::lock_guard<std::mutex> g(send_mu_);
    nlohmann::json e = Envelope(stream, type, std::move(data));
    sent_[stream].push_back(e.dump());
    Raw(stream, sent_[stream].back());
    return e;
  }

  // Acts as the central side must: answers the node's sync.replay_requested
  // by re-sending the stream from from_seq, and re-sends from the node's
  // next_seq when its `online` status shows it never applied messages sent
  // (a message lost between the MQTT library's acknowledgement and its
  // application). Re-sent messages keep their id and seq. Runs on a thread
  // of its own until StopServingReplays() or destruction.
  void ServeReplays() {
    serving_ = true;
    replay_thread_ = std::thread([this] {
      size_t seen = 0;
      while (serving_) {
        client_.WaitFor([&](const std::vector<MqttMessage>& all) { return all.size() > seen || !serving_; },
                        std::chrono::milliseconds(100));
        const auto all = client_.Messages();
        for (; seen < all.size(); ++seen) {
          const auto& m = all[seen];
          auto j = nlohmann::json::parse(m.payload, nullptr, false);
          if (j.is_discarded()) continue;
          if (m.topic == Topic("events") && j.value("type", "") == "sync.replay_requested") {
            Resend(j["data"].value("stream", ""), j["data"].value("from_seq", int64_t{1}));
          } else if (m.topic == Topic("status") && j.value("state", "") == "online" &&
                     j.contains("next_seq")) {
            for (const auto& [stream, next] : j["next_seq"].items()) Resend(stream, next.get<int64_t>());
          }
        }
      }
    });
  }
  void StopServingReplays() {
    serving_ = false;
    if (replay_thread_.joinable()) replay_thread_.join();
  }
  int resent() const { return resent_; }
  // Publishes `payload` as it is on `stream`'s topic.
  bool Raw(const std::string& stream, const std::string& payload) {
    return client_.Publish(Topic(stream), payload);
  }

  // The node's events received so far, in arrival order (envelopes).
  std::vector<nlohmann::json> Events() const {
    std::vector<nlohmann::json> out;
    for (const auto& m : client_.MessagesOn(Topic("events"))) {
      auto j = nlohmann::json::parse(m.payload, nullptr, false);
      if (!j.is_discarded()) out.push_back(std::move(j));
    }
    return out;
  }
  std::vector<nlohmann::json> EventsOfType(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (auto& e : Events()) {
      if (e.value("type", "") == type) out.push_back(std::move(e));
    }
    return out;
  }
  // Waits until an event satisfies `pred`; returns it (the first such).
  std::optional<nlohmann::json> WaitForEvent(const std::function<bool(const nlohmann::json&)>& pred,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::optional<nlohmann::json> found;
    client_.WaitFor(
        [&](const std::vector<MqttMessage>& all) {
          for (const auto& m : all) {
            if (m.topic != Topic("events")) continue;
            auto j = nlohmann::json::parse(m.payload, nullptr, false);
            if (!j.is_discarded() && pred(j)) {
              found = std::move(j);
              return true;
            }
          }
          return false;
        },
        timeout);
    return found;
  }
  std::optional<nlohmann::json> WaitForEvent(const std::string& type, const std::string& order_id,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return WaitForEvent(
        [&](const nlohmann::json& e) {
          return e.value("type", "") == type && e["data"].value("order_id", "") == order_id;
        },
        timeout);
  }
  // Waits for the node's status `online` (it publishes it after
  // subscribing on the same connection, so the broker routes to the node
  // every message sent from then on). Call after the node (re)connected.
  bool WaitForOnline(size_t nth = 1, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return client_.WaitFor(
        [&](const std::vector<MqttMessage>& all) {
          size_t k = 0;
          for (const auto& m : all) {
            if (m.topic != Topic("status")) continue;
            auto j = nlohmann::json::parse(m.payload, nullptr, false);
            k += !j.is_discarded() && j.value("state", "") == "online";
          }
          return k >= nth;
        },
        timeout);
  }
  // Waits until `n` events of `type` have arrived; returns those there are.
  std::vector<nlohmann::json> WaitForEvents(const std::string& type, size_t n,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    client_.WaitFor(
        [&](const std::vector<MqttMessage>& all) {
          size_t k = 0;
          for (const auto& m : all) {
            if (m.topic != Topic("events")) continue;
            auto j = nlohmann::json::parse(m.payload, nullptr, false);
            k += !j.is_discarded() && j.value("type", "") == type;
          }
          return k >= n;
        },
        timeout);
    return EventsOfType(type);
  }
  // Waits until at least `n` events have arrived.
  bool WaitForEventCount(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return client_.WaitFor(
        [&](const std::vector<MqttMessage>& all) {
          size_t k = 0;
          for (const auto& m : all) k += m.topic == Topic("events");
          return k >= n;
        },
        timeout);
  }

  MqttTestClient& client() { return client_; }
  int64_t seq(const std::string& stream) const {
    auto it = seq_.find(stream);
    return it == seq_.end() ? 0 : it->second;
  }

 private:
  static MqttTestClient::Options Options(std::string uri, std::string client_id) {
    MqttTestClient::Options o;
    o.uri = std::move(uri);
    o.client_id = std::move(client_id);
    o.clean_session = false;
    o.auto_reconnect = true;
    return o;
  }
  std::string NewId() {
    std::uniform_int_distribution<uint64_t> d;
    char buf[40];
    const uint64_t a = d(rng_), b = d(rng_);
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(b >> 52), static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
  }

  void Resend(const std::string& stream, int64_t from_seq) {
    std::vector<std::string> again;
    {
      std::lock_guard<std::mutex> g(send_mu_);
      const auto& sent = sent_[stream];
      for (int64_t seq = std::max<int64_t>(from_seq, 1); seq <= static_cast<int64_t>(sent.size()); ++seq) {
        again.push_back(sent[static_cast<size_t>(seq - 1)]);
      }
    }
    for (const auto& payload : again) {
      Raw(stream, payload);
      ++resent_;
    }
  }

  std::string store_;
  std::mt19937_64 rng_;
  MqttTestClient client_;
  std::map<std::string, int64_t> seq_;
  std::mutex send_mu_;
  std::map<std::string, std::vector<std::string>> sent_;  // per stream, by seq - 1
  std::atomic<bool> serving_{false};
  std::atomic<int> resent_{0};
  std::thread replay_thread_;
};

}  // namespace edge::testing
