// SPDX-License-Identifier: GPL-2.0
/* From the kernel's numbers to names: functions, drop sites, reasons, interfaces, pods. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "enrich.h"
#include "ksyms.h"
#include "drop_reasons.h"
#include "ifnames.h"
#include "netns_names.h"
#include "pods.h"
#include "proc_names.h"
#include "retnames.h"
#include "expr/expr_filters.h"

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int func_names_build(struct enricher *en)
{
	const struct probe_list *pl = en->probes;

	en->func_names = calloc(pl->n ? pl->n : 1, sizeof(*en->func_names));
	if (!en->func_names)
		return -ENOMEM;
	for (size_t i = 0; i < pl->n; i++) {
		const struct probe *p = &pl->v[i];

		if (p->kind == PROBE_TP)
			snprintf(en->func_names[i], sizeof(en->func_names[i]), "%.64s:%.128s",
				 p->group, p->name);
		else if (p->kind == PROBE_BPF_PROG || strcmp(p->group, "vmlinux"))
			/* a module's function as kallsyms and cilium/pwru name it: fn[mod] */
			snprintf(en->func_names[i], sizeof(en->func_names[i]), "%.128s[%.64s]",
				 p->name, p->group);
		else
			snprintf(en->func_names[i], sizeof(en->func_names[i]), "%s", p->name);
	}
	return 0;
}

int enricher_init(struct enricher *en, const struct probe_list *probes,
		  const struct output_cfg *cfg)
{
	en->probes = probes;
	en->cfg = cfg;
	en->mono_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	en->last_seen = NULL;
	memset(&en->compact_ev, 0, sizeof(en->compact_ev));
	en->syms = calloc(SYM_CACHE_SLOTS, sizeof(*en->syms));
	if (!en->syms)
		return -ENOMEM;
	if (cfg->timestamp == TS_RELATIVE) {
		en->last_seen = calloc(SKB_LAST_SEEN_SLOTS, sizeof(*en->last_seen));
		if (!en->last_seen)
			return -ENOMEM;
	}
	return func_names_build(en);
}

/* --output-return: names for results, and the entries the return lines repeat. */
int enricher_returns(struct enricher *en, const struct btf *vmlinux)
{
	int ret = retnames_new(vmlinux, en->probes, &en->retnames);

	if (ret)
		return ret;
	en->entry_cache = calloc(ENTRY_CACHE_SLOTS, sizeof(*en->entry_cache));
	return en->entry_cache ? 0 : -ENOMEM;
}

void enricher_fini(struct enricher *en)
{
	retnames_free(en->retnames);
	en->retnames = NULL;
	free(en->entry_cache);
	en->entry_cache = NULL;
	free(en->func_names);
	en->func_names = NULL;
	free(en->last_seen);
	en->last_seen = NULL;
	free(en->syms);
	en->syms = NULL;
}

/* "sym+0x.." of a kernel address into buf (RECORD_SYM_LEN), through the cache. */
static void format_site(struct enricher *en, uint64_t addr, char *buf)
{
	struct sym_cache_slot *slot;
	size_t n;

	/* 0 marks an empty slot, so it is never cached */
	if (!en->syms || !addr) {
		ksyms_format(en->ksyms, addr, buf, RECORD_SYM_LEN);
		return;
	}
	/* code addresses: the low bits vary from site to site */
	slot = &en->syms[(addr ^ addr >> 12) & (SYM_CACHE_SLOTS - 1)];
	if (slot->addr != addr) {
		ksyms_format(en->ksyms, addr, slot->sym, sizeof(slot->sym));
		slot->addr = addr;
	}
	n = strlen(slot->sym);
	memcpy(buf, slot->sym, n + 1);
}

/* Frames of the tracing machinery itself, above the traced kernel code. */
static int is_tracing_frame(const char *sym)
{
	static const char *const prefixes[] = {
		"bpf_prog_",	   "bpf_trace_run", "__traceiter_",    "__bpf_trace_",
		"trace_call_bpf",  "kprobe_",	    "bpf_trampoline_", "__bpf_prog_enter",
		"__bpf_prog_exit", "ftrace_",	    "fprobe_",	       "perf_trace_",
		"rethook_",	   "arch_rethook_",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(sym, prefixes[i], strlen(prefixes[i])))
			return 1;
	}
	return 0;
}

/*
 * The stack serves --output-stack and, on backends that cannot read the
 * return address, --output-caller: frame 0 is the traced function, frame 1
 * its caller.
 */
