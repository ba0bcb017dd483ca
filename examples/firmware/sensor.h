/* The sensor's Task handler (c:read_sensor), for firmware.c's bindings. */
#ifndef SENSOR_H
#define SENSOR_H

#include "asl/task.h"

int read_sensor(asl_task_call *call);

#endif
