/* Activity queues: per activity ARN, tasks in the order they were scheduled and long-polling
 * workers in the order they came; a task goes to the oldest waiting worker, exactly once. A
 * worker waits up to --poll-hold seconds and then gets nothing. Under srv->lock. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

typedef struct queued {
	char *token;
	struct queued *next;
} queued;

typedef struct poller {
	pthread_cond_t wake;
	char *token; /* handed to it (malloc'd), or NULL */
	struct poller *next;
} poller;

struct sv_queue {
	char *arn;
	queued *head, *tail;
	poller *waiting, *waiting_tail;
	int pollers; /* waiting now: AWS allows 1,000 per activity */
	sv_queue *next;
};

static sv_queue *queue_of(sv_server *srv, const char *arn, int create)
{
	for (sv_queue *q = srv->queues; q; q = q->next)
		if (!strcmp(q->arn, arn))
			return q;
	if (!create)
		return NULL;
	sv_queue *q = calloc(1, sizeof *q);
	if (!q || !(q->arn = strdup(arn))) {
		free(q);
		return NULL;
	}
	q->next = srv->queues;
	srv->queues = q;
	return q;
}

void sv_activity_push(sv_server *srv, const char *arn, const char *token)
{
	pthread_mutex_lock(&srv->lock);
	sv_queue *q = queue_of(srv, arn, 1);
	char *copy = q ? strdup(token) : NULL;
	if (copy && q->waiting) { /* the oldest worker takes it */
		poller *p = q->waiting;
		q->waiting = p->next;
		if (!q->waiting)
			q->waiting_tail = NULL;
		p->token = copy;
		pthread_cond_signal(&p->wake);
	} else if (copy) {
		queued *e = malloc(sizeof *e);
		if (e) {
			e->token = copy;
			e->next = NULL;
			if (q->tail)
				q->tail->next = e;
			else
				q->head = e;
			q->tail = e;
		} else {
			free(copy);
		}
	}
	pthread_mutex_unlock(&srv->lock);
}

const char *sv_activity_poll(sv_server *srv, const char *arn, int64_t until, asl_arena *a,
			     int *too_many)
{
	char *token = NULL;
	pthread_mutex_lock(&srv->lock);
	sv_queue *q = queue_of(srv, arn, 1);
	*too_many = q && !q->head && q->pollers >= SV_MAX_POLLERS;
	if (*too_many) {
		pthread_mutex_unlock(&srv->lock);
		return NULL;
	}
	if (q && q->head) {
		queued *e = q->head;
		q->head = e->next;
		if (!q->head)
			q->tail = NULL;
		token = e->token;
		free(e);
	} else if (q && !srv->stopping) {
		poller p = {.token = NULL, .next = NULL};
		pthread_condattr_t attr;
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_REALTIME);
		pthread_cond_init(&p.wake, &attr);
		pthread_condattr_destroy(&attr);
		if (q->waiting_tail)
			q->waiting_tail->next = &p;
		else
			q->waiting = &p;
		q->waiting_tail = &p;
		q->pollers++;
		struct timespec ts = {until / 1000, (long)(until % 1000) * 1000000};
		while (!p.token && !srv->stopping &&
		       pthread_cond_timedwait(&p.wake, &srv->lock, &ts) == 0)
			;
		token = p.token;
		q->pollers--;
		if (!token) { /* gave up: leave the line */
			poller **pp = &q->waiting;
			poller *prev = NULL;
			while (*pp && *pp != &p)
				prev = *pp, pp = &(*pp)->next;
			if (*pp)
				*pp = p.next;
			if (q->waiting_tail == &p)
				q->waiting_tail = prev;
		}
		pthread_cond_destroy(&p.wake);
	}
	pthread_mutex_unlock(&srv->lock);
	const char *out = token ? sv_printf(a, "%s", token) : NULL;
	free(token);
	return out;
}

void sv_activity_withdraw(sv_server *srv, const char *arn, const char *token)
{
	pthread_mutex_lock(&srv->lock);
	sv_queue *q = arn ? queue_of(srv, arn, 0) : NULL;
	for (queued **p = q ? &q->head : NULL, *prev = NULL; p && *p; prev = *p, p = &(*p)->next)
		if (!strcmp((*p)->token, token)) {
			queued *e = *p;
			*p = e->next;
			if (q->tail == e)
				q->tail = prev;
			free(e->token);
			free(e);
			break;
		}
	pthread_mutex_unlock(&srv->lock);
}

void sv_activity_wake_all(sv_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (sv_queue *q = srv->queues; q; q = q->next)
		for (poller *p = q->waiting; p; p = p->next)
			pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&srv->lock);
}

void sv_activities_free(sv_server *srv)
{
	while (srv->queues) {
		sv_queue *q = srv->queues;
		srv->queues = q->next;
		while (q->head) {
			queued *e = q->head;
			q->head = e->next;
			free(e->token);
			free(e);
		}
		free(q->arn);
		free(q);
	}
}
