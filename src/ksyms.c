// SPDX-License-Identifier: GPL-2.0
/* Kernel addresses to names, for drop sites, callers and stacks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ksyms.h"

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct ksym *v;
	size_t n, cap;
	const struct ksym **by_name; /* the same symbols sorted by name */
};

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int ksyms_push(struct ksyms *k, uint64_t addr, const char *name)
{
	/* /proc/kallsyms holds about 200k symbols: start big. */
	if (array_reserve(k->v, k->cap, k->n < 65536 ? 65536 : k->n + 1))
		return -ENOMEM;
	k->v[k->n].addr = addr;
	k->v[k->n].name = strdup(name);
	return k->v[k->n++].name ? 0 : -ENOMEM;
}

static int cmp_name(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym *const *)a, *y = *(const struct ksym *const *)b;

	return strcmp(x->name, y->name);
}

static int index_names(struct ksyms *k)
{
	k->by_name = malloc(k->n * sizeof(*k->by_name));
	if (!k->by_name)
		return -ENOMEM;
	for (size_t i = 0; i < k->n; i++)
		k->by_name[i] = &k->v[i];
	qsort(k->by_name, k->n, sizeof(*k->by_name), cmp_name);
	return 0;
}

int ksyms_load(const char *path, struct ksyms **out)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	char line[512], name[256], type;
	unsigned long long addr;
	int ret = 0;
	FILE *f;

	if (!k)
		return -ENOMEM;
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		goto cleanup;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (addr && (type == 't' || type == 'T'))
			ret = ksyms_push(k, addr, name);
	}
	fclose(f);
	if (!ret && k->n == 0)
		ret = -ENODATA; /* kptr_restrict hides addresses from non-root */
	if (ret)
		goto cleanup;
	qsort(k->v, k->n, sizeof(*k->v), cmp_addr);
	ret = index_names(k);
	if (ret)
		goto cleanup;
	*out = k;
	return 0;
cleanup:
	ksyms_free(k);
	return ret;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].name);
	free(k->v);
	free(k->by_name);
	free(k);
}

static const struct ksym *ksyms_find(const struct ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi = k ? k->n : 0;

	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &k->v[lo - 1] : NULL;
}

int ksyms_format(const struct ksyms *k, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *s = ksyms_find(k, addr);

	if (!s) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return -ENOENT;
	}
	if (addr == s->addr)
		snprintf(buf, len, "%s", s->name);
	else
		snprintf(buf, len, "%s+0x%llx", s->name, (unsigned long long)(addr - s->addr));
	return 0;
}

/* Index of the first symbol named name in by_name, or k->n. */
static size_t first_named(const struct ksyms *k, const char *name)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && !strcmp(k->by_name[lo]->name, name) ? lo : k->n;
}

uint64_t ksyms_addr(const struct ksyms *k, const char *name)
{
	size_t i = k ? first_named(k, name) : 0;

	return k && i < k->n ? k->by_name[i]->addr : 0;
}
