/* Unit tests of run-time path evaluation (runtime/core/path.c, result_path.c), Choice comparisons
 * (choice.c) and RFC3339 timestamps (timestamp.c), on a hand-made execution. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "exec_fixture.h"

static asl_value *num(double d)
{
	return asl_number(asl_heap(&ex), d);
}

static const char *json(const asl_value *v)
{
	ck_assert_ptr_nonnull(v);
	return asl__json(&ex, v);
}

/* JSON text of asl_select over `segs` on the document `text`. */
static const char *select_json(const asl_seg *segs, int n, const char *text)
{
	asl_path p = {"$...", segs, n, 0, -1};
	asl_value *r = asl_select(&ex, &p, doc(text));
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->type, ASL_ARRAY);
	return json(r);
}

#define KEY(k)                                                            \
	{                                                                 \
		.kind = ASL_SEG_KEY, .key = (k), .key_len = sizeof(k) - 1 \
	}
#define INDEX(i)                                    \
	{                                           \
		.kind = ASL_SEG_INDEX, .index = (i) \
	}
#define SEGS(...) ((const asl_seg[]){__VA_ARGS__})
#define NSEGS(...) ((int)(sizeof((const asl_seg[]){__VA_ARGS__}) / sizeof(asl_seg)))
/* asl_select of the segments on `text` must give the JSON text `want`. */
#define SELECT_IS(text, want, ...) \
	check_select((text), (want), SEGS(__VA_ARGS__), NSEGS(__VA_ARGS__))

static void check_select(const char *text, const char *want, const asl_seg *segs, int n)
{
	const char *got = select_json(segs, n, text);
	ck_assert_msg(strcmp(got, want) == 0, "selecting from %s gave %s, want %s", text, got,
		      want);
}

/* Filters as aslc emits them: relative paths read with asl_filter_get, then compared. */
static const asl_seg x_segs[] = {KEY("x")};
static const asl_path at_x = {"@.x", x_segs, 1, 1, -1};
static const asl_seg want_segs[] = {KEY("want")};
static const asl_path root_want = {"$.want", want_segs, 1, 1, -1};
static asl_value one = ASL_STATIC_NUMBER(1, 1);

static int x_greater_than_one(asl_exec *e, asl_value *root, asl_value *at)
{
	(void)root;
	return asl_filter_compare(asl_filter_get(e, &at_x, at), ASL_OP_GT, &one);
}

static int x_equals_root_want(asl_exec *e, asl_value *root, asl_value *at)
{
	return asl_filter_compare(asl_filter_get(e, &at_x, at), ASL_OP_EQ,
				  asl_filter_get(e, &root_want, root));
}

static int has_x(asl_exec *e, asl_value *root, asl_value *at)
{
	(void)root;
	return asl_truthy_present(asl_filter_get(e, &at_x, at));
}

/* ---- asl_select ---- */

START_TEST(no_segments_select_the_root_in_an_array)
{
	ck_assert_str_eq(select_json(NULL, 0, "{\"a\":1}"), "[{\"a\":1}]");
}
END_TEST

START_TEST(key_segment_selects_the_member_or_nothing)
{
	SELECT_IS("{\"a\":{\"b\":2}}", "[2]", KEY("a"), KEY("b"));
	SELECT_IS("{\"a\":1}", "[]", KEY("zz"));
	SELECT_IS("[1,2]", "[]", KEY("a"));
	SELECT_IS("{\"a\":null}", "[null]", KEY("a"));
}
END_TEST

START_TEST(index_segment_counts_negative_from_the_end)
{
	SELECT_IS("[10,20,30]", "[10]", INDEX(0));
	SELECT_IS("[10,20,30]", "[30]", INDEX(-1));
	SELECT_IS("[10,20,30]", "[]", INDEX(3));
	SELECT_IS("[10,20,30]", "[]", INDEX(-4));
	SELECT_IS("{\"0\":1}", "[]", INDEX(0));
}
END_TEST

START_TEST(wildcard_lists_values_in_document_order)
{
	const asl_seg w = {.kind = ASL_SEG_WILDCARD};
	SELECT_IS("{\"z\":1,\"a\":[2],\"m\":{}}", "[1,[2],{}]", w);
	SELECT_IS("[3,\"x\",null]", "[3,\"x\",null]", w);
	SELECT_IS("\"scalar\"", "[]", w);
}
END_TEST

START_TEST(wildcard_then_key_flattens_the_matches)
{
	const asl_seg w = {.kind = ASL_SEG_WILDCARD};
	SELECT_IS("{\"items\":[{\"id\":1},{\"no\":0},{\"id\":3}]}", "[1,3]", KEY("items"), w,
		  KEY("id"));
}
END_TEST

