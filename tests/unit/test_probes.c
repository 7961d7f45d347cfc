// SPDX-License-Identifier: GPL-2.0
/* Probe discovery: skb argument positions from BTF, name filters, the real kernel's list. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "probes.h"

/* A tiny BTF: struct sk_buff, struct sock, and prototypes using them. */
struct fixture {
	struct btf *btf;
	int skb_ptr, const_skb_ptr, sock_ptr, int_t;
};

static void build_fixture(struct fixture *f)
{
	int skb, sock, cskb;

	f->btf = btf__new_empty();
	assert_non_null(f->btf);
	f->int_t = btf__add_int(f->btf, "int", 4, BTF_INT_SIGNED);
	skb = btf__add_struct(f->btf, "sk_buff", 8);
	sock = btf__add_struct(f->btf, "sock", 8);
	f->skb_ptr = btf__add_ptr(f->btf, skb);
	cskb = btf__add_const(f->btf, skb);
	f->const_skb_ptr = btf__add_ptr(f->btf, cskb);
	f->sock_ptr = btf__add_ptr(f->btf, sock);
}

static int add_proto(struct fixture *f, int n, const int *types)
{
	int id = btf__add_func_proto(f->btf, f->int_t);

	for (int i = 0; i < n; i++)
		btf__add_func_param(f->btf, "a", types[i]);
	return id;
}

static void skb_position_is_found(void **state)
{
	struct fixture f;
	int nargs;

	build_fixture(&f);
	int p0[] = { f.skb_ptr, f.int_t };
	int p1[] = { f.sock_ptr, f.const_skb_ptr };
	int none[] = { f.sock_ptr, f.int_t };
	int id0 = add_proto(&f, 2, p0), id1 = add_proto(&f, 2, p1), idn = add_proto(&f, 2, none);

	assert_int_equal(btf_skb_param_pos(f.btf, id0, 0, &nargs), 0);
	assert_int_equal(nargs, 2);
	/* const struct sk_buff * counts too (tracepoints use it) */
	assert_int_equal(btf_skb_param_pos(f.btf, id1, 0, NULL), 1);
	assert_int_equal(btf_skb_param_pos(f.btf, idn, 0, NULL), -1);
	/* tracepoint prototypes start with a hidden void *__data */
	assert_int_equal(btf_skb_param_pos(f.btf, id1, 1, &nargs), 0);
	assert_int_equal(nargs, 1);
	btf__free(f.btf);
}

static void name_filter_matches_whole_names(void **state)
{
	char err[128];
	void *re;

	assert_int_equal(probes_name_filter_compile("ip_rcv", &re, err, sizeof(err)), 0);
	assert_true(probes_name_filter_match(re, "ip_rcv"));
	assert_false(probes_name_filter_match(re, "ip_rcv_core"));
	assert_false(probes_name_filter_match(re, "xip_rcv"));
	probes_name_filter_free(re);
	assert_int_equal(probes_name_filter_compile("ip_rcv|nf_hook.*", &re, err, sizeof(err)), 0);
	assert_true(probes_name_filter_match(re, "nf_hook_slow"));
	assert_true(probes_name_filter_match(re, "ip_rcv"));
	probes_name_filter_free(re);
	/* RE2 syntax as cilium/pwru users write it, which POSIX ERE lacks */
	assert_int_equal(
		probes_name_filter_compile("(?i)IP\\d?_rcv(?:_core)?", &re, err, sizeof(err)), 0);
	assert_true(probes_name_filter_match(re, "ip6_rcv_core"));
	assert_true(probes_name_filter_match(re, "ip_rcv"));
	assert_false(probes_name_filter_match(re, "ip_rcv_finish"));
	probes_name_filter_free(re);
	/* both branches select, also where the leftmost match is shorter than the name */
	assert_int_equal(probes_name_filter_compile("ip_rcv|ip_rcv_core", &re, err, sizeof(err)),
			 0);
	assert_true(probes_name_filter_match(re, "ip_rcv_core"));
	probes_name_filter_free(re);
	assert_int_equal(probes_name_filter_compile("(", &re, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--filter-func"));
}

static const struct probe *find(const struct probe_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	}
	return NULL;
}

static void real_kernel_tracepoints(void **state)
{
	struct probe_query q = { .want_tracepoints = true };
	struct probe_list l;
	const struct probe *p;
	char err[256];

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	assert_int_equal(probes_discover(&q, &l, err, sizeof(err)), 0);
	assert_true(l.n >= 10);
	p = find(&l, "kfree_skb");
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_TP);
	assert_int_equal(p->special, SPECIAL_KFREE_SKB_TP);
	assert_int_equal(p->skb_pos, 0);
	p = find(&l, "tcp_retransmit_skb");
	assert_non_null(p);
	assert_int_equal(p->skb_pos, 1); /* (sk, skb, ...) */
	assert_null(find(&l, "ip_rcv")); /* functions were not asked for */
	probes_free(&l);
}

static void real_kernel_functions_with_filter(void **state)
{
	struct probe_query q = { .want_funcs = true,
				 .want_tracepoints = true,
				 .filter_func =
					 "ip_rcv|kfree_skb_reason|sk_skb_reason_drop|tcp_v4_rcv" };
	struct probe_list l;
	const struct probe *p;
	char err[256];

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	assert_int_equal(probes_discover(&q, &l, err, sizeof(err)), 0);
	p = find(&l, "ip_rcv");
	assert_non_null(p);
	assert_int_equal(p->kind, PROBE_FUNC);
	assert_int_equal(p->skb_pos, 0);
	assert_non_null(find(&l, "tcp_v4_rcv"));
	/* one of the two drop functions exists, depending on the kernel */
	p = find(&l, "sk_skb_reason_drop");
	if (p) {
		assert_int_equal(p->special, SPECIAL_SK_SKB_REASON_DROP);
		assert_int_equal(p->skb_pos, 1);
	} else {
		p = find(&l, "kfree_skb_reason");
		assert_non_null(p);
		assert_int_equal(p->special, SPECIAL_KFREE_SKB_REASON);
	}
	assert_null(find(&l, "netif_receive_skb")); /* filtered out */
	probes_free(&l);
}

static void no_match_is_an_error(void **state)
{
	struct probe_query q = { .want_tracepoints = true, .filter_func = "zz_nothing" };
	struct probe_list l;
	char err[256] = "";

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	assert_int_equal(probes_discover(&q, &l, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "matches no"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skb_position_is_found),
		cmocka_unit_test(name_filter_matches_whole_names),
		cmocka_unit_test(real_kernel_tracepoints),
		cmocka_unit_test(real_kernel_functions_with_filter),
		cmocka_unit_test(no_match_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
