/* The service's operations (api_*.c), each `int op(sv_call *c)`: 0 with the answer written,
 * or -1 with the error answer. */
#ifndef ASLC_SERVE_API_H
#define ASLC_SERVE_API_H

#include "server.h"

/* clang-format off */
#define SV_OPS(X) \
	X(CreateStateMachine) \
	X(DescribeStateMachine) \
	X(UpdateStateMachine) \
	X(DeleteStateMachine) \
	X(ListStateMachines) \
	X(ValidateStateMachineDefinition) \
	X(DescribeStateMachineForExecution) \
	X(StartExecution) \
	X(StartSyncExecution) \
	X(DescribeExecution) \
	X(ListExecutions) \
	X(StopExecution) \
	X(GetExecutionHistory) \
	X(CreateActivity) \
	X(DescribeActivity) \
	X(ListActivities) \
	X(DeleteActivity) \
	X(GetActivityTask) \
	X(SendTaskSuccess) \
	X(SendTaskFailure) \
	X(SendTaskHeartbeat) \
	X(TagResource) \
	X(UntagResource) \
	X(ListTagsForResource) \
	X(TestState)
/* clang-format on */

#define SV_DECLARE(name) int sv_op_##name(sv_call *c);
SV_OPS(SV_DECLARE)
#undef SV_DECLARE

/* StartExecution's work, shared with nested executions: the execution row committed (with the
 * parent's task row, for a nested one) and running; 0 with it in *out (strings in c's arena),
 * or -1 with the error answer. */
int sv_start(sv_call *c, const char *machine_arn, const char *name, const char *input,
	     size_t input_len, const char *parent_token, int64_t parent_id, st_execution *out);

/* The state machine of an ARN member, or -1 with the error answer (InvalidArn,
 * StateMachineDoesNotExist). */
int sv_find_machine(sv_call *c, const char *arn, st_machine *out);
int sv_find_execution(sv_call *c, const char *arn, st_execution *out);
/* The store failed: InternalFailure (500, which clients retry). -1. */
int sv_store_failed(sv_call *c);
/* "s" of a stored text, NUL-terminated in c's arena. */
const char *sv_text(sv_call *c, st_text t);

#endif
