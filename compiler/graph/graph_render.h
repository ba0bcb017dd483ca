/* The graph back end as the compiler library calls it. */
#ifndef ASLC_GRAPH_RENDER_H
#define ASLC_GRAPH_RENDER_H

#include "graph.h"

/* Applies the overlays and collapsing of `o` to `g` (old: the --diff graph, or NULL) and
 * writes it in o->format: malloc'd text or image, its length in *len; NULL after a
 * diagnostic in `d`. */
char *graph_render(gr_graph *g, const gr_graph *old, const aslc_graph_options *o, size_t *len,
		   aslc_diagnostics *d);

#endif
