// SPDX-License-Identifier: GPL-2.0
/* --debug's lines: refused probes named with their reasons, counts that add up, silence without it. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "attach_strategy.h"
#include "attacher.h"
#include "debug_log.h"

/* Refuses veth_xmit (EPERM) and kfree_skb (ENOENT); attaches the rest without an fd. */
static void fake_attach_one(const struct attach_env *env, struct attach_item *it)
{
	it->r->err = !strcmp(it->p->name, "veth_xmit") ? -EPERM :
		     !strcmp(it->p->name, "kfree_skb") ? -ENOENT :
							 0;
}

static int fake_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return 0;
}

static int every_feature_works(void *ctx, enum kfeature f, char *why, size_t len)
{
	return 0;
}

static const struct attach_strategy fake_funcs = {
	.name = "fake",
	.feature = KF_FENTRY,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};
static const struct attach_strategy fake_tp = {
	.name = "tracepoint",
	.feature = KF_RAW_TP,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};
static const struct attach_strategy *const fake_list[] = { &fake_funcs, NULL };

static char *capture_refused(const struct options *o, struct probe_list *pl)
{
	struct attacher_opts ao = {
		.cancel_fd = -1,
		.kprobe_batch = 10,
		.probe_feature = every_feature_works,
		.func_strategies = fake_list,
		.tp_strategy = &fake_tp,
	};
	struct attacher *a = NULL;
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(attacher_new(&ao, &a, err, sizeof(err)), 0);
	assert_int_equal(attacher_compose(a, pl, err, sizeof(err)), 0);
	assert_int_equal(attacher_prepare(a, NULL, err, sizeof(err)), 0);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	debug_refused(o, f, pl, a);
	debug_probes(o, f, pl);
	fclose(f);
	attacher_free(a);
	return buf;
}

static void refused_probes_with_reasons(void **state)
{
	/* the drop tracepoint stays under a function strategy (the composition rule) */
	struct probe v[3] = {
		{ .name = "ip_rcv", .group = "vmlinux", .kind = PROBE_FUNC },
		{ .name = "veth_xmit", .group = "veth", .kind = PROBE_FUNC },
		{ .name = "kfree_skb",
		  .group = "skb",
		  .kind = PROBE_TP,
		  .special = SPECIAL_KFREE_SKB_TP },
	};
	struct probe_list pl = { .v = v, .n = 3, .cap = 3, .ftrace_dropped = 7 };
	struct options o = { .debug = true, .filter_func = "ip_.*|veth_xmit" };
	char *out = capture_refused(&o, &pl);

	assert_string_equal(out, "debug: refused: veth:veth_xmit (Operation not permitted)\n"
				 "debug: refused: skb:kfree_skb (No such file or directory)\n"
				 "debug: attach: 1 probes attached, 2 refused\n"
				 "debug: probes: 2 kernel functions, 1 tracepoints, 0 BPF programs "
				 "(--filter-func ip_.*|veth_xmit; 7 functions left out: not in "
				 "available_filter_functions)\n");
	free(out);
	o.debug = false;
	out = capture_refused(&o, &pl);
	assert_string_equal(out, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_probes_with_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
