/* GET /: the state machines (table#machines) and activities (table#activities), all of them,
 * through the List operations' pages. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console.h"

#define MAX_PAGES 100 /* 100 pages of 1000: more than anyone keeps on a local service */

/* Every item of a List operation's `key` array; NULL after an error page. */
static const asl_value *list_all(cn_page *p, const char *op, const char *key)
{
	asl_value *all = asl_array(&p->arena, 16);
	const char *token = NULL;
	for (int page = 0; page < MAX_PAGES; page++) {
		asl_value *req = cn_request(p, "nextToken", token, NULL);
		asl_object_set(&p->arena, req, "maxResults", 10, asl_integer(&p->arena, 1000));
		int status;
		const char *why;
		const asl_value *answer = cn_op(p, op, req, &status, &why);
		if (!answer) {
			cn_message_page(p, status, "The service failed", why);
			return NULL;
		}
		const asl_value *items = asl_object_get(answer, key, strlen(key));
		for (size_t i = 0; i < asl_array_len(items); i++)
			asl_array_push(&p->arena, all,
				       (asl_value *)asl_array_get(items, (int64_t)i));
		if (!(token = cn_str(answer, "nextToken")))
			break;
	}
	return all;
}

static void machines(cn_page *p, const asl_value *list)
{
	cn_put(p, "<h2>State machines</h2>\n<table id=\"machines\">\n"
		  "<thead><tr><th>Name</th><th>Type</th><th>Created</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < asl_array_len(list); i++) {
		const asl_value *m = asl_array_get(list, (int64_t)i);
		cn_put(p, "<tr class=\"machine\"><td class=\"name\"><a href=\"/state-machines/");
		cn_url(p, cn_str(m, "stateMachineArn"));
		cn_put(p, "\">");
		cn_esc(p, cn_str(m, "name"));
		cn_put(p, "</a></td><td class=\"type\">");
		cn_esc(p, cn_str(m, "type"));
		cn_put(p, "</td><td class=\"created\">");
		cn_iso_time(p, asl_object_get(m, "creationDate", 12));
		cn_put(p, "</td></tr>\n");
	}
	cn_put(p, "</tbody></table>\n");
	if (!asl_array_len(list))
		cn_put(p, "<p class=\"empty\">No state machines yet (CreateStateMachine makes "
			  "one).</p>\n");
}

static void activities(cn_page *p, const asl_value *list)
{
	cn_put(p, "<h2>Activities</h2>\n<table id=\"activities\">\n"
		  "<thead><tr><th>Name</th><th>ARN</th><th>Created</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < asl_array_len(list); i++) {
		const asl_value *a = asl_array_get(list, (int64_t)i);
		cn_put(p, "<tr class=\"activity\"><td class=\"name\">");
		cn_esc(p, cn_str(a, "name"));
		cn_put(p, "</td><td class=\"arn\">");
		cn_esc(p, cn_str(a, "activityArn"));
		cn_put(p, "</td><td class=\"created\">");
		cn_iso_time(p, asl_object_get(a, "creationDate", 12));
		cn_put(p, "</td></tr>\n");
	}
	cn_put(p, "</tbody></table>\n");
}

void cn_home(cn_page *p)
{
	const asl_value *m = list_all(p, "ListStateMachines", "stateMachines");
	const asl_value *a = m ? list_all(p, "ListActivities", "activities") : NULL;
	if (!a)
		return;
	cn_head(p, "Home");
	cn_put(p, "<h1>aslc console</h1>\n");
	machines(p, m);
	activities(p, a);
	cn_foot(p);
}
