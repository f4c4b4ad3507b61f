#include "edge/app/event_log.h"

#include "edge/core/ids.h"

namespace edge::app {

std::string NewEventId(std::mt19937_64& rng) {
  const uint64_t hi = rng();
  const uint64_t lo = rng();
  return core::FormatUuidV4(hi, lo);
}

std::mt19937_64 SeededFromOs() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
  return std::mt19937_64(seq);
}

core::Result<int64_t> EmitEvent(store::Store& store, store::Transaction& txn, std::mt19937_64& rng,
                                const std::string& type, const nlohmann::json& data) {
  // Text from a scanner, a file or a form may not be valid UTF-8: replaced
  // (U+FFFD), never a thrown exception in the middle of a command.
  return store.AppendEvent(txn, NewEventId(rng), type,
                           data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

core::Result<bool> InboundSeen(store::Store& store, const std::optional<InboundRef>& inbound) {
  if (!inbound) return false;
  return store.InboxContains(inbound->id);
}

core::Status RecordInboundRef(store::Store& store, store::Transaction& txn,
                              const std::optional<InboundRef>& inbound) {
  if (!inbound) return core::Status::Ok();
  return store.RecordInbound(txn, inbound->id, inbound->stream, inbound->seq, inbound->type);
}

}  // namespace edge::app
