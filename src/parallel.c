// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "parallel.h"
#include "progress.h"

struct pool {
	size_t n;
	atomic_size_t next, done;
	void (*fn)(void *arg, size_t i);
	void *arg;
};

static void *worker(void *p)
{
	struct pool *pool = p;
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->n) {
		pool->fn(pool->arg, i);
		atomic_fetch_add(&pool->done, 1);
	}
	return NULL;
}

static void watch_progress(struct pool *pool, struct progress *p)
{
	struct timespec tick = { .tv_nsec = 20 * 1000000L };
	size_t shown = 0;

	while (shown < pool->n) {
		size_t done = atomic_load(&pool->done);

		if (p && done > shown)
			progress_step(p, done - shown);
		shown = done;
		if (shown < pool->n)
			nanosleep(&tick, NULL);
	}
}

void parallel_for(size_t n, int threads, void (*fn)(void *arg, size_t i), void *arg,
		  struct progress *p)
{
	struct pool pool = { .n = n, .fn = fn, .arg = arg };
	pthread_t *t;
	int started = 0;

	atomic_init(&pool.next, 0);
	atomic_init(&pool.done, 0);
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > n)
		threads = n ? (int)n : 1;
	t = calloc(threads, sizeof(*t));
	for (int i = 0; t && i < threads; i++) {
		if (pthread_create(&t[i], NULL, worker, &pool) == 0)
			started++;
	}
	if (!started) /* no threads to be had: do the work here */
		worker(&pool);
	watch_progress(&pool, p);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}
