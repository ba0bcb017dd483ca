/* The service's HTTP listener (http.c). */
#ifndef ASLC_SERVE_HTTP_H
#define ASLC_SERVE_HTTP_H

#include <stddef.h>

#include "server.h"

typedef struct sv_http sv_http;

/* Listens on host:port (0: any free port; the port bound in *bound_port). NULL with a message. */
sv_http *sv_http_start(sv_server *srv, const char *host, int port, int *bound_port, char *err,
		       size_t errlen);
/* Stops listening and waits for the connections' threads. */
void sv_http_stop(sv_http *h);

#endif
