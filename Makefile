# SPDX-License-Identifier: AGPL-3.0-or-later
# Parley's one Makefile. Plain `make` builds build/parley.
#   make run            install missing packages, build, seed ./data, serve
#   make test           unit, spec and black-box tests, plain and ASan+UBSan,
#                       on SQLite and on a throw-away PostgreSQL cluster
#   make SANITIZE=1 ... the same targets built with ASan+UBSan in build-san/
#   make SANITIZE=thread ... the same targets built with TSan in build-tsan/
#   make fuzz           every libFuzzer target for FUZZ_SECONDS (default 300) each
#   make valgrind       the unit tests under Valgrind memcheck (also in make test)
#   make browser        every page in headless Chromium (also in make test, plain pass)
#   make screenshots    refresh docs/screenshots/ (never in make test)
#   make lighthouse     Lighthouse scores of three pages (never in make test)
#   make load           the load and slow-client test at full size (never in make test)
#   make stress-shutdown SIGTERM under load, STRESS_RUNS times (never in make test)
#   make security-scan  sqlmap and an XSS sweep in headless Chromium (never in make test)
#   make bench          the benchmark against nginx (bench/bench.py; never in make test)
#   make bench-backends the same pages on SQLite and PostgreSQL (bench/backends.py)
#   make bench-images   the image rows of make bench alone, on a new database

PKGS    := libmicrohttpd sqlite3 libsodium md4c libpq liburiparser liboath libqrencode \
           libcurl jansson vips libmagic
CC      ?= cc
SANITIZE ?=
FUZZ    ?=
FUZZ_CC ?= clang-14
DEBUGFLAGS :=
ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT     := -O1
# the HTML writer checks that every element a page opens is closed
DEBUGFLAGS := -DPARLEY_DEBUG_HTML
else ifeq ($(SANITIZE),thread)
BUILD   := build-tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
OPT     := -O1
else ifeq ($(FUZZ),1)
BUILD   := build-fuzz
CC      := $(FUZZ_CC)
SANFLAGS := -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT     := -O1
else
BUILD   := build
SANFLAGS :=
OPT     := -O2
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wformat=2 -Wno-unused-parameter -Werror=implicit-function-declaration
ifeq ($(FUZZ),1)
WARN    += -Wno-format-nonliteral # clang also flags vprintf-style wrappers
endif
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) $(DEBUGFLAGS) $(PKG_CFLAGS) -MMD -MP
# -rdynamic: the fatal-signal backtrace (base_crash.c) then names functions.
LDFLAGS_ALL := $(LDFLAGS) $(SANFLAGS) -rdynamic
LIBS    := $(PKG_LIBS) -lm -lpthread

