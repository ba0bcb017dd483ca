/* The console: server-rendered HTML pages of `aslc serve` on GET (the API stays POST /), as
 * issue 13's page contract fixes their ids and classes. What its files share:
 *
 *   console_http.c       http.c's way in: libmicrohttpd answers, --auth and Origin checks
 *   console.c            routing: a GET or a console POST to its page
 *   console_html.c       the page being built: escaping for HTML, URLs and <script> JSON
 *   console_op.c         the API's own operations, called in-process with a JSON request
 *   console_home.c       GET /                     state machines and activities
 *   console_machine.c    GET /state-machines/ARN   graph, executions, the start form
 *   console_execution.c  GET /executions/ARN       graph overlay, events, details panel
 *   console_graph.c      the SVG (or Mermaid text when dot is missing) of a definition
 *   console_events.c     GET /console/events       server-sent events while it runs
 *   console_actions.c    POST /console/start and /console/stop (form-encoded)
 *   console_assets.c     (generated) app.css and app.js, embedded at build time
 *   console_api.c        (part D) the JSON of steps and Map iterations that app.js reads */
#ifndef ASLC_SERVE_CONSOLE_H
#define ASLC_SERVE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"

/* How the page asks for its request's parameters: a query argument (GET) or a form field
 * (POST), decoded, or NULL when absent. */
typedef const char *(*cn_arg_fn)(void *user, const char *key);

/* One console answer under construction: everything lives in `arena` until it is sent. */
typedef struct cn_page {
	sv_server *srv;
	asl_arena arena;
	asl_buffer out; /* the body */
	int status; /* HTTP status, 200 unless set */
	const char *type; /* Content-Type; NULL: text/html */
	const char *location; /* a redirect's Location (with status 303) */
	cn_arg_fn arg;
	void *arg_user;
} cn_page;

/* ---- console.c ---- */
/* Builds the answer to GET `url` (decoded path) or POST `url` with a form `body`. */
void cn_handle(cn_page *p, const char *method, const char *url, const char *body, size_t len);
void cn_page_init(cn_page *p, sv_server *srv, cn_arg_fn arg, void *arg_user);
void cn_page_free(cn_page *p);

/* ---- console_html.c ---- */
void cn_put(cn_page *p, const char *s); /* raw HTML */
void cn_putn(cn_page *p, const char *s, size_t n);
void cn_printf(cn_page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cn_esc(cn_page *p, const char *s); /* HTML-escaped text or attribute value */
void cn_escn(cn_page *p, const char *s, size_t n);
void cn_url(cn_page *p, const char *s); /* percent-encoded (a path segment or query value) */
/* JSON text for a <script type="application/json">: "<" as \u003c so nothing closes it. */
void cn_script_json(cn_page *p, const char *id, const char *json, size_t len);
/* JSON text re-indented for a <pre>, HTML-escaped. */
void cn_pretty_json(cn_page *p, const char *json, size_t len);
/* An epoch-seconds number (as the API writes times) in ISO 8601 UTC with milliseconds. */
void cn_iso_time(cn_page *p, const asl_value *seconds);
/* <!DOCTYPE html> ... <nav> ... <main>, and its end. */
void cn_head(cn_page *p, const char *title);
void cn_foot(cn_page *p);
/* A whole page with just a message: 404s, 400s and store failures. */
void cn_message_page(cn_page *p, int status, const char *title, const char *message);
/* application/x-www-form-urlencoded: %XX and '+' decoded; the value of `key` in `a`, or NULL. */
const char *cn_form_value(asl_arena *a, const char *body, size_t len, const char *key);
/* A string member of an object as a NUL-terminated string, or NULL. */
const char *cn_str(const asl_value *obj, const char *key);

/* ---- console_op.c ---- */
/* Runs API operation `op` ("ListExecutions") on the request object `request`, as POST / would:
 * its answer parsed into p's arena, or NULL with *status and *message (the error's) set. */
const asl_value *cn_op(cn_page *p, const char *op, const asl_value *request, int *status,
		       const char **message);
/* The HTTP status of a failed operation for a page: 404 when its error (cn_op's *message, which
 * starts with the error type) says the thing does not exist, else `code` (400 for a malformed
 * ARN, 500 for the store). */
int cn_not_found_or(int code, const char *why);
/* A request object with string members: cn_request(p, "executionArn", arn, NULL). NULL values
 * leave their member out. */
asl_value *cn_request(cn_page *p, ...);
/* The whole history of an execution ({"events":[...]}, GetExecutionHistory's shape) as parsed
 * events, through GetExecutionHistory pages of 1000; NULL with *status and *message. */
const asl_value *cn_history(cn_page *p, const char *arn, int *status, const char **message);

/* ---- the pages ---- */
void cn_home(cn_page *p);
void cn_machine(cn_page *p, const char *arn, const char *error, const char *name,
		const char *input);
void cn_execution(cn_page *p, const char *arn, const char *fragment);
void cn_start(cn_page *p, const char *body, size_t len);
void cn_stop(cn_page *p, const char *body, size_t len);
/* console_graph.c: div#graph's content for a definition (history NULL: none). */
void cn_graph(cn_page *p, const char *name, const char *definition, size_t len, const char *history,
	      size_t history_len);
/* console_assets.c (generated) */
extern const char cn_app_css[], cn_app_js[];
extern const size_t cn_app_css_len, cn_app_js_len;

#endif
