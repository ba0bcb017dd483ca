/* graph_history_add: walks an execution's history events and adds what they say to the
 * graph's overlay fields. Events of Map iterations and Parallel branches interleave, so each
 * event is put in a "lane" (the machine, one Map iteration, one Parallel branch) by following
 * previousEventId; within a lane, consecutive states give the edge taken between them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlay.h"

typedef enum outcome { ENDED_OK, ENDED_FAILED, ENDED_ABORTED } outcome;

typedef struct lane {
	int parent; /* -1 for the machine's lane */
	int scope; /* the IR scope its states are in */
	int cur; /* node of the state last entered; -1 before the first */
	int open; /* cur entered and not exited */
	int failing; /* cur failed and neither a retry nor a Catch has taken it yet */
	int done; /* cur's visit has its status */
	int started; /* cur is a Map or Parallel that has started (again: a retry) */
	int ended;
	int map; /* a Map iteration: the Map's node, else -1 */
} lane;

/* An event's id and its place in the events array. */
typedef struct event_ref {
	double id;
	size_t at;
} event_ref;

typedef struct walk {
	gr_graph *g;
	const asl_value *events;
	size_t count;
	event_ref *order; /* the events by id: GetExecutionHistory can list them newest first */
	int *lane_of; /* per event, in id order */
	lane *lanes;
	int lane_count, lane_cap;
	int *start_mark, *end_mark; /* per IR scope */
	char *err;
	size_t errlen;
} walk;

/* Worst first: the status a state shows when its visits ended differently. */
static int rank(gr_status s)
{
	static const int RANK[] = {[GR_NOT_RUN] = 0, [GR_SUCCEEDED] = 1, [GR_CAUGHT] = 2,
				   [GR_ABORTED] = 3, [GR_RUNNING] = 4,   [GR_FAILED] = 5};
	return RANK[s];
}

