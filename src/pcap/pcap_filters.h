/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user's pcap-filter expression, compiled for both layers and ready to be
 * spliced into each tracing program as it loads. The one header the rest of
 * pwru includes for filters.
 *
 *   pcap_filters_compile()  at start-up (libpcap errors go to the user)
 *   pcap_filters_splice()   from libbpf's prog_prepare_load_fn, per program
 *   pcap_filters_free()     after the objects are loaded (or destroyed)
 */
#ifndef PWRU_PCAP_FILTERS_H
#define PWRU_PCAP_FILTERS_H

#include <stddef.h>

struct pcap_filters;
struct bpf_program;
struct bpf_prog_load_opts;

/*
 * Compiles expr for Ethernet frames (L2) and raw IP packets (L3). An empty or
 * blank expression gives *out = NULL and 0: no filter, set has_pcap_filter=0.
 * A libpcap error at L2 returns -EINVAL with libpcap's message in err; one at
 * L3 only (vlan, ether, arp...) installs a reject-all L3 body, see
 * pcap_filters_l3_rejected(). Programs that cannot run in the kernel
 * (protochain's backward jumps) return -EINVAL with the reason.
 */
int pcap_filters_compile(const char *expr, struct pcap_filters **out, char *err, size_t errlen);

/*
 * Which placeholders a filter fills. PACKET is pcap_filters_compile()'s: the
 * packet's own headers. The tunnel slots judge the encapsulated packet
 * (bpf/tunnel_filter.h): TUNNEL_L2 as above (Ethernet, and raw IP for inner
 * packets without a link header); TUNNEL_L3 compiles for raw IP alone, and
 * an expression libpcap refuses there (arp, ether...) is an error.
 */
enum pcap_filters_slot { PCAP_SLOT_PACKET = 0, PCAP_SLOT_TUNNEL_L2, PCAP_SLOT_TUNNEL_L3 };

int pcap_filters_compile_slot(const char *expr, enum pcap_filters_slot slot,
			      struct pcap_filters **out, char *err, size_t errlen);

void pcap_filters_free(struct pcap_filters *f);

/*
 * Replaces the bodies of pcap_filter_l2/_l3/_l2_vlan in prog (bpf/pcap_filter.h)
 * and fixes opts' func_info/line_info. direct_loads=1 for tp_btf/fentry
 * programs, whose skb is BTF-typed: the first such call probes whether this
 * kernel accepts direct loads through skb->head, and falls back to
 * bpf_probe_read_kernel otherwise. Returns 0 (also for a program without
 * placeholders: see pcap_filters_splice_count()), or a negative errno with
 * the reason in pcap_filters_strerror(). Memory handed to libbpf lives until
 * pcap_filters_free(). A NULL f does nothing and returns 0.
 */
int pcap_filters_splice(struct pcap_filters *f, struct bpf_program *prog,
			struct bpf_prog_load_opts *opts, int direct_loads);

const char *pcap_filters_strerror(const struct pcap_filters *f);

/* Placeholder bodies replaced so far, over all programs. */
unsigned int pcap_filters_splice_count(const struct pcap_filters *f);

/* Facts worth printing with -v. */
enum pcap_filters_layer { PCAP_FILTERS_L2 = 0, PCAP_FILTERS_L3 = 1 };

/* 1 when libpcap refused the expression for raw IP: L3 packets never match.
 * *why (if given) gets libpcap's message. */
int pcap_filters_l3_rejected(const struct pcap_filters *f, const char **why);

/* cBPF instructions of a layer (0 when rejected). */
size_t pcap_filters_cbpf_len(const struct pcap_filters *f, enum pcap_filters_layer layer);

/* eBPF instructions of a layer's body in the given load mode (translating if needed). */
size_t pcap_filters_ebpf_len(struct pcap_filters *f, enum pcap_filters_layer layer, int direct);

/* -1 not probed yet, 0 probe_read loads, 1 direct loads in tp_btf/fentry programs. */
int pcap_filters_direct_loads(const struct pcap_filters *f);

/* Tests only: translate with cbpf_debug_flags (deliberate miscompilation) and
 * force the load mode (-1: probe as usual, 0: probe_read, 1: direct). */
void pcap_filters_set_debug(struct pcap_filters *f, unsigned int debug_flags, int force_direct);

#endif /* PWRU_PCAP_FILTERS_H */
