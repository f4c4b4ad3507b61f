// The daemon's page routes (AddWebRoutes) over a real asset directory, and
// where the default [http] web_root = "" finds the pages (ResolveWebRoot).
#include "edge/app/web_routes.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "edge/testing/temp_dir.h"

namespace edge::app {
namespace {

namespace fs = std::filesystem;

void MakeApp(const fs::path& web, const std::string& marker) {
  fs::create_directories(web / "app");
  testing::WriteFile((web / "app" / "index.html").string(), "<!doctype html><title>" + marker + "</title>");
  testing::WriteFile((web / "app" / "app.js").string(), "export {};\n");
}

kiosk::Response Get(const kiosk::Router& router, const std::string& path) {
  kiosk::Request req;
  req.method = "GET";
  req.target = path;
  req.path = path;
  return router.Dispatch(req);
}

std::string Header(const kiosk::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(StaticWeb, ServesTheAppAndSendsTheRootThere) {
  testing::TempDir dir;
  MakeApp(dir.path() / "web", "associates");
  kiosk::Router router;
  AddWebRoutes(router, (dir.path() / "web").string());

  for (const std::string path : {"/", "/app"}) {
    const auto r = Get(router, path);
    EXPECT_EQ(r.status, 302) << path;
    EXPECT_EQ(Header(r, "Location"), "/app/") << path;
  }
  auto index = Get(router, "/app/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("associates"), std::string::npos);
  auto js = Get(router, "/app/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router, "/app/missing.js").status, 404);
  EXPECT_EQ(Get(router, "/app/../web/app/index.html").status, 404);
  // Without a kiosk directory its pages are simply not found.
  EXPECT_EQ(Get(router, "/kiosk/").status, 404);
  // Pages are not API operations: only "/" is an exact route (for the
  // redirect); OpenAPI's check covers AddApiRoutes, which adds none of these.
  EXPECT_EQ(router.Routes(), (std::vector<std::pair<std::string, std::string>>{{"GET", "/"}}));
}

TEST(StaticWeb, ServesTheKioskPageBesideTheApp) {
  testing::TempDir dir;
  const fs::path web = dir.path() / "web";
  MakeApp(web, "associates");
  fs::create_directories(web / "kiosk" / "js");
  testing::WriteFile((web / "kiosk" / "index.html").string(), "<!doctype html><title>curbside</title>");
  testing::WriteFile((web / "kiosk" / "js" / "kiosk.js").string(), "export {};\n");
  kiosk::Router router;
  AddWebRoutes(router, web.string());

  auto index = Get(router, "/kiosk/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("curbside"), std::string::npos);
  auto js = Get(router, "/kiosk/js/kiosk.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router, "/kiosk/missing.js").status, 404);
  EXPECT_EQ(Get(router, "/kiosk/../app/index.html").status, 404);
  // The set-up address keeps its device token through the redirect.
  kiosk::Request req;
  req.method = "GET";
  req.target = "/kiosk?token=abc";
  req.path = "/kiosk";
  req.query["token"] = "abc";
  const auto r = router.Dispatch(req);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(Header(r, "Location"), "/kiosk/?token=abc");
  // The app's pages stay where they were, and the kiosk's are not the app's.
  EXPECT_NE(Get(router, "/app/").body.find("associates"), std::string::npos);
  EXPECT_EQ(Get(router, "/kiosk/app.js").status, 404);
  EXPECT_EQ(router.Routes(), (std::vector<std::pair<std::string, std::string>>{{"GET", "/"}}));
}

TEST(StaticWeb, WithoutPagesTheAppSaysWhatToSet) {
  kiosk::Router router;
  AddWebRoutes(router, "");
  for (const std::string path : {"/app/", "/kiosk/"}) {
    const auto r = Get(router, path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("[http] web_root"), std::string::npos) << r.body;
  }
}

TEST(StaticWeb, DefaultRootPrefersInstalledPagesThenTheSourceTree) {
  testing::TempDir dir;
  const fs::path prefix = dir.path() / "usr";
  const std::string exe = (prefix / "sbin" / "storeedged").string();
  const fs::path installed = prefix / "share" / "storeedge" / "web";
  const fs::path source = dir.path() / "src" / "kiosk" / "web";

  EXPECT_EQ(ResolveWebRoot("", exe, source.string()), "") << "nothing installed, no source tree";
  MakeApp(source, "source");
  EXPECT_EQ(ResolveWebRoot("", exe, source.string()), source.string());
  MakeApp(installed, "installed");
  EXPECT_EQ(ResolveWebRoot("", exe, source.string()), installed.string());
  EXPECT_EQ(ResolveWebRoot("/srv/web", exe, source.string()), "/srv/web") << "a configured root wins";
  EXPECT_EQ(SourceWebDir(), std::string(STOREEDGE_SOURCE_DIR) + "/kiosk/web");
}

}  // namespace
}  // namespace edge::app
