// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "kubectl/runtime.h"

static const char *json_text(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

const char *runtime_socket_of_node(const cJSON *node)
{
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(node, "status"), "nodeInfo");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(node, "metadata"), "labels");
	const char *runtime = json_text(info, "containerRuntimeVersion");
	const char *kubelet = json_text(info, "kubeletVersion");

	if (!strncmp(runtime, "cri-o://", 8))
		return "/var/run/crio/crio.sock";
	if (!strncmp(runtime, "docker://", 9))
		return "/run/cri-dockerd.sock";
	/* The distributions bundle containerd and mark their kubelet's
	 * version (v1.27.4+k3s1, +rke2r1, +k0s); microk8s labels its nodes. */
	if (strstr(kubelet, "+k3s") || strstr(kubelet, "+rke2"))
		return "/run/k3s/containerd/containerd.sock";
	if (strstr(kubelet, "+k0s"))
		return "/run/k0s/containerd.sock";
	if (cJSON_GetObjectItemCaseSensitive(labels, "microk8s.io/cluster"))
		return "/var/snap/microk8s/common/run/containerd.sock";
	return RUNTIME_DEFAULT_SOCKET;
}

static const char *socket_path(const char *endpoint)
{
	return strncmp(endpoint, "unix://", 7) ? endpoint : endpoint + 7;
}

const char *runtime_socket_in_args(char *const *args, size_t n)
{
	static const char flag[] = "--cri-endpoint";
	const char *found = NULL;

	/* The last one counts, as in pwru's own option parsing. */
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(args[i], "--"))
			break;
		if (!strcmp(args[i], flag) && i + 1 < n)
			found = socket_path(args[++i]);
		else if (!strncmp(args[i], flag, sizeof(flag) - 1) &&
			 args[i][sizeof(flag) - 1] == '=')
			found = socket_path(args[i] + sizeof(flag));
	}
	return found && found[0] == '/' ? found : NULL;
}
