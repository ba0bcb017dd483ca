/* graph_build: the drawable graph of a lowered machine. Each scope (the machine, a Parallel
 * branch, a Map processor) becomes a cluster with a start and an end mark; each state a node
 * whose id is its JSON Pointer and whose details are the few facts worth drawing; each IR edge
 * an edge, with the start, end and branch edges that the IR leaves implicit. */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

typedef struct builder {
	gr_graph *g;
	const ir_machine *ir;
	const source *src;
	asl_arena *a;
	const char **scope_ptr; /* JSON Pointer of each IR scope */
	size_t *scope_len; /* its length: a name, so a pointer, may hold a NUL */
	int *scope_cluster; /* cluster of each IR scope */
	int *container; /* container cluster of each Map/Parallel state, else -1 */
	int *start_mark, *end_mark; /* per scope */
	int *state_node; /* per state */
	int failed;
} builder;

static const char *printed(asl_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *printed(asl_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	const asl_value *copy = asl_string(a, text, (size_t)n);
	free(text);
	return copy ? copy->u.string.ptr : NULL;
}

/* `base` (base_len bytes, which may include NULs) + `tail`, copied into the arena, its length
 * in *len; NULL when out of memory. */
static const char *joined(asl_arena *a, const char *base, size_t base_len, const char *tail,
			  size_t *len)
{
	size_t t = strlen(tail);
	char *text = malloc(base_len + t + 1);
	if (!text)
		return NULL;
	memcpy(text, base, base_len);
	memcpy(text + base_len, tail, t + 1);
	const asl_value *copy = asl_string(a, text, base_len + t);
	free(text);
	*len = base_len + t;
	return copy ? copy->u.string.ptr : NULL;
}

/* Closes the memstream `f` that writes *text and *n, and returns a copy of its text in the
 * arena (NULL when writing or copying failed). */
static const char *stream_text(asl_arena *a, FILE *f, char **text, size_t *n)
{
	int failed = fclose(f) != 0;
	const asl_value *copy = failed ? NULL : asl_string(a, *text, *n);
	free(*text);
	return copy ? copy->u.string.ptr : NULL;
}

/* `base` + "/States/" + the name, escaped as RFC 6901 says (~ as ~0, / as ~1); other bytes,
 * a NUL too, are the name's own. Its length in *out_len. */
static const char *state_pointer(asl_arena *a, const char *base, size_t base_len, const char *name,
				 size_t len, size_t *out_len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f)
		return NULL;
	fwrite(base, 1, base_len, f);
	fputs("/States/", f);
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '~' || name[i] == '/')
			fputs(name[i] == '~' ? "~0" : "~1", f);
		else
			fputc(name[i], f);
	}
	const char *copy = stream_text(a, f, &text, &n);
	*out_len = n;
	return copy;
}

static const char *scope_pointer(builder *b, int scope);

static const char *owner_pointer(builder *b, int state, size_t *len)
{
	const ir_state *s = &b->ir->states[state];
	const char *base = scope_pointer(b, s->scope);
	return state_pointer(b->a, base, b->scope_len[s->scope], s->name, s->name_len, len);
}

/* "" for the machine; the owner's pointer + /Branches/I, /ItemProcessor or /Iterator. */
static const char *scope_pointer(builder *b, int scope)
{
	if (b->scope_ptr[scope])
		return b->scope_ptr[scope];
	const ir_scope *sc = &b->ir->scopes[scope];
	const char *p = "";
	size_t len = 0;
	if (sc->owner >= 0) {
		const ir_state *o = &b->ir->states[sc->owner];
		size_t base_len = 0;
		const char *base = owner_pointer(b, sc->owner, &base_len);
		char tail[40];
		if (o->kind == IR_PARALLEL) {
			int i = 0;
			while (i < o->u.parallel.count && o->u.parallel.branches[i] != scope)
				i++;
			snprintf(tail, sizeof tail, "/Branches/%d", i);
		} else {
			snprintf(tail, sizeof tail, "/%s",
				 field(o->at, "ItemProcessor") ? "ItemProcessor" : "Iterator");
		}
		p = base ? joined(b->a, base, base_len, tail, &len) : NULL;
	}
	if (!p)
		b->failed = 1, len = 0;
	b->scope_len[scope] = len;
	return b->scope_ptr[scope] = p ? p : "";
}

