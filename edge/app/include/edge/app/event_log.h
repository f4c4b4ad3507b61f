// Helpers every application service shares for the outbox and the inbox:
// a fresh event id, appending an event inside the caller's transaction, and
// the inbox record of the inbound message a command applies. io_context thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>

#include "edge/core/status.h"
#include "edge/store/store.h"

namespace edge::app {

// The inbound message a command applies, so its inbox record is written in
// the same transaction as its effect.
struct InboundRef {
  std::string id;
  std::string stream;
  int64_t seq = 0;
  std::string type;
};

// A UUID v4 from `rng` (seeded from the OS in the daemon, fixed in tests).
std::string NewEventId(std::mt19937_64& rng);

// A generator seeded with 256 bits from the OS. One 32-bit seed would allow
// only 2^32 id sequences: over many restarts of many stores two would repeat,
// and the outbox refuses an id it has seen.
std::mt19937_64 SeededFromOs();

// Appends one event to the outbox inside `txn`; returns its seq.
core::Result<int64_t> EmitEvent(store::Store& store, store::Transaction& txn, std::mt19937_64& rng,
                                const std::string& type, const nlohmann::json& data);

// True when `inbound` names a message already applied (false for none).
core::Result<bool> InboundSeen(store::Store& store, const std::optional<InboundRef>& inbound);

// Records `inbound` (when given) inside `txn`.
core::Status RecordInboundRef(store::Store& store, store::Transaction& txn,
                              const std::optional<InboundRef>& inbound);

}  // namespace edge::app
