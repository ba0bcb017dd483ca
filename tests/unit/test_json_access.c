/* The read-only value API of json.h: every accessor on every type (and on NULL, no value) has
 * its documented answer; and the parser's error codes, one input for each. */
#include <check.h>
#include <string.h>

#include "asl/json.h"

static asl_arena arena;

static void setup(void)
{
	asl_arena_init(&arena, NULL);
}

static void teardown(void)
{
	asl_arena_destroy(&arena);
}

static const asl_value *json(const char *text, size_t len)
{
	asl_parse_error err;
	const asl_value *v = asl_parse(&arena, text, len, 0, &err);
	ck_assert_msg(v != NULL, "bad test JSON: %s", err.message);
	return v;
}

/* What each accessor says of one value. */
typedef struct row {
	const char *text; /* NULL: no value (a NULL pointer) */
	size_t text_len;
	asl_type type;
	int boolean;
	double number;
	const char *string; /* NULL: asl_string_ptr gives NULL */
	size_t string_len;
	size_t array_len, object_len;
} row;

#define T(s) s, sizeof s - 1
static const row rows[] = {
	{NULL, 0, ASL_NONE, 0, 0, NULL, 0, 0, 0},
	{T("null"), ASL_NULL, 0, 0, NULL, 0, 0, 0},
	{T("true"), ASL_BOOL, 1, 0, NULL, 0, 0, 0},
	{T("false"), ASL_BOOL, 0, 0, NULL, 0, 0, 0},
	{T("-2.5"), ASL_NUMBER, 0, -2.5, NULL, 0, 0, 0},
	{T("0"), ASL_NUMBER, 0, 0, NULL, 0, 0, 0},
	{T("\"a\\u0000b\""), ASL_STRING, 0, 0, "a\0b", 3, 0, 0},
	{T("\"\""), ASL_STRING, 0, 0, "", 0, 0, 0},
	{T("[true,\"x\"]"), ASL_ARRAY, 0, 0, NULL, 0, 2, 0},
	{T("[]"), ASL_ARRAY, 0, 0, NULL, 0, 0, 0},
	{T("{\"k\":1,\"k2\":\"v\"}"), ASL_OBJECT, 0, 0, NULL, 0, 0, 2},
	{T("{}"), ASL_OBJECT, 0, 0, NULL, 0, 0, 0},
};

START_TEST(every_accessor_answers_for_every_type)
{
	const row *r = &rows[_i];
	const asl_value *v = r->text ? json(r->text, r->text_len) : NULL;
	ck_assert_int_eq(asl_type_of(v), r->type);
	ck_assert_int_eq(asl_is_null(v), r->type == ASL_NULL);
	ck_assert_int_eq(asl_is_bool(v), r->type == ASL_BOOL);
	ck_assert_int_eq(asl_is_number(v), r->type == ASL_NUMBER);
	ck_assert_int_eq(asl_is_string(v), r->type == ASL_STRING);
	ck_assert_int_eq(asl_is_array(v), r->type == ASL_ARRAY);
	ck_assert_int_eq(asl_is_object(v), r->type == ASL_OBJECT);
	ck_assert_int_eq(asl_bool_value(v), r->boolean);
	ck_assert_double_eq(asl_number_value(v), r->number);
	ck_assert_uint_eq(asl_string_len(v), r->string_len);
	if (r->string) {
		ck_assert_mem_eq(asl_string_ptr(v), r->string,
				 r->string_len + 1); /* with the NUL */
	} else {
		ck_assert_ptr_null(asl_string_ptr(v));
	}
	ck_assert_uint_eq(asl_array_len(v), r->array_len);
	ck_assert_uint_eq(asl_object_len(v), r->object_len);
	/* the first and the last item and member exist exactly when the length says so */
	int items = r->array_len > 0, members = r->object_len > 0;
	ck_assert_int_eq(asl_array_get(v, 0) != NULL, items);
	ck_assert_int_eq(asl_array_get(v, -1) != NULL, items);
	size_t key_len = 99;
	ck_assert_int_eq(asl_object_key(v, 0, &key_len) != NULL, members);
	ck_assert_uint_eq(key_len, members ? 1 : 0);
	ck_assert_int_eq(asl_object_value(v, 0) != NULL, members);
	ck_assert_int_eq(asl_object_get(v, "k", 1) != NULL, members);
	/* out of range on every type */
	ck_assert_ptr_null(asl_array_get(v, (int64_t)r->array_len));
	ck_assert_ptr_null(asl_array_get(v, -1 - (int64_t)r->array_len));
	key_len = 99;
	ck_assert_ptr_null(asl_object_key(v, r->object_len, &key_len));
	ck_assert_uint_eq(key_len, 0);
	ck_assert_ptr_null(asl_object_key(v, r->object_len, NULL));
	ck_assert_ptr_null(asl_object_value(v, r->object_len));
	ck_assert_ptr_null(asl_object_get(v, "absent", 6));
}
END_TEST

