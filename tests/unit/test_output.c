// SPDX-License-Identifier: GPL-2.0
/* Text and JSON output from one record, and the drop summary. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "events.h"
#include "output.h"
#include "pods.h"
#include "summary.h"

static void make_drop(struct pwru_event *e, struct record *r)
{
	memset(e, 0, sizeof(*e));
	memset(r, 0, sizeof(*r));
	e->skb = 0xffff888100001234ULL;
	e->cpu = 1;
	e->pid = 4242;
	memcpy(e->comm, "cu\"rl\n", 6); /* a hostile process name */
	e->netns = 4026532245U;
	e->mark = 0x42;
	e->ifindex = 2;
	e->len = 60;
	e->mtu = 1500;
	e->proto = 0x0800;
	e->flags = PWRU_EV_TUPLE | PWRU_EV_DROP;
	e->drop_reason = 7;
	e->tuple.l3 = 4;
	memcpy(e->tuple.saddr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(e->tuple.daddr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	e->tuple.sport = 40000;
	e->tuple.dport = 80;
	e->tuple.l4proto = 6;
	e->tuple.tcp_flags = 0x02;
	r->ev = e;
	r->func = "skb:kfree_skb";
	r->ifname = "veth-b";
	r->drop_reason = "SKB_DROP_REASON_NETFILTER_DROP";
	strcpy(r->drop_site, "nf_hook_slow+0x9a");
}

/* The buffer's bytes as a C string, handed to the caller. */
static char *obuf_take(struct obuf *b)
{
	char *s;

	put_char(b, '\0');
	s = b->buf;
	b->buf = NULL;
	obuf_free(b);
	return s;
}

static char *render_text(const struct output_cfg *c, const struct record *r)
{
	struct obuf b;

	obuf_init(&b, -1);
	output_text_event(&b, c, &(struct text_widths){ 0 }, r);
	return obuf_take(&b);
}

static void tuples_v4_and_v6(void **state)
{
	struct pwru_tuple t = { .l3 = 6, .sport = 1, .dport = 443, .l4proto = 17 };
	struct obuf b;
	char *s;

	t.saddr[0] = 0xfd;
	t.saddr[15] = 1;
	t.daddr[0] = 0xfd;
	t.daddr[15] = 2;
	obuf_init(&b, -1);
	put_tuple(&b, &t);
	put_char(&b, ' ');
	put_tcp_flags(&b, 0x12);
	put_char(&b, ' ');
	put_tcp_flags(&b, 0);
	s = obuf_take(&b);
	assert_string_equal(s, "[fd00::1]:1->[fd00::2]:443(udp) SYN|ACK ");
	free(s);
}

static void text_line_has_pwru_columns(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true, .tcp_flags = true };
	struct pwru_event e;
	struct record r;
	char *line;

	make_drop(&e, &r);
	line = render_text(&c, &r);
	assert_non_null(strstr(line, "0xffff888100001234 1"));
	assert_non_null(strstr(line, "cu\"rl?(4242)")); /* control bytes cannot break the line */
	assert_non_null(strstr(line, "4026532245 0x42"));
	assert_non_null(strstr(line, "veth-b:2"));
	assert_non_null(strstr(line, "0x0800 1500  60"));
	assert_non_null(strstr(line, "198.18.0.1:40000->198.18.0.2:80(tcp:SYN)"));
	assert_non_null(
		strstr(line, "skb:kfree_skb(SKB_DROP_REASON_NETFILTER_DROP) nf_hook_slow+0x9a\n"));
	assert_int_equal(strchr(line, '\n') - line + 1, (long)strlen(line)); /* one line */
	free(line);
}

