/* The console's reading of a stored history: each event goes to a scope (the execution, a Map
 * iteration, a Parallel branch) and to the state visit it belongs to. Events carry no scope of
 * their own; their previousEventId chains do (tests/conformance/HISTORY.md): an event follows
 * the previous event of its own scope, a MapIterationStarted names its Map and index, and each
 * event that follows a ParallelStateStarted directly opens a branch. What a Map or Parallel
 * state's own events follow can be inside one of its iterations or branches, so their visit is
 * found by walking out from there. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console_history.h"

/* How many times each name was counted (few distinct names: a linear search). */
typedef struct counter {
	const char **names;
	int *counts;
	size_t n, cap;
} counter;

typedef struct reader {
	cs_history *h;
	asl_arena *a;
	int64_t max_id;
	cs_scope **scope_of; /* by event id */
	cs_visit **visit_of;
	const char **type_of;
	counter visits, runs; /* per state name: for the visit and run numbers */
} reader;

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int ends(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static const char *text(asl_arena *a, const asl_value *details, const char *key)
{
	const asl_value *v = asl_object_get(details, key, strlen(key));
	return asl_is_string(v) ? sv_printf(a, "%.*s", (int)asl_string_len(v), asl_string_ptr(v))
				: NULL;
}

static cs_scope *scope_at(const reader *r, int64_t id)
{
	return id > 0 && id <= r->max_id ? r->scope_of[id] : NULL;
}

static cs_visit *visit_at(const reader *r, int64_t id)
{
	return id > 0 && id <= r->max_id ? r->visit_of[id] : NULL;
}

static const char *type_at(const reader *r, int64_t id)
{
	return id > 0 && id <= r->max_id && r->type_of[id] ? r->type_of[id] : "";
}

static int over(const cs_visit *v)
{
	return v->exited || v->ended;
}

static cs_scope *new_scope(reader *r, cs_visit *owner, int64_t index)
{
	cs_scope *s = asl_arena_alloc(r->a, sizeof *s);
	if (!s)
		return NULL;
	memset(s, 0, sizeof *s);
	s->parent = owner->scope;
	s->owner = owner;
	s->index = index;
	s->vars = owner->vars; /* what the Map or Parallel state was entered with */
	return s;
}

/* `name` counted once more: its count. */
static int count(asl_arena *a, counter *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->names[i], name))
			return ++k->counts[i];
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 32;
		const char **names = asl_arena_alloc(a, cap * sizeof *names);
		int *counts = asl_arena_alloc(a, cap * sizeof *counts);
		if (!names || !counts)
			return 1;
		if (k->n) {
			memcpy(names, k->names, k->n * sizeof *names);
			memcpy(counts, k->counts, k->n * sizeof *counts);
		}
		k->names = names, k->counts = counts, k->cap = cap;
	}
	k->names[k->n] = name;
	k->counts[k->n++] = 1;
	return 1;
}

/* The scope a state entered after event `prev` runs in. */
static cs_scope *scope_after(reader *r, int64_t prev)
{
	if (prev <= 0)
		return &r->h->root;
	cs_visit *v = visit_at(r, prev);
	if (!strcmp(type_at(r, prev), "ParallelStateStarted") && v)
		return new_scope(r, v, -1); /* a branch's first state */
	cs_scope *s = scope_at(r, prev);
	return s ? s : &r->h->root;
}

static void entered(reader *r, int64_t id, int64_t prev, const char *type, const asl_value *d)
{
	cs_scope *s = scope_after(r, prev);
	cs_visit *v = asl_arena_alloc(r->a, sizeof *v);
	if (!s || !v)
		return;
	memset(v, 0, sizeof *v);
	v->state = text(r->a, d, "name");
	if (!v->state)
		v->state = "";
	v->type = sv_printf(r->a, "%.*s", (int)(strlen(type) - strlen("StateEntered")), type);
	v->number = count(r->a, &r->visits, v->state);
	v->entered = id;
	v->scope = s;
	v->input = text(r->a, d, "input");
	v->vars = s->vars;
	if (s->open && !over(s->open))
		s->open->ended = 1; /* it left without an event saying so */
	if (s->last)
		s->last->successor = v;
	s->last = v;
	s->open = v;
	cs_history *h = r->h;
	if (h->last_visit)
		h->last_visit->next = v;
	else
		h->visits = v;
	h->last_visit = v;
	h->visit_count++;
	r->visit_of[id] = v;
	r->scope_of[id] = s;
}

