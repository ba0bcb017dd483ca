/* Embedding API: run a compiled state machine from C.
 *
 * Contents:
 *   asl_machine             a compiled state machine (opaque), asl_machine_name
 *   asl_status              how an execution ended
 *   asl_options             what the host sets for one execution: names, threads, memory,
 *                           limits, a stop hook, Task bindings and handlers, mocks
 *   asl_result              the outcome: status, output (value and text), error and cause
 *   asl_options_init, asl_execute, asl_result_free, asl_result_error_json
 *   asl_event               one event of the execution history (asl_options.on_event)
 *   asl_execution, asl_step the step API: asl_start, asl_advance, asl_task_succeed,
 *                           asl_task_fail, asl_task_heartbeat, asl_stop, asl_pause,
 *                           asl_finish, asl_snapshot, asl_restore
 *   asl_binding_check, asl_binding_parse, asl_bindings_from_json, asl_read_json_file
 *   asl_main                the command line of a compiled machine
 *
 * Values, arenas and parsing are in asl/json.h, Task handlers in asl/task.h. What generated
 * code calls (asl/abi.h) is not part of this API. */
#ifndef ASL_ASL_H
#define ASL_ASL_H

#include <stdint.h>

#include "asl/json.h"
#include "asl/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled state machine: `aslc --emit-c` defines one (asl_generated_machine), the JIT
 * loads one. Only its address is used; its layout belongs to the generated code. */
typedef struct asl_machine asl_machine;

/* The state machine's name (borrowed from the machine: static storage). */
const char *asl_machine_name(const asl_machine *machine);

/* How an execution ended: the Step Functions execution statuses (RUNNING aside). */
typedef enum asl_status {
	ASL_SUCCEEDED, /* the output is in the result */
	ASL_FAILED_STATUS, /* an error was not caught; also a limit of asl_options exceeded */
	ASL_TIMED_OUT, /* the machine's TimeoutSeconds passed (error States.Timeout) */
	ASL_ABORTED /* stopped from outside: asl_options.should_stop (StopExecution) */
} asl_status;

/* One event of the execution history, as GetExecutionHistory returns it: `details` is the
 * object under the key `details_key` (such as "stateEnteredEventDetails"), NULL when AWS
 * gives none. Everything is borrowed for the duration of the call. */
typedef struct asl_event {
	int64_t id, previous_id;
	int64_t timestamp_ms;
	const char *type; /* "ExecutionStarted", "TaskStateEntered", ... */
	const char *details_key;
	const asl_value *details;
} asl_event;

/* A state machine a states:startExecution Task can start: the last part of its
 * StateMachineArn (arn:...:stateMachine:NAME) names it. */
typedef struct asl_named_machine {
	const char *name;
	const asl_machine *machine;
} asl_named_machine;