static void fill_stack(struct enricher *en, struct record *r)
{
	uint64_t ips[PWRU_MAX_STACK_DEPTH] = {};
	uint32_t id = (uint32_t)r->ev->stack_id;
	int skipping = 1, depth = 0;

	if (bpf_map_lookup_elem(en->stacks_fd, &id, ips))
		return;
	/* Stack ids are reused by the kernel only once freed: free as we go. */
	bpf_map_delete_elem(en->stacks_fd, &id);
	for (int i = 0; i < PWRU_MAX_STACK_DEPTH && ips[i]; i++) {
		char sym[RECORD_SYM_LEN - 8];

		ksyms_format(en->ksyms, ips[i], sym, sizeof(sym));
		if (skipping && is_tracing_frame(sym))
			continue;
		skipping = 0;
		if (depth++ == 1 && en->cfg->caller && !(r->ev->flags & PWRU_EV_CALLER))
			snprintf(r->caller, sizeof(r->caller), "%s", sym);
		if (en->cfg->stack)
			snprintf(r->stack[r->n_stack++], RECORD_SYM_LEN, "    %s", sym);
	}
}

static int64_t since_last_seen(struct enricher *en, const struct pwru_event *e)
{
	/* skbs are cache-line aligned: the low bits say nothing */
	struct skb_last_seen *slot =
		&en->last_seen[(e->skb >> 6 ^ e->skb >> 22) & (SKB_LAST_SEEN_SLOTS - 1)];
	int64_t d = 0;

	/* Events of one skb may reach us out of order across CPUs: never below 0. */
	if (slot->skb == e->skb && e->ts > slot->ts)
		d = (int64_t)(e->ts - slot->ts);
	slot->skb = e->skb;
	slot->ts = e->ts;
	return d;
}

static void fill_timestamp(struct enricher *en, struct record *r)
{
	r->wall_ns = (int64_t)r->ev->ts + en->mono_to_real_ns;
	switch (en->cfg->timestamp) {
	case TS_NONE:
		break;
	case TS_CURRENT:
	case TS_ABSOLUTE:
		r->ts_ns = (int64_t)r->ev->ts;
		break;
	case TS_RELATIVE:
		r->ts_ns = en->last_seen ? since_last_seen(en, r->ev) : 0;
		break;
	case TS_WALLCLOCK:
		r->ts_ns = r->wall_ns;
		break;
	}
}

static void fill_metadata(struct enricher *en, struct record *r)
{
	bool xdp = r->ev->flags & PWRU_EV_META_XDP;
	size_t n = r->ev->flags & (PWRU_EV_META | PWRU_EV_META_XDP) ?
			   expr_filters_meta_count(en->expr, xdp) :
			   0;

	r->n_meta = 0;
	for (size_t i = 0; i < n && i < PWRU_META_MAX; i++) {
		struct record_meta *m = &r->meta[r->n_meta++];

		m->number = expr_filters_meta_format(en->expr, xdp, i, r->ev->meta[i], &m->name,
						     m->value, sizeof(m->value));
	}
}

static struct pwru_event *entry_slot(struct enricher *en, uint64_t skb)
{
	return &en->entry_cache[(skb >> 6 ^ skb >> 18) & (ENTRY_CACHE_SLOTS - 1)];
}

/*
 * A return event carries the skb's address, the task and the value: its
 * packet columns come from the skb's last entry event, as that saw it.
 */
static const struct pwru_event *with_entry(struct enricher *en, const struct pwru_event *e)
{
	const struct pwru_event *seen = entry_slot(en, e->skb);
	struct pwru_event *r = &en->ret_ev;
	const uint16_t kept = PWRU_EV_TUPLE | PWRU_EV_NO_MAC | PWRU_EV_META | PWRU_EV_META_XDP |
			      PWRU_EV_CB | PWRU_EV_TUNNEL;

	if (seen->skb == e->skb) {
		*r = *seen;
		r->flags &= kept;
	} else {
		memset(r, 0, sizeof(*r));
	}
	r->skb = e->skb;
	r->ts = e->ts;
	r->probe_id = e->probe_id;
	r->pid = e->pid;
	r->cpu = e->cpu;
	memcpy(r->comm, e->comm, sizeof(r->comm));
	r->stack_id = -1;
	r->flags |= PWRU_EV_RET;
	r->ret = e->ret;
	r->entry_ts = e->entry_ts;
	return r;
}

