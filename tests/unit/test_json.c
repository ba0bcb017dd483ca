/* Unit tests of the runtime JSON layer (include/asl/json.h): arenas, values, parser, writer. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Parses `text`, failing the test (with the parser's message) when it is rejected. */
static asl_value *parse_flags(const char *text, int flags)
{
	asl_parse_error err;
	asl_value *v = asl_parse(&arena, text, strlen(text), flags, &err);
	ck_assert_msg(v != NULL, "'%s' rejected at %d:%d: %s", text, err.line, err.column,
		      err.message);
	return v;
}

static asl_value *parse(const char *text)
{
	return parse_flags(text, 0);
}

/* Parses `text`, which must be rejected; returns the error. */
static asl_parse_error parse_error(const char *text)
{
	asl_parse_error err;
	asl_value *v = asl_parse(&arena, text, strlen(text), 0, &err);
	ck_assert_msg(v == NULL, "'%s' was accepted", text);
	ck_assert_msg(err.message[0] != '\0', "'%s': rejected without a message", text);
	return err;
}

static const char *json(const asl_value *v)
{
	const char *s = asl_to_json(&arena, v, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* The text asl_format_number gives for a double without the integer flag. */
static const char *fmt_double(double d)
{
	static char buf[64];
	asl_format_number(buf, sizeof buf, d, 0);
	return buf;
}

/* An allocator that counts blocks, to show the arena and the parser return everything. */
typedef struct counting {
	int allocs, releases;
	int fail_after; /* fail every allocation after this many (-1: never) */
} counting;

static void *counting_alloc(void *user, size_t size)
{
	counting *c = user;
	if (c->fail_after >= 0 && c->allocs >= c->fail_after)
		return NULL;
	c->allocs++;
	return malloc(size);
}

static void counting_release(void *user, void *block)
{
	counting *c = user;
	c->releases++;
	free(block);
}

/* ---- parsing each type ---- */

START_TEST(parses_literals_true_false_null_inside_containers)
{
	asl_value *v = parse("[true, false, null]");
	ck_assert_int_eq(v->type, ASL_ARRAY);
	ck_assert_uint_eq(v->u.array.len, 3);
	ck_assert_int_eq(v->u.array.items[0]->type, ASL_BOOL);
	ck_assert_int_eq(v->u.array.items[0]->boolean, 1);
	ck_assert_int_eq(v->u.array.items[1]->type, ASL_BOOL);
	ck_assert_int_eq(v->u.array.items[1]->boolean, 0);
	ck_assert_int_eq(v->u.array.items[2]->type, ASL_NULL);
}
END_TEST

START_TEST(parses_top_level_scalars_without_trailing_whitespace)
{
	/* RFC 8259: a JSON text is any value; nothing needs to follow it. */
	ck_assert_int_eq(parse("1")->type, ASL_NUMBER);
	ck_assert_int_eq(parse("-0")->type, ASL_NUMBER);
	ck_assert_double_eq(parse("1.5")->u.number, 1.5);
	ck_assert_int_eq(parse("true")->boolean, 1);
	ck_assert_int_eq(parse("false")->type, ASL_BOOL);
	ck_assert_int_eq(parse("null")->type, ASL_NULL);
}
END_TEST

START_TEST(parses_top_level_scalars_surrounded_by_whitespace)
{
	ck_assert_double_eq(parse(" 42 ")->u.number, 42);
	ck_assert_int_eq(parse("\ttrue\n")->boolean, 1);
	ck_assert_int_eq(parse("\r\nnull ")->type, ASL_NULL);
	asl_value *s = parse("  \"hi\"  ");
	ck_assert_int_eq(s->type, ASL_STRING);
	ck_assert_str_eq(s->u.string.ptr, "hi");
}
END_TEST

START_TEST(integer_literals_carry_the_integer_flag)
{
	asl_value *v = parse("[0, -7, 123456789012]");
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(v->u.array.items[i]->type, ASL_NUMBER);
		ck_assert(v->u.array.items[i]->flags & ASL_FLAG_INTEGER);
	}
	ck_assert_double_eq(v->u.array.items[1]->u.number, -7);
	ck_assert_double_eq(v->u.array.items[2]->u.number, 123456789012.0);
}
END_TEST

START_TEST(fractions_and_exponents_are_not_integers)
{
	asl_value *v = parse("[1.5, -2.25e2, 1E3, 5e-1, 2.0]");
	double want[] = {1.5, -225, 1000, 0.5, 2.0};
	for (size_t i = 0; i < 5; i++) {
		asl_value *n = v->u.array.items[i];
		ck_assert_int_eq(n->type, ASL_NUMBER);
		ck_assert_double_eq(n->u.number, want[i]);
		ck_assert_msg(!(n->flags & ASL_FLAG_INTEGER), "item %zu flagged integer", i);
	}
}
END_TEST

START_TEST(parses_strings_with_simple_escapes)
{
	asl_value *v = parse("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"]");
	asl_value *s = v->u.array.items[0];
	ck_assert_int_eq(s->type, ASL_STRING);
	ck_assert_uint_eq(s->u.string.len, 12);
	ck_assert_mem_eq(s->u.string.ptr, "a\"b\\c/d\b\f\n\r\t", 12);
	ck_assert_int_eq(s->u.string.ptr[12], '\0');
}
END_TEST

START_TEST(parses_empty_and_nested_containers)
{
	asl_value *v = parse("{\"a\": [], \"b\": {}, \"c\": [[1], {\"d\": [null]}]}");
	ck_assert_int_eq(v->type, ASL_OBJECT);
	ck_assert_uint_eq(v->u.object.len, 3);
	const asl_value *a = asl_object_get(v, "a", 1), *b = asl_object_get(v, "b", 1);
	ck_assert_int_eq(a->type, ASL_ARRAY);
	ck_assert_uint_eq(a->u.array.len, 0);
	ck_assert_int_eq(b->type, ASL_OBJECT);
	ck_assert_uint_eq(b->u.object.len, 0);
	const asl_value *d = asl_object_get(asl_array_get(asl_object_get(v, "c", 1), 1), "d", 1);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(asl_array_get(d, 0)->type, ASL_NULL);
}
END_TEST

START_TEST(object_keys_keep_insertion_order)
{
	asl_value *v = parse("{\"zeta\": 1, \"alpha\": 2, \"mid\": 3}");
	ck_assert_uint_eq(v->u.object.len, 3);
	ck_assert_str_eq(v->u.object.members[0].key, "zeta");
	ck_assert_str_eq(v->u.object.members[1].key, "alpha");
	ck_assert_str_eq(v->u.object.members[2].key, "mid");
	ck_assert_str_eq(json(v), "{\"zeta\":1,\"alpha\":2,\"mid\":3}");
}
END_TEST

START_TEST(duplicate_keys_last_value_wins_by_default)
{
	asl_value *v = parse("{\"a\": 1, \"b\": 2, \"a\": 3}");
	ck_assert_uint_eq(v->u.object.len, 2);
	ck_assert_double_eq(asl_object_get(v, "a", 1)->u.number, 3);
	ck_assert_str_eq(json(v), "{\"a\":3,\"b\":2}");
}
END_TEST

START_TEST(keep_duplicates_flag_keeps_every_member)
{
	asl_value *v = parse_flags("{\"a\": 1, \"b\": 2, \"a\": 3}", ASL_PARSE_KEEP_DUPLICATES);
	ck_assert_uint_eq(v->u.object.len, 3);
	ck_assert_str_eq(v->u.object.members[0].key, "a");
	ck_assert_double_eq(v->u.object.members[0].value->u.number, 1);
	ck_assert_str_eq(v->u.object.members[2].key, "a");
	ck_assert_double_eq(v->u.object.members[2].value->u.number, 3);
	/* lookups still see the last one */
	ck_assert_double_eq(asl_object_get(v, "a", 1)->u.number, 3);
}
END_TEST

START_TEST(keep_duplicates_gives_literals_their_own_positions)
{
	asl_value *v = parse_flags("{\"a\": true, \"b\": null}", ASL_PARSE_KEEP_DUPLICATES);
	const asl_value *t = asl_object_get(v, "a", 1), *n = asl_object_get(v, "b", 1);
	ck_assert_int_eq(t->type, ASL_BOOL);
	ck_assert_int_eq(t->boolean, 1);
	ck_assert_uint_eq(t->pos, 6);
	ck_assert_int_eq(n->type, ASL_NULL);
	ck_assert_uint_eq(n->pos, 17);
}
END_TEST

START_TEST(values_record_their_byte_offset)
{
	asl_value *v = parse("  {\"k\": [10, \"s\", {}]}");
	ck_assert_uint_eq(v->pos, 2);
	const asl_value *arr = asl_object_get(v, "k", 1);
	ck_assert_uint_eq(arr->pos, 8);
	ck_assert_uint_eq(arr->u.array.items[0]->pos, 9);
	ck_assert_uint_eq(arr->u.array.items[1]->pos, 13); /* the opening quote */
	ck_assert_uint_eq(arr->u.array.items[2]->pos, 18);
}
END_TEST

/* ---- \u escapes ---- */

START_TEST(unicode_escapes_decode_to_utf8)
{
	asl_value *v = parse("[\"\\u0041\", \"\\u00e9\", \"\\u20AC\", \"\\u07ff\"]");
	ck_assert_str_eq(v->u.array.items[0]->u.string.ptr, "A");
	ck_assert_str_eq(v->u.array.items[1]->u.string.ptr, "\xC3\xA9");
	ck_assert_str_eq(v->u.array.items[2]->u.string.ptr, "\xE2\x82\xAC");
	ck_assert_str_eq(v->u.array.items[3]->u.string.ptr, "\xDF\xBF");
	ck_assert_uint_eq(v->u.array.items[2]->u.string.len, 3);
}
END_TEST

START_TEST(surrogate_pair_decodes_to_one_four_byte_sequence)
{
	asl_value *v = parse("[\"x\\ud83d\\ude00y\", \"\\uDBFF\\uDFFF\"]");
	asl_value *s = v->u.array.items[0];
	ck_assert_uint_eq(s->u.string.len, 6);
	ck_assert_mem_eq(s->u.string.ptr, "x\xF0\x9F\x98\x80y", 6);
	ck_assert_str_eq(v->u.array.items[1]->u.string.ptr, "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
}
END_TEST

START_TEST(lone_surrogate_becomes_replacement_character)
{
	asl_value *v = parse("[\"\\ud800\", \"\\udc00x\"]");
	ck_assert_str_eq(v->u.array.items[0]->u.string.ptr, "\xEF\xBF\xBD");
	ck_assert_str_eq(v->u.array.items[1]->u.string.ptr, "\xEF\xBF\xBDx");
}
END_TEST

START_TEST(escaped_nul_is_kept_and_counted)
{
	asl_value *v = parse("[\"a\\u0000b\"]");
	asl_value *s = v->u.array.items[0];
	ck_assert_uint_eq(s->u.string.len, 3);
	ck_assert_mem_eq(s->u.string.ptr, "a\0b", 3);
	ck_assert_str_eq(json(v), "[\"a\\u0000b\"]");
}
END_TEST

START_TEST(raw_utf8_passes_through_unchanged)
{
	asl_value *v = parse("[\"h\xC3\xA9llo \xF0\x9F\x98\x80\"]");
	ck_assert_str_eq(v->u.array.items[0]->u.string.ptr, "h\xC3\xA9llo \xF0\x9F\x98\x80");
	ck_assert_str_eq(json(v), "[\"h\xC3\xA9llo \xF0\x9F\x98\x80\"]");
}
END_TEST

/* ---- rejected input ---- */

START_TEST(control_characters_in_strings_are_rejected)
{
	const char *bad[] = {"[\"a\tb\"]", "[\"a\nb\"]", "[\"\x01\"]", "{\"k\x1f\": 1}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_error(bad[i]);
	asl_parse_error e = parse_error("[\"ab\tc\"]");
	ck_assert_uint_eq(e.offset, 4);
	ck_assert_ptr_nonnull(strstr(e.message, "control character"));
}
END_TEST

START_TEST(bad_escapes_are_rejected)
{
	const char *bad[] = {"[\"\\x\"]", "[\"\\u12G4\"]", "[\"\\u12\"]", "[\"\\'\"]", "[\"\\\"]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_error(bad[i]);
}
END_TEST

static const char *const invalid_numbers[] = {"[01]",  "[-01]",   "[1.]",       "[.5]",   "[-]",
					      "[1e]",  "[1e+]",   "[+1]",       "[0x10]", "[1.e5]",
					      "[--1]", "[1.2.3]", "[Infinity]", "[NaN]",  "01",
					      "1.",    ".5",      "-",          "1e"};

START_TEST(invalid_numbers_are_rejected)
{
	parse_error(invalid_numbers[_i]);
}
END_TEST

START_TEST(invalid_literals_are_rejected)
{
	const char *bad[] = {"[tru]", "[nul]", "[True]", "[NULL]", "[falsey]", "[undefined]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_error(bad[i]);
}
END_TEST

START_TEST(trailing_commas_are_rejected)
{
	parse_error("[1,]");
	parse_error("[\"x\",]");
	parse_error("{\"a\":1,}");
	parse_error("[[],]");
}
END_TEST

START_TEST(missing_or_doubled_commas_are_rejected)
{
	parse_error("[1 2]");
	parse_error("[true false]");
	parse_error("{\"a\":1 \"b\":2}");
	parse_error("[1,,2]");
	parse_error("[,1]");
}
END_TEST

START_TEST(missing_colons_and_keys_are_rejected)
{
	parse_error("{\"a\" 1}");
	parse_error("{\"a\"}");
	parse_error("{\"a\":}");
	parse_error("{1:2}");
	parse_error("{a:1}");
	parse_error("[\"a\":1]");
	parse_error("{\"a\"::1}");
}
END_TEST

START_TEST(unbalanced_brackets_are_rejected)
{
	parse_error("[1");
	parse_error("{\"a\":[1,2}");
	parse_error("[1}");
	parse_error("{");
	parse_error("\"abc");
}
END_TEST

START_TEST(garbage_after_the_value_is_rejected)
{
	parse_error("{} x");
	parse_error("1 2");
	parse_error("[1]]");
	parse_error("{}{}");
	parse_error("{\"a\":1}}");
	parse_error("[] // comment");
}
END_TEST

START_TEST(empty_or_blank_input_is_rejected)
{
	asl_parse_error e = parse_error("");
	ck_assert_int_eq(e.line, 1);
	ck_assert_int_eq(e.column, 1);
	parse_error("   \n\t ");
}
END_TEST

/* `depth` nested arrays around a number. */
/* Each container gets the right number of children: items of arrays, members (not keys and
 * values) of objects, with strings that hold escapes and brackets as keys and as values. */
START_TEST(containers_count_their_own_children)
{
	asl_value *v = parse("[[], {}, [[1, 2], \"]\"], {\"a\\\"]\": {\"\\u0041}\": [3, {}]}, "
			     "\"b\": \"[\"}, -0.5e1]");
	ck_assert_uint_eq(v->u.array.len, 5);
	ck_assert_uint_eq(v->u.array.items[0]->u.array.len, 0);
	ck_assert_uint_eq(v->u.array.items[1]->u.object.len, 0);
	const asl_value *third = v->u.array.items[2], *obj = v->u.array.items[3];
	ck_assert_uint_eq(third->u.array.len, 2);
	ck_assert_uint_eq(third->u.array.items[0]->u.array.len, 2);
	ck_assert_str_eq(third->u.array.items[1]->u.string.ptr, "]");
	ck_assert_uint_eq(obj->u.object.len, 2);
	const asl_value *inner = asl_object_get(obj, "a\"]", 3);
	ck_assert_ptr_nonnull(inner);
	ck_assert_uint_eq(inner->u.object.len, 1);
	ck_assert_uint_eq(asl_object_get(inner, "A}", 2)->u.array.len, 2);
	ck_assert_str_eq(asl_object_get(obj, "b", 1)->u.string.ptr, "[");
	ck_assert_double_eq(v->u.array.items[4]->u.number, -5);
	ck_assert_str_eq(json(v),
			 "[[],{},[[1,2],\"]\"],{\"a\\\"]\":{\"A}\":[3,{}]},\"b\":\"[\"},-5.0]");
	/* strings that end in escaped backslashes or hold escaped quotes before a bracket */
	v = parse("{\"k\\\\\": [\"\\\\\\\"]\", 1], \"\\\\\\\\\": {}}");
	ck_assert_uint_eq(v->u.object.len, 2);
	const asl_value *k = asl_object_get(v, "k\\", 2);
	ck_assert_uint_eq(k->u.array.len, 2);
	ck_assert_str_eq(k->u.array.items[0]->u.string.ptr, "\\\"]");
	ck_assert_uint_eq(asl_object_get(v, "\\\\", 2)->u.object.len, 0);
	/* a string alone, with escapes, keeps its position at the opening quote */
	v = parse("  \"x\\ty\"");
	ck_assert_str_eq(v->u.string.ptr, "x\ty");
	ck_assert_uint_eq(v->pos, 2);
}
END_TEST

/* Objects and arrays alternate down to the depth limit; each object has a second member after
 * its nested one, so the counts must survive the way back up. */
START_TEST(alternating_objects_and_arrays_at_the_depth_limit)
{
	const int pairs = ASL_PARSE_MAX_DEPTH / 2;
	char *s = malloc((size_t)pairs * 24 + 8);
	ck_assert_ptr_nonnull(s);
	size_t n = 0;
	for (int i = 0; i < pairs; i++)
		n += (size_t)sprintf(s + n, "{\"k\\n\":[");
	n += (size_t)sprintf(s + n, "0");
	for (int i = 0; i < pairs; i++)
		n += (size_t)sprintf(s + n, "],\"z\":%d}", i);
	const asl_value *v = parse(s);
	for (int i = 0; i < pairs; i++) {
		ck_assert_int_eq(v->type, ASL_OBJECT);
		ck_assert_uint_eq(v->u.object.len, 2);
		ck_assert_double_eq(asl_object_get(v, "z", 1)->u.number, pairs - 1 - i);
		v = asl_object_get(v, "k\n", 2);
		ck_assert_int_eq(v->type, ASL_ARRAY);
		ck_assert_uint_eq(v->u.array.len, 1);
		v = v->u.array.items[0];
	}
	ck_assert_double_eq(v->u.number, 0);
	/* one level more is refused, at the bracket that is too deep */
	memmove(s + 1, s, n + 1);
	s[0] = '[';
	strcat(s, "]");
	asl_parse_error err = parse_error(s);
	ck_assert_int_eq(err.code, ASL_JSON_TOO_DEEP);
	ck_assert_uint_eq(err.offset, 1 + (size_t)(pairs - 1) * 8 + 7);
	free(s);
}
END_TEST

static char *nested_arrays(int depth)
{
	char *s = malloc((size_t)depth * 2 + 2);
	ck_assert_ptr_nonnull(s);
	memset(s, '[', (size_t)depth);
	s[depth] = '1';
	memset(s + depth + 1, ']', (size_t)depth);
	s[2 * depth + 1] = '\0';
	return s;
}

START_TEST(nesting_up_to_the_depth_limit_is_accepted)
{
	char *s = nested_arrays(ASL_PARSE_MAX_DEPTH);
	asl_value *v = parse(s);
	for (int i = 0; i < ASL_PARSE_MAX_DEPTH; i++) {
		ck_assert_int_eq(v->type, ASL_ARRAY);
		v = v->u.array.items[0];
	}
	ck_assert_double_eq(v->u.number, 1);
	free(s);
}
END_TEST

START_TEST(nesting_beyond_the_depth_limit_is_rejected)
{
	char *s = nested_arrays(ASL_PARSE_MAX_DEPTH + 10);
	asl_parse_error e = parse_error(s);
	ck_assert_ptr_nonnull(strstr(e.message, "deep"));
	free(s);
	/* deep input must fail cleanly, not overflow the stack */
	s = nested_arrays(20000);
	parse_error(s);
	free(s);
}
END_TEST

START_TEST(deeply_nested_input_of_payload_size_is_rejected_quickly)
{
	/* 256 KiB (AWS's payload limit) of brackets: rejecting it must take linear time */
	char *s = nested_arrays(128 * 1024);
	parse_error(s);
	free(s);
}
END_TEST

/* ---- hostile input: linear time ---- */

/* A text of about `size` bytes: `head`, then `unit` repeated, then `tail`. */
static char *repeat(const char *head, const char *unit, const char *tail, size_t size)
{
	size_t h = strlen(head), u = strlen(unit), t = strlen(tail), n = (size - h - t) / u;
	char *s = malloc(h + n * u + t + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, head, h);
	for (size_t i = 0; i < n; i++)
		memcpy(s + h + i * u, unit, u);
	memcpy(s + h + n * u, tail, t + 1);
	return s;
}

/* `open` and `close` repeated `depth` times each, around `inner`. */
static char *nest(const char *open, const char *inner, const char *close, int depth)
{
	size_t o = strlen(open), c = strlen(close), i = strlen(inner);
	char *s = malloc((o + c) * (size_t)depth + i + 1), *p = s;
	ck_assert_ptr_nonnull(s);
	for (int k = 0; k < depth; k++, p += o)
		memcpy(p, open, o);
	memcpy(p, inner, i);
	p += i;
	for (int k = 0; k < depth; k++, p += c)
		memcpy(p, close, c);
	*p = '\0';
	return s;
}

/* CPU seconds asl_parse takes over `text`; `ok` says whether it must accept it. */
static double parse_seconds(const char *text, int ok)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	clock_t t0 = clock();
	asl_value *v = asl_parse(&a, text, strlen(text), 0, &err);
	double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
	ck_assert_msg((v != NULL) == ok, "%.40s...: %s", text, ok ? err.message : "accepted");
	asl_arena_destroy(&a);
	return s;
}

START_TEST(hostile_megabyte_inputs_parse_in_linear_time)
{
	/* each took jsmn quadratic time before (minutes for a megabyte): a primitive ending in a
	 * quote hid the brackets after it from the depth check, and duplicate keys were searched
	 * for through every member read before */
	const size_t mb = 1u << 20;
	char *hidden = nest("[", "", "]", (int)(mb / 2)), *after_quote = malloc(mb + 8);
	snprintf(after_quote, mb + 8, "[1\" %s]", hidden); /* `1"` then nested brackets */
	free(hidden);
	char *deep = nest("[", "1", "]", ASL_PARSE_MAX_DEPTH - 1);
	char *dict = nest("{\"k\":", "1", "}", ASL_PARSE_MAX_DEPTH - 1);
	size_t dl = strlen(deep), ol = strlen(dict);
	char *deep_unit = malloc(dl + 2), *dict_unit = malloc(ol + 2);
	snprintf(deep_unit, dl + 2, "%s,", deep);
	snprintf(dict_unit, ol + 2, "%s,", dict);
	struct {
		char *text;
		int ok;
	} cases[] = {
		{after_quote, 0},
		{repeat("[1\" ", "[[]],", "1]", mb), 0},
		{repeat("[", deep_unit, "1]", mb), 1}, /* nested 511 deep, over and over */
		{repeat("[", dict_unit, "1]", mb), 1},
		{repeat("[1", ",1", "]", mb), 1}, /* many small tokens */
		{repeat("{\"a\":1", ",\"a\":1", "}", mb), 1}, /* one key, repeated */
		{repeat("[\"", "x\xC3\xA9\\n", "\"]", mb), 1}, /* one long string */
	};
	/* many distinct keys */
	char *keys = malloc(mb + 32), *p = keys;
	p += sprintf(p, "{\"k\":0");
	for (int i = 0; p - keys < (ptrdiff_t)mb; i++)
		p += sprintf(p, ",\"k%d\":%d", i, i);
	strcpy(p, "}");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double s = parse_seconds(cases[i].text, cases[i].ok);
		ck_assert_msg(s < 2.0, "case %zu took %.2f s", i, s);
		free(cases[i].text);
	}
	ck_assert_double_lt(parse_seconds(keys, 1), 2.0);
	free(keys);
	free(deep);
	free(dict);
	free(deep_unit);
	free(dict_unit);
}
END_TEST

START_TEST(many_keys_keep_order_and_last_duplicate_wins)
{
	char text[4096], *p = text;
	p += sprintf(p, "{");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "%s\"k%d\":%d", i ? "," : "", i % 40, i);
	sprintf(p, "}");
	asl_value *v = parse(text);
	ck_assert_uint_eq(v->u.object.len, 40);
	for (int i = 0; i < 40; i++) {
		char key[8];
		snprintf(key, sizeof key, "k%d", i);
		ck_assert_str_eq(v->u.object.members[i].key, key);
		ck_assert_double_eq(v->u.object.members[i].value->u.number,
				    80 + i < 100 ? 80 + i : 40 + i);
	}
}
END_TEST

/* ---- UTF-8 ---- */

static const char *const bad_utf8[] = {
	"[\"\x80\"]", /* a stray continuation byte */
	"[\"\xC3\"]", /* truncated */
	"[\"\xE2\x82\"]",
	"[\"\xC3x\"]", /* not a continuation byte */
	"[\"\xC0\xAF\"]", /* overlong '/' */
	"[\"\xC1\xBF\"]",
	"[\"\xE0\x80\xAF\"]",
	"[\"\xF0\x80\x80\xAF\"]",
	"[\"\xED\xA0\x80\"]", /* U+D800 encoded */
	"[\"\xED\xBF\xBF\"]", /* U+DFFF */
	"[\"\xF4\x90\x80\x80\"]", /* U+110000 */
	"[\"\xF5\x80\x80\x80\"]",
	"[\"\xFF\"]",
	"{\"\xFE\": 1}", /* in a key */
	"[\xC3\xA9]", /* valid, but outside a string */
};

START_TEST(invalid_utf8_is_rejected)
{
	asl_parse_error e = parse_error(bad_utf8[_i]);
	ck_assert_msg(e.offset >= 1 && e.offset <= 2, "%s: offset %zu", bad_utf8[_i], e.offset);
}
END_TEST

START_TEST(utf8_at_the_edges_of_validity_is_accepted)
{
	const char *good[] = {"\xC2\x80",         "\xDF\xBF",        "\xE0\xA0\x80",
			      "\xED\x9F\xBF",     "\xEE\x80\x80",    "\xEF\xBF\xBF",
			      "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char text[16];
		snprintf(text, sizeof text, "[\"%s\"]", good[i]);
		ck_assert_str_eq(parse(text)->u.array.items[0]->u.string.ptr, good[i]);
	}
}
END_TEST

START_TEST(nul_after_the_value_is_rejected)
{
	asl_parse_error err;
	ck_assert_ptr_null(asl_parse(&arena, "{}\0", 3, 0, &err));
	ck_assert_uint_eq(err.offset, 2);
	ck_assert_ptr_null(asl_parse(&arena, "1\0", 2, 0, &err));
	ck_assert_ptr_null(asl_parse(&arena, "\"a\"\0", 4, 0, &err));
	ck_assert_ptr_null(asl_parse(&arena, "[\"a\0\"]", 6, 0, &err)); /* raw NUL in a string */
}
END_TEST

/* ---- error positions ---- */

START_TEST(error_reports_line_and_column_of_bad_literal)
{
	asl_parse_error e = parse_error("{\n  \"a\": tru\n}");
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.column, 8);
	ck_assert_uint_eq(e.offset, 9);
}
END_TEST

START_TEST(error_reports_position_of_missing_comma)
{
	asl_parse_error e = parse_error("[1,\n 2\n 3]");
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.column, 3); /* just after the 2 */
	ck_assert_ptr_nonnull(strstr(e.message, "','"));
}
END_TEST

