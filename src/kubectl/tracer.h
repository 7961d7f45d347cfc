/* SPDX-License-Identifier: GPL-2.0 */
/* The plan: one tracer pod per node involved, each with the --filter-pod
 * arguments of the requested pods that run there. */
#ifndef KUBECTL_PWRU_TRACER_H
#define KUBECTL_PWRU_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <cjson/cJSON.h>

#include "kubectl/merge.h"
#include "kubectl/target.h"

struct tracer_opts {
	const char *namespace; /* where tracer pods are created */
	const char *image;
	long long active_deadline_seconds;
	char *const *pwru_args;
	size_t n_pwru_args;
	const char *image_pull_policy; /* NULL: IfNotPresent */
	const char *const *image_pull_secrets;
	size_t n_image_pull_secrets;
	const char *service_account;
	const char *priority_class; /* NULL: none (it could not be made) */
	const cJSON *patch;	    /* a JSON merge patch (object) applied last, or NULL */
};

struct tracer {
	char *node;
	char *pod_name;
	char **filter_pods; /* "NS/NAME" */
	size_t n_filter_pods, cap_filter_pods;
	bool whole_node;	/* a node/ target: no pod filter at all */
	bool create_tried;	/* so clean-up deletes it even if creation failed half-way */
	bool terminated;	/* pwru's container has ended */
	bool deleted;		/* deleted early (pwru could not be signalled) */
	const char *cri_socket; /* the node's, once its Node object was read */
	pid_t log_pid;		/* > 0 while its log is being streamed */
	int log_err_fd;		/* the log kubectl's stderr */
	struct line_stream *log;
	int exit_code;	  /* pwru's, -1 until known */
	char status[256]; /* the pod's last phase and reason, for messages */
};

/* Groups the resolved targets' pods by node. A node/ target makes that
 * node's tracer trace everything there, so pod filters on the same node are
 * dropped. Returns 0 or -ENOMEM. */
int tracers_plan(const struct target *targets, size_t n_targets, struct tracer **tracers,
		 size_t *n_tracers);

/* The pod that runs this tracer, with the user's merge patch applied (its
 * name, namespace and node stay the plugin's: they are how the pod is found
 * again), or NULL when out of memory. */
cJSON *tracer_pod(const struct tracer *t, const struct tracer_opts *o);

/* Keeps, in order, the tracers whose node is in node_list (a NodeList from
 * the API server) and frees the others. Returns how many are kept. */
size_t tracers_keep_nodes(struct tracer *tracers, size_t n, const cJSON *node_list);

void tracers_free(struct tracer *tracers, size_t n);

#endif
