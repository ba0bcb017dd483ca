/* graph_write_dot: the graph in graphviz's DOT, drawn as the drawing contract says (shapes by
 * state type, edge styles by kind, the overlays' colours, line styles and markers) and with
 * the SVG ids and classes the console selects on. Everything from the definition goes out as
 * an escaped quoted string or an escaped HTML-like label; DOT's own names are n<index> and
 * cluster_<index>, never user text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_tree.h"
#include "graph_style.h"

/* A JSON Pointer (len bytes: a state's name may hold a NUL) in a DOT quoted string that
 * becomes an SVG id or class. The drawing contract's ids are "state:<JSON Pointer>" and the
 * like, and an SVG attribute cannot hold every byte, so the pointer is written reversibly:
 * - a control byte (< 0x20: a NUL or a newline in a name), DEL (0x7f) and '%' itself are
 *   percent-encoded, %XX with upper-case hex ("a\nb" -> "a%0Ab", "50%" -> "50%25"), so
 *   "a\nb" and "a b" stay two ids; every other byte (UTF-8 too) is itself. The console
 *   decodes %XX back (app.js, nameOfNode).
 * - '&' is written "&amp;": graphviz's SVG writer keeps an entity-like "&name;" as an
 *   entity, so a raw '&' in "&amp;" would read back as "&"; an entity it keeps reads back as
 *   the '&' we meant.
 * - a backslash is doubled (dot reads \N, \G ... in ids) and '"' escaped. */
static void id_text(FILE *f, const char *s, size_t len)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + len;
	     p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || *p == '%')
			fprintf(f, "%%%02X", *p);
		else if (*p == '&')
			fputs("&amp;", f);
		else
			fputc(*p, f);
	}
}

/* A quoted id: `before` (our own text) then the pointer. */
static void quoted(FILE *f, const char *before, const char *s, size_t len)
{
	fprintf(f, "\"%s", before);
	id_text(f, s, len);
	fputc('"', f);
}

/* The same, with ":<index>" after it: ids of things drawn once per edge. */
static void quoted_indexed(FILE *f, const char *before, const char *s, size_t len, int index)
{
	fprintf(f, "\"%s", before);
	id_text(f, s, len);
	fprintf(f, ":%d\"", index);
}

/* Text inside an HTML-like label: the markup characters as entities, a newline as a line
 * break, other control characters (a NUL too) left out. */
static void html_n(FILE *f, const char *s, size_t len)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + len;
	     p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\n':
			fputs("<BR/>", f);
			break;
		default:
			if (*p >= 0x20 && *p != 0x7f)
				fputc(*p, f);
		}
	}
}

static void html(FILE *f, const char *s)
{
	html_n(f, s, strlen(s));
}

/* More Catch edges than this into one state (a shared error handler) are drawn to small
 * copies of it next to each catcher: long edges converging on one node are unreadable, and
 * dot's layout time grows with their length times their number (a thousand states catching
 * into one Fail took dot minutes). */
#define FAN_IN_LIMIT 5

/* Above this many nodes, dot's search for the nodes' x positions (network simplex, each step
 * linear in the nodes) is cut to LARGE_NSLIMIT steps per node: a thousand states then take
 * seconds instead of half a minute, in a drawing only slightly less tidy. */
#define LARGE_GRAPH 400
#define LARGE_NSLIMIT "0.2"

typedef struct writer {
	FILE *f;
	const gr_graph *g;
	cluster_tree t;
	gs_scale scale;
	int *catch_fan_in; /* per node: visible Catch edges into it */
} writer;

static int proxied(const writer *w, const gr_edge *e)
{
	return e->kind == GR_EDGE_CATCH && w->catch_fan_in[e->to] > FAN_IN_LIMIT;
}

static void shape_of(const gr_node *n, const char **shape, const char **style, int *peripheries)
{
	*style = "";
	*peripheries = 0;
	const char *type = n->type ? n->type : "";
	if (!strcmp(type, "Task"))
		*shape = "box", *style = "rounded";
	else if (!strcmp(type, "Choice"))
		*shape = "diamond";
	else if (!strcmp(type, "Wait"))
		*shape = "box", *style = "diagonals"; /* clipped corners: a clock's face */
	else if (!strcmp(type, "Succeed"))
		*shape = "box", *style = "rounded,bold", *peripheries = 2;
	else if (!strcmp(type, "Fail"))
		*shape = "octagon";
	else if (!strcmp(type, "Map"))
		*shape = "box3d";
	else if (!strcmp(type, "Parallel"))
		*shape = "component";
	else
		*shape = "box";
}