START_TEST(error_reports_position_of_trailing_garbage)
{
	asl_parse_error e = parse_error("{}\n\n  x");
	ck_assert_int_eq(e.line, 3);
	ck_assert_int_eq(e.column, 3);
}
END_TEST

START_TEST(error_reports_position_of_control_character_on_later_line)
{
	asl_parse_error e = parse_error("{\"a\": 1,\n \"b\": \"x\001\"}");
	ck_assert_int_eq(e.line, 2);
	ck_assert_int_eq(e.column, 9);
}
END_TEST

START_TEST(text_position_counts_lines_and_byte_columns)
{
	int line, col;
	asl_text_position("ab\ncd\n\nef", 0, &line, &col);
	ck_assert_int_eq(line, 1);
	ck_assert_int_eq(col, 1);
	asl_text_position("ab\ncd\n\nef", 4, &line, &col);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 2);
	asl_text_position("ab\ncd\n\nef", 8, &line, &col);
	ck_assert_int_eq(line, 4);
	ck_assert_int_eq(col, 2);
	asl_text_position("\xC3\xA9x", 2, &line, &col); /* columns count bytes */
	ck_assert_int_eq(col, 3);
}
END_TEST

/* ---- serialising ---- */

START_TEST(compact_serialisation_round_trips_text)
{
	const char *texts[] = {
		"{\"a\":[1,2.5,\"x\",true,false,null],\"b\":{},\"c\":[]}",
		"[[[]],{\"\":\"\"},-3,0]",
		"\"just a string\"",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		ck_assert_str_eq(json(parse(texts[i])), texts[i]);
}
END_TEST

START_TEST(serialisation_drops_insignificant_whitespace)
{
	ck_assert_str_eq(json(parse(" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : null } ")),
			 "{\"a\":[1,2],\"b\":null}");
}
END_TEST

START_TEST(written_text_parses_back_to_an_equal_value)
{
	asl_value *v = parse("{\"s\":\"q\\\"\\\\\\n\\u0001\xC3\xA9\",\"n\":[0.1,-2.5e-8,1e21,7],"
			     "\"o\":{\"x\":[true,null]}}");
	size_t len;
	const char *text = asl_to_json(&arena, v, &len);
	ck_assert_uint_eq(len, strlen(text));
	asl_value *back = parse(text);
	ck_assert(asl_equal(v, back));
}
END_TEST

START_TEST(integers_print_without_fraction)
{
	ck_assert_str_eq(json(asl_integer(&arena, 42)), "42");
	ck_assert_str_eq(json(asl_integer(&arena, -7)), "-7");
	ck_assert_str_eq(json(asl_integer(&arena, 0)), "0");
	ck_assert_str_eq(json(asl_integer(&arena, 1000000000000000LL)), "1000000000000000");
	ck_assert_str_eq(json(parse("[12345678901234]")), "[12345678901234]");
}
END_TEST

START_TEST(negative_zero_prints_as_zero)
{
	ck_assert_str_eq(json(parse("[-0]")), "[0]");
	const char *t = json(asl_number(&arena, -0.0));
	ck_assert_msg(t[0] != '-', "-0.0 printed as %s", t);
	ck_assert_double_eq(strtod(t, NULL), 0);
}
END_TEST

START_TEST(doubles_print_shortest_round_trip_text)
{
	ck_assert_str_eq(fmt_double(0.1), "0.1");
	ck_assert_str_eq(fmt_double(123456.789), "123456.789");
	ck_assert_str_eq(fmt_double(-2.5), "-2.5");
	ck_assert_str_eq(fmt_double(1.0 / 3), "0.3333333333333333");
	ck_assert_str_eq(fmt_double(0.1 + 0.2), "0.30000000000000004");
	ck_assert_str_eq(json(parse("[0.1]")), "[0.1]");
}
END_TEST

/* Shortest text that reads back: no padded exponent digits, no '+', no extra digits. */
static const struct {
	double d;
	const char *text;
} exponent_forms[] = {
	{1e-7, "1e-7"},
	{1.5e-10, "1.5e-10"},
	{1e300, "1e300"},
	{5e-324, "5e-324"},
};

START_TEST(small_and_large_doubles_print_shortest_exponent_form)
{
	ck_assert_str_eq(fmt_double(exponent_forms[_i].d), exponent_forms[_i].text);
}
END_TEST

START_TEST(every_printed_double_reads_back_exactly)
{
	const double ds[] = {0.1,
			     1e-7,
			     123456.789,
			     1e300,
			     5e-324,
			     2.2250738585072014e-308,
			     1.7976931348623157e308,
			     9007199254740993.0,
			     3.141592653589793,
			     -1e-300,
			     6.02214076e23};
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		const char *t = fmt_double(ds[i]);
		ck_assert_msg(strtod(t, NULL) == ds[i], "%s does not read back", t);
		/* and the text is valid JSON */
		char wrapped[80];
		snprintf(wrapped, sizeof wrapped, "[%s]", t);
		parse(wrapped);
	}
}
END_TEST

