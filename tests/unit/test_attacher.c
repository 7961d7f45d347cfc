// SPDX-License-Identifier: GPL-2.0
/*
 * The attacher with fake strategies and fake kernel features: which features
 * are probed (once), what the composition keeps, kprobe-multi's bisection of
 * a refused set, cancellation mid-attach, the worker split of
 * --filter-kprobe-batch, and that every fd a strategy opened is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <cmocka.h>
#include <bpf/btf.h>

#include "attach_strategy.h"
#include "attacher.h"
#include "probes.h"

#define MAX_FDS 4096
#define MAX_THREADS 256

/* What the fakes saw; reset by each test. */
static struct world {
	int feature_calls[KF_MAX];
	int verdict[KF_MAX];
	int fds[MAX_FDS];
	size_t n_fds;
	int cancel_write_fd; /* written once `attached` reaches cancel_after */
	size_t cancel_after, attached;
	unsigned sleep_us;
	pthread_t threads[MAX_THREADS];
	size_t n_threads;
	pthread_mutex_t lock;
} w;

static void world_reset(void)
{
	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	w.cancel_write_fd = -1;
}

static int fake_probe_feature(void *ctx, enum kfeature f, char *why, size_t len)
{
	w.feature_calls[f]++;
	if (w.verdict[f])
		snprintf(why, len, "fake refusal of feature %d", f);
	return w.verdict[f];
}

static int fake_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return 0;
}

static int record_fd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	pthread_mutex_lock(&w.lock);
	if (fd >= 0 && w.n_fds < MAX_FDS)
		w.fds[w.n_fds++] = fd;
	pthread_mutex_unlock(&w.lock);
	return fd;
}

static void note_thread(void)
{
	pthread_t self = pthread_self();
	size_t i;

	pthread_mutex_lock(&w.lock);
	for (i = 0; i < w.n_threads; i++) {
		if (pthread_equal(w.threads[i], self))
			break;
	}
	if (i == w.n_threads && w.n_threads < MAX_THREADS)
		w.threads[w.n_threads++] = self;
	pthread_mutex_unlock(&w.lock);
}

/* Opens a program and a link; "bad..." probes are refused after the program opened. */
static void fake_attach_one(const struct attach_env *env, struct attach_item *it)
{
	int prog = record_fd();
	bool cancel_now;

	note_thread();
	if (w.sleep_us)
		usleep(w.sleep_us);
	if (!strncmp(it->p->name, "bad", 3)) {
		close(prog);
		it->r->err = -EINVAL;
		return;
	}
	it->r->prog_fd = prog;
	it->r->link_fd = record_fd();
	it->r->err = 0;
	pthread_mutex_lock(&w.lock);
	cancel_now = ++w.attached == w.cancel_after;
	pthread_mutex_unlock(&w.lock);
	if (cancel_now && write(w.cancel_write_fd, "x", 1) != 1)
		fail_msg("cannot signal the cancel pipe");
}

