/* cluster_tree: each cluster's children, found once in O(nodes + clusters) so that a
 * thousand-state machine is not a quadratic walk. */
#include <stdlib.h>
#include <string.h>

#include "cluster_tree.h"

/* Groups the indexes 0..count-1 by key (a counting sort): start[k] .. start[k + 1]. */
static int group(int count, int keys, const int *key, int stride, int **start_out, int **out)
{
	int *start = calloc((size_t)keys + 2, sizeof *start);
	int *items = malloc(((size_t)count + 1) * sizeof *items);
	if (!start || !items) {
		free(start), free(items);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		int k = *(const int *)((const char *)key + (size_t)i * (size_t)stride);
		if (k >= 0)
			start[k + 2]++;
	}
	for (int k = 0; k < keys; k++)
		start[k + 2] += start[k + 1];
	for (int i = 0; i < count; i++) {
		int k = *(const int *)((const char *)key + (size_t)i * (size_t)stride);
		if (k >= 0)
			items[start[k + 1]++] = i;
	}
	*start_out = start;
	*out = items;
	return 0;
}

int cluster_tree_init(cluster_tree *t, const gr_graph *g)
{
	memset(t, 0, sizeof *t);
	t->collapsed_owner = calloc((size_t)g->node_count + 1, 1);
	if (!t->collapsed_owner ||
	    group(g->cluster_count, g->cluster_count, &g->clusters[0].parent, sizeof *g->clusters,
		  &t->child_start, &t->child) != 0 ||
	    group(g->node_count, g->cluster_count, &g->nodes[0].cluster, sizeof *g->nodes,
		  &t->node_start, &t->node) != 0 ||
	    group(g->edge_count, g->node_count, &g->edges[0].from, sizeof *g->edges, &t->out_start,
		  &t->out) != 0) {
		cluster_tree_free(t);
		return -1;
	}
	for (int c = 0; c < g->cluster_count; c++)
		if (g->clusters[c].collapsed && g->clusters[c].owner >= 0)
			t->collapsed_owner[g->clusters[c].owner] = 1;
	return 0;
}

void cluster_tree_free(cluster_tree *t)
{
	free(t->child_start), free(t->child), free(t->node_start), free(t->node);
	free(t->out_start), free(t->out), free(t->collapsed_owner);
	memset(t, 0, sizeof *t);
}
