/* Unit tests of the lowering (compiler/lower.c): the IR's states, typed slots, expressions
 * (the validator's parses, not parsed again), scopes and transition graph, read as a back end
 * other than the C emitter would read them; and the C emitter's use of it (each distinct path
 * and constant emitted once). */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "ir.h"

static asl_arena arena;
static source src;
static machine_info info;

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

/* Parses, validates and lowers `json`, which must be a valid definition. */
static const ir_machine *lowered(const char *json)
{
	src.path = "test.asl.json";
	ck_assert_int_eq(source_parse(&src, strdup(json), strlen(json), &arena), 0);
	info.name = "test";
	ck_assert_int_eq(validate(&src, &arena, &info), 0);
	const ir_machine *ir = lower(&info, &arena);
	ck_assert_ptr_nonnull(ir);
	return ir;
}

static int state_named(const ir_machine *ir, const char *name)
{
	for (int i = 0; i < ir->count; i++)
		if (ir->states[i].name_len == strlen(name) &&
		    !memcmp(ir->states[i].name, name, strlen(name)))
			return i;
	ck_abort_msg("no state %s", name);
	return -1;
}

/* The text of the definition at a node's position, for checking that slots keep theirs. */
static int source_at(const asl_value *at, const char *want)
{
	return at && !strncmp(src.text + at->pos, want, strlen(want));
}

static const char *const FLOW =
	"{\"StartAt\":\"C\",\"States\":{"
	"\"C\":{\"Type\":\"Choice\",\"Choices\":["
	"{\"Variable\":\"$.n\",\"NumericGreaterThan\":1,\"Next\":\"T\"},"
	"{\"And\":[{\"Variable\":\"$.s\",\"IsPresent\":true},"
	"{\"Not\":{\"Variable\":\"$.s\",\"StringEqualsPath\":\"$$.Execution.Name\"}}],"
	"\"Next\":\"P\"}],\"Default\":\"F\"},"
	"\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:x\",\"TimeoutSecondsPath\":\"$.t\","
	"\"Retry\":[{\"ErrorEquals\":[\"E\"],\"MaxAttempts\":5}],"
	"\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"F\"}],"
	"\"Next\":\"P\"},"
	"\"P\":{\"Type\":\"Parallel\",\"Branches\":["
	"{\"StartAt\":\"B1\",\"States\":{\"B1\":{\"Type\":\"Succeed\"}}},"
	"{\"StartAt\":\"B2\",\"States\":{\"B2\":{\"Type\":\"Pass\",\"End\":true}}}],"
	"\"Next\":\"M\"},"
	"\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.items\",\"MaxConcurrency\":3,"
	"\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{\"I\":{\"Type\":\"Wait\","
	"\"SecondsPath\":\"$.w\",\"End\":true}}},\"End\":true},"
	"\"F\":{\"Type\":\"Fail\",\"Error\":\"Boom\",\"CausePath\":\"States.Format('{}', $.c)\"}}}";

START_TEST(states_get_their_kind_and_resolved_transitions)
{
	const ir_machine *ir = lowered(FLOW);
	int c = state_named(ir, "C"), t = state_named(ir, "T"), p = state_named(ir, "P");
	int m = state_named(ir, "M"), f = state_named(ir, "F");
	ck_assert_int_eq(ir->start, c);
	ck_assert_int_eq(ir->states[c].kind, IR_CHOICE);
	ck_assert_int_eq(ir->states[t].kind, IR_TASK);
	ck_assert_int_eq(ir->states[p].kind, IR_PARALLEL);
	ck_assert_int_eq(ir->states[m].kind, IR_MAP);
	ck_assert_int_eq(ir->states[f].kind, IR_FAIL);
	ck_assert_int_eq(ir->states[state_named(ir, "I")].kind, IR_WAIT);
	ck_assert_int_eq(ir->states[t].next, p);
	ck_assert_int_eq(ir->states[m].next, IR_END);
	ck_assert_int_eq(ir->states[c].choices[0].next, t);
	ck_assert_int_eq(ir->states[c].choices[1].next, p);
	ck_assert(ir->states[c].has_default);
	ck_assert_int_eq(ir->states[c].default_next, f);
	ck_assert_int_eq(ir->states[t].catchers[0].next, f);
	ck_assert_str_eq(ir_kind_name(ir->states[m].kind), "Map");
}
END_TEST

