// Config: every kind of mistake gets a message naming the file, line, option
// and what is wrong; the shipped packaging/storeedge.toml documents every
// option and equals the embedded defaults.
#include "edge/app/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

std::string ErrorOf(const std::string& text) {
  auto c = ParseConfig(text, "s.toml");
  EXPECT_FALSE(c.ok()) << text;
  return c.ok() ? "" : c.status().message();
}

TEST(Config, EmptyFileIsTheDefaults) {
  auto c = ParseConfig("", "s.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, Config{});
  EXPECT_EQ(c->store.id, "DEMO");
  EXPECT_EQ(c->store.data_dir, "./var");
  EXPECT_EQ(c->http.host(), "127.0.0.1");
  EXPECT_EQ(c->http.port(), 8080);
  EXPECT_EQ(c->mqtt.uri, "tcp://127.0.0.1:1883");
  EXPECT_EQ(c->DatabasePath(), "./var/storeedge.db");
}

TEST(Config, ReadsTheContractKeys) {
  auto c = ParseConfig(R"(
[store]
id = "S042"
data_dir = "/var/lib/storeedge/"
ledger_retention_days = 400
[mqtt]
uri = "tcp://10.1.2.3:1883"
username = "S042"
password = "secret"
keepalive_s = 20
[http]
listen = "0.0.0.0:8081"
[sync]
gap_timeout_s = 9
event_retention_days = 14
available_interval_s = 3
[policy]
partial_accept = false
max_open_orders = 40
pickup_hold_days = 3
pickup_escalate_min = 5
pickup_reminder_h = 0
curbside_bays = 12
kiosk_lookups_per_kiosk_per_min = 60
kiosk_lookups_per_ref_per_min = 10
[sqlite]
synchronous = "NORMAL"
[[station]]
name = "pack-1"
printer_queue = "zebra1"
printer_format = "zpl"
scanner_usb_id = "05E0:1200"
scanner_port = "1-1.4"
[[station]]
name = "front"
)",
                       "s.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->store.id, "S042");
  EXPECT_EQ(c->DatabasePath(), "/var/lib/storeedge/storeedge.db");
  EXPECT_EQ(c->store.ledger_retention_days, 400);
  EXPECT_EQ(c->mqtt.keepalive_s, 20);
  EXPECT_EQ(c->http.port(), 8081);
  EXPECT_EQ(c->sync.gap_timeout_s, 9);
  EXPECT_EQ(c->sync.event_retention_days, 14);
  EXPECT_EQ(c->sync.available_interval_s, 3);
  EXPECT_FALSE(c->policy.partial_accept);
  EXPECT_EQ(c->policy.max_open_orders, 40);
  EXPECT_EQ(c->policy.pickup_hold_days, 3);
  EXPECT_EQ(c->policy.pickup_escalate_min, 5);
  EXPECT_EQ(c->policy.pickup_reminder_h, 0);
  EXPECT_EQ(c->policy.curbside_bays, 12);
  EXPECT_EQ(c->policy.kiosk_lookups_per_kiosk_per_min, 60);
  EXPECT_EQ(c->policy.kiosk_lookups_per_ref_per_min, 10);
  EXPECT_EQ(c->sqlite.synchronous, "NORMAL");
  ASSERT_EQ(c->stations.size(), 2u);
  EXPECT_EQ(c->stations[0].printer_format, "zpl");
  EXPECT_EQ(*c->stations[0].scanner.vendor_id, 0x05e0);
  EXPECT_EQ(*c->stations[0].scanner.product_id, 0x1200);
  EXPECT_EQ(c->stations[0].scanner.port_path, "1-1.4");
  EXPECT_EQ(c->stations[1].printer_queue, "");
}

TEST(Config, EachKindOfMistakeIsNamed) {
  EXPECT_EQ(ErrorOf("[store]\nid = \"S 42\"\n"),
            "s.toml:2: [store] id: store id 'S 42' may contain only letters, digits, '_' and '-'");
  EXPECT_EQ(ErrorOf("[store]\nledger_retention_days = -1\n"),
            "s.toml:2: [store] ledger_retention_days: -1 is out of range 0..3650 (days)");
  EXPECT_EQ(ErrorOf("[store]\nledger_retention_days = 6\n"),
            "s.toml:2: [store] ledger_retention_days: 6 is shorter than [sync] event_retention_days (7): the "
            "OMS may still ask for events that old, and a snapshot cut before it heard them needs their "
            "ledger rows (0 keeps every row)");
  EXPECT_EQ(
      ErrorOf("[sync]\nevent_retention_days = 120\n"),
      "s.toml: [store] ledger_retention_days: the default 90 is shorter than [sync] "
      "event_retention_days (120): the OMS may still ask for events that old, and a snapshot cut before "
      "it heard them needs their ledger rows (0 keeps every row)");
  EXPECT_TRUE(
      ParseConfig("[store]\nledger_retention_days = 0\n[sync]\nevent_retention_days = 120\n", "s.toml").ok());
  EXPECT_EQ(ErrorOf("[mqtt]\nkeepalive_s = \"thirty\"\n"),
            "s.toml:2: [mqtt] keepalive_s: expected an integer (seconds), got a string");
  EXPECT_EQ(ErrorOf("[mqtt]\nkeepalive_s = 1\n"),
            "s.toml:2: [mqtt] keepalive_s: 1 is out of range 5..3600 (seconds)");
  EXPECT_EQ(ErrorOf("[mqtt]\nkeepalive = 30\n"),
            "s.toml:2: [mqtt] keepalive: unknown option (known in [mqtt]: uri, ca_file, cert_file, "
            "key_file, username, password, keepalive_s, connect_timeout_s, reconnect_min_ms, "
            "reconnect_max_ms)");
  EXPECT_EQ(
      ErrorOf("[mqtt]\nuri = \"http://x:1\"\n"),
      "s.toml:2: [mqtt] uri: 'http://x:1' must start with tcp:// or ssl:// (e.g. tcp://127.0.0.1:1883)");
  EXPECT_EQ(ErrorOf("[mqtt]\nuri = \"tcp://broker\"\n"),
            "s.toml:2: [mqtt] uri: 'tcp://broker' needs a host and a port (e.g. tcp://127.0.0.1:1883)");
  EXPECT_EQ(ErrorOf("[mqtt]\nuri = \"ssl://b:8883\"\ncert_file = \"/x.pem\"\n"),
            "s.toml:3: [mqtt] cert_file: cert_file and key_file go together (the store's client "
            "certificate and its key)");
  EXPECT_EQ(ErrorOf("[mqtt]\nuri = \"ssl://b:8883\"\nca_file = \"/nonexistent/ca.pem\"\n"),
            "s.toml:3: [mqtt] ca_file: cannot read '/nonexistent/ca.pem'");
  EXPECT_EQ(ErrorOf("[mqtt]\nreconnect_min_ms = 5000\nreconnect_max_ms = 1000\n"),
            "s.toml:3: [mqtt] reconnect_max_ms: must not be below reconnect_min_ms (5000)");
  EXPECT_EQ(ErrorOf("[http]\nlisten = \"localhost:80\"\n"),
            "s.toml:2: [http] listen: 'localhost:80': 'localhost' is not an IP address (use 127.0.0.1, "
            "0.0.0.0 or [::1])");
  EXPECT_EQ(ErrorOf("[policy]\npartial_accept = \"yes\"\n"),
            "s.toml:2: [policy] partial_accept: expected true or false, got a string");
  EXPECT_EQ(ErrorOf("[sqlite]\nsynchronous = \"OFF\"\n"),
            "s.toml:2: [sqlite] synchronous: 'OFF' is neither \"FULL\" nor \"NORMAL\"");
  EXPECT_EQ(ErrorOf("[log]\nlevel = \"loud\"\n"),
            "s.toml:2: [log] level: 'loud' is not one of debug, info, warn, error");
  EXPECT_EQ(ErrorOf("[stores]\nid = \"x\"\n"),
            "s.toml:1: [stores]: unknown section (known: [store], [mqtt], [http], [sync], [policy], "
            "[sqlite], [log], [daemon], [[station]], [[box]])");
  EXPECT_EQ(ErrorOf("store = 3\n"), "s.toml: [store]: expected a table, got an integer");
  EXPECT_EQ(ErrorOf("[[station]]\nprinter_queue = \"z\"\n"),
            "s.toml:1: [station #1] name: missing (every station needs a name)");
  EXPECT_EQ(ErrorOf("[[station]]\nname = \"a\"\n[[station]]\nname = \"a\"\n"),
            "s.toml: [[station]] #2: name 'a' is used by an earlier station");
  EXPECT_EQ(ErrorOf("[[station]]\nname = \"a\"\nprinter_format = \"ps\"\n"),
            "s.toml:3: [station #1] printer_format: 'ps' is neither \"zpl\" nor \"pdf\"");
  EXPECT_EQ(
      ErrorOf("[[station]]\nname = \"a\"\nscanner_usb_id = \"05e0\"\n"),
      "s.toml:3: [station #1] scanner_usb_id: '05e0' is not vendor:product in hex (e.g. \"05e0:1200\")");
  EXPECT_EQ(ErrorOf("[[box]]\nname = \"S\"\nlength_mm = 300\nwidth_mm = 200\n"),
            "s.toml:1: [box #1] height_mm: missing (every box needs a name and inner dimensions)");
  EXPECT_EQ(ErrorOf("[[box]]\nname = \"S\"\nlength_mm = 0\nwidth_mm = 200\nheight_mm = 100\n"),
            "s.toml:3: [box #1] length_mm: 0 is out of range 1..5000 (mm)");
  EXPECT_EQ(ErrorOf("[[box]]\nname = \"S\"\nlength_mm = 1\nwidth_mm = 1\nheight_mm = 1\n"
                    "[[box]]\nname = \"S\"\nlength_mm = 1\nwidth_mm = 1\nheight_mm = 1\n"),
            "s.toml: [[box]] #2: name 'S' is used by an earlier box");
}

TEST(Config, BoxCatalogueIsRead) {
  auto c =
      ParseConfig("[[box]]\nname = \"SHOE\"\nlength_mm = 340\nwidth_mm = 220\nheight_mm = 130\n", "s.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->boxes.size(), 1u);
  EXPECT_EQ(c->boxes[0], (BoxConfig{"SHOE", 340, 220, 130}));
}

TEST(Config, SyntaxErrorNamesTheLine) {
  const std::string e = ErrorOf("[store]\nid = \"S1\"\ndata_dir = \n");
  EXPECT_EQ(e.rfind("s.toml:3: TOML syntax error: ", 0), 0u) << e;
}

TEST(Config, WebRootIsEmptyOrADirectory) {
  EXPECT_EQ(Config{}.http.web_root, "") << "the default finds the installed pages";
  testing::TempDir dir;
  auto c = ParseConfig("[http]\nweb_root = \"" + dir.path().string() + "\"\n", "s.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->http.web_root, dir.path().string());
  EXPECT_EQ(ErrorOf("[http]\nweb_root = \"/nonexistent/web\"\n"),
            "s.toml:2: [http] web_root: '/nonexistent/web' is not a directory (leave it \"\" for the "
            "installed pages)");
  EXPECT_EQ(ErrorOf("[http]\nweb_root = 7\n"),
            "s.toml:2: [http] web_root: expected a string, got an integer");
}

TEST(Config, MissingFileIsNamed) {
  auto c = LoadConfig("/nonexistent/storeedge.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "/nonexistent/storeedge.toml: cannot read the config file: No such file or directory");
}

TEST(Config, ShippedFileDocumentsEveryOptionAndMatchesDefaults) {
  const std::string path = std::string(STOREEDGE_SOURCE_DIR) + "/packaging/storeedge.toml";
  auto c = LoadConfig(path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(*c, Config{}) << "packaging/storeedge.toml must state the embedded defaults";
  const std::string text = testing::ReadFile(path);
  for (const std::string& key : ConfigKeys()) {
    const std::string name = key.substr(key.find('.') + 1);
    // Each option appears as "name = " (stations in a commented example).
    const bool present = text.find("\n" + name + " = ") != std::string::npos ||
                         text.find("\n# " + name + " = ") != std::string::npos;
    EXPECT_TRUE(present) << key << " is not documented in packaging/storeedge.toml";
  }
}

TEST(Config, RestartOnlyChangesAreListed) {
  Config a, b;
  b.log.level = "debug";
  b.policy.max_open_orders = 10;
  b.store.ledger_retention_days = 30;  // read at each pass
  EXPECT_TRUE(RestartOnlyChanges(a, b).empty());
  b.http.listen = "127.0.0.1:9000";
  b.store.id = "S2";
  EXPECT_EQ(RestartOnlyChanges(a, b), (std::vector<std::string>{"store.id", "http"}));
}

}  // namespace
}  // namespace edge::app
