/* GET /console/events?execution=ARN: server-sent events while an execution runs (http.c
 * queues the response this makes). */
#ifndef ASLC_SERVE_CONSOLE_EVENTS_H
#define ASLC_SERVE_CONSOLE_EVENTS_H

#include <microhttpd.h>

#include "server.h"

/* The event stream of `arn` for the client on socket `fd`: 200 with *out, or 400 (no ARN) or
 * 404 (no such execution) or 500 (the store failed) and *out NULL. */
int cn_events(sv_server *srv, const char *arn, int fd, struct MHD_Response **out);

/* The execution's status (A-Z and _ only) and event count, as the store has them: 0, or
 * the store's code (> 0: no such execution, < 0: it failed). */
int cn_execution_status(sv_server *srv, const char *arn, char status[16], int64_t *events);
/* At shutdown (srv->stopping set): waits up to `ms` for the open streams to send their last
 * chunk, so that clients see a complete response rather than a cut connection. */
void cn_events_drain(sv_server *srv, int ms);

#endif
