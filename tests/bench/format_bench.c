// SPDX-License-Identifier: GPL-2.0
/*
 * User space's share of the event budget: decode, enrich and print N
 * synthetic events (the kernel is not involved), text and JSON, to
 * /dev/null. Prints events/s for each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich.h"
#include "ifnames.h"
#include "output.h"
#include "probes.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fake_event(struct pwru_event *e, int i)
{
	memset(e, 0, sizeof(*e));
	e->skb = 0xffff888100000000ULL + (uint64_t)(i & 1023) * 256;
	e->pid = 1000 + (i & 7);
	memcpy(e->comm, "udp_flood", 9);
	e->netns = 4026532245U;
	e->ifindex = 2;
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

int main(int argc, char **argv)
{
	struct probe p[4] = { { .name = "netif_rx", .group = "net", .kind = PROBE_TP },
			      { .name = "netif_receive_skb", .group = "net", .kind = PROBE_TP },
			      { .name = "ip_rcv", .kind = PROBE_FUNC },
			      { .name = "consume_skb", .group = "skb", .kind = PROBE_TP } };
	struct probe_list pl = { .v = p, .n = 4 };
	struct output_cfg cfg = { .meta = true, .tuple = true };
	int n = argc > 1 ? atoi(argv[1]) : 1000000;
	FILE *null = fopen("/dev/null", "w");
	struct enricher en = { 0 };
	struct pwru_event e;
	struct record r;

	setvbuf(null, NULL, _IOFBF, 1 << 20);
	enricher_init(&en, &pl, &cfg);
	en.ifnames = ifnames_new("/");
	for (int json = 0; json < 2; json++) {
		double t0 = now();

		for (int i = 0; i < n; i++) {
			fake_event(&e, i);
			enrich_record(&en, &e, sizeof(e), &r);
			if (json)
				output_json_event(null, &cfg, &r);
			else
				output_text_event(null, &cfg, &r);
		}
		printf("user space, %s: %.0f events/s\n", json ? "json" : "text", n / (now() - t0));
	}
	ifnames_free(en.ifnames);
	enricher_fini(&en);
	fclose(null);
	return 0;
}
