/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_BPF_PROGS_H
#define PWRU_BPF_PROGS_H

#include <stdbool.h>
#include <stddef.h>

#include "probes.h"

/*
 * --filter-trace-tc: every loaded TC (sched_cls) program that carries BTF
 * becomes a probe, so a program that drops shows up by name on the path.
 * fentry can attach to it because the verifier gives the tracing program
 * the kernel's struct sk_buff for the TC program's struct __sk_buff.
 */
int bpf_progs_discover_tc(struct probe_list *pl, char *err, size_t errlen);
/* --filter-trace-xdp: the same for XDP programs (the event has no skb yet). */
int bpf_progs_discover_xdp(struct probe_list *pl, char *err, size_t errlen);

#endif
