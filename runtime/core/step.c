/* The state driver: runs state functions one after another until the execution ends or must
 * wait. A state that must wait returns ASL_SUSPEND after recording why (asl_exec.phase); the
 * driver then returns to its caller, or, for a blocking execution, waits right here, and calls
 * the same state function again once the wait is over. */
#include <string.h>

#include "exec.h"
#include "group.h"

#define DEADLINE_CHECK_EVERY 1024
#define TASK_POLL_MS 5 /* how often an execution waiting for tasks alone looks for outcomes */

/* The execution's random bytes for its tokens, taken on first use by whichever branch asks. */
static const unsigned char *token_seed(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	int none = 0;
	if (atomic_compare_exchange_strong(&l->seeded, &none, 1)) {
		if (asl__random(ex, l->token_seed, sizeof l->token_seed) < 0) {
			/* no randomness: unique within this process still */
			static atomic_uint process_serial;
			unsigned n = atomic_fetch_add(&process_serial, 1);
			memset(l->token_seed, 0, sizeof l->token_seed);
			memcpy(l->token_seed, &n, sizeof n);
			memcpy(l->token_seed + sizeof n, &l, sizeof l);
		}
		atomic_store(&l->seeded, 2);
	}
	while (atomic_load(&l->seeded) != 2)
		; /* another branch is taking them: a moment */
	return l->token_seed;
}