/* The scope's variables with a state's assignedVariables (names -> JSON texts) set. */
static void assign(reader *r, cs_scope *s, const asl_value *assigned)
{
	if (!asl_object_len(assigned))
		return;
	asl_value *vars = s->vars ? asl_shallow_copy(r->a, s->vars)
				  : asl_object(r->a, asl_object_len(assigned));
	if (!vars)
		return;
	for (size_t i = 0; i < asl_object_len(assigned); i++) {
		size_t klen;
		const char *k = asl_object_key(assigned, i, &klen);
		const asl_value *t = asl_object_value(assigned, i);
		asl_parse_error perr;
		asl_value *v = asl_is_string(t) ? asl_parse(r->a, asl_string_ptr(t),
							    asl_string_len(t), 0, &perr)
						: NULL;
		asl_object_set(r->a, vars, k, klen, v ? v : asl_null());
	}
	s->vars = vars;
}

static void exited(reader *r, cs_visit *v, int64_t id, const asl_value *d)
{
	v->exited = id;
	v->output = text(r->a, d, "output");
	const asl_value *as = asl_object_get(d, "assignedVariables", 17);
	v->assigned = asl_is_object(as) ? as : NULL; /* parsed into r->a already */
	assign(r, v->scope, v->assigned);
	if (v->scope->open == v)
		v->scope->open = NULL;
}

static void set_error(reader *r, cs_visit *v, const asl_value *d)
{
	v->failed = 1;
	v->error = text(r->a, d, "error");
	v->cause = text(r->a, d, "cause");
	v->scope->failed = v;
}

/* The Map or Parallel visit (`kind`) an event of that state itself belongs to. */
static cs_visit *group_visit(reader *r, int64_t prev, const char *kind, const char *type)
{
	cs_visit *v = visit_at(r, prev);
	const char *pt = type_at(r, prev);
	/* after its own Succeeded/Failed/Aborted only its Exited comes: anything else follows
	 * an enclosing group's branch, whose last event this was */
	int done =
		ends(pt, "StateSucceeded") || ends(pt, "StateFailed") || ends(pt, "StateAborted");
	if (v && !strcmp(v->type, kind) && !over(v) && (!done || ends(type, "StateExited")))
		return v;
	for (cs_scope *s = scope_at(r, prev); s; s = s->parent)
		if (s->owner && !strcmp(s->owner->type, kind) && !over(s->owner))
			return s->owner;
	return NULL;
}

static void new_run(reader *r, cs_visit *v, int64_t id, const asl_value *d)
{
	cs_run *run = asl_arena_alloc(r->a, sizeof *run);
	if (!run)
		return;
	memset(run, 0, sizeof *run);
	run->map = v;
	run->started = id;
	const asl_value *len = asl_object_get(d, "length", 6);
	run->length = asl_is_number(len) ? (int64_t)asl_number_value(len) : -1;
	v->run = run;
	cs_history *h = r->h;
	run->number = count(r->a, &r->runs, v->state);
	if (h->last_run)
		h->last_run->next = run;
	else
		h->runs = run;
	h->last_run = run;
}

/* What failed in the scope an event came from: a group's error is its failed part's. */
static void inherit_error(reader *r, cs_visit *v, int64_t prev)
{
	cs_scope *s = scope_at(r, prev);
	cs_visit *last = visit_at(r, prev);
	if (last && last != v && !over(last)) { /* a branch's state that failed without a word */
		last->failed = last->ended = 1;
		last->scope->failed = last;
	}
	const cs_visit *from = s && s != v->scope ? s->failed : NULL;
	if (!from && last && last != v && last->failed)
		from = last;
	v->failed = 1;
	v->scope->failed = v;
	if (from && from->error) {
		v->error = from->error;
		v->cause = from->cause;
	}
}

static void group_event(reader *r, int64_t id, int64_t prev, const char *type, const asl_value *d)
{
	const char *kind = starts(type, "Map") ? "Map" : "Parallel";
	cs_visit *v = group_visit(r, prev, kind, type);
	if (!v)
		return;
	r->visit_of[id] = v;
	r->scope_of[id] = v->scope;
	if (!strcmp(type, "MapStateStarted") || !strcmp(type, "ParallelStateStarted")) {
		v->group_over = v->failed = 0; /* a retry's new start */
		v->error = v->cause = NULL;
		if (*kind == 'M')
			new_run(r, v, id, d);
	} else if (ends(type, "StateSucceeded")) {
		v->group_over = 1;
	} else if (ends(type, "StateFailed")) {
		v->group_over = 1;
		inherit_error(r, v, prev);
	} else if (ends(type, "StateAborted")) {
		v->group_over = v->aborted = v->ended = 1;
		if (v->scope->open == v)
			v->scope->open = NULL;
	} else if (ends(type, "StateExited")) {
		exited(r, v, id, d);
	} else if (starts(type, "MapRun") && v->run) {
		v->map_run = 1;
		cs_run *run = v->run;
		if (!strcmp(type, "MapRunStarted")) {
			run->map_run_arn = text(r->a, d, "mapRunArn");
			run->map_run_status = "running";
		} else {
			run->map_run_status = !strcmp(type, "MapRunSucceeded") ? "succeeded"
					      : !strcmp(type, "MapRunFailed")  ? "failed"
									       : "aborted";
			if (!strcmp(type, "MapRunFailed"))
				set_error(r, v, d);
		}
	}
}

