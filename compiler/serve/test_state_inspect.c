/* TestState's inspectionData (DEBUG, TRACE), and the console's data-flow steps of a visit
 * (console_dataflow.c), from the same functions: only what a run showed. The input, the task's
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

/* Whether a field reads what a tiny machine's run would not reproduce: the context object
 * ($$: the execution's ids, times, Map item) or a random UUID. */
static int reads_context(asl_arena *a, const asl_value *v)
{
	size_t len;
	const char *json = v ? asl_to_json(a, v, &len) : NULL;
	return json && (strstr(json, "$$") || strstr(json, "States.UUID"));
}

/* A field that is absent, or present and computable here. */
static int usable(sv_call *c, const ts_tested *t, const char *key, int context_known)
{
	return context_known || !reads_context(&c->arena, field(t, key));
}

void ts_dataflow_of(sv_call *c, const ts_request *r, const ts_tested *t, const ts_seen *s,
		    int succeeded, int context_known, ts_dataflow *out)
{
	asl_arena *a = &c->arena;
	int pass = !strcmp(t->type, "Pass");
	memset(out, 0, sizeof *out);
	if (!strcmp(t->type, "Fail"))
		return;
	if (!usable(c, t, "InputPath", context_known) ||
	    (pass && !usable(c, t, "Parameters", context_known)))
		return;
	const char *after_input = s->input, *after_params = s->input;
	/* a Pass of the InputPath, then one of a Pass's Parameters: the second's input and
	 * output (without either, both are the input: no run needed) */
	if (!s->input || field(t, "InputPath") || (pass && field(t, "Parameters"))) {
		after_params = tiny(c, r, state_of(a, "Pass", t, "InputPath"),
				    state_of(a, "Pass", t, pass ? "Parameters" : NULL), NULL,
				    &after_input);
		if (!after_params) /* InputPath (or a Pass's Parameters) failed */
			return;
		if (!field(t, "InputPath"))
			after_input = s->input;
	}
	out->after_input = after_input;
	if (t->task)
		after_params = s->parameters;
	if (!pass && !t->task)
		return; /* Choice, Wait, Succeed: nothing more between input and output */
	if (strcmp(t->type, "Map")) /* a Map's Parameters (ItemSelector) are per item */
		out->after_parameters = after_params;
	const char *result = s->result;
	if (pass) {
		size_t len;
		result = field(t, "Result") ? asl_to_json(a, field(t, "Result"), &len)
					    : after_params;
	}
	if (!result)
		return; /* the task failed */
	out->result = result;
	const char *selected = result;
	if (t->task && field(t, "ResultSelector") &&
	    (!usable(c, t, "ResultSelector", context_known) ||
	     !(selected =
		       tiny(c, r, NULL, state_of(a, "Task", t, "ResultSelector"), result, NULL))))
		return;
	out->after_selector = selected;
	if (!succeeded)
		return;
	const char *placed = s->output; /* without OutputPath, the output */
	if (field(t, "OutputPath"))
		placed = usable(c, t, "ResultPath", context_known)
				 ? tiny(c, r, NULL, state_of(a, "Task", t, "ResultPath"), selected,
					NULL)
				 : NULL;
	out->after_result_path = placed;
}

/* The JSONPath steps: InputPath, Parameters, the result, ResultSelector, ResultPath. */
static void put_steps(sv_call *c, const ts_request *r, const ts_tested *t, const ts_outcome *o)
{
	ts_dataflow d;
	ts_dataflow_of(c, r, t, &o->seen, !strcmp(o->status, "SUCCEEDED"), 1, &d);
	sv_put_cstr(c, "afterInputPath", d.after_input);
	sv_put_cstr(c, "afterParameters", d.after_parameters);
	sv_put_cstr(c, "result", d.result);
	sv_put_cstr(c, "afterResultSelector", d.after_selector);
	sv_put_cstr(c, "afterResultPath", d.after_result_path);
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
