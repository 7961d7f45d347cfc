// SPDX-License-Identifier: GPL-2.0
/*
 * Probe discovery from BTF: every kernel function whose parameters 1..5
 * include a struct sk_buff *, and every tracepoint (btf_trace_<name>
 * typedef) whose prototype carries one.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <unistd.h>
#include <bpf/bpf.h>

#include "array.h"
#include "probes.h"
#include "tracefs.h"
#include "errmsg.h"

#define MAX_FUNC_SKB_POS 5 /* kprobes and fentry read at most 5 register args */
#define MAX_TP_SKB_POS 5   /* programs exist for ctx[0..4] */

static bool btf_is_skb_ptr(const struct btf *btf, uint32_t type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);

	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff");
}

int btf_skb_param_pos(const struct btf *btf, uint32_t proto_id, int first, int *nargs)
{
	const struct btf_type *t = btf__type_by_id(btf, proto_id);
	const struct btf_param *p;
	int n;

	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	n = btf_vlen(t);
	if (nargs)
		*nargs = n - first;
	for (int i = first; i < n; i++) {
		if (btf_is_skb_ptr(btf, p[i].type))
			return i - first;
	}
	return -1;
}

const struct btf *probe_func_btf(const struct btf *vmlinux, const struct probe *p,
				 struct btf **owned)
{
	*owned = NULL;
	if (!p->btf_obj_fd)
		return vmlinux;
	*owned = btf__load_module_btf(p->group, (struct btf *)vmlinux);
	return *owned;
}

/*
 * cilium/pwru compiles --filter-func with Go's RE2 and keeps a function when
 * the leftmost match is the whole name. PCRE2 reads the same Perl-style
 * syntax (\d, \w, (?i), (?:...), non-greedy), which POSIX regcomp does not,
 * so a pattern written for cilium/pwru compiles here unchanged. Anchoring both
 * ends selects every name cilium/pwru selects and, unlike the leftmost match,
 * also the longer branch of "ip_rcv|ip_rcv_core".
 */
/* The compiled pattern and the one match block every name reuses (the scan is single-threaded). */
struct name_filter {
	pcre2_code *code;
	pcre2_match_data *md;
};

int probes_name_filter_compile(const char *regex, void **out, char *err, size_t errlen)
{
	struct name_filter *f;
	PCRE2_SIZE off;
	int code;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->code = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
				PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, NULL);
	if (!f->code) {
		PCRE2_UCHAR msg[128];

		free(f);
		pcre2_get_error_message(code, msg, sizeof(msg));
		return set_err(err, errlen, -EINVAL, "--filter-func '%s': %s at offset %zu", regex,
			       (char *)msg, (size_t)off);
	}
	f->md = pcre2_match_data_create_from_pattern(f->code, NULL);
	if (!f->md) {
		pcre2_code_free(f->code);
		free(f);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

bool probes_name_filter_match(void *filter, const char *name)
{
	struct name_filter *f = filter;

	return !f || pcre2_match(f->code, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, 0, f->md,
				 NULL) >= 0;
}

void probes_name_filter_free(void *filter)
{
	struct name_filter *f = filter;

	if (!f)
		return;
	pcre2_match_data_free(f->md);
	pcre2_code_free(f->code);
	free(f);
}

struct probe *probes_push(struct probe_list *l)
{
	if (array_reserve(l->v, l->cap, l->n + 1))
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static enum probe_special func_special(const char *name, int nargs)
{
	if (!strcmp(name, "kfree_skb_reason"))
		return SPECIAL_KFREE_SKB_REASON;
	/*
	 * Before 5.17 the drop function is kfree_skb(skb) (later an inline
	 * wrapper, absent from BTF): the same program serves it, with no reason.
	 */
	if (!strcmp(name, "kfree_skb") && nargs == 1)
		return SPECIAL_KFREE_SKB_REASON;
	if (!strcmp(name, "sk_skb_reason_drop"))
		return SPECIAL_SK_SKB_REASON_DROP;
	if (!strcmp(name, "kfree_skbmem"))
		return SPECIAL_SKB_FREE;
	return SPECIAL_NONE;
}

static enum probe_special tp_special(const char *name, int nargs)
{
	/* (skb, location) before 5.17, then (skb, location, reason, ...) */
	if (!strcmp(name, "kfree_skb") && nargs >= 2)
		return SPECIAL_KFREE_SKB_TP;
	if (!strcmp(name, "consume_skb"))
		return SPECIAL_CONSUME_SKB_TP;
	return SPECIAL_NONE;
}

static int add_func(struct probe_list *l, const struct btf *btf, uint32_t id, const char *name,
		    const char *group)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	struct probe *p;
	int nargs, pos;

	pos = btf_skb_param_pos(btf, t->type, 0, &nargs);
	if (pos < 0 || pos >= MAX_FUNC_SKB_POS)
		return 0;
	p = probes_push(l);
	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->group, sizeof(p->group), "%s", group);
	p->kind = PROBE_FUNC;
	p->skb_pos = pos;
	p->nargs = nargs;
	p->btf_id = id;
	p->special = func_special(name, nargs);
	return 0;
}

