# SPDX-License-Identifier: GPL-2.0
# pwru: build, test, bench, demo.  `make V=1` prints full commands.
.DEFAULT_GOAL := all
HOST_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
ARCH     ?= $(HOST_ARCH)
# ARCH=arm64 on an amd64 host: a cross build into build-arm64 (scripts/cross.mk)
ifneq ($(ARCH),$(HOST_ARCH))
include scripts/cross.mk
endif
OUT      ?= build
CLANG    ?= clang
CC       ?= gcc
BPFTOOL  ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

ifeq ($(V),1)
Q   :=
msg  =
else
Q   := @
msg  = @printf '  %-8s %s\n' "$(1)" "$(2)";
MAKEFLAGS += --no-print-directory
endif

# SAN=1 builds everything with AddressSanitizer and UBSan (see `make test-asan`).
ifeq ($(SAN),1)
CC       := clang
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CFLAGS   ?= -g -O2
CFLAGS   += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
            -std=gnu11 -D_GNU_SOURCE -DPWRU_VERSION='"$(VERSION)"' $(SANFLAGS) \
            -I$(OUT) -Ibpf -Isrc -I.
LDFLAGS  += $(SANFLAGS)
LDLIBS   += -lbpf -lelf -lz -lpcap -lcjson -lpcre2-8 -lpthread

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I$(OUT) -Ibpf

# Areas add to these from their own fragment (*.mk below): sources of the
# shared library, BPF objects, headers generated before compiling, test
# suites run by `make test`, benchmarks run by `make bench`.
LIB_SRCS     := $(wildcard src/*.c)
BPF_PROGS    := pwru_direct pwru_probe
GEN_HDRS     :=
TEST_SUITES  := tests/lib/format-check.sh
BENCH_TARGETS :=
TEST_DEPS    :=
BINS         := $(OUT)/pwru

-include src/pcap/pcap.mk src/expr/expr.mk cri/cri.mk tests/unit/unit.mk tests/e2e/e2e.mk tests/bench/bench.mk tests/vm/vm.mk k8s/k8s.mk

# A cross build makes the tracer only: the tests and tools run on the host.
ifeq ($(CROSS),1)
BINS := $(OUT)/pwru
endif

# Under the sanitizers every suite runs but two: the qemu matrix (its
# guests are sized for the shipped binary, and it doubles make test's
# longest part) and the image check, which runs the binary in a chroot
# without /proc, where ASan's runtime prints warnings of its own. The
# image ships the normal build, which `make test` checks.
ifeq ($(SAN),1)
TEST_SUITES := $(filter-out tests/vm/suite tests/k8s/image.sh,$(TEST_SUITES))
endif

LIB_OBJS  = $(patsubst %.c,$(OUT)/obj/%.o,$(LIB_SRCS))
-include $(shell find $(OUT)/obj -name '*.d' 2>/dev/null)
SKELS     = $(patsubst %,$(OUT)/%.skel.h,$(BPF_PROGS))

.SECONDARY:
.PHONY: all deps clean test test-build test-asan bench demo install format format-check
# The default build also leaves ./pwru at the top, where the README runs it.
all: $(BINS) $(if $(SAN)$(CROSS),,pwru)

# Through a temporary name: a running ./pwru must not stop a rebuild.
pwru: $(OUT)/pwru
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

deps:
	$(Q)scripts/install-deps.sh

$(OUT)/vmlinux.h: $(filter-out /sys/%,$(VMLINUX_BTF))
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(OUT)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# One source, two objects: see bpf/skb_read.h for why.
$(OUT)/pwru_direct.bpf.o: bpf/pwru.bpf.c bpf/*.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DPWRU_DIRECT=1 -c $< -o $@

$(OUT)/pwru_probe.bpf.o: bpf/pwru.bpf.c bpf/*.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DPWRU_DIRECT=0 -c $< -o $@

$(OUT)/%.bpf.o: bpf/%.bpf.c bpf/*.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

# Every C object of the tree (src/, cri/, cmd/, tests/) is compiled here and
# only here; -MMD -MP records the headers each one read, so a header change
# rebuilds exactly its users. Only what includes a skeleton or a generated
# header waits for it (the order-only lines below and in the fragments).
$(OUT)/obj/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/obj/src/loader.o: | $(SKELS)

$(OUT)/libpwru.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/pwru: $(OUT)/obj/cmd/pwru.o $(OUT)/libpwru.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@.tmp && mv -f $@.tmp $@

# `make test` is what CI runs: every suite, one PASS/FAIL line per check and a
# closing "N passed, N failed" line from tests/lib/run-suites.sh.
# A suite is an executable that prints PASS:/FAIL:/SKIP: lines; it finds the
# binaries through $$OUT and $$PWRU.
export OUT
export PWRU = $(abspath $(OUT)/pwru)
# test-build: everything the suites run, without running them.
test-build: all $(TEST_DEPS)

test: all $(TEST_DEPS)
	$(Q)tests/lib/run-suites.sh $(TEST_SUITES)

# The house layout (.clang-format, kernel style, 100 columns); format-check runs in `make test`.
format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	$(Q)out=$$(tests/lib/format-check.sh); echo "$$out"; ! echo "$$out" | grep -q '^FAIL'

# The arm64 tracer, cross-built (scripts/cross.mk): build-arm64/pwru
.PHONY: cross-arm64
cross-arm64:
	$(Q)$(MAKE) ARCH=arm64 all

# One OCI index with the amd64 and the arm64 image (scripts/build-image.sh)
.PHONY: image-multiarch
image-multiarch: all cross-arm64
	$(Q)scripts/build-image.sh --multiarch $(OUT)/pwru-image-multiarch.tar

test-asan:
	$(Q)$(MAKE) OUT=build-asan SAN=1 test

bench: all $(BENCH_TARGETS)

# Installs what is missing, builds, then runs the demo (as root).
demo:
	$(Q)scripts/install-deps.sh
	$(Q)$(MAKE) all
	$(Q)./scripts/demo.sh

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf $(OUT) build-asan build-arm64 $(BINS)
