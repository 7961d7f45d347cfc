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
#include "paths.h"
#include "summary.h"

/*
 * The keys cilium/pwru's --output-json writes come first, with its names,
 * types and omissions (Go's omitempty: 0 and "" are left out), so that a
 * consumer written for it reads ours unchanged; ours follow under names it
 * does not use. docs/json-output.md lists both.
 */

/* "0x..." as Go's %#x. */
static void put_hex_str(struct jw *w, uint64_t v)
{
	jw_sep(w);
	put_lit(w->b, "\"0x");
	put_hex(w->b, v, 1);
	put_char(w->b, '"');
}

static inline __attribute__((always_inline)) void
kv_u64_nonzero(struct jw *w, const char *quoted_key, size_t n, uint64_t v)
{
	if (!v)
		return;
	jw_key_raw(w, quoted_key, n);
	jw_u64(w, v);
}

#define jw_kv_u64_omitempty(w, key, v) kv_u64_nonzero((w), "\"" key "\":", sizeof(key) + 2, (v))

/* cilium/pwru's address form: IPv6 in brackets. */
static void put_addr_str(struct jw *w, const struct pwru_tuple *t, const uint8_t *a)
{
	jw_sep(w);
	put_char(w->b, '"');
	if (t->l3 != 4)
		put_char(w->b, '[');
	put_addr(w->b, t->l3, a);
	if (t->l3 != 4)
		put_char(w->b, ']');
	put_char(w->b, '"');
}

/* The body of "tuple" and of "tunnel_tuple" (the same shape, as cilium/pwru writes them). */
static void add_tuple_obj(struct jw *w, const struct output_cfg *c, const struct pwru_tuple *t,
			  bool present)
{
	struct obuf *b = w->b;

	jw_obj_open(w);
	/* cilium/pwru writes an empty object when no IP header was found */
	if (present) {
		jw_key(w, "saddr");
		put_addr_str(w, t, t->saddr);
		jw_key(w, "daddr");
		put_addr_str(w, t, t->daddr);
		jw_kv_u64_omitempty(w, "sport", t->sport);
		jw_kv_u64_omitempty(w, "dport", t->dport);
		jw_kv_u64_omitempty(w, "proto", t->l4proto);
		if (c->tcp_flags && t->l4proto == 6 && t->tcp_flags) {
			jw_key(w, "flags");
			jw_sep(w);
			put_char(b, '"');
			put_tcp_flags(b, t->tcp_flags);
			put_char(b, '"');
		}
		/* ours */
		jw_key(w, "l4proto");
		jw_sep(w);
		put_char(b, '"');
		put_l4proto(b, t->l4proto);
		put_char(b, '"');
	}
	jw_obj_close(w);
}

static void add_tuple(struct jw *w, const struct output_cfg *c, const struct pwru_event *e)
{
	jw_key(w, "tuple");
	add_tuple_obj(w, c, &e->tuple, e->flags & PWRU_EV_TUPLE);
}

