# SPDX-License-Identifier: AGPL-3.0-or-later
# Parley's one Makefile. Plain `make` builds build/parley.
#   make run            install missing packages, build, seed ./data, serve
#   make test           unit, spec and black-box tests, plain and ASan+UBSan
#   make SANITIZE=1 ... the same targets built with ASan+UBSan in build-san/

PKGS    := libmicrohttpd sqlite3 libsodium md4c
CC      ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
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
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS_ALL := $(LDFLAGS) $(SANFLAGS)
LIBS    := $(PKG_LIBS) -lm -lpthread

SRC     := $(wildcard src/base/*.c src/http/*.c src/store/*.c src/render/*.c src/app/*.c)
OBJ     := $(patsubst %.c,$(BUILD)/obj/%.o,$(notdir $(SRC)))
vpath %.c $(sort $(dir $(SRC))) src tests/unit

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all run test test-one unit spec e2e deps clean
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

deps:
	@sh scripts/deps.sh

run: deps
	$(MAKE) all
	@sh scripts/run.sh $(BUILD)/parley

unit: $(UNIT_BIN)
	@sh scripts/unit.sh $(UNIT_BIN)

e2e: $(BUILD)/parley
	PARLEY_BIN=$(BUILD)/parley python3 tests/e2e/run.py

# One full pass over the suite with the current build flavour.
test-one: unit e2e

test: deps
	$(MAKE) test-one
	$(MAKE) SANITIZE=1 test-one

clean:
	rm -rf build build-san

-include $(wildcard $(BUILD)/obj/*.d)
