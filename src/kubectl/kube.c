// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubectl/kube.h"
#include "kubectl/proc.h"

#define KUBE_ARGV_MAX 16

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
static char *last_line(const struct proc_output *o)
{
	const char *end, *start;

	if (!o->data)
		return NULL;
	end = o->data + o->len;
	while (end > o->data && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end == o->data)
		return NULL;
	start = end;
	while (start > o->data && start[-1] != '\n')
		start--;
	return strndup(start, end - start);
}

static int run(const struct kube *k, const char *const words[], const char *in,
	       struct proc_output *out, char **err)
{
	char *argv[KUBE_ARGV_MAX], flags[3][512];
	struct proc_output errout;
	int ret;

	*err = NULL;
	ret = build_argv(k, true, words, argv, flags);
	if (ret)
		return ret;
	/* Own process group: these calls include the clean-up after Ctrl-C. */
	ret = proc_run(argv, in, in ? strlen(in) : 0, PROC_OWN_GROUP, out, &errout);
	if (ret == 127 && !errout.len) {
		ret = -ENOENT;
		*err = strdup("cannot run kubectl (not found in PATH?)");
	} else if (ret > 0) {
		*err = last_line(&errout);
		ret = -EIO;
	}
	proc_output_free(&errout);
	if (ret)
		proc_output_free(out);
	return ret;
}

int kube_get(const struct kube *k, const char *path, cJSON **obj, char **err)
{
	const char *words[] = { "get", "--raw", path, NULL };
	struct proc_output out;
	int ret;

	*obj = NULL;
	ret = run(k, words, NULL, &out, err);
	if (ret)
		return ret;
	*obj = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
	proc_output_free(&out);
	if (!*obj) {
		*err = strdup("the API server's answer is not JSON");
		return -EBADMSG;
	}
	return 0;
}

int kube_create(const struct kube *k, const char *path, const cJSON *obj, char **err)
{
	const char *words[] = { "create", "--raw", path, "-f", "-", NULL };
	struct proc_output out;
	char *body;
	int ret;

	*err = NULL;
	body = cJSON_PrintUnformatted(obj);
	if (!body)
		return -ENOMEM;
	ret = run(k, words, body, &out, err);
	free(body);
	proc_output_free(&out);
	return ret;
}

int kube_delete(const struct kube *k, const char *path, char **err)
{
	const char *words[] = { "delete", "--raw", path, NULL };
	struct proc_output out;
	int ret;

	ret = run(k, words, NULL, &out, err);
	proc_output_free(&out);
	return ret;
}

int kube_default_namespace(const struct kube *k, char **ns, char **err)
{
	const char *words[] = {
		"config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}",
		NULL
	};
	struct proc_output out;
	int ret;

	ret = run(k, words, NULL, &out, err);
	if (ret)
		return ret;
	if (out.data)
		out.data[strcspn(out.data, "\r\n")] = '\0';
	*ns = strdup(out.data && out.data[0] ? out.data : "default");
	proc_output_free(&out);
	return *ns ? 0 : -ENOMEM;
}

pid_t kube_stream(const struct kube *k, const char *path, int *fd)
{
	const char *words[] = { "get", "--raw", path, NULL };
	char *argv[KUBE_ARGV_MAX], flags[3][512];
	int ret;

	/* Unbounded: a followed log lasts as long as the trace. */
	ret = build_argv(k, false, words, argv, flags);
	if (ret)
		return ret;
	return proc_start_reader(argv, fd);
}
