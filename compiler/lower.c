/* Lowering: the validated definition and the validator's tables become the IR (ir.h):
 * states, their slots and per-kind data, scopes and the edges (Choice rules: lower_choice.c).
 * Nothing is parsed here: each path and intrinsic call comes from the validator's parsed table,
 * where it was kept when it was checked. The definition is valid, so only running out of
 * memory can stop the lowering. */
#include <string.h>

#include "asl/abi.h"
#include "lower.h"

void *lower_alloc(lowerer *l, size_t n)
{
	void *p = asl_arena_alloc(l->arena, n ? n : 1);
	if (!p)
		l->failed = 1;
	else
		memset(p, 0, n ? n : 1);
	return p;
}

static int is_dynamic_key(const char *key, size_t len)
{
	return len >= 2 && !memcmp(key + len - 2, ".$", 2);
}

ir_expr *lower_new_expr(lowerer *l, ir_expr_kind kind, const asl_value *at, const char *slot)
{
	ir_expr *x = lower_alloc(l, sizeof *x);
	if (x) {
		x->kind = kind;
		x->at = at;
		x->slot = slot;
	}
	return x;
}

ir_expr *lower_const(lowerer *l, const asl_value *v, const char *slot)
{
	ir_expr *x = lower_new_expr(l, IR_CONST, v, slot);
	if (x)
		x->constant = v;
	return x;
}

/* A path the validator parsed from `v` (missing only if the arena failed while it was kept). */
ir_expr *lower_path(lowerer *l, const asl_value *v, const char *slot)
{
	ir_expr *x = lower_new_expr(l, IR_PATH, v, slot);
	if (x && !(x->path = parsed_path(&l->m->parsed, v)))
		l->failed = 1;
	return x;
}

/* A `.$` value, a Fail's ErrorPath or CausePath: a path, or else an intrinsic call. */
static ir_expr *lower_dynamic(lowerer *l, const asl_value *v, const char *slot)
{
	if (v->u.string.ptr[0] == '$')
		return lower_path(l, v, slot);
	ir_expr *x = lower_new_expr(l, IR_INTRINSIC, v, slot);
	if (x && !(x->call = parsed_call(&l->m->parsed, v)))
		l->failed = 1;
	return x;
}

static int has_dynamic(const asl_value *v)
{
	if (v->type == ASL_ARRAY) {
		for (size_t i = 0; i < v->u.array.len; i++)
			if (has_dynamic(v->u.array.items[i]))
				return 1;
	} else if (v->type == ASL_OBJECT) {
		for (size_t i = 0; i < v->u.object.len; i++) {
			const asl_member *mb = &v->u.object.members[i];
			if (is_dynamic_key(mb->key, mb->key_len) || has_dynamic(mb->value))
				return 1;
		}
	}
	return 0;
}

/* A payload template: constant parts stay whole, dynamic ones become object/array nodes. */
static ir_expr *lower_template(lowerer *l, const asl_value *v, const char *slot)
{
	if (!v)
		return NULL;
	if (!has_dynamic(v))
		return lower_const(l, v, slot);
	if (v->type == ASL_ARRAY) {
		ir_expr *x = lower_new_expr(l, IR_ARRAY, v, slot);
		if (!x || !(x->items = lower_alloc(l, v->u.array.len * sizeof *x->items)))
			return x;
		x->count = v->u.array.len;
		for (size_t i = 0; i < x->count; i++)
			x->items[i] = lower_template(l, v->u.array.items[i], slot);
		return x;
	}
	ir_expr *x = lower_new_expr(l, IR_OBJECT, v, slot);
	if (!x || !(x->fields = lower_alloc(l, v->u.object.len * sizeof *x->fields)))
		return x;
	x->count = v->u.object.len;
	for (size_t i = 0; i < x->count; i++) {
		const asl_member *mb = &v->u.object.members[i];
		ir_field *f = &x->fields[i];
		int dyn = is_dynamic_key(mb->key, mb->key_len);
		f->key = mb->key;
		f->key_len = mb->key_len;
		f->name_len = dyn ? mb->key_len - 2 : mb->key_len;
		f->value = dyn ? lower_dynamic(l, mb->value, slot)
			       : lower_template(l, mb->value, slot);
	}
	return x;
}