static int add_node(builder *b, gr_node_kind kind, int state, int cluster, const char *id,
		    size_t id_len, const char *name, size_t name_len)
{
	gr_graph *g = b->g;
	gr_node *n = &g->nodes[g->node_count];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->state = state;
	n->cluster = cluster;
	n->id = id;
	n->id_len = id_len;
	n->name = name;
	n->name_len = name_len;
	if (!id || !name)
		b->failed = 1;
	return g->node_count++;
}

static void add_edge(builder *b, gr_edge_kind kind, int from, int to, const char *label, int which)
{
	gr_graph *g = b->g;
	gr_edge *e = &g->edges[g->edge_count++];
	memset(e, 0, sizeof *e);
	*e = (gr_edge){.kind = kind, .from = from, .to = to, .label = label, .which = which};
}

static int add_cluster(builder *b, int owner, int parent, int scope, const char *id, size_t id_len,
		       const char *label)
{
	gr_graph *g = b->g;
	gr_cluster *c = &g->clusters[g->cluster_count];
	*c = (gr_cluster){.owner = owner,
			  .parent = parent,
			  .scope = scope,
			  .id = id,
			  .id_len = id_len,
			  .label = label};
	c->depth = parent < 0 ? 0 : g->clusters[parent].depth + 1;
	if (!id || !label)
		b->failed = 1;
	return g->cluster_count++;
}

/* ---- details: the few facts of a state that a drawing shows ---- */

#define MAX_DETAILS 16

typedef struct details {
	const char *lines[MAX_DETAILS];
	int count;
} details;

static void detail(builder *b, details *d, const char *line)
{
	if (!line)
		b->failed = 1;
	else if (d->count < MAX_DETAILS)
		d->lines[d->count++] = line;
}

/* "lambda:invoke" of arn:aws:states:::lambda:invoke, "lambda Foo" of a function's ARN,
 * "activity Name" of an activity's: the part that says what the Task does. */
static const char *short_resource(builder *b, const asl_value *resource)
{
	if (!resource || resource->type != ASL_STRING)
		return NULL;
	const char *r = resource->u.string.ptr;
	const char *kind;
	if (!strncmp(r, "arn:", 4) && (kind = strstr(r, ":states:::")))
		return kind + strlen(":states:::");
	if ((kind = strstr(r, ":function:")))
		return printed(b->a, "lambda %s", kind + strlen(":function:"));
	if ((kind = strstr(r, ":activity:")))
		return printed(b->a, "activity %s", kind + strlen(":activity:"));
	return r;
}

static const char *setting_text(builder *b, const char *what, const ir_setting *s, const char *unit)
{
	if (!s->given)
		return NULL;
	if (s->path)
		return printed(b->a, "%s %s", what, s->path->path->text);
	return printed(b->a, "%s %g%s", what, s->literal, unit);
}

static void task_details(builder *b, const ir_state *s, details *d)
{
	const char *r = short_resource(b, s->u.task.resource);
	if (r)
		detail(b, d, r);
	const ir_expr *p = s->parameters; /* lambda:invoke names its function here */
	const asl_value *fn = p && p->kind == IR_CONST && p->constant->type == ASL_OBJECT
				      ? asl_object_get(p->constant, "FunctionName", 12)
				      : NULL;
	if (fn && fn->type == ASL_STRING)
		detail(b, d, printed(b->a, "function %s", fn->u.string.ptr));
	if (s->u.task.timeout.given)
		detail(b, d, setting_text(b, "timeout", &s->u.task.timeout, " s"));
	if (s->u.task.heartbeat.given)
		detail(b, d, setting_text(b, "heartbeat", &s->u.task.heartbeat, " s"));
}

static void wait_details(builder *b, const ir_state *s, details *d)
{
	const ir_wait *w = &s->u.wait;
	switch (w->kind) {
	case IR_WAIT_SECONDS:
		detail(b, d, printed(b->a, "wait %g s", w->seconds));
		break;
	case IR_WAIT_TIMESTAMP:
		detail(b, d, printed(b->a, "until %s", w->timestamp->u.string.ptr));
		break;
	case IR_WAIT_SECONDS_PATH:
		detail(b, d, printed(b->a, "wait %s s", w->path->path->text));
		break;
	case IR_WAIT_TIMESTAMP_PATH:
		detail(b, d, printed(b->a, "until %s", w->path->path->text));
		break;
	}
}

