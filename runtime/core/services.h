/* Runtime-internal: what the core asks of the layer around it (runtime/bindings), through one
 * table, so the core links none of that code: Task bindings besides c:NAME (commands, HTTP),
 * mocked responses, and Distributed Map's ItemReader and ResultWriter (files). The runtime
 * library's table is asl__services_default() in bindings/services.c; platform/none's is empty,
 * for the core alone (any member may be NULL: the feature is then not available). */
#ifndef ASL_SERVICES_H
#define ASL_SERVICES_H

#include "exec.h"

typedef struct item_reader item_reader;
typedef struct result_writer result_writer;

/* Runs a Task whose binding starts with `prefix` (the whole binding is passed): the result, or
 * NULL after raising the task's error. timeout/heartbeat in seconds, 0 when not set. */
typedef struct asl__task_runner {
	const char *prefix;
	asl_value *(*run)(asl_exec *ex, const asl_task *task, const char *binding, asl_value *input,
			  double timeout, double heartbeat);
} asl__task_runner;

/* A built-in service integration (arn:aws:states:::lambda:invoke, http:invoke,
 * states:startExecution...): runs a Task whose Resource is exactly `resource` itself. A binding
 * of the resource wins over it (the service binds its own handlers so), unless
 * `before_binding`: lambda:invoke looks for a binding of its FunctionName first and falls back
 * to one of the resource itself. run: as asl__task_runner's (NULL with ex->phase
 * ASL_PHASE_TASK when a c: handler it called is pending). */
typedef struct asl__integration {
	const char *resource;
	int before_binding;
	asl_value *(*run)(asl_exec *ex, const asl_task *task, asl_value *input, double timeout,
			  double heartbeat);
} asl__integration;

typedef struct asl__services {
	const asl__task_runner *runners;
	size_t runner_count;
	const asl__integration *integrations;
	size_t integration_count;
	/* A mocked response for the current state: 1 with *result set (or NULL after raising the
	 * mocked error); 0 when the state is not mocked. */
	int (*mock_invoke)(asl_exec *ex, asl_value **result);
	/* ItemReader: 0 with *out, or -1 after raising States.ItemReaderFailed (nothing to close);
	 * next: 1 with the next item in `a`, 0 at the end, < 0 after raising an error. */
	int (*reader_open)(asl_exec *ex, const asl_item_reader *spec, const asl_value *params,
			   item_reader **out);
	int (*reader_next)(asl_exec *ex, item_reader *r, asl_arena *a, asl_value **item);
	void (*reader_close)(asl_exec *ex, item_reader *r);
	/* ResultWriter: open 0 with *out, or -1 after raising an error (nothing to free); add
	 * writes one child's input and output; finish writes the manifest and returns the Map's
	 * output (NULL after raising States.ResultWriterFailed); free releases it either way. */
	int (*writer_open)(asl_exec *ex, const asl_result_writer *spec, asl_value *map_input,
			   result_writer **out);
	void (*writer_add)(asl_exec *ex, result_writer *w, const asl_value *input,
			   const asl_value *output, asl_arena *a);
	asl_value *(*writer_finish)(asl_exec *ex, result_writer *w);
	void (*writer_free)(asl_exec *ex, result_writer *w);
} asl__services;

const asl__services *asl__services_default(void);

/* Raises `error` with the cause fmt % (a, b) (two strings) in the current heap; NULL. */
asl_value *asl__task_failed(asl_exec *ex, const char *error, const char *fmt, const char *a,
			    const char *b);

/* task.c, for integrations: the binding of `resource` (the exact Resource, or a Lambda
 * function's name for a function ARN; run-time bindings first), or NULL; the binding of the
 * Lambda function NAME (len bytes), or NULL; and running the Task through binding `b` (c:,
 * exec:, http(s)://, mock:), as for a Task bound to it. */
const char *asl__find_binding(asl_exec *ex, const char *resource);
const char *asl__function_binding(asl_exec *ex, const char *name, size_t len);
asl_value *asl__run_bound(asl_exec *ex, const asl_task *t, const char *b, asl_value *input,
			  double timeout, double heartbeat);
/* States.TaskFailed: nothing is bound to `name`, a `kind` ("resource", "function"). NULL. */
asl_value *asl__no_binding(asl_exec *ex, const char *kind, const char *name);

#endif