static void write_mark(writer *w, int i)
{
	const gr_node *n = &w->g->nodes[i];
	int start = n->kind == GR_START;
	fprintf(w->f, "n%d [id=", i);
	quoted(w->f, "mark:", n->id, n->id_len);
	fprintf(w->f,
		", class=\"mark %s\", shape=%s, label=\"\", style=filled, fillcolor=black, "
		"fixedsize=true, width=%s, height=%s];\n",
		start ? "start" : "end", start ? "circle" : "doublecircle", start ? "0.25" : "0.2",
		start ? "0.25" : "0.2");
}

static void write_classes(writer *w, int i, const gs_look *look)
{
	const gr_graph *g = w->g;
	const gr_node *n = &g->nodes[i];
	FILE *f = w->f;
	fprintf(f, ", class=\"state %s", gs_type_name(n));
	if (g->overlay & GR_OVERLAY_HISTORY)
		fprintf(f, " status-%s%s", GS_STATUS[n->status], n->on_path ? " on-path" : "");
	if (look->heat >= 0)
		fprintf(f, " heat-%d", look->heat);
	if (g->overlay & GR_OVERLAY_DIFF)
		fprintf(f, " change-%s", GS_CHANGE[n->change]);
	if (w->t.collapsed_owner[i])
		fputs(" collapsed", f);
	fputc('"', f);
}

/* The name in bold with the overlay's marker, then the details and the overlay's lines. */
static void write_label(writer *w, const gr_node *n, const gs_look *look)
{
	FILE *f = w->f;
	fputs(", label=<<B>", f);
	html(f, look->prefix ? look->prefix : "");
	html_n(f, n->name, n->name_len);
	html(f, look->suffix ? look->suffix : "");
	fputs("</B>", f);
	for (int d = 0; d < n->detail_count; d++) {
		fputs("<BR/>", f);
		html(f, n->details[d]);
	}
	char buf[3][96];
	const char *lines[3];
	int extra = gs_overlay_lines(w->g, n, buf, lines);
	for (int d = 0; d < extra; d++) {
		fputs("<BR/>", f);
		html(f, lines[d]);
	}
	fputc('>', f);
}

static void write_node(writer *w, int i)
{
	const gr_node *n = &w->g->nodes[i];
	if (n->kind != GR_STATE) {
		write_mark(w, i);
		return;
	}
	FILE *f = w->f;
	gs_look look = gs_node_look(w->g, &w->scale, n);
	const char *shape, *style;
	int peripheries;
	shape_of(n, &shape, &style, &peripheries);
	fprintf(f, "n%d [id=", i);
	quoted(f, "state:", n->id, n->id_len);
	write_classes(w, i, &look);
	fprintf(f, ", shape=%s, style=\"%s%sfilled%s%s\", fillcolor=\"%s\"", shape, style,
		*style ? "," : "", look.border ? "," : "", look.border ? look.border : "",
		look.fill ? look.fill : "#ffffff");
	if (look.peripheries > peripheries)
		peripheries = look.peripheries;
	if (peripheries)
		fprintf(f, ", peripheries=%d", peripheries);
	if (look.color)
		fprintf(f, ", color=\"%s\"", look.color);
	if (look.fontcolor)
		fprintf(f, ", fontcolor=\"%s\"", look.fontcolor);
	write_label(w, n, &look);
	fputs("];\n", f);
}

/* The copies of shared handlers that node i's Catch edges go to: "→ Name", drawn next to it. */
static void write_proxies(writer *w, int i, int depth)
{
	const cluster_tree *t = &w->t;
	for (int k = t->out_start[i]; k < t->out_start[i + 1]; k++) {
		const gr_edge *e = &w->g->edges[t->out[k]];
		if (e->hidden || !proxied(w, e))
			continue;
		const gr_node *to = &w->g->nodes[e->to];
		fprintf(w->f, "%*sr%d [id=", depth * 2, "", t->out[k]);
		quoted_indexed(w->f, "ref:", to->id, to->id_len, t->out[k]); /* one per edge */
		fputs(", class=\"ref\", shape=cds, style=filled, fillcolor=\"#f4f4f4\", "
		      "fontsize=9, label=<→ ",
		      w->f);
		html_n(w->f, to->name, to->name_len);
		fputs(">];\n", w->f);
	}
}

