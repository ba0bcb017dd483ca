/* Parallel branches and Map iterations: each runs as a child execution (its own heaps and
 * variable scope, reading the parent's variables) on the thread pool. Each child's output is
 * copied into the parent's heap as the child finishes, under the group's lock, so memory stays
 * bounded by the iterations in flight plus the results. The first failure cancels the rest:
 * they stop at their next transition, in their waits and in their running commands.
 *
 * A blocking execution runs its children to their end in one go. Otherwise a child that must
 * wait is kept (group.waiting) and the state returns ASL_SUSPEND; each later call of the state
 * steps the children that can go on and starts more within MaxConcurrency, until all are done. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "group.h"
#include "map_run.h"
#include "number_parse.h"

/* A job runs a range of items: one item for Parallel branches and limited Maps, several for
 * unlimited Maps, so tiny iterations do not pay the pool's locking one by one. */
typedef struct job {
	group *g;
	size_t start, end; /* items to start; or the one waiting child `start` to step on */
} job;

int asl__group_cancelled(asl_exec *ex)
{
	for (; ex; ex = ex->parent)
		if (ex->group && atomic_load_explicit(&ex->group->cancel, memory_order_acquire))
			return 1;
	return 0;
}

int asl__cancelled(asl_exec *ex)
{
	const asl__limits *l = ex->limits; /* the host's hook is polled only when there is one */
	if (l && (l->should_stop || atomic_load_explicit(&l->stopped, memory_order_relaxed)) &&
	    asl__stop_requested(ex))
		return 1;
	return asl__group_cancelled(ex);
}

void asl__free_pool(asl_exec *ex)
{
	const asl_platform *pf = asl__platform(ex);
	if (ex->pool && !ex->parent && ex->pool != ex->opts.pool) /* not the host's shared pool */
		pf->pool_free(pf->user, ex->pool);
	ex->pool = NULL;
}

/* Zeroed memory from the execution's allocator, and its release (NULL is ignored). */
static void *zalloc(asl_exec *ex, size_t size)
{
	const asl_allocator *al = asl__allocator(ex);
	void *p = al->alloc(al->user, size);
	if (p)
		memset(p, 0, size);
	return p;
}

static void release(asl_exec *ex, void *p)
{
	const asl_allocator *al = asl__allocator(ex);
	if (p)
		al->release(al->user, p);
}

/* A copy of `s` (NULL: none) in `a`; NULL with *len 0 when there is none. */
static const char *copied(asl_arena *a, const char *s, size_t *len)
{
	asl_value *v = s ? asl_string(a, s, *len) : NULL;
	*len = v ? v->u.string.len : 0;
	return v ? v->u.string.ptr : NULL;
}

/* Sets up a child execution; with `reuse`, keeps the arenas (emptied) of its previous item. */
void asl__child_inherit(asl_exec *c, group *g)
{
	asl_exec *p = g->parent;
	c->machine = p->machine;
	c->input = p->input;
	c->start_ms = p->start_ms;
	c->blocking = p->blocking || g->blocking;
	c->skipped_ms = *p->clock;
	/* a blocking child sleeps on its own thread, counting its own skipped waiting; otherwise
	 * only the top level waits, and every child reads its clock */
	c->clock = c->blocking ? &c->skipped_ms : p->clock;
	c->deadline_ms = p->deadline_ms;
	c->name = p->name;
	c->execution_arn = p->execution_arn;
	c->machine_arn = p->machine_arn;
	c->mock_calls = p->mock_calls;
	c->pool = p->pool;
	c->group = g;
	c->parent = p;
	c->limits = p->limits;
}

