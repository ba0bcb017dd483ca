/* The compiler library (include/aslc/aslc.h): several machines loaded in memory at once, run,
 * unloaded and loaded again; diagnostics as data; the runtime's ABI-version check. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asl/abi.h"
#include "asl/asl.h"
#include "aslc/aslc.h"

/* Each reports its own name: two machines in one process must not share one. */
static const char *const GREETER =
	"{\"StartAt\": \"Greet\", \"States\": {\"Greet\": {\"Type\": \"Pass\",\n"
	" \"Parameters\": {\"greeting.$\": \"States.Format('hello {}', $.who)\",\n"
	"                \"machine.$\": \"$$.StateMachine.Name\"}, \"End\": true}}}\n";
static const char *const COUNTER =
	"{\"StartAt\": \"Add\", \"States\": {\"Add\": {\"Type\": \"Pass\",\n"
	" \"Parameters\": {\"n.$\": \"States.MathAdd($.n, 1)\",\n"
	"                \"machine.$\": \"$$.StateMachine.Name\"}, \"End\": true}}}\n";

static aslc_module *load(const char *text, const char *file, const char *name)
{
	aslc_source src = {text, strlen(text), file};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = name;
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	aslc_module *mod = aslc_load(&src, &opts, &d);
	if (!mod)
		aslc_print_diagnostics(stderr, &d, text, strlen(text), "test_library");
	ck_assert_ptr_nonnull(mod);
	ck_assert_int_eq((int)d.count, 0);
	aslc_diagnostics_free(&d);
	return mod;
}

/* Runs `m` on `input` and returns its output JSON (malloc'd) or "FAILED: error: cause". */
static char *run(const asl_machine *m, const char *input)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *in = asl_parse(&a, input, strlen(input), 0, &err);
	ck_assert_ptr_nonnull(in);
	asl_result r;
	asl_execute(m, in, NULL, &r);
	char *out;
	if (r.status == ASL_SUCCEEDED) {
		out = strdup(r.output);
	} else {
		size_t n = 32 + r.error_len + r.cause_len;
		out = malloc(n);
		snprintf(out, n, "FAILED: %s: %s", r.error ? r.error : "", r.cause ? r.cause : "");
	}
	asl_result_free(&r);
	asl_arena_destroy(&a);
	return out;
}

static void expect_output(const asl_machine *m, const char *input, const char *want)
{
	char *got = run(m, input);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(two_loaded_machines_run_side_by_side_with_their_own_names)
{
	aslc_module *g = load(GREETER, "machines/greeter/definition.asl.json", NULL);
	aslc_module *c = load(COUNTER, "counter.asl.json", NULL);
	const asl_machine *gm = aslc_module_machine(g), *cm = aslc_module_machine(c);
	ck_assert_ptr_ne(gm, cm);
	expect_output(gm, "{\"who\": \"ada\"}",
		      "{\"greeting\":\"hello ada\",\"machine\":\"greeter\"}");
	expect_output(cm, "{\"n\": 41}", "{\"n\":42,\"machine\":\"counter\"}");
	expect_output(gm, "{\"who\": \"bob\"}",
		      "{\"greeting\":\"hello bob\",\"machine\":\"greeter\"}");
	aslc_unload(g);
	expect_output(cm, "{\"n\": 1}", "{\"n\":2,\"machine\":\"counter\"}"); /* still there */
	aslc_unload(c);
}
END_TEST

START_TEST(machines_load_again_after_unloading_many_versions)
{
	/* a server holds one module per state machine version and drops old ones */
	for (int round = 0; round < 3; round++) {
		aslc_module *mods[4];
		char name[32];
		for (int i = 0; i < 4; i++) {
			snprintf(name, sizeof name, "counter-v%d", i);
			mods[i] = load(COUNTER, "counter.asl.json", name);
		}
		for (int i = 0; i < 4; i++) {
			char want[64];
			snprintf(want, sizeof want, "{\"n\":%d,\"machine\":\"counter-v%d\"}", i + 1,
				 i);
			char input[32];
			snprintf(input, sizeof input, "{\"n\": %d}", i);
			expect_output(aslc_module_machine(mods[i]), input, want);
		}
		for (int i = 0; i < 4; i++)
			aslc_unload(mods[i]);
	}
}
END_TEST

START_TEST(a_named_symbol_is_what_the_module_finds)
{
	aslc_source src = {GREETER, strlen(GREETER), "g.asl.json"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.symbol = "greeter_machine";
	aslc_module *mod = aslc_load(&src, &opts, NULL);
	ck_assert_ptr_nonnull(mod);
	expect_output(aslc_module_machine(mod), "{\"who\": \"x\"}",
		      "{\"greeting\":\"hello x\",\"machine\":\"g\"}");
	aslc_unload(mod);
}
END_TEST

/* ---- diagnostics as data ---- */

static const char *const BAD =
	"{\n"
	"  \"StartAt\": \"A\",\n"
	"  \"States\": {\n"
	"    \"A\": {\"Type\": \"Pass\", \"Next\": \"Chek\"},\n"
	"    \"Check\": {\"Type\": \"Succeed\"},\n"
	"    \"W\": {\"Type\": \"Wait\", \"Timestamp\": \"yesterday\", \"End\": true}\n"
	"  }\n"
	"}\n";

static const aslc_diagnostic *find(const aslc_diagnostics *d, const char *message_start)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strncmp(d->items[i].message, message_start, strlen(message_start)))
			return &d->items[i];
	ck_abort_msg("no diagnostic starting with '%s'", message_start);
	return NULL;
}