static asl_seg slice_seg(int flags, int64_t start, int64_t end, int64_t step)
{
	asl_seg s = {.kind = ASL_SEG_SLICE, .slice_flags = flags};
	s.index = start;
	s.end = end;
	s.step = step;
	return s;
}

#define S_START ASL_SLICE_HAS_START
#define S_END ASL_SLICE_HAS_END
#define S_STEP ASL_SLICE_HAS_STEP

START_TEST(slice_selects_from_start_up_to_end)
{
	const char *a = "[0,1,2,3,4]";
	SELECT_IS(a, "[1,2]", slice_seg(S_START | S_END, 1, 3, 0));
	SELECT_IS(a, "[0,1]", slice_seg(S_END, 0, 2, 0));
	SELECT_IS(a, "[3,4]", slice_seg(S_START, 3, 0, 0));
}
END_TEST

START_TEST(slice_with_negative_start_takes_the_tail)
{
	SELECT_IS("[0,1,2,3,4]", "[2,3,4]", slice_seg(S_START, -3, 0, 0));
	SELECT_IS("[0,1,2,3,4]", "[2,3]", slice_seg(S_START | S_END, -3, -1, 0));
	SELECT_IS("[0,1]", "[0,1]", slice_seg(S_START, -5, 0, 0));
}
END_TEST

START_TEST(slice_with_step_skips_elements)
{
	SELECT_IS("[0,1,2,3,4]", "[0,2,4]", slice_seg(S_STEP, 0, 0, 2));
	SELECT_IS("[0,1,2,3,4,5,6]", "[1,4]", slice_seg(S_START | S_END | S_STEP, 1, 6, 3));
}
END_TEST

START_TEST(slice_bounds_are_clamped_and_empty_ranges_select_nothing)
{
	SELECT_IS("[0,1,2]", "[1,2]", slice_seg(S_START | S_END, 1, 100, 0));
	SELECT_IS("[0,1,2]", "[]", slice_seg(S_START | S_END, 2, 1, 0));
	SELECT_IS("[0,1,2]", "[]", slice_seg(S_START, 7, 0, 0));
	SELECT_IS("[]", "[]", slice_seg(S_START | S_END, 0, 2, 0));
	SELECT_IS("{\"a\":1}", "[]", slice_seg(S_START | S_END, 0, 2, 0));
}
END_TEST

START_TEST(key_union_follows_the_union_order_and_skips_missing_keys)
{
	static const char *const keys[] = {"c", "nope", "a"};
	static const size_t lens[] = {1, 4, 1};
	asl_seg s = {.kind = ASL_SEG_KEYS, .keys = keys, .key_lens = lens, .count = 3};
	SELECT_IS("{\"a\":1,\"b\":2,\"c\":3}", "[3,1]", s);
}
END_TEST

START_TEST(index_union_follows_the_union_order)
{
	static const int64_t idx[] = {2, 0, -1, 9};
	asl_seg s = {.kind = ASL_SEG_INDEXES, .indexes = idx, .count = 4};
	SELECT_IS("[\"a\",\"b\",\"c\"]", "[\"c\",\"a\",\"c\"]", s);
}
END_TEST

START_TEST(deep_key_finds_matches_at_every_level_in_document_order)
{
	asl_seg s = {.kind = ASL_SEG_DEEP_KEY, .key = "n", .key_len = 1};
	SELECT_IS("{\"n\":1,\"a\":{\"n\":2,\"b\":[{\"n\":3},{\"m\":0}]},"
		  "\"c\":{\"n\":{\"n\":5}}}",
		  "[1,2,3,{\"n\":5},5]", s);
	SELECT_IS("[1,[2]]", "[]", s);
}
END_TEST

START_TEST(deep_scan_then_key_selects_below_every_match)
{
	asl_seg deep = {.kind = ASL_SEG_DEEP_KEY, .key = "book", .key_len = 4};
	SELECT_IS("{\"store\":{\"book\":[{\"t\":\"A\"},{\"t\":\"B\"}]}}", "[\"B\"]", deep,
		  INDEX(-1), KEY("t"));
}
END_TEST

START_TEST(deep_all_lists_each_nodes_children_before_descending)
{
	/* Jayway's ScanPathToken evaluates `*` on a node, then walks into its children */
	asl_seg s = {.kind = ASL_SEG_DEEP_ALL};
	SELECT_IS("{\"a\":{\"b\":1},\"c\":[2]}", "[{\"b\":1},[2],1,2]", s);
}
END_TEST

