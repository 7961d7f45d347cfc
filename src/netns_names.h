/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_NETNS_NAMES_H
#define PWRU_NETNS_NAMES_H

#include <stdint.h>
#include <time.h>

/*
 * --output-netns-names: the names `ip netns` gives network namespaces, from
 * the files in /run/netns and /var/run/netns (under --host-root), by inode.
 * A namespace made after pwru started is found by reading the directories
 * again when an inode is not known, at most once a second.
 */
struct netns_names;

struct netns_names *netns_names_new(const char *host_root);
/* The name of the netns with this inode, or NULL. */
const char *netns_names_lookup(struct netns_names *n, uint32_t inode);
void netns_names_free(struct netns_names *n);

#endif
