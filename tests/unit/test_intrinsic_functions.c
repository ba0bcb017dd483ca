/* Unit tests of the run-time intrinsic functions (asl_fn_* in runtime/core/intrinsics_array.c,
 * intrinsics_string.c, intrinsics_math.c) on a hand-made execution. Expected values are AWS's
 * recorded behaviour (docs/research/asl-semantics.md section 7). */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "exec_fixture.h"

/* A string of `n` copies of `c`. */
static asl_value *repeated(char c, size_t n)
{
	char *s = asl_arena_alloc(asl_heap(&ex), n + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return asl_string(asl_heap(&ex), s, n);
}

/* Calls `fn` on values (the arguments as the generated code would pass them). */
static asl_value *call_values(asl_intrinsic_fn fn, int n, asl_value **args)
{
	ex.failed = 0;
	ex.error = ex.cause = NULL;
	return fn(&ex, args, n);
}

/* Calls `fn` on arguments written as JSON texts. */
static asl_value *call_json(asl_intrinsic_fn fn, int n, const char *const *texts)
{
	asl_value *args[8];
	ck_assert_int_le(n, 8);
	for (int i = 0; i < n; i++)
		args[i] = doc(texts[i]);
	return call_values(fn, n, args);
}

#define NARGS(...) ((int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))
#define CALL(fn, ...) call_json((fn), NARGS(__VA_ARGS__), (const char *const[]){__VA_ARGS__})
#define VALUES(...) ((asl_value *[]){__VA_ARGS__})
#define NVALUES(...) ((int)(sizeof((asl_value *[]){__VA_ARGS__}) / sizeof(asl_value *)))
#define CALL_V(fn, ...) call_values((fn), NVALUES(__VA_ARGS__), VALUES(__VA_ARGS__))

/* The JSON text of a successful result. */
static const char *json(const asl_value *v)
{
	ck_assert_msg(v != NULL, "the call failed: %s: %s", ex.error ? ex.error : "(no error)",
		      ex.cause ? ex.cause : "");
	ck_assert_int_eq(ex.failed, 0);
	return asl__json(&ex, v);
}

/* The bytes of a successful string result. */
static const char *text(const asl_value *v)
{
	ck_assert_msg(v != NULL, "the call failed: %s: %s", ex.error ? ex.error : "(no error)",
		      ex.cause ? ex.cause : "");
	ck_assert_int_eq(ex.failed, 0);
	ck_assert_int_eq(v->type, ASL_STRING);
	ck_assert_uint_eq(strlen(v->u.string.ptr), v->u.string.len);
	return v->u.string.ptr;
}

#define JSON_IS(want, result)                                                              \
	do {                                                                               \
		const char *got_ = json(result);                                           \
		ck_assert_msg(strcmp(got_, (want)) == 0, "got %s, want %s", got_, (want)); \
	} while (0)
#define TEXT_IS(want, result)                                                                  \
	do {                                                                                   \
		const char *got_ = text(result);                                               \
		ck_assert_msg(strcmp(got_, (want)) == 0, "got '%s', want '%s'", got_, (want)); \
	} while (0)

/* A call that must fail with States.IntrinsicFailure and return NULL. */
static void assert_intrinsic_failure(const asl_value *r)
{
	ck_assert_msg(r == NULL, "the call succeeded with %s", r ? asl__json(&ex, r) : "");
	ck_assert_int_eq(ex.failed, 1);
	ck_assert_ptr_nonnull(ex.error);
	ck_assert_str_eq(ex.error, "States.IntrinsicFailure");
	ck_assert_ptr_nonnull(ex.cause);
	ck_assert_msg(ex.cause[0] != '\0', "failure without a cause");
}

#define FAILS(result) assert_intrinsic_failure(result)

/* ---- States.Format ---- */

START_TEST(format_inserts_strings_raw)
{
	TEXT_IS("Hello, my name is Alice.",
		CALL(asl_fn_format, "\"Hello, my name is {}.\"", "\"Alice\""));
	TEXT_IS("say \"hi\"", CALL(asl_fn_format, "\"say {}\"", "\"\\\"hi\\\"\""));
}
END_TEST

START_TEST(format_renders_numbers_as_json)
{
	TEXT_IS("1 1.1 -3 0.5", CALL(asl_fn_format, "\"{} {} {} {}\"", "1", "1.1", "-3", "0.5"));
}
END_TEST

START_TEST(format_renders_null_as_null)
{
	TEXT_IS("value: null", CALL(asl_fn_format, "\"value: {}\"", "null"));
}
END_TEST

START_TEST(format_renders_booleans)
{
	TEXT_IS("true/false", CALL(asl_fn_format, "\"{}/{}\"", "true", "false"));
}
END_TEST

START_TEST(format_renders_objects_java_map_style)
{
	TEXT_IS("{Arg1=1, Arg2=[]}", CALL(asl_fn_format, "\"{}\"", "{\"Arg1\":1,\"Arg2\":[]}"));
	TEXT_IS("{a={b=x}}", CALL(asl_fn_format, "\"{}\"", "{\"a\":{\"b\":\"x\"}}"));
	TEXT_IS("{}", CALL(asl_fn_format, "\"{}\"", "{}"));
}
END_TEST

START_TEST(format_renders_arrays_with_comma_space)
{
	TEXT_IS("[a, b]", CALL(asl_fn_format, "\"{}\"", "[\"a\",\"b\"]"));
	TEXT_IS("[1, [2, 3], null]", CALL(asl_fn_format, "\"{}\"", "[1,[2,3],null]"));
	TEXT_IS("[]", CALL(asl_fn_format, "\"{}\"", "[]"));
}
END_TEST

START_TEST(format_escaped_braces_are_literal)
{
	/* aslc keeps \{ \} \\ escaped in the template literal */
	TEXT_IS("{} x", CALL_V(asl_fn_format, str("\\{\\} {}"), str("x")));
	TEXT_IS("{x}", CALL_V(asl_fn_format, str("\\{{}\\}"), str("x")));
}
END_TEST

START_TEST(format_escaped_backslash_is_one_backslash)
{
	TEXT_IS("a\\b", CALL_V(asl_fn_format, str("a\\\\{}"), str("b")));
}
END_TEST

START_TEST(format_template_without_placeholders_is_copied)
{
	TEXT_IS("plain { text }", CALL(asl_fn_format, "\"plain { text }\""));
}
END_TEST

START_TEST(format_more_placeholders_than_arguments_fails)
{
	FAILS(CALL(asl_fn_format, "\"{} and {}\"", "1"));
}
END_TEST

START_TEST(format_more_arguments_than_placeholders_fails)
{
	FAILS(CALL(asl_fn_format, "\"only {}\"", "1", "2"));
	FAILS(CALL(asl_fn_format, "\"none\"", "1"));
}
END_TEST

START_TEST(format_template_that_is_not_a_string_fails)
{
	FAILS(CALL(asl_fn_format, "42"));
}
END_TEST

/* ---- States.StringToJson / JsonToString ---- */

START_TEST(string_to_json_parses_the_text)
{
	JSON_IS("{\"a\":[1,2,{\"b\":null}]}",
		CALL_V(asl_fn_string_to_json, str("{\"a\": [1, 2, {\"b\": null}]}")));
	JSON_IS("\"x\"", CALL_V(asl_fn_string_to_json, str("\"x\"")));
	JSON_IS("42", CALL_V(asl_fn_string_to_json, str(" 42 ")));
}
END_TEST

START_TEST(string_to_json_of_blank_text_is_null)
{
	JSON_IS("null", CALL_V(asl_fn_string_to_json, str("")));
	JSON_IS("null", CALL_V(asl_fn_string_to_json, str("  \t\n ")));
}
END_TEST

START_TEST(string_to_json_of_minus_zero_is_zero)
{
	JSON_IS("0", CALL_V(asl_fn_string_to_json, str("-0")));
}
END_TEST

START_TEST(string_to_json_of_invalid_json_fails)
{
	FAILS(CALL_V(asl_fn_string_to_json, str("{a:1}")));
	FAILS(CALL_V(asl_fn_string_to_json, str("[1,")));
	FAILS(CALL_V(asl_fn_string_to_json, str("1 2")));
	FAILS(CALL_V(asl_fn_string_to_json, str("'single'")));
}
END_TEST

START_TEST(string_to_json_of_a_non_string_fails)
{
	FAILS(CALL(asl_fn_string_to_json, "{\"a\":1}"));
}
END_TEST

START_TEST(json_to_string_is_compact)
{
	TEXT_IS("{\"Arg1\":1,\"Arg2\":[]}",
		CALL(asl_fn_json_to_string, "{ \"Arg1\" : 1, \"Arg2\" : [ ] }"));
}
END_TEST

START_TEST(json_to_string_quotes_a_string)
{
	TEXT_IS("\"HelloWorld\"", CALL(asl_fn_json_to_string, "\"HelloWorld\""));
}
END_TEST

START_TEST(json_to_string_of_scalars)
{
	TEXT_IS("null", CALL(asl_fn_json_to_string, "null"));
	TEXT_IS("1.5", CALL(asl_fn_json_to_string, "1.5"));
	TEXT_IS("true", CALL(asl_fn_json_to_string, "true"));
}
END_TEST

START_TEST(string_to_json_inverts_json_to_string)
{
	const char *original = "{\"a\":[1,\"two\",{\"three\":null}],\"b\":\"x\\\"y\"}";
	asl_value *s = CALL(asl_fn_json_to_string, original);
	JSON_IS(original, CALL_V(asl_fn_string_to_json, s));
}
END_TEST

/* ---- States.Array ---- */

START_TEST(array_collects_its_arguments_in_order)
{
	JSON_IS("[1,\"two\",null,{\"x\":[3]}]",
		CALL(asl_fn_array, "1", "\"two\"", "null", "{\"x\":[3]}"));
}
END_TEST

START_TEST(array_without_arguments_is_empty)
{
	JSON_IS("[]", call_values(asl_fn_array, 0, NULL));
}
END_TEST

/* ---- States.ArrayPartition ---- */

START_TEST(array_partition_makes_chunks_with_a_shorter_last_one)
{
	JSON_IS("[[0,1,2],[3]]", CALL(asl_fn_array_partition, "[0,1,2,3]", "3"));
	JSON_IS("[[1,2,3,4],[5,6,7,8],[9]]",
		CALL(asl_fn_array_partition, "[1,2,3,4,5,6,7,8,9]", "4"));
}
END_TEST

START_TEST(array_partition_of_an_exact_multiple)
{
	JSON_IS("[[1,2],[3,4]]", CALL(asl_fn_array_partition, "[1,2,3,4]", "2"));
}
END_TEST

START_TEST(array_partition_of_an_empty_array_is_empty)
{
	JSON_IS("[]", CALL(asl_fn_array_partition, "[]", "3"));
}
END_TEST

START_TEST(array_partition_larger_than_the_array_is_one_chunk)
{
	JSON_IS("[[\"a\",\"b\"]]", CALL(asl_fn_array_partition, "[\"a\",\"b\"]", "100"));
}
END_TEST

START_TEST(array_partition_size_zero_fails)
{
	FAILS(CALL(asl_fn_array_partition, "[1,2]", "0"));
}
END_TEST

START_TEST(array_partition_negative_size_fails)
{
	FAILS(CALL(asl_fn_array_partition, "[1,2]", "-2"));
}
END_TEST

START_TEST(array_partition_of_nan_or_a_huge_size_fails)
{
	FAILS(CALL_V(asl_fn_array_partition, doc("[1,2]"), asl_number(asl_heap(&ex), NAN)));
	FAILS(CALL(asl_fn_array_partition, "[1,2]", "1e300"));
}
END_TEST

START_TEST(array_partition_of_a_non_array_fails)
{
	FAILS(CALL(asl_fn_array_partition, "{\"a\":1}", "2"));
}
END_TEST

/* ---- States.ArrayContains ---- */

START_TEST(array_contains_finds_a_scalar)
{
	JSON_IS("true", CALL(asl_fn_array_contains, "[1,2,3,4,5,6,7,8,9]", "5"));
	JSON_IS("false", CALL(asl_fn_array_contains, "[1,2,3]", "4"));
	JSON_IS("true", CALL(asl_fn_array_contains, "[\"a\",null]", "null"));
}
END_TEST

START_TEST(array_contains_compares_objects_and_arrays_deeply)
{
	JSON_IS("true",
		CALL(asl_fn_array_contains, "[1,{\"a\":[1,{\"b\":2}]}]", "{\"a\":[1,{\"b\":2}]}"));
	JSON_IS("true", CALL(asl_fn_array_contains, "[[1,[2]]]", "[1,[2]]"));
	JSON_IS("false", CALL(asl_fn_array_contains, "[{\"a\":[1,2]}]", "{\"a\":[2,1]}"));
	JSON_IS("false", CALL(asl_fn_array_contains, "[{\"a\":1,\"b\":2}]", "{\"a\":1}"));
}
END_TEST

START_TEST(array_contains_does_not_convert_types)
{
	JSON_IS("false", CALL(asl_fn_array_contains, "[\"1\",true]", "1"));
}
END_TEST

START_TEST(array_contains_of_an_empty_array_is_false)
{
	JSON_IS("false", CALL(asl_fn_array_contains, "[]", "null"));
}
END_TEST

START_TEST(array_contains_in_a_non_array_fails)
{
	FAILS(CALL(asl_fn_array_contains, "\"abc\"", "\"a\""));
}
END_TEST

/* ---- States.ArrayRange ---- */

START_TEST(array_range_stops_before_passing_the_end)
{
	JSON_IS("[0,3,6,9]", CALL(asl_fn_array_range, "0", "10", "3"));
}
END_TEST

START_TEST(array_range_includes_a_reachable_end)
{
	JSON_IS("[0,5,10]", CALL(asl_fn_array_range, "0", "10", "5"));
	JSON_IS("[1,3,5,7,9]", CALL(asl_fn_array_range, "1", "9", "2"));
}
END_TEST

START_TEST(array_range_with_a_step_past_the_end_is_the_start)
{
	JSON_IS("[1]", CALL(asl_fn_array_range, "1", "9", "9"));
}
END_TEST

START_TEST(array_range_counts_down_with_a_negative_step)
{
	JSON_IS("[10,7,4,1]", CALL(asl_fn_array_range, "10", "0", "-3"));
	JSON_IS("[5,3,1]", CALL(asl_fn_array_range, "5", "1", "-2"));
}
END_TEST

START_TEST(array_range_step_zero_fails)
{
	FAILS(CALL(asl_fn_array_range, "0", "10", "0"));
}
END_TEST

START_TEST(integer_arguments_beyond_a_java_int_fail)
{
	/* cast to an integer they were undefined: MathRandom divided by zero, ArrayRange made
	 * -9223372036854775808 items */
	const char *big = "100000000000000000000000000000";
	FAILS(CALL(asl_fn_array_range, "0", big, "10000000000000000000000000000"));
	FAILS(CALL(asl_fn_array_range, "2147483648", "2147483649", "1"));
	FAILS(CALL(asl_fn_math_random, "0", big));
	FAILS(CALL(asl_fn_math_random, "0", "10", big));
	FAILS(CALL(asl_fn_math_add, "18446744073709551616", "1"));
	ck_assert_ptr_nonnull(strstr(ex.cause, "between -2147483648 and 2147483647"));
	JSON_IS("-2147483648", CALL(asl_fn_math_add, "-2147483648", "0"));
}
END_TEST

START_TEST(array_range_of_1000_items_is_allowed)
{
	asl_value *r = CALL(asl_fn_array_range, "1", "1000", "1");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->u.array.len, 1000);
	ck_assert_double_eq(r->u.array.items[999]->u.number, 1000);
}
END_TEST

