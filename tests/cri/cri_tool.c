// SPDX-License-Identifier: GPL-2.0
/* cri-tool: the test suite's own CRI client (crictl is not in Debian).
 * Makes and removes pods on a runtime through cri/, and resolves pods
 * through src/pods.c the way pwru does.
 *
 *   cri-tool -e EP version
 *   cri-tool -e EP run-pod NS NAME IMAGE [--host-net] [--label K=V]... [--log-dir DIR]
 *   cri-tool -e EP list
 *   cri-tool -e EP pid NS/NAME
 *   cri-tool -e EP rm-all
 *   cri-tool [-e EP] [-r HOST_ROOT] resolve NS/NAME...
 */
#include "cri/runtime.h"
#include "cri/pod_source.h"
#include "hostns.h"
#include "pods.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_MS 60000 /* RunPodSandbox sets up CNI and may take a while */

struct tool_args {
	const char *endpoint;
	const char *host_root;
	int argc;
	char **argv;
};

static int read_uuid(char *uid, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");
	int ok = f && fgets(uid, (int)len, f);

	if (f)
		fclose(f);
	uid[strcspn(uid, "\n")] = '\0';
	return ok ? 0 : -EIO;
}

static int cmd_version(struct cri_client *c, char *err, size_t errlen)
{
	Runtime__V1__VersionResponse *v = NULL;
	int ret = cri_version(c, &v, err, errlen);

	if (ret == 0)
		printf("%s %s (CRI %s)\n", v->runtime_name, v->runtime_version,
		       v->runtime_api_version);
	cri_free(v);
	return ret;
}

struct pod_spec {
	const char *ns, *name, *image, *log_dir;
	int host_net;
	Runtime__V1__PodSandboxConfig__LabelsEntry labels[8];
	Runtime__V1__PodSandboxConfig__LabelsEntry *label_ptrs[8];
	size_t n_labels;
};

