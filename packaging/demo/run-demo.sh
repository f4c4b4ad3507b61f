#!/usr/bin/env bash
# The storeedge demo (`make run`): one store working as it would in the field.
#
# Starts, all on loopback and all under DEMO_DIR (default build/demo, wiped
# at each start):
#  - a private mosquitto (the broker between the store and the OMS);
#  - a private cupsd whose queues save each job as a file, so the labels and
#    slips the store prints can be looked at (skipped when cupsd is missing);
#  - storeedged with a demo config: store DEMO, a packing station with a ZPL
#    label printer and a pickup counter with an ordinary printer; a seeded
#    catalogue of a few hundred items (valid GTINs, locations), two associates
#    and a supervisor, and a curbside kiosk;
#  - storeedge-oms-sim, a simulated central OMS (../shared/PROTOCOL.md): the
#    stock snapshot, then routed orders of every kind at a steady pace,
#    shipping labels for packed orders, the odd cancel and customer arrival.
# Prints the addresses, the PINs and how to simulate a scan, then shows the
# OMS's side of the conversation. Ctrl-C (or SIGTERM) stops everything,
# leaving no process behind.
#
#   packaging/demo/run-demo.sh [BUILD_DIR]      (default build/release)
#
# Environment: DEMO_DIR, DEMO_HTTP_PORT (default 8080, or a free one),
# DEMO_MQTT_PORT (default 1884, or a free one), DEMO_INTERVAL_MS (time between
# two routed orders, default 20000), DEMO_ORDERS (stop routing after N; default
# 0: no end), DEMO_SEED (default 1), DEMO_CATALOGUE_SIZE (default 300).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build/release}
demo=${DEMO_DIR:-$root/build/demo}
interval=${DEMO_INTERVAL_MS:-20000}
orders=${DEMO_ORDERS:-0}
seed=${DEMO_SEED:-1}
catalogue_size=${DEMO_CATALOGUE_SIZE:-300}

storeedged=$build/edge/app/storeedged
ctl=$build/edge/app/storeedgectl
sim=$build/sync/sim/storeedge-oms-sim
mosquitto=/usr/sbin/mosquitto
cupsd=/usr/sbin/cupsd

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

for p in "$storeedged" "$ctl" "$sim"; do
  [ -x "$p" ] || die "$p is missing; build first (make run builds it)"
done
[ -x "$mosquitto" ] || die "mosquitto is not installed (apt-get install mosquitto; make run installs it)"

