# storeedge — the front door. `make run` and `make test` are all the set-up a
# fresh Debian 12 machine needs: both install missing packages first.
#
#   make run     install deps, build (release), run the daemon on its defaults
#   make test    install deps, build with ASan+UBSan, run every test
#   make bench   release build, run the benchmarks
#   make deb     build the Debian package into build/release/
#   make deps    install the Debian packages needed to build and test
#   make format  clang-format every C++ file

SHELL := /bin/bash
JOBS ?= $(shell nproc)
# CI builds with -Werror; locally warnings stay warnings unless asked.
WERROR ?= $(if $(CI),ON,OFF)
CONFIG ?=
CTEST_ARGS ?=

DEV_DIR := build/dev
REL_DIR := build/release

.PHONY: all run run-daemon test bench deb deps format build build-dev build-release clean test-tools

all: build-release

deps:
	@packaging/install-deps.sh

build-release: deps
	cmake --preset release -DSTOREEDGE_WERROR=$(WERROR) >/dev/null
	cmake --build --preset release -j $(JOBS)

build-dev: deps
	cmake --preset dev -DSTOREEDGE_WERROR=$(WERROR) >/dev/null
	cmake --build --preset dev -j $(JOBS)

build: build-release

ifeq ($(CONFIG),)
run: build-release
	@exec packaging/demo/run-demo.sh $(REL_DIR)
else
run: run-daemon
endif

run-daemon: build-release
	@echo "storeedge: starting storeedged$(if $(CONFIG), with $(CONFIG), on its embedded defaults) — Ctrl-C stops it"
	@echo "storeedge: status: http://127.0.0.1:8080/api/v1/status  (or: $(REL_DIR)/edge/app/storeedgectl status)"
	exec $(REL_DIR)/edge/app/storeedged $(if $(CONFIG),--config $(CONFIG))

# Node tools the tests use, pinned by their package-lock.json: the label tests'
# zpl-renderer-js and the browser tests' playwright-core (which drives Debian's
# /usr/bin/chromium; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: it fetches no browser).
test-tools: deps
	@[ -d tests/tools/node_modules/zpl-renderer-js ] || npm ci --prefix tests/tools --no-audit --no-fund
	@[ -d tests/browser/node_modules/playwright-core ] || \
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund

test: build-dev test-tools
	cd $(DEV_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600 $(CTEST_ARGS)

bench: build-release
	@bench/run.sh $(REL_DIR)

deb: build-release
	cd $(REL_DIR) && cpack -G DEB

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