/* InputPath, OutputPath, ResultPath: NULL for "$" (or absent), a null constant for null. */
static ir_expr *lower_io_path(lowerer *l, const asl_value *v, const char *slot)
{
	if (!v || (v->type == ASL_STRING && v->u.string.len == 1 && v->u.string.ptr[0] == '$'))
		return NULL;
	return v->type == ASL_NULL ? lower_const(l, v, slot) : lower_path(l, v, slot);
}

ir_assign *lower_assign(lowerer *l, const asl_value *v, const char *slot)
{
	if (!v || v->type != ASL_OBJECT || v->u.object.len == 0)
		return NULL;
	ir_assign *a = lower_alloc(l, sizeof *a);
	if (!a || !(a->slots = lower_alloc(l, v->u.object.len * sizeof *a->slots)))
		return NULL;
	a->at = v;
	a->count = v->u.object.len;
	a->values = lower_template(l, v, slot);
	for (size_t i = 0; i < a->count; i++) {
		const asl_member *mb = &v->u.object.members[i];
		size_t n = is_dynamic_key(mb->key, mb->key_len) ? mb->key_len - 2 : mb->key_len;
		a->slots[i] = name_index_find(&l->m->var_names, mb->key, n);
	}
	return a;
}

/* A transition target of state `s` (validated: it exists in the state's scope). */
int lower_target(lowerer *l, int scope, const asl_value *name)
{
	if (!name || name->type != ASL_STRING)
		return IR_END;
	return state_index(l->m, scope, name->u.string.ptr, name->u.string.len);
}

/* ---- Retry and Catch ---- */

static ir_errors lower_errors(const asl_value *h)
{
	const asl_value *eq = field(h, "ErrorEquals");
	return (ir_errors){eq, (const asl_value *const *)eq->u.array.items, eq->u.array.len};
}

static double number_or(const asl_value *h, const char *name, double dflt)
{
	const asl_value *v = field(h, name);
	return v && v->type == ASL_NUMBER ? v->u.number : dflt;
}

static void lower_handlers(lowerer *l, ir_state *s, const asl_value *def)
{
	const asl_value *retry = field(def, "Retry"), *catch_ = field(def, "Catch");
	if (retry && retry->u.array.len &&
	    (s->retriers = lower_alloc(l, retry->u.array.len * sizeof *s->retriers))) {
		s->retrier_count = (int)retry->u.array.len;
		for (int i = 0; i < s->retrier_count; i++) {
			const asl_value *r = retry->u.array.items[i],
					*j = field(r, "JitterStrategy");
			s->retriers[i] = (ir_retrier){lower_errors(r),
						      number_or(r, "IntervalSeconds", 1),
						      number_or(r, "BackoffRate", 2),
						      number_or(r, "MaxDelaySeconds", 0),
						      number_or(r, "MaxAttempts", 3),
						      j && j->type == ASL_STRING &&
							      !strcmp(j->u.string.ptr, "FULL")};
		}
	}
	if (catch_ && catch_->u.array.len &&
	    (s->catchers = lower_alloc(l, catch_->u.array.len * sizeof *s->catchers))) {
		s->catcher_count = (int)catch_->u.array.len;
		for (int i = 0; i < s->catcher_count; i++) {
			const asl_value *c = catch_->u.array.items[i];
			s->catchers[i] = (ir_catcher){
				lower_errors(c),
				lower_io_path(l, field(c, "ResultPath"), "Catch.ResultPath"),
				lower_assign(l, field(c, "Assign"), "Catch.Assign"),
				lower_target(l, s->scope, field(c, "Next"))};
		}
	}
}

/* ---- per-kind data ---- */

