/* Unit tests of the compile-time intrinsic function parser (compiler/intrinsic.c:
 * intrinsic_parse, intrinsic_format_placeholders); path arguments go through jsonpath.c. */
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

/* A call that must parse. */
static intrinsic *ok(const char *text)
{
	char err[256];
	size_t at = 12345;
	intrinsic *call = intrinsic_parse(&arena, text, strlen(text), err, sizeof err, &at);
	ck_assert_msg(call != NULL, "'%s' rejected at %zu: %s", text, at, err);
	ck_assert_ptr_nonnull(call->fn);
	return call;
}

/* A call that must be rejected with the fault at byte `want_at`; returns the message. */
static const char *bad_at(const char *text, size_t want_at)
{
	char err[256];
	size_t at = 12345;
	intrinsic *call = intrinsic_parse(&arena, text, strlen(text), err, sizeof err, &at);
	ck_assert_msg(call == NULL, "'%s' was accepted", text);
	ck_assert_msg(err[0] != '\0', "'%s' rejected without a message", text);
	ck_assert_msg(at == want_at, "'%s' rejected at %zu (%s), want %zu", text, at, err, want_at);
	return asl_cstring(&arena, err)->u.string.ptr;
}

/* Offset of the first occurrence of `needle` in `text` (which must contain it). */
static size_t offset_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	ck_assert_msg(p != NULL, "'%s' not in '%s'", needle, text);
	return (size_t)(p - text);
}

/* Offset of the last occurrence of `needle` in `text`. */
static size_t last_offset_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle), *last = NULL;
	while (p) {
		last = p;
		p = strstr(p + 1, needle);
	}
	ck_assert_msg(last != NULL, "'%s' not in '%s'", needle, text);
	return (size_t)(last - text);
}

static void assert_contains(const char *msg, const char *part)
{
	ck_assert_msg(strstr(msg, part) != NULL, "message '%s' does not mention '%s'", msg, part);
}

/* Argument i of `call` must be a string literal with exactly the bytes `want`. */
static void assert_string_arg(const intrinsic *call, int i, const char *want)
{
	ck_assert_int_gt(call->nargs, i);
	const iarg *a = &call->args[i];
	ck_assert_int_eq(a->kind, IA_LITERAL);
	ck_assert_int_eq(a->literal->type, ASL_STRING);
	ck_assert_msg(a->literal->u.string.len == strlen(want) &&
			      !memcmp(a->literal->u.string.ptr, want, strlen(want)),
		      "argument %d is '%s', want '%s'", i, a->literal->u.string.ptr, want);
}

static const asl_value *literal_arg(const intrinsic *call, int i)
{
	ck_assert_int_gt(call->nargs, i);
	ck_assert_int_eq(call->args[i].kind, IA_LITERAL);
	ck_assert_ptr_nonnull(call->args[i].literal);
	return call->args[i].literal;
}

static const jpath *path_arg(const intrinsic *call, int i)
{
	ck_assert_int_gt(call->nargs, i);
	ck_assert_int_eq(call->args[i].kind, IA_PATH);
	ck_assert_ptr_nonnull(call->args[i].path);
	return call->args[i].path;
}

/* ---- every function ---- */

static const struct {
	const char *text, *name, *c_name;
	int nargs;
} valid_calls[] = {
	{"States.Format('Hello {} and {}', $.a, 'b')", "States.Format", "asl_fn_format", 3},
	{"States.StringToJson($.text)", "States.StringToJson", "asl_fn_string_to_json", 1},
	{"States.JsonToString($.obj)", "States.JsonToString", "asl_fn_json_to_string", 1},
	{"States.Array(1, 'two', $.three, null)", "States.Array", "asl_fn_array", 4},
	{"States.ArrayPartition($.items, 4)", "States.ArrayPartition", "asl_fn_array_partition", 2},
	{"States.ArrayContains($.items, 'x')", "States.ArrayContains", "asl_fn_array_contains", 2},
	{"States.ArrayRange(1, 9, 2)", "States.ArrayRange", "asl_fn_array_range", 3},
	{"States.ArrayGetItem($.items, 0)", "States.ArrayGetItem", "asl_fn_array_get_item", 2},
	{"States.ArrayLength($.items)", "States.ArrayLength", "asl_fn_array_length", 1},
	{"States.ArrayUnique($.items)", "States.ArrayUnique", "asl_fn_array_unique", 1},
	{"States.Base64Encode('Data to encode')", "States.Base64Encode", "asl_fn_base64_encode", 1},
	{"States.Base64Decode('RGF0YQ==')", "States.Base64Decode", "asl_fn_base64_decode", 1},
	{"States.Hash('input data', 'SHA-1')", "States.Hash", "asl_fn_hash", 2},
	{"States.JsonMerge($.a, $.b, false)", "States.JsonMerge", "asl_fn_json_merge", 3},
	{"States.MathRandom(1, 999)", "States.MathRandom", "asl_fn_math_random", 2},
	{"States.MathAdd(111, -1)", "States.MathAdd", "asl_fn_math_add", 2},
	{"States.StringSplit('1,2,3', ',')", "States.StringSplit", "asl_fn_string_split", 2},
	{"States.UUID()", "States.UUID", "asl_fn_uuid", 0},
};

