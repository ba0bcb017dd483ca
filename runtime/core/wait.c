/* Wait states: delays from literals and paths, checked the way AWS checks them. A Wait does
 * not sleep: it records when it ends and suspends (step.c waits, or returns to the host). */
#include <math.h>

#include "exec.h"

/* AWS rejects waits ending more than ~2^31 seconds away. */
#define MAX_WAIT_MS (2147483647LL * 1000)

int64_t asl__ms_of_seconds(double seconds)
{
	double ms = seconds * 1000;
	if (!(ms > 0)) /* NaN too */
		return 0;
	return ms < ASL_MS_FOREVER ? (int64_t)ms : (int64_t)ASL_MS_FOREVER;
}

int asl__sleep_until(asl_exec *ex, int64_t target_ms)
{
	int timed_out = 0;
	if (ex->deadline_ms && target_ms > ex->deadline_ms) {
		target_ms = ex->deadline_ms;
		timed_out = 1;
	}
	int64_t delta = target_ms - asl__now(ex);
	if (delta > 0) {
		const asl_platform *pf = asl__platform(ex);
		double scale = ex->opts.wait_scale > 0 ? ex->opts.wait_scale : 0; /* NaN: 0 */
		double scaled = (double)delta * scale;
		int64_t real = scaled < ASL_MS_FOREVER ? (int64_t)scaled : (int64_t)ASL_MS_FOREVER;
		/* in slices, so a failing sibling or a stop (any thread) ends the wait promptly */
		for (int64_t left = real; left > 0; left -= 50) {
			if (asl__cancelled(ex))
				return asl_fail(ex, "States.Runtime", "cancelled");
			pf->sleep_ms(pf->user, left < 50 ? left : 50);
		}
		int64_t skipped = real < delta ? delta - real : 0;
		const int64_t forever = (int64_t)ASL_MS_FOREVER;
		int64_t *clock = ex->clock; /* the skipped waiting this execution counts */
		*clock = *clock > forever - skipped ? forever : *clock + skipped;
	}
	return timed_out ? asl__time_out(ex) : 0;
}

/* Suspends the state until `target_ms` (nothing to wait for when that has passed). */
static int wait_until(asl_exec *ex, int64_t target_ms)
{
	if (target_ms <= asl__now(ex))
		return 0;
	ex->phase = ASL_PHASE_WAIT;
	ex->wake_ms = target_ms;
	return ASL_SUSPEND;
}

/* Called again once the wait is over: the delay was checked and waited for already. */
static int resumed(asl_exec *ex)
{
	ex->phase = ASL_PHASE_NONE;
	return 0;
}

int asl_wait_seconds(asl_exec *ex, double seconds)
{
	if (ex->phase == ASL_PHASE_WAIT)
		return resumed(ex);
	if (!(seconds * 1000 <= (double)MAX_WAIT_MS))
		return asl_fail_runtime(ex, "Wait state delay is too long.");
	return wait_until(ex, asl__now(ex) + asl__ms_of_seconds(seconds));
}

int asl_wait_seconds_path(asl_exec *ex, const asl_path *path, const asl_value *v)
{
	if (ex->phase == ASL_PHASE_WAIT)
		return resumed(ex);
	if (!v && asl__fail_unassigned(ex, path))
		return ASL_FAILED;
	if (!v)
		return asl_fail_runtime(ex,
					"The SecondsPath parameter does not reference an input "
					"value: %s",
					path->text);
	if (v->type != ASL_NUMBER || !asl_is_integral(v) || fabs(v->u.number) > 9.2e18)
		return asl_fail_runtime(ex,
					"The SecondsPath parameter cannot be parsed as a long "
					"value: %s == %s",
					path->text, asl__json(ex, v));
	if (v->u.number < 0)
		return asl_fail_runtime(ex,
					"The SecondsPath parameter references a negative value: "
					"%s == %s",
					path->text, asl__json(ex, v));
	return asl_wait_seconds(ex, v->u.number);
}

static int wait_until_text(asl_exec *ex, const char *s, size_t n, const asl_path *path,
			   const asl_value *v)
{
	int64_t ms;
	if (asl__parse_timestamp(s, n, &ms, NULL) < 0)
		return asl_fail_runtime(
			ex,
			"The TimestampPath parameter does not reference a valid "
			"ISO-8601 extended offset date-time format string: %s == %s",
			path ? path->text : "", v ? asl__json(ex, v) : s);
	if (ms - asl__now(ex) > MAX_WAIT_MS)
		return asl_fail_runtime(ex, "Wait state delay is too long.");
	return wait_until(ex, ms);
}

int asl_wait_timestamp(asl_exec *ex, const char *timestamp)
{
	if (ex->phase == ASL_PHASE_WAIT)
		return resumed(ex);
	size_t n = 0;
	while (timestamp[n])
		n++;
	return wait_until_text(ex, timestamp, n, NULL, NULL);
}

int asl_wait_timestamp_path(asl_exec *ex, const asl_path *path, const asl_value *v)
{
	if (ex->phase == ASL_PHASE_WAIT)
		return resumed(ex);
	if (!v && asl__fail_unassigned(ex, path))
		return ASL_FAILED;
	if (!v)
		return asl_fail_runtime(ex,
					"The TimestampPath parameter does not reference an input "
					"value: %s",
					path->text);
	if (v->type != ASL_STRING)
		return asl_fail_runtime(
			ex,
			"The TimestampPath parameter does not reference a valid "
			"ISO-8601 extended offset date-time format string: %s == %s",
			path->text, asl__json(ex, v));
	return wait_until_text(ex, v->u.string.ptr, v->u.string.len, path, NULL);
}
