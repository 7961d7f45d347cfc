// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "errmsg.h"
#include "kubectl/runtime.h"
#include "kubectl/target.h"

/* The spellings kubectl accepts for the kinds we trace. */
static const struct {
	const char *name;
	enum target_kind kind;
} target_kinds[] = {
	{ "pod", TARGET_POD },
	{ "pods", TARGET_POD },
	{ "po", TARGET_POD },
	{ "node", TARGET_NODE },
	{ "nodes", TARGET_NODE },
	{ "no", TARGET_NODE },
	{ "deployment", TARGET_DEPLOYMENT },
	{ "deployments", TARGET_DEPLOYMENT },
	{ "deploy", TARGET_DEPLOYMENT },
	{ "service", TARGET_SERVICE },
	{ "services", TARGET_SERVICE },
	{ "svc", TARGET_SERVICE },
};

static const char *const kind_names[] = {
	[TARGET_POD] = "pod",
	[TARGET_NODE] = "node",
	[TARGET_DEPLOYMENT] = "deployment",
	[TARGET_SERVICE] = "service",
	[TARGET_SELECTOR] = "pods",
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

static int target_init(struct target *t, enum target_kind kind, const char *name,
		       const char *namespace)
{
	t->kind = kind;
	t->name = strdup(name);
	if (kind != TARGET_NODE)
		t->namespace = strdup(namespace);
	if (!t->name || (kind != TARGET_NODE && !t->namespace)) {
		target_free(t);
		return -ENOMEM;
	}
	return 0;
}

int target_parse(const char *arg, const char *namespace, struct target *t)
{
	const char *slash = strchr(arg, '/');

	memset(t, 0, sizeof(*t));
	/* A bare word is a pod, as kubectl logs and exec take it. */
	if (!slash)
		return target_valid_name(arg) ? target_init(t, TARGET_POD, arg, namespace) :
						-EINVAL;
	if (!target_valid_name(slash + 1))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(target_kinds) / sizeof(target_kinds[0]); i++) {
		if (strlen(target_kinds[i].name) != (size_t)(slash - arg) ||
		    strncmp(arg, target_kinds[i].name, slash - arg))
			continue;
		return target_init(t, target_kinds[i].kind, slash + 1, namespace);
	}
	return -EINVAL;
}

int target_selector(const char *selector, const char *namespace, struct target *t)
{
	memset(t, 0, sizeof(*t));
	if (!selector[0])
		return -EINVAL;
	return target_init(t, TARGET_SELECTOR, selector, namespace);
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *json_at(const cJSON *obj, const char *a, const char *b)
{
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, a), b);
}

static int add_pod(struct target *t, const char *ns, const char *name, const char *node)
{
	struct pod_ref *p;

	for (size_t i = 0; i < t->n_pods; i++)
		if (!strcmp(t->pods[i].namespace, ns) && !strcmp(t->pods[i].name, name))
			return 0;
	if (array_reserve(t->pods, t->cap_pods, t->n_pods + 1))
		return -ENOMEM;
	p = &t->pods[t->n_pods];
	p->namespace = strdup(ns);
	p->name = strdup(name);
	p->node = strdup(node);
	if (!p->namespace || !p->name || !p->node) {
		free(p->namespace);
		free(p->name);
		free(p->node);
		return -ENOMEM;
	}
	t->n_pods++;
	return 0;
}

/* A pod worth tracing: scheduled, and not ended. Returns its node or NULL
 * with the reason in why. */
static const char *pod_node(const cJSON *pod, const char **why)
{
	const char *phase = json_string(cJSON_GetObjectItemCaseSensitive(pod, "status"), "phase");
	const char *node = json_string(cJSON_GetObjectItemCaseSensitive(pod, "spec"), "nodeName");

	if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) {
		*why = phase;
		return NULL;
	}
	if (!node || !node[0]) {
		*why = "not scheduled on a node yet";
		return NULL;
	}
	return node;
}

static int add_pod_object(struct target *t, const cJSON *pod)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
	const char *ns = json_string(meta, "namespace"), *name = json_string(meta, "name");
	const char *why, *node = pod_node(pod, &why);

	if (!node || !ns || !name)
		return 0;
	return add_pod(t, ns, name, node);
}

