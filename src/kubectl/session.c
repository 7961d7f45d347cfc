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

#include "array.h"
#include "errmsg.h"
#include "kubectl/namespace.h"
#include "kubectl/pod_spec.h"
#include "kubectl/proc.h"
#include "kubectl/session.h"

/* After its log ends, pwru's container needs a moment to show as terminated. */
#define EXIT_WAIT_MS 5000

enum tracer_phase {
	PHASE_PENDING,
	PHASE_RUNNING,
	PHASE_DONE,
};

/* One long-lived `kubectl get --raw PATH?watch=true`: the API server sends
 * each change as it happens, a watch event (JSON) a line, so waiting costs
 * one kubectl, not one per look. */
struct json_watch {
	pid_t pid; /* > 0 while it runs */
	int fd, err_fd;
	char *buf; /* a line not yet complete */
	size_t len, cap;
};

/* A tracer's watches: its pod while the session lasts, its events while
 * it is pending (a missing host path shows only there). */
struct session_watch {
	struct json_watch pod, events;
	int phase;	/* from the pod's last event: enum tracer_phase or -errno */
	bool pod_gone;	/* the pod's watch said DELETED */
	bool no_events; /* events cannot be watched: not asked again */
};

/* Reasons a container waits forever: no point in waiting out the timeout. */
static const char *const fatal_waiting_reasons[] = {
	"ErrImagePull",	     "ImagePullBackOff",	   "ErrImageNeverPull",
	"InvalidImageName",  "CreateContainerConfigError", "CreateContainerError",
	"RunContainerError",
};

/* Stops pwru in its pod the way Ctrl-C stops it on a node (SIGINT: it
 * detaches and prints its summary). The pod has the host's PID namespace,
 * so pwru is found as the process named pwru in this container's mount
 * namespace, never one of the host's or another pod's. The script must be
 * quick and end right after the kill: once pwru exits, the runtime kills
 * whatever still runs in its container, this script included, and kubectl
 * would report that (exit code 137) as a failed exec. So names are read
 * without forking (read is built in), and only a process named pwru costs
 * a readlink. No pwru left means it has ended already: nothing to do. */
static const char stop_script[] =
	"me=$(readlink /proc/$$/ns/mnt); for d in /proc/[0-9]*; do "
	"read -r c 2>/dev/null <$d/comm || continue; [ \"$c\" = pwru ] || continue; "
	"[ \"$(readlink $d/ns/mnt)\" = \"$me\" ] && { kill -INT ${d#/proc/}; exit; }; done; true";