/* --output-return: a line of its own, the value by name and the duration; the same in JSON. */
static void return_line_text_and_json(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true, .timestamp = TS_CURRENT };
	struct obuf b;
	struct pwru_event e;
	struct record r;
	cJSON *o;
	char *s;

	make_drop(&e, &r);
	e.flags = PWRU_EV_TUPLE | PWRU_EV_RET;
	r.func = "nf_hook_slow";
	r.drop_reason = NULL;
	r.ret.value = -1;
	r.ret.name = "-EPERM";
	r.ret_duration_ns = 5130;
	s = render_text(&c, &r);
	assert_non_null(strstr(s, "(tcp) nf_hook_slow returned -1 (-EPERM) after 5130 ns\n"));
	free(s);
	r.ret.pointer = true;
	r.ret.value = (int64_t)0xffff888100001234ULL;
	r.ret.name = NULL;
	r.ret_duration_ns = -1;
	s = render_text(&c, &r);
	assert_non_null(strstr(s, " nf_hook_slow returned 0xffff888100001234\n"));
	free(s);
	r.ret.pointer = false;
	r.ret.value = -1;
	r.ret.name = "-EPERM";
	r.ret_duration_ns = 5130;
	obuf_init(&b, -1);
	output_json_event(&b, &c, &r);
	s = obuf_take(&b);
	o = cJSON_Parse(s);
	assert_non_null(o);
	assert_true(cJSON_GetObjectItem(o, "ret")->valuedouble == -1);
	assert_string_equal(cJSON_GetObjectItem(o, "ret_name")->valuestring, "-EPERM");
	assert_int_equal(cJSON_GetObjectItem(o, "duration_ns")->valuedouble, 5130);
	assert_null(cJSON_GetObjectItem(o, "drop_reason"));
	cJSON_Delete(o);
	free(s);
}

/* cilium/pwru's alignment: tuples padded to the widest seen, long interface names cut. */
static void text_aligned_as_cilium_pwru(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true };
	struct text_widths w = { 0 };
	struct pwru_event e;
	struct record r;
	struct obuf b;
	char *s, *second;

	make_drop(&e, &r);
	r.ifname = "a-very-long-ifname0";
	obuf_init(&b, -1);
	output_text_event(&b, &c, &w, &r); /* 198.18.0.1:40000->... */
	e.tuple.sport = 1;
	output_text_event(&b, &c, &w, &r); /* 4 bytes shorter: padded to the first */
	s = obuf_take(&b);
	assert_non_null(strstr(s, " ~-long-ifname0:2 "));
	second = strchr(s, '\n') + 1;
	assert_int_equal(strstr(s, " skb:kfree_skb") - s,
			 strstr(second, " skb:kfree_skb") - second);
	free(s);
}

static void text_without_meta_or_tuple(void **state)
{
	struct output_cfg c = { 0 };
	struct pwru_event e;
	struct record r;
	char *line;

	make_drop(&e, &r);
	e.flags &= ~PWRU_EV_DROP;
	line = render_text(&c, &r);
	assert_null(strstr(line, "198.18.0.1"));
	assert_null(strstr(line, "veth-b"));
	assert_non_null(strstr(line, " skb:kfree_skb\n"));
	free(line);
}

static cJSON *render_json(const struct output_cfg *c, const struct record *r)
{
	struct obuf b;
	char *buf;
	cJSON *o;

	obuf_init(&b, -1);
	output_json_event(&b, c, r);
	buf = obuf_take(&b);
	assert_int_equal(strchr(buf, '\n') - buf + 1, (long)strlen(buf));
	o = cJSON_Parse(buf);
	free(buf);
	assert_non_null(o);
	return o;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void json_schema_fields(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true, .timestamp = TS_CURRENT };
	struct pod_ref pod = { .namespace_ = "shop", .name = "frontend", .uid = "u-1" };
	struct pwru_event e;
	struct record r;
	cJSON *o, *t, *p;

	make_drop(&e, &r);
	r.pod = &pod;
	r.ts_ns = 1234;
	o = render_json(&c, &r);
	assert_string_equal(jstr(o, "skb"), "0xffff888100001234");
	assert_string_equal(jstr(o, "comm"), "cu\"rl\n");	  /* escaped, and round-trips */
	assert_string_equal(jstr(o, "process"), "cu\"rl\n:4242"); /* cilium/pwru's name:pid */
	assert_string_equal(jstr(o, "iface"), "veth-b:2");
	assert_true(jnum(o, "proto") == 0x0800 && jnum(o, "mtu") == 1500);
	assert_string_equal(jstr(o, "func"), "skb:kfree_skb");
	assert_string_equal(jstr(o, "drop_reason"), "SKB_DROP_REASON_NETFILTER_DROP");
	assert_string_equal(jstr(o, "drop_site"), "nf_hook_slow+0x9a");
	assert_string_equal(jstr(o, "ifname"), "veth-b");
	assert_true(jnum(o, "cpu") == 1 && jnum(o, "pid") == 4242 && jnum(o, "mark") == 0x42);
	assert_true(jnum(o, "netns") == 4026532245.0 && jnum(o, "ifindex") == 2 &&
		    jnum(o, "len") == 60);
	assert_true(jnum(o, "time") == 1234);
	t = cJSON_GetObjectItem(o, "tuple");
	assert_true(jnum(t, "proto") == 6);
	assert_string_equal(jstr(t, "saddr"), "198.18.0.1");
	assert_string_equal(jstr(t, "daddr"), "198.18.0.2");
	assert_true(jnum(t, "sport") == 40000 && jnum(t, "dport") == 80);
	assert_string_equal(jstr(t, "l4proto"), "tcp");
	p = cJSON_GetObjectItem(o, "pod");
	assert_string_equal(jstr(p, "namespace"), "shop");
	assert_string_equal(jstr(p, "name"), "frontend");
	cJSON_Delete(o);
}

