// SPDX-License-Identifier: GPL-2.0
/* Checks pods_open/pods_select/pods_lookup against a real containerd made
 * by containerd.sh. The expected inodes come from the shell, which takes
 * them from `ctr tasks ls` pids and stat, not from our code.
 *
 *   cri-containerd-check -e EP --pod NS/NAME=INODE... [--label K=V=INODE]
 *        [--hostnet NS/NAME] [--late-cmd CMD]
 * CMD creates one more pod and prints its netns inode. */
#include "hostns.h"
#include "pods.h"
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_PODS 8

struct expect {
	char spec[300]; /* NS/NAME, or K=V for a label */
	uint32_t inode;
};

struct args {
	const char *endpoint, *hostnet, *late_cmd;
	struct expect pods[MAX_PODS], labels[MAX_PODS];
	int n_pods, n_labels;
};

static int parse_expect(const char *arg, struct expect *e)
{
	const char *eq = strrchr(arg, '=');

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(e->spec))
		return -EINVAL;
	snprintf(e->spec, sizeof(e->spec), "%.*s", (int)(eq - arg), arg);
	e->inode = (uint32_t)strtoul(eq + 1, NULL, 10);
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (!strcmp(k, "-e"))
			a->endpoint = v;
		else if (!strcmp(k, "--hostnet"))
			a->hostnet = v;
		else if (!strcmp(k, "--late-cmd"))
			a->late_cmd = v;
		else if (!strcmp(k, "--pod") && a->n_pods < MAX_PODS &&
			 !parse_expect(v, &a->pods[a->n_pods]))
			a->n_pods++;
		else if (!strcmp(k, "--label") && a->n_labels < MAX_PODS &&
			 !parse_expect(v, &a->labels[a->n_labels]))
			a->n_labels++;
		else
			return -EINVAL;
	}
	return a->endpoint ? 0 : -EINVAL;
}

static int select_one(struct pods *p, struct pod_selector *sel, uint32_t *inode, char *err,
		      size_t errlen)
{
	uint32_t *v = NULL;
	size_t n = 0;
	int ret = pods_select(p, sel, &v, &n, err, errlen);

	if (ret == 0 && n != 1) {
		snprintf(err, errlen, "%zu netns for one pod", n);
		ret = -EINVAL;
	}
	if (ret == 0)
		*inode = v[0];
	free(v);
	return ret;
}

static void check_by_name(struct check_counts *c, struct pods *p, const struct expect *e)
{
	const char *names[1] = { e->spec };
	struct pod_selector sel = { .pods = names, .n_pods = 1 };
	char name[400], err[512];
	uint32_t inode = 0;
	int ret = select_one(p, &sel, &inode, err, sizeof(err));

	snprintf(name, sizeof(name), "select %s gives the netns of its sandbox pid", e->spec);
	if (ret < 0)
		check_fail(c, name, "expected inode %u, saw error: %s", e->inode, err);
	else if (inode != e->inode)
		check_fail(c, name, "expected inode %u, saw %u", e->inode, inode);
	else
		check_pass(c, name);
}

static void check_lookup(struct check_counts *c, struct pods *p, const struct expect *e)
{
	const struct pod_ref *r = pods_lookup(p, e->inode);
	char name[400], full[400];

	snprintf(name, sizeof(name), "lookup of netns %u names %s", e->inode, e->spec);
	if (r)
		snprintf(full, sizeof(full), "%s/%s", r->namespace_, r->name);
	if (!r)
		check_fail(c, name, "expected %s, saw no pod", e->spec);
	else if (strcmp(full, e->spec) || strcmp(r->container, "app") || !r->uid[0])
		check_fail(c, name,
			   "expected %s container app with a uid, saw %s container '%s' uid '%s'",
			   e->spec, full, r->container, r->uid);
	else
		check_pass(c, name);
}

static void check_label(struct check_counts *c, struct pods *p, const struct expect *e)
{
	const char *labels[1] = { e->spec };
	struct pod_selector sel = { .labels = labels, .n_labels = 1 };
	char name[400], err[512];
	uint32_t inode = 0;
	int ret = select_one(p, &sel, &inode, err, sizeof(err));

	snprintf(name, sizeof(name), "select by label %s", e->spec);
	if (ret < 0 || inode != e->inode)
		check_fail(c, name, "expected inode %u, saw %u (%s)", e->inode, inode,
			   ret < 0 ? err : "ok");
	else
		check_pass(c, name);
}

/* Expects pods_select to fail with code and a message holding needle. */
static void check_select_error(struct check_counts *c, struct pods *p, const char *name,
			       struct pod_selector *sel, int code, const char *needle)
{
	char err[512] = "";
	uint32_t *v = NULL;
	size_t n = 0;
	int ret = pods_select(p, sel, &v, &n, err, sizeof(err));