START_TEST(array_range_of_more_than_1000_items_fails)
{
	FAILS(CALL(asl_fn_array_range, "0", "1000", "1"));
	FAILS(CALL(asl_fn_array_range, "1000", "-1000", "-1"));
}
END_TEST

START_TEST(array_range_items_are_integers)
{
	JSON_IS("[2,4]", CALL(asl_fn_array_range, "2", "4", "2"));
}
END_TEST

START_TEST(array_range_with_a_non_number_fails)
{
	FAILS(CALL(asl_fn_array_range, "0", "\"10\"", "1"));
}
END_TEST

/* A one-item range at 1e300 converted 1e300 to int64 (undefined behaviour). */
START_TEST(array_range_outside_the_int32_range_fails)
{
	FAILS(CALL(asl_fn_array_range, "1e300", "1e300", "1"));
	FAILS(CALL(asl_fn_array_range, "0", "10", "1e20"));
	FAILS(CALL(asl_fn_array_range, "-2147483649", "-2147483648", "1"));
	FAILS(CALL_V(asl_fn_array_range, doc("0"), asl_number(asl_heap(&ex), NAN), doc("1")));
}
END_TEST

START_TEST(array_range_across_the_whole_int32_range_is_too_long)
{
	FAILS(CALL(asl_fn_array_range, "-2147483648", "2147483647", "1"));
	JSON_IS("[-2147483648,-1,2147483646]",
		CALL(asl_fn_array_range, "-2147483648", "2147483647", "2147483647"));
}
END_TEST

