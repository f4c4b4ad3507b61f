#!/usr/bin/env bash
# Runs every benchmark built in the release tree given as $1 and prints its
# figures. Benchmarks print their own baseline from the same run.
# Arguments: BENCH_ARGS goes to every benchmark; <NAME>_ARGS (e.g.
# HTTP_BENCH_ARGS="--duration 5") to that one only, instead.
# http_bench drives the HTTP API with wrk (packaging/install-deps.sh installs it).
set -euo pipefail
dir=${1:-build/release}
found=0
for b in "$dir"/bench/*_bench; do
  [ -x "$b" ] || continue
  found=1
  name=$(basename "$b")
  var="$(echo "$name" | tr '[:lower:]' '[:upper:]')_ARGS"
  echo "== $name"
  if [ -n "${!var:-}" ]; then
    "$b" ${!var}
  else
    "$b" ${BENCH_ARGS:-}
  fi
done
if [ $found -eq 0 ]; then
  echo "bench: no benchmarks built in $dir/bench" >&2
  exit 1
fi
