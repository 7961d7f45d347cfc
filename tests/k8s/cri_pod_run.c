// SPDX-License-Identifier: GPL-2.0
/*
 * cri-pod-run: starts a Kubernetes Pod object on a CRI runtime the way a
 * kubelet would, for what a tracer pod uses: hostNetwork, hostPID,
 * privileged, hostPath volumes, image, command and args. No kubelet can run
 * here, and crictl is not in Debian; this is the image test's node.
 *
 *   cri-pod-run -e EP run POD.json LOG_DIR     prints SANDBOX_ID CONTAINER_ID
 *   cri-pod-run -e EP wait CONTAINER_ID SECS   waits for the container to exit,
 *                                              prints its exit code
 *   cri-pod-run -e EP state CONTAINER_ID       prints created|running|exited
 *   cri-pod-run -e EP stop CONTAINER_ID SECS   SIGTERM, SIGKILL after SECS (a pod deletion)
 *   cri-pod-run -e EP rm SANDBOX_ID            stops and removes the pod
 *
 * The container's output goes to LOG_DIR/<container>/0.log in the CRI log
 * format ("TIME stdout F LINE").
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "cri/runtime.h"
#undef linux /* gnu11 predefines it; the CRI messages have fields named linux */
#include "cri_pod.pb-c.h"

#define SERVICE "/runtime.v1.RuntimeService/"
#define TIMEOUT_MS 60000 /* RunPodSandbox sets up the network and may be slow */
#define MAX_MOUNTS 16
#define MAX_ARGS 64

/* What the tool reads from the Pod object. */
struct pod {
	const char *name, *namespace, *image, *container;
	bool host_network, host_pid, privileged;
	char *command[MAX_ARGS], *args[MAX_ARGS];
	size_t n_command, n_args;
	K8stest__Mount mounts[MAX_MOUNTS];
	K8stest__Mount *mount_ptrs[MAX_MOUNTS];
	size_t n_mounts;
};

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool flag(const cJSON *obj, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static int strings(const cJSON *list, char **out, size_t *n)
{
	const cJSON *v;

	*n = 0;
	cJSON_ArrayForEach(v, list) {
		if (!cJSON_IsString(v) || *n == MAX_ARGS)
			return -EINVAL;
		out[(*n)++] = v->valuestring;
	}
	return 0;
}

static const char *host_path_of(const cJSON *spec, const char *volume)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "volumes")) {
		const char *name = str(v, "name");

		if (name && !strcmp(name, volume))
			return str(cJSON_GetObjectItemCaseSensitive(v, "hostPath"), "path");
	}
	return NULL;
}

static int read_mounts(const cJSON *spec, const cJSON *c, struct pod *p)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(c, "volumeMounts")) {
		K8stest__Mount init = K8STEST__MOUNT__INIT;
		const char *host = host_path_of(spec, str(m, "name") ?: "");

		if (!host || !str(m, "mountPath") || p->n_mounts == MAX_MOUNTS)
			return -EINVAL;
		init.host_path = (char *)host;
		init.container_path = (char *)str(m, "mountPath");
		init.readonly = flag(m, "readOnly");
		p->mounts[p->n_mounts] = init;
		p->mount_ptrs[p->n_mounts] = &p->mounts[p->n_mounts];
		p->n_mounts++;
	}
	return 0;
}

static int read_pod(const cJSON *obj, struct pod *p, char *err, size_t errlen)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	const cJSON *c =
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(spec, "containers"), 0);

	p->name = str(meta, "name");
	p->namespace = str(meta, "namespace") ?: "default";
	p->image = str(c, "image");
	p->container = str(c, "name");
	p->host_network = flag(spec, "hostNetwork");
	p->host_pid = flag(spec, "hostPID");
	p->privileged = flag(cJSON_GetObjectItemCaseSensitive(c, "securityContext"), "privileged");
	if (!p->name || !p->image || !p->container ||
	    strings(cJSON_GetObjectItemCaseSensitive(c, "command"), p->command, &p->n_command) ||
	    strings(cJSON_GetObjectItemCaseSensitive(c, "args"), p->args, &p->n_args) ||
	    read_mounts(spec, c, p)) {
		snprintf(err, errlen,
			 "not a pod this tool can run (name, one container with "
			 "image, string args, hostPath volumes)");
		return -EINVAL;
	}
	return 0;
}

static int read_uuid(char *uid, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");
	int ok = f && fgets(uid, (int)len, f);

	if (f)
		fclose(f);
	uid[strcspn(uid, "\n")] = '\0';
	return ok ? 0 : -EIO;
}

static int call(struct cri_client *c, const char *method, const void *req,
		const ProtobufCMessageDescriptor *desc, void *reply, char *err, size_t errlen)
{
	return cri_unary(c, method, req, desc, (ProtobufCMessage **)reply, err, errlen);
}