static void note(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

/* Reads a pending signal: -EINTR if one came, else 0. */
static int take_signal(struct session *s)
{
	struct signalfd_siginfo si;

	if (read(s->signal_fd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (!s->signal)
		s->signal = si.ssi_signo;
	return -EINTR;
}

/* Drops the signals that came while the tracers were being stopped: they
 * are the same Ctrl-C. A wrapper such as timeout(1) sends it twice (to its
 * child, then to its process group), and a user presses the key again
 * while nothing seems to happen yet. A signal after this skips the wait. */
static void drop_signals(struct session *s)
{
	struct signalfd_siginfo si;

	while (read(s->signal_fd, &si, sizeof(si)) == sizeof(si))
		;
}

/* Waits up to ms for a terminating signal. Returns -EINTR if one came. */
static int wait_for_signal(struct session *s, int ms)
{
	struct pollfd p = { .fd = s->signal_fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return take_signal(s);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void pod_path(char *buf, size_t size, const struct session *s, const struct tracer *t,
		     const char *sub)
{
	snprintf(buf, size, "/api/v1/namespaces/%s/pods/%s%s", s->tracer_opts->namespace,
		 t->pod_name, sub);
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *hint_for(const char *err)
{
	if (strstr(err, "PodSecurity"))
		return " (the namespace's Pod Security level forbids privileged pods: label it "
		       "pod-security.kubernetes.io/enforce=privileged, or pass --tracer-namespace "
		       "with one that allows them)";
	return "";
}

/* What a session needs the user to be allowed in the tracer namespace. */
static const struct access {
	const char *verb, *resource, *subresource, *why;
} needed_access[] = {
	{ "create", "pods", NULL, "the tracer pod could not be started" },
	{ "get", "pods", "log", "pwru's output could not reach you" },
	{ "delete", "pods", NULL, "the tracer pod could not be removed afterwards" },
};

/* Asks the API server (SelfSubjectAccessReview) whether the user may do
 * what the session needs, before a privileged pod exists. A server that
 * cannot answer is not a reason to refuse: the calls themselves will tell. */
static int check_access(struct session *s)
{
	for (size_t i = 0; i < sizeof(needed_access) / sizeof(needed_access[0]); i++) {
		const struct access *a = &needed_access[i];
		cJSON *review = cJSON_CreateObject(), *reply = NULL, *attrs;
		const cJSON *status;
		char kerr[1024] = "";
		int ret;

		attrs = cJSON_AddObjectToObject(cJSON_AddObjectToObject(review, "spec"),
						"resourceAttributes");
		cJSON_AddStringToObject(review, "apiVersion", "authorization.k8s.io/v1");
		cJSON_AddStringToObject(review, "kind", "SelfSubjectAccessReview");
		cJSON_AddStringToObject(attrs, "namespace", s->tracer_opts->namespace);
		cJSON_AddStringToObject(attrs, "verb", a->verb);
		cJSON_AddStringToObject(attrs, "resource", a->resource);
		if (a->subresource)
			cJSON_AddStringToObject(attrs, "subresource", a->subresource);
		ret = kube_create(s->kube, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
				  review, &reply, kerr, sizeof(kerr));
		cJSON_Delete(review);
		if (ret) {
			note(s, "cannot ask the API server what you may do (%s)", kerr);
			return 0;
		}
		status = cJSON_GetObjectItemCaseSensitive(reply, "status");
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(status, "allowed"))) {
			const char *reason = json_string(status, "reason");

			ret = set_err(s->err, s->errlen, -EACCES,
				      "you may not %s %s%s%s in namespace %s, so %s%s%s%s", a->verb,
				      a->resource, a->subresource ? "/" : "",
				      a->subresource ? a->subresource : "",
				      s->tracer_opts->namespace, a->why, reason ? " (" : "",
				      reason ? reason : "", reason ? ")" : "");
		}
		cJSON_Delete(reply);
		if (ret)
			return ret;
	}
	return 0;
}

static int create_tracer(struct session *s, struct tracer *t)
{
	char path[512], kerr[1024] = "";
	struct tracer_opts opts;
	cJSON *pod;
	int ret;

	/* A tracer sent to a node that is not Ready would wait there forever. */
	ret = target_node_ready(s->kube, t->node, &t->cri_socket, kerr, sizeof(kerr));
	if (ret)
		return set_err(s->err, s->errlen, ret, "%s", kerr);
	opts = *s->tracer_opts;
	opts.priority_class = s->priority_class;
	pod = tracer_pod(t, &opts);
	if (!pod)
		return set_err(s->err, s->errlen, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods", s->tracer_opts->namespace);
	t->create_tried = true;
	ret = kube_create(s->kube, path, pod, NULL, kerr, sizeof(kerr));
	cJSON_Delete(pod);
	if (ret)
		return set_err(s->err, s->errlen, ret, "creating tracer pod %s on node %s: %s%s",
			       t->pod_name, t->node, kerr, hint_for(kerr));
	note(s, "created pod %s/%s on node %s", s->tracer_opts->namespace, t->pod_name, t->node);
	return 0;
}

static const cJSON *container_state(const cJSON *pod)
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

/* "Phase: reason: message" from the most telling place: the container's
 * waiting state, else the pod's own reason, else a false condition. */
static void describe_status(struct tracer *t, const cJSON *pod, const char *phase)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(pod, "status");
	const cJSON *waiting = cJSON_GetObjectItemCaseSensitive(container_state(pod), "waiting");
	const char *reason = json_string(waiting, "reason");
	const char *message = json_string(waiting, "message");
	const cJSON *c;

	if (!reason) {
		reason = json_string(status, "reason");
		message = json_string(status, "message");
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(status, "conditions")) {
		const char *cstatus = json_string(c, "status");

		if (reason || !cstatus || strcmp(cstatus, "False"))
			continue;
		reason = json_string(c, "reason");
		message = json_string(c, "message");
	}
	snprintf(t->status, sizeof(t->status), "%s%s%s%s%s", phase ? phase : "no phase yet",
		 reason ? ": " : "", reason ? reason : "", message ? ": " : "",
		 message ? message : "");
}

static bool fatal_waiting(const cJSON *state)
{
	const char *reason =
		json_string(cJSON_GetObjectItemCaseSensitive(state, "waiting"), "reason");

	for (size_t i = 0;
	     reason && i < sizeof(fatal_waiting_reasons) / sizeof(fatal_waiting_reasons[0]); i++)
		if (!strcmp(reason, fatal_waiting_reasons[i]))
			return true;
	return false;
}

/* Where the tracer is in its life by its pod, or a fatal error. */
static int pod_phase(struct session *s, struct tracer *t, const cJSON *pod)
{
	const cJSON *state, *term, *code;
	const char *phase;
	int ret;

	phase = json_string(cJSON_GetObjectItemCaseSensitive(pod, "status"), "phase");
	state = container_state(pod);
	term = cJSON_GetObjectItemCaseSensitive(state, "terminated");
	code = cJSON_GetObjectItemCaseSensitive(term, "exitCode");
	describe_status(t, pod, phase);
	if (cJSON_IsNumber(code))
		t->exit_code = code->valueint;
	if (term) {
		t->terminated = true;
		ret = PHASE_DONE;
	} else if (phase && !strcmp(phase, "Failed")) {
		/* Rejected by the kubelet (OutOfcpu, NodeAffinity...) or evicted
		 * before pwru ran: no log, no exit status, only the pod's reason. */
		ret = set_err(s->err, s->errlen, -EIO, "tracer pod %s on node %s failed: %s",
			      t->pod_name, t->node, t->status);
	} else if (phase && !strcmp(phase, "Succeeded")) {
		ret = PHASE_DONE;
	} else if (phase && !strcmp(phase, "Running")) {
		ret = PHASE_RUNNING;
	} else if (fatal_waiting(state)) {
		ret = set_err(s->err, s->errlen, -EIO, "tracer pod %s on node %s: %s", t->pod_name,
			      t->node, t->status);
	} else {
		ret = PHASE_PENDING;
	}
	return ret;
}

static const char *mount_hint(const char *message)
{
	if (strstr(message, "/sys/kernel/btf"))
		return " (the node's kernel has no BTF, CONFIG_DEBUG_INFO_BTF, which pwru needs)";
	if (strstr(message, "\"" POD_SPEC_CRI_VOLUME "\""))
		return " (no container runtime socket there: name the node's with --cri-endpoint "
		       "after --)";
	return "";
}

/* A tracer that waits for a host path the node does not have waits
 * forever: the kubelet says so only in an event (FailedMount, "hostPath
 * type check failed"), not in the pod's status. */
static int mount_failure(struct session *s, const struct tracer *t, const cJSON *e)
{
	const char *reason = json_string(e, "reason"), *message = json_string(e, "message");

	if (!reason || strcmp(reason, "FailedMount") || !message ||
	    !strstr(message, "hostPath type check failed"))
		return 0;
	return set_err(s->err, s->errlen, -ENOENT, "tracer pod %s on node %s cannot start: %s%s",
		       t->pod_name, t->node, message, mount_hint(message));
}

static int watch_start(struct session *s, struct json_watch *w, const char *path)
{
	pid_t pid = kube_stream(s->kube, path, &w->fd, &w->err_fd);

	if (pid < 0)
		return set_err(s->err, s->errlen, pid, "watching %s: %s", path, strerror(-pid));
	w->pid = pid;
	w->len = 0;
	return 0;
}

/* Ends a watch: 0, or kubectl's failure (its last line in kerr). */
static int watch_end(struct json_watch *w, char *kerr, size_t kerrlen)
{
	int ret;

	if (w->pid <= 0)
		return 0;
	close(w->fd);
	ret = kube_stream_end(w->pid, w->err_fd, kerr, kerrlen);
	w->pid = 0;
	return ret;
}

static int watch_pod(struct session *s, size_t i)
{
	char path[700];

	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/%s/pods?watch=true&fieldSelector=metadata.name%%3D%s",
		 s->tracer_opts->namespace, s->tracers[i].pod_name);
	return watch_start(s, &s->watches[i].pod, path);
}

static int watch_events(struct session *s, size_t i)
{
	char path[700];

	snprintf(path, sizeof(path),
		 "/api/v1/namespaces/%s/events?watch=true&fieldSelector=involvedObject.name%%3D%s",
		 s->tracer_opts->namespace, s->tracers[i].pod_name);
	return watch_start(s, &s->watches[i].events, path);
}

/* A watch event about a tracer's pod or its events: 0 or -errno. */
static int on_event(struct session *s, size_t i, bool is_pod, const char *type, const cJSON *obj)
{
	struct session_watch *sw = &s->watches[i];

	/* ERROR (e.g. 410 Gone): the server ends the watch after it; it is
	 * started again then. */
	if (!type || !obj || !strcmp(type, "ERROR"))
		return 0;
	if (!is_pod)
		return strcmp(type, "DELETED") ? mount_failure(s, &s->tracers[i], obj) : 0;
	if (!strcmp(type, "DELETED")) {
		sw->pod_gone = true;
		return 0;
	}
	sw->phase = pod_phase(s, &s->tracers[i], obj);
	return 0;
}

/* Reads what a watch has. Returns 1 while it goes on, 0 at its end, or
 * -errno. */
static int watch_pump(struct session *s, size_t i, bool is_pod)
{
	struct json_watch *w = is_pod ? &s->watches[i].pod : &s->watches[i].events;
	char chunk[8192], *line, *nl;
	ssize_t n = read(w->fd, chunk, sizeof(chunk));
	int ret = 0;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	if (array_reserve(w->buf, w->cap, w->len + (size_t)n + 1))
		return set_err(s->err, s->errlen, -ENOMEM, "out of memory");
	memcpy(w->buf + w->len, chunk, (size_t)n);
	w->len += (size_t)n;
	line = w->buf;
	while (!ret && (nl = memchr(line, '\n', w->len - (size_t)(line - w->buf)))) {
		cJSON *ev;

		*nl = '\0';
		ev = cJSON_Parse(line);
		if (ev)
			ret = on_event(s, i, is_pod, json_string(ev, "type"),
				       cJSON_GetObjectItemCaseSensitive(ev, "object"));
		cJSON_Delete(ev);
		line = nl + 1;
	}
	w->len -= (size_t)(line - w->buf);
	memmove(w->buf, line, w->len);
	return ret < 0 ? ret : 1;
}

/* A watch that ended: the server closes watches after a while, so the
 * pod's is started again (while the pod is there); a kubectl that failed
 * is the session's error for a pod, only a note for events (without the
 * right to list them, the timeout still ends the wait). */
static int watch_ended(struct session *s, size_t i, bool is_pod)
{
	struct session_watch *sw = &s->watches[i];
	struct tracer *t = &s->tracers[i];
	char kerr[1024] = "";

	if (!is_pod) {
		if (watch_end(&sw->events, kerr, sizeof(kerr))) {
			note(s, "cannot watch the events of %s (%s)", t->pod_name, kerr);
			sw->no_events = true;
			return 0;
		}
		return sw->phase == PHASE_PENDING ? watch_events(s, i) : 0;
	}
	if (watch_end(&sw->pod, kerr, sizeof(kerr)) && !t->deleted)
		return set_err(s->err, s->errlen, -EIO, "status of tracer pod %s: %s", t->pod_name,
			       kerr);
	return sw->pod_gone || t->deleted ? 0 : watch_pod(s, i);
}

/* Waits up to timeout_ms for the tracers' watches and passes on what they
 * say. Returns 0, -EINTR on a signal, or another -errno. */
static int pump_watches(struct session *s, int timeout_ms)
{
	struct pollfd p[2 * s->n_tracers + 1];
	size_t idx[2 * s->n_tracers];
	bool is_pod[2 * s->n_tracers];
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < s->n_tracers; i++) {
		if (s->watches[i].pod.pid > 0) {
			p[n] = (struct pollfd){ .fd = s->watches[i].pod.fd, .events = POLLIN };
			is_pod[n] = true;
			idx[n++] = i;
		}
		if (s->watches[i].events.pid > 0) {
			p[n] = (struct pollfd){ .fd = s->watches[i].events.fd, .events = POLLIN };
			is_pod[n] = false;
			idx[n++] = i;
		}
	}
	p[n] = (struct pollfd){ .fd = s->signal_fd, .events = POLLIN };
	if (poll(p, n + 1, timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	for (size_t k = 0; k < n && !ret; k++) {
		if (!p[k].revents)
			continue;
		ret = watch_pump(s, idx[k], is_pod[k]);
		if (ret == 0)
			ret = watch_ended(s, idx[k], is_pod[k]);
		else if (ret > 0)
			ret = 0;
	}
	if (ret)
		return ret;
	return p[n].revents ? take_signal(s) : 0;
}

static int wait_all_started(struct session *s)
{
	long long end = now_ms() + s->running_timeout_s * 1000LL;
	int ret;

	for (;;) {
		struct tracer *pending = NULL;
		long long left;

		for (size_t i = 0; i < s->n_tracers; i++) {
			if (s->watches[i].phase < 0)
				return s->watches[i].phase;
			if (s->watches[i].phase == PHASE_PENDING && !pending)
				pending = &s->tracers[i];
		}
		if (!pending)
			break;
		left = end - now_ms();
		if (left <= 0)
			return set_err(s->err, s->errlen, -ETIMEDOUT,
				       "tracer pod %s on node %s did not start within %d s (%s)",
				       pending->pod_name, pending->node, s->running_timeout_s,
				       pending->status);
		ret = pump_watches(s, (int)left);
		if (ret)
			return ret;
	}
	/* All run: their events are of no more interest. */
	for (size_t i = 0; i < s->n_tracers; i++) {
		char kerr[1024];

		watch_end(&s->watches[i].events, kerr, sizeof(kerr));
	}
	return 0;
}

static int start_log(struct session *s, struct tracer *t)
{
	char path[600];
	pid_t pid;

	t->log = calloc(1, sizeof(*t->log));
	if (!t->log)
		return set_err(s->err, s->errlen, -ENOMEM, "out of memory");
	pod_path(path, sizeof(path), s, t, "/log?follow=true&container=" POD_SPEC_CONTAINER);
	pid = kube_stream(s->kube, path, &t->log->fd, &t->log_err_fd);
	if (pid < 0)
		return set_err(s->err, s->errlen, pid, "streaming the log of %s: %s", t->pod_name,
			       strerror(-pid));
	t->log_pid = pid;
	/* One tracer prints as pwru does; several say which node each line is from. */
	t->log->label = s->n_tracers > 1 ? t->node : NULL;
	return 0;
}

/* Ends a log stream; a kubectl that failed (no right to read logs, the
 * pod gone) is the session's error unless we deleted the pod ourselves. */
static int end_log(struct session *s, struct tracer *t)
{
	char kerr[1024] = "";
	int ret;

	if (t->log_pid <= 0)
		return 0;
	close(t->log->fd);
	ret = kube_stream_end(t->log_pid, t->log_err_fd, kerr, sizeof(kerr));
	t->log_pid = 0;
	t->log_err_fd = -1;
	if (ret && !t->deleted)
		return set_err(s->err, s->errlen, ret, "the log of tracer pod %s/%s: %s",
			       s->tracer_opts->namespace, t->pod_name, kerr);
	return 0;
}

/* One round of the merge: every log with data, then any signal. Returns the
 * number of logs still open, or -EINTR, or another negative errno. */
static int pump_logs(struct session *s, int timeout_ms)
{
	struct pollfd p[s->n_tracers + 1];
	size_t idx[s->n_tracers];
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < s->n_tracers; i++) {
		if (s->tracers[i].log_pid <= 0)
			continue;
		p[n] = (struct pollfd){ .fd = s->tracers[i].log->fd, .events = POLLIN };
		idx[n++] = i;
	}
	if (!n)
		return 0;
	p[n] = (struct pollfd){ .fd = s->signal_fd, .events = POLLIN };
	if (poll(p, n + 1, timeout_ms) < 0)
		return errno == EINTR ? (int)n : -errno;
	for (size_t i = 0; i < n && !ret; i++) {
		struct tracer *t = &s->tracers[idx[i]];

		if (p[i].revents && line_stream_pump(t->log, stdout) <= 0)
			ret = end_log(s, t);
	}
	if (ret)
		return ret;
	if (p[n].revents && take_signal(s))
		return -EINTR;
	/* stdout went away (`| head`): the user has what they wanted. */
	return ferror(stdout) ? 0 : (int)n;
}

/* Asks pwru in each running tracer to stop; where that cannot be done
 * (no right to exec), deleting the pod sends it SIGTERM instead. */
static void stop_tracers(struct session *s)
{
	const char *const argv[] = { "sh", "-c", stop_script, NULL };

	for (size_t i = 0; i < s->n_tracers; i++) {
		struct tracer *t = &s->tracers[i];
		char path[512], kerr[1024] = "";

		if (t->log_pid <= 0)
			continue;
		if (!kube_exec(s->kube, s->tracer_opts->namespace, t->pod_name, POD_SPEC_CONTAINER,
			       argv, kerr, sizeof(kerr))) {
			note(s, "stopped pwru in %s/%s", s->tracer_opts->namespace, t->pod_name);
			continue;
		}
		note(s, "cannot signal pwru in %s (%s): deleting the pod instead", t->pod_name,
		     kerr);
		pod_path(path, sizeof(path), s, t, "");
		if (!kube_delete(s->kube, path, kerr, sizeof(kerr)))
			t->deleted = true;
	}
}

static int stream_logs(struct session *s)
{
	long long deadline = 0;
	int ret;

	for (size_t i = 0; i < s->n_tracers; i++) {
		ret = start_log(s, &s->tracers[i]);
		if (ret)
			return ret;
	}
	for (;;) {
		int timeout = deadline ? (int)(deadline - now_ms()) : -1;

		if (deadline && timeout <= 0) {
			fprintf(stderr,
				"kubectl-pwru: pwru did not end within the grace period (%d s)\n",
				s->grace_period_s);
			return -EINTR;
		}
		ret = pump_logs(s, timeout);
		if (ret > 0)
			continue;
		if (ret != -EINTR)
			return ret;
		/* A second signal: the user does not want to wait. */
		if (deadline)
			return ret;
		note(s, "stopping pwru (again to skip its summary)");
		s->stopping = true;
		stop_tracers(s);
		drop_signals(s);
		deadline = now_ms() + s->grace_period_s * 1000LL;
	}
}

/* pwru's exit status once its log has ended, waiting briefly for the pod to
 * show it. A pod deleted to stop pwru (no right to exec into it) may be gone
 * before it shows anything; then its log stream was all there is. */
static int collect_exit(struct session *s, size_t i)
{
	struct session_watch *sw = &s->watches[i];
	struct tracer *t = &s->tracers[i];
	long long end = now_ms() + EXIT_WAIT_MS;

	for (;;) {
		long long left;
		int ret;

		if (sw->phase < 0 && t->deleted) {
			note(s, "no exit status from deleted pod %s (%s)", t->pod_name, s->err);
			s->err[0] = '\0';
			return 0;
		}
		if (sw->phase < 0)
			return sw->phase;
		if (sw->phase == PHASE_DONE || (sw->pod_gone && t->deleted))
			return 0;
		left = end - now_ms();
		if (left <= 0 || sw->pod.pid <= 0)
			break;
		ret = pump_watches(s, (int)left);
		if (ret)
			return ret;
	}
	if (t->deleted)
		return 0;
	return set_err(s->err, s->errlen, -ETIMEDOUT,
		       "the log of tracer pod %s ended while pwru still runs there (%s)",
		       t->pod_name, t->status);
}

/* A followed log can end a moment before the container's last lines reach
 * it; once pwru has ended, the whole log is read again and what the stream
 * missed (often the summary) is passed on. */
static void complete_log(struct session *s, struct tracer *t)
{
	char path[600], kerr[1024] = "";
	struct proc_output full;

	if (!t->log || !t->terminated)
		return;
	pod_path(path, sizeof(path), s, t, "/log?container=" POD_SPEC_CONTAINER);
	if (kube_get_text(s->kube, path, &full, kerr, sizeof(kerr))) {
		note(s, "re-reading the log of %s: %s", t->pod_name, kerr);
		return;
	}
	if (full.len > t->log->consumed)
		line_stream_feed(t->log, full.data + t->log->consumed, full.len - t->log->consumed,
				 stdout);
	proc_output_free(&full);
}

static void delete_tracer(struct session *s, struct tracer *t)
{
	char path[512], kerr[1024] = "";
	int ret;

	if (t->deleted)
		return;
	pod_path(path, sizeof(path), s, t, "");
	ret = kube_delete(s->kube, path, kerr, sizeof(kerr));
	if (ret && !strstr(kerr, "NotFound"))
		fprintf(stderr,
			"kubectl-pwru: could not delete tracer pod %s/%s (%s); "
			"delete it with: kubectl delete pod -n %s %s\n",
			s->tracer_opts->namespace, t->pod_name, kerr, s->tracer_opts->namespace,
			t->pod_name);
	else if (!ret)
		note(s, "deleted pod %s/%s", s->tracer_opts->namespace, t->pod_name);
}

static int exit_status(const struct session *s)
{
	if (s->signal)
		return 128 + s->signal;
	for (size_t i = 0; i < s->n_tracers; i++)
		if (s->tracers[i].exit_code > 0)
			return s->tracers[i].exit_code;
	for (size_t i = 0; i < s->n_tracers; i++)
		if (s->tracers[i].exit_code < 0)
			return set_err(s->err, s->errlen, -EIO,
				       "pwru's exit status in tracer pod %s is unknown (%s)",
				       s->tracers[i].pod_name, s->tracers[i].status);
	return 0;
}

int session_run(struct session *s, char *err, size_t errlen)
{
	int ret = 0;

	s->err = err;
	s->errlen = errlen;
	ret = check_access(s);
	/* Made (if need be) only once the user may run tracers at all. */
	if (!ret) {
		char kerr[1024] = "";

		if (!tracer_priority_class_ensure(s->kube, kerr, sizeof(kerr)))
			s->priority_class = TRACER_PRIORITY_CLASS;
		else
			note(s, "tracer pods run without priority class %s (%s)",
			     TRACER_PRIORITY_CLASS, kerr);
	}
	s->watches = calloc(s->n_tracers, sizeof(*s->watches));
	if (!s->watches)
		ret = set_err(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n_tracers && !ret; i++)
		ret = create_tracer(s, &s->tracers[i]) ?:
			      watch_pod(s, i)	       ?:
			      watch_events(s, i)       ?:
							 wait_for_signal(s, 0);
	if (!ret)
		ret = wait_all_started(s);
	if (!ret)
		ret = stream_logs(s);
	/* Stopped by a signal, pwru has ended too: its exit status and the
	 * rest of its log are still wanted. With stdout gone nobody reads. */
	if ((!ret || (ret == -EINTR && s->stopping)) && !ferror(stdout)) {
		int r = 0;

		for (size_t i = 0; i < s->n_tracers && !r; i++)
			r = collect_exit(s, i);
		for (size_t i = 0; i < s->n_tracers; i++)
			complete_log(s, &s->tracers[i]);
		if (!ret)
			ret = r;
	}

	for (size_t i = 0; i < s->n_tracers; i++) {
		int r = end_log(s, &s->tracers[i]);

		if (!ret && !s->signal)
			ret = r;
	}
	for (size_t i = 0; s->watches && i < s->n_tracers; i++) {
		char kerr[1024];

		watch_end(&s->watches[i].pod, kerr, sizeof(kerr));
		watch_end(&s->watches[i].events, kerr, sizeof(kerr));
		free(s->watches[i].pod.buf);
		free(s->watches[i].events.buf);
	}
	free(s->watches);
	s->watches = NULL;
	for (size_t i = 0; i < s->n_tracers; i++)
		if (s->tracers[i].create_tried)
			delete_tracer(s, &s->tracers[i]);
	if (s->signal)
		return 128 + s->signal;
	/* The reader left (`| head`): what pwru would have said is not wanted. */
	if (!ret && ferror(stdout))
		return 0;
	return ret ? ret : exit_status(s);
}

void session_close(struct session *s)
{
	if (s->signal_fd >= 0)
		close(s->signal_fd);
	s->signal_fd = -1;
}