/* "States.Timeout, Custom" of an ErrorEquals. */
static const char *error_list(builder *b, const ir_errors *e)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f)
		return NULL;
	for (size_t i = 0; i < e->count; i++)
		fprintf(f, "%s%s", i ? ", " : "", e->names[i]->u.string.ptr);
	return stream_text(b->a, f, &text, &n);
}

/* "retry States.ALL: 3x, 1 s x2" (attempts, first interval, backoff rate), with the
 * MaxDelaySeconds and jitter when given. */
static void retry_details(builder *b, const ir_state *s, details *d)
{
	for (int i = 0; i < s->retrier_count; i++) {
		const ir_retrier *r = &s->retriers[i];
		char extra[64] = "";
		if (r->max_delay > 0)
			snprintf(extra, sizeof extra, ", max %g s", r->max_delay);
		if (r->full_jitter)
			strncat(extra, ", jitter", sizeof extra - strlen(extra) - 1);
		detail(b, d,
		       printed(b->a, "retry %s: %gx, %g s x%g%s", error_list(b, &r->errors),
			       r->max_attempts, r->interval, r->backoff, extra));
	}
}

/* "assign a, b" (the variables' names). */
static const char *assign_text(builder *b, const ir_assign *as)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	if (!f)
		return NULL;
	fputs("assign ", f);
	const ir_expr *v = as->values;
	for (size_t i = 0; v && i < v->count; i++)
		fprintf(f, "%s%.*s", i ? ", " : "", (int)v->fields[i].name_len, v->fields[i].key);
	if (v && v->kind == IR_CONST && v->constant->type == ASL_OBJECT)
		for (size_t i = 0; i < v->constant->u.object.len; i++) {
			const asl_member *m = &v->constant->u.object.members[i];
			fprintf(f, "%s%.*s", i ? ", " : "", (int)m->key_len, m->key);
		}
	return stream_text(b->a, f, &text, &n);
}

static void map_details(builder *b, const ir_state *s, details *d)
{
	const ir_map *m = &s->u.map;
	if (m->distributed)
		detail(b, d, "distributed");
	if (m->reader) {
		const asl_value *res = field(m->reader->at, "Resource");
		const char *type =
			m->reader->input_type ? m->reader->input_type->u.string.ptr : NULL;
		detail(b, d,
		       printed(b->a, "items from %s%s%s%s",
			       short_resource(b, res) ? short_resource(b, res) : "a reader",
			       type ? " (" : "", type ? type : "", type ? ")" : ""));
	} else if (m->items_path && m->items_path->kind == IR_PATH) {
		detail(b, d, printed(b->a, "items %s", m->items_path->path->text));
	}
	if (m->max_concurrency.given)
		detail(b, d, setting_text(b, "max concurrency", &m->max_concurrency, ""));
	if (m->tolerated_count.given)
		detail(b, d, setting_text(b, "tolerated failures", &m->tolerated_count, ""));
	if (m->tolerated_percentage.given)
		detail(b, d, setting_text(b, "tolerated failures", &m->tolerated_percentage, "%"));
	if (m->batcher)
		detail(b, d, "items batched");
	if (m->has_writer)
		detail(b, d, "results written out");
}

static void fail_details(builder *b, const ir_state *s, details *d)
{
	const ir_expr *parts[2] = {s->u.fail.error, s->u.fail.cause};
	const char *names[2] = {"error", "cause"};
	for (int i = 0; i < 2; i++) {
		const ir_expr *e = parts[i];
		if (!e)
			continue;
		if (e->kind == IR_CONST && e->constant->type == ASL_STRING)
			detail(b, d, printed(b->a, "%s %s", names[i], e->constant->u.string.ptr));
		else if (e->kind == IR_PATH)
			detail(b, d, printed(b->a, "%s %s", names[i], e->path->text));
		else
			detail(b, d, printed(b->a, "%s from an intrinsic", names[i]));
	}
}