static const struct attach_strategy fake_multi = {
	.name = "fake-multi",
	.feature = KF_KPROBE_MULTI,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy fake_fexit_ret = {
	.name = "fake-fexit",
	.feature = KF_FENTRY,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy fake_fentry = {
	.returns = &fake_fexit_ret,
	.name = "fake-fentry",
	.feature = KF_FENTRY,
	.attach_workers = WORKERS_ONE,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy fake_kret = {
	.name = "fake-kretprobe",
	.feature = KF_KPROBE,
	.entry_and_return = true,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy fake_kprobe = {
	.name = "fake-kprobe",
	.copies = &fake_kret,
	.feature = KF_KPROBE,
	.attach_workers = WORKERS_KPROBE_BATCH,
	.detach_workers = WORKERS_KPROBE_BATCH,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy fake_tp = {
	.name = "tracepoint",
	.feature = KF_RAW_TP,
	.prepare = fake_prepare,
	.attach_one = fake_attach_one,
};

static const struct attach_strategy *const fake_funcs[] = { &fake_multi, &fake_fentry, &fake_kprobe,
							    NULL };

static struct attacher_opts fake_opts(void)
{
	return (struct attacher_opts){
		.cancel_fd = -1,
		.kprobe_batch = 10,
		.probe_feature = fake_probe_feature,
		.func_strategies = fake_funcs,
		.tp_strategy = &fake_tp,
		.bpf_prog_strategy = &fake_fentry,
		.copy_strategy = &fake_fentry,
	};
}

static void add_probe(struct probe_list *pl, const char *name, enum probe_kind kind,
		      enum probe_special special)
{
	struct probe *p = probes_push(pl);

	assert_non_null(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->group, sizeof(p->group), kind == PROBE_TP ? "skb" : "vmlinux");
	p->kind = kind;
	p->special = special;
}

static void add_funcs(struct probe_list *pl, const char *prefix, size_t n)
{
	char name[64];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%zu", prefix, i);
		add_probe(pl, name, PROBE_FUNC, SPECIAL_NONE);
	}
}

static bool has_probe(const struct probe_list *pl, const char *name)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (!strcmp(pl->v[i].name, name))
			return true;
	}
	return false;
}

static void assert_all_fds_closed(void)
{
	for (size_t i = 0; i < w.n_fds; i++) {
		if (fcntl(w.fds[i], F_GETFD) != -1 || errno != EBADF)
			fail_msg("fd %d (the %zuth a strategy opened) is still open", w.fds[i], i);
	}
}

static struct attacher *new_attacher(const struct attacher_opts *o)
{
	struct attacher *a = NULL;
	char err[256] = "";

	if (attacher_new(o, &a, err, sizeof(err)))
		fail_msg("attacher_new: %s", err);
	return a;
}

static void compose_prepare(struct attacher *a, struct probe_list *pl)
{
	char err[256] = "";

	if (attacher_compose(a, pl, err, sizeof(err)) ||
	    attacher_prepare(a, NULL, err, sizeof(err)))
		fail_msg("compose/prepare: %s", err);
}

static void features_are_probed_once(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;
	char err[256];

	world_reset();
	w.verdict[KF_KPROBE_MULTI] = -EOPNOTSUPP;
	w.verdict[KF_TP_BTF] = -EPERM; /* raw_tp then */
	add_funcs(&pl, "f", 4);
	add_probe(&pl, "kfree_skb", PROBE_TP, SPECIAL_KFREE_SKB_TP);
	add_probe(&pl, "xdp_prog", PROBE_BPF_PROG, SPECIAL_NONE);
	o.track_copies = true;
	a = new_attacher(&o);
	assert_true(attacher_wants_funcs(a));
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	for (int f = 0; f < KF_MAX; f++) {
		if (w.feature_calls[f] > 1)
			fail_msg("feature %d probed %d times", f, w.feature_calls[f]);
	}
	assert_int_equal(w.feature_calls[KF_KPROBE], 0); /* never needed */
	assert_non_null(strstr(attacher_describe(a), "fake-multi: fake refusal of feature"));
	assert_non_null(strstr(attacher_describe(a), "using fake-fentry"));
	attacher_free(a);
	assert_all_fds_closed();
	probes_free(&pl);
}

static void function_strategy_keeps_only_the_drop_tracepoint(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attach_counts c;
	struct attacher *a;
	char err[256];

	world_reset();
	add_probe(&pl, "kfree_skb", PROBE_TP, SPECIAL_KFREE_SKB_TP);
	add_probe(&pl, "net_dev_queue", PROBE_TP, SPECIAL_NONE);
	add_probe(&pl, "consume_skb", PROBE_TP, SPECIAL_CONSUME_SKB_TP);
	add_probe(&pl, "ip_rcv", PROBE_FUNC, SPECIAL_NONE);
	add_probe(&pl, "kfree_skb_reason", PROBE_FUNC, SPECIAL_KFREE_SKB_REASON);
	add_probe(&pl, "sk_skb_reason_drop", PROBE_FUNC, SPECIAL_SK_SKB_REASON_DROP);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(pl.n, 2);
	assert_true(has_probe(&pl, "kfree_skb"));
	assert_true(has_probe(&pl, "ip_rcv"));
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	attacher_counts(a, &c);
	assert_int_equal(c.attached, 2);
	attacher_free(a);
	probes_free(&pl);
}

static void drop_functions_stay_without_the_drop_tracepoint(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;

	world_reset();
	add_probe(&pl, "ip_rcv", PROBE_FUNC, SPECIAL_NONE);
	add_probe(&pl, "kfree_skb_reason", PROBE_FUNC, SPECIAL_KFREE_SKB_REASON);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(pl.n, 2); /* --filter-func left the tracepoint out: keep both */
	attacher_free(a);
	probes_free(&pl);
}

static void tracepoints_only_kernel_keeps_every_tracepoint(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;

	world_reset();
	w.verdict[KF_KPROBE_MULTI] = w.verdict[KF_FENTRY] = w.verdict[KF_KPROBE] = -EPERM;
	a = new_attacher(&o);
	assert_false(attacher_wants_funcs(a));
	assert_non_null(strstr(attacher_describe(a), "using tracepoint"));
	add_probe(&pl, "kfree_skb", PROBE_TP, SPECIAL_KFREE_SKB_TP);
	add_probe(&pl, "net_dev_queue", PROBE_TP, SPECIAL_NONE);
	compose_prepare(a, &pl);
	assert_int_equal(pl.n, 2);
	attacher_free(a);
	probes_free(&pl);
}

static void bpf_programs_need_fentry(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;
	char err[256] = "";

	world_reset();
	w.verdict[KF_FENTRY] = -EPERM;
	add_probe(&pl, "cls_prog", PROBE_BPF_PROG, SPECIAL_NONE);
	a = new_attacher(&o);
	assert_int_equal(attacher_compose(a, &pl, err, sizeof(err)), -EOPNOTSUPP);
	assert_non_null(strstr(err, "--filter-trace-tc needs fake-fentry on BPF programs"));
	attacher_free(a);
	probes_free(&pl);
}

static void only_bpf_keeps_the_programs_alone(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;

	world_reset();
	o.bpf_progs_only = true;
	a = new_attacher(&o);
	assert_false(attacher_wants_funcs(a));
	assert_false(attacher_wants_tracepoints(a));
	assert_string_equal(attacher_describe(a), "tracing BPF programs only");
	add_probe(&pl, "kfree_skb", PROBE_TP, SPECIAL_KFREE_SKB_TP);
	add_probe(&pl, "cls_prog", PROBE_BPF_PROG, SPECIAL_NONE);
	compose_prepare(a, &pl);
	assert_int_equal(pl.n, 1);
	assert_string_equal(pl.v[0].name, "cls_prog");
	assert_int_equal(w.feature_calls[KF_KPROBE_MULTI] + w.feature_calls[KF_KPROBE], 0);
	attacher_free(a);
	probes_free(&pl);
}

static void requested_backend_errors(void **state)
{
	struct attacher_opts o = fake_opts();
	struct attacher *a = NULL;
	char err[256] = "";

	world_reset();
	o.backend = "nope";
	assert_int_equal(attacher_new(&o, &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--backend nope: unknown backend"));
	w.verdict[KF_KPROBE] = -EOPNOTSUPP;
	o.backend = "fake-kprobe";
	assert_int_equal(attacher_new(&o, &a, err, sizeof(err)), -EOPNOTSUPP);
	assert_non_null(strstr(err, "--backend fake-kprobe: fake refusal"));
	o.backend = "fake-fentry";
	assert_int_equal(attacher_new(&o, &a, err, sizeof(err)), 0);
	assert_string_equal(attacher_describe(a), "using fake-fentry (requested)");
	attacher_free(a);
}

/* Refuses every set that holds an item named "bad...". */
static int fake_link(void *ctx, struct attach_item *it, size_t n)
{
	int *calls = ctx;

	(*calls)++;
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(it[i].p->name, "bad", 3))
			return -EINVAL;
	}
	return record_fd();
}

static void bisection_isolates_refused_functions(void **state)
{
	struct probe p[16] = {};
	struct attach_result r[16];
	struct attach_item it[16];
	size_t links = 0;
	int calls = 0;

	world_reset();
	for (int i = 0; i < 16; i++) {
		snprintf(p[i].name, sizeof(p[i].name), i == 5 || i == 11 ? "bad%d" : "ok%d", i);
		r[i] = (struct attach_result){ -1, -1, -1, ATTACH_NOT_TRIED };
		it[i] = (struct attach_item){ &p[i], (uint32_t)i, &r[i] };
	}
	bulk_attach_bisect(it, 16, fake_link, &calls, -1);
	for (int i = 0; i < 16; i++) {
		if (r[i].err != (i == 5 || i == 11 ? -EINVAL : 0))
			fail_msg("item %d: err %d", i, r[i].err);
		links += r[i].link_fd >= 0;
		if (r[i].link_fd >= 0)
			close(r[i].link_fd);
	}
	/* 16 = 8+8 -> (4+4)+(4+4) -> ... : the refused pair costs 2 x log2(16) splits */
	assert_true(links >= 2 && links <= 8);
	assert_true(calls <= 1 + 2 * 2 * 4);
	assert_all_fds_closed();
}

static void bisection_stops_when_cancelled(void **state)
{
	struct probe p[4] = {};
	struct attach_result r[4];
	struct attach_item it[4];
	int calls = 0, pipefd[2];

	world_reset();
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(write(pipefd[1], "x", 1), 1);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct attach_result){ -1, -1, -1, ATTACH_NOT_TRIED };
		it[i] = (struct attach_item){ &p[i], (uint32_t)i, &r[i] };
	}
	bulk_attach_bisect(it, 4, fake_link, &calls, pipefd[0]);
	assert_int_equal(calls, 0);
	assert_int_equal(r[0].err, ATTACH_NOT_TRIED);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void cancel_mid_attach_detaches_what_was_attached(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attach_counts c;
	struct attacher *a;
	int pipefd[2];
	char err[256];

	world_reset();
	assert_int_equal(pipe(pipefd), 0);
	w.cancel_write_fd = pipefd[1];
	w.cancel_after = 20;
	w.sleep_us = 1000;
	w.verdict[KF_KPROBE_MULTI] = -EOPNOTSUPP; /* fake-fentry, one worker */
	o.cancel_fd = pipefd[0];
	add_funcs(&pl, "f", 400);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), -ECANCELED);
	attacher_counts(a, &c);
	assert_true(c.attached >= 20 && c.attached < 400);
	assert_int_equal(c.attached + c.not_tried + c.failed, 400);
	assert_int_equal(attacher_probe_result(a, 399), ATTACH_NOT_TRIED);
	/* the cancel fd was polled, not read: its owner still sees the signal */
	assert_int_equal(read(pipefd[0], err, 1), 1);
	assert_int_equal(attacher_detach(a, NULL), c.attached);
	assert_all_fds_closed();
	attacher_free(a);
	close(pipefd[0]);
	close(pipefd[1]);
	probes_free(&pl);
}

