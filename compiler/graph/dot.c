/* PENDING (issue 13, helper A): the DOT renderer. */
#include "graph.h"

int graph_write_dot(const gr_graph *g, FILE *out)
{
	(void)g;
	fputs("DOT output is not written yet\n", out);
	return -1;
}
