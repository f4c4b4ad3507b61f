// storeedgectl backup PATH [--force] and storeedgectl restore PATH
// [--force-store]: the store's database (named by the config) copied out
// while storeedged runs, and replaced by such a copy while it does not.
// The work is store::Backup and store::Restore (edge/store/backup.h); this is
// the command line, the report and the warning.
//
// Main thread of storeedgectl (or of a test).
#pragma once

#include <string>
#include <vector>

#include "edge/app/ctl_inventory.h"

namespace edge::app {

struct Config;

// args[0] is "backup". Returns the exit code: 0 saved, 1 the backup failed
// (its file could not be written, or the copy is damaged), 2 bad usage, 3 the
// database cannot be read (missing, not a storeedge database).
int CtlBackupCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io = {});

// args[0] is "restore". Returns the exit code: 0 restored, 1 refused (a bad
// backup, another store's, a newer schema, storeedged running) or failed,
// 2 bad usage, 3 the data dir cannot be used.
int CtlRestoreCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io = {});

}  // namespace edge::app
