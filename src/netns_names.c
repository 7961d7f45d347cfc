// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "netns_names.h"

#define RESCAN_NS 1000000000LL /* a miss reads the directories again at most once a second */

struct netns_name {
	uint32_t inode;
	char name[256];
};

struct netns_names {
	char dirs[2][4096];
	struct netns_name *v;
	size_t n, cap;
	int64_t scanned_ns;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool known(const struct netns_names *n, uint32_t inode)
{
	for (size_t i = 0; i < n->n; i++) {
		if (n->v[i].inode == inode)
			return true;
	}
	return false;
}

static void scan_dir(struct netns_names *n, const char *dir)
{
	char path[4400];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* /run/netns is usually /var/run/netns: the same inode twice is one name */
		if (stat(path, &st) || !S_ISREG(st.st_mode) || known(n, (uint32_t)st.st_ino))
			continue;
		if (array_reserve(n->v, n->cap, n->n + 1))
			break;
		n->v[n->n].inode = (uint32_t)st.st_ino;
		snprintf(n->v[n->n].name, sizeof(n->v[0].name), "%s", de->d_name);
		n->n++;
	}
	closedir(d);
}

static void scan(struct netns_names *n)
{
	n->n = 0; /* a deleted namespace's inode may be reused */
	scan_dir(n, n->dirs[0]);
	scan_dir(n, n->dirs[1]);
	n->scanned_ns = mono_ns();
}

struct netns_names *netns_names_new(const char *host_root)
{
	struct netns_names *n = calloc(1, sizeof(*n));
	const char *root = host_root && strcmp(host_root, "/") ? host_root : "";

	if (!n)
		return NULL;
	snprintf(n->dirs[0], sizeof(n->dirs[0]), "%s/run/netns", root);
	snprintf(n->dirs[1], sizeof(n->dirs[1]), "%s/var/run/netns", root);
	scan(n);
	return n;
}

const char *netns_names_lookup(struct netns_names *n, uint32_t inode)
{
	for (int pass = 0; n && pass < 2; pass++) {
		for (size_t i = 0; i < n->n; i++) {
			if (n->v[i].inode == inode)
				return n->v[i].name;
		}
		if (pass || mono_ns() - n->scanned_ns < RESCAN_NS)
			break;
		scan(n);
	}
	return NULL;
}

void netns_names_free(struct netns_names *n)
{
	if (!n)
		return;
	free(n->v);
	free(n);
}
