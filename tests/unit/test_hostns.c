// SPDX-License-Identifier: GPL-2.0
/* src/hostns.c: paths under --host-root and the netns inodes read through
 * them, on a fixture tree standing in for a node's / (plain files stand in
 * for netns files: only their inodes matter). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "hostns.h"

struct tree {
	char root[64];
};

static void make_parent(const char *path)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
}

/* An empty file at root/rel; returns its inode. */
static uint32_t put_file(const struct tree *t, const char *rel)
{
	char path[512];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	make_parent(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(stat(path, &st), 0);
	return (uint32_t)st.st_ino;
}

static void put_link(const struct tree *t, const char *rel, const char *target)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	make_parent(path);
	assert_int_equal(symlink(target, path), 0);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	snprintf(t->root, sizeof(t->root), "/tmp/pwru-hostns.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	free(t);
	return 0;
}

static void host_path_joins_root_and_path(void **state)
{
	char b[64];

	assert_int_equal(host_path(b, sizeof(b), "/", "/proc/1/ns/net"), 0);
	assert_string_equal(b, "/proc/1/ns/net");
	assert_int_equal(host_path(b, sizeof(b), "/host/", "/proc"), 0);
	assert_string_equal(b, "/host/proc");
	assert_int_equal(host_path(b, sizeof(b), "/host//", "run/x.sock"), 0);
	assert_string_equal(b, "/host/run/x.sock");
	assert_int_equal(host_path(b, sizeof(b), NULL, "run/x.sock"), 0);
	assert_string_equal(b, "/run/x.sock");
	assert_int_equal(host_path(b, 8, "/host", "/proc/1"), -ENAMETOOLONG);
}

/* The same relative path names the root's file, not this machine's. */
static void inode_is_read_under_the_host_root(void **state)
{
	struct tree *t = *state;
	uint32_t want = put_file(t, "proc/42/ns/net"), ino = 0;
	struct stat mine;

	assert_int_equal(netns_inode_of_path(t->root, "/proc/42/ns/net", &ino), 0);
	assert_int_equal(ino, want);
	ino = 0;
	assert_int_equal(netns_inode_of_pid(t->root, 42, &ino), 0);
	assert_int_equal(ino, want);
	/* Under "/" the same kind of path reaches this machine's own /proc. */
	assert_int_equal(stat("/proc/self/ns/net", &mine), 0);
	assert_int_equal(netns_inode_of_path("/", "/proc/self/ns/net", &ino), 0);
	assert_int_equal(ino, (uint32_t)mine.st_ino);
	assert_int_not_equal(ino, want);
}

static void missing_pid_is_an_errno_and_leaves_inode(void **state)
{
	struct tree *t = *state;
	uint32_t ino = 7;

	assert_int_equal(netns_inode_of_pid(t->root, 43, &ino), -ENOENT);
	assert_int_equal(netns_inode_of_pid(t->root, 0, &ino), -ESRCH);
	assert_int_equal(netns_inode_of_pid(t->root, -1, &ino), -ESRCH);
	assert_int_equal(ino, 7);
}

static void host_netns_prefers_pid_1(void **state)
{
	struct tree *t = *state;
	uint32_t one = put_file(t, "proc/1/ns/net"), ino = 0;

	put_file(t, "proc/self/ns/net");
	assert_int_equal(host_netns_inode(t->root, &ino), 0);
	assert_int_equal(ino, one);
}

/* As on this machine's sandbox: /proc/1/ns/net exists but cannot be read
 * (a link that leads nowhere stands in for the refused one). */
static void unreadable_pid_1_falls_back_to_self(void **state)
{
	struct tree *t = *state;
	uint32_t self = put_file(t, "proc/self/ns/net"), ino = 0;

	put_link(t, "proc/1/ns/net", "/nonexistent/pwru-test/net");
	assert_int_equal(host_netns_inode(t->root, &ino), 0);
	assert_int_equal(ino, self);
}

static void no_netns_at_all_is_an_error(void **state)
{
	struct tree *t = *state;
	uint32_t ino = 7;

	assert_int_equal(host_netns_inode(t->root, &ino), -ENOENT);
	assert_int_equal(ino, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_path_joins_root_and_path),
		cmocka_unit_test_setup_teardown(inode_is_read_under_the_host_root, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(missing_pid_is_an_errno_and_leaves_inode,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(host_netns_prefers_pid_1, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(unreadable_pid_1_falls_back_to_self, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(no_netns_at_all_is_an_error, tree_setup,
						tree_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
