// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing, table by table: cilium/pwru command lines must mean
 * here what they mean to its pflag parser (the expected values were checked
 * against pflag v1.0.10 and Go's strconv), and every refusal is one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"

#define HELP_GOLDEN "tests/unit/pwru-help.golden"
#define MAX_ARGS 12

/* Parses a NULL-terminated word list (copied: the parser may cut its strings). */
static int parse_words(struct options *o, const char *const *words, char *err, size_t errlen)
{
	static char store[MAX_ARGS][128];
	char *argv[MAX_ARGS + 2] = { "pwru" };
	int argc = 1;

	for (; words[argc - 1]; argc++) {
		snprintf(store[argc - 1], sizeof(store[0]), "%s", words[argc - 1]);
		argv[argc] = store[argc - 1];
	}
	err[0] = '\0';
	return options_parse(o, argc, argv, err, errlen);
}

static void describe(char *buf, size_t len, const char *const *words)
{
	size_t used = snprintf(buf, len, "pwru");

	for (size_t i = 0; words[i] && used < len; i++)
		used += snprintf(buf + used, len - used, " '%s'", words[i]);
}

/* Whole command lines: what the filter becomes and which flags were seen. */
struct line_case {
	const char *words[MAX_ARGS];
	const char *filter; /* expected pcap_filter, NULL: none */
	bool json, meta, stack;
};

static const struct line_case line_cases[] = {
	{ { "icmp", "--output-json" }, "icmp", true, true },
	{ { "--output-json", "icmp" }, "icmp", true, true },
	{ { "dst", "host", "198.18.0.2", "--output-stack", "and", "tcp" },
	  "dst host 198.18.0.2 and tcp",
	  false,
	  true,
	  true },
	{ { "tcp", "--output-meta=false", "port", "80" }, "tcp port 80", false, false },
	/* a boolean never takes the next word: "false" joins the filter */
	{ { "--output-meta", "false", "icmp" }, "false icmp", false, true },
	{ { "--output-json", "--", "--output-stack", "-h" }, "--output-stack -h", true, true },
	{ { "icmp", "--" }, "icmp", false, true },
	{ { "-", "icmp" }, "- icmp", false, true },
	{ { "" }, NULL, false, true },
	{ { "", "" }, NULL, false, true },
	{ { "--output-stack=T", "--output-stack=0", "--output-stack" }, NULL, false, true, true },
	{ { "-v" }, NULL, false, true },
};

static void command_lines_as_pflag(void **state)
{
	for (size_t i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *c = &line_cases[i];
		struct options o;
		char err[256], what[256];
		int ret = parse_words(&o, c->words, err, sizeof(err));

		describe(what, sizeof(what), c->words);
		if (ret)
			fail_msg("%s: refused: %s", what, err);
		if (!c->filter != !o.pcap_filter || (c->filter && strcmp(c->filter, o.pcap_filter)))
			fail_msg("%s: filter expected '%s', got '%s'", what,
				 c->filter ? c->filter : "(none)",
				 o.pcap_filter ? o.pcap_filter : "(none)");
		if (o.output_json != c->json || o.output_meta != c->meta ||
		    o.output_stack != c->stack)
			fail_msg("%s: json/meta/stack expected %d/%d/%d, got %d/%d/%d", what,
				 c->json, c->meta, c->stack, o.output_json, o.output_meta,
				 o.output_stack);
		free((char *)o.pcap_filter);
	}
}

/* Refusals: the exact one line the user reads. */
struct error_case {
	const char *words[MAX_ARGS];
	const char *err;
};

static const struct error_case error_cases[] = {
	/* getopt_long would take these unique prefixes; pflag does not */
	{ { "--output-js" }, "unknown flag: --output-js" },
	{ { "icmp", "--filter-tr" }, "unknown flag: --filter-tr" },
	{ { "--output-json=yes" },
	  "invalid argument \"yes\" for \"--output-json\" flag: not a boolean (1, t, T, TRUE, true, "
	  "True, 0, f, F, FALSE, false, False)" },
	{ { "--output-json=" },
	  "invalid argument \"\" for \"--output-json\" flag: not a boolean (1, t, T, TRUE, true, "
	  "True, 0, f, F, FALSE, false, False)" },
	{ { "--output-limit-lines" }, "flag needs an argument: --output-limit-lines" },
	{ { "--output-limit-lines", "-1" },
	  "invalid argument \"-1\" for \"--output-limit-lines\" flag: not a number (decimal, 0x hex, "
	  "0o or leading-0 octal, 0b binary)" },
	{ { "--output-limit-lines=08" },
	  "invalid argument \"08\" for \"--output-limit-lines\" flag: not a number (decimal, 0x hex, "
	  "0o or leading-0 octal, 0b binary)" },
	{ { "--output-limit-lines=18446744073709551616" },
	  "invalid argument \"18446744073709551616\" for \"--output-limit-lines\" flag: value out of "
	  "range (at most 18446744073709551615)" },
	{ { "---output-json" }, "bad flag syntax: ---output-json" },
	{ { "--=x" }, "bad flag syntax: --=x" },
	{ { "-x" }, "unknown shorthand flag: 'x' in -x" },
	{ { "-hx" }, "unknown shorthand flag: 'x' in -hx" },
	{ { "-h=maybe" },
	  "invalid argument \"maybe\" for \"-h, --help\" flag: not a boolean (1, t, T, TRUE, true, "
	  "True, 0, f, F, FALSE, false, False)" },
	{ { "--filter-mark", "0xzz" },
	  "invalid argument \"0xzz\" for \"--filter-mark\" flag: invalid mark value: expected decimal "
	  "or 0x hexadecimal" },
	{ { "--filter-mark", "1/2/3" },
	  "invalid argument \"1/2/3\" for \"--filter-mark\" flag: expected mark[/mask]" },
	{ { "--filter-mark", "0x1/" },
	  "invalid argument \"0x1/\" for \"--filter-mark\" flag: invalid mask value: expected decimal "
	  "or 0x hexadecimal" },
	{ { "--filter-mark=0x100000000" },
	  "invalid argument \"0x100000000\" for \"--filter-mark\" flag: invalid mark value: out of "
	  "range (32 bits)" },
	{ { "--timestamp", "yesterday" },
	  "invalid argument \"yesterday\" for \"--timestamp\" flag: expected none, current, relative "
	  "or absolute" },
	{ { "--ringbuf-size", "65535" },
	  "invalid argument \"65535\" for \"--ringbuf-size\" flag: expected a power of two, at least "
	  "4096" },
	{ { "--kmods", "veth,,nf_tables" },
	  "invalid argument \"veth,,nf_tables\" for \"--kmods\" flag: empty item in a "
	  "comma-separated list" },
	{ { "--duration", "soon" },
	  "invalid argument \"soon\" for \"--duration\" flag: not a non-negative number" },
	/* a bad flag after the filter is still a bad flag, and --help does not hide it */
	{ { "icmp", "--help", "--nope" }, "unknown flag: --nope" },
};

static void refusals_are_one_line(void **state)
{
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		struct options o;
		char err[512], what[256];
		int ret = parse_words(&o, c->words, err, sizeof(err));

		describe(what, sizeof(what), c->words);
		if (ret != -EINVAL)
			fail_msg("%s: expected -EINVAL, got %d", what, ret);
		if (strcmp(err, c->err))
			fail_msg("%s:\n expected: %s\n      got: %s", what, c->err, err);
		if (strchr(err, '\n'))
			fail_msg("%s: error is more than one line", what);
	}
}

