/* How the overlays look, shared by the DOT and Mermaid renderers (dot_style.c): the colours,
 * line styles and text markers of the drawing contract (every status has all three, so the
 * drawing reads in grey and for colour-blind readers), and the class names the console and
 * the browser tests select on. */
#ifndef ASLC_GRAPH_STYLE_H
#define ASLC_GRAPH_STYLE_H

#include "graph.h"

/* Class names, indexed by the enums: "succeeded", "not-run", "added", "choice". */
extern const char *const GS_STATUS[GR_STATUS_COUNT];
extern const char *const GS_CHANGE[4];
extern const char *const GS_EDGE_KIND[7];

/* How one node looks under the overlays of its graph. */
typedef struct gs_look {
	const char *fill; /* a #rrggbb; NULL: the plain look */
	const char *border; /* "solid", "bold", "dashed", "dotted", "bold,dotted"; NULL */
	const char *color; /* the border's colour; NULL: black */
	const char *fontcolor; /* NULL: black */
	int peripheries; /* 0: the shape's own */
	const char *prefix; /* before the name: "✓ " */
	const char *suffix; /* after the name: " (added)" */
	int heat; /* --runs: 0..4, -1 without */
} gs_look;

/* The largest visits of a node and count of an edge, for the heat map's scale. */
typedef struct gs_scale {
	long visits, count;
} gs_scale;

gs_scale gs_scale_of(const gr_graph *g);
gs_look gs_node_look(const gr_graph *g, const gs_scale *s, const gr_node *n);
/* "type-task" of a state, "" of a mark. */
const char *gs_type_name(const gr_node *n);
/* The overlay's lines under a node's details ("retried 2×", "iterations: 3 ✓ 1 ✗ 0 ⚠",
 * "visits 5, errors 1"); returns how many it wrote into lines (at most 3), the texts in buf. */
int gs_overlay_lines(const gr_graph *g, const gr_node *n, char buf[3][96], const char *lines[3]);
/* An edge's pen width under the overlays (1 plain, 3 on the path, 1..5 by count). */
int gs_edge_width(const gr_graph *g, const gs_scale *s, const gr_edge *e);
/* The legend's lines for the overlays present: {colour, "✓ succeeded (solid)"}; count. */
typedef struct gs_legend_item {
	const char *fill, *text;
} gs_legend_item;
int gs_legend(const gr_graph *g, gs_legend_item items[12]);

/* The heat map's palette, light to dark. */
extern const char *const GS_HEAT[5];

#endif
