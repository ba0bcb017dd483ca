/* The console's JSON endpoints (console_api.h): an execution's steps (one per state visit:
 * input, output, variables, error and cause, the data-flow steps, the Map iteration it ran in)
 * and its Map runs' iteration grid, both from the stored history as GetExecutionHistory has
 * it, read by console_history.c. The data-flow steps cost tiny compiled machines: they are
 * computed only here, on request, for at most MAX_DATAFLOW visits, and the answer says when
 * it stopped ("truncated"). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "console_api.h"
#include "console_history.h"
#include "test_state.h"

#define MAX_EVENTS 200000 /* read at most this many events (AWS keeps 25,000) */
#define MAX_STEPS 20000 /* steps listed */
#define MAX_DATAFLOW 1000 /* visits whose data-flow steps are computed */
#define PAGE 1000

/* What both endpoints read: the execution, its definition's states and its history. */
typedef struct loaded {
	st_execution e;
	const char *machine_name;
	cs_states *states;
	cs_history h;
	int events_truncated;
	ts_modules *modules; /* the data-flow steps' tiny machines */
} loaded;

static void put_error(sv_call *c, const char *message)
{
	c->out.buf.len = 0;
	c->out.depth = 0;
	sv_open(c, NULL);
	sv_put_cstr(c, "error", message);
	sv_close(c);
}

/* Every event of the execution, ascending; at most MAX_EVENTS. */
static int read_events(sv_call *c, const st_execution *e, st_event **out, size_t *n, int *cut)
{
	st_store *s = c->srv->store;
	size_t count = 0, cap = 0;
	st_event *all = NULL;
	int64_t after = 0;
	*cut = 0;
	for (;;) {
		st_event *rows;
		size_t got;
		if (s->ops->event_list(s, e->id, 0, after, PAGE, &c->arena, &rows, &got) < 0)
			return -1;
		if (count + got > cap) {
			size_t grown = cap ? cap * 2 : PAGE;
			while (grown < count + got)
				grown *= 2;
			st_event *bigger = asl_arena_alloc(&c->arena, grown * sizeof *bigger);
			if (!bigger)
				return -1;
			if (count)
				memcpy(bigger, all, count * sizeof *all);
			all = bigger, cap = grown;
		}
		if (got)
			memcpy(all + count, rows, got * sizeof *rows);
		count += got;
		if (got < PAGE)
			break;
		if (count >= MAX_EVENTS) {
			*cut = 1;
			break;
		}
		after = rows[got - 1].id;
	}
	*out = all;
	*n = count;
	return 0;
}

/* 200, or the error status with the error written. */
static int load(sv_call *c, const char *arn, loaded *l)
{
	if (!arn || !*arn) {
		put_error(c, "The execution parameter is missing: ?execution=<execution ARN>");
		return 400;
	}
	st_store *s = c->srv->store;
	int rc = s->ops->execution_get(s, arn, &c->arena, &l->e);
	if (rc > 0) {
		put_error(c, sv_printf(&c->arena, "Execution Does Not Exist: '%s'", arn));
		return 404;
	}
	st_definition d;
	st_machine m;
	if (rc < 0 || s->ops->definition_get(s, l->e.definition_id, &c->arena, &d) < 0 ||
	    s->ops->machine_get_id(s, l->e.machine_id, &c->arena, &m) < 0)
		goto failed;
	l->machine_name = sv_text(c, m.name);
	l->states = cs_states_of(&c->arena, d.text.ptr, d.text.len);
	st_event *events;
	size_t n;
	if (read_events(c, &l->e, &events, &n, &l->events_truncated) < 0)
		goto failed;
	int running = l->e.status.ptr && !strncmp(l->e.status.ptr, "RUNNING", 7);
	if (cs_read(&l->h, &c->arena, events, n, running) < 0)
		goto failed;
	return 200;
failed:
	put_error(c, sv_printf(&c->arena, "The store failed: %s", s->ops->error(s)));
	return 500;
}