	free(v);
	if (ret != code || !strstr(err, needle))
		check_fail(c, name, "expected error %d mentioning '%s', saw %d '%s'", code, needle,
			   ret, err);
	else
		check_pass(c, name);
}

static void check_errors(struct check_counts *c, struct pods *p, const char *hostnet)
{
	const char *unknown[1] = { "default/no-such-pod" }, *bare[1] = { "no-such-pod" };
	struct pod_selector sel = { .pods = unknown, .n_pods = 1 };

	check_select_error(c, p, "unknown pod is a clear error", &sel, -ENOENT,
			   "pod default/no-such-pod not found");
	sel.pods = bare;
	sel.default_namespace = "shop";
	check_select_error(c, p, "bare name uses the default namespace", &sel, -ENOENT,
			   "pod shop/no-such-pod not found");
	if (hostnet) {
		const char *h[1] = { hostnet };
		struct pod_selector hs = { .pods = h, .n_pods = 1 };
		uint32_t inode = 0, node = 0;
		char err[512];

		check_select_error(c, p, "host-network pod needs --allow-host-netns", &hs, -EPERM,
				   "--allow-host-netns");
		hs.allow_host_netns = true;
		host_netns_inode("/", &node);
		if (select_one(p, &hs, &inode, err, sizeof(err)) < 0)
			check_fail(c, "host-network pod with allow gives the node netns",
				   "saw error %s", err);
		else if (inode != node)
			check_fail(c, "host-network pod with allow gives the node netns",
				   "expected %u, saw %u", node, inode);
		else
			check_pass(c, "host-network pod with allow gives the node netns");
	}
}

static void check_missing_socket(struct check_counts *c)
{
	struct pods_opts o = { .cri_endpoint = "unix:///nonexistent/pwru-test/cri.sock",
			       .timeout_ms = 1000 };
	struct pods *p = NULL;
	char err[512] = "";
	int ret = pods_open(&o, &p, err, sizeof(err));

	if (ret != -ENOENT || !strstr(err, "/nonexistent/pwru-test/cri.sock") ||
	    !strstr(err, "No such file"))
		check_fail(c, "missing socket is a clear error",
			   "expected -ENOENT naming the socket, saw %d '%s'", ret, err);
	else
		check_pass(c, "missing socket is a clear error");
	pods_close(p);
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* A pod made after pods_open: the first lookup misses, a later one (the
 * refresh runs in the background) must name it within a second. */
static void check_late_pod(struct check_counts *c, struct pods *p, const char *cmd)
{
	const char *name = "pod started after open is named within a second";
	FILE *f = popen(cmd, "r");
	unsigned long inode = 0;
	const struct pod_ref *r = NULL;
	struct timespec t0, nap = { 0, 10 * 1000 * 1000 };

	if (!f || fscanf(f, "%lu", &inode) != 1) {
		if (f)
			pclose(f);
		check_fail(c, name, "expected the late pod's inode from '%s', saw none", cmd);
		return;
	}
	pclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!(r = pods_lookup(p, (uint32_t)inode)) && elapsed_ms(&t0) < 1000)
		nanosleep(&nap, NULL);
	if (!r)
		check_fail(c, name, "expected a pod for netns %lu within 1000 ms, saw none", inode);
	else {
		check_pass(c, name);
		printf("# late pod %s/%s named after %.0f ms\n", r->namespace_, r->name,
		       elapsed_ms(&t0));
	}
}

int main(int argc, char **argv)
{
	struct check_counts c = { 0 };
	struct args a = { 0 };
	struct pods_opts o = { .timeout_ms = 5000 };
	struct pods *p = NULL;
	char err[512];

	if (parse_args(argc, argv, &a) < 0) {
		fprintf(stderr,
			"usage: %s -e EP --pod NS/NAME=INODE... [--label K=V=INODE] [--hostnet NS/NAME] [--late-cmd CMD]\n",
			argv[0]);
		return 2;
	}
	o.cri_endpoint = a.endpoint;
	if (pods_open(&o, &p, err, sizeof(err)) < 0) {
		check_fail(&c, "pods_open on containerd", "expected success, saw %s", err);
		return 1;
	}
	if (strncmp(pods_source(p), "cri ", 4) == 0)
		check_pass(&c, "pods_open on containerd");
	else
		check_fail(&c, "pods_open on containerd", "expected a cri source, saw %s",
			   pods_source(p));
	for (int i = 0; i < a.n_pods; i++)
		check_by_name(&c, p, &a.pods[i]);
	for (int i = 0; i < a.n_pods; i++)
		check_lookup(&c, p, &a.pods[i]);
	for (int i = 0; i < a.n_labels; i++)
		check_label(&c, p, &a.labels[i]);
	check_errors(&c, p, a.hostnet);
	check_missing_socket(&c);
	if (a.late_cmd)
		check_late_pod(&c, p, a.late_cmd);
	pods_close(p);
	return c.failed ? 1 : 0;
}
