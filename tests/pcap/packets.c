// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "packets.h"

uint32_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rng_next(r) % n : 0;
}

static int chance(struct rng *r, uint32_t percent)
{
	return below(r, 100) < percent;
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

struct writer {
	struct pkt *p;
	uint32_t at;
	int test_addrs_only; /* real traffic: 198.18.0.0/15 and fd00:198:18::/64 only */
};

static void put(struct writer *w, const void *src, uint32_t n)
{
	if (w->at + n > PKT_MAX)
		n = PKT_MAX - w->at;
	memcpy(w->p->b + w->at, src, n);
	w->at += n;
}

static void put8(struct writer *w, uint32_t v)
{
	uint8_t b = (uint8_t)v;

	put(w, &b, 1);
}

static void put16(struct writer *w, uint32_t v)
{
	put8(w, v >> 8);
	put8(w, v);
}

static void put32(struct writer *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v);
}

static void put_random(struct rng *r, struct writer *w, uint32_t n)
{
	while (n--)
		put8(w, rng_next(r));
}

static void put_mac(struct rng *r, struct writer *w)
{
	static const uint8_t macs[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
	};

	if (chance(r, 20))
		put_random(r, w, 6);
	else
		put(w, PICK(r, macs), 6);
}

static uint32_t ip4_addr(struct rng *r, const struct writer *w)
{
	static const uint32_t pool[] = { 0xc6120001, 0xc6120002, 0xc6120003, 0xc6130101,
					 0xc61200ff, 0xe0000001, 0xffffffff, 0x0a000001 };
	static const uint32_t test_pool[] = { 0xc6120001, 0xc6120002, 0xc6120003, 0xc6130101 };

	if (w->test_addrs_only)
		return PICK(r, test_pool);
	return chance(r, 15) ? rng_next(r) : PICK(r, pool);
}

static void put_ip6_addr(struct rng *r, struct writer *w)
{
	static const uint8_t last[] = { 1, 2, 3, 0x99 };

	if (!w->test_addrs_only && chance(r, 15)) {
		put_random(r, w, 16);
	} else if (!w->test_addrs_only && chance(r, 15)) {
		put32(w, 0xff020000);
		put32(w, 0);
		put32(w, 0);
		put32(w, 1);
	} else {
		put32(w, 0xfd000198);
		put32(w, 0x00180000);
		put32(w, 0);
		put32(w, PICK(r, last));
	}
}

static uint32_t port(struct rng *r)
{
	static const uint16_t pool[] = { 22,   53,   80,   443,	 1000, 1500, 2000, 5000,
					 8000, 8080, 8081, 1023, 1024, 999,  2001 };

	return chance(r, 20) ? below(r, 65536) : PICK(r, pool);
}

static void put_l4(struct rng *r, struct writer *w, uint32_t proto)
{
	static const uint8_t icmp_types[] = { 0, 3, 8, 11, 128, 129, 135 };
	uint32_t doff = chance(r, 70) ? 5 : below(r, 16);

	switch (proto) {
	case 6:
		put16(w, port(r));
		put16(w, port(r));
		put32(w, rng_next(r));
		put32(w, rng_next(r));
		put8(w, doff << 4 | below(r, 16));
		put8(w, rng_next(r));
		put16(w, rng_next(r));
		put16(w, 0);
		put16(w, 0);
		if (doff > 5)
			put_random(r, w, (doff - 5) * 4);
		if (chance(r, 15))
			put(w, "GET / HTTP/1.1", 14);
		else if (chance(r, 15))
			put(w, "\x16\x03\x01", 3);
		break;
	case 17:
		put16(w, port(r));
		put16(w, port(r));
		put16(w, below(r, 64));
		put16(w, 0);
		break;
	case 1:
	case 58:
		put8(w, PICK(r, icmp_types));
		put8(w, below(r, 4));
		put16(w, 0);
		put32(w, rng_next(r));
		break;
	}
	put_random(r, w, below(r, 48));
}

static uint32_t l4_proto(struct rng *r, int v6)
{
	static const uint8_t pool4[] = { 6, 6, 17, 17, 1, 47, 132 };
	static const uint8_t pool6[] = { 6, 6, 17, 17, 58, 0, 44 };

	return chance(r, 5) ? below(r, 256) : v6 ? PICK(r, pool6) : PICK(r, pool4);
}

static void put_ipv4(struct rng *r, struct writer *w)
{
	static const uint16_t frag[] = { 0, 0, 0x4000, 0x2000, 0x0010 };
	uint32_t start = w->at, ihl = chance(r, 80) ? 5 : 5 + below(r, 11);
	uint32_t proto = l4_proto(r, 0);

	put8(w, 0x40 | ihl);
	put8(w, rng_next(r));
	put16(w, 0); /* total length, fixed below */
	put16(w, rng_next(r));
	put16(w, chance(r, 10) ? rng_next(r) : PICK(r, frag));
	put8(w, chance(r, 20) ? below(r, 8) : 64);
	put8(w, proto);
	put16(w, 0);
	put32(w, ip4_addr(r, w));
	put32(w, ip4_addr(r, w));
	put_random(r, w, (ihl - 5) * 4);
	put_l4(r, w, proto);
	uint32_t tot = chance(r, 85) ? w->at - start : below(r, 2000);
	w->p->b[start + 2] = (uint8_t)(tot >> 8);
	w->p->b[start + 3] = (uint8_t)tot;
}

