/* Runtime-internal view of an execution. */
#ifndef ASL_EXEC_H
#define ASL_EXEC_H

#include <stdatomic.h>

#include "asl/abi.h"
#include "asl/asl.h"
#include "asl/platform_core.h"

struct asl__message;

/* What all executions of one tree (the top level, its branches and iterations) share: the host's
 * limits (limits.c), requests from outside to stop or pause (any thread), and task outcomes
 * waiting to be delivered (step.c). */
typedef struct asl__limits {
	asl_allocator counted; /* the host's allocator, counting what the execution holds */
	const asl_allocator *host;
	size_t max_memory; /* 0: none */
	atomic_size_t held;
	atomic_int memory_exceeded; /* an allocation was refused for the limit */
	uint64_t max_transitions; /* 0: none */
	atomic_uint_fast64_t transitions;
	int (*should_stop)(void *user); /* NULL: none */
	void *stop_user;
	atomic_int stopped; /* should_stop said so once, or asl_stop was called: it stays so */
	const char *stop_error, *stop_cause; /* asl_stop's, copied (NULL: none) */
	int polled; /* something to count or poll before every state: max_transitions,
		     * should_stop or suspend_after */
	uint64_t suspend_after; /* pause once this many states were entered (0: never) */
	atomic_uint_fast64_t entered; /* states entered, counted for suspend_after */
	atomic_int pause; /* stop at the next state boundary (asl_pause, suspend_after) */
	int discarded; /* asl_discard: it ends without events (its snapshot goes on elsewhere) */
	asl_lock *lock; /* guards `inbox` and the stop's texts; NULL until first needed */
	struct asl__message *inbox; /* tasks waiting for outcomes, and early outcomes (step.c) */
	size_t unclaimed; /* early outcomes in the inbox */
	/* task tokens: random bytes taken once (seeded: 0 not yet, 1 being taken, 2 ready) and a
	 * serial number, so a token costs no system call */
	unsigned char token_seed[24];
	atomic_int seeded;
	atomic_uint_fast64_t token_serial;
} asl__limits;

/* What the current state waits for (asl_exec.phase); 0: it is running, or between states. */
enum {
	ASL_PHASE_NONE,
	ASL_PHASE_WAIT, /* a Wait state, until wake_ms */
	ASL_PHASE_RETRY, /* a retrier's backoff, until wake_ms; then the next attempt */
	ASL_PHASE_TASK, /* a task's outcome, delivered by token (task_outcome) */
	ASL_PHASE_CHILDREN /* the Parallel branches or Map iterations of `children` */
};

/* A task's outcome, delivered to an execution waiting in ASL_PHASE_TASK. */
typedef struct asl__outcome {
	int ready;
	asl_value *output; /* success: the result, in the execution's heap */
	const char *error, *cause; /* failure (either may be NULL), in the heap */
	size_t error_len, cause_len;
} asl__outcome;

