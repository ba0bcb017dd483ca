/* The look of the overlays (graph_style.h): status, heat map and diff as fill, border style
 * and label marker, one table for the DOT and the Mermaid renderer. */
#include <stdio.h>
#include <string.h>

#include "graph_style.h"

const char *const GS_STATUS[GR_STATUS_COUNT] = {"not-run", "succeeded", "failed",
						"caught",  "running",   "aborted"};
const char *const GS_CHANGE[4] = {"same", "added", "removed", "changed"};
const char *const GS_EDGE_KIND[7] = {"start", "next", "choice", "default",
				     "catch", "end",  "branch"};
const char *const GS_HEAT[5] = {"#f7fbff", "#c6dbef", "#6baed6", "#3182bd", "#08519c"};

static const gs_look STATUS_LOOK[GR_STATUS_COUNT] = {
	[GR_NOT_RUN] = {"#f0f0f0", "dotted", "#999999", "#999999", 0, "", "", -1},
	[GR_SUCCEEDED] = {"#d4edda", "solid", NULL, NULL, 0, "✓ ", "", -1},
	[GR_FAILED] = {"#f8d7da", "bold", NULL, NULL, 2, "✗ ", "", -1},
	[GR_CAUGHT] = {"#fff3cd", "dashed", NULL, NULL, 0, "⚠ ", "", -1},
	[GR_RUNNING] = {"#cce5ff", "bold,dotted", NULL, NULL, 0, "▶ ", "", -1},
	[GR_ABORTED] = {"#e2e3e5", "dashed,bold", NULL, NULL, 0, "■ ", "", -1},
};

/* Whether a state or a Map iteration was aborted: only then is "aborted" in the legend. */
static int any_aborted(const gr_graph *g)
{
	for (int i = 0; i < g->node_count; i++)
		if (g->nodes[i].status == GR_ABORTED || g->nodes[i].iterations[GR_ABORTED])
			return 1;
	return 0;
}

static const gs_look CHANGE_LOOK[4] = {
	[GR_SAME] = {NULL, NULL, NULL, NULL, 0, "", "", -1},
	[GR_ADDED] = {"#d4edda", "bold", NULL, NULL, 0, "", " (added)", -1},
	[GR_REMOVED] = {"#f8d7da", "dashed", "#999999", "#666666", 0, "", " (removed)", -1},
	[GR_CHANGED] = {"#fff3cd", "solid", NULL, NULL, 0, "", " (changed)", -1},
};

gs_scale gs_scale_of(const gr_graph *g)
{
	gs_scale s = {0, 0};
	for (int i = 0; i < g->node_count; i++)
		if (g->nodes[i].visits > s.visits)
			s.visits = g->nodes[i].visits;
	for (int i = 0; i < g->edge_count; i++)
		if (g->edges[i].count > s.count)
			s.count = g->edges[i].count;
	return s;
}

gs_look gs_node_look(const gr_graph *g, const gs_scale *s, const gr_node *n)
{
	gs_look look = CHANGE_LOOK[GR_SAME];
	if (n->kind != GR_STATE)
		return look;
	if (g->overlay & GR_OVERLAY_HISTORY)
		look = STATUS_LOOK[n->status];
	else if (g->overlay & GR_OVERLAY_RUNS) {
		/* 0 for never visited, 4 for the most visited, rounding up so that one visit
		 * shows */
		int heat = s->visits > 0 ? (int)((n->visits * 4 + s->visits - 1) / s->visits) : 0;
		look.heat = heat;
		look.fill = GS_HEAT[heat];
		look.fontcolor = heat >= 3 ? "#ffffff" : NULL;
	}
	if ((g->overlay & GR_OVERLAY_DIFF) && n->change != GR_SAME) {
		const gs_look *c = &CHANGE_LOOK[n->change];
		look.fill = c->fill;
		look.border = c->border;
		look.color = c->color;
		look.fontcolor = c->fontcolor;
		look.suffix = c->suffix;
	}
	return look;
}

