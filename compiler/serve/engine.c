/* The engine: running executions stepped with the step API on a few threads. A Standard
 * execution is paused after every state (asl_pause_after) and its new events, its snapshot and
 * the task tokens it handed out are committed in one transaction before anything of it is
 * published; an execution that waits holds no thread: it sits in the timer heap (a Wait, a
 * backoff, a task's timeout) or nowhere (a task's outcome wakes it). Express executions are
 * not checkpointed (AWS: at-least-once, restarted from the beginning). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asl/platform_core.h"
#include "commit.h"
#include "engine.h"

#define BUCKETS 16384u

/* A timer names its execution by id and generation, never by pointer: the execution may
 * have ended (and been freed) or waited for something else since. */
typedef struct sv_timer {
	int64_t fire_ms; /* real time */
	int64_t until_ms; /* the execution's clock: what it waits for (0: nothing to skip) */
	uint64_t gen;
	int64_t id;
} sv_timer;

/* ---- the table of running executions, the ready queue and the timers (all under lock) ---- */

static sv_live *find(sv_server *srv, int64_t id)
{
	if (!srv->live)
		return NULL;
	for (sv_live *l = srv->live[(uint64_t)id % BUCKETS]; l; l = l->hash_next)
		if (l->id == id)
			return l;
	return NULL;
}

static void table_add(sv_server *srv, sv_live *l)
{
	sv_live **b = &srv->live[(uint64_t)l->id % BUCKETS];
	l->hash_next = *b;
	*b = l;
	srv->live_count++;
}

static void table_remove(sv_server *srv, sv_live *l)
{
	for (sv_live **p = &srv->live[(uint64_t)l->id % BUCKETS]; *p; p = &(*p)->hash_next)
		if (*p == l) {
			*p = l->hash_next;
			srv->live_count--;
			return;
		}
}

static void make_ready(sv_server *srv, sv_live *l)
{
	if (l->state == SV_RUNNING) {
		l->poked = 1;
		return;
	}
	if (l->state == SV_READY)
		return;
	l->state = SV_READY;
	l->timer_gen++; /* a pending timer is moot */
	l->ready_next = NULL;
	if (srv->ready_tail)
		srv->ready_tail->ready_next = l;
	else
		srv->ready_head = l;
	srv->ready_tail = l;
	pthread_cond_signal(&srv->work);
}

static void heap_swap(sv_timer *h, size_t a, size_t b)
{
	sv_timer t = h[a];
	h[a] = h[b];
	h[b] = t;
}

static void timer_push(sv_server *srv, sv_timer t);

/* Drops the timers that no longer count (their execution ended or waits for something else),
 * so heartbeats and early deliveries do not make the heap grow without bound. */
static void timers_compact(sv_server *srv)
{
	sv_timer *old = srv->timers;
	size_t n = srv->timer_count;
	srv->timers = NULL;
	srv->timer_count = srv->timer_cap = 0;
	for (size_t i = 0; i < n; i++) {
		sv_live *l = find(srv, old[i].id);
		if (l && l->timer_gen == old[i].gen)
			timer_push(srv, old[i]);
	}
	free(old);
}

static int timer_add(sv_server *srv, sv_live *l, int64_t fire_ms, int64_t until_ms)
{
	if (srv->timer_count > 2 * srv->live_count + 1024)
		timers_compact(srv);
	timer_push(srv, (sv_timer){fire_ms, until_ms, ++l->timer_gen, l->id});
	return 0;
}