/* ---- States.ArrayGetItem / ArrayLength ---- */

START_TEST(array_get_item_returns_the_element_at_the_index)
{
	JSON_IS("\"b\"", CALL(asl_fn_array_get_item, "[\"a\",\"b\",\"c\"]", "1"));
	JSON_IS("\"a\"", CALL(asl_fn_array_get_item, "[\"a\",\"b\",\"c\"]", "0"));
	JSON_IS("{\"x\":[1]}", CALL(asl_fn_array_get_item, "[1,{\"x\":[1]}]", "1"));
}
END_TEST

START_TEST(array_get_item_past_the_end_fails)
{
	FAILS(CALL(asl_fn_array_get_item, "[\"a\",\"b\",\"c\"]", "3"));
	FAILS(CALL(asl_fn_array_get_item, "[]", "0"));
}
END_TEST

START_TEST(array_get_item_negative_index_fails)
{
	FAILS(CALL(asl_fn_array_get_item, "[\"a\",\"b\",\"c\"]", "-1"));
}
END_TEST

START_TEST(array_get_item_of_a_non_array_fails)
{
	FAILS(CALL(asl_fn_array_get_item, "{\"0\":1}", "0"));
}
END_TEST

START_TEST(array_length_counts_top_level_items)
{
	JSON_IS("0", CALL(asl_fn_array_length, "[]"));
	JSON_IS("3", CALL(asl_fn_array_length, "[1,[2,3],{\"a\":[4,5]}]"));
}
END_TEST

