// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl/target.h"

/* The spellings kubectl accepts for the two kinds we trace. */
static const struct {
	const char *name;
	enum target_kind kind;
} target_kinds[] = {
	{ "pod", TARGET_POD },	 { "pods", TARGET_POD },   { "po", TARGET_POD },
	{ "node", TARGET_NODE }, { "nodes", TARGET_NODE }, { "no", TARGET_NODE },
};

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool target_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

int target_parse(const char *arg, const char *namespace, struct target *t)
{
	const char *slash = strchr(arg, '/');

	memset(t, 0, sizeof(*t));
	if (!slash || !target_valid_name(slash + 1))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(target_kinds) / sizeof(target_kinds[0]); i++) {
		if (strlen(target_kinds[i].name) != (size_t)(slash - arg) ||
		    strncmp(arg, target_kinds[i].name, slash - arg))
			continue;
		t->kind = target_kinds[i].kind;
		t->name = strdup(slash + 1);
		if (t->kind == TARGET_POD)
			t->namespace = strdup(namespace);
		if (!t->name || (t->kind == TARGET_POD && !t->namespace)) {
			target_free(t);
			return -ENOMEM;
		}
		return 0;
	}
	return -EINVAL;
}

static int resolve_pod(const struct kube *k, struct target *t, char **err)
{
	char path[600];
	cJSON *pod, *node;
	int ret;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s", t->namespace, t->name);
	ret = kube_get(k, path, &pod, err);
	if (ret)
		return ret;
	node = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "spec"),
						"nodeName");
	if (cJSON_IsString(node) && node->valuestring[0]) {
		t->node = strdup(node->valuestring);
		ret = t->node ? 0 : -ENOMEM;
	} else {
		*err = strdup("the pod is not scheduled on a node yet");
		ret = -EAGAIN;
	}
	cJSON_Delete(pod);
	return ret;
}

static int resolve_node(const struct kube *k, struct target *t, char **err)
{
	char path[600];
	cJSON *node;
	int ret;

	snprintf(path, sizeof(path), "/api/v1/nodes/%s", t->name);
	ret = kube_get(k, path, &node, err);
	if (ret)
		return ret;
	cJSON_Delete(node);
	t->node = strdup(t->name);
	return t->node ? 0 : -ENOMEM;
}

int target_resolve(const struct kube *k, struct target *t, char **err)
{
	*err = NULL;
	return t->kind == TARGET_POD ? resolve_pod(k, t, err) : resolve_node(k, t, err);
}

char *target_describe(const struct target *t)
{
	char *s = NULL;

	if (t->kind == TARGET_POD) {
		if (asprintf(&s, "pod/%s/%s", t->namespace, t->name) < 0)
			return NULL;
	} else if (asprintf(&s, "node/%s", t->name) < 0) {
		return NULL;
	}
	return s;
}

void target_free(struct target *t)
{
	free(t->namespace);
	free(t->name);
	free(t->node);
	memset(t, 0, sizeof(*t));
}
