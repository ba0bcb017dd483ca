/* POSIX threads for Parallel branches and Map iterations: a pool of workers that runs batches
 * of jobs. The thread that submits a batch helps running jobs until its batch is done, so
 * nested batches (a Map inside a Parallel branch) cannot deadlock the pool. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "posix.h"

typedef struct batch {
	asl_job_fn fn;
	void *const *args;
	size_t n, next, done;
	int running, max;
	struct batch *prev, *nextb;
} batch;

struct asl_pool {
	pthread_mutex_t lock;
	pthread_cond_t work, finished;
	batch *batches; /* open batches, newest first */
	pthread_t *threads;
	int nthreads, stopping;
};

struct asl_lock {
	pthread_mutex_t m;
};

int asl__posix_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* A job that may start now (respecting its batch's concurrency limit), under the lock. */
static int take(asl_pool *p, batch *only, batch **b_out, size_t *i_out)
{
	for (batch *b = only ? only : p->batches; b; b = only ? NULL : b->nextb) {
		if (b->next < b->n && (b->max <= 0 || b->running < b->max)) {
			*b_out = b;
			*i_out = b->next++;
			b->running++;
			return 1;
		}
	}
	return 0;
}

static void run_one(asl_pool *p, batch *b, size_t i)
{
	pthread_mutex_unlock(&p->lock);
	b->fn(b->args[i]);
	pthread_mutex_lock(&p->lock);
	b->running--;
	b->done++;
	pthread_cond_broadcast(&p->finished);
	pthread_cond_broadcast(&p->work); /* a concurrency slot is free again */
}

static void *worker(void *arg)
{
	asl_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		batch *b;
		size_t i;
		if (take(p, NULL, &b, &i))
			run_one(p, b, i);
		else
			pthread_cond_wait(&p->work, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

asl_pool *asl__posix_pool_new(int threads)
{
	asl_pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->finished, NULL);
	/* the submitting thread works too, so threads - 1 helpers make `threads` in all */
	int helpers = threads > 1 ? threads - 1 : 0;
	p->threads = calloc((size_t)helpers + 1, sizeof *p->threads);
	for (int i = 0; p->threads && i < helpers; i++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) == 0)
			p->nthreads++;
	return p;
}

void asl__posix_pool_free(asl_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->finished);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void asl__posix_pool_run(asl_pool *p, asl_job_fn fn, void *const *args, size_t n,
			 int max_concurrency)
{
	batch b = {fn, args, n, 0, 0, 0, max_concurrency, NULL, NULL};
	pthread_mutex_lock(&p->lock);
	b.nextb = p->batches;
	if (p->batches)
		p->batches->prev = &b;
	p->batches = &b;
	pthread_cond_broadcast(&p->work);
	while (b.done < b.n) {
		batch *jb;
		size_t i;
		/* help with our own batch first, then with any other */
		if (take(p, &b, &jb, &i) || take(p, NULL, &jb, &i))
			run_one(p, jb, i);
		else
			pthread_cond_wait(&p->finished, &p->lock);
	}
	if (b.prev)
		b.prev->nextb = b.nextb;
	else
		p->batches = b.nextb;
	if (b.nextb)
		b.nextb->prev = b.prev;
	pthread_mutex_unlock(&p->lock);
}

asl_lock *asl__posix_lock_new(void)
{
	asl_lock *l = malloc(sizeof *l);
	if (l)
		pthread_mutex_init(&l->m, NULL);
	return l;
}

void asl__posix_lock_free(asl_lock *l)
{
	if (l) {
		pthread_mutex_destroy(&l->m);
		free(l);
	}
}

void asl__posix_lock(asl_lock *l)
{
	pthread_mutex_lock(&l->m);
}

void asl__posix_unlock(asl_lock *l)
{
	pthread_mutex_unlock(&l->m);
}
