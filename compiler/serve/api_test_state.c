/* TestState: one state run on its own, in the request's thread, without an execution record.
 *
 * The state is wrapped in a small machine (test_state_build.c) and run with its history
 * watched (test_state_run.c). Retry: AWS answers RETRIABLE instead of retrying, so a Task's
 * retriers become catchers in a first run, which ends in the landing of the retrier the runtime's
 * own matching picked, or in a catch-all: the error and cause are then known without a second
 * attempt of the task. When no retrier applies (none matched, or its MaxAttempts are used up
 * by stateConfiguration.retrierRetryCount), a second run with the task mocked to fail with that
 * error gives what the state's own catchers do with it. DEBUG's inspectionData holds only what
 * a run showed: the intermediate steps come from tiny machines of the same fields (see
 * test_state_inspect.c); the HTTP request and response of TRACE are not captured.
 *
 * Accepted and not applied: mock.fieldValidationMode (we hold no service's response shapes to
 * check a mock against), revealSecrets (nothing is hidden: no HTTP exchange is shown), and
 * stateConfiguration's Map members (a mocked Map runs as a Task). A single state is named
 * TS_SINGLE_NAME ($$.State.Name) unless stateName names it. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "test_state.h"

static const char *const LEVELS[] = {"INFO", "DEBUG", "TRACE", NULL};
static const char *const VALIDATION_MODES[] = {"STRICT", "PRESENT", "NONE", NULL};

/* Members of a nested request object read with the top-level getters (their violations name
 * the inner member). */
static const asl_value *enter(sv_call *c, const asl_value *inner)
{
	const asl_value *outer = c->body;
	c->body = inner;
	return outer;
}

static int is(const char *k, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(k, name, len);
}

static int not_settable(sv_call *c, const char *what)
{
	return sv_error(c, "ValidationException",
			"aslc serve's TestState can set only Id and Name of the context's "
			"Execution and StateMachine, not %s",
			what);
}

/* The context object: what of it the runtime lets a host set ($$.Execution.Id and Name,
 * $$.StateMachine.Id and Name); anything else is refused rather than silently not applied. */
static int read_context(sv_call *c, ts_request *r, const char *text, size_t len)
{
	asl_parse_error perr;
	const asl_value *ctx = asl_parse(&c->arena, text, len, 0, &perr);
	if (!asl_is_object(ctx))
		return sv_error(c, "ValidationException", "Invalid context: '%s'",
				ctx ? "the context must be a JSON object" : perr.message);
	for (size_t i = 0; i < asl_object_len(ctx); i++) {
		size_t plen;
		const char *part = asl_object_key(ctx, i, &plen);
		const asl_value *o = asl_object_value(ctx, i);
		int machine = is(part, plen, "StateMachine");
		if ((!machine && !is(part, plen, "Execution")) || !asl_is_object(o))
			return not_settable(c, sv_printf(&c->arena, "%.*s", (int)plen, part));
		for (size_t j = 0; j < asl_object_len(o); j++) {
			size_t klen;
			const char *k = asl_object_key(o, j, &klen);
			const asl_value *v = asl_object_value(o, j);
			int name = is(k, klen, "Name");
			const char *what =
				sv_printf(&c->arena, "%.*s.%.*s", (int)plen, part, (int)klen, k);
			if (!name && !is(k, klen, "Id"))
				return not_settable(c, what);
			if (!asl_is_string(v) || !asl_string_len(v))
				return sv_error(c, "ValidationException",
						"Invalid context: '%s must be a non-empty string'",
						what);
			const char **to = machine ? (name ? &r->machine_name : &r->machine_arn)
						  : (name ? &r->execution_name : &r->execution_arn);
			*to = asl_string_ptr(v);
		}
	}
	if (r->machine_name && !sv_name_valid(r->machine_name, strlen(r->machine_name)))
		return sv_error(c, "ValidationException", "Invalid context: 'Invalid Name: %s'",
				r->machine_name);
	return 0;
}