/* A JSON text as a value (a text that is not JSON, which our history never writes, as a
 * string); null when absent. */
static void put_json(sv_call *c, const char *key, const char *text)
{
	asl_parse_error perr;
	if (!text)
		sv_put_raw(c, key, "null", 4);
	else if (asl_parse(&c->arena, text, strlen(text), 0, &perr))
		sv_put_raw(c, key, text, strlen(text));
	else
		sv_put_cstr(c, key, text);
}

static void put_text(sv_call *c, const char *key, const char *s)
{
	if (s)
		sv_put_cstr(c, key, s);
	else
		sv_put_raw(c, key, "null", 4);
}

static const char *string_of(const asl_value *o, const char *key)
{
	const asl_value *v = asl_object_get(o, key, strlen(key));
	return asl_is_string(v) ? asl_string_ptr(v) : NULL;
}

/* The catcher of `state` that led to `to`, or NULL. */
static const asl_value *catcher_to(const asl_value *state, const cs_visit *to)
{
	const asl_value *catch = asl_object_get(state, "Catch", 5);
	for (size_t i = 0; to && i < asl_array_len(catch); i++) {
		const char *next = string_of(asl_array_get(catch, (int64_t)i), "Next");
		if (next && !strcmp(next, to->state))
			return asl_array_get(catch, (int64_t)i);
	}
	return NULL;
}

/* A visit that left by a catcher: it failed, or it went to a state only a catcher leads to
 * (an error after its task succeeded, in ResultSelector say, has no event of its own). */
static int caught(const cs_visit *v, const asl_value *state)
{
	if (!v->exited || !v->successor)
		return v->exited && v->failed;
	const char *next = string_of(state, "Next");
	return v->failed ||
	       (catcher_to(state, v->successor) && !(next && !strcmp(next, v->successor->state)));
}

/* The error output the catcher put at its ResultPath ("$" or "$.a.b"), or NULL. */
static const asl_value *caught_output(sv_call *c, const cs_visit *v, const asl_value *state)
{
	const asl_value *catcher = catcher_to(state, v->successor);
	const asl_value *rp = asl_object_get(catcher, "ResultPath", 10);
	if (!catcher || !v->output || (rp && !asl_is_string(rp)))
		return NULL; /* ResultPath null: the error is dropped */
	asl_parse_error perr;
	const asl_value *o = asl_parse(&c->arena, v->output, strlen(v->output), 0, &perr);
	const char *path = rp ? asl_string_ptr(rp) : "$";
	if (*path++ != '$')
		return NULL;
	while (*path == '.') {
		const char *end = path + 1 + strcspn(path + 1, ".[");
		o = asl_object_get(o, path + 1, (size_t)(end - path - 1));
		path = end;
	}
	return *path ? NULL : o;
}

/* The innermost Map iteration around a visit. */
static const cs_scope *iteration_of(const cs_visit *v)
{
	for (const cs_scope *s = v->scope; s; s = s->parent)
		if (s->index >= 0 && s->owner)
			return s;
	return NULL;
}

static void put_dataflow(sv_call *c, const loaded *l, const cs_visit *v, const asl_value *state,
			 int succeeded)
{
	cs_dataflow d;
	cs_dataflow_of(c, l->modules, v, state, l->machine_name, succeeded, &d);
	sv_open(c, "dataflow");
	if (d.after_input)
		put_json(c, "afterInputPath", d.after_input);
	if (d.after_parameters)
		put_json(c, "afterParameters", d.after_parameters);
	if (d.after_selector)
		put_json(c, "afterResultSelector", d.after_selector);
	if (d.after_result_path)
		put_json(c, "afterResultPath", d.after_result_path);
	sv_close(c);
}

