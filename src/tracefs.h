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

/* Every event's system ("skb" for kfree_skb), from one pass over events/<group>/<name>. */
struct tracefs_events;
int tracefs_events_load(const char *tracefs, struct tracefs_events **out);
/* The group of an event name, or NULL. */
const char *tracefs_event_group(const struct tracefs_events *e, const char *name);
void tracefs_events_free(struct tracefs_events *e);

struct tracefs_funcs;
/* available_filter_functions; -errno when it cannot be read. */
int tracefs_load_filter_funcs(const char *tracefs, struct tracefs_funcs **out);
bool tracefs_funcs_has(const struct tracefs_funcs *f, const char *name);
void tracefs_funcs_free(struct tracefs_funcs *f);

#endif
