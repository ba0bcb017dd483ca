/* POSIX: running an exec task's command with its input on stdin, collecting stdout and
 * stderr, heartbeats on file descriptor 3, and killing the whole process group on timeout. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asl/platform.h"

#define MAX_CAPTURE (64u << 20) /* refuse to buffer more than this from one command */

static int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int append(asl_process_result *r, int which, const char *data, size_t n)
{
	char **buf = which ? &r->err : &r->out;
	size_t *len = which ? &r->err_len : &r->out_len;
	if (*len + n > MAX_CAPTURE) {
		r->overflow = 1;
		return 0;
	}
	char *nb = realloc(*buf, *len + n + 1);
	if (!nb)
		return -1;
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return 0;
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

int asl_platform_run(const char *command, const char *input, size_t input_len,
		     int64_t timeout_ms, int64_t heartbeat_ms, const asl_cancel *cancel,
		     asl_process_result *r)
{
	memset(r, 0, sizeof *r);
	int in[2], out[2], err[2], hb[2];
	if (pipe(in) < 0 || pipe(out) < 0 || pipe(err) < 0 || pipe(hb) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(command, in[0], out[1], err[1], hb[1]);
	setpgid(pid, pid);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(hb[1]);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN); /* a command that does not read its input is fine */
	size_t written = 0;
	if (input_len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	int64_t start = monotonic_ms(), last_beat = start;
	int open_fds = 3;
	while (open_fds > 0 || in[1] >= 0) {
		struct pollfd p[4] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {hb[0], POLLIN, 0},
				      {in[1], POLLOUT, 0}};
		int64_t now = monotonic_ms(), wait = cancel ? 50 : 1000;
		if (cancel && cancel->cancelled(cancel->ctx)) {
			r->cancelled = 1;
			break;
		}
		if (timeout_ms > 0 && start + timeout_ms - now < wait)
			wait = start + timeout_ms - now;
		if (heartbeat_ms > 0 && last_beat + heartbeat_ms - now < wait)
			wait = last_beat + heartbeat_ms - now;
		if (timeout_ms > 0 && now - start >= timeout_ms) {
			r->timed_out = 1;
			break;
		}
		if (heartbeat_ms > 0 && now - last_beat >= heartbeat_ms) {
			r->heartbeat_timed_out = 1;
			break;
		}
		int n = poll(p, 4, (int)(wait > 1000 ? 1000 : wait < 0 ? 0 : wait));
		if (n < 0 && errno != EINTR)
			break;
		char buf[65536];
		for (int k = 0; k < 3; k++) {
			if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t got = read(p[k].fd, buf, sizeof buf);
			if (got <= 0) {
				close(p[k].fd);
				if (k == 0)
					out[0] = -1;
				else if (k == 1)
					err[0] = -1;
				else
					hb[0] = -1;
				open_fds--;
			} else if (k == 2) {
				last_beat = monotonic_ms();
			} else if (append(r, k, buf, (size_t)got) < 0) {
				r->timed_out = 0;
				goto done;
			}
		}
		if (in[1] >= 0 && (p[3].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t put = write(in[1], input + written, input_len - written);
			if (put > 0)
				written += (size_t)put;
			if (put < 0 || written == input_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
done:
	if (r->timed_out || r->heartbeat_timed_out || r->cancelled)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	if (hb[0] >= 0)
		close(hb[0]);
	if (WIFEXITED(status)) {
		r->exit_status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
		r->exit_status = -1;
	}
	return 0;
}

void asl_platform_process_free(asl_process_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
