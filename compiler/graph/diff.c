/* PENDING (issue 13, helper B): --diff. */
#include <stdio.h>

#include "graph.h"

int graph_diff(gr_graph *g, const gr_graph *old, char *err, size_t errlen)
{
	(void)g, (void)old;
	snprintf(err, errlen, "--diff is not implemented yet");
	return -1;
}
