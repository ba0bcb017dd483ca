/* Snapshots: a suspended execution, its branches and iterations included, as bytes
 * (asl_snapshot), and an execution made again from them that goes on where it stood
 * (asl_restore), in this process or another built from the same definition. The format is
 * README.md's "Snapshots": a header (magic, version, the definition's hash), the execution's
 * fields as varints, byte strings and values in a binary form that keeps every value exactly
 * (number texts, NULs, any bytes), and a checksum over all of it. Only fields are saved, never
 * a C stack: a suspended state function is called again from its top when it goes on. */
#include <string.h>

#include "exec.h"
#include "format.h"
#include "group.h"

#define MAGIC "aslsnap" /* and its NUL: 8 bytes */
#define VERSION 1
#define MAX_NESTING ASL_PARSE_MAX_DEPTH /* values are never deeper, nor are branches */

enum { V_ABSENT, V_NULL, V_FALSE, V_TRUE, V_NUMBER, V_STRING, V_ARRAY, V_OBJECT };

/* ---- writing ---- */

typedef struct writer {
	asl_buffer buf;
	int failed;
} writer;

static void put_bytes(writer *w, const void *p, size_t n)
{
	if (!w->failed && asl_buffer_append(&w->buf, p, n) < 0)
		w->failed = 1;
}

static void put_u(writer *w, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;
	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put_bytes(w, b, n);
}

/* Zigzag, so that small negative numbers (ASL_END, -1 for "not yet") stay one byte. */
static void put_i(writer *w, int64_t v)
{
	uint64_t u = (uint64_t)v << 1;
	put_u(w, v < 0 ? ~u : u);
}

static void put_u64le(writer *w, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put_bytes(w, b, 8);
}

/* A byte string: its length + 1 and its bytes; 0 for none (NULL). */
static void put_text(writer *w, const char *s, size_t n)
{
	put_u(w, s ? (uint64_t)n + 1 : 0);
	if (s)
		put_bytes(w, s, n);
}

static void put_value(writer *w, const asl_value *v)
{
	if (!v) {
		put_u(w, V_ABSENT);
		return;
	}
	switch (v->type) {
	case ASL_NULL:
		put_u(w, V_NULL);
		break;
	case ASL_BOOL:
		put_u(w, v->boolean ? V_TRUE : V_FALSE);
		break;
	case ASL_NUMBER: {
		uint64_t bits;
		memcpy(&bits, &v->u.number, sizeof bits);
		put_u(w, V_NUMBER);
		put_u(w, v->flags & ASL_FLAG_INTEGER);
		put_u64le(w, bits);
		const char *t = v->u.number_text;
		put_text(w, t, t ? strlen(t) : 0);
		break;
	}
	case ASL_STRING:
		put_u(w, V_STRING);
		put_text(w, v->u.string.ptr, v->u.string.len);
		break;
	case ASL_ARRAY:
		put_u(w, V_ARRAY);
		put_u(w, v->u.array.len);
		for (size_t i = 0; i < v->u.array.len; i++)
			put_value(w, v->u.array.items[i]);
		break;
	default:
		put_u(w, V_OBJECT);
		put_u(w, v->u.object.len);
		for (size_t i = 0; i < v->u.object.len; i++) {
			const asl_member *m = &v->u.object.members[i];
			put_text(w, m->key, m->key_len);
			put_value(w, m->value);
		}
	}
}

static void put_exec(writer *w, const asl_exec *ex);

