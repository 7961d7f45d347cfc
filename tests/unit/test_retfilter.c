// SPDX-License-Identifier: GPL-2.0
/* --filter-return-error: failed returns only, each after its skb's events, bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "retfilter.h"

/* One event of skb, formatted as the line text; a return when name is not NULL. */
static size_t take(struct ret_filter *f, struct obuf *out, uint64_t skb, const char *text,
		   const char *ret_name)
{
	struct pwru_event e = { .skb = skb };
	struct record r = { .ev = &e };

	if (ret_name) {
		e.flags = PWRU_EV_RET;
		r.ret.name = strcmp(ret_name, "-") ? ret_name : NULL;
	}
	put_str(&f->scratch, text);
	put_char(&f->scratch, '\n');
	obuf_event_end(&f->scratch);
	return ret_filter_take(f, &r, out);
}

static void test_failed_return_with_its_path(void **state)
{
	struct ret_filter f;
	struct obuf out;

	(void)state;
	obuf_init(&out, -1);
	assert_int_equal(ret_filter_init(&f), 0);
	assert_int_equal(take(&f, &out, 0x1000, "a ip_rcv", NULL), 0);
	assert_int_equal(take(&f, &out, 0x2000, "b ip_rcv", NULL), 0);
	assert_int_equal(take(&f, &out, 0x1000, "a ip_rcv_core returned 0", "-"), 0);
	assert_int_equal(take(&f, &out, 0x1000, "a nf_hook_slow returned 1", "NF_ACCEPT"), 0);
	assert_int_equal(take(&f, &out, 0x2000, "b ipt_do_table returned 1", "NF_ACCEPT"), 0);
	assert_int_equal(take(&f, &out, 0x1000, "a nf_hook_slow returned -1", "-EPERM"), 4);
	/* the skb starts over after its failure */
	assert_int_equal(take(&f, &out, 0x1000, "a kfree_skb", NULL), 0);
	assert_int_equal(take(&f, &out, 0x2000, "b ip_rcv_finish returned 1", "NET_RX_DROP"), 3);
	assert_int_equal(out.n_ends, 7);
	put_char(&out, '\0');
	assert_string_equal(out.buf, "a ip_rcv\n"
				     "a ip_rcv_core returned 0\n"
				     "a nf_hook_slow returned 1\n"
				     "a nf_hook_slow returned -1\n"
				     "b ip_rcv\n"
				     "b ipt_do_table returned 1\n"
				     "b ip_rcv_finish returned 1\n");
	assert_int_equal(f.left_out, 0);
	ret_filter_free(&f);
	obuf_free(&out);
}

static void test_held_events_bounded(void **state)
{
	struct ret_filter f;
	struct obuf out;
	char line[32];

	(void)state;
	obuf_init(&out, -1);
	assert_int_equal(ret_filter_init(&f), 0);
	for (int i = 0; i < RETFILTER_HELD_MAX + 8; i++) {
		snprintf(line, sizeof(line), "c %d", i);
		assert_int_equal(take(&f, &out, 0x3000, line, NULL), 0);
	}
	assert_int_equal(take(&f, &out, 0x3000, "c ret", "-ENOMEM"), RETFILTER_HELD_MAX + 1);
	assert_int_equal(f.left_out, 8);
	/* the oldest went first */
	assert_memory_equal(out.buf, "c 8\n", 4);
	ret_filter_free(&f);
	obuf_free(&out);
}

static void test_what_counts_as_failed(void **state)
{
	struct pwru_event e = { .flags = PWRU_EV_RET };
	struct record r = { .ev = &e };
	const char *failed[] = { "-EPERM", "NF_DROP", "NET_XMIT_DROP", "NET_RX_DROP" };
	const char *fine[] = { "NF_ACCEPT", "NET_RX_SUCCESS", "NULL", "true", "NETDEV_TX_BUSY" };

	(void)state;
	for (size_t i = 0; i < sizeof(failed) / sizeof(failed[0]); i++) {
		r.ret.name = failed[i];
		assert_true(ret_is_error(&r));
	}
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		r.ret.name = fine[i];
		assert_false(ret_is_error(&r));
	}
	/* an entry is never a failure, whatever it carries */
	e.flags = 0;
	r.ret.name = "-EPERM";
	assert_false(ret_is_error(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_return_with_its_path),
		cmocka_unit_test(test_held_events_bounded),
		cmocka_unit_test(test_what_counts_as_failed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
