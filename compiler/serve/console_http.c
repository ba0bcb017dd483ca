/* The console's side of http.c: a console request (any GET, and POST /console/...) answered
 * from cn_handle's page or, for /console/events, as an event stream. The console is not
 * served with --auth (pages cannot sign requests), and a POST from another origin is refused,
 * so a web page elsewhere cannot start or stop executions through the browser. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console.h"
#include "console_events.h"
#include "console_http.h"

static const char *query_arg(void *user, const char *key)
{
	return MHD_lookup_connection_value(user, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result send_page(struct MHD_Connection *conn, cn_page *p)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		p->out.len, p->out.data ? p->out.data : (void *)"", MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", p->type ? p->type : "text/html; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
	if (p->location)
		MHD_add_response_header(r, "Location", p->location);
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)p->status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A POST's Origin, when the browser sent one, must be this server ("http://" + Host). */
static int same_origin(struct MHD_Connection *conn)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	if (!origin)
		return 1;
	return host && !strncmp(origin, "http://", 7) && !strcmp(origin + 7, host);
}

static enum MHD_Result events(struct MHD_Connection *conn, sv_server *srv, cn_page *p)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct MHD_Response *r = NULL;
	int status = cn_events(srv, query_arg(conn, "execution"), info ? info->connect_fd : -1, &r);
	if (!r) {
		cn_message_page(p, status, "No event stream",
				status == 400   ? "The request names no execution."
				: status == 404 ? "There is no such execution."
						: "The service's store failed.");
		return send_page(conn, p);
	}
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

enum MHD_Result cn_http(sv_server *srv, struct MHD_Connection *conn, const char *method,
			const char *url, const char *body, size_t len, int too_large)
{
	cn_page p;
	cn_page_init(&p, srv, query_arg, conn);
	enum MHD_Result rc;
	if (srv->cfg.auth_key)
		cn_message_page(&p, 403, "Forbidden",
				"The console is not served when aslc serve checks signatures "
				"(--auth).");
	else if (!strcmp(method, "POST") && !same_origin(conn))
		cn_message_page(&p, 403, "Forbidden", "The form was sent from another site.");
	else if (too_large)
		cn_message_page(&p, 413, "Too large", "The form is larger than 4 MiB.");
	else if (!strcmp(method, "GET") && !strcmp(url, "/console/events")) {
		rc = events(conn, srv, &p);
		cn_page_free(&p);
		return rc;
	} else
		cn_handle(&p, method, url, body ? body : "", len);
	rc = send_page(conn, &p);
	cn_page_free(&p);
	return rc;
}
