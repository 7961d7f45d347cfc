/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OUTPUT_FILE_H
#define PWRU_OUTPUT_FILE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * --output-file with cilium/pwru's rotation: the file is appended to, and
 * before a batch would take it past max_bytes it is renamed to
 * NAME-2006-01-02T15-04-05.000.EXT (UTC, as cilium/pwru's logger names
 * backups), a new one is opened, and the backups beyond max_backups or older
 * than max_age_days are removed; with compress each backup becomes .gz on a
 * thread of its own, so the event loop never waits for gzip. Rotation happens
 * between batches of whole events: no event line is ever split. What a
 * regular file (this one, or --output-pcap's, adopted) has written leaves
 * the page cache behind it, on a thread of its own (output_file.c says why).
 */
struct out_file_opts {
	const char *path;
	uint64_t max_bytes;    /* 0: never rotate */
	uint64_t max_backups;  /* 0: keep them all */
	uint64_t max_age_days; /* 0: keep them whatever their age */
	bool compress;
};

struct out_file {
	struct out_file_opts o;
	int fd;
	uint64_t size;
	uint64_t rotations;
	pthread_t worker; /* compressing and pruning the last backup */
	bool worker_running;
	char backup[4096]; /* the backup the worker handles */
	/* Dropping what was written from the page cache (regular files only). */
	uint64_t drop_at; /* the size at which the dropper is next told */
	pthread_t dropper;
	bool dropper_running;
	pthread_mutex_t drop_lock; /* guards the three below */
	pthread_cond_t drop_wake;
	int drop_fd;	   /* the file being written, for the dropper; -1: none */
	uint64_t drop_end; /* what lies before it may go */
	bool drop_stop;
};

int out_file_open(struct out_file *f, const struct out_file_opts *o, char *err, size_t errlen);
/* The same for a file the caller opened (--output-pcap truncates it): f owns fd from now on. */
void out_file_adopt(struct out_file *f, const struct out_file_opts *o, int fd);
/* Before writing len bytes: rotates if they would not fit. 0 or -errno; f->fd may change. */
int out_file_before_write(struct out_file *f, size_t len);
/* After a batch was written whole: lets older pages of the file leave the page cache. */
void out_file_after_write(struct out_file *f);
/* Waits for the compression worker and closes the file. */
void out_file_close(struct out_file *f);

/* Exposed for tests: the backup name of path at time t (seconds, ms). */
void out_file_backup_name(const char *path, int64_t sec, int ms, char *out, size_t len);

#endif