static void results_are_kept_per_probe(void **state)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attach_counts c;
	struct attacher *a;
	char err[256];

	world_reset();
	add_funcs(&pl, "good", 10);
	add_funcs(&pl, "bad", 3);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	attacher_counts(a, &c);
	assert_int_equal(c.attached, 10);
	assert_int_equal(c.failed, 3);
	assert_int_equal(c.links, 10);
	for (size_t i = 0; i < pl.n; i++)
		assert_int_equal(attacher_probe_result(a, i), i < 10 ? 0 : -EINVAL);
	assert_int_equal(attacher_detach(a, NULL), 10);
	assert_all_fds_closed();
	attacher_free(a);
	probes_free(&pl);
}

static size_t copies_attached(const char *backend, bool fexit_works, size_t *not_probes)
{
	struct attacher_opts o = fake_opts();
	struct btf *btf = btf__load_vmlinux_btf();
	struct probe_list pl = {};
	struct attach_counts c;
	struct attacher *a;
	char err[256];

	world_reset();
	if (!fexit_works)
		w.verdict[KF_FENTRY] = -EPERM;
	assert_non_null(btf);
	o.backend = backend;
	o.track_copies = true;
	o.vmlinux = btf;
	add_funcs(&pl, "f", 3);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	attacher_counts(a, &c);
	*not_probes = c.links - c.attached;
	attacher_free(a);
	btf__free(btf);
	assert_all_fds_closed();
	probes_free(&pl);
	return c.attached;
}