static int read_request(sv_call *c, ts_request *r)
{
	memset(r, 0, sizeof *r);
	r->definition = sv_string(c, "definition", 1, 1, 1048576, &r->definition_len);
	r->role = sv_string(c, "roleArn", 0, 1, 256, NULL);
	r->input_text = sv_string(c, "input", 0, 0, 262144, &r->input_len);
	r->level = sv_enum(c, "inspectionLevel", LEVELS);
	sv_bool(c, "revealSecrets", 0);
	size_t vars_len;
	const char *vars = sv_string(c, "variables", 0, 0, 262144, &vars_len);
	r->state_name = sv_string(c, "stateName", 0, 1, 80, NULL);
	size_t context_len;
	const char *context = sv_string(c, "context", 0, 0, 262144, &context_len);
	const asl_value *mock = sv_member(c, "mock", ASL_OBJECT);
	const asl_value *config = sv_member(c, "stateConfiguration", ASL_OBJECT);
	if (mock) {
		const asl_value *outer = enter(c, mock);
		r->mocked = 1;
		r->mock.result = sv_string(c, "result", 0, 0, 262144, &r->mock.result_len);
		sv_enum(c, "fieldValidationMode", VALIDATION_MODES);
		const asl_value *eo = sv_member(c, "errorOutput", ASL_OBJECT);
		if (eo) {
			enter(c, eo);
			r->mock.error = sv_string(c, "error", 0, 0, 256, NULL);
			r->mock.cause = sv_string(c, "cause", 0, 0, 32768, NULL);
			if (!r->mock.error)
				r->mock.error = "";
		}
		c->body = outer;
	}
	if (config) {
		const asl_value *outer = enter(c, config);
		r->retry_count = sv_int(c, "retrierRetryCount", 0, 0, INT32_MAX);
		c->body = outer;
	}
	if (sv_invalid(c) < 0)
		return -1;
	if (r->level < 0)
		r->level = 0;
	if (r->role && strncmp(r->role, "arn:", 4))
		return sv_error(c, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", r->role);
	if (!r->input_text)
		r->input_text = "{}", r->input_len = 2;
	asl_parse_error perr;
	if (!r->input_len)
		return sv_error(
			c, "InvalidExecutionInput",
			"Invalid State Machine Execution Input: 'Invalid execution input.'");
	if (!(r->input = asl_parse(&c->arena, r->input_text, r->input_len, 0, &perr)))
		return sv_error(c, "InvalidExecutionInput",
				"Invalid State Machine Execution Input: '%s at line %d, column %d'",
				perr.message, perr.line, perr.column);
	if (vars) {
		r->variables = asl_parse(&c->arena, vars, vars_len, 0, &perr);
		if (!asl_is_object(r->variables))
			return sv_error(c, "ValidationException", "Invalid variables: '%s'",
					r->variables ? "variables must be a JSON object"
						     : perr.message);
	}
	if (context && read_context(c, r, context, context_len) < 0)
		return -1;
	if (mock) {
		if (!r->mock.result == !r->mock.error)
			return sv_error(c, "ValidationException",
					"A mock must have exactly one of result and errorOutput");
		if (r->mock.result &&
		    !asl_parse(&c->arena, r->mock.result, r->mock.result_len, 0, &perr))
			return sv_error(c, "ValidationException",
					"Invalid mock result: '%s at line %d, column %d'",
					perr.message, perr.line, perr.column);
	}
	return 0;
}

static int invalid_definition(sv_call *c, const char *why)
{
	return sv_error(c, "InvalidDefinition", "Invalid State Machine Definition: '%s'", why);
}

static void append_json_string(asl_buffer *b, asl_arena *a, const char *s)
{
	size_t len;
	const char *json = asl_to_json(a, asl_cstring(a, s), &len);
	if (json)
		asl_buffer_append(b, json, len);
}

/* JSON Pointer of /States/<name> (RFC 6901: ~ is ~0, / is ~1). */
static const char *state_pointer(asl_arena *a, const char *name)
{
	asl_buffer b;
	asl_buffer_init(&b, a);
	asl_buffer_append(&b, "/States/", 8);
	for (const char *p = name; *p; p++)
		if (*p == '~' || *p == '/')
			asl_buffer_append(&b, *p == '~' ? "~0" : "~1", 2);
		else
			asl_buffer_putc(&b, *p);
	asl_buffer_putc(&b, '\0');
	return b.data;
}

static void add_target(const asl_value *target, const char *name, const char ***seen, size_t *n,
		       asl_buffer *b, asl_arena *a)
{
	if (!asl_is_string(target) || !strcmp(asl_string_ptr(target), name))
		return;
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*seen)[i], asl_string_ptr(target)))
			return;
	(*seen)[(*n)++] = asl_string_ptr(target);
	asl_buffer_putc(b, ',');
	append_json_string(b, a, asl_string_ptr(target));
	asl_buffer_append(b, ":{\"Type\":\"Succeed\"}", 19);
}