static void put_ipv6(struct rng *r, struct writer *w)
{
	uint32_t nh = l4_proto(r, 1);

	put32(w, 0x60000000 | below(r, 1 << 20));
	put16(w, below(r, 1500));
	put8(w, nh);
	put8(w, 64);
	put_ip6_addr(r, w);
	put_ip6_addr(r, w);
	if (nh == 0 || nh == 44) { /* one extension header, then a transport */
		nh = chance(r, 50) ? 6 : 17;
		put8(w, nh);
		put8(w, 0);
		put_random(r, w, 6);
	}
	put_l4(r, w, nh);
}

static void put_arp(struct rng *r, struct writer *w)
{
	put16(w, 1);
	put16(w, 0x0800);
	put8(w, 6);
	put8(w, 4);
	put16(w, chance(r, 90) ? 1 + below(r, 2) : below(r, 10));
	put_mac(r, w);
	put32(w, ip4_addr(r, w));
	put_mac(r, w);
	put32(w, ip4_addr(r, w));
}

static void put_payload(struct rng *r, struct writer *w, uint32_t ethertype)
{
	switch (ethertype) {
	case 0x0800:
		put_ipv4(r, w);
		break;
	case 0x86dd:
		put_ipv6(r, w);
		break;
	case 0x0806:
	case 0x8035:
		put_arp(r, w);
		break;
	case 0x8847:
		put32(w, below(r, 1 << 20) << 12 | 0x100 | 64);
		put_ipv4(r, w);
		break;
	default:
		put_random(r, w, below(r, 80));
	}
}

static uint32_t ethertype(struct rng *r)
{
	static const uint16_t pool[] = { 0x0800, 0x0800, 0x0800, 0x86dd, 0x86dd,
					 0x0806, 0x8035, 0x88cc, 0x8847, 0x8864 };

	return chance(r, 5) ? below(r, 65536) : PICK(r, pool);
}

static void put_structured(struct rng *r, struct writer *w)
{
	static const uint16_t vids[] = { 100, 200, 100, 200, 1, 4095 };
	uint32_t tags = chance(r, 70) ? 0 : chance(r, 60) ? 1 : 2;
	uint32_t type = ethertype(r);

	put_mac(r, w);
	put_mac(r, w);
	for (uint32_t t = 0; t < tags; t++) {
		put16(w, t == 0 && tags == 2 && chance(r, 50) ? 0x88a8 : 0x8100);
		put16(w, (below(r, 8) << 13) | (chance(r, 10) ? below(r, 4096) : PICK(r, vids)));
	}
	put16(w, type);
	put_payload(r, w, type);
}

/* The filter's own constants at random places make rare branches common. */
static void plant_constants(struct rng *r, struct pkt *p, const uint32_t *consts, size_t n)
{
	for (uint32_t i = 0, count = 1 + below(r, 3); i < count && n && p->wire_len > 4; i++) {
		uint32_t v = consts[below(r, (uint32_t)n)], size = 1u << below(r, 3);
		uint32_t at = below(r, p->wire_len - 4 < 80 ? p->wire_len - 4 : 80);

		for (uint32_t b = 0; b < size; b++)
			p->b[at + b] = (uint8_t)(v >> (8 * (size - 1 - b)));
	}
}

void pkt_generate(struct rng *r, struct pkt *p, const uint32_t *consts, size_t n_consts)
{
	struct writer w = { .p = p };

	memset(p->b, 0, sizeof(p->b));
	if (chance(r, 12))
		put_random(r, &w, below(r, 200));
	else
		put_structured(r, &w);
	if (chance(r, 30))
		put_random(r, &w, below(r, 300)); /* padding: len/greater/less */
	while (w.at < PKT_MIN)
		put8(&w, rng_next(r));
	p->wire_len = w.at;
	if (chance(r, 20))
		plant_constants(r, p, consts, n_consts);
	for (uint32_t flips = chance(r, 15) ? 1 + below(r, 4) : 0; flips; flips--)
		p->b[below(r, p->wire_len)] ^= (uint8_t)(1u << below(r, 8));
	p->caplen = chance(r, 25) ? below(r, p->wire_len + 1) : p->wire_len;
}

void pkt_generate_clean(struct rng *r, struct pkt *p)
{
	struct writer w = { .p = p, .test_addrs_only = 1 };

	memset(p->b, 0, sizeof(p->b));
	put_structured(r, &w);
	while (w.at < 60)
		put8(&w, 0);
	p->wire_len = p->caplen = w.at;
}
