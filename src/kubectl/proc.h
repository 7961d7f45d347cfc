/* SPDX-License-Identifier: GPL-2.0 */
/* Child processes for kubectl-pwru: run one to completion, or start one whose
 * stdout we read as a stream. */
#ifndef KUBECTL_PWRU_PROC_H
#define KUBECTL_PWRU_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Output collected from a child; data is NUL-terminated. */
struct proc_output {
	char *data;
	size_t len, cap;
};

enum proc_flags {
	/* Own process group: a Ctrl-C at the terminal does not reach it, so
	 * clean-up calls survive the key press that started the clean-up. */
	PROC_OWN_GROUP = 1 << 0,
};

/* Runs argv[0] (searched in PATH) with `in` on its stdin, collecting stdout
 * and stderr (each bounded). Returns the exit status (0-255), 128+signal when
 * the child was killed, or a negative errno. */
int proc_run(char *const argv[], const char *in, size_t in_len, unsigned int flags,
	     struct proc_output *out, struct proc_output *err);

/* Starts argv[0] with stdout on a pipe, stderr in an anonymous file
 * (*err_fd, for proc_read_all() once the child has ended) and stdin
 * inherited. Returns the pid and sets both fds, or returns a negative errno. */
pid_t proc_start_reader(char *const argv[], unsigned int flags, int *out_fd, int *err_fd);

/* Everything written to the file fd from its start (bounded as proc_run's
 * output). Returns 0 or a negative errno. */
int proc_read_all(int fd, struct proc_output *out);

/* Ends a child started by proc_start_reader: SIGTERM, then SIGKILL if it has
 * not exited within a second. Returns its wait status or a negative errno. */
int proc_stop(pid_t pid);

void proc_output_free(struct proc_output *o);

#endif
