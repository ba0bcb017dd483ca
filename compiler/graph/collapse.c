/* Collapsing: a Map or Parallel container drawn as its state's node alone, for large machines
 * (--collapse maps|parallels|depth=N) and to keep Mermaid within GitHub's limits. Collapsing
 * marks clusters; apply() then hides what they hold and moves the ends of edges that touched
 * a hidden node onto the owner node that stands for it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define GITHUB_MAX_EDGES 500
#define GITHUB_MAX_CHARS 50000

/* A container's nesting: 1 for one in the machine, 2 for one inside a branch of that... */
static int level(const gr_cluster *c)
{
	return (c->depth + 1) / 2;
}

static int is_container(const gr_cluster *c)
{
	return c->parent >= 0 && c->scope < 0 && c->owner >= 0;
}

/* The node that stands for node n: the owner of its outermost collapsed container (unless n
 * is that owner), else n. */
static int stand_in(const gr_graph *g, int n)
{
	int rep = n;
	for (int c = g->nodes[n].cluster; c >= 0; c = g->clusters[c].parent)
		if (g->clusters[c].collapsed && g->clusters[c].owner != n)
			rep = g->clusters[c].owner;
	return rep;
}

/* How many states a collapsed container hides. */
static long hidden_states(const gr_graph *g, int container)
{
	long count = 0;
	for (int i = 0; i < g->node_count; i++) {
		if (g->nodes[i].kind != GR_STATE || i == g->clusters[container].owner)
			continue;
		for (int c = g->nodes[i].cluster; c >= 0; c = g->clusters[c].parent)
			if (c == container) {
				count++;
				break;
			}
	}
	return count;
}

/* Adds "(N states collapsed)" to the owner's details, once. */
static void add_detail(gr_graph *g, int container)
{
	gr_node *owner = &g->nodes[g->clusters[container].owner];
	if (owner->detail_count && strstr(owner->details[owner->detail_count - 1], "collapsed)"))
		return;
	char text[64];
	long n = hidden_states(g, container);
	snprintf(text, sizeof text, "(%ld state%s collapsed)", n, n == 1 ? "" : "s");
	const asl_value *copy = asl_string(g->arena, text, strlen(text));
	const char **details =
		asl_arena_alloc(g->arena, (size_t)(owner->detail_count + 1) * sizeof *details);
	if (!copy || !details)
		return; /* the arena's failed flag tells the caller */
	if (owner->detail_count)
		memcpy(details, owner->details, (size_t)owner->detail_count * sizeof *details);
	details[owner->detail_count++] = copy->u.string.ptr;
	owner->details = details;
}

static void apply(gr_graph *g)
{
	for (int c = 0; c < g->cluster_count; c++)
		if (g->clusters[c].collapsed)
			add_detail(g, c);
	for (int i = 0; i < g->node_count; i++)
		g->nodes[i].hidden = stand_in(g, i) != i;
	for (int i = 0; i < g->edge_count; i++) {
		gr_edge *e = &g->edges[i];
		if (e->hidden)
			continue;
		e->from = stand_in(g, e->from);
		e->to = stand_in(g, e->to);
		/* a branch edge to its own start mark, or one inside the container */
		e->hidden = e->from == e->to;
	}
}

/* Collapses the containers that `want` picks; how many it newly collapsed. */
static int collapse_where(gr_graph *g, int (*want)(const gr_graph *, const gr_cluster *, int),
			  int arg)
{
	int count = 0;
	for (int c = 0; c < g->cluster_count; c++) {
		gr_cluster *cl = &g->clusters[c];
		if (is_container(cl) && !cl->collapsed && want(g, cl, arg)) {
			cl->collapsed = 1;
			count++;
		}
	}
	apply(g);
	return count;
}

static int of_type(const gr_graph *g, const gr_cluster *c, int map)
{
	const char *type = g->nodes[c->owner].type;
	return type && !strcmp(type, map ? "Map" : "Parallel");
}

static int deeper_than(const gr_graph *g, const gr_cluster *c, int n)
{
	(void)g;
	return level(c) > n;
}

int graph_collapse(gr_graph *g, const char *spec, char *err, size_t errlen)
{
	if (!strcmp(spec, "maps") || !strcmp(spec, "parallels")) {
		collapse_where(g, of_type, spec[0] == 'm');
		return 0;
	}
	if (!strncmp(spec, "depth=", 6) && spec[6] >= '0' && spec[6] <= '9') {
		char *end;
		long n = strtol(spec + 6, &end, 10);
		if (!*end && n >= 0 && n < 1000000) {
			collapse_where(g, deeper_than, (int)n);
			return 0;
		}
	}
	snprintf(err, errlen, "--collapse takes maps, parallels or depth=N");
	return -1;
}

