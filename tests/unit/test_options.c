// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing: defaults, pwru-compatible spellings, bad values. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"

#define ARGV(...)                         \
	(char *[])                        \
	{                                 \
		"pwru", __VA_ARGS__, NULL \
	}
#define ARGC(...) ((int)(sizeof((char *[]){ "pwru", __VA_ARGS__ }) / sizeof(char *)))

static int parse(struct options *o, int argc, char **argv)
{
	char err[256];

	return options_parse(o, argc, argv, err, sizeof(err));
}

static void defaults_match_pwru(void **state)
{
	struct options o;
	char *argv[] = { "pwru", NULL };

	assert_int_equal(parse(&o, 1, argv), 0);
	assert_true(o.output_meta);
	assert_true(o.output_tuple);
	assert_false(o.output_json);
	assert_int_equal(o.ringbuf_size, 4 << 20);
	assert_null(o.pcap_filter);
	assert_int_equal(o.timestamp, TS_NONE);
}

static void booleans_take_optional_values(void **state)
{
	struct options o;

	assert_int_equal(parse(&o,
			       ARGC("--output-meta=false", "--output-json", "--output-stack=true"),
			       ARGV("--output-meta=false", "--output-json", "--output-stack=true")),
			 0);
	assert_false(o.output_meta);
	assert_true(o.output_json);
	assert_true(o.output_stack);
	assert_int_equal(parse(&o, ARGC("--output-json=maybe"), ARGV("--output-json=maybe")),
			 -EINVAL);
}

static void mark_with_and_without_mask(void **state)
{
	struct options o;

	assert_int_equal(parse(&o, ARGC("--filter-mark", "0x42"), ARGV("--filter-mark", "0x42")),
			 0);
	assert_true(o.filter_mark_set);
	assert_int_equal(o.filter_mark, 0x42);
	assert_int_equal(o.filter_mark_mask, 0xffffffff);
	assert_int_equal(parse(&o, ARGC("--filter-mark", "0x100/0xff00"),
			       ARGV("--filter-mark", "0x100/0xff00")),
			 0);
	assert_int_equal(o.filter_mark, 0x100);
	assert_int_equal(o.filter_mark_mask, 0xff00);
	assert_int_equal(parse(&o, ARGC("--filter-mark", "0x1/"), ARGV("--filter-mark", "0x1/")),
			 -EINVAL);
	assert_int_equal(parse(&o, ARGC("--filter-mark", "0x1ffffffff"),
			       ARGV("--filter-mark", "0x1ffffffff")),
			 -EINVAL);
	assert_int_equal(parse(&o, ARGC("--filter-mark", "-1"), ARGV("--filter-mark", "-1")),
			 -EINVAL);
}

static void filter_words_are_joined(void **state)
{
	struct options o;

	assert_int_equal(parse(&o, ARGC("--output-tuple", "dst", "host", "198.18.0.2"),
			       ARGV("--output-tuple", "dst", "host", "198.18.0.2")),
			 0);
	assert_string_equal(o.pcap_filter, "dst host 198.18.0.2");
	free((char *)o.pcap_filter);
}

static void repeatable_and_list_options(void **state)
{
	struct options o;
	char kmods[] = "veth,nf_tables";
	char *argv[] = { "pwru",    "--filter-netns", "/a",  "--filter-netns",
			 "inode:7", "--kmods",	      kmods, NULL };

	assert_int_equal(parse(&o, 7, argv), 0);
	assert_int_equal(o.filter_netns.n, 2);
	assert_string_equal(o.filter_netns.items[1], "inode:7");
	assert_int_equal(o.kmods.n, 2);
	assert_string_equal(o.kmods.items[1], "nf_tables");
}

static void timestamps_and_sizes(void **state)
{
	struct options o;

	assert_int_equal(
		parse(&o, ARGC("--timestamp", "relative"), ARGV("--timestamp", "relative")), 0);
	assert_int_equal(o.timestamp, TS_RELATIVE);
	assert_int_equal(
		parse(&o, ARGC("--timestamp", "yesterday"), ARGV("--timestamp", "yesterday")),
		-EINVAL);
	assert_int_equal(
		parse(&o, ARGC("--ringbuf-size", "65536"), ARGV("--ringbuf-size", "65536")), 0);
	assert_int_equal(o.ringbuf_size, 65536);
	assert_int_equal(
		parse(&o, ARGC("--ringbuf-size", "65535"), ARGV("--ringbuf-size", "65535")),
		-EINVAL);
	assert_int_equal(parse(&o, ARGC("--duration", "1.5"), ARGV("--duration", "1.5")), 0);
	assert_true(o.duration > 1.4 && o.duration < 1.6);
	assert_int_equal(
		parse(&o, ARGC("--output-limit-lines", "x"), ARGV("--output-limit-lines", "x")),
		-EINVAL);
}

static void unknown_option_is_an_error(void **state)
{
	struct options o;
	char err[256] = "";
	char *argv[] = { "pwru", "--no-such-thing", NULL };

	assert_int_equal(options_parse(&o, 2, argv, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--no-such-thing"));
}

static void help_lists_every_pwru_flag(void **state)
{
	static const char *const flags[] = {
		"--filter-netns",     "--filter-mark",
		"--filter-func",      "--filter-track-skb",
		"--output-meta",      "--output-tuple",
		"--output-stack",     "--output-caller",
		"--output-tcp-flags", "--output-skb",
		"--timestamp",	      "--output-json",
		"--output-file",      "--output-limit-lines",
		"--version",	      "--help",
		"--filter-ifname",    "--kmods",
		"--all-kmods",	      "--backend",
		"--filter-pod",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	options_print_help(f, "pwru");
	fclose(f);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		assert_non_null(strstr(buf, flags[i]));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_match_pwru),
		cmocka_unit_test(booleans_take_optional_values),
		cmocka_unit_test(mark_with_and_without_mask),
		cmocka_unit_test(filter_words_are_joined),
		cmocka_unit_test(repeatable_and_list_options),
		cmocka_unit_test(timestamps_and_sizes),
		cmocka_unit_test(unknown_option_is_an_error),
		cmocka_unit_test(help_lists_every_pwru_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
