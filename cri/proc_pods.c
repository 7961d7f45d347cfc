// SPDX-License-Identifier: GPL-2.0
/* Pods without a runtime socket: walk <host_root>/proc for processes in a
 * kubepods cgroup, take the pod UID from the cgroup path, the netns from
 * /proc/PID/ns/net, and the name from /var/log/pods/<ns>_<name>_<uid>. */
#include "cri/pod_source.h"
#include "errmsg.h"
#include "hostns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UID_LEN 36

/* A pod UID in a cgroup path: "pod" + UUID, with '_' for '-' under the
 * systemd driver ("kubepods-besteffort-pod12ab_..slice") and '-' under
 * cgroupfs ("/kubepods/besteffort/pod12ab-.../"). */
static bool uid_at(const char *s, char *uid)
{
	for (int i = 0; i < UID_LEN; i++) {
		int c = (unsigned char)s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-' && c != '_')
				return false;
			uid[i] = '-';
		} else if (isxdigit(c)) {
			uid[i] = (char)tolower(c);
		} else {
			return false;
		}
	}
	uid[UID_LEN] = '\0';
	return true;
}

bool pod_uid_from_cgroup(const char *line, char *uid, size_t uidlen)
{
	const char *k = strstr(line, "kubepods");

	if (!k || uidlen <= UID_LEN)
		return false;
	for (const char *p = strstr(k, "pod"); p; p = strstr(p + 1, "pod")) {
		if ((p[-1] == '/' || p[-1] == '-') && uid_at(p + 3, uid))
			return true;
	}
	return false;
}

static struct pod_info *find_uid(struct pod_list *l, const char *uid)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].ref.uid, uid) == 0)
			return &l->v[i];
	return NULL;
}

static bool read_pod_uid(const char *host_root, const char *pid, char *uid, size_t uidlen)
{
	char rel[64], path[4096], line[1024];
	bool found = false;
	FILE *f;

	if (snprintf(rel, sizeof(rel), "/proc/%s/cgroup", pid) >= (int)sizeof(rel) ||
	    host_path(path, sizeof(path), host_root, rel) < 0 || !(f = fopen(path, "re")))
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = pod_uid_from_cgroup(line, uid, uidlen);
	fclose(f);
	return found;
}

/* Records one process: the pod's netns is that of any process not in the
 * node's netns; only when all are there is it a host-network pod. */
static int add_process(struct pod_list *l, const char *host_root, const char *pid,
		       uint32_t host_netns)
{
	char uid[UID_LEN + 1];
	struct pod_info *p;
	uint32_t ino;

	if (!read_pod_uid(host_root, pid, uid, sizeof(uid)) ||
	    netns_inode_of_pid(host_root, strtol(pid, NULL, 10), &ino) < 0)
		return 0;
	p = find_uid(l, uid);
	if (!p) {
		if (!(p = pod_list_push(l)))
			return -ENOMEM;
		snprintf(p->ref.uid, sizeof(p->ref.uid), "%s", uid);
		snprintf(p->ref.name, sizeof(p->ref.name), "%s", uid);
		p->ready = true;
	}
	if (!p->netns_inode || (p->host_network && ino != host_netns)) {
		p->netns_inode = ino;
		p->pid = strtol(pid, NULL, 10);
		p->host_network = ino == host_netns;
	}
	return 0;
}

static int scan_proc(struct pod_list *l, const char *host_root, uint32_t host_netns, char *err,
		     size_t errlen)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int ret;

	ret = host_path(path, sizeof(path), host_root, "/proc");
	if (ret < 0)
		return set_err(err, errlen, ret, "%s/proc: path too long", host_root);
	d = opendir(path);
	if (!d)
		return set_err(err, errlen, -errno, "cannot read %s: %s", path, strerror(errno));
	while (ret == 0 && (de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]))
			ret = add_process(l, host_root, de->d_name, host_netns);
	closedir(d);
	if (ret < 0)
		return set_err(err, errlen, ret, "out of memory while scanning %s", path);
	return 0;
}

static void add_container_dirs(struct pod_info *p, const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t used = strlen(p->ref.container);

		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		snprintf(p->ref.container + used, sizeof(p->ref.container) - used, "%s%s",
			 used ? "," : "", de->d_name);
	}
	closedir(d);
}

/* "<ns>_<name>_<uid>": namespaces, pod names and UIDs never hold '_'. */
static void name_from_log_dir(struct pod_list *l, const char *logs, const char *entry)
{
	const char *u1 = strchr(entry, '_');
	const char *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	char dir[4096];
	struct pod_info *p;

	if (!u1 || !u2 || strchr(u2 + 1, '_'))
		return;
	p = find_uid(l, u2 + 1);
	if (!p) {
		/* Logs of a pod with no process: known, but not running. */
		if (!(p = pod_list_push(l)))
			return;
		snprintf(p->ref.uid, sizeof(p->ref.uid), "%s", u2 + 1);
	}
	snprintf(p->ref.namespace_, sizeof(p->ref.namespace_), "%.*s", (int)(u1 - entry), entry);
	snprintf(p->ref.name, sizeof(p->ref.name), "%.*s", (int)(u2 - u1 - 1), u1 + 1);
	p->ref.container[0] = '\0';
	if (snprintf(dir, sizeof(dir), "%s/%s", logs, entry) < (int)sizeof(dir))
		add_container_dirs(p, dir);
}

static void scan_log_dirs(struct pod_list *l, const char *host_root)
{
	char logs[4096];
	struct dirent *de;
	DIR *d;

	if (host_path(logs, sizeof(logs), host_root, "/var/log/pods") < 0 || !(d = opendir(logs)))
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			name_from_log_dir(l, logs, de->d_name);
	closedir(d);
}

int proc_pods_list(const char *host_root, uint32_t host_netns, struct pod_list *out, char *err,
		   size_t errlen)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = scan_proc(out, host_root, host_netns, err, errlen);
	if (ret < 0) {
		pod_list_free(out);
		return ret;
	}
	scan_log_dirs(out, host_root);
	return 0;
}
