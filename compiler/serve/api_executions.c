/* Executions: Start (idempotent on name and input while running), StartSync (Express, run in
 * the request's thread, never stored), Describe, List (newest first, keyset pages), Stop and
 * GetExecutionHistory. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "api.h"
#include "engine.h"

static const char *const STATUSES[] = {
	"SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING", NULL};

/* AWS's InvalidExecutionInput for input that is not JSON; 0 when it is. */
static int check_input(sv_call *c, const char *input, size_t len)
{
	if (!len)
		return sv_error(
			c, "InvalidExecutionInput",
			"Invalid State Machine Execution Input: 'Invalid execution input.'");
	asl_parse_error perr;
	if (!asl_parse(&c->arena, input, len, 0, &perr))
		return sv_error(c, "InvalidExecutionInput",
				"Invalid State Machine Execution Input: '%s at line %d, column %d'",
				perr.message, perr.line, perr.column);
	return 0;
}

static int is_express(const st_machine *m)
{
	return m->type.ptr && !strncmp(m->type.ptr, "EXPRESS", 7);
}

/* What StartExecution and StartSyncExecution check before they start: the machine is not
 * being deleted, the name (a UUID when none is given) and the input. The ARN's own UUID (an
 * Express execution's last part) in `uuid`. 0, or -1 with the error answer. */
static int start_checks(sv_call *c, const st_machine *m, const char *machine_arn, const char **name,
			const char *input, size_t input_len, char uuid[37])
{
	if (!strncmp(m->status.ptr, "DELETING", 8))
		return sv_error(c, "StateMachineDeleting", "State Machine is being deleted: '%s'",
				machine_arn);
	char run[37];
	sv_uuid(uuid);
	sv_uuid(run);
	if (!*name)
		*name = sv_printf(&c->arena, "%s", run);
	if (!sv_name_valid(*name, strlen(*name)))
		return sv_error(c, "InvalidName", "Invalid Name: '%s'", *name);
	return check_input(c, input, input_len);
}

/* Inside sv_start's transaction: the parent's nested task names its child; request-response
 * is answered at once ({ExecutionArn, StartDate}, stored DONE here, delivered after the
 * commit: *answer). 0, or the store's error. */
static int link_parent(sv_call *c, const char *token, const st_execution *child,
		       const char **answer)
{
	st_store *s = c->srv->store;
	st_task t;
	int rc = s->ops->task_get(s, token, &c->arena, &t);
	if (rc)
		return rc;
	if (t.status != ST_TASK_SCHEDULED)
		return 0; /* linked already (a repeated start) */
	t.status = ST_TASK_STARTED;
	t.activity_arn = child->arn;
	if (!strcmp(t.kind.ptr, "nested")) {
		*answer = sv_printf(&c->arena, "{\"ExecutionArn\":\"%s\",\"StartDate\":%lld}",
				    child->arn.ptr, (long long)child->start_ms);
		t.status = ST_TASK_DONE;
		t.succeeded = 1;
		t.output = st_cstr(*answer);
	}
	return s->ops->task_update(s, &t);
}

static void deliver_answer(sv_call *c, const char *token, int64_t parent_id, const char *answer)
{
	asl_parse_error perr;
	st_task t = {0};
	t.token = st_cstr(token);
	t.execution_id = parent_id;
	sv_engine_deliver(c->srv, &t, asl_parse(&c->arena, answer, strlen(answer), 0, &perr), NULL,
			  NULL);
}

/* StartExecution of a name that exists: the same call again while it runs gives the same
 * answer (and links a nested parent to it), anything else is a conflict. */
static int same_again(sv_call *c, const st_execution *old, const char *input, size_t input_len,
		      const char *parent_token, int64_t parent_id, st_execution *out)
{
	if (strcmp(old->status.ptr, "RUNNING") || old->input.len != input_len ||
	    memcmp(old->input.ptr, input, input_len))
		return sv_error(c, "ExecutionAlreadyExists", "Execution Already Exists: '%s'",
				sv_text(c, old->arn));
	if (parent_token) {
		const char *answer = NULL;
		st_store *s = c->srv->store;
		int rc = s->ops->begin(s);
		if (!rc)
			rc = link_parent(c, parent_token, old, &answer);
		if (!rc)
			rc = s->ops->commit(s);
		else
			s->ops->rollback(s);
		if (rc)
			return sv_store_failed(c);
		sv_engine_link_parent(c->srv, old->id, parent_token, parent_id);
		if (answer)
			deliver_answer(c, parent_token, parent_id, answer);
	}
	*out = *old;
	return 0;
}