/* Go's ParseBool words, through --output-json=WORD. */
static void booleans_take_go_words(void **state)
{
	static const struct {
		const char *word;
		int value; /* -1: refused */
	} words[] = {
		{ "1", 1 },	{ "t", 1 },	 { "T", 1 },	  { "TRUE", 1 }, { "true", 1 },
		{ "True", 1 },	{ "0", 0 },	 { "f", 0 },	  { "F", 0 },	 { "FALSE", 0 },
		{ "false", 0 }, { "False", 0 },	 { "tRUE", -1 },  { "yes", -1 }, { "on", -1 },
		{ "2", -1 },	{ " true", -1 }, { "FaLsE", -1 }, { "", -1 },	 { "y", -1 },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char flag[64], err[256];
		const char *argv[] = { flag, "--output-meta=1", NULL };
		struct options o;
		int ret;

		snprintf(flag, sizeof(flag), "--output-json=%s", words[i].word);
		ret = parse_words(&o, argv, err, sizeof(err));
		if (words[i].value < 0 && ret != -EINVAL)
			fail_msg("%s: accepted, pflag refuses it", flag);
		if (words[i].value >= 0 && (ret || o.output_json != words[i].value))
			fail_msg("%s: expected %d, got ret %d value %d (%s)", flag, words[i].value,
				 ret, o.output_json, err);
	}
}

