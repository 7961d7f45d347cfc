/* SPDX-License-Identifier: GPL-2.0 */
/* One tracing session: create the tracer pods, wait for them to run, stream
 * their logs, and delete them on the way out whatever the way out is (end of
 * trace, error, Ctrl-C, SIGTERM, SIGHUP, a closed stdout). */
#ifndef KUBECTL_PWRU_SESSION_H
#define KUBECTL_PWRU_SESSION_H

#include <stdbool.h>

#include "kubectl/kube.h"
#include "kubectl/tracer.h"

struct session {
	const struct kube *kube;
	const struct tracer_opts *tracer_opts;
	int running_timeout_s; /* how long a tracer may stay Pending */
	bool verbose;
	struct tracer *tracers;
	size_t n_tracers;
	int signal_fd;
	int signal;  /* the signal that ended the session, or 0 */
	char *error; /* first error, reported once by the caller */
};

/* Blocks the terminating signals and routes them to a signalfd, so that
 * every wait in the session can also wait for them. Returns 0 or -errno. */
int session_open(struct session *s);

/* Runs the session to its end. Returns pwru's exit status (the first
 * non-zero one of several tracers), 128+signal when interrupted, or a
 * negative errno with s->error set. Tracer pods are gone when it returns,
 * or a warning says which one to delete by hand. */
int session_run(struct session *s);

void session_close(struct session *s);

#endif