static int run_pod(struct cri_client *c, const struct pod *p, const char *log_dir, char *err,
		   size_t errlen)
{
	K8stest__PodSandboxConfig cfg = K8STEST__POD_SANDBOX_CONFIG__INIT;
	K8stest__PodSandboxMetadata md = K8STEST__POD_SANDBOX_METADATA__INIT;
	K8stest__LinuxPodSandboxConfig lin = K8STEST__LINUX_POD_SANDBOX_CONFIG__INIT;
	K8stest__LinuxSandboxSecurityContext ssec = K8STEST__LINUX_SANDBOX_SECURITY_CONTEXT__INIT;
	K8stest__NamespaceOption nso = K8STEST__NAMESPACE_OPTION__INIT;
	K8stest__RunPodSandboxRequest rreq = K8STEST__RUN_POD_SANDBOX_REQUEST__INIT;
	K8stest__RunPodSandboxResponse *rresp = NULL;
	K8stest__ContainerConfig cc = K8STEST__CONTAINER_CONFIG__INIT;
	K8stest__ContainerMetadata cmd = K8STEST__CONTAINER_METADATA__INIT;
	K8stest__ImageSpec img = K8STEST__IMAGE_SPEC__INIT;
	K8stest__LinuxContainerConfig clin = K8STEST__LINUX_CONTAINER_CONFIG__INIT;
	K8stest__LinuxContainerSecurityContext csec =
		K8STEST__LINUX_CONTAINER_SECURITY_CONTEXT__INIT;
	K8stest__CreateContainerRequest creq = K8STEST__CREATE_CONTAINER_REQUEST__INIT;
	K8stest__CreateContainerResponse *cresp = NULL;
	K8stest__StartContainerRequest sreq = K8STEST__START_CONTAINER_REQUEST__INIT;
	K8stest__StartContainerResponse *sresp = NULL;
	char uid[64] = "", log_path[256];
	int ret;

	ret = read_uuid(uid, sizeof(uid));
	if (ret)
		return ret;
	md.name = (char *)p->name;
	md.namespace_ = (char *)p->namespace;
	md.uid = uid;
	cfg.metadata = &md;
	/* runc refuses a hostname without a UTS namespace of its own. */
	cfg.hostname = p->host_network ? "" : (char *)p->name;
	cfg.log_directory = (char *)log_dir;
	nso.network =
		p->host_network ? K8STEST__NAMESPACE_MODE__NODE : K8STEST__NAMESPACE_MODE__POD;
	nso.pid = p->host_pid ? K8STEST__NAMESPACE_MODE__NODE : K8STEST__NAMESPACE_MODE__CONTAINER;
	/* A kubelet makes the sandbox privileged when any container is. */
	ssec.privileged = p->privileged;
	ssec.namespace_options = &nso;
	lin.security_context = &ssec;
	cfg.linux = &lin;
	rreq.config = &cfg;
	ret = call(c, SERVICE "RunPodSandbox", &rreq,
		   &k8stest__run_pod_sandbox_response__descriptor, &rresp, err, errlen);
	if (ret)
		return ret;

	cmd.name = (char *)p->container;
	img.image = (char *)p->image;
	snprintf(log_path, sizeof(log_path), "%s/0.log", p->container);
	cc.metadata = &cmd;
	cc.image = &img;
	cc.command = (char **)p->command;
	cc.n_command = p->n_command;
	cc.args = (char **)p->args;
	cc.n_args = p->n_args;
	cc.mounts = (K8stest__Mount **)p->mount_ptrs;
	cc.n_mounts = p->n_mounts;
	cc.log_path = log_path;
	csec.privileged = p->privileged;
	csec.namespace_options = &nso;
	clin.security_context = &csec;
	cc.linux = &clin;
	creq.pod_sandbox_id = rresp->pod_sandbox_id;
	creq.config = &cc;
	creq.sandbox_config = &cfg;
	ret = call(c, SERVICE "CreateContainer", &creq,
		   &k8stest__create_container_response__descriptor, &cresp, err, errlen);
	if (!ret) {
		sreq.container_id = cresp->container_id;
		ret = call(c, SERVICE "StartContainer", &sreq,
			   &k8stest__start_container_response__descriptor, &sresp, err, errlen);
	}
	/* The sandbox id goes out even on failure, so the caller can remove it. */
	printf("%s %s\n", rresp->pod_sandbox_id, cresp ? cresp->container_id : "-");
	cri_free(rresp);
	cri_free(cresp);
	cri_free(sresp);
	return ret;
}

