/* The console reads and changes the service through the API's own operations, called in this
 * process exactly as POST / would call them (sv_dispatch): the same checks, page tokens,
 * filters and error texts, and no second copy of any of them. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <string.h>

#include "console.h"

const asl_value *cn_op(cn_page *p, const char *op, const asl_value *request, int *status,
		       const char **message)
{
	size_t len;
	const char *body = asl_to_json(&p->arena, request, &len);
	char target[64];
	snprintf(target, sizeof target, "AWSStepFunctions.%s", op);
	sv_call c;
	sv_call_init(&c, p->srv);
	c.region = p->srv->cfg.region;
	sv_dispatch(&c, target, body ? body : "{}", body ? len : 2);
	const char *text = c.out.buf.data ? c.out.buf.data : "{}";
	size_t text_len = c.out.buf.data ? c.out.buf.len : 2;
	asl_parse_error perr;
	const asl_value *answer = asl_parse(&p->arena, text, text_len, 0, &perr);
	*status = c.status;
	*message = NULL;
	if (c.error_type || !answer) {
		const char *m = answer ? cn_str(answer, "message") : NULL;
		*message = sv_printf(&p->arena, "%s: %s", c.error_type ? c.error_type : "Error",
				     m ? m : "the operation failed");
		if (*status == 200)
			*status = 500;
		answer = NULL;
	}
	sv_call_free(&c);
	return answer;
}

int cn_not_found_or(int code, const char *why)
{
	static const char *const missing[] = {"ExecutionDoesNotExist:", "StateMachineDoesNotExist:",
					      "ActivityDoesNotExist:", NULL};
	for (int i = 0; why && missing[i]; i++)
		if (!strncmp(why, missing[i], strlen(missing[i])))
			return 404;
	return code;
}

asl_value *cn_request(cn_page *p, ...)
{
	asl_value *o = asl_object(&p->arena, 4);
	va_list ap;
	va_start(ap, p);
	const char *key;
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		if (value)
			asl_object_set(&p->arena, o, key, strlen(key),
				       asl_cstring(&p->arena, value));
	}
	va_end(ap);
	return o;
}

const asl_value *cn_history(cn_page *p, const char *arn, int *status, const char **message)
{
	asl_value *events = asl_array(&p->arena, 16);
	const char *token = NULL;
	do {
		asl_value *req = cn_request(p, "executionArn", arn, "nextToken", token, NULL);
		asl_object_set(&p->arena, req, "maxResults", 10, asl_integer(&p->arena, 1000));
		const asl_value *page = cn_op(p, "GetExecutionHistory", req, status, message);
		if (!page)
			return NULL;
		const asl_value *list = asl_object_get(page, "events", 6);
		for (size_t i = 0; i < asl_array_len(list); i++)
			asl_array_push(&p->arena, events,
				       (asl_value *)asl_array_get(list, (int64_t)i));
		token = cn_str(page, "nextToken");
	} while (token);
	asl_value *history = asl_object(&p->arena, 1);
	asl_object_set(&p->arena, history, "events", 6, events);
	return history;
}