static void json_omits_what_is_absent(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true };
	struct pwru_event e;
	struct record r;
	cJSON *o;

	make_drop(&e, &r);
	e.flags = 0;
	e.cpu = e.mark = e.netns = 0;
	o = render_json(&c, &r);
	/* as cilium/pwru: an empty tuple object, and 0 left out */
	assert_non_null(cJSON_GetObjectItem(o, "tuple"));
	assert_null(cJSON_GetObjectItem(o, "tuple")->child);
	assert_null(cJSON_GetObjectItem(o, "cpu"));
	assert_null(cJSON_GetObjectItem(o, "mark"));
	assert_null(cJSON_GetObjectItem(o, "netns"));
	assert_null(cJSON_GetObjectItem(o, "drop_reason"));
	assert_null(cJSON_GetObjectItem(o, "time"));
	assert_null(cJSON_GetObjectItem(o, "pod"));
	cJSON_Delete(o);
	c.meta = c.tuple = false;
	o = render_json(&c, &r);
	assert_null(cJSON_GetObjectItem(o, "tuple"));
	assert_null(cJSON_GetObjectItem(o, "iface"));
	cJSON_Delete(o);
}

static void summary_groups_by_reason_site_netns(void **state)
{
	struct drop_summary s = { 0 };
	struct kernel_counts k = { .matched = 5, .emitted = 4, .lost = 1 };
	struct pwru_event e;
	struct record r;
	char *buf = NULL;
	size_t len = 0;
	struct obuf b;
	FILE *f;
	cJSON *o, *sum, *drops;

	make_drop(&e, &r);
	drop_summary_add(&s, &r);
	drop_summary_add(&s, &r);
	strcpy(r.drop_site, "ip6_mc_input+0x15e");
	drop_summary_add(&s, &r);
	e.flags &= ~PWRU_EV_DROP;
	drop_summary_add(&s, &r); /* not a drop: not counted */
	drop_summary_sort(&s);
	assert_int_equal(s.total, 3);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.rows[0].site, "nf_hook_slow+0x9a");
	assert_int_equal(s.rows[0].count, 2);
	obuf_init(&b, -1);
	output_json_summary(&b, 4, &k, &s, NULL, 0);
	buf = obuf_take(&b);
	o = cJSON_Parse(buf);
	sum = cJSON_GetObjectItem(o, "summary");
	assert_true(jnum(sum, "events") == 4 && jnum(sum, "lost") == 1 &&
		    jnum(sum, "kernel_matched") == 5);
	drops = cJSON_GetObjectItem(sum, "drops");
	assert_int_equal(cJSON_GetArraySize(drops), 2);
	assert_string_equal(jstr(cJSON_GetArrayItem(drops, 0), "reason"),
			    "SKB_DROP_REASON_NETFILTER_DROP");
	cJSON_Delete(o);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	drop_summary_print(f, &s);
	fclose(f);
	assert_non_null(strstr(buf, "3 packets dropped"));
	assert_non_null(strstr(buf, "nf_hook_slow+0x9a"));
	free(buf);
	drop_summary_free(&s);
}

/*
 * Golden files: every case below, through every configuration, must render
 * exactly the bytes in tests/unit/golden/. PWRU_GOLDEN_UPDATE=1 rewrites
 * them (then review the diff: that is the point).
 */
#define GOLDEN_TEXT "tests/unit/golden/events.txt"
#define GOLDEN_JSON "tests/unit/golden/events.jsonl"

