/* TestState's machinery, shared by its four files:
 *
 *   api_test_state.c     the operation: the request, AWS's rules, the outcome, the answer
 *   test_state_build.c   the small machines built around the tested state (landings for its
 *                        transitions, its Retry turned into Catch, $variables preset)
 *   test_state_run.c     one such machine compiled with libtcc and run in the request's
 *                        thread, with what its history showed of the tested state
 *   test_state_inspect.c DEBUG's inspectionData, from the runs and tiny machines of the
 *                        state's own fields (the console's data-flow steps use it too)
 *
 * Everything lives in the call's arena. */
#ifndef ASLC_SERVE_TEST_STATE_H
#define ASLC_SERVE_TEST_STATE_H

#include "api.h"

/* The generated names; user names never start with "__aslc_" in practice, and a clash only
 * gives a duplicate-state diagnostic. */
#define TS_SINGLE_NAME "TestState" /* the state of a single-state definition */
#define TS_VARIABLES "__aslc_variables"
#define TS_MOCK_RESOURCE "arn:aws:states:::aslc:testState.mock"

/* A landing state (a Succeed that a transition of the tested state goes to) stands in for: the tested state's Next (Default, a Choice's), one of its
 * catchers, or one of its retriers (turned into a catcher to learn which would apply). */
typedef enum ts_landing_kind { TS_NEXT, TS_CATCH, TS_RETRY, TS_CATCH_ALL } ts_landing_kind;

typedef struct ts_landing {
	const char *name; /* the landing state's generated name */
	const char *target; /* the user's state name it replaces (TS_NEXT, TS_CATCH) */
	ts_landing_kind kind;
	int index; /* the catcher's or retrier's index */
} ts_landing;

typedef struct ts_machine {
	asl_value *states; /* the States object */
	const char *start; /* StartAt */
	ts_landing *landings;
	size_t landing_count, landing_cap;
} ts_machine;

/* A task's stand-in, bound to TS_MOCK_RESOURCE: the result (JSON text) or the error and
 * cause. */
typedef struct ts_mock {
	const char *result;
	size_t result_len;
	const char *error, *cause;
} ts_mock;

/* What one run showed of the watched state, texts copied into the call's arena. */
typedef struct ts_seen {
	const char *input; /* its Entered event's input */
	const char *output; /* its Exited event's output (NULL: it did not exit) */
	const asl_value *assigned; /* its assignedVariables (values are JSON texts) */
	const char *parameters; /* its first task's parameters (TaskScheduled and kin) */
	const char *result; /* its first task's result (TaskSucceeded and kin) */
	const char *next; /* the first state entered after it */
	const char *next_input; /* that state's input */
	asl_status status;
	const char *error, *cause; /* of the execution's end */
} ts_seen;

/* Tiny machines compiled once for many runs (the console's data-flow steps of many visits of
 * one state, in one execution): ts_run keeps what it compiles here, by the machine's text
 * (the runs' machine name must not change); ts_modules_free unloads them. */
#define TS_MAX_MODULES 64
typedef struct ts_modules ts_modules;
struct ts_modules {
	const char *texts[TS_MAX_MODULES];
	struct aslc_module *modules[TS_MAX_MODULES];
	size_t count;
};
void ts_modules_free(ts_modules *m);

/* ---- api_test_state.c ---- */
typedef struct ts_request {
	const char *definition;
	size_t definition_len;
	const char *role;
	const char *input_text;
	size_t input_len;
	const asl_value *input, *variables;
	const char *state_name;
	int level; /* 0 INFO, 1 DEBUG, 2 TRACE */
	int mocked;
	ts_mock mock;
	int64_t retry_count; /* stateConfiguration.retrierRetryCount */
	/* the context's Execution.Id and Name, StateMachine.Id and Name; NULL: made up */
	const char *execution_arn, *execution_name, *machine_arn, *machine_name;
	ts_modules *modules; /* NULL: each run compiles its machine (TestState) */
} ts_request;

