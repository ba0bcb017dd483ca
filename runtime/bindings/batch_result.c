/* Batch mode's output lines: an execution's outcome as one JSON object, shaped like the
 * status, output, error and cause of Step Functions' DescribeExecution. */
#include <inttypes.h>
#include <string.h>

#include "batch.h"
#include "format.h"

/* Appends ,"KEY":"TEXT" with TEXT escaped as the runtime writes strings. */
static int add_string(asl_bytes *out, const char *key, const char *s, size_t len)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_buffer b;
	asl_buffer_init(&b, &a);
	asl_value *v = asl_string(&a, s, len);
	int rc = -1;
	if (v && asl_buffer_putc(&b, ',') == 0 && asl_buffer_putc(&b, '"') == 0 &&
	    asl_buffer_append(&b, key, strlen(key)) == 0 && asl_buffer_append(&b, "\":", 2) == 0 &&
	    asl_write(&b, v) == 0)
		rc = asl__bytes_add(out, b.data, b.len);
	asl_arena_destroy(&a);
	return rc;
}

/* {"line":K,"status":"STATUS" into `out` (emptied first), without printf: this is per line. */
static int start(asl_bytes *out, uint64_t line, const char *status)
{
	char num[24];
	size_t n = (size_t)asl__fmt(num, sizeof num, "%" PRIu64, line); /* the core's: no printf */
	out->len = 0;
	if (asl__bytes_add(out, "{\"line\":", 8) < 0 || asl__bytes_add(out, num, n) < 0 ||
	    asl__bytes_add(out, ",\"status\":\"", 11) < 0 ||
	    asl__bytes_add(out, status, strlen(status)) < 0)
		return -1;
	return asl__bytes_add(out, "\"", 1);
}

int asl__batch_rejected_line(asl_bytes *out, uint64_t line, const char *cause)
{
	if (start(out, line, "REJECTED") < 0 || add_string(out, "cause", cause, strlen(cause)) < 0)
		return -1;
	return asl__bytes_add(out, "}\n", 2);
}

int asl__batch_result_line(asl_bytes *out, uint64_t line, const asl_result *r)
{
	if (start(out, line, asl_status_name(r->status)) < 0)
		return -1;
	if (r->status == ASL_SUCCEEDED) {
		if (!r->output || asl__bytes_add(out, ",\"output\":", 10) < 0 ||
		    asl__bytes_add(out, r->output, r->output_len) < 0)
			return -1;
	} else if ((r->error && add_string(out, "error", r->error, r->error_len) < 0) ||
		   (r->cause && add_string(out, "cause", r->cause, r->cause_len) < 0)) {
		return -1;
	}
	return asl__bytes_add(out, "}\n", 2);
}
