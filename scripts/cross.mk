# SPDX-License-Identifier: GPL-2.0
# Cross build: `make ARCH=arm64` (or `make cross-arm64`) on an amd64 host
# builds build-arm64/pwru with Debian's cross compiler against a private
# sysroot of Debian's arm64 -dev packages (scripts/cross-sysroot; nothing is
# installed for arm64 on the system). Included by the top Makefile when ARCH
# is not the host's.
#
# pwru links dynamically, as the native build does: Debian ships no static
# libcjson.a, nor static archives for all of libcurl's dependencies (see
# tests/vm/vm.mk). The arm64 guest gets the libraries from the sysroot.
# The BPF side needs the target's kernel types (struct user_pt_regs for the
# PT_REGS_* macros): vmlinux.h comes from Debian's arm64 cloud kernel's BTF,
# which tests/vm/fetch-kernels cuts out of the kernel image.

CROSS_TRIPLE_arm64  := aarch64-linux-gnu
CROSS_KERNEL_arm64  := 6.12-arm64
CROSS_TRIPLE        := $(CROSS_TRIPLE_$(ARCH))
ifeq ($(CROSS_TRIPLE),)
$(error ARCH=$(ARCH): no cross build for it (known: arm64))
endif

# never the host's build/ (make exports OUT to sub-makes): only an OUT given
# on the command line moves it
ifneq ($(origin OUT),command line)
OUT          := build-$(ARCH)
endif
CC           := $(CROSS_TRIPLE)-gcc
CROSS_SYSROOT := $(shell mkdir -p $(OUT) && scripts/cross-sysroot $(ARCH) 2>$(OUT)/sysroot.log || echo FAILED)
ifeq ($(CROSS_SYSROOT),FAILED)
$(error scripts/cross-sysroot $(ARCH) failed: see $(OUT)/sysroot.log)
endif
CFLAGS       += --sysroot=$(CROSS_SYSROOT)
LDFLAGS      += --sysroot=$(CROSS_SYSROOT)
# the download cache tests/vm/ uses ($VM_CACHE moves it, docs/vmtest.md)
VM_CACHE     ?= tests/vm/cache
VMLINUX_BTF  := $(VM_CACHE)/kernel-$(CROSS_KERNEL_$(ARCH))/vmlinux.btf
CROSS        := 1

$(VMLINUX_BTF):
	$(Q)tests/vm/fetch-kernels $(CROSS_KERNEL_$(ARCH))