static int resolve_pod(const struct kube *k, struct target *t, char *err, size_t errlen)
{
	char path[600];
	const char *why, *node;
	cJSON *pod;
	int ret;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s", t->namespace, t->name);
	ret = kube_get(k, path, &pod, err, errlen);
	if (ret)
		return ret;
	node = pod_node(pod, &why);
	if (node)
		ret = add_pod(t, t->namespace, t->name, node);
	else if (!strcmp(why, "Succeeded") || !strcmp(why, "Failed"))
		ret = set_err(err, errlen, -ESRCH, "the pod has ended (%s): nothing to trace", why);
	else
		ret = set_err(err, errlen, -EAGAIN, "the pod is %s", why);
	cJSON_Delete(pod);
	return ret;
}

int target_node_ready(const struct kube *k, const char *node, const char **cri_socket, char *err,
		      size_t errlen)
{
	const cJSON *c;
	char path[600];
	cJSON *obj;
	int ret;

	snprintf(path, sizeof(path), "/api/v1/nodes/%s", node);
	ret = kube_get(k, path, &obj, err, errlen);
	if (ret)
		return ret;
	cJSON_ArrayForEach(c, json_at(obj, "status", "conditions")) {
		const char *type = json_string(c, "type"), *status = json_string(c, "status");
		const char *reason = json_string(c, "reason"), *message = json_string(c, "message");

		if (!type || strcmp(type, "Ready") || !status || !strcmp(status, "True"))
			continue;
		ret = set_err(err, errlen, -EHOSTDOWN,
			      "node %s is not Ready (%s%s%s): a tracer there would not start", node,
			      reason ? reason : status, message ? ": " : "",
			      message ? message : "");
		break;
	}
	if (cri_socket)
		*cri_socket = runtime_socket_of_node(obj);
	cJSON_Delete(obj);
	return ret;
}

static int resolve_node(const struct kube *k, struct target *t, char *err, size_t errlen)
{
	int ret = target_node_ready(k, t->name, NULL, err, errlen);

	if (ret)
		return ret;
	t->node = strdup(t->name);
	return t->node ? 0 : set_err(err, errlen, -ENOMEM, "out of memory");
}

/* Percent-encodes everything but unreserved characters, for a query. */
static int url_escape(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = *s;

		if (n + 4 > size)
			return -E2BIG;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			out[n++] = c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

static int list_pods(const struct kube *k, struct target *t, const char *selector, char *err,
		     size_t errlen)
{
	char path[2048], escaped[1500];
	const cJSON *item;
	cJSON *list;
	int ret;

	if (url_escape(selector, escaped, sizeof(escaped)))
		return set_err(err, errlen, -E2BIG, "label selector too long");
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods?labelSelector=%s", t->namespace,
		 escaped);
	ret = kube_get(k, path, &list, err, errlen);
	if (ret)
		return ret;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "items")) {
		ret = add_pod_object(t, item);
		if (ret)
			break;
	}
	cJSON_Delete(list);
	if (ret)
		return set_err(err, errlen, ret, "out of memory");
	if (!t->n_pods)
		return set_err(err, errlen, -ESRCH, "no running pod matches %s", selector);
	return 0;
}

int target_list_nodes(const struct kube *k, const char *selector, cJSON **list, char *err,
		      size_t errlen)
{
	char escaped[1024], path[1200];

	if (url_escape(selector, escaped, sizeof(escaped)))
		return set_err(err, errlen, -E2BIG, "node selector too long");
	snprintf(path, sizeof(path), "/api/v1/nodes?labelSelector=%s", escaped);
	return kube_get(k, path, list, err, errlen);
}

static int append(char *buf, size_t size, size_t *len, const char *fmt, const char *a,
		  const char *b)
{
	int n = snprintf(buf + *len, size - *len, fmt, *len ? "," : "", a, b);

	if (n < 0 || (size_t)n >= size - *len)
		return -E2BIG;
	*len += n;
	return 0;
}