static int add_tracepoint(struct probe_list *l, const struct btf *btf, uint32_t id,
			  const char *name, const struct tracefs_events *events)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *group;
	struct probe *p;
	int nargs, pos;

	/* typedef btf_trace_X -> pointer -> FUNC_PROTO(void *__data, args...) */
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return 0;
	pos = btf_skb_param_pos(btf, t->type, 1, &nargs);
	if (pos < 0 || pos >= MAX_TP_SKB_POS)
		return 0;
	p = probes_push(l);
	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	group = tracefs_event_group(events, name);
	snprintf(p->group, sizeof(p->group), "%s", group ? group : "tp");
	p->kind = PROBE_TP;
	p->skb_pos = pos;
	p->nargs = nargs;
	p->btf_id = id;
	p->special = tp_special(name, nargs);
	return 0;
}

static int scan_btf(const struct probe_query *q, struct probe_list *l, const struct btf *btf,
		    uint32_t first_id, const char *group, void *re)
{
	struct tracefs_events *events = NULL;
	uint32_t n = btf__type_cnt(btf);
	static const char tp_prefix[] = "btf_trace_";
	int ret = 0;

	if (q->want_tracepoints)
		tracefs_events_load(q->tracefs, &events); /* without it: group "tp" */
	for (uint32_t id = first_id; id < n && !ret; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (q->want_funcs && btf_is_func(t)) {
			if (probes_name_filter_match(re, name))
				ret = add_func(l, btf, id, name, group);
		} else if (q->want_tracepoints && btf_is_typedef(t) &&
			   !strncmp(name, tp_prefix, sizeof(tp_prefix) - 1)) {
			name += sizeof(tp_prefix) - 1;
			if (probes_name_filter_match(re, name))
				ret = add_tracepoint(l, btf, id, name, events);
		}
	}
	tracefs_events_free(events);
	return ret;
}

/*
 * fentry on a module function names the module's BTF object at load: find
 * it among the kernel's BTF objects by name. 0 when there is none (then only
 * the kprobe strategies can attach the module's functions).
 */
int module_btf_obj_fd(const char *mod)
{
	uint32_t id = 0;

	while (!bpf_btf_get_next_id(id, &id)) {
		char name[64] = "";
		struct bpf_btf_info info = { .name = (uintptr_t)name, .name_len = sizeof(name) };
		uint32_t len = sizeof(info);
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf &&
		    !strcmp(name, mod))
			return fd;
		close(fd);
	}
	return 0;
}

static int keep_btf_obj_fd(struct probe_list *l, int fd)
{
	if (fd <= 0)
		return 0;
	if (array_reserve(l->btf_obj_fds, l->cap_btf_obj_fds, l->n_btf_obj_fds + 1)) {
		close(fd);
		return -ENOMEM;
	}
	l->btf_obj_fds[l->n_btf_obj_fds++] = fd;
	return 0;
}

