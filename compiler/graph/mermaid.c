/* graph_write_mermaid: the graph as a Mermaid flowchart that GitHub renders in a pull
 * request. Node ids are n<index> and subgraph ids c<index> (never user text: a state named
 * "end" or "A-->B" would break the syntax); every label is a quoted string whose breaking
 * characters are Mermaid entity codes (#quot; #lt; #gt; #amp; #35; #124; #96;). Labels are
 * short: the name, the overlay's lines and at most two details. */
#include <stdio.h>
#include <string.h>

#include "cluster_tree.h"
#include "graph_style.h"

#define MAX_DETAILS 2

/* Text inside a quoted Mermaid label. '#' starts an entity and '`' a markdown string, so
 * both are codes too; a newline (or a NUL) becomes a space. */
static void text_n(FILE *f, const char *s, size_t len)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + len;
	     p++) {
		switch (*p) {
		case '"':
			fputs("#quot;", f);
			break;
		case '<':
			fputs("#lt;", f);
			break;
		case '>':
			fputs("#gt;", f);
			break;
		case '&':
			fputs("#amp;", f);
			break;
		case '#':
			fputs("#35;", f);
			break;
		case '|':
			fputs("#124;", f);
			break;
		case '`':
			fputs("#96;", f);
			break;
		default:
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
		}
	}
}

static void text(FILE *f, const char *s)
{
	text_n(f, s, strlen(s));
}

typedef struct writer {
	FILE *f;
	const gr_graph *g;
	cluster_tree t;
	gs_scale scale;
} writer;

/* The brackets of a node's shape: Choice a rhombus, Succeed a stadium, Fail a hexagon. */
static void shape_of(const gr_node *n, const char **open, const char **close)
{
	const char *type = n->type ? n->type : "";
	*open = "[", *close = "]";
	if (n->kind == GR_START)
		*open = "((", *close = "))";
	else if (n->kind == GR_END)
		*open = "(((", *close = ")))";
	else if (!strcmp(type, "Task"))
		*open = "(", *close = ")";
	else if (!strcmp(type, "Choice"))
		*open = "{", *close = "}";
	else if (!strcmp(type, "Wait"))
		*open = "[/", *close = "/]";
	else if (!strcmp(type, "Succeed"))
		*open = "([", *close = "])";
	else if (!strcmp(type, "Fail"))
		*open = "{{", *close = "}}";
	else if (!strcmp(type, "Map") || !strcmp(type, "Parallel"))
		*open = "[[", *close = "]]";
}

static void write_node(writer *w, int i, int depth)
{
	const gr_node *n = &w->g->nodes[i];
	FILE *f = w->f;
	const char *open, *close;
	shape_of(n, &open, &close);
	fprintf(f, "%*sn%d%s\"", depth * 2, "", i, open);
	if (n->kind != GR_STATE) {
		fprintf(f, "%s\"%s\n", n->kind == GR_START ? "start" : "end", close);
		return;
	}
	gs_look look = gs_node_look(w->g, &w->scale, n);
	text(f, look.prefix ? look.prefix : "");
	text_n(f, n->name, n->name_len); /* all of it: a NUL is a space, as a newline */
	text(f, look.suffix ? look.suffix : "");
	char buf[3][96];
	const char *lines[3];
	int extra = gs_overlay_lines(w->g, n, buf, lines);
	for (int d = 0; d < extra; d++) {
		fputs("<br/>", f);
		text(f, lines[d]);
	}
	/* a collapsed container's "(N states collapsed)" is its last detail: keep it */
	int first = 0, count = n->detail_count;
	if (w->t.collapsed_owner[i] && count > MAX_DETAILS)
		first = count - MAX_DETAILS;
	for (int d = first; d < count && d < first + MAX_DETAILS; d++) {
		fputs("<br/>", f);
		text(f, n->details[d]);
	}
	fprintf(f, "\"%s\n", close);
}

static void write_cluster(writer *w, int c, int depth);

static void write_members(writer *w, int c, int depth)
{
	const cluster_tree *t = &w->t;
	for (int k = t->node_start[c]; k < t->node_start[c + 1]; k++)
		if (!w->g->nodes[t->node[k]].hidden)
			write_node(w, t->node[k], depth);
	for (int k = t->child_start[c]; k < t->child_start[c + 1]; k++) {
		const gr_cluster *child = &w->g->clusters[t->child[k]];
		if (!child->collapsed)
			write_cluster(w, t->child[k], depth);
		else if (child->owner >= 0 && !w->g->nodes[child->owner].hidden)
			write_node(w, child->owner, depth);
	}
}

static void write_cluster(writer *w, int c, int depth)
{
	fprintf(w->f, "%*ssubgraph c%d[\"", depth * 2, "", c);
	text(w->f, w->g->clusters[c].label[0] ? w->g->clusters[c].label : " ");
	fputs("\"]\n", w->f);
	write_members(w, c, depth + 1);
	fprintf(w->f, "%*send\n", depth * 2, "");
}

static const char *const ARROWS[] = {
	[GR_EDGE_START] = "-->",    [GR_EDGE_NEXT] = "-->",  [GR_EDGE_CHOICE] = "-->",
	[GR_EDGE_DEFAULT] = "-.->", [GR_EDGE_CATCH] = "==>", [GR_EDGE_END] = "-->",
	[GR_EDGE_BRANCH] = "-.->",
};