static int child_init(asl_exec *c, group *g, size_t index, int reuse)
{
	asl_exec *p = g->parent;
	asl_arena perm = c->perm, h0 = c->heaps[0], h1 = c->heaps[1];
	memset(c, 0, sizeof *c);
	c->opts = p->opts;
	const asl_allocator *al = asl__allocator(p);
	if (reuse) {
		c->perm = perm, c->heaps[0] = h0, c->heaps[1] = h1;
		asl_arena_reset(&c->perm);
		asl_arena_reset(&c->heaps[0]);
		asl_arena_reset(&c->heaps[1]);
	} else {
		asl__arena_init(&c->perm, al, &c->opts);
		asl__arena_init(&c->heaps[0], al, &c->opts);
		asl__arena_init(&c->heaps[1], al, &c->opts);
	}
	c->compact_at = asl__compact_min(c);
	c->state = p->state;
	c->prev_event = g->started_event; /* a Parallel branch's first state points at it */
	if (g->distributed) { /* a child execution of the Map Run, with a history of its own */
		c->own_history = 1;
		c->opts.on_event = NULL;
	}
	asl__child_inherit(c, g);
	c->next = g->starts ? g->starts[index] : g->map->start;
	int nvars = p->machine->var_count;
	if (nvars) { /* outer variables are visible; this scope's own die with it */
		c->vars = asl_arena_alloc(&c->perm, (size_t)nvars * sizeof *c->vars);
		if (!c->vars)
			return -1;
		memcpy(c->vars, p->vars, (size_t)nvars * sizeof *c->vars);
	}
	if (p->machine->max_retriers) {
		c->attempts =
			asl_arena_alloc(&c->perm, (size_t)p->machine->max_retriers * sizeof(int));
		if (!c->attempts)
			return -1;
		/* set on entering a retryable state; zeroed so that a snapshot saves no garbage */
		memset(c->attempts, 0, (size_t)p->machine->max_retriers * sizeof(int));
	}
	return 0;
}

static void child_free(asl_exec *c)
{
	if (c->phase == ASL_PHASE_TASK) /* dropped while its task was pending */
		asl__unawait(c);
	asl__release_children(c);
	asl_arena_destroy(&c->heaps[0]);
	asl_arena_destroy(&c->heaps[1]);
	asl_arena_destroy(&c->perm);
}

/* Whether the failures so far stay within ToleratedFailureCount/Percentage (when given). */
static int tolerated(group *g)
{
	const asl_map_limits *l = g->limits;
	if (!l || (l->tolerated_count < 0 && l->tolerated_percentage < 0))
		return 0;
	if (l->tolerated_count >= 0 && (int64_t)g->failures > l->tolerated_count)
		return 0;
	if (l->tolerated_percentage >= 0 &&
	    (double)g->failures * 100.0 / (double)g->total > l->tolerated_percentage)
		return 0;
	return 1;
}

/* Under the lock: the history events of a child's end. */
static void child_ended(group *g, size_t index, asl_exec *c)
{
	if (g->distributed)
		return; /* in the iteration's own history */
	/* cancelled by a failure elsewhere (a sibling's, or one above this group) */
	int aborted = c->failed && (atomic_load(&g->cancel) || asl__group_cancelled(g->parent));
	if (aborted)
		asl__history_aborted(c);
	if (g->map) {
		const char *type = !c->failed ? "MapIterationSucceeded"
				   : aborted  ? "MapIterationAborted"
					      : "MapIterationFailed";
		g->last_end = c->opts.on_event
				      ? asl__history_iteration(c, type, g->index_offset + index,
							       c->prev_event)
				      : asl__next_child_event(c); /* only the id */
		g->cursor = c->prev_event;
	} else if (c->prev_event > g->last_inner) {
		g->last_inner = c->prev_event;
	}
	if (c->failed && !atomic_load(&g->cancel))
		g->fail_prev = c->prev_event;
}

/* The group's MapStateStarted or ParallelStateStarted. */
static void group_started(asl_exec *ex, group *g)
{
	g->started_event = asl__history_group_started(ex, g->map != NULL, g->total);
	g->cursor = g->last_end = g->last_inner = g->started_event;
}