const char *asl__task_token(asl_exec *ex)
{
	if (!ex->token[0]) {
		/* a fresh token per attempt, as AWS issues one: the execution's random bytes and
		 * a serial number, so tokens of executions restored elsewhere do not collide */
		const unsigned char *seed = token_seed(ex);
		uint64_t n = atomic_fetch_add(&ex->limits->token_serial, 1);
		unsigned char raw[32];
		memcpy(raw, seed, 24);
		for (int i = 0; i < 8; i++)
			raw[24 + i] = (unsigned char)(n >> (8 * (7 - i)));
		for (int i = 0; i < 32; i++) {
			ex->token[2 * i] = "0123456789abcdef"[raw[i] >> 4];
			ex->token[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
		}
		ex->token[64] = '\0';
	}
	return ex->token;
}

static void message_free(const asl_allocator *al, asl__message *m)
{
	asl_arena_destroy(&m->arena);
	al->release(al->user, m);
}

/* Under the lock: the inbox entry for `token`, and where it hangs. */
static asl__message **find(asl__limits *l, const char *token)
{
	asl__message **p = &l->inbox;
	while (*p && strcmp((*p)->token, token))
		p = &(*p)->next;
	return p;
}

/* Copies an outcome into m's arena: 0, or -1 out of memory. */
static int keep_outcome(asl__message *m, const asl_value *output, const char *error,
			const char *cause)
{
	m->delivered = 1;
	if (output)
		m->output = asl_copy(&m->arena, output);
	m->failed = error || cause || !output;
	asl_value *e = error ? asl_string(&m->arena, error, strlen(error)) : NULL;
	asl_value *c = cause ? asl_string(&m->arena, cause, strlen(cause)) : NULL;
	if (e)
		m->error = e->u.string.ptr, m->error_len = e->u.string.len;
	if (c)
		m->cause = c->u.string.ptr, m->cause_len = c->u.string.len;
	return m->arena.failed ? -1 : 0;
}

static asl__message *message_new(const asl_allocator *al, const asl_options *opts,
				 const char *token)
{
	asl__message *m = al->alloc(al->user, sizeof *m);
	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	asl__arena_init(&m->arena, al, opts);
	asl_value *t = asl_string(&m->arena, token, strlen(token));
	if (!t) {
		message_free(al, m);
		return NULL;
	}
	m->token = t->u.string.ptr;
	return m;
}

/* Under the lock: links m first into the inbox, or out of it. */
static void link(asl__limits *l, asl__message *m)
{
	m->next = l->inbox;
	m->pprev = &l->inbox;
	if (l->inbox)
		l->inbox->pprev = &m->next;
	l->inbox = m;
}

static void unlink(asl__limits *l, asl__message *m)
{
	*m->pprev = m->next;
	if (m->next)
		m->next->pprev = m->pprev;
	l->unclaimed -= !m->claimed;
}

/* Under the lock: ex's own entry (found once, then kept: the inbox may be long). */
static asl__message *awaited(asl__limits *l, asl_exec *ex)
{
	if (!ex->awaiting)
		ex->awaiting = *find(l, ex->token);
	return ex->awaiting;
}

int asl__await(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	const asl_platform *pf = asl__platform(ex);
	const asl_allocator *al = asl__allocator(ex);
	const char *token = asl__task_token(ex);
	asl__message *fresh = message_new(al, &ex->opts, token); /* outside the lock */
	pf->lock(pf->user, l->lock);
	asl__message *m = *find(l, token);
	if (m && !m->claimed) { /* the handler completed it before it returned */
		m->claimed = 1;
		l->unclaimed--;
	} else if (!m && fresh) {
		fresh->claimed = 1;
		link(l, fresh);
		m = fresh;
		fresh = NULL;
	}
	ex->awaiting = m;
	pf->unlock(pf->user, l->lock);
	if (fresh)
		message_free(al, fresh);
	return m ? 0 : -1;
}

int asl__waits_on(asl_exec *root, const char *token)
{
	asl__limits *l = root->limits;
	if (!l || !l->lock)
		return 0;
	const asl_platform *pf = asl__platform(root);
	pf->lock(pf->user, l->lock);
	asl__message *m = *find(l, token);
	int waiting = m && m->claimed && !m->delivered;
	pf->unlock(pf->user, l->lock);
	return waiting;
}

void asl__unawait(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	if (!l || !l->lock || !ex->token[0])
		return;
	const asl_platform *pf = asl__platform(ex);
	pf->lock(pf->user, l->lock);
	asl__message *m = awaited(l, ex);
	if (m)
		unlink(l, m);
	ex->awaiting = NULL;
	pf->unlock(pf->user, l->lock);
	if (m)
		message_free(asl__allocator(ex), m);
}

/* A heartbeat or the outcome the host delivered for ex's task: a heartbeat moves its beat, an
 * outcome is copied into its heap and the token forgotten. 1 when the outcome came. */
static int take_messages(asl_exec *ex)
{
	asl__limits *l = ex->limits;
	if (!l || !l->lock || !ex->token[0])
		return 0;
	const asl_platform *pf = asl__platform(ex);
	pf->lock(pf->user, l->lock);
	asl__message *m = awaited(l, ex);
	int beat = m && m->heartbeat, started = m && m->started;
	char worker[sizeof m->worker];
	if (started)
		memcpy(worker, m->worker, sizeof worker);
	if (m)
		m->heartbeat = m->started = 0;
	if (m && m->delivered) {
		unlink(l, m);
		ex->awaiting = NULL;
	} else {
		m = NULL;
	}
	pf->unlock(pf->user, l->lock);
	/* the first start only: a restarted host may say it again */
	if (started && ex->beat_ms == (int64_t)ASL_MS_FOREVER)
		asl__history_activity_started(ex, worker);
	if (beat)
		ex->beat_ms = asl__now(ex);
	if (!m)
		return 0;
	asl_arena *a = asl_heap(ex);
	asl__outcome *o = &ex->outcome;
	memset(o, 0, sizeof *o);
	o->ready = 1;
	if (m->failed) {
		asl_value *e = m->error ? asl_string(a, m->error, m->error_len) : NULL;
		asl_value *c = m->cause ? asl_string(a, m->cause, m->cause_len) : NULL;
		o->error = e ? e->u.string.ptr : NULL;
		o->error_len = e ? e->u.string.len : 0;
		o->cause = c ? c->u.string.ptr : NULL;
		o->cause_len = c ? c->u.string.len : 0;
	} else {
		o->output = asl_copy(a, m->output);
	}
	message_free(asl__allocator(ex), m);
	return 1;
}

/* Whether time `t` has come. The logical clock saturates (ASL_MS_FOREVER of skipped waiting,
 * exec.h): once it has, every time counts as come, or a wait past it would never end. */
static int due(const asl_exec *ex, int64_t t)
{
	return asl__now(ex) >= t || *ex->clock >= (int64_t)ASL_MS_FOREVER;
}

int asl__ready(asl_exec *ex)
{
	if (ex->failed || asl__cancelled(ex))
		return 1;
	switch (ex->phase) {
	case ASL_PHASE_WAIT:
	case ASL_PHASE_RETRY:
		return due(ex, ex->wake_ms) || asl__past_deadline(ex);
	case ASL_PHASE_TASK:
		if (ex->outcome.ready || take_messages(ex))
			return 1;
		if (ex->heartbeat_ms && due(ex, ex->beat_ms + ex->heartbeat_ms))
			return 1;
		return (ex->wake_ms && due(ex, ex->wake_ms)) || asl__past_deadline(ex);
	case ASL_PHASE_CHILDREN:
		return asl__group_ready(ex->children);
	default: /* paused between states: goes on when no longer pausing */
		return !ex->limits || !atomic_load(&ex->limits->pause);
	}
}

/* Blocking: waits here until `ex` is ready (sleeping through a Wait, polling for a task's
 * outcome), in slices when something else may want it to stop meanwhile. */
void asl__wait_until(asl_exec *ex, int64_t until_ms)
{
	const asl_platform *pf = asl__platform(ex);
	if (until_ms) /* the deadline at the latest (asl__waiting): the next step times out */
		asl__sleep_until(ex, until_ms);
	else /* only tasks: their outcomes come from other threads */
		pf->sleep_ms(pf->user, TASK_POLL_MS);
}

static void wait_here(asl_exec *ex)
{
	const asl_platform *pf = asl__platform(ex);
	if (ex->phase == ASL_PHASE_CHILDREN) { /* kept children (run to the end after a step) */
		int64_t until = 0;
		size_t tasks = 0;
		asl__waiting(ex, &until, &tasks);
		if (!asl__group_ready(ex->children))
			asl__wait_until(ex, until);
		return;
	}
	if (ex->phase == ASL_PHASE_WAIT || ex->phase == ASL_PHASE_RETRY) {
		if (asl__sleep_until(ex, ex->wake_ms) < 0)
			ex->phase =
				ASL_PHASE_NONE; /* timed out or cancelled: the error is raised */
		return;
	}
	while (!asl__ready(ex))
		pf->sleep_ms(pf->user, TASK_POLL_MS);
}

/* A suspended state that cannot go on: the execution timed out, was stopped, or a sibling
 * failed. Raises the matching error unless one is raised already. */
static void abandon(asl_exec *ex)
{
	if (ex->phase == ASL_PHASE_TASK)
		asl__unawait(ex);
	ex->phase = ASL_PHASE_NONE;
	asl__release_children(ex);
	if (ex->failed)
		return;
	if (asl__past_deadline(ex))
		asl__time_out(ex);
	else
		asl_fail(ex, "States.Runtime", "cancelled");
}

/* Whether a suspended state is given up rather than called again: the execution failed, was
 * stopped or cancelled, or its deadline came before the wait's end. A Parallel or Map state is
 * always called again: it winds its children down itself, so that their ends are recorded. */
static int must_abandon(asl_exec *ex)
{
	if (ex->phase == ASL_PHASE_CHILDREN)
		return 0;
	if (ex->failed || asl__cancelled(ex))
		return 1;
	return ex->phase != ASL_PHASE_TASK && asl__past_deadline(ex) &&
	       ex->wake_ms > ex->deadline_ms;
}

int asl__step(asl_exec *ex)
{
	const asl_machine *m = ex->machine;
	int st = ex->next;
	if (ex->phase) { /* in the middle of a state: go on with it once its wait is over */
		int ready = asl__ready(ex);
		if (!ready && !ex->blocking)
			return 0;
		if (!ready) /* asl_run_to_end after asl_advance */
			wait_here(ex);
		if (must_abandon(ex)) {
			abandon(ex);
			st = ASL_FAILED;
		} else {
			st = m->states[ex->state](ex);
			goto ran;
		}
	}
	while (st >= 0) {
		if (asl__limits_due(ex->limits) && (st = asl__limits_check(ex, st)) < 0) {
			if (st == ASL_SUSPEND) /* paused between states: ex->next stays */
				return 0;
			break;
		}
		st = m->states[st](ex);
	ran:
		if (st == ASL_SUSPEND) {
			if (!ex->blocking)
				return 0;
			wait_here(ex);
			if (ex->phase && !must_abandon(ex)) {
				st = m->states[ex->state](ex);
				goto ran;
			}
			abandon(ex);
			st = ASL_FAILED;
			break;
		}
		if (st < 0) {
			if (st == ASL_FAILED)
				asl__history_group_failed(ex); /* neither retried nor caught */
			break;
		}
		ex->next = st;
		if (ex->group && asl__group_cancelled(ex)) {
			asl_fail(ex, "States.Runtime", "cancelled");
			st = ASL_FAILED;
			break;
		}
		if (asl_heap(ex)->used > ex->compact_at && asl__compact(ex) < 0) {
			st = ASL_FAILED;
			break;
		}
		if (ex->entered_count % DEADLINE_CHECK_EVERY == 0 && asl__past_deadline(ex)) {
			asl__time_out(ex);
			st = ASL_FAILED;
			break;
		}
	}
	if (st == ASL_END && asl__past_deadline(ex)) {
		asl__time_out(ex);
		st = ASL_FAILED;
	}
	ex->next = st;
	return 1;
}

static int64_t earliest(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

void asl__waiting(const asl_exec *ex, int64_t *until_ms, size_t *tasks)
{
	switch (ex->phase) {
	case ASL_PHASE_WAIT:
	case ASL_PHASE_RETRY:
		*until_ms = earliest(*until_ms, ex->wake_ms);
		break;
	case ASL_PHASE_TASK:
		(*tasks)++;
		*until_ms = earliest(*until_ms, ex->wake_ms);
		if (ex->heartbeat_ms &&
		    ex->beat_ms != (int64_t)ASL_MS_FOREVER) /* not yet started */
			*until_ms = earliest(*until_ms, ex->beat_ms + ex->heartbeat_ms);
		break;
	case ASL_PHASE_CHILDREN:
		asl__group_waiting(ex->children, until_ms, tasks);
		break;
	}
	if (ex->phase && ex->deadline_ms)
		*until_ms = earliest(*until_ms, ex->deadline_ms);
}

int asl__post(asl_exec *root, const char *token, const asl_value *output, const char *error,
	      const char *cause, int heartbeat)
{
	asl__limits *l = root->limits;
	if (!token || !l || !l->lock)
		return -1;
	const asl_platform *pf = asl__platform(root);
	const asl_allocator *al = asl__allocator(root);
	asl__message *early =
		heartbeat ? NULL : message_new(al, &root->opts, token); /* outside the lock */
	if (early && keep_outcome(early, output, error, cause) < 0) {
		message_free(al, early);
		return -1;
	}
	if (!heartbeat && !early)
		return -1;
	asl__message *gone = NULL;
	int rc = 0;
	pf->lock(pf->user, l->lock);
	asl__message *m = *find(l, token);
	if (m && m->claimed) {
		rc = 1;
		if (heartbeat) {
			m->heartbeat = 1;
			if (heartbeat == 2 &&
			    !m->started) { /* asl_task_started: `cause` is the worker */
				size_t n = cause ? strlen(cause) : 0;
				if (n >= sizeof m->worker)
					n = sizeof m->worker - 1; /* AWS's names are at most 80 */
				memcpy(m->worker, cause ? cause : "", n);
				m->worker[n] = '\0';
				m->started = 1;
			}
		} else if (!m->delivered) { /* the first outcome counts */
			m->delivered = early->delivered, m->failed = early->failed;
			asl_arena swap = m->arena; /* take the copy made outside the lock */
			m->arena = early->arena, early->arena = swap;
			m->output = early->output, m->error = early->error, m->cause = early->cause;
			m->error_len = early->error_len, m->cause_len = early->cause_len;
			m->token = early->token;
			early->token = NULL;
		}
		gone = early;
	} else if (!heartbeat && !m) { /* nobody waits yet: keep it a while */
		link(l, early);
		if (++l->unclaimed > ASL_UNCLAIMED_MAX) { /* the oldest early outcome goes */
			for (asl__message *o = l->inbox; o; o = o->next)
				if (!o->claimed)
					gone = o;
			unlink(l, gone);
		}
	} else {
		gone = early; /* a second early outcome, or a heartbeat nobody waits for */
	}
	pf->unlock(pf->user, l->lock);
	if (gone)
		message_free(al, gone);
	return rc;
}

int asl__inbox_restore(asl_exec *root, const char *token, int claimed, int delivered, int heartbeat,
		       const asl_value *output, const char *error, const char *cause)
{
	asl__limits *l = root->limits;
	asl__message *m = message_new(asl__allocator(root), &root->opts, token);
	if (!m)
		return -1;
	if (delivered && keep_outcome(m, output, error, cause) < 0) {
		message_free(asl__allocator(root), m);
		return -1;
	}
	m->claimed = claimed;
	m->heartbeat = heartbeat;
	link(l, m); /* restoring: nothing else runs */
	l->unclaimed += !claimed;
	return 0;
}

void asl__inbox_free(asl_exec *root)
{
	asl__limits *l = root->limits;
	if (!l)
		return;
	const asl_allocator *al = asl__allocator(root);
	while (l->inbox) {
		asl__message *m = l->inbox;
		l->inbox = m->next;
		asl_arena_destroy(&m->arena);
		al->release(al->user, m);
	}
}
