/* The runtime library's services table: what the core reaches through services.h. */
#include <string.h>

#include "bindings.h"
#include "item_reader.h"

static const asl__task_runner runners[] = {
	{"exec:", asl__run_exec},
	{"http://", asl__run_http},
	{"https://", asl__run_http},
};

static const asl__integration integrations[] = {
	{"arn:aws:states:::lambda:invoke", 1, asl__lambda_invoke},
	{"arn:aws:states:::lambda:invoke.waitForTaskToken", 0, asl__lambda_invoke_callback},
	{"arn:aws:states:::http:invoke", 0, asl__http_invoke},
	{"arn:aws:states:::states:startExecution", 0, asl__start_execution},
	{"arn:aws:states:::states:startExecution.sync", 0, asl__start_execution_sync},
	{"arn:aws:states:::states:startExecution.sync:2", 0, asl__start_execution_sync2},
};

/* The reader's state lives in the execution's allocator: a Map may open many in a run. */
static int reader_open(asl_exec *ex, const asl_item_reader *spec, const asl_value *params,
		       item_reader **out)
{
	const asl_allocator *al = asl__allocator(ex);
	item_reader *r = al->alloc(al->user, sizeof *r);
	*out = NULL;
	if (!r)
		return asl_fail_oom(ex), -1;
	if (asl__reader_open(ex, spec, params, r) < 0) {
		asl__reader_close(r);
		al->release(al->user, r);
		return -1;
	}
	*out = r;
	return 0;
}

static void reader_close(asl_exec *ex, item_reader *r)
{
	const asl_allocator *al = asl__allocator(ex);
	asl__reader_close(r);
	al->release(al->user, r);
}

static const asl__services services = {
	.runners = runners,
	.runner_count = sizeof runners / sizeof runners[0],
	.integrations = integrations,
	.integration_count = sizeof integrations / sizeof integrations[0],
	.mock_invoke = asl__mock_invoke,
	.reader_open = reader_open,
	.reader_next = asl__reader_next,
	.reader_close = reader_close,
	.writer_open = asl__writer_open,
	.writer_add = asl__writer_add,
	.writer_finish = asl__writer_finish,
	.writer_free = asl__writer_free,
};

const asl__services *asl__services_default(void)
{
	return &services;
}
