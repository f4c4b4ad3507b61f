// MemoryStore: the Outbox and Inbox ports in memory, for the sync tests —
// the same contract as the SQLite implementation in edge/app (SyncBridge),
// which has tests of its own on a real database.
//
// The SyncClient calls it on its io_context thread; the test reads it from
// its own thread. A recursive mutex guards everything (a handler may append
// an event while Apply holds it), and a condition variable lets the test wait
// for a state with a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "edge/core/ids.h"
#include "edge/sync/ports.h"

namespace edge::sync::test_support {

class MemoryStore final : public Outbox, public Inbox {
 public:
  // An application handler: InvalidArgument refuses the message (dead
  // letter); another error is a failure to retry.
  using Handler = std::function<core::Status(const InboundMessage&)>;

  // ---- what the application does ----

  void Register(const std::string& type, Handler h) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    handlers_[type] = std::move(h);
  }
  // Appends an event as a service would, in "its transaction".
  int64_t AppendEvent(const std::string& type, const std::string& data_json) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    OutboundEvent e;
    e.seq = ++last_seq_;
    e.id = core::FormatUuidV4(0x1234567800000000ULL + static_cast<uint64_t>(e.seq),
                              0xabcdef0000000000ULL + static_cast<uint64_t>(e.seq));
    e.type = type;
    e.data_json = data_json;
    e.created_ms = 1795774503120 + e.seq;
    events_[e.seq] = e;
    cv_.notify_all();
    return e.seq;
  }
  // The next Apply calls fail with `s` (a database failure), `times` times.
  void FailApply(core::Status s, int times) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    fail_apply_ = std::move(s);
    fail_times_ = times;
  }

  // ---- Outbox ----

  core::Result<std::vector<OutboundEvent>> Pending(int64_t after_seq, int limit) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    std::vector<OutboundEvent> out;
    for (auto it = events_.upper_bound(after_seq);
         it != events_.end() && static_cast<int>(out.size()) < limit; ++it) {
      if (!it->second.published) out.push_back(it->second);
    }
    return out;
  }
  core::Result<std::vector<OutboundEvent>> EventsFrom(int64_t from_seq, int limit) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    std::vector<OutboundEvent> out;
    for (auto it = events_.lower_bound(from_seq); it != events_.end() && static_cast<int>(out.size()) < limit;
         ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  core::Status MarkPublishedMany(const std::vector<int64_t>& seqs) override {
    ++mark_batches;
    return Outbox::MarkPublishedMany(seqs);
  }
  int mark_batches = 0;
  core::Status MarkPublished(int64_t seq) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    auto it = events_.find(seq);
    if (it != events_.end() && !it->second.published) {
      it->second.published = true;
      cv_.notify_all();
    }
    return core::Status::Ok();
  }
  core::Result<int64_t> Append(const std::string& type, const std::string& data_json) override {
    return AppendEvent(type, data_json);
  }
  core::Result<int64_t> Depth() override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    int64_t n = 0;
    for (const auto& [seq, e] : events_) n += e.published ? 0 : 1;
    return n;
  }

  // ---- Inbox ----

  core::Result<int64_t> NextSeq(const std::string& stream) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    auto it = next_.find(stream);
    return it == next_.end() ? int64_t{1} : it->second;
  }
  core::Status Hold(const std::string& stream, int64_t seq, const std::string& id,
                    const std::string& payload) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    held_.emplace(std::make_pair(stream, seq), std::make_pair(id, payload));
    cv_.notify_all();
    return core::Status::Ok();
  }
  core::Result<std::vector<std::pair<std::string, int64_t>>> HeldSeqs() override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& [k, v] : held_) out.push_back(k);
    return out;
  }
  core::Result<std::optional<std::string>> HeldPayload(const std::string& stream, int64_t seq) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    auto it = held_.find({stream, seq});
    if (it == held_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second.second);
  }
  core::Result<ApplyOutcome> Apply(const InboundMessage& m, bool record_only) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    if (fail_times_ > 0) {
      --fail_times_;
      return fail_apply_;
    }
    if (inbox_ids_.count(m.id)) {
      Advance(m.stream, m.seq);
      return ApplyOutcome{ApplyResult::kDuplicate, ""};
    }
    if (!record_only) {
      auto h = handlers_.find(m.type);
      if (h == handlers_.end()) return ApplyOutcome{ApplyResult::kInvalid, "unsupported type (no handler)"};
      // "One transaction": the handler's events are kept only when it succeeds.
      const auto events_before = events_;
      const int64_t last_before = last_seq_;
      core::Status s = h->second(m);
      if (!s.ok()) {
        events_ = events_before;
        last_seq_ = last_before;
        if (s.code() == core::StatusCode::kInvalidArgument) {
          return ApplyOutcome{ApplyResult::kInvalid, "invalid data: " + s.message()};
        }
        return s;
      }
    }
    inbox_ids_.insert(m.id);
    applied_.push_back(m);
    Advance(m.stream, m.seq);
    return ApplyOutcome{ApplyResult::kApplied, ""};
  }
  core::Status Reject(const Rejection& r, bool consume_seq, const std::string& event_data_json) override {
    std::lock_guard<std::recursive_mutex> g(mu_);
    dead_letters_.push_back(r);
    AppendEvent("message.rejected", event_data_json);
    if (consume_seq && r.stream && r.seq) Advance(*r.stream, *r.seq);
    cv_.notify_all();
    return core::Status::Ok();
  }

  // ---- what the test reads ----

  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::recursive_mutex> g(mu_);
    return cv_.wait_for(g, timeout, [&] { return pred(*this); });
  }
  // Unlocked views: call from inside WaitFor's predicate, or via the locked
  // copies below.
  const std::vector<InboundMessage>& applied_unlocked() const { return applied_; }
  const std::map<int64_t, OutboundEvent>& events_unlocked() const { return events_; }
  int64_t next_unlocked(const std::string& stream) const {
    auto it = next_.find(stream);
    return it == next_.end() ? 1 : it->second;
  }

  std::vector<InboundMessage> applied() const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    return applied_;
  }
  std::vector<Rejection> dead_letters() const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    return dead_letters_;
  }
  std::vector<OutboundEvent> events() const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    std::vector<OutboundEvent> out;
    for (const auto& [seq, e] : events_) out.push_back(e);
    return out;
  }
  std::vector<OutboundEvent> events_of_type(const std::string& type) const {
    std::vector<OutboundEvent> out;
    for (auto& e : events()) {
      if (e.type == type) out.push_back(std::move(e));
    }
    return out;
  }
  int64_t next(const std::string& stream) const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    return next_unlocked(stream);
  }
  size_t held_count() const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    return held_.size();
  }
  int64_t unpublished() const {
    std::lock_guard<std::recursive_mutex> g(mu_);
    int64_t n = 0;
    for (const auto& [seq, e] : events_) n += e.published ? 0 : 1;
    return n;
  }

 private:
  void Advance(const std::string& stream, int64_t seq) {
    int64_t& n = next_.try_emplace(stream, 1).first->second;
    n = std::max(n, seq + 1);
    held_.erase({stream, seq});
    cv_.notify_all();
  }

  mutable std::recursive_mutex mu_;
  std::condition_variable_any cv_;
  std::map<std::string, Handler> handlers_;
  std::map<int64_t, OutboundEvent> events_;
  int64_t last_seq_ = 0;
  std::set<std::string> inbox_ids_;
  std::map<std::string, int64_t> next_;
  std::map<std::pair<std::string, int64_t>, std::pair<std::string, std::string>> held_;
  std::vector<InboundMessage> applied_;
  std::vector<Rejection> dead_letters_;
  core::Status fail_apply_;
  int fail_times_ = 0;
};

}  // namespace edge::sync::test_support