/* Go's strconv rules (pflag's integer flags); expectations from Go 1.19's strconv. */
static void numbers_as_go_parses_them(void **state)
{
	static const struct {
		const char *s;
		int bits; /* 8, 32, 64 for ParseUint; -64 for ParseInt */
		int ret;
		long long value;
	} nums[] = {
		{ "10", 64, 0, 10 },
		{ "0x1F", 64, 0, 31 },
		{ "0X1f", 64, 0, 31 },
		{ "0o17", 64, 0, 15 },
		{ "0O17", 64, 0, 15 },
		{ "017", 64, 0, 15 }, /* a leading 0 is octal for pflag's integers */
		{ "0b101", 64, 0, 5 },
		{ "0", 64, 0, 0 },
		{ "00", 64, 0, 0 },
		{ "1_000", 64, 0, 1000 },
		{ "0x_ff", 64, 0, 255 },
		{ "0_7", 64, 0, 7 },
		{ "08", 64, -EINVAL },
		{ "0x", 64, -EINVAL },
		{ "0b", 64, -EINVAL },
		{ "0b2", 64, -EINVAL },
		{ "_1", 64, -EINVAL },
		{ "1_", 64, -EINVAL },
		{ "1__0", 64, -EINVAL },
		{ "+1", 64, -EINVAL },
		{ "-1", 64, -EINVAL },
		{ "", 64, -EINVAL },
		{ " 1", 64, -EINVAL },
		{ "1.0", 64, -EINVAL },
		{ "18446744073709551615", 64, 0, -1 },
		{ "18446744073709551616", 64, -ERANGE },
		{ "255", 8, 0, 255 },
		{ "256", 8, -ERANGE },
		{ "0xff", 8, 0, 255 },
		{ "300_", 8, -ERANGE }, /* Go stops at the range before it sees the bad "_" */
		{ "4294967295", 32, 0, 4294967295LL },
		{ "0x100000000", 32, -ERANGE },
		{ "-5", -64, 0, -5 },
		{ "+5", -64, 0, 5 },
		{ "-0x10", -64, 0, -16 },
		{ "--5", -64, -EINVAL },
		{ "9223372036854775807", -64, 0, 9223372036854775807LL },
		{ "9223372036854775808", -64, -ERANGE },
		{ "-9223372036854775808", -64, 0, (-9223372036854775807LL - 1) },
		{ "-9223372036854775809", -64, -ERANGE },
		{ "-", -64, -EINVAL },
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		uint64_t u = 0;
		int64_t s = 0;
		int ret;
		long long got;

		if (nums[i].bits < 0) {
			ret = go_parse_int(nums[i].s, &s);
			got = s;
		} else {
			ret = go_parse_uint(
				nums[i].s, 0,
				nums[i].bits == 64 ? UINT64_MAX : (1ULL << nums[i].bits) - 1, &u);
			got = (long long)u;
		}
		if (ret != nums[i].ret || (!ret && got != nums[i].value))
			fail_msg(
				"'%s' (%d bits): expected ret %d value %lld, got ret %d value %lld",
				nums[i].s, nums[i].bits, nums[i].ret, nums[i].value, ret, got);
	}
}

/* --filter-mark is cilium/pwru's own parser: 0x hex or decimal, never octal. */
static void marks_as_cilium_pwru_parses_them(void **state)
{
	static const struct {
		const char *s;
		uint32_t mark, mask;
	} marks[] = {
		{ "0x42", 0x42, 0xffffffff },
		{ "010", 10, 0xffffffff },
		{ "0XaF/0x0f", 0xaf, 0x0f },
		{ "256/0xff00", 256, 0xff00 },
		{ "0/0", 0, 0 },
		{ "4294967295", 0xffffffff, 0xffffffff },
	};
	static const char *const refused[] = { "0o17", "0b1", "1_000", "+1",  "-1", "",
					       "/1",   "0x",  "0x1/",  "1/x", "a" };

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *argv[] = { "--filter-mark", marks[i].s, NULL };
		struct options o;
		char err[256];

		if (parse_words(&o, argv, err, sizeof(err)))
			fail_msg("--filter-mark %s: refused: %s", marks[i].s, err);
		if (!o.filter_mark_set || o.filter_mark != marks[i].mark ||
		    o.filter_mark_mask != marks[i].mask)
			fail_msg("--filter-mark %s: expected 0x%x/0x%x, got 0x%x/0x%x", marks[i].s,
				 marks[i].mark, marks[i].mask, o.filter_mark, o.filter_mark_mask);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *argv[] = { "--filter-mark", refused[i], NULL };
		struct options o;
		char err[256];

		if (parse_words(&o, argv, err, sizeof(err)) != -EINVAL)
			fail_msg("--filter-mark '%s': accepted, cilium/pwru refuses it",
				 refused[i]);
	}
}