typedef struct asl_options {
	const char *execution_name; /* NULL: "local-execution" */
	double wait_scale; /* multiplies every wait; 0 skips waiting */
	int threads; /* for Parallel and Map; 0: the number of CPUs */
	const asl_allocator *allocator; /* NULL: malloc/free */
	const asl_binding *bindings; /* Task bindings that override the compiled ones */
	size_t binding_count;
	const asl_handler *handlers; /* handlers for c:NAME bindings besides linked ones */
	size_t handler_count;
	const asl_value *mock_config; /* a Step Functions Local MockConfigFile, parsed */
	const char *mock_case; /* the test case of it to use */
	const char *s3_root; /* Distributed Map: s3://B/K is S3_ROOT/B/K; NULL: "." */
	/* Limits; 0: none. Exceeding one fails the execution with States.Runtime (which no Catch
	 * or Retry handles) and a cause that names the limit. */
	size_t max_memory; /* bytes the execution holds from `allocator` at any time
				    * (all its branches and iterations together) */
	uint64_t max_transitions; /* states entered, by all branches and iterations together */
	/* Stopping from outside: polled before every state, while waiting and while a command or
	 * an HTTP request runs, possibly on several threads at once. Once it returns nonzero the
	 * execution stops and ends as ASL_ABORTED, with no error or cause. NULL: never. */
	int (*should_stop)(void *user);
	void *stop_user;
	/* The clock, sleeping, randomness and threads (asl/platform_core.h); NULL: the platform
	 * the runtime was built with, asl_platform_default(). */
	const struct asl_platform *platform;
	/* A thread pool shared by many executions, made with the platform's pool_new and freed by
	 * the host; NULL: an execution makes its own on first use and frees it at the end. */
	struct asl_pool *pool;
	/* The step API: pause at the state boundary after this many states were entered (by all
	 * branches and iterations together); 0: never. */
	uint64_t suspend_after;
	/* The execution history: called for every event, in id order, never at the same time
	 * from two threads (NULL: nobody listens, and no event is built). */
	void (*on_event)(void *user, const asl_event *event);
	void *event_user;
	/* Identity, for a host that is a service: $$.Execution.Id and $$.StateMachine.Id, and
	 * the region in TaskScheduled events. NULL: arn:aws:states:local:000000000000:... and
	 * "local". */
	const char *execution_arn, *machine_arn, *region;
	const char *role_arn; /* the machine's role, in ExecutionStarted; NULL: aslc's placeholder */
	/* Activity tasks are started by the host (a worker takes them): their ActivityStarted is
	 * recorded at asl_task_started, not when they are scheduled; 0: at once, as before. */
	int activities_started_by_host;
	/* The machines arn:aws:states:::states:startExecution (.sync, .sync:2) can start, as
	 * nested executions with these options (NULL: none; `aslc --machine NAME=FILE`). */
	const asl_named_machine *machines;
	size_t machine_count;
	/* Memory tuning for small devices (asl/tuning.h says what each does); 0: the compiled
	 * default (ASL_ARENA_FIRST_CHUNK, ASL_ARENA_MAX_CHUNK, ASL_COMPACT_MIN). They apply to
	 * every arena of the execution: its own, its branches' and iterations', and the result's. */
	size_t arena_first_chunk, arena_max_chunk;
	size_t compact_min;
} asl_options;

/* The outcome of one execution. Everything it points to lives in `arena`, which asl_result_free
 * releases, except parts of the output value that are the machine's constants (alive as long
 * as the machine is loaded) or mocked responses (alive as long as opts.mock_config). */
typedef struct asl_result {
	asl_status status;
	const asl_value *output_value; /* SUCCEEDED: the output; else NULL */
	const char *output; /* SUCCEEDED: the output as JSON text; else NULL */
	size_t output_len;
	const char *error; /* FAILED / TIMED_OUT / ABORTED: may be NULL when none was given */
	const char *cause;
	size_t error_len, cause_len; /* NUL-terminated, but a NUL may be part of them too */
	uint64_t transitions; /* states entered by the top level (not inside Parallel and Map) */
	asl_arena arena;
} asl_result;

/* Defaults: no limits, wait_scale 1, everything else NULL or 0. */
void asl_options_init(asl_options *opts);
/* Runs `machine` on `input` (borrowed; `opts` may be NULL for the defaults). Always fills
 * `result`, which the caller frees with asl_result_free, and returns result->status. */
asl_status asl_execute(const asl_machine *machine, const asl_value *input, const asl_options *opts,
		       asl_result *result);
void asl_result_free(asl_result *result);
/* Step Functions' name of a status: "SUCCEEDED", "FAILED", "TIMED_OUT" or "ABORTED". */
const char *asl_status_name(asl_status status);

/* ---- The step API: an execution as a value ----
 * asl_execute runs an execution to its end, sleeping through its Waits. The step API runs it in
 * steps instead, and nothing in it sleeps or needs a thread: asl_start makes the execution;
 * asl_advance runs it until it must wait and says what for; the host calls asl_advance again
 * when that has come (early calls are harmless: they return the same answer), delivers task
 * outcomes by token, may stop or pause it, and takes the outcome with asl_finish. Map
 * iterations and Parallel branches are child executions stepped inside asl_advance (on the
 * pool's threads when the platform has threads), and the answer covers them all. */
