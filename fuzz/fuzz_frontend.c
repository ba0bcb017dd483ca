/* libFuzzer target: the compiler's front end on arbitrary definition bytes, the path of
 * `aslc --emit-c` without the files and through the same phases as library.c: parse with
 * positions, validate, and for a definition with no errors lower it and generate the C. It
 * must end in diagnostics or in C text, never crash; the C must compile with libtcc without a
 * warning, as `aslc run` compiles it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libtcc.h>

#include "ir.h"

static void tcc_message(void *opaque, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "fuzz_frontend: tcc: %s\n", msg);
}

/* Compiles the generated C in memory (no linking: the runtime is not needed for that). */
static int compiles(const char *c)
{
	TCCState *s = tcc_new();
	if (!s)
		return 1;
	tcc_set_error_func(s, NULL, tcc_message);
	tcc_set_options(s, "-Wall -Werror");
	tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
	tcc_add_include_path(s, ASLC_INCLUDE_DIR);
	int ok = tcc_compile_string(s, c) == 0;
	tcc_delete(s);
	return ok;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *text = malloc(size + 1); /* source_parse owns it, NUL-terminated as a file read is */
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	source src;
	memset(&src, 0, sizeof src);
	src.path = "fuzz.asl.json";
	aslc_diagnostics diags; /* recorded (their pointers computed), then dropped */
	aslc_diagnostics_init(&diags);
	src.diags = &diags;
	if (source_parse(&src, text, size, &arena) == 0) {
		machine_info m;
		memset(&m, 0, sizeof m);
		m.name = "fuzz";
		if (validate(&src, &arena, &m) == 0) {
			const ir_machine *ir = lower(&m, &arena);
			if (!ir)
				abort(); /* a valid definition must lower (or the validator missed one) */
			char *c = NULL;
			size_t len = 0;
			FILE *out = open_memstream(&c, &len);
			if (out) {
				emit_machine(ir, &arena, out, &(emit_options){1, NULL});
				fclose(out);
				if (!len || !strstr(c, "asl_generated_machine") || !compiles(c))
					abort(); /* a valid definition must give a machine */
			}
			free(c);
		}
		free(src.text);
	}
	aslc_diagnostics_free(&diags);
	asl_arena_destroy(&arena);
	return 0;
}