static void timer_push(sv_server *srv, sv_timer t)
{
	if (srv->timer_count == srv->timer_cap) {
		size_t cap = srv->timer_cap ? srv->timer_cap * 2 : 1024;
		sv_timer *grown = realloc(srv->timers, cap * sizeof *grown);
		if (!grown) { /* the execution is stepped again at once rather than lost */
			sv_live *l = find(srv, t.id);
			if (l)
				make_ready(srv, l);
			return;
		}
		srv->timers = grown;
		srv->timer_cap = cap;
	}
	size_t i = srv->timer_count++;
	srv->timers[i] = t;
	while (i && srv->timers[(i - 1) / 2].fire_ms > srv->timers[i].fire_ms) {
		heap_swap(srv->timers, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	pthread_cond_signal(&srv->work);
}

static void timer_pop(sv_server *srv)
{
	sv_timer *h = srv->timers;
	h[0] = h[--srv->timer_count];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < srv->timer_count && h[l].fire_ms < h[m].fire_ms)
			m = l;
		if (r < srv->timer_count && h[r].fire_ms < h[m].fire_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
}

/* Under lock: moves due timers' executions to the ready queue; the next fire time, or 0. */
static int64_t fire_timers(sv_server *srv, int64_t now)
{
	while (srv->timer_count) {
		sv_timer t = srv->timers[0];
		sv_live *l = find(srv, t.id);
		if (!l || l->timer_gen != t.gen || l->state != SV_IDLE) {
			timer_pop(srv); /* stale */
			continue;
		}
		if (t.fire_ms > now)
			return t.fire_ms;
		timer_pop(srv);
		if (t.until_ms)
			asl_skip_to(l->ex, t.until_ms); /* the scaled-away part of the wait */
		make_ready(srv, l);
	}
	return 0;
}

/* ---- the history: events as they come, kept until the checkpoint ---- */

static void on_event(void *user, const asl_event *ev)
{
	sv_live *l = user;
	if (l->event_count == l->event_cap) {
		size_t cap = l->event_cap ? l->event_cap * 2 : 16;
		st_event *grown = realloc(l->events, cap * sizeof *grown);
		if (!grown)
			return; /* the checkpoint notices the gap: see checkpoint() */
		l->events = grown;
		l->event_cap = cap;
	}
	st_event *e = &l->events[l->event_count++];
	asl_arena *a = &l->events_arena;
	e->id = ev->id;
	e->previous_id = ev->previous_id;
	e->timestamp_ms = ev->timestamp_ms;
	e->type = st_cstr(sv_printf(a, "%s", ev->type));
	e->details_key = st_cstr(ev->details_key ? sv_printf(a, "%s", ev->details_key) : NULL);
	size_t len = 0;
	const char *json = ev->details ? asl_to_json(a, ev->details, &len) : NULL;
	e->details = (st_text){json, len};
}

static void drop_events(sv_live *l)
{
	l->event_count = 0;
	asl_arena_reset(&l->events_arena);
}

/* ---- one execution's life ---- */

void sv_engine_options(sv_server *srv, asl_options *o, const char *exec_arn,
		       const char *machine_arn, const char *name)
{
	asl_options_init(o);
	o->execution_name = name;
	o->execution_arn = exec_arn;
	o->machine_arn = machine_arn;
	o->region = srv->cfg.region;
	o->wait_scale = srv->cfg.wait_scale;
	o->pool = srv->pool;
	o->activities_started_by_host = 1; /* ActivityStarted when a worker takes the task */
	o->bindings = srv->bindings;
	o->binding_count = srv->binding_count;
}

static void live_free(sv_live *l)
{
	while (l->open) {
		sv_open_task *o = l->open;
		l->open = o->next;
		free(o->activity_arn);
		free(o);
	}
	free(l->events);
	asl_arena_destroy(&l->events_arena);
	asl_arena_destroy(&l->fresh_arena);
	asl_arena_destroy(&l->arena);
	free(l);
}

/* A live for a stored execution; its machine compiled (or taken from the cache). */
static sv_live *live_new(sv_server *srv, const st_execution *e, char **err, asl_arena *tmp)
{
	/* compiled already (the usual case): no store read on the way to the first state */
	const char *role = NULL;
	const asl_machine *machine = sv_machine_cached(srv, e->definition_id, &role);
	if (!machine) {
		st_machine m;
		st_definition d;
		if (srv->store->ops->machine_get_id(srv->store, e->machine_id, tmp, &m) ||
		    srv->store->ops->definition_get(srv->store, e->definition_id, tmp, &d)) {
			*err = "its state machine or definition is missing from the store";
			return NULL;
		}
		role = d.role_arn.ptr;
		if (!(machine = sv_machine_get(srv, d.id, m.name.ptr, role, d.text.ptr, d.text.len,
					       err, tmp)))
			return NULL;
	}
	sv_live *l = calloc(1, sizeof *l);
	if (!l) {
		*err = "out of memory";
		return NULL;
	}
	l->srv = srv;
	l->id = e->id;
	l->express = e->express;
	l->machine = machine;
	asl_arena_init(&l->arena, NULL);
	asl_arena_init(&l->events_arena, NULL);
	asl_arena_init(&l->fresh_arena, NULL);
	l->arn = sv_printf(&l->arena, "%.*s", (int)e->arn.len, e->arn.ptr);
	l->machine_arn = sv_printf(&l->arena, "%.*s", (int)e->machine_arn.len, e->machine_arn.ptr);
	l->name = sv_printf(&l->arena, "%.*s", (int)e->name.len, e->name.ptr);
	sv_engine_options(srv, &l->opts, l->arn, l->machine_arn, l->name);
	if (role)
		l->opts.role_arn = sv_printf(&l->arena, "%s", role);
	/* the service's own tasks first: they win over --tasks bindings of the same resource */
	const asl_binding *own = NULL;
	size_t n_own = sv_machine_own_tasks(srv, e->definition_id, &own);
	asl_binding *all =
		asl_arena_alloc(&l->arena, (n_own + srv->binding_count + 1) * sizeof *all);
	if (!all) {
		live_free(l);
		*err = "out of memory";
		return NULL;
	}
	if (n_own)
		memcpy(all, own, n_own * sizeof *all);
	if (srv->binding_count)
		memcpy(all + n_own, srv->bindings, srv->binding_count * sizeof *all);
	l->opts.bindings = all;
	l->opts.binding_count = n_own + srv->binding_count;
	l->handler = (asl_handler){"aslc_serve_task", sv_service_task, l};
	l->opts.handlers = &l->handler;
	l->opts.handler_count = 1;
	l->opts.on_event = l->express ? NULL : on_event;
	l->opts.event_user = l;
	return l;
}

/* The tokens of `open` closed in the store (inside the caller's transaction; repeatable). */
static int close_tokens(sv_server *srv, const sv_open_task *open)
{
	st_store *s = srv->store;
	for (const sv_open_task *o = open; o; o = o->next) {
		asl_arena a;
		asl_arena_init(&a, NULL);
		st_task t;
		int rc = 0;
		if (!s->ops->task_get(s, o->token, &a, &t) && t.status != ST_TASK_CLOSED) {
			t.status = ST_TASK_CLOSED;
			rc = s->ops->task_update(s, &t) < 0 ? -1 : 0;
		}
		asl_arena_destroy(&a);
		if (rc)
			return -1;
	}
	return 0;
}

/* After their closing committed: withdrawn from their queues, and freed. */
static void release_tokens(sv_server *srv, sv_open_task *open)
{
	while (open) {
		sv_open_task *o = open;
		open = o->next;
		if (o->kind == 'a')
			sv_activity_withdraw(srv, o->activity_arn, o->token);
		free(o->activity_arn);
		free(o);
	}
}

static sv_fresh_task *take_fresh(sv_server *srv, sv_live *l)
{
	pthread_mutex_lock(&srv->lock);
	sv_fresh_task *f = l->fresh;
	l->fresh = NULL;
	pthread_mutex_unlock(&srv->lock);
	return f;
}

static void remember_open(sv_live *l, const sv_fresh_task *f)
{
	sv_open_task *o = calloc(1, sizeof *o);
	if (!o)
		return;
	snprintf(o->token, sizeof o->token, "%s", f->task.token.ptr);
	o->kind = f->task.kind.ptr[0];
	o->activity_arn = f->task.activity_arn.ptr ? strdup(f->task.activity_arn.ptr) : NULL;
	o->next = l->open;
	l->open = o;
}

void sv_engine_hold(sv_server *srv, int64_t id, int held)
{
	pthread_mutex_lock(&srv->lock);
	if (held && srv->finishing_count < SV_MAX_FINISHING)
		srv->finishing[srv->finishing_count++] = id;
	for (int i = 0; !held && i < srv->finishing_count; i++)
		if (srv->finishing[i] == id) {
			srv->finishing[i] = srv->finishing[--srv->finishing_count];
			break;
		}
	if (!held)
		pthread_cond_broadcast(&srv->ended);
	pthread_mutex_unlock(&srv->lock);
}

static int finishing(sv_server *srv, int64_t id)
{
	for (int i = 0; i < srv->finishing_count; i++)
		if (srv->finishing[i] == id)
			return 1;
	return 0;
}

/* The end's writes (a group commit's apply): the tokens closed, the last events and the
 * outcome, and for a nested .sync execution its parent's task row. */
typedef struct end_work {
	sv_server *srv;
	sv_live *l;
	const asl_result *r;
	const st_execution *end;
	int ended_elsewhere; /* the row had ended already (a stop recorded it): nothing written */
} end_work;

static int apply_end(void *arg)
{
	end_work *w = arg;
	st_store *s = w->srv->store;
	if (close_tokens(w->srv, w->l->open) < 0)
		return -1;
	int rc = s->ops->execution_finish(s, w->l->id, w->l->events, w->l->event_count, w->end);
	w->ended_elsewhere = rc == 1;
	if (rc < 0)
		return -1;
	if (rc == 0 && w->l->parent_token &&
	    sv_nested_done(w->srv, w->l, w->r, w->end->stop_ms) < 0)
		return -1;
	return 0;
}

static void finish(sv_server *srv, sv_live *l)
{
	pthread_mutex_lock(&srv->lock);
	table_remove(srv, l); /* nobody delivers to it any more */
	pthread_mutex_unlock(&srv->lock);
	sv_engine_hold(srv, l->id, 1); /* StopExecution waits for the commit below */
	asl_result r;
	asl_finish(l->ex, &r);
	l->ex = NULL;
	st_execution end = {0};
	end.status = st_cstr(asl_status_name(r.status));
	if (r.status == ASL_SUCCEEDED)
		end.output = (st_text){r.output, r.output_len};
	if (r.error)
		end.error = (st_text){r.error, r.error_len};
	if (r.cause)
		end.cause = (st_text){r.cause, r.cause_len};
	end.stop_ms = sv_now_ms();
	take_fresh(srv, l); /* handed out in the last step, never stored: nothing to close */
	end_work w = {srv, l, &r, &end, 0};
	sv_commit c = {apply_end, &w, 0, 0, NULL, ""};
	/* tried until it is recorded (a full disk, say): a RUNNING row with nothing running it
	 * would wait for a restart; at shutdown the row stays RUNNING and a restart resumes it */
	while (sv_commit_run(&srv->commits, srv->store, &c) && !srv->stopping) {
		fprintf(stderr,
			"aslc serve: cannot record the end of %s (tried again in a second): %s\n",
			l->arn, c.error);
		struct timespec second = {1, 0};
		nanosleep(&second, NULL);
	}
	if (c.rc == 0 && !w.ended_elsewhere && l->parent_token)
		sv_nested_deliver(srv, l);
	release_tokens(srv, l->open);
	l->open = NULL;
	asl_result_free(&r);
	sv_engine_hold(srv, l->id, 0);
	live_free(l);
}

/* The step's writes (a group commit's apply): new task rows, the settled tokens closed, the
 * events and the snapshot. */
typedef struct step_work {
	sv_server *srv;
	sv_live *l;
	const sv_fresh_task *fresh;
	const sv_open_task *settled;
	st_text snapshot;
	int64_t wake_ms;
} step_work;

static int apply_step(void *arg)
{
	step_work *w = arg;
	st_store *s = w->srv->store;
	for (const sv_fresh_task *f = w->fresh; f; f = f->next)
		if (s->ops->task_put(s, &f->task)) /* 1: the token exists: it must not be reused */
			return -1;
	if (close_tokens(w->srv, w->settled) < 0)
		return -1;
	if (!w->l->express &&
	    s->ops->execution_checkpoint(s, w->l->id, w->l->events, w->l->event_count, w->snapshot,
					 w->wake_ms))
		return -1;
	return 0;
}

/* The step's checkpoint, committed with the other executions' that are ready at the same
 * time. 0, or -1 with nothing changed. */
static int checkpoint(sv_server *srv, sv_live *l, sv_fresh_task *fresh, int64_t wake_ms)
{
	/* settled before the snapshot: an outcome delivered after this point is in the snapshot
	 * or still waited on, so its row (DONE) is kept for a restart */
	sv_open_task *settled = NULL;
	for (sv_open_task **p = &l->open; *p;) {
		sv_open_task *o = *p;
		if (asl_task_waiting(l->ex, o->token)) {
			p = &o->next;
			continue;
		}
		*p = o->next;
		o->next = settled;
		settled = o;
	}
	asl_arena a;
	asl_arena_init(&a, NULL);
	const char *bytes = NULL;
	size_t len = 0;
	int rc = -1;
	if (l->express || asl_snapshot(l->ex, &a, &bytes, &len) == 0) {
		step_work w = {srv, l, fresh, settled, {bytes, len}, wake_ms};
		sv_commit c = {apply_step, &w, 0, 0, NULL, ""};
		rc = sv_commit_run(&srv->commits, srv->store, &c);
		if (rc)
			fprintf(stderr,
				"aslc serve: cannot checkpoint %s (tried again in a second): %s\n",
				l->arn, c.error);
	}
	asl_arena_destroy(&a);
	if (rc) {
		while (settled) { /* still open, as far as the store knows */
			sv_open_task *o = settled;
			settled = o->next;
			o->next = l->open;
			l->open = o;
		}
		return -1;
	}
	release_tokens(srv, settled);
	return 0;
}

/* One step: run to the next state boundary or wait, commit, publish, schedule. */
static void step(sv_server *srv, sv_live *l)
{
	if (!l->express)
		asl_pause_after(l->ex, 1);
	asl_step st = asl_advance(l->ex);
	if (st.kind == ASL_STEP_FINISHED) {
		finish(srv, l);
		return;
	}
	sv_fresh_task *fresh = take_fresh(srv, l);
	if ((!l->express || fresh) && checkpoint(srv, l, fresh, st.until_ms) < 0) {
		/* nothing is published; the events and tokens wait for the next checkpoint */
		pthread_mutex_lock(&srv->lock);
		if (fresh) {
			sv_fresh_task *last = fresh;
			while (last->next)
				last = last->next;
			last->next = l->fresh;
			l->fresh = fresh;
		}
		l->state = SV_IDLE;
		l->poked = 0;
		timer_add(srv, l, sv_now_ms() + 1000, 0);
		pthread_mutex_unlock(&srv->lock);
		return;
	}
	drop_events(l);
	for (sv_fresh_task *f = fresh; f; f = f->next)
		remember_open(l, f);
	if (fresh)
		sv_publish(srv, l, fresh);
	pthread_mutex_lock(&srv->lock);
	asl_arena_reset(&l->fresh_arena);
	l->state = SV_IDLE;
	if (st.kind == ASL_STEP_PAUSED || l->poked) {
		l->poked = 0;
		make_ready(srv, l);
	} else if (st.until_ms) {
		/* wait_scale applies to Waits and backoffs: to the time of an execution that waits
		 * for no task (a task's TimeoutSeconds and HeartbeatSeconds are real seconds) */
		int scale = st.tasks == 0;
		int64_t now = asl_now(l->ex), wait = st.until_ms - now;
		double real = wait > 0 ? (double)wait * (scale ? srv->cfg.wait_scale : 1) : 0;
		timer_add(srv, l, sv_now_ms() + (int64_t)real, scale ? st.until_ms : 0);
	}
	pthread_mutex_unlock(&srv->lock);
}

static void *worker(void *arg)
{
	sv_server *srv = arg;
	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		int64_t next = fire_timers(srv, sv_now_ms());
		sv_live *l = srv->ready_head;
		if (!l) {
			if (next) {
				struct timespec ts = {next / 1000, (long)(next % 1000) * 1000000};
				pthread_cond_timedwait(&srv->work, &srv->lock, &ts);
			} else {
				pthread_cond_wait(&srv->work, &srv->lock);
			}
			continue;
		}
		srv->ready_head = l->ready_next;
		if (!srv->ready_head)
			srv->ready_tail = NULL;
		l->state = SV_RUNNING;
		pthread_mutex_unlock(&srv->lock);
		step(srv, l);
		pthread_mutex_lock(&srv->lock);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

/* ---- what the API calls ---- */

int sv_engine_start(sv_server *srv, char *err, size_t errlen)
{
	srv->live = calloc(BUCKETS, sizeof *srv->live);
	sv_commits_init(&srv->commits);
	int n = srv->cfg.workers > 0 ? srv->cfg.workers : 16;
	srv->threads = calloc((size_t)n, sizeof *srv->threads);
	if (!srv->live || !srv->threads) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const asl_platform *pf = asl_platform_default();
	srv->pool = pf->pool_new ? pf->pool_new(pf->user, 0) : NULL;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&srv->threads[i], NULL, worker, srv)) {
			snprintf(err, errlen, "cannot start the engine's threads");
			return -1;
		}
		srv->thread_count++;
	}
	return 0;
}

