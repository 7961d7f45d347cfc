// SPDX-License-Identifier: GPL-2.0
/*
 * Text output: cilium/pwru's columns, one line per event, written field by
 * field into the batch buffer (printf's parsing cost more than the rest of
 * the reader together).
 */
#include <string.h>

#include "output.h"
#include "pods.h"

static void put_col(struct obuf *b, const char *s, size_t width)
{
	size_t start = b->len;

	put_char(b, ' ');
	put_str(b, s);
	put_pad(b, start, width + 1);
}

/* Names from user space or the runtime may carry anything: keep the columns intact. */
static void put_printable(struct obuf *b, const char *s, size_t n)
{
	if (!obuf_room(b, n))
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		b->buf[b->len++] = c <= ' ' || c == 0x7f ? '?' : (char)c;
	}
}

/* cilium/pwru's NETNS NAME column: cut to the width, centred in it, no leading space. */
static void put_centered(struct obuf *b, const char *s, size_t n, size_t width, bool untrusted)
{
	size_t left;

	if (n > width)
		n = width;
	left = (width - n) / 2;
	for (size_t i = 0; i < left; i++)
		put_char(b, ' ');
	if (untrusted)
		put_printable(b, s, n);
	else
		put_mem(b, s, n);
	for (size_t i = left + n; i < width; i++)
		put_char(b, ' ');
}

/* cilium/pwru's form: [0x0000ABCD,...], five words of eight upper-case digits. */
static void put_cb(struct obuf *b, const struct pwru_event *e)
{
	static const char digits[] = "0123456789ABCDEF";

	put_lit(b, " [");
	for (int i = 0; i < 5; i++) {
		uint32_t v = e->flags & PWRU_EV_CB ? e->cb[i] : 0;

		if (i)
			put_char(b, ',');
		put_lit(b, "0x");
		for (int shift = 28; shift >= 0; shift -= 4)
			put_char(b, digits[(v >> shift) & 0xf]);
	}
	put_char(b, ']');
}

void output_text_header(struct obuf *b, const struct output_cfg *c)
{
	if (c->timestamp == TS_ABSOLUTE)
		put_lit(b, "TIME                    ");
	put_lit(b, "SKB                CPU PROCESS               ");
	if (c->timestamp != TS_NONE)
		put_col(b, "TIMESTAMP", 16);
	if (c->pods)
		put_col(b, "POD", 24);
	if (c->meta)
		put_lit(b, " NETNS      MARK       IFACE            PROTO  MTU   LEN  ");
	if (c->cb) /* as wide as the five words below */
		put_lit(b, " __sk_buff->cb[]                                         ");
	if (c->netns_names)
		put_centered(b, "NETNS NAME", strlen("NETNS NAME"), c->netns_names, false);
	if (c->tuple)
		put_lit(b, " TUPLE");
	put_lit(b, " FUNC");
	if (c->caller)
		put_lit(b, " CALLER");
	if (c->tunnel)
		put_lit(b, " TUNNEL");
	put_char(b, '\n');
	obuf_commit_raw(b);
}

static void put_process(struct obuf *b, const struct pwru_event *e)
{
	size_t start = b->len, n = strnlen(e->comm, PWRU_COMM_LEN);

	put_char(b, ' ');
	if (n)
		put_printable(b, e->comm, n);
	else
		put_lit(b, "<empty>");
	put_char(b, '(');
	put_u64(b, e->pid);
	put_char(b, ')');
	put_pad(b, start, 23);
}

static void put_u64_col(struct obuf *b, uint64_t v, size_t width)
{
	size_t start = b->len;

	put_char(b, ' ');
	put_u64(b, v);
	put_pad(b, start, width + 1);
}