/* A LabelSelector object as kubectl's -l text. */
static int selector_text(const cJSON *sel, char *buf, size_t size)
{
	const cJSON *m, *e;
	size_t len = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(sel, "matchLabels")) {
		if (!cJSON_IsString(m) ||
		    append(buf, size, &len, "%s%s=%s", m->string, m->valuestring))
			return -EINVAL;
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(sel, "matchExpressions")) {
		const char *key = json_string(e, "key"), *op = json_string(e, "operator");
		char values[512] = "";
		size_t vlen = 0;
		const cJSON *v;

		if (!key || !op)
			return -EINVAL;
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, "values")) {
			if (!cJSON_IsString(v) ||
			    append(values, sizeof(values), &vlen, "%s%s%s", v->valuestring, ""))
				return -EINVAL;
		}
		if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
			if (append(buf, size, &len,
				   !strcmp(op, "In") ? "%s%s in (%s)" : "%s%s notin (%s)", key,
				   values))
				return -EINVAL;
		} else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
			if (append(buf, size, &len, !strcmp(op, "Exists") ? "%s%s%s" : "%s!%s%s",
				   key, ""))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return len ? 0 : -EINVAL;
}

static int resolve_deployment(const struct kube *k, struct target *t, char *err, size_t errlen)
{
	char path[600], selector[1024];
	cJSON *deploy;
	int ret;

	snprintf(path, sizeof(path), "/apis/apps/v1/namespaces/%s/deployments/%s", t->namespace,
		 t->name);
	ret = kube_get(k, path, &deploy, err, errlen);
	if (ret)
		return ret;
	ret = selector_text(json_at(deploy, "spec", "selector"), selector, sizeof(selector));
	cJSON_Delete(deploy);
	if (ret)
		return set_err(err, errlen, ret, "cannot read the deployment's selector");
	return list_pods(k, t, selector, err, errlen);
}

/* The pods behind a service: its Endpoints' ready addresses that name a pod. */
static int resolve_service(const struct kube *k, struct target *t, char *err, size_t errlen)
{
	const cJSON *subset, *addr;
	char path[600];
	cJSON *ep;
	int ret = 0;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/endpoints/%s", t->namespace, t->name);
	ret = kube_get(k, path, &ep, err, errlen);
	if (ret)
		return ret;
	cJSON_ArrayForEach(subset, cJSON_GetObjectItemCaseSensitive(ep, "subsets")) {
		cJSON_ArrayForEach(addr, cJSON_GetObjectItemCaseSensitive(subset, "addresses")) {
			const cJSON *ref = cJSON_GetObjectItemCaseSensitive(addr, "targetRef");
			const char *kind = json_string(ref, "kind"),
				   *name = json_string(ref, "name");
			const char *ns = json_string(ref, "namespace");
			const char *node = json_string(addr, "nodeName");

			if (!kind || strcmp(kind, "Pod") || !name || !node)
				continue;
			ret = add_pod(t, ns ? ns : t->namespace, name, node);
			if (ret)
				break;
		}
	}
	cJSON_Delete(ep);
	if (ret)
		return set_err(err, errlen, ret, "out of memory");
	if (!t->n_pods)
		return set_err(err, errlen, -ESRCH, "the service has no ready pod behind it");
	return 0;
}

int target_resolve(const struct kube *k, struct target *t, char *err, size_t errlen)
{
	switch (t->kind) {
	case TARGET_POD:
		return resolve_pod(k, t, err, errlen);
	case TARGET_NODE:
		return resolve_node(k, t, err, errlen);
	case TARGET_DEPLOYMENT:
		return resolve_deployment(k, t, err, errlen);
	case TARGET_SERVICE:
		return resolve_service(k, t, err, errlen);
	case TARGET_SELECTOR:
		return list_pods(k, t, t->name, err, errlen);
	}
	return set_err(err, errlen, -EINVAL, "unknown target kind");
}

void target_describe(const struct target *t, char *buf, size_t size)
{
	if (t->kind == TARGET_NODE)
		snprintf(buf, size, "node/%s", t->name);
	else if (t->kind == TARGET_SELECTOR)
		snprintf(buf, size, "pods -l %s -n %s", t->name, t->namespace);
	else
		snprintf(buf, size, "%s/%s/%s", kind_names[t->kind], t->namespace, t->name);
}

void target_free(struct target *t)
{
	for (size_t i = 0; i < t->n_pods; i++) {
		free(t->pods[i].namespace);
		free(t->pods[i].name);
		free(t->pods[i].node);
	}
	free(t->pods);
	free(t->namespace);
	free(t->name);
	free(t->node);
	memset(t, 0, sizeof(*t));
}