void sv_engine_stop(sv_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->stopping = 1;
	pthread_cond_broadcast(&srv->work);
	pthread_mutex_unlock(&srv->lock);
	for (int i = 0; i < srv->thread_count; i++)
		pthread_join(srv->threads[i], NULL);
	/* what still runs is checkpointed: it goes on after a restart */
	for (size_t b = 0; srv->live && b < BUCKETS; b++)
		while (srv->live[b]) {
			sv_live *l = srv->live[b];
			srv->live[b] = l->hash_next;
			asl_discard(l->ex);
			live_free(l);
		}
	free(srv->live);
	free(srv->threads);
	free(srv->timers);
	const asl_platform *pf = asl_platform_default();
	if (srv->pool)
		pf->pool_free(pf->user, srv->pool);
}

static void add_running(sv_server *srv, sv_live *l)
{
	pthread_mutex_lock(&srv->lock);
	table_add(srv, l);
	make_ready(srv, l);
	pthread_mutex_unlock(&srv->lock);
}

int sv_engine_launch(sv_server *srv, const st_execution *e, const char *parent_token,
		     int64_t parent_id)
{
	asl_arena tmp;
	asl_arena_init(&tmp, NULL);
	char *err = NULL;
	sv_live *l = live_new(srv, e, &err, &tmp);
	if (!l) {
		fprintf(stderr, "aslc serve: cannot run %.*s: %s\n", (int)e->arn.len, e->arn.ptr,
			err);
		asl_arena_destroy(&tmp);
		return -1;
	}
	if (parent_token) {
		l->parent_token = sv_printf(&l->arena, "%s", parent_token);
		l->parent_id = parent_id;
	}
	asl_parse_error perr;
	const asl_value *input = asl_parse(&tmp, e->input.ptr, e->input.len, 0, &perr);
	l->ex = input ? asl_start(l->machine, input, &l->opts) : NULL;
	asl_arena_destroy(&tmp);
	if (!l->ex) {
		live_free(l);
		return -1;
	}
	add_running(srv, l);
	return 0;
}

