// SPDX-License-Identifier: GPL-2.0
/* BPF objects, template programs and their per-probe clones. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "pwru_direct.skel.h"
#include "pwru_probe.skel.h"
#include "errmsg.h"

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

struct tmpl {
	struct bpf_program *prog; /* the skeleton's handle */
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
	struct pwru_direct_bpf *skel_direct;
	struct pwru_probe_bpf *skel_probe;
	struct bpf_object *objs[OBJ_MAX];
	bool obj_wanted[OBJ_MAX], obj_loaded[OBJ_MAX];
	struct tmpl t[TMPL_MAX];
	struct bpf_map *maps[OBJ_MAX][MAP_MAX];
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

/* libbpf's callbacks hand us a program: which template is it? */
static struct tmpl *template_of(struct loader *l, const struct bpf_program *prog)
{
	for (size_t i = 0; i < TMPL_MAX; i++) {
		if (l->t[i].prog == prog)
			return &l->t[i];
	}
	return NULL;
}

static struct tmpl *template_get(struct loader *l, enum tmpl_id id)
{
	return (unsigned)id < TMPL_MAX && l->t[id].prog ? &l->t[id] : NULL;
}

static void *memdup(const void *p, size_t n)
{
	void *q = n ? malloc(n) : NULL;

	if (q)
		memcpy(q, p, n);
	return q;
}

