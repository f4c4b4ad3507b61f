#include "edge/app/ctl_store.h"

#include "edge/app/daemon.h"

namespace edge::app {

store::StoreOptions StoreOptionsFor(const Config& config) {
  store::StoreOptions so;
  so.path = config.DatabasePath();
  so.store_id = config.store.id;
  so.synchronous =
      config.sqlite.synchronous == "NORMAL" ? store::Synchronous::kNormal : store::Synchronous::kFull;
  so.busy_timeout_ms = config.sqlite.busy_timeout_ms;
  return so;
}

core::Result<std::unique_ptr<store::Store>> OpenStoreForCtl(const Config& config, const core::Clock& clock) {
  if (core::Status s = PrepareDataDir(config.store.data_dir); !s.ok()) return s;
  return store::Store::Open(StoreOptionsFor(config), clock);
}

}  // namespace edge::app
