/* SPDX-License-Identifier: GPL-2.0 */
/* JSON merge patch (RFC 7386), for the user's changes to the tracer pod. */
#ifndef KUBECTL_PWRU_MERGE_PATCH_H
#define KUBECTL_PWRU_MERGE_PATCH_H

#include <cjson/cJSON.h>

/* Applies patch to target in place. Both must be objects (a patch that is
 * not one would replace the whole target). Members set to null are
 * removed; objects merge member by member; anything else, arrays included,
 * replaces what target had. Returns 0, -EINVAL or -ENOMEM (target then
 * half-patched). */
int merge_patch_apply(cJSON *target, const cJSON *patch);

#endif