START_TEST(array_length_of_a_non_array_fails)
{
	FAILS(CALL(asl_fn_array_length, "\"abc\""));
}
END_TEST

/* ---- States.ArrayUnique ---- */

START_TEST(array_unique_removes_repeated_values)
{
	JSON_IS("[1,2,3,4]", CALL(asl_fn_array_unique, "[1,2,3,3,3,3,3,3,4]"));
}
END_TEST

START_TEST(array_unique_keeps_first_occurrences_in_order)
{
	JSON_IS("[3,1,2]", CALL(asl_fn_array_unique, "[3,1,3,2,1,2]"));
}
END_TEST

START_TEST(array_unique_compares_deeply)
{
	JSON_IS("[{\"a\":1},[1],\"1\",1,null]",
		CALL(asl_fn_array_unique, "[{\"a\":1},[1],{\"a\":1},\"1\",[1],1,null,null]"));
}
END_TEST

START_TEST(array_unique_of_an_empty_array_is_empty)
{
	JSON_IS("[]", CALL(asl_fn_array_unique, "[]"));
}
END_TEST

START_TEST(array_unique_of_a_non_array_fails)
{
	FAILS(CALL(asl_fn_array_unique, "{\"a\":1}"));
}
END_TEST

/* ---- States.Base64Encode / Base64Decode ---- */

START_TEST(base64_encode_of_text)
{
	TEXT_IS("RGF0YSB0byBlbmNvZGU=", CALL_V(asl_fn_base64_encode, str("Data to encode")));
	TEXT_IS("YQ==", CALL_V(asl_fn_base64_encode, str("a")));
}
END_TEST

START_TEST(base64_encode_of_empty_text_is_empty)
{
	TEXT_IS("", CALL_V(asl_fn_base64_encode, str("")));
}
END_TEST

START_TEST(base64_decode_of_text)
{
	TEXT_IS("Data to encode", CALL_V(asl_fn_base64_decode, str("RGF0YSB0byBlbmNvZGU=")));
	TEXT_IS("", CALL_V(asl_fn_base64_decode, str("")));
}
END_TEST