struct asl_exec {
	const asl_machine *machine;
	asl_options opts;
	asl_arena perm; /* lives as long as the execution: input, names, ids */
	asl_arena heaps[2]; /* values of the running states; compaction flips between them */
	int heap; /* index of the current heap */
	size_t compact_at; /* compact when the current heap holds more than this */
	asl_value *data; /* the current state's input, then its output */
	asl_value *input; /* the execution input */
	asl_value *context; /* cached `$$` of the current state, NULL until asked for */
	asl_value **vars; /* workflow variables by slot, NULL while unassigned */
	int retryable; /* the current state is a Task, Parallel or Map */
	int retry_count; /* $$.State.RetryCount */
	const asl_task *task; /* the current Task, for $$.Task */
	int *mock_calls; /* invocations per state, for mocked responses (shared, atomic) */
	struct asl_pool *pool; /* threads for Parallel and Map, made on first use */
	struct group *group; /* the Parallel/Map run this execution is a branch of */
	asl_exec *parent;
	const asl_value *map_item; /* during a Map's ItemSelector: $$.Map.Item.Value */
	int64_t map_index;
	const char *map_key; /* iterating an object: $$.Map.Item.Key */
	size_t map_key_len;
	int state; /* index of the current state */
	int64_t entered_event; /* id of the current state's ...StateEntered event */
	int64_t prev_event; /* the history event this execution's next event points at */
	const asl_value *assigned; /* listening: the variables the current state assigned */
	int group_failed; /* its Parallel or Map failed: ...StateFailed is due unless retried */
	int open_state; /* listening or a child: the current state was entered, not exited */
	int own_history; /* a Distributed Map's iteration: ids of its own, nobody listens */
	/* the top level's (or own_history's), for its whole tree (history.c) */
	atomic_int_fast64_t event_ids; /* the last event id given out */
	asl_lock *event_lock; /* listening with threads: one event at a time */
	asl_arena event_arena; /* listening: the details of the event being delivered */
	int64_t event_ms; /* listening: the last event's timestamp (they never decrease) */
	int64_t start_ms, entered_ms;
	int64_t skipped_ms; /* waiting skipped by --wait-scale, added to the logical clock */
	int64_t deadline_ms; /* 0: no top-level timeout */
	uint64_t entered_count; /* states entered: --stats, and when to look at the clock */
	const char *name, *execution_arn, *machine_arn;
	const char *error, *cause; /* set when the execution fails; NUL-terminated, but a NUL may */
	size_t error_len, cause_len; /* also be part of them: always use the lengths */
	int failed, timed_out;
	int heartbeat_missed; /* the error (States.Timeout) is a missed heartbeat: Retry and Catch
			       * match it by States.HeartbeatTimeout too */
	const asl_path *miss_path; /* where the last definite path stopped */
	int miss_seg;
	asl__limits *limits; /* NULL when the host set none and nobody can stop it */

	/* Where the execution stands, so that it can stop and go on later (step.c): */
	int next; /* the state to run next; ASL_END or ASL_FAILED once finished */
	int phase; /* ASL_PHASE_*: what the current state (`state`) waits for */
	int blocking; /* waits wait where they are (asl_execute) rather than return */
	int64_t wake_ms; /* WAIT, RETRY: when to go on; TASK: when the task times out (0: never) */
	int64_t heartbeat_ms; /* TASK: the heartbeat interval (0: none), */
	int64_t beat_ms; /* and when the last heartbeat came */
	int *attempts; /* attempts per retrier of the current state (machine->max_retriers) */
	char token[65]; /* the current attempt's task token; "" until first asked for */
	asl__outcome outcome; /* TASK: what the host delivered */
	struct asl__message *awaiting; /* TASK: its inbox entry, once found (step.c) */
	struct group *children; /* the current state's branches or iterations, while suspended */
	int64_t *clock; /* the waiting skipped by --wait-scale that counts for this execution */
};

/* An execution as the host holds it (the step API, execution.c): its top level and what all
 * of it shares. */
struct asl_execution {
	asl_exec top; /* first: a task handler's call->execution is the top level's address */
	asl__limits limits;
	int abi_mismatch;
	asl_result failure; /* the ABI mismatch's outcome */
};

/* A task that waits for its outcome (claimed: its state registered the token), or an outcome
 * the host delivered for a token no state waits for yet (a handler may complete its task
 * before it returns ASL_TASK_PENDING); in asl__limits.inbox, which a snapshot saves too. */
#define ASL_UNCLAIMED_MAX 64 /* outcomes kept for tokens nobody waits for: the oldest go */
typedef struct asl__message {
	struct asl__message *next, **pprev; /* pprev: where the pointer to it is */
	int claimed; /* a state waits on this token */
	int delivered; /* the outcome came */
	int heartbeat; /* a heartbeat came that its state has not seen */
	int started; /* the host says the activity started (asl_task_started), by `worker` */
	char worker[84];
	int failed;
	asl_arena arena; /* the token, output, error and cause */
	const char *token;
	asl_value *output;
	const char *error, *cause;
	size_t error_len, cause_len;
} asl__message;

#define ASL_PAYLOAD_LIMIT (256 * 1024) /* AWS's limit on inputs, outputs and task results */
#define ASL_ROLE_ARN "arn:aws:iam::000000000000:role/aslc-local" /* $$.Execution.RoleArn */

