// SPDX-License-Identifier: GPL-2.0
/* --output-file's rotation: backup names as cilium/pwru's logger makes them, the size limit, pruning, gzip. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
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

/* A FIFO (as a device would be) is written to, never renamed away. */
static void a_fifo_is_never_rotated(void **state)
{
	char dir[] = "/tmp/pwru-rotate-XXXXXX", path[128], line[600];
	struct out_file_opts o = { .path = path, .max_bytes = 2000 };
	struct out_file f;
	struct stat st;
	char err[256];
	int rd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	memset(line, 'x', sizeof(line) - 1);
	assert_int_equal(out_file_open(&f, &o, err, sizeof(err)), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(out_file_before_write(&f, sizeof(line) - 1), 0);
		assert_int_equal(write(f.fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
		assert_int_equal(read(rd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	}
	assert_int_equal(f.rotations, 0);
	out_file_close(&f);
	close(rd);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(count_files(dir, ".json"), 0);
	snprintf(line, sizeof(line), "rm -rf %s", dir);
	assert_int_equal(system(line), 0);
}

/* Pages of f's first len bytes in the page cache. */
static size_t resident_pages(const char *path, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = len / (size_t)page, n = 0;
	unsigned char *vec = calloc(pages, 1);
	int fd = open(path, O_RDONLY);
	void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	assert_non_null(vec);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mincore(m, len, vec), 0);
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	munmap(m, len);
	close(fd);
	free(vec);
	return n;
}

/*
 * What was written leaves the page cache (written back first) while the
 * file grows; without that all 64 MiB stay cached. On a disk-backed file
 * system: tmpfs pages are the file itself.
 */
static void written_pages_leave_the_page_cache(void **state)
{
	char dir[] = "/var/tmp/pwru-drop-XXXXXX", path[128];
	struct out_file_opts o = { .path = path };
	static char chunk[1 << 20];
	struct out_file f;
	char err[256];
	size_t first = 32u << 20;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(out_file_open(&f, &o, err, sizeof(err)), 0);
	for (int i = 1; i <= 64; i++) {
		assert_int_equal(out_file_before_write(&f, sizeof(chunk)), 0);
		assert_int_equal(write(f.fd, chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
		out_file_after_write(&f);
		usleep(20000); /* time for the writeback one step started */
	}
	out_file_close(&f);
	/* 8192 pages of 4 KiB in the first 32 MiB: most must be gone */
	assert_true(resident_pages(path, first) < first / 4096 / 4);
	unlink(path);
	rmdir(dir);
}

/*
 * --output-file-max-age: a rotation removes the backups last written more
 * than that many days ago and keeps the younger ones (the clock is not
 * moved: the old backup is made old with utimensat).
 */
static void rotation_drops_backups_older_than_max_age(void **state)
{
	char dir[] = "/tmp/pwru-maxage-XXXXXX", path[128], old[160], young[160], cmd[160];
	struct out_file_opts o = { .path = path, .max_bytes = 100, .max_age_days = 2 };
	struct timespec three_days_ago[2] = { { .tv_sec = time(NULL) - 3 * 86400 },
					      { .tv_sec = time(NULL) - 3 * 86400 } };
	struct out_file f;
	char err[256], line[80];
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	out_file_backup_name(path, time(NULL) - 3 * 86400, 0, old, sizeof(old));
	out_file_backup_name(path, time(NULL) - 86400, 0, young, sizeof(young));
	for (int i = 0; i < 2; i++) {
		fp = fopen(i ? young : old, "w");
		assert_non_null(fp);
		fclose(fp);
	}
	assert_int_equal(utimensat(AT_FDCWD, old, three_days_ago, 0), 0);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 2] = '\n';
	assert_int_equal(out_file_open(&f, &o, err, sizeof(err)), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(out_file_before_write(&f, sizeof(line) - 1), 0);
		assert_int_equal(write(f.fd, line, sizeof(line) - 1), (ssize_t)sizeof(line) - 1);
	}
	out_file_close(&f); /* waits for the pruning worker */
	assert_int_equal(f.rotations, 1);
	assert_int_equal(access(old, F_OK), -1);
	assert_int_equal(access(young, F_OK), 0);
	assert_int_equal(count_files(dir, ".json"), 2); /* the young one and the new backup */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_names_carry_the_utc_time),
		cmocka_unit_test(rotates_before_a_batch_that_would_not_fit),
		cmocka_unit_test(a_fifo_is_never_rotated),
		cmocka_unit_test(written_pages_leave_the_page_cache),
		cmocka_unit_test(rotation_drops_backups_older_than_max_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
