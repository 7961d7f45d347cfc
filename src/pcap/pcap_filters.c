// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf_to_ebpf.h"
#include "inject.h"
#include "pcap_compile.h"
#include "pcap_filters.h"
#include "errmsg.h"

#define N_MODES 2 /* enum cbpf_load_mode */

struct layer_filter {
	struct cbpf_insn *cbpf;
	size_t cbpf_len;
	int rejected; /* libpcap refused it: reject-all */
	char why[256];
	struct ebpf_insn *ebpf[N_MODES]; /* translated on first use */
	size_t ebpf_len[N_MODES];
};

/* The placeholders (bpf/pcap_filter.h, bpf/tunnel_filter.h) each slot fills; NULL: none. */
struct slot_names {
	const char *l2, *l3, *l2_vlan;
	bool l3_only; /* compiled for raw IP alone, where libpcap's refusal is an error */
};

static const struct slot_names slot_names[] = {
	[PCAP_SLOT_PACKET] = { "pcap_filter_l2", "pcap_filter_l3", "pcap_filter_l2_vlan", false },
	[PCAP_SLOT_TUNNEL_L2] = { "pcap_tunnel_l2", "pcap_tunnel_l2_ip", NULL, false },
	[PCAP_SLOT_TUNNEL_L3] = { NULL, "pcap_tunnel_l3", NULL, true },
};

struct pcap_filters {
	struct layer_filter layer[2];
	const struct slot_names *names;
	unsigned int debug_flags;
	int direct; /* -1 not probed, 0, 1 */
	struct inject_keep *keep;
	unsigned int spliced;
	char err[512];
};

/* 'return 0': what a layer libpcap refused does with every packet. */
static const struct ebpf_insn reject_all[] = {
	{ .code = 0xb4 /* BPF_ALU | BPF_MOV | BPF_K */, .dst_reg = 0, .imm = 0 },
	{ .code = 0x95 /* BPF_JMP | BPF_EXIT */ },
};

