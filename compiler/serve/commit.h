/* Group commit of the engine's checkpoints (commit.c). */
#ifndef ASLC_SERVE_COMMIT_H
#define ASLC_SERVE_COMMIT_H

#include <pthread.h>

#include "store.h"

/* A piece of work for one transaction: apply() makes its writes (it may run twice, the second
 * time alone after its batch failed, so it must not change anything outside the store). */
typedef struct sv_commit {
	int (*apply)(void *arg); /* 0, or -1 */
	void *arg;
	int rc; /* after sv_commit_run: 0 committed, else not */
	int finished;
	struct sv_commit *next;
	char error[200]; /* rc != 0: the store's message (it failed on the committing thread) */
} sv_commit;

typedef struct sv_commits {
	pthread_mutex_t lock;
	pthread_cond_t done;
	sv_commit *head, *tail; /* waiting for the next batch */
	int busy; /* a batch is being committed */
} sv_commits;

void sv_commits_init(sv_commits *q);
/* Commits `me` with whatever else is waiting; returns once its transaction ended: 0 when it
 * committed. */
int sv_commit_run(sv_commits *q, st_store *s, sv_commit *me);

#endif