static void put_meta(struct obuf *b, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	size_t start;

	put_u64_col(b, e->netns, 10);
	start = b->len;
	put_lit(b, " 0x");
	put_hex(b, e->mark, 1);
	put_pad(b, start, 11);
	start = b->len;
	put_char(b, ' ');
	/* an skb that has no device yet */
	if (!e->ifindex) {
		put_char(b, '-');
	} else {
		put_str(b, r->ifname);
		put_char(b, ':');
		put_u64(b, e->ifindex);
	}
	/* cut as cilium/pwru cuts it: the last 16 bytes behind a '~' */
	if (b->len - start - 1 > 16) {
		memmove(b->buf + start + 1, b->buf + b->len - 16, 16);
		b->len = start + 17;
		b->buf[start + 1] = '~';
	}
	put_pad(b, start, 17);
	put_lit(b, " 0x");
	put_hex(b, e->proto, 4);
	put_u64_col(b, e->mtu, 5);
	put_u64_col(b, e->len, 5);
}

/* Pads from start to the widest width seen so far, which it updates. */
static void put_pad_widest(struct obuf *b, size_t start, size_t *widest)
{
	if (b->len - start > *widest)
		*widest = b->len - start;
	put_pad(b, start, *widest);
}

/* "198.18.0.1:40000->198.18.0.2:80(tcp:SYN|ACK)", flags as cilium/pwru prints them, or "-" */
static void put_tuple_text(struct obuf *b, const struct output_cfg *c, const struct pwru_tuple *t,
			   bool present)
{
	if (!present) {
		put_char(b, '-');
	} else if (c->tcp_flags && t->l4proto == 6 && t->tcp_flags) {
		put_tuple(b, t);
		b->len--; /* the ')' */
		put_char(b, ':');
		put_tcp_flags(b, t->tcp_flags);
		put_char(b, ')');
	} else {
		put_tuple(b, t);
	}
}

static void put_tuple_col(struct obuf *b, const struct output_cfg *c, struct text_widths *w,
			  const struct pwru_event *e)
{
	size_t start = b->len;

	put_char(b, ' ');
	put_tuple_text(b, c, &e->tuple, e->flags & PWRU_EV_TUPLE);
	put_pad_widest(b, start, &w->tuple);
}

/* "ip_route_input_slow returned -113 (-EHOSTUNREACH) after 5130 ns" */
static void put_return(struct obuf *b, const struct record *r)
{
	put_lit(b, " returned ");
	if (r->ret.pointer) {
		put_lit(b, "0x");
		put_hex(b, (uint64_t)r->ret.value, 1);
	} else if (r->ret.value < 0) {
		put_char(b, '-');
		put_u64(b, -(uint64_t)r->ret.value);
	} else {
		put_u64(b, (uint64_t)r->ret.value);
	}
	if (r->ret.name) {
		put_lit(b, " (");
		put_str(b, r->ret.name);
		put_char(b, ')');
	}
	if (r->ret_duration_ns >= 0) {
		put_lit(b, " after ");
		put_u64(b, (uint64_t)r->ret_duration_ns);
		put_lit(b, " ns");
	}
}

static void put_func(struct obuf *b, const struct record *r)
{
	put_char(b, ' ');
	put_str(b, r->func);
	if (r->ev->flags & PWRU_EV_RET) {
		put_return(b, r);
		return;
	}
	if (!(r->ev->flags & PWRU_EV_DROP))
		return;
	put_char(b, '(');
	if (r->drop_reason)
		put_str(b, r->drop_reason);
	else
		put_u64(b, r->ev->drop_reason);
	put_char(b, ')');
	if (r->drop_site[0]) {
		put_char(b, ' ');
		put_str(b, r->drop_site);
	}
}

static void put_pod(struct obuf *b, const struct pod_ref *pod)
{
	size_t start = b->len;

	put_char(b, ' ');
	if (pod) {
		put_printable(b, pod->namespace_,
			      strnlen(pod->namespace_, sizeof(pod->namespace_)));
		put_char(b, '/');
		put_printable(b, pod->name, strnlen(pod->name, sizeof(pod->name)));
	} else {
		put_char(b, '-');
	}
	put_pad(b, start, 25);
}

