// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "array.h"
#include "kubectl/merge_patch.h"
#include "kubectl/pod_spec.h"
#include "kubectl/runtime.h"
#include "kubectl/tracer.h"

/* Room for the node in "pwru-NODE-xxxxx" within a 63-byte label value, which
 * is what tools that copy pod names into labels expect. */
#define NODE_IN_NAME_MAX 50
#define NAME_SUFFIX_LEN 5

/* A fresh name per run, so two users tracing the same node do not collide;
 * chosen here, not by generateName, so that an interrupted create can still
 * be cleaned up by name. */
static char *pod_name_for(const char *node)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char rnd[NAME_SUFFIX_LEN];
	char suffix[NAME_SUFFIX_LEN + 1];
	char *name = NULL;
	int node_len = strnlen(node, NODE_IN_NAME_MAX);

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return NULL;
	for (int i = 0; i < NAME_SUFFIX_LEN; i++)
		suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	suffix[NAME_SUFFIX_LEN] = '\0';
	while (node_len > 0 && (node[node_len - 1] == '.' || node[node_len - 1] == '-'))
		node_len--;
	if (asprintf(&name, "pwru-%.*s-%s", node_len, node, suffix) < 0)
		return NULL;
	for (char *c = name; *c; c++)
		if (*c == '.')
			*c = '-';
	return name;
}

static struct tracer *tracer_for_node(struct tracer **tracers, size_t *n, size_t *cap,
				      const char *node)
{
	struct tracer *t;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*tracers)[i].node, node))
			return &(*tracers)[i];
	if (array_reserve(*tracers, *cap, *n + 1))
		return NULL;
	t = &(*tracers)[(*n)++];
	memset(t, 0, sizeof(*t));
	t->exit_code = -1;
	t->log_err_fd = -1;
	t->node = strdup(node);
	t->pod_name = pod_name_for(node);
	return t->node && t->pod_name ? t : NULL;
}

static int add_filter(struct tracer *t, const struct pod_ref *p)
{
	char *pod;

	if (asprintf(&pod, "%s/%s", p->namespace, p->name) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_filter_pods; i++) {
		if (!strcmp(t->filter_pods[i], pod)) {
			free(pod);
			return 0;
		}
	}
	if (array_reserve(t->filter_pods, t->cap_filter_pods, t->n_filter_pods + 1)) {
		free(pod);
		return -ENOMEM;
	}
	t->filter_pods[t->n_filter_pods++] = pod;
	return 0;
}

int tracers_plan(const struct target *targets, size_t n_targets, struct tracer **tracers,
		 size_t *n_tracers)
{
	struct tracer *list = NULL, *t;
	size_t n = 0, cap = 0;
	int ret = 0;

	/* Node targets first: their tracers lead the merged output. */
	for (size_t i = 0; i < n_targets && !ret; i++) {
		if (targets[i].kind != TARGET_NODE)
			continue;
		t = tracer_for_node(&list, &n, &cap, targets[i].node);
		if (!t)
			ret = -ENOMEM;
		else
			t->whole_node = true;
	}
	for (size_t i = 0; i < n_targets && !ret; i++) {
		for (size_t j = 0; j < targets[i].n_pods && !ret; j++) {
			t = tracer_for_node(&list, &n, &cap, targets[i].pods[j].node);
			ret = t ? add_filter(t, &targets[i].pods[j]) : -ENOMEM;
		}
	}
	if (ret) {
		tracers_free(list, n);
		return ret;
	}
	*tracers = list;
	*n_tracers = n;
	return 0;
}

static int set_string(cJSON *obj, const char *key, const char *value)
{
	cJSON *v = cJSON_CreateString(value);

	if (!cJSON_IsObject(obj) || !v) {
		cJSON_Delete(v);
		return -ENOMEM;
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, key) ?
		    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v) :
		    cJSON_AddItemToObject(obj, key, v))
		return 0;
	cJSON_Delete(v);
	return -ENOMEM;
}

/* What a patch may not change: the pod's identity and place. */
static int keep_identity(cJSON *pod, const struct pod_spec *spec)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	cJSON *sp = cJSON_GetObjectItemCaseSensitive(pod, "spec");

	return set_string(meta, "name", spec->name)		      ?:
		       set_string(meta, "namespace", spec->namespace) ?:
		       set_string(sp, "nodeName", spec->node);
}

cJSON *tracer_pod(const struct tracer *t, const struct tracer_opts *o)
{
	struct pod_spec spec = {
		.name = t->pod_name,
		.namespace = o->namespace,
		.node = t->node,
		.image = o->image,
		.cri_socket = runtime_socket_in_args(o->pwru_args, o->n_pwru_args),
		.active_deadline_seconds = o->active_deadline_seconds,
		.filter_pods = (const char *const *)t->filter_pods,
		.n_filter_pods = t->whole_node ? 0 : t->n_filter_pods,
		.pwru_args = o->pwru_args,
		.n_pwru_args = o->n_pwru_args,
		.image_pull_policy = o->image_pull_policy,
		.image_pull_secrets = o->image_pull_secrets,
		.n_image_pull_secrets = o->n_image_pull_secrets,
		.service_account = o->service_account,
		.priority_class = o->priority_class,
	};
	cJSON *pod;

	/* What the user told pwru wins; then what the node reports. */
	if (!spec.cri_socket)
		spec.cri_socket = t->cri_socket ? t->cri_socket : RUNTIME_DEFAULT_SOCKET;
	pod = pod_spec_build(&spec);
	if (!pod || !o->patch)
		return pod;
	if (merge_patch_apply(pod, o->patch) || keep_identity(pod, &spec)) {
		cJSON_Delete(pod);
		return NULL;
	}
	return pod;
}

static void tracer_free(struct tracer *t)
{
	for (size_t j = 0; j < t->n_filter_pods; j++)
		free(t->filter_pods[j]);
	free(t->filter_pods);
	free(t->node);
	free(t->pod_name);
	free(t->log);
}

static bool node_listed(const cJSON *node_list, const char *node)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(node_list, "items")) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(item, "metadata"), "name");

		if (cJSON_IsString(name) && !strcmp(name->valuestring, node))
			return true;
	}
	return false;
}

size_t tracers_keep_nodes(struct tracer *tracers, size_t n, const cJSON *node_list)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		if (!node_listed(node_list, tracers[i].node)) {
			tracer_free(&tracers[i]);
			continue;
		}
		if (kept != i)
			tracers[kept] = tracers[i];
		kept++;
	}
	return kept;
}

void tracers_free(struct tracer *tracers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tracer_free(&tracers[i]);
	free(tracers);
}
