// SPDX-License-Identifier: GPL-2.0
/*
 * The reference side of the differential test: each expression of the
 * table is also compiled by the C compiler against the same vmlinux.h, so
 * its verdict is C's own (promotions, conversions, bitfields, short
 * circuits). Two adjustments spell out what pwru's language adds:
 *   BE16/BE32(x)  a __be member is read in host byte order
 *   DEV/RXQ(p)    following a NULL pointer makes the whole expression 0
 * Built natively (not for BPF) and apart from the libbpf side: vmlinux.h
 * does not mix with the C library's headers.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include "expr_fake.h"
#include "expr_cases.h"

static void *abort_buf[5];

#define FOLLOW(p) ((p) ? (p) : (__builtin_longjmp(abort_buf, 1), (p)))
#define DEV(skb) FOLLOW((skb)->dev)
#define RXQ(xdp) FOLLOW((xdp)->rxq)
#define XDEV(xdp) FOLLOW(RXQ(xdp)->dev)
#define BE16(x) __builtin_bswap16(x)

/* X(pwru's text, the same in C) */
#define SKB_CASES(X)                                                                              \
	X("1", 1)                                                                                 \
	X("skb->len > 1000", skb->len > 1000)                                                     \
	X("(skb->mark & 0xff) != 0", (skb->mark & 0xff) != 0)                                     \
	X("skb->protocol == 0x0800", BE16(skb->protocol) == 0x0800)                               \
	X("skb->protocol > 0x0800", BE16(skb->protocol) > 0x0800)                                 \
	X("skb->dev->ifindex == 1", DEV(skb)->ifindex == 1)                                       \
	X("skb->pkt_type == 3", skb->pkt_type == 3)                                               \
	X("skb->ip_summed >= 2 && skb->cloned", skb->ip_summed >= 2 && skb->cloned)               \
	X("skb->csum_level == 3 || skb->l4_hash", skb->csum_level == 3 || skb->l4_hash)           \
	X("skb->len <= 999 || skb->dev->mtu > 1500", skb->len <= 999 || DEV(skb)->mtu > 1500)     \
	X("!(skb->mark | skb->priority)", !(skb->mark | skb->priority))                           \
	X("skb->tstamp < 0", skb->tstamp < 0)                                                     \
	X("skb->dev->ifindex < 0", DEV(skb)->ifindex < 0)                                         \
	X("skb->skb_iif < 2", skb->skb_iif < 2)                                                   \
	X("skb->hash & 0x80000000", skb->hash & 0x80000000)                                       \
	X("skb->mark == 0xffffffff", skb->mark == 0xffffffff)                                     \
	X("skb->tstamp > 0x100000000", skb->tstamp > 0x100000000)                                 \
	X("skb->_nfct != 0", skb->_nfct != 0)                                                     \
	X("skb->dev != 0", skb->dev != 0)                                                         \
	X("!skb->dev", !skb->dev)                                                                 \
	X("skb->dev && skb->dev->mtu == 1500", skb->dev && skb->dev->mtu == 1500)                 \
	X("skb->vlan_tci == 100 && skb->vlan_proto == 0x8100",                                    \
	  skb->vlan_tci == 100 && BE16(skb->vlan_proto) == 0x8100)                                \
	X("skb->queue_mapping | skb->mac_len", skb->queue_mapping | skb->mac_len)                 \
	X("skb->dev->flags & 1", DEV(skb)->flags & 1)                                             \
	X("skb->mark < skb->priority", skb->mark < skb->priority)                                 \
	X("skb->dev->ifindex == skb->skb_iif", DEV(skb)->ifindex == skb->skb_iif)                 \
	X("skb->len > skb->dev->mtu", skb->len > DEV(skb)->mtu)                                   \
	X("skb->tstamp & 1", skb->tstamp & 1)                                                     \
	X("skb->mark > skb->tstamp", skb->mark > skb->tstamp)                                     \
	X("skb->_nfct > skb->tstamp", skb->_nfct > (unsigned long)skb->tstamp)                    \
	X("skb->dev->ifindex < skb->len", DEV(skb)->ifindex < skb->len)                           \
	X("skb->skb_iif < 0x80000000", skb->skb_iif < 0x80000000)                                 \
	X("((skb->len & 0xff) | (skb->mark & 0xf00)) == (skb->priority & 0xfff)",                 \
	  ((skb->len & 0xff) | (skb->mark & 0xf00)) == (skb->priority & 0xfff))                   \
	X("skb->len > 1000 == 1", (skb->len > 1000) == 1)                                         \
	X("skb->inner_ipproto == 6", skb->inner_ipproto == 6)                                     \
	X("skb->headers.mark == 42", skb->headers.mark == 42)                                     \
	X("skb->users.refs.counter > 1", skb->users.refs.counter > 1)                             \
	X("skb->len == 0x3E8 = 1", (skb->len == 0x3E8) == 1)                                      \
	X("skb->pkt_type < skb->fclone | skb->nohdr", (skb->pkt_type < skb->fclone) | skb->nohdr) \
	X("skb->priority >= 0xfffffffe || skb->hash <= 1",                                        \
	  skb->priority >= 0xfffffffe || skb->hash <= 1)                                          \
	X("skb->mark & skb->dev->ifindex & 0x7", skb->mark &DEV(skb)->ifindex & 0x7)              \
	X("skb->tstamp >= 0xffffffffffffffff", (unsigned long)skb->tstamp >= 0xffffffffffffffff)  \
	X("skb", skb != 0)

