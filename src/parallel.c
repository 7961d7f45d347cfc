// SPDX-License-Identifier: GPL-2.0
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "parallel.h"
#include "progress.h"

#define WATCH_TICK_MS 20

struct pool {
	size_t n;
	atomic_size_t next, done;
	atomic_bool stop;
	void (*fn)(void *arg, size_t i);
	void *arg;
};

bool cancel_requested(int cancel_fd)
{
	struct pollfd pfd = { .fd = cancel_fd, .events = POLLIN };

	return cancel_fd >= 0 && poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

static void *worker(void *p)
{
	struct pool *pool = p;
	size_t i;

	while (!atomic_load(&pool->stop) && (i = atomic_fetch_add(&pool->next, 1)) < pool->n) {
		pool->fn(pool->arg, i);
		atomic_fetch_add(&pool->done, 1);
	}
	return NULL;
}

/* Returns false when cancelled; waits either way until no item is running. */
static bool watch(struct pool *pool, struct progress *p, int cancel_fd)
{
	struct pollfd pfd = { .fd = cancel_fd, .events = POLLIN };
	size_t shown = 0, done;

	for (;;) {
		done = atomic_load(&pool->done);
		if (p && done > shown)
			progress_step(p, done - shown);
		shown = done;
		if (shown >= pool->n)
			return true;
		if (atomic_load(&pool->stop))
			return false;
		/* sleeps one tick, or less when the cancel fd fires */
		if (poll(&pfd, 1, WATCH_TICK_MS) == 1 && (pfd.revents & POLLIN))
			atomic_store(&pool->stop, true);
	}
}

bool parallel_for(size_t n, void (*fn)(void *arg, size_t i), void *arg,
		  const struct parallel_opts *o)
{
	struct pool pool = { .n = n, .fn = fn, .arg = arg };
	int threads = o->threads < 1 ? 1 : o->threads;
	bool finished;
	pthread_t *t;
	int started = 0;

	atomic_init(&pool.next, 0);
	atomic_init(&pool.done, 0);
	atomic_init(&pool.stop, cancel_requested(o->cancel_fd));
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	t = calloc(threads, sizeof(*t));
	for (int i = 0; t && i < threads; i++) {
		if (pthread_create(&t[i], NULL, worker, &pool) == 0)
			started++;
	}
	if (!started) /* no threads to be had: do the work here, uncancellable */
		worker(&pool);
	finished = watch(&pool, o->progress, started ? o->cancel_fd : -1);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	/* a cancel that came after the last item started changes nothing */
	return finished || atomic_load(&pool.done) == n;
}
