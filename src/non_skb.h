/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_NON_SKB_H
#define PWRU_NON_SKB_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct probe_list;

/*
 * --filter-non-skb-funcs: appends each named vmlinux function as a probe
 * whose skb is found by kernel stack (SPECIAL_NON_SKB). A function the list
 * probes already for its skb keeps that probe, and a name given twice is
 * probed once (cilium/pwru's rules). A name BTF does not know is an error
 * when strict, else skipped (fentry could not verify against it).
 * With bpfmap (--output-bpfmap), the lookup, update and delete functions of
 * maps (first argument a struct bpf_map *, or a u64 named "map" as the
 * BPF_CALL wrappers have it: cilium/pwru's rule) get the map probes instead.
 */
int non_skb_funcs_add(struct probe_list *pl, const struct btf *vmlinux, const char *const *names,
		      size_t n, bool strict, bool bpfmap, char *err, size_t errlen);

/* offsetof(struct htab_elem, key) in btf, or -ENOENT. */
int htab_elem_key_offset(const struct btf *btf);

#endif
