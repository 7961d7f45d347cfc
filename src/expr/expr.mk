# SPDX-License-Identifier: GPL-2.0
# --filter-skb-expr / --filter-xdp-expr: C expressions compiled against the
# kernel's BTF and spliced into the tracing programs. Included by the top
# Makefile; tests build from their own objects under $(OUT)/expr.

EXPR_SRCS := $(wildcard src/expr/*.c)
LIB_SRCS  += $(EXPR_SRCS)

EXPR_OUT  := $(OUT)/expr
EXPR_HDRS := $(wildcard src/expr/*.h src/*.h tests/expr/*.h)
# The compiler alone: what the unit tests and the fuzzer link.
EXPR_OBJ  := $(OUT)/obj/src/expr
EXPR_TOBJ := $(OUT)/obj/tests/expr
EXPR_CORE := $(EXPR_OBJ)/expr_parse.o $(EXPR_OBJ)/expr_btf.o $(EXPR_OBJ)/expr_codegen.o \
	     $(EXPR_OBJ)/expr_format.o $(OUT)/obj/src/array.o $(OUT)/obj/src/errmsg.o
EXPR_FUZZ_SECONDS ?= 60
# Random contexts per expression in the differential test.
EXPR_DIFF_RUNS ?= 2000

# Objects come from the top Makefile's one compile rule; tests see tests/expr.
$(EXPR_TOBJ)/%.o: CFLAGS += -Itests/expr

$(EXPR_OUT)/test_expr: $(EXPR_TOBJ)/test_expr.o $(EXPR_CORE)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka -lbpf -lelf -lz -o $@

TEST_DEPS += $(EXPR_OUT)/test_expr
TEST_SUITES += tests/pcap/run-unit.sh:$(EXPR_OUT)/test_expr

# The differential test: the reference side (expr_eval.c) includes
# vmlinux.h, so it builds natively with clang and nothing else in its file.
EXPR_TEST_OBJ := $(OUT)/expr_test.bpf.o
$(EXPR_TEST_OBJ): tests/expr/expr_test.bpf.c tests/expr/expr_fake.h bpf/expr_filter.h $(OUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Itests/expr -c $< -o $@

$(EXPR_OUT)/expr_eval.o: tests/expr/expr_eval.c tests/expr/expr_fake.h tests/expr/expr_cases.h $(OUT)/vmlinux.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -Wall -Werror -I$(OUT) -Itests/expr -c $< -o $@

$(EXPR_OUT)/difftest: $(EXPR_TOBJ)/difftest.o $(EXPR_OUT)/expr_eval.o $(EXPR_CORE) \
		$(OUT)/obj/src/pcap/inject.o
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ -lbpf -lelf -lz -o $@

TEST_DEPS += $(EXPR_OUT)/difftest $(EXPR_TEST_OBJ)
TEST_SUITES += $(EXPR_OUT)/difftest:--obj:$(EXPR_TEST_OBJ):--runs:$(EXPR_DIFF_RUNS) \
	$(EXPR_OUT)/difftest:--obj:$(EXPR_TEST_OBJ):--runs:300:--mutate \
	$(EXPR_OUT)/difftest:--obj:$(EXPR_TEST_OBJ):--runs:$(EXPR_DIFF_RUNS):--direct

# libFuzzer wants clang and its own instrumentation on everything it drives.
EXPR_FUZZ_SRCS := tests/expr/fuzz_expr.c src/expr/expr_parse.c src/expr/expr_btf.c \
		  src/expr/expr_codegen.c src/expr/expr_format.c src/array.c src/errmsg.c
$(EXPR_OUT)/fuzz_expr: $(EXPR_FUZZ_SRCS) $(EXPR_HDRS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)clang -g -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Werror -Isrc \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(EXPR_FUZZ_SRCS) -lbpf -lelf -lz -o $@

TEST_DEPS += $(EXPR_OUT)/fuzz_expr
TEST_SUITES += tests/expr/run-fuzz.sh:$(EXPR_OUT)/fuzz_expr:$(EXPR_FUZZ_SECONDS)

TEST_SUITES += tests/expr/e2e.sh

# pwru's own programs of every kind, through pwru's loader and filter hook.
$(EXPR_OUT)/splice_kinds: $(EXPR_TOBJ)/splice_kinds.o $(OUT)/libpwru.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

TEST_DEPS += $(EXPR_OUT)/splice_kinds
TEST_SUITES += $(EXPR_OUT)/splice_kinds

# The function backends and --filter-trace-xdp, in the qemu guests (tests/vm).
TEST_SUITES += tests/expr/vm.sh

# Per-run cost of each skb body both ways, on one real skb (figures, no verdict).
.PHONY: expr-bench
expr-bench: $(EXPR_OUT)/difftest $(EXPR_TEST_OBJ)
	$(Q)$(EXPR_OUT)/difftest --obj $(EXPR_TEST_OBJ) --bench
BENCH_TARGETS += expr-bench