START_TEST(every_function_parses_with_valid_arguments)
{
	intrinsic *call = ok(valid_calls[_i].text);
	ck_assert_str_eq(call->fn->name, valid_calls[_i].name);
	ck_assert_str_eq(call->fn->c_name, valid_calls[_i].c_name);
	ck_assert_int_eq(call->nargs, valid_calls[_i].nargs);
	ck_assert_uint_eq(call->offset, 0);
}
END_TEST

START_TEST(math_random_accepts_an_optional_seed)
{
	intrinsic *call = ok("States.MathRandom(1, 999, 42)");
	ck_assert_int_eq(call->nargs, 3);
}
END_TEST

START_TEST(variadic_functions_take_any_number_of_values)
{
	ck_assert_int_eq(ok("States.Array()")->nargs, 0);
	ck_assert_int_eq(ok("States.Format('no placeholders')")->nargs, 1);
	ck_assert_int_eq(ok("States.Array(1,2,3,4,5,6,7,8,9,10,11,12)")->nargs, 12);
}
END_TEST

/* ---- string literals ---- */

START_TEST(escaped_quote_is_decoded_in_a_string)
{
	assert_string_arg(ok("States.StringToJson('it\\'s')"), 0, "it's");
}
END_TEST

START_TEST(brace_and_backslash_escapes_are_decoded_outside_format_templates)
{
	assert_string_arg(ok("States.StringToJson('\\{a\\} \\\\')"), 0, "{a} \\");
}
END_TEST

START_TEST(format_template_keeps_brace_and_backslash_escapes)
{
	/* the runtime must tell \{ from a placeholder, so the template stays escaped */
	assert_string_arg(ok("States.Format('\\{\\} \\\\ {}', 1)"), 0, "\\{\\} \\\\ {}");
}
END_TEST

START_TEST(format_template_decodes_the_escaped_quote)
{
	assert_string_arg(ok("States.Format('it\\'s {}', 1)"), 0, "it's {}");
}
END_TEST

START_TEST(format_value_arguments_decode_brace_escapes)
{
	intrinsic *call = ok("States.Format('{}', '\\{x\\}')");
	assert_string_arg(call, 1, "{x}");
}
END_TEST

START_TEST(empty_string_literal_is_allowed)
{
	assert_string_arg(ok("States.Base64Encode('')"), 0, "");
}
END_TEST

START_TEST(string_literal_may_contain_separators_and_brackets)
{
	assert_string_arg(ok("States.StringToJson('a, b) $.c [d]')"), 0, "a, b) $.c [d]");
}
END_TEST

/* ---- numbers and words ---- */

START_TEST(integer_literal_is_an_integral_number)
{
	const asl_value *v = literal_arg(ok("States.MathAdd(42, 0)"), 0);
	ck_assert_int_eq(v->type, ASL_NUMBER);
	ck_assert_double_eq(v->u.number, 42);
	ck_assert(v->flags & ASL_FLAG_INTEGER);
}
END_TEST

START_TEST(negative_number_literal)
{
	const asl_value *v = literal_arg(ok("States.MathAdd(-7, 0)"), 0);
	ck_assert_int_eq(v->type, ASL_NUMBER);
	ck_assert_double_eq(v->u.number, -7);
}
END_TEST

