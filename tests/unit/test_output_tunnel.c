// SPDX-License-Identifier: GPL-2.0
/*
 * --output-tunnel in text and JSON (the TUNNEL column, tunnel_tuple), and the
 * tunnel filter slots' compile rules (--filter-tunnel-pcap-l2/-l3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "output.h"
#include "pcap/pcap_filters.h"

/* An outer VXLAN datagram whose inner packet is a TCP SYN. */
static void make_vxlan(struct pwru_event *e, struct record *r)
{
	memset(e, 0, sizeof(*e));
	memset(r, 0, sizeof(*r));
	e->skb = 0xffff888100004321ULL;
	e->pid = 7;
	memcpy(e->comm, "ping", 4);
	e->flags = PWRU_EV_TUPLE | PWRU_EV_TUNNEL;
	e->tuple.l3 = 4;
	memcpy(e->tuple.saddr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(e->tuple.daddr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	e->tuple.sport = 51000;
	e->tuple.dport = 4789;
	e->tuple.l4proto = 17;
	e->tunnel.l3 = 4;
	memcpy(e->tunnel.saddr, (uint8_t[]){ 198, 19, 42, 1 }, 4);
	memcpy(e->tunnel.daddr, (uint8_t[]){ 198, 19, 42, 2 }, 4);
	e->tunnel.sport = 40000;
	e->tunnel.dport = 80;
	e->tunnel.l4proto = 6;
	e->tunnel.tcp_flags = 0x02;
	r->ev = e;
	r->func = "net:net_dev_queue";
	r->ifname = "veth-a";
}

static char *render(const struct output_cfg *c, const struct record *r, bool json, bool header)
{
	struct obuf b;
	char *s;

	obuf_init(&b, -1);
	if (header)
		output_text_header(&b, c);
	else if (json)
		output_json_event(&b, c, r);
	else
		output_text_event(&b, c, &(struct text_widths){ 0 }, r);
	put_char(&b, '\0');
	s = b.buf;
	b.buf = NULL;
	obuf_free(&b);
	return s;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

/* cilium/pwru's header order: ... FUNC CALLER TUNNEL; the inner tuple ends the line. */
static void text_tunnel_column_last(void **state)
{
	struct output_cfg c = { .tuple = true, .caller = true, .tunnel = true };
	struct pwru_event e;
	struct record r;
	char *s;

	(void)state;
	make_vxlan(&e, &r);
	strcpy(r.caller, "ip_finish_output2+0x1a");
	s = render(&c, &r, false, true);
	assert_true(ends_with(s, " FUNC CALLER TUNNEL\n"));
	free(s);
	s = render(&c, &r, false, false);
	assert_non_null(strstr(s, "198.18.0.1:51000->198.18.0.2:4789(udp)"));
	assert_true(
		ends_with(s, " ip_finish_output2+0x1a 198.19.42.1:40000->198.19.42.2:80(tcp)\n"));
	free(s);
	c.tcp_flags = true;
	s = render(&c, &r, false, false);
	assert_true(ends_with(s, " 198.19.42.1:40000->198.19.42.2:80(tcp:SYN)\n"));
	free(s);
	/* no inner header: a dash, as the tuple column shows one */
	e.flags &= ~PWRU_EV_TUNNEL;
	s = render(&c, &r, false, false);
	assert_true(ends_with(s, " ip_finish_output2+0x1a -\n"));
	free(s);
	/* off: neither header nor value */
	c.tunnel = false;
	e.flags |= PWRU_EV_TUNNEL;
	s = render(&c, &r, false, true);
	assert_null(strstr(s, "TUNNEL"));
	free(s);
	s = render(&c, &r, false, false);
	assert_null(strstr(s, "198.19.42"));
	free(s);
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* tunnel_tuple: cilium/pwru's key, the shape of tuple, {} without inner headers. */
static void json_tunnel_tuple(void **state)
{
	struct output_cfg c = { .tuple = true, .tcp_flags = true, .tunnel = true };
	struct pwru_event e;
	struct record r;
	cJSON *o, *t;
	char *s;

	(void)state;
	make_vxlan(&e, &r);
	s = render(&c, &r, true, false);
	o = cJSON_Parse(s);
	free(s);
	assert_non_null(o);
	t = cJSON_GetObjectItemCaseSensitive(o, "tunnel_tuple");
	assert_true(cJSON_IsObject(t));
	assert_string_equal(jstr(t, "saddr"), "198.19.42.1");
	assert_string_equal(jstr(t, "daddr"), "198.19.42.2");
	assert_true(jnum(t, "sport") == 40000 && jnum(t, "dport") == 80 && jnum(t, "proto") == 6);
	assert_string_equal(jstr(t, "flags"), "SYN");
	assert_string_equal(jstr(t, "l4proto"), "tcp");
	assert_true(jnum(cJSON_GetObjectItem(o, "tuple"), "dport") == 4789);
	cJSON_Delete(o);

	e.flags &= ~PWRU_EV_TUNNEL;
	s = render(&c, &r, true, false);
	o = cJSON_Parse(s);
	free(s);
	t = cJSON_GetObjectItemCaseSensitive(o, "tunnel_tuple");
	assert_true(cJSON_IsObject(t) && t->child == NULL);
	cJSON_Delete(o);

	c.tunnel = false;
	s = render(&c, &r, true, false);
	assert_null(strstr(s, "tunnel_tuple"));
	free(s);
}

/*
 * The L2 slot is compiled for Ethernet and raw IP (IPIP/GRE inner packets),
 * an Ethernet-only expression leaving raw IP reject-all; the L3 slot is raw IP
 * alone, and an expression libpcap refuses there is an error.
 */
static void tunnel_slots_compile(void **state)
{
	struct pcap_filters *f = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(pcap_filters_compile_slot("udp dst port 5001", PCAP_SLOT_TUNNEL_L2, &f,
						   err, sizeof(err)),
			 0);
	assert_non_null(f);
	assert_true(pcap_filters_cbpf_len(f, PCAP_FILTERS_L2) > 0);
	assert_true(pcap_filters_cbpf_len(f, PCAP_FILTERS_L3) > 0);
	pcap_filters_free(f);

	assert_int_equal(
		pcap_filters_compile_slot("arp", PCAP_SLOT_TUNNEL_L2, &f, err, sizeof(err)), 0);
	assert_true(pcap_filters_l3_rejected(f, NULL));
	pcap_filters_free(f);

	assert_int_equal(pcap_filters_compile_slot("udp dst port 5001", PCAP_SLOT_TUNNEL_L3, &f,
						   err, sizeof(err)),
			 0);
	assert_int_equal(pcap_filters_cbpf_len(f, PCAP_FILTERS_L2), 0);
	assert_true(pcap_filters_cbpf_len(f, PCAP_FILTERS_L3) > 0);
	assert_true(pcap_filters_ebpf_len(f, PCAP_FILTERS_L3, 0) > 0);
	assert_int_equal(pcap_filters_ebpf_len(f, PCAP_FILTERS_L2, 0), 0);
	pcap_filters_free(f);

	f = (struct pcap_filters *)&f; /* must be reset on failure */
	assert_int_equal(
		pcap_filters_compile_slot("arp", PCAP_SLOT_TUNNEL_L3, &f, err, sizeof(err)),
		-EINVAL);
	assert_null(f);
	assert_true(strlen(err) > 0);

	/* blank: no filter at all, the kernel side skips the slot */
	assert_int_equal(pcap_filters_compile_slot("  ", PCAP_SLOT_TUNNEL_L3, &f, err, sizeof(err)),
			 0);
	assert_null(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_tunnel_column_last),
		cmocka_unit_test(json_tunnel_tuple),
		cmocka_unit_test(tunnel_slots_compile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
