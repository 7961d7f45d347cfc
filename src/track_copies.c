// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "backend.h"
#include "kernel_features.h"
#include "loader.h"
#include "track_copies.h"

static const struct copy_func {
	const char *name;
	const char *tmpl; /* by where the result sits: after 2 or 4 arguments */
} copy_funcs[] = {
	{ "skb_clone", "pwru_fx_copy2" },
	{ "skb_copy", "pwru_fx_copy2" },
	{ "__pskb_copy_fclone", "pwru_fx_copy4" },
	{ "skb_copy_expand", "pwru_fx_copy4" },
};
#define N_COPY_FUNCS (sizeof(copy_funcs) / sizeof(copy_funcs[0]))

int track_copies_prepare(struct loader *l)
{
	char why[128];
	int ret;

	/* fexit shares fentry's fate: where fentry is refused, so is this */
	if (kf_fentry(loader_vmlinux(l), why, sizeof(why)))
		return 0;
	ret = loader_want(l, "pwru_fx_copy2", "skb_clone");
	if (!ret)
		ret = loader_want(l, "pwru_fx_copy4", "skb_copy_expand");
	return ret;
}

static int attach_one(struct loader *l, const struct btf *btf, const struct copy_func *f,
		      struct attach_set *s)
{
	struct clone_target target = {};
	int id = btf__find_by_name_kind(btf, f->name, BTF_KIND_FUNC), prog, link;

	if (id < 0)
		return id;
	target.btf_id = id;
	prog = loader_clone(l, f->tmpl, 0, &target, NULL, 0);
	if (prog < 0)
		return prog;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		link = -errno;
		close(prog);
		return link;
	}
	attach_set_add_prog(s, prog);
	attach_set_add_link(s, link);
	return 0;
}

int track_copies_attach(struct loader *l, struct attach_set *s)
{
	const struct btf *btf = loader_vmlinux(l);
	int n = 0;

	if (!btf ||
	    (loader_prog_fd(l, "pwru_fx_copy2") < 0 && loader_prog_fd(l, "pwru_fx_copy4") < 0))
		return 0;
	for (size_t i = 0; i < N_COPY_FUNCS; i++)
		n += attach_one(l, btf, &copy_funcs[i], s) == 0;
	return n;
}