START_TEST(base64_round_trip_keeps_utf8)
{
	const char *original = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 {\"a\":1}";
	asl_value *encoded = CALL_V(asl_fn_base64_encode, str(original));
	TEXT_IS(original, CALL_V(asl_fn_base64_decode, encoded));
}
END_TEST

START_TEST(base64_decode_of_invalid_text_fails)
{
	FAILS(CALL_V(asl_fn_base64_decode, str("not base64!")));
	FAILS(CALL_V(asl_fn_base64_decode, str("@@@@")));
}
END_TEST

START_TEST(base64_decode_to_bytes_that_are_not_utf8_fails)
{
	/* /w== is the byte 0xFF, wKs= an overlong '+', 7aCA a UTF-8 encoded surrogate */
	const char *bad[] = {"/w==", "wKs=", "7aCA", "aGn/"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		FAILS(CALL_V(asl_fn_base64_decode, str(bad[i])));
		ck_assert_ptr_nonnull(strstr(ex.cause, "UTF-8"));
	}
	asl_value *nul = CALL_V(asl_fn_base64_decode, str("YQBi")); /* NUL is a character */
	ck_assert_uint_eq(nul->u.string.len, 3);
}
END_TEST

START_TEST(base64_encode_of_10000_characters_is_allowed)
{
	asl_value *r = CALL_V(asl_fn_base64_encode, repeated('a', 10000));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->u.string.len, 13336);
}
END_TEST

START_TEST(base64_encode_of_more_than_10000_characters_fails)
{
	FAILS(CALL_V(asl_fn_base64_encode, repeated('a', 10001)));
}
END_TEST

START_TEST(base64_limit_counts_characters_not_bytes)
{
	/* 10000 two-byte characters are 20000 bytes but within the limit */
	char *s = asl_arena_alloc(asl_heap(&ex), 20001);
	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < 10000; i++)
		memcpy(s + 2 * i, "\xc3\xa9", 2);
	s[20000] = '\0';
	ck_assert_ptr_nonnull(CALL_V(asl_fn_base64_encode, asl_string(asl_heap(&ex), s, 20000)));
}
END_TEST

START_TEST(base64_decode_of_more_than_10000_characters_fails)
{
	FAILS(CALL_V(asl_fn_base64_decode, repeated('A', 10004)));
}
END_TEST

START_TEST(base64_of_a_non_string_fails)
{
	FAILS(CALL(asl_fn_base64_encode, "12"));
	FAILS(CALL(asl_fn_base64_decode, "null"));
}
END_TEST

/* ---- States.Hash ---- */

static const struct {
	const char *algorithm, *digest;
} hashes[] = {
	{"MD5", "812f45842bc6d66ee14572ce20db8e86"},
	{"SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"},
	{"SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"},
	{"SHA-384", "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc8"
		    "35ebb27e1fb9e9374a15562"},
	{"SHA-512", "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2"
		    "954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"},
};

START_TEST(hash_gives_the_lowercase_hex_digest)
{
	TEXT_IS(hashes[_i].digest,
		CALL_V(asl_fn_hash, str("input data"), str(hashes[_i].algorithm)));
}
END_TEST

START_TEST(hash_with_an_unknown_algorithm_fails)
{
	FAILS(CALL_V(asl_fn_hash, str("input data"), str("SHA-224")));
	FAILS(CALL_V(asl_fn_hash, str("input data"), str("")));
}
END_TEST

START_TEST(hash_of_more_than_10000_characters_fails)
{
	FAILS(CALL_V(asl_fn_hash, repeated('x', 10001), str("MD5")));
}
END_TEST

START_TEST(hash_of_10000_characters_is_allowed)
{
	ck_assert_uint_eq(text(CALL_V(asl_fn_hash, repeated('x', 10000), str("MD5")))[32], '\0');
}
END_TEST

START_TEST(hash_with_a_non_string_algorithm_fails)
{
	FAILS(CALL_V(asl_fn_hash, str("input data"), doc("256")));
}
END_TEST

/* ---- States.JsonMerge ---- */

START_TEST(json_merge_second_object_wins)
{
	JSON_IS("{\"a\":2,\"b\":3}",
		CALL(asl_fn_json_merge, "{\"a\":1}", "{\"a\":2,\"b\":3}", "false"));
}
END_TEST

START_TEST(json_merge_is_shallow)
{
	JSON_IS("{\"a\":1,\"b\":{\"y\":2},\"c\":3}",
		CALL(asl_fn_json_merge, "{\"a\":1,\"b\":{\"x\":1,\"y\":1}}",
		     "{\"b\":{\"y\":2},\"c\":3}", "false"));
}
END_TEST

START_TEST(json_merge_leaves_its_arguments_unchanged)
{
	asl_value *a = doc("{\"a\":1,\"b\":2}"), *b = doc("{\"b\":3,\"c\":4}");
	json(CALL_V(asl_fn_json_merge, a, b, asl_false()));
	ck_assert_str_eq(asl__json(&ex, a), "{\"a\":1,\"b\":2}");
	ck_assert_str_eq(asl__json(&ex, b), "{\"b\":3,\"c\":4}");
}
END_TEST

START_TEST(json_merge_deep_fails)
{
	FAILS(CALL(asl_fn_json_merge, "{\"a\":{\"x\":1}}", "{\"a\":{\"y\":2}}", "true"));
}
END_TEST

START_TEST(json_merge_of_a_non_object_fails)
{
	FAILS(CALL(asl_fn_json_merge, "[1]", "{\"a\":1}", "false"));
	FAILS(CALL(asl_fn_json_merge, "{\"a\":1}", "\"b\"", "false"));
}
END_TEST

/* ---- States.MathAdd ---- */

START_TEST(math_add_adds_integers)
{
	JSON_IS("110", CALL(asl_fn_math_add, "111", "-1"));
	JSON_IS("0", CALL(asl_fn_math_add, "0", "0"));
}
END_TEST

static const struct {
	const char *a, *b, *sum;
} roundings[] = {
	{"-1.5", "0", "-1"},  {"2.5", "0", "3"},   {"1.49", "1.5", "3"},
	{"-0.5", "0.5", "1"}, {"-2.5", "0", "-2"}, {"1.5", "0", "2"},
};