START_TEST(integral_doubles_without_integer_flag_keep_a_fraction)
{
	/* Java-like: a number written with a fraction or exponent stays a double */
	ck_assert_str_eq(json(asl_number(&arena, 2.0)), "2.0");
	ck_assert_str_eq(json(parse("[1.0e2]")), "[100.0]");
}
END_TEST

START_TEST(strings_escape_quotes_backslashes_and_control_characters)
{
	asl_value *s = asl_string(&arena, "a\"b\\c\n\r\t\b\f\x01\x1f\x7f/", 14);
	ck_assert_str_eq(json(s), "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f/\"");
}
END_TEST

START_TEST(bytes_that_are_not_utf8_are_written_as_replacement_characters)
{
	/* a C handler or a command's stderr may make such strings; written JSON stays UTF-8 */
	asl_value *o = asl_object(&arena, 1);
	asl_object_append(&arena, o, "k\xFF", 2,
			  asl_string(&arena, "a\xC3\xA9\xED\xA0\x80\xC3", 7));
	const char *want = "{\"k\xEF\xBF\xBD\":\"a\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
			   "\xEF\xBF\xBD\"}";
	ck_assert_str_eq(json(o), want);
	ck_assert_uint_eq(asl_json_size(o, SIZE_MAX), strlen(want));
	asl_parse_error err;
	ck_assert_ptr_nonnull(asl_parse(&arena, want, strlen(want), 0, &err));
}
END_TEST

