/* Unit tests of the compile-time JSONPath parser (compiler/jsonpath.c, jpath_parse). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

static asl_arena arena;

static void setup(void)
{
	asl_arena_init(&arena, NULL);
}

static void teardown(void)
{
	asl_arena_destroy(&arena);
}

static jpath *ok(const char *text)
{
	char err[256];
	jpath *p = jpath_parse(&arena, text, strlen(text), err, sizeof err);
	ck_assert_msg(p != NULL, "'%s' rejected: %s", text, err);
	ck_assert_str_eq(p->text, text);
	return p;
}

/* The message for a path that must be rejected (in arena memory). */
static const char *bad(const char *text)
{
	char err[256];
	jpath *p = jpath_parse(&arena, text, strlen(text), err, sizeof err);
	ck_assert_msg(p == NULL, "'%s' was accepted", text);
	ck_assert_msg(err[0] != '\0', "'%s' rejected without a message", text);
	return asl_cstring(&arena, err)->u.string.ptr;
}

/* The only segment of `text`, which must have exactly one. */
static const path_seg *one_seg(const char *text, int kind)
{
	jpath *p = ok(text);
	ck_assert_int_eq(p->seg_count, 1);
	ck_assert_int_eq(p->segs[0].kind, kind);
	return &p->segs[0];
}

static void assert_key(const path_seg *s, const char *key)
{
	ck_assert_int_eq(s->kind, ASL_SEG_KEY);
	ck_assert_uint_eq(s->key_len, strlen(key));
	ck_assert_mem_eq(s->key, key, s->key_len);
}

/* The filter of a path whose only segment is [?(...)]. */
static const filter_expr *filter_of(const char *text)
{
	const path_seg *s = one_seg(text, ASL_SEG_FILTER);
	ck_assert_ptr_nonnull(s->filter);
	return s->filter;
}

/* ---- roots ---- */