static int parse_pod_spec(int argc, char **argv, struct pod_spec *s, char *err, size_t errlen)
{
	if (argc < 3) {
		snprintf(err, errlen, "run-pod needs NS NAME IMAGE");
		return -EINVAL;
	}
	s->ns = argv[0];
	s->name = argv[1];
	s->image = argv[2];
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--host-net") == 0) {
			s->host_net = 1;
		} else if (strcmp(argv[i], "--log-dir") == 0 && i + 1 < argc) {
			s->log_dir = argv[++i];
		} else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc && s->n_labels < 8 &&
			   strchr(argv[i + 1], '=')) {
			Runtime__V1__PodSandboxConfig__LabelsEntry e =
				RUNTIME__V1__POD_SANDBOX_CONFIG__LABELS_ENTRY__INIT;
			char *kv = argv[++i];

			*strchr(kv, '=') = '\0';
			e.key = kv;
			e.value = kv + strlen(kv) + 1;
			s->labels[s->n_labels] = e;
			s->label_ptrs[s->n_labels] = &s->labels[s->n_labels];
			s->n_labels++;
		} else {
			snprintf(err, errlen, "run-pod: unknown argument %s", argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int cmd_run_pod(struct cri_client *c, int argc, char **argv, char *err, size_t errlen)
{
	Runtime__V1__PodSandboxConfig cfg = RUNTIME__V1__POD_SANDBOX_CONFIG__INIT;
	Runtime__V1__PodSandboxMetadata md = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
	Runtime__V1__LinuxPodSandboxConfig lin = RUNTIME__V1__LINUX_POD_SANDBOX_CONFIG__INIT;
	Runtime__V1__LinuxSandboxSecurityContext sec =
		RUNTIME__V1__LINUX_SANDBOX_SECURITY_CONTEXT__INIT;
	Runtime__V1__NamespaceOption nso = RUNTIME__V1__NAMESPACE_OPTION__INIT;
	Runtime__V1__ContainerConfig ccfg = RUNTIME__V1__CONTAINER_CONFIG__INIT;
	Runtime__V1__ContainerMetadata cmd = RUNTIME__V1__CONTAINER_METADATA__INIT;
	Runtime__V1__ImageSpec img = RUNTIME__V1__IMAGE_SPEC__INIT;
	struct pod_spec s = { 0 };
	char uid[64] = "", pod_id[128], ctr_id[128], log_dir[4096];
	int ret;

	ret = parse_pod_spec(argc, argv, &s, err, errlen);
	if (ret < 0 || (ret = read_uuid(uid, sizeof(uid))) < 0)
		return ret;
	md.name = (char *)s.name;
	md.namespace_ = (char *)s.ns;
	md.uid = uid;
	cfg.metadata = &md;
	/* runc refuses a hostname without a private UTS namespace. */
	cfg.hostname = s.host_net ? "" : (char *)s.name;
	cfg.labels = s.label_ptrs;
	cfg.n_labels = s.n_labels;
	nso.network =
		s.host_net ? RUNTIME__V1__NAMESPACE_MODE__NODE : RUNTIME__V1__NAMESPACE_MODE__POD;
	sec.namespace_options = &nso;
	lin.security_context = &sec;
	cfg.linux = &lin;
	if (s.log_dir) {
		snprintf(log_dir, sizeof(log_dir), "%s/%s_%s_%s", s.log_dir, s.ns, s.name, uid);
		cfg.log_directory = log_dir;
		ccfg.log_path = "app/0.log";
	}
	ret = cri_run_pod_sandbox(c, &cfg, pod_id, sizeof(pod_id), err, errlen);
	if (ret < 0)
		return ret;
	cmd.name = "app";
	img.image = (char *)s.image;
	ccfg.metadata = &cmd;
	ccfg.image = &img;
	ret = cri_create_container(c, pod_id, &ccfg, &cfg, ctr_id, sizeof(ctr_id), err, errlen);
	if (ret == 0)
		ret = cri_start_container(c, ctr_id, err, errlen);
	if (ret == 0)
		printf("%s\n", pod_id);
	return ret;
}

static int cmd_list(struct cri_client *c, const char *host_root, const char *only, char *err,
		    size_t errlen)
{
	uint32_t host_netns = 0;
	struct pod_list l;
	bool found = false;
	int ret;

	host_netns_inode(host_root, &host_netns);
	ret = cri_pods_list(c, host_root, host_netns, NULL, &l, err, errlen);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < l.n; i++) {
		const struct pod_info *p = &l.v[i];
		char full[400];

		snprintf(full, sizeof(full), "%s/%s", p->ref.namespace_, p->ref.name);
		if (only && (strcmp(full, only) || !p->ready))
			continue;
		found = true;
		if (only)
			printf("%ld\n", p->pid);
		else
			printf("%s %s netns=%u pid=%ld host_network=%d containers=%s id=%s\n", full,
			       p->ready ? "ready" : "notready", p->netns_inode, p->pid,
			       p->host_network, p->ref.container, p->sandbox_id);
	}
	pod_list_free(&l);
	if (only && !found) {
		snprintf(err, errlen, "no ready pod %s", only);
		return -ENOENT;
	}
	return 0;
}

static int cmd_rm_all(struct cri_client *c, char *err, size_t errlen)
{
	Runtime__V1__ListPodSandboxResponse *l = NULL;
	int ret = cri_list_pod_sandbox(c, &l, err, errlen), first = 0;

	for (size_t i = 0; ret == 0 && i < l->n_items; i++) {
		int r = cri_stop_pod_sandbox(c, l->items[i]->id, err, errlen);

		if (r == 0)
			r = cri_remove_pod_sandbox(c, l->items[i]->id, err, errlen);
		if (r < 0 && !first)
			first = r;
	}
	cri_free(l);
	return ret < 0 ? ret : first;
}

static int cmd_resolve(const struct tool_args *a, char *err, size_t errlen)
{
	struct pods_opts o = { .cri_endpoint = a->endpoint,
			       .host_root = a->host_root,
			       .timeout_ms = 5000 };
	struct pod_selector sel = { .pods = (const char *const *)a->argv + 1,
				    .n_pods = (size_t)a->argc - 1 };
	struct pods *p = NULL;
	uint32_t *inodes = NULL;
	size_t n = 0;
	int ret;

	ret = pods_open(&o, &p, err, errlen);
	if (ret < 0)
		return ret;
	fprintf(stderr, "source: %s\n", pods_source(p));
	ret = pods_select(p, &sel, &inodes, &n, err, errlen);
	for (size_t i = 0; ret == 0 && i < n; i++)
		printf("%u\n", inodes[i]);
	free(inodes);
	pods_close(p);
	return ret;
}

static int run(const struct tool_args *a, char *err, size_t errlen)
{
	const char *cmd = a->argv[0];
	struct cri_client *c = NULL;
	int ret;

	if (strcmp(cmd, "resolve") == 0)
		return cmd_resolve(a, err, errlen);
	if (!a->endpoint) {
		snprintf(err, errlen, "%s needs -e ENDPOINT", cmd);
		return -EINVAL;
	}
	ret = cri_client_new(a->endpoint, TIMEOUT_MS, &c, err, errlen);
	if (ret < 0)
		return ret;
	if (strcmp(cmd, "version") == 0)
		ret = cmd_version(c, err, errlen);
	else if (strcmp(cmd, "run-pod") == 0)
		ret = cmd_run_pod(c, a->argc - 1, a->argv + 1, err, errlen);
	else if (strcmp(cmd, "list") == 0)
		ret = cmd_list(c, a->host_root, NULL, err, errlen);
	else if (strcmp(cmd, "pid") == 0 && a->argc == 2)
		ret = cmd_list(c, a->host_root, a->argv[1], err, errlen);
	else if (strcmp(cmd, "rm-all") == 0)
		ret = cmd_rm_all(c, err, errlen);
	else {
		snprintf(err, errlen, "unknown command %s", cmd);
		ret = -EINVAL;
	}
	cri_client_free(c);
	return ret;
}

int main(int argc, char **argv)
{
	struct tool_args a = { .host_root = "/" };
	char err[1024] = "";
	int opt, ret;

	while ((opt = getopt(argc, argv, "+e:r:")) != -1) {
		if (opt == 'e')
			a.endpoint = optarg;
		else if (opt == 'r')
			a.host_root = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: cri-tool [-e ENDPOINT] [-r HOST_ROOT] COMMAND ARGS...\n");
		return 2;
	}
	a.argc = argc - optind;
	a.argv = argv + optind;
	ret = run(&a, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "cri-tool: %s\n", err);
		return 1;
	}
	return 0;
}