START_TEST(iteration_visits_items_and_members_in_order)
{
	const asl_value *a = json(T("[10,\"x\",[1]]"));
	ck_assert_double_eq(asl_number_value(asl_array_get(a, 0)), 10);
	ck_assert_str_eq(asl_string_ptr(asl_array_get(a, 1)), "x");
	ck_assert_int_eq(asl_type_of(asl_array_get(a, -1)), ASL_ARRAY);
	const asl_value *o = json(T("{\"b\":1,\"a\":2,\"c\":3}"));
	static const char *const keys[] = {"b", "a", "c"};
	ck_assert_uint_eq(asl_object_len(o), 3);
	for (size_t i = 0; i < asl_object_len(o); i++) {
		size_t n;
		ck_assert_str_eq(asl_object_key(o, i, &n), keys[i]);
		ck_assert_uint_eq(n, 1);
		ck_assert_double_eq(asl_number_value(asl_object_value(o, i)), (double)(i + 1));
	}
	ck_assert_double_eq(asl_number_value(asl_object_get(o, "c", 1)), 3);
}
END_TEST

START_TEST(lookups_chain_through_missing_members)
{
	const asl_value *v = json(T("{\"a\":{\"b\":[true]}}"));
	ck_assert_int_eq(
		asl_bool_value(asl_array_get(asl_object_get(asl_object_get(v, "a", 1), "b", 1), 0)),
		1);
	ck_assert_ptr_null(asl_array_get(asl_object_get(asl_object_get(v, "x", 1), "b", 1), 0));
}
END_TEST

/* Each code, from one input that produces it; the message is the one the parser always gave. */
typedef struct parse_case {
	const char *text;
	size_t len;
	asl_json_error code;
	const char *message;
} parse_case;

static char deep[ASL_PARSE_MAX_DEPTH + 2];

static const parse_case parse_cases[] = {
	{T("{\"a\":[1]}"), ASL_JSON_OK, ""},
	{T(" \n "), ASL_JSON_EMPTY, "no JSON value in input"},
	{T("[1,"), ASL_JSON_TRUNCATED, "unexpected end of input"},
	{T("\"abc"), ASL_JSON_TRUNCATED, "unexpected end of input in a string"},
	{T("{\"a\" 1}"), ASL_JSON_SYNTAX, "expected ':' after object key"},
	{T("[1 2]"), ASL_JSON_SYNTAX, "expected ',' or ']'"},
	{T("1 2"), ASL_JSON_SYNTAX, "unexpected data after JSON value"},
	{T("[tru]"), ASL_JSON_BAD_LITERAL,
	 "invalid literal (expected a number, true, false or null)"},
	{T("\"a\\x\""), ASL_JSON_BAD_STRING, "invalid escape in string"},
	{T("\"a\tb\""), ASL_JSON_BAD_STRING, "control character in string"},
	{T("\"\xff\""), ASL_JSON_BAD_UTF8, "invalid UTF-8 in string"},
	{deep, sizeof deep - 1, ASL_JSON_TOO_DEEP, "nesting too deep"},
};

START_TEST(each_parse_error_has_its_code)
{
	memset(deep, '[', sizeof deep - 1);
	const parse_case *c = &parse_cases[_i];
	asl_parse_error err;
	const asl_value *v = asl_parse(&arena, c->text, c->len, 0, &err);
	ck_assert_int_eq(v == NULL, c->code != ASL_JSON_OK);
	ck_assert_int_eq(err.code, c->code);
	ck_assert_str_eq(err.message, c->message);
}
END_TEST

START_TEST(a_text_over_2_gib_is_too_large)
{
	/* refused on its length alone: the parser reads none of it */
	asl_parse_error err;
	ck_assert_ptr_null(asl_parse(&arena, "[]", (size_t)1 << 31, 0, &err));
	ck_assert_int_eq(err.code, ASL_JSON_TOO_LARGE);
	ck_assert_str_eq(err.message, "input too large");
}
END_TEST

static void *no_memory(void *user, size_t size)
{
	(void)user, (void)size;
	return NULL;
}

static void no_release(void *user, void *block)
{
	(void)user, (void)block;
}

START_TEST(a_failing_allocator_is_nomem)
{
	static const asl_allocator none = {no_memory, no_release, NULL};
	asl_arena a;
	asl_arena_init(&a, &none);
	asl_parse_error err;
	ck_assert_ptr_null(asl_parse(&a, T("[1,2]"), 0, &err));
	ck_assert_int_eq(err.code, ASL_JSON_NOMEM);
	ck_assert_str_eq(err.message, "out of memory");
	ck_assert_ptr_null(asl_parse(&a, T("\"text\""), 0, &err));
	ck_assert_int_eq(err.code, ASL_JSON_NOMEM);
	asl_arena_destroy(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_access");
	TCase *tc = tcase_create("json_access");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, every_accessor_answers_for_every_type, 0,
			    (int)(sizeof rows / sizeof rows[0]));
	tcase_add_test(tc, iteration_visits_items_and_members_in_order);
	tcase_add_test(tc, lookups_chain_through_missing_members);
	tcase_add_loop_test(tc, each_parse_error_has_its_code, 0,
			    (int)(sizeof parse_cases / sizeof parse_cases[0]));
	tcase_add_test(tc, a_text_over_2_gib_is_too_large);
	tcase_add_test(tc, a_failing_allocator_is_nomem);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
