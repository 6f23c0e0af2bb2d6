# Tong: one static library (oci-spec/) and four programs that link it.
# `make` builds, `make check` runs every test, `make asan` runs them again
# under AddressSanitizer and UBSan, `make check-cgroup2` runs the cgroup
# tests in a VM on pure cgroup v2 (docs/cgroup2-lane.md), `make deps`
# installs Debian packages.

BUILDDIR ?= build
CC ?= gcc
VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

PKGS_LIB := yajl libcrypto
PKGS_RUNTIME := libseccomp libcap libselinux
PKGS_BUILDER := libarchive
PKGS_REGCTL := libcurl

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-unused-parameter -Wno-format-truncation
CFLAGS ?= -O2 -g
SANITIZE ?=
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SANITIZE) -D_GNU_SOURCE \
  -Ioci-spec/include -DTONG_VERSION='"$(VERSION)"' \
  -include oci-spec/include/oci/banned.h -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SANITIZE)

pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs = $(shell pkg-config --libs $(1) 2>/dev/null)

LIB_SRC := $(wildcard oci-spec/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILDDIR)/%.o)
LIB := $(BUILDDIR)/liboci.a
LIB_LIBS := $(call pc_libs,$(PKGS_LIB))

RUNTIME_SRC := $(wildcard runtime/*.c)
SHIM_SRC := $(wildcard shim/*.c)
BUILDER_SRC := $(wildcard builder/*.c)
REGCTL_SRC := $(wildcard registry-client/*.c)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILDDIR)/tests/%)

PROGRAMS := $(BUILDDIR)/tong $(BUILDDIR)/tong-shim $(BUILDDIR)/tong-build $(BUILDDIR)/tong-regctl

.PHONY: all check check-cgroup2 check-cri asan demo deps clean test-bins
all: $(PROGRAMS)

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(call pc_cflags,$(PKGS_LIB) $(PKGS_RUNTIME) $(PKGS_BUILDER) $(PKGS_REGCTL)) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

# tong re-execs itself from a sealed memfd copy for every command that
# enters a container (CVE-2019-5736), so the copy and the second exec are
# on every container's critical path: link it statically (no dynamic loader,
# no relocations) and copy no debug sections (they go to tong.debug beside
# it, found by gdb through .gnu_debuglink).  Sanitizer builds stay dynamic.
TONG_STATIC_LIBS := -lseccomp -lcap -lyajl_s
ifeq ($(SANITIZE),)
$(BUILDDIR)/tong: $(RUNTIME_SRC:%.c=$(BUILDDIR)/%.o) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -static -o $@.full $^ $(TONG_STATIC_LIBS)
	@objcopy --only-keep-debug $@.full $@.debug
	@objcopy --strip-all --add-gnu-debuglink=$@.debug $@.full $@
	@rm -f $@.full
else
$(BUILDDIR)/tong: $(RUNTIME_SRC:%.c=$(BUILDDIR)/%.o) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_RUNTIME)) $(LIB_LIBS)
endif

$(BUILDDIR)/tong-shim: $(SHIM_SRC:%.c=$(BUILDDIR)/%.o) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(BUILDDIR)/tong-build: $(BUILDER_SRC:%.c=$(BUILDDIR)/%.o) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_BUILDER)) $(LIB_LIBS)

# libarchive is loaded with dlopen, for oci-archive: only (archive-lib.h).
$(BUILDDIR)/tong-regctl: $(REGCTL_SRC:%.c=$(BUILDDIR)/%.o) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_REGCTL)) $(LIB_LIBS) -ldl

# Unit tests of the programs' modules compile those sources in
# (#include "../../runtime/x.c"), so every test may use every library.
$(BUILDDIR)/tests/test-%: $(BUILDDIR)/tests/unit/test-%.o $(BUILDDIR)/tests/unit/unit.o $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_RUNTIME) $(PKGS_BUILDER) $(PKGS_REGCTL)) $(LIB_LIBS)

# The probe goes into test rootfs images, which have no libc: always static,
# never sanitized.
$(BUILDDIR)/tests/probe: tests/probe/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static -D_GNU_SOURCE -o $@ $<

test-bins: all $(UNIT_BIN) $(BUILDDIR)/tests/probe

check: test-bins
	BUILDDIR=$(abspath $(BUILDDIR)) tests/run-all

# The cgroup v2 lane: boots Debian's kernel under qemu, runs the cgroup
# tests there (tests/vm/run) and counts their TAP like check does.
check-cgroup2: $(BUILDDIR)/tong $(BUILDDIR)/tests/probe
	BUILDDIR=$(abspath $(BUILDDIR)) tests/vm/check-cgroup2

# The CRI lane alone (make check runs it too): containerd's CRI plugin with
# tong as the runc binary, driven by tests/cri/cri-client.py.
check-cri: $(BUILDDIR)/tong $(BUILDDIR)/tests/probe
	BUILDDIR=$(abspath $(BUILDDIR)) tests/cri/check-cri

asan:
	$(MAKE) BUILDDIR=build-asan SANITIZE='-fsanitize=address,undefined -fno-omit-frame-pointer' CFLAGS='-O1 -g' check

demo: all $(BUILDDIR)/tests/probe
	BUILDDIR=$(abspath $(BUILDDIR)) tests/demo

deps:
	tests/install-deps

clean:
	rm -rf build build-asan

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)

# Only the version module carries the commit, so a new commit does not
# rebuild everything; FORCE keeps it current.
$(BUILDDIR)/runtime/version.o: ALL_CFLAGS += -DTONG_COMMIT='"$(COMMIT)"'
$(BUILDDIR)/runtime/version.o: FORCE
.PHONY: FORCE
FORCE:

# Keep objects of chained rules (unit test objects), so nothing rebuilds twice.
.SECONDARY:
