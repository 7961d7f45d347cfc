// SPDX-License-Identifier: GPL-2.0
/*
 * User space's share of the event budget: decode, enrich and print N
 * synthetic events (the kernel is not involved), text, JSON and
 * --output-pcap's blocks (256 bytes of packet each), to /dev/null. Prints
 * events/s for each, by the wall clock and by the CPU time this process got
 * (the second stays meaningful on a busy machine).
 *
 * The "drop flood" rows do all the reader does for each event of the
 * bench's kernel flood: four tracepoints an skb, the last a kfree_skb with
 * its reason (vmlinux BTF) and site (/proc/kallsyms), counted in the drop
 * and path summaries before it is printed.
 */
#include <fcntl.h>
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

static void drop_flood(int n, bool json, uint32_t netns, struct obuf *out)
{
	struct probe p[4] = {
		{ .name = "netif_receive_skb_list_entry", .group = "net", .kind = PROBE_TP },
		{ .name = "netif_receive_skb", .group = "net", .kind = PROBE_TP },
		{ .name = "udp_fail_queue_rcv_skb", .group = "udp", .kind = PROBE_TP },
		{ .name = "kfree_skb", .group = "skb", .kind = PROBE_TP },
	};
	struct probe_list pl = { .v = p, .n = 4 };
	struct output_cfg cfg = { .meta = true, .tuple = true };
	struct text_widths widths = { 0 };
	struct drop_summary drops = { 0 };
	struct path_summary paths;
	struct enricher en = { 0 };
	struct btf *vmlinux = btf__load_vmlinux_btf();
	uint64_t site = 0;
	struct pwru_event e;
	struct record r;
	double t0, c0;

	enricher_init(&en, &pl, &cfg);
	en.ifnames = ifnames_new("/");
	en.procs = json ? proc_names_new("/") : NULL;
	if (!ksyms_load("/proc/kallsyms", &en.ksyms))
		site = ksyms_addr(en.ksyms, "udp_queue_rcv_one_skb");
	if (vmlinux)
		drop_reasons_load(vmlinux, &en.reasons);
	paths_init(&paths, (const char(*)[256])en.func_names, pl.n, UINT32_MAX, UINT32_MAX, true);
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (int i = 0; i < n; i++) {
		drop_flood_event(&e, i, netns, site ? site + 0x437 : 0);
		enrich_record(&en, &e, sizeof(e), &r);
		drop_summary_add(&drops, &r);
		paths_add(&paths, &r);
		if (json)
			output_json_event(out, &cfg, &r);
		else
			output_text_event(out, &cfg, &widths, &r);
		if (i % 256 == 255)
			obuf_flush(out);
	}
	obuf_flush(out);
	printf("user space, %s, drop flood: %.0f events/s (%.0f per CPU second; %llu drops in %zu rows, %llu paths)\n",
	       json ? "json" : "text", n / (now(CLOCK_MONOTONIC) - t0),
	       n / (now(CLOCK_PROCESS_CPUTIME_ID) - c0), (unsigned long long)drops.total, drops.n,
	       (unsigned long long)paths.skbs);
	paths_free(&paths);
	drop_summary_free(&drops);
	drop_reasons_free(en.reasons);
	ksyms_free(en.ksyms);
	btf__free(vmlinux);
	proc_names_free(en.procs);
	ifnames_free(en.ifnames);
	enricher_fini(&en);
}

int main(int argc, char **argv)
{
	struct probe p[4] = { { .name = "netif_rx", .group = "net", .kind = PROBE_TP },
			      { .name = "netif_receive_skb", .group = "net", .kind = PROBE_TP },
			      { .name = "ip_rcv", .kind = PROBE_FUNC },
			      { .name = "consume_skb", .group = "skb", .kind = PROBE_TP } };
	struct probe_list pl = { .v = p, .n = 4 };
	struct output_cfg cfg = { .meta = true, .tuple = true };
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct obuf out;
	struct text_widths widths = { 0 };
	struct enricher en = { 0 };
	struct {
		struct pwru_event ev;
		struct pwru_pcap pp;
		uint8_t data[256];
	} sample = { .pp = { .caplen = 256, .origlen = 1500, .linktype = PWRU_PCAP_ETHERNET } };
	struct pwru_event e;
	struct pcap_writer pcap;
	struct record r;
	struct stat ns;
	uint32_t netns;

	/* Our own netns and its lo: names resolve once, as a real flood's do. */
	netns = stat("/proc/self/ns/net", &ns) ? 0 : (uint32_t)ns.st_ino;
	obuf_init(&out, null);
	enricher_init(&en, &pl, &cfg);
	en.ifnames = ifnames_new("/");
	en.procs = proc_names_new("/"); /* JSON's process: as pwru --output-json runs */
	for (int json = 0; json < 2; json++) {
		double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);

		for (int i = 0; i < n; i++) {
			fake_event(&e, i, netns);
			enrich_record(&en, &e, sizeof(e), &r);
			if (json)
				output_json_event(&out, &cfg, &r);
			else
				output_text_event(&out, &cfg, &widths, &r);
			/* as the reader does: one write per drained batch */
			if (i % 256 == 255)
				obuf_flush(&out);
		}
		obuf_flush(&out);
		printf("user space, %s: %.0f events/s (%.0f per CPU second)\n",
		       json ? "json" : "text", n / (now(CLOCK_MONOTONIC) - t0),
		       n / (now(CLOCK_PROCESS_CPUTIME_ID) - c0));
	}
	drop_flood(n, false, netns, &out);
	drop_flood(n, true, netns, &out);
	pcap_writer_init(&pcap, null, 256);
	{
		double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);

		for (int i = 0; i < n; i++) {
			fake_event(&sample.ev, i, netns);
			sample.ev.flags |= PWRU_EV_PCAP;
			enrich_record(&en, &sample, sizeof(sample), &r);
			pcap_write_record(&pcap, &r);
			if (i % 256 == 255)
				obuf_flush(&pcap.out);
		}
		obuf_flush(&pcap.out);
		printf("user space, pcap alone: %.0f packets/s (%.0f per CPU second)\n",
		       n / (now(CLOCK_MONOTONIC) - t0), n / (now(CLOCK_PROCESS_CPUTIME_ID) - c0));
	}
	pcap.out.fd = -1; /* /dev/null is closed below */
	pcap_writer_close(&pcap);
	proc_names_free(en.procs);
	ifnames_free(en.ifnames);
	enricher_fini(&en);
	obuf_free(&out);
	close(null);
	return 0;
}