/* The execution history (history.c). Every function allocates the event's id (error causes
 * name them) and builds the event only when the host listens. Called by the execution the
 * event belongs to: a Map iteration's own events by the iteration. */
int asl__history_init(asl_exec *top); /* 0, or -1 when out of memory */
void asl__history_free(asl_exec *top);
void asl__history_started(asl_exec *ex); /* ExecutionStarted */
void asl__history_entered(asl_exec *ex); /* <Type>StateEntered, with ex->data as input */
void asl__history_assigned(asl_exec *ex, const asl_value *values); /* Assign's, for Exited */
void asl__history_exited(asl_exec *ex, const asl_value *output); /* <Type>StateExited */
void asl__history_finished(asl_exec *ex, const asl_result *r); /* Execution<Status> */
/* The fast path of a state's Entered and Exited events at the top level when nobody listens:
 * only the id, a plain increment (the top level allocates ids only while none of its children
 * runs: they run inside pool_run, which it waits for). */
static inline int64_t asl__next_top_event(asl_exec *top)
{
	int64_t id = (int64_t)atomic_load_explicit(&top->event_ids, memory_order_relaxed) + 1;
	atomic_store_explicit(&top->event_ids, id, memory_order_relaxed);
	return id;
}
static inline int asl__history_quiet(const asl_exec *ex)
{
	return !ex->opts.on_event && (!ex->parent || ex->own_history);
}
/* The same for a branch or iteration: an id from the top level's counter, which its siblings
 * share (an atomic add). */
static inline int64_t asl__next_child_event(asl_exec *ex)
{
	asl_exec *ids = ex;
	while (ids->parent && !ids->own_history)
		ids = ids->parent;
	return (int64_t)atomic_fetch_add_explicit(&ids->event_ids, 1, memory_order_relaxed) + 1;
}
/* MapStateStarted{length} (map; ASL_NO_LENGTH: not known yet) or ParallelStateStarted; its
 * id. */
#define ASL_NO_LENGTH ((size_t)-1)
int64_t asl__history_group_started(asl_exec *ex, int map, size_t length);
/* A Distributed Map's MapRunStarted{mapRunArn}, MapRunSucceeded or MapRunFailed{error, cause}
 * (with ex's error). */
void asl__history_map_run(asl_exec *ex, const char *type);
/* MapIteration<type>{name, index} of iteration `ex` pointing at `prev`; its id. */
int64_t asl__history_iteration(asl_exec *ex, const char *type, size_t index, int64_t prev);
/* MapStateSucceeded / ParallelStateSucceeded pointing at `prev`; its id. */
int64_t asl__history_group_ended(asl_exec *ex, const char *type, int64_t prev);
/* The failure of a Parallel or Map is final (not retried): its ...StateFailed, once (or
 * ...StateAborted when a failure elsewhere cancelled it). */
void asl__history_group_failed(asl_exec *ex);
/* A branch or iteration cancelled by a failure elsewhere: the Task, Wait, Map or Parallel
 * state it was in gets its ...StateAborted. */
void asl__history_aborted(asl_exec *ex);
/* An attempt of the current Task: ...Scheduled and ...Started (Task*, LambdaFunction* or
 * Activity* by its resource); then ...Succeeded with `result`, or (NULL) ...Failed or
 * ...TimedOut with ex's error. */
void asl__history_task_started(asl_exec *ex, const asl_value *input, double timeout,
			       double heartbeat);
void asl__history_task_ended(asl_exec *ex, const asl_value *result);
/* TaskSubmitted: a callback or .sync task was handed over (`output`: what the handing over
 * answered, NULL for none) and now waits for its outcome. */
void asl__history_task_submitted(asl_exec *ex, const asl_value *output);
/* ActivityStarted{workerName?}, recorded when the host says a worker took the task. */
void asl__history_activity_started(asl_exec *ex, const char *worker);

/* Limits for converting doubles to integers (out-of-range conversions are undefined). */
#define ASL_INT32_MIN (-2147483648.0)
#define ASL_INT32_MAX 2147483647.0
#define ASL_INT64_MIN (-9223372036854775808.0)
#define ASL_INT64_BELOW_MAX 9223372036854774784.0 /* the largest double below 2^63 */
/* Java's Math.round of x when that lies in [lo, hi]: 0 and *out; -1 for other values, NaN and
 * the infinities included. */