START_TEST(float_literal)
{
	const asl_value *v = literal_arg(ok("States.MathAdd(1.5, -0.25)"), 0);
	ck_assert_int_eq(v->type, ASL_NUMBER);
	ck_assert_double_eq(v->u.number, 1.5);
	ck_assert_double_eq(literal_arg(ok("States.MathAdd(1.5, -0.25)"), 1)->u.number, -0.25);
}
END_TEST

START_TEST(exponent_literal)
{
	intrinsic *call = ok("States.MathAdd(1e3, 2.5E-2)");
	ck_assert_double_eq(literal_arg(call, 0)->u.number, 1000);
	ck_assert_double_eq_tol(literal_arg(call, 1)->u.number, 0.025, 1e-15);
	ck_assert_double_eq(literal_arg(ok("States.MathAdd(-1E+2, 0)"), 0)->u.number, -100);
}
END_TEST

START_TEST(true_false_and_null_literals)
{
	intrinsic *call = ok("States.Array(true, false, null)");
	ck_assert_int_eq(literal_arg(call, 0)->type, ASL_BOOL);
	ck_assert_int_eq(literal_arg(call, 0)->boolean, 1);
	ck_assert_int_eq(literal_arg(call, 1)->type, ASL_BOOL);
	ck_assert_int_eq(literal_arg(call, 1)->boolean, 0);
	ck_assert_int_eq(literal_arg(call, 2)->type, ASL_NULL);
}
END_TEST

/* ---- paths ---- */

START_TEST(dollar_path_argument_is_the_whole_input)
{
	const jpath *p = path_arg(ok("States.JsonToString($)"), 0);
	ck_assert_int_eq(p->root, ROOT_INPUT);
	ck_assert_int_eq(p->seg_count, 0);
}
END_TEST

START_TEST(member_path_argument)
{
	const jpath *p = path_arg(ok("States.JsonToString($.a)"), 0);
	ck_assert_int_eq(p->root, ROOT_INPUT);
	ck_assert_int_eq(p->seg_count, 1);
	ck_assert_int_eq(p->segs[0].kind, ASL_SEG_KEY);
	ck_assert_uint_eq(p->segs[0].key_len, 1);
	ck_assert_mem_eq(p->segs[0].key, "a", 1);
}
END_TEST

START_TEST(context_path_argument)
{
	const jpath *p = path_arg(ok("States.Format('{}', $$.Execution.Id)"), 1);
	ck_assert_int_eq(p->root, ROOT_CONTEXT);
	ck_assert_int_eq(p->seg_count, 2);
	ck_assert_mem_eq(p->segs[1].key, "Id", 2);
}
END_TEST

START_TEST(variable_path_argument)
{
	const jpath *p = path_arg(ok("States.JsonToString($var.x)"), 0);
	ck_assert_int_eq(p->root, ROOT_VARIABLE);
	ck_assert_str_eq(p->variable, "var");
	ck_assert_int_eq(p->seg_count, 1);
	ck_assert_mem_eq(p->segs[0].key, "x", 1);
}
END_TEST

START_TEST(indexed_path_argument)
{
	const jpath *p = path_arg(ok("States.ArrayGetItem($.a[0], 1)"), 0);
	ck_assert_int_eq(p->seg_count, 2);
	ck_assert_int_eq(p->segs[1].kind, ASL_SEG_INDEX);
	ck_assert_int_eq(p->segs[1].index, 0);
	ck_assert_int_eq(literal_arg(ok("States.ArrayGetItem($.a[0], 1)"), 1)->u.number, 1);
}
END_TEST

START_TEST(path_argument_ends_at_the_comma_outside_brackets)
{
	intrinsic *call = ok("States.Array($.a[0,1], $['b,c'], 2)");
	ck_assert_int_eq(call->nargs, 3);
	ck_assert_int_eq(path_arg(call, 0)->segs[1].kind, ASL_SEG_INDEXES);
	const jpath *p = path_arg(call, 1);
	ck_assert_uint_eq(p->segs[0].key_len, 3);
	ck_assert_mem_eq(p->segs[0].key, "b,c", 3);
}
END_TEST

START_TEST(argument_offsets_point_at_each_argument)
{
	const char *text = "States.Format('{} {}', $.a, States.UUID())";
	intrinsic *call = ok(text);
	ck_assert_uint_eq(call->args[0].offset, offset_of(text, "'"));
	ck_assert_uint_eq(call->args[1].offset, offset_of(text, "$.a"));
	ck_assert_uint_eq(call->args[2].offset, offset_of(text, "States.UUID"));
}
END_TEST

