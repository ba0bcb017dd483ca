/* Unit tests of the DOT and Mermaid renderers' overlay drawing (compiler/graph/dot.c,
 * mermaid.c, dot_style.c): a graph built from a definition, its overlay fields set by hand
 * as the overlays (part B) set them, then the drawing contract's classes, colours, line
 * styles, markers, counts and legend checked in the text. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph.h"
#include "graph/graph_render.h"
#include "ir.h"

/* render_failure_closes_the_stream makes an allocation fail on purpose: under ASan and TSan it
 * must return NULL, not abort, so that LeakSanitizer can then check nothing leaked. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "allocator_may_return_null=1";
}

static asl_arena arena;
static source src;
static machine_info info;

static const char *const DEF =
	"{\"StartAt\":\"A\",\"States\":{"
	"\"A\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
	"\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"F\"}],\"Next\":\"M\"},"
	"\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{"
	"\"I\":{\"Type\":\"Pass\",\"End\":true}}},\"Next\":\"W\"},"
	"\"W\":{\"Type\":\"Wait\",\"Seconds\":3,\"End\":true},"
	"\"F\":{\"Type\":\"Fail\"}}}";

static void setup(void)
{
	asl_arena_init(&arena, NULL);
	memset(&src, 0, sizeof src);
	memset(&info, 0, sizeof info);
}

static void teardown(void)
{
	free(src.text);
	asl_arena_destroy(&arena);
}

static gr_graph *built(void)
{
	src.path = "test.asl.json";
	ck_assert_int_eq(source_parse(&src, strdup(DEF), strlen(DEF), &arena), 0);
	info.name = "test";
	ck_assert_int_eq(validate(&src, &arena, &info), 0);
	const ir_machine *ir = lower(&info, &arena);
	ck_assert_ptr_nonnull(ir);
	gr_graph *g = graph_build(ir, &src, &arena);
	ck_assert_ptr_nonnull(g);
	return g;
}

static gr_node *node(gr_graph *g, const char *name)
{
	int n = graph_find_state(g, name, strlen(name));
	ck_assert_int_ge(n, 0);
	return &g->nodes[n];
}

static gr_edge *edge(gr_graph *g, const char *from, gr_edge_kind kind)
{
	int f = graph_find_state(g, from, strlen(from));
	for (int i = 0; i < g->edge_count; i++)
		if (g->edges[i].from == f && g->edges[i].kind == kind)
			return &g->edges[i];
	ck_abort_msg("no edge from %s", from);
	return NULL;
}

/* The text of a renderer; the caller frees it. */
static char *drawn(gr_graph *g, int (*write)(const gr_graph *, FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_int_eq(write(g, f), 0);
	fclose(f);
	return text;
}

/* The DOT line of the node whose id is state:<pointer>. */
static char *line_of(char *dot, const char *id)
{
	char *at = strstr(dot, id);
	ck_assert_msg(at != NULL, "no %s", id);
	char *end = strchr(at, '\n');
	*end = 0;
	char *copy = strdup(at);
	*end = '\n';
	return copy;
}

START_TEST(history_overlay)
{
	gr_graph *g = built();
	g->overlay = GR_OVERLAY_HISTORY;
	node(g, "A")->status = GR_CAUGHT, node(g, "A")->on_path = 1, node(g, "A")->retries = 2;
	node(g, "F")->status = GR_FAILED, node(g, "F")->on_path = 1;
	gr_node *m = node(g, "M");
	m->iterations[GR_SUCCEEDED] = 3, m->iterations[GR_FAILED] = 1;
	node(g, "I")->status = GR_RUNNING;
	edge(g, "A", GR_EDGE_CATCH)->on_path = 1, edge(g, "A", GR_EDGE_CATCH)->count = 1;
	char *dot = drawn(g, graph_write_dot);
	char *a = line_of(dot, "\"state:/States/A\"");
	ck_assert_ptr_nonnull(strstr(a, "class=\"state type-task status-caught on-path\""));
	ck_assert_ptr_nonnull(strstr(a, "fillcolor=\"#fff3cd\""));
	ck_assert_ptr_nonnull(strstr(a, "dashed"));
	ck_assert_ptr_nonnull(strstr(a, "<B>⚠ A</B>"));
	ck_assert_ptr_nonnull(strstr(a, "retried 2×"));
	char *f = line_of(dot, "\"state:/States/F\"");
	ck_assert_ptr_nonnull(strstr(f, "status-failed on-path"));
	ck_assert_ptr_nonnull(strstr(f, "peripheries=2"));
	ck_assert_ptr_nonnull(strstr(f, "✗ F"));
	char *mm = line_of(dot, "\"state:/States/M\"");
	ck_assert_ptr_nonnull(strstr(mm, "status-not-run"));
	ck_assert_ptr_nonnull(strstr(mm, "dotted"));
	ck_assert_ptr_nonnull(strstr(mm, "iterations: 3 ✓ 1 ✗ 0 ⚠"));
	char *i = line_of(dot, "\"state:/States/M/ItemProcessor/States/I\"");
	ck_assert_ptr_nonnull(strstr(i, "status-running"));
	ck_assert_ptr_nonnull(strstr(i, "bold,dotted"));
	ck_assert_ptr_nonnull(strstr(i, "▶ I"));
	char *e = line_of(dot, "\"edge:/States/A->/States/F:");
	ck_assert_ptr_nonnull(strstr(e, "kind-catch on-path"));
	ck_assert_ptr_nonnull(strstr(e, "penwidth=3"));
	ck_assert_ptr_nonnull(strstr(e, "catch: States.ALL ×1"));
	ck_assert_ptr_nonnull(strstr(dot, "id=\"legend\""));
	free(a), free(f), free(mm), free(i), free(e), free(dot);
	char *mermaid = drawn(g, graph_write_mermaid);
	ck_assert_ptr_nonnull(strstr(mermaid, "status_caught"));
	ck_assert_ptr_nonnull(strstr(mermaid, "classDef status_not_run"));
	ck_assert_ptr_nonnull(strstr(mermaid, "⚠ A<br/>retried 2×"));
	ck_assert_ptr_nonnull(strstr(mermaid, "==>|\"catch: States.ALL ×1\"|"));
	ck_assert_ptr_nonnull(strstr(mermaid, "stroke-width:3px"));
	free(mermaid);
}
END_TEST

START_TEST(runs_heat_map)
{
	gr_graph *g = built();
	g->overlay = GR_OVERLAY_RUNS;
	g->runs = 4;
	node(g, "A")->visits = 4, node(g, "A")->failures = 1;
	node(g, "M")->visits = 1;
	edge(g, "A", GR_EDGE_NEXT)->count = 3;
	char *dot = drawn(g, graph_write_dot);
	char *a = line_of(dot, "\"state:/States/A\"");
	ck_assert_ptr_nonnull(strstr(a, "heat-4"));
	ck_assert_ptr_nonnull(strstr(a, "fillcolor=\"#08519c\""));
	ck_assert_ptr_nonnull(strstr(a, "fontcolor=\"#ffffff\""));
	ck_assert_ptr_nonnull(strstr(a, "visits 4, errors 1"));
	char *m = line_of(dot, "\"state:/States/M\"");
	ck_assert_ptr_nonnull(strstr(m, "heat-1")); /* one visit of four still shows */
	char *w = line_of(dot, "\"state:/States/W\"");
	ck_assert_ptr_nonnull(strstr(w, "heat-0"));
	char *e = line_of(dot, "\"edge:/States/A->/States/M:");
	ck_assert_ptr_nonnull(strstr(e, "penwidth=5"));
	ck_assert_ptr_nonnull(strstr(e, "×3"));
	free(a), free(m), free(w), free(e), free(dot);
	char *mermaid = drawn(g, graph_write_mermaid);
	ck_assert_ptr_nonnull(strstr(mermaid, "classDef heat_4 fill:#08519c"));
	free(mermaid);
}
END_TEST

START_TEST(diff_overlay)
{
	gr_graph *g = built();
	g->overlay = GR_OVERLAY_DIFF;
	node(g, "W")->change = GR_ADDED;
	node(g, "A")->change = GR_CHANGED;
	node(g, "F")->change = GR_REMOVED;
	edge(g, "A", GR_EDGE_CATCH)->change = GR_REMOVED;
	char *dot = drawn(g, graph_write_dot);
	char *w = line_of(dot, "\"state:/States/W\"");
	ck_assert_ptr_nonnull(strstr(w, "change-added"));
	ck_assert_ptr_nonnull(strstr(w, "W (added)"));
	ck_assert_ptr_nonnull(strstr(w, "bold"));
	char *f = line_of(dot, "\"state:/States/F\"");
	ck_assert_ptr_nonnull(strstr(f, "F (removed)"));
	ck_assert_ptr_nonnull(strstr(f, "dashed"));
	char *a = line_of(dot, "\"state:/States/A\"");
	ck_assert_ptr_nonnull(strstr(a, "A (changed)"));
	char *e = line_of(dot, "\"edge:/States/A->/States/F:");
	ck_assert_ptr_nonnull(strstr(e, "change-removed"));
	ck_assert_ptr_nonnull(strstr(e, "(removed)"));
	free(w), free(f), free(a), free(e), free(dot);
	char *mermaid = drawn(g, graph_write_mermaid);
	ck_assert_ptr_nonnull(strstr(mermaid, "class n"));
	ck_assert_ptr_nonnull(strstr(mermaid, "change_added"));
	ck_assert_ptr_nonnull(strstr(mermaid, "W (added)"));
	free(mermaid);
}
END_TEST

START_TEST(notes_under_the_drawing)
{
	gr_graph *g = built();
	char *plain = drawn(g, graph_write_dot);
	ck_assert_ptr_null(strstr(plain, "legend"));
	ck_assert_ptr_null(strstr(plain, "labelloc=b"));
	free(plain);
	graph_note(g, "a <note> & more");
	char *dot = drawn(g, graph_write_dot);
	ck_assert_ptr_nonnull(strstr(dot, "labelloc=b"));
	ck_assert_ptr_nonnull(strstr(dot, "a &lt;note&gt; &amp; more"));
	free(dot);
	char *mermaid = drawn(g, graph_write_mermaid);
	ck_assert_ptr_nonnull(strstr(mermaid, "a #lt;note#gt; #amp; more"));
	free(mermaid);
}
END_TEST

/* A renderer that fails (here its first allocation: an impossible node count) leaves
 * nothing behind: the memstream graph_render writes into is closed, its buffer freed. Under
 * ASan, LeakSanitizer fails the test when it is not. */
START_TEST(render_failure_closes_the_stream)
{
	gr_graph *g = built();
	int nodes = g->node_count;
	g->node_count = -2; /* calloc(SIZE_MAX, ...) in graph_write_dot */
	aslc_graph_options o = {.format = ASLC_GRAPH_DOT};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	size_t len = 0;
	char *text = graph_render(g, NULL, &o, &len, &d);
	g->node_count = nodes;
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(d.count, 1);
	ck_assert_int_eq(d.items[0].code, ASLC_OUT_OF_MEMORY);
	aslc_diagnostics_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("graph_render");
	TCase *tc = tcase_create("overlays");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, history_overlay);
	tcase_add_test(tc, runs_heat_map);
	tcase_add_test(tc, diff_overlay);
	tcase_add_test(tc, notes_under_the_drawing);
	tcase_add_test(tc, render_failure_closes_the_stream);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
