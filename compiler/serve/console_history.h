/* The console's reading of an execution's stored history: which events belong to which state
 * visit, and which visit to which Map iteration or Parallel branch, from previousEventId
 * chains (tests/conformance/HISTORY.md); the Map runs with their iterations' outcomes; the
 * definition's states by scope with their JSON Pointers. Shared by
 *
 *   console_history.c   events -> visits, scopes (cs_scope) and Map runs
 *   console_states.c    the definition's state objects and pointers
 *   console_dataflow.c  a visit's data-flow steps (TestState's tiny machines)
 *   console_api.c       the two endpoints' JSON
 *
 * Everything lives in one arena. */
#ifndef ASLC_SERVE_CONSOLE_HISTORY_H
#define ASLC_SERVE_CONSOLE_HISTORY_H

#include "server.h"

typedef struct cs_visit cs_visit;
typedef struct cs_run cs_run;

/* A sequence of states run one after the other: the execution, a Map iteration, a Parallel
 * branch. */
typedef struct cs_scope {
	struct cs_scope *parent; /* NULL: the execution */
	cs_visit *owner; /* the Map or Parallel visit it runs in; NULL: the execution */
	int64_t index; /* a Map iteration's index; -1 for a branch and the execution */
	cs_run *run; /* a Map iteration's run */
	cs_visit *open; /* the visit entered and not yet left */
	cs_visit *last; /* the visit entered last */
	cs_visit *failed; /* its last visit that failed (where a group's error came from) */
	/* the variables the states of this scope see (names -> values), replaced (never changed)
	 * on each assignment, so that a visit keeps the object it was entered with */
	const asl_value *vars;
	int ended; /* a Map iteration's end event came */
} cs_scope;

typedef enum cs_status { CS_RUNNING, CS_SUCCEEDED, CS_FAILED, CS_CAUGHT, CS_ABORTED } cs_status;

struct cs_visit {
	const char *state; /* its name */
	const char *type; /* "Task", "Map", ... from its Entered event's type */
	int number; /* 1 for the first visit of this state (by name), 2 ... */
	int64_t entered, exited; /* event ids; exited 0: it did not exit */
	cs_scope *scope;
	cs_visit *successor; /* the next state entered in its scope */
	const char *input, *output; /* JSON texts of its Entered and Exited events */
	const asl_value *assigned; /* assignedVariables (names -> JSON texts); NULL: none */
	const asl_value *vars; /* the variables it was entered with; NULL: none */
	const char *parameters, *result; /* its task's last attempt: scheduled with, returned */
	const char *error, *cause;
	int failed; /* its last attempt (or its group) failed; an Exited after it: caught */
	int ended; /* ended without an Exited (failed, aborted) */
	int aborted;
	int group_over; /* a Map or Parallel whose Succeeded/Failed/Aborted came */
	int map_run; /* a Distributed Map: a MapRunStarted came */
	cs_run *run; /* a Map visit: its latest run (MapStateStarted) */
	cs_visit *next; /* in entry order */
};

typedef struct cs_iteration {
	int64_t index;
	const char *status; /* "running", "succeeded", "failed", "aborted" */
} cs_iteration;

/* One MapStateStarted of a Map visit (a retry starts another). */
struct cs_run {
	cs_visit *map;
	int64_t started; /* the MapStateStarted event's id */
	int number; /* 1 for the first run of this Map state (by name), 2 ... */
	int64_t length; /* mapStateStartedEventDetails.length; -1: absent */
	cs_iteration *items;
	size_t count, cap;
	const char *map_run_status; /* a Distributed Map's: "running", "succeeded", ... */
	const char *map_run_arn;
	int listed; /* console_api.c: written out already */
	cs_run *next; /* in start order */
};

typedef struct cs_history {
	cs_visit *visits, *last_visit; /* in entry order */
	size_t visit_count;
	cs_run *runs, *last_run;
	cs_scope root;
	const char *end_error, *end_cause; /* ExecutionFailed/TimedOut/Aborted's */
} cs_history;

/* Reads the events (ascending by id, as the store gives them) of an execution; `running`: it
 * has not ended, so an open visit is still running. 0, or -1 when out of memory. */
int cs_read(cs_history *h, asl_arena *a, const st_event *events, size_t n, int running);
/* "succeeded", "failed", "caught", "running", "aborted". */
const char *cs_status_name(const cs_visit *v);

/* ---- console_states.c ---- */
typedef struct cs_states cs_states;
/* The definition's states (NULL when it does not parse). */
cs_states *cs_states_of(asl_arena *a, const char *definition, size_t len);
/* The state object of a visit, found in its scope (the Map's processor, a branch of the
 * Parallel, the machine), and its JSON Pointer; NULL when the definition has no such state. */
const asl_value *cs_state_of(cs_states *s, const cs_visit *v, const char **pointer);
/* The top-level QueryLanguage is JSONata. */
int cs_states_jsonata(const cs_states *s);

/* ---- console_dataflow.c ---- */
typedef struct cs_dataflow {
	const char *after_input, *after_parameters, *after_selector, *after_result_path;
} cs_dataflow;
/* The data-flow steps of a visit of `state` (its definition's object) in an execution of the
 * machine `machine_name`, computed with TestState's tiny machines (test_state.h) on its
 * recorded input, variables, parameters and result, in c's arena; each NULL when it cannot be
 * computed. `succeeded`: it went on by its own transition (not caught: then its output is not
 * its ResultPath's). `modules`: the tiny machines compiled so far for this answer. */
struct ts_modules;
void cs_dataflow_of(sv_call *c, struct ts_modules *modules, const cs_visit *v,
		    const asl_value *state, const char *machine_name, int succeeded,
		    cs_dataflow *out);

#endif
