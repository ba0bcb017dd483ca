/* GET /executions/ARN: the execution's status (span#status, the Stop button while it runs),
 * its graph with the history drawn over it, the events table and the step-details panel that
 * app.js fills from part D's JSON. ?fragment=graph|events|status answers just that part, which
 * the page reloads while the execution runs. The events table shows 1000 events a page
 * (?events_after=ID, a#events-next): 10,000 events would be a page of megabytes. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "console.h"

#define EVENTS_PAGE 1000

typedef struct execution {
	const char *arn;
	const asl_value *describe; /* DescribeExecution's answer */
	const asl_value *history; /* {"events":[...]} */
} execution;

static void status_part(cn_page *p, const execution *x)
{
	const char *status = cn_str(x->describe, "status");
	cn_put(p, "Status: <span id=\"status\" data-status=\"");
	cn_esc(p, status);
	cn_put(p, "\">");
	cn_esc(p, status);
	cn_put(p, "</span>\n");
	if (status && !strcmp(status, "RUNNING")) {
		cn_put(p, "<form id=\"stop-form\" method=\"POST\" action=\"/console/stop\">"
			  "<input type=\"hidden\" name=\"executionArn\" value=\"");
		cn_esc(p, x->arn);
		cn_put(p, "\"><button id=\"stop-button\" type=\"submit\">Stop execution</button>"
			  "</form>\n");
	}
}

/* The event's *EventDetails member (each event has at most one), or NULL. */
static const asl_value *details_of(const asl_value *ev)
{
	for (size_t i = 0; i < asl_object_len(ev); i++) {
		size_t klen;
		const char *k = asl_object_key(ev, i, &klen);
		if (klen > 12 && !memcmp(k + klen - 12, "EventDetails", 12))
			return asl_object_value(ev, i);
	}
	return NULL;
}

static void event_row(cn_page *p, const asl_value *ev)
{
	char id[32];
	asl_format_number(id, sizeof id, asl_number_value(asl_object_get(ev, "id", 2)), 1);
	cn_printf(p,
		  "<tr class=\"event\" id=\"event-%s\"><td class=\"id\">%s</td><td class=\"type\">",
		  id, id);
	cn_esc(p, cn_str(ev, "type"));
	cn_put(p, "</td><td class=\"timestamp\">");
	cn_iso_time(p, asl_object_get(ev, "timestamp", 9));
	cn_put(p, "</td><td class=\"details\">");
	const asl_value *d = details_of(ev);
	const char *state = cn_str(d, "name");
	if (state) {
		cn_put(p, "<a class=\"state-link\" href=\"#state=");
		cn_url(p, state);
		cn_put(p, "\" data-state=\"");
		cn_esc(p, state);
		cn_put(p, "\">");
		cn_esc(p, state);
		cn_put(p, "</a>");
	}
	if (d) {
		size_t len;
		const char *json = asl_to_json(&p->arena, d, &len);
		cn_put(p, "<pre>");
		cn_pretty_json(p, json, len);
		cn_put(p, "</pre>");
	}
	cn_put(p, "</td></tr>\n");
}

static void events_part(cn_page *p, const execution *x)
{
	const asl_value *events = asl_object_get(x->history, "events", 6);
	size_t n = asl_array_len(events);
	const char *from = p->arg(p->arg_user, "events_after");
	size_t first = from ? (size_t)strtoull(from, NULL, 10) : 0; /* ids are 1..n in order */
	if (first >= n) /* past the end (a stale or hand-made link): the last page */
		first = n ? (n - 1) / EVENTS_PAGE * EVENTS_PAGE : 0;
	size_t last = first + EVENTS_PAGE < n ? first + EVENTS_PAGE : n;
	if (first < last && (first || last < n))
		cn_printf(p, "<p class=\"events-range\">Events %zu to %zu of %zu.</p>\n", first + 1,
			  last, n);
	cn_put(p, "<table id=\"events\">\n<thead><tr><th>ID</th><th>Type</th><th>Time (UTC)</th>"
		  "<th>Details</th></tr></thead><tbody>\n");
	for (size_t i = first; i < last; i++)
		event_row(p, asl_array_get(events, (int64_t)i));
	cn_put(p, "</tbody></table>\n");
	if (first) {
		cn_put(p, "<a id=\"events-previous\" href=\"/executions/");
		cn_url(p, x->arn);
		cn_printf(p, "?events_after=%zu\">Previous events</a>\n",
			  first > EVENTS_PAGE ? first - EVENTS_PAGE : 0);
	}
	if (last < n) {
		cn_put(p, "<a id=\"events-next\" href=\"/executions/");
		cn_url(p, x->arn);
		cn_printf(p, "?events_after=%zu\">Next events</a>\n", last);
	}
}

static void graph_part(cn_page *p, const execution *x)
{
	int code;
	const char *why;
	const asl_value *m = cn_op(p, "DescribeStateMachineForExecution",
				   cn_request(p, "executionArn", x->arn, NULL), &code, &why);
	const char *definition = cn_str(m, "definition");
	if (!definition) {
		cn_put(p, "<p class=\"graph-note\">");
		cn_esc(p, why ? why : "The definition is not available.");
		cn_put(p, "</p>\n");
		return;
	}
	size_t len;
	const char *history = asl_to_json(&p->arena, x->history, &len);
	cn_graph(p, cn_str(m, "name"), definition, strlen(definition), history, history ? len : 0);
}