static void write_edge(writer *w, const gr_edge *e)
{
	const gr_graph *g = w->g;
	FILE *f = w->f;
	int counted = (g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS)) && e->count > 0;
	int changed = (g->overlay & GR_OVERLAY_DIFF) && e->change != GR_SAME;
	fprintf(f, "  n%d %s", e->from, ARROWS[e->kind]);
	if (e->label || counted || changed) {
		fputs("|\"", f);
		if (e->kind == GR_EDGE_CATCH)
			fputs("catch: ", f);
		if (e->label)
			text(f, e->label);
		if (counted)
			fprintf(f, " ×%ld", e->count);
		if (changed)
			fprintf(f, " (%s)", GS_CHANGE[e->change]);
		fputs("\"|", f);
	}
	fprintf(f, " n%d\n", e->to);
}

/* The class names of the statuses: Mermaid's have '_' where the SVG's have '-'. */
static const char *const STATUS_NAMES[GR_STATUS_COUNT] = {"not_run", "succeeded", "failed",
							  "caught",  "running",   "aborted"};

/* classDef of every look an overlay can give, then which nodes have it. */
static void write_classes(writer *w)
{
	const gr_graph *g = w->g;
	FILE *f = w->f;
	static const char *const STATUS_DEFS[GR_STATUS_COUNT] = {
		"fill:#f0f0f0,stroke:#999,color:#999,stroke-dasharray:2 2",
		"fill:#d4edda,stroke:#333",
		"fill:#f8d7da,stroke:#333,stroke-width:3px",
		"fill:#fff3cd,stroke:#333,stroke-dasharray:5 5",
		"fill:#cce5ff,stroke:#333,stroke-width:3px,stroke-dasharray:2 2",
		"fill:#e2e3e5,stroke:#333,stroke-width:3px,stroke-dasharray:5 5",
	};
	int aborted = 0; /* its classDef only when used: older outputs stay as they were */
	static const char *const CHANGE_DEFS[4] = {
		NULL,
		"fill:#d4edda,stroke:#333,stroke-width:3px",
		"fill:#f8d7da,stroke:#999,color:#666,stroke-dasharray:5 5",
		"fill:#fff3cd,stroke:#333",
	};
	for (int i = 0; i < g->node_count; i++) {
		const gr_node *n = &g->nodes[i];
		if (n->hidden || n->kind != GR_STATE)
			continue;
		gs_look look = gs_node_look(g, &w->scale, n);
		if ((g->overlay & GR_OVERLAY_DIFF) && n->change != GR_SAME)
			fprintf(f, "  class n%d change_%s\n", i, GS_CHANGE[n->change]);
		else if (g->overlay & GR_OVERLAY_HISTORY)
			fprintf(f, "  class n%d status_%s\n", i, STATUS_NAMES[n->status]),
				aborted |= n->status == GR_ABORTED;
		else if (look.heat >= 0)
			fprintf(f, "  class n%d heat_%d\n", i, look.heat);
	}
	for (int s = 0; (g->overlay & GR_OVERLAY_HISTORY) && s < GR_STATUS_COUNT; s++) {
		if (s != GR_ABORTED || aborted)
			fprintf(f, "  classDef status_%s %s\n", STATUS_NAMES[s], STATUS_DEFS[s]);
	}
	for (int c = 1; (g->overlay & GR_OVERLAY_DIFF) && c < 4; c++)
		fprintf(f, "  classDef change_%s %s\n", GS_CHANGE[c], CHANGE_DEFS[c]);
	for (int h = 0;
	     (g->overlay & GR_OVERLAY_RUNS) && !(g->overlay & GR_OVERLAY_HISTORY) && h < 5; h++)
		fprintf(f, "  classDef heat_%d fill:%s,stroke:#333%s\n", h, GS_HEAT[h],
			h >= 3 ? ",color:#fff" : "");
}

/* linkStyle by the order the links were written in: the path's width, the heat's width. */
static void write_link_styles(writer *w)
{
	const gr_graph *g = w->g;
	if (!(g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS)))
		return;
	int link = 0;
	for (int i = 0; i < g->edge_count; i++) {
		const gr_edge *e = &g->edges[i];
		if (e->hidden)
			continue;
		int width = gs_edge_width(g, &w->scale, e);
		if (width > 1)
			fprintf(w->f, "  linkStyle %d stroke-width:%dpx\n", link, width);
		link++;
	}
}

/* The legend and the notes as one plain node under the drawing. */
static void write_notes(writer *w)
{
	gs_legend_item items[12];
	int n = gs_legend(w->g, items);
	if (!n && !w->g->note_count)
		return;
	FILE *f = w->f;
	fputs("  legend[\"", f);
	for (int i = 0; i < w->g->note_count; i++) {
		fputs(i ? "<br/>" : "", f);
		text(f, w->g->notes[i]);
	}
	for (int i = 0; i < n; i++) {
		fputs(i || w->g->note_count ? "<br/>" : "", f);
		text(f, items[i].text);
	}
	fputs("\"]\n  classDef legend fill:#fff,stroke:#bbb\n  class legend legend\n", f);
}

int graph_write_mermaid(const gr_graph *g, FILE *out)
{
	writer w = {.f = out, .g = g, .scale = gs_scale_of(g)};
	if (cluster_tree_init(&w.t, g) != 0)
		return -1;
	fputs("flowchart TD\n", out);
	write_cluster(&w, 0, 1);
	for (int i = 0; i < g->edge_count; i++)
		if (!g->edges[i].hidden)
			write_edge(&w, &g->edges[i]);
	write_notes(&w);
	write_classes(&w);
	write_link_styles(&w);
	cluster_tree_free(&w.t);
	return ferror(out) ? -1 : 0;
}
