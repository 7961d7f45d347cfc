// SPDX-License-Identifier: GPL-2.0
/* CRI endpoint discovery: the given socket, else the well-known ones. */
#include "cri/endpoint.h"
#include "cri/runtime.h"
#include "errmsg.h"
#include "hostns.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const char *const cri_default_sockets[] = {
	"/run/containerd/containerd.sock",
	"/run/crio/crio.sock",
	"/var/run/crio/crio.sock",
	"/run/cri-dockerd.sock",
	/* containerd as Kubernetes distributions ship it: k3s and RKE2, k0s, microk8s */
	"/run/k3s/containerd/containerd.sock",
	"/run/k0s/containerd.sock",
	"/var/snap/microk8s/common/run/containerd.sock",
	NULL,
};

/* Connects to one socket and checks that a CRI runtime answers there. */
static int try_socket(const char *path, int timeout_ms, struct cri_client **out, char *runtime,
		      size_t runtimelen, char *err, size_t errlen)
{
	Runtime__V1__VersionResponse *v = NULL;
	struct cri_client *c = NULL;
	char ep[4200];
	struct stat st;
	int ret;

	if (stat(path, &st) < 0)
		return set_err(err, errlen, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return set_err(err, errlen, -ENOTSOCK, "%s: not a unix socket", path);
	snprintf(ep, sizeof(ep), "unix://%s", path);
	ret = cri_client_new(ep, timeout_ms, &c, err, errlen);
	if (ret < 0)
		return ret;
	ret = cri_version(c, &v, err, errlen);
	if (ret < 0) {
		cri_client_free(c);
		return ret;
	}
	if (runtime)
		snprintf(runtime, runtimelen, "%s %s", v->runtime_name, v->runtime_version);
	cri_free(v);
	*out = c;
	return 0;
}

static int open_given(const char *given, const char *host_root, int timeout_ms,
		      struct cri_client **out, char *runtime, size_t runtimelen, char *err,
		      size_t errlen)
{
	const char *path = strncmp(given, "unix://", 7) == 0 ? given + 7 : given;
	char full[4096], why[512];
	int ret;

	if (strstr(given, "://") && path == given)
		return set_err(err, errlen, -EINVAL,
			       "CRI endpoint %s: only unix:// sockets are supported", given);
	ret = host_path(full, sizeof(full), host_root, path);
	if (ret < 0)
		return set_err(err, errlen, ret, "CRI endpoint %s: path too long", given);
	ret = try_socket(full, timeout_ms, out, runtime, runtimelen, why, sizeof(why));
	if (ret < 0)
		return set_err(err, errlen, ret, "CRI endpoint %s: %s", given, why);
	return 0;
}

int cri_endpoint_open(const char *given, const char *host_root, int timeout_ms,
		      struct cri_client **out, char *runtime, size_t runtimelen, char *err,
		      size_t errlen)
{
	char full[4096], why[512], tried[2048] = "";
	bool found_any = false;
	size_t used = 0;
	int ret = -ENOENT;

	if (given && given[0])
		return open_given(given, host_root, timeout_ms, out, runtime, runtimelen, err,
				  errlen);
	for (const char *const *s = cri_default_sockets; *s; s++) {
		int r;

		if (host_path(full, sizeof(full), host_root, *s) < 0)
			continue;
		r = try_socket(full, timeout_ms, out, runtime, runtimelen, why, sizeof(why));
		if (r == 0)
			return 0;
		if (r != -ENOENT) {
			found_any = true;
			ret = r;
		}
		if (used < sizeof(tried))
			used += snprintf(tried + used, sizeof(tried) - used, " %s;", why);
	}
	return set_err(err, errlen, found_any ? ret : -ENOENT, "no CRI runtime answered:%s", tried);
}
