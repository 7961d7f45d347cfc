// SPDX-License-Identifier: GPL-2.0
/* Formatting shared by the text and JSON outputs. */
#include <string.h>
#include <time.h>

#include "output.h"

void output_cfg_from_options(struct output_cfg *c, const struct options *o)
{
	memset(c, 0, sizeof(*c));
	c->meta = o->output_meta;
	c->tuple = o->output_tuple;
	c->stack = o->output_stack;
	c->caller = o->output_caller;
	c->tcp_flags = o->output_tcp_flags;
	c->skb = o->output_skb;
	c->shinfo = o->output_shinfo;
	c->dump_len = o->set_percpu_buf;
	c->timestamp = o->timestamp;
	c->netns_names = o->output_netns_names ? o->netns_names_max_length : 0;
	c->cb = o->output_meta && (o->output_skb_cb || o->filter_trace_tc);
	c->pods = o->filter_pod.n > 0 || o->filter_pod_label.n > 0 || o->cri_endpoint;
	c->tunnel = o->output_tunnel;
}

void put_l4proto(struct obuf *b, uint8_t proto)
{
	switch (proto) {
	case 1:
		put_lit(b, "icmp");
		return;
	case 6:
		put_lit(b, "tcp");
		return;
	case 17:
		put_lit(b, "udp");
		return;
	case 58:
		put_lit(b, "icmp6");
		return;
	case 132:
		put_lit(b, "sctp");
		return;
	case 47:
		put_lit(b, "gre");
		return;
	case 50:
		put_lit(b, "esp");
		return;
	}
	put_u64(b, proto);
}

void put_addr(struct obuf *b, uint8_t l3, const uint8_t *a)
{
	if (l3 == 4)
		put_ipv4(b, a);
	else
		put_ipv6(b, a);
}

void put_tuple(struct obuf *b, const struct pwru_tuple *t)
{
	bool v6 = t->l3 != 4;

	if (v6)
		put_char(b, '[');
	put_addr(b, t->l3, t->saddr);
	if (v6)
		put_char(b, ']');
	put_char(b, ':');
	put_u64(b, t->sport);
	put_lit(b, "->");
	if (v6)
		put_char(b, '[');
	put_addr(b, t->l3, t->daddr);
	if (v6)
		put_char(b, ']');
	put_char(b, ':');
	put_u64(b, t->dport);
	put_char(b, '(');
	put_l4proto(b, t->l4proto);
	put_char(b, ')');
}

void put_tcp_flags(struct obuf *b, uint8_t flags)
{
	static const char names[8][4] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	bool first = true;

	for (int i = 0; i < 8; i++) {
		if (!(flags & (1 << i)))
			continue;
		if (!first)
			put_char(b, '|');
		put_mem(b, names[i], 3);
		first = false;
	}
}

/* --timestamp wallclock's column, ours: "15:04:05.123456" in local time. */
static void put_wallclock(struct obuf *b, int64_t ts_ns)
{
	time_t sec = ts_ns / 1000000000;
	long usec = (long)(ts_ns % 1000000000) / 1000;
	struct tm tm;

	localtime_r(&sec, &tm);
	put_dec2(b, (unsigned)tm.tm_hour);
	put_char(b, ':');
	put_dec2(b, (unsigned)tm.tm_min);
	put_char(b, ':');
	put_dec2(b, (unsigned)tm.tm_sec);
	put_char(b, '.');
	/* printf's "%06ld": six places, the sign of a pre-1970 remainder among them */
	if (usec < 0) {
		put_char(b, '-');
		put_udec_zpad(b, (uint64_t)-usec, 5);
		return;
	}
	put_udec_zpad(b, (uint64_t)usec, 6);
}

void put_timestamp(struct obuf *b, const struct output_cfg *c, int64_t ts_ns)
{
	if (c->timestamp == TS_WALLCLOCK)
		put_wallclock(b, ts_ns);
	else
		put_i64(b, ts_ns);
}

void put_abs_time(struct obuf *b, int64_t wall_ns)
{
	time_t sec = wall_ns / 1000000000;
	struct tm tm;

	if (wall_ns < 0)
		sec = 0;
	localtime_r(&sec, &tm);
	put_udec_zpad(b, (uint64_t)tm.tm_year + 1900, 4);
	put_char(b, '-');
	put_dec2(b, (unsigned)tm.tm_mon + 1);
	put_char(b, '-');
	put_dec2(b, (unsigned)tm.tm_mday);
	put_char(b, 'T');
	put_dec2(b, (unsigned)tm.tm_hour);
	put_char(b, ':');
	put_dec2(b, (unsigned)tm.tm_min);
	put_char(b, ':');
	put_dec2(b, (unsigned)tm.tm_sec);
	put_char(b, '.');
	put_udec_zpad(b, wall_ns < 0 ? 0 : (uint64_t)(wall_ns % 1000000000) / 1000000, 3);
}
