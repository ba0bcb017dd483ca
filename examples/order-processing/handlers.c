/* C task handlers of the order-processing example (bound with c:NAME, linked with --link). */
#include <asl/task.h>

/* Checks the order lines and computes the total. */
int validate_order(asl_task_call *call)
{
	const asl_value *order = asl_object_get(call->input, "order", 5);
	const asl_value *lines = asl_object_get(order, "lines", 5);
	if (!lines || lines->type != ASL_ARRAY || lines->u.array.len == 0) {
		call->error = "Order.Invalid";
		call->cause = "the order has no lines";
		return ASL_TASK_ERROR;
	}
	double total = 0;
	for (size_t i = 0; i < lines->u.array.len; i++) {
		const asl_value *price = asl_object_get(lines->u.array.items[i], "price", 5);
		const asl_value *qty = asl_object_get(lines->u.array.items[i], "qty", 3);
		if (!price || price->type != ASL_NUMBER || !qty || qty->type != ASL_NUMBER) {
			call->error = "Order.Invalid";
			call->cause = "every line needs a price and a qty";
			return ASL_TASK_ERROR;
		}
		total += price->u.number * qty->u.number;
	}
	call->result = asl_object(call->arena, 2);
	asl_object_append(call->arena, call->result, "total", 5, asl_number(call->arena, total));
	asl_object_append(call->arena, call->result, "items", 5,
			  asl_integer(call->arena, (int64_t)lines->u.array.len));
	return ASL_TASK_OK;
}

/* A card processor that is unavailable on the first attempt, then accepts VISA cards. */
int charge_card(asl_task_call *call)
{
	const asl_value *attempt = asl_object_get(call->input, "attempt", 7);
	const asl_value *card = asl_object_get(call->input, "card", 4);
	if (attempt && attempt->type == ASL_NUMBER && attempt->u.number < 1) {
		call->error = "Payment.Unavailable";
		call->cause = "the processor is warming up";
		return ASL_TASK_ERROR;
	}
	if (!card || card->type != ASL_STRING || card->u.string.len < 4 ||
	    card->u.string.ptr[0] != '4') {
		call->error = "Payment.Declined";
		call->cause = "only VISA cards are accepted";
		return ASL_TASK_ERROR;
	}
	call->result = asl_object(call->arena, 1);
	asl_object_append(call->arena, call->result, "charged", 7,
			  (asl_value *)asl_object_get(call->input, "amount", 6));
	return ASL_TASK_OK;
}
