/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_IFNAMES_H
#define PWRU_IFNAMES_H

#include <stddef.h>
#include <stdint.h>

struct ifnames;

/* proc_root: where the host's /proc is ("/" normally, /host in a pod). */
struct ifnames *ifnames_new(const char *proc_root);
void ifnames_free(struct ifnames *c);
/*
 * Name of ifindex inside the netns with this inode. Unknown names are
 * looked up again at most once a second, so an interface created while we
 * run gets its name. Returns "" when it cannot be found.
 */
const char *ifnames_get(struct ifnames *c, uint32_t netns, uint32_t ifindex);

#endif
