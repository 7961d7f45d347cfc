/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PROC_NAMES_H
#define PWRU_PROC_NAMES_H

#include <stdint.h>

/*
 * JSON's "process" as cilium/pwru writes it: the executable's path (the
 * /proc/PID/exe link) and the pid, "PATH:PID", cut to its last 16 bytes
 * behind a '~'. Where cilium/pwru has no path (a kernel thread, a process
 * already gone: it writes ":PID" or "<empty>:PID") the task's comm stands in,
 * "<empty>" without one. Resolved once per pid into a direct-mapped cache of
 * fixed size, so a flood costs no /proc read per event and no memory growth;
 * an entry is looked up again after a few seconds, for a pid reused.
 */
struct proc_names;

/* host_root: where the host's / is ("/" normally). NULL when out of memory. */
struct proc_names *proc_names_new(const char *host_root);
void proc_names_free(struct proc_names *p);
/* The "process" string of pid; comm is the event's (PWRU_COMM_LEN, maybe unterminated). */
const char *proc_names_get(struct proc_names *p, uint32_t pid, const char *comm, uint64_t ts_ns);

/* Exposed for tests: "NAME:PID" cut as cilium/pwru cuts it, into out[17]. */
void proc_name_format(const char *name, size_t name_len, uint32_t pid, char out[17]);

#endif
