// SPDX-License-Identifier: GPL-2.0
/*
 * kubectl-pwru: trace a pod's packets with pwru from kubectl.
 *
 *   kubectl pwru pod/frontend -n shop -- 'tcp port 80'
 *
 * finds the node the pod runs on, starts a privileged one-shot pwru pod there
 * with --filter-pod shop/frontend, streams its output, and deletes it on exit.
 * The API is reached through kubectl itself (see src/kubectl/kube.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "errmsg.h"
#include "kubectl/kube.h"
#include "kubectl/namespace.h"
#include "kubectl/session.h"
#include "kubectl/target.h"
#include "kubectl/tracer.h"

#ifndef PWRU_VERSION
#define PWRU_VERSION "unknown"
#endif
/* Where `make image` / scripts/build-image.sh put the image; override at
 * build time (-DKUBECTL_PWRU_IMAGE=...) or with --image. */
#ifndef KUBECTL_PWRU_IMAGE
#define KUBECTL_PWRU_IMAGE "localhost/pwru:latest"
#endif

/* The one mutable global: what the command line asked for. */
static struct {
	const char *namespace;
	const char *tracer_namespace;
	const char *image;
	const char *selector;
	long long active_deadline;
	long long running_timeout;
	long long grace_period;
	bool dry_run;
	bool yes;
	bool verbose;
	const char *image_pull_policy;
	const char **pull_secrets;
	size_t n_pull_secrets, cap_pull_secrets;
	const char *service_account;
	const char *node_selector;
	cJSON *patch;	      /* --patch, parsed */
	char **kubectl_flags; /* kubectl's global flags, for every call */
	size_t n_kubectl_flags, cap_kubectl_flags;
	struct kube kube;
} opts = {
	.image = KUBECTL_PWRU_IMAGE,
	.active_deadline = 3600,
	.running_timeout = 120,
	.grace_period = 10,
	.kube = { .kubectl = "kubectl", .request_timeout = "30s" },
};

enum {
	OPT_CONTEXT = 256,
	OPT_KUBECONFIG,
	OPT_IMAGE,
	OPT_TRACER_NS,
	OPT_DEADLINE,
	OPT_RUNNING_TIMEOUT,
	OPT_GRACE_PERIOD,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_KUBECTL,
	OPT_VERSION,
	OPT_REQUEST_TIMEOUT,
	OPT_KUBECTL_FLAG,
	OPT_PULL_POLICY,
	OPT_PULL_SECRET,
	OPT_SERVICE_ACCOUNT,
	OPT_PATCH,
	OPT_NODE_SELECTOR,
};

/* One table for getopt_long and for --help, so the help cannot go stale.
 * OPT_KUBECTL_FLAG marks kubectl's own global flags: passed on to kubectl. */
