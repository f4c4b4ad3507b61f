// Versions of the device libraries this build runs against, for
// `storeedged --version` and the status API. Any thread.
#pragma once

#include <string>

namespace edge::drivers {

// e.g. "libusb 1.0.26"
std::string UsbLibraryVersion();
// e.g. "CUPS 2.4 (server /run/cups/cups.sock)"
std::string CupsLibraryVersion();

}  // namespace edge::drivers
