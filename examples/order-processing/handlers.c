/* C task handlers of the order-processing example (bound with c:NAME, linked with --link). */
#include <asl/task.h>

/* Checks the order lines and computes the total. */
int validate_order(asl_task_call *call)
{
	const asl_value *order = asl_object_get(call->input, "order", 5);
	const asl_value *lines = asl_object_get(order, "lines", 5);
	size_t n = asl_array_len(lines); /* 0 when there are none, or they are not an array */
	if (n == 0) {
		call->error = "Order.Invalid";
		call->cause = "the order has no lines";
		return ASL_TASK_ERROR;
	}
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		const asl_value *price =
			asl_object_get(asl_array_get(lines, (int64_t)i), "price", 5);
		const asl_value *qty = asl_object_get(asl_array_get(lines, (int64_t)i), "qty", 3);
		if (!asl_is_number(price) || !asl_is_number(qty)) {
			call->error = "Order.Invalid";
			call->cause = "every line needs a price and a qty";
			return ASL_TASK_ERROR;
		}
		total += asl_number_value(price) * asl_number_value(qty);
	}
	call->result = asl_object(call->arena, 2);
	asl_object_append(call->arena, call->result, "total", 5, asl_number(call->arena, total));
	asl_object_append(call->arena, call->result, "items", 5,
			  asl_integer(call->arena, (int64_t)n));
	return ASL_TASK_OK;
}

/* A card processor that is unavailable on the first attempt, then accepts VISA cards. */
int charge_card(asl_task_call *call)
{
	const asl_value *attempt = asl_object_get(call->input, "attempt", 7);
	const asl_value *card = asl_object_get(call->input, "card", 4);
	if (asl_is_number(attempt) && asl_number_value(attempt) < 1) {
		call->error = "Payment.Unavailable";
		call->cause = "the processor is warming up";
		return ASL_TASK_ERROR;
	}
	if (asl_string_len(card) < 4 || asl_string_ptr(card)[0] != '4') {
		call->error = "Payment.Declined";
		call->cause = "only VISA cards are accepted";
		return ASL_TASK_ERROR;
	}
	const asl_value *amount = asl_object_get(call->input, "amount", 6);
	call->result = asl_object(call->arena, 1);
	if (amount) /* the input is borrowed: what the result keeps of it is copied */
		asl_object_append(call->arena, call->result, "charged", 7,
				  asl_copy(call->arena, amount));
	return ASL_TASK_OK;
}
