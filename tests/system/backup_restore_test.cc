// storeedgectl backup and restore as processes, around a real storeedged:
// a backup of the running daemon, changes after it, a restore once the
// daemon is stopped, and the restarted daemon serving the backed-up state.
// A restore is refused while the daemon runs, and a second daemon on the
// same database is refused too (both by the daemon's lock file).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "edge/store/database.h"
#include "edge/testing/daemon.h"

namespace edge::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

int64_t Query(const std::string& db_path, const std::string& sql) {
  auto db = store::Database::Open(db_path, store::Database::Mode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return -1;
  auto v = (*db)->QueryInt(sql);
  EXPECT_TRUE(v.ok()) << sql << ": " << v.status().ToString();
  return v.ok() ? *v : -1;
}

TEST(BackupRestoreSystem, BackupOfARunningDaemonIsWhatARestoredDaemonServes) {
  TempDir dir;
  DaemonUnderTest d(dir);
  auto ctl = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {STOREEDGECTL_PATH, "--config", d.config_path()});
    return RunProgram(dir, std::move(args), "", input);
  };
  auto import = [&](const std::string& name, int on_hand) {
    WriteFile(dir.File(name), "sku,description,on_hand\nSKU-1,Trail shoe," + std::to_string(on_hand) +
                                  "\nSKU-2,Rain jacket," + std::to_string(on_hand + 1) + "\n");
    return ctl({"inventory", "import", dir.File(name)});
  };
  auto on_hand = [&](const std::string& sku) {
    auto shown = ctl({"inventory", "show", sku, "--json"});
    EXPECT_EQ(shown.code, 0) << shown.err;
    return shown.code == 0 ? json::parse(shown.out)["on_hand"].get<int>() : -1;
  };

  ASSERT_TRUE(d.Start()) << d.Stderr();
  auto first = import("first.csv", 5);
  ASSERT_EQ(first.code, 0) << first.err;
  // Only imports add inventory.adjusted; the daemon may add its own
  // inventory.available at any moment.
  const std::string adjusted = "SELECT count(*) FROM outbox WHERE type = 'inventory.adjusted'";
  const int64_t adjusted_at_backup = Query(d.db_path(), adjusted);
  ASSERT_EQ(adjusted_at_backup, 2);

  // The backup, while the daemon runs.
  const std::string backup = dir.File("backups/node.db");
  fs::create_directory(dir.File("backups"));
  auto saved = ctl({"backup", backup});
  ASSERT_EQ(saved.code, 0) << saved.err;
  EXPECT_EQ(saved.out.rfind("saved " + backup + " (", 0), 0u) << saved.out;
  EXPECT_NE(saved.out.find("database " + d.db_path() + ", schema "), std::string::npos) << saved.out;
  const std::string said = "store T001, last event seq ";
  const size_t at = saved.out.find(said);
  ASSERT_NE(at, std::string::npos) << saved.out;
  const int64_t seq_at_backup = std::stoll(saved.out.substr(at + said.size()));
  EXPECT_EQ(Query(backup, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"), seq_at_backup);
  EXPECT_EQ(Query(backup, adjusted), adjusted_at_backup);

  // Not over an existing file; not into a missing directory.
  auto again = ctl({"backup", backup});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, "storeedgectl: backup " + backup + ": already exists (use --force to replace it)\n");
  auto nowhere = ctl({"backup", dir.File("missing/node.db")});
  EXPECT_EQ(nowhere.code, 1);
  EXPECT_EQ(nowhere.err, "storeedgectl: backup " + dir.File("missing/node.db") + ": directory " +
                             dir.File("missing") + " does not exist\n");

  // Changes after the backup.
  auto second = import("second.csv", 40);
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(on_hand("SKU-1"), 40);

  // Not while the daemon runs: the database is left alone.
  auto refused = ctl({"restore", backup});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("storeedged is running on database " + d.db_path()), std::string::npos)
      << refused.err;
  EXPECT_EQ(on_hand("SKU-1"), 40);

  // A second daemon on the same database does not start.
  {
    TempDir other_dir;
    auto second_daemon = RunProgram(other_dir, {STOREEDGED_PATH, "--config", d.config_path()});
    EXPECT_EQ(second_daemon.code, 3);
    EXPECT_NE(second_daemon.err.find("is in use by another storeedged"), std::string::npos)
        << second_daemon.err;
  }

  d.process().Signal(SIGTERM);
  ASSERT_EQ(d.process().Wait(15s).value_or(-1), 0) << d.Stderr();
  const int64_t seq_before_restore =
      Query(d.db_path(), "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
  ASSERT_GT(seq_before_restore, seq_at_backup);

  auto restored = ctl({"restore", backup});
  ASSERT_EQ(restored.code, 0) << restored.err;
  EXPECT_EQ(restored.out.rfind("restored " + d.db_path() + " from " + backup + ": ", 0), 0u) << restored.out;
  EXPECT_NE(restored.out.find("the replaced database is kept as " + d.db_path() + ".pre-restore-"),
            std::string::npos)
      << restored.out;
  EXPECT_NE(restored.err.find("the next event gets seq " + std::to_string(seq_at_backup + 1)),
            std::string::npos)
      << restored.err;
  EXPECT_NE(restored.err.find("re-sync"), std::string::npos) << restored.err;
  EXPECT_FALSE(fs::exists(d.db_path() + "-wal"));
  int pre_restore = 0;
  for (const auto& e : fs::directory_iterator(d.data_dir())) {
    if (e.path().filename().string().rfind("storeedge.db.pre-restore-", 0) == 0) {
      ++pre_restore;
      EXPECT_EQ(Query(e.path().string(), "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'"),
                seq_before_restore);
    }
  }
  EXPECT_EQ(pre_restore, 1);

  // The restarted daemon serves the state of the backup.
  ASSERT_TRUE(d.Start()) << d.Stderr();
  EXPECT_EQ(on_hand("SKU-1"), 5);
  EXPECT_EQ(on_hand("SKU-2"), 6);
  d.process().Signal(SIGTERM);
  EXPECT_EQ(d.process().Wait(15s).value_or(-1), 0);
  EXPECT_EQ(Query(d.db_path(), adjusted), adjusted_at_backup);
}

TEST(BackupRestoreSystem, RestoreRefusesABackupOfAnotherStore) {
  TempDir dir;
  DaemonUnderTest other(dir, "T999");
  auto made = RunProgram(dir, {STOREEDGECTL_PATH, "--config", other.config_path(), "kiosk", "add", "k1"});
  ASSERT_EQ(made.code, 0) << made.err;
  auto saved =
      RunProgram(dir, {STOREEDGECTL_PATH, "--config", other.config_path(), "backup", dir.File("t999.db")});
  ASSERT_EQ(saved.code, 0) << saved.err;

  TempDir node_dir;
  DaemonUnderTest node(node_dir, "T001");
  auto refused = RunProgram(
      node_dir, {STOREEDGECTL_PATH, "--config", node.config_path(), "restore", dir.File("t999.db")});
  EXPECT_EQ(refused.code, 1);
  EXPECT_EQ(refused.err, "storeedgectl: backup " + dir.File("t999.db") +
                             " is of store 'T999', but this node is configured as store 'T001' (use "
                             "--force-store to restore it anyway)\n");
  EXPECT_FALSE(fs::exists(node.db_path()));
}

}  // namespace
}  // namespace edge::testing