static void add_iteration(reader *r, cs_run *run, int64_t index)
{
	if (run->count == run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 16;
		cs_iteration *items = asl_arena_alloc(r->a, cap * sizeof *items);
		if (!items)
			return;
		if (run->count)
			memcpy(items, run->items, run->count * sizeof *items);
		run->items = items, run->cap = cap;
	}
	run->items[run->count++] = (cs_iteration){index, "running"};
}

static int named(const cs_visit *v, const char *name)
{
	return v && !strcmp(v->type, "Map") && name && !strcmp(v->state, name);
}

static void iteration_started(reader *r, int64_t id, int64_t prev, const asl_value *d)
{
	const char *name = text(r->a, d, "name");
	const asl_value *ix = asl_object_get(d, "index", 5);
	cs_visit *map = visit_at(r, prev);
	if (!named(map, name) || over(map)) { /* after the iteration before: walk out of it */
		map = NULL;
		for (cs_scope *s = scope_at(r, prev); s && !map; s = s->parent)
			if (named(s->owner, name) && !over(s->owner))
				map = s->owner;
	}
	if (!map || !map->run || !asl_is_number(ix))
		return;
	cs_scope *s = new_scope(r, map, (int64_t)asl_number_value(ix));
	if (!s)
		return;
	s->run = map->run;
	add_iteration(r, map->run, s->index);
	r->scope_of[id] = s;
}

static cs_iteration *item_of(cs_run *run, int64_t index)
{
	for (size_t i = run ? run->count : 0; i-- > 0;)
		if (run->items[i].index == index)
			return &run->items[i];
	return NULL;
}

static void iteration_ended(reader *r, int64_t id, int64_t prev, const char *type,
			    const asl_value *d)
{
	const char *name = text(r->a, d, "name");
	const asl_value *ix = asl_object_get(d, "index", 5);
	if (!asl_is_number(ix))
		return;
	int64_t index = (int64_t)asl_number_value(ix);
	cs_scope *s = scope_at(r, prev);
	while (s && !(named(s->owner, name) && s->index == index && s->run))
		s = s->parent;
	cs_iteration *it = s ? item_of(s->run, index) : NULL;
	if (!s) { /* not on the chain (an aborted iteration): the latest run of that Map */
		for (cs_run *run = r->h->runs; run; run = run->next)
			if (named(run->map, name) && !over(run->map) && item_of(run, index))
				it = item_of(run, index);
	}
	if (!it)
		return;
	int failed = ends(type, "Failed"), aborted = ends(type, "Aborted");
	it->status = failed ? "failed" : aborted ? "aborted" : "succeeded";
	if (!s)
		return;
	s->ended = 1;
	r->scope_of[id] = s;
	cs_visit *open = s->open;
	if (open && !over(open)) {
		open->ended = 1;
		open->aborted = aborted;
		if (failed) {
			open->failed = 1;
			s->failed = open;
		}
	}
	s->open = NULL;
}

/* An event of the state that is open in its scope: a task's, an Exited, a Task or Wait
 * state's Aborted, JSONata's EvaluationFailed. */
static void state_event(reader *r, int64_t id, int64_t prev, const char *type, const asl_value *d)
{
	cs_scope *s = scope_at(r, prev);
	cs_visit *v = visit_at(r, prev);
	if (!v || over(v))
		v = s ? s->open : NULL;
	if (!v || over(v))
		return;
	r->visit_of[id] = v;
	r->scope_of[id] = v->scope;
	int task = (starts(type, "Task") && !starts(type, "TaskState")) ||
		   starts(type, "LambdaFunction") || starts(type, "Activity");
	if (ends(type, "StateExited")) {
		exited(r, v, id, d);
	} else if (ends(type, "StateAborted")) {
		v->aborted = v->ended = 1;
		if (v->scope->open == v)
			v->scope->open = NULL;
	} else if (task && ends(type, "Scheduled")) { /* an attempt: what came before is retried */
		v->parameters = text(r->a, d, "parameters");
		if (!v->parameters) /* LambdaFunctionScheduled, ActivityScheduled */
			v->parameters = text(r->a, d, "input");
		v->result = v->error = v->cause = NULL;
		v->failed = 0;
	} else if (task && ends(type, "Succeeded")) {
		v->result = text(r->a, d, "output");
	} else if ((task && (ends(type, "Failed") || ends(type, "TimedOut"))) ||
		   !strcmp(type, "EvaluationFailed")) {
		set_error(r, v, d);
	}
}

