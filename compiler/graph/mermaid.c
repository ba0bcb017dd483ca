/* PENDING (issue 13, helper A): the Mermaid renderer. */
#include "graph.h"

int graph_write_mermaid(const gr_graph *g, FILE *out)
{
	(void)g;
	fputs("Mermaid output is not written yet\n", out);
	return -1;
}
