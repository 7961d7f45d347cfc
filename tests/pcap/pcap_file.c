// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <pcap/pcap.h>

#include "packets.h"
#include "pcap_file.h"

int frames_write(const char *path, unsigned long n, unsigned long seed)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = p ? pcap_dump_open(p, path) : NULL;
	struct rng r = { .s = seed * 0x9e3779b97f4a7c15ULL + 7 };
	struct pkt pk;

	if (!d) {
		fprintf(stderr, "%s: %s\n", path, p ? pcap_geterr(p) : "pcap_open_dead failed");
		if (p)
			pcap_close(p);
		return -1;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .caplen = 0 };

		pkt_generate_clean(&r, &pk);
		h.caplen = h.len = pk.wire_len;
		pcap_dump((unsigned char *)d, &h, pk.b);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

int frames_for_each(const char *path,
		    int (*fn)(const unsigned char *data, unsigned int len, void *arg), void *arg)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *data;
	pcap_t *p = pcap_open_offline(path, errbuf);
	int ret = 0;

	if (!p) {
		fprintf(stderr, "%s\n", errbuf);
		return -1;
	}
	while (!ret && pcap_next_ex(p, &h, &data) == 1)
		ret = fn(data, h->caplen, arg);
	pcap_close(p);
	return ret;
}
