/* PENDING (issue 13, helper B): --runs. */
#include <stdio.h>

#include "graph.h"

int graph_overlay_runs(gr_graph *g, const char *ndjson, size_t len, char *err, size_t errlen)
{
	(void)g, (void)ndjson, (void)len;
	snprintf(err, errlen, "--runs is not implemented yet");
	return -1;
}
