/* The console's two actions, posted as forms (application/x-www-form-urlencoded):
 * POST /console/start (stateMachineArn, name, input) and POST /console/stop (executionArn).
 * Both run the API operations themselves and answer 303 to the execution's page; a start the
 * service refuses shows the machine's page again with the reason (400). */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console.h"

static void redirect_to_execution(cn_page *p, const char *arn)
{
	asl_buffer saved = p->out; /* the Location is built with the same URL encoder */
	asl_buffer_init(&p->out, &p->arena);
	cn_put(p, "/executions/");
	cn_url(p, arn);
	asl_buffer_putc(&p->out, 0);
	p->location = p->out.data;
	p->out = saved;
	p->out.len = 0;
	p->status = 303;
	cn_head(p, "Redirect");
	cn_put(p, "<p><a href=\"");
	cn_esc(p, p->location);
	cn_put(p, "\">The execution</a></p>\n");
	cn_foot(p);
}

void cn_start(cn_page *p, const char *body, size_t len)
{
	const char *machine = cn_form_value(&p->arena, body, len, "stateMachineArn");
	const char *name = cn_form_value(&p->arena, body, len, "name");
	const char *input = cn_form_value(&p->arena, body, len, "input");
	if (!machine || !*machine) {
		cn_message_page(p, 400, "Bad request", "The form has no stateMachineArn.");
		return;
	}
	if (name && !*name)
		name = NULL; /* the service names it */
	int code;
	const char *why;
	const asl_value *answer = cn_op(p, "StartExecution",
					cn_request(p, "stateMachineArn", machine, "name", name,
						   "input", input ? input : "{}", NULL),
					&code, &why);
	if (answer) {
		redirect_to_execution(p, cn_str(answer, "executionArn"));
		return;
	}
	if (code >= 500) {
		cn_message_page(p, code, "The service failed", why);
		return;
	}
	/* the machine's page again, with the form as it was sent; a machine that does not exist
	 * gives its 404 page from there */
	cn_machine(p, machine, why, name, input);
}

void cn_stop(cn_page *p, const char *body, size_t len)
{
	const char *arn = cn_form_value(&p->arena, body, len, "executionArn");
	if (!arn || !*arn) {
		cn_message_page(p, 400, "Bad request", "The form has no executionArn.");
		return;
	}
	int code;
	const char *why;
	if (!cn_op(p, "StopExecution", cn_request(p, "executionArn", arn, NULL), &code, &why)) {
		cn_message_page(p, cn_not_found_or(code, why), "The execution was not stopped",
				why);
		return;
	}
	redirect_to_execution(p, arn);
}
