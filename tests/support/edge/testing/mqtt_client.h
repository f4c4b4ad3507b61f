// MqttTestClient: a Paho client standing in for the central OMS (or for an
// intruder) in tests — connect, subscribe, publish, and wait for messages
// with a deadline. Every call waits for its own token, from the test's
// thread (never inside a Paho callback); received messages are collected by
// the callback under a mutex and waited for on a condition variable.
//
// With `auto_reconnect` it reconnects by itself (Paho's automatic reconnect)
// and subscribes again in its connected handler, so it follows a broker
// restart. Header-only; link Paho (PahoMqttCpp::paho-mqttpp3).
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace edge::testing {

struct MqttMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

class MqttTestClient {
 public:
  struct Options {
    std::string uri;
    std::string client_id;
    bool clean_session = true;
    bool auto_reconnect = false;
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    std::string username;
    std::string password;
  };

  explicit MqttTestClient(Options o)
      : options_(std::move(o)),
        client_(options_.uri, options_.client_id, mqtt::create_options(MQTTVERSION_3_1_1),
                static_cast<mqtt::iclient_persistence*>(nullptr)) {
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      std::lock_guard<std::mutex> g(mu_);
      messages_.push_back({m->get_topic(), m->to_string(), m->is_retained()});
      cv_.notify_all();
    });
    client_.set_connected_handler([this](const std::string&) {
      std::vector<std::string> subs;
      int n = 0;
      {
        std::lock_guard<std::mutex> g(mu_);
        n = ++connects_;
        subs = subscriptions_;
        cv_.notify_all();
      }
      // After an automatic reconnect: subscribe again (without waiting here,
      // inside the callback).
      if (options_.auto_reconnect && n > 1) {
        for (const auto& s : subs) {
          try {
            client_.subscribe(s, 1);
          } catch (...) {
          }
        }
      }
    });
  }
  ~MqttTestClient() {
    try {
      if (client_.is_connected()) client_.disconnect(0)->wait_for(std::chrono::seconds(5));
    } catch (...) {
    }
  }
  MqttTestClient(const MqttTestClient&) = delete;
  MqttTestClient& operator=(const MqttTestClient&) = delete;

  // Connects; false (with error() set) when refused or out of time.
  bool Connect(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    mqtt::connect_options o;
    o.set_mqtt_version(MQTTVERSION_3_1_1);
    o.set_clean_session(options_.clean_session);
    o.set_connect_timeout(std::chrono::seconds(5));
    o.set_keep_alive_interval(std::chrono::seconds(30));
    if (options_.auto_reconnect)
      o.set_automatic_reconnect(std::chrono::milliseconds(50), std::chrono::milliseconds(500));
    if (!options_.username.empty()) o.set_user_name(options_.username);
    if (!options_.password.empty()) o.set_password(options_.password);
    if (options_.uri.rfind("ssl://", 0) == 0) {
      mqtt::ssl_options ssl;
      if (!options_.ca_file.empty()) ssl.set_trust_store(options_.ca_file);
      if (!options_.cert_file.empty()) ssl.set_key_store(options_.cert_file);
      if (!options_.key_file.empty()) ssl.set_private_key(options_.key_file);
      ssl.set_enable_server_cert_auth(true);
      ssl.set_verify(true);
      o.set_ssl(ssl);
    }
    try {
      auto tok = client_.connect(o);
      if (!tok->wait_for(timeout)) {
        error_ = "connect timed out";
        return false;
      }
      return true;
    } catch (const std::exception& e) {
      error_ = e.what();
      return false;
    }
  }

  // Subscribes at QoS 1; returns the broker's code (1 granted, 0x80 refused),
  // or -1 when the call failed.
  int Subscribe(const std::string& filter) {
    {
      std::lock_guard<std::mutex> g(mu_);
      subscriptions_.push_back(filter);
    }
    try {
      auto tok = client_.subscribe(filter, 1);
      if (!tok->wait_for(std::chrono::seconds(10))) return -1;
      const auto codes = tok->get_subscribe_response().get_reason_codes();
      return codes.empty() ? -1 : static_cast<int>(codes[0]);
    } catch (const mqtt::exception& e) {
      // Paho reports a refused MQTT 3.1.1 subscription (SUBACK 0x80) as a
      // failure of the token.
      error_ = e.what();
      return 0x80;
    } catch (const std::exception& e) {
      error_ = e.what();
      return -1;
    }
  }

  // Publishes and waits for the broker's acknowledgement (QoS 1).
  bool Publish(const std::string& topic, const std::string& payload, bool retained = false) {
    try {
      auto tok = client_.publish(mqtt::make_message(topic, payload, 1, retained));
      return tok->wait_for(std::chrono::seconds(10));
    } catch (const std::exception& e) {
      error_ = e.what();
      return false;
    }
  }

  std::vector<MqttMessage> Messages() const {
    std::lock_guard<std::mutex> g(mu_);
    return messages_;
  }
  std::vector<MqttMessage> MessagesOn(const std::string& topic) const {
    std::vector<MqttMessage> out;
    for (auto& m : Messages()) {
      if (m.topic == topic) out.push_back(std::move(m));
    }
    return out;
  }

  // Waits until `pred(messages so far)` holds; false at the deadline.
  bool WaitFor(const std::function<bool(const std::vector<MqttMessage>&)>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return pred(messages_); });
  }

  // Waits until the client has connected `n` times in all.
  bool WaitForConnects(int n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return connects_ >= n; });
  }

  bool connected() const { return client_.is_connected(); }
  const std::string& error() const { return error_; }
  mqtt::async_client& paho() { return client_; }

 private:
  Options options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<MqttMessage> messages_;
  std::vector<std::string> subscriptions_;
  int connects_ = 0;
  std::string error_;
  // Last: destroyed first, so no callback runs on the members above once
  // they are gone.
  mqtt::async_client client_;
};

}  // namespace edge::testing
