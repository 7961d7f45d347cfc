// SPDX-License-Identifier: GPL-2.0
/*
 * User space's share of the event budget: decode, enrich and print N
 * synthetic events (the kernel is not involved), text, JSON and
 * --output-pcap's blocks (256 bytes of packet each), to /dev/null. Prints
 * events per CPU second for each (CPU time stays meaningful on a busy
 * machine). This VM's speed moves by up to twice from one second to the
 * next, for spells of about a second, so each workload runs ROUNDS times,
 * in turn with the others, and prints the median and the best round: the
 * best is the code's cost with the least of the host in it.
 *
 * The "drop flood" rows do all the reader does for each event of the
 * bench's kernel flood: four tracepoints an skb, the last a kfree_skb with
 * its reason (vmlinux BTF) and site (/proc/kallsyms), counted in the drop
 * and path summaries before it is printed.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "drop_reasons.h"
#include "enrich.h"
#include "ifnames.h"
#include "output.h"
#include "output_pcap.h"
#include "ksyms.h"
#include "paths.h"
#include "proc_names.h"
#include "probes.h"
#include "summary.h"

static double now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fake_event(struct pwru_event *e, int i, uint32_t netns)
{
	memset(e, 0, sizeof(*e));
	e->skb = 0xffff888100000000ULL + (uint64_t)(i & 1023) * 256;
	e->pid = 1000 + (i & 7);
	memcpy(e->comm, "udp_flood", 9);
	e->netns = netns;
	e->ifindex = 1;
	e->len = 92;
	e->mtu = 1500;
	e->proto = 0x0800;
	e->probe_id = i % 4;
	e->flags = PWRU_EV_TUPLE;
	e->tuple.l3 = 4;
	memcpy(e->tuple.saddr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(e->tuple.daddr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	e->tuple.sport = 40000;
	e->tuple.dport = 5000;
	e->tuple.l4proto = 17;
}

/* The kernel flood's skbs: list entry, receive, the full socket, the drop. */
static void drop_flood_event(struct pwru_event *e, int i, uint32_t netns, uint64_t site)
{
	fake_event(e, i / 4, netns);
	e->probe_id = i % 4;
	if (e->probe_id == 3) {
		e->flags |= PWRU_EV_DROP;
		e->drop_reason = 6; /* a reason whose name the BTF has */
		e->drop_location = site;
	}
}

#define ROUNDS 5

enum workload { TEXT, JSON, DROP_TEXT, DROP_JSON, PCAP, N_WORKLOADS };

static const char *const workload_names[N_WORKLOADS] = {
	[TEXT] = "text",
	[JSON] = "json",
	[DROP_TEXT] = "text, drop flood",
	[DROP_JSON] = "json, drop flood",
	[PCAP] = "pcap alone",
};

/* What every round of every workload shares: set up once, as pwru does. */
struct bench {
	int n;
	uint32_t netns;
	struct obuf out;
	struct pcap_writer pcap;
	struct output_cfg cfg;
	struct enricher en;	 /* the plain events' four probes */
	struct enricher drop_en; /* the kernel flood's, with reasons and sites */
	struct btf *vmlinux;
	uint64_t site;
	struct text_widths widths;
	unsigned long long drops, paths; /* of the last drop flood round */
};

static struct probe plain_probes[4] = {
	{ .name = "netif_rx", .group = "net", .kind = PROBE_TP },
	{ .name = "netif_receive_skb", .group = "net", .kind = PROBE_TP },
	{ .name = "ip_rcv", .kind = PROBE_FUNC },
	{ .name = "consume_skb", .group = "skb", .kind = PROBE_TP },
};

static struct probe drop_probes[4] = {
	{ .name = "netif_receive_skb_list_entry", .group = "net", .kind = PROBE_TP },
	{ .name = "netif_receive_skb", .group = "net", .kind = PROBE_TP },
	{ .name = "udp_fail_queue_rcv_skb", .group = "udp", .kind = PROBE_TP },
	{ .name = "kfree_skb", .group = "skb", .kind = PROBE_TP },
};

/* the enrichers keep pointers to their lists */
static struct probe_list plain_list = { .v = plain_probes, .n = 4 };
static struct probe_list drop_list = { .v = drop_probes, .n = 4 };

static void bench_init(struct bench *b, int n, int null)
{
	struct stat ns;

	memset(b, 0, sizeof(*b));
	b->n = n;
	/* Our own netns and its lo: names resolve once, as a real flood's do. */
	b->netns = stat("/proc/self/ns/net", &ns) ? 0 : (uint32_t)ns.st_ino;
	b->cfg = (struct output_cfg){ .meta = true, .tuple = true };
	obuf_init(&b->out, null);
	pcap_writer_init(&b->pcap, null, 256);
	enricher_init(&b->en, &plain_list, &b->cfg);
	b->en.ifnames = ifnames_new("/");
	b->en.procs = proc_names_new("/"); /* JSON's process: as pwru --output-json runs */
	enricher_init(&b->drop_en, &drop_list, &b->cfg);
	b->drop_en.ifnames = ifnames_new("/");
	b->drop_en.procs = proc_names_new("/");
	if (!ksyms_load("/proc/kallsyms", &b->drop_en.ksyms))
		b->site = ksyms_addr(b->drop_en.ksyms, "udp_queue_rcv_one_skb");
	b->vmlinux = btf__load_vmlinux_btf();
	if (b->vmlinux)
		drop_reasons_load(b->vmlinux, &b->drop_en.reasons);
}

