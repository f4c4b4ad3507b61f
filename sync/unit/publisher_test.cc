// Publisher: in seq order, a bounded window, marked published on PUBACK,
// resumes from the first unacknowledged event after a reconnect or a
// restart, and answers sync.replay — with a fake transport.
#include "edge/sync/publisher.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "memory_store.h"

namespace edge::sync {
namespace {

using json = nlohmann::json;
using test_support::MemoryStore;

struct Sent {
  int64_t seq;
  bool replay;
  uint64_t tag;
  std::string payload;
};

class FakeTransport : public PublishTransport {
 public:
  core::Status Publish(const std::string& topic, const std::string& payload, uint64_t tag) override {
    EXPECT_EQ(topic, "oms/v1/stores/S042/events");
    if (refuse) return core::Status::Unavailable("not connected");
    const json j = json::parse(payload);
    sent.push_back({j["seq"].get<int64_t>(), ((tag >> 47) & 1) != 0, tag, payload});
    return core::Status::Ok();
  }
  std::vector<int64_t> Seqs() const {
    std::vector<int64_t> out;
    for (const auto& s : sent) out.push_back(s.seq);
    return out;
  }
  std::vector<Sent> sent;
  bool refuse = false;
};

class PublisherTest : public ::testing::Test {
 protected:
  void Append(int n) {
    for (int i = 0; i < n; ++i) store_.AppendEvent("inventory.adjusted", R"({"sku":"A","delta":-1})");
  }
  // Acks everything sent so far, in order.
  void AckAll(Publisher& p) {
    auto sent = transport_.sent;
    transport_.sent.clear();
    for (const auto& s : sent) p.OnAck(s.tag);
  }
  MemoryStore store_;
  FakeTransport transport_;
};

TEST_F(PublisherTest, SendsInOrderWithinTheWindowAndMarksOnAck) {
  Append(10);
  Publisher p(store_, transport_, "S042", 4);
  p.Pump();
  EXPECT_TRUE(transport_.sent.empty()) << "nothing is sent before a connection";
  p.OnConnected();
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(p.in_flight(), 4u);
  p.Pump();  // window full: nothing more
  EXPECT_EQ(transport_.sent.size(), 4u);
  p.OnAck(transport_.sent[0].tag);
  EXPECT_EQ(p.in_flight(), 3u) << "an ack frees its place in the window at once";
  EXPECT_EQ(store_.unpublished(), 10) << "marked by the next flush";
  p.FlushAcks();
  EXPECT_EQ(store_.unpublished(), 9);
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  for (int round = 0; round < 5; ++round) {
    AckAll(p);
    p.Pump();
  }
  EXPECT_EQ(store_.unpublished(), 0);
  EXPECT_EQ(p.in_flight(), 0u);
  EXPECT_EQ(p.last_acked_seq(), 10);
  EXPECT_EQ(p.acked_total(), 10);
}

TEST_F(PublisherTest, AcksThatArriveTogetherAreMarkedInOneBatch) {
  Append(5);
  Publisher p(store_, transport_, "S042", 8);
  p.OnConnected();
  p.Pump();
  ASSERT_EQ(transport_.sent.size(), 5u);
  const int before = store_.mark_batches;
  for (const auto& s : transport_.sent) p.OnAck(s.tag);
  EXPECT_EQ(p.pending_acks(), 5u);
  p.Pump();  // flushes first
  EXPECT_EQ(store_.mark_batches, before + 1);
  EXPECT_EQ(store_.unpublished(), 0);
  EXPECT_EQ(p.pending_acks(), 0u);
}

TEST_F(PublisherTest, ReconnectResumesFromTheFirstUnacknowledged) {
  Append(6);
  Publisher p(store_, transport_, "S042", 10);
  p.OnConnected();
  p.Pump();
  ASSERT_EQ(transport_.sent.size(), 6u);
  const auto first = transport_.sent;
  p.OnAck(first[0].tag);
  p.OnAck(first[1].tag);
  p.OnDisconnected();  // 3..6 were in flight: not acknowledged
  EXPECT_EQ(p.in_flight(), 0u);
  // A late ack of the old connection still says the broker has event 3.
  p.OnAck(first[2].tag);
  p.FlushAcks();
  EXPECT_EQ(store_.unpublished(), 3);
  // A late failure of the old connection changes nothing.
  p.OnFailed(first[3].tag, "connection lost");
  transport_.sent.clear();
  p.Pump();
  EXPECT_TRUE(transport_.sent.empty());
  p.OnConnected();
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{4, 5, 6}));
}