START_TEST(math_add_rounds_halves_up_like_java)
{
	JSON_IS(roundings[_i].sum, CALL(asl_fn_math_add, roundings[_i].a, roundings[_i].b));
}
END_TEST

START_TEST(math_add_rounds_the_largest_double_below_a_half_down)
{
	/* Java 7+ Math.round(0.49999999999999994) is 0; floor(x + 0.5) gives 1 */
	JSON_IS("0", CALL(asl_fn_math_add, "0.49999999999999994", "0"));
}
END_TEST

START_TEST(math_add_accepts_the_int32_range)
{
	JSON_IS("2147483647", CALL(asl_fn_math_add, "2147483647", "0"));
	JSON_IS("-2147483648", CALL(asl_fn_math_add, "-2147483648", "0"));
}
END_TEST

START_TEST(math_add_outside_the_int32_range_fails)
{
	FAILS(CALL(asl_fn_math_add, "2147483648", "0"));
	FAILS(CALL(asl_fn_math_add, "1", "-2147483649"));
}
END_TEST

START_TEST(math_add_of_nan_or_infinity_fails)
{
	FAILS(CALL_V(asl_fn_math_add, asl_number(asl_heap(&ex), NAN), doc("1")));
	FAILS(CALL_V(asl_fn_math_add, doc("1"), asl_number(asl_heap(&ex), -INFINITY)));
}
END_TEST

START_TEST(math_add_of_a_non_number_fails)
{
	FAILS(CALL(asl_fn_math_add, "\"1\"", "2"));
}
END_TEST

/* ---- States.MathRandom ---- */

START_TEST(math_random_start_is_inclusive_and_end_exclusive)
{
	int seen[4] = {0};
	for (int i = 0; i < 2000; i++) {
		asl_value *r = CALL(asl_fn_math_random, "1", "5");
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->type, ASL_NUMBER);
		double v = r->u.number;
		ck_assert_msg(v >= 1 && v < 5 && v == (int)v, "MathRandom(1, 5) gave %g", v);
		seen[(int)v - 1] = 1;
	}
	ck_assert_msg(seen[0] && seen[3], "2000 calls never gave the start or end - 1");
}
END_TEST

START_TEST(math_random_with_a_span_of_one_is_the_start)
{
	JSON_IS("7", CALL(asl_fn_math_random, "7", "8"));
}
END_TEST

START_TEST(math_random_with_a_seed_is_repeatable)
{
	const char *first = json(CALL(asl_fn_math_random, "1", "1000000", "42"));
	for (int i = 0; i < 10; i++)
		JSON_IS(first, CALL(asl_fn_math_random, "1", "1000000", "42"));
}
END_TEST

START_TEST(math_random_with_a_seed_stays_in_range)
{
	for (int seed = -50; seed < 50; seed++) {
		asl_value *s = asl_integer(asl_heap(&ex), seed);
		asl_value *r = CALL_V(asl_fn_math_random, doc("10"), doc("20"), s);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(r->u.number >= 10 && r->u.number < 20, "seed %d gave %g", seed,
			      r->u.number);
	}
}
END_TEST

START_TEST(math_random_with_end_not_after_start_fails)
{
	FAILS(CALL(asl_fn_math_random, "5", "5"));
	FAILS(CALL(asl_fn_math_random, "5", "1"));
}
END_TEST

START_TEST(math_random_of_a_non_number_fails)
{
	FAILS(CALL(asl_fn_math_random, "1", "\"9\""));
}
END_TEST

/* Bounds beyond Java's int made the span 2^64 or more: r % 0 was a SIGFPE. Values no integer
 * holds (NaN, infinities) are failures too, never undefined conversions. */
START_TEST(math_random_with_bounds_outside_the_int32_range_fails)
{
	FAILS(CALL(asl_fn_math_random, "0", "1e20"));
	FAILS(CALL(asl_fn_math_random, "-1e20", "0"));
	FAILS(CALL(asl_fn_math_random, "-2147483649", "0"));
	FAILS(CALL(asl_fn_math_random, "0", "2147483648"));
	FAILS(CALL_V(asl_fn_math_random, asl_number(asl_heap(&ex), NAN), doc("1")));
	FAILS(CALL_V(asl_fn_math_random, doc("0"), asl_number(asl_heap(&ex), INFINITY)));
}
END_TEST

START_TEST(math_random_with_the_widest_int32_bounds_stays_in_range)
{
	asl_value *r = CALL(asl_fn_math_random, "-2147483648", "2147483647", "3");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->u.number >= -2147483648.0 && r->u.number < 2147483647.0);
}
END_TEST

START_TEST(math_random_with_a_seed_outside_the_int64_range_fails)
{
	FAILS(CALL(asl_fn_math_random, "1", "10", "1e30"));
	FAILS(CALL(asl_fn_math_random, "1", "10", "9223372036854775808"));
	FAILS(CALL_V(asl_fn_math_random, doc("1"), doc("10"), asl_number(asl_heap(&ex), NAN)));
	ck_assert_ptr_nonnull(CALL(asl_fn_math_random, "1", "10", "-9223372036854775808"));
}
END_TEST

/* ---- States.StringSplit ---- */

START_TEST(string_split_drops_empty_parts)
{
	JSON_IS("[\" \",\" \"]", CALL_V(asl_fn_string_split, str(", , ,"), str(",")));
}
END_TEST