/* After its children ended: MapStateSucceeded / ParallelStateSucceeded, whose previousEventId
 * the state's Exited shares (HISTORY.md); or, on failure, ...StateFailed is due unless the
 * state retries. */
static void group_ended(asl_exec *ex, const group *g)
{
	if (g->failed) {
		ex->prev_event = g->fail_prev;
		ex->group_failed = 1;
	} else if (!asl__cancelled(ex)) {
		ex->prev_event = g->map ? g->last_end : g->last_inner;
		asl__history_group_ended(ex,
					 g->map ? "MapStateSucceeded" : "ParallelStateSucceeded",
					 ex->prev_event);
	}
}

/* Under the lock: records a child's outcome. */
static void finish(group *g, size_t index, asl_exec *c)
{
	asl_exec *p = g->parent;
	asl_arena *ra = g->results_arena ? g->results_arena : asl_heap(p);
	child_ended(g, index, c);
	g->finished++;
	if (!c->failed) {
		g->results[index] = asl_copy(ra, c->data);
		return;
	}
	if (atomic_load(&g->cancel))
		return; /* stopped because another child failed */
	g->failures++;
	if (!c->timed_out && tolerated(g)) {
		asl_arena *a = ra;
		asl_value *eo = asl_object(a, 2);
		asl_object_append(a, eo, "Error", 5,
				  c->error ? asl_string(a, c->error, c->error_len) : asl_null());
		asl_object_append(a, eo, "Cause", 5,
				  c->cause ? asl_string(a, c->cause, c->cause_len) : asl_null());
		g->results[index] = eo;
		return;
	}
	g->failed = 1;
	g->timed_out = c->timed_out;
	int threshold = g->limits &&
			(g->limits->tolerated_count >= 0 || g->limits->tolerated_percentage >= 0);
	if (threshold && !c->timed_out) {
		g->error = "States.ExceedToleratedFailureThreshold";
		g->cause = "The specified tolerated failure threshold was exceeded";
		g->error_len = strlen(g->error);
		g->cause_len = strlen(g->cause);
	} else {
		g->error_len = c->error_len;
		g->cause_len = c->cause_len;
		g->error = copied(asl_heap(p), c->error, &g->error_len);
		g->cause = copied(asl_heap(p), c->cause, &g->cause_len);
		if ((c->error && !g->error) || (c->cause && !g->cause)) {
			g->error = ASL_OOM_ERROR;
			g->error_len = sizeof ASL_OOM_ERROR - 1;
			g->cause = ASL_OOM_CAUSE;
			g->cause_len = sizeof ASL_OOM_CAUSE - 1;
		}
	}
	atomic_store(&g->cancel, 1);
}

/* Under the lock: records the outcome of a child that finished. */
static void finished(group *g, size_t index, asl_exec *c)
{
	const asl_platform *pf = asl__platform(g->parent);
	pf->lock(pf->user, g->lock);
	finish(g, index, c);
	pf->unlock(pf->user, g->lock);
}

/* Points what a moved child holds back at it: its own children's parent. */
static void reparent(asl_exec *c)
{
	group *g = c->children;
	if (!g)
		return;
	g->parent = c;
	for (size_t i = 0; i < g->waiting_count; i++)
		g->waiting[g->waiting_list[i]]->parent = c;
}

/* Starts item `index` in `c` (*reuse: c holds arenas to reuse) and runs it until it ends or
 * must wait; a child that must wait moves out of `c` into g->waiting. */