START_TEST(object_keys_are_escaped_too)
{
	asl_value *o = asl_object(&arena, 1);
	ck_assert_int_eq(asl_object_append(&arena, o, "k\"\n", 3, asl_null()), 0);
	ck_assert_str_eq(json(o), "{\"k\\\"\\n\":null}");
}
END_TEST

START_TEST(to_json_reports_length)
{
	size_t len = 0;
	const char *t = asl_to_json(&arena, parse("{\"a\": [1, 2]}"), &len);
	ck_assert_str_eq(t, "{\"a\":[1,2]}");
	ck_assert_uint_eq(len, 11);
}
END_TEST

/* ---- builders and lookups ---- */

START_TEST(object_set_replaces_in_place_and_appends_new_keys)
{
	asl_value *o = asl_object(&arena, 0);
	ck_assert_int_eq(asl_object_set(&arena, o, "a", 1, asl_integer(&arena, 1)), 0);
	ck_assert_int_eq(asl_object_set(&arena, o, "b", 1, asl_integer(&arena, 2)), 0);
	ck_assert_int_eq(asl_object_set(&arena, o, "a", 1, asl_integer(&arena, 3)), 0);
	ck_assert_str_eq(json(o), "{\"a\":3,\"b\":2}");
}
END_TEST

START_TEST(builders_grow_past_initial_capacity)
{
	asl_value *a = asl_array(&arena, 1);
	asl_value *o = asl_object(&arena, 0);
	for (int i = 0; i < 100; i++) {
		char key[8];
		snprintf(key, sizeof key, "k%d", i);
		ck_assert_int_eq(asl_array_push(&arena, a, asl_integer(&arena, i)), 0);
		asl_value *ks = asl_cstring(&arena, key);
		ck_assert_int_eq(asl_object_append(&arena, o, ks->u.string.ptr, ks->u.string.len,
						   asl_integer(&arena, i)),
				 0);
	}
	ck_assert_uint_eq(a->u.array.len, 100);
	ck_assert_double_eq(asl_array_get(a, 99)->u.number, 99);
	ck_assert_double_eq(asl_object_get(o, "k57", 3)->u.number, 57);
	ck_assert_str_eq(o->u.object.members[0].key, "k0");
}
END_TEST