/* A number given as `name` or read from `name`Path. */
static ir_setting lower_setting(lowerer *l, const asl_value *def, const char *name,
				const char *path_name)
{
	const asl_value *lit = field(def, name), *path = field(def, path_name);
	ir_setting st = {0, 0, NULL};
	if (lit) {
		st.given = 1;
		st.literal = lit->u.number;
	} else if (path) {
		st.given = 1;
		st.path = lower_path(l, path, path_name);
	}
	return st;
}

static void lower_task(lowerer *l, ir_state *s, const asl_value *def)
{
	ir_task *t = &s->u.task;
	const asl_value *r = field(def, "Resource");
	const char *suffix = ".waitForTaskToken";
	size_t n = strlen(suffix);
	t->resource = r;
	t->wait_for_token =
		r->u.string.len >= n && !strcmp(r->u.string.ptr + r->u.string.len - n, suffix);
	t->timeout = lower_setting(l, def, "TimeoutSeconds", "TimeoutSecondsPath");
	t->heartbeat = lower_setting(l, def, "HeartbeatSeconds", "HeartbeatSecondsPath");
	t->credentials = field(def, "Credentials");
}

static void lower_wait(lowerer *l, ir_state *s, const asl_value *def)
{
	ir_wait *w = &s->u.wait;
	const asl_value *v;
	if ((v = field(def, "Seconds"))) {
		w->kind = IR_WAIT_SECONDS;
		w->seconds = v->u.number;
	} else if ((v = field(def, "Timestamp"))) {
		w->kind = IR_WAIT_TIMESTAMP;
		w->timestamp = v;
	} else if ((v = field(def, "SecondsPath"))) {
		w->kind = IR_WAIT_SECONDS_PATH;
		w->path = lower_path(l, v, "SecondsPath");
	} else {
		w->kind = IR_WAIT_TIMESTAMP_PATH;
		w->path = lower_path(l, field(def, "TimestampPath"), "TimestampPath");
	}
}

/* Error or Cause: a literal, or ErrorPath/CausePath (a path or an intrinsic). */
static ir_expr *lower_fail_field(lowerer *l, const asl_value *def, const char *name,
				 const char *path_name)
{
	const asl_value *lit = field(def, name), *path = field(def, path_name);
	if (path)
		return lower_dynamic(l, path, path_name);
	return lit ? lower_const(l, lit, name) : NULL;
}

/* The default ItemsPath, "$": not written in the definition, so not parsed either. */
static const jpath WHOLE_INPUT = {"$", ROOT_INPUT, NULL, NULL, 0, 1};

static double limit_or_none(const asl_value *v)
{
	return v ? v->u.number : -1.0;
}

static void lower_distributed(lowerer *l, ir_map *mp, const asl_value *def)
{
	const asl_value *reader = field(def, "ItemReader"), *batcher = field(def, "ItemBatcher");
	const asl_value *writer = field(def, "ResultWriter");
	if (reader && (mp->reader = lower_alloc(l, sizeof *mp->reader))) {
		const asl_value *cfg = field(reader, "ReaderConfig");
		const asl_value *loc = field(cfg, "CSVHeaderLocation");
		const asl_value *delim = field(cfg, "CSVDelimiter");
		const char *d = delim ? delim->u.string.ptr : "COMMA";
		ir_reader *r = mp->reader;
		r->at = reader;
		r->input_type = field(cfg, "InputType");
		r->first_row = !loc || strcmp(loc->u.string.ptr, "GIVEN");
		r->headers = r->first_row ? NULL : field(cfg, "CSVHeaders");
		r->delimiter = !strcmp(d, "PIPE")        ? '|'
			       : !strcmp(d, "SEMICOLON") ? ';'
			       : !strcmp(d, "SPACE")     ? ' '
			       : !strcmp(d, "TAB")       ? '\t'
							 : ',';
		r->max_items = limit_or_none(field(cfg, "MaxItems"));
		r->parameters =
			lower_template(l, field(reader, "Parameters"), "ItemReader.Parameters");
	}
	if (batcher && (mp->batcher = lower_alloc(l, sizeof *mp->batcher))) {
		mp->batcher->at = batcher;
		mp->batcher->max_items = limit_or_none(field(batcher, "MaxItemsPerBatch"));
		mp->batcher->max_bytes = limit_or_none(field(batcher, "MaxInputBytesPerBatch"));
		mp->batcher->batch_input =
			lower_template(l, field(batcher, "BatchInput"), "ItemBatcher.BatchInput");
	}
	if (writer) {
		mp->has_writer = 1;
		mp->writer =
			lower_template(l, field(writer, "Parameters"), "ResultWriter.Parameters");
	}
}