START_TEST(deep_all_on_a_scalar_selects_nothing)
{
	asl_seg s = {.kind = ASL_SEG_DEEP_ALL};
	SELECT_IS("7", "[]", s);
	SELECT_IS("{\"a\":5}", "[5]", s);
}
END_TEST

START_TEST(filter_keeps_the_array_items_that_match)
{
	asl_seg f = {.kind = ASL_SEG_FILTER, .filter = x_greater_than_one};
	SELECT_IS("[{\"x\":0},{\"x\":2},{\"y\":5},{\"x\":\"9\"},{\"x\":1.5}]",
		  "[{\"x\":2},{\"x\":1.5}]", f);
}
END_TEST

START_TEST(filter_on_an_object_tests_the_object_itself)
{
	asl_seg f = {.kind = ASL_SEG_FILTER, .filter = x_greater_than_one};
	SELECT_IS("{\"x\":3}", "[{\"x\":3}]", f);
	SELECT_IS("{\"x\":0}", "[]", f);
	SELECT_IS("5", "[]", f);
}
END_TEST

START_TEST(filter_can_compare_with_the_root_document)
{
	asl_seg f = {.kind = ASL_SEG_FILTER, .filter = x_equals_root_want};
	SELECT_IS("{\"want\":\"b\",\"l\":[{\"x\":\"a\"},{\"x\":\"b\"},{\"x\":\"b\",\"k\":1}]}",
		  "[{\"x\":\"b\"},{\"x\":\"b\",\"k\":1}]", KEY("l"), f);
}
END_TEST

START_TEST(existence_filter_keeps_items_having_the_field)
{
	asl_seg f = {.kind = ASL_SEG_FILTER, .filter = has_x};
	SELECT_IS("[{\"x\":null},{\"y\":1},{\"x\":false}]", "[{\"x\":null},{\"x\":false}]", f);
}
END_TEST

START_TEST(select_does_not_modify_the_document)
{
	asl_value *d = doc("{\"a\":[1,2,3]}");
	const asl_seg segs[] = {{.kind = ASL_SEG_DEEP_ALL}};
	asl_path p = {"$..*", segs, 1, 0, -1};
	ck_assert_ptr_nonnull(asl_select(&ex, &p, d));
	ck_assert_str_eq(json(d), "{\"a\":[1,2,3]}");
}
END_TEST

/* ---- filter helpers and definite steps ---- */

START_TEST(key_and_index_steps_return_null_when_absent)
{
	asl_value *d = doc("{\"a\":[5,6]}");
	ck_assert_double_eq(asl_index(asl_key(d, "a", 1), -1)->u.number, 6);
	ck_assert_ptr_null(asl_key(d, "b", 1));
	ck_assert_ptr_null(asl_index(d, 0));
	ck_assert_ptr_null(asl_key(asl_key(d, "a", 1), "a", 1));
}
END_TEST

START_TEST(filter_get_follows_keys_and_indexes)
{
	static const asl_seg segs[] = {KEY("a"), INDEX(1), KEY("b")};
	asl_path p = {"@.a[1].b", segs, 3, 1, -1};
	ck_assert_str_eq(json(asl_filter_get(&ex, &p, doc("{\"a\":[0,{\"b\":\"hit\"}]}"))),
			 "\"hit\"");
	ck_assert_ptr_null(asl_filter_get(&ex, &p, doc("{\"a\":[0]}")));
	ck_assert_ptr_null(asl_filter_get(&ex, &p, doc("{\"a\":{\"1\":{\"b\":0}}}")));
}
END_TEST

START_TEST(filter_compare_orders_numbers_and_strings)
{
	ck_assert(asl_filter_compare(num(1), ASL_OP_EQ, doc("[1.0]")->u.array.items[0]));
	ck_assert(asl_filter_compare(num(1), ASL_OP_LT, num(2)));
	ck_assert(asl_filter_compare(num(2), ASL_OP_GE, num(2)));
	ck_assert(!asl_filter_compare(num(2), ASL_OP_GT, num(2)));
	ck_assert(asl_filter_compare(str("abc"), ASL_OP_LT, str("abd")));
	ck_assert(asl_filter_compare(str("ab"), ASL_OP_LT, str("abc")));
	ck_assert(asl_filter_compare(str("b"), ASL_OP_NE, str("a")));
	ck_assert(asl_filter_compare(doc("{\"a\":[1]}"), ASL_OP_EQ, doc("{\"a\":[1]}")));
}
END_TEST

