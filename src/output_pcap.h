/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OUTPUT_PCAP_H
#define PWRU_OUTPUT_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "output_buf.h"
#include "output_file.h"
#include "record.h"

/*
 * --output-pcap: a pcapng file (draft-ietf-opsawg-pcapng) next to the text
 * or JSON output. One section; one interface block per (netns, ifindex,
 * link type), written just before its first packet; one enhanced packet
 * block per event, whose comment says where the copy was seen. Blocks are
 * formatted into an obuf, so a batch leaves in one write(2) and a failed
 * write counts the packets lost as the text output counts its lines.
 */
struct pcap_iface {
	uint32_t netns, ifindex;
	uint16_t linktype;
};

struct pcap_writer {
	struct obuf out;
	struct out_file file; /* pcap_writer_open's: its written pages leave the page cache */
	uint32_t snaplen;
	struct pcap_iface *ifaces; /* index = the interface id packets refer to */
	size_t n_ifaces, cap_ifaces;
	size_t last; /* the last packet's interface: a burst comes from few */
};

/* Starts the section in w->out; fd -1 keeps everything in memory (tests). */
int pcap_writer_init(struct pcap_writer *w, int fd, uint32_t snaplen);
/* Creates (truncates) path and starts the section. */
int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t snaplen, char *err,
		     size_t errlen);
/* One packet; an event without bytes (r->pcap NULL) is a packet of length 0, comment kept. */
void pcap_write_record(struct pcap_writer *w, const struct record *r);
/* Flushes and closes the file. */
void pcap_writer_close(struct pcap_writer *w);

/* Block and option codes, for the writer and its tests. */
#define PCAPNG_SHB 0x0A0D0D0AU
#define PCAPNG_IDB 1U
#define PCAPNG_EPB 6U
#define PCAPNG_BYTE_ORDER_MAGIC 0x1A2B3C4DU
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_DESCRIPTION 3
#define PCAPNG_IF_TSRESOL 9
#define PCAPNG_SHB_USERAPPL 4

#endif
