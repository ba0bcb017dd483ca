/* Two machines compiled ahead of time into one program: `aslc --emit-c --symbol NAME
 * --header NAME.h` for each, linked with this hand-written main and run with asl_execute. */
#include <check.h>
#include <string.h>

#include "counter_machine.h"
#include "greeter_machine.h"

static void expect(const asl_machine *m, const char *input, const char *want)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *in = asl_parse(&a, input, strlen(input), 0, &err);
	ck_assert_ptr_nonnull(in);
	asl_result r;
	asl_execute(m, in, NULL, &r);
	ck_assert_int_eq(r.status, ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, want);
	asl_result_free(&r);
	asl_arena_destroy(&a);
}

START_TEST(two_linked_machines_run_with_their_own_names)
{
	ck_assert_ptr_ne(&greeter_machine, &counter_machine);
	/* the greeter is named after its folder, the counter by --name */
	expect(&greeter_machine, "{\"who\": \"ada\"}",
	       "{\"greeting\":\"hello ada\",\"machine\":\"greeter\"}");
	expect(&counter_machine, "{\"n\": 41}", "{\"n\":42,\"machine\":\"counter-v2\"}");
	expect(&greeter_machine, "{\"who\": \"bob\"}",
	       "{\"greeting\":\"hello bob\",\"machine\":\"greeter\"}");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("linked_machines");
	TCase *tc = tcase_create("aot");
	tcase_add_test(tc, two_linked_machines_run_with_their_own_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