START_TEST(builders_reject_null_items)
{
	asl_value *a = asl_array(&arena, 0), *o = asl_object(&arena, 0);
	ck_assert_int_eq(asl_array_push(&arena, a, NULL), -1);
	ck_assert_int_eq(asl_object_append(&arena, o, "a", 1, NULL), -1);
	ck_assert_uint_eq(a->u.array.len, 0);
	ck_assert_uint_eq(o->u.object.len, 0);
}
END_TEST

START_TEST(lookups_return_null_for_missing_or_wrong_type)
{
	asl_value *v = parse("{\"a\": [10, 20, 30]}");
	const asl_value *a = asl_object_get(v, "a", 1);
	ck_assert_ptr_null(asl_object_get(v, "b", 1));
	ck_assert_ptr_null(asl_object_get(a, "a", 1));
	ck_assert_ptr_null(asl_array_get(v, 0));
	ck_assert_double_eq(asl_array_get(a, -1)->u.number, 30);
	ck_assert_double_eq(asl_array_get(a, -3)->u.number, 10);
	ck_assert_ptr_null(asl_array_get(a, -4));
	ck_assert_ptr_null(asl_array_get(a, 3));
	ck_assert_ptr_null(asl_object_get(v, "a", 0)); /* key length matters */
}
END_TEST