static void start_item(group *g, size_t index, asl_exec *c, int *reuse)
{
	if (child_init(c, g, index, *reuse) < 0) {
		asl_fail_oom(c);
		c->next = ASL_FAILED;
	} else if (!g->starts) {
		asl_value *item = g->items->type == ASL_ARRAY
					  ? g->items->u.array.items[index]
					  : g->items->u.object.members[index].value;
		if (!g->distributed) {
			int64_t prev = 0; /* the link matters only to a listener */
			if (c->opts.on_event) {
				const asl_platform *pf = asl__platform(g->parent);
				pf->lock(pf->user, g->lock);
				prev = g->cursor;
				pf->unlock(pf->user, g->lock);
			}
			c->prev_event =
				c->opts.on_event
					? asl__history_iteration(c, "MapIterationStarted",
								 g->index_offset + index, prev)
					: asl__next_child_event(c); /* only the id */
		}
		c->data = item;
		if (g->map->selector) {
			c->map_item = item;
			c->map_index = (int64_t)(g->index_offset + index);
			if (g->items->type == ASL_OBJECT) {
				c->map_key = g->items->u.object.members[index].key;
				c->map_key_len = g->items->u.object.members[index].key_len;
			}
			c->data = g->map->selector(c, g->input);
			c->map_item = NULL;
		}
		if (!c->data) {
			if (!c->failed)
				asl_fail_oom(c);
			c->next = ASL_FAILED;
		}
	} else {
		c->data = g->input;
	}
	*reuse = 1;
	if (c->next < 0 || asl__step(c)) {
		finished(g, index, c);
		return;
	}
	asl_exec *w = g->waiting ? zalloc(g->parent, sizeof *w) : NULL;
	if (!w) { /* cannot keep it: it fails */
		asl__release_children(c);
		asl_fail_oom(c);
		finished(g, index, c);
		return;
	}
	*w = *c;
	reparent(w);
	const asl_platform *pf = asl__platform(g->parent);
	pf->lock(pf->user, g->lock);
	asl__group_keep(g, index, w);
	pf->unlock(pf->user, g->lock);
	*reuse = 0; /* its arenas went with it */
	memset(c, 0, sizeof *c);
}

void asl__group_keep(group *g, size_t index, asl_exec *c)
{
	g->waiting[index] = c;
	g->waiting_pos[index] = g->waiting_count;
	g->waiting_list[g->waiting_count++] = index;
}

/* Under the lock: item `index` no longer waits. */
static void unkeep(group *g, size_t index)
{
	size_t at = g->waiting_pos[index], last = g->waiting_list[--g->waiting_count];
	g->waiting_list[at] = last;
	g->waiting_pos[last] = at;
	g->waiting[index] = NULL;
}

/* Steps the waiting child of item `index` on; frees it once it ended. */
static void step_waiting(group *g, size_t index)
{
	asl_exec *w = g->waiting[index];
	if (!asl__step(w))
		return;
	const asl_platform *pf = asl__platform(g->parent);
	pf->lock(pf->user, g->lock);
	finish(g, index, w);
	unkeep(g, index);
	pf->unlock(pf->user, g->lock);
	child_free(w);
	release(g->parent, w);
}

static void run_job(void *arg)
{
	job *j = arg;
	group *g = j->g;
	if (g->waiting && g->waiting[j->start]) {
		step_waiting(g, j->start);
		return;
	}
	asl_exec c;
	memset(&c, 0, sizeof c);
	int reuse = 0;
	for (size_t i = j->start; i < j->end; i++) {
		if (asl__cancelled(g->parent) || atomic_load(&g->cancel))
			break;
		start_item(g, i, &c, &reuse);
	}
	if (reuse)
		child_free(&c);
}

static int ensure_pool(asl_exec *ex)
{
	const asl_platform *pf = asl__platform(ex);
	if (!ex->pool && ex->parent) /* a restored child (snapshot.c): the parent's has one */
		ex->pool = ex->parent->pool;
	if (!ex->pool && !(ex->pool = ex->opts.pool)) {
		int threads = ex->opts.threads > 0 ? ex->opts.threads : pf->cpu_count(pf->user);
		ex->pool = pf->pool_new(pf->user, threads);
		if (!ex->pool)
			return asl_fail_oom(ex), -1;
	}
	return 0;
}

