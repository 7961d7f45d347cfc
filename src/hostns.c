// SPDX-License-Identifier: GPL-2.0
/* Host paths and netns inodes (see hostns.h). */
#include "hostns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int netns_inode_of_path(const char *host_root, const char *path, uint32_t *inode)
{
	char full[4096];
	struct stat st;
	int ret;

	ret = host_path(full, sizeof(full), host_root, path);
	if (ret < 0)
		return ret;
	if (stat(full, &st) < 0)
		return -errno;
	*inode = (uint32_t)st.st_ino;
	return 0;
}

int netns_inode_of_pid(const char *host_root, long pid, uint32_t *inode)
{
	char path[64];

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
	return netns_inode_of_path(host_root, path, inode);
}

int host_netns_inode(const char *host_root, uint32_t *inode)
{
	if (netns_inode_of_path(host_root, "/proc/1/ns/net", inode) == 0)
		return 0;
	return netns_inode_of_path(host_root, "/proc/self/ns/net", inode);
}
