/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpcap's compiler behind an interface without libpcap types: <pcap.h>
 * defines struct bpf_insn/bpf_program, which clash with <linux/bpf.h> and
 * libbpf, so only pcap_compile.c includes it.
 */
#ifndef PWRU_PCAP_COMPILE_H
#define PWRU_PCAP_COMPILE_H

#include <stddef.h>
#include "cbpf_to_ebpf.h"

enum pcap_link {
	PCAP_LINK_ETHERNET, /* frames start with the Ethernet header (DLT_EN10MB) */
	PCAP_LINK_RAW_IP,   /* frames start with the IPv4/IPv6 header (DLT_RAW) */
};

/* The snapshot length we compile for, as tcpdump's default. */
#define PCAP_COMPILE_SNAPLEN 262144

/*
 * Compiles a pcap-filter expression (man 7 pcap-filter) with optimisation on.
 * On success *prog is a malloc'ed copy of the cBPF program (free() it).
 * On failure returns -EINVAL with libpcap's message in err, or -ENOMEM.
 */
int pcap_compile_expr(const char *expr, enum pcap_link link, struct cbpf_insn **prog, size_t *len,
		      char *err, size_t errlen);

/*
 * libpcap's own interpreter, the reference our translation must agree with.
 * Returns 1 when the program accepts the frame, 0 otherwise.
 */
int pcap_reference_match(const struct cbpf_insn *prog, size_t len, const unsigned char *frame,
			 unsigned int wire_len, unsigned int caplen);

/* libpcap's validator, for programs not produced by libpcap (fuzzing). */
int pcap_reference_valid(const struct cbpf_insn *prog, size_t len);

#endif /* PWRU_PCAP_COMPILE_H */
