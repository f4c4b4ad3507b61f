#include "edge/app/web_routes.h"

#include <filesystem>
#include <memory>

#include "edge/kiosk/static_files.h"

#ifndef STOREEDGE_SOURCE_DIR
#define STOREEDGE_SOURCE_DIR ""
#endif

namespace edge::app {

namespace {

bool HasApp(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / "app" / "index.html", ec);
}

kiosk::Response Redirect(const std::string& location) {
  kiosk::Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "see " + location + "\n";
  r.headers.emplace_back("Location", location);
  return r;
}

}  // namespace

std::string SourceWebDir() {
  const std::string src = STOREEDGE_SOURCE_DIR;
  return src.empty() ? "" : src + "/kiosk/web";
}

std::string ResolveWebRoot(const std::string& configured, const std::string& executable,
                           const std::string& source_web) {
  if (!configured.empty()) return configured;
  if (!executable.empty()) {
    const auto installed =
        (std::filesystem::path(executable).parent_path() / ".." / "share" / "storeedge" / "web")
            .lexically_normal();
    if (HasApp(installed)) return installed.string();
  }
  if (!source_web.empty() && HasApp(source_web)) return source_web;
  return "";
}

void AddWebRoutes(kiosk::Router& router, const std::string& web_root) {
  router.Add("GET", "/", [](const kiosk::Request&) { return Redirect("/app/"); });
  // The associates' app and the curbside kiosk's page, each a directory of
  // the web root served under its own prefix.
  for (const std::string name : {"app", "kiosk"}) {
    const std::string prefix = "/" + name;
    if (web_root.empty()) {
      router.AddPrefix(prefix, [](const kiosk::Request& req) {
        return kiosk::Response::Error(404, "not_found",
                                      "no web pages are installed (" + req.path +
                                          "): set [http] web_root to the directory holding app/index.html");
      });
      continue;
    }
    auto files = std::make_shared<kiosk::StaticFiles>(web_root + prefix, prefix);
    router.AddPrefix(prefix, [files, prefix](const kiosk::Request& req) {
      // Relative URLs in the pages (./app.js) need the trailing slash; the
      // query (the kiosk's ?token=…) goes along.
      if (req.path == prefix) {
        const auto q = req.target.find('?');
        return Redirect(prefix + "/" + (q == std::string::npos ? "" : req.target.substr(q)));
      }
      return files->Serve(req);
    });
  }
}

}  // namespace edge::app
