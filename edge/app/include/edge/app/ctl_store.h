// Opening the store's database for a storeedgectl command that works on the
// file directly (user, kiosk, inventory), with or without the daemon running:
// SQLite WAL and the configured busy timeout keep the two processes apart.
// Main thread of storeedgectl; the Store returned is the caller's.
#pragma once

#include <memory>

#include "edge/app/config.h"
#include "edge/core/clock.h"
#include "edge/core/status.h"
#include "edge/store/store.h"

namespace edge::app {

// The StoreOptions `config` names: the database path, store id, synchronous
// mode and busy timeout, as the daemon opens it.
store::StoreOptions StoreOptionsFor(const Config& config);

// Creates the data dir when missing and opens (migrating) the database, as
// the daemon would. The error (IoError, Corruption, FailedPrecondition) names
// the dir or file; storeedgectl exits 3 with it. `clock` must outlive the
// Store.
core::Result<std::unique_ptr<store::Store>> OpenStoreForCtl(const Config& config, const core::Clock& clock);

}  // namespace edge::app
