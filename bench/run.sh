#!/usr/bin/env bash
# Runs every benchmark built in the release tree given as $1 and prints its
# figures. Benchmarks print their own baseline from the same run.
set -euo pipefail
dir=${1:-build/release}
found=0
for b in "$dir"/bench/*_bench; do
  [ -x "$b" ] || continue
  found=1
  echo "== $(basename "$b")"
  "$b" ${BENCH_ARGS:-}
done
if [ $found -eq 0 ]; then
  echo "bench: no benchmarks built in $dir/bench" >&2
  exit 1
fi