/* ---- nesting and whitespace ---- */

START_TEST(nested_calls_are_arguments)
{
	intrinsic *call = ok("States.Format('{}', States.ArrayLength(States.Array(1, 2)))");
	ck_assert_int_eq(call->args[1].kind, IA_CALL);
	intrinsic *len = call->args[1].call;
	ck_assert_str_eq(len->fn->name, "States.ArrayLength");
	ck_assert_int_eq(len->args[0].kind, IA_CALL);
	ck_assert_str_eq(len->args[0].call->fn->name, "States.Array");
	ck_assert_int_eq(len->args[0].call->nargs, 2);
}
END_TEST

START_TEST(spaces_between_tokens_are_ignored)
{
	intrinsic *call =
		ok("  States.Format (  'a {} {}'  ,  $.x  ,  States.Array ( 1 , 2 )  )  ");
	ck_assert_int_eq(call->nargs, 3);
	ck_assert_int_eq(path_arg(call, 1)->seg_count, 1);
	ck_assert_int_eq(call->args[2].call->nargs, 2);
}
END_TEST

START_TEST(tabs_and_newlines_between_arguments_are_ignored)
{
	intrinsic *call = ok("States.Format(\n\t'{} {}',\n\t$.x,\r\n\t2\n)");
	ck_assert_int_eq(call->nargs, 3);
	ck_assert_int_eq(path_arg(call, 1)->seg_count, 1);
}
END_TEST

START_TEST(whitespace_between_a_path_and_the_next_token_is_ignored)
{
	ck_assert_int_eq(path_arg(ok("States.ArrayLength($.a\t)"), 0)->seg_count, 1);
	ck_assert_int_eq(path_arg(ok("States.ArrayLength($.a\n)"), 0)->seg_count, 1);
	ck_assert_int_eq(path_arg(ok("States.Array($.a\r\n, 1)"), 0)->seg_count, 1);
}
END_TEST

START_TEST(whitespace_between_a_function_name_and_its_parenthesis_is_ignored)
{
	ck_assert_str_eq(ok("States.UUID ()")->fn->name, "States.UUID");
	ck_assert_str_eq(ok("States.UUID\t()")->fn->name, "States.UUID");
	ck_assert_str_eq(ok("States.UUID\n()")->fn->name, "States.UUID");
}
END_TEST

/* n calls nested inside each other: States.Array(States.Array(...States.Array()...)). */
static const char *nested(int n)
{
	static char buf[512];
	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(buf, "States.Array(");
	for (int i = 0; i < n; i++)
		strcat(buf, ")");
	return buf;
}

START_TEST(ten_nested_calls_are_allowed)
{
	intrinsic *call = ok(nested(10));
	int depth = 1;
	while (call->nargs == 1) {
		ck_assert_int_eq(call->args[0].kind, IA_CALL);
		call = call->args[0].call;
		depth++;
	}
	ck_assert_int_eq(depth, 10);
}
END_TEST

START_TEST(eleven_nested_calls_are_rejected_at_the_eleventh)
{
	const char *text = nested(11);
	const char *msg = bad_at(text, 10 * strlen("States.Array("));
	assert_contains(msg, "10");
}
END_TEST

/* ---- intrinsic_format_placeholders ---- */

START_TEST(format_placeholders_counts_each_pair_of_braces)
{
	ck_assert_int_eq(intrinsic_format_placeholders("", 0), 0);
	ck_assert_int_eq(intrinsic_format_placeholders("none", 4), 0);
	ck_assert_int_eq(intrinsic_format_placeholders("{}", 2), 1);
	ck_assert_int_eq(intrinsic_format_placeholders("a {} b {}{}", 11), 3);
	ck_assert_int_eq(intrinsic_format_placeholders("{ } {", 5), 0);
}
END_TEST

START_TEST(format_placeholders_skips_escaped_braces)
{
	ck_assert_int_eq(intrinsic_format_placeholders("\\{}", 3), 0);
	ck_assert_int_eq(intrinsic_format_placeholders("{\\}", 3), 0);
	ck_assert_int_eq(intrinsic_format_placeholders("\\{\\} {}", 7), 1);
	/* an escaped backslash does not escape the brace after it */
	ck_assert_int_eq(intrinsic_format_placeholders("\\\\{}", 4), 1);
}
END_TEST