/* --output-skb-metadata under a key of ours: cilium/pwru leaves these out of JSON. */
static void add_metadata(struct jw *w, const struct record *r)
{
	jw_key(w, "metadata");
	jw_obj_open(w);
	for (int i = 0; i < r->n_meta; i++) {
		/* a name known only at run time: the key by hand */
		jw_str(w, r->meta[i].name);
		put_char(w->b, ':');
		w->first = true;
		if (r->meta[i].number) {
			jw_sep(w);
			put_str(w->b, r->meta[i].value);
		} else {
			jw_str(w, r->meta[i].value);
		}
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

/* --output-return: "ret" as a signed number (a pointer's bits as well), its name, the duration. */
static void add_return(struct jw *w, const struct record *r)
{
	jw_key(w, "ret");
	jw_i64(w, r->ret.value);
	if (r->ret.name)
		jw_kv_str(w, "ret_name", r->ret.name);
	if (r->ret_duration_ns >= 0) {
		jw_key(w, "duration_ns");
		jw_i64(w, r->ret_duration_ns);
	}
}

/* Our frames carry a 4-space indent for the text output. */
static const char *frame(const struct record *r, int i)
{
	const char *s = r->stack[i];

	while (*s == ' ')
		s++;
	return s;
}

/* cilium/pwru's "stack": one string, each frame after a newline. */
static void add_stack_string(struct jw *w, const struct record *r)
{
	char buf[PWRU_MAX_STACK_DEPTH * RECORD_SYM_LEN];
	size_t n = 0;

	for (int i = 0; i < r->n_stack; i++) {
		size_t l = strlen(frame(r, i));

		buf[n++] = '\n';
		memcpy(buf + n, frame(r, i), l);
		n += l;
	}
	jw_key(w, "stack");
	jw_strn(w, buf, n);
}

static void add_stack_frames(struct jw *w, const struct record *r)
{
	jw_key(w, "stack_frames");
	jw_arr_open(w);
	for (int i = 0; i < r->n_stack; i++)
		jw_str(w, frame(r, i));
	jw_arr_close(w);
}

/*
 * "name:number" as cilium/pwru cuts it: its last 16 bytes behind a '~' when
 * longer. Built in place: a scratch obuf would be zeroed on every event.
 */
static void jw_name_num(struct jw *w, const char *name, size_t len, uint64_t num)
{
	char buf[64], digits[20], *d = u64_digits(num, digits);
	size_t nd = (size_t)(digits + 20 - d), n;

	if (len > sizeof(buf) - 1 - sizeof(digits))
		len = sizeof(buf) - 1 - sizeof(digits);
	memcpy(buf, name, len);
	buf[len] = ':';
	memcpy(buf + len + 1, d, nd);
	n = len + 1 + nd;
	if (n > 16) {
		buf[n - 16] = '~';
		jw_strn(w, buf + n - 16, 16);
	} else {
		jw_strn(w, buf, n);
	}
}

/* cilium/pwru's "iface": "name:ifindex" cut, or the bare ifindex when the name is unknown. */
static void add_iface(struct jw *w, const struct record *r)
{
	if (r->ifname[0]) {
		jw_key(w, "iface");
		jw_name_num(w, r->ifname, strlen(r->ifname), r->ev->ifindex);
		return;
	}
	jw_key(w, "iface");
	jw_sep(w);
	put_char(w->b, '"');
	put_u64(w->b, r->ev->ifindex);
	put_char(w->b, '"');
}

static void add_meta(struct jw *w, const struct record *r)
{
	const struct pwru_event *e = r->ev;

	jw_kv_u64_omitempty(w, "netns", e->netns);
	jw_kv_u64_omitempty(w, "mark", e->mark);
	add_iface(w, r);
	jw_kv_u64_omitempty(w, "proto", e->proto);
	jw_kv_u64_omitempty(w, "mtu", e->mtu);
	jw_kv_u64_omitempty(w, "len", e->len);
}

/*
 * cilium/pwru's "process": "exe:pid" cut like "iface", from the enricher's
 * cache (src/proc_names.c); comm stands in when there is none.
 */
static void add_process(struct jw *w, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	size_t n;

	if (r->process) {
		jw_kv_str(w, "process", r->process);
		return;
	}
	n = strnlen(e->comm, PWRU_COMM_LEN);
	jw_key(w, "process");
	if (n)
		jw_name_num(w, e->comm, n, e->pid);
	else
		jw_name_num(w, "<empty>", 7, e->pid);
}

static void add_time(struct jw *w, const struct output_cfg *c, const struct record *r)
{
	switch (c->timestamp) {
	case TS_NONE:
	case TS_WALLCLOCK:
		return;
	case TS_ABSOLUTE:
		jw_key(w, "time");
		jw_sep(w);
		put_char(w->b, '"');
		put_abs_time(w->b, r->wall_ns);
		put_char(w->b, '"');
		return;
	case TS_CURRENT:
	case TS_RELATIVE:
		jw_key(w, "time");
		jw_i64(w, r->ts_ns);
		return;
	}
}

static void jw_hex(struct jw *w, const uint8_t *p, uint32_t size)
{
	size_t n = size < PWRU_BPFMAP_DATA_MAX ? size : PWRU_BPFMAP_DATA_MAX;

	jw_sep(w);
	put_char(w->b, '"');
	for (size_t i = 0; i < n; i++)
		put_hex(w->b, p[i], 2);
	put_char(w->b, '"');
}

/* --output-bpfmap (cilium/pwru prints it in text only): key and value in hex, cut at 256 bytes. */
static void add_bpfmap(struct jw *w, const struct pwru_bpfmap *m)
{
	jw_key(w, "bpfmap");
	jw_obj_open(w);
	jw_kv_u64(w, "id", m->id);
	jw_key(w, "name");
	jw_strn(w, m->name, strnlen(m->name, sizeof(m->name)));
	jw_kv_u64(w, "key_size", m->key_size);
	jw_kv_u64(w, "value_size", m->value_size);
	jw_key(w, "key");
	jw_hex(w, m->key, m->key_size);
	if (m->has_value) {
		jw_key(w, "value");
		jw_hex(w, m->value, m->value_size);
	}
	jw_obj_close(w);
}

void output_json_event(struct obuf *b, const struct output_cfg *c, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	struct jw w;

	jw_init(&w, b);
	jw_obj_open(&w);
	/* cilium/pwru's keys */
	jw_key(&w, "skb");
	put_hex_str(&w, e->skb);
	jw_kv_u64_omitempty(&w, "cpu", e->cpu);
	add_process(&w, r);
	jw_kv_str(&w, "func", r->func);
	if (c->caller && r->caller[0])
		jw_kv_str(&w, "caller_func", r->caller);
	add_time(&w, c, r);
	if (c->meta)
		add_meta(&w, r);
	if (c->cb && (r->ev->flags & PWRU_EV_CB)) {
		jw_key(&w, "cb");
		jw_arr_open(&w);
		for (int i = 0; i < 5; i++)
			jw_u64(&w, r->ev->cb[i]);
		jw_arr_close(&w);
	}
	if (c->netns_names && r->netns_name)
		jw_kv_str(&w, "netns_name", r->netns_name);
	if (c->tuple)
		add_tuple(&w, c, e);
	if (c->tunnel) { /* --output-tunnel: the packet inside the encapsulation */
		jw_key(&w, "tunnel_tuple");
		add_tuple_obj(&w, c, &e->tunnel, e->flags & PWRU_EV_TUNNEL);
	}
	if (r->n_stack)
		add_stack_string(&w, r);
	if (r->skb_str)
		jw_kv_str(&w, "skb_metadata", r->skb_str);
	if (r->shinfo_str)
		jw_kv_str(&w, "skb_shared_info", r->shinfo_str);
	/* ours */
	jw_kv_u64(&w, "pid", e->pid);
	jw_key(&w, "comm");
	jw_strn(&w, e->comm, strnlen(e->comm, PWRU_COMM_LEN));
	jw_kv_u64(&w, "ifindex", e->ifindex);
	jw_kv_str(&w, "ifname", r->ifname);
	if (c->timestamp == TS_WALLCLOCK) {
		jw_key(&w, "ts");
		jw_i64(&w, r->ts_ns);
	}
	if (e->flags & PWRU_EV_DROP)
		add_drop(&w, r);
	if (e->flags & PWRU_EV_RET)
		add_return(&w, r);
	if (r->pod)
		add_pod(&w, r->pod);
	if (r->n_stack)
		add_stack_frames(&w, r);
	if (e->flags & PWRU_EV_TRACKED) {
		jw_key(&w, "tracked");
		jw_bool(&w, true);
	}
	if (e->flags & PWRU_EV_STACKID)
		jw_kv_str(&w, "tracked_by", "stackid");
	if (r->bpfmap)
		add_bpfmap(&w, r->bpfmap);
	if (r->n_meta)
		add_metadata(&w, r);
	jw_obj_close(&w);
	put_char(b, '\n');
	obuf_event_end(b);
}

/* The path summary's rows in the order shown, with the same folded path as the text. */
static void add_paths(struct jw *w, const struct path_summary *p, size_t shown)
{
	char path[4096];

	jw_key(w, "paths");
	jw_arr_open(w);
	for (size_t i = 0; i < shown && i < p->n_rows; i++) {
		const struct path_row *row = &p->rows[i];

		paths_format(p, row, path, sizeof(path));
		jw_obj_open(w);
		jw_kv_u64(w, "count", row->count);
		jw_kv_str(w, "end", path_end_name(row->end));
		if (row->end == PATH_DROPPED) {
			jw_kv_str(w, "reason", row->reason);
			jw_kv_str(w, "site", row->site);
		}
		jw_kv_str(w, "path", path);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_kv_u64(w, "paths_skbs", p->skbs);
	jw_kv_u64(w, "paths_distinct", p->n_rows);
	jw_kv_u64(w, "paths_other", p->other);
	jw_kv_u64(w, "paths_untracked", p->untracked);
}

void output_json_summary(struct obuf *b, uint64_t events, const struct kernel_counts *k,
			 const struct drop_summary *s, const struct path_summary *paths,
			 size_t paths_shown)
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
	if (paths)
		add_paths(&w, paths, paths_shown);
	jw_obj_close(&w);
	jw_obj_close(&w);
	put_char(b, '\n');
	obuf_commit_raw(b);
}
