/* Executions as values: starting one, advancing it in steps, delivering task outcomes,
 * stopping and pausing it from outside, and taking its outcome; asl_execute is a blocking loop
 * over the same. */
#include <string.h>

#include "exec.h"
#include "format.h"
#include "services.h"

static const char *perm_format(asl_exec *ex, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *s = asl_arena_alloc(&ex->perm, n);
	if (s)
		asl__fmt(s, n, fmt, a, b);
	return s ? s : "";
}

static const char *result_string(asl_result *r, const char *s, size_t *len)
{
	asl_value *v = s ? asl_string(&r->arena, s, *len) : NULL;
	*len = v ? v->u.string.len : 0;
	return v ? v->u.string.ptr : NULL;
}

/* The out-of-memory error in static storage: it needs no memory to report. */
static void result_out_of_memory(asl_result *r)
{
	r->status = ASL_FAILED_STATUS;
	r->error = ASL_OOM_ERROR;
	r->error_len = sizeof ASL_OOM_ERROR - 1;
	r->cause = ASL_OOM_CAUSE;
	r->cause_len = sizeof ASL_OOM_CAUSE - 1;
}

/* A machine compiled against another abi.h: nothing of it but the version can be trusted. */
static asl_status abi_mismatch(const asl_machine *m, const asl_options *opts, asl_result *r)
{
	static const char error[] = "States.Runtime";
	char cause[128];
	asl__fmt(cause, sizeof cause,
		 "the machine was compiled for ABI %d but the runtime is ABI %d", m->abi_version,
		 ASL_ABI_VERSION);
	memset(r, 0, sizeof *r);
	asl__arena_init(&r->arena, opts ? opts->allocator : NULL, opts); /* NULL: the default */
	r->status = ASL_FAILED_STATUS;
	r->error_len = sizeof error - 1;
	r->cause_len = strlen(cause);
	r->error = result_string(r, error, &r->error_len);
	r->cause = result_string(r, cause, &r->cause_len);
	if (r->arena.failed)
		result_out_of_memory(r);
	return ASL_FAILED_STATUS;
}

/* The result's status, output and error, taken out of the finished execution. */
static void fill_result(asl_exec *ex, asl_result *result)
{
	result->status = ex->timed_out ? ASL_TIMED_OUT
			 : ex->failed  ? ASL_FAILED_STATUS
				       : ASL_SUCCEEDED;
	if (ex->failed && ex->limits && atomic_load(&ex->limits->stopped)) {
		result->status = ASL_ABORTED; /* StopExecution: its error and cause, if any */
		ex->error = ex->limits->stop_error;
		ex->cause = ex->limits->stop_cause;
		ex->error_len = ex->error ? strlen(ex->error) : 0;
		ex->cause_len = ex->cause ? strlen(ex->cause) : 0;
	}
	result->output_value = NULL;
	result->output = NULL;
	result->output_len = 0;
	result->transitions = (uint64_t)ex->entered_count;
	char limit_cause[96];
	size_t n = asl__memory_limit_cause(ex->limits, ex->cause, ex->cause_len, limit_cause,
					   sizeof limit_cause);
	if (n) {
		ex->cause = limit_cause;
		ex->cause_len = n;
	}
	result->error_len = ex->error_len;
	result->cause_len = ex->cause_len;
	result->error = result_string(result, ex->error, &result->error_len);
	result->cause = result_string(result, ex->cause, &result->cause_len);
	if (result->arena.failed)
		result_out_of_memory(result); /* the error could not be kept */
	if (result->status == ASL_SUCCEEDED) {
		/* The output lives in the execution's arenas: the result takes them over rather
		 * than copy it (a Map's output can be most of the execution's memory). Under a
		 * memory limit they use the counting allocator, which dies with the execution. */
		if (asl_arena_adopt(&result->arena, &ex->perm) == 0 &&
		    asl_arena_adopt(&result->arena, &ex->heaps[0]) == 0 &&
		    asl_arena_adopt(&result->arena, &ex->heaps[1]) == 0)
			result->output_value = ex->data;
		else
			result->output_value = asl_copy(&result->arena, ex->data);
		if (result->output_value)
			result->output = asl_to_json(&result->arena, result->output_value,
						     &result->output_len);
		if (!result->output) {
			result->output_value = NULL;
			result_out_of_memory(result);
		}
	}
}

asl_execution *asl_start(const asl_machine *m, const asl_value *input, const asl_options *opts)
{
	return asl__start(m, input, opts, 0);
}

