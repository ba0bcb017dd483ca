/* PENDING (issue 13, helper A): collapsing clusters. */
#include <stdio.h>

#include "graph.h"

int graph_collapse(gr_graph *g, const char *spec, char *err, size_t errlen)
{
	(void)g, (void)spec;
	snprintf(err, errlen, "--collapse is not implemented yet");
	return -1;
}

void graph_fit_mermaid(gr_graph *g)
{
	(void)g;
}