static int blank(const char *s)
{
	while (s && *s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

static int translate(struct pcap_filters *f, struct layer_filter *l, enum cbpf_load_mode mode)
{
	struct cbpf_xlate_opts opts = { .mode = mode, .debug_flags = f->debug_flags };

	if (l->rejected || l->ebpf[mode] || !l->cbpf)
		return 0; /* refused, done, or a layer this slot does not compile */
	return cbpf_to_ebpf(l->cbpf, l->cbpf_len, &opts, &l->ebpf[mode], &l->ebpf_len[mode], f->err,
			    sizeof(f->err));
}

static void drop_translations(struct pcap_filters *f)
{
	for (int l = 0; l < 2; l++)
		for (int m = 0; m < N_MODES; m++) {
			free(f->layer[l].ebpf[m]);
			f->layer[l].ebpf[m] = NULL;
			f->layer[l].ebpf_len[m] = 0;
		}
}

static int compile_layer(struct pcap_filters *f, const char *expr, enum pcap_filters_layer which)
{
	struct layer_filter *l = &f->layer[which];
	int ret;

	ret = pcap_compile_expr(expr,
				which == PCAP_FILTERS_L2 ? PCAP_LINK_ETHERNET : PCAP_LINK_RAW_IP,
				&l->cbpf, &l->cbpf_len, l->why, sizeof(l->why));
	if (ret == -EINVAL && which == PCAP_FILTERS_L3 && !f->names->l3_only) {
		l->rejected = 1;
		return 0;
	}
	if (ret) {
		snprintf(f->err, sizeof(f->err), "%s", l->why);
		return ret;
	}
	/* Translate once now so that an untranslatable program is a start-up error. */
	return translate(f, l, CBPF_LOAD_PROBE_READ);
}

int pcap_filters_compile(const char *expr, struct pcap_filters **out, char *err, size_t errlen)
{
	return pcap_filters_compile_slot(expr, PCAP_SLOT_PACKET, out, err, errlen);
}

int pcap_filters_compile_slot(const char *expr, enum pcap_filters_slot slot,
			      struct pcap_filters **out, char *err, size_t errlen)
{
	struct pcap_filters *f;
	int ret = 0;

	*out = NULL;
	if (blank(expr))
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->direct = -1;
	f->names = &slot_names[slot];
	if (f->names->l2)
		ret = compile_layer(f, expr, PCAP_FILTERS_L2);
	if (!ret)
		ret = compile_layer(f, expr, PCAP_FILTERS_L3);
	if (ret) {
		set_err(err, errlen, ret, "%s", f->err);
		pcap_filters_free(f);
		return ret;
	}
	*out = f;
	return 0;
}

void pcap_filters_free(struct pcap_filters *f)
{
	if (!f)
		return;
	drop_translations(f);
	for (int l = 0; l < 2; l++)
		free(f->layer[l].cbpf);
	inject_keep_free(f->keep);
	free(f);
}

static int body(struct pcap_filters *f, const char *name, enum pcap_filters_layer which,
		enum cbpf_load_mode mode, struct inject_body *b)
{
	struct layer_filter *l = &f->layer[which];
	int ret = translate(f, l, mode);

	if (ret)
		return ret;
	b->name = name;
	b->insns = l->rejected ? reject_all : l->ebpf[mode];
	b->len = l->rejected ? sizeof(reject_all) / sizeof(reject_all[0]) : l->ebpf_len[mode];
	return 0;
}

int pcap_filters_splice(struct pcap_filters *f, struct bpf_program *prog,
			struct bpf_prog_load_opts *opts, int direct_loads)
{
	enum cbpf_load_mode mode = CBPF_LOAD_PROBE_READ;
	struct inject_body bodies[3];
	size_t n = 0;
	int ret = 0;

	if (!f)
		return 0;
	if (direct_loads) {
		if (f->direct < 0)
			f->direct = inject_probe_direct_loads();
		if (f->direct)
			mode = CBPF_LOAD_DIRECT;
	}
	if (f->names->l2)
		ret = body(f, f->names->l2, PCAP_FILTERS_L2, mode, &bodies[n++]);
	if (!ret)
		ret = body(f, f->names->l3, PCAP_FILTERS_L3, mode, &bodies[n++]);
	/* The rebuilt VLAN frame sits in a map value: only probe reads reach it. */
	if (!ret && f->names->l2_vlan)
		ret = body(f, f->names->l2_vlan, PCAP_FILTERS_L2, CBPF_LOAD_PROBE_READ,
			   &bodies[n++]);
	if (ret)
		return ret;
	ret = inject_splice(prog, opts, bodies, n, &f->keep, f->err, sizeof(f->err));
	if (ret < 0)
		return ret;
	f->spliced += (unsigned int)ret;
	return 0;
}

unsigned int pcap_filters_splice_count(const struct pcap_filters *f)
{
	return f ? f->spliced : 0;
}

const char *pcap_filters_strerror(const struct pcap_filters *f)
{
	return f ? f->err : "";
}

int pcap_filters_l3_rejected(const struct pcap_filters *f, const char **why)
{
	if (why)
		*why = f ? f->layer[PCAP_FILTERS_L3].why : "";
	return f ? f->layer[PCAP_FILTERS_L3].rejected : 0;
}

size_t pcap_filters_cbpf_len(const struct pcap_filters *f, enum pcap_filters_layer layer)
{
	return f ? f->layer[layer].cbpf_len : 0;
}

size_t pcap_filters_ebpf_len(struct pcap_filters *f, enum pcap_filters_layer layer, int direct)
{
	enum cbpf_load_mode mode = direct ? CBPF_LOAD_DIRECT : CBPF_LOAD_PROBE_READ;

	if (!f || f->layer[layer].rejected || translate(f, &f->layer[layer], mode))
		return 0;
	return f->layer[layer].ebpf_len[mode];
}

int pcap_filters_direct_loads(const struct pcap_filters *f)
{
	return f ? f->direct : -1;
}

void pcap_filters_set_debug(struct pcap_filters *f, unsigned int debug_flags, int force_direct)
{
	f->debug_flags = debug_flags;
	f->direct = force_direct;
	drop_translations(f);
}
