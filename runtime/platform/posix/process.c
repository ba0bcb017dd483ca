/* POSIX: running an exec task's command with its input on stdin, collecting stdout and
 * stderr, heartbeats on file descriptor 3, and killing the whole process group on timeout.
 *
 * The task ends when the command (the shell) exits, not when its pipes close: a background
 * child may hold them for ever. Then what the pipes already hold is collected and whatever the
 * command left running in its process group is killed, as on a timeout; a process meant to
 * outlive its task has to leave the group (setsid). The runtime never changes a signal's
 * disposition: the program embedding it owns them. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asl/platform.h"
#include "sigpipe.h"

#define MAX_CAPTURE (64u << 20) /* refuse to buffer more than this from one command */
#define POLL_EXIT_MS 10 /* without a pidfd, how often to look whether it exited */

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What is being collected from a running command. */
typedef struct capture {
	asl_process_result *r;
	size_t cap[2]; /* allocated sizes of r->out and r->err: they grow by doubling */
	int fds[3]; /* stdout, stderr, heartbeats; -1 once at their end */
	int64_t last_beat; /* when the last heartbeat came */
} capture;

/* Adds output to a capture; beyond the limit (or without memory) sets r->overflow instead. */
static void append(capture *c, int which, const char *data, size_t n)
{
	asl_process_result *r = c->r;
	char **buf = which ? &r->err : &r->out;
	size_t *len = which ? &r->err_len : &r->out_len, *cap = &c->cap[which];
	if (*len + n > MAX_CAPTURE) {
		r->overflow = 1;
		return;
	}
	if (*len + n + 1 > *cap) {
		size_t want = *cap ? *cap : 4096;
		while (want < *len + n + 1)
			want *= 2;
		if (want > MAX_CAPTURE + 1)
			want = MAX_CAPTURE + 1;
		char *nb = realloc(*buf, want);
		if (!nb) {
			r->overflow = 1;
			return;
		}
		*buf = nb;
		*cap = want;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Reads what pipe `k` (0 stdout, 1 stderr, 2 heartbeats) holds; closes it at its end. */
static void take(capture *c, int k)
{
	char buf[65536];
	ssize_t got = read(c->fds[k], buf, sizeof buf);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got <= 0) {
		close(c->fds[k]);
		c->fds[k] = -1;
	} else if (k == 2) {
		c->last_beat = monotonic_ms();
	} else {
		append(c, k, buf, (size_t)got);
	}
}

/* After the command exited: what its output pipes hold now, without waiting for an end that
 * a process outside the group could put off for ever. */
static void drain(capture *c)
{
	asl_process_result *r = c->r;
	for (int k = 0; k < 2; k++) {
		if (c->fds[k] < 0)
			continue;
		fcntl(c->fds[k], F_SETFL, O_NONBLOCK);
		size_t before;
		do {
			before = r->out_len + r->err_len;
			take(c, k);
		} while (c->fds[k] >= 0 && !r->overflow && r->out_len + r->err_len > before);
	}
}

/* Writes to the command's stdin: a command that does not read its input is fine, but the write
 * must not raise SIGPIPE in a process whose signals are not ours. */
static ssize_t write_input(int fd, const char *data, size_t n)
{
	asl_sigpipe_guard g;
	asl__sigpipe_block(&g);
	ssize_t put = write(fd, data, n);
	asl__sigpipe_restore(&g);
	return put;
}

/* A descriptor that becomes readable when the process exits (Linux's pidfd), or -1. */
static int exit_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Whether the command exited, leaving it unreaped: until waitpid its pid, and so its process
 * group's id, cannot be reused, so killing the group cannot hit a stranger. */
static int has_exited(pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof si);
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

static void child(const char *command, int in_fd, int out_fd, int err_fd, int hb_fd)
{
	setpgid(0, 0); /* its own process group, so a timeout kills grandchildren too */
	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	dup2(hb_fd, 3);
	for (int fd = 4; fd < 1024; fd++)
		close(fd);
	setenv("ASL_HEARTBEAT_FD", "3", 1);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

static void close_pipes(int (*p)[2], int n)
{
	for (int i = 0; i < n; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
}

/* How long the loop may wait in poll, at most `most` ms; -1 after setting r->timed_out or
 * r->heartbeat_timed_out when a limit has passed. */
static int wait_ms(asl_process_result *r, const capture *c, int64_t start, int64_t timeout_ms,
		   int64_t heartbeat_ms, int64_t most)
{
	int64_t now = monotonic_ms(), wait = most;
	if (timeout_ms > 0 && now - start >= timeout_ms) {
		r->timed_out = 1;
		return -1;
	}
	if (heartbeat_ms > 0 && now - c->last_beat >= heartbeat_ms) {
		r->heartbeat_timed_out = 1;
		return -1;
	}
	if (timeout_ms > 0 && start + timeout_ms - now < wait)
		wait = start + timeout_ms - now;
	if (heartbeat_ms > 0 && c->last_beat + heartbeat_ms - now < wait)
		wait = c->last_beat + heartbeat_ms - now;
	return (int)wait;
}

/* Writes more of the input to the command's stdin `to`; returns `to`, or -1 once it is closed
 * (all written, or the command closed its end). */
static int feed(int to, const char *input, size_t input_len, size_t *written)
{
	ssize_t put = write_input(to, input + *written, input_len - *written);
	if (put > 0)
		*written += (size_t)put;
	if ((put < 0 && errno != EAGAIN && errno != EINTR) || *written == input_len) {
		close(to);
		return -1;
	}
	return to;
}

/* Waits for the command and records how it ended. */
static void reap(pid_t pid, asl_process_result *r)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status)) {
		r->exit_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
		r->exit_status = -1;
	}
}