static void execution_ended(reader *r, int64_t prev, const char *type, const asl_value *d)
{
	cs_history *h = r->h;
	h->end_error = text(r->a, d, "error");
	h->end_cause = text(r->a, d, "cause");
	cs_visit *top = h->root.open;
	if (strcmp(type, "ExecutionFailed")) { /* timed out or stopped: what was open is aborted */
		if (top && !over(top)) { /* the top level's state says why */
			top->error = h->end_error;
			top->cause = h->end_cause;
		}
		return;
	}
	/* the failure that ended it: the state open at the top level has the execution's error;
	 * the one it came from (inside a Map or Parallel) too, unless it said its own */
	cs_scope *s = scope_at(r, prev);
	cs_visit *inner = s ? s->open : NULL;
	if (inner && !over(inner) && !inner->error) {
		inner->failed = 1;
		inner->error = h->end_error;
		inner->cause = h->end_cause;
	}
	if (top && !over(top)) {
		top->failed = 1;
		top->error = h->end_error;
		top->cause = h->end_cause;
	}
}

static void read_event(reader *r, const st_event *e)
{
	const char *type = e->type.ptr ? e->type.ptr : "";
	asl_parse_error perr;
	const asl_value *d =
		e->details.ptr ? asl_parse(r->a, e->details.ptr, e->details.len, 0, &perr) : NULL;
	int64_t id = e->id, prev = e->previous_id;
	r->type_of[id] = type;
	if (ends(type, "StateEntered"))
		entered(r, id, prev, type, d);
	else if (starts(type, "MapIteration"))
		starts(type, "MapIterationStarted") ? iteration_started(r, id, prev, d)
						    : iteration_ended(r, id, prev, type, d);
	else if (starts(type, "MapState") || starts(type, "ParallelState") ||
		 starts(type, "MapRun"))
		group_event(r, id, prev, type, d);
	else if (!strcmp(type, "ExecutionStarted"))
		r->scope_of[id] = &r->h->root;
	else if (starts(type, "Execution"))
		execution_ended(r, prev, type, d);
	else
		state_event(r, id, prev, type, d);
}

/* Whether a visit's scope can still run: the execution runs and no scope around it ended. */
static int live(const cs_scope *s)
{
	for (; s && s->owner; s = s->parent)
		if (s->ended || over(s->owner) || s->owner->group_over)
			return 0;
	return 1;
}

int cs_read(cs_history *h, asl_arena *a, const st_event *events, size_t n, int running)
{
	memset(h, 0, sizeof *h);
	h->root.index = -1;
	reader r;
	memset(&r, 0, sizeof r);
	r.h = h;
	r.a = a;
	for (size_t i = 0; i < n; i++)
		if (events[i].id > r.max_id)
			r.max_id = events[i].id;
	if (r.max_id > (int64_t)(n * 4 + 16)) /* ids run 1..N: anything else is not ours */
		r.max_id = (int64_t)(n * 4 + 16);
	size_t slots = (size_t)r.max_id + 1;
	r.scope_of = asl_arena_alloc(a, slots * sizeof *r.scope_of);
	r.visit_of = asl_arena_alloc(a, slots * sizeof *r.visit_of);
	r.type_of = asl_arena_alloc(a, slots * sizeof *r.type_of);
	if (!r.scope_of || !r.visit_of || !r.type_of)
		return -1;
	memset(r.scope_of, 0, slots * sizeof *r.scope_of);
	memset(r.visit_of, 0, slots * sizeof *r.visit_of);
	memset(r.type_of, 0, slots * sizeof *r.type_of);
	for (size_t i = 0; i < n; i++)
		if (events[i].id > 0 && events[i].id <= r.max_id)
			read_event(&r, &events[i]);
	/* what is still open: running, or it ended with its scope (failed, or cancelled) */
	for (cs_visit *v = h->visits; v; v = v->next)
		if (!over(v) && !(running && live(v->scope)))
			v->ended = 1;
	/* iterations that did not say how they ended ended with their Map (or the execution) */
	for (cs_run *run = h->runs; run; run = run->next)
		for (size_t i = 0; i < run->count; i++)
			if (!strcmp(run->items[i].status, "running") &&
			    (!running || over(run->map) || run->map->group_over ||
			     run->map->run != run || !live(run->map->scope)))
				run->items[i].status = "aborted";
	return a->failed ? -1 : 0;
}

const char *cs_status_name(const cs_visit *v)
{
	if (v->exited)
		return v->failed ? "caught" : "succeeded";
	if (!v->ended)
		return "running";
	if (v->aborted || (!v->failed && strcmp(v->type, "Fail")))
		return "aborted";
	return "failed";
}
