/* SPDX-License-Identifier: GPL-2.0 */
/* Which container runtime socket a node's tracer mounts: only that one, not
 * all of the host's /run. */
#ifndef KUBECTL_PWRU_RUNTIME_H
#define KUBECTL_PWRU_RUNTIME_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Where the runtime is when nothing tells otherwise: plain containerd. */
#define RUNTIME_DEFAULT_SOCKET "/run/containerd/containerd.sock"

/* The host path of the CRI socket of the node object's runtime, from what
 * the kubelet reports (status.nodeInfo) and the distribution's marks:
 * CRI-O, cri-dockerd, the containerd of k3s and RKE2, k0s or microk8s,
 * else containerd's own. Never NULL. */
const char *runtime_socket_of_node(const cJSON *node);

/* The socket the user named for pwru (--cri-endpoint [unix://]PATH or
 * --cri-endpoint=...), or NULL. */
const char *runtime_socket_in_args(char *const *args, size_t n);

#endif
