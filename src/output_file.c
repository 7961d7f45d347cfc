// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>

#include "array.h"
#include "errmsg.h"
#include "output_file.h"

#define TS_LEN (sizeof("2006-01-02T15-04-05.000") - 1)

/* "dir/", "name", ".ext" of a path; ext is empty without a dot in the file name. */
static void split_path(const char *path, char *dir, char *base, char *ext, size_t len)
{
	const char *slash = strrchr(path, '/'), *file = slash ? slash + 1 : path;
	const char *dot = strrchr(file, '.');

	if (!dot || dot == file)
		dot = file + strlen(file);
	snprintf(dir, len, "%.*s", (int)(file - path), path);
	snprintf(base, len, "%.*s", (int)(dot - file), file);
	snprintf(ext, len, "%s", dot);
}

void out_file_backup_name(const char *path, int64_t sec, int ms, char *out, size_t len)
{
	char dir[4096], base[4096], ext[4096], ts[32];
	time_t t = (time_t)sec;
	struct tm tm;

	split_path(path, dir, base, ext, sizeof(dir));
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H-%M-%S", &tm);
	snprintf(out, len, "%s%s-%s.%03d%s", dir, base, ts, ms, ext);
}

/*
 * A trace written to a file is read later, if at all, and from the disk:
 * keeping it in the page cache only grows the memory charged to pwru (to
 * its pod's cgroup under Kubernetes) and makes every batch land in newly
 * allocated pages. On a VM that hands free memory back to its host (free
 * page reporting, as on the machine this was measured on) a new page costs
 * a host fault: buffered JSON at ~340 MB/s into new pages lost a fifth to
 * half of a flood's events, and none once written pages were recycled.
 *
 * So every DROP_STEP bytes the dropper thread is told to let go of all but
 * the newest step; it hands the last DROP_SPAN before that to
 * POSIX_FADV_DONTNEED, which starts writing back what is dirty and drops
 * what is clean (a page still under writeback goes on a later call). It is
 * a thread because starting that writeback waits for the device when the
 * disk is slower than the events, and the event loop must not wait for the
 * advice: then the page cache holds more, as it would without the dropper.
 * The smaller the step, the sooner pages come back for new writes: with
 * 4 MiB steps and a 32 MiB span a 3 s flood grew the page cache by 76 to
 * 110 MB and lost events in 2 of 16 runs; with 1 MiB and 8 MiB, by -5 to
 * +27 MB and in none of 15 (the span still gives a page under writeback
 * eight more calls).
 */
#define DROP_STEP (1ull << 20)
#define DROP_SPAN (8ull << 20)

static void *drop_written_pages(void *arg)
{
	struct out_file *f = arg;
	uint64_t done = 0;

	pthread_mutex_lock(&f->drop_lock);
	for (;;) {
		uint64_t end = f->drop_end, start = end > DROP_SPAN ? end - DROP_SPAN : 0;
		int fd;

		if (end == done || !end) { /* nothing new, or a new file */
			done = end;
			if (f->drop_stop)
				break;
			pthread_cond_wait(&f->drop_wake, &f->drop_lock);
			continue;
		}
		/* our own descriptor: a rotation may close the writer's meanwhile */
		fd = dup(f->drop_fd);
		pthread_mutex_unlock(&f->drop_lock);
		if (fd >= 0) {
			/* advice only: a file system that ignores it loses nothing */
			posix_fadvise(fd, (off_t)start, (off_t)(end - start), POSIX_FADV_DONTNEED);
			close(fd);
		}
		done = end;
		pthread_mutex_lock(&f->drop_lock);
	}
	pthread_mutex_unlock(&f->drop_lock);
	return NULL;
}

static void dropper_start(struct out_file *f)
{
	f->drop_at = f->size + DROP_STEP;
	pthread_mutex_init(&f->drop_lock, NULL);
	pthread_cond_init(&f->drop_wake, NULL);
	f->drop_fd = dup(f->fd);
	f->drop_end = 0;
	f->dropper_running =
		f->drop_fd >= 0 && !pthread_create(&f->dropper, NULL, drop_written_pages, f);
	if (!f->dropper_running) { /* advice only: the file is written all the same */
		if (f->drop_fd >= 0)
			close(f->drop_fd);
		pthread_cond_destroy(&f->drop_wake);
		pthread_mutex_destroy(&f->drop_lock);
	}
}

/* The file was rotated: the dropper follows the new one. */
static void dropper_switch(struct out_file *f)
{
	f->drop_at = DROP_STEP;
	if (!f->dropper_running)
		return;
	pthread_mutex_lock(&f->drop_lock);
	close(f->drop_fd);
	f->drop_fd = dup(f->fd);
	f->drop_end = 0;
	pthread_mutex_unlock(&f->drop_lock);
}

static void dropper_stop(struct out_file *f)
{
	if (!f->dropper_running)
		return;
	pthread_mutex_lock(&f->drop_lock);
	f->drop_stop = true;
	pthread_cond_signal(&f->drop_wake);
	pthread_mutex_unlock(&f->drop_lock);
	pthread_join(f->dropper, NULL);
	close(f->drop_fd);
	pthread_cond_destroy(&f->drop_wake);
	pthread_mutex_destroy(&f->drop_lock);
	f->dropper_running = false;
}

