/* What state functions call on entry and exit, variables, and keeping memory bounded by
 * copying the live data to a fresh heap when the current one has grown. */
#include <string.h>

#include "exec.h"

void asl_options_init(asl_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->wait_scale = 1.0;
}

const char *asl_machine_name(const asl_machine *m)
{
	return m->name;
}

int64_t asl__now(const asl_exec *ex)
{
	const asl_platform *pf = asl__platform(ex);
	return pf->now_ms(pf->user) + *ex->clock;
}

asl_arena *asl_heap(asl_exec *ex)
{
	return &ex->heaps[ex->heap];
}

asl_value *asl_empty_object(asl_exec *ex)
{
	return asl_object(asl_heap(ex), 0);
}

asl_value *asl_enter(asl_exec *ex, int index)
{
	if (ex->phase) /* called again to go on after a wait: the state was entered already */
		return ex->data;
	ex->state = index;
	ex->retryable = 0;
	ex->task = NULL;
	ex->entered_count++;
	ex->entered_ms = -1; /* read from the clock when first needed (asl__entered_ms) */
	ex->context = NULL;
	if (asl__history_quiet(ex)) {
		ex->entered_event = ex->prev_event = asl__next_top_event(ex);
	} else if (!ex->opts.on_event) { /* a branch or iteration nobody listens to */
		ex->open_state = 1;
		ex->entered_event = ex->prev_event = asl__next_child_event(ex);
	} else {
		asl__history_entered(ex);
	}
	return ex->data;
}

int64_t asl__entered_ms(asl_exec *ex)
{
	/* taken lazily: nothing of the state has run yet when $$ is first read, so this is the
	 * entry time to within microseconds, without a clock read per transition */
	if (ex->entered_ms < 0)
		ex->entered_ms = asl__now(ex);
	return ex->entered_ms;
}

int asl_leave(asl_exec *ex, asl_value *output, int next)
{
	if (!output || asl_heap(ex)->failed)
		return asl_fail_oom(ex);
	if (output != ex->data) {
		size_t size = asl_json_size(output, ASL_PAYLOAD_LIMIT);
		if (size == ASL_TOO_DEEP)
			return asl_fail_runtime(ex,
						"The state's output is nested more than %d levels "
						"deep.",
						ASL_PARSE_MAX_DEPTH);
		if (size > ASL_PAYLOAD_LIMIT)
			return asl_fail_data_limit(ex);
	}
	if (asl__history_quiet(ex)) {
		ex->prev_event = asl__next_top_event(ex);
	} else if (!ex->opts.on_event) {
		ex->open_state = 0;
		ex->prev_event = asl__next_child_event(ex);
	} else {
		asl__history_exited(ex, output);
	}
	ex->data = output;
	return next;
}

int asl__cancelled_cb(void *ex)
{
	return asl__cancelled(ex);
}

asl_value *asl_var(asl_exec *ex, int slot)
{
	return ex->vars[slot];
}

int asl_assign(asl_exec *ex, asl_value *values, const int *slots)
{
	size_t size = asl_json_size(values, ASL_PAYLOAD_LIMIT);
	if (size == ASL_TOO_DEEP)
		return asl_fail_runtime(ex,
					"The values assigned to variables are nested more than "
					"%d levels deep.",
					ASL_PARSE_MAX_DEPTH);
	if (size > ASL_PAYLOAD_LIMIT)
		return asl_fail_runtime(ex, "The values assigned to variables exceed the limit of "
					    "262144 bytes.");
	for (size_t i = 0; i < values->u.object.len; i++)
		ex->vars[slots[i]] = values->u.object.members[i].value;
	if (ex->opts.on_event)
		asl__history_assigned(ex, values);
	return 0;
}

int asl__compact(asl_exec *ex)
{
	asl_arena *from = &ex->heaps[ex->heap];
	asl_arena *to = &ex->heaps[!ex->heap];
	asl_value *data = asl_copy(to, ex->data);
	if (!data)
		return asl_fail_oom(ex);
	for (int i = 0; i < ex->machine->var_count; i++)
		if (ex->vars[i] && !(ex->vars[i] = asl_copy(to, ex->vars[i])))
			return asl_fail_oom(ex);
	asl_arena_reset(from);
	ex->heap = !ex->heap;
	ex->data = data;
	ex->context = NULL;
	size_t live = to->used, least = asl__compact_min(ex);
	ex->compact_at = live * 2 > least ? live * 2 : least;
	return 0;
}

size_t asl__compact_min(const asl_exec *ex)
{
	return ex->opts.compact_min ? ex->opts.compact_min : ASL_COMPACT_MIN;
}

void asl__arena_init(asl_arena *arena, const asl_allocator *allocator, const asl_options *opts)
{
	asl_arena_init(arena, allocator);
	if (opts)
		asl_arena_set_chunks(arena, opts->arena_first_chunk, opts->arena_max_chunk);
}

int asl__past_deadline(asl_exec *ex)
{
	return ex->deadline_ms && asl__now(ex) >= ex->deadline_ms;
}

int asl__time_out(asl_exec *ex)
{
	ex->timed_out = 1;
	return asl_fail(ex, "States.Timeout", NULL);
}
