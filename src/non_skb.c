// SPDX-License-Identifier: GPL-2.0
/* Probes on functions without an skb argument, tied to packets by kernel stack. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "errmsg.h"
#include "non_skb.h"
#include "probes.h"

static bool listed(const struct probe_list *pl, const char *name)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == PROBE_FUNC && !strcmp(pl->v[i].name, name))
			return true;
	}
	return false;
}

int non_skb_funcs_add(struct probe_list *pl, const struct btf *vmlinux, const char *const *names,
		      size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int id = btf__find_by_name_kind(vmlinux, names[i], BTF_KIND_FUNC);
		const struct btf_type *proto;
		struct probe *p;

		if (id < 0)
			return set_err(err, errlen, -ENOENT,
				       "--filter-non-skb-funcs %s: no such function in the kernel's BTF",
				       names[i]);
		if (listed(pl, names[i]))
			continue;
		p = probes_push(pl);
		if (!p)
			return set_err(err, errlen, -ENOMEM, "out of memory");
		snprintf(p->name, sizeof(p->name), "%s", names[i]);
		snprintf(p->group, sizeof(p->group), "vmlinux");
		p->kind = PROBE_FUNC;
		p->special = SPECIAL_NON_SKB;
		p->btf_id = id;
		proto = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
		p->nargs = proto ? btf_vlen(proto) : 0;
	}
	return 0;
}
