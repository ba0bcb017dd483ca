/* PENDING (issue 13, helper B): --history. */
#include <stdio.h>

#include "graph.h"

int graph_overlay_history(gr_graph *g, const char *json, size_t len, char *err, size_t errlen)
{
	(void)g, (void)json, (void)len;
	snprintf(err, errlen, "--history is not implemented yet");
	return -1;
}
