# SPDX-License-Identifier: GPL-2.0
# --filter-skb-expr / --filter-xdp-expr: C expressions compiled against the
# kernel's BTF and spliced into the tracing programs. Included by the top
# Makefile; tests build from their own objects under $(OUT)/expr.

EXPR_SRCS := $(wildcard src/expr/*.c)
LIB_SRCS  += $(EXPR_SRCS)

EXPR_OUT  := $(OUT)/expr
EXPR_HDRS := $(wildcard src/expr/*.h src/*.h tests/expr/*.h)
# The compiler alone: what the unit tests and the fuzzer link.
EXPR_CORE := $(EXPR_OUT)/expr_parse.o $(EXPR_OUT)/expr_btf.o $(EXPR_OUT)/expr_codegen.o \
	     $(EXPR_OUT)/array.o $(EXPR_OUT)/errmsg.o
EXPR_FUZZ_SECONDS ?= 60
# Random contexts per expression in the differential test.
EXPR_DIFF_RUNS ?= 2000

$(EXPR_OUT)/%.o: src/expr/%.c $(EXPR_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(EXPR_OUT)/%.o: src/%.c $(EXPR_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(EXPR_OUT)/%.o: tests/expr/%.c $(EXPR_HDRS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/expr -c $< -o $@

$(EXPR_OUT)/test_expr: $(EXPR_OUT)/test_expr.o $(EXPR_CORE)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka -lbpf -lelf -lz -o $@

TEST_DEPS += $(EXPR_OUT)/test_expr
TEST_SUITES += tests/pcap/run-unit.sh:$(EXPR_OUT)/test_expr