int asl__round_in(double x, double lo, double hi, int64_t *out);
/* Milliseconds of `seconds`, saturated to [0, ASL_MS_FOREVER] (2^61 ms, 73 million years: the
 * logical clock saturates there too, so a time plus a delay stays inside int64). */
#define ASL_MS_FOREVER 2305843009213693952.0
int64_t asl__ms_of_seconds(double seconds);
/* The wait before retry number attempt+1 of retrier `r` (rnd: FULL jitter's random bits). */
int64_t asl__retry_delay_ms(const asl_retrier *r, int attempt, uint32_t rnd);
/* Out of memory: static text, so reporting it needs no memory. */
#define ASL_OOM_ERROR "States.Runtime"
#define ASL_OOM_CAUSE "The execution ran out of memory."
/* Raises `error` and `cause` (either may be NULL) of the given lengths; once the current heap
 * ran out of memory, whatever is raised becomes that (its text may be incomplete). Returns
 * ASL_FAILED. */
int asl__fail_text(asl_exec *ex, const char *error, size_t error_len, const char *cause,
		   size_t cause_len);
/* Raises the strings `error` and `cause` (NULL, or a non-string, for none). */
int asl__fail_values(asl_exec *ex, const asl_value *error, const asl_value *cause);
/* The logical clock: real time plus waiting skipped by --wait-scale. */
int64_t asl__now(const asl_exec *ex);
/* When the current state was entered. */
int64_t asl__entered_ms(asl_exec *ex);
/* Formats milliseconds since the epoch as 2024-01-02T03:04:05.678Z. */
void asl__format_time(int64_t ms, char out[48]);
/* Parses an RFC3339 timestamp the way AWS accepts it; returns 0 and ms since the epoch. */
int asl__parse_timestamp(const char *s, size_t len, int64_t *ms_out, int *nanos_out);
/* JSON text of a value in the current heap (for error causes). */
const char *asl__json(asl_exec *ex, const asl_value *v);
/* Jayway's rendering of a definite path prefix: $['a'][0]. */
const char *asl__jayway_path(asl_exec *ex, const asl_path *path, int upto);
/* The error for a path whose variable is unassigned (returns ASL_FAILED), or 0. */
int asl__fail_unassigned(asl_exec *ex, const asl_path *path);
/* Sets up `l` from `opts` (every execution has one: a stop or pause may come at any time);
 * when a memory limit is set, points opts->allocator at the counting one. */
void asl__limits_init(asl__limits *l, asl_options *opts);
/* Before state `next` is entered: counts it and polls the stop hook; `next`, ASL_FAILED
 * (States.Runtime, which nothing catches) past max_transitions or once stopped, or
 * ASL_SUSPEND when the execution is to pause here (ex->next is set). */
int asl__limits_check(asl_exec *ex, int next);
/* Whether asl__limits_check has anything to do before the next state: inline, so a host that
 * set no limit pays two loads per state. */
static inline int asl__limits_due(const asl__limits *l)
{
	return l && (l->polled || atomic_load_explicit(&l->pause, memory_order_relaxed) ||
		     atomic_load_explicit(&l->stopped, memory_order_relaxed));
}
/* Delivers a task outcome (output, or error and cause) or a heartbeat for the execution waiting
 * on `token` (any thread): 1 when a state waits for it, 0 when none does (an outcome is kept a
 * while, for a task about to wait; a heartbeat is dropped), -1 when out of memory. */
/* 1 when a state of root's tree waits on `token` and its outcome has not come. */
int asl__waits_on(asl_exec *root, const char *token);
int asl__post(asl_exec *root, const char *token, const asl_value *output, const char *error,
	      const char *cause, int heartbeat);
