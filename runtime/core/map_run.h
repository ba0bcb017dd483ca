/* Runtime-internal: a Map run fed in batches of items (Distributed mode streams its items). */
#ifndef ASL_MAP_RUN_H
#define ASL_MAP_RUN_H

#include "exec.h"

typedef struct group map_run;

/* Results are copied into `results_arena` (NULL: the parent's heap). */
map_run *asl__map_run_new(asl_exec *ex, const asl_map *map, asl_value *map_input,
			  const asl_map_limits *limits, asl_arena *results_arena);
/* Runs the processor on the array `items`; the results in item order (owned by the run, valid
 * until the next chunk), or NULL with the error raised. Failures and tolerance add up over
 * chunks. */
asl_value **asl__map_run_chunk(map_run *run, asl_value *items);
void asl__map_run_free(map_run *run);

#endif
