#include "edge/kiosk/static_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace edge::kiosk {

StaticFiles::StaticFiles(std::string root, std::string prefix)
    : root_(std::move(root)), prefix_(std::move(prefix)) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(root_, ec);
  if (!ec) root_ = canonical.string();
}

std::string StaticFiles::ContentType(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".wav") return "audio/wav";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Response StaticFiles::Serve(const Request& request) const {
  std::string rel = request.path.substr(std::min(prefix_.size(), request.path.size()));
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  // Refuse anything that could leave the root or reveal hidden files.
  for (const auto& part : std::filesystem::path(rel)) {
    const std::string p = part.string();
    if (p == ".." || (!p.empty() && p.front() == '.')) {
      return Response::Error(404, "not_found", "no such page: " + request.path);
    }
  }
  std::filesystem::path file = std::filesystem::path(root_) / rel;
  std::error_code ec;
  if (rel.empty() || std::filesystem::is_directory(file, ec)) file /= "index.html";
  const auto canonical = std::filesystem::weakly_canonical(file, ec);
  if (ec || canonical.string().rfind(root_ + "/", 0) != 0 ||
      !std::filesystem::is_regular_file(canonical, ec)) {
    return Response::Error(404, "not_found", "no such page: " + request.path);
  }
  struct stat st {};
  if (::stat(canonical.c_str(), &st) != 0)
    return Response::Error(404, "not_found", "no such page: " + request.path);
  const std::string etag = "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                           std::to_string(st.st_mtim.tv_nsec) + "\"";
  if (request.Header("if-none-match") == etag) {
    Response r;
    r.status = 304;
    r.content_type = ContentType(canonical.string());
    r.headers.emplace_back("ETag", etag);
    return r;
  }
  std::ifstream in(canonical, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.status = 200;
  r.content_type = ContentType(canonical.string());
  r.body = body.str();
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                         "connect-src 'self' ws: wss:; media-src 'self' data:");
  return r;
}

}  // namespace edge::kiosk
