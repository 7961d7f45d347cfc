/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_TRACEFS_H
#define PWRU_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds tracefs at /sys/kernel/tracing or /sys/kernel/debug/tracing,
 * mounting it at the first when neither is mounted. Returns the directory,
 * or NULL when tracefs cannot be had (the caller carries on without it).
 */
const char *tracefs_find(void);

/* The event's system ("skb" for kfree_skb), from events/<group>/<name>. */
int tracefs_event_group(const char *tracefs, const char *name, char *group, size_t len);

struct tracefs_funcs;
/* available_filter_functions; -errno when it cannot be read. */
int tracefs_load_filter_funcs(const char *tracefs, struct tracefs_funcs **out);
bool tracefs_funcs_has(const struct tracefs_funcs *f, const char *name);
void tracefs_funcs_free(struct tracefs_funcs *f);

#endif
