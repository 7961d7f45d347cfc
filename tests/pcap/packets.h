/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for the differential test: mostly well-formed Ethernet frames
 * (VLAN/QinQ, IPv4/IPv6 with TCP/UDP/ICMP, ARP, others) whose fields come
 * from small pools that the test expressions mention, then damaged on
 * purpose: truncated, bytes flipped, the filter's own constants planted, or
 * plain garbage. Deterministic for a given seed.
 */
#ifndef PWRU_TEST_PACKETS_H
#define PWRU_TEST_PACKETS_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 1600
#define PKT_MIN 14 /* BPF_PROG_TEST_RUN wants an Ethernet header's worth */

struct pkt {
	uint8_t b[PKT_MAX];
	uint32_t wire_len; /* bytes in b */
	uint32_t caplen;   /* bytes the filter may read, <= wire_len */
};

struct rng {
	uint64_t s;
};

uint32_t rng_next(struct rng *r);

/* consts: values worth planting (the k of the filter's compares). */
void pkt_generate(struct rng *r, struct pkt *p, const uint32_t *consts, size_t n_consts);

/* Well-formed frames only, at least 60 bytes: what a real link carries. */
void pkt_generate_clean(struct rng *r, struct pkt *p);

#endif
