// SPDX-License-Identifier: GPL-2.0
/*
 * --output-pcap's block writer, read back by a small pcapng parser: the
 * section header, one interface block per netns/ifindex/link type, packets
 * with their bytes, times and comments; write errors counted. Also JSON's
 * "process" as cilium/pwru cuts it.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "output_pcap.h"
#include "proc_names.h"

/* An event as the ringbuf hands it over with --output-pcap: event, header, bytes. */
struct pcap_sample {
	struct pwru_event ev;
	struct pwru_pcap pp;
	uint8_t data[64];
};

static struct pcap_sample make_sample(uint32_t netns, uint32_t ifindex, uint16_t linktype,
				      uint32_t caplen)
{
	struct pcap_sample s = {};

	s.ev.skb = 0xffff888100a0b000ULL;
	s.ev.netns = netns;
	s.ev.ifindex = ifindex;
	s.ev.flags = PWRU_EV_PCAP;
	s.pp.caplen = caplen;
	s.pp.origlen = caplen + 100;
	s.pp.linktype = linktype;
	for (uint32_t i = 0; i < caplen; i++)
		s.data[i] = (uint8_t)(i + 1);
	return s;
}

static struct record make_record(const struct pcap_sample *s, const char *func, const char *ifname)
{
	struct record r = {
		.ev = &s->ev,
		.func = func,
		.ifname = ifname,
		.pcap = (s->ev.flags & PWRU_EV_PCAP) ? &s->pp : NULL,
		.wall_ns = 1136214245123456789LL,
	};

