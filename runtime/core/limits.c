/* The host's limits on one execution (asl_options.max_memory and max_transitions), and its
 * requests to stop or pause it, shared by all its branches and iterations, which run on
 * several threads. */
#include <string.h>

#include "exec.h"
#include "format.h"

/* Each block counted carries its size in front, for the release. */
#define HEADER sizeof(max_align_t)

static void *counted_alloc(void *user, size_t size)
{
	asl__limits *l = user;
	size_t total = size + HEADER;
	size_t before = atomic_fetch_add(&l->held, total);
	if (total < size || before + total > l->max_memory || before + total < before) {
		atomic_fetch_sub(&l->held, total);
		atomic_store(&l->memory_exceeded, 1);
		return NULL;
	}
	max_align_t *block = l->host->alloc(l->host->user, total);
	if (!block) {
		atomic_fetch_sub(&l->held, total);
		return NULL;
	}
	memcpy(block, &total, sizeof total);
	return block + 1;
}

static void counted_release(void *user, void *p)
{
	asl__limits *l = user;
	if (!p)
		return;
	max_align_t *block = (max_align_t *)p - 1;
	size_t total;
	memcpy(&total, block, sizeof total);
	atomic_fetch_sub(&l->held, total);
	l->host->release(l->host->user, block);
}

void asl__limits_init(asl__limits *l, asl_options *opts)
{
	memset(l, 0, sizeof *l);
	l->host = opts->allocator ? opts->allocator : asl_default_allocator();
	l->max_memory = opts->max_memory;
	l->max_transitions = opts->max_transitions;
	atomic_init(&l->held, 0);
	atomic_init(&l->memory_exceeded, 0);
	atomic_init(&l->transitions, 0);
	l->should_stop = opts->should_stop;
	l->stop_user = opts->stop_user;
	atomic_init(&l->stopped, 0);
	atomic_init(&l->pause, 0);
	l->suspend_after = opts->suspend_after;
	l->polled = opts->max_transitions || opts->should_stop || opts->suspend_after;
	if (l->max_memory) {
		l->counted = (asl_allocator){counted_alloc, counted_release, l};
		opts->allocator = &l->counted;
	}
}

int asl__stop_requested(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	if (!l)
		return 0;
	if (atomic_load(&l->stopped))
		return 1;
	if (!l->should_stop || !l->should_stop(l->stop_user))
		return 0;
	atomic_store(&l->stopped, 1);
	return 1;
}

static int count_transition(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	if (atomic_fetch_add_explicit(&l->transitions, 1, memory_order_relaxed) <
	    l->max_transitions)
		return 0;
	/* modelled on AWS's cause for its 25,000-event history limit, which is not raised in a
	 * state either: "The execution reached the maximum number of history events (25000)." */
	char cause[96];
	int n = asl__fmt(cause, sizeof cause,
			 "The execution reached the maximum number of state transitions (%llu).",
			 (unsigned long long)l->max_transitions);
	asl_value *s = asl_string(asl_heap(ex), cause, (size_t)n);
	if (!s)
		return asl_fail_oom(ex);
	return asl__fail_text(ex, "States.Runtime", 14, s->u.string.ptr, s->u.string.len);
}

int asl__limits_check(asl_exec *ex, int next)
{
	asl__limits *l = ex->limits;
	/* a stop, or a sibling's failure, before a pause: a branch that is to end must not wait */
	if (asl__stop_requested(ex)) /* the result says ABORTED: nobody sees this error */
		return asl_fail(ex, "States.Runtime", "stopped");
	if (ex->group && asl__group_cancelled(ex))
		return asl_fail(ex, "States.Runtime", "cancelled");
	/* A blocking child (a Distributed Map's batch) cannot be kept waiting: it runs to its
	 * end, and its parent pauses after it. */
	if (!ex->blocking && atomic_load_explicit(&l->pause, memory_order_relaxed)) {
		ex->next = next;
		return ASL_SUSPEND;
	}
	/* before counting: the state paused at is entered (and counted) once, when it goes on */
	if (l->suspend_after &&
	    atomic_fetch_add_explicit(&l->entered, 1, memory_order_relaxed) >= l->suspend_after) {
		atomic_store(&l->pause, 1);
		if (!ex->blocking) {
			ex->next = next;
			return ASL_SUSPEND;
		}
	}
	if (l->max_transitions && count_transition(ex) < 0)
		return ASL_FAILED;
	return next;
}

size_t asl__memory_limit_cause(const asl__limits *l, const char *cause, size_t cause_len, char *out,
			       size_t size)
{
	if (!l || !atomic_load(&l->memory_exceeded) || !cause ||
	    cause_len != sizeof ASL_OOM_CAUSE - 1 || memcmp(cause, ASL_OOM_CAUSE, cause_len))
		return 0;
	int n = asl__fmt(out, size, "The execution exceeded its memory limit of %zu bytes.",
			 l->max_memory);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