typedef struct asl_execution asl_execution;

typedef enum asl_step_kind {
	ASL_STEP_FINISHED, /* it ended: asl_finish gives the outcome */
	ASL_STEP_WAIT_TIME, /* a Wait or a retry's backoff at the top level */
	ASL_STEP_WAIT_TASK, /* a task at the top level completes later (`token`) */
	ASL_STEP_WAIT_CHILDREN, /* a Parallel or Map state waits for its branches or iterations */
	ASL_STEP_PAUSED /* it stopped at a state boundary: asl_pause, or suspend_after */
} asl_step_kind;

typedef struct asl_step {
	asl_step_kind kind;
	/* The earliest time by the execution's clock (ms since the epoch, as the platform's
	 * now_ms) at which something in it can go on without outside help: a Wait's end, a
	 * backoff's, a task's timeout or the execution's; 0: none. */
	int64_t until_ms;
	size_t tasks; /* tasks waiting for their outcome, in all branches and iterations */
	const char *token; /* WAIT_TASK: the top-level task's token (valid until the next call) */
} asl_step;

/* Starts `machine` on `input` (borrowed): the execution, which has not run any state yet, or
 * NULL when out of memory. A machine of another ABI gives an execution that finishes at once
 * with States.Runtime. */
asl_execution *asl_start(const asl_machine *machine, const asl_value *input,
			 const asl_options *opts);
/* Runs the execution until it ends or must wait. */
asl_step asl_advance(asl_execution *execution);
/* Runs it to its end instead, waiting where it must as asl_execute does (sleeping through
 * Waits, branches and iterations on threads of their own); asl_stop from another thread ends
 * it. Call it on a started execution, then asl_finish. */
void asl_run_to_end(asl_execution *execution);
/* For a host with nothing else to do: waits for what `step` waits for, sleeping (scaled by
 * opts.wait_scale, the skipped time added to the execution's clock) until step->until_ms, or a
 * few milliseconds when it waits only for tasks. Then call asl_advance again. */
void asl_wait(asl_execution *execution, const asl_step *step);
/* The execution's clock (ms since the epoch): the platform's, plus the waiting skipped by
 * wait_scale. A host that waits itself for until_ms, scaled by wait_scale, calls asl_skip_to
 * then: the part it did not wait goes to the clock, so the Wait is over. */
int64_t asl_now(asl_execution *execution);
void asl_skip_to(asl_execution *execution, int64_t until_ms);
/* Delivers the outcome of the pending task `token`: its output (borrowed, copied), or its
 * error and cause (either may be NULL). Safe from any thread, also while asl_advance runs;
 * the execution sees it at its next step. 0: a state waits on this token and has its outcome
 * (the first one counts); 1: no state waits on it (unknown, finished or timed out; an outcome
 * is kept for a task about to wait, among the last 64 such, so a handler may complete its task
 * before it returns ASL_TASK_PENDING); -1: out of memory. */
int asl_task_succeed(asl_execution *execution, const char *token, const asl_value *output);
int asl_task_fail(asl_execution *execution, const char *token, const char *error,
		  const char *cause);
/* A heartbeat of the pending task `token` (HeartbeatSeconds). Any thread; 0, 1 or -1 as
 * above (a heartbeat for a token nobody waits on is dropped). */
int asl_task_heartbeat(asl_execution *execution, const char *token);
/* For a host that sets activities_started_by_host: a worker took the activity task `token`
 * (`worker`: its name, or NULL). The execution records ActivityStarted{workerName} at its next
 * step, once (a repeat is ignored), and HeartbeatSeconds runs from then. Any thread; 0, 1 or
 * -1 as asl_task_heartbeat. */
