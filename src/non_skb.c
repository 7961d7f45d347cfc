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

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static bool takes_map_first(const struct btf *btf, const struct btf_type *proto)
{
	const struct btf_param *p = btf_params(proto);
	const struct btf_type *t;
	const char *pname;

	if (!btf_vlen(proto))
		return false;
	pname = btf__name_by_offset(btf, p->name_off);
	t = btf__type_by_id(btf, p->type);
	if (t && btf_is_ptr(t)) {
		t = btf__type_by_id(btf, btf__resolve_type(btf, t->type));
		return t && btf_is_struct(t) &&
		       !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_map");
	}
	return t && pname && ends_with(pname, "map") &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "u64");
}

/*
 * The hash map lookup the verifier inlines into programs calls this one,
 * which returns the element (its BTF says void *), the value after its key.
 */
static bool returns_htab_elem(const char *name)
{
	return !strcmp(name, "__htab_map_lookup_elem");
}

static enum probe_special map_special(const char *name)
{
	if (ends_with(name, "_lookup_elem"))
		return SPECIAL_MAP_LOOKUP;
	if (ends_with(name, "_update_elem"))
		return SPECIAL_MAP_UPDATE;
	if (ends_with(name, "_delete_elem"))
		return SPECIAL_MAP_DELETE;
	return SPECIAL_NON_SKB;
}

static int push(struct probe_list *pl, const char *name, int id, int nargs,
		enum probe_special special)
{
	struct probe *p = probes_push(pl);

	if (!p)
		return -ENOMEM;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->group, sizeof(p->group), "vmlinux");
	p->kind = PROBE_FUNC;
	p->special = special;
	p->btf_id = id;
	p->nargs = nargs;
	return 0;
}

int non_skb_funcs_add(struct probe_list *pl, const struct btf *vmlinux, const char *const *names,
		      size_t n, bool strict, bool bpfmap, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int id = btf__find_by_name_kind(vmlinux, names[i], BTF_KIND_FUNC);
		const struct btf_type *proto;
		enum probe_special special;
		int nargs, ret;

		if (id < 0 && !strict)
			continue;
		if (id < 0)
			return set_err(
				err, errlen, -ENOENT,
				"--filter-non-skb-funcs %s: no such function in the kernel's BTF",
				names[i]);
		if (listed(pl, names[i]))
			continue;
		proto = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
		special = bpfmap && proto && takes_map_first(vmlinux, proto) ?
				  map_special(names[i]) :
				  SPECIAL_NON_SKB;
		nargs = proto ? btf_vlen(proto) : 0;
		ret = push(pl, names[i], id, nargs, special);
		/* a lookup's value is known at its return: a second probe there */
		if (!ret && special == SPECIAL_MAP_LOOKUP)
			ret = push(pl, names[i], id, nargs,
				   returns_htab_elem(names[i]) ? SPECIAL_MAP_LOOKUP_ELEM_RET :
								 SPECIAL_MAP_LOOKUP_RET);
		if (ret)
			return set_err(err, errlen, ret, "out of memory");
	}
	return 0;
}

/* The hash map element's value follows its key (--output-bpfmap lookups). */
int htab_elem_key_offset(const struct btf *btf)
{
	int id = btf__find_by_name_kind(btf, "htab_elem", BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; m && i < btf_vlen(t); i++, m++) {
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "key"))
			return btf_member_bit_offset(t, i) / 8;
	}
	return -ENOENT;
}
