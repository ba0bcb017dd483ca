/* graph_render: a built graph, with the overlays and collapsing the options ask for, in the
 * format asked for. What aslc_graph (library.c) does after the front end. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "graph_render.h"

static int write_format(gr_graph *g, aslc_graph_format format, FILE *out)
{
	switch (format) {
	case ASLC_GRAPH_JSON:
		return graph_write_json(g, out);
	case ASLC_GRAPH_MERMAID:
		return graph_write_mermaid(g, out);
	default: /* DOT, and the DOT that SVG and PNG are made of */
		return graph_write_dot(g, out);
	}
}

char *graph_render(gr_graph *g, const gr_graph *old, const aslc_graph_options *o, size_t *len,
		   aslc_diagnostics *d)
{
	char err[256] = "";
	int rc = 0;
	if (o->history)
		rc = graph_overlay_history(g, o->history, o->history_len, err, sizeof err);
	if (rc == 0 && o->runs)
		rc = graph_overlay_runs(g, o->runs, o->runs_len, err, sizeof err);
	if (rc == 0 && old)
		rc = graph_diff(g, old, err, sizeof err);
	if (rc == 0 && o->collapse)
		rc = graph_collapse(g, o->collapse, err, sizeof err);
	if (rc != 0) {
		diag_tool(d, ASLC_ERROR, ASLC_GRAPH_INPUT_INVALID, "%s", err);
		return NULL;
	}
	if (o->format == ASLC_GRAPH_MERMAID && o->fit_github)
		graph_fit_mermaid(g);
	char *text = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&text, &n);
	int failed = !out;
	if (out) { /* closed even when writing failed: an open memstream holds its buffer */
		failed |= write_format(g, o->format, out) != 0;
		failed |= fclose(out) != 0;
	}
	if (failed || g->arena->failed) {
		diag_tool(d, ASLC_ERROR, ASLC_OUT_OF_MEMORY, "out of memory");
		free(text);
		return NULL;
	}
	if (o->format != ASLC_GRAPH_SVG && o->format != ASLC_GRAPH_PNG) {
		*len = n;
		return text;
	}
	char *image = graph_run_dot(text, n, o->format == ASLC_GRAPH_SVG ? "svg" : "png", len, err,
				    sizeof err);
	free(text);
	if (!image)
		diag_tool(d, ASLC_ERROR,
			  strstr(err, "not installed") ? ASLC_TOOL_MISSING : ASLC_BUILD_FAILED,
			  "%s", err);
	return image;
}