int asl_task_started(asl_execution *execution, const char *token, const char *worker);
/* 1 when a state of the execution waits on `token` now (its outcome has not come), else 0.
 * Any thread. */
int asl_task_waiting(asl_execution *execution, const char *token);
/* Stops the execution (StopExecution): wherever it is — waiting, in a task (commands are
 * killed, HTTP requests cancelled), in branches and iterations — it ends as ASL_ABORTED with
 * this error and cause (either may be NULL; copied). Any thread; the next step ends it. */
void asl_stop(asl_execution *execution, const char *error, const char *cause);
/* Asks the execution to stop at its next state boundaries (all branches and iterations), so
 * that it can be saved; asl_advance then returns ASL_STEP_PAUSED. Any thread. */
void asl_pause(asl_execution *execution);
/* Pauses at the state boundary after `states` more states were entered (by all branches and
 * iterations together), as asl_options.suspend_after does from the start: a host that saves the
 * execution after every state calls it with 1 before each asl_advance. Call it between steps. */
void asl_pause_after(asl_execution *execution, uint64_t states);
/* Takes the outcome (an execution still running is stopped first, without error or cause),
 * fills `result` as asl_execute does, frees the execution and returns result->status. */
asl_status asl_finish(asl_execution *execution, asl_result *result);
/* Frees an execution without an outcome or any more history events: for one that was saved
 * (asl_snapshot) and goes on elsewhere. */
void asl_discard(asl_execution *execution);
/* Snapshots (README.md, "Snapshots"): the bytes of a suspended execution — asl_advance
 * returned anything but FINISHED, and nothing runs it now — with all its branches, iterations
 * and undelivered task outcomes, in `arena`. 0, or -1 when out of memory or finished. The
 * execution itself is unchanged: it may go on, or be finished and freed. */
int asl_snapshot(asl_execution *execution, asl_arena *arena, const char **bytes, size_t *len);
/* An execution made again from a snapshot of `machine`'s definition, as it stood when it was
 * saved (its clock, names and task tokens included; opts as for asl_start, suspend_after
 * counting from here); asl_advance goes on with it. NULL with a one-line message in `err` for
 * bytes that are not a whole snapshot, another format version or another definition. */
asl_execution *asl_restore(const asl_machine *machine, const char *bytes, size_t len,
			   const asl_options *opts, char *err, size_t errlen);
/* {"Error":...,"Cause":...} for a failed or timed-out result, in the result's arena. */
const char *asl_result_error_json(asl_result *result);

/* Bindings: checks a BINDING; parses "RESOURCE=BINDING" (strings in `arena` or `spec`);
 * adds the members of a --tasks file's object. 0, or -1 with a message in `err`. */
int asl_binding_check(const char *binding, char *err, size_t errlen);
int asl_binding_parse(asl_arena *arena, const char *spec, asl_binding *out, char *err,
		      size_t errlen);
int asl_bindings_from_json(const asl_value *v, asl_binding *out, size_t max, size_t *count,
			   char *err, size_t errlen);
/* Reads and parses a whole JSON file into `arena`; NULL with a message in `err`. */
asl_value *asl_read_json_file(asl_arena *arena, const char *path, char *err, size_t errlen);

/* Command-line front end shared by AOT executables and `aslc run`: parses the options
 * documented in --help, reads the input, runs the machine, prints the outcome and returns the
 * exit status (0 succeeded, 1 failed, 2 usage or input error, 3 timed out, 4 suspended, 5 the
 * output could not be written, 6 aborted). While the machine runs, SIGINT and SIGTERM are
 * caught: the first stops the execution (ABORTED, exit 6), the same one again has its default
 * action; the previous dispositions are restored before it returns. */
int asl_main(int argc, char **argv, const asl_machine *machine);
/* The same, with machines its states:startExecution Tasks can start (asl_options.machines). */
int asl_main_machines(int argc, char **argv, const asl_machine *machine,
		      const asl_named_machine *machines, size_t machine_count);

#ifdef __cplusplus
}
#endif
#endif
