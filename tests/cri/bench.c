// SPDX-License-Identifier: GPL-2.0
/* cri-bench: what pod resolution costs against a runtime holding pods.
 *
 *   cri-bench -e EP POD [ROUNDS]
 *
 * Prints, in ms: pods_open (connect, Version, first full table: two list
 * calls plus one verbose status per sandbox), pods_select of one pod, one
 * warm refresh (lists only, nothing new) and one cold table build. */
#include "cri/endpoint.h"
#include "cri/pod_source.h"
#include "cri/runtime.h"
#include "hostns.h"
#include "pods.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%-44s median %7.2f ms   min %7.2f ms   max %7.2f ms   (%d runs)\n", what, v[n / 2],
	       v[0], v[n - 1], n);
}

int main(int argc, char **argv)
{
	const char *ep = argc > 2 && !strcmp(argv[1], "-e") ? argv[2] : NULL;
	const char *pod = argc > 3 ? argv[3] : NULL;
	int rounds = argc > 4 ? atoi(argv[4]) : 10;
	double open_ms[64], select_ms[64], warm_ms[64], cold_ms[64];
	char err[512];
	size_t npods = 0;

	if (!ep || !pod || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: cri-bench -e ENDPOINT NS/POD [ROUNDS<=64]\n");
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		struct pods_opts o = { .cri_endpoint = ep, .timeout_ms = 5000 };
		struct pod_selector sel = { .pods = &pod, .n_pods = 1 };
		struct cri_client *c = NULL;
		struct pod_list l;
		struct pods *p = NULL;
		uint32_t host_netns = 0;
		uint32_t *v = NULL;
		size_t n;
		double t0 = now_ms();

		if (pods_open(&o, &p, err, sizeof(err)) < 0)
			goto fail;
		open_ms[i] = now_ms() - t0;
		t0 = now_ms();
		if (pods_select(p, &sel, &v, &n, err, sizeof(err)) < 0)
			goto fail;
		select_ms[i] = now_ms() - t0;
		free(v);
		t0 = now_ms();
		if (pods_refresh(p, err, sizeof(err)) < 0)
			goto fail;
		warm_ms[i] = now_ms() - t0;
		npods = pods_count(p);
		pods_close(p);

		if (cri_endpoint_open(ep, "/", 5000, &c, NULL, 0, err, sizeof(err)) < 0)
			goto fail;
		host_netns_inode("/", &host_netns);
		t0 = now_ms();
		if (cri_pods_list(c, "/", host_netns, NULL, &l, err, sizeof(err)) < 0)
			goto fail;
		cold_ms[i] = now_ms() - t0;
		pod_list_free(&l);
		cri_client_free(c);
	}
	printf("pods in the table: %zu\n", npods);
	report("pods_open (connect + first table)", open_ms, rounds);
	report("pods_select one pod", select_ms, rounds);
	report("table refresh, warm (no new pods)", warm_ms, rounds);
	report("table build, cold (status call per pod)", cold_ms, rounds);
	return 0;
fail:
	fprintf(stderr, "cri-bench: %s\n", err);
	return 1;
}
