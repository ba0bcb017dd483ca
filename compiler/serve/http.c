/* The service's HTTP side (libmicrohttpd, a thread per connection so a long poll may simply
 * block): POST / with the body collected whole, dispatched by X-Amz-Target; answers are
 * Content-Length-delimited so clients keep their connections. GET requests and the console's
 * POST /console/... go to the console (console_http.c). */
#define _POSIX_C_SOURCE 200809L
#include "http.h"
#include "console_http.h"
#include "sigv4.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (4u << 20) /* a 1 MiB definition, JSON-escaped inside the request */

typedef struct request {
	char *body;
	size_t len, cap;
	int too_large;
} request;

/* The region of the credential scope: Credential=AKID/DATE/REGION/states/aws4_request. */
static const char *scope_region(asl_arena *a, const char *auth)
{
	const char *cred = auth ? strstr(auth, "Credential=") : NULL;
	if (!cred)
		return NULL;
	const char *p = strchr(cred, '/');
	p = p ? strchr(p + 1, '/') : NULL;
	const char *end = p ? strchr(p + 1, '/') : NULL;
	if (!end || end - p - 1 < 1 || end - p - 1 > 40)
		return NULL;
	return sv_printf(a, "%.*s", (int)(end - p - 1), p + 1);
}

static enum MHD_Result reply(struct MHD_Connection *conn, int status, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	char id[37];
	sv_uuid(id);
	MHD_add_response_header(r, "Content-Type", "application/x-amz-json-1.0");
	MHD_add_response_header(r, "x-amzn-RequestId", id);
	if (type)
		MHD_add_response_header(r, "X-Amzn-ErrorType", type);
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return rc;
}

static const char *header_of(void *user, const char *name)
{
	return MHD_lookup_connection_value(user, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **state)
{
	sv_server *srv = cls;
	(void)version;
	request *req = *state;
	if (!req) {
		if (!(req = calloc(1, sizeof *req)))
			return MHD_NO;
		*state = req;
		return MHD_YES;
	}
	if (*size) { /* more of the body */
		if (req->len + *size > MAX_BODY) {
			req->too_large = 1;
		} else {
			if (req->len + *size > req->cap) {
				size_t cap = req->cap ? req->cap : 4096;
				while (cap < req->len + *size)
					cap *= 2;
				char *grown = realloc(req->body, cap);
				if (!grown)
					return MHD_NO;
				req->body = grown;
				req->cap = cap;
			}
			memcpy(req->body + req->len, data, *size);
			req->len += *size;
		}
		*size = 0;
		return MHD_YES;
	}
	if (cn_wants(method, url))
		return cn_http(srv, conn, method, url, req->body, req->len, req->too_large);
	sv_call c;
	char why[256];
	int bad;
	sv_call_init(&c, srv);
	if (strcmp(method, "POST") || strcmp(url, "/")) {
		sv_error_status(&c, 404, "UnknownOperationException",
				"Only POST / is served (AWS JSON 1.0).");
	} else if (req->too_large) {
		sv_error_status(&c, 413, "ValidationException",
				"The request is larger than %s bytes.", "4194304");
	} else if (srv->cfg.auth_key &&
		   (bad = sv_sigv4_check(srv->cfg.auth_key, srv->cfg.auth_secret, method, url,
					 header_of, conn, req->body ? req->body : "", req->len, why,
					 sizeof why)) < 0) {
		sv_error_status(&c, bad == -3 ? 403 : 400,
				bad == -1   ? "InvalidSignatureException"
				: bad == -2 ? "UnrecognizedClientException"
					    : "MissingAuthenticationTokenException",
				"%s", why);
	} else {
		const char *target =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Amz-Target");
		const char *auth =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
		c.region = scope_region(&c.arena, auth);
		if (!c.region)
			c.region = srv->cfg.region;
		sv_dispatch(&c, target ? target : "", req->body ? req->body : "", req->len);
	}
	enum MHD_Result rc =
		reply(conn, c.status, c.error_type, c.out.buf.data ? c.out.buf.data : "{}",
		      c.out.buf.data ? c.out.buf.len : 2);
	sv_call_free(&c);
	return rc;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **state,
		    enum MHD_RequestTerminationCode code)
{
	(void)cls, (void)conn, (void)code;
	request *req = *state;
	if (req) {
		free(req->body);
		free(req);
	}
	*state = NULL;
}

struct sv_http {
	struct MHD_Daemon *daemon;
};

sv_http *sv_http_start(sv_server *srv, const char *host, int port, int *bound_port, char *err,
		       size_t errlen)
{
	struct addrinfo hints = {0}, *ai = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	char service[16];
	snprintf(service, sizeof service, "%d", port);
	int gai = getaddrinfo(host, service, &hints, &ai);
	if (gai) {
		snprintf(err, errlen, "cannot resolve host '%s': %s", host, gai_strerror(gai));
		return NULL;
	}
	unsigned flags =
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	sv_http *h = calloc(1, sizeof *h);
	if (!h) {
		freeaddrinfo(ai);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, srv,
				     MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_NOTIFY_COMPLETED,
				     on_done, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000, MHD_OPTION_END);
	freeaddrinfo(ai);
	if (!h->daemon) {
		snprintf(err, errlen, "cannot listen on %s:%d (in use, or not allowed)", host,
			 port);
		free(h);
		return NULL;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	*bound_port = info ? info->port : port;
	return h;
}

void sv_http_stop(sv_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