START_TEST(integral_test_accepts_whole_numbers_only)
{
	ck_assert(asl_is_integral(asl_number(&arena, 3.0)));
	ck_assert(asl_is_integral(asl_number(&arena, -1e15)));
	ck_assert(!asl_is_integral(asl_number(&arena, 3.5)));
	ck_assert(!asl_is_integral(asl_number(&arena, INFINITY)));
	ck_assert(!asl_is_integral(asl_number(&arena, NAN)));
	ck_assert(!asl_is_integral(asl_cstring(&arena, "3")));
}
END_TEST

START_TEST(shared_constants_are_static)
{
	ck_assert_ptr_eq(asl_bool(1), asl_true());
	ck_assert_ptr_eq(asl_bool(0), asl_false());
	ck_assert_int_eq(asl_null()->type, ASL_NULL);
	ck_assert(asl_true()->flags & ASL_FLAG_STATIC);
	ck_assert_str_eq(json(asl_true()), "true");
}
END_TEST

/* ---- equality and copying ---- */

START_TEST(integers_a_double_cannot_hold_keep_their_digits)
{
	const char *text =
		"[18446744073709551616,9007199254740993,-9007199254740993,"
		"123456789012345678901234567890,1"
		"00000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000000000]";
	asl_value *v = parse(text);
	ck_assert_str_eq(json(v), text);
	ck_assert_uint_eq(asl_json_size(v, SIZE_MAX), strlen(text));
	ck_assert_double_eq(v->u.array.items[1]->u.number, 9007199254740992.0); /* Choice's view */
	ck_assert(v->u.array.items[1]->flags & ASL_FLAG_INTEGER);
	/* a copy keeps the text in its own arena */
	asl_arena other;
	asl_arena_init(&other, NULL);
	asl_value *c = asl_copy(&other, v);
	ck_assert_ptr_ne(c->u.array.items[0]->u.number_text, v->u.array.items[0]->u.number_text);
	ck_assert_str_eq(asl_to_json(&other, c, NULL), text);
	asl_arena_destroy(&other);
}
END_TEST

START_TEST(numbers_a_double_holds_keep_no_text)
{
	/* the hot path: nothing kept for numbers that print back as they came */
	const char *same[] = {"[123456789012345]",
			      "[-999999999999999]",
			      "[9007199254740992]",
			      "[1234567890123456768]",
			      "[1.0]",
			      "[0.1]",
			      "[0]",
			      "[-0]",
			      "[0.0]"};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		ck_assert_ptr_null(parse(same[i])->u.array.items[0]->u.number_text);
	/* Java's doubles: the source form of a fraction or exponent is not kept */
	ck_assert_str_eq(json(parse("[1e2,1.50,-0,100000000000000000000.0]")),
			 "[100.0,1.5,0,1e20]");
}
END_TEST

START_TEST(fractional_negative_zero_keeps_its_sign)
{
	ck_assert_str_eq(json(parse("[-0.0,-0e3,-0.000]")), "[-0.0,-0.0,-0.0]");
	ck_assert(asl_equal(parse("-0.0"), parse("0")));
}
END_TEST

START_TEST(equal_compares_big_integers_by_their_digits)
{
	ck_assert(asl_equal(parse("[9007199254740993]"), parse("[9007199254740993]")));
	ck_assert(!asl_equal(parse("[9007199254740993]"), parse("[9007199254740992]")));
	ck_assert(!asl_equal(parse("[9007199254740992]"), parse("[9007199254740993]")));
	ck_assert(!asl_equal(parse("[9007199254740993]"), parse("[9007199254740995]")));
	/* 2^64 is kept as text (a double prints it in exponent form) but is exactly its double */
	ck_assert(asl_equal(parse("18446744073709551616"), parse("1.8446744073709552e19")));
	ck_assert(asl_equal(parse("18446744073709551616"),
			    asl_number(&arena, 18446744073709551616.0)));
	ck_assert(!asl_equal(parse("18446744073709551617"), parse("1.8446744073709552e19")));
	ck_assert(!asl_equal(parse("9007199254740993"), parse("9007199254740993.5")));
}
END_TEST

START_TEST(equal_compares_numbers_by_value)
{
	ck_assert(asl_equal(parse("[1]"), parse("[1.0]")));
	ck_assert(asl_equal(parse("[100]"), parse("[1e2]")));
	ck_assert(asl_equal(parse("[0]"), parse("[-0]")));
	ck_assert(!asl_equal(parse("[1]"), parse("[1.5]")));
}
END_TEST

START_TEST(equal_ignores_object_key_order)
{
	ck_assert(asl_equal(parse("{\"a\":1,\"b\":[2]}"), parse("{\"b\":[2],\"a\":1}")));
}
END_TEST

START_TEST(equal_is_deep_and_type_strict)
{
	ck_assert(asl_equal(parse("{\"a\":{\"b\":[1,{\"c\":null}]}}"),
			    parse("{\"a\":{\"b\":[1,{\"c\":null}]}}")));
	ck_assert(!asl_equal(parse("{\"a\":{\"b\":[1,{\"c\":null}]}}"),
			     parse("{\"a\":{\"b\":[1,{\"c\":false}]}}")));
	ck_assert(!asl_equal(parse("[1,2]"), parse("[2,1]")));
	ck_assert(!asl_equal(parse("[1,2]"), parse("[1,2,3]")));
	ck_assert(!asl_equal(parse("{\"a\":1}"), parse("{\"a\":1,\"b\":2}")));
	ck_assert(!asl_equal(parse("{\"a\":1}"), parse("{\"b\":1}")));
	ck_assert(!asl_equal(parse("[1]"), parse("[\"1\"]")));
	ck_assert(!asl_equal(parse("[null]"), parse("[false]")));
	ck_assert(!asl_equal(parse("[[]]"), parse("[{}]")));
	ck_assert(!asl_equal(parse("[\"ab\"]"), parse("[\"abc\"]")));
	ck_assert(!asl_equal(asl_true(), asl_false()));
}
END_TEST

START_TEST(equal_handles_strings_with_embedded_nul)
{
	ck_assert(asl_equal(asl_string(&arena, "a\0b", 3), asl_string(&arena, "a\0b", 3)));
	ck_assert(!asl_equal(asl_string(&arena, "a\0b", 3), asl_string(&arena, "a\0c", 3)));
}
END_TEST

START_TEST(copy_is_deep_and_outlives_the_source_arena)
{
	asl_arena src, dst;
	asl_arena_init(&src, NULL);
	asl_arena_init(&dst, NULL);
	const char *text = "{\"a\":[1,2.5,\"x\"],\"b\":{\"c\":true}}";
	asl_parse_error err;
	asl_value *v = asl_parse(&src, text, strlen(text), 0, &err);
	ck_assert_ptr_nonnull(v);
	asl_value *c = asl_copy(&dst, v);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, v);
	ck_assert(asl_equal(c, v));
	ck_assert_ptr_ne(asl_object_get(c, "a", 1), asl_object_get(v, "a", 1));
	ck_assert_ptr_ne(c->u.object.members[0].key, v->u.object.members[0].key);
	/* overwrite the source's memory, then look at the copy */
	asl_arena_reset(&src);
	memset(asl_arena_alloc(&src, 4096), 0xAB, 4096);
	asl_arena_destroy(&src);
	ck_assert_str_eq(asl_to_json(&dst, c, NULL), text);
	asl_arena_destroy(&dst);
}
END_TEST

START_TEST(copy_keeps_integer_flag_and_shares_static_values)
{
	asl_value *v = parse("[3, 3.0, true, null]");
	asl_value *c = asl_copy(&arena, v);
	ck_assert(c->u.array.items[0]->flags & ASL_FLAG_INTEGER);
	ck_assert(!(c->u.array.items[1]->flags & ASL_FLAG_INTEGER));
	ck_assert_ptr_eq(c->u.array.items[2], asl_true());
	ck_assert_ptr_eq(c->u.array.items[3], asl_null());
	ck_assert_str_eq(json(c), "[3,3.0,true,null]");
}
END_TEST