int sv_engine_stop_execution(sv_server *srv, int64_t id, const char *error, const char *cause)
{
	pthread_mutex_lock(&srv->lock);
	/* one being launched or ending: wait until it runs, or its end is committed */
	while (!find(srv, id) && finishing(srv, id) && !srv->stopping)
		pthread_cond_wait(&srv->ended, &srv->lock);
	sv_live *l = find(srv, id);
	if (!l) {
		pthread_mutex_unlock(&srv->lock);
		return 1;
	}
	asl_stop(l->ex, error, cause);
	make_ready(srv, l);
	while ((find(srv, id) || finishing(srv, id)) && !srv->stopping)
		pthread_cond_wait(&srv->ended, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

int sv_engine_deliver(sv_server *srv, const st_task *t, const asl_value *output, const char *error,
		      const char *cause)
{
	pthread_mutex_lock(&srv->lock);
	sv_live *l = find(srv, t->execution_id);
	int rc = 1;
	if (l)
		rc = output ? asl_task_succeed(l->ex, t->token.ptr, output)
			    : asl_task_fail(l->ex, t->token.ptr, error, cause);
	if (rc == 0)
		make_ready(srv, l);
	pthread_mutex_unlock(&srv->lock);
	return rc == 0 ? 0 : 1;
}

void sv_engine_started(sv_server *srv, int64_t execution_id, const char *token, const char *worker)
{
	pthread_mutex_lock(&srv->lock);
	sv_live *l = find(srv, execution_id);
	if (l && asl_task_started(l->ex, token, worker) == 0)
		make_ready(srv, l);
	pthread_mutex_unlock(&srv->lock);
}

int sv_engine_heartbeat(sv_server *srv, int64_t execution_id, const char *token)
{
	pthread_mutex_lock(&srv->lock);
	sv_live *l = find(srv, execution_id);
	int rc = l ? asl_task_heartbeat(l->ex, token) : 1;
	if (rc == 0)
		make_ready(srv, l); /* its heartbeat deadline moved: the timer is recomputed */
	pthread_mutex_unlock(&srv->lock);
	return rc == 0 ? 0 : 1;
}

void sv_engine_link_parent(sv_server *srv, int64_t child_id, const char *token, int64_t parent_id)
{
	pthread_mutex_lock(&srv->lock);
	sv_live *l = find(srv, child_id);
	if (l && !l->parent_token) { /* set once; the child reads it only when it ends */
		l->parent_token = sv_printf(&l->arena, "%s", token);
		l->parent_id = parent_id;
	}
	pthread_mutex_unlock(&srv->lock);
}

int sv_engine_waiting(sv_server *srv, int64_t execution_id, const char *token)
{
	pthread_mutex_lock(&srv->lock);
	sv_live *l = find(srv, execution_id);
	int w = l && asl_task_waiting(l->ex, token);
	pthread_mutex_unlock(&srv->lock);
	return w;
}

/* ---- recovery ---- */

/* An execution that cannot go on (its snapshot does not restore, its machine does not
 * compile): recorded as FAILED with the reason, rather than left RUNNING for ever. */
void sv_engine_give_up(sv_server *srv, const st_execution *e, const char *why)
{
	fprintf(stderr, "aslc serve: cannot resume %.*s: %s\n", (int)e->arn.len, e->arn.ptr, why);
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_execution end = {0};
	end.status = st_cstr("FAILED");
	end.error = st_cstr("States.Runtime");
	end.cause = st_cstr(sv_printf(&a, "aslc serve could not resume the execution: %s", why));
	end.stop_ms = sv_now_ms();
	if (srv->store->ops->execution_finish(srv->store, e->id, NULL, 0, &end))
		fprintf(stderr, "aslc serve: cannot record it: %s\n",
			srv->store->ops->error(srv->store));
	asl_arena_destroy(&a);
}

int sv_engine_recover(sv_server *srv, char *err, size_t errlen)
{
	st_store *s = srv->store;
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_execution *rows = NULL;
	size_t n = 0;
	if (s->ops->execution_running(s, &a, &rows, &n) < 0) {
		snprintf(err, errlen, "cannot read the running executions: %s", s->ops->error(s));
		asl_arena_destroy(&a);
		return -1;
	}
	st_task *tasks = NULL;
	size_t nt = 0;
	if (s->ops->task_open(s, 0, &a, &tasks, &nt) < 0) {
		snprintf(err, errlen, "cannot read the open tasks: %s", s->ops->error(s));
		asl_arena_destroy(&a);
		return -1;
	}
	size_t resumed = 0, restarted = 0, failed = 0;
	for (size_t i = 0; i < n; i++) {
		st_execution *e = &rows[i];
		char *why = NULL;
		sv_live *l = live_new(srv, e, &why, &a);
		if (!l) {
			sv_engine_give_up(srv, e, why);
			failed++;
			continue;
		}
		char msg[256] = "";
		if (e->snapshot.ptr && !e->express) {
			l->ex = asl_restore(l->machine, e->snapshot.ptr, e->snapshot.len, &l->opts,
					    msg, sizeof msg);
			resumed += l->ex != NULL;
		} else { /* never checkpointed, or Express: from the beginning */
			asl_parse_error perr;
			const asl_value *input =
				asl_parse(&a, e->input.ptr, e->input.len, 0, &perr);
			l->ex = input ? asl_start(l->machine, input, &l->opts) : NULL;
			restarted += l->ex != NULL;
		}
		if (!l->ex) {
			sv_engine_give_up(srv, e, msg[0] ? msg : "out of memory");
			live_free(l);
			failed++;
			continue;
		}
		/* its tokens: queued activity tasks go back in their queue with the same token,
		 * outcomes that came before the crash are delivered again */
		for (size_t k = 0; k < nt; k++) {
			st_task *t = &tasks[k];
			if (t->kind.ptr && !strncmp(t->kind.ptr, "nested", 6) &&
			    t->activity_arn.ptr && !strcmp(t->activity_arn.ptr, l->arn)) {
				/* this execution is a nested one: its parent waits on that token */
				l->parent_token = sv_printf(&l->arena, "%s", t->token.ptr);
				l->parent_id = t->execution_id;
			}
			if (t->execution_id != e->id)
				continue;
			sv_fresh_task f = {.task = *t};
			remember_open(l, &f);
			if (t->status == ST_TASK_DONE) {
				asl_parse_error perr;
				const asl_value *out = t->succeeded
							       ? asl_parse(&a, t->output.ptr,
									   t->output.len, 0, &perr)
							       : NULL;
				if (t->succeeded && out)
					asl_task_succeed(l->ex, t->token.ptr, out);
				else
					asl_task_fail(l->ex, t->token.ptr, t->error.ptr,
						      t->cause.ptr);
			} else if (t->status == ST_TASK_SCHEDULED &&
				   !strcmp(t->kind.ptr, "activity")) {
				sv_activity_push(srv, t->activity_arn.ptr, t->token.ptr);
			} else if (!strcmp(t->kind.ptr, "activity")) { /* a worker had taken it */
				/* ActivityStarted, unless the checkpoint has it already */
				asl_task_started(l->ex, t->token.ptr, t->worker_name.ptr);
			}
		}
		add_running(srv, l);
	}
	/* children whose parents committed the task but that never started: started now (named
	 * by a UUID made from the token unless the Task names them, so a repeat finds the same
	 * child) */
	for (size_t k = 0; k < nt; k++) {
		st_task *t = &tasks[k];
		if (t->kind.ptr && !strncmp(t->kind.ptr, "nested", 6) &&
		    t->status == ST_TASK_SCHEDULED)
			sv_nested_start(srv, t->execution_id, t->token.ptr, t->input.ptr,
					t->input.len);
	}
	if (n)
		fprintf(stderr,
			"aslc serve: recovered %zu running executions: %zu resumed from their "
			"checkpoint, %zu started again, %zu could not be resumed\n",
			n, resumed, restarted, failed);
	asl_arena_destroy(&a);
	return 0;
}
