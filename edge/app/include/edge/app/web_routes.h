// The web pages the daemon serves beside its API: the associates' app at
// /app/ (static files under <web root>/app, kiosk::StaticFiles), the curbside
// kiosk's page at /kiosk/ (<web root>/kiosk) and / sending browsers to the app. They are pages, not API
// operations, so docs/openapi.json does not list them. Registered once at start-up; the handlers run on the
// io_context thread like every route.
#pragma once

#include <string>

#include "edge/kiosk/http.h"

namespace edge::app {

// The directory the pages are served from.
//   `configured` ([http] web_root) not empty: that directory, as given.
//   Otherwise the first of these that holds app/index.html:
//     <directory of `executable`>/../share/storeedge/web  (the package's
//         /usr/sbin/storeedged finds /usr/share/storeedge/web), then
//     `source_web`, the source tree's kiosk/web (make run, tests).
//   "" when none does: the daemon runs without pages.
std::string ResolveWebRoot(const std::string& configured, const std::string& executable,
                           const std::string& source_web);

// kiosk/web of the source tree this binary was built from.
std::string SourceWebDir();

// Adds GET / (302 to /app/), /app (302 to /app/), /kiosk (302 to /kiosk/,
// keeping the query) and every GET under /app/ and /kiosk/.
// With an empty `web_root` the pages answer 404 naming [http] web_root.
void AddWebRoutes(kiosk::Router& router, const std::string& web_root);

}  // namespace edge::app
