// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "inject.h"

_Static_assert(sizeof(struct ebpf_insn) == sizeof(struct bpf_insn), "ebpf_insn layout");

struct inject_keep {
	struct inject_keep *next;
	void *mem;
};

/* One program's instructions and BTF info while it is being edited. */
struct splice {
	struct bpf_insn *insns;
	size_t cnt;
	unsigned char *finfo;
	size_t fcnt, frec;
	unsigned char *linfo;
	size_t lcnt, lrec;
	const struct btf *btf;
	char *err;
	size_t errlen;
};

static int errorf(struct splice *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->err && s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err, s->errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static int keep_mem(struct inject_keep **keep, void *mem)
{
	struct inject_keep *k = malloc(sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->mem = mem;
	k->next = *keep;
	*keep = k;
	return 0;
}

void inject_keep_free(struct inject_keep *keep)
{
	while (keep) {
		struct inject_keep *next = keep->next;

		free(keep->mem);
		free(keep);
		keep = next;
	}
}

/* Both func_info and line_info records start with a __u32 insn_off. */
static __u32 *rec_off(unsigned char *base, size_t rec, size_t i)
{
	return (__u32 *)(base + rec * i);
}

static const char *func_name(const struct splice *s, size_t i)
{
	__u32 type_id = rec_off(s->finfo, s->frec, i)[1];
	const struct btf_type *t = btf__type_by_id(s->btf, type_id);

	return t ? btf__name_by_offset(s->btf, t->name_off) : NULL;
}

/* The instruction range [start, end) of the subprogram called name. */
static int find_subprog(const struct splice *s, const char *name, size_t *start, size_t *end)
{
	for (size_t i = 0; i < s->fcnt; i++) {
		const char *fn = func_name(s, i);

		if (!fn || strcmp(fn, name))
			continue;
		*start = *rec_off(s->finfo, s->frec, i);
		*end = i + 1 < s->fcnt ? *rec_off(s->finfo, s->frec, i + 1) : s->cnt;
		return *start < *end && *end <= s->cnt ? 1 : 0;
	}
	return 0;
}

static int is_pseudo_ref(const struct bpf_insn *i)
{
	return (i->code == (BPF_JMP | BPF_CALL) && i->src_reg == BPF_PSEUDO_CALL) ||
	       (i->code == (BPF_LD | BPF_IMM | BPF_DW) && i->src_reg == BPF_PSEUDO_FUNC);
}

/* Calls and function references are pc-relative: re-aim those that cross the edit. */
static int retarget_calls(struct splice *s, struct bpf_insn *ni, size_t new_cnt, size_t start,
			  size_t end, size_t body_len)
{
	long delta = (long)body_len - (long)(end - start);

	for (size_t j = 0; j < new_cnt; j++) {
		size_t oi;
		long target;

		if (j >= start && j < start + body_len)
			continue;
		oi = j < start ? j : (size_t)((long)j - delta);
		if (is_pseudo_ref(&ni[j])) {
			target = (long)oi + ni[j].imm + 1;
			if (target > (long)start && target < (long)end)
				return errorf(s, -EINVAL,
					      "insn %zu calls into the middle of a placeholder",
					      oi);
			if (target >= (long)end)
				target += delta;
			ni[j].imm = (int)(target - (long)j - 1);
		}
		if (ni[j].code == (BPF_LD | BPF_IMM | BPF_DW))
			j++;
	}
	return 0;
}

static void shift_func_info(struct splice *s, size_t start, long delta)
{
	for (size_t i = 0; i < s->fcnt; i++) {
		__u32 *off = rec_off(s->finfo, s->frec, i);

		if (*off > start)
			*off = (__u32)((long)*off + delta);
	}
}

/* Drop line records inside the old body but keep the one at its start:
 * the kernel wants one at every subprogram start, strictly increasing. */
static void shift_line_info(struct splice *s, size_t start, size_t end, long delta)
{
	size_t out = 0;

	for (size_t i = 0; i < s->lcnt; i++) {
		__u32 off = *rec_off(s->linfo, s->lrec, i);

		if (off > start && off < end)
			continue;
		if (off >= end)
			off = (__u32)((long)off + delta);
		memmove(s->linfo + out * s->lrec, s->linfo + i * s->lrec, s->lrec);
		*rec_off(s->linfo, s->lrec, out) = off;
		out++;
	}
	s->lcnt = out;
}

static int splice_one(struct splice *s, size_t start, size_t end, const struct inject_body *b)
{
	size_t new_cnt = s->cnt - (end - start) + b->len;
	long delta = (long)b->len - (long)(end - start);
	struct bpf_insn *ni = calloc(new_cnt, sizeof(*ni));
	int err;

	if (!ni)
		return errorf(s, -ENOMEM, "out of memory");
	memcpy(ni, s->insns, start * sizeof(*ni));
	memcpy(ni + start, b->insns, b->len * sizeof(*ni));
	memcpy(ni + start + b->len, s->insns + end, (s->cnt - end) * sizeof(*ni));
	err = retarget_calls(s, ni, new_cnt, start, end, b->len);
	if (err) {
		free(ni);
		return err;
	}
	shift_func_info(s, start, delta);
	shift_line_info(s, start, end, delta);
	free(s->insns);
	s->insns = ni;
	s->cnt = new_cnt;
	return 0;
}

/* The object's BTF as the kernel holds it: libbpf 1.1 has no program-to-object accessor. */
static struct btf *load_prog_btf(int btf_fd)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);

	if (btf_fd <= 0 || bpf_obj_get_info_by_fd(btf_fd, &info, &len))
		return NULL;
	return btf__load_from_kernel_by_id(info.id);
}