static void put_group(writer *w, const group *g)
{
	put_u(w, g->total);
	put_u(w, g->started);
	put_u(w, g->finished);
	put_u(w, g->failures);
	put_u(w, (uint64_t)atomic_load(&g->cancel));
	put_u(w, (uint64_t)g->failed);
	put_u(w, (uint64_t)g->timed_out);
	put_text(w, g->error, g->error_len);
	put_text(w, g->cause, g->cause_len);
	put_u(w, (uint64_t)g->max_concurrency);
	put_u(w, g->index_offset);
	put_i(w, g->started_event);
	put_i(w, g->cursor);
	put_i(w, g->last_end);
	put_i(w, g->last_inner);
	put_i(w, g->fail_prev);
	for (size_t i = 0; i < g->total; i++)
		put_value(w, g->results[i]);
	for (size_t i = 0; i < g->started; i++) {
		put_u(w, g->waiting[i] != NULL);
		if (g->waiting[i])
			put_exec(w, g->waiting[i]);
	}
}

static void put_exec(writer *w, const asl_exec *ex)
{
	const asl_machine *m = ex->machine;
	put_i(w, ex->next);
	put_i(w, ex->state);
	put_u(w, (uint64_t)ex->phase);
	put_value(w, ex->data);
	for (int i = 0; i < m->var_count; i++)
		put_value(w, ex->vars[i]);
	put_u(w, (uint64_t)ex->retryable);
	put_u(w, (uint64_t)ex->retry_count);
	for (int i = 0; i < m->max_retriers; i++)
		put_i(w, ex->attempts[i]);
	put_text(w, ex->token, strlen(ex->token));
	put_i(w, ex->wake_ms);
	put_i(w, ex->heartbeat_ms);
	put_i(w, ex->beat_ms);
	const asl__outcome *o = &ex->outcome;
	put_u(w, (uint64_t)o->ready);
	put_value(w, o->output);
	put_text(w, o->error, o->error_len);
	put_text(w, o->cause, o->cause_len);
	put_u(w, ex->entered_count);
	put_i(w, ex->prev_event); /* the history's ids and links (history.c) */
	put_i(w, ex->entered_event);
	put_value(w, ex->assigned);
	put_u(w, (uint64_t)ex->group_failed);
	put_u(w, (uint64_t)ex->open_state);
	put_u(w, (uint64_t)ex->own_history);
	put_i(w, (int64_t)atomic_load(&ex->event_ids));
	put_i(w, ex->entered_ms);
	put_u(w, (uint64_t)ex->failed);
	put_u(w, (uint64_t)ex->timed_out);
	put_text(w, ex->error, ex->error_len);
	put_text(w, ex->cause, ex->cause_len);
	put_i(w, ex->map_index);
	put_text(w, ex->map_key, ex->map_key_len);
	put_u(w, ex->children != NULL);
	if (ex->children)
		put_group(w, ex->children);
}

/* The inbox, oldest first (it is a stack): the tokens states wait on with what the host
 * delivered for them that no step took yet, and early outcomes for tokens nobody waits on. */
static void put_inbox(writer *w, asl_execution *e, asl_arena *a)
{
	asl__limits *l = &e->limits;
	const asl_platform *pf = asl__platform(&e->top);
	pf->lock(pf->user, l->lock);
	size_t n = 0;
	for (asl__message *m = l->inbox; m; m = m->next)
		n++;
	asl__message **all = n ? asl_arena_alloc(a, n * sizeof *all) : NULL;
	if (n && !all)
		w->failed = 1, n = 0;
	size_t k = n;
	for (asl__message *m = l->inbox; m && k; m = m->next)
		all[--k] = m;
	put_u(w, n);
	for (size_t i = 0; i < n; i++) {
		asl__message *m = all[i];
		put_text(w, m->token, strlen(m->token));
		put_u(w, (uint64_t)m->claimed);
		put_u(w, (uint64_t)m->delivered);
		put_u(w, (uint64_t)m->heartbeat);
		put_u(w, (uint64_t)m->failed);
		put_value(w, m->output);
		put_text(w, m->error, m->error_len);
		put_text(w, m->cause, m->cause_len);
	}
	pf->unlock(pf->user, l->lock);
}

/* FNV-1a, 64 bits: catches truncation and damage (not an attacker: a snapshot is trusted as
 * much as the machine's code). */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