#define XDP_CASES(X)                                                                            \
	X("xdp->rxq->dev->ifindex == 2", XDEV(xdp)->ifindex == 2)                               \
	X("xdp->frame_sz > 2000", xdp->frame_sz > 2000)                                         \
	X("xdp->rxq->queue_index == 1", RXQ(xdp)->queue_index == 1)                             \
	X("xdp->rxq->mem.type == MEM_TYPE_PAGE_POOL", RXQ(xdp)->mem.type == MEM_TYPE_PAGE_POOL) \
	X("xdp->flags & 1 || xdp->rxq->dev->mtu < 1280",                                        \
	  (xdp->flags & 1) || XDEV(xdp)->mtu < 1280)                                            \
	X("xdp->rxq && xdp->rxq->dev && xdp->rxq->dev->ifindex > 3",                            \
	  xdp->rxq && xdp->rxq->dev && xdp->rxq->dev->ifindex > 3)

/* X(pwru's field, its value in C) for --output-*-metadata */
#define SKB_VALUES(X)                                         \
	X("skb->len", skb->len)                               \
	X("skb->mark", skb->mark)                             \
	X("skb->protocol", BE16(skb->protocol))               \
	X("skb->dev->ifindex", DEV(skb)->ifindex)             \
	X("skb->pkt_type", skb->pkt_type)                     \
	X("skb->tstamp", skb->tstamp)                         \
	X("skb->dev->mtu", DEV(skb)->mtu)                     \
	X("skb->users.refs.counter", skb->users.refs.counter) \
	X("skb->skb_iif", skb->skb_iif)                       \
	X("skb->cloned", skb->cloned)                         \
	X("skb->vlan_proto", BE16(skb->vlan_proto))           \
	X("skb->csum_level", skb->csum_level)                 \
	X("skb->inner_ipproto", skb->inner_ipproto)           \
	X("skb->mark & 0xff", skb->mark & 0xff)               \
	X("!skb->dev", !skb->dev)                             \
	X("skb->len > 1000", skb->len > 1000)

#define XDP_VALUES(X)                                     \
	X("xdp->frame_sz", xdp->frame_sz)                 \
	X("xdp->rxq->queue_index", RXQ(xdp)->queue_index) \
	X("xdp->rxq->dev->ifindex", XDEV(xdp)->ifindex)   \
	X("xdp->rxq->mem.type", RXQ(xdp)->mem.type)       \
	X("xdp->flags", xdp->flags)

