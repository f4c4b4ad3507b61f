#include "edge/drivers/versions.h"

#include <cups/cups.h>
#include <libusb.h>

namespace edge::drivers {

std::string UsbLibraryVersion() {
  const libusb_version* v = libusb_get_version();
  return "libusb " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->micro);
}

std::string CupsLibraryVersion() {
  return "CUPS " + std::to_string(CUPS_VERSION_MAJOR) + "." + std::to_string(CUPS_VERSION_MINOR);
}

}  // namespace edge::drivers
