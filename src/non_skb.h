/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_NON_SKB_H
#define PWRU_NON_SKB_H

#include <stddef.h>

struct btf;
struct probe_list;

/*
 * --filter-non-skb-funcs: appends each named vmlinux function as a probe
 * whose skb is found by kernel stack (SPECIAL_NON_SKB). A function the list
 * probes already for its skb keeps that probe, and a name given twice is
 * probed once (cilium/pwru's rules). A name BTF does not know is an error.
 */
int non_skb_funcs_add(struct probe_list *pl, const struct btf *vmlinux, const char *const *names,
		      size_t n, char *err, size_t errlen);

#endif
