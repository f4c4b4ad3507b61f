#!/usr/bin/env bash
# Installs the Debian 12 packages storeedge needs to build, run and test.
# Idempotent: only packages that are missing are installed, and the script
# says which. Uses sudo when not run as root. Exits non-zero with a clear
# message when packages cannot be installed.
#
#   packaging/install-deps.sh            build + run + test packages
#   packaging/install-deps.sh --runtime  only what the daemon needs to run
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libsqlite3-dev sqlite3 libpaho-mqttpp-dev libpaho-mqtt-dev
  libusb-1.0-0-dev libcups2-dev nlohmann-json3-dev libtoml11-dev libssl-dev
  libsystemd-dev
)
test_pkgs=(
  libgtest-dev libgmock-dev googletest libbenchmark-dev clang-format clang libclang-rt-14-dev
  mosquitto mosquitto-clients umockdev libumockdev-dev
  cups-daemon cups-client zbar-tools poppler-utils nodejs
  # tests/system/browser_test.cc: the app in headless Chromium (playwright-core
  # drives /usr/bin/chromium; it downloads no browser).
  chromium
  # tests/packaging/deb_test.sh: lintian, systemd-analyze, udevadm, man;
  # adduser for the package's postinst when it installs the .deb.
  lintian systemd udev adduser man-db
  # bench/http_bench.cc: the HTTP API under load.
  wrk
)
# The demo (make run): its broker and its printers' private cupsd.
runtime_pkgs=(mosquitto cups-daemon cups-client)

case "${1:-}" in
  --runtime) wanted=("${build_pkgs[@]}" "${runtime_pkgs[@]}") ;;
  "" | --all) wanted=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "install-deps.sh: unknown option '$1' (use --runtime or --all)" >&2; exit 2 ;;
esac

# npm: Debian's nodejs needs the separate npm package; a nodejs that bundles
# npm (as some machine images ship) conflicts with it, so ask for it only
# when no npm command exists.
if [ "${1:-}" != "--runtime" ] && ! command -v npm >/dev/null 2>&1; then
  wanted+=(npm)
fi

missing=()
for p in "${wanted[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} required Debian packages are present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; storeedge needs Debian 12. Missing: ${missing[*]}" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-deps: not root and sudo is not installed; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists when they were never fetched or are older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  "${sudo[@]}" apt-get update -q || { echo "install-deps: apt-get update failed" >&2; exit 1; }
fi
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "install-deps: apt-get could not install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: done"
