/* Batch mode's input: standard input split into lines, read in large blocks, each line kept up
 * to a limit and the rest of a longer one skipped, so that no line can fill the memory. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"

#define BLOCK (256u << 10)

int asl__bytes_add(asl_bytes *b, const char *s, size_t n)
{
	if (b->cap - b->len < n + 1) { /* a NUL always fits after the bytes */
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->len < n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -1;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void asl__bytes_free(asl_bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void asl__bytes_trim(asl_bytes *b, size_t keep)
{
	if (b->cap > keep)
		asl__bytes_free(b);
}

int asl__lines_open(asl_lines *r, int fd, int wake_fd)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->wake_fd = wake_fd;
	r->buf = malloc(BLOCK);
	return r->buf ? 0 : -1;
}

void asl__lines_close(asl_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Waits until the input or wake_fd is readable: 0, or -2 for wake_fd. Says so to on_stall
 * first when the input has nothing yet (a pipe whose writer is slow or interactive). */
static int await_input(asl_lines *r)
{
	struct pollfd p[2] = {{r->fd, POLLIN, 0}, {r->wake_fd, POLLIN, 0}};
	nfds_t n = r->wake_fd >= 0 ? 2 : 1;
	int timeout = 0;
	for (;;) {
		int k = poll(p, n, timeout);
		if (k < 0 && errno != EINTR)
			return 0; /* a descriptor poll cannot wait on: read() will tell */
		if (k > 0 && n == 2 && p[1].revents)
			return -2;
		if (k > 0)
			return 0;
		if (timeout == 0 && r->on_stall)
			r->on_stall(r->stall_user);
		timeout = -1;
	}
}

/* Reads the next block: its size, 0 at the end of the input, -1 or -2 as asl__lines_next. */
static int fill(asl_lines *r)
{
	for (;;) {
		int w = await_input(r);
		if (w < 0)
			return w;
		ssize_t got = read(r->fd, r->buf, BLOCK);
		if (got >= 0) {
			r->start = 0;
			r->end = (size_t)got;
			return got > 0;
		}
		if (errno != EINTR && errno != EAGAIN) {
			r->error = errno;
			return -1;
		}
	}
}

int asl__lines_next(asl_lines *r, int keep, size_t limit, asl_bytes *dst, int *too_big)
{
	int any = 0;
	*too_big = 0;
	if (keep)
		dst->len = 0;
	for (;;) {
		if (r->start == r->end) {
			if (r->eof)
				break;
			int f = fill(r);
			if (f < 0)
				return f;
			r->eof = f == 0;
			continue;
		}
		any = 1;
		const char *p = r->buf + r->start;
		const char *nl = memchr(p, '\n', r->end - r->start);
		size_t take = nl ? (size_t)(nl - p) : r->end - r->start;
		if (keep) {
			size_t room = limit - (dst->len < limit ? dst->len : limit);
			size_t n = take < room ? take : room;
			*too_big |= n < take;
			if (asl__bytes_add(dst, p, n) < 0)
				return -1;
		}
		r->start += take + (nl != NULL);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	r->number++;
	return 1;
}
