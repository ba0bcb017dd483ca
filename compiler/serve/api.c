/* The operation table: X-Amz-Target "AWSStepFunctions.<Op>" to its function, after the body
 * is parsed with our JSON parser. */
#include <string.h>

#include "api.h"

typedef struct op {
	const char *name;
	int (*fn)(sv_call *c);
} op;

#define SV_ENTRY(name) {#name, sv_op_##name},
static const op ops[] = {SV_OPS(SV_ENTRY)};
#undef SV_ENTRY

/* Operations of the API that the service does not implement (yet). */
static const char *const missing[] = {"RedriveExecution",
				      "PublishStateMachineVersion",
				      "ListStateMachineVersions",
				      "DeleteStateMachineVersion",
				      "CreateStateMachineAlias",
				      "DescribeStateMachineAlias",
				      "UpdateStateMachineAlias",
				      "DeleteStateMachineAlias",
				      "ListStateMachineAliases",
				      "DescribeMapRun",
				      "ListMapRuns",
				      "UpdateMapRun",
				      NULL};

void sv_dispatch(sv_call *c, const char *target, const char *body, size_t len)
{
	static const char prefix[] = "AWSStepFunctions.";
	if (strncmp(target, prefix, sizeof prefix - 1)) {
		sv_error(c, "UnknownOperationException",
			 "Unknown operation: the X-Amz-Target header must be "
			 "AWSStepFunctions.<Operation>.");
		return;
	}
	const char *name = target + sizeof prefix - 1;
	const op *found = NULL;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strcmp(ops[i].name, name))
			found = &ops[i];
	if (!found) {
		for (int i = 0; missing[i]; i++)
			if (!strcmp(missing[i], name)) {
				sv_error(c, "UnsupportedOperation",
					 "aslc serve does not implement %s.", name);
				return;
			}
		sv_error(c, "UnknownOperationException", "Unknown operation %s.", name);
		return;
	}
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
		i++;
	asl_parse_error perr;
	c->body = i == len ? asl_object(&c->arena, 0) : asl_parse(&c->arena, body, len, 0, &perr);
	if (!c->body || !asl_is_object(c->body)) {
		sv_error(c, "SerializationException", "The request body is not a JSON object%s%s",
			 c->body ? "" : ": ", c->body ? "." : perr.message);
		return;
	}
	if (found->fn(c) == 0) {
		if (!c->out.buf.len) /* an operation without output */
			asl_buffer_append(&c->out.buf, "{}", 2);
	}
}

const char *sv_text(sv_call *c, st_text t)
{
	return t.ptr ? sv_printf(&c->arena, "%.*s", (int)t.len, t.ptr) : NULL;
}

int sv_store_failed(sv_call *c)
{
	return sv_error_status(c, 500, "InternalFailure", "The service's store failed: %s",
			       c->srv->store->ops->error(c->srv->store));
}

int sv_find_machine(sv_call *c, const char *arn, st_machine *out)
{
	if (sv_check_arn(c, arn, "stateMachine") < 0)
		return -1;
	int rc = c->srv->store->ops->machine_get(c->srv->store, arn, &c->arena, out);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc)
		return sv_error(c, "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'",
				arn);
	return 0;
}

int sv_find_execution(sv_call *c, const char *arn, st_execution *out)
{
	if (sv_check_arn(c, arn, "execution") < 0)
		return -1;
	int rc = c->srv->store->ops->execution_get(c->srv->store, arn, &c->arena, out);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc)
		return sv_error(c, "ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn);
	return 0;
}
