// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errmsg.h"
#include "kubectl/kube.h"
#include "kubectl/proc.h"

#define KUBE_ARGV_MAX 64

/* kubectl's global flags, then the verb's words, then NULL. */
static int build_argv(const struct kube *k, bool bounded, const char *const words[],
		      char *argv[KUBE_ARGV_MAX], char flags[3][512])
{
	int n = 0, f = 0;

	argv[n++] = (char *)k->kubectl;
	if (k->kubeconfig) {
		snprintf(flags[f], sizeof(flags[f]), "--kubeconfig=%s", k->kubeconfig);
		argv[n++] = flags[f++];
	}
	if (k->context) {
		snprintf(flags[f], sizeof(flags[f]), "--context=%s", k->context);
		argv[n++] = flags[f++];
	}
	for (size_t i = 0; i < k->n_global_flags; i++) {
		if (n >= KUBE_ARGV_MAX / 2)
			return -E2BIG;
		argv[n++] = k->global_flags[i];
	}
	if (bounded && k->request_timeout) {
		snprintf(flags[f], sizeof(flags[f]), "--request-timeout=%s", k->request_timeout);
		argv[n++] = flags[f++];
	}
	for (int i = 0; words[i]; i++) {
		if (n >= KUBE_ARGV_MAX - 1)
			return -E2BIG;
		argv[n++] = (char *)words[i];
	}
	argv[n] = NULL;
	return 0;
}

/* kubectl's last non-empty stderr line is its error ("Error from server
 * (NotFound): pods "x" not found"); earlier lines are warnings. */
static void last_line(const char *data, size_t len, char *err, size_t errlen)
{
	const char *end = data + len, *start;

	while (end > data && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > data && start[-1] != '\n')
		start--;
	if (end == start)
		set_err(err, errlen, 0, "kubectl failed without a message");
	else
		set_err(err, errlen, 0, "%.*s", (int)(end - start), start);
}

static int run(const struct kube *k, const char *const words[], const char *in,
	       struct proc_output *out, char *err, size_t errlen)
{
	char *argv[KUBE_ARGV_MAX], flags[3][512];
	struct proc_output errout;
	int ret;

	ret = build_argv(k, true, words, argv, flags);
	if (ret)
		return set_err(err, errlen, ret, "too many words for kubectl");
	/* Own process group: these calls include the clean-up after Ctrl-C. */
	ret = proc_run(argv, in, in ? strlen(in) : 0, PROC_OWN_GROUP, out, &errout);
	if (ret == 127 && !errout.len) {
		ret = set_err(err, errlen, -ENOENT, "cannot run %s (not found in PATH?)",
			      k->kubectl);
	} else if (ret > 0) {
		last_line(errout.data ? errout.data : "", errout.len, err, errlen);
		ret = -EIO;
	} else if (ret < 0) {
		set_err(err, errlen, ret, "running kubectl: %s", strerror(-ret));
	}
	proc_output_free(&errout);
	if (ret)
		proc_output_free(out);
	return ret;
}

static int parse_json(struct proc_output *out, cJSON **obj, char *err, size_t errlen)
{
	*obj = cJSON_ParseWithLength(out->data ? out->data : "", out->len);
	proc_output_free(out);
	if (!*obj)
		return set_err(err, errlen, -EBADMSG, "the API server's answer is not JSON");
	return 0;
}

int kube_get(const struct kube *k, const char *path, cJSON **obj, char *err, size_t errlen)
{
	const char *words[] = { "get", "--raw", path, NULL };
	struct proc_output out;
	int ret;

	*obj = NULL;
	ret = run(k, words, NULL, &out, err, errlen);
	return ret ? ret : parse_json(&out, obj, err, errlen);
}

int kube_get_text(const struct kube *k, const char *path, struct proc_output *out, char *err,
		  size_t errlen)
{
	const char *words[] = { "get", "--raw", path, NULL };

	return run(k, words, NULL, out, err, errlen);
}

int kube_create(const struct kube *k, const char *path, const cJSON *obj, cJSON **reply, char *err,
		size_t errlen)
{
	const char *words[] = { "create", "--raw", path, "-f", "-", NULL };
	struct proc_output out;
	char *body;
	int ret;

	if (reply)
		*reply = NULL;
	body = cJSON_PrintUnformatted(obj);
	if (!body)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	ret = run(k, words, body, &out, err, errlen);
	free(body);
	if (ret)
		return ret;
	if (reply)
		return parse_json(&out, reply, err, errlen);
	proc_output_free(&out);
	return 0;
}

int kube_delete(const struct kube *k, const char *path, char *err, size_t errlen)
{
	const char *words[] = { "delete", "--raw", path, NULL };
	struct proc_output out;
	int ret;

	ret = run(k, words, NULL, &out, err, errlen);
	proc_output_free(&out);
	return ret;
}

int kube_exec(const struct kube *k, const char *ns, const char *pod, const char *container,
	      const char *const argv[], char *err, size_t errlen)
{
	const char *words[KUBE_ARGV_MAX] = { "exec", "-n", ns, pod, "-c", container, "--" };
	struct proc_output out;
	int n = 7, ret;

	for (int i = 0; argv[i]; i++) {
		if (n >= KUBE_ARGV_MAX - 5)
			return set_err(err, errlen, -E2BIG, "too many words for kubectl exec");
		words[n++] = argv[i];
	}
	words[n] = NULL;
	ret = run(k, words, NULL, &out, err, errlen);
	proc_output_free(&out);
	return ret;
}

int kube_default_namespace(const struct kube *k, char **ns, char *err, size_t errlen)
{
	const char *words[] = {
		"config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}",
		NULL
	};
	struct proc_output out;
	int ret;

	ret = run(k, words, NULL, &out, err, errlen);
	if (ret)
		return ret;
	if (out.data)
		out.data[strcspn(out.data, "\r\n")] = '\0';
	*ns = strdup(out.data && out.data[0] ? out.data : "default");
	proc_output_free(&out);
	return *ns ? 0 : set_err(err, errlen, -ENOMEM, "out of memory");
}

pid_t kube_stream(const struct kube *k, const char *path, int *fd, int *err_fd)
{
	const char *words[] = { "get", "--raw", path, NULL };
	char *argv[KUBE_ARGV_MAX], flags[3][512];
	int ret;

	/* Unbounded: a followed log lasts as long as the trace. */
	ret = build_argv(k, false, words, argv, flags);
	if (ret)
		return ret;
	return proc_start_reader(argv, PROC_OWN_GROUP, fd, err_fd);
}

int kube_stream_end(pid_t pid, int err_fd, char *err, size_t errlen)
{
	struct proc_output errout = { 0 };
	int status = proc_stop(pid), ret = 0;

	proc_read_all(err_fd, &errout);
	close(err_fd);
	if (status < 0) {
		ret = set_err(err, errlen, status, "waiting for kubectl: %s", strerror(-status));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		last_line(errout.data ? errout.data : "", errout.len, err, errlen);
		ret = -EIO;
	}
	proc_output_free(&errout);
	return ret;
}
