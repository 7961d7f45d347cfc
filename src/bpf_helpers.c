// SPDX-License-Identifier: GPL-2.0
/* The kernel functions that loaded TC/XDP programs call (--filter-track-bpf-helpers). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "array.h"
#include "bpf_helpers.h"
#include "errmsg.h"
#include "ksyms.h"

static int add_name(struct helper_names *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++) {
		if (!strcmp(h->v[i], name))
			return 0;
	}
	if (array_reserve(h->v, h->cap, h->n + 1))
		return -ENOMEM;
	snprintf(h->v[h->n++], sizeof(h->v[0]), "%s", name);
	return 0;
}

static bool packet_program(uint32_t type)
{
	return type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT ||
	       type == BPF_PROG_TYPE_XDP;
}

/* A helper call's target, named exactly (not "sym+0x10"); -ENOENT otherwise. */
static int helper_name(const struct ksyms *k, uint64_t addr, char *name, size_t len)
{
	if (ksyms_format(k, addr, name, len) || strchr(name, '+'))
		return -ENOENT;
	return 0;
}

static int program_helpers(int fd, const struct ksyms *k, uint64_t call_base,
			   struct helper_names *out)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	struct bpf_insn *insns = NULL;
	char name[128];
	int ret;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (!packet_program(info.type) || !info.xlated_prog_len)
		return 0;
	insns = calloc(1, info.xlated_prog_len);
	if (!insns)
		return -ENOMEM;
	len = info.xlated_prog_len;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = len;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)insns;
	len = sizeof(info);
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	for (size_t i = 0; !ret && i < info.xlated_prog_len / sizeof(*insns); i++) {
		const struct bpf_insn *in = &insns[i];

		/* src_reg 0: a helper (1 calls a subprogram, 2 a kfunc) */
		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != 0)
			continue;
		if (!helper_name(k, call_base + (int64_t)in->imm, name, sizeof(name)))
			ret = add_name(out, name);
	}
	free(insns);
	return ret;
}

int bpf_helpers_discover(const struct ksyms *k, struct helper_names *out, char *err, size_t errlen)
{
	uint64_t call_base = k ? ksyms_addr(k, "__bpf_call_base") : 0;
	uint32_t id = 0;

	if (!call_base)
		return set_err(
			err, errlen, -ENOENT,
			"--filter-track-bpf-helpers: __bpf_call_base is not in /proc/kallsyms");
	while (!bpf_prog_get_next_id(id, &id)) {
		int fd = bpf_prog_get_fd_by_id(id), ret;

		if (fd < 0)
			continue; /* unloaded meanwhile */
		ret = program_helpers(fd, k, call_base, out);
		close(fd);
		if (ret == -ENOMEM)
			return set_err(err, errlen, ret, "out of memory");
	}
	return 0;
}

void helper_names_free(struct helper_names *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
