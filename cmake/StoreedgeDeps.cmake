# Vendor libraries, each wrapped in one imported target so that a module's
# link line names exactly the vendor it adapts.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_package(SQLite3 REQUIRED)                        # SQLite::SQLite3
find_package(Boost 1.74 REQUIRED)                     # Boost::headers (Asio, Beast)
find_package(nlohmann_json 3.11 REQUIRED)             # nlohmann_json::nlohmann_json
find_package(PahoMqttCpp REQUIRED)                    # PahoMqttCpp::paho-mqttpp3
find_package(OpenSSL REQUIRED)                        # OpenSSL::SSL OpenSSL::Crypto
pkg_check_modules(LIBUSB REQUIRED IMPORTED_TARGET libusb-1.0)
find_package(Cups REQUIRED)                           # Cups::Cups

find_path(TOML11_INCLUDE_DIR toml.hpp REQUIRED)
add_library(storeedge_toml11 INTERFACE)
target_include_directories(storeedge_toml11 SYSTEM INTERFACE ${TOML11_INCLUDE_DIR})
