/* What overlay_history.c shares with overlay_runs.c: adding one parsed history to a graph's
 * overlay fields. */
#ifndef ASLC_GRAPH_OVERLAY_H
#define ASLC_GRAPH_OVERLAY_H

#include "graph.h"

/* Adds the history `doc` ({"events": [...]}, or the bare array of events) to g: visits,
 * failures, retries, statuses, on_path and edge counts are added to, so several histories
 * sum. 0, or -1 with a one-line reason in err. */
int graph_history_add(gr_graph *g, const asl_value *doc, char *err, size_t errlen);

#endif