START_TEST(filter_compare_of_unordered_types_is_false)
{
	ck_assert(!asl_filter_compare(num(1), ASL_OP_LT, str("2")));
	ck_assert(!asl_filter_compare(str("1"), ASL_OP_GE, num(0)));
	ck_assert(!asl_filter_compare(asl_true(), ASL_OP_GT, asl_false()));
}
END_TEST

START_TEST(filter_compare_with_a_missing_side_is_only_not_equal)
{
	ck_assert(!asl_filter_compare(NULL, ASL_OP_EQ, num(1)));
	ck_assert(asl_filter_compare(NULL, ASL_OP_NE, num(1)));
	ck_assert(!asl_filter_compare(num(1), ASL_OP_LT, NULL));
	ck_assert(!asl_filter_compare(NULL, ASL_OP_GE, NULL));
	ck_assert(!asl_truthy_present(NULL));
	ck_assert(asl_truthy_present(asl_false()));
}
END_TEST

/* ---- error texts for paths ---- */

START_TEST(jayway_rendering_of_a_definite_path)
{
	static const asl_seg segs[] = {KEY("a"), INDEX(0), KEY("b c")};
	asl_path p = {"$.a[0]['b c']", segs, 3, 1, -1};
	ck_assert_str_eq(asl__jayway_path(&ex, &p, 3), "$['a'][0]['b c']");
	ck_assert_str_eq(asl__jayway_path(&ex, &p, 1), "$['a']");
	ck_assert_str_eq(asl__jayway_path(&ex, &p, 0), "$");
}
END_TEST

START_TEST(missing_intermediate_step_is_a_missing_property)
{
	static const asl_seg segs[] = {KEY("a"), KEY("b")};
	asl_path p = {"$.a.b", segs, 2, 1, -1};
	ck_assert_ptr_null(asl_miss(&ex, &p, 0));
	ck_assert_int_eq(asl_fail_path(&ex, &p), ASL_FAILED);
	ck_assert_int_eq(ex.failed, 1);
	ck_assert_str_eq(ex.error, "States.Runtime");
	ck_assert_str_eq(ex.cause, "An error occurred while executing the state 'First' (entered "
				   "at the event id #0). Invalid path '$.a.b' : Missing property "
				   "in path $['a']");
}
END_TEST

START_TEST(missing_leaf_is_no_results_for_the_whole_path)
{
	static const asl_seg segs[] = {KEY("a"), KEY("b")};
	asl_path p = {"$.a.b", segs, 2, 1, -1};
	asl_miss(&ex, &p, 1);
	asl_fail_path(&ex, &p);
	ck_assert_ptr_nonnull(strstr(ex.cause, "Invalid path '$.a.b' : No results for path: "
					       "$['a']['b']"));
}
END_TEST

/* ---- ResultPath ---- */

static asl_value *result_at(const char *raw_text, const asl_seg *segs, int n, asl_value *result)
{
	asl_path p = {"$.x", segs, n, 1, -1};
	return asl_result_path(&ex, doc(raw_text), result, &p);
}

START_TEST(result_path_creates_missing_intermediate_objects)
{
	static const asl_seg segs[] = {KEY("b"), KEY("c")};
	asl_value *raw = doc("{\"a\":1}");
	asl_path p = {"$.b.c", segs, 2, 1, -1};
	asl_value *out = asl_result_path(&ex, raw, asl_integer(asl_heap(&ex), 5), &p);
	ck_assert_str_eq(json(out), "{\"a\":1,\"b\":{\"c\":5}}");
	ck_assert_str_eq(json(raw), "{\"a\":1}"); /* the input is never modified */
}
END_TEST

START_TEST(result_path_replaces_an_existing_member_in_place)
{
	static const asl_seg segs[] = {KEY("a")};
	asl_value *out = result_at("{\"a\":1,\"b\":2}", segs, 1, str("r"));
	ck_assert_str_eq(json(out), "{\"a\":\"r\",\"b\":2}");
}
END_TEST

START_TEST(result_path_dollar_replaces_the_input)
{
	asl_value *out = result_at("{\"a\":1}", NULL, 0, str("r"));
	ck_assert_str_eq(json(out), "\"r\"");
}
END_TEST

START_TEST(result_path_into_an_existing_array_element)
{
	static const asl_seg segs[] = {KEY("l"), INDEX(-1)};
	ck_assert_str_eq(json(result_at("{\"l\":[1,2]}", segs, 2, asl_true())), "{\"l\":[1,true]}");
}
END_TEST

