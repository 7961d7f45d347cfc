// SPDX-License-Identifier: GPL-2.0
/* BPF objects, template programs and their per-probe clones. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "pwru_direct.skel.h"
#include "pwru_probe.skel.h"

enum obj_id { OBJ_DIRECT, OBJ_PROBE, OBJ_MAX };

/* Our own section names, so libbpf's handlers for tp_btf/ etc. stay untouched. */
static const struct sec_kind {
	const char *sec;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
} sec_kinds[] = {
	{ "pwru_tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP },
	{ "pwru_raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0 },
	{ "pwru_fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY },
	{ "pwru_fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT },
	{ "pwru_kprobe", BPF_PROG_TYPE_KPROBE, 0 },
	{ "pwru_kprobe_multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI },
};
#define N_SEC_KINDS (sizeof(sec_kinds) / sizeof(sec_kinds[0]))

static const char *const shared_maps[] = {
	"events", "counters", "netns_filter", "tracked_skbs", "stacks",
};

struct template
{
	char name[64];
	enum obj_id obj;
	bool want;
	char target[128];
	int target_prog_fd; /* > 0: target is a function of this BPF program */
	bool captured;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	struct bpf_insn *insns;
	size_t cnt;
	int btf_fd;
	void *func_info, *line_info;
	uint32_t fi_cnt, fi_rec, li_cnt, li_rec;
};

struct loader {
	struct loader_opts o;
	struct pwru_direct_bpf *direct;
	struct pwru_probe_bpf *probe;
	struct bpf_object *objs[OBJ_MAX];
	bool obj_wanted[OBJ_MAX], obj_loaded[OBJ_MAX];
	struct template *t;
	size_t nt;
	int handler_ids[N_SEC_KINDS];
};

int loader_patch_probe_id(struct bpf_insn *insns, size_t cnt, uint32_t probe_id)
{
	const uint32_t lo = (uint32_t)PWRU_PROBE_ID_MAGIC;
	const uint32_t hi = (uint32_t)(PWRU_PROBE_ID_MAGIC >> 32);
	int patched = 0;

	for (size_t i = 0; i + 1 < cnt; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW) || insns[i].src_reg)
			continue;
		if ((uint32_t)insns[i].imm == lo && (uint32_t)insns[i + 1].imm == hi) {
			insns[i].imm = (int32_t)probe_id;
			insns[i + 1].imm = 0;
			patched++;
		}
		i++; /* the second half of an ld_imm64 is never an instruction */
	}
	return patched;
}

static struct template *template_find(struct loader *l, const char *name)
{
	for (size_t i = 0; i < l->nt; i++) {
		if (!strcmp(l->t[i].name, name))
			return &l->t[i];
	}
	return NULL;
}

static void *memdup(const void *p, size_t n)
{
	void *q = n ? malloc(n) : NULL;

	if (q)
		memcpy(q, p, n);
	return q;
}

/* Keep what libbpf is about to hand the kernel, so clones need no libbpf. */
static int template_capture(struct template *t, struct bpf_program *prog,
			    const struct bpf_prog_load_opts *opts)
{
	t->cnt = bpf_program__insn_cnt(prog);
	t->insns = memdup(bpf_program__insns(prog), t->cnt * sizeof(struct bpf_insn));
	t->btf_fd = opts->prog_btf_fd;
	t->fi_cnt = opts->func_info_cnt;
	t->fi_rec = opts->func_info_rec_size;
	t->func_info = memdup(opts->func_info, (size_t)t->fi_cnt * t->fi_rec);
	t->li_cnt = opts->line_info_cnt;
	t->li_rec = opts->line_info_rec_size;
	t->line_info = memdup(opts->line_info, (size_t)t->li_cnt * t->li_rec);
	t->type = bpf_program__type(prog);
	t->attach = bpf_program__expected_attach_type(prog);
	if (!t->insns || (t->fi_cnt && !t->func_info) || (t->li_cnt && !t->line_info))
		return -ENOMEM;
	t->captured = true;
	return 0;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct loader *l = (struct loader *)cookie;
	struct template *t = template_find(l, bpf_program__name(prog));
	int ret;

	if (!t)
		return 0;
	if (l->o.rewrite) {
		ret = l->o.rewrite(l->o.rewrite_arg, prog, opts, t->obj == OBJ_DIRECT);
		if (ret)
			return ret;
	}
	return template_capture(t, prog, opts);
}

static void handlers_unregister(struct loader *l)
{
	for (size_t i = 0; i < N_SEC_KINDS; i++) {
		if (l->handler_ids[i] > 0)
			libbpf_unregister_prog_handler(l->handler_ids[i]);
		l->handler_ids[i] = 0;
	}
}

static int handlers_register(struct loader *l)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = (long)l,
		    .prog_prepare_load_fn = prepare_load, );

	for (size_t i = 0; i < N_SEC_KINDS; i++) {
		int id = libbpf_register_prog_handler(sec_kinds[i].sec, sec_kinds[i].type,
						      sec_kinds[i].attach, &ho);

		if (id < 0) {
			handlers_unregister(l);
			return id;
		}
		l->handler_ids[i] = id;
	}
	return 0;
}

static int templates_collect(struct loader *l)
{
	struct bpf_program *prog;
	size_t cap = 0;

	for (int o = 0; o < OBJ_MAX; o++) {
		bpf_object__for_each_program(prog, l->objs[o]) {
			if (l->nt == cap) {
				struct template *nt;

				cap = cap ? cap * 2 : 32;
				nt = realloc(l->t, cap * sizeof(*nt));
				if (!nt)
					return -ENOMEM;
				l->t = nt;
			}
			memset(&l->t[l->nt], 0, sizeof(l->t[0]));
			snprintf(l->t[l->nt].name, sizeof(l->t[0].name), "%s",
				 bpf_program__name(prog));
			l->t[l->nt++].obj = o;
		}
	}
	return 0;
}

int loader_new(const struct loader_opts *o, struct loader **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = o->btf_custom_path);
	struct loader *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->o = *o;
	ret = handlers_register(l);
	if (ret)
		goto fail;
	l->direct = pwru_direct_bpf__open_opts(&oo);
	l->probe = pwru_probe_bpf__open_opts(&oo);
	if (!l->direct || !l->probe) {
		ret = -errno ? -errno : -EINVAL;
		goto fail;
	}
	l->objs[OBJ_DIRECT] = l->direct->obj;
	l->objs[OBJ_PROBE] = l->probe->obj;
	ret = templates_collect(l);
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	loader_free(l);
	return ret;
}

