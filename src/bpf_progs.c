// SPDX-License-Identifier: GPL-2.0
/* Loaded BPF programs as probes: TC classifiers, by id, with their main function's BTF. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bpf_progs.h"
#include "errmsg.h"

/* The BTF id of the program's entry function: func_info's first record. */
static int prog_main_func(int fd, struct bpf_prog_info *info, uint32_t *type_id)
{
	struct bpf_func_info fi = {};
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->nr_func_info = 1;
	info->func_info_rec_size = sizeof(fi);
	info->func_info = (uint64_t)(uintptr_t)&fi;
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		return -errno;
	if (!info->btf_id || !info->nr_func_info)
		return -ENOENT; /* no BTF: fentry cannot be verified against it */
	*type_id = fi.type_id;
	return 0;
}

static void func_name(uint32_t btf_obj_id, uint32_t type_id, char *buf, size_t len)
{
	struct btf *btf = btf__load_from_kernel_by_id(btf_obj_id);
	const struct btf_type *t = btf ? btf__type_by_id(btf, type_id) : NULL;

	snprintf(buf, len, "%s", t ? btf__name_by_offset(btf, t->name_off) : "");
	btf__free(btf);
}

static int add_prog(struct probe_list *pl, uint32_t id, enum bpf_prog_type type, const char *group)
{
	struct bpf_prog_info info;
	uint32_t type_id = 0;
	struct probe *p;
	int fd = bpf_prog_get_fd_by_id(id), ret;

	if (fd < 0)
		return 0; /* gone meanwhile */
	ret = prog_main_func(fd, &info, &type_id);
	close(fd);
	if (ret || info.type != type)
		return 0;
	p = probes_push(pl);
	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", info.name[0] ? info.name : group);
	snprintf(p->group, sizeof(p->group), "%s", group);
	func_name(info.btf_id, type_id, p->prog_func, sizeof(p->prog_func));
	p->kind = PROBE_BPF_PROG;
	p->prog_id = id;
	p->btf_id = type_id;
	p->skb_pos = 0;
	return 0;
}

static int discover(struct probe_list *pl, enum bpf_prog_type type, const char *group,
		    const char *flag, char *err, size_t errlen)
{
	uint32_t id = 0;
	size_t before = pl->n;
	int ret = 0;

	while (!ret && !bpf_prog_get_next_id(id, &id))
		ret = add_prog(pl, id, type, group);
	if (!ret && pl->n == before) {
		return set_err(err, errlen, -ENOENT, "%s: no %s program with BTF is loaded", flag,
			       group);
	}
	return ret;
}

int bpf_progs_discover_tc(struct probe_list *pl, char *err, size_t errlen)
{
	return discover(pl, BPF_PROG_TYPE_SCHED_CLS, "tc", "--filter-trace-tc", err, errlen);
}

int bpf_progs_discover_xdp(struct probe_list *pl, char *err, size_t errlen)
{
	return discover(pl, BPF_PROG_TYPE_XDP, "xdp", "--filter-trace-xdp", err, errlen);
}