static void bench_fini(struct bench *b)
{
	b->pcap.out.fd = -1; /* /dev/null is the caller's */
	pcap_writer_close(&b->pcap);
	drop_reasons_free(b->drop_en.reasons);
	ksyms_free(b->drop_en.ksyms);
	btf__free(b->vmlinux);
	for (int i = 0; i < 2; i++) {
		struct enricher *en = i ? &b->drop_en : &b->en;

		proc_names_free(en->procs);
		ifnames_free(en->ifnames);
		enricher_fini(en);
	}
	obuf_free(&b->out);
}

/* event i of a round, formatted; as the reader does, one write per drained batch */
static void print_record(struct bench *b, bool json, const struct record *r, int i)
{
	if (json)
		output_json_event(&b->out, &b->cfg, r);
	else
		output_text_event(&b->out, &b->cfg, &b->widths, r);
	if (i % 256 == 255 || i == b->n - 1)
		obuf_flush(&b->out);
}

static void plain_round(struct bench *b, bool json)
{
	struct pwru_event e;
	struct record r;

	for (int i = 0; i < b->n; i++) {
		fake_event(&e, i, b->netns);
		enrich_record(&b->en, &e, sizeof(e), &r);
		print_record(b, json, &r, i);
	}
}

/* All the reader does for each event of the kernel flood, summaries included. */
static void drop_round(struct bench *b, bool json)
{
	struct drop_summary drops = { 0 };
	struct path_summary paths;
	struct pwru_event e;
	struct record r;

	paths_init(&paths, (const char(*)[256])b->drop_en.func_names, 4, UINT32_MAX, UINT32_MAX,
		   true);
	for (int i = 0; i < b->n; i++) {
		drop_flood_event(&e, i, b->netns, b->site ? b->site + 0x437 : 0);
		enrich_record(&b->drop_en, &e, sizeof(e), &r);
		drop_summary_add(&drops, &r);
		paths_add(&paths, &r);
		print_record(b, json, &r, i);
	}
	b->drops = drops.total;
	b->paths = paths.skbs;
	paths_free(&paths);
	drop_summary_free(&drops);
}

static void pcap_round(struct bench *b)
{
	struct {
		struct pwru_event ev;
		struct pwru_pcap pp;
		uint8_t data[256];
	} sample = { .pp = { .caplen = 256, .origlen = 1500, .linktype = PWRU_PCAP_ETHERNET } };
	struct record r;

	for (int i = 0; i < b->n; i++) {
		fake_event(&sample.ev, i, b->netns);
		sample.ev.flags |= PWRU_EV_PCAP;
		enrich_record(&b->en, &sample, sizeof(sample), &r);
		pcap_write_record(&b->pcap, &r);
		if (i % 256 == 255)
			obuf_flush(&b->pcap.out);
	}
	obuf_flush(&b->pcap.out);
}

/* events per CPU second of one round of workload w */
static double run_round(struct bench *b, enum workload w)
{
	double c0 = now(CLOCK_PROCESS_CPUTIME_ID);

	switch (w) {
	case TEXT:
	case JSON:
		plain_round(b, w == JSON);
		break;
	case DROP_TEXT:
	case DROP_JSON:
		drop_round(b, w == DROP_JSON);
		break;
	default:
		pcap_round(b);
	}
	return b->n / (now(CLOCK_PROCESS_CPUTIME_ID) - c0 + 1e-9);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	double rate[N_WORKLOADS][ROUNDS];
	struct bench b;

	bench_init(&b, n, null);
	for (int round = 0; round < ROUNDS; round++) {
		for (int w = 0; w < N_WORKLOADS; w++)
			rate[w][round] = run_round(&b, w);
	}
	for (int w = 0; w < N_WORKLOADS; w++) {
		qsort(rate[w], ROUNDS, sizeof(rate[w][0]), cmp_double);
		printf("user space, %s: %.0f %s per CPU second (median), best %.0f (%d rounds of %d",
		       workload_names[w], rate[w][ROUNDS / 2], w == PCAP ? "packets" : "events",
		       rate[w][ROUNDS - 1], ROUNDS, n);
		if (w == DROP_JSON)
			printf("; %llu drops, %llu paths in a round", b.drops, b.paths);
		printf(")\n");
	}
	bench_fini(&b);
	close(null);
	return 0;
}
