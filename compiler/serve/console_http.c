/* The console's side of http.c: a console request (any GET, and POST /console/...) answered
 * from cn_handle's page or, for /console/events, as an event stream. The console is not
 * served with --auth (pages cannot sign requests). A web page elsewhere must not reach it
 * through the browser: a request must name the server by an IP address or localhost (or a
 * --console-host name) in its Host header, since DNS rebinding needs a domain name that points
 * at us; and a POST must come from the console's own origin (Origin, or Sec-Fetch-Site). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

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

/* Whether Host ("name", "name:port", "[v6]:port") names the server as allowed: a literal
 * IP address, localhost, or a --console-host name. The port is not checked: the name is what
 * a rebinding page controls. */
int cn_host_allowed(const sv_config *cfg, const char *host)
{
	if (!host || !*host)
		return 0;
	char name[256];
	const char *end;
	if (host[0] == '[') {
		if (!(end = strchr(host, ']')) || (end[1] && end[1] != ':') ||
		    (size_t)(end - host - 1) >= sizeof name)
			return 0;
		memcpy(name, host + 1, (size_t)(end - host - 1));
		name[end - host - 1] = '\0';
		struct in6_addr a6;
		return inet_pton(AF_INET6, name, &a6) == 1;
	}
	end = strchr(host, ':');
	size_t len = end ? (size_t)(end - host) : strlen(host);
	if (len >= sizeof name || (end && strchr(end + 1, ':')))
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	struct in_addr a4;
	if (inet_pton(AF_INET, name, &a4) == 1 || !strcasecmp(name, "localhost"))
		return 1;
	for (int i = 0; i < cfg->console_host_count; i++)
		if (!strcasecmp(name, cfg->console_hosts[i]))
			return 1;
	return 0;
}

/* A POST must come from this server's own pages: its Origin is "http://" + Host, or, without
 * an Origin, Sec-Fetch-Site says same-origin. A request with neither is refused (curl users
 * add -H "Origin: http://HOST:PORT"). */
static int same_origin(struct MHD_Connection *conn)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *site = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (!origin)
		return site && !strcmp(site, "same-origin");
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
	else if (!cn_host_allowed(&srv->cfg,
				  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host")))
		cn_message_page(
			&p, 403, "Forbidden",
			"This console answers only requests to an IP address or localhost "
			"(http://127.0.0.1:PORT/): a request to a domain name may come from "
			"another web site through DNS rebinding. Start aslc serve with "
			"--console-host NAME to allow a name.");
	else if (!strcmp(method, "POST") && !same_origin(conn))
		cn_message_page(&p, 403, "Forbidden",
				"The form was not sent from this console (no Origin or "
				"Sec-Fetch-Site: same-origin, or another site's).");
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