static void fill_return(struct enricher *en, struct record *r)
{
	retnames_decode(en->retnames, r->ev->probe_id, r->ev->ret, &r->ret);
	r->ret_duration_ns = -1;
	if (en->cfg->timestamp != TS_NONE)
		r->ret_duration_ns =
			r->ev->ts > r->ev->entry_ts ? (int64_t)(r->ev->ts - r->ev->entry_ts) : 0;
}

/* --output-pcap's bytes end the record, after the dump slots (bpf/pwru.h). */
static void fill_pcap(const struct enricher *en, const void *data, size_t size, struct record *r)
{
	size_t off =
		sizeof(struct pwru_event) +
		((en->cfg->skb ? 1 : 0) + (en->cfg->shinfo ? 1 : 0)) * (size_t)en->cfg->dump_len;
	const struct pwru_pcap *pp = (const void *)((const char *)data + off);

	r->pcap = NULL;
	if (!(r->ev->flags & PWRU_EV_PCAP) || size < off + sizeof(*pp) ||
	    pp->caplen > size - off - sizeof(*pp))
		return;
	r->pcap = pp;
}

/* A dump slot's text, if its flag says it holds some and it ends inside the slot. */
static const char *dump_text(const char *slot, size_t len, bool filled)
{
	return filled && memchr(slot, '\0', len) ? slot : NULL;
}

/* The slots after the event, in bpf/pwru.h's order: skb, then shared info. */
static void fill_dumps(struct enricher *en, const void *data, size_t size, struct record *r)
{
	const char *slot = (const char *)data + sizeof(struct pwru_event);
	size_t room = size - sizeof(struct pwru_event), len = en->cfg->dump_len;

	r->skb_str = r->shinfo_str = NULL;
	if (en->cfg->skb && room >= len) {
		r->skb_str = dump_text(slot, len, r->ev->flags & PWRU_EV_SKB_STR);
		slot += len;
		room -= len;
	}
	if (en->cfg->shinfo && room >= len) {
		r->shinfo_str = dump_text(slot, len, r->ev->flags & PWRU_EV_SHINFO);
		slot += len;
		room -= len;
	}
	r->bpfmap = NULL;
	switch (en->probes->v[r->ev->probe_id].special) {
	case SPECIAL_MAP_LOOKUP_RET:
	case SPECIAL_MAP_LOOKUP_ELEM_RET:
	case SPECIAL_MAP_UPDATE:
	case SPECIAL_MAP_DELETE:
		if (room >= sizeof(struct pwru_bpfmap))
			r->bpfmap = (const struct pwru_bpfmap *)slot;
		break;
	default:
		break;
	}
}

int enrich_record(struct enricher *en, const void *data, size_t size, struct record *r)
{
	const struct pwru_event *e = data;

	/* a compact event (pwru.h): its head, over zeros */
	if (size >= PWRU_EVENT_COMPACT_SIZE && size < sizeof(*e)) {
		memcpy(&en->compact_ev, data, PWRU_EVENT_COMPACT_SIZE);
		e = &en->compact_ev;
		data = e;
		size = sizeof(*e);
	}
	if (size < sizeof(*e) || e->probe_id >= en->probes->n)
		return -EINVAL;
	if (en->entry_cache && (e->flags & PWRU_EV_RET))
		e = with_entry(en, e);
	else if (en->entry_cache)
		*entry_slot(en, e->skb) = *e;
	r->ev = e;
	fill_dumps(en, data, size, r);
	r->func = en->func_names[e->probe_id];
	r->ifname = ifnames_get(en->ifnames, e->netns, e->ifindex);
	r->drop_reason = NULL;
	r->drop_site[0] = r->caller[0] = '\0';
	r->n_stack = 0;
	r->pod = en->pods ? pods_lookup(en->pods, e->netns) : NULL;
	r->netns_name = en->netns_names ? netns_names_lookup(en->netns_names, e->netns) : NULL;
	if (e->flags & PWRU_EV_DROP) {
		r->drop_reason = drop_reason_name(en->reasons, e->drop_reason);
		if (e->drop_location)
			format_site(en, e->drop_location, r->drop_site);
	}
	if (e->flags & PWRU_EV_CALLER)
		format_site(en, e->caller, r->caller);
	if (e->flags & PWRU_EV_STACK)
		fill_stack(en, r);
	fill_timestamp(en, r);
	fill_metadata(en, r);
	if (e->flags & PWRU_EV_RET)
		fill_return(en, r);
	fill_pcap(en, data, size, r);
	r->process = en->procs ? proc_names_get(en->procs, e->pid, e->comm, e->ts) : NULL;
	return 0;
}
