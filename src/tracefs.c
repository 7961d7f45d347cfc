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
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (is_tracefs(dirs[i]))
			return dirs[i];
	}
	if (mount("nodev", dirs[0], "tracefs", 0, NULL) == 0 && is_tracefs(dirs[0]))
		return dirs[0];
	return NULL;
}

int tracefs_event_group(const char *tracefs, const char *name, char *group, size_t len)
{
	char path[512];
	struct dirent *de;
	struct stat st;
	int ret = -ENOENT;
	DIR *d;

	if (!tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events", tracefs);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/events/%s/%s", tracefs, de->d_name, name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(group, len, "%s", de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
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
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 65536;
		char **v = realloc(f->names, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->names = v;
		f->cap = cap;
	}
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
