/* graph_overlay_history (--history): one execution's history drawn over the graph. */
#include <stdio.h>

#include "overlay.h"

int graph_overlay_history(gr_graph *g, const char *json, size_t len, char *err, size_t errlen)
{
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error perr;
	const asl_value *doc = asl_parse(&arena, json, len, 0, &perr);
	int rc = -1;
	char why[200];
	if (!doc)
		snprintf(err, errlen, "the history is not JSON: %s (line %d, column %d)",
			 perr.message, perr.line, perr.column);
	else if (graph_history_add(g, doc, why, sizeof why) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "not a history: %s", why);
	if (rc == 0)
		g->overlay |= GR_OVERLAY_HISTORY;
	asl_arena_destroy(&arena);
	return rc;
}
