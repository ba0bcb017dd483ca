/* libFuzzer target: the JSON parser on arbitrary bytes. Whatever parses must serialise, parse
 * back to an equal value, serialise to the same text again, and have the size asl_json_size
 * predicts. A violated property aborts, which libFuzzer reports as a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/json.h"

static void fail(const char *what, const char *text, size_t len)
{
	fprintf(stderr, "fuzz_json: %s (text written: %.*s)\n", what, (int)len, text);
	abort();
}

static void round_trip(asl_arena *arena, const asl_value *v)
{
	size_t len = 0;
	const char *text = asl_to_json(arena, v, &len);
	if (!text)
		fail("asl_to_json failed on a parsed value", "", 0);
	size_t predicted = asl_json_size(v, (size_t)-2);
	if (predicted != len)
		fail("asl_json_size differs from the length written", text, len);
	asl_parse_error err;
	asl_value *again = asl_parse(arena, text, len, 0, &err);
	if (!again)
		fail("the written text does not parse", text, len);
	if (!asl_equal(v, again))
		fail("the value read back differs", text, len);
	size_t len2 = 0;
	const char *text2 = asl_to_json(arena, again, &len2);
	if (!text2 || len2 != len || memcmp(text, text2, len))
		fail("writing the value read back gives another text", text, len);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error err;
	/* the plain parse, whose values the runtime keeps and writes */
	asl_value *v = asl_parse(&arena, (const char *)data, size, 0, &err);
	if (v)
		round_trip(&arena, v);
	else if (err.offset > size)
		fail("error offset past the end of the input", "", 0);
	/* the compiler's parse, which keeps duplicated keys for its diagnostics */
	asl_arena_reset(&arena);
	asl_parse(&arena, (const char *)data, size, ASL_PARSE_KEEP_DUPLICATES, &err);
	asl_arena_destroy(&arena);
	return 0;
}
