// SPDX-License-Identifier: GPL-2.0
/* Return values by name: the function's BTF return type first, its name's family second. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "probes.h"
#include "retnames.h"

enum ret_kind {
	RK_NONE = 0, /* void, or nothing to say: the number alone */
	RK_INT,	     /* signed: a negative errno has a name */
	RK_UINT,
	RK_BOOL,
	RK_PTR,	 /* NULL, or an ERR_PTR's errno */
	RK_ENUM, /* the enumerator's name from BTF */
};

/* What a family of functions returns besides errnos, by its name. */
enum ret_family {
	RF_NONE = 0,
	RF_NF_HOOK_SLOW, /* 1: go on (accepted), 0: stolen or queued, -EPERM: dropped */
	RF_NF_VERDICT,	 /* unsigned NF_DROP .. NF_STOP in the low byte */
	RF_NET_XMIT,	 /* NET_XMIT_SUCCESS, _DROP, _CN */
	RF_NET_RX,	 /* NET_RX_SUCCESS, NET_RX_DROP */
};

struct ret_type {
	enum ret_kind kind;
	enum ret_family family;
	uint8_t size; /* bytes of the value in the register */
	uint32_t enum_id;
};

struct retnames {
	const struct btf *btf;
	struct ret_type *types; /* by probe id */
	size_t n;
};

/* Codes the kernel keeps to itself (include/linux/errno.h), absent from libc. */
static const struct {
	int err;
	const char *name;
} kernel_errnos[] = {
	{ 512, "ERESTARTSYS" },
	{ 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" },
	{ 515, "ENOIOCTLCMD" },
	{ 516, "ERESTART_RESTARTBLOCK" },
	{ 517, "EPROBE_DEFER" },
	{ 518, "EOPENSTALE" },
	{ 519, "ENOPARAM" },
	{ 521, "EBADHANDLE" },
	{ 522, "ENOTSYNC" },
	{ 523, "EBADCOOKIE" },
	{ 524, "ENOTSUPP" },
	{ 525, "ETOOSMALL" },
	{ 526, "ESERVERFAULT" },
	{ 527, "EBADTYPE" },
	{ 528, "EJUKEBOX" },
	{ 529, "EIOCBQUEUED" },
	{ 530, "ERECALLCONFLICT" },
};

const char *errno_name(int err)
{
	for (size_t i = 0; i < sizeof(kernel_errnos) / sizeof(kernel_errnos[0]); i++) {
		if (kernel_errnos[i].err == err)
			return kernel_errnos[i].name;
	}
	return err > 0 && err < 512 ? strerrorname_np(err) : NULL;
}

static bool has_any(const char *name, const char *const *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strstr(name, parts[i]))
			return true;
	}
	return false;
}

/* The conventions below are the kernel's; a function's name is our only hint of which applies. */
static enum ret_family family_of(const char *name, enum ret_kind kind)
{
	static const char *const nf[] = { "nf_",	"nft_",	      "ipt_",	  "ip6t_",
					  "ebt_",	"arpt_",      "iptable_", "ip6table_",
					  "_conntrack", "conntrack_", "_confirm", "nf_nat" };
	static const char *const xmit[] = { "xmit", "enqueue", "_output", "_finish_output2" };
	static const char *const rx[] = { "_rcv", "netif_receive_skb", "netif_rx", "_deliver" };

	if (!strcmp(name, "nf_hook_slow"))
		return RF_NF_HOOK_SLOW;
	if (kind == RK_UINT && has_any(name, nf, sizeof(nf) / sizeof(nf[0])))
		return RF_NF_VERDICT;
	if (kind != RK_INT)
		return RF_NONE;
	if (has_any(name, xmit, sizeof(xmit) / sizeof(xmit[0])))
		return RF_NET_XMIT;
	if (has_any(name, rx, sizeof(rx) / sizeof(rx[0])))
		return RF_NET_RX;
	return RF_NONE;
}

static struct ret_type type_of(const struct btf *vmlinux, const struct probe *p)
{
	struct ret_type rt = {};
	const struct btf_type *t;
	const struct btf *btf;
	struct btf *owned;
	uint32_t id;

	if (p->kind != PROBE_FUNC || !vmlinux)
		return rt;
	btf = probe_func_btf(vmlinux, p, &owned);
	t = btf ? btf__type_by_id(btf, p->btf_id) : NULL;
	if (!t || !btf_is_func(t))
		goto out;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || !t->type)
		goto out;
	id = btf__resolve_type(btf, t->type); /* through typedefs and qualifiers */
	t = btf__type_by_id(btf, id);
	if (!t)
		goto out;
	if (btf_is_ptr(t)) {
		rt.kind = RK_PTR;
		rt.size = 8;
	} else if (btf_is_int(t)) {
		uint8_t enc = btf_int_encoding(t);

		rt.size = (uint8_t)t->size;
		rt.kind = enc & BTF_INT_BOOL ? RK_BOOL : enc & BTF_INT_SIGNED ? RK_INT : RK_UINT;
	} else if (btf_is_any_enum(t)) {
		/* names are looked up in vmlinux's BTF later: a module's enum reads as a number */
		rt.kind = owned ? RK_UINT : RK_ENUM;
		rt.size = (uint8_t)t->size;
		rt.enum_id = owned ? 0 : id;
	}
	if (rt.size > 8)
		rt.kind = RK_NONE;
	rt.family = family_of(p->name, rt.kind);