static const char *const odd_comms[] = {
	"", /* no name: <empty> */
	"kworker/u8:2",
	"a b c",
	"q\"uo\"te",
	"back\\slash",
	"tab\there\r",
	"\x01\x1f\x7f",
	"\xff\xfe\x80raw",
	"caf\xc3\xa9",
	"abcdefghijklmnop", /* all 16 bytes, no NUL */
	"\xe2\x82",	    /* a cut UTF-8 sequence */
};

static const struct pod_ref golden_pod = {
	.namespace_ = "shop",
	.name = "front end\"x\\",
	.uid = "1f2e-3d",
	.container = "web",
};

/* Case i of the golden set: a mix of every optional part of a record. */
static void golden_case(int i, struct pwru_event *e, struct record *r)
{
	static const char *const funcs[] = { "skb:kfree_skb", "ip_rcv", "net:netif_receive_skb",
					     "tcf_classify[tc]" };
	static const char *const ifnames[] = { "veth-b", "", "a-very-long-ifname0", "lo" };
	size_t nc = sizeof(odd_comms) / sizeof(odd_comms[0]);
	const char *comm = odd_comms[i % nc];

	memset(e, 0, sizeof(*e));
	memset(r, 0, sizeof(*r));
	e->skb = 0xffff888100000000ULL + (uint64_t)i * 0x1e8;
	e->cpu = (uint32_t)(i % 3) * 7;
	e->pid = i % 4 ? 4000000000U - (uint32_t)i : 0;
	memcpy(e->comm, comm, strnlen(comm, PWRU_COMM_LEN));
	e->netns = i % 5 ? 4026532245U + (uint32_t)i : 0;
	e->mark = i % 2 ? 0xdeadbeefU >> (i % 7) : 0;
	e->ifindex = i % 4 == 1 ? 0 : (uint32_t)(i * 37) % 70000;
	e->len = (uint32_t)i * 97 % 65536;
	e->mtu = i % 3 ? 1500 : 65536;
	e->proto = i % 2 ? 0x0800 : 0x86dd;
	e->ts = 1000000000ULL * (uint64_t)i;
	if (i % 6 != 5) {
		e->flags |= PWRU_EV_TUPLE;
		e->tuple.l3 = i % 2 ? 4 : 6;
		if (e->tuple.l3 == 4) {
			memcpy(e->tuple.saddr, (uint8_t[]){ 198, 18, 0, (uint8_t)i }, 4);
			memcpy(e->tuple.daddr, (uint8_t[]){ 198, 19, 255, 254 }, 4);
		} else {
			e->tuple.saddr[0] = 0xfd;
			e->tuple.saddr[1] = 0x00;
			e->tuple.saddr[2] = 0x01;
			e->tuple.saddr[3] = 0x98;
			e->tuple.saddr[15] = (uint8_t)i;
			e->tuple.daddr[0] = 0xfd;
			e->tuple.daddr[14] = 0xab;
			e->tuple.daddr[15] = 0xcd;
		}
		e->tuple.sport = (uint16_t)(i * 4099);
		e->tuple.dport = i % 3 ? 80 : 65535;
		e->tuple.l4proto = (uint8_t[]){ 6, 17, 1, 58, 132, 47, 50, 99, 0 }[i % 9];
		e->tuple.tcp_flags = (uint8_t)(i * 29);
	}
	if (i % 3 == 0) {
		e->flags |= PWRU_EV_DROP;
		e->drop_reason = (uint32_t)i;
		if (i % 2)
			r->drop_reason = "SKB_DROP_REASON_NETFILTER_DROP";
		if (i % 4)
			snprintf(r->drop_site, sizeof(r->drop_site), "nf_hook_slow+0x%x", i);
	}
	if (i % 7 == 3)
		e->flags |= PWRU_EV_TRACKED;
	r->ev = e;
	r->func = funcs[i % 4];
	r->ifname = ifnames[i % 4];
	r->pod = i % 4 == 2 ? &golden_pod : NULL;
	if (i % 5 == 1)
		snprintf(r->caller, sizeof(r->caller), "__netif_receive_skb_core+0x%x", i);
	if (i % 8 == 4) {
		r->n_stack = 2;
		strcpy(r->stack[0], "    ip_rcv+0x5");
		strcpy(r->stack[1], "    __netif_receive_skb_one_core+0x3c");
	}
	if (i % 11 == 7)
		r->skb_str = "(struct sk_buff){\n .len = (u32)60,\n .name = \"q\\\"\",\n}";
	r->ts_ns = (int64_t)i * 123456789 % 999999999999LL;
	r->wall_ns = 1764374400123456789LL + (int64_t)i * 86399123456789LL;
}