START_TEST(dollar_alone_is_the_whole_input)
{
	jpath *p = ok("$");
	ck_assert_int_eq(p->root, ROOT_INPUT);
	ck_assert_int_eq(p->seg_count, 0);
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(double_dollar_is_the_context_object)
{
	jpath *p = ok("$$");
	ck_assert_int_eq(p->root, ROOT_CONTEXT);
	ck_assert_int_eq(p->seg_count, 0);
	p = ok("$$.Execution.Id");
	ck_assert_int_eq(p->root, ROOT_CONTEXT);
	ck_assert_int_eq(p->seg_count, 2);
	assert_key(&p->segs[0], "Execution");
	assert_key(&p->segs[1], "Id");
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(dollar_name_is_a_variable)
{
	jpath *p = ok("$myVar_1.field");
	ck_assert_int_eq(p->root, ROOT_VARIABLE);
	ck_assert_str_eq(p->variable, "myVar_1");
	ck_assert_int_eq(p->seg_count, 1);
	assert_key(&p->segs[0], "field");
	p = ok("$x");
	ck_assert_int_eq(p->root, ROOT_VARIABLE);
	ck_assert_str_eq(p->variable, "x");
	ck_assert_int_eq(p->seg_count, 0);
}
END_TEST

START_TEST(input_paths_have_no_variable)
{
	jpath *p = ok("$.a");
	ck_assert_int_eq(p->root, ROOT_INPUT);
	ck_assert_ptr_null(p->variable);
}
END_TEST

/* ---- names and indexes ---- */

START_TEST(dot_names_become_key_segments)
{
	jpath *p = ok("$.store.book.title");
	ck_assert_int_eq(p->seg_count, 3);
	assert_key(&p->segs[0], "store");
	assert_key(&p->segs[1], "book");
	assert_key(&p->segs[2], "title");
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(dot_names_may_hold_any_character_but_separators)
{
	assert_key(one_seg("$.a-b:c$d", ASL_SEG_KEY), "a-b:c$d");
	assert_key(one_seg("$.\xC3\xA9t\xC3\xA9", ASL_SEG_KEY), "\xC3\xA9t\xC3\xA9");
	assert_key(one_seg("$.a\\.b", ASL_SEG_KEY), "a.b"); /* backslash escapes a dot */
}
END_TEST

START_TEST(bracket_names_accept_single_and_double_quotes)
{
	assert_key(one_seg("$['a b']", ASL_SEG_KEY), "a b");
	assert_key(one_seg("$[\"q.r\"]", ASL_SEG_KEY), "q.r");
	assert_key(one_seg("$['it\\'s']", ASL_SEG_KEY), "it's");
	assert_key(one_seg("$['']", ASL_SEG_KEY), "");
	jpath *p = ok("$['a']['b'].c");
	ck_assert_int_eq(p->seg_count, 3);
	assert_key(&p->segs[1], "b");
	assert_key(&p->segs[2], "c");
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(dot_before_bracket_is_accepted)
{
	assert_key(one_seg("$.['x']", ASL_SEG_KEY), "x");
}
END_TEST

START_TEST(bracket_numbers_are_index_segments)
{
	const path_seg *s = one_seg("$[0]", ASL_SEG_INDEX);
	ck_assert_int_eq(s->index, 0);
	s = one_seg("$[42]", ASL_SEG_INDEX);
	ck_assert_int_eq(s->index, 42);
	jpath *p = ok("$.a[3].b");
	ck_assert_int_eq(p->seg_count, 3);
	ck_assert_int_eq(p->segs[1].kind, ASL_SEG_INDEX);
	ck_assert_int_eq(p->segs[1].index, 3);
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(negative_index_counts_from_the_end_and_stays_definite)
{
	jpath *p = ok("$[-1]");
	ck_assert_int_eq(p->segs[0].kind, ASL_SEG_INDEX);
	ck_assert_int_eq(p->segs[0].index, -1);
	ck_assert_int_eq(p->definite, 1);
}
END_TEST

START_TEST(whitespace_inside_brackets_is_ignored)
{
	assert_key(one_seg("$[ 'a' ]", ASL_SEG_KEY), "a");
	ck_assert_int_eq(one_seg("$[ 2 ]", ASL_SEG_INDEX)->index, 2);
}
END_TEST

/* ---- wildcards, slices, unions, deep scans ---- */

START_TEST(star_forms_are_wildcards_and_indefinite)
{
	jpath *p = ok("$[*]");
	ck_assert_int_eq(p->segs[0].kind, ASL_SEG_WILDCARD);
	ck_assert_int_eq(p->definite, 0);
	p = ok("$.*");
	ck_assert_int_eq(p->segs[0].kind, ASL_SEG_WILDCARD);
	ck_assert_int_eq(p->definite, 0);
	p = ok("$.items[*].id");
	ck_assert_int_eq(p->seg_count, 3);
	ck_assert_int_eq(p->segs[1].kind, ASL_SEG_WILDCARD);
	assert_key(&p->segs[2], "id");
	ck_assert_int_eq(p->definite, 0);
}
END_TEST

START_TEST(slice_with_start_and_end)
{
	const path_seg *s = one_seg("$[1:3]", ASL_SEG_SLICE);
	ck_assert_int_eq(s->slice_flags, ASL_SLICE_HAS_START | ASL_SLICE_HAS_END);
	ck_assert_int_eq(s->index, 1);
	ck_assert_int_eq(s->end, 3);
	ck_assert_int_eq(ok("$[1:3]")->definite, 0);
}
END_TEST

START_TEST(slice_with_negative_start_only)
{
	const path_seg *s = one_seg("$[-3:]", ASL_SEG_SLICE);
	ck_assert_int_eq(s->slice_flags, ASL_SLICE_HAS_START);
	ck_assert_int_eq(s->index, -3);
}
END_TEST

START_TEST(slice_with_end_only)
{
	const path_seg *s = one_seg("$[:2]", ASL_SEG_SLICE);
	ck_assert_int_eq(s->slice_flags, ASL_SLICE_HAS_END);
	ck_assert_int_eq(s->end, 2);
}
END_TEST

START_TEST(slice_with_step_only)
{
	const path_seg *s = one_seg("$[::2]", ASL_SEG_SLICE);
	ck_assert_int_eq(s->slice_flags, ASL_SLICE_HAS_STEP);
	ck_assert_int_eq(s->step, 2);
	s = one_seg("$[0:10:3]", ASL_SEG_SLICE);
	ck_assert_int_eq(s->slice_flags,
			 ASL_SLICE_HAS_START | ASL_SLICE_HAS_END | ASL_SLICE_HAS_STEP);
	ck_assert_int_eq(s->index, 0);
	ck_assert_int_eq(s->end, 10);
	ck_assert_int_eq(s->step, 3);
}
END_TEST

START_TEST(quoted_union_lists_keys_in_order)
{
	const path_seg *s = one_seg("$['a', \"b\",'c d']", ASL_SEG_KEYS);
	ck_assert_uint_eq(s->count, 3);
	ck_assert_str_eq(s->keys[0], "a");
	ck_assert_str_eq(s->keys[1], "b");
	ck_assert_str_eq(s->keys[2], "c d");
	ck_assert_uint_eq(s->key_lens[2], 3);
	ck_assert_int_eq(ok("$['a','b']")->definite, 0);
}
END_TEST

START_TEST(index_union_lists_indexes_in_order)
{
	const path_seg *s = one_seg("$[0,1]", ASL_SEG_INDEXES);
	ck_assert_uint_eq(s->count, 2);
	ck_assert_int_eq(s->indexes[0], 0);
	ck_assert_int_eq(s->indexes[1], 1);
	s = one_seg("$[2, -1, 0]", ASL_SEG_INDEXES);
	ck_assert_uint_eq(s->count, 3);
	ck_assert_int_eq(s->indexes[1], -1);
	ck_assert_int_eq(ok("$[0,1]")->definite, 0);
}
END_TEST

START_TEST(double_dot_name_is_a_deep_key_scan)
{
	const path_seg *s = one_seg("$..name", ASL_SEG_DEEP_KEY);
	ck_assert_str_eq(s->key, "name");
	s = one_seg("$..['x y']", ASL_SEG_DEEP_KEY);
	ck_assert_str_eq(s->key, "x y");
	jpath *p = ok("$.a..b.c");
	ck_assert_int_eq(p->seg_count, 3);
	ck_assert_int_eq(p->segs[1].kind, ASL_SEG_DEEP_KEY);
	assert_key(&p->segs[2], "c");
	ck_assert_int_eq(p->definite, 0);
}
END_TEST

START_TEST(double_dot_star_scans_everything)
{
	one_seg("$..*", ASL_SEG_DEEP_ALL);
	ck_assert_int_eq(ok("$..*")->definite, 0);
}
END_TEST

/* ---- filters ---- */

START_TEST(filter_with_and_of_two_comparisons)
{
	const filter_expr *f = filter_of("$[?(@.x > 1 && @.y == 'a')]");
	ck_assert_int_eq(f->kind, F_AND);
	const filter_expr *l = f->a, *r = f->b;
	ck_assert_int_eq(l->kind, F_CMP);
	ck_assert_int_eq(l->op, ASL_OP_GT);
	ck_assert_int_eq(l->lhs.is_path, 1);
	ck_assert_int_eq(l->lhs.from_root, 0);
	ck_assert_int_eq(l->lhs.path->seg_count, 1);
	assert_key(&l->lhs.path->segs[0], "x");
	ck_assert_int_eq(l->rhs.is_path, 0);
	ck_assert_int_eq(l->rhs.literal->type, ASL_NUMBER);
	ck_assert_double_eq(l->rhs.literal->u.number, 1);
	ck_assert_int_eq(r->kind, F_CMP);
	ck_assert_int_eq(r->op, ASL_OP_EQ);
	assert_key(&r->lhs.path->segs[0], "y");
	ck_assert_int_eq(r->rhs.literal->type, ASL_STRING);
	ck_assert_str_eq(r->rhs.literal->u.string.ptr, "a");
	ck_assert_int_eq(ok("$[?(@.x > 1 && @.y == 'a')]")->definite, 0);
}
END_TEST

static const struct {
	const char *text;
	int op;
} comparison_cases[] = {
	{"$[?(@.v == 1)]", ASL_OP_EQ}, {"$[?(@.v != 1)]", ASL_OP_NE}, {"$[?(@.v < 1)]", ASL_OP_LT},
	{"$[?(@.v <= 1)]", ASL_OP_LE}, {"$[?(@.v > 1)]", ASL_OP_GT},  {"$[?(@.v >= 1)]", ASL_OP_GE},
};

START_TEST(filter_comparison_operators)
{
	const filter_expr *f = filter_of(comparison_cases[_i].text);
	ck_assert_int_eq(f->kind, F_CMP);
	ck_assert_int_eq(f->op, comparison_cases[_i].op);
	assert_key(&f->lhs.path->segs[0], "v");
}
END_TEST

START_TEST(filter_without_spaces_around_operators)
{
	/* Goessner's and Jayway's own examples: $..book[?(@.price<10)] */
	jpath *p = ok("$..book[?(@.price<10)]");
	ck_assert_int_eq(p->seg_count, 2);
	const filter_expr *f = p->segs[1].filter;
	ck_assert_int_eq(f->kind, F_CMP);
	ck_assert_int_eq(f->op, ASL_OP_LT);
	assert_key(&f->lhs.path->segs[0], "price");
	ck_assert_double_eq(f->rhs.literal->u.number, 10);
	f = filter_of("$[?(@.name=='x'&&@.n>=2)]");
	ck_assert_int_eq(f->kind, F_AND);
	assert_key(&f->a->lhs.path->segs[0], "name");
	ck_assert_int_eq(f->b->op, ASL_OP_GE);
}
END_TEST

START_TEST(filter_on_existence_of_a_field)
{
	const filter_expr *f = filter_of("$[?(@.isbn)]");
	ck_assert_int_eq(f->kind, F_EXISTS);
	assert_key(&f->lhs.path->segs[0], "isbn");
	f = filter_of("$[?(@['isbn'])]");
	ck_assert_int_eq(f->kind, F_EXISTS);
	assert_key(&f->lhs.path->segs[0], "isbn");
}
END_TEST

START_TEST(filter_literals_of_every_type)
{
	const filter_expr *f = filter_of("$[?(@.a == true)]");
	ck_assert_ptr_eq(f->rhs.literal, asl_true());
	f = filter_of("$[?(@.a == false)]");
	ck_assert_ptr_eq(f->rhs.literal, asl_false());
	f = filter_of("$[?(@.a == null)]");
	ck_assert_int_eq(f->rhs.literal->type, ASL_NULL);
	f = filter_of("$[?(@.a >= -1.5e3)]");
	ck_assert_double_eq(f->rhs.literal->u.number, -1500);
	f = filter_of("$[?(@.a == \"dq\")]");
	ck_assert_str_eq(f->rhs.literal->u.string.ptr, "dq");
}
END_TEST

START_TEST(filter_or_not_and_parentheses)
{
	const filter_expr *f = filter_of("$[?(!(@.a) || @.b < 2.5)]");
	ck_assert_int_eq(f->kind, F_OR);
	ck_assert_int_eq(f->a->kind, F_NOT);
	ck_assert_int_eq(f->a->a->kind, F_EXISTS);
	assert_key(&f->a->a->lhs.path->segs[0], "a");
	ck_assert_int_eq(f->b->kind, F_CMP);
	ck_assert_double_eq(f->b->rhs.literal->u.number, 2.5);
}
END_TEST

START_TEST(filter_and_binds_tighter_than_or)
{
	const filter_expr *f = filter_of("$[?(@.a || @.b && @.c)]");
	ck_assert_int_eq(f->kind, F_OR);
	ck_assert_int_eq(f->a->kind, F_EXISTS);
	ck_assert_int_eq(f->b->kind, F_AND);
	f = filter_of("$[?((@.a || @.b) && @.c)]");
	ck_assert_int_eq(f->kind, F_AND);
	ck_assert_int_eq(f->a->kind, F_OR);
}
END_TEST

START_TEST(filter_may_compare_with_the_root)
{
	const filter_expr *f = filter_of("$[?(@.x == $.limits.x)]");
	ck_assert_int_eq(f->rhs.is_path, 1);
	ck_assert_int_eq(f->rhs.from_root, 1);
	ck_assert_int_eq(f->rhs.path->seg_count, 2);
	assert_key(&f->rhs.path->segs[1], "x");
}
END_TEST

START_TEST(filter_operand_paths_may_go_deeper)
{
	const filter_expr *f = filter_of("$[?(@.a.b[0] >= -1)]");
	const jpath *lp = f->lhs.path;
	ck_assert_int_eq(lp->seg_count, 3);
	assert_key(&lp->segs[1], "b");
	ck_assert_int_eq(lp->segs[2].kind, ASL_SEG_INDEX);
	ck_assert_double_eq(f->rhs.literal->u.number, -1);
}
END_TEST

START_TEST(filter_segment_may_be_followed_by_more_segments)
{
	jpath *p = ok("$.items[?(@.ok == true)].id");
	ck_assert_int_eq(p->seg_count, 3);
	ck_assert_int_eq(p->segs[1].kind, ASL_SEG_FILTER);
	assert_key(&p->segs[2], "id");
	ck_assert_int_eq(p->definite, 0);
}
END_TEST

/* ---- errors ---- */

static const char *const malformed[] = {
	"",
	"$.",
	"$[",
	"a.b",
	"$['x]",
	"$[?(@.x =~ /a/)]",
	"$[1:2:0]",
	"$[1:2:-1]",
	"$[?(@.x >)]",
	"$[?(@.x > 1]",
	"$[abc]",
	"$.a(",
	"$.length()",
	"$[?(@.* > 1)]",
	"$..",
	"$.a..",
	"$[0",
	"$[1:2",
	"$['a'.b]",
	"$[1,]",
	"$ .a",
	"@.a",
	"$[?(1)]",
	"$[?()]",
	"$[?(@.x == 'a)]",
	"$..[0]",
};

START_TEST(malformed_paths_are_rejected)
{
	bad(malformed[_i]);
}
END_TEST

START_TEST(error_messages_say_what_and_where)
{
	ck_assert_ptr_nonnull(strstr(bad("$."), "field name"));
	ck_assert_ptr_nonnull(strstr(bad("a.b"), "'$'"));
	ck_assert_ptr_nonnull(strstr(bad("$['x]"), "unterminated"));
	ck_assert_ptr_nonnull(strstr(bad("$[?(@.x =~ /a/)]"), "=~"));
	ck_assert_ptr_nonnull(strstr(bad("$[0"), "offset 3"));
	ck_assert_ptr_nonnull(strstr(bad("$[1:2:0]"), "step"));
}
END_TEST

START_TEST(reference_paths_are_the_definite_ones)
{
	ck_assert(jpath_is_reference(ok("$.a['b'][0][-1]")));
	ck_assert(jpath_is_reference(ok("$")));
	ck_assert(!jpath_is_reference(ok("$.a[*]")));
	ck_assert(!jpath_is_reference(ok("$..a")));
	ck_assert(!jpath_is_reference(ok("$[?(@.a)]")));
}
END_TEST

static Suite *jsonpath_suite(void)
{
	Suite *s = suite_create("jsonpath");
	TCase *tc = tcase_create("roots");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dollar_alone_is_the_whole_input);
	tcase_add_test(tc, double_dollar_is_the_context_object);
	tcase_add_test(tc, dollar_name_is_a_variable);
	tcase_add_test(tc, input_paths_have_no_variable);
	suite_add_tcase(s, tc);

	tc = tcase_create("segments");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dot_names_become_key_segments);
	tcase_add_test(tc, dot_names_may_hold_any_character_but_separators);
	tcase_add_test(tc, bracket_names_accept_single_and_double_quotes);
	tcase_add_test(tc, dot_before_bracket_is_accepted);
	tcase_add_test(tc, bracket_numbers_are_index_segments);
	tcase_add_test(tc, negative_index_counts_from_the_end_and_stays_definite);
	tcase_add_test(tc, whitespace_inside_brackets_is_ignored);
	tcase_add_test(tc, star_forms_are_wildcards_and_indefinite);
	tcase_add_test(tc, slice_with_start_and_end);
	tcase_add_test(tc, slice_with_negative_start_only);
	tcase_add_test(tc, slice_with_end_only);
	tcase_add_test(tc, slice_with_step_only);
	tcase_add_test(tc, quoted_union_lists_keys_in_order);
	tcase_add_test(tc, index_union_lists_indexes_in_order);
	tcase_add_test(tc, double_dot_name_is_a_deep_key_scan);
	tcase_add_test(tc, double_dot_star_scans_everything);
	suite_add_tcase(s, tc);

	tc = tcase_create("filters");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, filter_with_and_of_two_comparisons);
	tcase_add_loop_test(tc, filter_comparison_operators, 0,
			    (int)(sizeof comparison_cases / sizeof comparison_cases[0]));
	tcase_add_test(tc, filter_without_spaces_around_operators);
	tcase_add_test(tc, filter_on_existence_of_a_field);
	tcase_add_test(tc, filter_literals_of_every_type);
	tcase_add_test(tc, filter_or_not_and_parentheses);
	tcase_add_test(tc, filter_and_binds_tighter_than_or);
	tcase_add_test(tc, filter_may_compare_with_the_root);
	tcase_add_test(tc, filter_operand_paths_may_go_deeper);
	tcase_add_test(tc, filter_segment_may_be_followed_by_more_segments);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, malformed_paths_are_rejected, 0,
			    (int)(sizeof malformed / sizeof malformed[0]));
	tcase_add_test(tc, error_messages_say_what_and_where);
	tcase_add_test(tc, reference_paths_are_the_definite_ones);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonpath_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