START_TEST(the_graph_lists_every_edge_with_its_kind)
{
	const ir_machine *ir = lowered(FLOW);
	const ir_state *c = &ir->states[state_named(ir, "C")];
	ck_assert_int_eq(c->edge_count, 3);
	ck_assert_int_eq(c->edges[0].kind, IR_EDGE_CHOICE);
	ck_assert_int_eq(c->edges[0].to, state_named(ir, "T"));
	ck_assert_int_eq(c->edges[1].kind, IR_EDGE_CHOICE);
	ck_assert_int_eq(c->edges[1].which, 1);
	ck_assert_int_eq(c->edges[2].kind, IR_EDGE_DEFAULT);
	ck_assert_int_eq(c->edges[2].to, state_named(ir, "F"));
	const ir_state *t = &ir->states[state_named(ir, "T")];
	ck_assert_int_eq(t->edge_count, 2);
	ck_assert_int_eq(t->edges[0].kind, IR_EDGE_NEXT);
	ck_assert_int_eq(t->edges[1].kind, IR_EDGE_CATCH);
	const ir_state *p = &ir->states[state_named(ir, "P")];
	ck_assert_int_eq(p->edge_count, 3); /* two branch starts, then Next */
	ck_assert_int_eq(p->edges[0].kind, IR_EDGE_BRANCH);
	ck_assert_int_eq(p->edges[0].to, state_named(ir, "B1"));
	ck_assert_int_eq(p->edges[1].to, state_named(ir, "B2"));
	ck_assert_int_eq(p->edges[2].kind, IR_EDGE_NEXT);
	const ir_state *m = &ir->states[state_named(ir, "M")];
	ck_assert_int_eq(m->edge_count, 1); /* End: only the processor's start */
	ck_assert_int_eq(m->edges[0].to, state_named(ir, "I"));
	ck_assert_int_eq(ir->states[state_named(ir, "F")].edge_count, 0);
}
END_TEST

START_TEST(scopes_know_their_parent_owner_and_start)
{
	const ir_machine *ir = lowered(FLOW);
	ck_assert_int_eq(ir->scope_count, 4);
	ck_assert_int_eq(ir->scopes[0].parent, -1);
	ck_assert_int_eq(ir->scopes[0].owner, -1);
	const ir_state *p = &ir->states[state_named(ir, "P")];
	const ir_state *m = &ir->states[state_named(ir, "M")];
	ck_assert_int_eq(p->u.parallel.count, 2);
	for (int b = 0; b < 2; b++) {
		const ir_scope *sc = &ir->scopes[p->u.parallel.branches[b]];
		ck_assert_int_eq(sc->parent, 0);
		ck_assert_int_eq(sc->owner, state_named(ir, "P"));
		ck_assert_int_eq(ir->states[sc->start].scope, p->u.parallel.branches[b]);
	}
	ck_assert_int_eq(ir->scopes[m->u.map.processor].owner, state_named(ir, "M"));
	ck_assert_int_eq(ir->scopes[m->u.map.processor].start, state_named(ir, "I"));
}
END_TEST

START_TEST(choice_rules_are_a_tree_of_parsed_nodes)
{
	const ir_machine *ir = lowered(FLOW);
	const ir_state *c = &ir->states[state_named(ir, "C")];
	const ir_rule *r0 = &c->choices[0].rule;
	ck_assert_int_eq(r0->kind, ASL_RULE_COMPARE);
	ck_assert_int_eq(r0->cmp, ASL_CMP_NUMERIC);
	ck_assert_int_eq(r0->op, ASL_OP_GT);
	ck_assert_int_eq(r0->variable->kind, IR_PATH);
	ck_assert_str_eq(r0->variable->path->text, "$.n");
	ck_assert_int_eq(r0->operand->kind, IR_CONST);
	ck_assert(source_at(r0->operand->at, "1"));
	const ir_rule *r1 = &c->choices[1].rule;
	ck_assert_int_eq(r1->kind, ASL_RULE_AND);
	ck_assert_int_eq(r1->count, 2);
	ck_assert_int_eq(r1->operands[0].kind, ASL_RULE_IS_PRESENT);
	ck_assert_int_eq(r1->operands[0].expect, 1);
	const ir_rule *not = &r1->operands[1];
	ck_assert_int_eq(not ->kind, ASL_RULE_NOT);
	ck_assert_int_eq(not ->operands[0].kind, ASL_RULE_COMPARE_PATH);
	ck_assert_int_eq(not ->operands[0].operand->path->root, ROOT_CONTEXT);
}
END_TEST

