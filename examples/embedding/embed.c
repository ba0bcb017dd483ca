/* Embedding the compiler: a definition held in a string is compiled in memory (libtcc), run
 * with asl_execute and unloaded. Build: see README.md; the runtime must be linked whole and
 * exported (-rdynamic), as include/aslc/aslc.h explains. */
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"
#include "aslc/aslc.h"

static const char definition[] =
	"{\"StartAt\": \"Quote\", \"States\": {\n"
	"  \"Quote\": {\"Type\": \"Pass\", \"End\": true, \"Parameters\": {\n"
	"    \"item.$\": \"$.item\", \"total.$\": \"States.MathAdd($.price, $.shipping)\",\n"
	"    \"quotedBy.$\": \"$$.StateMachine.Name\"}}}}\n";

int main(int argc, char **argv)
{
	const char *input_json =
		argc > 1 ? argv[1] : "{\"item\": \"lamp\", \"price\": 40, \"shipping\": 5}";
	aslc_source src = {definition, strlen(definition), "quote.asl.json"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = "quotes";
	aslc_diagnostics diags;
	aslc_diagnostics_init(&diags);
	aslc_module *mod = aslc_load(&src, &opts, &diags);
	if (!mod) {
		aslc_print_diagnostics(stderr, &diags, definition, strlen(definition), argv[0]);
		aslc_diagnostics_free(&diags);
		return 2;
	}
	aslc_diagnostics_free(&diags);

	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&arena, input_json, strlen(input_json), 0, &err);
	if (!input) {
		fprintf(stderr, "%s: input: %s\n", argv[0], err.message);
		return 2;
	}
	asl_result result;
	asl_execute(aslc_module_machine(mod), input, NULL, &result);
	int rc = result.status == ASL_SUCCEEDED ? 0 : 1;
	puts(rc ? asl_result_error_json(&result) : result.output);
	asl_result_free(&result);
	asl_arena_destroy(&arena);
	aslc_unload(mod);
	return rc;
}
