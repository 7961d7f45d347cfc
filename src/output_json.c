// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: one object per line, streamed into the batch buffer by the
 * writer in output_buf.h; every string (process, pod, symbol) is escaped
 * there, in one place. Schema: docs/json-output.md.
 */
#include <string.h>

#include "events.h"
#include "output.h"
#include "pods.h"
#include "summary.h"

static void add_tuple(struct jw *w, const struct output_cfg *c, const struct pwru_tuple *t)
{
	struct obuf *b = w->b;

	jw_key(w, "tuple");
	jw_obj_open(w);
	jw_key(w, "saddr");
	jw_sep(w);
	put_char(b, '"');
	put_addr(b, t->l3, t->saddr);
	put_char(b, '"');
	jw_key(w, "daddr");
	jw_sep(w);
	put_char(b, '"');
	put_addr(b, t->l3, t->daddr);
	put_char(b, '"');
	jw_kv_u64(w, "sport", t->sport);
	jw_kv_u64(w, "dport", t->dport);
	jw_key(w, "l4proto");
	jw_sep(w);
	put_char(b, '"');
	put_l4proto(b, t->l4proto);
	put_char(b, '"');
	if (c->tcp_flags && t->l4proto == 6) {
		jw_key(w, "tcp_flags");
		jw_sep(w);
		put_char(b, '"');
		put_tcp_flags(b, t->tcp_flags);
		put_char(b, '"');
	}
	jw_obj_close(w);
}

static void add_pod(struct jw *w, const struct pod_ref *p)
{
	jw_key(w, "pod");
	jw_obj_open(w);
	jw_kv_str(w, "namespace", p->namespace_);
	jw_kv_str(w, "name", p->name);
	jw_kv_str(w, "uid", p->uid);
	if (p->container[0])
		jw_kv_str(w, "container", p->container);
	jw_obj_close(w);
}

static void add_drop(struct jw *w, const struct record *r)
{
	jw_key(w, "drop_reason");
	if (r->drop_reason) {
		jw_str(w, r->drop_reason);
	} else {
		jw_sep(w);
		put_char(w->b, '"');
		put_u64(w->b, r->ev->drop_reason);
		put_char(w->b, '"');
	}
	jw_kv_u64(w, "drop_reason_code", r->ev->drop_reason);
	if (r->drop_site[0])
		jw_kv_str(w, "drop_site", r->drop_site);
}

static void add_stack(struct jw *w, const struct record *r)
{
	jw_key(w, "stack");
	jw_arr_open(w);
	for (int i = 0; i < r->n_stack; i++)
		jw_str(w, r->stack[i]);
	jw_arr_close(w);
}

static void add_meta(struct jw *w, const struct record *r)
{
	const struct pwru_event *e = r->ev;

	jw_kv_u64(w, "netns", e->netns);
	jw_kv_u64(w, "mark", e->mark);
	jw_kv_u64(w, "ifindex", e->ifindex);
	jw_kv_str(w, "ifname", r->ifname);
	jw_kv_u64(w, "len", e->len);
	jw_kv_u64(w, "mtu", e->mtu);
	jw_key(w, "proto");
	jw_sep(w);
	put_lit(w->b, "\"0x");
	put_hex(w->b, e->proto, 4);
	put_char(w->b, '"');
}

void output_json_event(struct obuf *b, const struct output_cfg *c, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	struct jw w;

	jw_init(&w, b);
	jw_obj_open(&w);
	jw_key(&w, "skb");
	jw_sep(&w);
	put_lit(b, "\"0x");
	put_hex(b, e->skb, 16);
	put_char(b, '"');
	jw_kv_u64(&w, "cpu", e->cpu);
	jw_kv_u64(&w, "pid", e->pid);
	jw_key(&w, "process");
	jw_strn(&w, e->comm, strnlen(e->comm, PWRU_COMM_LEN));
	jw_kv_str(&w, "func", r->func);
	if (c->timestamp != TS_NONE) {
		jw_key(&w, "ts");
		jw_i64(&w, r->ts_ns);
	}
	add_meta(&w, r);
	if (e->flags & PWRU_EV_TUPLE)
		add_tuple(&w, c, &e->tuple);
	if (e->flags & PWRU_EV_DROP)
		add_drop(&w, r);
	if (r->pod)
		add_pod(&w, r->pod);
	if (c->caller && r->caller[0])
		jw_kv_str(&w, "caller", r->caller);
	if (r->n_stack)
		add_stack(&w, r);
	if (r->skb_str)
		jw_kv_str(&w, "skb_str", r->skb_str);
	if (e->flags & PWRU_EV_TRACKED) {
		jw_key(&w, "tracked");
		jw_bool(&w, true);
	}
	jw_obj_close(&w);
	put_char(b, '\n');
	obuf_event_end(b);
}

void output_json_summary(struct obuf *b, uint64_t events, const struct kernel_counts *k,
			 const struct drop_summary *s)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj_open(&w);
	jw_key(&w, "summary");
	jw_obj_open(&w);
	jw_key(&w, "drops");
	jw_arr_open(&w);
	for (size_t i = 0; i < s->n; i++) {
		const struct drop_row *row = &s->rows[i];

		jw_obj_open(&w);
		jw_kv_str(&w, "reason", row->reason);
		jw_kv_str(&w, "site", row->site);
		jw_kv_u64(&w, "netns", row->netns);
		if (row->pod[0])
			jw_kv_str(&w, "pod", row->pod);
		jw_kv_u64(&w, "count", row->count);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_kv_u64(&w, "events", events);
	jw_kv_u64(&w, "lost", k->lost);
	jw_kv_u64(&w, "kernel_matched", k->matched);
	jw_kv_u64(&w, "kernel_emitted", k->emitted);
	jw_kv_u64(&w, "drops_total", s->total);
	jw_obj_close(&w);
	jw_obj_close(&w);
	put_char(b, '\n');
	obuf_commit_raw(b);
}
