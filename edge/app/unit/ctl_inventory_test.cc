// storeedgectl inventory … in-process on a real SQLite file in a temp data
// dir: imports (CSV and JSON lines) applied whole or not at all, every bad row
// named by file, line and field, and show, search and adjust over the same
// database.
#include "edge/app/ctl_inventory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "edge/app/config.h"
#include "edge/app/ctl_store.h"
#include "edge/core/clock.h"
#include "edge/store/store.h"
#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

using json = nlohmann::json;

constexpr const char* kHeader = "sku,description,gtins,on_hand,location,walk_order,safety_stock\n";

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
};

// A FILE* writing into memory, read back as a string.
class MemFile {
 public:
  MemFile() : f_(::open_memstream(&buf_, &size_)) {}
  ~MemFile() {
    std::fclose(f_);
    std::free(buf_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::FILE* get() { return f_; }
  std::string Text() {
    std::fflush(f_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
  std::FILE* f_;
};

class CtlInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.store.id = "T001";
    config_.store.data_dir = dir_.File("var");
  }

  Ran Run(std::vector<std::string> args, bool progress = false) {
    args.insert(args.begin(), "inventory");
    MemFile out, err;
    CtlStreams io;
    io.out = out.get();
    io.err = err.get();
    io.progress = progress;
    Ran r;
    r.code = CtlInventoryCommand(config_, args, io);
    r.out = out.Text();
    r.err = err.Text();
    return r;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.File(name);
    testing::WriteFile(path, content);
    return path;
  }

  // Imports `content` as `name` and expects success.
  void Import(const std::string& name, const std::string& content) {
    auto r = Run({"import", Write(name, content)});
    ASSERT_EQ(r.code, 0) << r.err;
  }

  std::unique_ptr<store::Store> OpenStore() {
    auto s = OpenStoreForCtl(config_, clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  int64_t Count(const std::string& sql) {
    auto s = OpenStore();
    auto n = s->db().QueryInt(sql);
    EXPECT_TRUE(n.ok()) << sql << ": " << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  // Everything an import changes, to show that a refused one changed nothing.
  std::string Fingerprint() {
    auto s = OpenStore();
    std::string f;
    for (const char* q :
         {"SELECT count(*) FROM items", "SELECT count(*) FROM barcodes", "SELECT count(*) FROM locations",
          "SELECT count(*) FROM stock", "SELECT count(*) FROM ledger", "SELECT count(*) FROM outbox",
          "SELECT coalesce(sum(on_hand * 7 + safety_stock), 0) FROM items",
          "SELECT coalesce(sum(qty), 0) FROM stock", "SELECT group_concat(description, '|') FROM items"}) {
      auto v = s->db().QueryText(q);
      f += (v.ok() ? *v : std::string("NULL")) + ",";
    }
    return f;
  }

  // Payloads of the outbox's inventory.adjusted events, in seq order.
  std::vector<json> Adjusted() {
    auto s = OpenStore();
    std::vector<json> out;
    // Nothing publishes here: every event is still in the outbox.
    auto pending = s->UnpublishedEvents(0, 100000);
    EXPECT_TRUE(pending.ok());
    for (const auto& e : *pending) {
      if (e.type == "inventory.adjusted") out.push_back(json::parse(e.payload));
    }
    return out;
  }

  json Show(const std::string& key) {
    auto r = Run({"show", key, "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? json::parse(r.out) : json();
  }

  testing::TempDir dir_;
  Config config_;
  core::ManualClock clock_{core::FromUnixMillis(1'795'774'503'120)};
};

// ---- import: good files ----

TEST_F(CtlInventoryTest, CsvImportWritesItemsBarcodesStockLedgerAndEvents) {
  const std::string path =
      Write("stock.csv", std::string(kHeader) +
                             "MUG-1,\"Mug, red \"\"large\"\"\",012345678905;4006381333931,12,"
                             "A-01-02,5,2\r\n"
                             "TEE-2,\"Tee\nin two lines\", 96385074 ,3,,,\r\n"
                             "\n"
                             "SPOON-3,Spoon,,,,,\n");
  auto r = Run({"import", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 3 items (2 with stock) from " + path + "\n");
  EXPECT_EQ(r.err, "");  // no terminal: only the summary

  json mug = Show("MUG-1");
  EXPECT_EQ(mug["description"], "Mug, red \"large\"");
  EXPECT_EQ(mug["gtins"], (json{"00012345678905", "04006381333931"}));
  EXPECT_EQ(mug["on_hand"], 12);
  EXPECT_EQ(mug["safety_stock"], 2);
  EXPECT_EQ(mug["available"], 10);
  EXPECT_EQ(mug["locations"], (json{{{"location", "A-01-02"}, {"qty", 12}}}));
  EXPECT_EQ(Count("SELECT walk_order FROM locations WHERE code = 'A-01-02'"), 5);

  json tee = Show("TEE-2");
  EXPECT_EQ(tee["description"], "Tee\nin two lines");
  EXPECT_EQ(tee["gtins"], (json{"00000096385074"}));
  EXPECT_EQ(tee["locations"], (json{{{"location", ""}, {"qty", 3}}}));

  json spoon = Show("SPOON-3");
  EXPECT_EQ(spoon["on_hand"], 0);
  EXPECT_EQ(spoon["gtins"], json::array());

  // One count per row with on_hand, each reported by one event.
  EXPECT_EQ(Count("SELECT count(*) FROM ledger WHERE reason = 'count'"), 2);
  auto events = Adjusted();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (json{{"sku", "MUG-1"},
                             {"delta", 12},
                             {"on_hand", 12},
                             {"reason", "count"},
                             {"by", "import"},
                             {"location", "A-01-02"}}));
  EXPECT_EQ(events[1],
            (json{{"sku", "TEE-2"}, {"delta", 3}, {"on_hand", 3}, {"reason", "count"}, {"by", "import"}}));
}

TEST_F(CtlInventoryTest, JsonLinesImportWithArraysNullsAndBy) {
  const std::string path = Write("stock.jsonl",
                                 "{\"sku\":\"MUG-1\",\"description\":\"Mug \\\"red\\\", \\u00e9\",\"gtins\":"
                                 "[\"012345678905\",\"5901234123457\"],\"on_hand\":7,\"location\":\"B-2\","
                                 "\"walk_order\":1}\n"
                                 "\n"
                                 "{\"sku\":\"TEE-2\",\"gtins\":null,\"on_hand\":null,\"safety_stock\":4}\n");
  auto r = Run({"import", path, "--by", "ana"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 2 items (1 with stock) from " + path + "\n");
  json mug = Show("MUG-1");
  EXPECT_EQ(mug["description"], "Mug \"red\", \xC3\xA9");
  EXPECT_EQ(mug["gtins"], (json{"00012345678905", "05901234123457"}));
  EXPECT_EQ(mug["locations"], (json{{{"location", "B-2"}, {"qty", 7}}}));
  json tee = Show("TEE-2");
  EXPECT_EQ(tee["safety_stock"], 4);
  EXPECT_EQ(tee["on_hand"], 0);
  auto events = Adjusted();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["by"], "ana");
  EXPECT_EQ(events[0]["on_hand"], 7);
}

TEST_F(CtlInventoryTest, FormatIsChosenByExtensionElseByFirstCharacter) {
  std::istringstream jsonish("  \n {\"sku\":\"A\"}\n");
  EXPECT_EQ(DetectImportFormat("stock.txt", jsonish), ImportFormat::kJsonLines);
  EXPECT_EQ(jsonish.tellg(), 0);  // rewound
  std::istringstream csvish("\xEF\xBB\xBFsku\nA\n");
  EXPECT_EQ(DetectImportFormat("stock", csvish), ImportFormat::kCsv);
  std::istringstream any("{");
  EXPECT_EQ(DetectImportFormat("STOCK.CSV", any), ImportFormat::kCsv);
  EXPECT_EQ(DetectImportFormat("a.ndjson", any), ImportFormat::kJsonLines);

  // Sniffed through the command too: a .txt of JSON lines imports.
  Import("export.txt", "{\"sku\":\"A-1\",\"on_hand\":2}\n");
  EXPECT_EQ(Show("A-1")["on_hand"], 2);
  // A byte order mark and CRLF line ends, as a spreadsheet writes them.
  Import("excel.csv", "\xEF\xBB\xBFsku,on_hand\r\nB-1,4\r\n");
  EXPECT_EQ(Show("B-1")["on_hand"], 4);
}

TEST_F(CtlInventoryTest, ReimportCountsAgainAndKeepsWhatTheFileLeavesOut) {
  Import("a.csv", "sku,description,on_hand,location\nMUG-1,Mug,10,A-1\n");
  Import("b.csv", "sku,on_hand,location\nMUG-1,4,A-1\n");
  json mug = Show("MUG-1");
  EXPECT_EQ(mug["description"], "Mug");  // an absent description is left as it is
  EXPECT_EQ(mug["on_hand"], 4);
  auto events = Adjusted();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["delta"], -6);
}

TEST_F(CtlInventoryTest, DryRunAppliesNothing) {
  const std::string before = Fingerprint();
  const std::string path = Write("stock.csv", std::string(kHeader) + "MUG-1,Mug,012345678905,12,A-01,1,\n");
  auto r = Run({"import", path, "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "dry run: would import 1 items (1 with stock) from " + path + "; nothing applied\n");
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(Count("SELECT count(*) FROM items"), 0);
}

TEST_F(CtlInventoryTest, ProgressIsDrawnOnlyForATerminal) {
  const std::string path = Write("stock.csv", "sku,on_hand\nA,1\nB,2\nC,3\n");
  auto r = Run({"import", path}, /*progress=*/true);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 3 items (3 with stock) from " + path + "\n");
  EXPECT_NE(r.err.find("\rvalidating 1/1 KiB [##############################] 100%\n"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("\rimporting  3/3 [##############################] 100%\n"), std::string::npos)
      << r.err;
}

// ---- import: bad files change nothing ----

struct BadCase {
  const char* name;
  std::string file;
  std::string content;
  std::string error;  // after "PATH:"
};

TEST_F(CtlInventoryTest, EveryBadRowIsNamedAndNothingIsApplied) {
  Import("seed.csv", std::string(kHeader) + "OLD-1,Old,012345678905,5,A-01,1,\n");
  const std::string before = Fingerprint();
  const std::string good = "NEW-1,New,4006381333931,3,A-02,2,\n";
  const std::vector<BadCase> cases = {
      {"check digit", "a.csv", std::string(kHeader) + good + "NEW-2,x,4006381333932,1,,,\n",
       "3: gtins: '4006381333932' has a wrong check digit (1 would be right)"},
      {"gtin length", "b.csv", std::string(kHeader) + good + "NEW-2,x,12345,1,,,\n",
       "3: gtins: '12345' has 5 digits; a GTIN has 8, 12, 13 or 14"},
      {"negative on_hand", "c.csv", std::string(kHeader) + good + "NEW-2,x,,-4,,,\n",
       "3: on_hand: must be >= 0, got -4"},
      {"on_hand not a number", "d.csv", std::string(kHeader) + good + "NEW-2,x,,3.5,,,\n",
       "3: on_hand: must be an integer, got '3.5'"},
      // 2^64 + 4: wraps to 4 if the digits are not checked before they overflow.
      {"on_hand too large", "d2.csv", std::string(kHeader) + good + "NEW-2,x,,18446744073709551620,,,\n",
       "3: on_hand: is too large, got '18446744073709551620'"},
      {"missing sku", "e.csv", std::string(kHeader) + good + ",No sku,,1,,,\n", "3: sku: is missing"},
      {"over-long line", "f.csv",
       std::string(kHeader) + good + "NEW-2," + std::string(70000, 'x') + ",,1,,,\n" + "NEW-3,ok,,,,,\n",
       "3: line: longer than 65536 bytes (70012); not read"},
      {"duplicated sku", "g.csv", std::string(kHeader) + good + "NEW-2,x,,,,,\n" + "NEW-1,again,,,,,\n",
       "4: sku: 'NEW-1' is on line 2 and on line 4; give each SKU once"},
      {"bad walk_order", "h.csv", std::string(kHeader) + good + "NEW-2,x,,1,A-03,third,\n",
       "3: walk_order: must be an integer, got 'third'"},
      {"negative walk_order", "i.csv", std::string(kHeader) + good + "NEW-2,x,,1,A-03,-1,\n",
       "3: walk_order: must be >= 0, got -1"},
      {"walk_order without location", "j.csv", std::string(kHeader) + good + "NEW-2,x,,1,,4,\n",
       "3: walk_order: needs a location"},
      {"two walk orders", "k.csv", std::string(kHeader) + good + "NEW-2,x,,1,A-02,7,\n",
       "3: walk_order: location A-02 has walk_order 2 on line 2 and 7 on line 3"},
      {"bad location", "l.csv", std::string(kHeader) + good + "NEW-2,x,,1,A 03,,\n",
       "3: location: location code 'A 03': may contain only letters, digits, '_', '.' and '-'"},
      {"gtin on two skus", "m.csv", std::string(kHeader) + good + "NEW-2,x,04006381333931,,,,\n",
       "3: gtins: '04006381333931' is given to sku 'NEW-1' on line 2 and to sku 'NEW-2' on line 3"},
      {"negative safety_stock", "n.csv", std::string(kHeader) + good + "NEW-2,x,,,,,-1\n",
       "3: safety_stock: must be >= 0, got -1"},
      {"wrong field count", "o.csv", std::string(kHeader) + good + "NEW-2,x,,1\n",
       "3: row: has 4 fields, the header has 7"},
      {"quote in unquoted field", "p.csv", std::string(kHeader) + good + "NEW-2,a \"b\",,1,,,\n",
       "3: description: a quote inside an unquoted field; quote the whole field and double the quote"},
      {"unclosed quote", "q.csv", std::string(kHeader) + good + "NEW-2,\"open,,1,,,\nNEW-3,,,,,,\n",
       "3: description: the quote opened here is never closed"},
      {"unknown column", "r.csv", "sku,onhand\nNEW-1,3\n",
       "1: header: unknown column 'onhand' (the columns are sku, description, gtins, on_hand, location, "
       "walk_order, safety_stock)"},
      {"no sku column", "s.csv", "description,on_hand\nx,3\n",
       "1: header: no 'sku' column; the first row must name the columns (sku, description, gtins, on_hand, "
       "location, walk_order, safety_stock)"},
      {"invalid utf-8", "t.csv", std::string(kHeader) + good + "NEW-2,Caf\xE9,,1,,,\n",
       "3: description: is not valid UTF-8 (byte 4)"},
      {"jsonl check digit", "u.jsonl",
       "{\"sku\":\"NEW-1\",\"on_hand\":3}\n{\"sku\":\"NEW-2\",\"gtins\":[\"4006381333932\"]}\n",
       "2: gtins: '4006381333932' has a wrong check digit (1 would be right)"},
      {"jsonl negative on_hand", "v.jsonl", "{\"sku\":\"NEW-1\",\"on_hand\":-4}\n",
       "1: on_hand: must be >= 0, got -4"},
      {"jsonl on_hand as text", "w.jsonl", "{\"sku\":\"NEW-1\",\"on_hand\":\"4\"}\n",
       "1: on_hand: must be an integer, got string"},
      {"jsonl missing sku", "x.jsonl", "{\"sku\":\"NEW-1\"}\n{\"description\":\"no sku\"}\n",
       "2: sku: is missing"},
      {"jsonl over-long line", "y.jsonl",
       "{\"sku\":\"NEW-1\"}\n{\"sku\":\"NEW-2\",\"description\":\"" + std::string(70000, 'x') + "\"}\n",
       "2: line: longer than 65536 bytes (70032); not read"},
      {"jsonl duplicated sku", "z.jsonl", "{\"sku\":\"NEW-1\"}\n{\"sku\":\"NEW-2\"}\n{\"sku\":\"NEW-1\"}\n",
       "3: sku: 'NEW-1' is on line 1 and on line 3; give each SKU once"},
      {"jsonl bad walk_order", "za.jsonl", "{\"sku\":\"NEW-1\",\"location\":\"A-1\",\"walk_order\":1.5}\n",
       "1: walk_order: must be an integer, got number 1.5"},
      {"jsonl unknown key", "zb.jsonl", "{\"sku\":\"NEW-1\",\"onhand\":1}\n",
       "1: onhand: unknown key (the keys are sku, description, gtins, on_hand, location, walk_order, "
       "safety_stock)"},
      {"jsonl gtins not an array", "zc.jsonl", "{\"sku\":\"NEW-1\",\"gtins\":\"012345678905\"}\n",
       "1: gtins: must be an array of strings, got string"},
      {"jsonl not json", "zd.jsonl", "{\"sku\":\"NEW-1\"}\n{\"sku\":}\n",
       "2: row: not valid JSON: parse error at line 1, column 8: syntax error while parsing value - "
       "unexpected '}'; expected '[', '{', or a literal"},
      {"jsonl not an object", "ze.jsonl", "[\"NEW-1\"]\n", "1: row: must be a JSON object, got array"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = Write(c.file, c.content);
    auto r = Run({"import", path});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, path + ":" + c.error + "\nstoreedgectl: inventory import: 1 error in " + path +
                         "; nothing imported\n");
    EXPECT_EQ(Fingerprint(), before);
  }
}

TEST_F(CtlInventoryTest, EveryErrorOfAFileIsReported) {
  const std::string path = Write("bad.csv", std::string(kHeader) +
                                                "A,,4006381333932,-1,,,\n"
                                                "B,,,,,x,\n"
                                                "A,,,,,,\n");
  auto r = Run({"import", path});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, path + ":2: gtins: '4006381333932' has a wrong check digit (1 would be right)\n" + path +
                       ":2: on_hand: must be >= 0, got -1\n" + path +
                       ":3: walk_order: must be an integer, got 'x'\n" + path +
                       ":4: sku: 'A' is on line 2 and on line 4; give each SKU once\n"
                       "storeedgectl: inventory import: 4 errors in " +
                       path + "; nothing imported\n");
}

TEST_F(CtlInventoryTest, AFailureWhileApplyingRollsBackTheWholeImport) {
  Import("seed.csv", "sku,on_hand\nOLD-1,5\n");
  {
    // A row the checks pass but the database refuses, after others applied.
    auto s = OpenStore();
    ASSERT_TRUE(s->db()
                    .Exec("CREATE TRIGGER refuse_boom BEFORE INSERT ON items WHEN NEW.sku = 'BOOM' "
                          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END")
                    .ok());
  }
  const std::string before = Fingerprint();
  const std::string path = Write("stock.csv", "sku,on_hand,location\nOLD-1,9,A-1\nNEW-1,3,A-2\nBOOM,1,\n");
  auto r = Run({"import", path});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("storeedgectl: inventory import: " + path + ":4: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("boom refused"), std::string::npos) << r.err;
  EXPECT_EQ(Fingerprint(), before);
  EXPECT_EQ(Show("OLD-1")["on_hand"], 5);
}

TEST_F(CtlInventoryTest, ReaderNamesItsLimitsAndKeepsMemoryBounded) {
  // A line far past the limit is skipped without being kept; the rows after
  // it are still read and checked.
  std::string content = "sku\n" + std::string(3 * kMaxImportLineBytes, 'x') + "\nA\nB\n";
  std::istringstream in(content);
  ImportFile f = ReadImportFile(in, "big.csv", ImportFormat::kCsv);
  ASSERT_EQ(f.error_count, 1u);
  EXPECT_EQ(f.errors[0], "big.csv:2: line: longer than 65536 bytes (196608); not read");
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[1].sku, "B");
  EXPECT_EQ(f.rows[1].line, 4);

  // Exactly at the limit is fine.
  std::istringstream at("sku,description\nA," + std::string(kMaxImportLineBytes - 2, 'd') + "\n");
  ImportFile g = ReadImportFile(at, "at.csv", ImportFormat::kCsv);
  EXPECT_EQ(g.error_count, 1u);  // the description is too long for the service, not the line
  EXPECT_EQ(g.errors[0], "at.csv:2: description: is 65534 bytes, at most 512");

  // Errors beyond the first hundred are counted, not kept.
  std::string many = "sku,on_hand\n";
  for (int i = 0; i < 150; ++i) many += "S" + std::to_string(i) + ",-1\n";
  std::istringstream m(many);
  ImportFile h = ReadImportFile(m, "m.csv", ImportFormat::kCsv);
  EXPECT_EQ(h.error_count, 150u);
  EXPECT_EQ(h.errors.size(), kMaxImportErrorsKept);

  // An empty CSV has no header.
  std::istringstream empty("");
  ImportFile e = ReadImportFile(empty, "e.csv", ImportFormat::kCsv);
  ASSERT_EQ(e.errors.size(), 1u);
  EXPECT_EQ(e.errors[0],
            "e.csv:1: header: missing; the first row must name the columns (sku, description, gtins, "
            "on_hand, location, walk_order, safety_stock)");
}

TEST_F(CtlInventoryTest, CsvFieldsFollowRfc4180) {
  std::istringstream in(
      "description , sku ,gtins\n"
      "\"a \"\"quoted\"\", word\" , S-1 , 012345678905 ; 00012345678905 ;\n"
      "  \"x\",\"S-2\",\n");
  ImportFile f = ReadImportFile(in, "q.csv", ImportFormat::kCsv);
  ASSERT_TRUE(f.ok()) << (f.errors.empty() ? "" : f.errors[0]);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].description, "a \"quoted\", word");
  EXPECT_EQ(f.rows[0].sku, "S-1");
  // The same GTIN twice (UPC-A and GTIN-14) is one barcode.
  EXPECT_EQ(f.rows[0].gtins, (std::vector<std::string>{"00012345678905"}));
  EXPECT_EQ(f.rows[1].description, "x");
  EXPECT_EQ(f.rows[1].sku, "S-2");
  EXPECT_TRUE(f.rows[1].gtins.empty());

  std::istringstream after(kHeader + std::string("\"S-1\"x,,,,,,\n"));
  ImportFile g = ReadImportFile(after, "g.csv", ImportFormat::kCsv);
  ASSERT_EQ(g.errors.size(), 1u);
  EXPECT_EQ(g.errors[0], "g.csv:2: sku: text after the closing quote");
}

// ---- show and search ----

TEST_F(CtlInventoryTest, ShowFindsAnItemBySkuOrAnyOfItsBarcodes) {
  Import("stock.csv", std::string(kHeader) + "MUG-1,Red mug,012345678905,12,A-01-02,5,2\n" +
                          "12345670,A SKU of digits,,1,,,\n");
  for (const char* key : {"MUG-1", "012345678905", "00012345678905"}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(Show(key)["sku"], "MUG-1");
  }
  // A SKU of digits is found as a SKU before it is tried as a barcode.
  EXPECT_EQ(Show("12345670")["sku"], "12345670");

  auto r = Run({"show", "012345678905"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "sku:           MUG-1\n"
            "description:   Red mug\n"
            "on_hand:       12\n"
            "reserved:      0\n"
            "safety_stock:  2\n"
            "available:     10\n"
            "barcodes:      00012345678905\n"
            "locations:\n"
            "  LOCATION                                  QTY\n"
            "  A-01-02                                    12\n"
            "incoming:      (none)\n");

  auto unknown = Run({"show", "NOPE"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_EQ(unknown.err, "storeedgectl: inventory show: lookup: sku 'NOPE' is unknown to this store\n");
  auto no_barcode = Run({"show", "96385074"});
  EXPECT_EQ(no_barcode.code, 1);
  EXPECT_EQ(no_barcode.err, "storeedgectl: inventory show: no item has the sku or barcode '96385074'\n");
  auto bad_digit = Run({"show", "4006381333932"});
  EXPECT_EQ(bad_digit.code, 1);
  EXPECT_EQ(bad_digit.err,
            "storeedgectl: inventory show: no item has the sku '4006381333932', and as a barcode: lookup: "
            "gtin '4006381333932': check digit is 2, expected 1\n");
  EXPECT_EQ(Run({"show"}).code, 2);
  EXPECT_EQ(Run({"show", "A", "B"}).code, 2);
  EXPECT_EQ(Run({"show", "A", "--yaml"}).code, 2);
}

TEST_F(CtlInventoryTest, SearchListsMatchesBestFirst) {
  Import("stock.csv",
         "sku,description,on_hand\nMUG-1,Red mug,12\nMUG-2,Blue mug,3\nTEE-1,Red tee,1\nSPOON-1,Spoon,4\n");
  auto r = Run({"search", "red", "mug"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "SKU                       AVAILABLE    ON_HAND  DESCRIPTION\n"
            "MUG-1                            12         12  Red mug\n");
  auto mugs = Run({"search", "mug", "--json"});
  ASSERT_EQ(mugs.code, 0) << mugs.err;
  json j = json::parse(mugs.out);
  ASSERT_EQ(j["items"].size(), 2u);
  std::set<std::string> skus = {j["items"][0]["sku"], j["items"][1]["sku"]};
  EXPECT_EQ(skus, (std::set<std::string>{"MUG-1", "MUG-2"}));
  EXPECT_EQ(json::parse(Run({"search", "mug", "--json", "--limit", "1"}).out)["items"].size(), 1u);
  auto none = Run({"search", "kettle"});
  EXPECT_EQ(none.code, 0);
  EXPECT_EQ(none.out, "no item matches 'kettle'\n");
  EXPECT_EQ(Run({"search", "mug", "--limit", "0"}).code, 2);
  EXPECT_EQ(Run({"search", "mug", "--limit", "x"}).code, 2);
  EXPECT_EQ(Run({"search"}).code, 2);
}

// ---- adjust ----

TEST_F(CtlInventoryTest, AdjustAppliesEachKindAndReportsIt) {
  Import("stock.csv", "sku,on_hand,location\nMUG-1,10,A-1\n");
  auto count = Run({"adjust", "MUG-1", "--kind", "count", "--qty", "8", "--location", "A-1", "--by", "ana"});
  ASSERT_EQ(count.code, 0) << count.err;
  EXPECT_EQ(count.out, "adjusted MUG-1 (count at A-1): delta -2, on_hand 8\n");
  auto damaged =
      Run({"adjust", "MUG-1", "--kind", "damaged", "--qty", "3", "--location", "A-1", "--by", "ana"});
  ASSERT_EQ(damaged.code, 0) << damaged.err;
  EXPECT_EQ(damaged.out, "adjusted MUG-1 (damaged at A-1): delta -3, on_hand 5\n");
  auto found = Run({"adjust", "MUG-1", "--kind", "found", "--qty", "2", "--by", "bo"});
  ASSERT_EQ(found.code, 0) << found.err;
  EXPECT_EQ(found.out, "adjusted MUG-1 (found): delta +2, on_hand 7\n");
  auto receipt = Run({"adjust", "MUG-1", "--kind", "receipt", "--qty", "6", "--location", "B-1", "--ref",
                      "PO-9", "--by", "bo"});
  ASSERT_EQ(receipt.code, 0) << receipt.err;
  EXPECT_EQ(receipt.out, "adjusted MUG-1 (receipt at B-1): delta +6, on_hand 13\n");

  json mug = Show("MUG-1");
  EXPECT_EQ(mug["on_hand"], 13);
  EXPECT_EQ(mug["locations"], (json{{{"location", ""}, {"qty", 2}},
                                    {{"location", "A-1"}, {"qty", 5}},
                                    {{"location", "B-1"}, {"qty", 6}}}));
  auto events = Adjusted();
  ASSERT_EQ(events.size(), 5u);  // the import's count, then the four above
  EXPECT_EQ(events[4], (json{{"sku", "MUG-1"},
                             {"delta", 6},
                             {"on_hand", 13},
                             {"reason", "receipt"},
                             {"by", "bo"},
                             {"location", "B-1"},
                             {"ref", "PO-9"}}));
}

TEST_F(CtlInventoryTest, AdjustErrorsAreTheServicesOrUsage) {
  Import("stock.csv", "sku,on_hand,location\nMUG-1,2,A-1\n");
  const std::string before = Fingerprint();
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"NOPE", "--kind", "count", "--qty", "1", "--by", "ana"},
       1,
       "storeedgectl: adjust count: sku: 'NOPE' is unknown to this store\n"},
      {{"MUG-1", "--kind", "damaged", "--qty", "3", "--location", "A-1", "--by", "ana"},
       1,
       "storeedgectl: adjust damaged: 3 of 'MUG-1' at A-1, but only 2 are there; count the location first\n"},
      {{"MUG-1", "--kind", "count", "--qty", "-1", "--by", "ana"},
       1,
       "storeedgectl: adjust count: qty: must be >= 0, got -1\n"},
      {{"MUG-1", "--kind", "found", "--qty", "0", "--by", "ana"},
       1,
       "storeedgectl: adjust found: qty: must be >= 1, got 0\n"},
      {{"MUG-1", "--kind", "found", "--qty", "1", "--location", "A 1", "--by", "ana"},
       1,
       "storeedgectl: adjust found: location: location code 'A 1': may contain only letters, digits, '_', "
       "'.' and '-'\n"},
      {{"MUG-1", "--kind", "lost", "--qty", "1", "--by", "ana"},
       2,
       "storeedgectl: inventory adjust: --kind must be count, damaged, found or receipt, got 'lost' (see "
       "inventory --help)\n"},
      {{"MUG-1", "--kind", "count", "--qty", "many", "--by", "ana"},
       2,
       "storeedgectl: inventory adjust: --qty must be an integer, got 'many' (see inventory --help)\n"},
      {{"MUG-1", "--kind", "found", "--qty", "18446744073709551625", "--by", "ana"},
       2,
       "storeedgectl: inventory adjust: --qty is too large, got '18446744073709551625' (see inventory "
       "--help)\n"},
      {{"MUG-1", "--kind", "count", "--qty", "1"},
       2,
       "storeedgectl: inventory adjust: --by ASSOCIATE_ID is required (who counted or found it) (see "
       "inventory --help)\n"},
      {{"MUG-1", "--qty", "1", "--by", "ana"},
       2,
       "storeedgectl: inventory adjust: --kind count|damaged|found|receipt is required (see inventory "
       "--help)\n"},
      {{"MUG-1", "--kind", "count", "--qty", "1", "--by", "ana", "--force"},
       2,
       "storeedgectl: inventory adjust: unknown option '--force' (see inventory --help)\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0] + " " + c.args[1] + " " + c.args[2]);
    std::vector<std::string> args = {"adjust"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = Run(args);
    EXPECT_EQ(r.code, c.code);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(Fingerprint(), before);
  }
}

TEST_F(CtlInventoryTest, UsageErrors) {
  EXPECT_EQ(Run({}).code, 2);
  EXPECT_EQ(Run({"--help"}).code, 0);
  EXPECT_EQ(Run({"frobnicate"}).code, 2);
  EXPECT_EQ(Run({"import"}).code, 2);
  EXPECT_EQ(Run({"import", "a.csv", "--by"}).code, 2);
  auto missing = Run({"import", dir_.File("absent.csv")});
  EXPECT_EQ(missing.code, 1);
  EXPECT_EQ(missing.err, "storeedgectl: inventory import: cannot open " + dir_.File("absent.csv") +
                             ": No such file or directory\n");
  // A usage error does not create the data dir.
  EXPECT_FALSE(std::filesystem::exists(config_.store.data_dir));
}

// A pipe cannot be rewound after its format is sniffed: `import <(…)` and
// /dev/stdin are read whole first. A real FIFO, written by another thread.
TEST_F(CtlInventoryTest, AFileFromAPipeImportsWithItsFirstByte) {
  for (const std::string& content :
       {std::string("sku,on_hand\nPIPE-1,3\n"), std::string("{\"sku\":\"PIPE-2\",\"on_hand\":4}\n")}) {
    const std::string fifo = dir_.File("stock");
    std::filesystem::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
    std::thread writer([&] {
      const int fd = ::open(fifo.c_str(), O_WRONLY);  // until a reader opens it
      if (fd < 0) return;
      EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
      ::close(fd);
    });
    auto r = Run({"import", fifo});
    // Should the import never have opened the pipe, this lets the writer end.
    const int unblock = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    writer.join();
    if (unblock >= 0) ::close(unblock);
    EXPECT_EQ(r.code, 0) << r.err;
  }
  EXPECT_EQ(Show("PIPE-1")["on_hand"], 3);
  EXPECT_EQ(Show("PIPE-2")["on_hand"], 4);
}

// show, search and adjust answer from an existing database only: a mistyped
// data_dir is named, not answered from a new, empty store.
TEST_F(CtlInventoryTest, ReadsAndAdjustmentsNeedAnExistingDatabase) {
  config_.store.data_dir = dir_.File("typo/var");
  const std::string expected = "storeedgectl: no database at " + config_.DatabasePath() +
                               ": is [store] data_dir right? (storeedged creates it at its first start, "
                               "inventory import when it bootstraps a store)\n";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"show", "MUG-1"},
        {"search", "mug"},
        {"adjust", "MUG-1", "--kind", "found", "--qty", "1", "--by", "ana"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.code, 3) << args[0];
    EXPECT_EQ(r.err, expected) << args[0];
  }
  EXPECT_FALSE(std::filesystem::exists(config_.DatabasePath()));
  Import("boot.csv", "sku,on_hand\nMUG-1,2\n");  // import bootstraps the store
  EXPECT_EQ(Show("MUG-1")["on_hand"], 2);
}

}  // namespace
}  // namespace edge::app
