// StaticFiles: serves the web pages (associates' app, curbside kiosk) from a
// directory of built assets. Only regular files under the root are served:
// "..", absolute paths, symlinks out of the root and dot-files are refused.
// Files are read at each request (the set is small and the OS caches it), so
// an upgrade of the assets needs no restart. io_context thread.
#pragma once

#include <string>

#include "edge/kiosk/http.h"

namespace edge::kiosk {

class StaticFiles {
 public:
  // `root`: the asset directory; `prefix`: the URL prefix it is served at
  // ("/app"). A request for a directory serves its index.html.
  StaticFiles(std::string root, std::string prefix);

  // The response for `request` (200, 304 on a matching ETag, 404).
  Response Serve(const Request& request) const;

  // Content type by file extension ("text/html; charset=utf-8", …).
  static std::string ContentType(const std::string& path);

 private:
  std::string root_;
  std::string prefix_;
};

}  // namespace edge::kiosk
