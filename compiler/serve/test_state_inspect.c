/* TestState's inspectionData (DEBUG, TRACE): only what a run showed. The input, the task's
 * parameters (TaskScheduled) and result (TaskSucceeded), the output (the state's Exited event)
 * and its assigned variables come from the test's own run; afterInputPath, a Pass's
 * afterParameters, afterResultSelector and afterResultPath (when OutputPath hides it) from
 * tiny machines of the state's own fields run by the runtime on the same values. A step that
 * failed there is left out, with the steps after it. TRACE's HTTP request and response are
 * not captured: TRACE answers as DEBUG. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "test_state.h"

static asl_value *field(const ts_tested *t, const char *key)
{
	return (asl_value *)asl_object_get(t->state, key, strlen(key));
}

static void put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	asl_object_append(a, o, key, strlen(key), v);
}

/* A state of `type` with `key` (when the tested state has it) and End. */
static asl_value *state_of(asl_arena *a, const char *type, const ts_tested *t, const char *key)
{
	asl_value *s = asl_object(a, 4);
	put(a, s, "Type", asl_cstring(a, type));
	if (!strcmp(type, "Task"))
		put(a, s, "Resource", asl_cstring(a, TS_MOCK_RESOURCE));
	if (key && field(t, key))
		put(a, s, key, asl_copy(a, field(t, key)));
	return s;
}

/* Runs `state` alone (after the variables, and after `before` when given) on the input, its
 * task returning `result`: its input (in *in, when asked) and output, or NULL when it failed. */
static const char *tiny(sv_call *c, const ts_request *r, asl_value *before, asl_value *state,
			const char *result, const char **in)
{
	ts_machine m;
	ts_machine_init(&m, &c->arena, r->variables, before ? "__aslc_before" : "__aslc_step");
	if (before) {
		put(&c->arena, before, "Next", asl_cstring(&c->arena, "__aslc_step"));
		ts_machine_put(&m, &c->arena, "__aslc_before", before);
	}
	put(&c->arena, state, "End", asl_true());
	ts_machine_put(&m, &c->arena, "__aslc_step", state);
	ts_mock mock = {result, result ? strlen(result) : 0, NULL, NULL};
	ts_seen seen;
	char *err;
	if (ts_run(c, r, &m, "__aslc_step", result ? &mock : NULL, &seen, &err) < 0 ||
	    seen.status != ASL_SUCCEEDED)
		return NULL;
	if (in)
		*in = seen.input;
	return seen.output;
}

/* The variables after the state: those given, with what it assigned. */
static const char *variables_after(sv_call *c, const ts_request *r, const ts_outcome *o)
{
	const asl_value *as = o->seen.assigned;
	if (!r->variables && !asl_object_len(as))
		return NULL;
	asl_value *vars = r->variables ? asl_shallow_copy(&c->arena, r->variables)
				       : asl_object(&c->arena, asl_object_len(as));
	for (size_t i = 0; i < asl_object_len(as); i++) {
		size_t klen;
		const char *k = asl_object_key(as, i, &klen);
		const asl_value *text = asl_object_value(as, i);
		asl_parse_error perr;
		asl_value *v =
			asl_parse(&c->arena, asl_string_ptr(text), asl_string_len(text), 0, &perr);
		asl_object_set(&c->arena, vars, k, klen, v ? v : asl_null());
	}
	size_t len;
	return asl_to_json(&c->arena, vars, &len);
}

/* The JSONPath steps: InputPath, Parameters, the result, ResultSelector, ResultPath. */
static void put_steps(sv_call *c, const ts_request *r, const ts_tested *t, const ts_outcome *o)
{
	asl_arena *a = &c->arena;
	const ts_seen *s = &o->seen;
	int pass = !strcmp(t->type, "Pass");
	if (!strcmp(t->type, "Fail"))
		return;
	const char *after_input = NULL, *after_params = NULL;
	/* a Pass of the InputPath, then one of a Pass's Parameters: the second's input and
	 * output */
	after_params = tiny(c, r, state_of(a, "Pass", t, "InputPath"),
			    state_of(a, "Pass", t, pass ? "Parameters" : NULL), NULL, &after_input);
	if (!after_params) /* InputPath (or a Pass's Parameters) failed */
		return;
	if (!field(t, "InputPath"))
		after_input = s->input;
	sv_put_cstr(c, "afterInputPath", after_input);
	if (t->task)
		after_params = s->parameters;
	if (!pass && !t->task)
		return; /* Choice, Wait, Succeed: nothing more between input and output */
	if (strcmp(t->type, "Map")) /* a Map's Parameters (ItemSelector) are per item */
		sv_put_cstr(c, "afterParameters", after_params);
	const char *result = s->result;
	if (pass) {
		size_t len;
		result = field(t, "Result") ? asl_to_json(a, field(t, "Result"), &len)
					    : after_params;
	}
	if (!result)
		return; /* the task failed */
	sv_put_cstr(c, "result", result);
	const char *selected = result;
	if (t->task && field(t, "ResultSelector") &&
	    !(selected = tiny(c, r, NULL, state_of(a, "Task", t, "ResultSelector"), result, NULL)))
		return;
	sv_put_cstr(c, "afterResultSelector", selected);
	if (strcmp(o->status, "SUCCEEDED"))
		return;
	const char *placed = s->output; /* without OutputPath, the output */
	if (field(t, "OutputPath"))
		placed = tiny(c, r, NULL, state_of(a, "Task", t, "ResultPath"), selected, NULL);
	sv_put_cstr(c, "afterResultPath", placed);
}

void ts_put_inspection(sv_call *c, const ts_request *r, const ts_tested *t, const ts_outcome *o)
{
	const ts_seen *s = &o->seen;
	sv_open(c, "inspectionData");
	sv_put_cstr(c, "input", s->input ? s->input : r->input_text);
	put_steps(c, r, t, o); /* JSONPath's: aslc does not compile JSONata states yet */
	sv_put_cstr(c, "variables", variables_after(c, r, o));
	if (o->retry_index >= 0 || o->catch_index >= 0) {
		sv_open(c, "errorDetails");
		if (o->retry_index >= 0) {
			sv_put_int(c, "retryIndex", o->retry_index);
			sv_put_int(c, "retryBackoffIntervalSeconds", o->backoff);
		} else {
			sv_put_int(c, "catchIndex", o->catch_index);
		}
		sv_close(c);
	}
	sv_close(c);
}