/* A single state's diagnostics: its text inside a machine of it and one Succeed state per
 * name it can go to, on lines of its own, so that line numbers are the text's own (less one)
 * and pointers lose /States/<name>. NULL when it is valid. */
static char *check_single(sv_call *c, const ts_request *r, const asl_value *state, const char *name)
{
	asl_arena *a = &c->arena;
	asl_buffer b;
	asl_buffer_init(&b, a);
	asl_buffer_append(&b, "{\"StartAt\":", 11);
	append_json_string(&b, a, name);
	asl_buffer_append(&b, ",\"States\":{", 11);
	append_json_string(&b, a, name);
	asl_buffer_append(&b, ":\n", 2);
	asl_buffer_append(&b, r->definition, r->definition_len);
	asl_buffer_putc(&b, '\n');
	const asl_value *choices = asl_object_get(state, "Choices", 7),
			*catch = asl_object_get(state, "Catch", 5);
	size_t cap = 2 + asl_array_len(choices) + asl_array_len(catch), n = 0;
	const char **seen = asl_arena_alloc(a, cap * sizeof *seen);
	if (!seen)
		return "out of memory";
	add_target(asl_object_get(state, "Next", 4), name, &seen, &n, &b, a);
	add_target(asl_object_get(state, "Default", 7), name, &seen, &n, &b, a);
	for (size_t i = 0; i < asl_array_len(choices); i++)
		add_target(asl_object_get(asl_array_get(choices, (int64_t)i), "Next", 4), name,
			   &seen, &n, &b, a);
	for (size_t i = 0; i < asl_array_len(catch); i++)
		add_target(asl_object_get(asl_array_get(catch, (int64_t)i), "Next", 4), name, &seen,
			   &n, &b, a);
	asl_buffer_append(&b, "}}", 2);
	return ts_check(b.data, b.len, 1, state_pointer(a, name), r->variables, a);
}

static const char *string_member(const asl_value *o, const char *key)
{
	const asl_value *v = asl_object_get(o, key, strlen(key));
	return asl_is_string(v) ? asl_string_ptr(v) : NULL;
}

/* The tested state: a single state's definition, or a whole machine's state `stateName`
 * (default: its StartAt). Validated as CreateStateMachine validates. */