asl_execution *asl__start(const asl_machine *m, const asl_value *input, const asl_options *opts,
			  int restoring)
{
	asl_options defaults;
	if (!opts) {
		asl_options_init(&defaults);
		opts = &defaults;
	}
	const asl_allocator *host = opts->allocator ? opts->allocator : asl_default_allocator();
	asl_execution *e = host->alloc(host->user, sizeof *e);
	if (!e)
		return NULL;
	memset(e, 0, sizeof *e);
	asl_exec *ex = &e->top;
	ex->opts = *opts;
	ex->clock = &ex->skipped_ms;
	if (m->abi_version != ASL_ABI_VERSION) {
		e->abi_mismatch = 1;
		abi_mismatch(m, opts, &e->failure);
		ex->next = ASL_FAILED;
		return e;
	}
	asl__limits_init(&e->limits, &ex->opts);
	ex->limits = &e->limits;
	const asl_allocator *al = asl__allocator(ex);
	const asl_platform *pf = asl__platform(ex);
	e->limits.lock = pf->lock_new(pf->user);
	ex->machine = m;
	asl__arena_init(&ex->perm, al, &ex->opts);
	asl__arena_init(&ex->heaps[0], al, &ex->opts);
	asl__arena_init(&ex->heaps[1], al, &ex->opts);
	ex->compact_at = asl__compact_min(ex);

	ex->name = ex->opts.execution_name ? ex->opts.execution_name : "local-execution";
	ex->machine_arn =
		ex->opts.machine_arn
			? perm_format(ex, "%s%s", ex->opts.machine_arn, "")
			: perm_format(ex, "arn:aws:states:local:000000000000:stateMachine:%s%s",
				      m->name, "");
	ex->execution_arn =
		ex->opts.execution_arn
			? perm_format(ex, "%s%s", ex->opts.execution_arn, "")
			: perm_format(ex, "arn:aws:states:local:000000000000:execution:%s:%s",
				      m->name, ex->name);
	ex->start_ms = asl__now(ex); /* nothing skipped yet: the platform's clock */
	if (m->timeout_seconds > 0)
		ex->deadline_ms = ex->start_ms + (int64_t)(m->timeout_seconds * 1000);
	ex->input = asl_copy(&ex->perm, input);
	if (ex->opts.mock_config) {
		ex->mock_calls = asl_arena_alloc(&ex->perm, (size_t)m->state_count * sizeof(int));
		if (ex->mock_calls)
			memset(ex->mock_calls, 0, (size_t)m->state_count * sizeof(int));
	}
	if (m->var_count) {
		ex->vars = asl_arena_alloc(&ex->perm, (size_t)m->var_count * sizeof *ex->vars);
		if (ex->vars)
			memset(ex->vars, 0, (size_t)m->var_count * sizeof *ex->vars);
		else
			ex->input = NULL;
	}
	if (m->max_retriers &&
	    !(ex->attempts = asl_arena_alloc(&ex->perm, (size_t)m->max_retriers * sizeof(int))))
		ex->input = NULL;
	ex->data = ex->input;
	ex->next = m->start;
	if (asl__history_init(ex) < 0 || !ex->input || ex->perm.failed || !e->limits.lock) {
		asl_fail_oom(ex);
		ex->next = ASL_FAILED;
	} else if (!restoring) {
		asl__history_started(ex);
	}
	return e;
}

asl_step asl_advance(asl_execution *e)
{
	asl_exec *ex = &e->top;
	asl_step step = {ASL_STEP_FINISHED, 0, 0, NULL};
	if (ex->next < 0 && !ex->phase)
		return step;
	if (asl__step(ex))
		return step;
	asl__waiting(ex, &step.until_ms, &step.tasks);
	if (atomic_exchange(&e->limits.pause, 0)) { /* the pause is answered: going on goes on */
		step.kind = ASL_STEP_PAUSED;
		e->limits.suspend_after = 0; /* once: going on does not pause again */
		e->limits.polled = ex->opts.max_transitions || ex->opts.should_stop;
	} else if (ex->phase == ASL_PHASE_TASK) {
		step.kind = ASL_STEP_WAIT_TASK;
		step.token = ex->token;
	} else if (ex->phase == ASL_PHASE_CHILDREN) {
		step.kind = ASL_STEP_WAIT_CHILDREN;
	} else {
		step.kind = ASL_STEP_WAIT_TIME;
	}
	return step;
}

void asl_run_to_end(asl_execution *e)
{
	e->top.blocking = 1; /* waits wait where they are: one step runs it to its end */
	asl_advance(e);
}

void asl_wait(asl_execution *e, const asl_step *step)
{
	if (step->kind != ASL_STEP_FINISHED && step->kind != ASL_STEP_PAUSED)
		asl__wait_until(&e->top, step->until_ms);
}

/* asl__post's answer as the API gives it: 0 taken, 1 nobody waits for the token, -1. */
static int delivered(int rc)
{
	return rc < 0 ? -1 : !rc;
}

int asl_task_succeed(asl_execution *e, const char *token, const asl_value *output)
{
	if (!output)
		return -1;
	return delivered(asl__post(&e->top, token, output, NULL, NULL, 0));
}

int asl_task_started(asl_execution *e, const char *token, const char *worker)
{
	return delivered(asl__post(&e->top, token, NULL, NULL, worker, 2));
}

int asl_task_waiting(asl_execution *e, const char *token)
{
	return token && asl__waits_on(&e->top, token);
}

int asl_task_fail(asl_execution *e, const char *token, const char *error, const char *cause)
{
	return delivered(asl__post(&e->top, token, NULL, error, cause, 0));
}

