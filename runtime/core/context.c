/* The context object `$$`, built on demand once per state. */
#include <string.h>

#include "exec.h"

static void put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	asl_object_append(a, o, key, strlen(key), v);
}

static asl_value *time_string(asl_arena *a, int64_t ms)
{
	char buf[48];
	asl__format_time(ms, buf);
	return asl_cstring(a, buf);
}

asl_value *asl_context(asl_exec *ex)
{
	if (ex->context && !ex->map_item)
		return ex->context;
	asl_arena *a = asl_heap(ex);
	asl_value *exec = asl_object(a, 6), *sm = asl_object(a, 2), *st = asl_object(a, 2);
	asl_value *ctx = asl_object(a, 3);
	if (!exec || !sm || !st || !ctx)
		return NULL;
	put(a, exec, "Id", asl_cstring(a, ex->execution_arn));
	put(a, exec, "Input", ex->input);
	put(a, exec, "StartTime", time_string(a, ex->start_ms));
	put(a, exec, "Name", asl_cstring(a, ex->name));
	put(a, exec, "RoleArn",
	    asl_cstring(a, ex->opts.role_arn ? ex->opts.role_arn : ASL_ROLE_ARN));
	put(a, exec, "RedriveCount", asl_integer(a, 0));
	put(a, sm, "Id", asl_cstring(a, ex->machine_arn));
	put(a, sm, "Name", asl_cstring(a, ex->machine->name));
	const asl_machine *m = ex->machine;
	put(a, st, "Name", asl_string(a, m->state_names[ex->state], m->state_name_lens[ex->state]));
	put(a, st, "EnteredTime", time_string(a, asl__entered_ms(ex)));
	if (ex->retryable)
		put(a, st, "RetryCount", asl_integer(a, ex->retry_count));
	put(a, ctx, "Execution", exec);
	put(a, ctx, "StateMachine", sm);
	put(a, ctx, "State", st);
	if (ex->map_item) {
		asl_value *map = asl_object(a, 1), *item = asl_object(a, 2);
		if (ex->map_key)
			put(a, item, "Key", asl_string(a, ex->map_key, ex->map_key_len));
		put(a, item, "Index", asl_integer(a, ex->map_index));
		put(a, item, "Value", (asl_value *)ex->map_item);
		put(a, map, "Item", item);
		put(a, ctx, "Map", map);
	}
	if (ex->task && ex->task->token) {
		asl_value *task = asl_object(a, 1);
		put(a, task, "Token", asl_string(a, asl__task_token(ex), 64));
		put(a, ctx, "Task", task);
	}
	if (a->failed)
		return NULL;
	ex->context = ctx;
	return ctx;
}
