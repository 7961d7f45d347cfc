// SPDX-License-Identifier: GPL-2.0
/* --debug: the decisions of a run, for someone asking why pwru did what it did. */
#include <stdarg.h>
#include <string.h>
#include <bpf/btf.h>

#include "attacher.h"
#include "debug_log.h"

void debug_line(const struct options *o, FILE *f, const char *fmt, ...)
{
	va_list ap;

	if (!o->debug)
		return;
	fputs("debug: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void debug_kernel_btf(const struct options *o, FILE *f, const struct btf *btf)
{
	debug_line(o, f, "kernel BTF: %s (%u types)",
		   o->kernel_btf ? o->kernel_btf : "/sys/kernel/btf/vmlinux",
		   btf__type_cnt(btf) - 1);
}

void debug_filters(const struct options *o, FILE *f, const struct filter_set *fs)
{
	char netns[256] = "any";
	size_t used = 0;

	for (size_t i = 0; i < fs->n_netns && used < sizeof(netns); i++)
		used += snprintf(netns + used, sizeof(netns) - used, "%s%u", i ? "," : "",
				 fs->netns[i]);
	debug_line(o, f, "filters: pcap '%s', netns %s, ifindex %u, mark %s0x%x/0x%x, track-skb %s",
		   o->pcap_filter ? o->pcap_filter : "", netns, fs->ifindex,
		   o->filter_mark_set ? "" : "(any) ", o->filter_mark, o->filter_mark_mask,
		   o->filter_track_skb ? "on" : "off");
	if (fs->tunnel_l2 || fs->tunnel_l3)
		debug_line(
			o, f,
			"filters: tunnel pcap l2 '%s', l3 '%s' (skbs without inner headers pass)",
			fs->tunnel_l2 ? o->filter_tunnel_pcap_l2 : "",
			fs->tunnel_l3 ? o->filter_tunnel_pcap_l3 : "");
}

void debug_features(const struct options *o, FILE *f, struct attacher *a)
{
	static const char *const names[KF_MAX] = {
		[KF_TP_BTF] = "tp_btf",
		[KF_RAW_TP] = "raw_tp",
		[KF_FENTRY] = "fentry",
		[KF_KPROBE] = "kprobe",
		[KF_KPROBE_MULTI] = "kprobe-multi",
	};

	if (!o->debug)
		return;
	/* probed once and kept by the attacher: asking here costs nothing later */
	for (int i = 0; i < KF_MAX; i++) {
		const char *why;
		int ret = attacher_feature(a, i, &why);

		debug_line(o, f, "kernel feature %s: %s", names[i], ret ? why : "usable");
	}
}

void debug_probes(const struct options *o, FILE *f, const struct probe_list *pl)
{
	size_t funcs = 0, tps = 0, progs = 0;

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == PROBE_FUNC)
			funcs++;
		else if (pl->v[i].kind == PROBE_TP)
			tps++;
		else
			progs++;
	}
	debug_line(o, f,
		   "probes: %zu kernel functions, %zu tracepoints, %zu BPF programs "
		   "(--filter-func %s; %zu functions left out: not in available_filter_functions)",
		   funcs, tps, progs, o->filter_func ? o->filter_func : "all", pl->ftrace_dropped);
}

void debug_refused(const struct options *o, FILE *f, const struct probe_list *pl,
		   const struct attacher *a)
{
	size_t attached = 0, refused = 0;

	if (!o->debug)
		return;
	for (size_t i = 0; i < pl->n; i++) {
		const struct probe *p = &pl->v[i];
		int err = attacher_probe_result(a, i);

		if (!err)
			attached++;
		if (err >= 0)
			continue;
		refused++;
		debug_line(o, f, "refused: %s:%s (%s)", p->group, p->name, strerror(-err));
	}
	debug_line(o, f, "attach: %zu probes attached, %zu refused", attached, refused);
}
