/* Embedding API: run a compiled state machine from C. */
#ifndef ASL_ASL_H
#define ASL_ASL_H

#include "asl/abi.h"
#include "asl/task.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum asl_status { ASL_SUCCEEDED, ASL_FAILED_STATUS, ASL_TIMED_OUT } asl_status;

typedef struct asl_options {
	const char *execution_name;         /* NULL: "local-execution" */
	double wait_scale;                  /* multiplies every wait; 0 skips waiting */
	int threads;                        /* for Parallel and Map; 0: the number of CPUs */
	const asl_allocator *allocator;     /* NULL: malloc/free */
	const asl_binding *bindings;        /* Task bindings that override the compiled ones */
	size_t binding_count;
	const asl_handler *handlers;        /* handlers for c:NAME bindings besides linked ones */
	size_t handler_count;
	const asl_value *mock_config;       /* a Step Functions Local MockConfigFile, parsed */
	const char *mock_case;              /* the test case of it to use */
	const char *s3_root;                /* Distributed Map: s3://B/K is S3_ROOT/B/K; NULL: "." */
	/* The clock, sleeping, randomness and threads (asl/platform_core.h); NULL: the platform
	 * the runtime was built with, asl_platform_default(). */
	const struct asl_platform *platform;
	/* A thread pool shared by many executions, made with the platform's pool_new and freed by
	 * the host; NULL: an execution makes its own on first use and frees it at the end. */
	struct asl_pool *pool;
} asl_options;

/* The outcome of one execution. The strings live in `arena`; asl_result_free releases them. */
typedef struct asl_result {
	asl_status status;
	const char *output; /* JSON text when SUCCEEDED */
	size_t output_len;
	const char *error;  /* FAILED / TIMED_OUT: may be NULL when the Fail state gave none */
	const char *cause;
	size_t error_len, cause_len; /* NUL-terminated, but a NUL may be part of them too */
	uint64_t transitions; /* states entered */
	asl_arena arena;
} asl_result;

void asl_options_init(asl_options *opts);
/* Runs `machine` on `input` (borrowed). Always fills `result`; returns 0. */
int asl_execute(const asl_machine *machine, const asl_value *input, const asl_options *opts,
		asl_result *result);
void asl_result_free(asl_result *result);
/* {"Error":...,"Cause":...} for a failed or timed-out result, in the result's arena. */
const char *asl_result_error_json(asl_result *result);

/* Bindings: checks a BINDING; parses "RESOURCE=BINDING" (strings in `arena` or `spec`);
 * adds the members of a --tasks file's object. 0, or -1 with a message in `err`. */
int asl_binding_check(const char *binding, char *err, size_t errlen);
int asl_binding_parse(asl_arena *arena, const char *spec, asl_binding *out, char *err,
		      size_t errlen);
int asl_bindings_from_json(const asl_value *v, asl_binding *out, size_t max, size_t *count,
			   char *err, size_t errlen);
/* Reads and parses a whole JSON file into `arena`; NULL with a message in `err`. */
asl_value *asl_read_json_file(asl_arena *arena, const char *path, char *err, size_t errlen);

/* Command-line front end shared by AOT executables and `aslc run`: parses the options
 * documented in --help, reads the input, runs the machine, prints the outcome and returns the
 * exit status (0 succeeded, 1 failed, 2 usage or input error, 3 timed out, 4 the output could
 * not be written). */
int asl_main(int argc, char **argv, const asl_machine *machine);

#ifdef __cplusplus
}
#endif
#endif