/* The tested state as found in the definition. */
typedef struct ts_tested {
	const char *name;
	const asl_value *state; /* as it runs (a mocked Map or Parallel as a Task) */
	const char *type; /* its Type as written */
	int task; /* runs as a Task: has Retry and Catch, a mock applies */
} ts_tested;

typedef struct ts_outcome {
	const char *status, *output, *error, *cause, *next;
	int retry_index, catch_index; /* -1: none */
	int64_t backoff;
	ts_seen seen; /* the run that showed the state's input, task and exit */
} ts_outcome;

/* ---- test_state_build.c ---- */
/* An empty machine; with `variables` (an object, or NULL) its first state is a Pass that
 * Assigns them and goes on to `first`. */
void ts_machine_init(ts_machine *m, asl_arena *a, const asl_value *variables, const char *first);
/* Adds `state` as `name` with every transition of it leading to a landing (a Succeed state):
 * `retry_as_catch` replaces its Catch by one catcher per retrier (up to the first with
 * States.ALL) and a final States.ALL one, and drops its Retry; else its Retry is dropped and
 * its own catchers kept. */
void ts_machine_add(ts_machine *m, asl_arena *a, const char *name, const asl_value *state,
		    int retry_as_catch);
/* The landing that `name` is, or NULL. */
const ts_landing *ts_machine_landing(const ts_machine *m, const char *name);
/* Adds `state` as `name`, as it is. */
void ts_machine_put(ts_machine *m, asl_arena *a, const char *name, asl_value *state);
/* The definition's JSON text: TimeoutSeconds 300 (AWS's limit for TestState). */
const char *ts_machine_text(const ts_machine *m, asl_arena *a, size_t *len);
/* `state` with `key` set to `v` (NULL: removed); a copy, the original unchanged. */
asl_value *ts_with(asl_arena *a, const asl_value *state, const char *key, const asl_value *v);
/* A mocked Map or Parallel state as a Task of TS_MOCK_RESOURCE with the same input and output
 * processing, Retry, Catch and transition (what a mock replaces is what its iterations or
 * branches would have produced). */
asl_value *ts_as_task(asl_arena *a, const asl_value *state);

/* ---- test_state_run.c ---- */
/* Compiles `m` and runs it on the request's input, with its context, watching `watch`
 * (`mock`: NULL, or the stand-in of TS_MOCK_RESOURCE). 0, or -1 when it did not compile, with
 * the diagnostics in *err. */
int ts_run(sv_call *c, const ts_request *r, const ts_machine *m, const char *watch,
	   const ts_mock *mock, ts_seen *out, char **err);
/* aslc's diagnostics as InvalidDefinition's text (as machines.c makes it), for a definition
 * embedded in a wrapper: `line_shift` lines are the wrapper's, and JSON pointers lose
 * `pointer_prefix`; "never assigned" for a name of `variables` (preset) is no error. NULL
 * when there are no errors. */
char *ts_check(const char *text, size_t len, int line_shift, const char *pointer_prefix,
	       const asl_value *variables, asl_arena *a);

/* ---- test_state_inspect.c ---- */
/* The JSONPath data-flow steps of one run of a state, as JSON texts; NULL: not computed (a
 * step that failed, or could not be computed, is left out with the steps after it). */
typedef struct ts_dataflow {
	const char *after_input, *after_parameters, *result, *after_selector, *after_result_path;
} ts_dataflow;
/* From what a run showed of the state (`s`: its input, its task's parameters and result, its
 * output) and tiny machines of the state's own fields run on r->input (the state's input) with
 * r->variables preset. `succeeded`: the state went on by its own transition (not failed or
 * caught: then the output is not its ResultPath's). `context_known` 0: the runs would not see
 * the real context object, so a field that reads it ($$) or a random UUID is not computed. */
void ts_dataflow_of(sv_call *c, const ts_request *r, const ts_tested *t, const ts_seen *s,
		    int succeeded, int context_known, ts_dataflow *out);
/* DEBUG's and TRACE's inspectionData member of the answer. */
void ts_put_inspection(sv_call *c, const ts_request *r, const ts_tested *t, const ts_outcome *o);

#endif