/* Items per job for n new items: unlimited Maps take about eight jobs per thread, at most 64
 * items each, so tiny iterations do not pay the pool's locking one by one. */
static size_t grain_of(asl_exec *ex, const group *g, size_t n)
{
	if (g->starts || g->max_concurrency)
		return 1;
	const asl_platform *pf = asl__platform(ex);
	int threads = ex->opts.threads > 0 ? ex->opts.threads : pf->cpu_count(pf->user);
	size_t grain = n / ((size_t)threads * 8);
	return grain < 1 ? 1 : grain > 64 ? 64 : grain;
}

/* The group's outcome once its children ended: 0, or -1 with the error raised in `ex`. */
static int group_outcome(asl_exec *ex, group *g)
{
	if (g->failed && g->timed_out) {
		ex->timed_out = 1;
		asl_fail(ex, "States.Timeout", NULL);
	} else if (g->failed) {
		asl__fail_text(ex, g->error, g->error_len, g->cause, g->cause_len);
	} else if (asl__cancelled(ex)) {
		asl_fail(ex, "States.Runtime", "cancelled");
	} else {
		return 0;
	}
	return -1;
}

/* Starts items [first, first + n) of the group and, when `ready` is given, steps the waiting
 * children it lists (count of them), all on the pool. 0, or -1 out of memory. */
static int run_jobs(asl_exec *ex, group *g, size_t first, size_t n, const size_t *ready,
		    size_t ready_count)
{
	if (ensure_pool(ex) < 0)
		return -1;
	size_t grain = grain_of(ex, g, n);
	size_t njobs = (n + grain - 1) / grain + ready_count;
	job *jobs = zalloc(ex, (njobs ? njobs : 1) * sizeof *jobs);
	void **args = zalloc(ex, (njobs ? njobs : 1) * sizeof *args);
	int rc = -1;
	if (jobs && args) {
		size_t k = 0;
		for (size_t i = 0; i < ready_count; i++)
			jobs[k++] = (job){g, ready[i], ready[i] + 1};
		for (size_t i = first; i < first + n; i += grain)
			jobs[k++] = (job){g, i, i + grain < first + n ? i + grain : first + n};
		for (size_t i = 0; i < k; i++)
			args[i] = &jobs[i];
		const asl_platform *pf = asl__platform(ex);
		pf->pool_run(pf->user, ex->pool, run_job, args, k, g->max_concurrency);
		rc = 0;
	} else {
		asl_fail_oom(ex);
	}
	release(ex, args);
	release(ex, jobs);
	return rc;
}

/* The results in item order, as the state's result. */
static asl_value *group_output(asl_exec *ex, group *g)
{
	asl_arena *a = asl_heap(ex);
	asl_value *out = asl_array(a, g->total);
	for (size_t i = 0; out && i < g->total; i++)
		asl_array_push(a, out, g->results[i] ? g->results[i] : asl_null());
	if (!out || a->failed) {
		asl_fail_oom(ex);
		return NULL;
	}
	return out;
}

static void group_free(asl_exec *ex, group *g)
{
	const asl_platform *pf = asl__platform(ex);
	for (size_t i = 0; i < g->waiting_count; i++) {
		asl_exec *w = g->waiting[g->waiting_list[i]];
		child_free(w);
		release(ex, w);
	}
	release(ex, g->waiting);
	release(ex, g->waiting_list);
	release(ex, g->waiting_pos);
	release(ex, g->ready);
	release(ex, g->results);
	if (g->lock)
		pf->lock_free(pf->user, g->lock);
}

void asl__release_children(asl_exec *ex)
{
	if (!ex->children)
		return;
	group_free(ex, ex->children);
	release(ex, ex->children);
	ex->children = NULL;
}