#define CASE_TEXT(text, c) text,
static const char *const skb_texts[] = { SKB_CASES(CASE_TEXT) };
static const char *const xdp_texts[] = { XDP_CASES(CASE_TEXT) };
static const char *const skb_value_texts[] = { SKB_VALUES(CASE_TEXT) };
static const char *const xdp_value_texts[] = { XDP_VALUES(CASE_TEXT) };

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Half the time one of the values the cases compare with, else random bits. */
static unsigned long long pick(unsigned long long *rng, const unsigned long long *interesting,
			       int n, unsigned long long random)
{
	unsigned long long r = next_rand(rng);

	return r & 1 ? interesting[(r >> 1) % n] : random;
}

#define PICK(field, ...)                                               \
	do {                                                           \
		static const unsigned long long v[] = { __VA_ARGS__ }; \
		field = pick(rng, v, sizeof(v) / sizeof(v[0]), field); \
	} while (0)

static void fill_bytes(void *p, unsigned long len, unsigned long long *rng)
{
	unsigned char *b = p;

	for (unsigned long i = 0; i < len; i++)
		b[i] = (unsigned char)next_rand(rng);
}

static void fill_dev(struct net_device *dev, unsigned long long *rng)
{
	PICK(dev->ifindex, 1, 2, 3, 4, -1, 0x7fffffff);
	PICK(dev->mtu, 1279, 1280, 1500, 1501, 9000, 0);
	PICK(dev->flags, 0, 1, 0x1003);
}

static void fill_skb(struct expr_fake_skb *f, unsigned long long *rng)
{
	struct sk_buff *skb = &f->skb;

	fill_bytes(f, sizeof(*f), rng);
	fill_dev(&f->dev, rng);
	f->has_dev = next_rand(rng) % 5 != 0;
	PICK(skb->len, 0, 999, 1000, 1001, 1500, 0x3e8, 0xffffffff);
	PICK(skb->mark, 0, 1, 42, 0xff, 0x100, 0xf00, 0xffffffff);
	PICK(skb->priority, 0, 1, 0xfff, 0xfffffffe, 0xffffffff);
	PICK(skb->hash, 0, 1, 2, 0x80000000);
	PICK(skb->protocol, 0x0008, 0xdd86, 0x0608, 0x0108, 0x0800);
	PICK(skb->vlan_tci, 100, 0);
	PICK(skb->vlan_proto, 0x0081, 0x8100);
	PICK(skb->skb_iif, 1, 2, -1, 0);
	PICK(skb->tstamp, 0, 1, -1, 0x100000000, 0x100000001, 0x7fffffffffffffff);
	PICK(skb->_nfct, 0, 1);
	PICK(skb->queue_mapping, 0);
	PICK(skb->mac_len, 0);
	PICK(skb->inner_ipproto, 6, 17);
	PICK(skb->users.refs.counter, 0, 1, 2, -1);
}

static void fill_xdp(struct expr_fake_xdp *f, unsigned long long *rng)
{
	fill_bytes(f, sizeof(*f), rng);
	fill_dev(&f->dev, rng);
	f->has_rxq = next_rand(rng) % 6 != 0;
	f->has_dev = next_rand(rng) % 5 != 0;
	PICK(f->xdp.frame_sz, 2000, 2001, 4096, 0);
	PICK(f->xdp.flags, 0, 1);
	PICK(f->rxq.queue_index, 0, 1);
	PICK(f->rxq.mem.type, MEM_TYPE_PAGE_SHARED, MEM_TYPE_PAGE_ORDER0, MEM_TYPE_PAGE_POOL);
}

unsigned long expr_fake_size(_Bool xdp)
{
	return xdp ? sizeof(struct expr_fake_xdp) : sizeof(struct expr_fake_skb);
}

void expr_fake_fill(_Bool xdp, void *fake, unsigned long long *rng)
{
	if (xdp)
		fill_xdp(fake, rng);
	else
		fill_skb(fake, rng);
}

int expr_case_count(_Bool xdp)
{
	return xdp ? (int)(sizeof(xdp_texts) / sizeof(xdp_texts[0])) :
		     (int)(sizeof(skb_texts) / sizeof(skb_texts[0]));
}

const char *expr_case_text(_Bool xdp, int i)
{
	return xdp ? xdp_texts[i] : skb_texts[i];
}

#define CASE_EVAL(text, c) \
	if (i == n++)      \
		return !!(c);