/* Go's hex.Dump, as cilium/pwru prints keys and values: 16 bytes a line. */
static void put_hex_dump(struct obuf *b, const uint8_t *p, size_t n)
{
	for (size_t line = 0; line < n; line += 16) {
		size_t k;

		put_hex(b, line, 8);
		put_str(b, "  ");
		for (k = 0; k < 16; k++) {
			if (line + k < n) {
				put_hex(b, p[line + k], 2);
				put_char(b, ' ');
			} else {
				put_str(b, "   ");
			}
			if (k == 7)
				put_char(b, ' ');
		}
		put_str(b, " |");
		for (k = 0; k < 16 && line + k < n; k++)
			put_char(b,
				 p[line + k] >= 32 && p[line + k] <= 126 ? (char)p[line + k] : '.');
		put_str(b, "|\n");
	}
}

/* --output-bpfmap, after the event line, in cilium/pwru's layout. */
static void put_bpfmap(struct obuf *b, const struct pwru_bpfmap *m)
{
	size_t ks = m->key_size < PWRU_BPFMAP_DATA_MAX ? m->key_size : PWRU_BPFMAP_DATA_MAX;
	size_t vs = m->value_size < PWRU_BPFMAP_DATA_MAX ? m->value_size : PWRU_BPFMAP_DATA_MAX;

	put_str(b, "map_id: ");
	put_u64(b, m->id);
	put_str(b, "\nmap_name: ");
	put_mem(b, m->name, strnlen(m->name, sizeof(m->name)));
	put_str(b, "\nkey(");
	put_u64(b, m->key_size);
	put_str(b, "):\n");
	put_hex_dump(b, m->key, ks);
	put_str(b, "value(");
	put_u64(b, m->value_size);
	put_str(b, "):\n");
	if (m->has_value)
		put_hex_dump(b, m->value, vs);
}

void output_text_event(struct obuf *b, const struct output_cfg *c, struct text_widths *w,
		       const struct record *r)
{
	const struct pwru_event *e = r->ev;

	if (c->timestamp == TS_ABSOLUTE) {
		put_abs_time(b, r->wall_ns);
		put_char(b, ' ');
	}
	put_lit(b, "0x");
	put_hex(b, e->skb, 16);
	put_u64_col(b, e->cpu, 3);
	put_process(b, e);
	if (c->timestamp != TS_NONE) {
		size_t start = b->len;

		put_char(b, ' ');
		put_timestamp(b, c, r->ts_ns);
		put_pad(b, start, 17);
	}
	if (c->pods)
		put_pod(b, r->pod);
	if (c->meta)
		put_meta(b, r);
	if (c->cb)
		put_cb(b, r->ev);
	if (c->netns_names)
		put_centered(b, r->netns_name ? r->netns_name : "",
			     r->netns_name ? strlen(r->netns_name) : 0, c->netns_names, true);
	if (c->tuple)
		put_tuple_col(b, c, w, e);
	if (c->caller) {
		size_t start = b->len;

		put_func(b, r);
		put_pad_widest(b, start, &w->func);
	} else {
		put_func(b, r);
	}
	/* --output-skb-metadata: " field=value" after FUNC, as cilium/pwru prints them */
	for (int i = 0; i < r->n_meta; i++) {
		put_char(b, ' ');
		put_str(b, r->meta[i].name);
		put_char(b, '=');
		put_str(b, r->meta[i].value);
	}
	if (c->caller) {
		put_char(b, ' ');
		put_str(b, r->caller[0] ? r->caller : "-");
	}
	/* --output-tunnel: last on the line, after CALLER as in cilium/pwru's header */
	if (c->tunnel) {
		put_char(b, ' ');
		put_tuple_text(b, c, &e->tunnel, e->flags & PWRU_EV_TUNNEL);
	}
	put_char(b, '\n');
	for (int i = 0; i < r->n_stack; i++) {
		put_str(b, r->stack[i]);
		put_char(b, '\n');
	}
	if (r->skb_str) {
		put_str(b, r->skb_str);
		put_char(b, '\n');
	}
	if (r->shinfo_str) {
		put_str(b, r->shinfo_str);
		put_char(b, '\n');
	}
	if (r->bpfmap)
		put_bpfmap(b, r->bpfmap);
	obuf_event_end(b);
}