int sv_start(sv_call *c, const char *machine_arn, const char *name, const char *input,
	     size_t input_len, const char *parent_token, int64_t parent_id, st_execution *out)
{
	st_machine m;
	if (sv_find_machine(c, machine_arn, &m) < 0)
		return -1;
	char uuid[37];
	if (start_checks(c, &m, machine_arn, &name, input, input_len, uuid) < 0)
		return -1;
	st_store *s = c->srv->store;
	int express = is_express(&m);
	sv_arn parts;
	sv_arn_parse(machine_arn, &parts);
	const char *arn =
		sv_printf(&c->arena, "arn:aws:states:%.*s:%.*s:%s:%s:%s%s%s", (int)parts.region_len,
			  parts.region, (int)parts.account_len, parts.account,
			  express ? "express" : "execution", sv_text(c, m.name), name,
			  express ? ":" : "", express ? uuid : "");
	if (!express) {
		st_execution old;
		int rc = s->ops->execution_get_name(s, m.id, name, &c->arena, &old);
		if (rc < 0)
			return sv_store_failed(c);
		if (rc == 0)
			return same_again(c, &old, input, input_len, parent_token, parent_id, out);
	}
	st_execution e = {0};
	e.machine_id = m.id;
	e.definition_id = m.definition_id;
	e.arn = st_cstr(arn);
	e.name = st_cstr(name);
	e.machine_arn = m.arn;
	e.status = st_cstr("RUNNING");
	e.input = (st_text){input, input_len};
	e.start_ms = sv_now_ms();
	e.express = express;
	const char *answer = NULL;
	int rc = s->ops->begin(s);
	if (!rc)
		rc = s->ops->execution_put(s, &e);
	if (!rc) /* a StopExecution coming once this commits waits until it runs */
		sv_engine_hold(c->srv, e.id, 1);
	if (!rc && parent_token)
		rc = link_parent(c, parent_token, &e, &answer);
	if (!rc)
		rc = s->ops->commit(s);
	else
		s->ops->rollback(s);
	if (rc && e.id)
		sv_engine_hold(c->srv, e.id, 0);
	if (rc == 1 && !express) { /* a concurrent start of the same name won */
		st_execution old;
		if (s->ops->execution_get_name(s, m.id, name, &c->arena, &old) == 0)
			return same_again(c, &old, input, input_len, parent_token, parent_id, out);
	}
	if (rc == 1)
		return sv_error(c, "ExecutionAlreadyExists", "Execution Already Exists: '%s'", arn);
	if (rc)
		return sv_store_failed(c);
	if (sv_engine_launch(c->srv, &e, parent_token, parent_id) < 0)
		sv_engine_give_up(c->srv, &e, "it could not start (see the server's log)");
	sv_engine_hold(c->srv, e.id, 0);
	if (answer)
		deliver_answer(c, parent_token, parent_id, answer);
	*out = e;
	return 0;
}

int sv_op_StartExecution(sv_call *c)
{
	const char *machine = sv_string(c, "stateMachineArn", 1, 1, 256, NULL);
	const char *name = sv_string(c, "name", 0, 1, 80, NULL);
	size_t input_len;
	const char *input = sv_string(c, "input", 0, 0, 262144, &input_len);
	sv_string(c, "traceHeader", 0, 0, 256, NULL);
	if (sv_invalid(c) < 0)
		return -1;
	if (!input)
		input = "{}", input_len = 2;
	st_execution e;
	if (sv_start(c, machine, name, input, input_len, NULL, 0, &e) < 0)
		return -1;
	sv_open(c, NULL);
	sv_put_string(c, "executionArn", e.arn.ptr, e.arn.len);
	sv_put_time(c, "startDate", e.start_ms);
	sv_close(c);
	return 0;
}

#define EXPRESS_LIMIT_MS (5 * 60 * 1000)

static int past(void *user)
{
	return sv_now_ms() >= *(const int64_t *)user;
}

