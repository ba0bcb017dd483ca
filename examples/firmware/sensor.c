/* The Task's C handler: a simulated temperature sensor. A real board reads its ADC or I2C
 * sensor here; this one plays back a warming greenhouse, one value per reading. */
#include "sensor.h"

static const double trace[] = {21.5, 24.0, 29.5, 36.0, 41.5, 44.0};

int read_sensor(asl_task_call *call)
{
	const asl_value *sample = asl_object_get(call->input, "sample", 6);
	size_t i = sample && sample->type == ASL_NUMBER ? (size_t)sample->u.number : 0;
	if (i >= sizeof trace / sizeof trace[0]) {
		call->error = "Sensor.NoData";
		call->cause = "The simulated sensor has no more readings.";
		return ASL_TASK_ERROR;
	}
	asl_value *reading = asl_object(call->arena, 1);
	if (!reading || asl_object_append(call->arena, reading, "celsius", 7,
					  asl_number(call->arena, trace[i]))) {
		call->error = "Sensor.OutOfMemory";
		return ASL_TASK_ERROR;
	}
	call->result = reading;
	return ASL_TASK_OK;
}
