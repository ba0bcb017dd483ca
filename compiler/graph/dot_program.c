/* graph_run_dot: SVG or PNG from DOT text by running graphviz's dot (aslc does not link
 * libgvc). No shell: the program is spawned with the DOT on its standard input and the image
 * read from its standard output, all three pipes served by one poll loop so that neither side
 * blocks the other on a full pipe; a dot that hangs is killed after a time limit. */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "graph.h"

extern char **environ;

#define TIMEOUT_MS 60000 /* $ASLC_DOT_TIMEOUT (seconds) changes it, for tests */
#define MAX_IMAGE (256u << 20)
#define MAX_STDERR 2048

typedef struct buffer {
	char *data;
	size_t len, cap;
	int failed; /* out of memory or over its limit */
} buffer;

static void append(buffer *b, const char *data, size_t n, size_t limit)
{
	if (b->failed || b->len + n > limit) {
		b->failed |= b->len + n > limit && limit == MAX_IMAGE;
		return; /* stderr past its limit is cut, the image is refused */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->data, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->data = p, b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = 0;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads what fd has into b; 0 at its end. */
static int drain(int fd, buffer *b, size_t limit)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof chunk);
	if (n > 0)
		append(b, chunk, (size_t)n, limit);
	return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) ? 0 : 1;
}

typedef struct child {
	pid_t pid;
	int in, out, errfd; /* our ends of its pipes */
} child;

static int spawn(const char *program, const char *format, child *c, char *err, size_t errlen)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(er, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot run graphviz's dot: %s", strerror(errno));
		for (int i = 0; i < 2; i++)
			close(in[i]), close(out[i]), close(er[i]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, er[1], 2);
	char type[16];
	snprintf(type, sizeof type, "-T%s", format);
	char *argv[] = {(char *)program, type, NULL};
	/* its own process group, so that a timeout kills what a wrapper script started too */
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	int rc = posix_spawnp(&c->pid, program, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]), close(out[1]), close(er[1]);
	if (rc != 0) {
		close(in[1]), close(out[0]), close(er[0]);
		if (rc == ENOENT)
			snprintf(
				err, errlen,
				"graphviz's dot is not installed (Debian: apt-get install graphviz); "
				"--format dot, mermaid and json need no program");
		else
			snprintf(err, errlen, "cannot run %s: %s", program, strerror(rc));
		return -1;
	}
	c->in = in[1], c->out = out[0], c->errfd = er[0];
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Feeds the DOT and collects both outputs until dot closes them or the time is up; 0, or
 * -1 on the timeout. A dot that exits early makes our write fail with EPIPE: SIGPIPE is
 * blocked in this thread meanwhile, and a pending one taken away after. */
static int exchange(child *c, const char *dot, size_t dot_len, buffer *out, buffer *errs,
		    long timeout_ms)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	size_t sent = 0;
	long deadline = now_ms() + timeout_ms;
	int timed_out = 0;
	while (c->out >= 0 || c->errfd >= 0) {
		struct pollfd p[3] = {
			{c->out, POLLIN, 0}, {c->errfd, POLLIN, 0}, {c->in, POLLOUT, 0}};
		long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		if (poll(p, 3, (int)(left < 1000 ? left : 1000)) < 0 && errno != EINTR)
			break;
		if (c->out >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(c->out, out, MAX_IMAGE))
			close(c->out), c->out = -1;
		if (c->errfd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(c->errfd, errs, MAX_STDERR))
			close(c->errfd), c->errfd = -1;
		if (c->in >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(c->in, dot + sent, dot_len - sent);
			if (n > 0)
				sent += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == dot_len)
				close(c->in), c->in = -1; /* its end: dot starts drawing */
		}
	}
	if (c->in >= 0)
		close(c->in);
	if (c->out >= 0)
		close(c->out);
	if (c->errfd >= 0)
		close(c->errfd);
	sigset_t pending;
	sigpending(&pending);
	if (sigismember(&pending, SIGPIPE) && !sigismember(&old, SIGPIPE)) {
		int sig;
		sigwait(&pipe_set, &sig);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return timed_out ? -1 : 0;
}

static int is_image(const buffer *b, const char *format)
{
	if (!strcmp(format, "png"))
		return b->len >= 8 && !memcmp(b->data, "\x89PNG\r\n\x1a\n", 8);
	return b->len >= 5 && (!memcmp(b->data, "<?xml", 5) || !memcmp(b->data, "<svg", 4));
}

/* The first line of dot's complaint, for the one-line error. */
static const char *first_line(buffer *b)
{
	if (!b->data)
		return "";
	b->data[strcspn(b->data, "\n")] = 0;
	return b->data;
}

char *graph_run_dot(const char *dot, size_t dot_len, const char *format, size_t *len, char *err,
		    size_t errlen)
{
	const char *program =
		getenv("ASLC_DOT") && *getenv("ASLC_DOT") ? getenv("ASLC_DOT") : "dot";
	const char *limit = getenv("ASLC_DOT_TIMEOUT");
	long timeout_ms = limit && atol(limit) > 0 ? atol(limit) * 1000 : TIMEOUT_MS;
	child c;
	if (spawn(program, format, &c, err, errlen) != 0)
		return NULL;
	buffer out = {0}, errs = {0};
	int timed_out = exchange(&c, dot, dot_len, &out, &errs, timeout_ms) != 0;
	if (timed_out)
		kill(-c.pid, SIGKILL); /* the group: dot, or a wrapper and its children */
	int status = 0;
	while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
		;
	char *image = NULL;
	if (timed_out)
		snprintf(err, errlen, "graphviz's dot took longer than %ld s and was stopped",
			 timeout_ms / 1000);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(err, errlen,
			 "graphviz's dot is not installed (Debian: apt-get install graphviz); "
			 "--format dot, mermaid and json need no program");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(err, errlen, "graphviz's dot failed (%s %d): %s",
			 WIFEXITED(status) ? "exit status" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			 first_line(&errs));
	else if (out.failed)
		snprintf(err, errlen, "graphviz's dot wrote more than 256 MiB, or memory ran out");
	else if (!is_image(&out, format))
		snprintf(err, errlen, "graphviz's dot wrote no %s image: %s", format,
			 first_line(&errs));
	else
		image = out.data, *len = out.len, out.data = NULL;
	free(out.data);
	free(errs.data);
	return image;
}