int loader_want_prog(struct loader *l, const char *tmpl, int prog_fd, const char *func)
{
	struct template *t = template_find(l, tmpl);
	int ret;

	if (!t)
		return -ENOENT;
	if (t->want)
		return 0;
	ret = loader_want(l, tmpl, func);
	if (!ret) {
		t->target_prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 0);
		ret = t->target_prog_fd < 0 ? -errno : 0;
	}
	return ret;
}

int loader_want(struct loader *l, const char *tmpl, const char *attach_target)
{
	struct template *t = template_find(l, tmpl);

	if (!t)
		return -ENOENT;
	if (t->want)
		return 0;
	t->want = true;
	snprintf(t->target, sizeof(t->target), "%s", attach_target ? attach_target : "");
	l->obj_wanted[t->obj] = true;
	return 0;
}

static int object_configure(struct loader *l, enum obj_id o)
{
	struct bpf_object *obj = l->objs[o];
	struct bpf_program *prog;
	int ret;

	if (o == OBJ_DIRECT)
		l->direct->rodata->CFG = l->o.cfg;
	else
		l->probe->rodata->CFG = l->o.cfg;
	ret = bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "events"),
				       l->o.ringbuf_size);
	if (ret)
		return ret;
	bpf_object__for_each_program(prog, obj) {
		struct template *t = template_find(l, bpf_program__name(prog));

		bpf_program__set_autoload(prog, t->want);
		if (t->want && t->target[0]) {
			ret = bpf_program__set_attach_target(prog, t->target_prog_fd, t->target);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* The second object writes into the first one's maps: one ringbuf, one set of counters. */
static int object_share_maps(struct loader *l, enum obj_id o, enum obj_id from)
{
	for (size_t i = 0; i < sizeof(shared_maps) / sizeof(shared_maps[0]); i++) {
		struct bpf_map *src = bpf_object__find_map_by_name(l->objs[from], shared_maps[i]);
		struct bpf_map *dst = bpf_object__find_map_by_name(l->objs[o], shared_maps[i]);
		int ret = bpf_map__reuse_fd(dst, bpf_map__fd(src));

		if (ret)
			return ret;
	}
	return 0;
}

int loader_load(struct loader *l, char *err, size_t errlen)
{
	int first = -1, ret;

	for (int o = 0; o < OBJ_MAX; o++) {
		if (!l->obj_wanted[o])
			continue;
		ret = object_configure(l, o);
		if (!ret && first >= 0)
			ret = object_share_maps(l, o, first);
		if (!ret)
			ret = bpf_object__load(l->objs[o]);
		if (ret) {
			snprintf(err, errlen, "loading BPF object %s: %s",
				 bpf_object__name(l->objs[o]), strerror(-ret));
			return ret;
		}
		l->obj_loaded[o] = true;
		if (first < 0)
			first = o;
	}
	if (first < 0) {
		snprintf(err, errlen, "no BPF program was asked for");
		return -EINVAL;
	}
	return 0;
}

static void last_line(const char *buf, char *out, size_t len)
{
	const char *end = buf + strlen(buf), *start;

	while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > buf && start[-1] != '\n')
		start--;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

int loader_clone(struct loader *l, const char *tmpl, uint32_t probe_id,
		 const struct clone_target *target, char *log, size_t loglen)
{
	struct template *t = template_find(l, tmpl);
	struct bpf_insn *insns;
	char *vlog = NULL;
	int fd;

	if (!t || !t->captured)
		return -ENOENT;
	insns = memdup(t->insns, t->cnt * sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	loader_patch_probe_id(insns, t->cnt, probe_id);
	for (int attempt = 0; attempt < 2; attempt++) {
		LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = t->attach,
			    .attach_btf_id = target->btf_id,
			    .attach_btf_obj_fd = target->btf_obj_fd,
			    .attach_prog_fd = target->prog_fd, .prog_btf_fd = t->btf_fd,
			    .func_info = t->func_info, .func_info_cnt = t->fi_cnt,
			    .func_info_rec_size = t->fi_rec, .line_info = t->line_info,
			    .line_info_cnt = t->li_cnt, .line_info_rec_size = t->li_rec, );
		/* Ask for the verifier's log only when the quiet load failed. */
		if (attempt) {
			vlog = calloc(1, 1 << 20);
			po.log_buf = vlog;
			po.log_size = vlog ? 1 << 20 : 0;
			po.log_level = vlog ? 1 : 0;
		}
		fd = bpf_prog_load(t->type, tmpl, "GPL", insns, t->cnt, &po);
		fd = fd < 0 ? -errno : fd;
		if (fd >= 0 || !log)
			break;
	}
	if (fd < 0 && log)
		last_line(vlog ? vlog : "", log, loglen);
	free(vlog);
	free(insns);
	return fd;
}

int loader_map_fd(const struct loader *l, const char *map)
{
	for (int o = 0; o < OBJ_MAX; o++) {
		if (l->obj_loaded[o])
			return bpf_object__find_map_fd_by_name(l->objs[o], map);
	}
	return -ENOENT;
}

const struct btf *loader_vmlinux(const struct loader *l)
{
	return l->o.vmlinux;
}

int loader_prog_fd(const struct loader *l, const char *tmpl)
{
	for (int o = 0; o < OBJ_MAX; o++) {
		struct bpf_program *prog;

		if (!l->obj_loaded[o])
			continue;
		prog = bpf_object__find_program_by_name(l->objs[o], tmpl);
		if (prog && bpf_program__fd(prog) >= 0)
			return bpf_program__fd(prog);
	}
	return -ENOENT;
}

void loader_free(struct loader *l)
{
	if (!l)
		return;
	pwru_direct_bpf__destroy(l->direct);
	pwru_probe_bpf__destroy(l->probe);
	handlers_unregister(l);
	for (size_t i = 0; i < l->nt; i++) {
		if (l->t[i].target_prog_fd > 0)
			close(l->t[i].target_prog_fd);
		free(l->t[i].insns);
		free(l->t[i].func_info);
		free(l->t[i].line_info);
	}
	free(l->t);
	free(l);
}
