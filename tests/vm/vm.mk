# SPDX-License-Identifier: GPL-2.0
# qemu guests for the kprobe / kprobe-multi / fentry backends (docs/vmtest.md).
# Included by the top Makefile. Everything here links statically because the
# guests have no libraries of their own (tests/vm/run copies ldd's libraries
# for dynamic binaries, but static ones need nothing and start faster).

VM_OUT    := $(OUT)/vm
VM_TOOLS  := $(VM_OUT)/vm-probe $(VM_OUT)/vm-kbench $(VM_OUT)/vm-udpsend $(VM_OUT)/tc_drop.bpf.o \
             $(VM_OUT)/xdp_pass.bpf.o $(VM_OUT)/tc_maps.bpf.o
# no sanitizers here: ASan/UBSan runtimes do not link statically
VM_CFLAGS  = $(filter-out $(SANFLAGS),$(CFLAGS)) -I$(VM_OUT) -Itests/vm/tools
VM_LIBDIR := $(shell $(CC) -print-multiarch 2>/dev/null | sed 's|^|/usr/lib/|')

$(VM_OUT)/%.bpf.o: tests/vm/tools/%.bpf.c $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(VM_OUT)/%.skel.h: $(VM_OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

$(VM_OUT)/%.o: tests/vm/tools/%.c $(VM_OUT)/probe.skel.h $(VM_OUT)/kbench.skel.h $(wildcard tests/vm/tools/*.h)
	$(call msg,CC,$@)
	$(Q)$(CC) $(VM_CFLAGS) -c $< -o $@

$(VM_OUT)/vm-probe: $(VM_OUT)/probe.o $(VM_OUT)/skb_funcs.o
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $^ -lbpf -lelf -lz -o $@

$(VM_OUT)/vm-kbench: $(VM_OUT)/kbench.o $(VM_OUT)/skb_funcs.o
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $^ -lbpf -lelf -lz -o $@

$(VM_OUT)/vm-udpsend: $(VM_OUT)/udpsend.o
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $^ -o $@

# pwru for the guests, linked with -static: pwru's own libraries ($(LDLIBS)),
# plus what their static archives need in turn: libdbus-1 after libpcap
# (its D-Bus capture source; the two libsystemd calls that one makes are
# stubbed because Debian ships no libsystemd.a) and libcurl's dependencies
# from pkg-config. Debian ships no libcjson.a, nor libpsl, librtmp, libssh2,
# gssapi, ldap or zstd archives for libcurl: while any is missing this target
# stops naming them and the guests get $(OUT)/pwru with its shared libraries
# (tests/vm/run copies what ldd lists), which works just as well there.
VM_PWRU_LIBS ?= $(patsubst -lpcap,-lpcap -ldbus-1,$(LDLIBS)) \
	$(if $(filter -lcurl,$(LDLIBS)),$(shell pkg-config --static --libs-only-l libcurl 2>/dev/null))
VM_PWRU_MISSING = $(sort $(foreach l,$(patsubst -l%,%,$(filter -l%,$(VM_PWRU_LIBS))),\
	$(if $(wildcard $(VM_LIBDIR)/lib$(l).a /usr/lib/lib$(l).a /usr/local/lib/lib$(l).a),,lib$(l).a)))

$(VM_OUT)/sd_stub.o: tests/vm/tools/sd_stub.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(VM_CFLAGS) -c $< -o $@

$(OUT)/pwru-static: $(OUT)/obj/cmd/pwru.o $(OUT)/libpwru.a $(VM_OUT)/sd_stub.o
	$(if $(strip $(VM_PWRU_MISSING)),$(error pwru-static: Debian has no static $(strip $(VM_PWRU_MISSING)); the guests use $(OUT)/pwru with its libraries))
	$(call msg,LINK,$@)
	$(Q)$(CC) -static $^ $(VM_PWRU_LIBS) -o $@

# The pwru the guests run: the static one when it can link, else the dynamic one.
VM_PWRU := $(if $(strip $(VM_PWRU_MISSING)),$(OUT)/pwru,$(OUT)/pwru-static)

# keep the skeletons: they are inputs of the .o rule, not throw-aways
.PRECIOUS: $(VM_OUT)/%.skel.h $(VM_OUT)/%.bpf.o

.PHONY: vmtest vmtest-full vmbench vmkernels
vmkernels:
	$(Q)tests/vm/fetch-kernels 5.10 6.1 6.12 7.2

# The arm64 guest's pwru, cross-built (scripts/cross.mk); a sub-make because
# the whole build changes with ARCH. Always asked: it knows what is stale.
VM_PWRU_ARM64 := build-arm64/pwru
ifneq ($(CROSS),1)
.PHONY: $(VM_PWRU_ARM64)
$(VM_PWRU_ARM64):
	$(Q)$(MAKE) ARCH=arm64 OUT=build-arm64 SAN= all
endif

# vmtest: the quick tier of the matrix (also in make test); vmtest-full: all of it
vmtest: $(VM_TOOLS) $(VM_PWRU) $(VM_PWRU_ARM64)
	$(Q)PWRU_STATIC=$(abspath $(VM_PWRU)) PWRU_ARM64=$(abspath $(VM_PWRU_ARM64)) tests/vm/suite

vmtest-full: $(VM_TOOLS) $(VM_PWRU) $(VM_PWRU_ARM64)
	$(Q)PWRU_STATIC=$(abspath $(VM_PWRU)) PWRU_ARM64=$(abspath $(VM_PWRU_ARM64)) VMTEST_FULL=1 tests/vm/suite

vmbench: $(VM_TOOLS) $(VM_PWRU)
	$(Q)PWRU_STATIC=$(abspath $(VM_PWRU)) tests/vm/bench

TEST_DEPS     += $(VM_TOOLS) $(VM_PWRU)
TEST_SUITES   += tests/vm/suite
# the arm64 guest's pwru and the multi-arch image: not under the sanitizers,
# whose make test leaves the qemu matrix out anyway
ifneq ($(CROSS)$(SAN),)
else
TEST_DEPS     += $(VM_PWRU_ARM64)
TEST_SUITES   += tests/vm/image-multiarch.sh
endif
BENCH_TARGETS += vmbench
