// SPDX-License-Identifier: GPL-2.0
/* A do-nothing XDP program with BTF: the target of the xdp scenario's --filter-trace-xdp. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int vm_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
