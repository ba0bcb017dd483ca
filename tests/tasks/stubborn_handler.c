/* A C task handler that keeps running for 3 s whatever signals come (C handlers cannot be
 * interrupted), for the test that a second SIGINT ends the program at once. It creates the
 * file $STOP_TEST_READY first, so the test knows the handler is running. */
#define _POSIX_C_SOURCE 200809L
#include <asl/task.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int stubborn(asl_task_call *call)
{
	const char *ready = getenv("STOP_TEST_READY");
	FILE *f = ready ? fopen(ready, "w") : NULL;
	if (f)
		fclose(f);
	double end = now_s() + 3;
	while (now_s() < end) { /* a signal cuts a nanosleep short: sleep again */
		struct timespec ts = {0, 10000000L};
		nanosleep(&ts, NULL);
	}
	call->result = asl_object(call->arena, 0);
	return call->result ? ASL_TASK_OK : ASL_TASK_ERROR;
}