static void set_status(gr_node *n, gr_status s)
{
	if (rank(s) > rank(n->status))
		n->status = s;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

static int starts_with(const char *s, const char *head)
{
	return !strncmp(s, head, strlen(head));
}

/* The event's ...EventDetails object, or NULL. */
static const asl_value *event_details(const asl_value *e)
{
	for (size_t i = 0; i < asl_object_len(e); i++) {
		size_t klen;
		const char *key = asl_object_key(e, i, &klen);
		const asl_value *d = asl_object_value(e, i);
		if (klen > 12 && !memcmp(key + klen - 12, "EventDetails", 12) && asl_is_object(d))
			return d;
	}
	return NULL;
}

/* The "name" in the event's details: a state, or the Map of an iteration. */
static const asl_value *event_name(const asl_value *e)
{
	const asl_value *name = asl_object_get(event_details(e), "name", 4);
	return asl_is_string(name) ? name : NULL;
}

static const gr_node *node_of(const walk *w, int n)
{
	return &w->g->nodes[n];
}

static int scope_of(const walk *w, int n)
{
	return w->g->ir->states[node_of(w, n)->state].scope;
}

static int is_kind(const walk *w, int n, ir_kind kind)
{
	return n >= 0 && w->g->ir->states[node_of(w, n)->state].kind == kind;
}

static void count_edge(walk *w, int e)
{
	gr_edge *edge = &w->g->edges[e];
	edge->count++;
	edge->on_path = 1;
	w->g->nodes[edge->from].on_path = 1;
	w->g->nodes[edge->to].on_path = 1;
}

/* The edge of `kind` from `from` to `to`, or -1. */
static int find_edge(const walk *w, int from, int to, gr_edge_kind kind)
{
	for (int e = 0; e < w->g->edge_count; e++) {
		const gr_edge *edge = &w->g->edges[e];
		if (edge->from == from && edge->to == to && edge->kind == kind)
			return e;
	}
	return -1;
}

static int new_lane(walk *w, int parent, int scope)
{
	if (w->lane_count == w->lane_cap) {
		int cap = w->lane_cap ? 2 * w->lane_cap : 16;
		lane *grown = realloc(w->lanes, (size_t)cap * sizeof *grown);
		if (!grown)
			return -1;
		w->lanes = grown;
		w->lane_cap = cap;
	}
	w->lanes[w->lane_count] = (lane){.parent = parent, .scope = scope, .cur = -1, .map = -1};
	/* a branch or an iteration begins: its owner's branch edge and its start mark */
	const ir_scope *sc = &w->g->ir->scopes[scope];
	if (sc->owner >= 0) {
		int e = find_edge(w, w->g->state_node[sc->owner], w->start_mark[scope],
				  GR_EDGE_BRANCH);
		if (e >= 0)
			count_edge(w, e);
	}
	return w->lane_count++;
}

/* The closest lane from `l` up whose states are in `scope`, or -1. */
static int climb_to_scope(const walk *w, int l, int scope)
{
	for (; l >= 0; l = w->lanes[l].parent)
		if (w->lanes[l].scope == scope && !w->lanes[l].ended)
			return l;
	return -1;
}

/* The closest lane from `l` up that is in a Map or Parallel state (its own events: started,
 * succeeded, failed), or `l`. */
static int climb_to_container(const walk *w, int l)
{
	for (int up = l; up >= 0; up = w->lanes[up].parent) {
		const lane *ln = &w->lanes[up];
		if (ln->open && (is_kind(w, ln->cur, IR_MAP) || is_kind(w, ln->cur, IR_PARALLEL)))
			return up;
	}
	return l;
}

/* The visit of the lane's state ends with `s`; a succeeded or Fail state takes its End edge. */
static void finish_visit(walk *w, lane *ln, gr_status s)
{
	if (ln->cur < 0 || ln->done)
		return;
	set_status(&w->g->nodes[ln->cur], s);
	ln->done = 1;
	ln->open = 0;
}

static void take_end(walk *w, lane *ln)
{
	if (ln->cur < 0)
		return;
	int e = find_edge(w, ln->cur, w->end_mark[ln->scope], GR_EDGE_END);
	if (e >= 0)
		count_edge(w, e);
}

static void end_lane(walk *w, int l, outcome how)
{
	lane *ln = &w->lanes[l];
	if (ln->ended)
		return;
	ln->ended = 1;
	if (ln->cur < 0)
		return;
	int was_ok = ln->done && !ln->failing;
	if (!ln->done) {
		if (how == ENDED_ABORTED) /* stopped or timed out while it ran: not its failure */
			finish_visit(w, ln, GR_ABORTED);
		else if (ln->failing || how != ENDED_OK)
			finish_visit(w, ln, GR_FAILED);
		else
			finish_visit(w, ln, GR_SUCCEEDED), was_ok = 1;
	}
	if (was_ok || is_kind(w, ln->cur, IR_FAIL))
		take_end(w, ln);
}

/* Ends every lane below `l` (a Map or Parallel finished: its branches and iterations did). */
static void end_children(walk *w, int l, outcome how)
{
	for (int i = w->lane_count - 1; i > l; i--) {
		int up = w->lanes[i].parent;
		while (up >= 0 && up != l)
			up = w->lanes[up].parent;
		if (up == l)
			end_lane(w, i, how);
	}
}

/* From the lane's state to `to`, entered next in the same lane: the edge taken. A failing
 * state takes a Catch when it has one to `to`; otherwise the first rule, Default or Next. */
static void transition(walk *w, lane *ln, int to)
{
	int from = ln->cur, chosen = -1, catch = -1;
	for (int e = 0; e < w->g->edge_count; e++) {
		const gr_edge *edge = &w->g->edges[e];
		if (edge->from != from || edge->to != to)
			continue;
		if (edge->kind == GR_EDGE_CATCH) {
			if (catch < 0)
				catch = e;
		} else if (chosen < 0) {
			chosen = e;
		}
	}
	if (catch >= 0 && (ln->failing || chosen < 0))
		chosen = catch;
	if (chosen >= 0)
		count_edge(w, chosen);
	if (!ln->done) {
		finish_visit(w, ln, chosen == catch && catch >= 0 ? GR_CAUGHT : GR_SUCCEEDED);
	} else if (ln->failing && chosen == catch && catch >= 0) {
		set_status(&w->g->nodes[from], GR_CAUGHT); /* exited, then caught (Map, Parallel) */
	}
}

static void enter(walk *w, int l, int node)
{
	lane *ln = &w->lanes[l];
	if (ln->cur >= 0) {
		transition(w, ln, node);
	} else {
		int e = find_edge(w, w->start_mark[ln->scope], node, GR_EDGE_START);
		if (e >= 0)
			count_edge(w, e);
	}
	ln->cur = node;
	ln->open = 1;
	ln->failing = 0;
	ln->done = 0;
	ln->started = 0;
	gr_node *n = &w->g->nodes[node];
	n->visits++;
	n->on_path = 1;
	if (is_kind(w, node, IR_FAIL)) {
		n->failures++;
		ln->failing = 1;
	}
}

static const asl_value *event_at(const walk *w, size_t k)
{
	return asl_array_get(w->events, (int64_t)w->order[k].at);
}

/* The place in id order of the event with this id, or -1: ids are usually 1..N, else a
 * binary search. */
static long find_event(const walk *w, double id)
{
	if (id >= 1 && id <= (double)w->count && w->order[(size_t)id - 1].id == id)
		return (long)id - 1;
	size_t lo = 0, hi = w->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->order[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->count && w->order[lo].id == id ? (long)lo : -1;
}

/* The event before the k-th (in id order): its previousEventId's event when there is an
 * earlier one, else the one before it; -1 for the first. */
static int previous_event(const walk *w, size_t k)
{
	const asl_value *prev = asl_object_get(event_at(w, k), "previousEventId", 15);
	if (!asl_is_number(prev))
		return (int)k - 1;
	double id = asl_number_value(prev);
	if (id <= 0)
		return -1;
	long at = find_event(w, id);
	return at >= 0 && (size_t)at < k ? (int)at : (int)k - 1;
}

static int by_id(const void *a, const void *b)
{
	const event_ref *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id ? 1 : x->at < y->at ? -1 : x->at > y->at;
}

/* w->order: the events sorted by their "id" (an event without one takes its position + 1);
 * 0, or -1 with err set when two events have the same id. */
static int sort_events(walk *w)
{
	w->order = malloc((w->count + 1) * sizeof *w->order);
	if (!w->order) {
		snprintf(w->err, w->errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < w->count; i++) {
		const asl_value *id = asl_object_get(asl_array_get(w->events, (int64_t)i), "id", 2);
		w->order[i] =
			(event_ref){asl_is_number(id) ? asl_number_value(id) : (double)i + 1, i};
	}
	qsort(w->order, w->count, sizeof *w->order, by_id);
	for (size_t k = 1; k < w->count; k++)
		if (w->order[k].id == w->order[k - 1].id) {
			snprintf(w->err, w->errlen, "two events have the id %.17g", w->order[k].id);
			return -1;
		}
	return 0;
}

/* Text from the history in an error message: one line, printable, at most 79 bytes. */
static void shown_text(char shown[80], const char *s, size_t len)
{
	size_t n = len < 79 ? len : 79;
	for (size_t i = 0; i < n; i++)
		shown[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	shown[n] = 0;
}

static void unknown_state(walk *w, const asl_value *name)
{
	char shown[80];
	shown_text(shown, asl_string_ptr(name), asl_string_len(name));
	snprintf(w->err, w->errlen,
		 "the history names state '%s', which this machine does not have", shown);
}

/* An event of a state of another kind than its type says ("MapIterationStarted" of a Task,
 * "PassStateEntered" of a Choice) means the history is not of this machine; the walk would
 * read the wrong kind's data. 0 when it fits, else -1 with err set. */
static int check_kind(walk *w, const char *type, size_t type_len, int node, const asl_value *name)
{
	const ir_state *s = &w->g->ir->states[node_of(w, node)->state];
	const char *kind = ir_kind_name(s->kind);
	size_t klen = strlen(kind);
	int fits = 1;
	if (starts_with(type, "MapIteration"))
		fits = s->kind == IR_MAP;
	else if (ends_with(type, "StateEntered") || ends_with(type, "StateExited"))
		fits = type_len == klen + strlen(ends_with(type, "StateEntered") ? "StateEntered"
										 : "StateExited") &&
		       !memcmp(type, kind, klen);
	if (fits)
		return 0;
	char shown_type[80], shown_name[80];
	shown_text(shown_type, type, type_len);
	shown_text(shown_name, asl_string_ptr(name), asl_string_len(name));
	snprintf(w->err, w->errlen,
		 "a %s event names '%s', which is a %s state: another machine's history?",
		 shown_type, shown_name, kind);
	return -1;
}

static int is_failure(const char *type)
{
	if (starts_with(type, "Execution") || starts_with(type, "MapIteration"))
		return 0;
	return ends_with(type, "Failed") || ends_with(type, "TimedOut");
}

/* ExecutionSucceeded, ExecutionFailed ...: every lane ends. */
static int execution_event(walk *w, const char *type, int *finished)
{
	if (!strcmp(type, "ExecutionStarted"))
		return 0;
	outcome how = !strcmp(type, "ExecutionSucceeded") ? ENDED_OK
		      : !strcmp(type, "ExecutionAborted") || !strcmp(type, "ExecutionTimedOut")
			      ? ENDED_ABORTED
			      : ENDED_FAILED;
	end_children(w, 0, how);
	end_lane(w, 0, how);
	*finished = 1;
	return 0;
}

/* MapIterationStarted opens a lane for the iteration; Succeeded, Failed, Aborted end it. The
 * lane, or -1 when out of memory. */
static int iteration_event(walk *w, const char *type, int map, int base)
{
	gr_node *m = &w->g->nodes[map];
	if (!strcmp(type, "MapIterationStarted")) {
		int l = new_lane(w, climb_to_container(w, base),
				 w->g->ir->states[m->state].u.map.processor);
		if (l >= 0)
			w->lanes[l].map = map;
		return l;
	}
	gr_status s = !strcmp(type, "MapIterationSucceeded") ? GR_SUCCEEDED
		      : !strcmp(type, "MapIterationFailed")  ? GR_FAILED
							     : GR_ABORTED;
	m->iterations[s]++;
	/* the iteration's own lane: the one the previous event is in, or above it */
	int l = base;
	while (l >= 0 && w->lanes[l].map != map)
		l = w->lanes[l].parent;
	if (l < 0)
		return base;
	outcome how = s == GR_SUCCEEDED ? ENDED_OK : s == GR_FAILED ? ENDED_FAILED : ENDED_ABORTED;
	end_children(w, l, how);
	end_lane(w, l, how);
	return l;
}

/* ...StateEntered and ...StateExited of the state `node`. The lane, or -1 when out of
 * memory. */
static int state_event(walk *w, const char *type, int node, int base)
{
	int scope = scope_of(w, node);
	int entered = ends_with(type, "StateEntered");
	int l = climb_to_scope(w, base, scope);
	if (l < 0 && !entered)
		return base; /* the exit of a state that is not open here: nothing to do */
	if (l < 0) /* the first state of a branch */
		l = new_lane(w, climb_to_container(w, base), scope);
	if (l < 0)
		return -1;
	lane *ln = &w->lanes[l];
	if (entered) {
		enter(w, l, node);
	} else if (ends_with(type, "StateExited") && ln->cur == node) {
		ln->open = 0;
		if (!ln->failing)
			finish_visit(w, ln, GR_SUCCEEDED);
	}
	return l;
}

/* An event of the lane's current state: a Task's scheduling, failure, success; a Map's or
 * Parallel's start and end. The lane; -2 for a Map's or Parallel's event where none is
 * open. */
static int other_event(walk *w, const char *type, int base)
{
	int container = starts_with(type, "MapState") || starts_with(type, "ParallelState");
	int l = container ? climb_to_container(w, base) : base;
	lane *ln = &w->lanes[l];
	if (container && !(ln->open && is_kind(w, ln->cur, type[0] == 'M' ? IR_MAP : IR_PARALLEL)))
		return -2; /* a Map's or Parallel's event where none is open */
	int started = container && ends_with(type, "Started");
	if (container && !started)
		end_children(w, l, ends_with(type, "Succeeded") ? ENDED_OK : ENDED_FAILED);
	if (ln->cur < 0)
		return l;
	gr_node *n = &w->g->nodes[ln->cur];
	if (is_failure(type)) {
		n->failures++;
		ln->failing = 1;
	} else if (ln->failing && ln->open && ends_with(type, "Scheduled")) {
		n->retries++; /* the Task is tried again */
		ln->failing = 0;
	} else if (started && ln->started) {
		/* a Map or Parallel started again: its branches failed and a Retry took it (AWS
		 * writes no ParallelStateFailed for a retried attempt) */
		end_children(w, l, ENDED_FAILED);
		n->retries++;
		n->failures += !ln->failing;
		ln->failing = 0;
	} else if (started) {
		ln->started = 1;
	}
	return l;
}

/* One event: its lane, and what it does there. 0, or -1 with err set. */
static int step(walk *w, size_t i, int *finished)
{
	const asl_value *e = event_at(w, i);
	const asl_value *tv = asl_object_get(e, "type", 4);
	if (!asl_is_object(e) || !asl_is_string(tv)) {
		snprintf(w->err, w->errlen, "event %zu of the history has no \"type\"",
			 w->order[i].at + 1);
		return -1;
	}
	const char *type = asl_string_ptr(tv);
	int prev = previous_event(w, i);
	int base = prev >= 0 ? w->lane_of[prev] : 0;
	if (starts_with(type, "Execution")) {
		w->lane_of[i] = 0;
		return execution_event(w, type, finished);
	}
	const asl_value *name = event_name(e);
	int node = name ? graph_find_state(w->g, asl_string_ptr(name), asl_string_len(name)) : -1;
	if (name && node < 0) {
		unknown_state(w, name);
		return -1;
	}
	if (name && check_kind(w, type, asl_string_len(tv), node, name) != 0)
		return -1;
	int l = !name                               ? other_event(w, type, base)
		: starts_with(type, "MapIteration") ? iteration_event(w, type, node, base)
						    : state_event(w, type, node, base);
	if (l == -2) {
		char shown[80];
		shown_text(shown, type, asl_string_len(tv));
		snprintf(w->err, w->errlen,
			 "a %s event where no such state runs: another machine's history?", shown);
		return -1;
	}
	if (l < 0) {
		snprintf(w->err, w->errlen, "out of memory");
		return -1;
	}
	w->lane_of[i] = l;
	return 0;
}

/* The start and end marks of each IR scope. */
static int find_marks(walk *w)
{
	int scopes = w->g->ir->scope_count;
	w->start_mark = calloc((size_t)scopes + 1, sizeof *w->start_mark);
	w->end_mark = calloc((size_t)scopes + 1, sizeof *w->end_mark);
	if (!w->start_mark || !w->end_mark)
		return -1;
	for (int n = 0; n < w->g->node_count; n++) {
		const gr_node *node = &w->g->nodes[n];
		int scope = node->kind == GR_STATE ? -1 : w->g->clusters[node->cluster].scope;
		if (scope >= 0)
			(node->kind == GR_START ? w->start_mark : w->end_mark)[scope] = n;
	}
	return 0;
}

int graph_history_add(gr_graph *g, const asl_value *doc, char *err, size_t errlen)
{
	const asl_value *events = asl_is_array(doc) ? doc : asl_object_get(doc, "events", 6);
	if (!asl_is_array(events)) {
		snprintf(err, errlen, "no \"events\" array");
		return -1;
	}
	walk w = {.g = g,
		  .events = events,
		  .count = asl_array_len(events),
		  .err = err,
		  .errlen = errlen};
	int rc = -1, finished = 0;
	if (sort_events(&w) != 0)
		goto out;
	w.lane_of = calloc(w.count + 1, sizeof *w.lane_of);
	if (!w.lane_of || find_marks(&w) != 0 || new_lane(&w, -1, 0) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	size_t i = 0;
	while (i < w.count && step(&w, i, &finished) == 0)
		i++;
	if (i < w.count)
		goto out;
	if (!finished) /* still running: what is open runs */
		for (int l = 0; l < w.lane_count; l++) {
			lane *ln = &w.lanes[l];
			if (!ln->ended && ln->map >= 0)
				g->nodes[ln->map].iterations[GR_RUNNING]++;
			if (!ln->ended && ln->cur >= 0 && !ln->done)
				finish_visit(&w, ln,
					     ln->failing && !ln->open ? GR_FAILED : GR_RUNNING);
		}
	rc = 0;
out:
	free(w.order);
	free(w.lane_of);
	free(w.lanes);
	free(w.start_mark);
	free(w.end_mark);
	return rc;
}