static const char *const CLUSTER_KINDS[] = {"machine", "container", "scope"};
static const char *const CLUSTER_STYLES[] = {
	"style=rounded; color=\"#bbbbbb\"",
	"style=\"rounded,filled\"; fillcolor=\"#eef3fa\"; color=\"#7a8ca5\"",
	"style=\"rounded,filled\"; fillcolor=\"#ffffff\"; color=\"#aab4c3\"",
};

static void write_cluster(writer *w, int c, int depth);

/* The nodes and child clusters of cluster c; a collapsed child is its owner node alone. */
static void write_members(writer *w, int c, int depth)
{
	const cluster_tree *t = &w->t;
	for (int k = t->node_start[c]; k < t->node_start[c + 1]; k++)
		if (!w->g->nodes[t->node[k]].hidden) {
			fprintf(w->f, "%*s", depth * 2, "");
			write_node(w, t->node[k]);
			write_proxies(w, t->node[k], depth);
		}
	for (int k = t->child_start[c]; k < t->child_start[c + 1]; k++) {
		const gr_cluster *child = &w->g->clusters[t->child[k]];
		if (!child->collapsed) {
			write_cluster(w, t->child[k], depth);
		} else if (child->owner >= 0 && !w->g->nodes[child->owner].hidden) {
			fprintf(w->f, "%*s", depth * 2, "");
			write_node(w, child->owner);
			write_proxies(w, child->owner, depth);
		}
	}
}

static void write_cluster(writer *w, int c, int depth)
{
	const gr_cluster *cl = &w->g->clusters[c];
	FILE *f = w->f;
	int kind = cl->parent < 0 ? 0 : cl->scope < 0 ? 1 : 2;
	fprintf(f, "%*ssubgraph cluster_%d {\n%*sid=", depth * 2, "", c, depth * 2 + 2, "");
	quoted(f, "cluster:", cl->id, cl->id_len);
	fprintf(f, "; class=\"cluster kind-%s\"; %s;\n%*slabel=<%s", CLUSTER_KINDS[kind],
		CLUSTER_STYLES[kind], depth * 2 + 2, "", kind == 1 ? "<B>" : "");
	html(f, cl->label);
	fprintf(f, "%s>;\n", kind == 1 ? "</B>" : "");
	write_members(w, c, depth + 1);
	fprintf(f, "%*s}\n", depth * 2, "");
}

static const char *const EDGE_STYLES[] = {
	[GR_EDGE_START] = ", penwidth=0.8, arrowsize=0.6",
	[GR_EDGE_NEXT] = "",
	[GR_EDGE_CHOICE] = "",
	[GR_EDGE_DEFAULT] = ", style=dashed",
	[GR_EDGE_CATCH] = ", style=bold, arrowhead=onormal",
	[GR_EDGE_END] = ", penwidth=0.8, arrowsize=0.6",
	[GR_EDGE_BRANCH] = ", style=dotted",
};

static void write_edge_label(writer *w, const gr_edge *e)
{
	const gr_graph *g = w->g;
	FILE *f = w->f;
	int counted = (g->overlay & (GR_OVERLAY_HISTORY | GR_OVERLAY_RUNS)) && e->count > 0;
	int changed = (g->overlay & GR_OVERLAY_DIFF) && e->change != GR_SAME;
	if (!e->label && !counted && !changed)
		return;
	fputs(", label=<", f);
	if (e->kind == GR_EDGE_CATCH)
		fputs("catch: ", f);
	if (e->label)
		html(f, e->label);
	if (counted)
		fprintf(f, " ×%ld", e->count);
	if (changed)
		fprintf(f, " (%s)", GS_CHANGE[e->change]);
	fputc('>', f);
}