static int find_state(sv_call *c, const ts_request *r, ts_tested *t)
{
	memset(t, 0, sizeof *t);
	asl_parse_error perr;
	const asl_value *def = asl_parse(&c->arena, r->definition, r->definition_len, 0, &perr);
	char *why;
	if (!asl_is_object(def)) { /* not JSON, or not an object: aslc says so with positions */
		why = ts_check(r->definition, r->definition_len, 0, NULL, r->variables, &c->arena);
		return invalid_definition(c, why ? why : "The definition must be a JSON object");
	}
	const asl_value *states = asl_object_get(def, "States", 6);
	const asl_value *state;
	if (states) {
		if ((why = ts_check(r->definition, r->definition_len, 0, NULL, r->variables,
				    &c->arena)))
			return invalid_definition(c, why);
		t->name = r->state_name ? r->state_name : string_member(def, "StartAt");
		state = asl_object_get(states, t->name, strlen(t->name));
		if (!state)
			return sv_error(c, "ValidationException",
					"State '%s' does not exist in the definition's States",
					t->name);
	} else {
		t->name = r->state_name ? r->state_name : TS_SINGLE_NAME;
		state = def;
		if ((why = check_single(c, r, def, t->name)))
			return invalid_definition(c, why);
	}
	t->type = string_member(state, "Type");
	t->state = state;
	return 0;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

/* A Task whose work a mock does: its resource is the mock's own, so that no binding or
 * built-in integration of the real one (lambda:invoke, say) gets in between. */
static const asl_value *mocked(sv_call *c, const asl_value *task)
{
	return ts_with(&c->arena, task, "Resource", asl_cstring(&c->arena, TS_MOCK_RESOURCE));
}

/* AWS's rules for what runs without a mock, and what a mock applies to. */
static int check_rules(sv_call *c, ts_request *r, ts_tested *t)
{
	int task = !strcmp(t->type, "Task");
	int group = !strcmp(t->type, "Map") || !strcmp(t->type, "Parallel");
	if (r->mocked && !task && !group)
		return sv_error(c, "ValidationException",
				"A mock can be given only for a Task, Map or Parallel state, not "
				"for a %s state",
				t->type);
	if (r->mocked) {
		t->state = group ? ts_as_task(&c->arena, t->state) : mocked(c, t->state);
		t->task = 1;
		return 0;
	}
	if (group)
		return sv_error(c, "ValidationException",
				"TestState supports %s states only with a mock", t->type);
	if (!task)
		return 0;
	t->task = 1;
	if (!r->role)
		return sv_error(c, "ValidationException",
				"RoleArn must be specified when testing a Task state");
	const char *res = string_member(t->state, "Resource");
	if (!res)
		return 0;
	if (!strncmp(res, "arn:aws:states:", 15) && strstr(res, ":activity:"))
		return sv_error(c, "ValidationException",
				"TestState supports Activity tasks only with a mock");
	if (ends_with(res, ".waitForTaskToken"))
		return sv_error(c, "ValidationException",
				"TestState supports the .waitForTaskToken integration pattern "
				"only with a mock");
	if (ends_with(res, ".sync") || strstr(res, ".sync:"))
		return sv_error(
			c, "ValidationException",
			"TestState supports the .sync integration pattern only with a mock");
	return 0;
}

/* A run of the state in a machine of its own. It compiles unless the variables are bad, or the
 * state is valid only with the rest of its machine (it reads a variable that only another state
 * assigns, say): InvalidDefinition then, at pointers of the state but without positions. */
static int run(sv_call *c, const ts_request *r, const ts_tested *t, int retry_as_catch,
	       const ts_mock *mock, ts_machine *m, ts_seen *seen)
{
	ts_machine_init(m, &c->arena, r->variables, t->name);
	ts_machine_add(m, &c->arena, t->name, t->state, retry_as_catch);
	char *err;
	if (ts_run(c, r, m, t->name, mock, seen, &err) == 0)
		return 0;
	if (strstr(err, "at /States/" TS_VARIABLES "/"))
		return sv_error(c, "ValidationException", "Invalid variables: '%s'", err);
	return invalid_definition(c, err);
}

static const char *error_member(sv_call *c, const char *json, const char *key)
{
	asl_parse_error perr;
	const asl_value *v = json ? asl_parse(&c->arena, json, strlen(json), 0, &perr) : NULL;
	return string_member(v, key);
}

/* Seconds before retry number `count` + 1 of `retrier`, as the runtime computes it (without
 * jitter: a FULL JitterStrategy draws at random below it). */
static int64_t backoff(const asl_value *retrier, int64_t count)
{
	const asl_value *iv = asl_object_get(retrier, "IntervalSeconds", 15),
			*rate = asl_object_get(retrier, "BackoffRate", 11),
			*max = asl_object_get(retrier, "MaxDelaySeconds", 15);
	double s = iv ? asl_number_value(iv) : 1, k = rate ? asl_number_value(rate) : 2;
	for (int64_t i = 0; i < count && s < 1e9; i++)
		s *= k;
	if (max && s > asl_number_value(max))
		s = asl_number_value(max);
	return (int64_t)s;
}

static int test(sv_call *c, const ts_request *r, const ts_tested *t, ts_outcome *o)
{
	memset(o, 0, sizeof *o);
	o->retry_index = o->catch_index = -1;
	ts_machine m;
	const ts_mock *mock = r->mocked ? &r->mock : NULL;
	if (run(c, r, t, t->task, mock, &m, &o->seen) < 0)
		return -1;
	const ts_seen *s = &o->seen;
	const ts_landing *landing = ts_machine_landing(&m, s->next);
	if (!landing || landing->kind == TS_NEXT) {
		o->status = s->status == ASL_SUCCEEDED ? "SUCCEEDED" : "FAILED";
		o->output = s->output;
		o->next = landing ? landing->target : NULL;
		o->error = s->error;
		o->cause = s->cause;
		if (landing || s->status != ASL_FAILED_STATUS || !t->task || !s->input)
			return 0;
		/* an error States.ALL does not take (States.DataLimitExceeded, States.Runtime):
		 * the state's own catchers decide (no Catch takes the execution's time-out) */
	} else {
		o->error = error_member(c, s->next_input, "Error");
		o->cause = error_member(c, s->next_input, "Cause");
	}
	if (landing && landing->kind == TS_RETRY) {
		const asl_value *retrier =
			asl_array_get(asl_object_get(t->state, "Retry", 5), landing->index);
		const asl_value *max = asl_object_get(retrier, "MaxAttempts", 11);
		if (r->retry_count < (max ? (int64_t)asl_number_value(max) : 3)) {
			o->status = "RETRIABLE";
			o->retry_index = landing->index;
			o->backoff = backoff(retrier, r->retry_count);
			return 0;
		}
	}
	/* no retry: what the state's catchers do with the error, the task mocked to raise it */
	ts_mock fail = {NULL, 0, o->error, o->cause};
	ts_tested failing = *t;
	failing.state = mocked(c, t->state);
	ts_seen again;
	if (run(c, r, &failing, 0, &fail, &m, &again) < 0)
		return -1;
	landing = ts_machine_landing(&m, again.next);
	o->status = "FAILED";
	o->output = NULL;
	if (landing && landing->kind == TS_CATCH) {
		o->status = "CAUGHT_ERROR";
		o->output = again.output;
		o->next = landing->target;
		o->catch_index = landing->index;
		o->seen.assigned = again.assigned;
		o->seen.output = again.output;
	}
	return 0;
}

int sv_op_TestState(sv_call *c)
{
	ts_request r;
	ts_tested t;
	ts_outcome o;
	if (read_request(c, &r) < 0 || find_state(c, &r, &t) < 0)
		return -1;
	if (!r.execution_name) { /* made up once: every run of this test (the main one and
				  * inspectionData's tiny ones) shows the same $$.Execution */
		char uuid[37];
		sv_uuid(uuid);
		r.execution_name = sv_printf(&c->arena, "%s", uuid);
	}
	if (!t.type)
		return invalid_definition(c, "SCHEMA_VALIDATION_FAILED: These fields are required: "
					     "[Type] at /");
	if (check_rules(c, &r, &t) < 0 || test(c, &r, &t, &o) < 0)
		return -1;
	sv_open(c, NULL);
	sv_put_cstr(c, "output", o.output);
	if (strcmp(o.status, "SUCCEEDED")) {
		sv_put_cstr(c, "error", o.error);
		sv_put_cstr(c, "cause", o.cause);
	}
	if (r.level > 0)
		ts_put_inspection(c, &r, &t, &o);
	sv_put_cstr(c, "nextState", o.next);
	sv_put_cstr(c, "status", o.status);
	sv_close(c);
	return 0;
}
