/* The clusters of a graph as a tree, for the renderers that write nested blocks (DOT
 * subgraphs, Mermaid subgraphs): each cluster's child clusters and nodes in order, each node's
 * edges, and which nodes stand for a collapsed container. */
#ifndef ASLC_CLUSTER_TREE_H
#define ASLC_CLUSTER_TREE_H

#include "graph.h"

typedef struct cluster_tree {
	int *child_start, *child; /* child clusters of c: child[child_start[c] .. [c + 1]) */
	int *node_start, *node; /* nodes drawn in c, likewise */
	int *out_start, *out; /* edges from node n: out[out_start[n] .. [n + 1]) */
	char *collapsed_owner; /* per node: it is a collapsed container's owner */
} cluster_tree;

/* 0, or -1 when out of memory. */
int cluster_tree_init(cluster_tree *t, const gr_graph *g);
void cluster_tree_free(cluster_tree *t);

#endif
