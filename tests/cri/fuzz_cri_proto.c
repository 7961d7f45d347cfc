// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: every CRI reply type through protobuf-c, then what we do with
 * a decoded reply (map look-ups, the verbose info JSON, labels). The first
 * byte picks the message type. */
#include "cri/info_json.h"
#include "cri/pod_source.h"
#include "cri/runtime.h"
#include "pods.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const ProtobufCMessageDescriptor *const replies[] = {
	&runtime__v1__version_response__descriptor,
	&runtime__v1__list_pod_sandbox_response__descriptor,
	&runtime__v1__pod_sandbox_status_response__descriptor,
	&runtime__v1__list_containers_response__descriptor,
	&runtime__v1__container_status_response__descriptor,
	&runtime__v1__run_pod_sandbox_response__descriptor,
	&runtime__v1__create_container_response__descriptor,
};

static void use_sandboxes(const Runtime__V1__ListPodSandboxResponse *l)
{
	struct pod_info p;

	for (size_t i = 0; i < l->n_items; i++) {
		memset(&p, 0, sizeof(p));
		for (size_t j = 0; j < l->items[i]->n_labels; j++)
			pod_add_label(&p, l->items[i]->labels[j]->key,
				      l->items[i]->labels[j]->value);
		(void)pod_has_labels(&p, (const char *const[]){ "app=x" }, 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ProtobufCMessageDescriptor *d;
	ProtobufCMessage *m;
	struct cri_info info;
	char err[256];

	if (size < 1)
		return 0;
	d = replies[data[0] % (sizeof(replies) / sizeof(replies[0]))];
	m = protobuf_c_message_unpack(d, NULL, size - 1, data + 1);
	if (!m)
		return 0;
	if (d == &runtime__v1__pod_sandbox_status_response__descriptor) {
		Runtime__V1__PodSandboxStatusResponse *r = (void *)m;

		cri_info_parse((void *const *)r->info, r->n_info, &info, err, sizeof(err));
	} else if (d == &runtime__v1__container_status_response__descriptor) {
		Runtime__V1__ContainerStatusResponse *r = (void *)m;

		cri_info_parse((void *const *)r->info, r->n_info, &info, err, sizeof(err));
	} else if (d == &runtime__v1__list_pod_sandbox_response__descriptor) {
		use_sandboxes((void *)m);
	}
	/* Round trip: what decoded must encode again. */
	{
		size_t n = protobuf_c_message_get_packed_size(m);
		uint8_t *buf = malloc(n ? n : 1);

		if (buf)
			protobuf_c_message_pack(m, buf);
		free(buf);
	}
	cri_free(m);
	/* The same bytes as the verbose info JSON text. */
	{
		char *json = malloc(size);

		if (json) {
			memcpy(json, data + 1, size - 1);
			json[size - 1] = '\0';
			cri_info_parse_json(json, &info, err, sizeof(err));
			free(json);
		}
	}
	return 0;
}