int asl_snapshot(asl_execution *e, asl_arena *a, const char **bytes, size_t *len)
{
	asl_exec *ex = &e->top;
	*bytes = NULL;
	*len = 0;
	if (e->abi_mismatch || (ex->next < 0 && !ex->phase))
		return -1; /* finished: there is nothing to go on with */
	const asl_machine *m = ex->machine;
	asl__limits *l = &e->limits;
	writer w;
	memset(&w, 0, sizeof w);
	asl_buffer_init(&w.buf, a);
	put_bytes(&w, MAGIC, sizeof MAGIC);
	put_u(&w, VERSION);
	put_text(&w, m->definition_hash, strlen(m->definition_hash));
	put_text(&w, ex->name, strlen(ex->name));
	put_value(&w, ex->input);
	put_i(&w, ex->start_ms);
	put_i(&w, ex->deadline_ms);
	put_i(&w, ex->skipped_ms);
	put_i(&w, ex->event_ms);
	put_u(&w, (uint64_t)atomic_load(&l->transitions));
	int stopped = atomic_load(&l->stopped);
	put_u(&w, (uint64_t)stopped);
	put_text(&w, l->stop_error, l->stop_error ? strlen(l->stop_error) : 0);
	put_text(&w, l->stop_cause, l->stop_cause ? strlen(l->stop_cause) : 0);
	int calls = ex->mock_calls ? m->state_count : 0;
	put_u(&w, (uint64_t)calls);
	for (int i = 0; i < calls; i++)
		put_u(&w, (uint64_t)ex->mock_calls[i]);
	put_inbox(&w, e, a);
	put_exec(&w, ex);
	if (w.failed)
		return -1;
	put_u64le(&w, checksum((const unsigned char *)w.buf.data, w.buf.len));
	if (w.failed)
		return -1;
	*bytes = w.buf.data;
	*len = w.buf.len;
	return 0;
}

/* ---- reading ---- */

typedef struct reader {
	const unsigned char *p, *end;
	int bad; /* the bytes do not make a snapshot (or memory ran out: oom) */
	int oom;
} reader;

