/* http.c's way into the console (console_http.c). */
#ifndef ASLC_SERVE_CONSOLE_HTTP_H
#define ASLC_SERVE_CONSOLE_HTTP_H

#include <microhttpd.h>
#include <stddef.h>

#include "server.h"

/* Whether a request is the console's: any GET or HEAD, and POST /console/... (console.c). */
int cn_wants(const char *method, const char *url);
/* Answers a console request whose body (a form) has been read whole. */
enum MHD_Result cn_http(sv_server *srv, struct MHD_Connection *conn, const char *method,
			const char *url, const char *body, size_t len, int too_large);

/* Whether a Host header names the server by an IP address, localhost or a --console-host
 * name (the defence against DNS rebinding). */
int cn_host_allowed(const sv_config *cfg, const char *host);

#endif