#define GOLDEN_CASES 48

static const struct output_cfg golden_cfgs[] = {
	{ 0 },
	{ .meta = true, .tuple = true },
	{ .meta = true, .tuple = true, .tcp_flags = true, .caller = true, .stack = true },
	{ .meta = true, .tuple = true, .pods = true, .timestamp = TS_RELATIVE },
	{ .tuple = true, .tcp_flags = true, .pods = true, .caller = true },
	{ .meta = true, .timestamp = TS_ABSOLUTE },
	{ .tuple = true, .timestamp = TS_CURRENT },
	{ .timestamp = TS_WALLCLOCK },
};

static char *golden_render(bool json, size_t *len)
{
	struct obuf f;
	struct pwru_event e;
	struct record r;

	obuf_init(&f, -1);
	for (size_t c = 0; c < sizeof(golden_cfgs) / sizeof(golden_cfgs[0]); c++) {
		struct text_widths w = { 0 };

		if (!json)
			output_text_header(&f, &golden_cfgs[c]);
		for (int i = 0; i < GOLDEN_CASES; i++) {
			golden_case(i, &e, &r);
			if (json)
				output_json_event(&f, &golden_cfgs[c], &r);
			else
				output_text_event(&f, &golden_cfgs[c], &w, &r);
		}
	}
	if (json) {
		struct kernel_counts k = { .matched = 1ULL << 40, .emitted = 3, .lost = 1 };
		struct drop_summary s = { 0 };

		for (int i = 0; i < GOLDEN_CASES; i++) {
			golden_case(i, &e, &r);
			drop_summary_add(&s, &r);
		}
		drop_summary_sort(&s);
		output_json_summary(&f, 1ULL << 33, &k, &s, NULL, 0);
		drop_summary_free(&s);
	}
	*len = f.len;
	return obuf_take(&f);
}

