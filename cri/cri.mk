# SPDX-License-Identifier: GPL-2.0
# CRI client (cri/), pod resolution (src/pods.c) and their tests.
# Included by the top Makefile.

CRI_SRCS := cri/cri_pb.c cri/grpc_frame.c cri/grpc.c cri/runtime.c cri/info_json.c \
            cri/cri_pods.c cri/proc_pods.c cri/endpoint.c
LIB_SRCS += $(CRI_SRCS)
GEN_HDRS += $(OUT)/cri.pb-c.h
LDLIBS   += -lcurl -lprotobuf-c

CRI_PB   := $(OUT)/cri.pb-c.h $(OUT)/cri.pb-c.c
CRI_HDRS := $(wildcard cri/*.h) src/pods.h src/hostns.h src/errmsg.h src/array.h
# Our objects only need the generated protobuf header, not the BPF
# skeleton, so the CRI tests build even while the tracer does not.
# src/pods.c sits on top of cri/; hostns, errmsg and array sit below it.
CRI_CORE := src/pods.c src/hostns.c src/errmsg.c src/array.c
CRI_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(CRI_SRCS) $(CRI_CORE))

$(CRI_PB) &: cri/proto/cri.proto
	$(call msg,PROTOC,$@)
	$(Q)mkdir -p $(OUT)
	$(Q)protoc-c --proto_path=cri/proto --c_out=$(OUT) cri/proto/cri.proto

# The objects themselves come from the top Makefile's one compile rule.
$(CRI_OBJS): | $(CRI_PB)
$(OUT)/obj/tests/cri/%.o: | $(CRI_PB)
$(OUT)/obj/tests/cri/%.o: CFLAGS += -Itests/cri

CRI_TEST_OUT := $(OUT)/tests/cri
CRI_LIB      := $(CRI_TEST_OUT)/libpwru-cri.a
CRI_LIBS     := -lcurl -lprotobuf-c -lcjson -lpthread

$(CRI_LIB): $(CRI_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

# Unit tests (cmocka), the misbehaving-server tests and the test tools.
$(CRI_TEST_OUT)/cri-unit: $(OUT)/obj/tests/cri/cri_unit.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -lcmocka -o $@

$(CRI_TEST_OUT)/fake-cri: $(OUT)/obj/tests/cri/fake_cri.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -lnghttp2 -o $@

$(CRI_TEST_OUT)/cri-bad-server: $(OUT)/obj/tests/cri/bad_server_test.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -o $@

$(CRI_TEST_OUT)/cri-tool: $(OUT)/obj/tests/cri/cri_tool.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -o $@

$(CRI_TEST_OUT)/cri-containerd-check: $(OUT)/obj/tests/cri/containerd_check.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -o $@

$(CRI_TEST_OUT)/cri-bench: $(OUT)/obj/tests/cri/bench.o $(CRI_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(CRI_LIBS) -o $@

# libFuzzer targets: their own clang build with ASan, from the same sources.
CRI_FUZZ_CC     ?= clang
CRI_FUZZ_FLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -I$(OUT) -I. -Isrc
CRI_FUZZ_SRCS   := $(CRI_SRCS) $(CRI_CORE)
CRI_FUZZERS     := $(CRI_TEST_OUT)/fuzz_grpc_frame $(CRI_TEST_OUT)/fuzz_cri_proto

$(CRI_TEST_OUT)/fuzz_%: tests/cri/fuzz_%.c $(CRI_FUZZ_SRCS) $(CRI_PB) $(CRI_HDRS)
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CRI_FUZZ_CC) $(CRI_FUZZ_FLAGS) $< $(CRI_FUZZ_SRCS) $(CRI_LIBS) -o $@

.PHONY: cri-tests
cri-tests: $(CRI_TEST_OUT)/cri-unit $(CRI_TEST_OUT)/fake-cri $(CRI_TEST_OUT)/cri-bad-server \
           $(CRI_TEST_OUT)/cri-tool $(CRI_TEST_OUT)/cri-containerd-check $(CRI_TEST_OUT)/cri-bench \
           $(CRI_FUZZERS)

TEST_DEPS   += cri-tests
TEST_SUITES += tests/cri/unit.sh tests/cri/bad-server.sh tests/cri/fuzz.sh tests/cri/containerd.sh \
               tests/cri/e2e-pwru.sh
BENCH_TARGETS += cri-bench

.PHONY: cri-bench
cri-bench: cri-tests
	$(Q)tests/cri/bench.sh