START_TEST(per_kind_data_is_typed)
{
	const ir_machine *ir = lowered(FLOW);
	const ir_state *t = &ir->states[state_named(ir, "T")];
	ck_assert(source_at(t->u.task.resource, "\"arn:x\""));
	ck_assert(t->u.task.timeout.given);
	ck_assert_str_eq(t->u.task.timeout.path->path->text, "$.t");
	ck_assert(!t->u.task.heartbeat.given);
	ck_assert_int_eq(t->retrier_count, 1);
	ck_assert_double_eq(t->retriers[0].max_attempts, 5);
	ck_assert_double_eq(t->retriers[0].backoff, 2); /* the default */
	ck_assert_int_eq(t->catchers[0].result_path->kind, IR_PATH);
	const ir_state *m = &ir->states[state_named(ir, "M")];
	ck_assert_str_eq(m->u.map.items_path->path->text, "$.items");
	ck_assert_double_eq(m->u.map.max_concurrency.literal, 3);
	ck_assert(!m->u.map.distributed);
	const ir_state *w = &ir->states[state_named(ir, "I")];
	ck_assert_int_eq(w->u.wait.kind, IR_WAIT_SECONDS_PATH);
	const ir_state *f = &ir->states[state_named(ir, "F")];
	ck_assert_int_eq(f->u.fail.error->kind, IR_CONST);
	ck_assert_int_eq(f->u.fail.cause->kind, IR_INTRINSIC);
	ck_assert_str_eq(f->u.fail.cause->call->fn->name, "States.Format");
	ck_assert(source_at(f->u.fail.cause->at, "\"States.Format"));
}
END_TEST

START_TEST(templates_and_io_paths_become_expression_nodes)
{
	const ir_machine *ir = lowered(
		"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":null,"
		"\"OutputPath\":\"$\",\"ResultPath\":\"$.r\",\"Parameters\":{\"k\":{\"x\":1},"
		"\"p.$\":\"$.a\",\"i.$\":\"States.ArrayLength($.l)\",\"n\":{\"q.$\":\"$$.State\"}},"
		"\"Assign\":{\"v\":1,\"w.$\":\"$.b\"},\"End\":true}}}");
	const ir_state *a = &ir->states[0];
	ck_assert_int_eq(a->kind, IR_PASS);
	ck_assert_int_eq(a->input_path->kind, IR_CONST); /* null */
	ck_assert_ptr_null(a->output_path); /* "$" */
	ck_assert_int_eq(a->result_path->kind, IR_PATH);
	const ir_expr *t = a->parameters;
	ck_assert_int_eq(t->kind, IR_OBJECT);
	ck_assert_uint_eq(t->count, 4);
	ck_assert_int_eq(t->fields[0].value->kind, IR_CONST); /* no .$ inside: kept whole */
	ck_assert_int_eq(t->fields[1].value->kind, IR_PATH);
	ck_assert_uint_eq(t->fields[1].name_len, 1); /* "p" without ".$" */
	ck_assert_int_eq(t->fields[2].value->kind, IR_INTRINSIC);
	ck_assert_int_eq(t->fields[3].value->kind, IR_OBJECT);
	ck_assert(source_at(t->fields[1].value->at, "\"$.a\""));
	ck_assert_str_eq(t->slot, "Parameters");
	ck_assert_uint_eq(a->assign->count, 2);
	ck_assert_int_eq(a->assign->slots[0], var_slot(&info, "v"));
	ck_assert_int_eq(a->assign->slots[1], var_slot(&info, "w"));
}
END_TEST

