// SPDX-License-Identifier: GPL-2.0
/* Text output: cilium/pwru's columns, one line per event. */
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "pods.h"

void output_text_header(FILE *f, const struct output_cfg *c)
{
	fprintf(f, "%-18s %-3s %-22s", "SKB", "CPU", "PROCESS");
	if (c->timestamp != TS_NONE)
		fprintf(f, " %-16s", "TIMESTAMP");
	if (c->pods)
		fprintf(f, " %-24s", "POD");
	if (c->meta)
		fprintf(f, " %-10s %-10s %-16s %-6s %-5s %-5s", "NETNS", "MARK", "IFACE", "PROTO",
			"MTU", "LEN");
	if (c->tuple)
		fprintf(f, " %s", "TUPLE");
	fprintf(f, " %s", "FUNC");
	if (c->caller)
		fprintf(f, " %s", "CALLER");
	fputc('\n', f);
}

/* Names from user space or the runtime may carry anything: keep the columns intact. */
static void printable(char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '?';
	}
}

static void print_process(FILE *f, const struct pwru_event *e)
{
	char comm[PWRU_COMM_LEN + 1], proc[48];

	memcpy(comm, e->comm, PWRU_COMM_LEN);
	comm[PWRU_COMM_LEN] = '\0';
	printable(comm);
	snprintf(proc, sizeof(proc), "%s(%u)", comm[0] ? comm : "<empty>", e->pid);
	fprintf(f, " %-22s", proc);
}

static void print_meta(FILE *f, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	char iface[40];

	snprintf(iface, sizeof(iface), "%s:%u", r->ifname[0] ? r->ifname : "", e->ifindex);
	fprintf(f, " %-10u 0x%-8x %-16s 0x%04x %-5u %-5u", e->netns, e->mark, iface, e->proto,
		e->mtu, e->len);
}

static void print_tuple(FILE *f, const struct output_cfg *c, const struct pwru_event *e)
{
	char t[160], flags[48];

	if (!(e->flags & PWRU_EV_TUPLE)) {
		fprintf(f, " %s", "-");
		return;
	}
	format_tuple(&e->tuple, t, sizeof(t));
	if (c->tcp_flags && e->tuple.l4proto == 6) {
		format_tcp_flags(e->tuple.tcp_flags, flags, sizeof(flags));
		fprintf(f, " %s[%s]", t, flags);
		return;
	}
	fprintf(f, " %s", t);
}

static void print_func(FILE *f, const struct record *r)
{
	fprintf(f, " %s", r->func);
	if (r->ev->flags & PWRU_EV_DROP) {
		if (r->drop_reason)
			fprintf(f, "(%s)", r->drop_reason);
		else
			fprintf(f, "(%u)", r->ev->drop_reason);
		if (r->drop_site[0])
			fprintf(f, " %s", r->drop_site);
	}
}

void output_text_event(FILE *f, const struct output_cfg *c, const struct record *r)
{
	const struct pwru_event *e = r->ev;

	fprintf(f, "0x%016llx %-3u", (unsigned long long)e->skb, e->cpu);
	print_process(f, e);
	if (c->timestamp != TS_NONE) {
		char ts[40];

		format_timestamp(c, r->ts_ns, ts, sizeof(ts));
		fprintf(f, " %-16s", ts);
	}
	if (c->pods) {
		char pod[336] = "-";

		if (r->pod)
			snprintf(pod, sizeof(pod), "%s/%s", r->pod->namespace_, r->pod->name);
		printable(pod);
		fprintf(f, " %-24s", pod);
	}
	if (c->meta)
		print_meta(f, r);
	if (c->tuple)
		print_tuple(f, c, e);
	print_func(f, r);
	for (int i = 0; i < r->n_meta; i++)
		fprintf(f, " %s=%s", r->meta[i].name, r->meta[i].value);
	if (c->caller)
		fprintf(f, " %s", r->caller[0] ? r->caller : "-");
	fputc('\n', f);
	for (int i = 0; i < r->n_stack; i++)
		fprintf(f, "%s\n", r->stack[i]);
	if (r->skb_str)
		fprintf(f, "%s\n", r->skb_str);
}