TEST_F(PublisherTest, RestartResumesFromTheOutbox) {
  Append(5);
  {
    Publisher p(store_, transport_, "S042", 10);
    p.OnConnected();
    p.Pump();
    p.OnAck(transport_.sent[0].tag);
    p.OnAck(transport_.sent[1].tag);
    p.FlushAcks();
    p.OnAck(transport_.sent[2].tag);
  }  // the process dies with 4..5 in flight and the ack of 3 not yet marked
  transport_.sent.clear();
  Publisher again(store_, transport_, "S042", 10);
  again.OnConnected();
  again.Pump();
  // 3 again: its ack was not recorded, and the OMS drops the second copy by id.
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{3, 4, 5}));
}

TEST_F(PublisherTest, FailureRewindsToKeepOrderAndRefusalStopsPumping) {
  Append(4);
  Publisher p(store_, transport_, "S042", 10);
  p.OnConnected();
  p.Pump();
  ASSERT_EQ(transport_.sent.size(), 4u);
  const auto first = transport_.sent;
  p.OnAck(first[0].tag);
  p.OnFailed(first[1].tag, "boom");
  EXPECT_EQ(p.last_error(), "publish of event 2 failed: boom");
  transport_.sent.clear();
  transport_.refuse = true;
  p.Pump();
  EXPECT_TRUE(transport_.sent.empty());
  transport_.refuse = false;
  p.Pump();
  // 2 again, then 3 and 4 again (still in flight, but order comes first).
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{2, 3, 4}));
}

TEST_F(PublisherTest, ReplayResendsAcknowledgedEventsFirst) {
  Append(5);
  Publisher p(store_, transport_, "S042", 3);
  p.OnConnected();
  for (int i = 0; i < 3; ++i) {
    p.Pump();
    AckAll(p);
  }
  ASSERT_EQ(store_.unpublished(), 0);
  Append(2);  // 6, 7 not sent yet
  p.Replay(2);
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_TRUE(transport_.sent[0].replay);
  AckAll(p);
  p.Pump();
  // 5 is the last acknowledged one; 6 and 7 come by the normal path, once.
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{5, 6, 7}));
  EXPECT_TRUE(transport_.sent[0].replay);
  EXPECT_FALSE(transport_.sent[1].replay);
  AckAll(p);
  p.Pump();
  EXPECT_TRUE(transport_.sent.empty());
  EXPECT_EQ(p.replayed_total(), 4);
  EXPECT_EQ(store_.unpublished(), 0);
}

TEST_F(PublisherTest, ReplayCutByADisconnectResumes) {
  Append(4);
  Publisher p(store_, transport_, "S042", 2);
  p.OnConnected();
  for (int i = 0; i < 2; ++i) {
    p.Pump();
    AckAll(p);
  }
  p.Replay(1);
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{1, 2}));
  transport_.sent.clear();
  p.OnDisconnected();
  p.OnConnected();
  p.Pump();
  EXPECT_EQ(transport_.Seqs(), (std::vector<int64_t>{1, 2}));
}

TEST_F(PublisherTest, TagsRoundTrip) {
  const uint64_t t = Publisher::MakeTag(0xBEEF, true, (int64_t{1} << 46) + 5);
  EXPECT_EQ(t >> 48, 0xBEEFu);
  EXPECT_EQ((t >> 47) & 1, 1u);
  EXPECT_EQ(static_cast<int64_t>(t & ((uint64_t{1} << 47) - 1)), (int64_t{1} << 46) + 5);
}

}  // namespace
}  // namespace edge::sync
