/* A program on the runtime core alone, through the public API only: a machine compiled by aslc,
 * linked with libaslrt_core and the OS-less platform (libaslrt_platform_none: no clock, no
 * threads, no heap, no bindings but C handlers). If the core called anything of the bindings or
 * the POSIX platform, this would not link. Memory comes from a fixed buffer, as on a device;
 * without it the execution fails cleanly. */
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

/* A bump allocator over a static buffer: release does nothing, the buffer is reused per run. */
typedef struct fixed_buffer {
	unsigned char *base;
	size_t size, used;
} fixed_buffer;

static void *fixed_alloc(void *user, size_t size)
{
	fixed_buffer *b = user;
	size_t at = (b->used + 15) & ~(size_t)15;
	if (at > b->size || size > b->size - at)
		return NULL;
	b->used = at + size;
	return b->base + at;
}

static void fixed_release(void *user, void *block)
{
	(void)user, (void)block;
}

/* Sum: the C handler of the Task (a c: binding, the one kind the core calls itself). */
static int sum(asl_task_call *call)
{
	const asl_value *d = asl_object_get(call->input, "doubled", 7);
	double total = 0;
	for (size_t i = 0; d && i < d->u.array.len; i++)
		total += asl_object_get(d->u.array.items[i], "v", 1)->u.number;
	call->result = asl_integer(call->arena, (int64_t)total);
	return ASL_TASK_OK;
}

static int failures;

static void expect(int ok, const char *what, const char *got)
{
	if (!ok) {
		printf("FAIL: %s (got %s)\n", what, got ? got : "NULL");
		failures++;
	}
}

/* Runs the machine with `al` as the execution's allocator and the Task bound to `binding`; the
 * input is parsed in `input_al`. */
static asl_result run(const asl_allocator *input_al, const asl_allocator *al, const char *binding,
		      const char *input_json)
{
	const asl_binding bindings[] = {{"sum", binding}};
	static const asl_handler handlers[] = {{"sum", sum, NULL}};
	asl_arena a;
	asl_arena_init(&a, input_al);
	asl_parse_error err;
	asl_value *input = asl_parse(&a, input_json, strlen(input_json), 0, &err);
	asl_options opts;
	asl_options_init(&opts);
	opts.allocator = al;
	opts.bindings = bindings;
	opts.binding_count = 1;
	opts.handlers = handlers;
	opts.handler_count = 1;
	asl_result r;
	asl_execute(&asl_generated_machine, input, &opts, &r);
	asl_arena_destroy(&a);
	return r;
}

int main(void)
{
	static unsigned char memory[1 << 20];
	fixed_buffer buf = {memory, sizeof memory, 0};
	const asl_allocator fixed = {fixed_alloc, fixed_release, &buf};

	asl_result r = run(&fixed, &fixed, "c:sum", "{\"items\":[1,2,3],\"name\":\"core\"}");
	expect(r.status == ASL_SUCCEEDED, "the machine succeeds", r.error);
	expect(r.output && !strcmp(r.output, "{\"items\":[1,2,3],\"greeting\":\"hello core\","
					     "\"start\":\"1970-01-01T00:00:00.000Z\",\"doubled\":"
					     "[{\"v\":2},{\"v\":4},{\"v\":6}],\"sum\":12}"),
	       "its output (no clock: the epoch)", r.output);
	asl_result_free(&r);

	/* platform/none has no heap: without the host's allocator nothing runs, cleanly */
	r = run(&fixed, NULL, "c:sum", "{}");
	expect(r.status == ASL_FAILED_STATUS && r.error && !strcmp(r.error, "States.Runtime") &&
		       r.cause && !strcmp(r.cause, "The execution ran out of memory."),
	       "no allocator: States.Runtime out of memory", r.cause);
	asl_result_free(&r);

	/* no bindings layer: a command is not something this runtime can run */
	buf.used = 0;
	r = run(&fixed, &fixed, "exec:cat", "{\"items\":[1],\"name\":\"x\"}");
	expect(r.status == ASL_FAILED_STATUS && r.error && !strcmp(r.error, "States.TaskFailed") &&
		       r.cause && !strcmp(r.cause, "Unknown binding 'exec:cat' for 'sum'."),
	       "exec: without bindings: an unknown binding", r.cause);
	asl_result_free(&r);

	if (!failures)
		printf("core only: ok\n");
	return failures ? 1 : 0;
}
