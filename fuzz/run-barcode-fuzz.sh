#!/usr/bin/env bash
# Fuzzes the barcode parser (edge/core/barcode.h) for a bounded time and fails
# on any crash, sanitizer report, leak, timeout or broken contract.
#
#   fuzz/run-barcode-fuzz.sh              # 20 seconds
#   FUZZ_SECONDS=600 fuzz/run-barcode-fuzz.sh
#
# Needs clang++ with the libFuzzer and sanitizer runtimes. On Debian 12:
#   apt-get install -y clang libclang-rt-14-dev
# (clang pulls in clang-14; libclang-rt-14-dev holds libclang_rt.fuzzer and
# the ASan/UBSan runtimes; libstdc++ comes with g++, which the build needs
# anyway). CXX_FUZZ overrides the compiler, e.g. CXX_FUZZ=clang++-16.
#
# The seed corpus in fuzz/corpus/barcode/ is read, never written: new inputs
# go to a temporary directory, which is deleted on success and kept on
# failure together with the crashing input.
set -euo pipefail

cd "$(dirname "$0")/.."
cxx="${CXX_FUZZ:-clang++}"
seconds="${FUZZ_SECONDS:-20}"

if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "run-barcode-fuzz: $cxx not found; install it with: apt-get install -y clang libclang-rt-14-dev" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/barcode-fuzz.XXXXXX")"
keep=1
trap '[ "$keep" = 0 ] && rm -rf "$work"' EXIT

# -fno-sanitize-recover makes UBSan findings fatal; by default UBSan only
# prints them and libFuzzer would report success.
"$cxx" -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -include utility -Iedge/core/include \
  fuzz/barcode_fuzz.cc edge/core/src/*.cc -o "$work/barcode_fuzz"

mkdir -p "$work/corpus" "$work/artifacts"
status=0
"$work/barcode_fuzz" \
  -max_total_time="$seconds" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -max_len=9000 \
  -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" \
  "$work/corpus" fuzz/corpus/barcode 2>"$work/fuzz.log" || status=$?

tail -n 25 "$work/fuzz.log"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  echo "run-barcode-fuzz: FAILED (exit $status); log, corpus and crashing input kept in $work" >&2
  ls -l "$work/artifacts" >&2
  exit 1
fi
keep=0
echo "run-barcode-fuzz: OK, no crash in ${seconds}s"