static int container_status(struct cri_client *c, const char *id,
			    K8stest__ContainerStatusResponse **out, char *err, size_t errlen)
{
	K8stest__ContainerStatusRequest req = K8STEST__CONTAINER_STATUS_REQUEST__INIT;

	req.container_id = (char *)id;
	return call(c, SERVICE "ContainerStatus", &req,
		    &k8stest__container_status_response__descriptor, out, err, errlen);
}

static int cmd_state(struct cri_client *c, const char *id, char *err, size_t errlen)
{
	static const char *const names[] = { "created", "running", "exited", "unknown" };
	K8stest__ContainerStatusResponse *r = NULL;
	int ret = container_status(c, id, &r, err, errlen);

	if (!ret && r->status && r->status->state >= 0 && r->status->state < 4)
		printf("%s\n", names[r->status->state]);
	cri_free(r);
	return ret;
}

static int cmd_wait(struct cri_client *c, const char *id, const char *secs, char *err,
		    size_t errlen)
{
	struct timespec tick = { .tv_nsec = 200 * 1000 * 1000 };
	int rounds = atoi(secs) * 5;

	for (int i = 0; i < rounds; i++) {
		K8stest__ContainerStatusResponse *r = NULL;
		int ret = container_status(c, id, &r, err, errlen);

		if (ret)
			return ret;
		if (r->status && r->status->state == K8STEST__CONTAINER_STATE__CONTAINER_EXITED) {
			printf("%d\n", r->status->exit_code);
			cri_free(r);
			return 0;
		}
		cri_free(r);
		nanosleep(&tick, NULL);
	}
	snprintf(err, errlen, "container %.12s still runs after %s s", id, secs);
	return -ETIMEDOUT;
}

static int cmd_run(struct cri_client *c, const char *file, const char *log_dir, char *err,
		   size_t errlen)
{
	struct pod p = { 0 };
	cJSON *obj = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = fopen(file, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -errno;
	}
	ret = getdelim(&text, &len, '\0', f) < 0 ? -EIO : 0;
	fclose(f);
	if (!ret)
		obj = cJSON_Parse(text);
	if (!obj) {
		snprintf(err, errlen, "%s: not JSON", file);
		ret = -EINVAL;
		goto cleanup;
	}
	ret = read_pod(obj, &p, err, errlen);
	if (!ret)
		ret = run_pod(c, &p, log_dir, err, errlen);
cleanup:
	cJSON_Delete(obj);
	free(text);
	return ret;
}

static int cmd_stop(struct cri_client *c, const char *id, const char *secs, char *err,
		    size_t errlen)
{
	K8stest__StopContainerRequest req = K8STEST__STOP_CONTAINER_REQUEST__INIT;
	K8stest__StopContainerResponse *r = NULL;
	int ret;

	req.container_id = (char *)id;
	req.timeout = atoi(secs);
	ret = call(c, SERVICE "StopContainer", &req, &k8stest__stop_container_response__descriptor,
		   &r, err, errlen);
	cri_free(r);
	return ret;
}

static int cmd_rm(struct cri_client *c, const char *id, char *err, size_t errlen)
{
	int ret = cri_stop_pod_sandbox(c, id, err, errlen);

	return ret ? ret : cri_remove_pod_sandbox(c, id, err, errlen);
}

int main(int argc, char **argv)
{
	struct cri_client *c = NULL;
	char err[1024] = "";
	int ret = -EINVAL;

	if (argc < 5 || strcmp(argv[1], "-e")) {
		fprintf(stderr,
			"usage: %s -e EP { run POD.json LOG_DIR | wait ID SECS | state ID | stop ID SECS | rm ID }\n",
			argv[0]);
		return 2;
	}
	ret = cri_client_new(argv[2], TIMEOUT_MS, &c, err, sizeof(err));
	if (ret)
		goto out;
	if (!strcmp(argv[3], "run") && argc == 6)
		ret = cmd_run(c, argv[4], argv[5], err, sizeof(err));
	else if (!strcmp(argv[3], "wait") && argc == 6)
		ret = cmd_wait(c, argv[4], argv[5], err, sizeof(err));
	else if (!strcmp(argv[3], "stop") && argc == 6)
		ret = cmd_stop(c, argv[4], argv[5], err, sizeof(err));
	else if (!strcmp(argv[3], "state") && argc == 5)
		ret = cmd_state(c, argv[4], err, sizeof(err));
	else if (!strcmp(argv[3], "rm") && argc == 5)
		ret = cmd_rm(c, argv[4], err, sizeof(err));
	else
		snprintf(err, sizeof(err), "unknown command or wrong arguments: %s", argv[3]);
out:
	if (ret)
		fprintf(stderr, "cri-pod-run: %s\n", err[0] ? err : strerror(-ret));
	cri_client_free(c);
	return ret ? 1 : 0;
}