static const struct option_doc {
	struct option opt;
	const char *arg;
	const char *help;
} option_docs[] = {
	{ { "namespace", required_argument, NULL, 'n' },
	  "NS",
	  "namespace of the pods named (default: the context's)" },
	{ { "selector", required_argument, NULL, 'l' },
	  "SELECTOR",
	  "trace the pods this label selector picks (as kubectl's -l)" },
	{ { "context", required_argument, NULL, OPT_CONTEXT },
	  "NAME",
	  "kubeconfig context to use" },
	{ { "kubeconfig", required_argument, NULL, OPT_KUBECONFIG },
	  "FILE",
	  "kubeconfig file to use" },
	{ { "image", required_argument, NULL, OPT_IMAGE },
	  "IMAGE",
	  "pwru image for the tracer pods (default " KUBECTL_PWRU_IMAGE ")" },
	{ { "image-pull-policy", required_argument, NULL, OPT_PULL_POLICY },
	  "POLICY",
	  "Always, IfNotPresent (default) or Never, for the tracer's image" },
	{ { "image-pull-secret", required_argument, NULL, OPT_PULL_SECRET },
	  "NAME",
	  "secret in the tracer namespace to pull the image with (repeatable)" },
	{ { "service-account", required_argument, NULL, OPT_SERVICE_ACCOUNT },
	  "NAME",
	  "service account of the tracer pods (no token is mounted)" },
	{ { "node-selector", required_argument, NULL, OPT_NODE_SELECTOR },
	  "SELECTOR",
	  "trace only on the targets' nodes this label selector picks" },
	{ { "patch", required_argument, NULL, OPT_PATCH },
	  "JSON",
	  "JSON merge patch (RFC 7386) applied to each tracer pod" },
	{ { "tracer-namespace", required_argument, NULL, OPT_TRACER_NS },
	  "NS",
	  "namespace for the tracer pods (default " TRACER_NAMESPACE_DEFAULT
	  ", made on first use)" },
	{ { "yes", no_argument, NULL, OPT_YES },
	  NULL,
	  "create namespace " TRACER_NAMESPACE_DEFAULT " without asking" },
	{ { "active-deadline", required_argument, NULL, OPT_DEADLINE },
	  "SECONDS",
	  "tracer pods end after this long even if abandoned (default 3600)" },
	{ { "pod-running-timeout", required_argument, NULL, OPT_RUNNING_TIMEOUT },
	  "SECONDS",
	  "give up if a tracer pod is not running after this long (default 120)" },
	{ { "grace-period", required_argument, NULL, OPT_GRACE_PERIOD },
	  "SECONDS",
	  "on Ctrl-C, wait this long for pwru's summary (default 10; again: at once)" },
	{ { "dry-run", no_argument, NULL, OPT_DRY_RUN },
	  NULL,
	  "print the tracer pod(s) as JSON instead of creating them" },
	{ { "request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT },
	  "DURATION",
	  "kubectl: bound of each API call but the log stream (default 30s)" },
	{ { "kubectl", required_argument, NULL, OPT_KUBECTL },
	  "PATH",
	  "kubectl command to run (default kubectl)" },
	{ { "as", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "USER",
	  "kubectl: impersonate this user" },
	{ { "as-group", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "GROUP",
	  "kubectl: impersonate this group (repeatable)" },
	{ { "user", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "NAME",
	  "kubectl: kubeconfig user to use" },
	{ { "cluster", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "NAME",
	  "kubectl: kubeconfig cluster to use" },
	{ { "server", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "URL",
	  "kubectl: the API server's address (also -s)" },
	{ { "token", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "TOKEN",
	  "kubectl: bearer token" },
	{ { "certificate-authority", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "FILE",
	  "kubectl: CA certificate file" },
	{ { "client-certificate", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "FILE",
	  "kubectl: client certificate file" },
	{ { "client-key", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "FILE",
	  "kubectl: client key file" },
	{ { "tls-server-name", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "NAME",
	  "kubectl: server name for the certificate check" },
	{ { "insecure-skip-tls-verify", no_argument, NULL, OPT_KUBECTL_FLAG },
	  NULL,
	  "kubectl: do not check the server's certificate" },
	{ { "cache-dir", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "DIR",
	  "kubectl: its cache directory" },
	{ { "v", required_argument, NULL, OPT_KUBECTL_FLAG },
	  "N",
	  "kubectl: its log level (-v alone is this plugin's --verbose)" },
	{ { "verbose", no_argument, NULL, 'v' }, NULL, "say which pods are created and deleted" },
	{ { "version", no_argument, NULL, OPT_VERSION }, NULL, "print the version" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "this help" },
};

#define N_OPTIONS (sizeof(option_docs) / sizeof(option_docs[0]))

static int do_help(int argc, char **argv)
{
	printf("Usage: kubectl pwru [OPTIONS] TARGET... [-- PWRU-ARGS...]\n"
	       "       kubectl pwru [OPTIONS] -l SELECTOR [TARGET...] [-- PWRU-ARGS...]\n"
	       "       kubectl pwru { help | version }\n"
	       "\n"
	       "TARGET := { pod/NAME | NAME | node/NAME | deployment/NAME | svc/NAME }\n"
	       "          (also pods/, po/, nodes/, no/, deploy/, service/, services/)\n"
	       "\n"
	       "Runs pwru in a privileged one-shot pod on each node involved, with\n"
	       "--filter-pod NS/NAME for each pod named there (a deployment's pods, the\n"
	       "pods behind a service's endpoints), streams its output and deletes the\n"
	       "pod when pwru ends. Ctrl-C stops pwru first and shows its summary.\n"
	       "With several nodes, each line starts with its node ([node] text, or a\n"
	       "\"node\" member in --output-json).\n"
	       "\n"
	       "Options:\n");
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_doc *d = &option_docs[i];
		char left[64];

		if (d->opt.val < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->opt.val, d->opt.name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->opt.name, d->arg ? " " : "",
				 d->arg ? d->arg : "");
		printf("  %-34s %s\n", left, d->help);
	}
	printf("\nExamples:\n"
	       "  kubectl pwru pod/frontend -n shop -- 'tcp port 80'\n"
	       "  kubectl pwru pod/a pod/b -- --output-json --duration 30 icmp\n"
	       "  kubectl pwru node/worker-1 -- --output-limit-lines 100 'host 10.0.0.7'\n"
	       "  kubectl pwru deployment/web svc/api -n shop -- --duration 30 'tcp'\n"
	       "  kubectl pwru -l app=web -n shop -- icmp\n"
	       "  kubectl pwru pod/frontend --dry-run -- 'tcp port 80' > tracer.json\n");
	return 0;
}

static int do_version(int argc, char **argv)
{
	printf("kubectl-pwru %s\n", PWRU_VERSION);
	return 0;
}

/* bpftool's shape: words that are commands, everything else is a target. */
static const struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
} cmds[] = {
	{ "help", do_help },
	{ "version", do_version },
};

static int parse_seconds(const char *arg, const char *name, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v <= 0 || v > INT_MAX) {
		fprintf(stderr, "kubectl-pwru: --%s: expected a number of seconds, got '%s'\n",
			name, arg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "--NAME=VALUE" (or "--NAME=true" for a switch), kept for every kubectl call. */
static int add_kubectl_flag(const char *name, const char *arg)
{
	char *flag;

	if (array_reserve(opts.kubectl_flags, opts.cap_kubectl_flags, opts.n_kubectl_flags + 1) ||
	    asprintf(&flag, "--%s=%s", name, arg ? arg : "true") < 0) {
		fprintf(stderr, "kubectl-pwru: out of memory\n");
		return -ENOMEM;
	}
	opts.kubectl_flags[opts.n_kubectl_flags++] = flag;
	opts.kube.global_flags = opts.kubectl_flags;
	opts.kube.n_global_flags = opts.n_kubectl_flags;
	return 0;
}

static int parse_pull_policy(const char *arg)
{
	static const char *const policies[] = { "Always", "IfNotPresent", "Never" };

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (!strcmp(arg, policies[i])) {
			opts.image_pull_policy = policies[i];
			return 0;
		}
	}
	fprintf(stderr,
		"kubectl-pwru: --image-pull-policy '%s': one of Always, IfNotPresent, Never\n",
		arg);
	return -EINVAL;
}

/* A patch must be an object whose metadata and spec, if named, are objects
 * too: anything else would replace the pod, or the parts the plugin needs
 * to find it again. */
static int parse_patch(const char *arg)
{
	static const char *const parts[] = { "metadata", "spec" };
	cJSON *patch = cJSON_Parse(arg);

	if (!cJSON_IsObject(patch)) {
		fprintf(stderr, "kubectl-pwru: --patch: %s\n",
			patch ? "a JSON object is needed" : "not JSON");
		cJSON_Delete(patch);
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const cJSON *part = cJSON_GetObjectItemCaseSensitive(patch, parts[i]);

		if (part && !cJSON_IsObject(part)) {
			fprintf(stderr, "kubectl-pwru: --patch: %s must be an object\n", parts[i]);
			cJSON_Delete(patch);
			return -EINVAL;
		}
	}
	cJSON_Delete(opts.patch);
	opts.patch = patch;
	return 0;
}

static int parse_option(int c, const char *name, const char *arg)
{
	switch (c) {
	case OPT_PULL_POLICY:
		return parse_pull_policy(arg);
	case OPT_PULL_SECRET:
		if (!target_valid_name(arg)) {
			fprintf(stderr, "kubectl-pwru: --image-pull-secret '%s' is not a name\n",
				arg);
			return -EINVAL;
		}
		if (array_reserve(opts.pull_secrets, opts.cap_pull_secrets,
				  opts.n_pull_secrets + 1)) {
			fprintf(stderr, "kubectl-pwru: out of memory\n");
			return -ENOMEM;
		}
		opts.pull_secrets[opts.n_pull_secrets++] = arg;
		return 0;
	case OPT_SERVICE_ACCOUNT:
		if (!target_valid_name(arg)) {
			fprintf(stderr, "kubectl-pwru: --service-account '%s' is not a name\n",
				arg);
			return -EINVAL;
		}
		opts.service_account = arg;
		return 0;
	case OPT_PATCH:
		return parse_patch(arg);
	case OPT_NODE_SELECTOR:
		opts.node_selector = arg;
		return 0;
	case OPT_KUBECTL_FLAG:
		return add_kubectl_flag(name, arg);
	case 's':
		return add_kubectl_flag("server", arg);
	case OPT_REQUEST_TIMEOUT:
		opts.kube.request_timeout = arg;
		return 0;
	case 'n':
		opts.namespace = arg;
		return 0;
	case 'l':
		opts.selector = arg;
		return 0;
	case OPT_CONTEXT:
		opts.kube.context = arg;
		return 0;
	case OPT_KUBECONFIG:
		opts.kube.kubeconfig = arg;
		return 0;
	case OPT_IMAGE:
		opts.image = arg;
		return 0;
	case OPT_TRACER_NS:
		opts.tracer_namespace = arg;
		return 0;
	case OPT_DEADLINE:
		return parse_seconds(arg, "active-deadline", &opts.active_deadline);
	case OPT_RUNNING_TIMEOUT:
		return parse_seconds(arg, "pod-running-timeout", &opts.running_timeout);
	case OPT_GRACE_PERIOD:
		return parse_seconds(arg, "grace-period", &opts.grace_period);
	case OPT_DRY_RUN:
		opts.dry_run = true;
		return 0;
	case OPT_YES:
		opts.yes = true;
		return 0;
	case OPT_KUBECTL:
		opts.kube.kubectl = arg;
		return 0;
	case 'v':
		opts.verbose = true;
		return 0;
	case OPT_VERSION:
		exit(do_version(0, NULL));
	case 'h':
		exit(do_help(0, NULL));
	default:
		return -EINVAL;
	}
}

/* Options end at the first "--"; what follows is pwru's, untouched. */
static int parse_options(int argc, char **argv)
{
	struct option longopts[N_OPTIONS + 1];
	int c, ret;

	for (size_t i = 0; i < N_OPTIONS; i++)
		longopts[i] = option_docs[i].opt;
	memset(&longopts[N_OPTIONS], 0, sizeof(longopts[0]));
	int index = -1;

	while ((c = getopt_long(argc, argv, "n:l:s:vh", longopts, &index)) != -1) {
		ret = parse_option(c, index >= 0 ? longopts[index].name : NULL, optarg);
		index = -1;
		if (ret)
			return ret;
	}
	return 0;
}

static int resolve_target(struct target *t, const char *word)
{
	char err[1024] = "", what[600];
	int ret = target_resolve(&opts.kube, t, err, sizeof(err));

	if (ret) {
		target_describe(t, what, sizeof(what));
		fprintf(stderr, "kubectl-pwru: %s: %s\n", what, err[0] ? err : strerror(-ret));
	}
	return ret;
}

static int resolve_targets(char **words, int n, const char *ns, struct target *targets)
{
	for (int i = 0; i < n; i++) {
		int ret = target_parse(words[i], ns, &targets[i]);

		if (ret == -ENOMEM) {
			fprintf(stderr, "kubectl-pwru: out of memory\n");
			return ret;
		}
		if (ret) {
			fprintf(stderr,
				"kubectl-pwru: '%s': expected NAME, pod/NAME, node/NAME, "
				"deployment/NAME or svc/NAME (pwru's own arguments go after --)\n",
				words[i]);
			return ret;
		}
		ret = resolve_target(&targets[i], words[i]);
		if (ret)
			return ret;
	}
	if (!opts.selector)
		return 0;
	if (target_selector(opts.selector, ns, &targets[n])) {
		fprintf(stderr, "kubectl-pwru: -l: expected a label selector\n");
		return -EINVAL;
	}
	return resolve_target(&targets[n], opts.selector);
}

static int check_namespace(const char *ns)
{
	if (!ns || target_valid_name(ns))
		return 0;
	fprintf(stderr, "kubectl-pwru: '%s' is not a namespace name\n", ns);
	return -EINVAL;
}

static int print_dry_run(struct tracer *tracers, size_t n, const struct tracer_opts *to)
{
	cJSON *out = NULL, *items = NULL;
	char *text;

	/* Several pods print as a v1 List, which kubectl apply -f takes as well. */
	if (n > 1) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "apiVersion", "v1");
		cJSON_AddStringToObject(out, "kind", "List");
		items = cJSON_AddArrayToObject(out, "items");
	}
	for (size_t i = 0; i < n; i++) {
		cJSON *pod = tracer_pod(&tracers[i], to);

		if (!pod) {
			cJSON_Delete(out);
			return -ENOMEM;
		}
		if (items)
			cJSON_AddItemToArray(items, pod);
		else
			out = pod;
	}
	text = cJSON_Print(out);
	cJSON_Delete(out);
	if (!text)
		return -ENOMEM;
	printf("%s\n", text);
	free(text);
	return 0;
}

/* The default tracer namespace is made on first use, after asking (a
 * namespace that admits privileged pods is not made behind anyone's back):
 * --yes says yes; without a terminal to ask on, the answer is no. */
static int prepare_tracer_namespace(const char *ns)
{
	char err[1024] = "", answer[16] = "";
	bool missing;

	if (opts.tracer_namespace)
		return 0;
	if (tracer_namespace_check(&opts.kube, ns, &missing, err, sizeof(err))) {
		fprintf(stderr, "kubectl-pwru: %s\n", err);
		return -EIO;
	}
	if (!missing)
		return 0;
	if (!opts.yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		fprintf(stderr,
			"kubectl-pwru: create namespace %s for tracer pods, labelled so that "
			"Pod Security admits privileged pods there? [y/N] ",
			ns);
		if (!fgets(answer, sizeof(answer), stdin))
			answer[0] = '\0';
	}
	if (!opts.yes && answer[0] != 'y' && answer[0] != 'Y') {
		fprintf(stderr,
			"kubectl-pwru: namespace %s does not exist: pass --yes to create it "
			"(labelled for privileged pods), or --tracer-namespace NS\n",
			ns);
		return -ENOENT;
	}
	if (tracer_namespace_create(&opts.kube, ns, err, sizeof(err))) {
		fprintf(stderr, "kubectl-pwru: %s\n", err);
		return -EIO;
	}
	if (opts.verbose)
		fprintf(stderr, "kubectl-pwru: created namespace %s\n", ns);
	return 0;
}

static int run_session(struct tracer *tracers, size_t n, const struct tracer_opts *to)
{
	struct session s = {
		.kube = &opts.kube,
		.tracer_opts = to,
		.running_timeout_s = opts.running_timeout,
		.grace_period_s = opts.grace_period,
		.verbose = opts.verbose,
		.tracers = tracers,
		.n_tracers = n,
		.signal_fd = -1,
	};
	char err[1024] = "";
	int ret = session_open(&s);

	if (ret) {
		fprintf(stderr, "kubectl-pwru: signal set-up: %s\n", strerror(-ret));
		return 1;
	}
	ret = session_run(&s, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "kubectl-pwru: %s\n", err[0] ? err : strerror(-ret));
		ret = 1;
	}
	session_close(&s);
	return ret;
}

/* --node-selector: the targets' nodes that the selector picks, and only
 * those, get a tracer; none left is an error that names the nodes. */
static int keep_selected_nodes(struct tracer *tracers, size_t *n)
{
	char err[1024] = "", nodes[512] = "";
	size_t len = 0;
	cJSON *list;

	if (target_list_nodes(&opts.kube, opts.node_selector, &list, err, sizeof(err))) {
		fprintf(stderr, "kubectl-pwru: --node-selector %s: %s\n", opts.node_selector, err);
		return -EIO;
	}
	for (size_t i = 0; i < *n && len < sizeof(nodes); i++)
		len += snprintf(nodes + len, sizeof(nodes) - len, "%s%s", i ? ", " : "",
				tracers[i].node);
	*n = tracers_keep_nodes(tracers, *n, list);
	cJSON_Delete(list);
	if (*n)
		return 0;
	fprintf(stderr,
		"kubectl-pwru: no node of the targets matches --node-selector %s (they run on %s)\n",
		opts.node_selector, nodes);
	return -ESRCH;
}

static int trace(char **words, int n_words, char **pwru_args, int n_pwru_args)
{
	int n_targets = n_words + (opts.selector ? 1 : 0);
	struct target *targets = calloc(n_targets, sizeof(*targets));
	struct tracer *tracers = NULL;
	char *default_ns = NULL, err[1024] = "";
	size_t n_tracers = 0;
	int ret = 1;

	if (!targets || check_namespace(opts.namespace) || check_namespace(opts.tracer_namespace))
		goto cleanup;
	if (!opts.namespace && kube_default_namespace(&opts.kube, &default_ns, err, sizeof(err))) {
		fprintf(stderr, "kubectl-pwru: reading the kubeconfig: %s\n", err);
		goto cleanup;
	}
	if (resolve_targets(words, n_words, opts.namespace ?: default_ns, targets))
		goto cleanup;
	if (tracers_plan(targets, n_targets, &tracers, &n_tracers)) {
		fprintf(stderr, "kubectl-pwru: out of memory\n");
		goto cleanup;
	}
	if (opts.node_selector && keep_selected_nodes(tracers, &n_tracers))
		goto cleanup;
	struct tracer_opts to = {
		.namespace = opts.tracer_namespace ?: TRACER_NAMESPACE_DEFAULT,
		.image = opts.image,
		.active_deadline_seconds = opts.active_deadline,
		.pwru_args = pwru_args,
		.n_pwru_args = n_pwru_args,
		.image_pull_policy = opts.image_pull_policy,
		.image_pull_secrets = opts.pull_secrets,
		.n_image_pull_secrets = opts.n_pull_secrets,
		.service_account = opts.service_account,
		.patch = opts.patch,
	};
	if (opts.dry_run) {
		/* What a real run names when the class exists or can be made. */
		to.priority_class = TRACER_PRIORITY_CLASS;
		ret = print_dry_run(tracers, n_tracers, &to) ? 1 : 0;
	} else if (prepare_tracer_namespace(to.namespace)) {
		ret = 1;
	} else {
		ret = run_session(tracers, n_tracers, &to);
	}
cleanup:
	tracers_free(tracers, n_tracers);
	for (int i = 0; targets && i < n_targets; i++)
		target_free(&targets[i]);
	free(targets);
	free(default_ns);
	return ret;
}

static int run(int argc, char **argv)
{
	int dashdash = argc, n_words;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			dashdash = i;
			break;
		}
	}
	if (parse_options(dashdash, argv))
		return 2;
	n_words = dashdash - optind;
	if (n_words <= 0 && !opts.selector) {
		do_help(0, NULL);
		return 2;
	}
	for (size_t i = 0; n_words > 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[optind], cmds[i].name))
			return cmds[i].func(n_words - 1, argv + optind + 1);
	return trace(argv + optind, n_words, argv + (dashdash < argc ? dashdash + 1 : argc),
		     dashdash < argc ? argc - dashdash - 1 : 0);
}

int main(int argc, char **argv)
{
	int ret;

	/* Writes to a closed pipe (`kubectl pwru ... | head`) fail with EPIPE,
	 * which the session handles by cleaning up, instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	ret = run(argc, argv);
	for (size_t i = 0; i < opts.n_kubectl_flags; i++)
		free(opts.kubectl_flags[i]);
	free(opts.kubectl_flags);
	free(opts.pull_secrets);
	cJSON_Delete(opts.patch);
	return ret;
}
