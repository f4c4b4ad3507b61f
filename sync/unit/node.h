// Node: a SyncClient on its own io_context thread over a MemoryStore — the
// node under test in the broker tests. The test thread drives it with Run(),
// which posts to the io_context and waits for the result (the client is
// io-thread only), and waits for states with deadlines, never with sleeps.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>

#include "edge/sync/client.h"
#include "memory_store.h"

namespace edge::sync::test_support {

class WallClock final : public core::Clock {
 public:
  core::TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// Options for a node on `uri`, with waits short enough for tests.
inline SyncOptions TestOptions(const std::string& uri, const std::string& store = "S042") {
  SyncOptions o;
  o.store_id = store;
  o.uri = uri;
  o.keepalive = std::chrono::seconds(5);
  o.connect_timeout = std::chrono::seconds(3);
  o.reconnect_min = std::chrono::milliseconds(50);
  o.reconnect_max = std::chrono::milliseconds(400);
  o.gap_timeout = std::chrono::milliseconds(300);
  o.max_replay_interval = std::chrono::milliseconds(1200);
  o.outbox_poll = std::chrono::milliseconds(100);
  o.publish_window = 16;
  o.version = "0.1.0-test";
  return o;
}

class Node {
 public:
  Node(MemoryStore& store, SyncOptions options)
      : store_(store), options_(std::move(options)), work_(boost::asio::make_work_guard(io_)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Node() {
    Run([this] { client_.reset(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // Runs f() on the io_context thread and returns its result.
  template <typename F>
  auto Run(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      throw std::runtime_error("io_context did not run the task within 30 s");
    }
    return result.get();
  }

  core::Status Start() {
    return Run([this]() -> core::Status {
      auto c = SyncClient::Create(io_, options_, store_, store_, clock_);
      if (!c.ok()) return c.status();
      client_ = std::move(c).value();
      return client_->Start();
    });
  }
  // Stop (offline status, disconnect), then destroy the client.
  void Stop(std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    auto done = std::make_shared<std::promise<void>>();
    Run([&] {
      if (client_)
        client_->Stop(timeout, [done] { done->set_value(); });
      else
        done->set_value();
    });
    done->get_future().wait_for(timeout + std::chrono::seconds(5));
    Run([this] { client_.reset(); });
  }
  void Kick() {
    Run([this] {
      if (client_) client_->Kick();
    });
  }
  SyncStatus Status() {
    return Run([this] { return client_ ? client_->GetStatus() : SyncStatus{}; });
  }

  // Checks `pred(status)` on the io_context every 10 ms until it holds or
  // `timeout` passes.
  bool WaitStatus(std::function<bool(const SyncStatus&)> pred,
                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto done = std::make_shared<std::promise<bool>>();
    auto timer = std::make_shared<boost::asio::steady_timer>(io_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto check = std::make_shared<std::function<void()>>();
    *check = [this, pred, done, timer, deadline, weak = std::weak_ptr<std::function<void()>>(check)] {
      if (client_ && pred(client_->GetStatus())) return done->set_value(true);
      if (std::chrono::steady_clock::now() >= deadline) return done->set_value(false);
      timer->expires_after(std::chrono::milliseconds(10));
      timer->async_wait([weak](const boost::system::error_code& ec) {
        if (auto c = weak.lock(); c && !ec) (*c)();
      });
    };
    boost::asio::post(io_, [check] { (*check)(); });
    auto f = done->get_future();
    f.wait_for(timeout + std::chrono::seconds(5));
    const bool ok = f.get();
    Run([check] {});  // the check chain is finished; release it on the io thread
    return ok;
  }
  bool WaitConnected(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return WaitStatus([](const SyncStatus& s) { return s.connected; }, timeout);
  }

  SyncOptions& options() { return options_; }
  boost::asio::io_context& io() { return io_; }

 private:
  MemoryStore& store_;
  SyncOptions options_;
  WallClock clock_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<SyncClient> client_;
  std::thread thread_;
};

}  // namespace edge::sync::test_support
