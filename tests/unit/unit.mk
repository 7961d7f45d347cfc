# SPDX-License-Identifier: GPL-2.0
# Unit tests (cmocka), one binary per file, linked against libpwru.a.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/unit/%,$(UNIT_SRCS))

$(OUT)/tests/unit/%: tests/unit/%.c $(OUT)/libpwru.a
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(OUT)/libpwru.a $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

TEST_DEPS   += $(UNIT_BINS)
TEST_SUITES += tests/unit/run.sh