static uint64_t get_u(reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && r->p < r->end; shift += 7) {
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

static int64_t get_i(reader *r)
{
	uint64_t u = get_u(r);
	return u & 1 ? -(int64_t)(u >> 1) - 1 : (int64_t)(u >> 1);
}

/* A number in [lo, hi], else the snapshot is bad. */
static int64_t get_in(reader *r, int64_t lo, int64_t hi)
{
	int64_t v = get_i(r);
	if (v < lo || v > hi) {
		r->bad = 1;
		return lo;
	}
	return v;
}

static uint64_t get_u_upto(reader *r, uint64_t hi)
{
	uint64_t v = get_u(r);
	if (v > hi) {
		r->bad = 1;
		return 0;
	}
	return v;
}

static uint64_t get_u64le(reader *r)
{
	if (r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	return v;
}

static size_t left(const reader *r)
{
	return (size_t)(r->end - r->p);
}

/* A byte string as a string value in `a` (NUL-terminated); NULL for none (or when bad). */
static asl_value *get_string(reader *r, asl_arena *a)
{
	uint64_t n = get_u(r);
	if (r->bad || !n)
		return NULL;
	if (n - 1 > left(r)) {
		r->bad = 1;
		return NULL;
	}
	asl_value *s = asl_string(a, (const char *)r->p, (size_t)(n - 1));
	r->p += n - 1;
	if (!s)
		r->bad = r->oom = 1;
	return s;
}

static const char *get_text(reader *r, asl_arena *a, size_t *len)
{
	asl_value *s = get_string(r, a);
	*len = s ? s->u.string.len : 0;
	return s ? s->u.string.ptr : NULL;
}

static asl_value *get_value(reader *r, asl_arena *a, int depth)
{
	uint64_t tag = get_u(r);
	if (r->bad || depth > MAX_NESTING) {
		r->bad = 1;
		return NULL;
	}
	asl_value *v = NULL;
	size_t len;
	switch (tag) {
	case V_ABSENT:
		return NULL;
	case V_NULL:
		return asl_null();
	case V_FALSE:
		return asl_false();
	case V_TRUE:
		return asl_true();
	case V_NUMBER: {
		int integer = (int)get_u_upto(r, 1);
		uint64_t bits = get_u64le(r);
		double d;
		memcpy(&d, &bits, sizeof d);
		const char *text = get_text(r, a, &len);
		if (r->bad)
			return NULL;
		if ((v = asl_number(a, d))) {
			v->flags = (uint8_t)(integer ? ASL_FLAG_INTEGER : 0); /* just made: ours */
			v->u.number_text = text;
		}
		break;
	}
	case V_STRING:
		if (!(v = get_string(r, a)))
			r->bad = 1;
		break;
	case V_ARRAY:
	case V_OBJECT: {
		uint64_t n = get_u_upto(r, left(r)); /* each item takes a byte at least */
		if (r->bad)
			return NULL;
		v = tag == V_ARRAY ? asl_array(a, (size_t)n) : asl_object(a, (size_t)n);
		for (uint64_t i = 0; v && i < n && !r->bad; i++) {
			const char *key = tag == V_OBJECT ? get_text(r, a, &len) : NULL;
			if (tag == V_OBJECT && !key)
				r->bad = 1;
			asl_value *item = r->bad ? NULL : get_value(r, a, depth + 1);
			if (!item)
				r->bad = 1;
			else if (tag == V_ARRAY ? asl_array_push(a, v, item) < 0
						: asl_object_append(a, v, key, len, item) < 0)
				v = NULL;
		}
		break;
	}
	default:
		r->bad = 1;
		return NULL;
	}
	if (!v && !r->bad)
		r->bad = r->oom = 1;
	return r->bad ? NULL : v;
}

static int get_exec(reader *r, asl_exec *ex, int depth);

/* Zeroed memory from the execution's allocator. */
static void *zalloc(asl_exec *ex, size_t size)
{
	const asl_allocator *al = asl__allocator(ex);
	void *p = al->alloc(al->user, size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* A child of `g` as parallel.c's child_init makes one, before its own fields are read: what it
 * shares with its parent, and arenas of its own. */
static asl_exec *new_child(reader *r, group *g)
{
	asl_exec *p = g->parent;
	asl_exec *c = zalloc(p, sizeof *c);
	if (!c) {
		r->bad = r->oom = 1;
		return NULL;
	}
	const asl_machine *m = p->machine;
	c->opts = p->opts;
	const asl_allocator *al = asl__allocator(p);
	asl__arena_init(&c->perm, al, &c->opts);
	asl__arena_init(&c->heaps[0], al, &c->opts);
	asl__arena_init(&c->heaps[1], al, &c->opts);
	c->compact_at = asl__compact_min(c);
	asl__child_inherit(c, g); /* not blocking: it reads the top level's clock */
	if (m->var_count &&
	    !(c->vars = asl_arena_alloc(&c->perm, (size_t)m->var_count * sizeof *c->vars)))
		r->bad = r->oom = 1;
	if (m->max_retriers &&
	    !(c->attempts = asl_arena_alloc(&c->perm, (size_t)m->max_retriers * sizeof(int))))
		r->bad = r->oom = 1;
	return c;
}

/* The group of a parent suspended in ASL_PHASE_CHILDREN. Its input, items, limits and the
 * branch starts or Map come back when the parent's state function runs again: it re-supplies
 * them before any child steps (parallel.c, run_group_steps). */
static void get_group(reader *r, asl_exec *ex, int depth)
{
	group *g = zalloc(ex, sizeof *g);
	if (!g) {
		r->bad = r->oom = 1;
		return;
	}
	ex->children = g; /* from here on asl__release_children frees what was read */
	g->parent = ex;
	g->total = get_u_upto(r, left(r)); /* each item takes a byte at least */
	g->started = get_u_upto(r, g->total);
	g->finished = get_u_upto(r, g->started);
	g->failures = get_u_upto(r, g->finished);
	atomic_store(&g->cancel, (int)get_u_upto(r, 1));
	g->failed = (int)get_u_upto(r, 1);
	g->timed_out = (int)get_u_upto(r, 1);
	asl_arena *heap = asl_heap(ex);
	g->error = get_text(r, heap, &g->error_len);
	g->cause = get_text(r, heap, &g->cause_len);
	g->max_concurrency = (int)get_u_upto(r, (1u << 30) - 1);
	g->index_offset = get_u(r);
	g->started_event = get_in(r, 0, INT64_MAX);
	g->cursor = get_in(r, 0, INT64_MAX);
	g->last_end = get_in(r, 0, INT64_MAX);
	g->last_inner = get_in(r, 0, INT64_MAX);
	g->fail_prev = get_in(r, 0, INT64_MAX);
	if (r->bad)
		return;
	g->restored = 1; /* the state gives its input, items and map again on its next call */
	if (asl__group_arrays(ex, g) < 0) {
		r->bad = r->oom = 1;
		return;
	}
	for (size_t i = 0; i < g->total && !r->bad; i++)
		g->results[i] = get_value(r, heap, 0);
	for (size_t i = 0; i < g->started && !r->bad; i++) {
		if (!get_u_upto(r, 1))
			continue;
		asl_exec *c = new_child(r, g);
		if (!c)
			return;
		asl__group_keep(g, i, c); /* freed with the group from here on */
		if (!r->bad)
			get_exec(r, c, depth + 1);
	}
}

/* Whether a state of this type can wait in this phase: a snapshot that says otherwise would
 * call the state function in a phase it never set. */
static int phase_fits(const asl_machine *m, int state, int phase)
{
	int type = m->state_types[state];
	switch (phase) {
	case ASL_PHASE_WAIT:
		return type == ASL_STATE_WAIT;
	case ASL_PHASE_TASK:
		return type == ASL_STATE_TASK;
	case ASL_PHASE_RETRY:
		return type == ASL_STATE_TASK || type == ASL_STATE_PARALLEL ||
		       type == ASL_STATE_MAP;
	case ASL_PHASE_CHILDREN:
		return type == ASL_STATE_PARALLEL || type == ASL_STATE_MAP;
	default:
		return 1;
	}
}

static int get_exec(reader *r, asl_exec *ex, int depth)
{
	const asl_machine *m = ex->machine;
	if (depth > MAX_NESTING) {
		r->bad = 1;
		return -1;
	}
	asl_arena *heap = asl_heap(ex);
	size_t len;
	ex->next = (int)get_in(r, ASL_FAILED, m->state_count - 1);
	ex->state = (int)get_in(r, 0, m->state_count - 1);
	ex->phase = (int)get_u_upto(r, ASL_PHASE_CHILDREN);
	if (!r->bad && !phase_fits(m, ex->state, ex->phase))
		r->bad = 1;
	ex->data = get_value(r, heap, 0);
	if (!ex->data)
		r->bad = 1;
	for (int i = 0; i < m->var_count && !r->bad; i++)
		ex->vars[i] = get_value(r, heap, 0);
	ex->retryable = (int)get_u_upto(r, 1);
	ex->retry_count = (int)get_u_upto(r, 0x7fffffff);
	for (int i = 0; i < m->max_retriers && !r->bad; i++)
		ex->attempts[i] = (int)get_in(r, -0x7fffffff - 1, 0x7fffffff);
	const char *token = get_text(r, heap, &len);
	if (token && len < sizeof ex->token)
		memcpy(ex->token, token, len + 1);
	else
		r->bad = 1; /* always saved, "" when none was made */
	ex->wake_ms = get_i(r);
	ex->heartbeat_ms = get_i(r);
	ex->beat_ms = get_i(r);
	asl__outcome *o = &ex->outcome;
	o->ready = (int)get_u_upto(r, 1);
	o->output = r->bad ? NULL : get_value(r, heap, 0);
	o->error = get_text(r, heap, &o->error_len);
	o->cause = get_text(r, heap, &o->cause_len);
	ex->entered_count = get_u(r);
	ex->prev_event = get_in(r, 0, INT64_MAX);
	ex->entered_event = get_in(r, 0, INT64_MAX);
	ex->assigned = r->bad ? NULL : get_value(r, heap, 0);
	ex->group_failed = (int)get_u_upto(r, 1);
	ex->open_state = (int)get_u_upto(r, 1);
	ex->own_history = (int)get_u_upto(r, 1);
	atomic_store(&ex->event_ids, get_in(r, 0, INT64_MAX));
	ex->entered_ms = get_i(r);
	ex->failed = (int)get_u_upto(r, 1);
	ex->timed_out = (int)get_u_upto(r, 1);
	ex->error = get_text(r, heap, &ex->error_len);
	ex->cause = get_text(r, heap, &ex->cause_len);
	ex->map_index = get_i(r);
	ex->map_key = get_text(r, &ex->perm, &ex->map_key_len);
	int children = (int)get_u_upto(r, 1);
	if (r->bad)
		return -1;
	if (children != (ex->phase == ASL_PHASE_CHILDREN)) { /* they come and go together */
		r->bad = 1;
		return -1;
	}
	if (children)
		get_group(r, ex, depth);
	return r->bad ? -1 : 0;
}

/* The rest of the top level: the execution-wide fields, the host's undelivered messages and
 * the top-level execution. */
static void get_top(reader *r, asl_execution *e, asl_arena *tmp)
{
	asl_exec *ex = &e->top;
	asl__limits *l = &e->limits;
	size_t len;
	ex->start_ms = get_i(r);
	ex->deadline_ms = get_i(r);
	ex->skipped_ms = get_i(r);
	ex->event_ms = get_i(r);
	atomic_store(&l->transitions, get_u(r));
	int stopped = (int)get_u_upto(r, 1);
	const char *stop_error = get_text(r, tmp, &len);
	const char *stop_cause = get_text(r, tmp, &len);
	if (stopped && !r->bad)
		asl_stop(e, stop_error, stop_cause);
	uint64_t calls = get_u_upto(r, left(r));
	for (uint64_t i = 0; i < calls && !r->bad; i++) {
		uint64_t n = get_u_upto(r, 0x7fffffff);
		if (ex->mock_calls && i < (uint64_t)ex->machine->state_count)
			ex->mock_calls[i] = (int)n; /* none when this run mocks nothing */
	}
	uint64_t messages = get_u_upto(r, left(r));
	for (uint64_t i = 0; i < messages && !r->bad; i++) {
		const char *token = get_text(r, tmp, &len);
		int claimed = (int)get_u_upto(r, 1);
		int delivered = (int)get_u_upto(r, 1);
		int heartbeat = (int)get_u_upto(r, 1);
		int failed = (int)get_u_upto(r, 1);
		asl_value *output = r->bad ? NULL : get_value(r, tmp, 0);
		const char *error = get_text(r, tmp, &len);
		const char *cause = get_text(r, tmp, &len);
		if (!token || (delivered && !failed && !output) || (!claimed && !delivered))
			r->bad = 1;
		if (!r->bad && asl__inbox_restore(ex, token, claimed, delivered, heartbeat,
						  failed ? NULL : output, error, cause) < 0)
			r->bad = r->oom = 1;
	}
	if (!r->bad)
		get_exec(r, ex, 0);
}

/* An execution made by asl_start that never ran, dropped. */
static void discard(asl_execution *e)
{
	asl_exec *ex = &e->top;
	ex->next = ASL_FAILED;
	ex->phase = ASL_PHASE_NONE;
	ex->failed = 1;
	ex->error = ex->cause = NULL;
	ex->error_len = ex->cause_len = 0;
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
}

static asl_execution *refuse(char *err, size_t errlen, const char *why)
{
	if (errlen) {
		size_t n = strlen(why);
		n = n < errlen - 1 ? n : errlen - 1;
		memcpy(err, why, n);
		err[n] = '\0';
	}
	return NULL;
}

asl_execution *asl_restore(const asl_machine *m, const char *bytes, size_t len,
			   const asl_options *opts, char *err, size_t errlen)
{
	static const char corrupt[] = "the snapshot is truncated or corrupt";
	char msg[256];
	if (m->abi_version != ASL_ABI_VERSION)
		return refuse(err, errlen, "the machine was compiled for another runtime ABI");
	if (len < sizeof MAGIC || memcmp(bytes, MAGIC, sizeof MAGIC))
		return refuse(err, errlen, "not a snapshot of an aslc execution");
	reader r = {(const unsigned char *)bytes + sizeof MAGIC, (const unsigned char *)bytes + len,
		    0, 0};
	uint64_t version = get_u(&r);
	if (r.bad)
		return refuse(err, errlen, corrupt);
	if (version != VERSION) {
		asl__fmt(msg, sizeof msg,
			 "the snapshot has format version %llu; this runtime reads "
			 "version %d",
			 (unsigned long long)version, VERSION);
		return refuse(err, errlen, msg);
	}
	uint64_t hash_len = get_u(&r);
	if (r.bad || hash_len < 1 || hash_len - 1 > 128 || hash_len - 1 > left(&r))
		return refuse(err, errlen, corrupt);
	const char *hash = (const char *)r.p;
	size_t hl = (size_t)(hash_len - 1);
	r.p += hl;
	if (strlen(m->definition_hash) != hl || memcmp(hash, m->definition_hash, hl)) {
		asl__fmt(msg, sizeof msg,
			 "the snapshot is of the definition %.*s, but this machine's is %s",
			 (int)hl, hash, m->definition_hash);
		return refuse(err, errlen, msg);
	}
	if (left(&r) < 8)
		return refuse(err, errlen, corrupt);
	reader sum = {r.end - 8, r.end, 0, 0};
	r.end -= 8; /* the checksum follows the body */
	if (checksum((const unsigned char *)bytes, len - 8) != get_u64le(&sum))
		return refuse(err, errlen, corrupt);

	asl_options o;
	if (opts)
		o = *opts;
	else
		asl_options_init(&o);
	asl_arena tmp; /* the name, input, stop texts and messages, until asl_start copied them */
	asl__arena_init(&tmp, o.allocator, &o);
	size_t name_len;
	const char *name = get_text(&r, &tmp, &name_len);
	asl_value *input = r.bad ? NULL : get_value(&r, &tmp, 0);
	asl_execution *e = NULL;
	if (name && input) {
		o.execution_name = name; /* suspend_after counts from here on */
		e = asl__start(m, input, &o, 1); /* no ExecutionStarted: it started before */
		if (!e || e->top.failed) {
			r.oom = 1;
		} else {
			asl_exec *ex = &e->top;
			asl_value *own = asl_string(&ex->perm, name, name_len);
			ex->name = ex->opts.execution_name = own ? own->u.string.ptr : NULL;
			if (!ex->name)
				r.oom = r.bad = 1;
			else
				get_top(&r, e, &tmp);
			if (!r.bad && r.p != r.end)
				r.bad = 1; /* bytes left over */
		}
	} else {
		r.bad = 1;
	}
	asl_arena_destroy(&tmp);
	if (r.bad || r.oom) {
		if (e)
			discard(e);
		return refuse(err, errlen,
			      r.oom ? "out of memory restoring the snapshot" : corrupt);
	}
	return e;
}
