#include "edge/kiosk/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "edge/testing/temp_dir.h"

namespace edge::kiosk {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("web/app/js"));
    testing::WriteFile(dir_.File("web/app/index.html"), "<!doctype html><title>app</title>");
    testing::WriteFile(dir_.File("web/app/js/main.js"), "console.log(1)");
    testing::WriteFile(dir_.File("web/app/.secret"), "x");
    testing::WriteFile(dir_.File("outside.txt"), "private");
  }
  Response Get(const std::string& path, const std::string& etag = "") {
    Request r;
    r.method = "GET";
    r.path = path;
    if (!etag.empty()) r.headers["if-none-match"] = etag;
    return files_.Serve(r);
  }
  testing::TempDir dir_;
  StaticFiles files_{dir_.File("web/app"), "/app"};
};

TEST_F(StaticFilesTest, ServesFilesAndIndex) {
  auto index = Get("/app/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(Get("/app").body, index.body);
  auto js = Get("/app/js/main.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, EtagAnswers304) {
  auto js = Get("/app/js/main.js");
  std::string etag;
  for (const auto& [k, v] : js.headers) {
    if (k == "ETag") etag = v;
  }
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Get("/app/js/main.js", etag).status, 304);
}

TEST_F(StaticFilesTest, RefusesEscapesAndHiddenFiles) {
  EXPECT_EQ(Get("/app/../../outside.txt").status, 404);
  EXPECT_EQ(Get("/app/js/../../../outside.txt").status, 404);
  EXPECT_EQ(Get("/app/.secret").status, 404);
  EXPECT_EQ(Get("/app/missing.js").status, 404);
  std::filesystem::create_symlink(dir_.File("outside.txt"), dir_.File("web/app/link.txt"));
  EXPECT_EQ(Get("/app/link.txt").status, 404);
}

}  // namespace
}  // namespace edge::kiosk