/* Each path and intrinsic call is parsed once, by the validator: the IR holds the very parse
 * it kept (a second parse would be another object), including a Choice rule's paths and the
 * paths inside a call. With check_only, nothing is kept. */
START_TEST(the_ir_holds_the_validators_parses)
{
	const char *json =
		"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":\"$.in\","
		"\"Parameters\":{\"p.$\":\"$.a\",\"i.$\":\"States.Format('{}', $.b)\"},"
		"\"Next\":\"C\"},\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.n\","
		"\"NumericEqualsPath\":\"$.m\",\"Next\":\"F\"}],\"Default\":\"F\"},"
		"\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\"}}}";
	const ir_machine *ir = lowered(json);
	ck_assert_uint_eq(info.parsed.count, 6); /* $.in, $.a, the call, $.n, $.m, $.e */
	const ir_state *a = &ir->states[state_named(ir, "A")];
	const ir_expr *in = a->input_path, *p = a->parameters->fields[0].value;
	const ir_expr *call = a->parameters->fields[1].value;
	ck_assert_ptr_eq(in->path, parsed_path(&info.parsed, in->at));
	ck_assert_ptr_eq(p->path, parsed_path(&info.parsed, p->at));
	ck_assert_ptr_eq(call->call, parsed_call(&info.parsed, call->at));
	ck_assert_ptr_null(parsed_path(&info.parsed, call->at)); /* a call is not a path */
	const ir_rule *r = &ir->states[state_named(ir, "C")].choices[0].rule;
	ck_assert_ptr_eq(r->variable->path, parsed_path(&info.parsed, r->variable->at));
	ck_assert_ptr_eq(r->operand->path, parsed_path(&info.parsed, r->operand->at));
	const ir_expr *e = ir->states[state_named(ir, "F")].u.fail.error;
	ck_assert_ptr_eq(e->path, parsed_path(&info.parsed, e->at));

	teardown();
	setup();
	info.check_only = 1;
	src.path = "test.asl.json";
	ck_assert_int_eq(source_parse(&src, strdup(json), strlen(json), &arena), 0);
	ck_assert_int_eq(validate(&src, &arena, &info), 0);
	ck_assert_uint_eq(info.parsed.count, 0);
}
END_TEST

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

START_TEST(the_emitter_emits_each_path_and_constant_once)
{
	const char *json =
		"{\"StartAt\":\"A\",\"States\":{"
		"\"A\":{\"Type\":\"Pass\",\"InputPath\":\"$.x\",\"Parameters\":{\"a.$\":\"$.x\","
		"\"b\":\"same text\"},\"Next\":\"B\"},"
		"\"B\":{\"Type\":\"Pass\",\"Parameters\":{\"c.$\":\"$.x\",\"d\":\"same text\"},"
		"\"OutputPath\":\"$.x\",\"End\":true}}}";
	const ir_machine *ir = lowered(json);
	char *c = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&c, &len);
	ck_assert_int_eq(emit_machine(ir, &arena, out, &(emit_options){1, NULL, NULL}), 0);
	fclose(out);
	ck_assert_uint_eq(count(c, "{\"$.x\", S"), 1); /* one path table */
	ck_assert_uint_eq(count(c, "static asl_value *p"), 2); /* one accessor: declared, defined */
	ck_assert_uint_eq(count(c, "\"same text\", 9)"), 1); /* one constant */
	ck_assert_uint_eq(count(c, "/* A.InputPath */"), 2); /* the table's and accessor's */
	free(c);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower");
	TCase *tc = tcase_create("ir");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, states_get_their_kind_and_resolved_transitions);
	tcase_add_test(tc, the_graph_lists_every_edge_with_its_kind);
	tcase_add_test(tc, scopes_know_their_parent_owner_and_start);
	tcase_add_test(tc, choice_rules_are_a_tree_of_parsed_nodes);
	tcase_add_test(tc, per_kind_data_is_typed);
	tcase_add_test(tc, templates_and_io_paths_become_expression_nodes);
	tcase_add_test(tc, the_ir_holds_the_validators_parses);
	tcase_add_test(tc, the_emitter_emits_each_path_and_constant_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lower_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