static void put_variables(sv_call *c, const asl_value *assigned)
{
	if (!asl_object_len(assigned)) {
		sv_put_raw(c, "variables", "null", 4);
		return;
	}
	sv_open(c, "variables");
	for (size_t i = 0; i < asl_object_len(assigned); i++) {
		size_t klen;
		const char *k = asl_object_key(assigned, i, &klen);
		put_json(c, sv_printf(&c->arena, "%.*s", (int)klen, k),
			 asl_string_ptr(asl_object_value(assigned, i)));
	}
	sv_close(c);
}

static void put_step(sv_call *c, const loaded *l, const cs_visit *v, int with_dataflow)
{
	const char *pointer;
	const asl_value *state = cs_state_of(l->states, v, &pointer);
	const char *status = cs_status_name(v);
	const char *error = v->error, *cause = v->cause;
	if (!strcmp(status, "succeeded") && state && caught(v, state))
		status = "caught";
	if (!strcmp(status, "caught") && state) { /* the catcher's output says what it caught */
		const asl_value *out = caught_output(c, v, state);
		if (string_of(out, "Error")) {
			error = string_of(out, "Error");
			cause = string_of(out, "Cause");
		}
	}
	if (!error && !strcmp(v->type, "Fail") && strcmp(status, "aborted"))
		error = string_of(state, "Error"), cause = string_of(state, "Cause");
	sv_open(c, NULL);
	sv_put_cstr(c, "state", v->state);
	put_text(c, "pointer", pointer);
	sv_put_cstr(c, "type", v->type);
	sv_put_int(c, "visit", v->number);
	sv_put_int(c, "entered_event", v->entered);
	if (v->exited)
		sv_put_int(c, "exited_event", v->exited);
	else
		sv_put_raw(c, "exited_event", "null", 4);
	sv_put_cstr(c, "status", status);
	put_json(c, "input", v->input);
	put_json(c, "output", v->output);
	put_variables(c, v->assigned);
	put_text(c, "error", error);
	put_text(c, "cause", cause);
	if (with_dataflow && state && cs_states_jsonata(l->states))
		sv_put_raw(c, "dataflow", "{}", 2); /* JSONata has no such steps */
	else if (with_dataflow && state)
		put_dataflow(c, l, v, state, !strcmp(status, "succeeded"));
	else
		sv_put_raw(c, "dataflow", "null", 4);
	const cs_scope *it = iteration_of(v);
	if (it) {
		sv_open(c, "iteration");
		sv_put_cstr(c, "map", it->owner->state);
		sv_put_int(c, "index", it->index);
		sv_put_int(c, "run", it->run ? it->run->number : 1);
		sv_close(c);
	} else {
		sv_put_raw(c, "iteration", "null", 4);
	}
	sv_close(c);
}

static void put_note(sv_call *c, const loaded *l, size_t listed, size_t computed)
{
	const cs_history *h = &l->h;
	int cut = l->events_truncated || listed < h->visit_count || computed < listed;
	sv_put_bool(c, "truncated", cut);
	if (!cut)
		return;
	put_text(c, "note",
		 sv_printf(&c->arena,
			   "%s%zu of %zu steps listed; data-flow steps computed for the first %zu "
			   "(the others have \"dataflow\": null)",
			   l->events_truncated
				   ? sv_printf(&c->arena, "only the first %d events were read; ",
					       MAX_EVENTS)
				   : "",
			   listed, h->visit_count, computed));
}

static void write_steps(sv_call *c, const loaded *l)
{
	size_t listed = 0, computed = 0;
	sv_open(c, NULL);
	sv_open_array(c, "steps");
	for (const cs_visit *v = l->h.visits; v && listed < MAX_STEPS; v = v->next, listed++) {
		int with = computed < MAX_DATAFLOW;
		put_step(c, l, v, with);
		computed += with;
	}
	sv_close_array(c);
	put_note(c, l, listed, computed);
	sv_close(c);
}

static int by_index(const void *x, const void *y)
{
	const cs_iteration *a = x, *b = y;
	return (a->index > b->index) - (a->index < b->index);
}