static void lower_map(lowerer *l, ir_state *s, const asl_value *def)
{
	ir_map *mp = &s->u.map;
	const asl_value *proc = field(def, "ItemProcessor");
	if (!proc)
		proc = field(def, "Iterator");
	const asl_value *sel = field(def, "ItemSelector");
	mp->processor = -1; /* set by lower() from the scopes' owners */
	mp->selector = sel ? lower_template(l, sel, "ItemSelector")
			   : lower_template(l, field(def, "Parameters"), "Parameters");
	const asl_value *ip = field(def, "ItemsPath");
	if (ip)
		mp->items_path = lower_path(l, ip, "ItemsPath");
	else if ((mp->items_path = lower_new_expr(l, IR_PATH, def, "ItemsPath")))
		mp->items_path->path = &WHOLE_INPUT;
	mp->max_concurrency = lower_setting(l, def, "MaxConcurrency", "MaxConcurrencyPath");
	mp->tolerated_count =
		lower_setting(l, def, "ToleratedFailureCount", "ToleratedFailureCountPath");
	mp->tolerated_percentage = lower_setting(l, def, "ToleratedFailurePercentage",
						 "ToleratedFailurePercentagePath");
	const asl_value *mode = field(field(proc, "ProcessorConfig"), "Mode");
	mp->distributed = mode && !strcmp(mode->u.string.ptr, "DISTRIBUTED");
	if (mp->distributed)
		lower_distributed(l, mp, def);
}

static void lower_parallel(lowerer *l, ir_state *s, const asl_value *def)
{
	const asl_value *br = field(def, "Branches");
	ir_parallel *p = &s->u.parallel;
	if (!(p->branches = lower_alloc(l, br->u.array.len * sizeof *p->branches)))
		return;
	p->count = 0; /* lower() fills in the branches' scopes from their owners */
}

/* ---- the graph ---- */

static void add_edge(ir_state *s, ir_edge_kind kind, int to, int which)
{
	if (to >= 0)
		s->edges[s->edge_count++] = (ir_edge){kind, to, which};
}

static void build_edges(lowerer *l, ir_state *s)
{
	int n = 2 + s->choice_count + s->catcher_count;
	if (s->kind == IR_PARALLEL)
		n += s->u.parallel.count;
	if (!(s->edges = lower_alloc(l, (size_t)n * sizeof *s->edges)))
		return;
	if (s->kind == IR_PARALLEL)
		for (int i = 0; i < s->u.parallel.count; i++)
			add_edge(s, IR_EDGE_BRANCH, l->ir->scopes[s->u.parallel.branches[i]].start,
				 s->u.parallel.branches[i]);
	if (s->kind == IR_MAP)
		add_edge(s, IR_EDGE_BRANCH, l->ir->scopes[s->u.map.processor].start,
			 s->u.map.processor);
	add_edge(s, IR_EDGE_NEXT, s->next, 0);
	for (int i = 0; i < s->choice_count; i++)
		add_edge(s, IR_EDGE_CHOICE, s->choices[i].next, i);
	if (s->has_default)
		add_edge(s, IR_EDGE_DEFAULT, s->default_next, 0);
	for (int i = 0; i < s->catcher_count; i++)
		add_edge(s, IR_EDGE_CATCH, s->catchers[i].next, i);
}

static const char *const KIND_NAMES[] = {"Pass",    "Task", "Choice",   "Wait",
					 "Succeed", "Fail", "Parallel", "Map"};

int ir_variable(const ir_machine *ir, const char *name)
{
	return var_slot(ir->info, name);
}

