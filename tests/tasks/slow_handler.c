/* A C task handler that takes 1.5 s, for the test that the execution's TimeoutSeconds stops
 * the machine as soon as a handler (which cannot be interrupted) returns. */
#define _POSIX_C_SOURCE 200809L
#include <asl/task.h>
#include <time.h>

int slow(asl_task_call *call)
{
	struct timespec ts = {1, 500000000L};
	nanosleep(&ts, NULL);
	call->result = asl_object(call->arena, 0);
	return call->result ? ASL_TASK_OK : ASL_TASK_ERROR;
}
