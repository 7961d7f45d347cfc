// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "kubectl/pod_spec.h"
#include "kubectl/proc.h"
#include "kubectl/session.h"

#define STATUS_POLL_MS 500
/* After its log ends, pwru's container needs a moment to show as terminated. */
#define EXIT_WAIT_POLLS 20

enum tracer_phase {
	PHASE_PENDING,
	PHASE_RUNNING,
	PHASE_DONE,
};

/* Reasons a container waits forever: no point in waiting out the timeout. */
static const char *const fatal_waiting_reasons[] = {
	"ErrImagePull",	     "ImagePullBackOff",	   "ErrImageNeverPull",
	"InvalidImageName",  "CreateContainerConfigError", "CreateContainerError",
	"RunContainerError",
};

static int fail(struct session *s, int ret, const char *fmt, ...)
{
	va_list ap;

	if (s->error)
		return ret;
	va_start(ap, fmt);
	if (vasprintf(&s->error, fmt, ap) < 0)
		s->error = NULL;
	va_end(ap);
	return ret;
}

static void note(const struct session *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	va_start(ap, fmt);
	fputs("kubectl-pwru: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int session_open(struct session *s)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	s->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->signal_fd < 0 ? -errno : 0;
}

/* Waits up to ms for a terminating signal. Returns -EINTR if one came. */
static int wait_for_signal(struct session *s, int ms)
{
	struct pollfd p = { .fd = s->signal_fd, .events = POLLIN };
	struct signalfd_siginfo si;

	if (s->signal)
		return -EINTR;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	if (read(s->signal_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	s->signal = si.ssi_signo;
	return -EINTR;
}

static void pod_path(char *buf, size_t size, const struct session *s, const struct tracer *t,
		     const char *sub)
{
	snprintf(buf, size, "/api/v1/namespaces/%s/pods/%s%s", s->tracer_opts->namespace,
		 t->pod_name, sub);
}

static const char *hint_for(const char *err)
{
	if (err && strstr(err, "PodSecurity"))
		return " (the namespace's Pod Security level forbids privileged pods: "
		       "kubectl apply -f k8s/namespace.yaml and pass --tracer-namespace pwru)";
	return "";
}

static int create_tracer(struct session *s, struct tracer *t)
{
	char path[512], *err = NULL;
	cJSON *pod = tracer_pod(t, s->tracer_opts);
	int ret;

	if (!pod)
		return fail(s, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods", s->tracer_opts->namespace);
	t->create_tried = true;
	ret = kube_create(s->kube, path, pod, &err);
	cJSON_Delete(pod);
	if (ret)
		fail(s, ret, "creating tracer pod %s on node %s: %s%s", t->pod_name, t->node,
		     err ? err : strerror(-ret), hint_for(err));
	else
		note(s, "created pod %s/%s on node %s", s->tracer_opts->namespace, t->pod_name,
		     t->node);
	free(err);
	return ret;
}

static cJSON *container_state(const cJSON *pod)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(pod, "status");
	const cJSON *cs;

	cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(st, "containerStatuses")) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(cs, "name");

		if (cJSON_IsString(name) && !strcmp(name->valuestring, POD_SPEC_CONTAINER))
			return cJSON_GetObjectItemCaseSensitive(cs, "state");
	}
	return NULL;
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int check_waiting(struct session *s, struct tracer *t, const cJSON *state)
{
	const cJSON *waiting = cJSON_GetObjectItemCaseSensitive(state, "waiting");
	const char *reason = json_string(waiting, "reason");
	const char *message = json_string(waiting, "message");

	if (!reason)
		return 0;
	for (size_t i = 0; i < sizeof(fatal_waiting_reasons) / sizeof(fatal_waiting_reasons[0]);
	     i++)
		if (!strcmp(reason, fatal_waiting_reasons[i]))
			return fail(s, -EIO, "tracer pod %s on node %s: %s%s%s", t->pod_name,
				    t->node, reason, message ? ": " : "", message ? message : "");
	return 0;
}

/* One status poll: where the tracer is in its life, or a fatal error. */
static int poll_phase(struct session *s, struct tracer *t)
{
	char path[512], *err = NULL;
	const cJSON *state, *term, *code;
	const char *phase;
	cJSON *pod;
	int ret;

	pod_path(path, sizeof(path), s, t, "");
	ret = kube_get(s->kube, path, &pod, &err);
	if (ret) {
		fail(s, ret, "status of tracer pod %s: %s", t->pod_name,
		     err ? err : strerror(-ret));
		free(err);
		return ret;
	}
	phase = json_string(cJSON_GetObjectItemCaseSensitive(pod, "status"), "phase");
	state = container_state(pod);
	term = cJSON_GetObjectItemCaseSensitive(state, "terminated");
	code = cJSON_GetObjectItemCaseSensitive(term, "exitCode");
	if (cJSON_IsNumber(code))
		t->exit_code = code->valueint;
	if (term || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
		ret = PHASE_DONE;
	else if (phase && !strcmp(phase, "Running"))
		ret = PHASE_RUNNING;
	else
		ret = check_waiting(s, t, state) ?: PHASE_PENDING;
	cJSON_Delete(pod);
	return ret;
}

static int wait_all_started(struct session *s)
{
	struct timespec now, end;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += s->running_timeout_s;
	for (;;) {
		size_t pending = 0;

		for (size_t i = 0; i < s->n_tracers; i++) {
			ret = poll_phase(s, &s->tracers[i]);
			if (ret < 0)
				return ret;
			pending += ret == PHASE_PENDING;
		}
		if (!pending)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= end.tv_sec)
			return fail(s, -ETIMEDOUT,
				    "tracer pods did not start within %d s "
				    "(see kubectl describe pod -n %s)",
				    s->running_timeout_s, s->tracer_opts->namespace);
		ret = wait_for_signal(s, STATUS_POLL_MS);
		if (ret)
			return ret;
	}
}

static int start_log(struct session *s, struct tracer *t)
{
	char path[600];
	pid_t pid;

	t->log = calloc(1, sizeof(*t->log));
	if (!t->log)
		return fail(s, -ENOMEM, "out of memory");
	pod_path(path, sizeof(path), s, t, "/log?follow=true&container=" POD_SPEC_CONTAINER);
	pid = kube_stream(s->kube, path, &t->log->fd);
	if (pid < 0)
		return fail(s, pid, "streaming the log of %s: %s", t->pod_name, strerror(-pid));
	t->log_pid = pid;
	/* One tracer prints as pwru does; several say which node each line is from. */
	t->log->label = s->n_tracers > 1 ? t->node : NULL;
	return 0;
}

static void end_log(struct tracer *t)
{
	if (t->log_pid <= 0)
		return;
	close(t->log->fd);
	proc_stop(t->log_pid);
	t->log_pid = 0;
}

/* One round of the merge: every log with data, then any signal. Returns the
 * number of logs still open, or -EINTR. */
static int pump_logs(struct session *s)
{
	struct pollfd p[s->n_tracers + 1];
	size_t idx[s->n_tracers];
	size_t n = 0;

	for (size_t i = 0; i < s->n_tracers; i++) {
		if (s->tracers[i].log_pid <= 0)
			continue;
		p[n] = (struct pollfd){ .fd = s->tracers[i].log->fd, .events = POLLIN };
		idx[n++] = i;
	}
	if (!n)
		return 0;
	p[n] = (struct pollfd){ .fd = s->signal_fd, .events = POLLIN };
	if (poll(p, n + 1, -1) < 0)
		return errno == EINTR ? (int)n : -errno;
	if (p[n].revents && wait_for_signal(s, 0))
		return -EINTR;
	for (size_t i = 0; i < n; i++) {
		struct tracer *t = &s->tracers[idx[i]];

		if (p[i].revents && line_stream_pump(t->log, stdout) <= 0)
			end_log(t);
	}
	/* stdout went away (`| head`): the user has what they wanted. */
	return ferror(stdout) ? 0 : (int)n;
}

static int stream_logs(struct session *s)
{
	int ret;

	for (size_t i = 0; i < s->n_tracers; i++) {
		ret = start_log(s, &s->tracers[i]);
		if (ret)
			return ret;
	}
	while ((ret = pump_logs(s)) > 0)
		;
	return ret;
}

/* pwru's exit status once its log has ended, waiting briefly for the pod to
 * show it. Unknown (-1) when the log ended but pwru still runs. */
static int collect_exit(struct session *s, struct tracer *t)
{
	for (int i = 0; i < EXIT_WAIT_POLLS; i++) {
		int ret = poll_phase(s, t);

		if (ret < 0 || ret == PHASE_DONE)
			return ret < 0 ? ret : 0;
		ret = wait_for_signal(s, STATUS_POLL_MS / 2);
		if (ret)
			return ret;
	}
	fprintf(stderr, "kubectl-pwru: the log of %s ended while pwru still runs there\n",
		t->pod_name);
	return 0;
}

static void delete_tracer(struct session *s, struct tracer *t)
{
	char path[512], *err = NULL;
	int ret;

	pod_path(path, sizeof(path), s, t, "");
	ret = kube_delete(s->kube, path, &err);
	if (ret && !(err && strstr(err, "NotFound")))
		fprintf(stderr,
			"kubectl-pwru: could not delete tracer pod %s/%s (%s); "
			"delete it with: kubectl delete pod -n %s %s\n",
			s->tracer_opts->namespace, t->pod_name, err ? err : strerror(-ret),
			s->tracer_opts->namespace, t->pod_name);
	else if (!ret)
		note(s, "deleted pod %s/%s", s->tracer_opts->namespace, t->pod_name);
	free(err);
}

static int exit_status(const struct session *s)
{
	if (s->signal)
		return 128 + s->signal;
	for (size_t i = 0; i < s->n_tracers; i++)
		if (s->tracers[i].exit_code > 0)
			return s->tracers[i].exit_code;
	return 0;
}

int session_run(struct session *s)
{
	int ret = 0;

	for (size_t i = 0; i < s->n_tracers && !ret; i++)
		ret = create_tracer(s, &s->tracers[i]) ?: wait_for_signal(s, 0);
	if (!ret)
		ret = wait_all_started(s);
	if (!ret)
		ret = stream_logs(s);
	/* With stdout gone nobody reads the rest: no need to wait for pwru. */
	for (size_t i = 0; i < s->n_tracers && !ret && !ferror(stdout); i++)
		ret = collect_exit(s, &s->tracers[i]);

	for (size_t i = 0; i < s->n_tracers; i++) {
		end_log(&s->tracers[i]);
		if (s->tracers[i].create_tried)
			delete_tracer(s, &s->tracers[i]);
	}
	if (ret == -EINTR || (ret && s->signal))
		return exit_status(s);
	return ret ? ret : exit_status(s);
}

void session_close(struct session *s)
{
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	s->signal_fd = -1;
	free(s->error);
	s->error = NULL;
}