/* The current state waits on its task token from now on (pending): 0, or -1 out of memory. */
int asl__await(asl_exec *ex);
/* It no longer does (timed out, given up, freed): forgets the token. */
void asl__unawait(asl_exec *ex);
void asl__inbox_free(asl_exec *root);
/* An inbox entry as a snapshot saved it (asl_restore, before anything runs): 0, or -1. */
int asl__inbox_restore(asl_exec *root, const char *token, int claimed, int delivered, int heartbeat,
		       const asl_value *output, const char *error, const char *cause);
/* The wait of a suspended group, for asl__waiting. */
void asl__group_waiting(const struct group *g, int64_t *until_ms, size_t *tasks);
/* Whether the host's should_stop has asked the execution to stop. */
int asl__stop_requested(asl_exec *ex);
/* When the execution failed for running out of memory (`cause`) because of max_memory: the
 * cause that says so, in `out`, and its length; else 0. */
size_t asl__memory_limit_cause(const asl__limits *l, const char *cause, size_t cause_len, char *out,
			       size_t size);
/* Runs states from ex->next until the end, a failure or a wait: 1 when finished (ex->next is
 * ASL_END or ASL_FAILED), 0 when suspended (ex->phase says why; between states when paused).
 * A blocking execution waits where it is instead, so it always finishes. */
int asl__step(asl_exec *ex);
/* asl_start; `restoring` (asl_restore): without ExecutionStarted, which came before. */
asl_execution *asl__start(const asl_machine *m, const asl_value *input, const asl_options *opts,
			  int restoring);
/* Copies the live data into the other heap and empties the current one (between states). */
int asl__compact(asl_exec *ex);
/* The least size a heap reaches before compaction (asl_options.compact_min, or ASL_COMPACT_MIN
 * of asl/tuning.h). */
size_t asl__compact_min(const asl_exec *ex);
/* asl_arena_init with the chunk sizes of the execution's options. */
void asl__arena_init(asl_arena *arena, const asl_allocator *allocator, const asl_options *opts);
/* Whether a suspended execution can go on now (its wait is over, its task's outcome came, or
 * it was asked to stop). Takes a delivered outcome out of the inbox. */
int asl__ready(asl_exec *ex);
/* The task token of the current attempt (made on first use). */
const char *asl__task_token(asl_exec *ex);
/* The earliest time a suspended execution (or one of its children) wants to go on, and the
 * tasks it waits for; for asl_advance's answer. */
void asl__waiting(const asl_exec *ex, int64_t *until_ms, size_t *tasks);
/* Waits for that, with nothing else to do: sleeps until `until_ms` (scaled by wait_scale, the
 * skipped time added to the clock), or a few milliseconds when 0 (it waits for tasks alone). */
void asl__wait_until(asl_exec *ex, int64_t until_ms);
/* Frees what a suspended execution holds besides its arenas (its children). */
void asl__release_children(asl_exec *ex);
/* A sibling branch failed, or the execution timed out: stop. */
int asl__cancelled(asl_exec *ex);
/* The same without polling the host's stop hook (the driver polls it before each state). */
int asl__group_cancelled(asl_exec *ex);
int asl__cancelled_cb(void *ex);
void asl__free_pool(asl_exec *ex);
/* States.DataLimitExceeded for the current state's output. */
int asl_fail_data_limit(asl_exec *ex);
/* Whether the top-level TimeoutSeconds has passed; raising States.Timeout for it. */
int asl__past_deadline(asl_exec *ex);
int asl__time_out(asl_exec *ex);
/* Sleeps (scaled), honouring the top-level deadline; ASL_FAILED when it timed out. */
int asl__sleep_until(asl_exec *ex, int64_t target_ms);

/* The execution's platform (clock, sleep, randomness, threads) and allocator: the host's, or
 * the built-in ones. */
static inline const asl_platform *asl__platform(const asl_exec *ex)
{
	return ex->opts.platform ? ex->opts.platform : asl_platform_default();
}
static inline const asl_allocator *asl__allocator(const asl_exec *ex)
{
	return ex->opts.allocator ? ex->opts.allocator : asl_default_allocator();
}
/* Random bytes from the platform: 0, or -1 when it has none. */
static inline int asl__random(const asl_exec *ex, void *buf, size_t len)
{
	const asl_platform *pf = asl__platform(ex);
	return pf->random(pf->user, buf, len);
}

#endif