const char *ir_kind_name(ir_kind k)
{
	return KIND_NAMES[k];
}

static ir_kind kind_of(const char *type)
{
	for (int k = 0; k < (int)(sizeof KIND_NAMES / sizeof KIND_NAMES[0]); k++)
		if (!strcmp(KIND_NAMES[k], type))
			return (ir_kind)k;
	return IR_PASS; /* validated: never reached */
}

static void lower_state(lowerer *l, ir_state *s, const state_info *si)
{
	const asl_value *def = si->def;
	s->kind = kind_of(si->type);
	s->name = si->name;
	s->name_len = si->name_len;
	s->at = def;
	s->scope = si->scope;
	s->next = IR_END;
	if (s->kind == IR_FAIL) {
		s->u.fail.error = lower_fail_field(l, def, "Error", "ErrorPath");
		s->u.fail.cause = lower_fail_field(l, def, "Cause", "CausePath");
		return;
	}
	s->input_path = lower_io_path(l, field(def, "InputPath"), "InputPath");
	s->output_path = lower_io_path(l, field(def, "OutputPath"), "OutputPath");
	s->assign = lower_assign(l, field(def, "Assign"), "Assign");
	if (s->kind != IR_SUCCEED && s->kind != IR_CHOICE)
		s->next = lower_target(l, s->scope, field(def, "Next"));
	if (s->kind == IR_PASS || s->kind == IR_TASK || s->kind == IR_PARALLEL || s->kind == IR_MAP)
		s->result_path = lower_io_path(l, field(def, "ResultPath"), "ResultPath");
	if (s->kind == IR_PASS || s->kind == IR_TASK || s->kind == IR_PARALLEL)
		s->parameters = lower_template(l, field(def, "Parameters"), "Parameters");
	if (s->kind == IR_TASK || s->kind == IR_PARALLEL || s->kind == IR_MAP) {
		s->result_selector =
			lower_template(l, field(def, "ResultSelector"), "ResultSelector");
		lower_handlers(l, s, def);
	}
	switch (s->kind) {
	case IR_PASS:
		if (field(def, "Result"))
			s->result = lower_const(l, field(def, "Result"), "Result");
		break;
	case IR_TASK:
		lower_task(l, s, def);
		break;
	case IR_CHOICE:
		lower_choices(l, s, def);
		break;
	case IR_WAIT:
		lower_wait(l, s, def);
		break;
	case IR_MAP:
		lower_map(l, s, def);
		break;
	case IR_PARALLEL:
		lower_parallel(l, s, def);
		break;
	default:
		break;
	}
}

ir_machine *lower(const machine_info *m, asl_arena *arena)
{
	lowerer l = {m, arena, NULL, 0};
	ir_machine *ir = l.ir = lower_alloc(&l, sizeof *ir);
	if (!ir)
		return NULL;
	ir->info = m;
	ir->start = m->start;
	ir->count = m->count;
	ir->scope_count = m->scope_count;
	ir->states = lower_alloc(&l, (size_t)m->count * sizeof *ir->states);
	ir->scopes = lower_alloc(&l, (size_t)m->scope_count * sizeof *ir->scopes);
	if (l.failed)
		return NULL;
	for (int i = 0; i < m->count; i++)
		lower_state(&l, &ir->states[i], &m->states[i]);
	if (l.failed)
		return NULL;
	for (int i = 0; i < m->scope_count; i++) { /* branches are made in order, as written */
		const scope_info *sc = &m->scopes[i];
		ir->scopes[i] = (ir_scope){sc->obj, sc->start, sc->parent, sc->owner};
		ir_state *owner = sc->owner >= 0 ? &ir->states[sc->owner] : NULL;
		if (owner && owner->kind == IR_PARALLEL)
			owner->u.parallel.branches[owner->u.parallel.count++] = i;
		else if (owner && owner->kind == IR_MAP)
			owner->u.map.processor = i;
	}
	for (int i = 0; i < m->count; i++)
		build_edges(&l, &ir->states[i]);
	return l.failed ? NULL : ir;
}
