/* The data-flow steps of one state visit for the console (afterInputPath, afterParameters,
 * afterResultSelector, afterResultPath). The history records only the input, a task's
 * parameters and result, and the output; the steps between are computed the way TestState's
 * inspectionData computes them (ts_dataflow_of: tiny machines of the state's own fields, run by
 * the runtime on the recorded values with the variables the visit saw). Fields that read the
 * context object are left out: the tiny runs would not see the execution's. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <string.h>

#include "console_history.h"
#include "test_state.h"

static int jsonata(const asl_value *state)
{
	const asl_value *q = asl_object_get(state, "QueryLanguage", 13);
	return asl_is_string(q) && !strcmp(asl_string_ptr(q), "JSONata");
}

/* Whether the fields the tiny machines run read a variable ($name): without, the variables
 * are left out of them, so that visits entered with other values share one compiled machine. */
static int reads_variables(asl_arena *a, const asl_value *state)
{
	static const char *const FIELDS[] = {"InputPath", "Parameters", "ResultSelector",
					     "ResultPath"};
	for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++) {
		const asl_value *f = asl_object_get(state, FIELDS[i], strlen(FIELDS[i]));
		size_t len;
		const char *json = f ? asl_to_json(a, f, &len) : NULL;
		for (const char *p = json; p && (p = strchr(p, '$')); p++)
			if (isalpha((unsigned char)p[1]) || p[1] == '_')
				return 1;
	}
	return 0;
}

void cs_dataflow_of(sv_call *c, ts_modules *modules, const cs_visit *v, const asl_value *state,
		    const char *machine_name, int succeeded, cs_dataflow *out)
{
	memset(out, 0, sizeof *out);
	const asl_value *type = asl_object_get(state, "Type", 4);
	if (!v->input || !asl_is_string(type) || jsonata(state))
		return;
	asl_parse_error perr;
	ts_request r;
	memset(&r, 0, sizeof r);
	r.input_text = v->input;
	r.input_len = strlen(v->input);
	r.input = asl_parse(&c->arena, v->input, r.input_len, 0, &perr);
	r.variables = reads_variables(&c->arena, state) ? v->vars : NULL;
	r.machine_name = machine_name;
	r.modules = modules;
	if (!r.input)
		return;
	ts_tested t = {v->state, state, asl_string_ptr(type),
		       !strcmp(asl_string_ptr(type), "Task")};
	ts_seen seen;
	memset(&seen, 0, sizeof seen);
	seen.input = v->input;
	seen.output = v->output;
	seen.parameters = v->parameters;
	seen.result = v->result;
	ts_dataflow d;
	ts_dataflow_of(c, &r, &t, &seen, succeeded, 0, &d);
	out->after_input = d.after_input;
	out->after_parameters = d.after_parameters;
	if (t.task) /* a Pass's result is no ResultSelector's */
		out->after_selector = d.after_selector;
	out->after_result_path = d.after_result_path;
	/* a Map's or Parallel's result (its iterations' or branches' outputs) is in no event, but
	 * without OutputPath what its ResultPath made is its output */
	const char *type_name = asl_string_ptr(type);
	if ((!strcmp(type_name, "Map") || !strcmp(type_name, "Parallel")) && succeeded &&
	    !asl_object_get(state, "OutputPath", 10) && d.after_input)
		out->after_result_path = v->output;
}
