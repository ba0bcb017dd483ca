/* Machines compiled ahead of time into one program: `aslc --emit-c --symbol NAME --header
 * NAME.h` for each, linked with this hand-written main and run with asl_execute; one starts
 * another as a nested execution (asl_options.machines). */
#include <check.h>
#include <string.h>

#include "counter_machine.h"
#include "greeter_machine.h"
#include "starter_machine.h"

static void expect_with(const asl_machine *m, const char *input, const asl_options *opts,
			asl_status status, const char *want)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *in = asl_parse(&a, input, strlen(input), 0, &err);
	ck_assert_ptr_nonnull(in);
	asl_result r;
	asl_execute(m, in, opts, &r);
	ck_assert_int_eq(r.status, status);
	ck_assert_str_eq(status == ASL_SUCCEEDED ? r.output : r.error, want);
	asl_result_free(&r);
	asl_arena_destroy(&a);
}

static void expect(const asl_machine *m, const char *input, const char *want)
{
	expect_with(m, input, NULL, ASL_SUCCEEDED, want);
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

START_TEST(a_task_starts_a_machine_of_the_options_by_name)
{
	static const asl_named_machine machines[] = {{"greeter", &greeter_machine},
						     {"counter", &counter_machine}};
	asl_options o;
	asl_options_init(&o);
	o.machines = machines;
	o.machine_count = 2;
	expect_with(&starter_machine, "{\"n\": 1}", &o, ASL_SUCCEEDED,
		    "{\"status\":\"SUCCEEDED\",\"output\":{\"n\":2,\"machine\":\"counter-v2\"}}");
	o.machine_count = 1; /* the counter is not among them */
	expect_with(&starter_machine, "{\"n\": 1}", &o, ASL_FAILED_STATUS,
		    "StepFunctions.StateMachineDoesNotExistException");
}
END_TEST

/* The service's way: a handler bound to the exact resource does the work instead. */
static int own_start(asl_task_call *call)
{
	call->result = asl_object(call->arena, 2);
	asl_object_append(call->arena, call->result, "Status", 6, asl_cstring(call->arena, "OWN"));
	asl_object_append(call->arena, call->result, "Output", 6, asl_null());
	return ASL_TASK_OK;
}

START_TEST(a_binding_of_the_exact_resource_wins_over_the_integration)
{
	static const asl_named_machine machines[] = {{"counter", &counter_machine}};
	static const asl_binding bind[] = {
		{"arn:aws:states:::states:startExecution.sync:2", "c:own_start"}};
	static const asl_handler handlers[] = {{"own_start", own_start, NULL}};
	asl_options o;
	asl_options_init(&o);
	o.machines = machines;
	o.machine_count = 1;
	o.bindings = bind;
	o.binding_count = 1;
	o.handlers = handlers;
	o.handler_count = 1;
	expect_with(&starter_machine, "{\"n\": 1}", &o, ASL_SUCCEEDED,
		    "{\"status\":\"OWN\",\"output\":null}");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("linked_machines");
	TCase *tc = tcase_create("aot");
	tcase_add_test(tc, two_linked_machines_run_with_their_own_names);
	tcase_add_test(tc, a_task_starts_a_machine_of_the_options_by_name);
	tcase_add_test(tc, a_binding_of_the_exact_resource_wins_over_the_integration);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
