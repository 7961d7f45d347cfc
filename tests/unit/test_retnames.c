// SPDX-License-Identifier: GPL-2.0
/* Return values by name: errnos, verdicts, NET_XMIT/NET_RX codes, enums, pointers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "probes.h"
#include "retnames.h"

enum {
	P_ROUTE,
	P_HOOK,
	P_TABLE,
	P_XMIT,
	P_RCV,
	P_BOOL,
	P_PTR,
	P_ENUM,
	P_VOID,
	P_MAX,
};

struct fixture {
	struct btf *btf;
	struct probe_list pl;
	struct retnames *rn;
};

static void add_probe(struct fixture *f, int i, const char *name, int proto)
{
	struct probe *p = &f->pl.v[i];

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->group, sizeof(p->group), "vmlinux");
	p->kind = PROBE_FUNC;
	p->btf_id = btf__add_func(f->btf, name, BTF_FUNC_GLOBAL, proto);
	assert_true((int)p->btf_id > 0);
}

/* A kernel's worth of BTF in miniature: each return type the decoder knows. */
static int setup(void **state)
{
	static struct probe probes[P_MAX];
	static struct fixture f;
	int s32, u32, b, ptr, en;

	memset(&f, 0, sizeof(f));
	memset(probes, 0, sizeof(probes));
	f.btf = btf__new_empty();
	s32 = btf__add_int(f.btf, "int", 4, BTF_INT_SIGNED);
	u32 = btf__add_int(f.btf, "unsigned int", 4, 0);
	b = btf__add_int(f.btf, "_Bool", 1, BTF_INT_BOOL);
	ptr = btf__add_ptr(f.btf, s32);
	en = btf__add_enum(f.btf, "netdev_tx", 4);
	btf__add_enum_value(f.btf, "NETDEV_TX_OK", 0);
	btf__add_enum_value(f.btf, "NETDEV_TX_BUSY", 16);
	en = btf__add_typedef(f.btf, "netdev_tx_t", en);
	f.pl.v = probes;
	f.pl.n = P_MAX;
	add_probe(&f, P_ROUTE, "ip_route_input_noref", btf__add_func_proto(f.btf, s32));
	add_probe(&f, P_HOOK, "nf_hook_slow", btf__add_func_proto(f.btf, s32));
	add_probe(&f, P_TABLE, "ipt_do_table", btf__add_func_proto(f.btf, u32));
	add_probe(&f, P_XMIT, "__dev_queue_xmit", btf__add_func_proto(f.btf, s32));
	add_probe(&f, P_RCV, "ip_rcv", btf__add_func_proto(f.btf, s32));
	add_probe(&f, P_BOOL, "skb_is_gso_tcp", btf__add_func_proto(f.btf, b));
	add_probe(&f, P_PTR, "skb_clone", btf__add_func_proto(f.btf, ptr));
	add_probe(&f, P_ENUM, "dev_hard_start_xmit", btf__add_func_proto(f.btf, en));
	add_probe(&f, P_VOID, "kfree_skb_reason", btf__add_func_proto(f.btf, 0));
	assert_int_equal(retnames_new(f.btf, &f.pl, &f.rn), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	retnames_free(f->rn);
	btf__free(f->btf);
	return 0;
}

static const char *name_of(void **state, int probe, uint64_t raw, int64_t *value)
{
	struct fixture *f = *state;
	static struct ret_value v;

	retnames_decode(f->rn, probe, raw, &v);
	*value = v.value;
	return v.name ? v.name : "(none)";
}

/* An int's upper register half is garbage: the value is cut to 32 bits and sign-extended. */
static void test_errno_names(void **state)
{
	int64_t v;

	assert_string_equal(name_of(state, P_ROUTE, 0xdead0000ffffffeeULL, &v), "-EXDEV");
	assert_int_equal(v, -18);
	assert_string_equal(name_of(state, P_ROUTE, (uint32_t)-22, &v), "-EINVAL");
	assert_string_equal(name_of(state, P_ROUTE, (uint32_t)-524, &v), "-ENOTSUPP");
	assert_string_equal(name_of(state, P_ROUTE, 0, &v), "(none)");
	assert_int_equal(v, 0);
}

static void test_netfilter(void **state)
{
	int64_t v;

	assert_string_equal(name_of(state, P_HOOK, (uint32_t)-1, &v), "-EPERM");
	assert_string_equal(name_of(state, P_HOOK, 1, &v), "NF_ACCEPT");
	assert_string_equal(name_of(state, P_TABLE, 0, &v), "NF_DROP");
	assert_string_equal(name_of(state, P_TABLE, 1, &v), "NF_ACCEPT");
	/* a queue verdict carries its queue number above the low byte */
	assert_string_equal(name_of(state, P_TABLE, 0x20003, &v), "NF_QUEUE");
}

static void test_xmit_rx_codes(void **state)
{
	int64_t v;

	assert_string_equal(name_of(state, P_XMIT, 1, &v), "NET_XMIT_DROP");
	assert_string_equal(name_of(state, P_XMIT, (uint32_t)-100, &v), "-ENETDOWN");
	assert_string_equal(name_of(state, P_RCV, 1, &v), "NET_RX_DROP");
	assert_string_equal(name_of(state, P_RCV, 0, &v), "NET_RX_SUCCESS");
}

static void test_other_types(void **state)
{
	struct fixture *f = *state;
	struct ret_value rv;
	int64_t v;

	assert_string_equal(name_of(state, P_BOOL, 0x101, &v), "true");
	assert_string_equal(name_of(state, P_PTR, 0, &v), "NULL");
	assert_string_equal(name_of(state, P_PTR, (uint64_t)-12, &v), "-ENOMEM");
	retnames_decode(f->rn, P_PTR, 0xffff888100001234ULL, &rv);
	assert_true(rv.pointer);
	assert_null(rv.name);
	assert_string_equal(name_of(state, P_ENUM, 16, &v), "NETDEV_TX_BUSY");
	assert_string_equal(name_of(state, P_VOID, 5, &v), "(none)");
	/* a probe id beyond the table: the number alone */
	assert_string_equal(name_of(state, P_MAX + 3, (uint64_t)-1, &v), "(none)");
	assert_int_equal(v, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_netfilter),
		cmocka_unit_test(test_xmit_rx_codes),
		cmocka_unit_test(test_other_types),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
