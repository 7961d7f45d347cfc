// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer reader. One epoll set holds the ring buffer, a signalfd
 * and a timerfd, so the loop sleeps until there is something to do and a
 * signal is just another event, never a flag written from a handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "pwru.h"

enum { SRC_RING = 1, SRC_SIGNAL, SRC_TIMER, SRC_OUTPUT };

/*
 * Under load, waking up for every few events costs the producer an
 * irq_work per event and us a syscall per batch. When a drain returned a
 * full batch we nap BATCH_NAP_NS before waiting again, so records pile up
 * and are read in bulk; an idle trace still wakes at once for its first
 * event. Never a busy poll: the nap is a sleep.
 */
#define BATCH_EVENTS 256
#define BATCH_NAP_NS 1000000L

/*
 * The kernel wakes us at most once a millisecond (submit_event() in
 * bpf/pwru.bpf.c) and sends the events in between without a wakeup. Every
 * one of those follows a wakeup by less than a millisecond, so a drain this
 * long after the last drain that found events finds them all; only after
 * such a drain comes back empty may the loop sleep without a deadline.
 */
#define WAKEUP_BACKSTOP_NS 10000000L

struct event_reader {
	struct ring_buffer *rb;
	event_handler_fn fn;
	batch_end_fn batch_end;
	void *ctx;
	int epfd, sigfd, timerfd;
	int stop; /* set by the sample callback when the handler asks */
	/* CLOCK_MONOTONIC ns of the drain that must follow the last one that found events; 0: none */
	int64_t backstop_ns;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct event_reader *r = ctx;
	int ret = r->fn(r->ctx, data, size);

	if (ret > 0)
		r->stop = 1;
	return ret;
}

static int epoll_add(int epfd, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int event_reader_new(int ringbuf_fd, event_handler_fn fn, batch_end_fn batch_end, void *ctx,
		     struct event_reader **out)
{
	struct event_reader *r = calloc(1, sizeof(*r));
	sigset_t mask;
	int ret;

	if (!r)
		return -ENOMEM;
	r->fn = fn;
	r->batch_end = batch_end;
	r->ctx = ctx;
	r->epfd = r->sigfd = r->timerfd = -1;
	r->rb = ring_buffer__new(ringbuf_fd, on_sample, r, NULL);
	if (!r->rb) {
		ret = -errno;
		goto fail;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	r->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->sigfd < 0 || r->timerfd < 0 || r->epfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = epoll_add(r->epfd, ring_buffer__epoll_fd(r->rb), SRC_RING);
	if (!ret)
		ret = epoll_add(r->epfd, r->sigfd, SRC_SIGNAL);
	if (!ret)
		ret = epoll_add(r->epfd, r->timerfd, SRC_TIMER);
	if (ret)
		goto fail;
	*out = r;
	return 0;
fail:
	event_reader_free(r);
	return ret;
}

void event_reader_watch_output(struct event_reader *r, int fd)
{
	/* No events asked for: EPOLLERR (the pipe's reader closed) is always reported. */
	struct epoll_event ev = { .events = 0, .data.u32 = SRC_OUTPUT };

	epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int arm_timer(int fd, double seconds)
{
	struct itimerspec its = {};

	if (seconds <= 0)
		return 0;
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)its.it_value.tv_sec) * 1e9);
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(fd, 0, &its, NULL) ? -errno : 0;
}

static int read_signal(int sigfd)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* epoll_wait's timeout: until the backstop drain is due, or none. */
static int backstop_timeout_ms(const struct event_reader *r)
{
	int64_t left;

	if (!r->backstop_ns)
		return -1;
	left = r->backstop_ns - monotonic_ns();
	return left > 0 ? (int)((left + 999999) / 1000000) : 0;
}

static int drain_batch(struct event_reader *r)
{
	struct timespec nap = { .tv_nsec = BATCH_NAP_NS };
	int n = ring_buffer__consume(r->rb);

	if (n < 0 && !r->stop)
		return -EIO;
	if (n > 0)
		r->backstop_ns = monotonic_ns() + WAKEUP_BACKSTOP_NS;
	else if (r->backstop_ns && monotonic_ns() >= r->backstop_ns)
		r->backstop_ns = 0;
	if (n > 0 && r->batch_end && r->batch_end(r->ctx) > 0)
		r->stop = 1;
	if (n >= BATCH_EVENTS && !r->stop)
		nanosleep(&nap, NULL);
	return 0;
}

int event_reader_run(struct event_reader *r, double duration)
{
	struct epoll_event evs[4];
	int ret = arm_timer(r->timerfd, duration);

	while (!ret && !r->stop) {
		int n = epoll_wait(r->epfd, evs, 4, backstop_timeout_ms(r));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n) {
			ret = drain_batch(r);
			continue;
		}
		for (int i = 0; i < n && !ret; i++) {
			switch (evs[i].data.u32) {
			case SRC_RING:
				ret = drain_batch(r);
				break;
			case SRC_SIGNAL:
				ret = read_signal(r->sigfd);
				break;
			case SRC_TIMER:
				return 0;
			case SRC_OUTPUT:
				return EVENT_READER_OUTPUT_CLOSED;
			}
		}
	}
	return ret;
}

int event_reader_drain(struct event_reader *r)
{
	return ring_buffer__consume(r->rb) < 0 ? -EIO : 0;
}

void event_reader_free(struct event_reader *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	if (r->timerfd >= 0)
		close(r->timerfd);
	free(r);
}

int counters_read(int counters_fd, struct kernel_counts *k)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;
	uint32_t key;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(k, 0, sizeof(*k));
	for (key = 0; key < PWRU_CNT_MAX; key++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(counters_fd, &key, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (key == PWRU_CNT_EMITTED)
			k->emitted = sum;
		else if (key == PWRU_CNT_LOST)
			k->lost = sum;
		else if (key == PWRU_CNT_MATCHED)
			k->matched = sum;
	}
	free(vals);
	return 0;
}