static void state_details(builder *b, const ir_state *s, gr_node *n)
{
	details d = {.count = 0};
	switch (s->kind) {
	case IR_TASK:
		task_details(b, s, &d);
		break;
	case IR_WAIT:
		wait_details(b, s, &d);
		break;
	case IR_MAP:
		map_details(b, s, &d);
		break;
	case IR_PARALLEL:
		detail(b, &d, printed(b->a, "%d branches", s->u.parallel.count));
		break;
	case IR_FAIL:
		fail_details(b, s, &d);
		break;
	default:
		break;
	}
	retry_details(b, s, &d);
	if (s->assign)
		detail(b, &d, assign_text(b, s->assign));
	if (!d.count)
		return;
	n->details = asl_arena_alloc(b->a, (size_t)d.count * sizeof *n->details);
	if (!n->details) {
		b->failed = 1;
		return;
	}
	memcpy(n->details, d.lines, (size_t)d.count * sizeof *n->details);
	n->detail_count = d.count;
}

/* ---- the graph ---- */

/* The cluster of a scope, made with its container (for a branch) and its marks. */
static int scope_cluster(builder *b, int scope);

static int container_cluster(builder *b, int state)
{
	if (b->container[state] >= 0)
		return b->container[state];
	const ir_state *s = &b->ir->states[state];
	int parent = scope_cluster(b, s->scope);
	size_t id_len = 0;
	const char *id = owner_pointer(b, state, &id_len);
	const char *label = printed(b->a, "%.*s", (int)s->name_len, s->name);
	return b->container[state] = add_cluster(b, state, parent, -1, id, id_len, label);
}

static int scope_cluster(builder *b, int scope)
{
	if (b->scope_cluster[scope] >= 0)
		return b->scope_cluster[scope];
	const ir_scope *sc = &b->ir->scopes[scope];
	int c;
	const char *ptr = scope_pointer(b, scope);
	size_t len = b->scope_len[scope], mark_len = 0;
	if (sc->owner < 0) {
		c = add_cluster(b, -1, -1, scope, ptr, len, b->g->name ? b->g->name : "");
	} else {
		int parent = container_cluster(b, sc->owner);
		const ir_state *o = &b->ir->states[sc->owner];
		const char *label = "ItemProcessor";
		if (o->kind == IR_PARALLEL) {
			int i = 0;
			while (i < o->u.parallel.count && o->u.parallel.branches[i] != scope)
				i++;
			label = printed(b->a, "Branch %d", i + 1);
		}
		c = add_cluster(b, -1, parent, scope, ptr, len, label);
	}
	b->scope_cluster[scope] = c;
	const char *start = joined(b->a, ptr, len, "#start", &mark_len);
	b->start_mark[scope] = add_node(b, GR_START, -1, c, start, mark_len, "Start", 5);
	const char *end = joined(b->a, ptr, len, "#end", &mark_len);
	b->end_mark[scope] = add_node(b, GR_END, -1, c, end, mark_len, "End", 3);
	return c;
}

static void *zalloc(builder *b, size_t count, size_t size)
{
	void *p = asl_arena_alloc(b->a, count * size + 1);
	if (!p)
		b->failed = 1;
	else
		memset(p, 0, count * size + 1);
	return p;
}

static int *minus_ones(builder *b, int count)
{
	int *p = zalloc(b, (size_t)count, sizeof *p);
	for (int i = 0; p && i < count; i++)
		p[i] = -1;
	return p;
}

static void add_state_edges(builder *b, int state)
{
	const ir_state *s = &b->ir->states[state];
	int from = b->state_node[state];
	for (int i = 0; i < s->edge_count; i++) {
		const ir_edge *e = &s->edges[i];
		switch (e->kind) {
		case IR_EDGE_NEXT:
			add_edge(b, GR_EDGE_NEXT, from, b->state_node[e->to], NULL, 0);
			break;
		case IR_EDGE_DEFAULT:
			add_edge(b, GR_EDGE_DEFAULT, from, b->state_node[e->to], "Default", 0);
			break;
		case IR_EDGE_CHOICE:
			add_edge(b, GR_EDGE_CHOICE, from, b->state_node[e->to],
				 graph_rule_text(b->a, &s->choices[e->which].rule), e->which);
			break;
		case IR_EDGE_CATCH:
			add_edge(b, GR_EDGE_CATCH, from, b->state_node[e->to],
				 error_list(b, &s->catchers[e->which].errors), e->which);
			break;
		case IR_EDGE_BRANCH:
			add_edge(b, GR_EDGE_BRANCH, from, b->start_mark[e->which], NULL, e->which);
			break;
		}
	}
	/* End: true, Succeed and Fail end their scope */
	if (s->next == IR_END && s->kind != IR_CHOICE)
		add_edge(b, GR_EDGE_END, from, b->end_mark[s->scope], NULL, 0);
}

