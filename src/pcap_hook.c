// SPDX-License-Identifier: GPL-2.0
/* Until the pcap compiler is linked in, a filter expression is refused, never ignored. */
#include <errno.h>
#include <stdio.h>

#include "pcap_hook.h"

int pcap_hook_compile(const char *expr, struct pcap_filters **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!expr || !*expr)
		return 0;
	snprintf(err, errlen, "pcap filter '%s': filter expressions are not supported by this build",
		 expr);
	return -EOPNOTSUPP;
}

int pcap_hook_rewrite(void *arg, struct bpf_program *prog, struct bpf_prog_load_opts *opts,
		      int direct)
{
	return 0;
}

void pcap_hook_free(struct pcap_filters *f)
{
}
