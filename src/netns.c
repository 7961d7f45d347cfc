// SPDX-License-Identifier: GPL-2.0
/* Network namespaces: names to inodes, inodes back to something we can enter. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "netns.h"
#include "errmsg.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

int netns_resolve(const char *spec, uint32_t *inode, char *err, size_t errlen)
{
	struct statfs sfs;
	struct stat st;
	char *end;

	if (!strncmp(spec, "inode:", 6)) {
		unsigned long v = strtoul(spec + 6, &end, 0);

		if (!spec[6] || *end || v == 0 || v > UINT32_MAX) {
			return set_err(err, errlen, -EINVAL,
				       "--filter-netns %s: not an inode number", spec);
		}
		*inode = v;
		return 0;
	}
	if (stat(spec, &st) || statfs(spec, &sfs)) {
		int ret = -errno;

		return set_err(err, errlen, ret, "--filter-netns %s: %s", spec, strerror(errno));
	}
	if (sfs.f_type != NSFS_MAGIC) {
		return set_err(err, errlen, -EINVAL,
			       "--filter-netns %s: not a network namespace file", spec);
	}
	*inode = st.st_ino;
	return 0;
}

int netns_self(uint32_t *inode)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*inode = st.st_ino;
	return 0;
}

static int open_if_inode(const char *path, uint32_t inode)
{
	struct stat st;

	if (stat(path, &st) || st.st_ino != inode)
		return -ENOENT;
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int scan_dir_for_inode(const char *dir, const char *suffix, uint32_t inode)
{
	char path[512];
	struct dirent *de;
	int fd = -ENOENT;
	DIR *d = opendir(dir);

	if (!d)
		return -ENOENT;
	while (fd < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (suffix && (de->d_name[0] < '0' || de->d_name[0] > '9'))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, de->d_name, suffix ? suffix : "");
		fd = open_if_inode(path, inode);
	}
	closedir(d);
	return fd;
}

int netns_open_inode(const char *proc_root, uint32_t inode)
{
	char proc[256];
	int fd;

	fd = open_if_inode("/proc/self/ns/net", inode);
	if (fd >= 0)
		return fd;
	fd = scan_dir_for_inode("/var/run/netns", NULL, inode);
	if (fd >= 0)
		return fd;
	snprintf(proc, sizeof(proc), "%s/proc",
		 proc_root && strcmp(proc_root, "/") ? proc_root : "");
	return scan_dir_for_inode(proc, "/ns/net", inode);
}

/* setns() moves only the calling thread: do it in a thread of its own. */
struct ns_job {
	int nsfd;
	const char *ifname;
	int result;
};

static void *ns_socket_thread(void *arg)
{
	struct ns_job *job = arg;

	if (setns(job->nsfd, CLONE_NEWNET)) {
		job->result = -errno;
		return NULL;
	}
	job->result = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (job->result < 0)
		job->result = -errno;
	return NULL;
}

int netns_socket(int nsfd)
{
	struct ns_job job = { .nsfd = nsfd };
	pthread_t t;
	int ret;

	if (nsfd < 0) {
		ret = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		return ret < 0 ? -errno : ret;
	}
	ret = pthread_create(&t, NULL, ns_socket_thread, &job);
	if (ret)
		return -ret;
	pthread_join(t, NULL);
	return job.result;
}

int netns_ifindex(int nsfd, const char *name)
{
	struct ifreq ifr = {};
	int sk = netns_socket(nsfd), ret;

	if (sk < 0)
		return sk;
	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		close(sk);
		return -ENAMETOOLONG;
	}
	strcpy(ifr.ifr_name, name);
	ret = ioctl(sk, SIOCGIFINDEX, &ifr) ? -errno : ifr.ifr_ifindex;
	close(sk);
	return ret;
}