void out_file_after_write(struct out_file *f)
{
	if (!f->dropper_running || f->size < f->drop_at)
		return;
	f->drop_at = f->size + DROP_STEP;
	pthread_mutex_lock(&f->drop_lock);
	f->drop_end = f->size - DROP_STEP;
	pthread_cond_signal(&f->drop_wake);
	pthread_mutex_unlock(&f->drop_lock);
}

static int open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}

void out_file_adopt(struct out_file *f, const struct out_file_opts *o, int fd)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->o = *o;
	f->fd = fd;
	/*
	 * Only a regular file is rotated: renaming a device or a FIFO would
	 * move the node itself (--output-file /dev/null once left a regular
	 * file named /dev/null behind).
	 */
	if (!fstat(f->fd, &st) && S_ISREG(st.st_mode)) {
		f->size = (uint64_t)st.st_size;
		dropper_start(f);
	} else {
		f->o.max_bytes = 0;
	}
}

int out_file_open(struct out_file *f, const struct out_file_opts *o, char *err, size_t errlen)
{
	/* cilium/pwru appends to an existing file */
	int fd = open_append(o->path);

	if (fd < 0)
		return set_err(err, errlen, fd, "--output-file %s: %s", o->path, strerror(-fd));
	out_file_adopt(f, o, fd);
	return 0;
}

static int gzip_file(const char *src, const char *dst)
{
	char tmp[4200], buf[1 << 16];
	int in = open(src, O_RDONLY | O_CLOEXEC), ret = 0;
	gzFile out;
	ssize_t n;

	if (in < 0)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	out = gzopen(tmp, "wb");
	if (!out) {
		close(in);
		return -EIO;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (gzwrite(out, buf, (unsigned)n) != (int)n) {
			ret = -EIO;
			break;
		}
	}
	if (n < 0)
		ret = -errno;
	if (gzclose(out) != Z_OK && !ret)
		ret = -EIO;
	close(in);
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		unlink(tmp);
	else
		unlink(src);
	return ret;
}

static int newest_first(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* Is name BASE-TIMESTAMP.EXT or BASE-TIMESTAMP.EXT.gz? */
static bool is_backup(const char *name, const char *base, const char *ext)
{
	size_t bl = strlen(base), el = strlen(ext), nl = strlen(name);
	const char *tail = name + bl + 1 + TS_LEN;

	if (nl < bl + 1 + TS_LEN + el || strncmp(name, base, bl) || name[bl] != '-')
		return false;
	return !strcmp(tail, ext) || (!strncmp(tail, ext, el) && !strcmp(tail + el, ".gz"));
}

/* Keeps the newest max_backups backups, none older than max_age_days. */
static void prune(const struct out_file_opts *o)
{
	char dir[4096], base[4096], ext[4096], path[8300];
	char **names = NULL;
	size_t n = 0, cap = 0;
	time_t oldest = o->max_age_days ? time(NULL) - (time_t)o->max_age_days * 86400 : 0;
	struct dirent *de;
	DIR *d;

	split_path(o->path, dir, base, ext, sizeof(dir));
	d = opendir(dir[0] ? dir : ".");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!is_backup(de->d_name, base, ext) || array_reserve(names, cap, n + 1))
			continue;
		names[n] = strdup(de->d_name);
		n += names[n] != NULL;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), newest_first);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s%s", dir, names[i]);
		if ((o->max_backups && i >= o->max_backups) ||
		    (oldest && !stat(path, &st) && st.st_mtime < oldest))
			unlink(path);
		free(names[i]);
	}
	free(names);
}

static void *compress_and_prune(void *arg)
{
	struct out_file *f = arg;
	char gz[4200];

	if (f->o.compress) {
		snprintf(gz, sizeof(gz), "%s.gz", f->backup);
		gzip_file(f->backup, gz);
	}
	prune(&f->o);
	return NULL;
}

static void worker_wait(struct out_file *f)
{
	if (f->worker_running)
		pthread_join(f->worker, NULL);
	f->worker_running = false;
}

static int rotate(struct out_file *f)
{
	struct timespec now;
	int fd;

	worker_wait(f); /* a rotation faster than the last gzip waits for it */
	clock_gettime(CLOCK_REALTIME, &now);
	out_file_backup_name(f->o.path, now.tv_sec, (int)(now.tv_nsec / 1000000), f->backup,
			     sizeof(f->backup));
	if (rename(f->o.path, f->backup))
		return -errno;
	fd = open_append(f->o.path);
	if (fd < 0)
		return fd;
	close(f->fd);
	f->fd = fd;
	f->size = 0;
	dropper_switch(f);
	f->rotations++;
	if (f->o.compress || f->o.max_backups || f->o.max_age_days)
		f->worker_running = !pthread_create(&f->worker, NULL, compress_and_prune, f);
	return 0;
}

int out_file_before_write(struct out_file *f, size_t len)
{
	int ret = 0;

	/* a batch larger than the limit on its own goes to a fresh file whole */
	if (f->o.max_bytes && f->size && f->size + len > f->o.max_bytes)
		ret = rotate(f);
	if (!ret)
		f->size += len;
	return ret;
}

void out_file_close(struct out_file *f)
{
	dropper_stop(f);
	worker_wait(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