/* Whether the Mermaid text fits: its visible edges first (cheap), then its size. */
static int fits(const gr_graph *g)
{
	int edges = 0;
	for (int i = 0; i < g->edge_count; i++)
		edges += !g->edges[i].hidden;
	if (edges > GITHUB_MAX_EDGES)
		return 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return 1; /* cannot tell: leave the drawing as it is */
	int failed = graph_write_mermaid(g, f) != 0;
	failed |= fclose(f) != 0;
	free(text);
	return failed || len <= GITHUB_MAX_CHARS;
}

/* The container of level `n` that holds cluster c (c itself when it is one), or -1. */
static int container_at(const gr_graph *g, int c, int n)
{
	for (; c >= 0; c = g->clusters[c].parent)
		if (is_container(&g->clusters[c]) && level(&g->clusters[c]) == n)
			return c;
	return -1;
}

typedef struct sized {
	int cluster;
	long size; /* visible nodes inside and visible edges touching them */
} sized;

static int bigger_first(const void *a, const void *b)
{
	const sized *x = a, *y = b;
	return x->size != y->size ? (x->size < y->size ? 1 : -1) : x->cluster - y->cluster;
}

/* Collapses the containers of level n, biggest first, until the drawing fits; how many it
 * collapsed, with *fit set. Deeper levels are collapsed already, so the containers of one
 * level are disjoint and their sizes do not change as their siblings collapse. */
static int fit_level(gr_graph *g, int n, int *fit)
{
	sized *c = calloc((size_t)g->cluster_count + 1, sizeof *c);
	if (!c)
		return 0;
	for (int i = 0; i < g->cluster_count; i++)
		c[i].cluster = i;
	for (int i = 0; i < g->node_count; i++) {
		int at = container_at(g, g->nodes[i].cluster, n);
		if (at >= 0 && !g->nodes[i].hidden && g->clusters[at].owner != i)
			c[at].size++;
	}
	for (int i = 0; i < g->edge_count; i++) {
		const gr_edge *e = &g->edges[i];
		int from = container_at(g, g->nodes[e->from].cluster, n);
		int to = container_at(g, g->nodes[e->to].cluster, n);
		if (e->hidden)
			continue;
		if (from >= 0)
			c[from].size++;
		if (to >= 0 && to != from)
			c[to].size++;
	}
	qsort(c, (size_t)g->cluster_count, sizeof *c, bigger_first);
	int count = 0;
	for (int k = 0; k < g->cluster_count && !*fit; k++) {
		gr_cluster *cl = &g->clusters[c[k].cluster];
		if (!is_container(cl) || level(cl) != n || cl->collapsed ||
		    g->nodes[cl->owner].hidden)
			continue;
		cl->collapsed = 1;
		apply(g);
		count++;
		*fit = fits(g);
	}
	free(c);
	return count;
}

void graph_fit_mermaid(gr_graph *g)
{
	if (fits(g))
		return;
	int deepest = 0;
	for (int c = 0; c < g->cluster_count; c++)
		if (is_container(&g->clusters[c]) && level(&g->clusters[c]) > deepest)
			deepest = level(&g->clusters[c]);
	/* only what needs it: the deepest containers first, the biggest of them first, one at a
	 * time until it fits (a whole level at once lost every Parallel's detail to make room for
	 * one big Map) */
	int collapsed = 0, fit = 0;
	for (int n = deepest; n >= 1 && !fit; n--)
		collapsed += fit_level(g, n, &fit);
	/* nested containers inside an outer one that collapsed too are not worth counting */
	int shown = 0;
	for (int c = 0; c < g->cluster_count; c++)
		shown += g->clusters[c].collapsed && !g->nodes[g->clusters[c].owner].hidden;
	if (collapsed)
		graph_note(g,
			   "collapsed %d Map/Parallel state%s to fit GitHub's Mermaid limits (500 "
			   "edges, 50,000 characters)",
			   shown, shown == 1 ? "" : "s");
	if (!fit)
		graph_note(g,
			   "this drawing still exceeds GitHub's Mermaid limits (500 edges, "
			   "50,000 characters)%s",
			   collapsed ? " with every Map and Parallel collapsed" : "");
}
