/* Mocked Task responses in the format of AWS Step Functions Local's MockConfigFile.json:
 *   {"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
 *    "MockedResponses": {"<response>": {"0": {"Return": ...}, "1-2": {"Throw": {...}}}}}
 * The n-th invocation of a state (retries included) uses the entry whose key ("n" or "a-b")
 * covers n; past the last entry the last one repeats. */
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

static const asl_value *test_case(asl_exec *ex)
{
	const asl_value *machines = asl_object_get(ex->opts.mock_config, "StateMachines", 13);
	const char *name = ex->opts.mock_case;
	size_t n = strlen(name);
	const asl_value *own =
		asl_object_get(machines, ex->machine->name, strlen(ex->machine->name));
	const asl_value *c = asl_object_get(asl_object_get(own, "TestCases", 9), name, n);
	if (c || !machines || machines->type != ASL_OBJECT)
		return c;
	/* the config may name the machine differently: take the case wherever it is */
	for (size_t i = 0; i < machines->u.object.len && !c; i++)
		c = asl_object_get(
			asl_object_get(machines->u.object.members[i].value, "TestCases", 9), name,
			n);
	return c;
}

static int covers(const char *key, int n)
{
	char *end;
	long a = strtol(key, &end, 10), b = a;
	if (end == key)
		return 0;
	if (*end == '-')
		b = strtol(end + 1, &end, 10);
	return *end == '\0' && n >= a && n <= b;
}

int asl__mock_invoke(asl_exec *ex, asl_value **result)
{
	if (!ex->opts.mock_config || !ex->opts.mock_case)
		return 0;
	const asl_value *tc = test_case(ex);
	const asl_machine *m = ex->machine;
	const asl_value *ref =
		asl_object_get(tc, m->state_names[ex->state], m->state_name_lens[ex->state]);
	if (!ref || ref->type != ASL_STRING)
		return 0;
	const asl_value *responses =
		asl_object_get(asl_object_get(ex->opts.mock_config, "MockedResponses", 15),
			       ref->u.string.ptr, ref->u.string.len);
	*result = NULL;
	if (!responses || responses->type != ASL_OBJECT || responses->u.object.len == 0) {
		asl_fail(ex, "States.TaskFailed",
			 "The mock configuration has no MockedResponses "
			 "entry for this state's response.");
		return 1;
	}
	int call = ex->mock_calls
			   ? __atomic_fetch_add(&ex->mock_calls[ex->state], 1, __ATOMIC_RELAXED)
			   : 0;
	const asl_value *entry = NULL;
	for (size_t i = 0; i < responses->u.object.len && !entry; i++)
		if (covers(responses->u.object.members[i].key, call))
			entry = responses->u.object.members[i].value;
	if (!entry)
		entry = responses->u.object.members[responses->u.object.len - 1].value;
	const asl_value *ret = asl_object_get(entry, "Return", 6);
	const asl_value *thr = asl_object_get(entry, "Throw", 5);
	if (ret) {
		*result = (asl_value *)ret;
		return 1;
	}
	const asl_value *e = asl_object_get(thr, "Error", 5), *c = asl_object_get(thr, "Cause", 5);
	static const asl_value task_failed = ASL_STATIC_STRING("States.TaskFailed", 17);
	asl__fail_values(ex, e && e->type == ASL_STRING ? e : &task_failed, c);
	return 1;
}
