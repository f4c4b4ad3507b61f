// storeedged: the store-fulfilment daemon. All of it is in edge/app: the
// command line in daemon_main.cc, the running daemon in daemon.cc.
#include "edge/app/cli.h"

int main(int argc, char** argv) { return edge::app::DaemonMain(argc, argv); }
