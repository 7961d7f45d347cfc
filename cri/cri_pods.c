// SPDX-License-Identifier: GPL-2.0
/* Pods from a CRI runtime: ListPodSandbox + ListContainers, then a verbose
 * PodSandboxStatus for each ready sandbox not seen before, for its pid. */
#include "cri/pod_source.h"
#include "cri/info_json.h"
#include "cri/runtime.h"
#include "errmsg.h"
#include "hostns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src ? src : "");
}

static const struct pod_info *find_prev(const struct pod_list *prev, const char *id)
{
	for (size_t i = 0; prev && i < prev->n; i++)
		if (strcmp(prev->v[i].sandbox_id, id) == 0)
			return &prev->v[i];
	return NULL;
}

void pod_add_label(struct pod_info *p, const char *key, const char *value)
{
	size_t used = strlen(p->labels);
	size_t need = strlen(key) + strlen(value) + 2;

	if (strchr(key, '\n') || strchr(value, '\n') || used + need >= sizeof(p->labels))
		return;
	snprintf(p->labels + used, sizeof(p->labels) - used, "%s=%s\n", key, value);
}

static void fill_from_sandbox(struct pod_info *p, const Runtime__V1__PodSandbox *sb)
{
	const Runtime__V1__PodSandboxMetadata *md = sb->metadata;

	copy_str(p->sandbox_id, sizeof(p->sandbox_id), sb->id);
	if (md) {
		copy_str(p->ref.namespace_, sizeof(p->ref.namespace_), md->namespace_);
		copy_str(p->ref.name, sizeof(p->ref.name), md->name);
		copy_str(p->ref.uid, sizeof(p->ref.uid), md->uid);
	}
	p->ready = sb->state == RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY;
	p->created_at = sb->created_at;
	for (size_t i = 0; i < sb->n_labels; i++)
		pod_add_label(p, sb->labels[i]->key, sb->labels[i]->value);
}

static bool status_says_node_network(const Runtime__V1__PodSandboxStatusResponse *st)
{
	const Runtime__V1__PodSandboxStatus *s = st->status;

	return s && s->linux && s->linux->namespaces && s->linux->namespaces->options &&
	       s->linux->namespaces->options->network == RUNTIME__V1__NAMESPACE_MODE__NODE;
}

/* Asks the runtime for the sandbox's pid and turns it into a netns inode. */
static int resolve_netns(struct cri_client *c, const char *host_root, uint32_t host_netns,
			 struct pod_info *p, char *err, size_t errlen)
{
	Runtime__V1__PodSandboxStatusResponse *st = NULL;
	struct cri_info info;
	int ret;

	ret = cri_pod_sandbox_status(c, p->sandbox_id, &st, err, errlen);
	if (ret < 0)
		return ret;
	p->host_network = status_says_node_network(st);
	ret = cri_info_parse((void *const *)st->info, st->n_info, &info, err, errlen);
	if (ret < 0)
		goto cleanup;
	p->pid = info.pid;
	/* A pinned netns outlives its pause process (CRI-O): then the path. */
	if (netns_inode_of_pid(host_root, info.pid, &p->netns_inode) < 0 && info.netns_path[0])
		netns_inode_of_path(host_root, info.netns_path, &p->netns_inode);
	if (!p->netns_inode)
		snprintf(p->problem, sizeof(p->problem),
			 "neither /proc/%ld/ns/net nor '%.80s' is readable under '%.80s'", info.pid,
			 info.netns_path, host_root);
	if (p->netns_inode && p->netns_inode == host_netns)
		p->host_network = true;
cleanup:
	cri_free(st);
	return ret;
}

static void append_container(struct pod_info *p, const char *name)
{
	size_t used = strlen(p->ref.container);

	if (!name || !name[0])
		return;
	snprintf(p->ref.container + used, sizeof(p->ref.container) - used, "%s%s", used ? "," : "",
		 name);
}

