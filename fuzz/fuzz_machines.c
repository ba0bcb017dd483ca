/* libFuzzer target: small machines compiled into this binary by aslc (fuzz/machines/), run
 * through asl_execute on fuzzed input. The first byte picks the machine, the rest is the input
 * JSON. Every execution must end as SUCCEEDED with valid JSON output, or FAILED / TIMED_OUT
 * with an ASL error; a crash, a sanitizer report or a hang is a defect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

/* fuzz_machine_list.h, written by CMake: FUZZ_MACHINE(name) for each machine */
#define FUZZ_MACHINE(name) extern const asl_machine fuzz_machine_##name;
#include "fuzz_machine_list.h"
#undef FUZZ_MACHINE
#define FUZZ_MACHINE(name) &fuzz_machine_##name,
static const asl_machine *const machines[] = {
#include "fuzz_machine_list.h"
};
#undef FUZZ_MACHINE

/* The Task handler: a string `req` is the error to fail with, an object's "result" member the
 * result, anything else is echoed back. */
static int echo(asl_task_call *call)
{
	const asl_value *req = asl_object_get(call->input, "req", 3);
	if (asl_is_string(req)) {
		const asl_value *name =
			asl_string(call->arena, asl_string_ptr(req), asl_string_len(req));
		call->error = name ? asl_string_ptr(name) : "OutOfMemory";
		call->cause = "the input asked for it";
		return ASL_TASK_ERROR;
	}
	const asl_value *res = asl_object_get(req, "result", 6);
	call->result = asl_copy(call->arena, res ? res : call->input);
	if (!call->result) {
		call->error = "OutOfMemory";
		return ASL_TASK_ERROR;
	}
	return ASL_TASK_OK;
}

static void fail(const char *what, size_t machine)
{
	fprintf(stderr, "fuzz_machines: machine %s: %s\n", asl_machine_name(machines[machine]),
		what);
	abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t which = data[0] % (sizeof machines / sizeof machines[0]);
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&arena, (const char *)data + 1, size - 1, 0, &err);
	if (!input) { /* asl_main stops here with exit status 2 */
		asl_arena_destroy(&arena);
		return 0;
	}
	static const asl_binding bindings[] = {{"echo", "c:fuzz_echo"}};
	static const asl_handler handlers[] = {{"fuzz_echo", echo, NULL}};
	asl_options opts;
	asl_options_init(&opts);
	opts.wait_scale = 0; /* the logical clock still runs, so timeouts fire */
	opts.threads = 2;
	opts.bindings = bindings;
	opts.binding_count = 1;
	opts.handlers = handlers;
	opts.handler_count = 1;
	asl_result r;
	asl_status status = asl_execute(machines[which], input, &opts, &r);
	if (status != r.status)
		fail("asl_execute returned another status than the result's", which);
	if (r.status == ASL_SUCCEEDED) {
		const asl_value *out =
			r.output ? asl_parse(&arena, r.output, r.output_len, 0, &err) : NULL;
		if (!out || !r.output_value || !asl_equal(out, r.output_value))
			fail("the output of a succeeded execution is not its value as JSON", which);
	} else if (r.status == ASL_FAILED_STATUS || r.status == ASL_TIMED_OUT) {
		if (!asl_result_error_json(&r))
			fail("a failed execution has no error JSON", which);
	} else {
		fail("unknown status", which);
	}
	asl_result_free(&r);
	asl_arena_destroy(&arena);
	return 0;
}