static char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n;
	FILE *f = fopen(path, "r");

	*len = 0;
	if (!f)
		return NULL;
	do {
		if (*len + 4096 > cap) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

static void golden_check(bool json, const char *path)
{
	size_t len, want_len;
	char *got = golden_render(json, &len), *want;

	if (getenv("PWRU_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		assert_int_equal(fwrite(got, 1, len, f), len);
		fclose(f);
	}
	want = slurp(path, &want_len);
	assert_non_null(want);
	for (size_t i = 0, line = 1; i < len && i < want_len; i++) {
		if (got[i] != want[i])
			fail_msg("%s: first difference at byte %zu (line %zu)", path, i, line);
		line += got[i] == '\n';
	}
	assert_int_equal(len, want_len);
	free(got);
	free(want);
}

static void golden_text(void **state)
{
	golden_check(false, GOLDEN_TEXT);
}

static void golden_json(void **state)
{
	golden_check(true, GOLDEN_JSON);
}

/* Our address writer and glibc's inet_ntop() agree, zero runs and IPv4 tails included. */
static void addresses_match_inet_ntop(void **state)
{
	static const uint16_t shapes[][8] = {
		{ 0 },
		{ 0, 0, 0, 0, 0, 0, 0, 1 },
		{ 0, 0, 0, 0, 0, 0xffff, 0xc612, 0x0001 },
		{ 0, 0, 0, 0, 0, 0, 0xc612, 0x0001 },
		{ 1, 0, 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 1, 0, 0, 1, 0, 0 },
		{ 0xfd00, 0, 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 0, 1, 0, 0, 0, 1 },
		{ 1, 2, 3, 4, 5, 6, 7, 8 },
		{ 0, 1, 0, 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0, 1, 0 },
		{ 0, 0, 0, 0, 0, 0xfffe, 1, 2 },
		{ 0, 0, 0, 0, 0xffff, 0, 1, 2 },
	};
	size_t n = sizeof(shapes) / sizeof(shapes[0]);
	unsigned seed = 1;

	for (size_t k = 0; k < n + 20000; k++) {
		uint8_t a[16];
		char want[INET6_ADDRSTRLEN], *got;
		struct obuf b;

		for (int i = 0; i < 8; i++) {
			uint16_t w = k < n ? shapes[k][i] : 0;

			/* random words, zero half the time, so that runs of every length occur */
			if (k >= n)
				w = rand_r(&seed) % 2 ? 0 : (uint16_t)rand_r(&seed);
			a[2 * i] = (uint8_t)(w >> 8);
			a[2 * i + 1] = (uint8_t)w;
		}
		obuf_init(&b, -1);
		put_addr(&b, 6, a);
		got = obuf_take(&b);
		inet_ntop(AF_INET6, a, want, sizeof(want));
		assert_string_equal(got, want);
		free(got);
		obuf_init(&b, -1);
		put_addr(&b, 4, a);
		got = obuf_take(&b);
		inet_ntop(AF_INET, a, want, sizeof(want));
		assert_string_equal(got, want);
		free(got);
	}
}

static char *json_string_of(const char *s, size_t n)
{
	struct obuf b;
	struct jw w;

	obuf_init(&b, -1);
	jw_init(&w, &b);
	jw_strn(&w, s, n);
	return obuf_take(&b);
}

/* Every control byte is escaped, valid UTF-8 passes, each invalid byte becomes U+FFFD. */
static void json_strings_escaped_and_valid(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "\b\f\n\r\t\x01\x1f\x7f", "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "\xff\xfe", "\"\\ufffd\\ufffd\"" },
		{ "\xc0\x80", "\"\\ufffd\\ufffd\"" },			    /* overlong NUL */
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },	    /* overlong '/' */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	    /* a UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* past U+10FFFF */
		{ "ab\xe2\x82", "\"ab\\ufffd\\ufffd\"" },		    /* cut short */
		{ "\xe2\x82x", "\"\\ufffd\\ufffdx\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_string_of(cases[i].in, strlen(cases[i].in));

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

/* What jw_strn writes for one byte that is not part of valid UTF-8. */
static const char *escaped_byte(unsigned char c, char *buf)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	}
	if (c >= 0x80)
		return "\\ufffd";
	if (c < 0x20) {
		sprintf(buf, "\\u%04x", c);
		return buf;
	}
	buf[0] = (char)c;
	buf[1] = 0;
	return buf;
}

/*
 * Plain runs are checked eight bytes at a time: one byte to escape at every
 * place of a 21-byte string, first, inside and past a word, is still found.
 */