int sv_op_StartSyncExecution(sv_call *c)
{
	const char *machine_arn = sv_string(c, "stateMachineArn", 1, 1, 256, NULL);
	const char *name = sv_string(c, "name", 0, 1, 80, NULL);
	size_t input_len;
	const char *input = sv_string(c, "input", 0, 0, 262144, &input_len);
	if (sv_invalid(c) < 0)
		return -1;
	if (!input)
		input = "{}", input_len = 2;
	st_machine m;
	if (sv_find_machine(c, machine_arn, &m) < 0)
		return -1;
	if (!is_express(&m))
		return sv_error(c, "StateMachineTypeNotSupported",
				"This operation is not supported by this type of state machine");
	char uuid[37];
	if (start_checks(c, &m, machine_arn, &name, input, input_len, uuid) < 0)
		return -1;
	st_definition d;
	if (c->srv->store->ops->definition_get(c->srv->store, m.definition_id, &c->arena, &d))
		return sv_store_failed(c);
	char *why;
	const asl_machine *machine =
		sv_machine_get(c->srv, d.id, sv_text(c, m.name), sv_text(c, d.role_arn), d.text.ptr,
			       d.text.len, &why, &c->arena);
	if (!machine)
		return sv_error(c, "InvalidDefinition", "Invalid State Machine Definition: '%s'",
				why);
	sv_arn parts;
	sv_arn_parse(machine_arn, &parts);
	const char *arn = sv_printf(&c->arena, "arn:aws:states:%.*s:%.*s:express:%s:%s:%s",
				    (int)parts.region_len, parts.region, (int)parts.account_len,
				    parts.account, sv_text(c, m.name), name, uuid);
	asl_options o;
	sv_engine_options(c->srv, &o, arn, machine_arn, name);
	o.role_arn = sv_text(c, d.role_arn);
	asl_parse_error perr;
	const asl_value *in = asl_parse(&c->arena, input, input_len, 0, &perr);
	int64_t start = sv_now_ms();
	int64_t limit = start + EXPRESS_LIMIT_MS; /* AWS: an Express execution runs 5 minutes */
	o.should_stop = past;
	o.stop_user = &limit;
	asl_result r;
	asl_execute(machine, in, &o, &r);
	int64_t stop = sv_now_ms();
	if (r.status == ASL_ABORTED && stop >= limit) {
		r.status = ASL_TIMED_OUT;
		r.error = "States.Timeout";
		r.error_len = 14;
		r.cause = NULL;
	}
	sv_open(c, NULL);
	sv_put_cstr(c, "executionArn", arn);
	sv_put_cstr(c, "stateMachineArn", machine_arn);
	sv_put_cstr(c, "name", name);
	sv_put_time(c, "startDate", start);
	sv_put_time(c, "stopDate", stop);
	sv_put_cstr(c, "status", asl_status_name(r.status));
	if (r.error)
		sv_put_string(c, "error", r.error, r.error_len);
	if (r.cause)
		sv_put_string(c, "cause", r.cause, r.cause_len);
	sv_put_string(c, "input", input, input_len);
	sv_put_raw(c, "inputDetails", "{\"included\":true}", 17);
	if (r.status == ASL_SUCCEEDED) {
		sv_put_string(c, "output", r.output, r.output_len);
		sv_put_raw(c, "outputDetails", "{\"included\":true}", 17);
	}
	sv_open(c, "billingDetails");
	sv_put_int(c, "billedMemoryUsedInMB", 64);
	sv_put_int(c, "billedDurationInMilliseconds", ((stop - start) / 100 + 1) * 100);
	sv_close(c);
	sv_close(c);
	asl_result_free(&r);
	return 0;
}

int sv_op_DescribeExecution(sv_call *c)
{
	const char *arn = sv_string(c, "executionArn", 1, 1, 256, NULL);
	st_execution e;
	if (sv_invalid(c) < 0 || sv_find_execution(c, arn, &e) < 0)
		return -1;
	sv_open(c, NULL);
	sv_put_string(c, "executionArn", e.arn.ptr, e.arn.len);
	sv_put_string(c, "stateMachineArn", e.machine_arn.ptr, e.machine_arn.len);
	sv_put_string(c, "name", e.name.ptr, e.name.len);
	sv_put_string(c, "status", e.status.ptr, e.status.len);
	sv_put_time(c, "startDate", e.start_ms);
	if (e.stop_ms)
		sv_put_time(c, "stopDate", e.stop_ms);
	sv_put_string(c, "input", e.input.ptr, e.input.len);
	sv_put_raw(c, "inputDetails", "{\"included\":true}", 17);
	if (e.output.ptr && !strcmp(e.status.ptr, "SUCCEEDED")) {
		sv_put_string(c, "output", e.output.ptr, e.output.len);
		sv_put_raw(c, "outputDetails", "{\"included\":true}", 17);
	}
	int timed_out = !strcmp(e.status.ptr, "TIMED_OUT"); /* AWS: neither error nor cause */
	if (e.error.ptr && !timed_out)
		sv_put_string(c, "error", e.error.ptr, e.error.len);
	if (e.cause.ptr && !timed_out)
		sv_put_string(c, "cause", e.cause.ptr, e.cause.len);
	sv_put_int(c, "redriveCount", 0);
	sv_put_cstr(c, "redriveStatus", "NOT_REDRIVABLE");
	sv_put_cstr(c, "redriveStatusReason",
		    !strcmp(e.status.ptr, "RUNNING") || !strcmp(e.status.ptr, "SUCCEEDED")
			    ? sv_printf(&c->arena, "Execution is %s and cannot be redriven",
					e.status.ptr)
			    : "aslc serve does not implement RedriveExecution");
	sv_close(c);
	return 0;
}