/* A blocking parent: runs every child to its end. */
static asl_value *run_group_blocking(asl_exec *ex, group *g)
{
	g->parent = ex;
	const asl_platform *pf = asl__platform(ex);
	g->lock = pf->lock_new(pf->user);
	g->results = zalloc(ex, (g->total ? g->total : 1) * sizeof *g->results);
	asl_value *out = NULL;
	if (!g->lock || !g->results) {
		asl_fail_oom(ex);
	} else {
		group_started(ex, g);
		if (run_jobs(ex, g, 0, g->total, NULL, 0) == 0) {
			group_ended(ex, g);
			if (group_outcome(ex, g) == 0)
				out = group_output(ex, g);
		}
	}
	group_free(ex, g);
	return out;
}

static int pausing(const asl_exec *ex)
{
	return ex->limits && atomic_load(&ex->limits->pause);
}

/* The group stops starting items: one failed, or the execution is stopped or timed out. Its
 * waiting children are then stepped once more, to end as aborted. */
static int winding_down(const group *g)
{
	return g->failed || atomic_load(&g->cancel) || asl__cancelled(g->parent);
}

/* Items that may start now, within MaxConcurrency. */
static size_t room(const group *g)
{
	if (winding_down(g) || pausing(g->parent))
		return 0;
	size_t left = g->total - g->started, active = g->started - g->finished;
	if (g->max_concurrency && (size_t)g->max_concurrency < left + active)
		left = (size_t)g->max_concurrency > active ? (size_t)g->max_concurrency - active
							   : 0;
	return left;
}

int asl__group_ready(const group *g)
{
	if (!g || room(g))
		return 1;
	for (size_t i = 0; i < g->waiting_count; i++)
		if (asl__ready(g->waiting[g->waiting_list[i]]))
			return 1;
	return 0;
}

void asl__group_waiting(const group *g, int64_t *until_ms, size_t *tasks)
{
	for (size_t i = 0; g && i < g->waiting_count; i++)
		asl__waiting(g->waiting[g->waiting_list[i]], until_ms, tasks);
}

static int by_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* One round: steps the waiting children that can go on (in item order) and starts what
 * MaxConcurrency allows. The number of children it ran; -1 out of memory. */
static long run_round(asl_exec *ex, group *g)
{
	size_t fresh = room(g), k = 0;
	for (size_t i = 0; i < g->waiting_count; i++)
		if (asl__ready(g->waiting[g->waiting_list[i]]))
			g->ready[k++] = g->waiting_list[i];
	if (!fresh && !k)
		return 0;
	qsort(g->ready, k, sizeof *g->ready, by_index);
	size_t first = g->started;
	g->started += fresh;
	if (run_jobs(ex, g, first, fresh, g->ready, k) < 0)
		return -1;
	return (long)(fresh + k);
}

int asl__group_arrays(asl_exec *ex, group *g)
{
	const asl_platform *pf = asl__platform(ex);
	size_t n = g->total ? g->total : 1;
	g->lock = pf->lock_new(pf->user);
	g->results = zalloc(ex, n * sizeof *g->results);
	g->waiting = zalloc(ex, n * sizeof *g->waiting);
	g->waiting_list = zalloc(ex, n * sizeof *g->waiting_list);
	g->waiting_pos = zalloc(ex, n * sizeof *g->waiting_pos);
	g->ready = zalloc(ex, n * sizeof *g->ready);
	return g->lock && g->results && g->waiting && g->waiting_list && g->waiting_pos && g->ready
		       ? 0
		       : -1;
}

/* What the state gave on its first call (or its first after a restore), kept for the rest. */
static void take_over(group *g, const group *tmpl)
{
	g->input = tmpl->input;
	g->items = tmpl->items;
	g->starts = tmpl->starts;
	g->map = tmpl->map;
	g->limits = NULL;
	if (tmpl->limits) {
		g->limits_value = *tmpl->limits;
		g->limits = &g->limits_value;
	}
	g->restored = 0;
}

/* A parent that does not block: steps its children on until they all ended, or none can go on
 * now (then the state suspends; its next call goes on from here, asl_run_children). */