static void write_edge(writer *w, int i)
{
	const gr_graph *g = w->g;
	const gr_edge *e = &g->edges[i];
	FILE *f = w->f;
	if (proxied(w, e))
		fprintf(f, "  n%d -> r%d [id=\"edge:", e->from, i);
	else
		fprintf(f, "  n%d -> n%d [id=\"edge:", e->from, e->to);
	id_text(f, g->nodes[e->from].id, g->nodes[e->from].id_len);
	fputs("->", f);
	id_text(f, g->nodes[e->to].id, g->nodes[e->to].id_len);
	fprintf(f, ":%d\", class=\"edge kind-%s", i, GS_EDGE_KIND[e->kind]);
	int on_path = (g->overlay & GR_OVERLAY_HISTORY) && e->on_path;
	if (on_path)
		fputs(" on-path", f);
	if (g->overlay & GR_OVERLAY_DIFF)
		fprintf(f, " change-%s", GS_CHANGE[e->change]);
	fprintf(f, "\"%s", EDGE_STYLES[e->kind]);
	int width = gs_edge_width(g, &w->scale, e);
	if (width > 1)
		fprintf(f, ", penwidth=%d", width);
	if ((g->overlay & GR_OVERLAY_HISTORY) && !on_path)
		fputs(", color=\"#999999\"", f);
	if ((g->overlay & GR_OVERLAY_DIFF) && e->change == GR_ADDED)
		fputs(", color=\"#1e7e34\", penwidth=2.5", f);
	else if ((g->overlay & GR_OVERLAY_DIFF) && e->change == GR_REMOVED)
		fputs(", color=\"#c82333\", style=dashed", f);
	write_edge_label(w, e);
	fputs("];\n", f);
}

/* A legend of the overlay's colours, styles and markers, as one table node. */
static void write_legend(writer *w)
{
	gs_legend_item items[12];
	int n = gs_legend(w->g, items);
	if (!n)
		return;
	FILE *f = w->f;
	fputs("  subgraph cluster_legend {\n    id=\"legend\"; class=\"legend\"; label=\"Legend\"; "
	      "style=rounded; color=\"#bbbbbb\";\n    legend [shape=plaintext, label=<<TABLE "
	      "BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"2\">",
	      f);
	for (int i = 0; i < n; i++) {
		fputs("<TR><TD", f);
		if (items[i].fill)
			fprintf(f, " BGCOLOR=\"%s\"", items[i].fill);
		fputs(">", f);
		html(f, items[i].text);
		fputs("</TD></TR>", f);
	}
	fputs("</TABLE>>];\n  }\n", f);
}

int graph_write_dot(const gr_graph *g, FILE *out)
{
	writer w = {.f = out, .g = g, .scale = gs_scale_of(g)};
	w.catch_fan_in = calloc((size_t)g->node_count + 1, sizeof *w.catch_fan_in);
	if (!w.catch_fan_in || cluster_tree_init(&w.t, g) != 0) {
		free(w.catch_fan_in);
		return -1;
	}
	for (int i = 0; i < g->edge_count; i++)
		if (!g->edges[i].hidden && g->edges[i].kind == GR_EDGE_CATCH)
			w.catch_fan_in[g->edges[i].to]++;
	fputs("digraph aslc {\n"
	      "  compound=true; rankdir=TB; newrank=true;\n"
	      "  graph [fontname=\"Helvetica\", fontsize=11];\n"
	      "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.05\"];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=9];\n",
	      out);
	int visible = 0;
	for (int i = 0; i < g->node_count; i++)
		visible += !g->nodes[i].hidden;
	if (visible > LARGE_GRAPH)
		fprintf(out, "  nslimit=%s; /* a bounded search for the x positions */\n",
			LARGE_NSLIMIT);
	if (g->note_count) {
		/* under the drawing; each cluster has its own label, so none inherits this */
		fputs("  labelloc=b; labeljust=l; label=<", out);
		for (int i = 0; i < g->note_count; i++) {
			fputs(i ? "<BR ALIGN=\"LEFT\"/>" : "", out);
			html(out, g->notes[i]);
		}
		fputs("<BR ALIGN=\"LEFT\"/>>;\n", out);
	}
	write_cluster(&w, 0, 1);
	for (int i = 0; i < g->edge_count; i++)
		if (!g->edges[i].hidden)
			write_edge(&w, i);
	write_legend(&w);
	fputs("}\n", out);
	cluster_tree_free(&w.t);
	free(w.catch_fan_in);
	return ferror(out) ? -1 : 0;
}