static int eval_skb(int i, struct sk_buff *skb)
{
	int n = 0;

	SKB_CASES(CASE_EVAL)
	return -1;
}

static int eval_xdp(int i, struct xdp_buff *xdp)
{
	int n = 0;

	XDP_CASES(CASE_EVAL)
	return -1;
}

int expr_case_eval(_Bool xdp, int i, void *fake)
{
	if (xdp) {
		struct expr_fake_xdp *f = fake;

		f->xdp.rxq = f->has_rxq ? &f->rxq : (void *)0;
		f->rxq.dev = f->has_dev ? &f->dev : (void *)0;
		if (__builtin_setjmp(abort_buf))
			return 0;
		return eval_xdp(i, &f->xdp);
	} else {
		struct expr_fake_skb *f = fake;

		f->skb.dev = f->has_dev ? &f->dev : (void *)0;
		if (__builtin_setjmp(abort_buf))
			return 0;
		return eval_skb(i, &f->skb);
	}
}

void expr_fake_describe(_Bool xdp, const void *fake, char *buf, unsigned long len)
{
	if (xdp) {
		const struct expr_fake_xdp *f = fake;

		__builtin_snprintf(buf, len,
				   "frame_sz=%u flags=%u has_rxq=%u queue_index=%u mem.type=%u "
				   "has_dev=%u ifindex=%d mtu=%u",
				   f->xdp.frame_sz, f->xdp.flags, f->has_rxq, f->rxq.queue_index,
				   f->rxq.mem.type, f->has_dev, f->dev.ifindex, f->dev.mtu);
	} else {
		const struct expr_fake_skb *f = fake;
		const struct sk_buff *s = &f->skb;

		__builtin_snprintf(buf, len,
				   "len=%u mark=%#x priority=%#x hash=%#x protocol=%#06x "
				   "pkt_type=%u ip_summed=%u cloned=%u tstamp=%lld skb_iif=%d "
				   "has_dev=%u ifindex=%d mtu=%u flags=%#x",
				   s->len, s->mark, s->priority, s->hash, s->protocol, s->pkt_type,
				   s->ip_summed, s->cloned, (long long)s->tstamp, s->skb_iif,
				   f->has_dev, f->dev.ifindex, f->dev.mtu, f->dev.flags);
	}
}

int expr_value_count(_Bool xdp)
{
	return xdp ? (int)(sizeof(xdp_value_texts) / sizeof(xdp_value_texts[0])) :
		     (int)(sizeof(skb_value_texts) / sizeof(skb_value_texts[0]));
}

const char *expr_value_text(_Bool xdp, int i)
{
	return xdp ? xdp_value_texts[i] : skb_value_texts[i];
}

/* C's value converted to a u64 the way C converts: signed ones sign-extend. */
#define VALUE_EVAL(text, c) \
	if (i == n++)       \
		return (unsigned long long)(c);

static unsigned long long value_skb(int i, struct sk_buff *skb)
{
	int n = 0;

	SKB_VALUES(VALUE_EVAL)
	return 0;
}

static unsigned long long value_xdp(int i, struct xdp_buff *xdp)
{
	int n = 0;

	XDP_VALUES(VALUE_EVAL)
	return 0;
}

unsigned long long expr_value_eval(_Bool xdp, int i, void *fake)
{
	if (xdp) {
		struct expr_fake_xdp *f = fake;

		f->xdp.rxq = f->has_rxq ? &f->rxq : (void *)0;
		f->rxq.dev = f->has_dev ? &f->dev : (void *)0;
		if (__builtin_setjmp(abort_buf))
			return 0;
		return value_xdp(i, &f->xdp);
	} else {
		struct expr_fake_skb *f = fake;

		f->skb.dev = f->has_dev ? &f->dev : (void *)0;
		if (__builtin_setjmp(abort_buf))
			return 0;
		return value_skb(i, &f->skb);
	}
}

unsigned long long expr_fake_out(_Bool xdp, const void *fake, int k)
{
	return xdp ? ((const struct expr_fake_xdp *)fake)->out[k] :
		     ((const struct expr_fake_skb *)fake)->out[k];
}
