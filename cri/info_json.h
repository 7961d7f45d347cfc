/* SPDX-License-Identifier: GPL-2.0 */
/* The verbose `info` map of PodSandboxStatus / ContainerStatus: where a
 * runtime says which process (and netns path) belongs to a sandbox. */
#ifndef PWRU_CRI_INFO_JSON_H
#define PWRU_CRI_INFO_JSON_H

#include <stddef.h>

struct cri_info {
	long pid;	      /* 0 when the runtime gave none */
	char netns_path[256]; /* runtimeSpec network namespace path, "" if none */
};

/* Current shape: key "info" holds JSON {"pid": N, "runtimeSpec": {"linux":
 * {"namespaces": [{"type": "network", "path": P}]}}} (containerd, CRI-O).
 * Legacy shape: key "pid" holds the number itself (older CRI-O).
 * entries/n: the generated map entry array. -ENOENT when neither key is
 * there, -EBADMSG for JSON that does not parse or a pid out of range. */
int cri_info_parse(void *const *entries, size_t n, struct cri_info *out, char *err, size_t errlen);
/* The JSON of the current shape alone. */
int cri_info_parse_json(const char *json, struct cri_info *out, char *err, size_t errlen);

#endif
