/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One spelling for reading kernel structures, two ways of doing it.
 *
 * bpf/pwru.bpf.c is compiled twice. With PWRU_DIRECT=1 (tp_btf and fentry
 * programs) the skb arrives as a BTF-typed pointer and fields are plain
 * loads that the verifier turns into fault-safe PROBE_MEM loads: no helper
 * call on the filter path, which measured 0.90 of untraced throughput against
 * 0.77 for probe_read chains. With PWRU_DIRECT=0 (kprobe, kprobe-multi,
 * raw_tp) the pointer is a plain scalar and every read goes through
 * bpf_probe_read_kernel via BPF_CORE_READ. Both are CO-RE relocated.
 */
#ifndef PWRU_SKB_READ_H
#define PWRU_SKB_READ_H

#include <bpf/bpf_core_read.h>

#ifndef PWRU_DIRECT
#error "PWRU_DIRECT must be defined to 0 or 1"
#endif

#if PWRU_DIRECT
#define RD(src, ...) __builtin_preserve_access_index(___arrow(src, ##__VA_ARGS__))
#else
#define RD(src, ...) BPF_CORE_READ(src, ##__VA_ARGS__)
#endif

#endif /* PWRU_SKB_READ_H */
