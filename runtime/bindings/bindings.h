/* Runtime-internal: the bindings layer's entries, gathered into the core's services table
 * (services.c). */
#ifndef ASL_BINDINGS_H
#define ASL_BINDINGS_H

#include <stdio.h>

#include "asl/platform.h"
#include "exec.h"
#include "services.h"

/* std_fds.c: standard input, output or error that is closed gets /dev/null opened the other
 * way round in its place, so that no file opened later takes its number. */
void asl__hold_std_fds(void);

/* read_stream.c: asl_read_stream with the text in `al` (released with it). */
char *asl__read_stream(FILE *f, const asl_allocator *al, size_t max, size_t *len, int *too_big);

/* remote_tasks.c: exec:COMMAND and http(s)://URL bindings (asl__task_runner.run). */
asl_value *asl__run_exec(asl_exec *ex, const asl_task *task, const char *binding, asl_value *input,
			 double timeout, double heartbeat);
asl_value *asl__run_http(asl_exec *ex, const asl_task *task, const char *binding, asl_value *input,
			 double timeout, double heartbeat);
/* How long a task may wait: its TimeoutSeconds or what is left of the execution's, whichever
 * ends first (*execution says it is the execution's); 0: no limit. */
int64_t asl__wait_limit(asl_exec *ex, double timeout, int *execution);
/* lambda_invoke.c: arn:aws:states:::lambda:invoke and lambda:invoke.waitForTaskToken
 * (asl__integration.run). asl__lambda_function splits a FunctionName (NAME, NAME:QUALIFIER, a
 * function ARN, whole or partial) into its parts (pointing into `s`): 0, or -1 when it is none. */
typedef struct asl_lambda_function {
	const char *name, *qualifier; /* qualifier NULL when none */
	size_t name_len, qualifier_len;
} asl_lambda_function;
int asl__lambda_function(const char *s, size_t len, asl_lambda_function *out);
asl_value *asl__lambda_invoke(asl_exec *ex, const asl_task *task, asl_value *input, double timeout,
			      double heartbeat);
asl_value *asl__lambda_invoke_callback(asl_exec *ex, const asl_task *task, asl_value *input,
				       double timeout, double heartbeat);
/* http_invoke.c: arn:aws:states:::http:invoke, the request made for real. */
asl_value *asl__http_invoke(asl_exec *ex, const asl_task *task, asl_value *input, double timeout,
			    double heartbeat);
/* start_execution.c: arn:aws:states:::states:startExecution, .sync and .sync:2. */
asl_value *asl__start_execution(asl_exec *ex, const asl_task *task, asl_value *input,
				double timeout, double heartbeat);
asl_value *asl__start_execution_sync(asl_exec *ex, const asl_task *task, asl_value *input,
				     double timeout, double heartbeat);
asl_value *asl__start_execution_sync2(asl_exec *ex, const asl_task *task, asl_value *input,
				      double timeout, double heartbeat);
/* A request that got no answer: cancelled (a sibling failed), past the execution's deadline
 * (`execution`) or the task's TimeoutSeconds. 1 after raising the matching error, else 0. */
int asl__http_interrupted(asl_exec *ex, const asl_http_result *r, const char *url, int execution);
/* mock.c (asl__services.mock_invoke). */
int asl__mock_invoke(asl_exec *ex, asl_value **result);
/* result_writer.c (asl__services.writer_*). */
int asl__writer_open(asl_exec *ex, const asl_result_writer *spec, asl_value *map_input,
		     result_writer **out);
void asl__writer_add(asl_exec *ex, result_writer *w, const asl_value *input,
		     const asl_value *output, asl_arena *a);
asl_value *asl__writer_finish(asl_exec *ex, result_writer *w);
void asl__writer_free(asl_exec *ex, result_writer *w);
/* snapshot_file.c: --snapshot FILE written atomically (0, or -1 with a message), --resume FILE
 * read whole (in `al`; NULL with a message). */
int asl__write_snapshot_file(const char *path, const char *bytes, size_t len, char *err,
			     size_t errlen);
char *asl__read_snapshot_file(const char *path, const asl_allocator *al, size_t max, size_t *len,
			      char *err, size_t errlen);

/* history_file.c: --history FILE, written as the events come (asl_options.on_event). */
typedef struct asl_history_file {
	FILE *f;
	int count, failed;
	asl_arena arena; /* one event's text at a time */
} asl_history_file;
int asl__history_open(asl_history_file *h, const char *path); /* 0, or -1 */
void asl__history_event(void *user, const asl_event *event);
int asl__history_close(asl_history_file *h); /* 0, or -1 when writing failed */

#endif
