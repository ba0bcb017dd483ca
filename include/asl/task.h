/* Task handlers: the ABI between a Task state and the C code that does its work.
 *
 * A `c:SYMBOL` binding calls `int SYMBOL(asl_task_call *call)`. The handler reads
 * `call->input` (borrowed, valid during the call), builds its result in `call->arena` (owned by
 * the execution) and returns ASL_TASK_OK with `call->result` set, or ASL_TASK_ERROR with
 * `call->error` (and optionally `call->cause`) set, which the state then handles like any
 * task failure (Retry, Catch). Strings given as error and cause must outlive the call: use
 * literals or copies made with asl_string(call->arena, ...). Handlers may run on several
 * threads at once and must not keep `call` after returning. */
#ifndef ASL_TASK_H
#define ASL_TASK_H

#include "asl/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ASL_TASK_PENDING: the handler completes the task later, from any thread, by its token:
 * asl_task_succeed(call->execution, call->token, output) or asl_task_fail (asl.h). */
enum { ASL_TASK_OK = 0, ASL_TASK_ERROR = 1, ASL_TASK_PENDING = 2 };

struct asl_execution;

typedef struct asl_task_call {
	const char *resource; /* the Task's Resource */
	const char *state_name; /* the Task state's name */
	const asl_value *input; /* the effective input (after InputPath and Parameters) */
	asl_arena *arena; /* where the result is built */
	void *user; /* asl_handler.user of the registered handler */
	asl_value *result; /* out: the result */
	const char *error; /* out: the error name */
	const char *cause; /* out: the cause (may stay NULL) */
	const char *token; /* the task token of this attempt ($$.Task.Token), NUL-terminated */
	struct asl_execution *execution; /* the execution, for completing a pending task */
	int64_t started_event; /* the id of this attempt's Task*Started event (0: no history) */
	/* out, with ASL_TASK_PENDING: HeartbeatSeconds runs from the first heartbeat on, not from
	 * now (an activity's clock starts when a worker takes the task) */
	int heartbeat_later;
	void *runtime_; /* the runtime's own: do not touch */
} asl_task_call;

typedef int (*asl_task_handler)(asl_task_call *call);

/* Runs `binding` (c:NAME, exec:COMMAND or http(s)://URL) on call->input as if the Task were
 * bound to it, filling call->result, or call->error and call->cause: for a handler that does
 * part of a task itself and leaves the rest to a binding (a callback's "send" part). Returns
 * ASL_TASK_OK or ASL_TASK_ERROR (a c: handler may also give ASL_TASK_PENDING). Call it only
 * from inside the handler, with its own `call`. */
int asl_task_run_binding(asl_task_call *call, const char *binding);

/* A named handler, for `c:NAME` bindings resolved at run time (JIT and embedding). */
typedef struct asl_handler {
	const char *name;
	asl_task_handler fn;
	void *user;
} asl_handler;

/* A Task binding: RESOURCE (the exact Resource, or a Lambda function's name) = BINDING
 * (`c:SYMBOL`, `exec:COMMAND`, `http://...`, `https://...` or `mock:`). */
typedef struct asl_binding {
	const char *resource;
	const char *binding;
} asl_binding;

#ifdef __cplusplus
}
#endif
#endif