static void pre_json(cn_page *p, const char *title, const char *cls, const char *json)
{
	if (!json)
		return;
	cn_printf(p, "<dt>%s</dt><dd><pre class=\"%s\">", title, cls);
	cn_pretty_json(p, json, strlen(json));
	cn_put(p, "</pre></dd>\n");
}

static void summary(cn_page *p, const execution *x)
{
	const asl_value *d = x->describe;
	cn_put(p, "<dl class=\"summary\"><dt>State machine</dt><dd><a href=\"/state-machines/");
	cn_url(p, cn_str(d, "stateMachineArn"));
	cn_put(p, "\">");
	cn_esc(p, cn_str(d, "stateMachineArn"));
	cn_put(p, "</a></dd>\n<dt>Started</dt><dd class=\"started\">");
	cn_iso_time(p, asl_object_get(d, "startDate", 9));
	cn_put(p, "</dd>\n");
	if (asl_object_get(d, "stopDate", 8)) {
		cn_put(p, "<dt>Stopped</dt><dd class=\"stopped\">");
		cn_iso_time(p, asl_object_get(d, "stopDate", 8));
		cn_put(p, "</dd>\n");
	}
	pre_json(p, "Input", "execution-input", cn_str(d, "input"));
	pre_json(p, "Output", "execution-output", cn_str(d, "output"));
	const char *error = cn_str(d, "error"), *cause = cn_str(d, "cause");
	if (error || cause) {
		cn_put(p, "<dt>Error</dt><dd class=\"execution-error\">");
		cn_esc(p, error);
		cn_put(p, cause ? ": " : "");
		cn_esc(p, cause);
		cn_put(p, "</dd>\n");
	}
	cn_put(p, "</dl>\n");
}

static void details_panel(cn_page *p)
{
	static const char *const steps[] = {"afterInputPath", "afterParameters",
					    "afterResultSelector", "afterResultPath", NULL};
	cn_put(p,
	       "<div id=\"details\" class=\"details\" hidden tabindex=\"-1\">\n"
	       "<h2 id=\"details-name\"></h2>\n<p id=\"details-note\" class=\"note\"></p>\n"
	       "<label for=\"details-visit\">Visit</label> <select id=\"details-visit\">"
	       "</select>\n<h3>Input</h3><pre id=\"details-input\"></pre>\n"
	       "<h3>Output</h3><pre id=\"details-output\"></pre>\n"
	       "<h3>Variables</h3><pre id=\"details-variables\"></pre>\n"
	       "<div id=\"details-error\"></div>\n<h3>Data flow</h3><dl id=\"details-dataflow\">");
	for (int i = 0; steps[i]; i++)
		cn_printf(p, "<dt>%s</dt><dd id=\"details-%s\" data-field=\"%s\"></dd>", steps[i],
			  steps[i], steps[i]);
	cn_put(p, "</dl>\n</div>\n");
}

static void whole_page(cn_page *p, const execution *x)
{
	const char *name = cn_str(x->describe, "name");
	cn_head(p, name);
	cn_put(p, "<h1>");
	cn_esc(p, name);
	cn_put(p, "</h1>\n<div id=\"status-part\">");
	status_part(p, x);
	cn_put(p, "</div>\n");
	asl_value *data = asl_object(&p->arena, 3);
	asl_object_set(&p->arena, data, "execution", 9, asl_cstring(&p->arena, x->arn));
	asl_object_set(&p->arena, data, "status", 6,
		       asl_cstring(&p->arena, cn_str(x->describe, "status")));
	asl_object_set(&p->arena, data, "events", 6,
		       asl_integer(&p->arena, (int64_t)asl_array_len(
						      asl_object_get(x->history, "events", 6))));
	size_t len;
	const char *json = asl_to_json(&p->arena, data, &len);
	cn_script_json(p, "console-data", json, len);
	summary(p, x);
	cn_put(p, "<div class=\"panes\"><div id=\"graph\" class=\"graph\">");
	graph_part(p, x);
	cn_put(p, "</div>\n");
	details_panel(p);
	cn_put(p, "</div>\n<h2>Map iterations</h2>\n<div id=\"map-grid\"></div>\n"
		  "<h2>Events</h2>\n<div id=\"events-part\">");
	events_part(p, x);
	cn_put(p, "</div>\n");
	cn_foot(p);
}

void cn_execution(cn_page *p, const char *arn, const char *fragment)
{
	int code;
	const char *why;
	execution x = {arn, NULL, NULL};
	x.describe = cn_op(p, "DescribeExecution", cn_request(p, "executionArn", arn, NULL), &code,
			   &why);
	if (x.describe)
		x.history = cn_history(p, arn, &code, &why);
	if (!x.describe || !x.history) {
		cn_message_page(p, cn_not_found_or(code, why), "No such execution", why);
		return;
	}
	if (!fragment)
		whole_page(p, &x);
	else if (!strcmp(fragment, "graph"))
		graph_part(p, &x);
	else if (!strcmp(fragment, "events"))
		events_part(p, &x);
	else if (!strcmp(fragment, "status"))
		status_part(p, &x);
	else
		cn_message_page(p, 400, "Bad request", "fragment is graph, events or status.");
}
