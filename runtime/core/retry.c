/* Retry and Catch: matching an error against ErrorEquals, backoff with jitter, and the Error
 * Output handed to a Catcher. States.Runtime is never retried nor caught. */
#include <math.h>
#include <string.h>

#include "exec.h"

/* Error names are compared with their lengths: "A\u0000B" is not "A". */
static int same(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && !memcmp(a, b, an);
}

#define SAME(a, an, literal) same((a), (an), literal, sizeof literal - 1)

static int name_matches(asl_exec *ex, const char *want, size_t want_len, const char *error,
			size_t len)
{
	if (SAME(want, want_len, "States.ALL"))
		return 1;
	if (SAME(want, want_len, "States.HeartbeatTimeout") && ex->heartbeat_missed)
		return SAME(error, len, "States.Timeout");
	if (SAME(want, want_len, "States.TaskFailed")) /* any error but a timeout */
		return !SAME(error, len, "States.Timeout");
	return same(want, want_len, error, len);
}

static int error_matches(asl_exec *ex, const char *const *errors, const size_t *lens, int n)
{
	const char *error = ex->error ? ex->error : "";
	if (SAME(error, ex->error_len, "States.Runtime") || ex->timed_out)
		return 0;
	for (int i = 0; i < n; i++)
		if (name_matches(ex, errors[i], lens[i], error, ex->error_len))
			return 1;
	return 0;
}

static void clear_error(asl_exec *ex)
{
	ex->failed = 0;
	ex->heartbeat_missed = 0;
	ex->error = ex->cause = NULL;
	ex->error_len = ex->cause_len = 0;
}

int64_t asl__retry_delay_ms(const asl_retrier *r, int attempt, uint32_t rnd)
{
	/* BackoffRate^n soon leaves every range (even a double's): saturate, never wrap */
	double delay = r->interval * pow(r->backoff, attempt);
	if (r->max_delay > 0 && delay > r->max_delay)
		delay = r->max_delay;
	if (!(delay < ASL_MS_FOREVER / 1000)) /* before jitter: inf * 0 would be NaN */
		delay = ASL_MS_FOREVER / 1000;
	if (r->jitter_full)
		delay *= (double)rnd / 4294967296.0;
	return asl__ms_of_seconds(delay);
}

int asl_suspended(const asl_exec *ex)
{
	return ex->phase != ASL_PHASE_NONE;
}

int asl_retry(asl_exec *ex, const asl_retrier *retriers, int count)
{
	int *attempts = ex->attempts;
	for (int i = 0; i < count; i++) {
		const asl_retrier *r = &retriers[i];
		if (!error_matches(ex, r->errors, r->error_lens, r->error_count))
			continue;
		/* the first matching retrier decides, even when it is exhausted */
		if (attempts[i] >= r->max_attempts)
			return 0;
		uint32_t rnd = 0;
		if (r->jitter_full && asl__random(ex, &rnd, sizeof rnd) < 0)
			rnd = 0; /* no randomness: the shortest delay */
		int64_t delay = asl__retry_delay_ms(r, attempts[i], rnd);
		attempts[i]++;
		clear_error(ex);
		ex->retry_count++;
		ex->context = NULL;
		ex->token[0] = '\0'; /* each attempt has its own task token */
		ex->phase = ASL_PHASE_RETRY;
		ex->wake_ms = asl__now(ex) + delay;
		ex->group_failed = 0; /* retried: no ...StateFailed */
		return 1;
	}
	return 0;
}

int asl_catch(asl_exec *ex, const asl_catcher *catchers, int count)
{
	asl__history_group_failed(ex); /* not retried */
	for (int i = 0; i < count; i++)
		if (error_matches(ex, catchers[i].errors, catchers[i].error_lens,
				  catchers[i].error_count))
			return i;
	return -1;
}

asl_value *asl_error_output(asl_exec *ex)
{
	asl_arena *a = asl_heap(ex);
	asl_value *o = asl_object(a, 2);
	asl_object_append(a, o, "Error", 5,
			  ex->error ? asl_string(a, ex->error, ex->error_len) : asl_null());
	asl_object_append(a, o, "Cause", 5,
			  ex->cause ? asl_string(a, ex->cause, ex->cause_len) : asl_null());
	clear_error(ex);
	ex->context = NULL;
	return a->failed ? NULL : o;
}
