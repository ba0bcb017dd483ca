/* Group commit: the checkpoints of executions that reach a state boundary at the same time
 * share one SQLite transaction. Each caller still waits until the transaction that holds its
 * work has committed, so nothing is published or answered before it is durable; what changes
 * is that one commit (SQLite has one writer) carries the transitions of many executions. */
#include "commit.h"

#include <stdio.h>

void sv_commits_init(sv_commits *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->done, NULL);
	q->head = q->tail = NULL;
	q->busy = 0;
}

/* One batch: all in one transaction; if that fails, each alone, so one bad piece of work does
 * not fail the others. */
static void run_batch(st_store *s, sv_commit *batch)
{
	int rc = s->ops->begin(s);
	for (sv_commit *c = batch; !rc && c; c = c->next)
		rc = c->apply(c->arg) < 0 ? -1 : 0;
	if (!rc)
		rc = s->ops->commit(s);
	else
		s->ops->rollback(s); /* (also when begin failed: no transaction, nothing done) */
	for (sv_commit *c = batch; c; c = c->next) {
		c->rc = rc;
		if (rc)
			snprintf(c->error, sizeof c->error, "%s", s->ops->error(s));
	}
	if (!rc || !batch->next)
		return;
	for (sv_commit *c = batch; c; c = c->next) {
		int one = s->ops->begin(s);
		if (!one)
			one = c->apply(c->arg) < 0 ? -1 : 0;
		if (!one)
			one = s->ops->commit(s);
		else
			s->ops->rollback(s);
		c->rc = one;
		if (one)
			snprintf(c->error, sizeof c->error, "%s", s->ops->error(s));
	}
}

int sv_commit_run(sv_commits *q, st_store *s, sv_commit *me)
{
	me->next = NULL;
	me->finished = 0;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = me;
	else
		q->head = me;
	q->tail = me;
	while (!me->finished) {
		if (q->busy) { /* another caller commits; ours goes in the next batch */
			pthread_cond_wait(&q->done, &q->lock);
			continue;
		}
		q->busy = 1;
		sv_commit *batch = q->head;
		q->head = q->tail = NULL;
		pthread_mutex_unlock(&q->lock);
		run_batch(s, batch);
		pthread_mutex_lock(&q->lock);
		for (sv_commit *c = batch, *next; c; c = next) {
			next = c->next;
			c->finished = 1;
		}
		q->busy = 0;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->lock);
	return me->rc;
}
