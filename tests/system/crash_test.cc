// SIGKILL during a burst of writes: after restart the database opens, passes
// integrity_check, and holds every adjustment that was acknowledged (and at
// most the one in flight), each with its event in the outbox.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "edge/store/database.h"
#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

TEST(Crash, KillDuringWriteBurstLosesNothingAcknowledged) {
  TempDir dir;
  DaemonUnderTest d(dir);
  auto add = RunProgram(dir,
                        {STOREEDGECTL_PATH, "--config", d.config_path(), "user", "add", "sup", "--name",
                         "Sup", "--role", "supervisor", "--pin-stdin"},
                        "", "9999\n");
  ASSERT_EQ(add.code, 0) << add.err;
  const int rounds =
      std::getenv("STOREEDGE_CRASH_ROUNDS") ? std::atoi(std::getenv("STOREEDGE_CRASH_ROUNDS")) : 3;
  int64_t base = 0;  // on-hand before the round, known exactly
  for (int round = 0; round < rounds; ++round) {
    ASSERT_TRUE(d.Start()) << d.Stderr();
    auto login = kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/auth/login",
                                    R"({"associate_id":"sup","pin":"9999"})");
    ASSERT_TRUE(login.ok());
    const std::string token = json::parse(login->body)["token"];
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
    if (round == 0) {
      auto put = kiosk::HttpRequest("127.0.0.1", d.port(), "PUT", "/api/v1/inventory/items/SKU-1",
                                    R"({"description":"Trail shoe 42","gtins":["00012345678905"]})", auth);
      ASSERT_TRUE(put.ok());
      ASSERT_EQ(put->status, 200) << put->body;
    }
    // Two writers; the main thread kills the daemon once enough were acknowledged.
    std::atomic<int64_t> acked{0};
    std::atomic<bool> stop{false};
    auto writer = [&] {
      while (!stop) {
        auto r =
            kiosk::HttpRequest("127.0.0.1", d.port(), "POST", "/api/v1/inventory/adjustments",
                               R"({"kind":"found","sku":"SKU-1","qty":1,"location":"A-01-01"})", auth, 5s);
        if (!r.ok()) break;  // the daemon is gone
        if (r->status == 200) ++acked;
      }
    };
    std::thread w1(writer), w2(writer);
    const int64_t target = 20 + round * 7;
    while (acked < target) std::this_thread::yield();
    d.process().Signal(SIGKILL);
    stop = true;
    w1.join();
    w2.join();
    EXPECT_EQ(d.process().Wait(10s).value_or(-1), 128 + SIGKILL);

    {
      auto db = store::Database::Open(d.db_path(), store::Database::Mode::kReadOnly);
      ASSERT_TRUE(db.ok());
      EXPECT_EQ(*(*db)->QueryText("PRAGMA integrity_check"), "ok");
      const int64_t on_hand = *(*db)->QueryInt("SELECT on_hand FROM items WHERE sku = 'SKU-1'");
      const int64_t events =
          *(*db)->QueryInt("SELECT count(*) FROM outbox WHERE type = 'inventory.adjusted'");
      const int64_t ledger =
          *(*db)->QueryInt("SELECT coalesce(sum(d_on_hand), 0) FROM ledger WHERE sku = 'SKU-1'");
      // Everything acknowledged is there; at most one write per writer was in
      // flight (committed, not yet answered) when the daemon died.
      EXPECT_GE(on_hand, base + acked);
      EXPECT_LE(on_hand, base + acked + 2);
      EXPECT_EQ(events, on_hand) << "every adjustment has exactly one event";
      EXPECT_EQ(ledger, on_hand) << "the ledger sums to the figure";
      base = on_hand;
    }
  }
  ASSERT_TRUE(d.Start()) << d.Stderr();
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
}

}  // namespace
}  // namespace edge::testing