static int copy_prog(struct splice *s, struct bpf_program *prog,
		     const struct bpf_prog_load_opts *opts)
{
	s->cnt = bpf_program__insn_cnt(prog);
	s->insns = malloc(s->cnt * sizeof(*s->insns));
	s->frec = opts->func_info_rec_size;
	s->fcnt = opts->func_info_cnt;
	s->lrec = opts->line_info_rec_size;
	s->lcnt = opts->line_info_cnt;
	s->finfo = malloc(s->fcnt * s->frec + 1);
	s->linfo = malloc(s->lcnt * s->lrec + 1);
	if (!s->insns || !s->finfo || !s->linfo)
		return errorf(s, -ENOMEM, "out of memory");
	memcpy(s->insns, bpf_program__insns(prog), s->cnt * sizeof(*s->insns));
	if (s->fcnt)
		memcpy(s->finfo, opts->func_info, s->fcnt * s->frec);
	if (s->lcnt)
		memcpy(s->linfo, opts->line_info, s->lcnt * s->lrec);
	return 0;
}

int inject_splice(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
		  const struct inject_body *bodies, size_t n_bodies, struct inject_keep **keep,
		  char *err, size_t errlen)
{
	struct splice s = { .err = err, .errlen = errlen };
	struct btf *btf = NULL;
	int ret, done = 0;

	if (!opts->func_info || !opts->func_info_cnt || opts->func_info_rec_size < 8)
		return 0; /* no BTF func info: no placeholder can be found (built without -g?) */
	btf = load_prog_btf(opts->prog_btf_fd);
	if (!btf) {
		ret = errorf(&s, -ENOENT, "cannot read the program's BTF back from the kernel");
		goto cleanup;
	}
	s.btf = btf;
	ret = copy_prog(&s, prog, opts);
	if (ret)
		goto cleanup;
	for (size_t b = 0; b < n_bodies; b++) {
		size_t start, end;

		if (!bodies[b].insns || !find_subprog(&s, bodies[b].name, &start, &end))
			continue;
		ret = splice_one(&s, start, end, &bodies[b]);
		if (ret)
			goto cleanup;
		done++;
	}
	if (!done)
		goto cleanup;
	ret = bpf_program__set_insns(prog, s.insns, s.cnt);
	if (ret) {
		errorf(&s, ret, "bpf_program__set_insns: %s", strerror(-ret));
		goto cleanup;
	}
	/* libbpf reads these during the load that follows: they live in *keep. */
	ret = keep_mem(keep, s.finfo);
	if (ret)
		goto cleanup;
	opts->func_info = s.finfo;
	opts->func_info_cnt = (__u32)s.fcnt;
	s.finfo = NULL;
	ret = keep_mem(keep, s.linfo);
	if (ret)
		goto cleanup;
	opts->line_info = s.lcnt ? s.linfo : NULL;
	opts->line_info_cnt = (__u32)s.lcnt;
	s.linfo = NULL;
	ret = done;
cleanup:
	free(s.insns);
	free(s.finfo);
	free(s.linfo);
	btf__free(btf);
	return ret;
}
