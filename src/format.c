// SPDX-License-Identifier: GPL-2.0
/* Formatting shared by the text and JSON outputs. */
#include <arpa/inet.h>
#include <stdio.h>
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
	c->timestamp = o->timestamp;
	c->pods = o->filter_pod.n > 0 || o->filter_pod_label.n > 0 || o->cri_endpoint;
}

const char *l4proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmp6";
	case 132:
		return "sctp";
	case 47:
		return "gre";
	case 50:
		return "esp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

void format_addr_plain(uint8_t l3, const uint8_t *a, char *buf, size_t len)
{
	if (!inet_ntop(l3 == 4 ? AF_INET : AF_INET6, a, buf, len))
		snprintf(buf, len, "?");
}

static void format_addr(const struct pwru_tuple *t, const uint8_t *a, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	format_addr_plain(t->l3, a, s, sizeof(s));
	snprintf(buf, len, t->l3 == 4 ? "%s" : "[%s]", s);
}

void format_tuple(const struct pwru_tuple *t, char *buf, size_t len)
{
	char sa[64], da[64], pb[8];

	format_addr(t, t->saddr, sa, sizeof(sa));
	format_addr(t, t->daddr, da, sizeof(da));
	snprintf(buf, len, "%s:%u->%s:%u(%s)", sa, t->sport, da, t->dport,
		 l4proto_name(t->l4proto, pb, sizeof(pb)));
}

void format_tcp_flags(uint8_t flags, char *buf, size_t len)
{
	static const char *const names[] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"
	};
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 8; i++) {
		if (!(flags & (1 << i)))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "|" : "",
				 names[i]);
	}
}

void format_timestamp(const struct output_cfg *c, int64_t ts_ns, char *buf, size_t len)
{
	time_t sec = ts_ns / 1000000000;
	struct tm tm;

	if (c->timestamp == TS_RELATIVE) {
		snprintf(buf, len, "%lld", (long long)ts_ns);
		return;
	}
	localtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long)(ts_ns % 1000000000) / 1000);
}
