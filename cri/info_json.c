// SPDX-License-Identifier: GPL-2.0
/* Reads the pid and netns path out of a CRI verbose info map (cJSON). */
#include "cri/info_json.h"
#include "cri/runtime.h"
#include "errmsg.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* pid_max is at most 2^22 on Linux; anything else is garbage. */
#define PID_LIMIT (1L << 22)

static int pid_from_item(const cJSON *item, long *pid)
{
	double d;

	if (!cJSON_IsNumber(item))
		return -EBADMSG;
	d = item->valuedouble;
	if (!(d >= 0 && d <= PID_LIMIT) || d != (double)(long)d)
		return -EBADMSG;
	*pid = (long)d;
	return 0;
}

static void netns_path_from_spec(const cJSON *root, char *path, size_t pathlen)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(root, "runtimeSpec");
	const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive(spec, "linux");
	const cJSON *nss = cJSON_GetObjectItemCaseSensitive(linux_, "namespaces");
	const cJSON *ns;

	if (!cJSON_IsArray(nss))
		return;
	cJSON_ArrayForEach(ns, nss) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(ns, "type");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(ns, "path");

		if (cJSON_IsString(type) && strcmp(type->valuestring, "network") == 0 &&
		    cJSON_IsString(p) && strlen(p->valuestring) < pathlen) {
			strcpy(path, p->valuestring);
			return;
		}
	}
}

int cri_info_parse_json(const char *json, struct cri_info *out, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(json);
	const cJSON *pid;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(root)) {
		ret = set_err(err, errlen, -EBADMSG, "verbose info is not a JSON object");
		goto cleanup;
	}
	pid = cJSON_GetObjectItemCaseSensitive(root, "pid");
	if (pid && pid_from_item(pid, &out->pid) < 0) {
		ret = set_err(err, errlen, -EBADMSG,
			      "verbose info has a pid that is not a process id");
		goto cleanup;
	}
	netns_path_from_spec(root, out->netns_path, sizeof(out->netns_path));
cleanup:
	cJSON_Delete(root);
	return ret;
}

int cri_info_parse(void *const *entries, size_t n, struct cri_info *out, char *err, size_t errlen)
{
	const char *info = cri_map_get(entries, n, "info");
	const char *legacy = cri_map_get(entries, n, "pid");
	cJSON *num;
	int ret;

	memset(out, 0, sizeof(*out));
	if (info)
		return cri_info_parse_json(info, out, err, errlen);
	if (!legacy)
		return set_err(err, errlen, -ENOENT,
			       "verbose info has neither an 'info' nor a 'pid' key");
	num = cJSON_Parse(legacy);
	ret = num ? pid_from_item(num, &out->pid) : -EBADMSG;
	cJSON_Delete(num);
	if (ret < 0)
		return set_err(err, errlen, ret, "verbose info 'pid' value is not a process id");
	return 0;
}