int asl_task_heartbeat(asl_execution *e, const char *token)
{
	return delivered(asl__post(&e->top, token, NULL, NULL, NULL, 1));
}

/* A copy of `s` in the execution's allocator (freed by asl_finish); NULL for NULL. */
static const char *stop_text(asl_execution *e, const char *s)
{
	if (!s)
		return NULL;
	const asl_allocator *al = e->limits.host;
	size_t n = strlen(s) + 1;
	char *copy = al->alloc(al->user, n);
	if (copy)
		memcpy(copy, s, n);
	return copy;
}

void asl_stop(asl_execution *e, const char *error, const char *cause)
{
	if (e->abi_mismatch)
		return;
	asl__limits *l = &e->limits;
	const asl_platform *pf = asl__platform(&e->top);
	pf->lock(pf->user, l->lock);
	if (!atomic_load(&l->stopped)) { /* the first stop's texts count */
		l->stop_error = stop_text(e, error);
		l->stop_cause = stop_text(e, cause);
		atomic_store(&l->stopped, 1);
	}
	pf->unlock(pf->user, l->lock);
}

void asl_pause(asl_execution *e)
{
	if (!e->abi_mismatch)
		atomic_store(&e->limits.pause, 1);
}

int64_t asl_now(asl_execution *e)
{
	return asl__now(&e->top);
}

void asl_skip_to(asl_execution *e, int64_t until_ms)
{
	int64_t delta = until_ms - asl__now(&e->top);
	const int64_t forever = (int64_t)ASL_MS_FOREVER;
	int64_t *clock = e->top.clock;
	if (delta > 0)
		*clock = *clock > forever - delta ? forever : *clock + delta;
}

void asl_pause_after(asl_execution *e, uint64_t states)
{
	if (e->abi_mismatch || !states)
		return;
	e->limits.suspend_after = atomic_load(&e->limits.entered) + states;
	e->limits.polled = 1;
}

asl_status asl_finish(asl_execution *e, asl_result *result)
{
	asl_exec *ex = &e->top;
	if (e->abi_mismatch) {
		*result = e->failure;
		const asl_allocator *al = asl__allocator(ex);
		al->release(al->user, e);
		return result->status;
	}
	if (ex->next >= 0 || ex->phase) { /* still running: stop it */
		if (!atomic_load(&e->limits.stopped))
			asl_stop(e, NULL, NULL);
		atomic_store(&e->limits.pause, 0);
		ex->blocking = 1;
		asl__step(ex);
	}
	asl__release_children(ex);
	/* the result outlives the execution and its limits: it takes the host's allocator */
	asl__arena_init(&result->arena, e->limits.host, &ex->opts);
	asl__free_pool(ex);
	fill_result(ex, result);
	asl__history_finished(ex, result);
	asl__history_free(ex);
	asl_arena_destroy(&ex->heaps[0]);
	asl_arena_destroy(&ex->heaps[1]);
	asl_arena_destroy(&ex->perm);
	asl__inbox_free(ex);
	const asl_allocator *al = e->limits.host;
	if (e->limits.stop_error)
		al->release(al->user, (void *)e->limits.stop_error);
	if (e->limits.stop_cause)
		al->release(al->user, (void *)e->limits.stop_cause);
	const asl_platform *pf = asl__platform(ex);
	if (e->limits.lock)
		pf->lock_free(pf->user, e->limits.lock);
	al->release(al->user, e);
	return result->status;
}

void asl_discard(asl_execution *e)
{
	/* nothing more of it is seen: no event, no outcome (a saved copy goes on elsewhere) */
	e->limits.discarded = 1;
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
}

asl_status asl_execute(const asl_machine *m, const asl_value *input, const asl_options *opts,
		       asl_result *result)
{
	asl_execution *e = asl_start(m, input, opts);
	if (!e) {
		memset(result, 0, sizeof *result);
		asl__arena_init(&result->arena, opts ? opts->allocator : NULL, opts);
		result_out_of_memory(result);
		return result->status;
	}
	asl_run_to_end(e);
	return asl_finish(e, result);
}

void asl_result_free(asl_result *result)
{
	asl_arena_destroy(&result->arena);
}

const char *asl_status_name(asl_status status)
{
	switch (status) {
	case ASL_SUCCEEDED:
		return "SUCCEEDED";
	case ASL_TIMED_OUT:
		return "TIMED_OUT";
	case ASL_ABORTED:
		return "ABORTED";
	default:
		return "FAILED";
	}
}

const char *asl_result_error_json(asl_result *r)
{
	asl_value *o = asl_object(&r->arena, 2);
	if (r->error)
		asl_object_append(&r->arena, o, "Error", 5,
				  asl_string(&r->arena, r->error, r->error_len));
	if (r->cause)
		asl_object_append(&r->arena, o, "Cause", 5,
				  asl_string(&r->arena, r->cause, r->cause_len));
	const char *json = o && !r->arena.failed ? asl_to_json(&r->arena, o, NULL) : NULL;
	return json ? json : "{\"Error\":\"" ASL_OOM_ERROR "\",\"Cause\":\"" ASL_OOM_CAUSE "\"}";
}