START_TEST(format_placeholders_of_a_parsed_template)
{
	intrinsic *call = ok("States.Format('\\{\\} {} \\\\{}', 1, 2)");
	const asl_value *t = literal_arg(call, 0);
	ck_assert_int_eq(intrinsic_format_placeholders(t->u.string.ptr, t->u.string.len), 2);
}
END_TEST

START_TEST(format_placeholders_respects_the_length)
{
	ck_assert_int_eq(intrinsic_format_placeholders("{}{}", 3), 1);
}
END_TEST

/* ---- errors ---- */

START_TEST(unknown_function_is_rejected_at_its_name)
{
	const char *msg = bad_at("States.Nope(1)", 0);
	assert_contains(msg, "States.Nope");
}
END_TEST

START_TEST(unknown_nested_function_is_rejected_at_its_name)
{
	const char *text = "States.Array(1, States.Foo())";
	bad_at(text, offset_of(text, "States.Foo"));
}
END_TEST

START_TEST(function_names_are_case_sensitive)
{
	bad_at("states.UUID()", 0);
	bad_at("States.uuid()", 0);
}
END_TEST

START_TEST(bare_word_argument_is_an_unknown_function)
{
	const char *text = "States.Array(1, maybe)";
	bad_at(text, offset_of(text, "maybe"));
}
END_TEST

START_TEST(backslash_n_escape_is_rejected_at_the_backslash)
{
	const char *text = "States.StringToJson('a\\nb')";
	const char *msg = bad_at(text, offset_of(text, "\\"));
	assert_contains(msg, "escape");
}
END_TEST

START_TEST(backslash_double_quote_escape_is_rejected_at_the_backslash)
{
	const char *text = "States.StringToJson('say \\\"hi\\\"')";
	bad_at(text, offset_of(text, "\\"));
}
END_TEST

START_TEST(open_escape_in_a_format_template_is_rejected)
{
	const char *text = "States.Format('a\\tb {}', 1)";
	bad_at(text, offset_of(text, "\\"));
}
END_TEST

START_TEST(backslash_at_the_end_of_the_text_is_rejected)
{
	const char *text = "States.StringToJson('abc\\";
	bad_at(text, offset_of(text, "\\"));
}
END_TEST

START_TEST(unterminated_string_is_rejected_at_its_opening_quote)
{
	const char *text = "States.StringToJson('abc)";
	const char *msg = bad_at(text, offset_of(text, "'"));
	assert_contains(msg, "unterminated");
	text = "States.Format('{}', 'x";
	bad_at(text, last_offset_of(text, "'"));
}
END_TEST

START_TEST(string_ending_in_an_escaped_quote_is_unterminated)
{
	const char *text = "States.StringToJson('abc\\')";
	bad_at(text, offset_of(text, "'"));
}
END_TEST

START_TEST(too_few_arguments_is_rejected_at_the_function)
{
	const char *msg = bad_at("States.MathAdd(1)", 0);
	assert_contains(msg, "2");
	bad_at("States.ArrayRange(1, 2)", 0);
	bad_at("States.StringToJson()", 0);
}
END_TEST

START_TEST(too_many_arguments_is_rejected_at_the_function)
{
	bad_at("States.ArrayLength($.a, $.b)", 0);
	bad_at("States.MathRandom(1, 2, 3, 4)", 0);
	bad_at("States.UUID(1)", 0);
}
END_TEST

START_TEST(variadic_minimum_is_enforced)
{
	const char *msg = bad_at("States.Format()", 0);
	assert_contains(msg, "at least 1");
}
END_TEST

START_TEST(wrong_count_in_a_nested_call_is_rejected_at_that_call)
{
	const char *text = "States.Array(1, States.MathAdd(1))";
	bad_at(text, offset_of(text, "States.MathAdd"));
}
END_TEST

START_TEST(string_where_a_number_is_needed_is_rejected_at_the_literal)
{
	const char *text = "States.MathAdd('a', 1)";
	const char *msg = bad_at(text, offset_of(text, "'a'"));
	assert_contains(msg, "number");
}
END_TEST

