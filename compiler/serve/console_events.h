/* GET /console/events?execution=ARN: server-sent events while an execution runs (http.c
 * queues the response this makes). */
#ifndef ASLC_SERVE_CONSOLE_EVENTS_H
#define ASLC_SERVE_CONSOLE_EVENTS_H

#include <microhttpd.h>

#include "server.h"

/* The event stream of `arn` for the client on socket `fd`: 200 with *out, or 400 (no ARN) or
 * 404 (no such execution) or 500 (the store failed) and *out NULL. */
int cn_events(sv_server *srv, const char *arn, int fd, struct MHD_Response **out);

#endif