static void json_strings_escaped_at_every_offset(void **state)
{
	static const unsigned char special[] = { '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0xff };

	for (size_t k = 0; k < sizeof(special); k++) {
		for (size_t at = 0; at < 21; at++) {
			char in[22], want[64], one[8];
			char *got;

			memset(in, 'a', 21);
			in[at] = (char)special[k];
			in[21] = 0;
			snprintf(want, sizeof(want), "\"%.*s%s%s\"", (int)at, in,
				 escaped_byte(special[k], one), in + at + 1);
			got = json_string_of(in, 21);
			assert_string_equal(got, want);
			free(got);
		}
	}
}

/* Timestamps past 2^53 ns stay exact integers (cJSON printed them rounded, as 1.7e+18). */
static void json_large_timestamp_exact(void **state)
{
	struct output_cfg c = { .timestamp = TS_WALLCLOCK };
	struct pwru_event e;
	struct record r;
	struct obuf b;
	char *s;

	make_drop(&e, &r);
	r.ts_ns = 1764374400123456789LL;
	obuf_init(&b, -1);
	output_json_event(&b, &c, &r);
	s = obuf_take(&b);
	assert_non_null(strstr(s, "\"ts\":1764374400123456789,"));
	free(s);
}

/*
 * --output-bpfmap: cilium/pwru's lines after the event, keys and values as
 * Go's hex.Dump prints them (a partial last line padded to the bars), and
 * a bpfmap object in JSON whose value is left out when the lookup missed.
 */
static void bpfmap_text_and_json(void **state)
{
	struct pwru_bpfmap m = { .id = 7, .key_size = 4, .value_size = 20, .has_value = 1 };
	struct output_cfg c = { 0 };
	struct pwru_event e;
	struct record r;
	struct obuf b;
	char *s;

	strcpy(m.name, "vm_seen");
	memcpy(m.key, "\xc6\x12\x00\x01", 4);
	for (int i = 0; i < 20; i++)
		m.value[i] = 'A' + i;
	make_drop(&e, &r);
	r.bpfmap = &m;
	obuf_init(&b, -1);
	output_text_event(&b, &c, &(struct text_widths){ 0 }, &r);
	s = obuf_take(&b);
	assert_non_null(strstr(
		s,
		"\nmap_id: 7\nmap_name: vm_seen\nkey(4):\n"
		"00000000  c6 12 00 01                                       |....|\n"
		"value(20):\n"
		"00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n"
		"00000010  51 52 53 54                                       |QRST|\n"));
	free(s);
	obuf_init(&b, -1);
	output_json_event(&b, &c, &r);
	s = obuf_take(&b);
	assert_non_null(strstr(s, "\"bpfmap\":{\"id\":7,\"name\":\"vm_seen\",\"key_size\":4,"
				  "\"value_size\":20,\"key\":\"c6120001\",\"value\":"
				  "\"4142434445464748494a4b4c4d4e4f5051525354\"}"));
	free(s);
	m.has_value = 0;
	obuf_init(&b, -1);
	output_json_event(&b, &c, &r);
	s = obuf_take(&b);
	assert_non_null(strstr(s, "\"key\":\"c6120001\"}"));
	free(s);
}

/* A full device: nothing written, every event counted as unwritten, the error kept. */
static void write_error_counts_events(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true };
	int fd = open("/dev/full", O_WRONLY);
	struct pwru_event e;
	struct record r;
	struct obuf b;

	assert_true(fd >= 0);
	make_drop(&e, &r);
	obuf_init(&b, fd);
	for (int i = 0; i < 10; i++)
		output_text_event(&b, &c, &(struct text_widths){ 0 }, &r);
	assert_int_equal(obuf_flush(&b), -ENOSPC);
	assert_int_equal(b.err, ENOSPC);
	for (int i = 0; i < 5; i++)
		output_text_event(&b, &c, &(struct text_widths){ 0 },
				  &r); /* after the error: counted, dropped */
	assert_int_equal(obuf_flush(&b), -ENOSPC);
	assert_int_equal(b.written, 0);
	assert_int_equal(b.unwritten, 15);
	assert_int_equal(b.len, 0);
	obuf_free(&b);
	close(fd);
}

/* A short write (the file size limit) splits the count at the last whole event. */
static void short_write_counts_whole_events(void **state)
{
	struct output_cfg c = { .meta = true, .tuple = true };
	char path[] = "/tmp/pwru-test-output-XXXXXX";
	int fd = mkstemp(path);
	struct rlimit old, lim;
	struct pwru_event e;
	struct record r;
	struct obuf b;
	size_t line;
	struct stat st;

	assert_true(fd >= 0);
	unlink(path);
	make_drop(&e, &r);
	obuf_init(&b, -1);
	output_text_event(&b, &c, &(struct text_widths){ 0 }, &r);
	line = b.len;
	obuf_free(&b);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 3 * line + line / 2; /* room for three and a half lines */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	obuf_init(&b, fd);
	for (int i = 0; i < 10; i++)
		output_text_event(&b, &c, &(struct text_widths){ 0 }, &r);
	assert_int_equal(obuf_flush(&b), -EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(b.written, 3);
	assert_int_equal(b.unwritten, 7);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, (off_t)lim.rlim_cur);
	obuf_free(&b);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tuples_v4_and_v6),
		cmocka_unit_test(text_line_has_pwru_columns),
		cmocka_unit_test(return_line_text_and_json),
		cmocka_unit_test(text_aligned_as_cilium_pwru),
		cmocka_unit_test(text_without_meta_or_tuple),
		cmocka_unit_test(json_schema_fields),
		cmocka_unit_test(json_omits_what_is_absent),
		cmocka_unit_test(summary_groups_by_reason_site_netns),
		cmocka_unit_test(golden_text),
		cmocka_unit_test(golden_json),
		cmocka_unit_test(addresses_match_inet_ntop),
		cmocka_unit_test(json_strings_escaped_and_valid),
		cmocka_unit_test(json_strings_escaped_at_every_offset),
		cmocka_unit_test(json_large_timestamp_exact),
		cmocka_unit_test(bpfmap_text_and_json),
		cmocka_unit_test(write_error_counts_events),
		cmocka_unit_test(short_write_counts_whole_events),
	};

	/* The absolute timestamp column is local time: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
