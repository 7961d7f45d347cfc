// SPDX-License-Identifier: GPL-2.0
/* One empty kprobe program that vm-kbench attaches to many functions. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe")
int BPF_KPROBE(on_func)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

/* attached by address list from user space, in one link (fprobe, 5.18+) */
SEC("kprobe.multi")
int BPF_KPROBE(on_multi)
{
	return 0;
}
