/* Server-sent events for the execution page: the store is read once a second and
 * `data: {"status":"RUNNING","events":N}` goes out when the status or the event count
 * changed; the stream ends after the first one that is not RUNNING. A comment line every 15 s
 * keeps proxies and the browser from giving up, and a client that went away (its socket
 * closed) ends the stream at the next second rather than at the next write. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "console_events.h"

#define KEEP_ALIVE_MS 15000

typedef struct stream {
	sv_server *srv;
	char *arn;
	int fd;
	char status[16];
	int64_t events; /* -1: nothing sent yet */
	int64_t last_write_ms;
	int ended;
} stream;

static int stopping(sv_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	int s = srv->stopping;
	pthread_mutex_unlock(&srv->lock);
	return s;
}

/* Waits up to a second; 1 when the client closed its side meanwhile. */
static int client_gone(int fd)
{
	struct pollfd pfd = {fd, POLLIN | POLLRDHUP, 0};
	int n = poll(&pfd, 1, 1000);
	if (n <= 0)
		return 0;
	if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return 1;
	char byte;
	ssize_t got = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (got == 0)
		return 1;
	struct timespec second = {1, 0}; /* the client sent something: not ours to read */
	nanosleep(&second, NULL);
	return 0;
}

static ssize_t next_chunk(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *s = cls;
	(void)pos;
	while (!s->ended) {
		if (stopping(s->srv))
			return MHD_CONTENT_READER_END_OF_STREAM;
		st_store *store = s->srv->store;
		asl_arena a;
		asl_arena_init(&a, NULL);
		st_execution e;
		int rc = store->ops->execution_get(store, s->arn, &a, &e);
		if (rc) {
			asl_arena_destroy(&a);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		int changed = e.event_count != s->events || e.status.len != strlen(s->status) ||
			      memcmp(e.status.ptr, s->status, e.status.len);
		if (changed) {
			snprintf(s->status, sizeof s->status, "%.*s", (int)e.status.len,
				 e.status.ptr);
			s->events = e.event_count;
			s->ended = strcmp(s->status, "RUNNING") != 0;
		}
		asl_arena_destroy(&a);
		int64_t now = sv_now_ms();
		int n = 0;
		if (changed)
			n = snprintf(buf, max, "data: {\"status\":\"%s\",\"events\":%lld}\n\n",
				     s->status, (long long)s->events);
		else if (now - s->last_write_ms >= KEEP_ALIVE_MS)
			n = snprintf(buf, max, ": keep-alive\n\n");
		if (n > 0 && (size_t)n < max) {
			s->last_write_ms = now;
			return n;
		}
		if (client_gone(s->fd))
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	return MHD_CONTENT_READER_END_OF_STREAM;
}

static void free_stream(void *cls)
{
	stream *s = cls;
	free(s->arn);
	free(s);
}

int cn_events(sv_server *srv, const char *arn, int fd, struct MHD_Response **out)
{
	*out = NULL;
	if (!arn || !*arn)
		return 400;
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_execution e;
	int rc = srv->store->ops->execution_get(srv->store, arn, &a, &e);
	asl_arena_destroy(&a);
	if (rc)
		return rc < 0 ? 500 : 404;
	stream *s = calloc(1, sizeof *s);
	if (!s || !(s->arn = strdup(arn))) {
		free(s);
		return 500;
	}
	s->srv = srv;
	s->fd = fd;
	s->events = -1;
	s->last_write_ms = sv_now_ms();
	*out = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, next_chunk, s,
						 free_stream);
	if (!*out) {
		free_stream(s);
		return 500;
	}
	MHD_add_response_header(*out, "Content-Type", "text/event-stream");
	MHD_add_response_header(*out, "Cache-Control", "no-cache");
	return 200;
}
