// SPDX-License-Identifier: GPL-2.0
/* --output-pcap: pcapng blocks, formatted by hand into the batch buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "errmsg.h"
#include "output_pcap.h"
#include "pods.h"

static void put_u16(struct obuf *b, uint16_t v)
{
	put_mem(b, &v, sizeof(v));
}

static void put_u32(struct obuf *b, uint32_t v)
{
	put_mem(b, &v, sizeof(v));
}

/* Rewrites a length written before its value was known; offsets survive a realloc. */
static void patch_u32(struct obuf *b, size_t at, uint32_t v)
{
	if (!b->grow_failed && at + sizeof(v) <= b->len)
		memcpy(b->buf + at, &v, sizeof(v));
}

static void put_pad4(struct obuf *b, size_t start)
{
	static const char zeros[4];

	put_mem(b, zeros, (4 - (b->len - start) % 4) % 4);
}

/* A block's type and a total length patched by block_end(). */
static size_t block_begin(struct obuf *b, uint32_t type)
{
	size_t start = b->len;

	put_u32(b, type);
	put_u32(b, 0);
	return start;
}

/* The trailing copy of the length, as pcapng repeats it so readers can go backwards. */
static void block_end(struct obuf *b, size_t start)
{
	uint32_t total = (uint32_t)(b->len - start + 4);

	put_u32(b, total);
	patch_u32(b, start + 4, total);
}

static void put_option(struct obuf *b, uint16_t code, const void *v, size_t len)
{
	size_t start;

	put_u16(b, code);
	put_u16(b, (uint16_t)len);
	start = b->len;
	put_mem(b, v, len);
	put_pad4(b, start);
}

static void put_opt_end(struct obuf *b)
{
	put_u16(b, PCAPNG_OPT_END);
	put_u16(b, 0);
}

/* An option whose text is written in place: returns where its length goes. */
static size_t text_option_begin(struct obuf *b, uint16_t code)
{
	size_t at;

	put_u16(b, code);
	at = b->len;
	put_u16(b, 0);
	return at;
}

static void text_option_end(struct obuf *b, size_t at)
{
	size_t len = b->len - at - 2;
	uint16_t v;

	if (len > UINT16_MAX) /* cannot happen with our short fields: keep the file readable */
		len = UINT16_MAX;
	v = (uint16_t)len;
	if (!b->grow_failed && at + 2 <= b->len)
		memcpy(b->buf + at, &v, sizeof(v));
	put_pad4(b, at + 2);
}

static void put_section_header(struct obuf *b)
{
	size_t start = block_begin(b, PCAPNG_SHB);

	put_u32(b, PCAPNG_BYTE_ORDER_MAGIC);
	put_u16(b, 1); /* version 1.0 */
	put_u16(b, 0);
	put_u32(b, 0xffffffffU); /* section length: not known in advance */
	put_u32(b, 0xffffffffU);
	put_option(b, PCAPNG_SHB_USERAPPL, "pwru", 4);
	put_opt_end(b);
	block_end(b, start);
	obuf_commit_raw(b);
}

int pcap_writer_init(struct pcap_writer *w, int fd, uint32_t snaplen)
{
	memset(w, 0, sizeof(*w));
	obuf_init(&w->out, fd);
	w->snaplen = snaplen;
	put_section_header(&w->out);
	return w->out.grow_failed ? -ENOMEM : 0;
}

int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t snaplen, char *err,
		     size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), ret;

	if (fd < 0)
		return set_err(err, errlen, -errno, "--output-pcap %s: %s", path, strerror(errno));
	ret = pcap_writer_init(w, fd, snaplen);
	if (ret) {
		close(fd);
		w->out.fd = -1;
		return set_err(err, errlen, ret, "--output-pcap %s: %s", path, strerror(-ret));
	}
	out_file_adopt(&w->file, &(struct out_file_opts){ .path = path }, fd);
	w->out.file = &w->file;
	return 0;
}

/* Named "veth-b", or "if7" when the name is not known; described by netns, ifindex and pod. */
static void put_iface_block(struct obuf *b, const struct record *r, uint16_t linktype,
			    uint32_t snaplen)
{
	const struct pwru_event *e = r->ev;
	uint8_t tsresol = 9; /* timestamps in ns */
	size_t start = block_begin(b, PCAPNG_IDB), at;

	put_u16(b, linktype);
	put_u16(b, 0);
	put_u32(b, snaplen);
	at = text_option_begin(b, PCAPNG_IF_NAME);
	if (r->ifname[0]) {
		put_str(b, r->ifname);
	} else {
		put_lit(b, "if");
		put_u64(b, e->ifindex);
	}
	text_option_end(b, at);
	at = text_option_begin(b, PCAPNG_IF_DESCRIPTION);
	put_lit(b, "netns ");
	put_u64(b, e->netns);
	put_lit(b, " ifindex ");
	put_u64(b, e->ifindex);
	if (r->pod) {
		put_lit(b, " pod ");
		put_str(b, r->pod->namespace_);
		put_char(b, '/');
		put_str(b, r->pod->name);
	}
	text_option_end(b, at);
	put_option(b, PCAPNG_IF_TSRESOL, &tsresol, 1);
	put_opt_end(b);
	block_end(b, start);
}

