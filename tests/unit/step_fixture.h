/* What the step API's suites share (test_step, test_step_nested, test_snapshot): a clock of the
 * test's own (the default platform with now_ms and sleep_ms replaced, so "the time has come" is
 * an assignment and nothing sleeps), the Task handlers their machines bind, and starting an
 * execution of the machine compiled in with -DASL_NO_MAIN. */
#ifndef STEP_FIXTURE_H
#define STEP_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/platform_core.h"

extern const asl_machine asl_generated_machine;

static asl_arena arena; /* inputs and outputs of a test */
static int64_t fake_now = 1700000000000;
static asl_platform fake;
static int flaky_calls;
static char pending_token[80]; /* the last pending task's */
static asl_execution *pending_execution;
static int complete_at_once;

static int64_t fake_now_ms(void *user)
{
	(void)user;
	return fake_now;
}

static void fake_sleep(void *user, int64_t ms)
{
	(void)user;
	fake_now += ms;
}

/* `flaky`: fails with Busy twice, then succeeds (the count lives in the host, across a
 * restore). */
static int flaky(asl_task_call *call)
{
	if (++flaky_calls <= 2) {
		call->error = "Busy";
		return ASL_TASK_ERROR;
	}
	call->result = asl_integer(call->arena, flaky_calls);
	return ASL_TASK_OK;
}

/* `async`: completes later, by token (or, complete_at_once, the handler posts the outcome
 * itself before it returns, as a worker thread might). */
static int async_task(asl_task_call *call)
{
	snprintf(pending_token, sizeof pending_token, "%s", call->token);
	pending_execution = call->execution;
	if (complete_at_once)
		asl_task_succeed(call->execution, call->token, asl_integer(call->arena, 7));
	return ASL_TASK_PENDING;
}

static const asl_handler handlers[] = {{"flaky", flaky, NULL}, {"async", async_task, NULL}};
static const asl_binding bindings[] = {{"flaky", "c:flaky"}, {"async", "c:async"}};

static void setup(void)
{
	asl_arena_init(&arena, NULL);
	fake = *asl_platform_default();
	fake.now_ms = fake_now_ms;
	fake.sleep_ms = fake_sleep;
	flaky_calls = 0;
	pending_token[0] = '\0';
	pending_execution = NULL;
	complete_at_once = 0;
}

static void teardown(void)
{
	asl_arena_destroy(&arena);
}

/* The fake clock, two threads and the handlers. */
static asl_options options(void)
{
	asl_options opts;
	asl_options_init(&opts);
	opts.platform = &fake;
	opts.threads = 2;
	opts.handlers = handlers;
	opts.handler_count = 2;
	opts.bindings = bindings;
	opts.binding_count = 2;
	return opts;
}

static asl_execution *start(const char *input, const asl_options *opts)
{
	asl_parse_error err;
	const asl_value *v = asl_parse(&arena, input, strlen(input), 0, &err);
	ck_assert_ptr_nonnull(v);
	asl_execution *e = asl_start(&asl_generated_machine, v, opts);
	ck_assert_ptr_nonnull(e);
	return e;
}

#endif
