/* SPDX-License-Identifier: GPL-2.0 */
/* The CRI runtime.v1.RuntimeService calls pwru makes, on top of grpc.c.
 * Replies are protobuf-c messages: free them with cri_free(). */
#ifndef PWRU_CRI_RUNTIME_H
#define PWRU_CRI_RUNTIME_H

#include <stddef.h>
#include "cri/cri_proto.h"

/* Replies larger than this are refused: a node's full sandbox list is far
 * below it, and a runtime sending more is broken or hostile. */
#define CRI_MAX_REPLY (16u << 20)

struct cri_client;

/* endpoint: "unix:///path" or a bare path. No I/O happens here. */
int cri_client_new(const char *endpoint, int timeout_ms, struct cri_client **out, char *err,
		   size_t errlen);
void cri_client_free(struct cri_client *c);
const char *cri_client_socket(const struct cri_client *c);

/* Generic unary call: encodes req, decodes the reply as reply_desc. */
int cri_unary(struct cri_client *c, const char *method, const ProtobufCMessage *req,
	      const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply, char *err,
	      size_t errlen);
void cri_free(void *reply);

int cri_version(struct cri_client *c, Runtime__V1__VersionResponse **out, char *err, size_t errlen);
int cri_list_pod_sandbox(struct cri_client *c, Runtime__V1__ListPodSandboxResponse **out, char *err,
			 size_t errlen);
int cri_pod_sandbox_status(struct cri_client *c, const char *id,
			   Runtime__V1__PodSandboxStatusResponse **out, char *err, size_t errlen);
int cri_list_containers(struct cri_client *c, Runtime__V1__ListContainersResponse **out, char *err,
			size_t errlen);
int cri_container_status(struct cri_client *c, const char *id,
			 Runtime__V1__ContainerStatusResponse **out, char *err, size_t errlen);

/* Used by the tests to make their own pods. */
int cri_run_pod_sandbox(struct cri_client *c, Runtime__V1__PodSandboxConfig *cfg, char *id,
			size_t idlen, char *err, size_t errlen);
int cri_create_container(struct cri_client *c, const char *pod_id,
			 Runtime__V1__ContainerConfig *cfg, Runtime__V1__PodSandboxConfig *pod_cfg,
			 char *id, size_t idlen, char *err, size_t errlen);
int cri_start_container(struct cri_client *c, const char *id, char *err, size_t errlen);
int cri_stop_pod_sandbox(struct cri_client *c, const char *id, char *err, size_t errlen);
int cri_remove_pod_sandbox(struct cri_client *c, const char *id, char *err, size_t errlen);

/* The value of key in a protobuf map<string,string> (any *__XxxEntry array), or NULL. */
const char *cri_map_get(void *const *entries, size_t n, const char *key);

#endif