START_TEST(shallow_copy_gets_a_new_table_with_the_same_children)
{
	asl_value *v = parse("{\"a\":[1],\"b\":2}");
	asl_value *c = asl_shallow_copy(&arena, v);
	ck_assert_ptr_ne(c, v);
	ck_assert_ptr_eq(asl_object_get(c, "a", 1), asl_object_get(v, "a", 1));
	ck_assert_int_eq(asl_object_set(&arena, c, "z", 1, asl_true()), 0);
	ck_assert_uint_eq(v->u.object.len, 2); /* the original is untouched */
	ck_assert_str_eq(json(c), "{\"a\":[1],\"b\":2,\"z\":true}");
}
END_TEST

/* ---- arenas ---- */

START_TEST(arena_allocations_are_aligned_and_distinct)
{
	char *prev = NULL;
	for (size_t n = 1; n < 100; n += 7) {
		char *p = asl_arena_alloc(&arena, n);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
		ck_assert_ptr_ne(p, prev);
		memset(p, 0x5A, n);
		prev = p;
	}
	ck_assert_uint_gt(arena.used, 0);
}
END_TEST

START_TEST(arena_serves_blocks_larger_than_a_chunk)
{
	size_t big = 1u << 20;
	char *p = asl_arena_alloc(&arena, big);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, big);
	char *q = asl_arena_alloc(&arena, 16);
	ck_assert_ptr_nonnull(q);
	ck_assert(q + 16 <= p || q >= p + big);
}
END_TEST

START_TEST(arena_reset_frees_values_and_stays_usable)
{
	counting cnt = {0, 0, -1};
	asl_allocator al = {counting_alloc, counting_release, &cnt};
	asl_arena a;
	asl_arena_init(&a, &al);
	for (int i = 0; i < 10; i++)
		asl_arena_alloc(&a, 50000); /* several chunks */
	ck_assert_int_gt(cnt.allocs, 1);
	asl_arena_reset(&a);
	ck_assert_uint_eq(a.used, 0);
	ck_assert_int_ge(cnt.releases, cnt.allocs - 1); /* at most one chunk kept */
	asl_value *v = asl_cstring(&a, "after reset");
	ck_assert_str_eq(v->u.string.ptr, "after reset");
	asl_arena_destroy(&a);
	ck_assert_int_eq(cnt.releases, cnt.allocs);
}
END_TEST

START_TEST(arena_reset_releases_oversized_chunks)
{
	counting cnt = {0, 0, -1};
	asl_allocator al = {counting_alloc, counting_release, &cnt};
	asl_arena a;
	asl_arena_init(&a, &al);
	asl_arena_alloc(&a, 10u << 20);
	asl_arena_reset(&a);
	ck_assert_int_eq(cnt.releases, cnt.allocs);
	ck_assert_ptr_null(a.chunks);
	asl_arena_destroy(&a);
}
END_TEST

START_TEST(arena_destroy_returns_every_block)
{
	counting cnt = {0, 0, -1};
	asl_allocator al = {counting_alloc, counting_release, &cnt};
	asl_arena a;
	asl_arena_init(&a, &al);
	const char *text = "{\"a\":[1,2,3,{\"b\":\"c\"}],\"d\":\"e\"}";
	asl_parse_error err;
	ck_assert_ptr_nonnull(asl_parse(&a, text, strlen(text), 0, &err));
	ck_assert_ptr_null(asl_parse(&a, "[1,", 3, 0, &err)); /* error path too */
	for (int i = 0; i < 5; i++)
		asl_arena_alloc(&a, 100000);
	asl_arena_destroy(&a);
	ck_assert_int_gt(cnt.allocs, 0);
	ck_assert_int_eq(cnt.releases, cnt.allocs);
	ck_assert_ptr_null(a.chunks);
}
END_TEST

/* Adopted values live on in the adopting arena; its own current chunk stays the one it
 * allocates from; every block is released once; arenas of other allocators are refused. */
START_TEST(arena_adopt_moves_values_without_copying)
{
	counting cnt = {0, 0, -1};
	asl_allocator al = {counting_alloc, counting_release, &cnt};
	asl_arena keep, from, empty, other;
	asl_arena_init(&keep, &al);
	asl_arena_init(&from, &al);
	asl_arena_init(&empty, &al);
	asl_arena_init(&other, NULL);
	ck_assert_ptr_nonnull(asl_arena_alloc(&keep, 16));
	asl_chunk *current = keep.chunks;
	const char *text = "{\"a\":[1,2,3,{\"b\":\"c\"}],\"d\":\"e\"}";
	asl_parse_error err;
	asl_value *v = asl_parse(&from, text, strlen(text), 0, &err);
	for (int i = 0; i < 3; i++)
		asl_arena_alloc(&from, 100000); /* several chunks */
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(asl_arena_adopt(&other, &from), -1); /* another allocator: nothing moves */
	ck_assert_ptr_nonnull(from.chunks);
	ck_assert_int_eq(asl_arena_adopt(&keep, &from), 0);
	ck_assert_ptr_null(from.chunks);
	ck_assert_int_eq(from.used, 0);
	int released = cnt.releases;
	asl_arena_destroy(&from); /* empty now: must not release what moved */
	ck_assert_int_eq(cnt.releases, released);
	ck_assert_ptr_eq(keep.chunks, current); /* keep still allocates from its own chunk */
	ck_assert_str_eq(asl_to_json(&keep, v, NULL), "{\"a\":[1,2,3,{\"b\":\"c\"}],\"d\":\"e\"}");
	ck_assert_int_eq(asl_arena_adopt(&empty, &keep), 0); /* into an arena with no chunk */
	asl_arena_destroy(&keep);
	ck_assert_str_eq(asl_to_json(&empty, v, NULL), text);
	asl_arena_destroy(&empty);
	asl_arena_destroy(&other);
	ck_assert_int_gt(cnt.allocs, 3);
	ck_assert_int_eq(cnt.releases, cnt.allocs);
}
END_TEST

START_TEST(arena_reports_allocation_failure)
{
	counting cnt = {0, 0, 0};
	asl_allocator al = {counting_alloc, counting_release, &cnt};
	asl_arena a;
	asl_arena_init(&a, &al);
	ck_assert_ptr_null(asl_arena_alloc(&a, 8));
	ck_assert_int_eq(a.failed, 1);
	ck_assert_ptr_null(asl_cstring(&a, "x"));
	asl_parse_error err;
	ck_assert_ptr_null(asl_parse(&a, "[1] ", 4, 0, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "memory"));
	asl_arena_destroy(&a);
}
END_TEST

/* The scanner keeps the tokens of small texts on the stack and takes an array from the
 * allocator for larger ones: every block comes back, after a failed allocation too, which is
 * reported as running out of memory. */
