/* The pure parts of the service integrations: how lambda:invoke reads a FunctionName (a name,
 * NAME:QUALIFIER, a function ARN whole or partial, qualified or not). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

static int split(const char *s, asl_lambda_function *f)
{
	return asl__lambda_function(s, strlen(s), f);
}

static void expect(const char *s, const char *name, const char *qualifier)
{
	asl_lambda_function f;
	ck_assert_int_eq(split(s, &f), 0);
	ck_assert_int_eq((int)f.name_len, (int)strlen(name));
	ck_assert(!memcmp(f.name, name, f.name_len));
	if (!qualifier) {
		ck_assert_ptr_null(f.qualifier);
		return;
	}
	ck_assert_int_eq((int)f.qualifier_len, (int)strlen(qualifier));
	ck_assert(!memcmp(f.qualifier, qualifier, f.qualifier_len));
}

START_TEST(a_plain_name_is_the_function)
{
	expect("my-function", "my-function", NULL);
}
END_TEST

START_TEST(name_colon_qualifier_is_a_partial_arn)
{
	expect("my-function:7", "my-function", "7");
	expect("my-function:prod", "my-function", "prod");
}
END_TEST

START_TEST(function_arns_whole_and_partial)
{
	expect("arn:aws:lambda:us-east-1:123456789012:function:my-function", "my-function", NULL);
	expect("arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST", "my-function",
	       "$LATEST");
	expect("123456789012:function:my-function:3", "my-function", "3");
}
END_TEST

START_TEST(what_is_not_a_function_is_refused)
{
	asl_lambda_function f;
	ck_assert_int_eq(split("", &f), -1);
	ck_assert_int_eq(split("name:", &f), -1);
	ck_assert_int_eq(split("a:b:c", &f), -1);
	ck_assert_int_eq(split("arn:aws:states:us-east-1:1:stateMachine:x", &f), -1);
	ck_assert_int_eq(split("arn:aws:lambda:us-east-1:1:function:", &f), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("integrations");
	TCase *tc = tcase_create("lambda_function");
	tcase_add_test(tc, a_plain_name_is_the_function);
	tcase_add_test(tc, name_colon_qualifier_is_a_partial_arn);
	tcase_add_test(tc, function_arns_whole_and_partial);
	tcase_add_test(tc, what_is_not_a_function_is_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	if (!getenv("CK_FORK")) /* fork mode: a crash fails one test */
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