const char *gs_type_name(const gr_node *n)
{
	static const char *const TYPES[][2] = {
		{"Task", "type-task"}, {"Pass", "type-pass"},         {"Choice", "type-choice"},
		{"Wait", "type-wait"}, {"Succeed", "type-succeed"},   {"Fail", "type-fail"},
		{"Map", "type-map"},   {"Parallel", "type-parallel"},
	};
	for (size_t i = 0; n->type && i < sizeof TYPES / sizeof *TYPES; i++)
		if (!strcmp(n->type, TYPES[i][0]))
			return TYPES[i][1];
	return "";
}

int gs_overlay_lines(const gr_graph *g, const gr_node *n, char buf[3][96], const char *lines[3])
{
	int count = 0;
	if (n->kind != GR_STATE)
		return 0;
	if ((g->overlay & GR_OVERLAY_HISTORY) && n->retries > 0)
		snprintf(buf[count++], 96, "retried %ld×", n->retries);
	if ((g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS)) && n->type &&
	    !strcmp(n->type, "Map")) {
		const long *it = n->iterations;
		char aborted[32] = "";
		if (it[GR_ABORTED])
			snprintf(aborted, sizeof aborted, " %ld ■", it[GR_ABORTED]);
		if (it[GR_SUCCEEDED] + it[GR_FAILED] + it[GR_CAUGHT] + it[GR_RUNNING] +
			    it[GR_ABORTED] >
		    0)
			snprintf(buf[count++], 96, "iterations: %ld ✓ %ld ✗ %ld ⚠%s%s",
				 it[GR_SUCCEEDED], it[GR_FAILED], it[GR_CAUGHT], aborted,
				 it[GR_RUNNING] ? " (some running)" : "");
	}
	if (g->overlay & GR_OVERLAY_RUNS)
		snprintf(buf[count++], 96, "visits %ld, errors %ld", n->visits, n->failures);
	for (int i = 0; i < count; i++)
		lines[i] = buf[i];
	return count;
}

int gs_edge_width(const gr_graph *g, const gs_scale *s, const gr_edge *e)
{
	if ((g->overlay & GR_OVERLAY_RUNS) && !(g->overlay & GR_OVERLAY_HISTORY))
		return s->count > 0 ? 1 + (int)((e->count * 4 + s->count - 1) / s->count) : 1;
	return (g->overlay & GR_OVERLAY_HISTORY) && e->on_path ? 3 : 1;
}

int gs_legend(const gr_graph *g, gs_legend_item items[12])
{
	int n = 0;
	if (g->overlay & GR_OVERLAY_HISTORY) {
		items[n++] = (gs_legend_item){"#d4edda", "✓ succeeded (solid border)"};
		items[n++] = (gs_legend_item){"#f8d7da", "✗ failed (double bold border)"};
		items[n++] = (gs_legend_item){"#fff3cd", "⚠ caught (dashed border)"};
		items[n++] = (gs_legend_item){"#cce5ff", "▶ running (bold dotted border)"};
		if (any_aborted(g))
			items[n++] = (gs_legend_item){"#e2e3e5", "■ aborted (bold dashed border)"};
		items[n++] = (gs_legend_item){"#f0f0f0", "not run (grey, dotted)"};
		items[n++] = (gs_legend_item){NULL, "bold edges: the path taken; ×N: traversals"};
	} else if (g->overlay & GR_OVERLAY_RUNS) {
		items[n++] = (gs_legend_item){GS_HEAT[0], "never visited"};
		items[n++] = (gs_legend_item){GS_HEAT[2], "visited by some runs"};
		items[n++] = (gs_legend_item){GS_HEAT[4], "the most visited"};
		items[n++] = (gs_legend_item){NULL, "edge width: traversals"};
	}
	if (g->overlay & GR_OVERLAY_DIFF) {
		items[n++] = (gs_legend_item){"#d4edda", "(added): bold border"};
		items[n++] = (gs_legend_item){"#f8d7da", "(removed): dashed, grey"};
		items[n++] = (gs_legend_item){"#fff3cd", "(changed)"};
	}
	return n;
}
