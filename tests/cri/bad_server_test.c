// SPDX-License-Identifier: GPL-2.0
/* Suite: our CRI client against fake-cri - a runtime that hangs, closes
 * mid-stream, returns a gRPC error, a truncated or an oversized message
 * must give a clear error within the call timeout; endpoint discovery order;
 * both verbose-info shapes through the whole pods_open/pods_select path.
 *
 *   cri-bad-server FAKE_CRI_BINARY */
#include "cri/endpoint.h"
#include "cri/runtime.h"
#include "pods.h"
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 1000

struct ctx {
	struct check_counts counts;
	const char *fake;
	char dir[64];
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Starts fake-cri and waits for its socket; returns its pid or -1. */
static pid_t start_fake(struct ctx *x, const char *mode, const char *sock, const char *name)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct stat st;
	pid_t pid;

	unlink(sock);
	pid = fork();
	if (pid == 0) {
		execl(x->fake, x->fake, mode, sock, "--name", name, "--own-netns", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; pid > 0 && i < 300; i++) {
		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return pid;
		nanosleep(&nap, NULL);
	}
	return -1;
}

static void stop_fake(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

struct bad_case {
	const char *mode;
	int code;
	const char *needle;
};

static void check_bad(struct ctx *x, const struct bad_case *bc)
{
	char sock[128], ep[160], name[128], err[512] = "";
	Runtime__V1__ListPodSandboxResponse *r = NULL;
	struct cri_client *c = NULL;
	pid_t pid;
	double t0, took;
	int ret;

	snprintf(name, sizeof(name), "runtime that answers '%s' gives a clear error in time",
		 bc->mode);
	snprintf(sock, sizeof(sock), "%s/%s.sock", x->dir, bc->mode);
	snprintf(ep, sizeof(ep), "unix://%s", sock);
	if ((pid = start_fake(x, bc->mode, sock, "fake")) < 0) {
		check_fail(&x->counts, name, "expected fake-cri to listen on %s, it did not", sock);
		return;
	}
	cri_client_new(ep, CALL_TIMEOUT_MS, &c, err, sizeof(err));
	t0 = now_ms();
	ret = c ? cri_list_pod_sandbox(c, &r, err, sizeof(err)) : -ENOMEM;
	took = now_ms() - t0;
	/* The bound is loose on purpose: it catches a missing timeout, not a slow machine. */
	if (ret != bc->code || !strstr(err, bc->needle) || took > 3 * CALL_TIMEOUT_MS)
		check_fail(&x->counts, name,
			   "expected %d with '%s' within %d ms, saw %d '%s' after %.0f ms",
			   bc->code, bc->needle, 3 * CALL_TIMEOUT_MS, ret, err, took);
	else
		check_pass(&x->counts, name);
	cri_free(r);
	cri_client_free(c);
	stop_fake(pid);
}

static void check_bad_servers(struct ctx *x)
{
	static const struct bad_case cases[] = {
		{ "hang", -ETIMEDOUT, "no reply within 1000 ms" },
		{ "close", -EPROTO, "closed the connection before the reply was complete" },
		{ "error", -EREMOTEIO, "NOT_FOUND (5): sandbox \"x\" not found" },
		{ "truncated", -EBADMSG, "is not a valid ListPodSandboxResponse" },
		{ "short-frame", -EPROTO, "truncated: message of 100 bytes, got 4" },
		{ "oversized", -EMSGSIZE, "67108864 bytes is over the limit" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_bad(x, &cases[i]);
}

/* Lays out <root>/run/... and <root>/var/run/... like a node's sockets. */
static pid_t fake_at(struct ctx *x, const char *root, const char *rel, const char *name)
{
	char path[256], cmd[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd) != 0)
		return -1;
	return start_fake(x, "ok", path, name);
}

static void expect_runtime(struct ctx *x, const char *name, const char *root, const char *want)
{
	struct cri_client *c = NULL;
	char runtime[128] = "", err[1024] = "";
	int ret = cri_endpoint_open(NULL, root, CALL_TIMEOUT_MS, &c, runtime, sizeof(runtime), err,
				    sizeof(err));

	if (ret < 0 || strncmp(runtime, want, strlen(want)))
		check_fail(&x->counts, name, "expected runtime %s, saw %d '%s' (%s)", want, ret,
			   runtime, err);
	else
		check_pass(&x->counts, name);
	cri_client_free(c);
}

/* Each distribution's containerd socket is found when it is the only one. */
static void check_distribution_sockets(struct ctx *x)
{
	static const char *const socks[][2] = {
		{ "/run/k3s/containerd/containerd.sock", "k3s-rke2" },
		{ "/run/k0s/containerd.sock", "k0s" },
		{ "/var/snap/microk8s/common/run/containerd.sock", "microk8s" },
	};
	char root[128], name[160];

	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		pid_t pid;

		snprintf(root, sizeof(root), "%s/distro%zu", x->dir, i);
		pid = fake_at(x, root, socks[i][0], socks[i][1]);
		snprintf(name, sizeof(name), "%s's socket %s found alone", socks[i][1],
			 socks[i][0]);
		expect_runtime(x, name, root, socks[i][1]);
		stop_fake(pid);
	}
}

static void check_endpoint_order(struct ctx *x)
{
	char root[128], path[256], err[1024] = "";
	struct cri_client *c = NULL;
	pid_t dockerd, crio_var, crio, containerd;
	FILE *f;
	int ret;

	snprintf(root, sizeof(root), "%s/host", x->dir);
	ret = cri_endpoint_open(NULL, root, CALL_TIMEOUT_MS, &c, NULL, 0, err, sizeof(err));
	if (ret != -ENOENT || !strstr(err, "/run/containerd/containerd.sock"))
		check_fail(&x->counts, "no socket under host root: -ENOENT listing what was tried",
			   "expected -ENOENT, saw %d '%s'", ret, err);
	else
		check_pass(&x->counts, "no socket under host root: -ENOENT listing what was tried");
	cri_client_free(c);

	dockerd = fake_at(x, root, "/run/cri-dockerd.sock", "cri-dockerd");
	expect_runtime(x, "cri-dockerd found when alone", root, "cri-dockerd");
	crio_var = fake_at(x, root, "/var/run/crio/crio.sock", "crio-var");
	expect_runtime(x, "CRI-O /var/run path before cri-dockerd", root, "crio-var");
	crio = fake_at(x, root, "/run/crio/crio.sock", "crio-run");
	expect_runtime(x, "CRI-O /run path before /var/run", root, "crio-run");
	/* A plain file where containerd's socket should be is skipped. */
	snprintf(path, sizeof(path), "%s/run/containerd/containerd.sock", root);
	snprintf(err, sizeof(err), "mkdir -p %s/run/containerd", root);
	if (system(err) == 0 && (f = fopen(path, "w")))
		fclose(f);
	expect_runtime(x, "a non-socket at containerd's path is skipped", root, "crio-run");
	unlink(path);
	containerd = fake_at(x, root, "/run/containerd/containerd.sock", "containerd");
	expect_runtime(x, "containerd first of all", root, "containerd");
	stop_fake(containerd);
	stop_fake(crio);
	stop_fake(crio_var);
	stop_fake(dockerd);
}

/* pods_select through the whole path must give the fake server's own netns. */
static void check_info_shape(struct ctx *x, const char *mode)
{
	const char *names[1] = { "fake" }, *labels[1] = { "app=fake" };
	struct pod_selector sel = { .pods = names, .n_pods = 1, .container = "app" };
	char sock[128], ep[160], name[160], path[64], err[512] = "";
	struct pods_opts o = { .timeout_ms = CALL_TIMEOUT_MS };
	struct pods *p = NULL;
	const struct pod_ref *r;
	uint32_t *v = NULL;
	size_t n = 0;
	struct stat st;
	pid_t pid;
	int ret;

	snprintf(name, sizeof(name), "%s info shape: pod resolves to its pid's netns", mode);
	snprintf(sock, sizeof(sock), "%s/%s.sock", x->dir, mode);
	snprintf(ep, sizeof(ep), "unix://%s", sock);
	o.cri_endpoint = ep;
	pid = start_fake(x, mode, sock, "fake");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (pid < 0 || stat(path, &st) < 0) {
		check_fail(&x->counts, name, "expected fake-cri running, it is not");
		stop_fake(pid);
		return;
	}
	ret = pods_open(&o, &p, err, sizeof(err));
	if (ret == 0)
		ret = pods_select(p, &sel, &v, &n, err, sizeof(err));
	if (ret < 0 || n != 1 || v[0] != (uint32_t)st.st_ino)
		check_fail(&x->counts, name, "expected netns %lu, saw %d '%s' n=%zu first=%u",
			   (unsigned long)st.st_ino, ret, err, n, n ? v[0] : 0);
	else
		check_pass(&x->counts, name);
	free(v);
	v = NULL;
	if (ret == 0) {
		sel = (struct pod_selector){ .labels = labels, .n_labels = 1 };
		ret = pods_select(p, &sel, &v, &n, err, sizeof(err));
		r = pods_lookup(p, (uint32_t)st.st_ino);
		snprintf(name, sizeof(name), "%s info shape: label selection and lookup", mode);
		if (ret < 0 || n != 1 || !r || strcmp(r->name, "fake") ||
		    strcmp(r->container, "app"))
			check_fail(&x->counts, name,
				   "expected default/fake container app, saw %d '%s' %s", ret, err,
				   r ? r->name : "no pod");
		else
			check_pass(&x->counts, name);
		free(v);
	}
	pods_close(p);
	stop_fake(pid);
}

/* A host root without the node's /proc: the message must say why. */
static void check_wrong_host_root(struct ctx *x)
{
	const char *names[1] = { "default/fake" };
	struct pod_selector sel = { .pods = names, .n_pods = 1 };
	const char *name = "a wrong --host-root explains the missing netns";
	char root[128], sock[128], link[300], ep[160], cmd[1024], err[512] = "";
	struct pods_opts o = { .timeout_ms = CALL_TIMEOUT_MS };
	struct pods *p = NULL;
	uint32_t *v = NULL;
	size_t n = 0;
	pid_t pid;
	int ret;

	snprintf(root, sizeof(root), "%s/emptyroot", x->dir);
	snprintf(sock, sizeof(sock), "%s/hr.sock", x->dir);
	snprintf(link, sizeof(link), "%s%s", root, sock);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && ln -s '%s' '%s'", link, sock,
		 link);
	pid = start_fake(x, "ok", sock, "fake");
	if (pid < 0 || system(cmd) != 0) {
		check_fail(&x->counts, name, "expected fake-cri and the socket link, saw none");
		stop_fake(pid);
		return;
	}
	snprintf(ep, sizeof(ep), "unix://%s", sock);
	o.cri_endpoint = ep;
	o.host_root = root;
	ret = pods_open(&o, &p, err, sizeof(err));
	if (ret == 0)
		ret = pods_select(p, &sel, &v, &n, err, sizeof(err));
	if (ret != -EIO || !strstr(err, "cannot find its netns") || !strstr(err, root))
		check_fail(&x->counts, name, "expected -EIO naming the host root, saw %d '%s'", ret,
			   err);
	else
		check_pass(&x->counts, name);
	free(v);
	pods_close(p);
	stop_fake(pid);
}

int main(int argc, char **argv)
{
	struct ctx x = { .fake = argc > 1 ? argv[1] : NULL };
	char cmd[128];

	if (!x.fake) {
		fprintf(stderr, "usage: %s FAKE_CRI_BINARY\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: misbehaving CRI server - fake-cri needs root for its own netns\n");
		return 0;
	}
	snprintf(x.dir, sizeof(x.dir), "/tmp/pwru-fakecri.XXXXXX");
	if (!mkdtemp(x.dir)) {
		perror("mkdtemp");
		return 1;
	}
	check_bad_servers(&x);
	check_endpoint_order(&x);
	check_info_shape(&x, "ok");
	check_info_shape(&x, "legacy");
	check_wrong_host_root(&x);
	check_distribution_sockets(&x);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", x.dir);
	return x.counts.failed ? 1 : 0;
}