/* The interface id of this event's packet; a new one gets its block written first. */
static int iface_id(struct pcap_writer *w, const struct record *r, uint16_t linktype, uint32_t *id)
{
	const struct pwru_event *e = r->ev;
	struct pcap_iface *f;

	for (size_t k = 0; k < w->n_ifaces; k++) {
		size_t i = (w->last + k) % w->n_ifaces;

		f = &w->ifaces[i];
		if (f->netns == e->netns && f->ifindex == e->ifindex && f->linktype == linktype) {
			w->last = i;
			*id = (uint32_t)i;
			return 0;
		}
	}
	if (array_reserve(w->ifaces, w->cap_ifaces, w->n_ifaces + 1))
		return -ENOMEM;
	f = &w->ifaces[w->n_ifaces];
	*f = (struct pcap_iface){ .netns = e->netns, .ifindex = e->ifindex, .linktype = linktype };
	put_iface_block(&w->out, r, linktype, w->snaplen);
	if (w->out.grow_failed)
		return -ENOMEM;
	/* the block belongs to the file, not to this packet: a failed packet leaves it */
	obuf_commit_raw(&w->out);
	w->last = w->n_ifaces;
	*id = (uint32_t)w->n_ifaces++;
	return 0;
}

/* "func=ip_rcv skb=0xffff... netns=4026532385 ...": where the copy was seen. */
static void put_comment(struct obuf *b, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	size_t at = text_option_begin(b, PCAPNG_OPT_COMMENT);

	put_lit(b, "func=");
	put_str(b, r->func);
	put_lit(b, " skb=0x");
	put_hex(b, e->skb, 1);
	put_lit(b, " netns=");
	put_u64(b, e->netns);
	put_lit(b, " ifindex=");
	put_u64(b, e->ifindex);
	if (r->ifname[0]) {
		put_lit(b, " ifname=");
		put_str(b, r->ifname);
	}
	if (r->pod) {
		put_lit(b, " pod=");
		put_str(b, r->pod->namespace_);
		put_char(b, '/');
		put_str(b, r->pod->name);
	}
	if (e->flags & PWRU_EV_DROP) {
		put_lit(b, " drop_reason=");
		if (r->drop_reason)
			put_str(b, r->drop_reason);
		else
			put_u64(b, e->drop_reason);
		if (r->drop_site[0]) {
			put_lit(b, " drop_site=");
			put_str(b, r->drop_site);
		}
	}
	text_option_end(b, at);
}

void pcap_write_record(struct pcap_writer *w, const struct record *r)
{
	const struct pwru_pcap *pp = r->pcap;
	struct obuf *b = &w->out;
	uint32_t caplen = pp ? pp->caplen : 0, id;
	uint16_t linktype;
	uint64_t ts = r->wall_ns > 0 ? (uint64_t)r->wall_ns : 0;
	size_t start;

	if (b->err) {
		obuf_event_skipped(b);
		return;
	}
	/* no bytes: the link type a copy would have had, so the interface stays the same */
	if (pp)
		linktype = pp->linktype;
	else
		linktype = r->ev->flags & PWRU_EV_NO_MAC ? PWRU_PCAP_RAW : PWRU_PCAP_ETHERNET;
	if (iface_id(w, r, linktype, &id)) {
		b->grow_failed = true;
		obuf_event_end(b); /* taken back and counted as not written */
		return;
	}
	start = block_begin(b, PCAPNG_EPB);
	put_u32(b, id);
	put_u32(b, (uint32_t)(ts >> 32));
	put_u32(b, (uint32_t)ts);
	put_u32(b, caplen);
	put_u32(b, pp ? pp->origlen : 0);
	if (caplen) {
		put_mem(b, pp + 1, caplen);
		put_pad4(b, start);
	}
	put_comment(b, r);
	put_opt_end(b);
	block_end(b, start);
	obuf_event_end(b);
}

void pcap_writer_close(struct pcap_writer *w)
{
	obuf_flush(&w->out);
	if (w->out.file)
		out_file_close(w->out.file);
	else if (w->out.fd >= 0)
		close(w->out.fd);
	w->out.fd = -1;
	w->out.file = NULL;
	obuf_free(&w->out);
	free(w->ifaces);
	w->ifaces = NULL;
	w->n_ifaces = w->cap_ifaces = 0;
}
