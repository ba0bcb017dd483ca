/* Host services on a system without an OS, for builds that link the bindings layer anyway:
 * no processes (exec: bindings cannot start) and no files (Distributed Map's ItemReader and
 * ResultWriter cannot open their objects). HTTP is http.c. */
#include "asl/platform.h"

int asl_platform_run(const char *command, const char *input, size_t input_len,
		     int64_t timeout_ms, int64_t heartbeat_ms, const asl_cancel *cancel,
		     asl_process_result *r)
{
	(void)command, (void)input, (void)input_len, (void)timeout_ms, (void)heartbeat_ms;
	(void)cancel, (void)r;
	return -1;
}

void asl_platform_process_free(asl_process_result *r)
{
	(void)r;
}

int asl_platform_open_below(const char *root, const char *rel, int create, FILE **out)
{
	(void)root, (void)rel, (void)create;
	*out = NULL;
	return -1;
}
