# qonaq — build, test, run, benchmark.
#
#   make            build build/qonaq (optimised, with debug info) and the portal (build/web)
#   make run        install what is missing, build, start the demo server
#   make test       install what is missing, build with ASan+UBSan, run every test
#   make bench      build optimised and run the benchmarks (they print their figures)
#   make fuzz       longer libFuzzer runs
#   make format / make lint
#
# Layers are static archives built from every .c in their folder, so adding a
# file needs no edit here: src/core -> libqncore.a, src/store -> libqnstore.a,
# and so on. Tests: every tests/<suite>/test_*.c is its own Check program,
# linked with tests/support/*.c and the layers it may use.
# SAN=1 builds under build/san with -fsanitize=address,undefined.

SHELL := /bin/bash
CC ?= cc
SAN ?= 0

ifeq ($(SAN),1)
OUT := build/san
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN := -fsanitize=address,undefined
else
OUT := build
OPT := -O2 -g
LDSAN :=
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla
CSTD := -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKGS := libmicrohttpd jansson sqlite3 libpq openssl libsodium libqrencode
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lpthread -lm
CHECK_CFLAGS := $(shell pkg-config --cflags check libcurl 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check libcurl 2>/dev/null)

CFLAGS_ALL := $(CSTD) $(OPT) $(WARN) -Isrc -MMD -MP $(CFLAGS)
# The pure core also builds with -Wconversion.
CORE_EXTRA := -Wconversion -Wsign-conversion

LAYERS := core store sign service http doc
# Generated sources, built from the tree (nothing generated is committed):
# the store's migrations as C strings.
store_GEN := $(OUT)/obj/gen/schema_sql.o
define layer_vars
$(1)_SRC := $$(wildcard src/$(1)/*.c)
$(1)_OBJ := $$(patsubst src/%.c,$(OUT)/obj/%.o,$$($(1)_SRC)) $$($(1)_GEN)
$(OUT)/libqn$(1).a: $$($(1)_OBJ) $(OUT)/obj/empty.o
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_vars,$(l))))

# Link order: adapters first, then what they use.
LIBS_ALL := $(OUT)/libqnhttp.a $(OUT)/libqnservice.a $(OUT)/libqndoc.a $(OUT)/libqnsign.a \
            $(OUT)/libqnstore.a $(OUT)/libqncore.a

CLI_SRC := $(wildcard src/cli/*.c)
CLI_OBJ := $(patsubst src/%.c,$(OUT)/obj/%.o,$(CLI_SRC))

TEST_SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(TEST_SUPPORT_SRC))
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(OUT)/tests/%,$(TEST_SRC))

# The web portal: web/ bundled by esbuild (npm ci in web/, from the npm
# registry) into $(OUT)/web, the folder qonaq serve sends (beside the binary).
WEB_OUT := $(OUT)/web
WEB_SRC := $(shell find web -type f -not -path 'web/node_modules/*' -not -name '.npm-ci*' 2>/dev/null)

BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRC))

.PHONY: all deps run test tests check bench fuzz format lint clean
# Keep object files of tests and benchmarks (they are otherwise intermediate).
.SECONDARY:
.DEFAULT_GOAL := all

all: $(OUT)/qonaq $(WEB_OUT)/index.html

$(WEB_OUT)/index.html: $(WEB_SRC) scripts/web_build.sh
	scripts/web_build.sh $(WEB_OUT)

$(OUT)/obj/empty.o:
	@mkdir -p $(@D)
	echo 'typedef int qn_empty_unit;' | $(CC) -x c -c -o $@ -

$(OUT)/obj/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CORE_EXTRA) -c -o $@ $<

$(OUT)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -c -o $@ $<

$(OUT)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itests $(PKG_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(OUT)/obj/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -c -o $@ $<

$(OUT)/gen/schema_sql.c: src/store/schema/embed.sh $(wildcard src/store/schema/*/*.sql)
	src/store/schema/embed.sh $@

$(OUT)/obj/gen/schema_sql.o: $(OUT)/gen/schema_sql.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -c -o $@ $<

# The OpenAPI document is embedded with .incbin (src/http/openapi_doc.c).
$(OUT)/obj/http/openapi_doc.o: docs/openapi.json

$(OUT)/qonaq: $(CLI_OBJ) $(LIBS_ALL)
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(LIBS_ALL) $(PKG_LIBS) $(LDFLAGS)

# Every test program may use every layer; the linker keeps what it calls.
$(OUT)/tests/%: $(OUT)/obj/tests/%.o $(TEST_SUPPORT_OBJ) $(LIBS_ALL)
	@mkdir -p $(@D)
	$(CC) $(LDSAN) -o $@ $< $(TEST_SUPPORT_OBJ) $(LIBS_ALL) $(PKG_LIBS) $(CHECK_LIBS) $(LDFLAGS)

$(OUT)/bench/%: $(OUT)/obj/bench/%.o $(LIBS_ALL)
	@mkdir -p $(@D)
	$(CC) $(LDSAN) -o $@ $< $(LIBS_ALL) $(PKG_LIBS) $(LDFLAGS)

deps:
	@scripts/deps.sh all

run: 
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	./build/qonaq serve --demo --db sqlite:var/qonaq.db

tests: $(OUT)/qonaq $(WEB_OUT)/index.html $(TEST_BIN)

# The test command: install, build under ASan+UBSan, run everything.
test check:
	@scripts/deps.sh all
	@$(MAKE) --no-print-directory SAN=1 tests
	@tests/run.sh build/san

bench:
	@scripts/deps.sh all
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@bench/run.sh build

fuzz:
	@scripts/deps.sh all
	@tests/fuzz/run.sh long

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	clang-tidy --quiet $$(git ls-files 'src/*.c') -- $(CSTD) -Isrc $(PKG_CFLAGS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem -Isrc src

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
