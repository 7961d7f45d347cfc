// SPDX-License-Identifier: GPL-2.0
/* Drop reason names come from BTF's enum skb_drop_reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "drop_reasons.h"

static void names_from_a_synthetic_enum(void **state)
{
	struct btf *btf = btf__new_empty();
	struct drop_reasons *d = NULL;

	btf__add_enum(btf, "skb_drop_reason", 4);
	btf__add_enum_value(btf, "SKB_NOT_DROPPED_YET", 0);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum_value(btf, "SKB_DROP_REASON_NETFILTER_DROP", 7);
	assert_int_equal(drop_reasons_load(btf, &d), 0);
	assert_string_equal(drop_reason_name(d, 7), "SKB_DROP_REASON_NETFILTER_DROP");
	assert_string_equal(drop_reason_name(d, 2), "SKB_DROP_REASON_NOT_SPECIFIED");
	assert_null(drop_reason_name(d, 3));
	assert_null(drop_reason_name(NULL, 7));
	drop_reasons_free(d);
	btf__free(btf);
}

static void kernels_without_the_enum(void **state)
{
	struct btf *btf = btf__new_empty();
	struct drop_reasons *d = NULL;

	assert_int_equal(drop_reasons_load(btf, &d), -2 /* -ENOENT */);
	btf__free(btf);
}

static void the_running_kernel_knows_netfilter_drop(void **state)
{
	struct btf *btf;
	struct drop_reasons *d = NULL;
	int id, found = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();
	btf = btf__load_vmlinux_btf();
	assert_int_equal(drop_reasons_load(btf, &d), 0);
	/* The value differs between kernels; look it up by name in BTF. */
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_enum *e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(btf, e[i].name_off);

		if (!strcmp(n, "SKB_DROP_REASON_NETFILTER_DROP")) {
			assert_string_equal(drop_reason_name(d, e[i].val), n);
			found = 1;
		}
	}
	assert_true(found);
	drop_reasons_free(d);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_from_a_synthetic_enum),
		cmocka_unit_test(kernels_without_the_enum),
		cmocka_unit_test(the_running_kernel_knows_netfilter_drop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