START_TEST(number_where_an_array_is_needed_is_rejected_at_the_literal)
{
	const char *text = "States.ArrayLength(5)";
	const char *msg = bad_at(text, offset_of(text, "5"));
	assert_contains(msg, "array");
}
END_TEST

START_TEST(literal_type_is_checked_at_every_position)
{
	const char *text = "States.MathAdd(1, true)";
	bad_at(text, offset_of(text, "true"));
	text = "States.JsonMerge($.a, $.b, 'false')";
	bad_at(text, offset_of(text, "'false'"));
	text = "States.StringSplit('a,b', 1)";
	bad_at(text, offset_of(text, "1)"));
	text = "States.Base64Encode(null)";
	bad_at(text, offset_of(text, "null"));
	text = "States.Format(42)";
	bad_at(text, offset_of(text, "42"));
}
END_TEST

START_TEST(literal_type_of_a_variadic_tail_is_any_value)
{
	ck_assert_int_eq(ok("States.Format('{}{}{}', 1, true, null)")->nargs, 4);
}
END_TEST

START_TEST(paths_and_calls_are_not_type_checked)
{
	ok("States.MathAdd($.a, States.ArrayLength($.b))");
	ok("States.ArrayLength(States.StringSplit('a,b', ','))");
}
END_TEST

START_TEST(missing_closing_parenthesis_is_rejected_at_the_end)
{
	const char *text = "States.Array(1, 2";
	bad_at(text, strlen(text));
	text = "States.UUID(";
	bad_at(text, strlen(text));
	text = "States.JsonToString($.a";
	bad_at(text, strlen(text));
}
END_TEST

START_TEST(missing_comma_is_rejected_at_the_second_argument)
{
	const char *text = "States.Array(1 2)";
	bad_at(text, offset_of(text, "2"));
}
END_TEST

START_TEST(missing_opening_parenthesis_is_rejected)
{
	const char *text = "States.UUID";
	bad_at(text, strlen(text));
}
END_TEST

START_TEST(trailing_text_is_rejected_where_it_starts)
{
	const char *text = "States.UUID() x";
	const char *msg = bad_at(text, offset_of(text, "x"));
	assert_contains(msg, "after");
}
END_TEST

START_TEST(result_of_a_call_cannot_be_indexed)
{
	const char *text = "States.Array(1, 2)[0]";
	bad_at(text, offset_of(text, "["));
}
END_TEST

START_TEST(trailing_comma_is_rejected)
{
	const char *text = "States.Array(1, )";
	bad_at(text, offset_of(text, ")"));
}
END_TEST

START_TEST(invalid_number_is_rejected_at_the_number)
{
	const char *text = "States.MathAdd(1-2, 3)";
	bad_at(text, offset_of(text, "1-2"));
	text = "States.MathAdd(1, 2.5.1)";
	bad_at(text, offset_of(text, "2.5.1"));
}
END_TEST

START_TEST(invalid_path_argument_is_rejected_at_the_path)
{
	const char *text = "States.ArrayLength($.a..)";
	const char *msg = bad_at(text, offset_of(text, "$"));
	assert_contains(msg, "path");
	text = "States.Format('{}', $.a[)";
	bad_at(text, offset_of(text, "$"));
}
END_TEST

START_TEST(first_error_wins)
{
	/* the unknown nested function comes before the outer call's argument count */
	const char *text = "States.MathAdd(States.Nope())";
	bad_at(text, offset_of(text, "States.Nope"));
}
END_TEST

START_TEST(empty_text_is_rejected)
{
	bad_at("", 0);
	bad_at("   ", 3);
}
END_TEST

