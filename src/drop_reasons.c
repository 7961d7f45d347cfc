// SPDX-License-Identifier: GPL-2.0
/*
 * Drop reason names come from the running kernel's BTF, never from a table
 * copied from one kernel: the enum grows in every release.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "drop_reasons.h"

struct drop_reason {
	uint32_t value;
	const char *name;
};

/* Names point into the caller's vmlinux BTF, which must outlive this. */
struct drop_reasons {
	struct drop_reason *v;
	size_t n;
};

static int cmp_value(const void *a, const void *b)
{
	const struct drop_reason *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

int drop_reasons_load(const struct btf *vmlinux, struct drop_reasons **out)
{
	struct drop_reasons *d;
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	id = btf__find_by_name_kind(vmlinux, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT; /* kernels before 5.17 have no drop reasons */
	t = btf__type_by_id(vmlinux, id);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->v = calloc(btf_vlen(t), sizeof(*d->v));
	if (!d->v) {
		free(d);
		return -ENOMEM;
	}
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		d->v[d->n].value = (uint32_t)e[i].val;
		d->v[d->n++].name = btf__name_by_offset(vmlinux, e[i].name_off);
	}
	qsort(d->v, d->n, sizeof(*d->v), cmp_value);
	*out = d;
	return 0;
}

void drop_reasons_free(struct drop_reasons *d)
{
	if (!d)
		return;
	free(d->v);
	free(d);
}

const char *drop_reason_name(const struct drop_reasons *d, uint32_t value)
{
	struct drop_reason key = { .value = value }, *r;

	if (!d)
		return NULL;
	r = bsearch(&key, d->v, d->n, sizeof(*d->v), cmp_value);
	return r ? r->name : NULL;
}
