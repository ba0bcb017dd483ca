/* The graph of a definition: what `aslc graph` draws and the console shows. Built from the
 * compiler's lowered form (ir.h) by graph_build (model.c); overlays (an execution's history,
 * many runs, a diff against an older definition) and collapsing annotate it in place; the
 * renderers (json.c, dot.c, mermaid.c) only read it. Everything lives in one arena. */
#ifndef ASLC_GRAPH_H
#define ASLC_GRAPH_H

#include <stdio.h>

#include "../aslc.h"
#include "../ir.h"

/* ---- the drawing ---- */
typedef enum gr_node_kind {
	GR_STATE, /* a state; a Map or Parallel state is also the owner of a cluster */
	GR_START, /* the start mark of a scope (the machine, a branch, a Map's processor) */
	GR_END /* the end mark of a scope: where End, Succeed (and Fail) go */
} gr_node_kind;

typedef enum gr_edge_kind {
	GR_EDGE_START, /* start mark -> StartAt */
	GR_EDGE_NEXT,
	GR_EDGE_CHOICE, /* a Choice rule: label is the rule ($.x > 2) */
	GR_EDGE_DEFAULT, /* a Choice's Default: drawn dashed */
	GR_EDGE_CATCH, /* label is the ErrorEquals (States.ALL, States.Timeout) */
	GR_EDGE_END, /* End: true, Succeed, Fail -> the scope's end mark */
	GR_EDGE_BRANCH /* a Map or Parallel -> the start mark of each of its branches */
} gr_edge_kind;

/* What an overlay found of a state or edge. */
typedef enum gr_status {
	GR_NOT_RUN, /* no overlay, or the execution never reached it */
	GR_SUCCEEDED,
	GR_FAILED, /* failed and the failure left the state (not caught) */
	GR_CAUGHT, /* failed and a Catch took it */
	GR_RUNNING, /* entered and not yet left */
	GR_ABORTED /* left open when the execution (or its Map iteration) was stopped or timed
		    * out; last, so the values above keep their numbers */
} gr_status;
#define GR_STATUS_COUNT 6

typedef enum gr_change { GR_SAME, GR_ADDED, GR_REMOVED, GR_CHANGED } gr_change;

typedef struct gr_node {
	gr_node_kind kind;
	int state; /* the IR state; -1 for marks */
	int cluster; /* the cluster it is drawn in (0: the machine) */
	const char *id; /* JSON Pointer: "/States/A", "/States/M/ItemProcessor/States/B"; a mark
			 * is its scope's pointer + "#start" or "#end" */
	const char *name; /* the state's name; "Start" / "End" for marks */
	size_t id_len, name_len; /* a name, so an id, may hold a NUL ("a\u0000b"): use these */
	const char *type; /* "Task", "Choice", ...; NULL for marks */
	int line, col; /* of the state object; 0 for marks */
	const char **details; /* short lines for the drawing: the Task's resource, Wait 10 s,
			       * Retry ..., Assign x, y, Map ItemsPath/ItemReader/MaxConcurrency */
	int detail_count;
	int hidden; /* inside a collapsed cluster */
	/* overlays */
	gr_status status;
	int on_path; /* the execution passed here */
	long visits, failures, retries; /* entered, failed (caught or not), retry attempts */
	long iterations[GR_STATUS_COUNT]; /* Map: iterations by gr_status (the index) */
	gr_change change;
} gr_node;

typedef struct gr_edge {
	gr_edge_kind kind;
	int from, to; /* node indexes */
	const char *label; /* the Choice rule or the Catch's errors; NULL */
	int which; /* the rule, catcher or branch index */
	int hidden;
	/* overlays */
	long count; /* traversals */
	int on_path;
	gr_change change;
} gr_edge;

typedef struct gr_cluster {
	int owner; /* the Map or Parallel node; -1 for the machine */
	int parent; /* -1 for the machine */
	int scope; /* the IR scope; -1 for a container cluster (see below) */
	int depth; /* 0 for the machine */
	const char *id; /* JSON Pointer of the scope: "", "/States/P/Branches/0" */
	size_t id_len; /* it may hold a NUL, as gr_node's */
	const char *label; /* "Branch 1", "ItemProcessor"; the owner's name for a container */
	int collapsed; /* drawn as its owner node alone */
} gr_cluster;

/* A Map or Parallel state is drawn as a cluster (the container: scope -1, owner the state)
 * that holds the state's node (its title box, with the details) and one cluster per branch
 * (or the one processor), each with its own start and end marks. */
typedef struct gr_graph {
	gr_node *nodes;
	int node_count;
	gr_edge *edges;
	int edge_count;
	gr_cluster *clusters;
	int cluster_count;
	const char *name; /* the machine's name (StateMachine.Name) */
	const char *comment; /* the definition's Comment; NULL */
	const char **notes; /* said under the drawing: "3 Map processors collapsed to fit GitHub" */
	int note_count;
	int overlay; /* GR_OVERLAY_* bits: which overlay fields mean something */
	long runs; /* --runs: how many histories */
	int *state_node; /* the node of each IR state */
	asl_arena *arena;
	const ir_machine *ir;
} gr_graph;

#define GR_OVERLAY_HISTORY 1
#define GR_OVERLAY_RUNS 2
#define GR_OVERLAY_DIFF 4

/* The graph of a lowered machine; src gives line:col. NULL when out of memory. */
gr_graph *graph_build(const ir_machine *ir, const source *src, asl_arena *arena);

/* The node of a state by its name (names are unique in a machine), or -1. */
int graph_find_state(const gr_graph *g, const char *name, size_t len);
/* Appends a note; `text` is copied. */
void graph_note(gr_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text of a Choice rule, as on its edge: "$.x > 2", "$.s == \"a\"", "($.a > 1 and
 * not($.b is present))". */
const char *graph_rule_text(asl_arena *arena, const ir_rule *rule);

/* ---- overlays and collapsing (overlay_history.c, overlay_runs.c, diff.c, collapse.c) ----
 * Each returns 0, or -1 with a one-line reason in err. */
int graph_overlay_history(gr_graph *g, const char *json, size_t len, char *err, size_t errlen);
int graph_overlay_runs(gr_graph *g, const char *ndjson, size_t len, char *err, size_t errlen);
int graph_diff(gr_graph *g, const gr_graph *old, char *err, size_t errlen);
/* spec: "maps", "parallels" or "depth=N". */
int graph_collapse(gr_graph *g, const char *spec, char *err, size_t errlen);
/* Collapses the deepest clusters until the Mermaid text fits GitHub's limits (500 edges,
 * 50,000 characters), noting what it did. */
void graph_fit_mermaid(gr_graph *g);

/* ---- renderers: 0, or -1 when writing failed ---- */
int graph_write_json(const gr_graph *g, FILE *out);
int graph_write_dot(const gr_graph *g, FILE *out);
int graph_write_mermaid(const gr_graph *g, FILE *out);

/* Runs graphviz's `dot -T<format>` (svg, png) on DOT text. The output is malloc'd (its length
 * in *len), or NULL with the reason in err ("graphviz's dot is not installed ..."). */
char *graph_run_dot(const char *dot, size_t dot_len, const char *format, size_t *len, char *err,
		    size_t errlen);

#endif
