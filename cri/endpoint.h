/* SPDX-License-Identifier: GPL-2.0 */
/* Which CRI socket to talk to: the one given, or the first well-known one
 * that answers Version. */
#ifndef PWRU_CRI_ENDPOINT_H
#define PWRU_CRI_ENDPOINT_H

#include <stddef.h>

struct cri_client;

/* Tried in this order (containerd, CRI-O at both paths, cri-dockerd);
 * NULL-terminated. */
extern const char *const cri_default_sockets[];

/* given: "unix:///path", a bare path, or NULL to probe the defaults. Every
 * path is taken under host_root. On success *out answers Version and
 * runtime (if not NULL) holds "name version". -ENOENT when no socket
 * exists, else the last error seen; err lists what was tried. */
int cri_endpoint_open(const char *given, const char *host_root, int timeout_ms,
		      struct cri_client **out, char *runtime, size_t runtimelen, char *err,
		      size_t errlen);

#endif