START_TEST(result_path_through_a_scalar_fails_with_match_failure)
{
	static const asl_seg segs[] = {KEY("a"), KEY("b")};
	asl_value *raw = doc("{\"a\":1}");
	asl_path p = {"$.a.b", segs, 2, 1, -1};
	ck_assert_ptr_null(asl_result_path(&ex, raw, num(5), &p));
	ck_assert_int_eq(ex.failed, 1);
	ck_assert_str_eq(ex.error, "States.ResultPathMatchFailure");
	ck_assert_str_eq(ex.cause, "Unable to apply ResultPath '$.a.b' to input '{\"a\":1}'");
}
END_TEST

START_TEST(result_path_to_a_missing_array_element_fails)
{
	static const asl_seg segs[] = {KEY("l"), INDEX(5)};
	ck_assert_ptr_null(result_at("{\"l\":[1,2]}", segs, 2, asl_true()));
	ck_assert_str_eq(ex.error, "States.ResultPathMatchFailure");
}
END_TEST

/* ---- Choice data tests ---- */

START_TEST(string_comparisons)
{
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_EQ, str("abc"), str("abc")));
	ck_assert(!asl_compare(ASL_CMP_STRING, ASL_OP_EQ, str("abc"), str("abd")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str("abc"), str("abd")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str("ab"), str("abc")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_GT, str("b"), str("abc")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LE, str("x"), str("x")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_GE, str("x"), str("x")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str("B"), str("a"))); /* code order */
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str(""), str("a")));
}
END_TEST

START_TEST(string_order_is_javas_utf16_order)
{
	/* U+1F600 is the surrogate pair D83D DE00, which sorts below U+FF5E in UTF-16 */
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str("\xF0\x9F\x98\x80"),
			      str("\xEF\xBD\x9E")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_LT, str("\xC3\xA9"), str("\xE2\x82\xAC")));
	ck_assert(asl_compare(ASL_CMP_STRING, ASL_OP_GT, str("\xC3\xA9"), str("z")));
}
END_TEST

START_TEST(numeric_comparisons)
{
	ck_assert(asl_compare(ASL_CMP_NUMERIC, ASL_OP_EQ, doc("[1]")->u.array.items[0],
			      doc("[1.0]")->u.array.items[0]));
	ck_assert(asl_compare(ASL_CMP_NUMERIC, ASL_OP_GT, num(2), num(1.5)));
	ck_assert(asl_compare(ASL_CMP_NUMERIC, ASL_OP_LT, num(-3), num(-2.5)));
	ck_assert(asl_compare(ASL_CMP_NUMERIC, ASL_OP_LE, num(4), num(4)));
	ck_assert(!asl_compare(ASL_CMP_NUMERIC, ASL_OP_GE, num(3), num(4)));
}
END_TEST

START_TEST(boolean_equality)
{
	ck_assert(asl_compare(ASL_CMP_BOOLEAN, ASL_OP_EQ, asl_true(), asl_true()));
	ck_assert(!asl_compare(ASL_CMP_BOOLEAN, ASL_OP_EQ, asl_true(), asl_false()));
	ck_assert(asl_compare(ASL_CMP_BOOLEAN, ASL_OP_EQ, asl_false(),
			      doc("[false]")->u.array.items[0]));
}
END_TEST

START_TEST(type_mismatch_makes_every_test_false)
{
	for (int op = ASL_OP_EQ; op <= ASL_OP_GE; op++) {
		ck_assert(!asl_compare(ASL_CMP_STRING, op, num(1), str("1")));
		ck_assert(!asl_compare(ASL_CMP_NUMERIC, op, str("1"), num(1)));
		ck_assert(!asl_compare(ASL_CMP_BOOLEAN, op, str("true"), asl_true()));
		ck_assert(!asl_compare(ASL_CMP_BOOLEAN, op, num(1), asl_true()));
		ck_assert(!asl_compare(ASL_CMP_NUMERIC, op, asl_null(), num(0)));
		ck_assert(!asl_compare(ASL_CMP_STRING, op, NULL, str("a")));
	}
}
END_TEST

