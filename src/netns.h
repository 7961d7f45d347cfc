/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_NETNS_H
#define PWRU_NETNS_H

#include <stdint.h>
#include <stddef.h>

/* "inode:N", or a path to a netns file (/proc/PID/ns/net, /var/run/netns/NAME). */
int netns_resolve(const char *spec, uint32_t *inode, char *err, size_t errlen);
/* Inode of this process's netns (/proc/self: /proc/1 may be unreadable). */
int netns_self(uint32_t *inode);
/* Opens a netns by inode: /var/run/netns, then every /proc/PID/ns/net. */
int netns_open_inode(const char *proc_root, uint32_t inode);
/* ifindex of NAME inside the netns open at nsfd (-1: this one). */
int netns_ifindex(int nsfd, const char *name);
/* A socket that lives in the netns at nsfd, for ioctls about its devices. */
int netns_socket(int nsfd);

#endif
