// SPDX-License-Identifier: GPL-2.0
/* The path summary: per-skb sequences, their ends, folding, order and bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "paths.h"

enum { F_RX, F_RCV, F_ICMP, F_KFREE, F_CONSUME, F_FREEMEM, F_N };

static const char names[F_N][256] = {
	[F_RX] = "netif_rx",
	[F_RCV] = "ip_rcv",
	[F_ICMP] = "icmp_send",
	[F_KFREE] = "skb:kfree_skb",
	[F_CONSUME] = "skb:consume_skb",
	[F_FREEMEM] = "kfree_skbmem",
};

/* One event of skb at function id; a drop when reason is not NULL. */
static void feed(struct path_summary *p, uint64_t skb, uint32_t id, const char *reason)
{
	struct pwru_event e = { .skb = skb, .probe_id = id };
	struct record r = { .ev = &e, .func = names[id] };

	if (reason) {
		e.flags = PWRU_EV_DROP;
		r.drop_reason = reason;
		snprintf(r.drop_site, sizeof(r.drop_site), "__udp4_lib_rcv+0x4bc");
	}
	assert_int_equal(paths_add(p, &r), 0);
}

static const char *fmt(const struct path_summary *p, size_t i)
{
	static char buf[1024];

	paths_format(p, &p->rows[i], buf, sizeof(buf));
	return buf;
}

/* Without kfree_skbmem probed: tracepoints end paths, a reused address starts a new one. */
static void test_tracepoint_paths_counted_drops_first(void **state)
{
	struct path_summary p;

	(void)state;
	assert_int_equal(paths_init(&p, names, F_N, F_CONSUME, UINT32_MAX, true), 0);
	/* three delivered packets at one address, never ending in a tracepoint */
	for (int i = 0; i < 3; i++) {
		feed(&p, 0x1000, F_RX, NULL);
		feed(&p, 0x1000, F_RCV, NULL);
		feed(&p, 0x1000, F_RCV, NULL);
	}
	/* two dropped ones, each followed by a new packet at the same address */
	for (int i = 0; i < 2; i++) {
		feed(&p, 0x2000, F_RX, NULL);
		feed(&p, 0x2000, F_RCV, NULL);
		feed(&p, 0x2000, F_ICMP, NULL);
		feed(&p, 0x2000, F_KFREE, "SKB_DROP_REASON_NO_SOCKET");
	}
	feed(&p, 0x2000, F_RCV, NULL);
	feed(&p, 0x2000, F_CONSUME, NULL);
	paths_finish(&p);
	paths_sort(&p);
	assert_int_equal(p.skbs, 6);
	assert_int_equal(p.n_rows, 3);
	assert_int_equal(p.rows[0].end, PATH_DROPPED);
	assert_int_equal(p.rows[0].count, 2);
	assert_string_equal(p.rows[0].reason, "SKB_DROP_REASON_NO_SOCKET");
	assert_string_equal(p.rows[0].site, "__udp4_lib_rcv+0x4bc");
	assert_string_equal(fmt(&p, 0), "netif_rx>ip_rcv>icmp_send>skb:kfree_skb");
	assert_int_equal(p.rows[1].end, PATH_IN_FLIGHT);
	assert_int_equal(p.rows[1].count, 3);
	assert_string_equal(fmt(&p, 1), "netif_rx>ip_rcv(x2)");
	assert_int_equal(p.rows[2].end, PATH_CONSUMED);
	assert_string_equal(fmt(&p, 2), "ip_rcv>skb:consume_skb");
	paths_free(&p);
}

