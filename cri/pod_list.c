// SPDX-License-Identifier: GPL-2.0
/* pod_list helpers and netns inode look-ups shared by the pod sources. */
#include "cri/pod_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pod_info *pod_list_push(struct pod_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct pod_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

void pod_list_free(struct pod_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int pod_has_label(const struct pod_info *p, const char *kv)
{
	size_t len = strlen(kv);

	for (const char *line = p->labels; *line;) {
		const char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);

		if (llen == len && memcmp(line, kv, len) == 0)
			return 1;
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

void pod_add_label(struct pod_info *p, const char *key, const char *value)
{
	size_t used = strlen(p->labels);
	size_t need = strlen(key) + strlen(value) + 2;

	/* A label with a newline would split into two fake ones. */
	if (strchr(key, '\n') || strchr(value, '\n') || used + need >= sizeof(p->labels))
		return;
	snprintf(p->labels + used, sizeof(p->labels) - used, "%s=%s\n", key, value);
}

int host_path(char *dst, size_t dstlen, const char *host_root, const char *path)
{
	size_t rlen = host_root ? strlen(host_root) : 0;
	int n;

	while (rlen > 0 && host_root[rlen - 1] == '/')
		rlen--;
	n = snprintf(dst, dstlen, "%.*s%s%s", (int)rlen, rlen ? host_root : "",
		     path[0] == '/' ? "" : "/", path);
	return (n < 0 || (size_t)n >= dstlen) ? -ENAMETOOLONG : 0;
}

uint32_t netns_inode_of_path(const char *host_root, const char *path)
{
	char full[4096];
	struct stat st;

	if (host_path(full, sizeof(full), host_root, path) < 0 || stat(full, &st) < 0)
		return 0;
	return (uint32_t)st.st_ino;
}

uint32_t netns_inode_of_pid(const char *host_root, long pid)
{
	char path[64];

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
	return netns_inode_of_path(host_root, path);
}

uint32_t host_netns_inode(const char *host_root)
{
	uint32_t ino = netns_inode_of_path(host_root, "/proc/1/ns/net");

	return ino ? ino : netns_inode_of_path(host_root, "/proc/self/ns/net");
}

int pod_has_container(const struct pod_info *p, const char *name)
{
	size_t len = strlen(name);

	for (const char *s = p->ref.container; *s;) {
		const char *comma = strchr(s, ',');
		size_t l = comma ? (size_t)(comma - s) : strlen(s);

		if (l == len && memcmp(s, name, len) == 0)
			return 1;
		if (!comma)
			break;
		s = comma + 1;
	}
	return 0;
}

int pod_has_labels(const struct pod_info *p, const char *const *kvs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!pod_has_label(p, kvs[i]))
			return 0;
	return 1;
}

const struct pod_info *pod_list_find(const struct pod_list *l, const char *ns, const char *name)
{
	const struct pod_info *best = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const struct pod_info *p = &l->v[i];

		if (strcmp(p->ref.namespace_, ns) || strcmp(p->ref.name, name))
			continue;
		/* Old attempts of a pod linger as NOTREADY sandboxes. */
		if (!best || p->ready > best->ready ||
		    (p->ready == best->ready && p->created_at > best->created_at))
			best = p;
	}
	return best;
}

int pod_name_split(const char *spec, const char *default_ns, char *ns, size_t nslen, char *name,
		   size_t namelen, char *err, size_t errlen)
{
	const char *slash = strchr(spec, '/');
	int n1, n2;

	if (slash)
		n1 = snprintf(ns, nslen, "%.*s", (int)(slash - spec), spec);
	else
		n1 = snprintf(ns, nslen, "%s", default_ns ? default_ns : "default");
	n2 = snprintf(name, namelen, "%s", slash ? slash + 1 : spec);
	if (!ns[0] || !name[0] || strchr(name, '/') || n1 >= (int)nslen || n2 >= (int)namelen) {
		snprintf(err, errlen, "pod '%s': expected NAMESPACE/NAME or NAME", spec);
		return -EINVAL;
	}
	return 0;
}
