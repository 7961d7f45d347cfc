// SPDX-License-Identifier: GPL-2.0
/* CRI RuntimeService calls: protobuf-c encode, grpc_call, decode. */
#include "cri/runtime.h"
#include "cri/grpc.h"
#include "errmsg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE "/runtime.v1.RuntimeService/"

struct cri_client {
	struct grpc_client *grpc;
	int timeout_ms;
	char socket[4096];
};

int cri_client_new(const char *endpoint, int timeout_ms, struct cri_client **out, char *err,
		   size_t errlen)
{
	struct cri_client *c;
	const char *path = endpoint;
	int ret;

	if (strncmp(endpoint, "unix://", 7) == 0)
		path = endpoint + 7;
	else if (strstr(endpoint, "://"))
		return set_err(err, errlen, -EINVAL,
			       "CRI endpoint %s: only unix:// sockets are supported", endpoint);
	if (path[0] == '\0' || strlen(path) >= sizeof(c->socket))
		return set_err(err, errlen, -EINVAL, "CRI endpoint '%s' has no usable socket path",
			       endpoint);
	c = calloc(1, sizeof(*c));
	if (!c)
		return set_err(err, errlen, -ENOMEM, "out of memory for a CRI client");
	strcpy(c->socket, path);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 2000;
	ret = grpc_client_new(c->socket, &c->grpc, err, errlen);
	if (ret < 0) {
		free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void cri_client_free(struct cri_client *c)
{
	if (!c)
		return;
	grpc_client_free(c->grpc);
	free(c);
}

const char *cri_client_socket(const struct cri_client *c)
{
	return c->socket;
}

void cri_free(void *reply)
{
	if (reply)
		protobuf_c_message_free_unpacked(reply, NULL);
}

int cri_unary(struct cri_client *c, const char *method, const ProtobufCMessage *req,
	      const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply, char *err,
	      size_t errlen)
{
	char why[320];
	uint8_t *req_buf = NULL, *rep_buf = NULL;
	size_t req_len, rep_len = 0;
	int ret;

	req_len = protobuf_c_message_get_packed_size(req);
	req_buf = malloc(req_len ? req_len : 1);
	if (!req_buf)
		return set_err(err, errlen, -ENOMEM, "CRI %s: out of memory", method);
	protobuf_c_message_pack(req, req_buf);
	ret = grpc_call(c->grpc, method, req_buf, req_len, c->timeout_ms, CRI_MAX_REPLY, &rep_buf,
			&rep_len, why, sizeof(why));
	if (ret < 0) {
		set_err(err, errlen, ret, "CRI %s: %s", method + strlen(SERVICE), why);
		goto cleanup;
	}
	*reply = protobuf_c_message_unpack(reply_desc, NULL, rep_len, rep_buf);
	if (!*reply)
		ret = set_err(err, errlen, -EBADMSG, "CRI %s: reply of %zu bytes is not a valid %s",
			      method + strlen(SERVICE), rep_len, reply_desc->short_name);
cleanup:
	free(req_buf);
	free(rep_buf);
	return ret;
}

#define CALL(c, name, req, type, out, err, errlen)                                                \
	cri_unary(c, SERVICE name, &(req)->base, &type##__descriptor, (ProtobufCMessage **)(out), \
		  err, errlen)

int cri_version(struct cri_client *c, Runtime__V1__VersionResponse **out, char *err, size_t errlen)
{
	Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT;

	req.version = "v1";
	return CALL(c, "Version", &req, runtime__v1__version_response, out, err, errlen);
}

int cri_list_pod_sandbox(struct cri_client *c, Runtime__V1__ListPodSandboxResponse **out, char *err,
			 size_t errlen)
{
	Runtime__V1__ListPodSandboxRequest req = RUNTIME__V1__LIST_POD_SANDBOX_REQUEST__INIT;

	return CALL(c, "ListPodSandbox", &req, runtime__v1__list_pod_sandbox_response, out, err,
		    errlen);
}

int cri_pod_sandbox_status(struct cri_client *c, const char *id,
			   Runtime__V1__PodSandboxStatusResponse **out, char *err, size_t errlen)
{
	Runtime__V1__PodSandboxStatusRequest req = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;

	req.pod_sandbox_id = (char *)id;
	req.verbose = 1; /* the pid is only in the verbose info */
	return CALL(c, "PodSandboxStatus", &req, runtime__v1__pod_sandbox_status_response, out, err,
		    errlen);
}

int cri_list_containers(struct cri_client *c, Runtime__V1__ListContainersResponse **out, char *err,
			size_t errlen)
{
	Runtime__V1__ListContainersRequest req = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT;

	return CALL(c, "ListContainers", &req, runtime__v1__list_containers_response, out, err,
		    errlen);
}

int cri_container_status(struct cri_client *c, const char *id,
			 Runtime__V1__ContainerStatusResponse **out, char *err, size_t errlen)
{
	Runtime__V1__ContainerStatusRequest req = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;

	req.container_id = (char *)id;
	req.verbose = 1;
	return CALL(c, "ContainerStatus", &req, runtime__v1__container_status_response, out, err,
		    errlen);
}

static int copy_id(const char *src, char *id, size_t idlen, const char *what, char *err,
		   size_t errlen)
{
	if (!src || !src[0] || strlen(src) >= idlen)
		return set_err(err, errlen, -EBADMSG, "CRI %s: reply has no usable id", what);
	strcpy(id, src);
	return 0;
}

int cri_run_pod_sandbox(struct cri_client *c, Runtime__V1__PodSandboxConfig *cfg, char *id,
			size_t idlen, char *err, size_t errlen)
{
	Runtime__V1__RunPodSandboxRequest req = RUNTIME__V1__RUN_POD_SANDBOX_REQUEST__INIT;
	Runtime__V1__RunPodSandboxResponse *rep = NULL;
	int ret;

	req.config = cfg;
	ret = CALL(c, "RunPodSandbox", &req, runtime__v1__run_pod_sandbox_response, &rep, err,
		   errlen);
	if (ret == 0)
		ret = copy_id(rep->pod_sandbox_id, id, idlen, "RunPodSandbox", err, errlen);
	cri_free(rep);
	return ret;
}

int cri_create_container(struct cri_client *c, const char *pod_id,
			 Runtime__V1__ContainerConfig *cfg, Runtime__V1__PodSandboxConfig *pod_cfg,
			 char *id, size_t idlen, char *err, size_t errlen)
{
	Runtime__V1__CreateContainerRequest req = RUNTIME__V1__CREATE_CONTAINER_REQUEST__INIT;
	Runtime__V1__CreateContainerResponse *rep = NULL;
	int ret;

	req.pod_sandbox_id = (char *)pod_id;
	req.config = cfg;
	req.sandbox_config = pod_cfg;
	ret = CALL(c, "CreateContainer", &req, runtime__v1__create_container_response, &rep, err,
		   errlen);
	if (ret == 0)
		ret = copy_id(rep->container_id, id, idlen, "CreateContainer", err, errlen);
	cri_free(rep);
	return ret;
}

int cri_start_container(struct cri_client *c, const char *id, char *err, size_t errlen)
{
	Runtime__V1__StartContainerRequest req = RUNTIME__V1__START_CONTAINER_REQUEST__INIT;
	Runtime__V1__StartContainerResponse *rep = NULL;
	int ret;

	req.container_id = (char *)id;
	ret = CALL(c, "StartContainer", &req, runtime__v1__start_container_response, &rep, err,
		   errlen);
	cri_free(rep);
	return ret;
}

int cri_stop_pod_sandbox(struct cri_client *c, const char *id, char *err, size_t errlen)
{
	Runtime__V1__StopPodSandboxRequest req = RUNTIME__V1__STOP_POD_SANDBOX_REQUEST__INIT;
	Runtime__V1__StopPodSandboxResponse *rep = NULL;
	int ret;

	req.pod_sandbox_id = (char *)id;
	ret = CALL(c, "StopPodSandbox", &req, runtime__v1__stop_pod_sandbox_response, &rep, err,
		   errlen);
	cri_free(rep);
	return ret;
}

int cri_remove_pod_sandbox(struct cri_client *c, const char *id, char *err, size_t errlen)
{
	Runtime__V1__RemovePodSandboxRequest req = RUNTIME__V1__REMOVE_POD_SANDBOX_REQUEST__INIT;
	Runtime__V1__RemovePodSandboxResponse *rep = NULL;
	int ret;

	req.pod_sandbox_id = (char *)id;
	ret = CALL(c, "RemovePodSandbox", &req, runtime__v1__remove_pod_sandbox_response, &rep, err,
		   errlen);
	cri_free(rep);
	return ret;
}

/* Every generated map entry starts with base, key, value, so one reader
 * serves all of them. */
struct map_entry {
	ProtobufCMessage base;
	char *key;
	char *value;
};

const char *cri_map_get(void *const *entries, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		const struct map_entry *e = entries[i];

		if (e && e->key && strcmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}
