/* GET /state-machines/ARN: the machine's graph, its executions (form#status-filter, pages of
 * 50 through ListExecutions' own tokens: a#next-page) and form#start-form. The start action
 * shows it again with p.error when the input is not accepted. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console.h"

#define PAGE_SIZE 50

static const char *const STATUSES[] = {"RUNNING",   "SUCCEEDED", "FAILED",
				       "TIMED_OUT", "ABORTED",   NULL};

/* The ?status= filter when it is one of the five; NULL: all. */
static const char *status_filter(cn_page *p)
{
	const char *s = p->arg(p->arg_user, "status");
	for (int i = 0; s && STATUSES[i]; i++)
		if (!strcmp(s, STATUSES[i]))
			return STATUSES[i];
	return NULL;
}

static void filter_form(cn_page *p, const char *arn, const char *status)
{
	cn_put(p, "<form id=\"status-filter\" method=\"GET\" action=\"/state-machines/");
	cn_url(p, arn);
	cn_put(p,
	       "\"><label for=\"status-select\">Status</label> "
	       "<select id=\"status-select\" name=\"status\"><option value=\"ALL\">ALL</option>");
	for (int i = 0; STATUSES[i]; i++)
		cn_printf(p, "<option value=\"%s\"%s>%s</option>", STATUSES[i],
			  status == STATUSES[i] ? " selected" : "", STATUSES[i]);
	cn_put(p, "</select> <button type=\"submit\">Filter</button></form>\n");
}

static void executions(cn_page *p, const char *arn, const char *type)
{
	const char *status = status_filter(p);
	cn_put(p, "<h2>Executions</h2>\n");
	filter_form(p, arn, status);
	asl_value *req = cn_request(p, "stateMachineArn", arn, "statusFilter", status, "nextToken",
				    p->arg(p->arg_user, "next"), NULL);
	asl_object_set(&p->arena, req, "maxResults", 10, asl_integer(&p->arena, PAGE_SIZE));
	int code;
	const char *why;
	const asl_value *answer = cn_op(p, "ListExecutions", req, &code, &why);
	cn_put(p, "<table id=\"executions\">\n<thead><tr><th>Name</th><th>Status</th>"
		  "<th>Started</th><th>Stopped</th></tr></thead><tbody>\n");
	const asl_value *list = asl_object_get(answer, "executions", 10);
	for (size_t i = 0; i < asl_array_len(list); i++) {
		const asl_value *e = asl_array_get(list, (int64_t)i);
		cn_put(p, "<tr class=\"execution\" data-status=\"");
		cn_esc(p, cn_str(e, "status"));
		cn_put(p, "\"><td class=\"name\"><a href=\"/executions/");
		cn_url(p, cn_str(e, "executionArn"));
		cn_put(p, "\">");
		cn_esc(p, cn_str(e, "name"));
		cn_put(p, "</a></td><td class=\"status\">");
		cn_esc(p, cn_str(e, "status"));
		cn_put(p, "</td><td class=\"started\">");
		cn_iso_time(p, asl_object_get(e, "startDate", 9));
		cn_put(p, "</td><td class=\"stopped\">");
		cn_iso_time(p, asl_object_get(e, "stopDate", 8));
		cn_put(p, "</td></tr>\n");
	}
	cn_put(p, "</tbody></table>\n");
	if (!answer) {
		cn_put(p, "<p class=\"note\">");
		cn_esc(p, type && !strcmp(type, "EXPRESS")
				  ? "Express executions are not stored, so none are listed."
				  : why);
		cn_put(p, "</p>\n");
	}
	const char *next = cn_str(answer, "nextToken");
	if (next) {
		cn_put(p, "<p><a id=\"next-page\" href=\"/state-machines/");
		cn_url(p, arn);
		cn_put(p, "?next=");
		cn_url(p, next);
		if (status) {
			cn_put(p, "&amp;status=");
			cn_url(p, status);
		}
		cn_put(p, "\">Next page</a></p>\n");
	}
}

static void start_form(cn_page *p, const char *arn, const char *error, const char *name,
		       const char *input)
{
	cn_put(p, "<h2>Start an execution</h2>\n");
	if (error) {
		cn_put(p, "<p class=\"error\" role=\"alert\">");
		cn_esc(p, error);
		cn_put(p, "</p>\n");
	}
	cn_put(p, "<form id=\"start-form\" method=\"POST\" action=\"/console/start\">"
		  "<input type=\"hidden\" name=\"stateMachineArn\" value=\"");
	cn_esc(p, arn);
	cn_put(p, "\">\n<p><label for=\"start-name\">Name (optional)</label> "
		  "<input id=\"start-name\" name=\"name\" value=\"");
	cn_esc(p, name);
	cn_put(p, "\"></p>\n<p><label for=\"start-input\">Input (JSON)</label><br>"
		  "<textarea id=\"start-input\" name=\"input\" rows=\"8\" cols=\"60\">");
	cn_esc(p, input ? input : "{}");
	cn_put(p, "</textarea></p>\n<p><button id=\"start-button\" type=\"submit\">Start "
		  "execution</button></p></form>\n");
}

void cn_machine(cn_page *p, const char *arn, const char *error, const char *name, const char *input)
{
	int code;
	const char *why;
	const asl_value *m = cn_op(p, "DescribeStateMachine",
				   cn_request(p, "stateMachineArn", arn, NULL), &code, &why);
	if (!m) {
		cn_message_page(p, cn_not_found_or(code, why), "No such state machine", why);
		return;
	}
	const char *title = cn_str(m, "name");
	const char *definition = cn_str(m, "definition");
	if (error)
		p->status = 400;
	cn_head(p, title);
	cn_put(p, "<h1>");
	cn_esc(p, title);
	cn_put(p, "</h1>\n<p class=\"arn\">");
	cn_esc(p, arn);
	cn_put(p, " <span class=\"type\">");
	cn_esc(p, cn_str(m, "type"));
	cn_put(p, "</span></p>\n<div id=\"graph\" class=\"graph\">");
	cn_graph(p, title, definition, definition ? strlen(definition) : 0, NULL, 0);
	cn_put(p, "</div>\n");
	start_form(p, arn, error, name, input);
	executions(p, arn, cn_str(m, "type"));
	cn_foot(p);
}