START_TEST(string_split_of_only_delimiters_is_empty)
{
	JSON_IS("[]", CALL_V(asl_fn_string_split, str(",,,,"), str(",")));
	JSON_IS("[]", CALL_V(asl_fn_string_split, str(""), str(",")));
}
END_TEST

START_TEST(string_split_treats_each_delimiter_character_as_a_separator)
{
	JSON_IS("[\"split on \",\" and \",\"new line\"]",
		CALL_V(asl_fn_string_split, str("split on T and \nnew line"), str("T\n")));
	JSON_IS("[\"This\",\"is\",\"a\",\"test\",\"string\"]",
		CALL_V(asl_fn_string_split, str("This.is+a,test=string"), str(".+,=")));
}
END_TEST

START_TEST(string_split_on_a_single_delimiter)
{
	JSON_IS("[\"1\",\"2\",\"3\",\"4\",\"5\"]",
		CALL_V(asl_fn_string_split, str("1,2,3,4,5"), str(",")));
}
END_TEST

START_TEST(string_split_without_a_delimiter_present_is_the_whole_string)
{
	JSON_IS("[\"abc\"]", CALL_V(asl_fn_string_split, str("abc"), str(",")));
}
END_TEST

START_TEST(string_split_on_a_multibyte_character)
{
	JSON_IS("[\"a\",\"b\xc3\xa9\",\"c\"]", CALL_V(asl_fn_string_split,
						      str("a\xe2\x86\x92"
							  "b\xc3\xa9\xe2\x86\x92"
							  "c"),
						      str("\xe2\x86\x92")));
}
END_TEST

START_TEST(string_split_of_a_non_string_fails)
{
	FAILS(CALL(asl_fn_string_split, "[\"a,b\"]", "\",\""));
}
END_TEST

/* ---- States.UUID ---- */

static void assert_uuid_v4(const char *s)
{
	ck_assert_uint_eq(strlen(s), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			ck_assert_msg(s[i] == '-', "'%s': no '-' at %d", s, i);
			continue;
		}
		ck_assert_msg(isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]),
			      "'%s': '%c' at %d is not lowercase hex", s, s[i], i);
	}
	ck_assert_msg(s[14] == '4', "'%s' is not version 4", s);
	ck_assert_msg(strchr("89ab", s[19]) != NULL, "'%s' is not the RFC 4122 variant", s);
}

START_TEST(uuid_is_a_lowercase_version_4_uuid)
{
	for (int i = 0; i < 50; i++)
		assert_uuid_v4(text(call_values(asl_fn_uuid, 0, NULL)));
}
END_TEST

START_TEST(uuid_differs_between_calls)
{
	const char *a = text(call_values(asl_fn_uuid, 0, NULL));
	const char *b = text(call_values(asl_fn_uuid, 0, NULL));
	ck_assert_str_ne(a, b);
}
END_TEST