int sv_op_ListExecutions(sv_call *c)
{
	const char *machine_arn = sv_string(c, "stateMachineArn", 0, 1, 256, NULL);
	const char *map_run = sv_string(c, "mapRunArn", 0, 1, 2000, NULL);
	int status = sv_enum(c, "statusFilter", STATUSES);
	int64_t max = sv_int(c, "maxResults", 0, 0, 1000);
	const char *token = sv_string(c, "nextToken", 0, 1, 3096, NULL);
	if (sv_invalid(c) < 0)
		return -1;
	if (map_run)
		return sv_error(c, "ResourceNotFound", "Resource not found: '%s'", map_run);
	if (!machine_arn)
		return sv_error(c, "ValidationException",
				"Must provide a StateMachine ARN or MapRun ARN");
	st_machine m;
	if (sv_find_machine(c, machine_arn, &m) < 0)
		return -1;
	if (is_express(&m))
		return sv_error(c, "StateMachineTypeNotSupported",
				"This operation is not supported by this type of state machine");
	if (status == 2) /* PENDING_REDRIVE applies to map runs only */
		return sv_error(c, "ValidationException",
				"Status PENDING_REDRIVE is only valid for a Map Run ARN");
	uint64_t filter = sv_hash(0, machine_arn, strlen(machine_arn));
	if (status >= 0)
		filter = sv_hash(filter, STATUSES[status], strlen(STATUSES[status]));
	sv_page_key key = {{0, 0}, NULL};
	if (token && sv_token_read(c, token, "ListExecutions", filter, &key) < 0)
		return -1;
	size_t limit = max ? (size_t)max : 100;
	st_exec_query q = {m.id, st_cstr(status >= 0 ? STATUSES[status] : NULL), key.n[0], key.n[1],
			   limit + 1};
	st_execution *rows;
	size_t n;
	if (c->srv->store->ops->execution_list(c->srv->store, &q, &c->arena, &rows, &n) < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_open_array(c, "executions");
	for (size_t i = 0; i < n && i < limit; i++) {
		st_execution *e = &rows[i];
		sv_open(c, NULL);
		sv_put_string(c, "executionArn", e->arn.ptr, e->arn.len);
		sv_put_string(c, "stateMachineArn", e->machine_arn.ptr, e->machine_arn.len);
		sv_put_string(c, "name", e->name.ptr, e->name.len);
		sv_put_string(c, "status", e->status.ptr, e->status.len);
		sv_put_time(c, "startDate", e->start_ms);
		if (e->stop_ms)
			sv_put_time(c, "stopDate", e->stop_ms);
		sv_put_int(c, "redriveCount", 0);
		sv_close(c);
	}
	sv_close_array(c);
	if (n > limit) {
		sv_page_key next = {{rows[limit - 1].start_ms, rows[limit - 1].id}, NULL};
		sv_put_cstr(c, "nextToken", sv_token_make(c, "ListExecutions", filter, &next));
	}
	sv_close(c);
	return 0;
}

/* A RUNNING execution that does not run here (it could not be resumed): ABORTED in the store,
 * with its ExecutionAborted event. */
static int abort_stored(sv_call *c, const st_execution *e, const char *error, const char *cause)
{
	sv_call d;
	sv_call_init(&d, c->srv);
	sv_open(&d, NULL);
	sv_put_cstr(&d, "error", error);
	sv_put_cstr(&d, "cause", cause);
	sv_close(&d);
	st_event ev = {0};
	ev.id = e->event_count + 1;
	ev.timestamp_ms = sv_now_ms();
	ev.type = st_cstr("ExecutionAborted");
	ev.details_key = st_cstr("executionAbortedEventDetails");
	ev.details = (st_text){sv_printf(&c->arena, "%.*s", (int)d.out.buf.len, d.out.buf.data),
			       d.out.buf.len};
	sv_call_free(&d);
	st_execution end = {0};
	end.status = st_cstr("ABORTED");
	end.error = st_cstr(error);
	end.cause = st_cstr(cause);
	end.stop_ms = ev.timestamp_ms;
	if (c->srv->store->ops->execution_finish(c->srv->store, e->id, &ev, 1, &end) < 0)
		return sv_store_failed(c);
	return 0; /* (1: it ended meanwhile, and that end stands) */
}

int sv_op_StopExecution(sv_call *c)
{
	const char *arn = sv_string(c, "executionArn", 1, 1, 256, NULL);
	const char *error = sv_string(c, "error", 0, 0, 256, NULL);
	const char *cause = sv_string(c, "cause", 0, 0, 32768, NULL);
	st_execution e;
	if (sv_invalid(c) < 0 || sv_find_execution(c, arn, &e) < 0)
		return -1;
	if (!strcmp(e.status.ptr, "RUNNING")) {
		if (sv_engine_stop_execution(c->srv, e.id, error, cause) == 1 &&
		    abort_stored(c, &e, error, cause) < 0)
			return -1;
		if (c->srv->store->ops->execution_get_id(c->srv->store, e.id, &c->arena, &e))
			return sv_store_failed(c);
	}
	sv_open(c, NULL);
	sv_put_time(c, "stopDate", e.stop_ms ? e.stop_ms : sv_now_ms());
	sv_close(c);
	return 0;
}

/* includeExecutionData false: the details without input, output and parameters. */
static void put_details(sv_call *c, const st_event *ev, int data)
{
	if (data) {
		sv_put_raw(c, ev->details_key.ptr, ev->details.ptr, ev->details.len);
		return;
	}
	asl_parse_error perr;
	const asl_value *d = asl_parse(&c->arena, ev->details.ptr, ev->details.len, 0, &perr);
	sv_open(c, ev->details_key.ptr);
	for (size_t i = 0; i < asl_object_len(d); i++) {
		size_t klen;
		const char *k = asl_object_key(d, i, &klen);
		if ((klen == 5 && !memcmp(k, "input", 5)) ||
		    (klen == 6 && !memcmp(k, "output", 6)) ||
		    (klen == 10 && !memcmp(k, "parameters", 10)))
			continue;
		size_t len;
		const char *json = asl_to_json(&c->arena, asl_object_value(d, i), &len);
		sv_put_raw(c, sv_printf(&c->arena, "%.*s", (int)klen, k), json, len);
	}
	sv_close(c);
}

int sv_op_GetExecutionHistory(sv_call *c)
{
	const char *arn = sv_string(c, "executionArn", 1, 1, 256, NULL);
	int64_t max = sv_int(c, "maxResults", 0, 0, 1000);
	int reverse = sv_bool(c, "reverseOrder", 0);
	const char *token = sv_string(c, "nextToken", 0, 1, 1024, NULL);
	int data = sv_bool(c, "includeExecutionData", 1);
	st_execution e;
	if (sv_invalid(c) < 0 || sv_find_execution(c, arn, &e) < 0)
		return -1;
	uint64_t filter = sv_hash(0, arn, strlen(arn)) + (uint64_t)reverse;
	sv_page_key key = {{0, 0}, NULL};
	if (token && sv_token_read(c, token, "GetExecutionHistory", filter, &key) < 0)
		return -1;
	size_t limit = max ? (size_t)max : 100;
	st_event *rows;
	size_t n;
	if (c->srv->store->ops->event_list(c->srv->store, e.id, reverse, key.n[0], limit + 1,
					   &c->arena, &rows, &n) < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_open_array(c, "events");
	for (size_t i = 0; i < n && i < limit; i++) {
		st_event *ev = &rows[i];
		sv_open(c, NULL);
		sv_put_time(c, "timestamp", ev->timestamp_ms);
		sv_put_string(c, "type", ev->type.ptr, ev->type.len);
		sv_put_int(c, "id", ev->id);
		sv_put_int(c, "previousEventId", ev->previous_id);
		if (ev->details_key.ptr && ev->details.ptr)
			put_details(c, ev, data);
		sv_close(c);
	}
	sv_close_array(c);
	if (n > limit) {
		sv_page_key next = {{rows[limit - 1].id, 0}, NULL};
		sv_put_cstr(c, "nextToken", sv_token_make(c, "GetExecutionHistory", filter, &next));
	}
	sv_close(c);
	return 0;
}