gr_graph *graph_build(const ir_machine *ir, const source *src, asl_arena *arena)
{
	builder b = {.ir = ir, .src = src, .a = arena};
	gr_graph *g = b.g = zalloc(&b, 1, sizeof *g);
	if (!g)
		return NULL;
	g->arena = arena;
	g->ir = ir;
	g->name = ir->info ? ir->info->name : NULL;
	const asl_value *comment = src && src->root ? field(src->root, "Comment") : NULL;
	g->comment = comment && comment->type == ASL_STRING ? comment->u.string.ptr : NULL;
	int edges = 2 * ir->scope_count;
	for (int i = 0; i < ir->count; i++)
		edges += ir->states[i].edge_count + 1;
	g->nodes = zalloc(&b, (size_t)(ir->count + 2 * ir->scope_count), sizeof *g->nodes);
	g->edges = zalloc(&b, (size_t)edges, sizeof *g->edges);
	g->clusters = zalloc(&b, (size_t)(1 + ir->scope_count + ir->count), sizeof *g->clusters);
	b.scope_ptr = zalloc(&b, (size_t)ir->scope_count, sizeof *b.scope_ptr);
	b.scope_len = zalloc(&b, (size_t)ir->scope_count, sizeof *b.scope_len);
	b.scope_cluster = minus_ones(&b, ir->scope_count);
	b.start_mark = minus_ones(&b, ir->scope_count);
	b.end_mark = minus_ones(&b, ir->scope_count);
	b.container = minus_ones(&b, ir->count);
	b.state_node = g->state_node = minus_ones(&b, ir->count);
	if (b.failed)
		return NULL;
	for (int sc = 0; sc < ir->scope_count; sc++)
		scope_cluster(&b, sc);
	for (int i = 0; i < ir->count; i++) {
		const ir_state *s = &ir->states[i];
		int cluster = s->kind == IR_MAP || s->kind == IR_PARALLEL
				      ? container_cluster(&b, i)
				      : b.scope_cluster[s->scope];
		size_t id_len = 0;
		const char *id = owner_pointer(&b, i, &id_len);
		const asl_value *name = asl_string(arena, s->name, s->name_len);
		int n = add_node(&b, GR_STATE, i, cluster, id, id_len,
				 name ? name->u.string.ptr : NULL, s->name_len);
		b.state_node[i] = n;
		gr_node *node = &g->nodes[n];
		node->type = ir_kind_name(s->kind);
		if (src && src->text)
			source_position(src, s->at->pos, &node->line, &node->col);
		state_details(&b, s, node);
	}
	for (int sc = 0; sc < ir->scope_count; sc++)
		add_edge(&b, GR_EDGE_START, b.start_mark[sc], b.state_node[ir->scopes[sc].start],
			 NULL, 0);
	for (int i = 0; i < ir->count; i++)
		add_state_edges(&b, i);
	for (int c = 0; c < g->cluster_count; c++) /* containers were made before their nodes */
		if (g->clusters[c].owner >= 0)
			g->clusters[c].owner = b.state_node[g->clusters[c].owner];
	return b.failed || arena->failed ? NULL : g;
}

int graph_find_state(const gr_graph *g, const char *name, size_t len)
{
	int state = name_index_find(&g->ir->info->state_names, name, len);
	return state < 0 ? -1 : g->state_node[state];
}

void graph_note(gr_graph *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	const asl_value *copy = asl_string(g->arena, text, (size_t)n);
	free(text);
	const char **notes = asl_arena_alloc(g->arena, (size_t)(g->note_count + 1) * sizeof *notes);
	if (!copy || !notes)
		return;
	if (g->note_count)
		memcpy(notes, g->notes, (size_t)g->note_count * sizeof *notes);
	notes[g->note_count++] = copy->u.string.ptr;
	g->notes = notes;
}
