// SPDX-License-Identifier: GPL-2.0
/* --output-file's rotation: backup names as cilium/pwru's logger makes them, the size limit, pruning, gzip. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "output_file.h"

static void backup_names_carry_the_utc_time(void **state)
{
	char name[256];

	/* 2006-01-02 15:04:05 UTC */
	out_file_backup_name("/var/log/pwru/trace.json", 1136214245, 7, name, sizeof(name));
	assert_string_equal(name, "/var/log/pwru/trace-2006-01-02T15-04-05.007.json");
	out_file_backup_name("trace", 1136214245, 999, name, sizeof(name));
	assert_string_equal(name, "trace-2006-01-02T15-04-05.999");
}

static size_t count_files(const char *dir, const char *suffix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name), sl = strlen(suffix);

		n += !strncmp(de->d_name, "t-", 2) && l > sl &&
		     !strcmp(de->d_name + l - sl, suffix);
	}
	closedir(d);
	return n;
}

static void rotates_before_a_batch_that_would_not_fit(void **state)
{
	char dir[] = "/tmp/pwru-rotate-XXXXXX", path[128], line[600];
	struct out_file_opts o = {
		.path = path, .max_bytes = 2000, .max_backups = 2, .compress = true
	};
	struct out_file f;
	char err[256];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 2] = '\n';
	assert_int_equal(out_file_open(&f, &o, err, sizeof(err)), 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(out_file_before_write(&f, sizeof(line) - 1), 0);
		assert_int_equal(write(f.fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
		/* backup names have millisecond resolution: one rotation per ms at most here */
		usleep(2000);
	}
	assert_true(f.size <= 2000);
	/* 20 lines of 599 bytes, 3 to a file: 6 rotations */
	assert_int_equal(f.rotations, 6);
	out_file_close(&f);
	assert_int_equal(count_files(dir, ".json.gz"), 2);
	assert_int_equal(count_files(dir, ".json"), 0);
	snprintf(line, sizeof(line), "rm -rf %s", dir);
	assert_int_equal(system(line), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_names_carry_the_utc_time),
		cmocka_unit_test(rotates_before_a_batch_that_would_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
