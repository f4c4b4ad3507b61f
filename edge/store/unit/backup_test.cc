// Backup and Restore on real SQLite files: a backup taken while another
// connection writes is one consistent snapshot; a restore refuses what it
// must not install and leaves the database untouched then; a restore keeps
// the replaced database.
#include "edge/store/backup.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <thread>

#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"

namespace edge::store {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::WriteFile;

class BackupTest : public ::testing::Test {
 protected:
  std::string db_path() const { return dir_.File("storeedge.db"); }

  std::unique_ptr<Store> Open(const std::string& path, const std::string& store_id = "S042") {
    StoreOptions o;
    o.path = path;
    o.store_id = store_id;
    auto s = Store::Open(o, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  // One event and the count of events in meta, in one transaction: a copy
  // is consistent when both agree.
  static void Append(Store& s, const std::string& id, size_t payload_bytes = 16) {
    auto txn = Transaction::Begin(s.db());
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    auto seq =
        s.AppendEvent(**txn, id, "test.event", "{\"pad\":\"" + std::string(payload_bytes, 'x') + "\"}");
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    ASSERT_TRUE(
        s.db()
            .Exec("INSERT INTO meta(key, value) VALUES ('test.count', '1') ON CONFLICT(key) DO UPDATE "
                  "SET value = CAST(value AS INTEGER) + 1")
            .ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  // Every file in the test dir with its bytes.
  std::map<std::string, std::string> Files() const {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::directory_iterator(dir_.path())) out[e.path().filename()] = ReadFile(e.path());
    return out;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{core::FromUnixMillis(1795774503120)};  // 2026-11-27T10:15:03Z
};

struct Copy {
  int64_t events = 0, max_seq = 0, counted = 0;
};

Copy ReadCopy(const std::string& path) {
  Copy c;
  auto db = Database::Open(path, Database::Mode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return c;
  c.events = *(*db)->QueryInt("SELECT count(*) FROM outbox");
  c.max_seq = *(*db)->QueryInt("SELECT coalesce(max(seq), 0) FROM outbox");
  c.counted = *(*db)->QueryInt(
      "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'test.count'), 0)");
  EXPECT_EQ(*(*db)->QueryText("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(*(*db)->QueryText("PRAGMA journal_mode"), "delete");  // one self-contained file
  return c;
}

TEST_F(BackupTest, CopiesTheSnapshotTakenAtTheStartWhileWritesGoOnBetweenSteps) {
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  for (int i = 0; i < 300; ++i) Append(*s, "e" + std::to_string(i), 2000);  // ~150 pages
  // Another connection (as the daemon would be) writes after every step.
  auto writer = Open(db_path());
  ASSERT_TRUE(writer);
  int written = 0;
  BackupOptions o;
  o.pages_per_step = 4;
  o.on_step = [&](int remaining, int total) {
    EXPECT_GT(total, 0);
    EXPECT_LE(remaining, total);
    // Bounded, so that a backup that restarted on every write (no snapshot
    // held) would still end, and fail below instead of hanging.
    if (written < 200) Append(*writer, "during-" + std::to_string(written++), 2000);
  };
  const std::string dest = dir_.File("backup.db");
  auto r = Backup(db_path(), dest, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->steps, 20);
  EXPECT_EQ(written, r->steps);
  // The copy is the database as it was when the backup began, whole.
  const Copy c = ReadCopy(dest);
  EXPECT_EQ(c.events, 300);
  EXPECT_EQ(c.max_seq, 300);
  EXPECT_EQ(c.counted, 300);
  EXPECT_EQ(r->facts.path, dest);
  EXPECT_EQ(r->facts.last_event_seq, 300);
  EXPECT_EQ(r->facts.store_id, "S042");
  EXPECT_EQ(r->facts.schema_version, LatestSchemaVersion());
  EXPECT_EQ(r->facts.bytes, static_cast<int64_t>(fs::file_size(dest)));
  EXPECT_EQ(*s->LastEventSeq(), 300 + written);  // the writes went on meanwhile
  // Only the backup is new: no temp file left.
  for (const auto& [name, bytes] : Files()) {
    EXPECT_TRUE(name.rfind("storeedge.db", 0) == 0 || name == "backup.db") << name;
  }
  EXPECT_EQ(fs::status(dest).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(BackupTest, CopyIsConsistentWhileAnotherThreadWritesInALoop) {
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  for (int i = 0; i < 200; ++i) Append(*s, "e" + std::to_string(i), 2000);
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    auto w = Open(db_path());
    ASSERT_TRUE(w);
    for (int i = 0; !stop; ++i) {
      Append(*w, "w" + std::to_string(i), 500);
      ++commits;
    }
  });
  std::vector<Copy> copies;
  for (int round = 0; round < 3; ++round) {
    BackupOptions o;
    o.pages_per_step = 2;
    o.overwrite = true;
    auto r = Backup(db_path(), dir_.File("backup.db"), o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    copies.push_back(ReadCopy(dir_.File("backup.db")));
    EXPECT_EQ(r->facts.last_event_seq, copies.back().max_seq);
  }
  stop = true;
  writer.join();
  for (const Copy& c : copies) {
    // Complete up to one commit: no event missing, none without its count.
    EXPECT_GE(c.events, 200);
    EXPECT_EQ(c.events, c.max_seq);
    EXPECT_EQ(c.counted, c.events);
  }
  EXPECT_GT(commits.load(), 0);
}

TEST_F(BackupTest, RefusesToReplaceAnExistingFileUnlessTold) {
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  Append(*s, "a");
  const std::string dest = dir_.File("backup.db");
  WriteFile(dest, "keep me");
  auto r = Backup(db_path(), dest);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kAlreadyExists);
  EXPECT_NE(r.status().message().find(dest), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("--force"), std::string::npos) << r.status().message();
  EXPECT_EQ(ReadFile(dest), "keep me");

  BackupOptions o;
  o.overwrite = true;
  auto forced = Backup(db_path(), dest, o);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(ReadCopy(dest).events, 1);

  auto onto_itself = Backup(db_path(), db_path(), o);
  ASSERT_FALSE(onto_itself.ok());
  EXPECT_NE(onto_itself.status().message().find("is the database itself"), std::string::npos);
}

TEST_F(BackupTest, ErrorsNameThePath) {
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  const std::string missing_dir = dir_.File("no/such/dir/backup.db");
  auto r = Backup(db_path(), missing_dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "backup " + missing_dir + ": directory " + dir_.File("no/such/dir") + " does not exist");

  auto to_dir = Backup(db_path(), dir_.path().string());
  ASSERT_FALSE(to_dir.ok());
  EXPECT_NE(to_dir.status().message().find("is a directory"), std::string::npos);

  auto no_db = Backup(dir_.File("absent.db"), dir_.File("b1.db"));
  ASSERT_FALSE(no_db.ok());
  EXPECT_EQ(no_db.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(no_db.status().message(), "database " + dir_.File("absent.db") + " does not exist");

  WriteFile(dir_.File("notes.txt"), "this is not a database, but it is long enough to have a header");
  auto text = Backup(dir_.File("notes.txt"), dir_.File("b2.db"));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "database " + dir_.File("notes.txt") + " is not a SQLite database");

  {
    auto other = Database::Open(dir_.File("other.db"), Database::Mode::kReadWriteCreate);
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE((*other)->Exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)").ok());
  }
  auto foreign = Backup(dir_.File("other.db"), dir_.File("b3.db"));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().message(),
            "database " + dir_.File("other.db") + " is not a storeedge database (application_id 0)");
  for (const char* name : {"b1.db", "b2.db", "b3.db"}) EXPECT_FALSE(fs::exists(dir_.File(name))) << name;

  if (::geteuid() != 0) {  // root writes anywhere
    const std::string ro = dir_.File("ro");
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    auto denied = Backup(db_path(), ro + "/backup.db");
    fs::permissions(ro, fs::perms::owner_all);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.status().message(),
              "backup " + ro + "/backup.db: cannot write in directory " + ro + ": Permission denied");
  }
}

// A full disk, made with RLIMIT_FSIZE in a child process: the write fails,
// the error names the backup, and nothing is left behind.
TEST_F(BackupTest, AFailedWriteLeavesNoFileAndNamesTheBackup) {
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  for (int i = 0; i < 100; ++i) Append(*s, "e" + std::to_string(i), 2000);
  s.reset();
  const std::string dest = dir_.File("backup.db");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64 * 1024, 64 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    auto r = Backup(db_path(), dest);
    const std::string msg = r.ok() ? "unexpectedly ok" : r.status().message();
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(r.ok() ? 1 : 0);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << msg;
  EXPECT_EQ(msg.rfind("backup " + dest + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find("File too large"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dest));
  for (const auto& [name, bytes] : Files()) EXPECT_EQ(name.rfind("storeedge.db", 0), 0u) << name;
}

// ---- restore ----

class RestoreTest : public BackupTest {
 protected:
  // A database of store S042 with events 1..3, its backup, then events 4..5.
  void SetUp() override {
    auto s = Open(db_path());
    ASSERT_TRUE(s);
    for (int i = 1; i <= 3; ++i) Append(*s, "e" + std::to_string(i));
    ASSERT_TRUE(Backup(db_path(), backup_path()).ok());
    for (int i = 4; i <= 5; ++i) Append(*s, "e" + std::to_string(i));
  }
  std::string backup_path() const { return dir_.File("backup.db"); }
  RestoreOptions Options(const std::string& store_id = "S042") {
    RestoreOptions o;
    o.store_id = store_id;
    o.now = clock_.Now();
    return o;
  }
  // A copy of the backup changed by `sql`, at `name`.
  std::string Altered(const std::string& name, const std::string& sql) {
    const std::string path = dir_.File(name);
    fs::copy_file(backup_path(), path);
    auto db = Database::Open(path, Database::Mode::kReadWrite);
    EXPECT_TRUE(db.ok());
    EXPECT_TRUE((*db)->Exec(sql).ok()) << sql;
    return path;
  }
};

TEST_F(RestoreTest, InstallsTheBackupAndKeepsTheReplacedDatabase) {
  auto r = Restore(backup_path(), db_path(), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string pre = db_path() + ".pre-restore-20261127T101503Z";
  EXPECT_EQ(r->pre_restore_path, pre);
  EXPECT_EQ(r->restored.last_event_seq, 3);
  EXPECT_EQ(r->restored.store_id, "S042");
  EXPECT_EQ(r->restored.path, db_path());
  ASSERT_TRUE(r->replaced_last_event_seq.has_value());
  EXPECT_EQ(*r->replaced_last_event_seq, 5);
  // The replaced database, whole (its WAL folded in), and nothing stale
  // beside the restored one.
  EXPECT_EQ(ReadCopy(pre).events, 5);
  for (const char* side : {"-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(fs::exists(db_path() + side)) << side;
    EXPECT_FALSE(fs::exists(pre + side)) << side;
  }
  EXPECT_EQ(ReadCopy(db_path()).events, 3);

  // The daemon's next start: the store opens, and the next event takes seq 4
  // again (the protocol consequence storeedgectl warns about).
  auto s = Open(db_path());
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->LastEventSeq(), 3);
  auto txn = Transaction::Begin(s->db());
  ASSERT_TRUE(txn.ok());
  EXPECT_EQ(*s->AppendEvent(**txn, "after", "test.event", "{}"), 4);
  ASSERT_TRUE((*txn)->Commit().ok());
  s.reset();

  // A second restore in the same second keeps both earlier databases.
  auto again = Restore(backup_path(), db_path(), Options());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->pre_restore_path, pre + "-2");
  EXPECT_EQ(ReadCopy(pre + "-2").events, 4);
  EXPECT_EQ(ReadCopy(pre).events, 5);
}

TEST_F(RestoreTest, RefusesWhatItMustNotInstallAndChangesNothing) {
  const std::string newer =
      Altered("newer.db", "PRAGMA user_version=" + std::to_string(LatestSchemaVersion() + 1));
  const std::string other =
      Altered("other-store.db", "UPDATE meta SET value = 'S999' WHERE key = 'store_id'");
  const std::string no_id = Altered("no-id.db", "DELETE FROM meta WHERE key = 'store_id'");
  const std::string foreign = Altered("foreign.db", "PRAGMA application_id=42");
  const std::string text = dir_.File("text.db");
  WriteFile(text, std::string(4096, 'x'));
  const std::string empty = dir_.File("empty.db");
  WriteFile(empty, "");
  // Damage: the outbox's page overwritten with garbage.
  const std::string damaged = dir_.File("damaged.db");
  {
    int64_t root = 0, page = 0;
    {
      auto db = Database::Open(backup_path(), Database::Mode::kReadOnly);
      ASSERT_TRUE(db.ok());
      root = *(*db)->QueryInt("SELECT rootpage FROM sqlite_schema WHERE name = 'outbox'");
      page = *(*db)->QueryInt("PRAGMA page_size");
    }
    std::string bytes = ReadFile(backup_path());
    ASSERT_GE(bytes.size(), static_cast<size_t>(root * page));
    for (int64_t i = (root - 1) * page; i < root * page; ++i) bytes[static_cast<size_t>(i)] = '\x5a';
    WriteFile(damaged, bytes);
  }

  struct Case {
    std::string path;
    core::StatusCode code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {newer, core::StatusCode::kFailedPrecondition,
       "backup " + newer + " has schema version " + std::to_string(LatestSchemaVersion() + 1) +
           ", newer than this storeedge knows"},
      {other, core::StatusCode::kFailedPrecondition,
       "backup " + other +
           " is of store 'S999', but this node is configured as store 'S042' "
           "(use --force-store to restore it anyway)"},
      {no_id, core::StatusCode::kCorruption, "backup " + no_id + " is not a storeedge database (no store id"},
      {foreign, core::StatusCode::kCorruption,
       "backup " + foreign + " is not a storeedge database (application_id 42)"},
      {text, core::StatusCode::kCorruption, "backup " + text + " is not a SQLite database"},
      {empty, core::StatusCode::kCorruption, "backup " + empty + " is empty, not a SQLite database"},
      {damaged, core::StatusCode::kCorruption, "backup " + damaged},
      {dir_.File("absent.db"), core::StatusCode::kNotFound,
       "backup " + dir_.File("absent.db") + " does not exist"},
  };
  const auto before = Files();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = Restore(c.path, db_path(), Options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind(c.says, 0), 0u) << r.status().message();
  }
  EXPECT_TRUE(Files() == before) << "a refused restore changed a file";

  // Told to, it restores another store's backup.
  auto forced = Restore(other, db_path(), [&] {
    auto o = Options();
    o.any_store = true;
    return o;
  }());
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(forced->restored.store_id, "S999");
}

TEST_F(RestoreTest, RefusesWhileTheDaemonHoldsTheLockOrTheDatabaseIsOpen) {
  const auto before = Files();
  {
    auto daemon = DatabaseLock::TryAcquire(db_path());
    ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
    auto second = DatabaseLock::TryAcquire(db_path());
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), core::StatusCode::kUnavailable);
    auto r = Restore(backup_path(), db_path(), Options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kFailedPrecondition);
    EXPECT_EQ(r.status().message(),
              "storeedged is running on database " + db_path() + " (it holds " + db_path() +
                  ".lock): stop it first (systemctl stop storeedged); nothing was changed");
  }
  {
    auto open = Open(db_path());  // e.g. a storeedgectl command still running
    ASSERT_TRUE(open);
    auto r = Restore(backup_path(), db_path(), Options());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), core::StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("is open in another process"), std::string::npos)
        << r.status().message();
    EXPECT_EQ(*open->LastEventSeq(), 5);
  }
  auto after = Files();
  after.erase("storeedge.db.lock");  // the lock file stays, empty
  auto expected = before;
  expected.erase("storeedge.db.lock");
  // The open Store may have checkpointed; its content is what matters.
  {
    auto db = Database::Open(db_path(), Database::Mode::kReadOnly);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM outbox"), 5);
  }
  for (const auto& [name, bytes] : after) {
    EXPECT_TRUE(expected.count(name) || name == "storeedge.db-wal" || name == "storeedge.db-shm") << name;
  }
  // Released, the restore goes through.
  ASSERT_TRUE(Restore(backup_path(), db_path(), Options()).ok());
}

TEST_F(RestoreTest, ReplacesADamagedDatabaseAndKeepsItAsItWas) {
  WriteFile(db_path(), "garbage where the database was");
  WriteFile(db_path() + "-wal", "a stale wal");
  auto r = Restore(backup_path(), db_path(), Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->replaced_last_event_seq.has_value());
  EXPECT_EQ(ReadFile(r->pre_restore_path), "garbage where the database was");
  EXPECT_EQ(ReadFile(r->pre_restore_path + "-wal"), "a stale wal");
  EXPECT_FALSE(fs::exists(db_path() + "-wal"));
  EXPECT_EQ(ReadCopy(db_path()).events, 3);
}

TEST_F(RestoreTest, RestoresWhereThereIsNoDatabaseYet) {
  const std::string fresh = dir_.File("new/storeedge.db");
  fs::create_directory(dir_.File("new"));
  auto r = Restore(backup_path(), fresh, Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pre_restore_path, "");
  EXPECT_EQ(ReadCopy(fresh).events, 3);
}

}  // namespace
}  // namespace edge::store