START_TEST(timestamp_comparisons_use_the_instant)
{
	ck_assert(asl_compare(ASL_CMP_TIMESTAMP, ASL_OP_EQ, str("2024-01-01T00:00:00Z"),
			      str("2024-01-01T01:00:00+01:00")));
	ck_assert(asl_compare(ASL_CMP_TIMESTAMP, ASL_OP_LT, str("2024-01-01T00:00:00Z"),
			      str("2024-01-01T00:00:00.5Z")));
	ck_assert(asl_compare(ASL_CMP_TIMESTAMP, ASL_OP_GT, str("2024-01-01T00:00:00.000000002Z"),
			      str("2024-01-01T00:00:00.000000001Z")));
	ck_assert(asl_compare(ASL_CMP_TIMESTAMP, ASL_OP_LT, str("2023-12-31T23:00:00-02:00"),
			      str("2024-01-01T02:00:00Z")));
	ck_assert(asl_compare(ASL_CMP_TIMESTAMP, ASL_OP_GE, str("2024-01-01T00:00:00.100Z"),
			      str("2024-01-01T00:00:00.1Z")));
}
END_TEST

START_TEST(timestamp_comparison_with_an_invalid_side_is_false)
{
	for (int op = ASL_OP_EQ; op <= ASL_OP_GE; op++) {
		ck_assert(!asl_compare(ASL_CMP_TIMESTAMP, op, str("2024-01-01T00:00:00"),
				       str("2024-01-01T00:00:00Z")));
		ck_assert(!asl_compare(ASL_CMP_TIMESTAMP, op, num(0), str("2024-01-01T00:00:00Z")));
	}
}
END_TEST

static int matches(const char *s, const char *pattern)
{
	return asl_string_matches(str(s), pattern, strlen(pattern));
}

START_TEST(string_matches_star_matches_any_run)
{
	ck_assert(matches("log-2024.txt", "log-*.txt"));
	ck_assert(matches("log-.txt", "log-*.txt"));
	ck_assert(!matches("log-2024.csv", "log-*.txt"));
	ck_assert(matches("abcabc", "*abc"));
	ck_assert(matches("a-b-c", "a*b*c"));
	ck_assert(!matches("a-c", "a*b*c"));
	ck_assert(matches("", "*"));
	ck_assert(matches("anything", "**"));
}
END_TEST

START_TEST(string_matches_without_star_is_whole_string_equality)
{
	ck_assert(matches("exact", "exact"));
	ck_assert(!matches("exact!", "exact"));
	ck_assert(!matches("exac", "exact"));
	ck_assert(matches("", ""));
	ck_assert(!matches("a", ""));
}
END_TEST

START_TEST(string_matches_backslash_escapes_star_and_backslash)
{
	ck_assert(matches("a*b", "a\\*b"));
	ck_assert(!matches("axb", "a\\*b"));
	ck_assert(matches("a\\b", "a\\\\b"));
	ck_assert(matches("x\\yz", "x\\\\*"));
}
END_TEST

START_TEST(string_matches_is_false_for_non_strings)
{
	ck_assert(!asl_string_matches(num(1), "*", 1));
	ck_assert(!asl_string_matches(asl_null(), "*", 1));
	ck_assert(!asl_string_matches(NULL, "*", 1));
}
END_TEST

/* ---- timestamps ---- */

static const char *const valid_timestamps[] = {
	"2016-03-14T01:59:00Z",      "2016-03-14T01:59:00.123Z",  "2016-03-14T01:59:00.123456789Z",
	"2016-03-14T01:59:00+01:00", "2016-03-14T01:59:00-05:30", "2016-03-14T01:59:00.5+00:00",
	"2020-02-29T00:00:00Z",      "2000-02-29T23:59:59Z",      "1970-01-01T00:00:00Z",
	"9999-12-31T23:59:59Z",
};

START_TEST(rfc3339_timestamps_are_accepted)
{
	ck_assert_msg(asl_is_timestamp(str(valid_timestamps[_i])), "%s rejected",
		      valid_timestamps[_i]);
}
END_TEST

static const char *const invalid_timestamps[] = {
	"2016-03-14T01:59:00", /* no zone */
	"2016-13-14T01:59:00Z", /* month 13 */
	"2016-00-14T01:59:00Z", /* month 0 */
	"2016-03-14 01:59:00Z", /* space separator */
	"2016-03-32T01:59:00Z", /* day 32 */
	"2019-02-29T00:00:00Z", /* not a leap year */
	"1900-02-29T00:00:00Z", /* centuries are not leap years */
	"2016-04-31T00:00:00Z", /* April has 30 days */
	"2016-03-14T24:00:00Z", /* hour 24 */
	"2016-03-14T01:60:00Z", /* minute 60 */
	"2016-03-14T01:59:00.Z", /* empty fraction */
	"2016-03-14T01:59:00+0100", /* offset without colon */
	"2016-03-14T01:59:00+01", /* offset without minutes */
	"2016-03-14T01:59:00Zjunk", /* trailing text */
	"2016-03-14", /* date only */
	"2016-3-14T01:59:00Z", /* one-digit month */
	"16-03-14T01:59:00Z", /* two-digit year */
	"",
	"not a timestamp",
};

