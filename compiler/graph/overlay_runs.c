/* graph_overlay_runs (--runs): many executions' histories, one JSON text a line (NDJSON),
 * summed into visit, error and traversal counts for a heat map. */
#include <stdio.h>
#include <string.h>

#include "overlay.h"

/* Whether the line holds only whitespace. */
static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r", s[i]))
			return 0;
	return 1;
}

int graph_overlay_runs(gr_graph *g, const char *ndjson, size_t len, char *err, size_t errlen)
{
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	const char *p = ndjson, *end = ndjson + len;
	int rc = 0;
	long line = 0;
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		if (!blank(p, n)) {
			asl_parse_error perr;
			char why[200] = "";
			const asl_value *doc = asl_parse(&arena, p, n, 0, &perr);
			if (!doc)
				snprintf(why, sizeof why, "not JSON: %s (column %d)", perr.message,
					 perr.column);
			else if (graph_history_add(g, doc, why, sizeof why) == 0)
				g->runs++;
			else
				doc = NULL;
			if (!doc) {
				snprintf(err, errlen, "--runs line %ld: not a history: %s", line,
					 why);
				rc = -1;
			}
			asl_arena_reset(&arena);
		}
		p += n + 1;
	}
	asl_arena_destroy(&arena);
	if (rc == 0) {
		g->overlay |= GR_OVERLAY_RUNS;
		if (!g->runs)
			graph_note(g, "the runs file holds no histories");
	}
	return rc;
}