/* Keep what libbpf is about to hand the kernel, so clones need no libbpf. */
static int template_capture(struct tmpl *t, struct bpf_program *prog,
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
	struct tmpl *t = template_of(l, prog);
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

#define BIND_SKB5(l, first, obj, skel, prefix)                  \
	do {                                                    \
		bind(l, first + 0, obj, skel->progs.prefix##0); \
		bind(l, first + 1, obj, skel->progs.prefix##1); \
		bind(l, first + 2, obj, skel->progs.prefix##2); \
		bind(l, first + 3, obj, skel->progs.prefix##3); \
		bind(l, first + 4, obj, skel->progs.prefix##4); \
	} while (0)

static void bind(struct loader *l, enum tmpl_id id, enum obj_id obj, struct bpf_program *prog)
{
	l->t[id].prog = prog;
	l->t[id].obj = obj;
}

/*
 * Every template id to its skeleton handle: a BPF function renamed or moved
 * between the two objects fails to compile here.
 */
static int templates_bind(struct loader *l)
{
	BIND_SKB5(l, TMPL_TP_SKB0, OBJ_DIRECT, l->skel_direct, pwru_tp_skb);
	bind(l, TMPL_TP_KFREE, OBJ_DIRECT, l->skel_direct->progs.pwru_tp_kfree);
	bind(l, TMPL_TP_CONSUME, OBJ_DIRECT, l->skel_direct->progs.pwru_tp_consume);
	BIND_SKB5(l, TMPL_RAW_SKB0, OBJ_PROBE, l->skel_probe, pwru_raw_skb);
	bind(l, TMPL_RAW_KFREE, OBJ_PROBE, l->skel_probe->progs.pwru_raw_kfree);
	bind(l, TMPL_RAW_CONSUME, OBJ_PROBE, l->skel_probe->progs.pwru_raw_consume);
	BIND_SKB5(l, TMPL_KP_SKB0, OBJ_PROBE, l->skel_probe, pwru_kp_skb);
	bind(l, TMPL_KP_KFREE_REASON, OBJ_PROBE, l->skel_probe->progs.pwru_kp_kfree_reason);
	bind(l, TMPL_KP_SK_DROP, OBJ_PROBE, l->skel_probe->progs.pwru_kp_sk_drop);
	bind(l, TMPL_KP_FREE, OBJ_PROBE, l->skel_probe->progs.pwru_kp_free);
	bind(l, TMPL_KP_COPY_ENTRY, OBJ_PROBE, l->skel_probe->progs.pwru_kp_copy_entry);
	bind(l, TMPL_KP_COPY_RETURN, OBJ_PROBE, l->skel_probe->progs.pwru_kp_copy_return);
	bind(l, TMPL_KPM_ALL, OBJ_PROBE, l->skel_probe->progs.pwru_kpm_all);
	BIND_SKB5(l, TMPL_FE_SKB0, OBJ_DIRECT, l->skel_direct, pwru_fe_skb);
	bind(l, TMPL_FE_KFREE_REASON, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_kfree_reason);
	bind(l, TMPL_FE_SK_DROP, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_sk_drop);
	bind(l, TMPL_FE_FREE, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_free);
	bind(l, TMPL_FE_XDP, OBJ_PROBE, l->skel_probe->progs.pwru_fe_xdp);
	bind(l, TMPL_FX_COPY2, OBJ_DIRECT, l->skel_direct->progs.pwru_fx_copy2);
	bind(l, TMPL_FX_COPY4, OBJ_DIRECT, l->skel_direct->progs.pwru_fx_copy4);
	bind(l, TMPL_FX_RET, OBJ_DIRECT, l->skel_direct->progs.pwru_fx_ret);
	bind(l, TMPL_KP_RET, OBJ_PROBE, l->skel_probe->progs.pwru_kp_ret);
	bind(l, TMPL_KPM_RET, OBJ_PROBE, l->skel_probe->progs.pwru_kpm_ret);
	bind(l, TMPL_KP_NON_SKB, OBJ_PROBE, l->skel_probe->progs.pwru_kp_non_skb);
	bind(l, TMPL_FE_NON_SKB, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_non_skb);
	bind(l, TMPL_KP_MAP_LOOKUP, OBJ_PROBE, l->skel_probe->progs.pwru_kp_map_lookup);
	bind(l, TMPL_KP_MAP_LOOKUP_RET, OBJ_PROBE, l->skel_probe->progs.pwru_kp_map_lookup_ret);
	bind(l, TMPL_KP_MAP_LOOKUP_ELEM_RET, OBJ_PROBE,
	     l->skel_probe->progs.pwru_kp_map_lookup_elem_ret);
	bind(l, TMPL_KP_MAP_UPDATE, OBJ_PROBE, l->skel_probe->progs.pwru_kp_map_update);
	bind(l, TMPL_KP_MAP_DELETE, OBJ_PROBE, l->skel_probe->progs.pwru_kp_map_delete);
	bind(l, TMPL_KP_VETH_ENTRY, OBJ_PROBE, l->skel_probe->progs.pwru_kp_veth_entry);
	bind(l, TMPL_KP_VETH_RETURN, OBJ_PROBE, l->skel_probe->progs.pwru_kp_veth_return);
	bind(l, TMPL_FE_UNTRACK, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_untrack);
	bind(l, TMPL_KP_UNTRACK, OBJ_PROBE, l->skel_probe->progs.pwru_kp_untrack);
	bind(l, TMPL_FE_VETH_ENTRY, OBJ_DIRECT, l->skel_direct->progs.pwru_fe_veth_entry);
	bind(l, TMPL_FX_VETH_RETURN, OBJ_DIRECT, l->skel_direct->progs.pwru_fx_veth_return);
	bind(l, TMPL_TP_NOTIFIER, OBJ_DIRECT, l->skel_direct->progs.pwru_tp_notifier);
	for (size_t i = 0; i < TMPL_MAX; i++) {
		if (!l->t[i].prog)
			return -ENOENT; /* an id left unbound: a gap in the table above */
	}
	return 0;
}

#define BIND_MAPS(l, obj, skel)                                           \
	do {                                                              \
		l->maps[obj][MAP_EVENTS] = skel->maps.events;             \
		l->maps[obj][MAP_COUNTERS] = skel->maps.counters;         \
		l->maps[obj][MAP_NETNS_FILTER] = skel->maps.netns_filter; \
		l->maps[obj][MAP_TRACKED_SKBS] = skel->maps.tracked_skbs; \
		l->maps[obj][MAP_STACKS] = skel->maps.stacks;             \
		l->maps[obj][MAP_STACKID_SKB] = skel->maps.stackid_skb;   \
		l->maps[obj][MAP_SKB_STACKID] = skel->maps.skb_stackid;   \
		l->maps[obj][MAP_XDP_HEADS] = skel->maps.xdp_heads;       \
	} while (0)

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
	l->skel_direct = pwru_direct_bpf__open_opts(&oo);
	l->skel_probe = pwru_probe_bpf__open_opts(&oo);
	if (!l->skel_direct || !l->skel_probe) {
		ret = -errno ? -errno : -EINVAL;
		goto fail;
	}
	l->objs[OBJ_DIRECT] = l->skel_direct->obj;
	l->objs[OBJ_PROBE] = l->skel_probe->obj;
	BIND_MAPS(l, OBJ_DIRECT, l->skel_direct);
	BIND_MAPS(l, OBJ_PROBE, l->skel_probe);
	ret = templates_bind(l);
	if (ret)
		goto fail;
	*out = l;
	return 0;
fail:
	loader_free(l);
	return ret;
}

int loader_want_prog(struct loader *l, enum tmpl_id tmpl, int prog_fd, const char *func)
{
	struct tmpl *t = template_get(l, tmpl);
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

int loader_want(struct loader *l, enum tmpl_id tmpl, const char *attach_target)
{
	struct tmpl *t = template_get(l, tmpl);

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
		l->skel_direct->rodata->CFG = l->o.cfg;
	else
		l->skel_probe->rodata->CFG = l->o.cfg;
	ret = bpf_map__set_max_entries(l->maps[o][MAP_EVENTS], l->o.ringbuf_size);
	if (ret)
		return ret;
	bpf_object__for_each_program(prog, obj) {
		struct tmpl *t = template_of(l, prog);

		/* a program no template id names is never loaded */
		bpf_program__set_autoload(prog, t && t->want);
		if (!t)
			continue;
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
	for (size_t i = 0; i < MAP_MAX; i++) {
		int ret = bpf_map__reuse_fd(l->maps[o][i], bpf_map__fd(l->maps[from][i]));

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
			return set_err(err, errlen, ret, "loading BPF object %s: %s",
				       bpf_object__name(l->objs[o]), strerror(-ret));
		}
		l->obj_loaded[o] = true;
		if (first < 0)
			first = o;
	}
	if (first < 0) {
		return set_err(err, errlen, -EINVAL, "no BPF program was asked for");
	}
	return 0;
}

int loader_remember_devices(struct loader *l, uint64_t netdev_notifier)
{
	struct bpf_map *map = l->skel_direct->maps.bss;
	size_t size = bpf_map__value_size(map);
	struct pwru_direct_bpf__bss *bss;
	uint32_t key = 0;
	int ret = -ENOENT;

	/* the section has no tail padding: sizeof(*bss) may exceed it */
	if (!l->obj_loaded[OBJ_DIRECT] ||
	    size < offsetof(struct pwru_direct_bpf__bss, netdev_notifier) + sizeof(__u64))
		return -ENOENT;
	bss = calloc(1, sizeof(*bss) > size ? sizeof(*bss) : size);
	if (!bss)
		return -ENOMEM;
	/* through the map, not libbpf's mapping (remapped onto the map only by skeleton loads) */
	if (!bpf_map_lookup_elem(bpf_map__fd(map), &key, bss)) {
		bss->netdev_notifier = netdev_notifier;
		bss->devs_remembered = 1;
		ret = bpf_map_update_elem(bpf_map__fd(map), &key, bss, BPF_ANY) ? -errno : 0;
	}
	free(bss);
	return ret;
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

int loader_clone(struct loader *l, enum tmpl_id tmpl, uint32_t probe_id,
		 const struct clone_target *target, char *log, size_t loglen)
{
	struct tmpl *t = template_get(l, tmpl);
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
		fd = bpf_prog_load(t->type, bpf_program__name(t->prog), "GPL", insns, t->cnt, &po);
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

int loader_map_fd(const struct loader *l, enum map_id map)
{
	for (int o = 0; o < OBJ_MAX; o++) {
		if (l->obj_loaded[o] && (unsigned)map < MAP_MAX)
			return bpf_map__fd(l->maps[o][map]);
	}
	return -ENOENT;
}

const struct btf *loader_vmlinux(const struct loader *l)
{
	return l->o.vmlinux;
}

int loader_prog_fd(const struct loader *l, enum tmpl_id tmpl)
{
	const struct tmpl *t = (unsigned)tmpl < TMPL_MAX ? &l->t[tmpl] : NULL;

	if (!t || !t->prog || !l->obj_loaded[t->obj] || bpf_program__fd(t->prog) < 0)
		return -ENOENT;
	return bpf_program__fd(t->prog);
}

const char *loader_tmpl_name(const struct loader *l, enum tmpl_id tmpl)
{
	return (unsigned)tmpl < TMPL_MAX && l->t[tmpl].prog ? bpf_program__name(l->t[tmpl].prog) :
							      "?";
}

void loader_free(struct loader *l)
{
	if (!l)
		return;
	pwru_direct_bpf__destroy(l->skel_direct);
	pwru_probe_bpf__destroy(l->skel_probe);
	handlers_unregister(l);
	for (size_t i = 0; i < TMPL_MAX; i++) {
		if (l->t[i].target_prog_fd > 0)
			close(l->t[i].target_prog_fd);
		free(l->t[i].insns);
		free(l->t[i].func_info);
		free(l->t[i].line_info);
	}
	free(l);
}
