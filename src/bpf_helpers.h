/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_BPF_HELPERS_H
#define PWRU_BPF_HELPERS_H

#include <stddef.h>

struct ksyms;

/* Kernel function names, deduplicated. */
struct helper_names {
	char (*v)[128];
	size_t n, cap;
};

/*
 * --filter-track-bpf-helpers: the kernel functions the loaded TC and XDP
 * programs call, read from each program's translated instructions (a helper
 * call's immediate is its address less __bpf_call_base's), named through
 * kallsyms. Helpers the verifier inlined leave no call and are not found.
 * cilium/pwru disassembles every JIT image from /proc/kcore instead (x86-64
 * only), its own programs' included.
 */
int bpf_helpers_discover(const struct ksyms *k, struct helper_names *out, char *err, size_t errlen);
void helper_names_free(struct helper_names *h);

#endif