SRC     := $(wildcard src/base/*.c src/http/*.c src/store/*.c src/render/*.c src/app/*.c src/verify/*.c)
OBJ     := $(patsubst %.c,$(BUILD)/obj/%.o,$(notdir $(SRC)))
vpath %.c $(sort $(dir $(SRC))) src tests/unit

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all run test test-one test-all unit spec e2e e2e-pg deps clean fuzz fuzz-short fuzz-bin \
        valgrind load security-scan stress-shutdown browser screenshots lighthouse
.DEFAULT_GOAL := all

all: $(BUILD)/parley

V ?=
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c | $(BUILD)/obj
	@$(if $(V),,echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/libparley.a: $(OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/parley: $(BUILD)/obj/main.o $(BUILD)/libparley.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libparley.a | $(BUILD)/tests
	@$(if $(V),,echo "  TEST  $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libparley.a $(LDFLAGS_ALL) $(LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# libFuzzer targets: built with FUZZ=1 (clang, ASan+UBSan) in build-fuzz/.
FUZZ_SECONDS ?= 300
FUZZ_SHORT   ?= 10
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/fuzz:
	mkdir -p $@

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libparley.a | $(BUILD)/fuzz
	@$(if $(V),,echo "  FUZZ  $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(BUILD)/libparley.a $(LDFLAGS_ALL) $(LIBS)

fuzz-bin: $(FUZZ_BIN)

# make fuzz: each target for FUZZ_SECONDS; make fuzz-short (in make test):
# the whole seed corpus replayed, then each target for FUZZ_SHORT seconds.
fuzz fuzz-short:
	$(MAKE) FUZZ=1 fuzz-bin
	@sh scripts/fuzz.sh $(if $(filter fuzz,$@),$(FUZZ_SECONDS),$(FUZZ_SHORT)) \
	    $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

deps:
	@sh scripts/deps.sh

run: deps
	$(MAKE) all
	@sh scripts/run.sh $(BUILD)/parley

unit: $(UNIT_BIN)
	@sh scripts/unit.sh $(UNIT_BIN)

# The unit tests under Valgrind memcheck: no memory error, no leak.
valgrind: $(UNIT_BIN)
	@sh scripts/valgrind.sh $(UNIT_BIN)

e2e: $(BUILD)/parley
	PARLEY_BIN=$(BUILD)/parley python3 tests/e2e/run.py

# The load test at full size (tests/e2e/test_load.py; make test runs it
# scaled down): idle keep-alive and slowloris-style clients. Never in make test.
LOAD_IDLE ?= 4000
LOAD_SLOW_HEADER ?= 400
LOAD_SLOW_BODY ?= 200
LOAD_ROUNDS ?= 3
LOAD_TIMEOUT ?= 5
load: $(BUILD)/parley
	PARLEY_BIN=$(BUILD)/parley PARLEY_LOAD_IDLE=$(LOAD_IDLE) \
	    PARLEY_LOAD_SLOW_HEADER=$(LOAD_SLOW_HEADER) \
	    PARLEY_LOAD_SLOW_BODY=$(LOAD_SLOW_BODY) PARLEY_LOAD_ROUNDS=$(LOAD_ROUNDS) \
	    PARLEY_LOAD_TIMEOUT=$(LOAD_TIMEOUT) python3 tests/e2e/run.py test_load

# Every page kind in Debian's headless Chromium (tests/browser, node:test
# with playwright-core and axe-core; docs/decisions/012-browser-tests.md):
# accessibility, width, console and network errors, keyboard, and the
# vote, reply, collapse, report and moderation flows with JavaScript on and
# off. A plain build only: Chromium adds nothing under ASan.
BROWSER_MODULES := tests/browser/node_modules/.package-lock.json
$(BROWSER_MODULES): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund

browser: $(BUILD)/parley $(BROWSER_MODULES)
	PARLEY_BIN=$(BUILD)/parley node --test --test-reporter=spec tests/browser/suite.test.mjs

# Lighthouse (npm lighthouse 12, the last line that runs on Node.js 20)
# on Debian's Chromium (CHROME_PATH): performance, accessibility, best
# practices and SEO of the front page, a thread and the login page, on
# the browser suite's demo server; fails when accessibility or best
# practices is under 100. The scores are in docs/BEHAVIOUR.md. Never in
# make test.
LIGHTHOUSE_MODULES := tests/lighthouse/node_modules/.package-lock.json
$(LIGHTHOUSE_MODULES): tests/lighthouse/package-lock.json
	cd tests/lighthouse && npm ci --no-audit --no-fund

CHROME_PATH ?= /usr/bin/chromium
lighthouse: $(BUILD)/parley $(BROWSER_MODULES) $(LIGHTHOUSE_MODULES)
	PARLEY_BIN=$(BUILD)/parley CHROME_PATH=$(CHROME_PATH) node tests/lighthouse/run.mjs

# The pictures in docs/screenshots/ (front page and a thread, 390 and 1280
# px, light and dark), made by the same harness, then cut to 256 colours by
# pngquant (Debian's package) when it is there. Never in make test.
screenshots: $(BUILD)/parley $(BROWSER_MODULES)
	PARLEY_BIN=$(BUILD)/parley node tests/browser/screenshots.mjs
	@if command -v pngquant >/dev/null; then \
	    pngquant --force --ext .png --quality 70-95 --strip --speed 1 docs/screenshots/*.png; \
	else echo "screenshots: no pngquant, the files stay large"; fi

# SIGTERM at random moments of a load of readers and writers (kept-alive
# connections and not), STRESS_RUNS times on one database: every run must
# exit 0 within the drain time, and every acknowledged write be there after
# the restart (tests/e2e/stress_shutdown.py; issue 12). Never in make test.
# STRESS_SLOW_DEL=1 delays the main thread's epoll_ctl(EPOLL_CTL_DEL) by
# 5 ms (tests/e2e/slow_epoll_del.c, LD_PRELOAD): it widens the window of
# the libmicrohttpd quiesce race so that a regression shows in a few runs.
STRESS_RUNS ?= 200
STRESS_SLOW_DEL ?=
$(BUILD)/slow_epoll_del.so: tests/e2e/slow_epoll_del.c | $(BUILD)/obj
	$(CC) -shared -fPIC -O2 -Wall -o $@ $< -ldl
stress-shutdown: $(BUILD)/parley $(if $(STRESS_SLOW_DEL),$(BUILD)/slow_epoll_del.so)
	$(if $(STRESS_SLOW_DEL),LD_PRELOAD=$(CURDIR)/$(BUILD)/slow_epoll_del.so) \
	    PARLEY_BIN=$(BUILD)/parley PARLEY_STRESS_RUNS=$(STRESS_RUNS) \
	    python3 tests/e2e/stress_shutdown.py

# Attack tools against a local server with demo data (tests/security/scan.py):
# sqlmap on every form and JSON endpoint, XSS payloads checked in headless
# Chromium. On demand only; installs sqlmap and chromium when missing.
security-scan: $(BUILD)/parley
	PARLEY_BIN=$(BUILD)/parley python3 tests/security/scan.py

# A throw-away PostgreSQL cluster around a command (tests/e2e/pgcluster.py),
# unless one is up already: it sets PARLEY_TEST_PG_URL for the store's unit
# tests and PARLEY_TEST_PG_TEMPLATE for the black-box suite.
WITH_PG = $(if $(PARLEY_TEST_PG_URL),,python3 tests/e2e/pgcluster.py)

# The black-box suite on PostgreSQL, one database per test class.
e2e-pg: $(BUILD)/parley
	$(WITH_PG) sh -c 'PARLEY_BIN=$(BUILD)/parley \
	    PARLEY_TEST_DB_URL_TEMPLATE="$$PARLEY_TEST_PG_TEMPLATE" \
	    python3 tests/e2e/run.py'

# One full pass over the suite with the current build flavour.
test-one: unit e2e

# Everything inside one cluster: unit tests (the store's on both backends)
# and the black-box suite on SQLite, plain and ASan+UBSan; the browser
# suite and the black-box suite on PostgreSQL once, plain; the unit tests
# under Valgrind; every fuzz target for FUZZ_SHORT seconds after replaying
# its corpus.
test: deps
	$(WITH_PG) $(MAKE) test-all

test-all:
	$(MAKE) test-one
	$(MAKE) browser
	$(MAKE) e2e-pg
	$(MAKE) SANITIZE=1 test-one
	$(MAKE) valgrind
	$(MAKE) fuzz-short

# The benchmark (docs/decisions/004-benchmark.md): an -O2 build of its own in
# bench/build, demo databases cached in bench/data. Never part of make test.
BENCH_BUILD := bench/build
BENCH_RUN = PARLEY_BIN=$(BENCH_BUILD)/parley python3 bench/bench.py
.PHONY: bench bench-scale bench-instructions bench-images bench-writes bench-mixed bench-deps bench-build

bench-deps:
	@sh bench/deps.sh

bench-build:
	$(MAKE) SANITIZE= FUZZ= BUILD=$(BENCH_BUILD) $(BENCH_BUILD)/parley

bench: bench-deps bench-build
	$(BENCH_RUN) run

bench-scale: bench-deps bench-build
	$(BENCH_RUN) scale

bench-instructions: bench-deps bench-build
	$(BENCH_RUN) instructions

# The image rows alone (upload, bomb, serving a thumbnail), on a new
# database: no demo database needed.
bench-images: bench-deps bench-build
	$(BENCH_RUN) images

bench-writes: bench-deps bench-build
	$(BENCH_RUN) writes

# The mixed row alone, with 1,000 idle keep-alive connections open.
bench-mixed: bench-deps bench-build
	$(BENCH_RUN) mixed

# The front page and a 300-comment thread on SQLite and on PostgreSQL, one
# run, same machine (bench/backends.py).
.PHONY: bench-backends
bench-backends: deps bench-deps bench-build
	PARLEY_BIN=$(BENCH_BUILD)/parley python3 bench/backends.py

clean:
	rm -rf build build-san build-tsan build-fuzz

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/fuzz/*.d $(BUILD)/tests/*.d)