# True when something accepts connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# $1 if free, else the next free port above it.
free_port() {
  local p=$1
  while port_busy "$p"; do p=$((p + 1)); done
  echo "$p"
}
# Waits until 127.0.0.1:$1 accepts, or $2 exits, for up to $3 seconds.
wait_port() {
  local deadline=$((SECONDS + $3))
  until port_busy "$1"; do
    kill -0 "$2" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

http_port=${DEMO_HTTP_PORT:-$(free_port 8080)}
mqtt_port=${DEMO_MQTT_PORT:-$(free_port 1884)}
port_busy "$http_port" && die "port $http_port (DEMO_HTTP_PORT) is in use"
port_busy "$mqtt_port" && die "port $mqtt_port (DEMO_MQTT_PORT) is in use"

# ---- stopping: children run in their own sessions (setsid), so Ctrl-C
# reaches only this script, which stops them in order: the OMS, the store
# (it says "offline" to the broker), then the printers and the broker.
declare -A pid=()
order=(sim storeedged cupsd mosquitto tail)
stop_all() {
  trap - INT TERM EXIT
  local name p deadline
  for name in "${order[@]}"; do
    p=${pid[$name]:-}
    [ -n "$p" ] || continue
    kill -TERM "$p" 2>/dev/null || continue
    deadline=$((SECONDS + 15))
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
      sleep 0.1
    done
    if kill -0 "$p" 2>/dev/null; then
      say "$name did not stop in 15 s; killing it"
      kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
  done
  say "stopped (state and logs are in $demo)"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

rm -rf "$demo"
mkdir -p "$demo/var" "$demo/labels" "$demo/mosquitto"

# ---- the broker
cat >"$demo/mosquitto/mosquitto.conf" <<CONF
# storeedge demo broker: loopback only, no persistence (each demo starts fresh)
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
max_queued_messages 100000
log_dest file $demo/mosquitto/mosquitto.log
connection_messages true
$( [ "$(id -u)" -eq 0 ] && echo "user root" )
CONF
setsid "$mosquitto" -c "$demo/mosquitto/mosquitto.conf" >"$demo/mosquitto/stdout.log" 2>&1 </dev/null &
pid[mosquitto]=$!
wait_port "$mqtt_port" "${pid[mosquitto]}" 10 || die "mosquitto did not start: $(cat "$demo/mosquitto/"*.log)"

# ---- the printers: a private cupsd whose backend saves every job under
# $demo/labels/<queue>/ (the backend the printer tests use)
cups_env=()
printers_toml=""
if [ -x "$cupsd" ] && command -v lpadmin >/dev/null 2>&1; then
  c=$demo/cups
  cups_port=$(free_port 6310)
  mkdir -p "$c/state" "$c/cache" "$c/spool/temp" "$c/log" "$c/bin/backend"
  chmod 755 "$c"
  for e in /usr/lib/cups/*; do
    [ "$(basename "$e")" = backend ] || ln -s "$e" "$c/bin/$(basename "$e")"
  done
  install -m 0700 "$root/tests/data/cups/backend/savejob" "$c/bin/backend/savejob"
  cat >"$c/cups-files.conf" <<CONF
ServerRoot $c
StateDir $c/state
CacheDir $c/cache
ServerBin $c/bin
RequestRoot $c/spool
TempDir $c/spool/temp
AccessLog $c/log/access_log
ErrorLog $c/log/error_log
PageLog $c/log/page_log
FileDevice Yes
Printcap $c/printcap
CONF
  cat >"$c/cupsd.conf" <<CONF
Listen 127.0.0.1:$cups_port
Browsing Off
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
LogLevel warn
PreserveJobHistory Yes
<Location />
  Order allow,deny
  Allow all
</Location>
CONF
  setsid "$cupsd" -f -c "$c/cupsd.conf" -s "$c/cups-files.conf" >"$c/log/stdout" 2>&1 </dev/null &
  pid[cupsd]=$!
  if wait_port "$cups_port" "${pid[cupsd]}" 15; then
    for q in zebra-pack-1 laser-counter; do
      mkdir -p "$demo/labels/$q"
      chmod 777 "$demo/labels/$q"
      lpadmin -h "127.0.0.1:$cups_port" -p "$q" -E -v "savejob:$demo/labels/$q" 2>>"$c/log/lpadmin.log" ||
        die "lpadmin could not add queue $q: $(cat "$c/log/lpadmin.log")"
    done
    cups_env=(CUPS_SERVER="127.0.0.1:$cups_port")
    printers_toml='printer_queue = "zebra-pack-1"
printer_format = "zpl"'
    counter_printer='printer_queue = "laser-counter"
printer_format = "pdf"'
  else
    say "cupsd did not start (see $c/log/error_log); the stations run without printers"
  fi
else
  say "cupsd is not installed (apt-get install cups-daemon cups-client); the stations run without printers"
fi

# ---- the store
cat >"$demo/storeedge.toml" <<CONF
# storeedge demo store (generated by packaging/demo/run-demo.sh)
[store]
id = "DEMO"
data_dir = "$demo/var"

[mqtt]
uri = "tcp://127.0.0.1:$mqtt_port"
reconnect_max_ms = 5000

[http]
listen = "127.0.0.1:$http_port"

[sync]
available_interval_s = 2

[policy]
curbside_bays = 4
pickup_escalate_min = 3

[[station]]
name = "pack-1"
${printers_toml}

[[station]]
name = "counter"
${counter_printer:-}
CONF

"$sim" --write-catalogue "$demo/catalogue.csv" --seed "$seed" --catalogue-size "$catalogue_size"
"$ctl" --config "$demo/storeedge.toml" inventory import "$demo/catalogue.csv" --by demo-setup \
  >"$demo/setup.log" 2>&1 || die "the catalogue import failed: $(cat "$demo/setup.log")"
add_user() {
  printf '%s\n' "$4" | "$ctl" --config "$demo/storeedge.toml" user add "$1" --name "$2" --role "$3" --pin-stdin \
    >>"$demo/setup.log" 2>&1 || die "could not add user $1: $(cat "$demo/setup.log")"
}
add_user ana "Ana Ruiz" associate 1234
add_user ben "Ben Okafor" associate 5678
add_user sam "Sam Lindqvist" supervisor 9999
kiosk_token=$("$ctl" --config "$demo/storeedge.toml" kiosk add curbside-1 2>>"$demo/setup.log" | tail -1)
[ -n "$kiosk_token" ] || die "could not add the kiosk: $(cat "$demo/setup.log")"

# The OMS first: its subscription exists before the store's first event (a
# real OMS is always subscribed). Its lines go to oms.log, shown below the
# banner.
setsid "$sim" --broker "tcp://127.0.0.1:$mqtt_port" --stores DEMO --seed "$seed" \
  --catalogue-size "$catalogue_size" --interval-ms "$interval" --orders "$orders" \
  --report "$demo/oms-report.json" </dev/null >"$demo/oms.log" 2>&1 &
pid[sim]=$!
until grep -q 'subscribed' "$demo/oms.log" 2>/dev/null; do
  kill -0 "${pid[sim]}" 2>/dev/null || die "the simulated OMS did not start: $(cat "$demo/oms.log")"
  sleep 0.1
done

env "${cups_env[@]}" setsid "$storeedged" --config "$demo/storeedge.toml" \
  >"$demo/storeedged.log" 2>&1 </dev/null &
pid[storeedged]=$!
wait_port "$http_port" "${pid[storeedged]}" 30 || die "storeedged did not start: $(tail -20 "$demo/storeedged.log")"

url="http://127.0.0.1:$http_port"
rel_ctl=${ctl#"$root/"}
rel_demo=${demo#"$root/"}
cat <<BANNER

  storeedge demo — store DEMO is open
  ─────────────────────────────────────────────────────────────────────────
  associates' app   $url/app/
                    associates: ana / PIN 1234, ben / PIN 5678
                    supervisor: sam / PIN 9999
  curbside kiosk    $url/kiosk/?token=$kiosk_token
  status, metrics   $url/api/v1/status   $url/metrics
                    $rel_ctl --config $rel_demo/storeedge.toml status
  simulate a scan   $rel_ctl --config $rel_demo/storeedge.toml scan pack-1 CODE
                    (CODE: an item's barcode, e.g. $(grep -o -m1 '50123451[0-9]\{5\}' "$demo/catalogue.csv") —
                    the catalogue is $rel_demo/catalogue.csv — or a location, a package label…)
  printed labels    $rel_demo/labels/<printer>/   logs: $rel_demo/*.log
  ─────────────────────────────────────────────────────────────────────────
  The simulated OMS below routes an order every $((interval / 1000)) s; pickup orders show
  their pickup code (for the kiosk and the counter). Ctrl-C stops everything.

BANNER

# The OMS's side of the conversation, from its first line; tail stops with it.
tail -n +1 -F --pid="${pid[sim]}" "$demo/oms.log" 2>/dev/null | grep --line-buffered -v ' subscribed' &
pid[tail]=$!

# Runs until Ctrl-C, or until one of the parts stops by itself.
while :; do
  for name in mosquitto storeedged sim cupsd; do
    p=${pid[$name]:-}
    if [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; then
      say "$name stopped by itself; stopping the demo (see $demo)"
      exit 1
    fi
  done
  # Returns when a part exits, or at once for a signal (the traps run).
  wait -n "${pid[@]}" 2>/dev/null || sleep 1
done
