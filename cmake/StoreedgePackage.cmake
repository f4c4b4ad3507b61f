# Install rules and the Debian package (make deb: cpack -G DEB in the build
# tree). Paths follow Debian 12: the systemd unit and the udev rules go under
# /lib, where debhelper puts them on bookworm; the binaries' rules are in
# edge/app/CMakeLists.txt (storeedged in /usr/sbin, storeedgectl in /usr/bin).
#
# Generated at configure time (so that `cmake --build --target storeedged
# storeedgectl` followed by cpack packages them too), under
# ${CMAKE_BINARY_DIR}/package/:
#   storeedge.toml   packaging/storeedge.toml with data_dir = /var/lib/storeedge
#   *.gz             man pages and changelog, gzip -9n as Debian wants
#   conffiles        the package's conffiles list
# tests/packaging/deb_test.sh checks the result.

find_program(STOREEDGE_GZIP gzip REQUIRED)
set(pkg_src ${PROJECT_SOURCE_DIR}/packaging)
set(pkg_out ${CMAKE_BINARY_DIR}/package)
file(MAKE_DIRECTORY ${pkg_out})

set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
set(STOREEDGE_DEB_MAINTAINER "storeedge maintainers <storeedge@localhost>"
    CACHE STRING "The Maintainer field of the Debian package")

# gzip -9n: maximum compression and no name or timestamp in the header, so
# the same input gives the same bytes (lintian: reproducible, not 'gzip -9').
function(storeedge_gzip in out)
  execute_process(COMMAND ${STOREEDGE_GZIP} -9n -c ${in} OUTPUT_FILE ${out} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${in} failed: ${rc}")
  endif()
endfunction()

# The shipped config states the embedded defaults (edge/app/unit/config_test.cc
# checks that), whose data dir ./var is relative to the working directory.
# The package's copy points at the state directory instead, so that
# storeedgectl run from any directory finds the service's database.
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${pkg_src}/storeedge.toml ${pkg_src}/man/storeedged.8 ${pkg_src}/man/storeedgectl.1
             ${pkg_src}/debian/changelog.in)
file(READ ${pkg_src}/storeedge.toml toml)
string(REPLACE "\ndata_dir = \"./var\"\n" "\ndata_dir = \"/var/lib/storeedge\"\n" packaged_toml "${toml}")
if(packaged_toml STREQUAL toml)
  message(FATAL_ERROR "packaging/storeedge.toml: no line 'data_dir = \"./var\"' to point at /var/lib/storeedge")
endif()
set(old_toml "")
if(EXISTS ${pkg_out}/storeedge.toml)
  file(READ ${pkg_out}/storeedge.toml old_toml)
endif()
if(NOT old_toml STREQUAL packaged_toml)  # rewritten only when it changes
  file(WRITE ${pkg_out}/storeedge.toml "${packaged_toml}")
endif()

foreach(page storeedged.8 storeedgectl.1)
  configure_file(${pkg_src}/man/${page} ${pkg_out}/${page} @ONLY)
  storeedge_gzip(${pkg_out}/${page} ${pkg_out}/${page}.gz)
endforeach()
configure_file(${pkg_src}/debian/changelog.in ${pkg_out}/changelog @ONLY)
storeedge_gzip(${pkg_out}/changelog ${pkg_out}/changelog.gz)
file(WRITE ${pkg_out}/conffiles "/etc/storeedge/storeedge.toml\n")

install(FILES ${pkg_out}/storeedge.toml DESTINATION /etc/storeedge)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/storeedged.service DESTINATION /lib/systemd/system)
install(FILES ${pkg_src}/udev/60-storeedge-scanners.rules DESTINATION /lib/udev/rules.d)
install(FILES ${pkg_out}/storeedged.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${pkg_out}/storeedgectl.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/protocol.md ${pkg_src}/debian/copyright ${pkg_out}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${pkg_src}/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
        RENAME storeedge)
install(FILES ${pkg_src}/mosquitto/storeedge.conf ${pkg_src}/mosquitto/storeedge.acl
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/mosquitto)
# The web pages, as they are in the source tree (plain HTML, CSS and ES
# modules: no build step). storeedged finds them at ../share/storeedge/web
# from /usr/sbin ([http] web_root = "", edge/app/include/edge/app/web_routes.h).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kiosk/web/ DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/storeedge/web
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ
                              WORLD_EXECUTE)

set(CPACK_PACKAGE_NAME storeedge)
set(CPACK_PACKAGE_VENDOR "storeedge")
set(CPACK_PACKAGE_CONTACT "${STOREEDGE_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "store-fulfilment node for an order management system")
# The extended description; CPack puts the summary above it as the synopsis.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "storeedged runs a retail store as a fulfilment node of a central order
management system (OMS): it keeps a local replica of the store's inventory in
SQLite, takes the orders the OMS routes to the store, reserves stock, and runs
picking with USB barcode scanners, packing, label printing through CUPS and
pickup handover, while syncing with the OMS over MQTT. The store keeps working
while the link is down: changes wait in a transactional outbox.
storeedgectl inspects the node and manages associates and inventory.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps; adduser is for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# Printing goes through a CUPS server, normally the store computer's own.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cups-daemon")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${pkg_src}/debian/postinst ${pkg_src}/debian/prerm ${pkg_src}/debian/postrm ${pkg_out}/conffiles)
# The release tree is RelWithDebInfo: the package ships stripped binaries.
set(CPACK_STRIP_FILES ON)
include(CPack)
unset(pkg_src)
unset(pkg_out)
unset(toml)
unset(old_toml)
unset(packaged_toml)
