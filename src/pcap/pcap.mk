# SPDX-License-Identifier: GPL-2.0
# pcap filters: libpcap -> cBPF -> eBPF -> spliced into the tracing programs.
# Included by the top Makefile. The test binaries build from their own
# objects under $(OUT)/pcap so they never wait for the tracer's skeletons.

PCAP_SRCS := $(wildcard src/pcap/*.c)
LIB_SRCS  += $(PCAP_SRCS)

PCAP_OUT      := $(OUT)/pcap
PCAP_HDRS     := $(wildcard src/pcap/*.h tests/pcap/*.h)
PCAP_OBJ      := $(OUT)/obj/src/pcap
PCAP_TOBJ     := $(OUT)/obj/tests/pcap
PCAP_CORE     := $(PCAP_OBJ)/cbpf_to_ebpf.o $(PCAP_OBJ)/pcap_compile.o $(OUT)/obj/src/errmsg.o
PCAP_ALL      := $(patsubst src/pcap/%.c,$(PCAP_OBJ)/%.o,$(PCAP_SRCS)) $(OUT)/obj/src/errmsg.o
PCAP_TEST_OBJ := $(OUT)/pcap_test_probe.bpf.o $(OUT)/pcap_test_direct.bpf.o
PCAP_LIBS     := -lbpf -lelf -lz -lpcap
# Seconds the fuzz target runs in `make test`.
PCAP_FUZZ_SECONDS ?= 60
# Packets per expression in the differential test.
PCAP_DIFF_PACKETS ?= 5000

# Objects come from the top Makefile's one compile rule.
$(PCAP_TOBJ)/%.o: CFLAGS += -Itests/pcap

# The same test program twice, as bpf/pwru.bpf.c is built: see bpf/skb_read.h.
$(OUT)/pcap_test_probe.bpf.o: bpf/pcap_test.bpf.c bpf/pcap_filter.h bpf/skb_read.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DPWRU_DIRECT=0 -c $< -o $@

$(OUT)/pcap_test_direct.bpf.o: bpf/pcap_test.bpf.c bpf/pcap_filter.h bpf/skb_read.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DPWRU_DIRECT=1 -c $< -o $@

$(PCAP_OUT)/test_translator: $(PCAP_TOBJ)/test_translator.o $(PCAP_TOBJ)/ebpf_interp.o \
		$(PCAP_TOBJ)/packets.o $(PCAP_CORE)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka -lpcap -o $@

$(PCAP_OUT)/difftest: $(PCAP_TOBJ)/difftest.o $(PCAP_TOBJ)/packets.o $(PCAP_ALL)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(PCAP_LIBS) -o $@

$(PCAP_OUT)/bench: $(PCAP_TOBJ)/bench.o $(PCAP_TOBJ)/packets.o $(PCAP_ALL)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(PCAP_LIBS) -o $@

# libFuzzer wants clang and its own instrumentation on everything it drives.
PCAP_FUZZ_SRCS := tests/pcap/fuzz_pcap.c tests/pcap/ebpf_interp.c src/pcap/cbpf_to_ebpf.c \
		  src/pcap/pcap_compile.c src/errmsg.c
$(PCAP_OUT)/fuzz_pcap: $(PCAP_FUZZ_SRCS) $(PCAP_HDRS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Werror -Isrc -Itests/pcap \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(PCAP_FUZZ_SRCS) -lpcap -o $@

TEST_DEPS += $(PCAP_OUT)/test_translator $(PCAP_OUT)/difftest $(PCAP_TEST_OBJ) \
	     $(PCAP_OUT)/fuzz_pcap
TEST_SUITES += tests/pcap/run-unit.sh:$(PCAP_OUT)/test_translator \
	$(PCAP_OUT)/difftest:--obj-probe:$(OUT)/pcap_test_probe.bpf.o:--obj-direct:$(OUT)/pcap_test_direct.bpf.o:--packets:$(PCAP_DIFF_PACKETS) \
	$(PCAP_OUT)/difftest:--mutate:--packets:500:--obj-probe:$(OUT)/pcap_test_probe.bpf.o \
	$(PCAP_OUT)/difftest:--packets:1000:--obj-probe:$(OUT)/pcap_test_direct.bpf.o \
	tests/pcap/run-fuzz.sh:$(PCAP_OUT)/fuzz_pcap:$(PCAP_FUZZ_SECONDS)

.PHONY: pcap-bench
pcap-bench: $(PCAP_OUT)/bench $(PCAP_TEST_OBJ)
	$(Q)$(PCAP_OUT)/bench --obj-probe $(OUT)/pcap_test_probe.bpf.o --obj-direct $(OUT)/pcap_test_direct.bpf.o
BENCH_TARGETS += pcap-bench

$(PCAP_OUT)/splice_kinds: $(PCAP_TOBJ)/splice_kinds.o $(PCAP_ALL)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(PCAP_LIBS) -o $@

TEST_DEPS += $(PCAP_OUT)/splice_kinds
TEST_SUITES += $(PCAP_OUT)/splice_kinds:--obj-probe:$(OUT)/pcap_test_probe.bpf.o:--obj-direct:$(OUT)/pcap_test_direct.bpf.o

$(PCAP_OUT)/e2e_count: $(PCAP_TOBJ)/e2e_count.o $(PCAP_TOBJ)/pcap_file.o $(PCAP_TOBJ)/packets.o $(PCAP_ALL)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(PCAP_LIBS) -o $@

TEST_DEPS += $(PCAP_OUT)/e2e_count
TEST_SUITES += tests/pcap/e2e-kernel.sh tests/pcap/e2e.sh tests/pcap/vm.sh