static Suite *intrinsic_functions_suite(void)
{
	Suite *s = suite_create("intrinsic_functions");
	TCase *tc = tcase_create("format");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, format_inserts_strings_raw);
	tcase_add_test(tc, format_renders_numbers_as_json);
	tcase_add_test(tc, format_renders_null_as_null);
	tcase_add_test(tc, format_renders_booleans);
	tcase_add_test(tc, format_renders_objects_java_map_style);
	tcase_add_test(tc, format_renders_arrays_with_comma_space);
	tcase_add_test(tc, format_escaped_braces_are_literal);
	tcase_add_test(tc, format_escaped_backslash_is_one_backslash);
	tcase_add_test(tc, format_template_without_placeholders_is_copied);
	tcase_add_test(tc, format_more_placeholders_than_arguments_fails);
	tcase_add_test(tc, format_more_arguments_than_placeholders_fails);
	tcase_add_test(tc, format_template_that_is_not_a_string_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("json_text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, string_to_json_parses_the_text);
	tcase_add_test(tc, string_to_json_of_blank_text_is_null);
	tcase_add_test(tc, string_to_json_of_minus_zero_is_zero);
	tcase_add_test(tc, string_to_json_of_invalid_json_fails);
	tcase_add_test(tc, string_to_json_of_a_non_string_fails);
	tcase_add_test(tc, json_to_string_is_compact);
	tcase_add_test(tc, json_to_string_quotes_a_string);
	tcase_add_test(tc, json_to_string_of_scalars);
	tcase_add_test(tc, string_to_json_inverts_json_to_string);
	suite_add_tcase(s, tc);

	tc = tcase_create("arrays");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, array_collects_its_arguments_in_order);
	tcase_add_test(tc, array_without_arguments_is_empty);
	tcase_add_test(tc, array_partition_makes_chunks_with_a_shorter_last_one);
	tcase_add_test(tc, array_partition_of_an_exact_multiple);
	tcase_add_test(tc, array_partition_of_an_empty_array_is_empty);
	tcase_add_test(tc, array_partition_larger_than_the_array_is_one_chunk);
	tcase_add_test(tc, array_partition_size_zero_fails);
	tcase_add_test(tc, array_partition_negative_size_fails);
	tcase_add_test(tc, array_partition_of_nan_or_a_huge_size_fails);
	tcase_add_test(tc, array_partition_of_a_non_array_fails);
	tcase_add_test(tc, array_contains_finds_a_scalar);
	tcase_add_test(tc, array_contains_compares_objects_and_arrays_deeply);
	tcase_add_test(tc, array_contains_does_not_convert_types);
	tcase_add_test(tc, array_contains_of_an_empty_array_is_false);
	tcase_add_test(tc, array_contains_in_a_non_array_fails);
	tcase_add_test(tc, array_range_stops_before_passing_the_end);
	tcase_add_test(tc, array_range_includes_a_reachable_end);
	tcase_add_test(tc, array_range_with_a_step_past_the_end_is_the_start);
	tcase_add_test(tc, array_range_counts_down_with_a_negative_step);
	tcase_add_test(tc, array_range_step_zero_fails);
	tcase_add_test(tc, integer_arguments_beyond_a_java_int_fail);
	tcase_add_test(tc, array_range_of_1000_items_is_allowed);
	tcase_add_test(tc, array_range_of_more_than_1000_items_fails);
	tcase_add_test(tc, array_range_items_are_integers);
	tcase_add_test(tc, array_range_with_a_non_number_fails);
	tcase_add_test(tc, array_range_outside_the_int32_range_fails);
	tcase_add_test(tc, array_range_across_the_whole_int32_range_is_too_long);
	tcase_add_test(tc, array_get_item_returns_the_element_at_the_index);
	tcase_add_test(tc, array_get_item_past_the_end_fails);
	tcase_add_test(tc, array_get_item_negative_index_fails);
	tcase_add_test(tc, array_get_item_of_a_non_array_fails);
	tcase_add_test(tc, array_length_counts_top_level_items);
	tcase_add_test(tc, array_length_of_a_non_array_fails);
	tcase_add_test(tc, array_unique_removes_repeated_values);
	tcase_add_test(tc, array_unique_keeps_first_occurrences_in_order);
	tcase_add_test(tc, array_unique_compares_deeply);
	tcase_add_test(tc, array_unique_of_an_empty_array_is_empty);
	tcase_add_test(tc, array_unique_of_a_non_array_fails);
	tcase_add_test(tc, json_merge_second_object_wins);
	tcase_add_test(tc, json_merge_is_shallow);
	tcase_add_test(tc, json_merge_leaves_its_arguments_unchanged);
	tcase_add_test(tc, json_merge_deep_fails);
	tcase_add_test(tc, json_merge_of_a_non_object_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("encoding");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, base64_encode_of_text);
	tcase_add_test(tc, base64_encode_of_empty_text_is_empty);
	tcase_add_test(tc, base64_decode_of_text);
	tcase_add_test(tc, base64_round_trip_keeps_utf8);
	tcase_add_test(tc, base64_decode_of_invalid_text_fails);
	tcase_add_test(tc, base64_decode_to_bytes_that_are_not_utf8_fails);
	tcase_add_test(tc, base64_encode_of_10000_characters_is_allowed);
	tcase_add_test(tc, base64_encode_of_more_than_10000_characters_fails);
	tcase_add_test(tc, base64_limit_counts_characters_not_bytes);
	tcase_add_test(tc, base64_decode_of_more_than_10000_characters_fails);
	tcase_add_test(tc, base64_of_a_non_string_fails);
	tcase_add_loop_test(tc, hash_gives_the_lowercase_hex_digest, 0,
			    (int)(sizeof hashes / sizeof hashes[0]));
	tcase_add_test(tc, hash_with_an_unknown_algorithm_fails);
	tcase_add_test(tc, hash_of_more_than_10000_characters_fails);
	tcase_add_test(tc, hash_of_10000_characters_is_allowed);
	tcase_add_test(tc, hash_with_a_non_string_algorithm_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("math");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, math_add_adds_integers);
	tcase_add_loop_test(tc, math_add_rounds_halves_up_like_java, 0,
			    (int)(sizeof roundings / sizeof roundings[0]));
	tcase_add_test(tc, math_add_rounds_the_largest_double_below_a_half_down);
	tcase_add_test(tc, math_add_accepts_the_int32_range);
	tcase_add_test(tc, math_add_outside_the_int32_range_fails);
	tcase_add_test(tc, math_add_of_nan_or_infinity_fails);
	tcase_add_test(tc, math_add_of_a_non_number_fails);
	tcase_add_test(tc, math_random_start_is_inclusive_and_end_exclusive);
	tcase_add_test(tc, math_random_with_a_span_of_one_is_the_start);
	tcase_add_test(tc, math_random_with_a_seed_is_repeatable);
	tcase_add_test(tc, math_random_with_a_seed_stays_in_range);
	tcase_add_test(tc, math_random_with_end_not_after_start_fails);
	tcase_add_test(tc, math_random_of_a_non_number_fails);
	tcase_add_test(tc, math_random_with_bounds_outside_the_int32_range_fails);
	tcase_add_test(tc, math_random_with_the_widest_int32_bounds_stays_in_range);
	tcase_add_test(tc, math_random_with_a_seed_outside_the_int64_range_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("strings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, string_split_drops_empty_parts);
	tcase_add_test(tc, string_split_of_only_delimiters_is_empty);
	tcase_add_test(tc, string_split_treats_each_delimiter_character_as_a_separator);
	tcase_add_test(tc, string_split_on_a_single_delimiter);
	tcase_add_test(tc, string_split_without_a_delimiter_present_is_the_whole_string);
	tcase_add_test(tc, string_split_on_a_multibyte_character);
	tcase_add_test(tc, string_split_of_a_non_string_fails);
	tcase_add_test(tc, uuid_is_a_lowercase_version_4_uuid);
	tcase_add_test(tc, uuid_differs_between_calls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(intrinsic_functions_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