static asl_value *run_group_steps(asl_exec *ex, const group *tmpl)
{
	group *g = ex->children;
	if (ex->phase != ASL_PHASE_CHILDREN || !g) {
		g = zalloc(ex, sizeof *g);
		if (g) {
			*g = *tmpl;
			g->parent = ex;
		}
		if (!g || asl__group_arrays(ex, g) < 0) {
			if (g)
				group_free(ex, g);
			release(ex, g);
			asl_fail_oom(ex);
			return NULL;
		}
		take_over(g, tmpl);
		ex->children = g;
		group_started(ex, g);
	} else if (tmpl) { /* the first call after a restore */
		take_over(g, tmpl);
	}
	ex->phase = ASL_PHASE_NONE;
	long ran = 1;
	while (ran > 0 && g->finished < g->total && !(winding_down(g) && !g->waiting_count))
		ran = run_round(ex, g);
	if (ran >= 0 && g->finished < g->total && !(winding_down(g) && !g->waiting_count)) {
		ex->phase = ASL_PHASE_CHILDREN;
		return NULL;
	}
	asl_value *out = NULL;
	if (ran >= 0)
		group_ended(ex, g);
	if (ran >= 0 && group_outcome(ex, g) == 0)
		out = group_output(ex, g);
	asl__release_children(ex);
	return out;
}

int asl_children_waiting(const asl_exec *ex)
{
	return ex->phase == ASL_PHASE_CHILDREN && ex->children && !ex->children->restored;
}

asl_value *asl_run_children(asl_exec *ex)
{
	return run_group_steps(ex, NULL);
}

static asl_value *run_group(asl_exec *ex, group *g)
{
	/* a group that waits goes on in steps even when called to run to the end (asl_run_to_end
	 * after asl_advance): its children are kept */
	return ex->blocking && !ex->children ? run_group_blocking(ex, g) : run_group_steps(ex, g);
}

static int max_concurrency(const asl_map_limits *limits)
{
	return limits->max_concurrency > 0 && limits->max_concurrency < 1 << 30
		       ? (int)limits->max_concurrency
		       : 0;
}

map_run *asl__map_run_new(asl_exec *ex, const asl_map *map, asl_value *map_input,
			  const asl_map_limits *limits, asl_arena *results_arena)
{
	const asl_platform *pf = asl__platform(ex);
	group *g = zalloc(ex, sizeof *g);
	if (!g || !(g->lock = pf->lock_new(pf->user))) {
		release(ex, g);
		asl_fail_oom(ex);
		return NULL;
	}
	g->parent = ex;
	g->map = map;
	g->input = map_input;
	g->limits = limits;
	g->max_concurrency = max_concurrency(limits);
	g->blocking = 1; /* its batches are read as they go: no waiting child is kept */
	g->results_arena = results_arena;
	g->distributed = 1;
	return g;
}

asl_value **asl__map_run_chunk(map_run *g, asl_value *items)
{
	size_t n = items->u.array.len;
	release(g->parent, g->results);
	g->results = zalloc(g->parent, (n ? n : 1) * sizeof *g->results);
	if (!g->results) {
		asl_fail_oom(g->parent);
		return NULL;
	}
	g->items = items;
	g->total += n; /* tolerated percentages count every item so far */
	if (run_jobs(g->parent, g, 0, n, NULL, 0) < 0 || group_outcome(g->parent, g) < 0)
		return NULL;
	g->index_offset += n;
	return g->results;
}

void asl__map_run_free(map_run *g)
{
	if (!g)
		return;
	const asl_platform *pf = asl__platform(g->parent);
	release(g->parent, g->results);
	pf->lock_free(pf->user, g->lock);
	release(g->parent, g);
}

asl_value *asl_run_parallel(asl_exec *ex, const int *starts, int count, asl_value *input)
{
	group g;
	memset(&g, 0, sizeof g);
	g.starts = starts;
	g.input = input;
	g.total = (size_t)count;
	return run_group(ex, &g);
}