START_TEST(diagnostics_carry_line_column_pointer_and_code)
{
	aslc_source src = {BAD, strlen(BAD), "bad.asl.json"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	ck_assert_ptr_null(aslc_compile_c(&src, NULL, NULL, &d));
	ck_assert_int_eq(d.errors, 4); /* unknown target, 2 unreachable, the timestamp */

	const aslc_diagnostic *it = find(&d, "Missing 'Next' target: Chek");
	ck_assert_int_eq(it->severity, ASLC_ERROR);
	ck_assert_int_eq(it->code, ASLC_MISSING_TRANSITION_TARGET);
	ck_assert_str_eq(aslc_code_name(it->code), "MISSING_TRANSITION_TARGET");
	ck_assert_int_eq(it->line, 4);
	ck_assert_int_eq(it->column, 35);
	ck_assert_str_eq(it->pointer, "/States/A/Next");
	ck_assert_str_eq(it->file, "bad.asl.json");

	const aslc_diagnostic *note = it + 1; /* the suggestion explains the error before it */
	ck_assert_int_eq(note->severity, ASLC_NOTE);
	ck_assert_str_eq(note->message, "did you mean \"Check\"?");
	ck_assert_int_eq(note->code, ASLC_MISSING_TRANSITION_TARGET);
	ck_assert_str_eq(note->pointer, "/States/Check");
	ck_assert_int_eq(note->line, 5);
	ck_assert_int_eq(note->column, 14);

	it = find(&d, "String does not match RFC3339 timestamp");
	ck_assert_int_eq(it->code, ASLC_SCHEMA_VALIDATION_FAILED);
	ck_assert_str_eq(it->pointer, "/States/W/Timestamp");
	ck_assert_int_eq(it->line, 6);
	aslc_diagnostics_free(&d);
}
END_TEST

START_TEST(each_special_code_comes_with_its_message)
{
	static const struct {
		const char *definition, *message;
		aslc_code code;
		const char *pointer;
	} cases[] = {
		{"{\"StartAt\": ", "invalid JSON", ASLC_INVALID_JSON_DESCRIPTION, ""},
		{"{\"StartAt\": \"B\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}",
		 "StartAt names a state", ASLC_MISSING_TRANSITION_TARGET, "/StartAt"},
		{"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"A\"}}}",
		 "no terminal state", ASLC_MISSING_END_STATE, "/States"},
		{"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}, \"A\": "
		 "{\"Type\": \"Succeed\"}}}",
		 "duplicate state name", ASLC_DUPLICATE_STATE_NAME, "/States/A"},
		{"{\"StartAt\": \"\", \"States\": {\"\": {\"Type\": \"Succeed\"}}}",
		 "state names must be", ASLC_INVALID_STATE_NAME, "/States/"},
		{"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}, \"B\": "
		 "{\"Type\": \"Succeed\"}}}",
		 "State \"B\" is not reachable", ASLC_MISSING_TRANSITION_TARGET, "/States/B"},
		{"{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": "
		 "{\"Type\": \"Succeed\"}}}",
		 "JSONata is not supported yet", ASLC_UNSUPPORTED, "/QueryLanguage"},
		{"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true, "
		 "\"Bogus\": 1}}}",
		 "field \"Bogus\"", ASLC_SCHEMA_VALIDATION_FAILED, "/States/A/Bogus"},
		{"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"C\"}}}",
		 "Missing 'Next' target: C", ASLC_MISSING_TRANSITION_TARGET, "/States/A/Next"},
		{"{\"StartAt\": \"C\", \"States\": {\"C\": {\"Type\": \"Choice\", \"Choices\": "
		 "[{\"Condition\": \"{% true %}\", \"Next\": \"D\"}], \"Default\": \"D\"}, \"D\": "
		 "{\"Type\": \"Succeed\"}}}",
		 "Condition needs JSONata", ASLC_UNSUPPORTED, "/States/C/Choices/0/Condition"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		aslc_source src = {cases[i].definition, strlen(cases[i].definition), "x.asl.json"};
		aslc_diagnostics d;
		aslc_diagnostics_init(&d);
		ck_assert_int_ge(aslc_check(&src, NULL, &d), 1);
		const aslc_diagnostic *it = find(&d, cases[i].message);
		ck_assert_msg(it->code == cases[i].code, "'%s' has code %s", it->message,
			      aslc_code_name(it->code));
		ck_assert_str_eq(it->pointer, cases[i].pointer);
		aslc_diagnostics_free(&d);
	}
}
END_TEST

START_TEST(a_character_inside_a_string_points_at_the_string)
{
	const char *text =
		"{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true,"
		" \"Parameters\": {\"list\": [1, {\"x.$\": \"States.Nope($)\"}]}}}}";
	aslc_source src = {text, strlen(text), "x.asl.json"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	ck_assert_int_eq(aslc_check(&src, NULL, &d), 1);
	ck_assert_str_eq(d.items[0].pointer, "/States/P/Parameters/list/1/x.$");
	ck_assert_int_gt((int)d.items[0].offset, (int)(strstr(text, "\"States.Nope") - text));
	aslc_diagnostics_free(&d);
}
END_TEST

START_TEST(pointer_escapes_slash_and_tilde)
{
	const char *text = "{\"StartAt\": \"a/b~c\", \"States\": {\"a/b~c\": {\"Type\": \"Pass\","
			   " \"Next\": \"nowhere\"}}}";
	aslc_source src = {text, strlen(text), "x.asl.json"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	ck_assert_int_ge(aslc_check(&src, NULL, &d), 1);
	ck_assert_str_eq(find(&d, "Missing 'Next'")->pointer, "/States/a~1b~0c/Next");
	aslc_diagnostics_free(&d);
}
END_TEST

START_TEST(bad_options_are_diagnostics_not_about_the_definition)
{
	aslc_source src = {GREETER, strlen(GREETER), "g.asl.json"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.symbol = "int";
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	ck_assert_ptr_null(aslc_compile_c(&src, &opts, NULL, &d));
	ck_assert_int_eq(d.items[0].code, ASLC_INVALID_SYMBOL);
	ck_assert_ptr_null(d.items[0].pointer);
	opts.symbol = NULL;
	opts.name = "has space";
	ck_assert_int_eq(aslc_check(&src, &opts, &d), 1);
	ck_assert_int_eq(d.items[1].code, ASLC_STATE_MACHINE_NAME_INVALID);
	opts.name = "";
	ck_assert_int_eq(aslc_check(&src, &opts, &d), 1);
	ck_assert_int_eq(d.items[2].code, ASLC_STATE_MACHINE_NAME_EMPTY);
	ck_assert_int_eq(d.errors, 3);
	aslc_diagnostics_free(&d);
}
END_TEST

START_TEST(printed_diagnostics_have_the_cli_form)
{
	aslc_source src = {BAD, strlen(BAD), "bad.asl.json"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	aslc_check(&src, NULL, &d);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	aslc_print_diagnostics(out, &d, BAD, strlen(BAD), "prog");
	fclose(out);
	const char *want = "bad.asl.json:4:35: error: Missing 'Next' target: Chek\n"
			   "      \"A\": {\"Type\": \"Pass\", \"Next\": \"Chek\"},\n"
			   "                                    ^\n"
			   "bad.asl.json:5:14: note: did you mean \"Check\"?\n"
			   "      \"Check\": {\"Type\": \"Succeed\"},\n"
			   "               ^\n";
	ck_assert_msg(strstr(text, want) != NULL, "got:\n%s", text);
	ck_assert_msg(len > 24 && !strcmp(text + len - 24, "\nbad.asl.json: 4 errors\n"),
		      "got:\n%s", text);
	free(text);
	aslc_diagnostics_free(&d);
}
END_TEST

/* ---- the ABI version ---- */

START_TEST(a_machine_of_another_abi_fails_clearly_in_asl_execute)
{
	aslc_module *mod = load(COUNTER, "counter.asl.json", NULL);
	asl_machine other = *aslc_module_machine(mod);
	other.abi_version = ASL_ABI_VERSION + 1;
	char *got = run(&other, "{\"n\": 1}");
	char want[160];
	snprintf(want, sizeof want,
		 "FAILED: States.Runtime: the machine was compiled for ABI %d but the runtime is "
		 "ABI %d",
		 ASL_ABI_VERSION + 1, ASL_ABI_VERSION);
	ck_assert_str_eq(got, want);
	free(got);
	aslc_unload(mod);
}
END_TEST

START_TEST(a_machine_of_another_abi_exits_2_in_asl_main)
{
	aslc_module *mod = load(COUNTER, "counter.asl.json", NULL);
	asl_machine other = *aslc_module_machine(mod);
	other.abi_version = 0;
	FILE *captured = tmpfile(); /* asl_main's stderr */
	ck_assert_ptr_nonnull(captured);
	int fd = fileno(captured);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	char *argv[] = {"machine", "--input", "{}", NULL};
	int rc = asl_main(3, argv, &other);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char buf[512] = {0};
	ck_assert_int_ge(pread(fd, buf, sizeof buf - 1, 0), 1);
	fclose(captured);
	ck_assert_int_eq(rc, 2);
	char want[200];
	snprintf(want, sizeof want,
		 "machine: the machine was compiled for ABI 0 but the runtime "
		 "is ABI %d; compile it again with this aslc\n",
		 ASL_ABI_VERSION);
	ck_assert_str_eq(buf, want);
	aslc_unload(mod);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("library");
	TCase *tc = tcase_create("jit");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, two_loaded_machines_run_side_by_side_with_their_own_names);
	tcase_add_test(tc, machines_load_again_after_unloading_many_versions);
	tcase_add_test(tc, a_named_symbol_is_what_the_module_finds);
	suite_add_tcase(s, tc);
	tc = tcase_create("diagnostics");
	tcase_add_test(tc, diagnostics_carry_line_column_pointer_and_code);
	tcase_add_test(tc, each_special_code_comes_with_its_message);
	tcase_add_test(tc, a_character_inside_a_string_points_at_the_string);
	tcase_add_test(tc, pointer_escapes_slash_and_tilde);
	tcase_add_test(tc, bad_options_are_diagnostics_not_about_the_definition);
	tcase_add_test(tc, printed_diagnostics_have_the_cli_form);
	suite_add_tcase(s, tc);
	tc = tcase_create("abi");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_machine_of_another_abi_fails_clearly_in_asl_execute);
	tcase_add_test(tc, a_machine_of_another_abi_exits_2_in_asl_main);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