static int scan_module(const struct probe_query *q, struct probe_list *l, struct btf *vmlinux,
		       const char *mod, void *re, char *err, size_t errlen)
{
	struct btf *btf = btf__load_module_btf(mod, vmlinux);
	size_t first = l->n;
	int ret, obj_fd;

	if (!btf) {
		ret = -errno;
		return set_err(err, errlen, ret, "--kmods %s: no BTF for this module (%s)", mod,
			       strerror(-ret));
	}
	ret = scan_btf(q, l, btf, btf__type_cnt(vmlinux), mod, re);
	btf__free(btf);
	if (ret || l->n == first || !q->want_funcs)
		return ret;
	obj_fd = module_btf_obj_fd(mod);
	ret = keep_btf_obj_fd(l, obj_fd);
	for (size_t i = first; !ret && i < l->n; i++)
		l->v[i].btf_obj_fd = obj_fd;
	return ret;
}

static int scan_all_modules(const struct probe_query *q, struct probe_list *l, struct btf *vmlinux,
			    void *re, char *err, size_t errlen)
{
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *de;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		ret = scan_module(q, l, vmlinux, de->d_name, re, err, errlen);
	}
	closedir(d);
	return ret;
}

/* Drop functions ftrace cannot attach to; keep everything if unknown. */
static void filter_by_ftrace(const struct probe_query *q, struct probe_list *l)
{
	struct tracefs_funcs *avail = NULL;
	size_t kept = 0;

	if (!q->want_funcs || tracefs_load_filter_funcs(q->tracefs, &avail))
		return;
	l->ftrace_checked = true;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].kind == PROBE_FUNC && !tracefs_funcs_has(avail, l->v[i].name)) {
			l->ftrace_dropped++;
			continue;
		}
		l->v[kept++] = l->v[i];
	}
	l->n = kept;
	tracefs_funcs_free(avail);
}

int probes_discover(const struct probe_query *q, struct probe_list *out, char *err, size_t errlen)
{
	struct btf *vmlinux = NULL;
	void *re = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (q->filter_func) {
		ret = probes_name_filter_compile(q->filter_func, &re, err, errlen);
		if (ret)
			return ret;
	}
	vmlinux = q->vmlinux ? (struct btf *)q->vmlinux : btf__load_vmlinux_btf();
	if (!vmlinux) {
		ret = set_err(err, errlen, -errno,
			      "cannot read kernel BTF (/sys/kernel/btf/vmlinux): %s",
			      strerror(errno));
		goto cleanup;
	}
	ret = scan_btf(q, out, vmlinux, 1, "vmlinux", re);
	for (int i = 0; !ret && i < q->n_kmods; i++)
		ret = scan_module(q, out, vmlinux, q->kmods[i], re, err, errlen);
	if (!ret && q->all_kmods)
		ret = scan_all_modules(q, out, vmlinux, re, err, errlen);
	if (ret)
		goto cleanup;
	filter_by_ftrace(q, out);
	if (out->n == 0) {
		ret = set_err(
			err, errlen, -ENOENT,
			q->filter_func ?
				"--filter-func '%s' matches no probe-able function or tracepoint" :
				"no kernel function or tracepoint takes a struct sk_buff *%s",
			q->filter_func ? q->filter_func : "");
	}
cleanup:
	if (ret)
		probes_free(out);
	if (vmlinux != q->vmlinux)
		btf__free(vmlinux);
	probes_name_filter_free(re);
	return ret;
}

int btf_find_skb_func(const struct btf *btf, int pos, char *name, size_t len)
{
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t) && btf_skb_param_pos(btf, t->type, 0, NULL) == pos) {
			snprintf(name, len, "%s", btf__name_by_offset(btf, t->name_off));
			return 0;
		}
	}
	return -ENOENT;
}

void probes_free(struct probe_list *l)
{
	for (size_t i = 0; i < l->n_btf_obj_fds; i++)
		close(l->btf_obj_fds[i]);
	free(l->btf_obj_fds);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
