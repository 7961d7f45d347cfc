// SPDX-License-Identifier: GPL-2.0
/* tracefs: where it is, which event group a tracepoint is in, what ftrace can attach. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "array.h"
#include "tracefs.h"

#define TRACEFS_MAGIC 0x74726163

static bool is_tracefs(const char *dir)
{
	struct statfs st;

	return statfs(dir, &st) == 0 && st.f_type == TRACEFS_MAGIC;
}

const char *tracefs_find(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (is_tracefs(dirs[i]))
			return dirs[i];
	}
	if (mount("nodev", dirs[0], "tracefs", 0, NULL) == 0 && is_tracefs(dirs[0]))
		return dirs[0];
	return NULL;
}

struct tracefs_event {
	char *name;
	char *group;
};

struct tracefs_events {
	struct tracefs_event *v;
	size_t n, cap;
};

static int cmp_event(const void *a, const void *b)
{
	return strcmp(((const struct tracefs_event *)a)->name,
		      ((const struct tracefs_event *)b)->name);
}

static int events_push(struct tracefs_events *e, const char *group, const char *name)
{
	if (array_reserve(e->v, e->cap, e->n < 1024 ? 1024 : e->n + 1))
		return -ENOMEM;
	e->v[e->n].name = strdup(name);
	e->v[e->n].group = strdup(group);
	if (!e->v[e->n].name || !e->v[e->n].group) {
		free(e->v[e->n].name);
		free(e->v[e->n].group);
		return -ENOMEM;
	}
	e->n++;
	return 0;
}

static int events_of_group(struct tracefs_events *e, const char *tracefs, const char *group)
{
	char path[512];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/%s", tracefs, group);
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] != '.' && de->d_type == DT_DIR)
			ret = events_push(e, group, de->d_name);
	}
	closedir(d);
	return ret;
}

int tracefs_events_load(const char *tracefs, struct tracefs_events **out)
{
	struct tracefs_events *e;
	char path[512];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (!tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events", tracefs);
	d = opendir(path);
	if (!d)
		return -errno;
	e = calloc(1, sizeof(*e));
	if (!e) {
		closedir(d);
		return -ENOMEM;
	}
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] != '.' && de->d_type == DT_DIR)
			ret = events_of_group(e, tracefs, de->d_name);
	}
	closedir(d);
	if (ret) {
		tracefs_events_free(e);
		return ret;
	}
	qsort(e->v, e->n, sizeof(*e->v), cmp_event);
	*out = e;
	return 0;
}

const char *tracefs_event_group(const struct tracefs_events *e, const char *name)
{
	struct tracefs_event key = { .name = (char *)name }, *r;

	if (!e)
		return NULL;
	r = bsearch(&key, e->v, e->n, sizeof(*e->v), cmp_event);
	return r ? r->group : NULL;
}

void tracefs_events_free(struct tracefs_events *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].name);
		free(e->v[i].group);
	}
	free(e->v);
	free(e);
}

struct tracefs_funcs {
	char **names;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int funcs_push(struct tracefs_funcs *f, const char *name)
{
	/* available_filter_functions lists tens of thousands: start big. */
	if (array_reserve(f->names, f->cap, f->n < 65536 ? 65536 : f->n + 1))
		return -ENOMEM;
	f->names[f->n] = strdup(name);
	return f->names[f->n++] ? 0 : -ENOMEM;
}

int tracefs_load_filter_funcs(const char *tracefs, struct tracefs_funcs **out)
{
	struct tracefs_funcs *f;
	char path[512], line[512];
	int ret = 0;
	FILE *fp;

	if (!tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs);
	fp = fopen(path, "r");
	if (!fp)
		return -errno;
	f = calloc(1, sizeof(*f));
	if (!f) {
		fclose(fp);
		return -ENOMEM;
	}
	while (!ret && fgets(line, sizeof(line), fp)) {
		line[strcspn(line, " \t\n")] = '\0'; /* "name [module]" */
		ret = funcs_push(f, line);
	}
	fclose(fp);
	if (!ret && f->n == 0)
		ret = -ENODATA;
	if (ret) {
		tracefs_funcs_free(f);
		return ret;
	}
	qsort(f->names, f->n, sizeof(*f->names), cmp_str);
	*out = f;
	return 0;
}

bool tracefs_funcs_has(const struct tracefs_funcs *f, const char *name)
{
	return bsearch(&name, f->names, f->n, sizeof(*f->names), cmp_str) != NULL;
}

void tracefs_funcs_free(struct tracefs_funcs *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f);
}