static void defaults_match_pwru(void **state)
{
	const char *argv[] = { NULL };
	struct options o;
	char err[256];

	assert_int_equal(parse_words(&o, argv, err, sizeof(err)), 0);
	assert_true(o.output_meta);
	assert_true(o.output_tuple);
	assert_false(o.output_json);
	assert_false(o.debug);
	assert_false(o.show_help);
	assert_null(o.ready_file);
	assert_null(o.kernel_btf);
	assert_false(o.filter_mark_set);
	assert_int_equal(o.ringbuf_size, 8 << 20);
	assert_null(o.pcap_filter);
	assert_int_equal(o.timestamp, TS_NONE);
}

/* Repeats: scalars keep the last, lists keep all; "" for a string means not given. */
static void repeats_and_lists(void **state)
{
	const char *argv[] = { "--filter-netns", "/a",
			       "--filter-netns", "inode:7",
			       "--kmods",	 "veth,nf_tables",
			       "--kmods=bridge", "--ready-file=/x",
			       "--ready-file=",	 "--backend",
			       "kprobe",	 NULL };
	struct options o;
	char err[256];

	assert_int_equal(parse_words(&o, argv, err, sizeof(err)), 0);
	assert_int_equal(o.filter_netns.n, 2);
	assert_string_equal(o.filter_netns.items[1], "inode:7");
	assert_int_equal(o.kmods.n, 3);
	assert_string_equal(o.kmods.items[0], "veth");
	assert_string_equal(o.kmods.items[1], "nf_tables");
	assert_string_equal(o.kmods.items[2], "bridge");
	assert_null(o.ready_file);
	assert_string_equal(o.backend, "kprobe");
}

/* Our flags of this part: each lands in its field. */
static void ready_file_debug_kernel_btf(void **state)
{
	const char *argv[] = { "icmp",	       "--ready-file",	    "/run/pwru.ready", "--debug",
			       "--kernel-btf", "/boot/vmlinux.btf", "-h=false",	       NULL };
	struct options o;
	char err[256];

	assert_int_equal(parse_words(&o, argv, err, sizeof(err)), 0);
	assert_string_equal(o.ready_file, "/run/pwru.ready");
	assert_true(o.debug);
	assert_string_equal(o.kernel_btf, "/boot/vmlinux.btf");
	assert_false(o.show_help);
	assert_string_equal(o.pcap_filter, "icmp");
	free((char *)o.pcap_filter);
}

static char *help_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	options_print_help(f, "pwru");
	fclose(f);
	return buf;
}

/* The help is compared whole: a flag added, dropped or reworded shows here. */
static void help_matches_golden(void **state)
{
	char *help = help_text(), *golden = NULL, *h = help, *g, *hl, *gl;
	size_t cap = 0;
	FILE *f = fopen(HELP_GOLDEN, "r");
	int line = 1;

	if (!f)
		fail_msg("cannot open %s (run from the repository root)", HELP_GOLDEN);
	assert_true(getdelim(&golden, &cap, '\0', f) > 0);
	fclose(f);
	for (g = golden, hl = h, gl = g; *h && *h == *g; h++, g++) {
		if (*h == '\n') {
			line++;
			hl = h + 1;
			gl = g + 1;
		}
	}
	if (*h || *g)
		fail_msg("--help differs from %s at line %d:\n expected: %.*s\n      got: %.*s\n"
			 "(if meant: ./pwru --help | sed s,./pwru,pwru, > %s)",
			 HELP_GOLDEN, line, (int)strcspn(gl, "\n"), gl, (int)strcspn(hl, "\n"), hl,
			 HELP_GOLDEN);
	free(help);
	free(golden);
}

/* Every flag in the table is in the help, with its exact name. */
static void help_lists_every_flag(void **state)
{
	char *help = help_text();

	for (size_t i = 0; i < options_flag_count(); i++) {
		char needle[80];

		snprintf(needle, sizeof(needle), "--%s ", options_flag_name(i));
		if (!strstr(help, needle))
			fail_msg("--help does not list --%s", options_flag_name(i));
	}
	free(help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(command_lines_as_pflag),
		cmocka_unit_test(refusals_are_one_line),
		cmocka_unit_test(booleans_take_go_words),
		cmocka_unit_test(numbers_as_go_parses_them),
		cmocka_unit_test(marks_as_cilium_pwru_parses_them),
		cmocka_unit_test(defaults_match_pwru),
		cmocka_unit_test(repeats_and_lists),
		cmocka_unit_test(ready_file_debug_kernel_btf),
		cmocka_unit_test(help_matches_golden),
		cmocka_unit_test(help_lists_every_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
