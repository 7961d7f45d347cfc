/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PCAP_HOOK_H
#define PWRU_PCAP_HOOK_H

#include <stddef.h>

struct pcap_filters;
struct bpf_program;
struct bpf_prog_load_opts;

/*
 * The seam between the tracer and the pcap compiler (src/pcap/): compile
 * the expression (NULL or empty: *out = NULL, no per-packet cost), and
 * splice it into each program as libbpf loads it.
 */
int pcap_hook_compile(const char *expr, struct pcap_filters **out, char *err, size_t errlen);
int pcap_hook_rewrite(void *arg, struct bpf_program *prog, struct bpf_prog_load_opts *opts,
		      int direct);
void pcap_hook_free(struct pcap_filters *f);

#endif