asl_value *asl_run_map(asl_exec *ex, const asl_map *map, asl_value *items, asl_value *map_input,
		       const asl_map_limits *limits)
{
	group g;
	memset(&g, 0, sizeof g);
	g.map = map;
	g.items = items;
	g.input = map_input;
	g.limits = limits;
	g.max_concurrency = max_concurrency(limits);
	g.total = items->type == ASL_ARRAY ? items->u.array.len : items->u.object.len;
	return run_group(ex, &g);
}

int asl_fail_items(asl_exec *ex, const asl_path *path, const asl_value *v)
{
	if (!v)
		return asl_fail_path(ex, path);
	return asl_fail_runtime(ex, "Map state input must be an array but was: %s",
				asl__json(ex, v));
}

/* A numeric string counts as its number, as AWS reads these fields. */
static int number_of(const asl_value *v, double *out)
{
	if (v && v->type == ASL_NUMBER) {
		*out = v->u.number;
		return 1;
	}
	if (v && v->type == ASL_STRING && v->u.string.len) {
		const char *end;
		*out = asl__strtod(v->u.string.ptr, &end); /* what strtod accepts, as before */
		return *end == '\0';
	}
	return 0;
}

static const char *quoted(asl_exec *ex, const asl_value *v)
{
	return v->type == ASL_STRING ? v->u.string.ptr : asl__json(ex, v);
}

/* A tolerated failure setting AWS rejects: after MapStateStarted{length}, as it records. */
static int reject_tolerated(asl_exec *ex, const asl_value *items)
{
	if (items)
		asl__history_group_started(
			ex, 1, items->type == ASL_ARRAY ? items->u.array.len : items->u.object.len);
	return -1;
}

static int setting(asl_exec *ex, int kind, const asl_path *path, const asl_value *v,
		   asl_map_limits *limits)
{
	const char *field = kind == 'c'   ? "MaxConcurrencyPath"
			    : kind == 'n' ? "ToleratedFailureCountPath"
					  : "ToleratedFailurePercentagePath";
	if (!v) {
		asl_fail_path(ex, path);
		return -1;
	}
	double d;
	int ok = number_of(v, &d);
	if (kind == 'p') {
		if (!ok) {
			asl_fail_runtime(ex,
					 "The %s field refers to value \"%s\" which is not a valid "
					 "float: %s",
					 field, quoted(ex, v), path->text);
			return -1;
		}
		if (!(d >= 0 && d <= 100)) { /* NaN too */
			asl_fail_runtime(ex,
					 "ToleratedFailurePercentage must be between 0 and 100.");
			return -1;
		}
		limits->tolerated_percentage = d;
		return 0;
	}
	/* Java ints, as AWS parses them: larger values are not valid integers either */
	if (!ok || floor(d) != d || !(fabs(d) <= ASL_INT32_MAX)) {
		asl_fail_runtime(ex,
				 "The %s field refers to value \"%s\" which is not a valid "
				 "integer: %s",
				 field, quoted(ex, v), path->text);
		return -1;
	}
	if (kind == 'n' && d < 0) {
		asl_fail_runtime(ex, "ToleratedFailureCount cannot be negative.");
		return -1;
	}
	if (kind == 'c' && d < 0) {
		asl_fail_runtime(ex, "MaxConcurrency cannot be negative.");
		return -1;
	}
	int64_t n = (int64_t)d; /* within a Java int, checked above */
	if (kind == 'c')
		limits->max_concurrency = n;
	else
		limits->tolerated_count = n;
	return 0;
}

int asl_map_setting(asl_exec *ex, int kind, const asl_path *path, const asl_value *v,
		    const asl_value *items, asl_map_limits *limits)
{
	if (setting(ex, kind, path, v, limits) == 0)
		return 0;
	return kind == 'c' ? -1 : reject_tolerated(ex, items);
}
