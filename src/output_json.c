// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output: one object per line, built with cJSON so that every string
 * (process names, pod names) is escaped in one place. Schema: docs/json-output.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "output.h"
#include "pods.h"
#include "summary.h"
#include "events.h"

static void add_tuple(cJSON *o, const struct output_cfg *c, const struct pwru_tuple *t)
{
	char sa[64], da[64], pb[8], flags[48];
	cJSON *j = cJSON_AddObjectToObject(o, "tuple");

	format_addr_plain(t->l3, t->saddr, sa, sizeof(sa));
	format_addr_plain(t->l3, t->daddr, da, sizeof(da));
	cJSON_AddStringToObject(j, "saddr", sa);
	cJSON_AddStringToObject(j, "daddr", da);
	cJSON_AddNumberToObject(j, "sport", t->sport);
	cJSON_AddNumberToObject(j, "dport", t->dport);
	cJSON_AddStringToObject(j, "l4proto", l4proto_name(t->l4proto, pb, sizeof(pb)));
	if (c->tcp_flags && t->l4proto == 6) {
		format_tcp_flags(t->tcp_flags, flags, sizeof(flags));
		cJSON_AddStringToObject(j, "tcp_flags", flags);
	}
}

static void add_pod(cJSON *o, const struct pod_ref *p)
{
	cJSON *j = cJSON_AddObjectToObject(o, "pod");

	cJSON_AddStringToObject(j, "namespace", p->namespace_);
	cJSON_AddStringToObject(j, "name", p->name);
	cJSON_AddStringToObject(j, "uid", p->uid);
	if (p->container[0])
		cJSON_AddStringToObject(j, "container", p->container);
}

static void add_drop(cJSON *o, const struct record *r)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", r->ev->drop_reason);
	cJSON_AddStringToObject(o, "drop_reason", r->drop_reason ? r->drop_reason : num);
	cJSON_AddNumberToObject(o, "drop_reason_code", r->ev->drop_reason);
	if (r->drop_site[0])
		cJSON_AddStringToObject(o, "drop_site", r->drop_site);
}

static void add_stack(cJSON *o, const struct record *r)
{
	cJSON *a = cJSON_AddArrayToObject(o, "stack");

	for (int i = 0; i < r->n_stack; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->stack[i]));
}

static void add_meta(cJSON *o, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	char proto[8];

	cJSON_AddNumberToObject(o, "netns", e->netns);
	cJSON_AddNumberToObject(o, "mark", e->mark);
	cJSON_AddNumberToObject(o, "ifindex", e->ifindex);
	cJSON_AddStringToObject(o, "ifname", r->ifname);
	cJSON_AddNumberToObject(o, "len", e->len);
	cJSON_AddNumberToObject(o, "mtu", e->mtu);
	snprintf(proto, sizeof(proto), "0x%04x", e->proto);
	cJSON_AddStringToObject(o, "proto", proto);
}

static cJSON *record_to_json(const struct output_cfg *c, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	cJSON *o = cJSON_CreateObject();
	char buf[64], comm[PWRU_COMM_LEN + 1];

	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)e->skb);
	cJSON_AddStringToObject(o, "skb", buf);
	cJSON_AddNumberToObject(o, "cpu", e->cpu);
	cJSON_AddNumberToObject(o, "pid", e->pid);
	memcpy(comm, e->comm, PWRU_COMM_LEN);
	comm[PWRU_COMM_LEN] = '\0';
	cJSON_AddStringToObject(o, "process", comm);
	cJSON_AddStringToObject(o, "func", r->func);
	if (c->timestamp != TS_NONE)
		cJSON_AddNumberToObject(o, "ts", (double)r->ts_ns);
	add_meta(o, r);
	if (e->flags & PWRU_EV_TUPLE)
		add_tuple(o, c, &e->tuple);
	if (e->flags & PWRU_EV_DROP)
		add_drop(o, r);
	if (r->pod)
		add_pod(o, r->pod);
	if (c->caller && r->caller[0])
		cJSON_AddStringToObject(o, "caller", r->caller);
	if (r->n_stack)
		add_stack(o, r);
	if (r->skb_str)
		cJSON_AddStringToObject(o, "skb_str", r->skb_str);
	if (e->flags & PWRU_EV_TRACKED)
		cJSON_AddBoolToObject(o, "tracked", 1);
	if (r->n_meta) {
		cJSON *m = cJSON_AddObjectToObject(o, "metadata");

		for (int i = 0; i < r->n_meta; i++)
			cJSON_AddItemToObject(m, r->meta[i].name,
					      r->meta[i].number ?
						      cJSON_CreateRaw(r->meta[i].value) :
						      cJSON_CreateString(r->meta[i].value));
	}
	return o;
}

static int print_json(FILE *f, cJSON *o)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;
	int ret = 0;

	if (!s)
		ret = -ENOMEM;
	else if (fputs(s, f) < 0 || fputc('\n', f) < 0)
		ret = -EIO;
	free(s);
	cJSON_Delete(o);
	return ret;
}

int output_json_event(FILE *f, const struct output_cfg *c, const struct record *r)
{
	return print_json(f, record_to_json(c, r));
}

int output_json_summary(FILE *f, uint64_t events, const struct kernel_counts *k,
			const struct drop_summary *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *sum = cJSON_AddObjectToObject(o, "summary");
	cJSON *drops = cJSON_AddArrayToObject(sum, "drops");

	cJSON_AddNumberToObject(sum, "events", (double)events);
	cJSON_AddNumberToObject(sum, "lost", (double)k->lost);
	cJSON_AddNumberToObject(sum, "kernel_matched", (double)k->matched);
	cJSON_AddNumberToObject(sum, "kernel_emitted", (double)k->emitted);
	cJSON_AddNumberToObject(sum, "drops_total", (double)s->total);
	for (size_t i = 0; i < s->n; i++) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "reason", s->rows[i].reason);
		cJSON_AddStringToObject(d, "site", s->rows[i].site);
		cJSON_AddNumberToObject(d, "netns", s->rows[i].netns);
		if (s->rows[i].pod[0])
			cJSON_AddStringToObject(d, "pod", s->rows[i].pod);
		cJSON_AddNumberToObject(d, "count", (double)s->rows[i].count);
		cJSON_AddItemToArray(drops, d);
	}
	return print_json(f, o);
}