START_TEST(token_array_grows_from_the_allocator_and_is_released)
{
	char text[4000] = "[";
	for (int i = 0; i < 500; i++)
		strcat(text, i ? ",[]" : "[]"); /* 501 tokens */
	strcat(text, "]");
	for (int fail_after = -1; fail_after < 4; fail_after++) {
		counting cnt = {0, 0, fail_after};
		asl_allocator al = {counting_alloc, counting_release, &cnt};
		asl_arena a;
		asl_arena_init(&a, &al);
		asl_parse_error err;
		asl_value *v = asl_parse(&a, text, strlen(text), 0, &err);
		if (fail_after < 0) {
			ck_assert_ptr_nonnull(v);
			ck_assert_uint_eq(v->u.array.len, 500);
			ck_assert_uint_eq(v->u.array.items[499]->u.array.len, 0);
			ck_assert_uint_eq(v->u.array.items[499]->pos, strlen(text) - 3);
		} else {
			ck_assert_ptr_null(v);
			ck_assert_int_eq(err.code, ASL_JSON_NOMEM);
			ck_assert_str_eq(err.message, "out of memory");
		}
		asl_arena_destroy(&a);
		ck_assert_int_eq(cnt.releases, cnt.allocs);
	}
	/* a literal alone needs no allocation at all */
	counting none = {0, 0, 0};
	asl_allocator al = {counting_alloc, counting_release, &none};
	asl_arena a;
	asl_arena_init(&a, &al);
	asl_parse_error err;
	ck_assert_ptr_eq(asl_parse(&a, " true ", 6, 0, &err), asl_true());
	asl_arena_destroy(&a);
}
END_TEST

START_TEST(default_allocator_is_used_when_none_given)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	ck_assert_ptr_eq(a.allocator, asl_default_allocator());
	ck_assert_ptr_nonnull(asl_arena_alloc(&a, 10));
	asl_arena_destroy(&a);
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parses_literals_true_false_null_inside_containers);
	tcase_add_test(tc, parses_top_level_scalars_without_trailing_whitespace);
	tcase_add_test(tc, parses_top_level_scalars_surrounded_by_whitespace);
	tcase_add_test(tc, integer_literals_carry_the_integer_flag);
	tcase_add_test(tc, fractions_and_exponents_are_not_integers);
	tcase_add_test(tc, parses_strings_with_simple_escapes);
	tcase_add_test(tc, parses_empty_and_nested_containers);
	tcase_add_test(tc, object_keys_keep_insertion_order);
	tcase_add_test(tc, duplicate_keys_last_value_wins_by_default);
	tcase_add_test(tc, keep_duplicates_flag_keeps_every_member);
	tcase_add_test(tc, keep_duplicates_gives_literals_their_own_positions);
	tcase_add_test(tc, values_record_their_byte_offset);
	tcase_add_test(tc, unicode_escapes_decode_to_utf8);
	tcase_add_test(tc, surrogate_pair_decodes_to_one_four_byte_sequence);
	tcase_add_test(tc, lone_surrogate_becomes_replacement_character);
	tcase_add_test(tc, escaped_nul_is_kept_and_counted);
	tcase_add_test(tc, raw_utf8_passes_through_unchanged);
	tcase_add_test(tc, utf8_at_the_edges_of_validity_is_accepted);
	tcase_add_test(tc, many_keys_keep_order_and_last_duplicate_wins);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, control_characters_in_strings_are_rejected);
	tcase_add_test(tc, bad_escapes_are_rejected);
	tcase_add_loop_test(tc, invalid_numbers_are_rejected, 0,
			    (int)(sizeof invalid_numbers / sizeof invalid_numbers[0]));
	tcase_add_test(tc, invalid_literals_are_rejected);
	tcase_add_test(tc, trailing_commas_are_rejected);
	tcase_add_test(tc, missing_or_doubled_commas_are_rejected);
	tcase_add_test(tc, missing_colons_and_keys_are_rejected);
	tcase_add_test(tc, unbalanced_brackets_are_rejected);
	tcase_add_test(tc, garbage_after_the_value_is_rejected);
	tcase_add_test(tc, empty_or_blank_input_is_rejected);
	tcase_add_test(tc, containers_count_their_own_children);
	tcase_add_test(tc, alternating_objects_and_arrays_at_the_depth_limit);
	tcase_add_test(tc, nesting_up_to_the_depth_limit_is_accepted);
	tcase_add_test(tc, nesting_beyond_the_depth_limit_is_rejected);
	tcase_add_test(tc, deeply_nested_input_of_payload_size_is_rejected_quickly);
	tcase_add_test(tc, hostile_megabyte_inputs_parse_in_linear_time);
	tcase_add_loop_test(tc, invalid_utf8_is_rejected, 0,
			    (int)(sizeof bad_utf8 / sizeof bad_utf8[0]));
	tcase_add_test(tc, nul_after_the_value_is_rejected);
	tcase_add_test(tc, error_reports_line_and_column_of_bad_literal);
	tcase_add_test(tc, error_reports_position_of_missing_comma);
	tcase_add_test(tc, error_reports_position_of_trailing_garbage);
	tcase_add_test(tc, error_reports_position_of_control_character_on_later_line);
	tcase_add_test(tc, text_position_counts_lines_and_byte_columns);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, compact_serialisation_round_trips_text);
	tcase_add_test(tc, serialisation_drops_insignificant_whitespace);
	tcase_add_test(tc, written_text_parses_back_to_an_equal_value);
	tcase_add_test(tc, integers_print_without_fraction);
	tcase_add_test(tc, negative_zero_prints_as_zero);
	tcase_add_test(tc, doubles_print_shortest_round_trip_text);
	tcase_add_loop_test(tc, small_and_large_doubles_print_shortest_exponent_form, 0,
			    (int)(sizeof exponent_forms / sizeof exponent_forms[0]));
	tcase_add_test(tc, every_printed_double_reads_back_exactly);
	tcase_add_test(tc, integral_doubles_without_integer_flag_keep_a_fraction);
	tcase_add_test(tc, strings_escape_quotes_backslashes_and_control_characters);
	tcase_add_test(tc, object_keys_are_escaped_too);
	tcase_add_test(tc, bytes_that_are_not_utf8_are_written_as_replacement_characters);
	tcase_add_test(tc, to_json_reports_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, object_set_replaces_in_place_and_appends_new_keys);
	tcase_add_test(tc, builders_grow_past_initial_capacity);
	tcase_add_test(tc, builders_reject_null_items);
	tcase_add_test(tc, lookups_return_null_for_missing_or_wrong_type);
	tcase_add_test(tc, integral_test_accepts_whole_numbers_only);
	tcase_add_test(tc, shared_constants_are_static);
	tcase_add_test(tc, equal_compares_numbers_by_value);
	tcase_add_test(tc, integers_a_double_cannot_hold_keep_their_digits);
	tcase_add_test(tc, numbers_a_double_holds_keep_no_text);
	tcase_add_test(tc, fractional_negative_zero_keeps_its_sign);
	tcase_add_test(tc, equal_compares_big_integers_by_their_digits);
	tcase_add_test(tc, equal_ignores_object_key_order);
	tcase_add_test(tc, equal_is_deep_and_type_strict);
	tcase_add_test(tc, equal_handles_strings_with_embedded_nul);
	tcase_add_test(tc, copy_is_deep_and_outlives_the_source_arena);
	tcase_add_test(tc, copy_keeps_integer_flag_and_shares_static_values);
	tcase_add_test(tc, shallow_copy_gets_a_new_table_with_the_same_children);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, arena_allocations_are_aligned_and_distinct);
	tcase_add_test(tc, arena_serves_blocks_larger_than_a_chunk);
	tcase_add_test(tc, arena_reset_frees_values_and_stays_usable);
	tcase_add_test(tc, arena_reset_releases_oversized_chunks);
	tcase_add_test(tc, arena_destroy_returns_every_block);
	tcase_add_test(tc, arena_adopt_moves_values_without_copying);
	tcase_add_test(tc, arena_reports_allocation_failure);
	tcase_add_test(tc, token_array_grows_from_the_allocator_and_is_released);
	tcase_add_test(tc, default_allocator_is_used_when_none_given);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	/* fork mode, so a crash fails one test; CK_FORK=no in the environment still wins */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
