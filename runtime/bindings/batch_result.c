/* Batch mode's output lines: an execution's outcome as one JSON object, shaped like the
 * status, output, error and cause of Step Functions' DescribeExecution. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "batch.h"

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

/* {"line":K,"status":"STATUS" into `out` (emptied first). */
static int start(asl_bytes *out, uint64_t line, const char *status)
{
	char head[96];
	int n = snprintf(head, sizeof head, "{\"line\":%" PRIu64 ",\"status\":\"%s\"", line,
			 status);
	out->len = 0;
	return asl__bytes_add(out, head, (size_t)n);
}

int asl__batch_rejected_line(asl_bytes *out, uint64_t line, const char *cause)
{
	if (start(out, line, "REJECTED") < 0 || add_string(out, "cause", cause, strlen(cause)) < 0)
		return -1;
	return asl__bytes_add(out, "}\n", 2);
}

static const char *status_name(asl_status st)
{
	switch (st) {
	case ASL_SUCCEEDED:
		return "SUCCEEDED";
	case ASL_TIMED_OUT:
		return "TIMED_OUT";
	case ASL_ABORTED:
		return "ABORTED";
	default:
		return "FAILED";
	}
}

int asl__batch_result_line(asl_bytes *out, uint64_t line, const asl_result *r)
{
	if (start(out, line, status_name(r->status)) < 0)
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