/*
 * skb_clone, skb_copy, __pskb_copy_fclone, skb_copy_expand: all in every
 * kernel's BTF; beside kprobes, veth_convert_skb_to_xdp_buff's pair too.
 */
static void copies_follow_the_function_strategy(void **state)
{
	size_t copy_links;

	assert_int_equal(copies_attached("fake-kprobe", false, &copy_links), 3);
	/* a kprobe and a kretprobe per copy function and veth's, and kfree_skbmem's kprobe */
	assert_int_equal(copy_links, 11);
	assert_int_equal(copies_attached("fake-fentry", true, &copy_links), 3);
	/* fexit, one per function, kfree_skbmem's fentry, and veth's pair where its module has BTF */
	assert_int_equal(copy_links, 5 + (access("/sys/kernel/btf/veth", F_OK) ? 0 : 2));
	/* tracepoints only: fexit where the kernel allows it, else no copies */
	assert_int_equal(copies_attached("tracepoint", false, &copy_links), 0);
	assert_int_equal(copy_links, 0);
}

/* A probe of a real vmlinux function, by its BTF id. */
static void add_btf_func(struct probe_list *pl, const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);

	assert_true(id > 0);
	add_probe(pl, name, PROBE_FUNC, SPECIAL_NONE);
	pl->v[pl->n - 1].btf_id = id;
}

