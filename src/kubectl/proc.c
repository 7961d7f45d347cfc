// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "kubectl/proc.h"

/* A pod object or an error message is a few KiB; a pod list can be larger,
 * but anything past this is not an answer we can use. */
#define PROC_OUTPUT_MAX (16u << 20)

enum { PIPE_IN, PIPE_OUT, PIPE_ERR, PIPE_N };

/* The signals a terminal (or a wrapper such as timeout(1)) sends to a whole
 * process group. */
static const int group_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* In the child: undo what the parent set up for itself. A blocked signal
 * mask survives exec, and kubectl must die on Ctrl-C like any command.
 * A child in its own group leaves the parent's group first and drops what
 * was sent to that group meanwhile (still blocked here): a Ctrl-C that
 * arrives between fork() and setpgid() would otherwise kill the very
 * kubectl that carries out the clean-up after it. */
static void child_reset(unsigned int flags)
{
	sigset_t none;

	if (flags & PROC_OWN_GROUP) {
		setpgid(0, 0);
		for (size_t i = 0; i < sizeof(group_signals) / sizeof(group_signals[0]); i++) {
			/* Ignoring a pending signal discards it (POSIX). */
			signal(group_signals[i], SIG_IGN);
			signal(group_signals[i], SIG_DFL);
		}
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/* In the parent too, so that the child is out of our group before fork()
 * returns here, whichever of the two runs first. Fails harmlessly (EACCES)
 * once the child has exec'd: it is in its group by then. */
static void parent_sets_group(pid_t pid, unsigned int flags)
{
	if (flags & PROC_OWN_GROUP)
		setpgid(pid, pid);
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

static int append(struct proc_output *o, int fd)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (o->len + n > PROC_OUTPUT_MAX)
		return -E2BIG;
	if (array_reserve(o->data, o->cap, o->len + n + 1))
		return -ENOMEM;
	memcpy(o->data + o->len, chunk, n);
	o->len += n;
	o->data[o->len] = '\0';
	return 1;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Feeds stdin and drains stdout/stderr together, so that neither side can
 * block the other on a full pipe. */
static int pump(int fds[PIPE_N], const char *in, size_t in_len, struct proc_output *out,
		struct proc_output *err)
{
	struct proc_output *sink[PIPE_N] = { NULL, out, err };
	size_t written = 0;
	int ret = 0;

	while (fds[PIPE_IN] >= 0 || fds[PIPE_OUT] >= 0 || fds[PIPE_ERR] >= 0) {
		struct pollfd pfd[PIPE_N] = {
			{ .fd = fds[PIPE_IN], .events = POLLOUT },
			{ .fd = fds[PIPE_OUT], .events = POLLIN },
			{ .fd = fds[PIPE_ERR], .events = POLLIN },
		};

		if (poll(pfd, PIPE_N, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[PIPE_IN].revents) {
			ssize_t n = write(fds[PIPE_IN], in + written, in_len - written);

			if (n > 0)
				written += n;
			if (n < 0 || written == in_len) {
				close(fds[PIPE_IN]);
				fds[PIPE_IN] = -1;
			}
		}
		for (int i = PIPE_OUT; i < PIPE_N; i++) {
			if (!pfd[i].revents)
				continue;
			int r = append(sink[i], fds[i]);

			if (r <= 0) {
				if (r < 0 && !ret)
					ret = r;
				close(fds[i]);
				fds[i] = -1;
			}
		}
	}
	return ret;
}

int proc_run(char *const argv[], const char *in, size_t in_len, unsigned int flags,
	     struct proc_output *out, struct proc_output *err)
{
	int p[PIPE_N][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int fds[PIPE_N];
	int ret, status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	for (int i = 0; i < PIPE_N; i++) {
		if (pipe2(p[i], O_CLOEXEC) < 0) {
			ret = -errno;
			goto cleanup;
		}
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto cleanup;
	}
	if (pid == 0) {
		child_reset(flags);
		dup2(p[PIPE_IN][0], STDIN_FILENO);
		dup2(p[PIPE_OUT][1], STDOUT_FILENO);
		dup2(p[PIPE_ERR][1], STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	parent_sets_group(pid, flags);
	fds[PIPE_IN] = p[PIPE_IN][1];
	fds[PIPE_OUT] = p[PIPE_OUT][0];
	fds[PIPE_ERR] = p[PIPE_ERR][0];
	p[PIPE_IN][1] = p[PIPE_OUT][0] = p[PIPE_ERR][0] = -1;
	for (int i = 0; i < PIPE_N; i++)
		close_pair(p[i]);
	if (!in_len) {
		close(fds[PIPE_IN]);
		fds[PIPE_IN] = -1;
	}
	ret = pump(fds, in, in_len, out, err);
	status = wait_child(pid);
	if (!ret)
		ret = status;
cleanup:
	for (int i = 0; i < PIPE_N; i++)
		close_pair(p[i]);
	return ret;
}

pid_t proc_start_reader(char *const argv[], unsigned int flags, int *out_fd, int *err_fd)
{
	int p[2], errfile;
	pid_t pid;

	errfile = memfd_create("kubectl-stderr", MFD_CLOEXEC);
	if (errfile < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0) {
		int ret = -errno;

		close(errfile);
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		int ret = -errno;

		close_pair(p);
		close(errfile);
		return ret;
	}
	if (pid == 0) {
		child_reset(flags);
		dup2(p[1], STDOUT_FILENO);
		dup2(errfile, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	parent_sets_group(pid, flags);
	close(p[1]);
	*out_fd = p[0];
	*err_fd = errfile;
	return pid;
}

int proc_read_all(int fd, struct proc_output *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while ((ret = append(out, fd)) > 0)
		;
	return ret;
}

int proc_stop(pid_t pid)
{
	struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };
	int status;

	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -errno;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

void proc_output_free(struct proc_output *o)
{
	free(o->data);
	o->data = NULL;
	o->len = 0;
	o->cap = 0;
}