static void add_containers(struct pod_list *out, const Runtime__V1__ListContainersResponse *cl)
{
	for (size_t i = 0; i < cl->n_containers; i++) {
		const Runtime__V1__Container *ct = cl->containers[i];

		if (ct->state != RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING || !ct->metadata)
			continue;
		for (size_t j = 0; j < out->n; j++)
			if (strcmp(out->v[j].sandbox_id, ct->pod_sandbox_id) == 0)
				append_container(&out->v[j], ct->metadata->name);
	}
}

static int add_sandbox(struct cri_client *c, const char *host_root, uint32_t host_netns,
		       const struct pod_list *prev, const Runtime__V1__PodSandbox *sb,
		       struct pod_list *out, char *err, size_t errlen)
{
	const struct pod_info *old = find_prev(prev, sb->id);
	struct pod_info *p = pod_list_push(out);
	char why[256];

	if (!p)
		return set_err(err, errlen, -ENOMEM, "out of memory for the pod list");
	fill_from_sandbox(p, sb);
	if (!p->ready)
		return 0;
	if (old && old->ready && old->netns_inode) {
		p->pid = old->pid;
		p->netns_inode = old->netns_inode;
		p->host_network = old->host_network;
		return 0;
	}
	/* A sandbox that vanished between list and status is just not ready;
	 * any other failure is kept to explain a missing netns. */
	if (resolve_netns(c, host_root, host_netns, p, why, sizeof(why)) < 0) {
		if (strstr(why, "NOT_FOUND"))
			p->ready = false;
		else
			snprintf(p->problem, sizeof(p->problem), "%s", why);
	}
	return 0;
}

int cri_pods_list(struct cri_client *c, const char *host_root, uint32_t host_netns,
		  const struct pod_list *prev, struct pod_list *out, char *err, size_t errlen)
{
	Runtime__V1__ListPodSandboxResponse *sl = NULL;
	Runtime__V1__ListContainersResponse *cl = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cri_list_pod_sandbox(c, &sl, err, errlen);
	if (ret < 0)
		goto cleanup;
	ret = cri_list_containers(c, &cl, err, errlen);
	if (ret < 0)
		goto cleanup;
	for (size_t i = 0; i < sl->n_items; i++) {
		ret = add_sandbox(c, host_root, host_netns, prev, sl->items[i], out, err, errlen);
		if (ret < 0)
			goto cleanup;
	}
	add_containers(out, cl);
cleanup:
	if (ret < 0)
		pod_list_free(out);
	cri_free(sl);
	cri_free(cl);
	return ret;
}

static const char *running_container_id(const Runtime__V1__ListContainersResponse *cl,
					const char *pod_id, const char *name)
{
	for (size_t i = 0; i < cl->n_containers; i++) {
		const Runtime__V1__Container *ct = cl->containers[i];

		if (strcmp(ct->pod_sandbox_id, pod_id) == 0 && ct->metadata &&
		    strcmp(ct->metadata->name, name) == 0 &&
		    ct->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING)
			return ct->id;
	}
	return NULL;
}

int cri_container_netns(struct cri_client *c, const char *host_root, const char *pod_id,
			const char *name, uint32_t *inode, char *err, size_t errlen)
{
	Runtime__V1__ListContainersResponse *cl = NULL;
	Runtime__V1__ContainerStatusResponse *st = NULL;
	const char *cid;
	struct cri_info info;
	int ret;

	ret = cri_list_containers(c, &cl, err, errlen);
	if (ret < 0)
		return ret;
	cid = running_container_id(cl, pod_id, name);
	if (!cid) {
		ret = set_err(err, errlen, -ENOENT, "no running container named %s", name);
		goto cleanup;
	}
	ret = cri_container_status(c, cid, &st, err, errlen);
	if (ret < 0)
		goto cleanup;
	ret = cri_info_parse((void *const *)st->info, st->n_info, &info, err, errlen);
	if (ret < 0)
		goto cleanup;
	if (netns_inode_of_pid(host_root, info.pid, inode) < 0)
		ret = set_err(err, errlen, -ESRCH,
			      "container %s: process %ld has no readable /proc/%ld/ns/net", name,
			      info.pid, info.pid);
cleanup:
	cri_free(cl);
	cri_free(st);
	return ret;
}