static size_t returns_attached(const char *backend, const char **strategy)
{
	struct attacher_opts o = fake_opts();
	struct btf *btf = btf__load_vmlinux_btf();
	struct probe_list pl = {};
	struct attach_counts c;
	struct attacher *a;
	char err[256];

	world_reset();
	assert_non_null(btf);
	o.backend = backend;
	o.returns = true;
	o.vmlinux = btf;
	add_btf_func(&pl, btf, "ip_rcv");	     /* int */
	add_btf_func(&pl, btf, "skb_clone");	     /* a pointer */
	add_btf_func(&pl, btf, "consume_skb");	     /* void */
	add_btf_func(&pl, btf, "netif_receive_skb"); /* int, but taken as a module's below */
	pl.v[3].btf_obj_fd = 42;
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	attacher_counts(a, &c);
	assert_int_equal(c.attached, strcmp(backend, "tracepoint") ? 4 : 0);
	*strategy = c.ret_strategy;
	attacher_free(a);
	btf__free(btf);
	assert_all_fds_closed();
	probes_free(&pl);
	return c.ret_probes;
}

/* --output-return: a return probe beside each function that returns something, module ones too. */
static void returns_beside_non_void_functions(void **state)
{
	const char *strategy;

	/* ip_rcv, skb_clone and the module's function: an fexit clone names its BTF */
	assert_int_equal(returns_attached("fake-fentry", &strategy), 3);
	assert_string_equal(strategy, "fake-fexit");
	/* a strategy without a return companion, and tracepoints: none */
	assert_int_equal(returns_attached("fake-kprobe", &strategy), 0);
	assert_null(strategy);
	assert_int_equal(returns_attached("tracepoint", &strategy), 0);
}

static size_t threads_used_with_batch(unsigned batch)
{
	struct attacher_opts o = fake_opts();
	struct probe_list pl = {};
	struct attacher *a;
	char err[256];

	world_reset();
	w.sleep_us = 2000;
	o.backend = "fake-kprobe";
	o.kprobe_batch = batch;
	add_funcs(&pl, "f", 100);
	a = new_attacher(&o);
	compose_prepare(a, &pl);
	assert_int_equal(attacher_attach(a, NULL, err, sizeof(err)), 0);
	attacher_free(a);
	assert_all_fds_closed();
	probes_free(&pl);
	return w.n_threads;
}

static void kprobe_batch_sets_the_worker_count(void **state)
{
	size_t wide = threads_used_with_batch(10), narrow = threads_used_with_batch(50);

	if (wide > 10 || wide <= 2)
		fail_msg("batch 10 over 100 kprobes: %zu workers, expected up to 10", wide);
	if (narrow > 2)
		fail_msg("batch 50 over 100 kprobes: %zu workers, expected 2", narrow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(features_are_probed_once),
		cmocka_unit_test(function_strategy_keeps_only_the_drop_tracepoint),
		cmocka_unit_test(drop_functions_stay_without_the_drop_tracepoint),
		cmocka_unit_test(tracepoints_only_kernel_keeps_every_tracepoint),
		cmocka_unit_test(bpf_programs_need_fentry),
		cmocka_unit_test(requested_backend_errors),
		cmocka_unit_test(only_bpf_keeps_the_programs_alone),
		cmocka_unit_test(bisection_isolates_refused_functions),
		cmocka_unit_test(bisection_stops_when_cancelled),
		cmocka_unit_test(cancel_mid_attach_detaches_what_was_attached),
		cmocka_unit_test(results_are_kept_per_probe),
		cmocka_unit_test(kprobe_batch_sets_the_worker_count),
		cmocka_unit_test(copies_follow_the_function_strategy),
		cmocka_unit_test(returns_beside_non_void_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