static void put_run(sv_call *c, cs_run *run)
{
	sv_open(c, NULL);
	sv_put_int(c, "run", run->number);
	sv_put_int(c, "visit", run->map->number);
	sv_put_int(c, "started_event", run->started);
	if (run->length >= 0)
		sv_put_int(c, "length", run->length);
	sv_put_bool(c, "distributed", run->map_run_status != NULL);
	if (run->map_run_status) { /* its iterations are child executions: no events here */
		sv_open(c, "mapRun");
		sv_put_cstr(c, "status", run->map_run_status);
		put_text(c, "mapRunArn", run->map_run_arn);
		sv_close(c);
	}
	const cs_scope *around = iteration_of(run->map);
	if (around) {
		sv_open(c, "iteration");
		sv_put_cstr(c, "map", around->owner->state);
		sv_put_int(c, "index", around->index);
		sv_put_int(c, "run", around->run ? around->run->number : 1);
		sv_close(c);
	} else {
		sv_put_raw(c, "iteration", "null", 4);
	}
	if (run->count)
		qsort(run->items, run->count, sizeof *run->items, by_index);
	sv_open_array(c, "iterations");
	for (size_t i = 0; i < run->count; i++) {
		sv_open(c, NULL);
		sv_put_int(c, "index", run->items[i].index);
		sv_put_cstr(c, "status", run->items[i].status);
		sv_close(c);
	}
	sv_close_array(c);
	sv_close(c);
}

static void write_maps(sv_call *c, const loaded *l)
{
	sv_open(c, NULL);
	sv_open_array(c, "maps");
	/* one entry per Map state (names are unique machine-wide), in the order their first runs
	 * started; a Map state's later runs are flagged as written already */
	for (cs_run *first = l->h.runs; first; first = first->next) {
		if (first->listed)
			continue;
		const char *pointer;
		cs_state_of(l->states, first->map, &pointer);
		sv_open(c, NULL);
		sv_put_cstr(c, "state", first->map->state);
		put_text(c, "pointer", pointer);
		sv_open_array(c, "runs");
		for (cs_run *run = first; run; run = run->next)
			if (!run->listed && !strcmp(run->map->state, first->map->state)) {
				run->listed = 1;
				put_run(c, run);
			}
		sv_close_array(c);
		sv_close(c);
	}
	sv_close_array(c);
	sv_put_bool(c, "truncated", l->events_truncated);
	sv_close(c);
}

/* The answer's body copied into `a`; the status. */
static int answer(sv_call *c, int status, asl_arena *a, const char **body, size_t *len)
{
	if (a->failed || c->arena.failed) {
		status = 500;
		put_error(c, "out of memory");
	}
	char *copy = asl_arena_alloc(a, c->out.buf.len + 1);
	if (!copy) {
		*body = "{\"error\":\"out of memory\"}";
		*len = strlen(*body);
		return 500;
	}
	memcpy(copy, c->out.buf.data, c->out.buf.len);
	copy[c->out.buf.len] = '\0';
	*body = copy;
	*len = c->out.buf.len;
	return status;
}

static int endpoint(sv_server *srv, asl_arena *a, const char *arn, const char **body, size_t *len,
		    void (*write)(sv_call *, const loaded *))
{
	sv_call c;
	sv_call_init(&c, srv);
	c.region = srv->cfg.region;
	loaded l;
	memset(&l, 0, sizeof l);
	ts_modules modules = {0};
	l.modules = &modules;
	int status = load(&c, arn, &l);
	if (status == 200)
		write(&c, &l);
	ts_modules_free(&modules);
	status = answer(&c, status, a, body, len);
	sv_call_free(&c);
	return status;
}

int console_api_steps(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		      size_t *len)
{
	return endpoint(srv, a, execution_arn, body, len, write_steps);
}

int console_api_map(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		    size_t *len)
{
	return endpoint(srv, a, execution_arn, body, len, write_maps);
}
