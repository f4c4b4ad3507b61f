// Entry points of the two programs, kept out of main() so tests can drive
// them: storeedged's command line and storeedgectl's.
#pragma once

namespace edge::app {

// storeedged [--config PATH] [--check-config] [--version] [--help]
int DaemonMain(int argc, char** argv);

// storeedgectl [--config PATH | --url http://HOST:PORT] COMMAND …
int CtlMain(int argc, char** argv);

}  // namespace edge::app
