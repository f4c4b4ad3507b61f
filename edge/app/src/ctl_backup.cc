// storeedgectl backup / restore: the command line around store::Backup and
// store::Restore, the report of what was saved or installed, and the warning
// a restore owes the operator about the events stream.
#include "edge/app/ctl_backup.h"

#include <cinttypes>
#include <cstdio>

#include "edge/app/config.h"
#include "edge/app/daemon.h"
#include "edge/app/system_clock.h"
#include "edge/store/backup.h"
#include "edge/store/store.h"

namespace edge::app {

namespace {

constexpr const char* kBackupHelp =
    "Usage: storeedgectl [--config FILE] backup PATH [--force]\n"
    "\n"
    "Saves a consistent copy of the store's database to PATH, safely while\n"
    "storeedged runs (SQLite's online backup: one snapshot, copied in steps;\n"
    "the daemon is not stopped). The copy is written beside PATH, checked\n"
    "(integrity_check), synced and then renamed to PATH, so PATH is never half\n"
    "written. An existing PATH is replaced only with --force. The file is\n"
    "readable by its owner only: it holds PIN and session hashes.\n";

constexpr const char* kRestoreHelp =
    "Usage: storeedgectl [--config FILE] restore PATH [--force-store]\n"
    "\n"
    "Replaces the store's database with the backup at PATH. storeedged must be\n"
    "stopped. The backup is checked first (a storeedge database of this store,\n"
    "not damaged, not written by a newer release); the current database is kept\n"
    "as <database>.pre-restore-<UTC time>. --force-store restores a backup of\n"
    "another store (the daemon then opens it only with that store's [store] id).\n"
    "\n"
    "Events published after the backup was taken are numbered again from the\n"
    "backup's last seq: have the OMS re-sync this store before starting the\n"
    "daemon (docs/operations.md, \"Backup and restore\").\n";

std::string Size(int64_t n) {
  char buf[64];
  if (n >= (1 << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB, %" PRId64 " bytes", n / 1048576.0, n);
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB, %" PRId64 " bytes", n / 1024.0, n);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRId64 " bytes", n);
  }
  return buf;
}

struct Args {
  std::string path;
  bool flag = false;
  bool help = false;
};

// PATH and at most the one flag `flag_name`; "" or the usage error.
std::string Parse(const std::vector<std::string>& args, const std::string& flag_name, Args* out) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out->help = true;
    } else if (a == flag_name) {
      out->flag = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option '" + a + "'";
    } else if (out->path.empty()) {
      out->path = a;
    } else {
      return "give one PATH (got '" + out->path + "' and '" + a + "')";
    }
  }
  if (!out->help && out->path.empty()) return "give the PATH of the backup file";
  return "";
}

int Usage(const CtlStreams& io, const std::string& verb, const std::string& message) {
  std::fprintf(io.err, "storeedgectl: %s: %s (see %s --help)\n", verb.c_str(), message.c_str(), verb.c_str());
  return 2;
}

}  // namespace

int CtlBackupCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io) {
  Args a;
  if (auto e = Parse(args, "--force", &a); !e.empty()) return Usage(io, "backup", e);
  if (a.help) {
    std::fputs(kBackupHelp, io.out);
    return 0;
  }
  const std::string db_path = config.DatabasePath();
  store::BackupOptions o;
  o.overwrite = a.flag;
  auto r = store::Backup(db_path, a.path, o);
  if (!r.ok()) {
    std::fprintf(io.err, "storeedgectl: %s\n", r.status().message().c_str());
    const bool source = r.status().code() == core::StatusCode::kNotFound ||
                        r.status().message().rfind("database " + db_path, 0) == 0;
    return source ? 3 : 1;
  }
  const store::DatabaseFacts& f = r->facts;
  std::fprintf(io.out, "saved %s (%s): database %s, schema %d, store %s, last event seq %" PRId64 "\n",
               f.path.c_str(), Size(f.bytes).c_str(), db_path.c_str(), f.schema_version, f.store_id.c_str(),
               f.last_event_seq);
  if (r->busy_retries > 0) {
    std::fprintf(io.out, "  (%d step(s) retried while the database was busy)\n", r->busy_retries);
  }
  return 0;
}

int CtlRestoreCommand(const Config& config, const std::vector<std::string>& args, const CtlStreams& io) {
  Args a;
  if (auto e = Parse(args, "--force-store", &a); !e.empty()) return Usage(io, "restore", e);
  if (a.help) {
    std::fputs(kRestoreHelp, io.out);
    return 0;
  }
  if (core::Status s = PrepareDataDir(config.store.data_dir); !s.ok()) {
    std::fprintf(io.err, "storeedgectl: %s\n", s.message().c_str());
    return 3;
  }
  const std::string db_path = config.DatabasePath();
  store::RestoreOptions o;
  o.store_id = config.store.id;
  o.any_store = a.flag;
  o.now = SystemClock().Now();
  auto r = store::Restore(a.path, db_path, o);
  if (!r.ok()) {
    std::fprintf(io.err, "storeedgectl: %s\n", r.status().message().c_str());
    return 1;
  }
  const store::DatabaseFacts& f = r->restored;
  std::fprintf(io.out, "restored %s from %s: schema %d, store %s, last event seq %" PRId64 "\n",
               db_path.c_str(), a.path.c_str(), f.schema_version, f.store_id.c_str(), f.last_event_seq);
  if (!r->pre_restore_path.empty()) {
    std::string seq = r->replaced_last_event_seq
                          ? "last event seq " + std::to_string(*r->replaced_last_event_seq)
                          : "it could not be read";
    std::fprintf(io.out, "the replaced database is kept as %s (%s)\n", r->pre_restore_path.c_str(),
                 seq.c_str());
  }
  if (f.schema_version < store::LatestSchemaVersion()) {
    std::fprintf(io.out, "storeedged migrates it from schema %d to %d when it starts\n", f.schema_version,
                 store::LatestSchemaVersion());
  }
  if (f.store_id != config.store.id) {
    std::fprintf(
        io.err,
        "warning: the backup is of store '%s', but the config says store '%s': storeedged will refuse "
        "it until [store] id is '%s'\n",
        f.store_id.c_str(), config.store.id.c_str(), f.store_id.c_str());
  }
  const int64_t next = f.last_event_seq + 1;
  std::string lost;
  if (r->replaced_last_event_seq && *r->replaced_last_event_seq > f.last_event_seq) {
    lost = "the replaced database had reached seq " + std::to_string(*r->replaced_last_event_seq) +
           ", so seqs " + std::to_string(next) + ".." + std::to_string(*r->replaced_last_event_seq) +
           " will be used a second time, for other events; ";
  }
  std::fprintf(io.err,
               "warning: this node's events stream goes back to the backup: the next event gets seq %" PRId64
               ";\n  %sthe OMS, which may have received events past seq %" PRId64
               ", would take the new ones for duplicates.\n"
               "  Orders, stock changes and messages applied after the backup are not in this database.\n"
               "  Before starting storeedged, have the OMS re-sync this store (reset its events seq for the\n"
               "  store, send a full inventory snapshot, re-send its open orders): see docs/operations.md,\n"
               "  \"Backup and restore\".\n",
               next, lost.c_str(), f.last_event_seq);
  return 0;
}

}  // namespace edge::app
