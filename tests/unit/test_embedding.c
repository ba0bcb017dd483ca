/* The embedding API: a machine compiled by aslc (with -DASL_NO_MAIN) run from C through
 * asl_execute, with its Task bound at run time to a handler registered by name. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

static int calls;

static int price(asl_task_call *call)
{
	if (calls++ == 0) { /* busy once: the Retry calls again */
		call->error = "Busy";
		call->cause = "try again";
		return ASL_TASK_ERROR;
	}
	const asl_value *qty = asl_object_get(call->input, "qty", 3);
	call->result = asl_integer(call->arena, 10 * (int64_t)asl_number_value(qty));
	return ASL_TASK_OK;
}

static asl_result run(const char *input_json, const asl_handler *handlers, size_t nh)
{
	static const asl_binding bindings[] = {{"price", "c:price_handler"}};
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&a, input_json, strlen(input_json), 0, &err);
	asl_options opts;
	asl_options_init(&opts);
	opts.wait_scale = 0;
	opts.bindings = bindings;
	opts.binding_count = 1;
	opts.handlers = handlers;
	opts.handler_count = nh;
	asl_result r;
	asl_execute(&asl_generated_machine, input, &opts, &r);
	asl_arena_destroy(&a);
	return r;
}

START_TEST(registered_handler_serves_a_run_time_binding)
{
	asl_handler h = {"price_handler", price, NULL};
	calls = 0;
	asl_result r = run("{\"sku\":\"A\",\"qty\":3,\"shipping\":5}", &h, 1);
	ck_assert_int_eq(r.status, ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, "{\"sku\":\"A\",\"total\":35}");
	ck_assert_int_eq(calls, 2);
	asl_result_free(&r);
}
END_TEST

START_TEST(unregistered_handler_is_a_task_failure_naming_it)
{
	asl_result r = run("{\"sku\":\"A\",\"qty\":3,\"shipping\":5}", NULL, 0);
	ck_assert_int_eq(r.status, ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.TaskFailed");
	ck_assert_ptr_nonnull(strstr(r.cause, "price_handler"));
	asl_result_free(&r);
}
END_TEST

static int price_pure(asl_task_call *call)
{
	const asl_value *qty = asl_object_get(call->input, "qty", 3);
	call->result = asl_integer(call->arena, 10 * (int64_t)asl_number_value(qty));
	return ASL_TASK_OK;
}

/* Each thread runs executions with its own quantity and checks every output. */
static void *worker(void *arg)
{
	long qty = (long)arg;
	asl_handler h = {"price_handler", price_pure, NULL};
	char input[64], want[64];
	snprintf(input, sizeof input, "{\"sku\":\"T\",\"qty\":%ld,\"shipping\":1}", qty);
	snprintf(want, sizeof want, "{\"sku\":\"T\",\"total\":%ld}", 10 * qty + 1);
	long bad = 0;
	for (int i = 0; i < 200; i++) {
		asl_result r = run(input, &h, 1);
		bad += r.status != ASL_SUCCEEDED || strcmp(r.output, want) != 0;
		asl_result_free(&r);
	}
	return (void *)bad;
}

START_TEST(executions_run_concurrently_on_threads)
{
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		ck_assert_int_eq((long)bad, 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("embedding");
	TCase *tc = tcase_create("embedding");
	tcase_add_test(tc, registered_handler_serves_a_run_time_binding);
	tcase_add_test(tc, unregistered_handler_is_a_task_failure_naming_it);
	tcase_add_test(tc, executions_run_concurrently_on_threads);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
