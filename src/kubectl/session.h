/* SPDX-License-Identifier: GPL-2.0 */
/* One tracing session: create the tracer pods, wait for them to run, stream
 * their logs, and delete them on the way out whatever the way out is (end of
 * trace, error, Ctrl-C, SIGTERM, SIGHUP, a closed stdout). Stopped by a
 * signal, it first stops pwru in each pod and streams what pwru prints as it
 * ends (its summary), so that every run ends with pwru's own last words. */
#ifndef KUBECTL_PWRU_SESSION_H
#define KUBECTL_PWRU_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "kubectl/kube.h"
#include "kubectl/tracer.h"

struct session_watch;

struct session {
	const struct kube *kube;
	const struct tracer_opts *tracer_opts;
	int running_timeout_s; /* how long a tracer may stay Pending */
	int grace_period_s;    /* how long pwru may take to stop and summarize */
	bool verbose;
	struct tracer *tracers;
	size_t n_tracers;
	int signal_fd;
	int signal;		       /* the first signal that came, or 0 */
	bool stopping;		       /* pwru in the tracers was asked to stop */
	const char *priority_class;    /* for tracer pods, once it is known to exist */
	struct session_watch *watches; /* per tracer, while session_run() runs */
	char *err;		       /* where session_run() reports its first error */
	size_t errlen;
};

/* Blocks the terminating signals and routes them to a signalfd, so that
 * every wait in the session can also wait for them. Returns 0 or -errno. */
int session_open(struct session *s);

/* Runs the session to its end. Returns pwru's exit status (the first
 * non-zero one of several tracers), 128+signal when interrupted, or a
 * negative errno with the reason in err. Tracer pods are gone when it
 * returns, or a warning says which one to delete by hand. */
int session_run(struct session *s, char *err, size_t errlen);

void session_close(struct session *s);

#endif
