#include <asl/task.h>
int validate_order(asl_task_call *call)
{
	const asl_value *amount = asl_object_get(call->input, "amount", 6);
	if (!asl_is_number(amount)) {
		call->error = "Order.Invalid";
		call->cause = "no amount";
		return ASL_TASK_ERROR;
	}
	call->result = asl_object(call->arena, 1);
	asl_object_append(call->arena, call->result, "ok", 2, asl_true());
	return ASL_TASK_OK;
}

/* Always busy: the Retry gives up after 3 retries and the Catch routes to Refund. */
int always_busy(asl_task_call *call)
{
	call->error = "Payment.Busy";
	call->cause = "the payment service is busy";
	return ASL_TASK_ERROR;
}
