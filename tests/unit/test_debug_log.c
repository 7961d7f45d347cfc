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

#include "debug_log.h"

static char *capture_refused(const struct options *o, const struct probe_list *pl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	debug_refused(o, f, pl);
	debug_probes(o, f, pl);
	fclose(f);
	return buf;
}

static void refused_probes_with_reasons(void **state)
{
	struct probe v[3] = {
		{ .name = "ip_rcv",
		  .group = "vmlinux",
		  .kind = PROBE_FUNC,
		  .state = PROBE_ATTACHED },
		{ .name = "veth_xmit",
		  .group = "veth",
		  .kind = PROBE_FUNC,
		  .state = PROBE_FAILED,
		  .err = -EPERM },
		{ .name = "kfree_skb",
		  .group = "skb",
		  .kind = PROBE_TP,
		  .state = PROBE_FAILED,
		  .err = -ENOENT },
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