START_TEST(malformed_timestamps_are_rejected)
{
	ck_assert_msg(!asl_is_timestamp(str(invalid_timestamps[_i])), "%s accepted",
		      invalid_timestamps[_i]);
}
END_TEST

START_TEST(non_strings_are_not_timestamps)
{
	ck_assert(!asl_is_timestamp(num(1457920740)));
	ck_assert(!asl_is_timestamp(asl_null()));
}
END_TEST

static int64_t ts_ms(const char *s, int *nanos)
{
	int64_t ms = 0;
	ck_assert_msg(asl__parse_timestamp(s, strlen(s), &ms, nanos) == 0, "%s rejected", s);
	return ms;
}

START_TEST(parse_timestamp_gives_milliseconds_since_the_epoch)
{
	ck_assert_int_eq(ts_ms("1970-01-01T00:00:00Z", NULL), 0);
	ck_assert_int_eq(ts_ms("2016-03-14T01:59:00Z", NULL), 1457920740000LL);
	ck_assert_int_eq(ts_ms("2024-01-02T03:04:05.678Z", NULL), 1704164645678LL);
	ck_assert_int_eq(ts_ms("2000-02-29T23:59:59Z", NULL), 951868799000LL);
	ck_assert_int_eq(ts_ms("1900-01-01T00:00:00Z", NULL), -2208988800000LL);
	ck_assert_int_eq(ts_ms("1969-12-31T23:59:59.500Z", NULL), -500);
}
END_TEST

START_TEST(parse_timestamp_applies_the_offset)
{
	ck_assert_int_eq(ts_ms("2016-03-14T02:59:00+01:00", NULL), 1457920740000LL);
	ck_assert_int_eq(ts_ms("2016-03-13T20:29:00-05:30", NULL), 1457920740000LL);
	ck_assert_int_eq(ts_ms("2016-03-14T01:59:00+00:00", NULL), 1457920740000LL);
}
END_TEST

START_TEST(parse_timestamp_keeps_sub_millisecond_digits_apart)
{
	int nanos = -1;
	ck_assert_int_eq(ts_ms("1970-01-01T00:00:01.123456789Z", &nanos), 1123);
	ck_assert_int_eq(nanos, 456789);
	ck_assert_int_eq(ts_ms("1970-01-01T00:00:00.5Z", &nanos), 500);
	ck_assert_int_eq(nanos, 0);
	ck_assert_int_eq(ts_ms("1970-01-01T00:00:00.0000001Z", &nanos), 0);
	ck_assert_int_eq(nanos, 100);
}
END_TEST

START_TEST(parse_timestamp_respects_the_length)
{
	int64_t ms;
	const char *s = "2016-03-14T01:59:00Zxyz";
	ck_assert_int_eq(asl__parse_timestamp(s, 20, &ms, NULL), 0);
	ck_assert_int_eq(ms, 1457920740000LL);
	ck_assert_int_ne(asl__parse_timestamp(s, 19, &ms, NULL), 0);
	ck_assert_int_ne(asl__parse_timestamp(s, 23, &ms, NULL), 0);
}
END_TEST

static const char *fmt_time(int64_t ms)
{
	static char buf[48];
	asl__format_time(ms, buf);
	return buf;
}

START_TEST(format_time_prints_utc_with_milliseconds)
{
	ck_assert_str_eq(fmt_time(0), "1970-01-01T00:00:00.000Z");
	ck_assert_str_eq(fmt_time(1704164645678LL), "2024-01-02T03:04:05.678Z");
	ck_assert_str_eq(fmt_time(951868799000LL), "2000-02-29T23:59:59.000Z");
	ck_assert_str_eq(fmt_time(-1), "1969-12-31T23:59:59.999Z");
	ck_assert_str_eq(fmt_time(-2208988800000LL), "1900-01-01T00:00:00.000Z");
}
END_TEST

START_TEST(formatted_times_parse_back_to_the_same_instant)
{
	const int64_t samples[] = {0,
				   1,
				   999,
				   86399999,
				   86400000,
				   1457920740123LL,
				   4102444800000LL,
				   -86400001,
				   253402300799999LL};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		const char *t = fmt_time(samples[i]);
		ck_assert_int_eq(ts_ms(t, NULL), samples[i]);
		ck_assert(asl_is_timestamp(str(t)));
	}
}
END_TEST

