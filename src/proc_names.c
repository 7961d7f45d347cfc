// SPDX-License-Identifier: GPL-2.0
/* "process": an executable's path per pid, cached. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostns.h"
#include "proc_names.h"
#include "pwru.h"

#define PROC_NAMES_SLOTS 4096		      /* 100 KiB */
#define PROC_NAMES_TTL_NS (5 * 1000000000ULL) /* a reused pid shows its new binary */

struct proc_slot {
	uint64_t resolved_ns; /* the event time it was read at; 0: empty */
	uint32_t pid;
	char name[17];
};

struct proc_names {
	const char *host_root;
	struct proc_slot slots[PROC_NAMES_SLOTS];
};

struct proc_names *proc_names_new(const char *host_root)
{
	struct proc_names *p = calloc(1, sizeof(*p));

	if (p)
		p->host_root = host_root;
	return p;
}

void proc_names_free(struct proc_names *p)
{
	free(p);
}

void proc_name_format(const char *name, size_t name_len, uint32_t pid, char out[17])
{
	char buf[4200];
	int n = snprintf(buf, sizeof(buf), "%.*s:%u", (int)name_len, name, pid);

	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (n <= 16) {
		memcpy(out, buf, (size_t)n + 1);
		return;
	}
	memcpy(out, buf + n - 16, 17);
	out[0] = '~';
}

static void resolve(const struct proc_names *p, struct proc_slot *s, uint32_t pid, const char *comm)
{
	char link[64], path[4096], exe[4096];
	size_t n = strnlen(comm, PWRU_COMM_LEN);
	ssize_t len = -1;

	snprintf(link, sizeof(link), "/proc/%u/exe", pid);
	/* pid 0 is the idle task: /proc has no entry for it */
	if (pid && !host_path(path, sizeof(path), p->host_root, link))
		len = readlink(path, exe, sizeof(exe));
	if (len > 0 && (size_t)len < sizeof(exe))
		proc_name_format(exe, (size_t)len, pid, s->name);
	else if (n)
		proc_name_format(comm, n, pid, s->name);
	else
		proc_name_format("<empty>", 7, pid, s->name);
}

const char *proc_names_get(struct proc_names *p, uint32_t pid, const char *comm, uint64_t ts_ns)
{
	struct proc_slot *s = &p->slots[pid % PROC_NAMES_SLOTS];

	if (!s->resolved_ns || s->pid != pid ||
	    (int64_t)(ts_ns - s->resolved_ns) > (int64_t)PROC_NAMES_TTL_NS) {
		resolve(p, s, pid, comm);
		s->pid = pid;
		s->resolved_ns = ts_ns ? ts_ns : 1;
	}
	return s->name;
}
