/* graph_diff (--diff OLD): marks the states and edges of g added, removed or changed since an
 * older definition. States match by name (unique in a machine), edges by their ends' names,
 * kind and label. Removed states and edges are copied from the old graph into g, so that a
 * renderer draws every node of g and nothing else. */
#include <stdio.h>
#include <string.h>

#include "graph.h"

/* A Map's or Parallel's own states: compared one by one, so left out of their owner's text. */
static int nested_states(const char *key, size_t len)
{
	static const char *const NESTED[] = {"Branches", "ItemProcessor", "Iterator"};
	for (size_t k = 0; k < sizeof NESTED / sizeof *NESTED; k++)
		if (strlen(NESTED[k]) == len && !memcmp(key, NESTED[k], len))
			return 1;
	return 0;
}

/* How many members of the state object are its own (not nested states). */
static size_t own_members(const asl_value *state)
{
	size_t n = 0;
	for (size_t i = 0; i < asl_object_len(state); i++) {
		size_t klen;
		const char *key = asl_object_key(state, i, &klen);
		n += !nested_states(key, klen);
	}
	return n;
}

/* Whether two state objects say the same, members in any order and whitespace aside. */
static int same_state(const asl_value *a, const asl_value *b)
{
	if (own_members(a) != own_members(b))
		return 0;
	for (size_t i = 0; i < asl_object_len(a); i++) {
		size_t klen;
		const char *key = asl_object_key(a, i, &klen);
		if (nested_states(key, klen))
			continue;
		const asl_value *other = asl_object_get(b, key, klen);
		if (!other || !asl_equal(asl_object_value(a, i), other))
			return 0;
	}
	return 1;
}

/* Ids may hold a NUL (a state named "a\u0000b"): compared with their lengths. */
static int same_id(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/* The node of `g` that is node `n` of `other`: the state of the same name, or the mark with
 * the same id; -1. */
static int same_node(const gr_graph *g, const gr_graph *other, int n)
{
	const gr_node *node = &other->nodes[n];
	if (node->kind == GR_STATE)
		return graph_find_state(g, node->name, node->name_len);
	for (int i = 0; i < g->node_count; i++)
		if (g->nodes[i].kind == node->kind &&
		    same_id(g->nodes[i].id, g->nodes[i].id_len, node->id, node->id_len))
			return i;
	return -1;
}

static int same_label(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The edge of `g` from `from` to `to` of e's kind and label, or -1. */
static int find_edge(const gr_graph *g, int from, int to, const gr_edge *e)
{
	for (int i = 0; i < g->edge_count; i++) {
		const gr_edge *x = &g->edges[i];
		if (x->from == from && x->to == to && x->kind == e->kind &&
		    same_label(x->label, e->label))
			return i;
	}
	return -1;
}

static int cluster_by_id(const gr_graph *g, const gr_cluster *old)
{
	for (int c = 0; c < g->cluster_count; c++)
		if (same_id(g->clusters[c].id, g->clusters[c].id_len, old->id, old->id_len))
			return c;
	return -1;
}

/* The cluster of g to draw a removed node of old's cluster `c` in: the same cluster when g
 * still has it, else the nearest enclosing one it has (a removed Map's own container never
 * exists in g, but the branch it was in may), else the machine. */
static int surviving_cluster(const gr_graph *g, const gr_graph *old, int c)
{
	for (; c >= 0; c = old->clusters[c].parent) {
		int there = cluster_by_id(g, &old->clusters[c]);
		if (there >= 0)
			return there;
	}
	return 0;
}

/* Copies into g the old states it does not have, then the old edges it does not have whose
 * ends are in g now. old_to_new maps the old graph's nodes to g's (-1: not in g). */
static int copy_removed(gr_graph *g, const gr_graph *old, int *old_to_new, int *removed)
{
	int extra_nodes = 0, extra_edges = 0;
	for (int n = 0; n < old->node_count; n++)
		extra_nodes += old_to_new[n] < 0 && old->nodes[n].kind == GR_STATE;
	extra_edges = old->edge_count;
	gr_node *nodes = asl_arena_alloc(g->arena,
					 (size_t)(g->node_count + extra_nodes + 1) * sizeof *nodes);
	gr_edge *edges = asl_arena_alloc(g->arena,
					 (size_t)(g->edge_count + extra_edges + 1) * sizeof *edges);
	if (!nodes || !edges)
		return -1;
	memcpy(nodes, g->nodes, (size_t)g->node_count * sizeof *nodes);
	memcpy(edges, g->edges, (size_t)g->edge_count * sizeof *edges);
	g->nodes = nodes;
	g->edges = edges;
	for (int n = 0; n < old->node_count; n++) {
		if (old_to_new[n] >= 0 || old->nodes[n].kind != GR_STATE)
			continue; /* the marks of a removed Map or Parallel go with its clusters */
		gr_node *copy = &g->nodes[g->node_count];
		*copy = old->nodes[n];
		copy->state = -1; /* not a state of g's machine */
		copy->change = GR_REMOVED;
		copy->cluster = surviving_cluster(g, old, old->nodes[n].cluster);
		old_to_new[n] = g->node_count++;
		(*removed)++;
	}
	for (int e = 0; e < old->edge_count; e++) {
		const gr_edge *oe = &old->edges[e];
		int from = old_to_new[oe->from], to = old_to_new[oe->to];
		if (from < 0 || to < 0 || find_edge(g, from, to, oe) >= 0)
			continue;
		gr_edge *copy = &g->edges[g->edge_count++];
		*copy = *oe;
		copy->from = from;
		copy->to = to;
		copy->change = GR_REMOVED;
	}
	return 0;
}

int graph_diff(gr_graph *g, const gr_graph *old, char *err, size_t errlen)
{
	int added = 0, removed = 0, changed = 0;
	for (int n = 0; n < g->node_count; n++) {
		gr_node *node = &g->nodes[n];
		if (node->kind != GR_STATE)
			continue;
		int o = graph_find_state(old, node->name, node->name_len);
		if (o < 0) {
			node->change = GR_ADDED;
			added++;
		} else if (!same_state(g->ir->states[node->state].at,
				       old->ir->states[old->nodes[o].state].at)) {
			node->change = GR_CHANGED;
			changed++;
		}
	}
	int *old_to_new =
		asl_arena_alloc(g->arena, (size_t)(old->node_count + 1) * sizeof *old_to_new);
	if (!old_to_new) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int n = 0; n < old->node_count; n++)
		old_to_new[n] = same_node(g, old, n);
	int new_edges = g->edge_count;
	if (copy_removed(g, old, old_to_new, &removed) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* an edge of g is added when the old graph has no edge between the same ends */
	int *new_to_old =
		asl_arena_alloc(g->arena, (size_t)(g->node_count + 1) * sizeof *new_to_old);
	if (!new_to_old) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int n = 0; n < g->node_count; n++)
		new_to_old[n] = g->nodes[n].change == GR_REMOVED ? -1 : same_node(old, g, n);
	for (int e = 0; e < new_edges; e++) {
		gr_edge *edge = &g->edges[e];
		int from = new_to_old[edge->from], to = new_to_old[edge->to];
		if (from < 0 || to < 0 || find_edge(old, from, to, edge) < 0)
			edge->change = GR_ADDED;
	}
	g->overlay |= GR_OVERLAY_DIFF;
	graph_note(g, "%d state%s added, %d removed, %d changed", added, added == 1 ? "" : "s",
		   removed, changed);
	return 0;
}