static Suite *intrinsic_parser_suite(void)
{
	Suite *s = suite_create("intrinsic_parser");
	TCase *tc = tcase_create("functions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, every_function_parses_with_valid_arguments, 0,
			    (int)(sizeof valid_calls / sizeof valid_calls[0]));
	tcase_add_test(tc, math_random_accepts_an_optional_seed);
	tcase_add_test(tc, variadic_functions_take_any_number_of_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("literals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, escaped_quote_is_decoded_in_a_string);
	tcase_add_test(tc, brace_and_backslash_escapes_are_decoded_outside_format_templates);
	tcase_add_test(tc, format_template_keeps_brace_and_backslash_escapes);
	tcase_add_test(tc, format_template_decodes_the_escaped_quote);
	tcase_add_test(tc, format_value_arguments_decode_brace_escapes);
	tcase_add_test(tc, empty_string_literal_is_allowed);
	tcase_add_test(tc, string_literal_may_contain_separators_and_brackets);
	tcase_add_test(tc, integer_literal_is_an_integral_number);
	tcase_add_test(tc, negative_number_literal);
	tcase_add_test(tc, float_literal);
	tcase_add_test(tc, exponent_literal);
	tcase_add_test(tc, true_false_and_null_literals);
	suite_add_tcase(s, tc);

	tc = tcase_create("paths");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dollar_path_argument_is_the_whole_input);
	tcase_add_test(tc, member_path_argument);
	tcase_add_test(tc, context_path_argument);
	tcase_add_test(tc, variable_path_argument);
	tcase_add_test(tc, indexed_path_argument);
	tcase_add_test(tc, path_argument_ends_at_the_comma_outside_brackets);
	tcase_add_test(tc, argument_offsets_point_at_each_argument);
	suite_add_tcase(s, tc);

	tc = tcase_create("structure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nested_calls_are_arguments);
	tcase_add_test(tc, spaces_between_tokens_are_ignored);
	tcase_add_test(tc, tabs_and_newlines_between_arguments_are_ignored);
	tcase_add_test(tc, whitespace_between_a_path_and_the_next_token_is_ignored);
	tcase_add_test(tc, whitespace_between_a_function_name_and_its_parenthesis_is_ignored);
	tcase_add_test(tc, ten_nested_calls_are_allowed);
	tcase_add_test(tc, eleven_nested_calls_are_rejected_at_the_eleventh);
	suite_add_tcase(s, tc);

	tc = tcase_create("placeholders");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, format_placeholders_counts_each_pair_of_braces);
	tcase_add_test(tc, format_placeholders_skips_escaped_braces);
	tcase_add_test(tc, format_placeholders_of_a_parsed_template);
	tcase_add_test(tc, format_placeholders_respects_the_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_function_is_rejected_at_its_name);
	tcase_add_test(tc, unknown_nested_function_is_rejected_at_its_name);
	tcase_add_test(tc, function_names_are_case_sensitive);
	tcase_add_test(tc, bare_word_argument_is_an_unknown_function);
	tcase_add_test(tc, backslash_n_escape_is_rejected_at_the_backslash);
	tcase_add_test(tc, backslash_double_quote_escape_is_rejected_at_the_backslash);
	tcase_add_test(tc, open_escape_in_a_format_template_is_rejected);
	tcase_add_test(tc, backslash_at_the_end_of_the_text_is_rejected);
	tcase_add_test(tc, unterminated_string_is_rejected_at_its_opening_quote);
	tcase_add_test(tc, string_ending_in_an_escaped_quote_is_unterminated);
	tcase_add_test(tc, too_few_arguments_is_rejected_at_the_function);
	tcase_add_test(tc, too_many_arguments_is_rejected_at_the_function);
	tcase_add_test(tc, variadic_minimum_is_enforced);
	tcase_add_test(tc, wrong_count_in_a_nested_call_is_rejected_at_that_call);
	tcase_add_test(tc, string_where_a_number_is_needed_is_rejected_at_the_literal);
	tcase_add_test(tc, number_where_an_array_is_needed_is_rejected_at_the_literal);
	tcase_add_test(tc, literal_type_is_checked_at_every_position);
	tcase_add_test(tc, literal_type_of_a_variadic_tail_is_any_value);
	tcase_add_test(tc, paths_and_calls_are_not_type_checked);
	tcase_add_test(tc, missing_closing_parenthesis_is_rejected_at_the_end);
	tcase_add_test(tc, missing_comma_is_rejected_at_the_second_argument);
	tcase_add_test(tc, missing_opening_parenthesis_is_rejected);
	tcase_add_test(tc, trailing_text_is_rejected_where_it_starts);
	tcase_add_test(tc, result_of_a_call_cannot_be_indexed);
	tcase_add_test(tc, trailing_comma_is_rejected);
	tcase_add_test(tc, invalid_number_is_rejected_at_the_number);
	tcase_add_test(tc, invalid_path_argument_is_rejected_at_the_path);
	tcase_add_test(tc, first_error_wins);
	tcase_add_test(tc, empty_text_is_rejected);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(intrinsic_parser_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
