/* Runtime-internal: the children of a Parallel or Map state (parallel.c), which a snapshot
 * walks too. */
#ifndef ASL_GROUP_H
#define ASL_GROUP_H

#include "exec.h"

typedef struct group {
	asl_exec *parent;
	asl_lock *lock;
	atomic_int cancel; /* read by running branches without the lock */
	int failed, timed_out;
	const char *error, *cause; /* the first failure, copied into the parent's heap */
	size_t error_len, cause_len;
	size_t failures;
	const asl_map_limits *limits;
	int max_concurrency; /* 0: no limit */
	int blocking; /* children run to their end (Distributed mode's batches) */
	size_t total;
	asl_value **results; /* per item, once it finished */
	asl_value *input; /* Parallel: every branch's input; Map: the ItemSelector's $ */
	const int *starts; /* Parallel */
	const asl_map *map; /* Map */
	asl_value *items;
	asl_arena *results_arena; /* where results are copied; NULL: the parent's heap */
	size_t index_offset; /* Map items read before this batch of jobs */
	/* when the parent does not block: the group outlives the state function's call */
	asl_exec **waiting; /* per item: its suspended child, NULL otherwise */
	size_t *waiting_list; /* the items that have one, in no order (count: waiting_count), */
	size_t *waiting_pos; /* and where each is in that list */
	size_t waiting_count;
	size_t *ready; /* scratch: the waiting items that can go on (run_round) */
	size_t started; /* items started so far (they start in order) */
	size_t finished; /* items finished */
	asl_map_limits limits_value; /* the Map's limits, kept: `limits` points here */
	int restored; /* read from a snapshot: the state has to give input, items, map again */
	/* history event ids (HISTORY.md): MapStateStarted/ParallelStateStarted; what the next
	 * MapIterationStarted points at (the last event of the iteration that ended last); the
	 * last MapIteration end event; the latest last event of a branch; the failed child's */
	int64_t started_event, cursor, last_end, last_inner, fail_prev;
	int distributed; /* a Map Run: its iterations are executions with histories of their own */
} group;

/* Whether stepping the group now would get anywhere: a waiting child can go on, or another
 * item can start. */
int asl__group_ready(const group *g);
/* What a child of `g` shares with its parent (child_init, and asl_restore's children). */
void asl__child_inherit(asl_exec *c, group *g);
/* Allocates the per-item arrays of a group of g->total items (and its lock): 0, or -1. */
int asl__group_arrays(asl_exec *ex, group *g);
/* Keeps `c` as the waiting child of item `index` (under the group's lock when others run). */
void asl__group_keep(group *g, size_t index, asl_exec *c);

#endif
