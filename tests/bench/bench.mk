# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the core tracer (tests/bench/run.sh prints the figures).
$(OUT)/tests/bench/udp_flood: tests/bench/udp_flood.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -o $@

$(OUT)/tests/bench/tp_floor: tests/bench/tp_floor.c $(OUT)/libpwru.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(OUT)/libpwru.a $(LDFLAGS) $(LDLIBS) -o $@

.PHONY: bench-core
bench-core: all $(OUT)/tests/bench/udp_flood $(OUT)/tests/bench/xdp_gen $(OUT)/tests/bench/tp_floor $(OUT)/tests/bench/format_bench
	$(Q)tests/bench/run.sh

BENCH_TARGETS += bench-core

$(OUT)/tests/bench/format_bench: tests/bench/format_bench.c $(OUT)/libpwru.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(OUT)/libpwru.a $(LDFLAGS) $(LDLIBS) -o $@

$(OUT)/tests/bench/xdp_gen: tests/bench/xdp_gen.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) -lbpf -o $@