out:
	btf__free(owned);
	return rt;
}

int retnames_new(const struct btf *vmlinux, const struct probe_list *pl, struct retnames **out)
{
	struct retnames *rn = calloc(1, sizeof(*rn));

	if (!rn)
		return -ENOMEM;
	rn->btf = vmlinux;
	rn->n = pl->n;
	rn->types = calloc(pl->n ? pl->n : 1, sizeof(*rn->types));
	if (!rn->types) {
		free(rn);
		return -ENOMEM;
	}
	for (size_t i = 0; i < pl->n; i++)
		rn->types[i] = type_of(vmlinux, &pl->v[i]);
	*out = rn;
	return 0;
}

void retnames_free(struct retnames *rn)
{
	if (!rn)
		return;
	free(rn->types);
	free(rn);
}

static int64_t cut(uint64_t raw, uint8_t size, bool is_signed)
{
	if (size >= 8 || !size)
		return (int64_t)raw;
	raw &= (1ULL << (size * 8)) - 1;
	if (is_signed && raw & (1ULL << (size * 8 - 1)))
		raw |= ~((1ULL << (size * 8)) - 1);
	return (int64_t)raw;
}

static const char *enum_name(const struct btf *btf, uint32_t id, int64_t v)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t);

		for (uint16_t i = 0; i < btf_vlen(t); i++) {
			if (e[i].val == (int32_t)v || (uint32_t)e[i].val == (uint32_t)v)
				return btf__name_by_offset(btf, e[i].name_off);
		}
	} else if (btf_is_enum64(t)) {
		const struct btf_enum64 *e = btf_enum64(t);

		for (uint16_t i = 0; i < btf_vlen(t); i++) {
			if (btf_enum64_value(e + i) == (uint64_t)v)
				return btf__name_by_offset(btf, e[i].name_off);
		}
	}
	return NULL;
}

static const char *family_name(enum ret_family f, int64_t v)
{
	static const char *const verdicts[] = { "NF_DROP",  "NF_ACCEPT", "NF_STOLEN",
						"NF_QUEUE", "NF_REPEAT", "NF_STOP" };
	static const char *const xmit[] = { "NET_XMIT_SUCCESS", "NET_XMIT_DROP", "NET_XMIT_CN" };

	switch (f) {
	case RF_NF_HOOK_SLOW:
		return v == 1 ? "NF_ACCEPT" : v == 0 ? "NF_STOLEN" : NULL;
	case RF_NF_VERDICT:
		return (v & 0xff) < 6 ? verdicts[v & 0xff] : NULL;
	case RF_NET_XMIT:
		return v >= 0 && v < 3 ? xmit[v] : NULL;
	case RF_NET_RX:
		return v == 0 ? "NET_RX_SUCCESS" : v == 1 ? "NET_RX_DROP" : NULL;
	default:
		return NULL;
	}
}

/* -4095..-1 are errnos wherever the kernel returns an int or an ERR_PTR. */
static const char *negative_errno(int64_t v, char *buf, size_t len)
{
	const char *name = v < 0 && v >= -4095 ? errno_name((int)-v) : NULL;

	if (!name)
		return NULL;
	snprintf(buf, len, "-%s", name);
	return buf;
}

void retnames_decode(const struct retnames *rn, uint32_t probe_id, uint64_t raw,
		     struct ret_value *out)
{
	struct ret_type rt = rn && probe_id < rn->n ? rn->types[probe_id] : (struct ret_type){};

	memset(out, 0, sizeof(*out));
	out->value = cut(raw, rt.size, rt.kind == RK_INT || rt.kind == RK_ENUM);
	switch (rt.kind) {
	case RK_INT:
		out->name = negative_errno(out->value, out->buf, sizeof(out->buf));
		if (!out->name)
			out->name = family_name(rt.family, out->value);
		break;
	case RK_UINT:
		out->name = family_name(rt.family, out->value);
		break;
	case RK_BOOL:
		out->name = out->value ? "true" : "false";
		break;
	case RK_PTR:
		out->pointer = true;
		out->name = raw ? negative_errno((int64_t)raw, out->buf, sizeof(out->buf)) : "NULL";
		break;
	case RK_ENUM:
		out->name = enum_name(rn->btf, rt.enum_id, out->value);
		break;
	default:
		break;
	}
}