	return r;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The value of option code in [p, end), as a string; "" when absent. */
static void find_option(const uint8_t *p, const uint8_t *end, uint16_t code, char *out, size_t len)
{
	out[0] = '\0';
	while (p + 4 <= end) {
		uint16_t c = rd16(p), l = rd16(p + 2);

		if (c == PCAPNG_OPT_END)
			return;
		assert_true(p + 4 + l <= end);
		if (c == code) {
			snprintf(out, len, "%.*s", (int)l, (const char *)p + 4);
			return;
		}
		p += 4 + ((l + 3u) & ~3u);
	}
}

struct parsed {
	int n_shb, n_idb, n_epb;
	uint16_t linktype[8];
	char if_name[8][64], if_desc[8][128];
	uint8_t tsresol[8];
	uint32_t epb_if[16], caplen[16], origlen[16];
	uint64_t ts[16];
	uint8_t data0[16];
	char comment[16][256];
};

/* Walks every block, checking both length fields and the 4-byte alignment. */
static void parse(const uint8_t *b, size_t len, struct parsed *o)
{
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	while (off < len) {
		uint32_t type = rd32(b + off), total = rd32(b + off + 4);
		const uint8_t *body = b + off + 8, *end = b + off + total - 4;

		assert_true(total >= 12 && total % 4 == 0 && off + total <= len);
		assert_int_equal(rd32(b + off + total - 4), total);
		if (type == PCAPNG_SHB) {
			assert_int_equal(rd32(body), PCAPNG_BYTE_ORDER_MAGIC);
			assert_int_equal(rd16(body + 4), 1);
			o->n_shb++;
		} else if (type == PCAPNG_IDB) {
			int i = o->n_idb++;
			char v[8];

			o->linktype[i] = rd16(body);
			find_option(body + 8, end, PCAPNG_IF_NAME, o->if_name[i],
				    sizeof(o->if_name[i]));
			find_option(body + 8, end, PCAPNG_IF_DESCRIPTION, o->if_desc[i],
				    sizeof(o->if_desc[i]));
			find_option(body + 8, end, PCAPNG_IF_TSRESOL, v, sizeof(v));
			o->tsresol[i] = (uint8_t)v[0];
		} else if (type == PCAPNG_EPB) {
			int i = o->n_epb++;

			o->epb_if[i] = rd32(body);
			o->ts[i] = (uint64_t)rd32(body + 4) << 32 | rd32(body + 8);
			o->caplen[i] = rd32(body + 12);
			o->origlen[i] = rd32(body + 16);
			o->data0[i] = o->caplen[i] ? body[20] : 0;
			find_option(body + 20 + ((o->caplen[i] + 3) & ~3u), end, PCAPNG_OPT_COMMENT,
				    o->comment[i], sizeof(o->comment[i]));
		} else {
			fail_msg("unexpected block type 0x%x at %zu", type, off);
		}
		off += total;
	}
}

static void packets_carry_bytes_time_and_comment(void **state)
{
	struct pcap_writer w;
	struct parsed p;
	struct pcap_sample a = make_sample(4026532385u, 2, PWRU_PCAP_ETHERNET, 42);
	struct pcap_sample d = make_sample(4026532385u, 2, PWRU_PCAP_ETHERNET, 13);
	struct record ra = make_record(&a, "net:netif_receive_skb", "veth-b");
	struct record rd = make_record(&d, "skb:kfree_skb", "veth-b");

	d.ev.flags |= PWRU_EV_DROP;
	rd.drop_reason = "SKB_DROP_REASON_NETFILTER_DROP";
	snprintf(rd.drop_site, sizeof(rd.drop_site), "nf_hook_slow+0x9a");
	assert_int_equal(pcap_writer_init(&w, -1, 256), 0);
	pcap_write_record(&w, &ra);
	pcap_write_record(&w, &rd);
	parse((const uint8_t *)w.out.buf, w.out.len, &p);
	assert_int_equal(p.n_shb, 1);
	assert_int_equal(p.n_idb, 1); /* both on one interface */
	assert_int_equal(p.n_epb, 2);
	assert_int_equal(p.linktype[0], 1);
	assert_string_equal(p.if_name[0], "veth-b");
	assert_string_equal(p.if_desc[0], "netns 4026532385 ifindex 2");
	assert_int_equal(p.tsresol[0], 9);
	assert_int_equal(p.epb_if[1], 0);
	assert_int_equal(p.caplen[0], 42);
	assert_int_equal(p.origlen[0], 142);
	assert_int_equal(p.data0[0], 1);
	assert_int_equal(p.caplen[1], 13); /* padded to 16 in the file */
	assert_true(p.ts[0] == 1136214245123456789ULL);
	assert_string_equal(p.comment[0], "func=net:netif_receive_skb skb=0xffff888100a0b000 "
					  "netns=4026532385 ifindex=2 ifname=veth-b");
	assert_string_equal(p.comment[1],
			    "func=skb:kfree_skb skb=0xffff888100a0b000 netns=4026532385 ifindex=2 "
			    "ifname=veth-b drop_reason=SKB_DROP_REASON_NETFILTER_DROP "
			    "drop_site=nf_hook_slow+0x9a");
	assert_int_equal(w.out.n_ends, 2); /* two packets; the headers are no event */
	pcap_writer_close(&w);
}

/* netns, ifindex and link type each make a new interface; a known one is reused. */
static void one_interface_per_netns_ifindex_and_link_type(void **state)
{
	struct pcap_writer w;
	struct parsed p;
	struct pcap_sample s[5] = {
		make_sample(1, 2, PWRU_PCAP_ETHERNET, 20),
		make_sample(1, 2, PWRU_PCAP_RAW, 20),
		make_sample(9, 2, PWRU_PCAP_ETHERNET, 20),
		make_sample(1, 3, PWRU_PCAP_ETHERNET, 20),
		make_sample(1, 2, PWRU_PCAP_RAW, 20),
	};
	const uint32_t want_if[5] = { 0, 1, 2, 3, 1 };

	assert_int_equal(pcap_writer_init(&w, -1, 96), 0);
	for (int i = 0; i < 5; i++) {
		struct record r = make_record(&s[i], "ip_rcv", "");

		pcap_write_record(&w, &r);
	}
	parse((const uint8_t *)w.out.buf, w.out.len, &p);
	assert_int_equal(p.n_idb, 4);
	assert_int_equal(p.n_epb, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(p.epb_if[i], want_if[i]);
	assert_int_equal(p.linktype[1], 101);
	assert_string_equal(p.if_name[0], "if2"); /* no name known */
	assert_string_equal(p.if_desc[2], "netns 9 ifindex 2");
	pcap_writer_close(&w);
}

/* An event without bytes (an XDP frame, a failed read) still counts, with its comment. */
static void event_without_bytes_is_an_empty_packet(void **state)
{
	struct pcap_writer w;
	struct parsed p;
	struct pcap_sample s = make_sample(7, 1, PWRU_PCAP_ETHERNET, 0);
	struct record r;

	s.ev.flags = PWRU_EV_NO_MAC;
	r = make_record(&s, "ip_output", "lo");
	assert_null(r.pcap);
	assert_int_equal(pcap_writer_init(&w, -1, 256), 0);
	pcap_write_record(&w, &r);
	parse((const uint8_t *)w.out.buf, w.out.len, &p);
	assert_int_equal(p.n_epb, 1);
	assert_int_equal(p.caplen[0], 0);
	assert_int_equal(p.linktype[0], 101); /* no MAC header: raw IP */
	assert_string_equal(p.comment[0],
			    "func=ip_output skb=0xffff888100a0b000 netns=7 ifindex=1 ifname=lo");
	pcap_writer_close(&w);
}

/* A full disk: the packets of the failed write and every later one are counted, not lost silently. */
static void write_errors_are_counted(void **state)
{
	struct pcap_writer w;
	struct pcap_sample s = make_sample(1, 2, PWRU_PCAP_ETHERNET, 64);
	struct record r = make_record(&s, "ip_rcv", "eth0");
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		skip();
	assert_int_equal(pcap_writer_init(&w, fd, 256), 0);
	for (int i = 0; i < 3; i++)
		pcap_write_record(&w, &r);
	assert_int_not_equal(obuf_flush(&w.out), 0);
	pcap_write_record(&w, &r);
	assert_int_equal(w.out.written, 0);
	assert_int_equal(w.out.unwritten, 4);
	pcap_writer_close(&w);
}

static void process_is_cut_as_cilium_pwru_cuts_it(void **state)
{
	char out[17];

	proc_name_format("/usr/bin/ping", 13, 4242, out);
	assert_string_equal(out, "~r/bin/ping:4242"); /* 18 bytes: the last 16, the first made ~ */
	proc_name_format("/bin/sh", 7, 7, out);
	assert_string_equal(out, "/bin/sh:7");
	proc_name_format("<empty>", 7, 0, out);
	assert_string_equal(out, "<empty>:0");
}

/* The executable's path when /proc has it; comm when it has none (pid 0, a task gone). */
static void process_names_the_executable(void **state)
{
	struct proc_names *p = proc_names_new("/");
	char self[4096], want[17];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self));

	assert_non_null(p);
	assert_true(n > 0);
	proc_name_format(self, (size_t)n, (uint32_t)getpid(), want);
	assert_string_equal(proc_names_get(p, (uint32_t)getpid(), "test_output_pca", 1), want);
	assert_string_equal(proc_names_get(p, 0, "swapper/1", 1), "swapper/1:0");
	assert_string_equal(proc_names_get(p, 0, "", 10ULL * 1000000000), "<empty>:0");
	proc_names_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packets_carry_bytes_time_and_comment),
		cmocka_unit_test(one_interface_per_netns_ifindex_and_link_type),
		cmocka_unit_test(event_without_bytes_is_an_empty_packet),
		cmocka_unit_test(write_errors_are_counted),
		cmocka_unit_test(process_is_cut_as_cilium_pwru_cuts_it),
		cmocka_unit_test(process_names_the_executable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
