/* Server-sent events for the execution page: the store is read once a second and
 * `data: {"status":"RUNNING","events":N}` goes out when the status or the event count
 * changed; the stream ends after the first one that is not RUNNING. A comment line every 15 s
 * keeps proxies and the browser from giving up, and a client that went away (its socket
 * closed) ends the stream at the next second rather than at the next write. The console's own
 * page polls GET /console/api/status (the same read, answered at once) instead: a browser has
 * 6 connections per server, and a held stream per tab would use them up. On shutdown the
 * streams end cleanly (their last chunk sent) before the daemon closes the connections. */
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

/* Waits up to a second, in steps so that a shutdown is seen soon; 1 when the client closed
 * its side meanwhile. */
static int client_gone(sv_server *srv, int fd)
{
	for (int step = 0; step < 10 && !stopping(srv); step++) {
		struct pollfd pfd = {fd, POLLIN | POLLRDHUP, 0};
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
			return 1;
		char byte;
		if (recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
			return 1;
		struct timespec tenth = {0, 100000000}; /* the client sent something: not ours */
		nanosleep(&tenth, NULL);
	}
	return 0;
}

int cn_execution_status(sv_server *srv, const char *arn, char status[16], int64_t *events)
{
	st_store *store = srv->store;
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_execution e;
	int rc = store->ops->execution_get(store, arn, &a, &e);
	if (!rc) {
		size_t len = e.status.len < 15 ? e.status.len : 15;
		memcpy(status, e.status.ptr, len);
		status[len] = '\0';
		for (size_t i = 0; i < len; i++)
			if ((status[i] < 'A' || status[i] > 'Z') && status[i] != '_')
				status[i] = '_'; /* it goes into JSON unescaped */
		*events = e.event_count;
	}
	asl_arena_destroy(&a);
	return rc;
}

static ssize_t next_chunk(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *s = cls;
	(void)pos;
	while (!s->ended) {
		if (stopping(s->srv))
			return MHD_CONTENT_READER_END_OF_STREAM;
		char status[16];
		int64_t events;
		if (cn_execution_status(s->srv, s->arn, status, &events))
			return MHD_CONTENT_READER_END_WITH_ERROR; /* the store failed: an error */
		int changed = events != s->events || strcmp(status, s->status);
		if (changed) {
			memcpy(s->status, status, sizeof status);
			s->events = events;
			s->ended = strcmp(s->status, "RUNNING") != 0;
		}
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
		if (client_gone(s->srv, s->fd))
			return MHD_CONTENT_READER_END_OF_STREAM; /* normal: a tab was closed */
	}
	return MHD_CONTENT_READER_END_OF_STREAM;
}

static void count_stream(sv_server *srv, int delta)
{
	pthread_mutex_lock(&srv->lock);
	srv->console_streams += delta;
	pthread_mutex_unlock(&srv->lock);
}

/* Called when the response is done with: after its last chunk went out, or the connection
 * closed. */
static void free_stream(void *cls)
{
	stream *s = cls;
	count_stream(s->srv, -1);
	free(s->arn);
	free(s);
}

void cn_events_drain(sv_server *srv, int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		pthread_mutex_lock(&srv->lock);
		int open = srv->console_streams;
		pthread_mutex_unlock(&srv->lock);
		if (!open)
			return;
		struct timespec step = {0, 20000000};
		nanosleep(&step, NULL);
	}
}

int cn_events(sv_server *srv, const char *arn, int fd, struct MHD_Response **out)
{
	*out = NULL;
	if (!arn || !*arn)
		return 400;
	char status[16];
	int64_t events;
	int rc = cn_execution_status(srv, arn, status, &events);
	if (rc)
		return rc < 0 ? 500 : 404;
	stream *s = calloc(1, sizeof *s);
	if (!s || !(s->arn = strdup(arn))) {
		free(s);
		return 500;
	}
	count_stream(srv, 1);
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