int asl_platform_run(const char *command, const char *input, size_t input_len, int64_t timeout_ms,
		     int64_t heartbeat_ms, const asl_cancel *cancel, asl_process_result *r)
{
	memset(r, 0, sizeof *r);
	int pipes[4][2]; /* stdin, stdout, stderr, heartbeats */
	for (int i = 0; i < 4; i++)
		if (pipe(pipes[i]) < 0) {
			close_pipes(pipes, i);
			return -1;
		}
	pid_t pid = fork();
	if (pid < 0) {
		close_pipes(pipes, 4);
		return -1;
	}
	if (pid == 0)
		child(command, pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1]);
	setpgid(pid, pid);
	for (int i = 0; i < 4; i++)
		close(pipes[i][i == 0 ? 0 : 1]);
	capture c = {r, {0, 0}, {pipes[1][0], pipes[2][0], pipes[3][0]}, monotonic_ms()};
	int64_t start = c.last_beat;
	int to = pipes[0][1], done_fd = exit_fd(pid), exited = 0;
	size_t written = 0;
	fcntl(to, F_SETFL, O_NONBLOCK);
	if (input_len == 0) {
		close(to);
		to = -1;
	}
	while (!exited && !r->overflow) {
		if (cancel && cancel->cancelled(cancel->ctx)) {
			r->cancelled = 1;
			break;
		}
		/* without a pidfd the exit is found by looking often, and very often once the
		 * pipes are closed (the command is ending); a cancel flag is polled too */
		int64_t most = cancel ? 50 : 1000;
		if (done_fd < 0)
			most = c.fds[0] < 0 && c.fds[1] < 0 && c.fds[2] < 0 ? 1 : POLL_EXIT_MS;
		int wait = wait_ms(r, &c, start, timeout_ms, heartbeat_ms, most);
		if (wait < 0)
			break;
		struct pollfd p[5] = {{c.fds[0], POLLIN, 0},
				      {c.fds[1], POLLIN, 0},
				      {c.fds[2], POLLIN, 0},
				      {to, POLLOUT, 0},
				      {done_fd, POLLIN, 0}};
		if (poll(p, 5, wait) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < 3; k++)
			if (c.fds[k] >= 0 && (p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				take(&c, k);
		if (to >= 0 && (p[3].revents & (POLLOUT | POLLERR | POLLHUP)))
			to = feed(to, input, input_len, &written);
		exited = done_fd >= 0 ? (p[4].revents & POLLIN) != 0 : has_exited(pid);
	}
	if (exited)
		drain(&c);
	/* on a timeout, a cancellation or too much output this stops the command; after it
	 * exited, what it left behind (the group id is still the unreaped command's) */
	kill(-pid, SIGKILL);
	reap(pid, r);
	if (to >= 0)
		close(to);
	for (int k = 0; k < 3; k++)
		if (c.fds[k] >= 0)
			close(c.fds[k]);
	if (done_fd >= 0)
		close(done_fd);
	return 0;
}

void asl_platform_process_free(asl_process_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