static Suite *runtime_paths_suite(void)
{
	Suite *s = suite_create("runtime_paths");
	TCase *tc = tcase_create("select");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_segments_select_the_root_in_an_array);
	tcase_add_test(tc, key_segment_selects_the_member_or_nothing);
	tcase_add_test(tc, index_segment_counts_negative_from_the_end);
	tcase_add_test(tc, wildcard_lists_values_in_document_order);
	tcase_add_test(tc, wildcard_then_key_flattens_the_matches);
	tcase_add_test(tc, slice_selects_from_start_up_to_end);
	tcase_add_test(tc, slice_with_negative_start_takes_the_tail);
	tcase_add_test(tc, slice_with_step_skips_elements);
	tcase_add_test(tc, slice_bounds_are_clamped_and_empty_ranges_select_nothing);
	tcase_add_test(tc, key_union_follows_the_union_order_and_skips_missing_keys);
	tcase_add_test(tc, index_union_follows_the_union_order);
	tcase_add_test(tc, deep_key_finds_matches_at_every_level_in_document_order);
	tcase_add_test(tc, deep_scan_then_key_selects_below_every_match);
	tcase_add_test(tc, deep_all_lists_each_nodes_children_before_descending);
	tcase_add_test(tc, deep_all_on_a_scalar_selects_nothing);
	tcase_add_test(tc, filter_keeps_the_array_items_that_match);
	tcase_add_test(tc, filter_on_an_object_tests_the_object_itself);
	tcase_add_test(tc, filter_can_compare_with_the_root_document);
	tcase_add_test(tc, existence_filter_keeps_items_having_the_field);
	tcase_add_test(tc, select_does_not_modify_the_document);
	suite_add_tcase(s, tc);

	tc = tcase_create("steps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, key_and_index_steps_return_null_when_absent);
	tcase_add_test(tc, filter_get_follows_keys_and_indexes);
	tcase_add_test(tc, filter_compare_orders_numbers_and_strings);
	tcase_add_test(tc, filter_compare_of_unordered_types_is_false);
	tcase_add_test(tc, filter_compare_with_a_missing_side_is_only_not_equal);
	tcase_add_test(tc, jayway_rendering_of_a_definite_path);
	tcase_add_test(tc, missing_intermediate_step_is_a_missing_property);
	tcase_add_test(tc, missing_leaf_is_no_results_for_the_whole_path);
	tcase_add_test(tc, result_path_creates_missing_intermediate_objects);
	tcase_add_test(tc, result_path_replaces_an_existing_member_in_place);
	tcase_add_test(tc, result_path_dollar_replaces_the_input);
	tcase_add_test(tc, result_path_into_an_existing_array_element);
	tcase_add_test(tc, result_path_through_a_scalar_fails_with_match_failure);
	tcase_add_test(tc, result_path_to_a_missing_array_element_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("choice");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, string_comparisons);
	tcase_add_test(tc, string_order_is_javas_utf16_order);
	tcase_add_test(tc, numeric_comparisons);
	tcase_add_test(tc, boolean_equality);
	tcase_add_test(tc, type_mismatch_makes_every_test_false);
	tcase_add_test(tc, timestamp_comparisons_use_the_instant);
	tcase_add_test(tc, timestamp_comparison_with_an_invalid_side_is_false);
	tcase_add_test(tc, string_matches_star_matches_any_run);
	tcase_add_test(tc, string_matches_without_star_is_whole_string_equality);
	tcase_add_test(tc, string_matches_backslash_escapes_star_and_backslash);
	tcase_add_test(tc, string_matches_is_false_for_non_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("timestamps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, rfc3339_timestamps_are_accepted, 0,
			    (int)(sizeof valid_timestamps / sizeof valid_timestamps[0]));
	tcase_add_loop_test(tc, malformed_timestamps_are_rejected, 0,
			    (int)(sizeof invalid_timestamps / sizeof invalid_timestamps[0]));
	tcase_add_test(tc, non_strings_are_not_timestamps);
	tcase_add_test(tc, parse_timestamp_gives_milliseconds_since_the_epoch);
	tcase_add_test(tc, parse_timestamp_applies_the_offset);
	tcase_add_test(tc, parse_timestamp_keeps_sub_millisecond_digits_apart);
	tcase_add_test(tc, parse_timestamp_respects_the_length);
	tcase_add_test(tc, format_time_prints_utc_with_milliseconds);
	tcase_add_test(tc, formatted_times_parse_back_to_the_same_instant);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(runtime_paths_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
