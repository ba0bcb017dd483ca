/* C task handler for bench/tasks.sh: returns (a copy of) its input, so a Task bound to it costs
 * only the Task machinery plus one small copy.  The input is borrowed (include/asl/task.h), so
 * the result is copied into the execution's arena rather than aliased. */
#include <asl/task.h>

int bench_echo(asl_task_call *call)
{
	call->result = asl_copy(call->arena, call->input);
	if (!call->result) {
		call->error = "Bench.OutOfMemory";
		return ASL_TASK_ERROR;
	}
	return ASL_TASK_OK;
}
