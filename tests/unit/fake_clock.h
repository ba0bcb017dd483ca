/* A clock of the test's own for the step API's tests: the default platform with now_ms and
 * sleep_ms replaced, so "the time has come" is an assignment and nothing sleeps. */
#ifndef FAKE_CLOCK_H
#define FAKE_CLOCK_H

#include <stdint.h>

#include "asl/platform_core.h"

static int64_t fake_now = 1700000000000;
static asl_platform fake;

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

/* Sets `fake` up: the default platform on the fake clock. */
static void fake_clock_init(void)
{
	fake = *asl_platform_default();
	fake.now_ms = fake_now_ms;
	fake.sleep_ms = fake_sleep;
}

#endif
