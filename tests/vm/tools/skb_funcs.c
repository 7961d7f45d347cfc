// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "skb_funcs.h"

#define FILTER_FUNCS "/sys/kernel/tracing/available_filter_functions"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_skb_param(const struct btf *btf, const struct btf_type *fn)
{
	const struct btf_type *proto = btf__type_by_id(btf, fn->type);
	const struct btf_param *p = btf_params(proto);

	for (int i = 0; i < btf_vlen(proto) && i < 5; i++) {
		const struct btf_type *t = btf__type_by_id(btf, p[i].type);

		if (!btf_is_ptr(t))
			continue;
		t = btf__type_by_id(btf, t->type);
		while (btf_is_mod(t) || btf_is_typedef(t))
			t = btf__type_by_id(btf, t->type);
		if (btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff"))
			return 1;
	}
	return 0;
}

/* Sorted names from available_filter_functions ("name" or "name [module]"). */
static char **read_filter_funcs(size_t *n)
{
	FILE *f = fopen(FILTER_FUNCS, "r");
	char line[512], **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = 0;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				break;
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

int skb_funcs_find(struct skb_funcs *out)
{
	struct btf *btf = btf__load_vmlinux_btf();
	size_t nff = 0, cap = 0;
	char **ff;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!btf)
		return -errno;
	ff = read_filter_funcs(&nff);
	out->filter_readable = ff != NULL;
	for (unsigned int id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_func(t) || !has_skb_param(btf, t))
			continue;
		out->btf_count++;
		name = btf__name_by_offset(btf, t->name_off);
		if (ff && !bsearch(&name, ff, nff, sizeof(*ff), cmp_str))
			continue;
		if (out->count == cap) {
			cap = cap ? cap * 2 : 1024;
			out->names = realloc(out->names, cap * sizeof(char *));
			if (!out->names) {
				err = -ENOMEM;
				break;
			}
		}
		out->names[out->count++] = strdup(name);
	}
	for (size_t i = 0; i < nff; i++)
		free(ff[i]);
	free(ff);
	btf__free(btf);
	return err;
}

void skb_funcs_free(struct skb_funcs *f)
{
	for (size_t i = 0; i < f->count; i++)
		free(f->names[i]);
	free(f->names);
}