/* With kfree_skbmem probed: the path runs to the free, through a loop to its first function. */
static void test_free_ends_path(void **state)
{
	struct path_summary p;

	(void)state;
	assert_int_equal(paths_init(&p, names, F_N, F_CONSUME, F_FREEMEM, false), 0);
	feed(&p, 0x1000, F_RX, NULL);
	feed(&p, 0x1000, F_RCV, NULL);
	feed(&p, 0x1000, F_RX, NULL); /* the same skb around again (a second veth) */
	feed(&p, 0x1000, F_KFREE, "SKB_DROP_REASON_NO_SOCKET");
	feed(&p, 0x1000, F_ICMP, NULL); /* still freeing: the same packet */
	feed(&p, 0x1000, F_FREEMEM, NULL);
	feed(&p, 0x1000, F_FREEMEM, NULL); /* a free of nothing followed counts nothing */
	feed(&p, 0x3000, F_RX, NULL);
	feed(&p, 0x3000, F_FREEMEM, NULL);
	paths_finish(&p);
	paths_sort(&p);
	assert_int_equal(p.skbs, 2);
	assert_int_equal(p.rows[0].end, PATH_DROPPED);
	assert_string_equal(fmt(&p, 0),
			    "netif_rx>ip_rcv>netif_rx>skb:kfree_skb>icmp_send>kfree_skbmem");
	assert_int_equal(p.rows[1].end, PATH_CONSUMED);
	assert_string_equal(fmt(&p, 1), "netif_rx>kfree_skbmem");
	paths_free(&p);
}

/* Kernel functions without kfree_skbmem: a function recurring on one skb stays one path. */
static void test_functions_recur_without_restart(void **state)
{
	struct path_summary p;

	(void)state;
	assert_int_equal(paths_init(&p, names, F_N, UINT32_MAX, UINT32_MAX, false), 0);
	feed(&p, 0x1000, F_RCV, NULL);
	feed(&p, 0x1000, F_RX, NULL);
	feed(&p, 0x1000, F_RCV, NULL); /* nf_hook_slow at the next hook, say */
	feed(&p, 0x1000, F_KFREE, "SKB_DROP_REASON_NETFILTER_DROP");
	feed(&p, 0x1000, F_RCV, NULL); /* after the drop: a new packet */
	paths_finish(&p);
	paths_sort(&p);
	assert_int_equal(p.skbs, 2);
	assert_string_equal(fmt(&p, 0), "ip_rcv>netif_rx>ip_rcv>skb:kfree_skb");
	assert_string_equal(fmt(&p, 1), "ip_rcv");
	paths_free(&p);
}

/* A path longer than PATHS_STEPS_MAX keeps its start and its last function. */
static void test_long_path_truncated(void **state)
{
	struct path_summary p;

	(void)state;
	assert_int_equal(paths_init(&p, names, F_N, F_CONSUME, UINT32_MAX, true), 0);
	feed(&p, 0x1000, F_RX, NULL);
	for (int i = 0; i < PATHS_STEPS_MAX; i++)
		feed(&p, 0x1000, i % 2 ? F_ICMP : F_RCV, NULL);
	feed(&p, 0x1000, F_KFREE, "SKB_DROP_REASON_NO_SOCKET");
	paths_finish(&p);
	assert_int_equal(p.n_rows, 1);
	assert_true(p.rows[0].seq.truncated);
	assert_non_null(strstr(fmt(&p, 0), ">...>skb:kfree_skb"));
	assert_int_equal(strncmp(fmt(&p, 0), "netif_rx>ip_rcv>icmp_send>", 26), 0);
	paths_free(&p);
}

/* More skbs in flight than the table holds: the rest is counted, not followed. */
static void test_bounded_skbs(void **state)
{
	struct path_summary p;

	(void)state;
	assert_int_equal(paths_init(&p, names, F_N, F_CONSUME, UINT32_MAX, true), 0);
	for (uint64_t i = 0; i < PATHS_SKB_MAX + 10; i++)
		feed(&p, 0x100000 + i * 256, F_RX, NULL);
	assert_int_equal(p.untracked, 10);
	/* ended skbs make room again */
	paths_finish(&p);
	assert_int_equal(p.skbs, PATHS_SKB_MAX);
	assert_int_equal(p.n_live, 0);
	feed(&p, 0x42000, F_RX, NULL);
	assert_int_equal(p.n_live, 1);
	paths_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracepoint_paths_counted_drops_first),
		cmocka_unit_test(test_free_ends_path),
		cmocka_unit_test(test_functions_recur_without_restart),
		cmocka_unit_test(test_long_path_truncated),
		cmocka_unit_test(test_bounded_skbs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
