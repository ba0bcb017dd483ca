/* Embedding API: run a compiled state machine from C. */
#ifndef ASL_ASL_H
#define ASL_ASL_H

#include "asl/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum asl_status { ASL_SUCCEEDED, ASL_FAILED_STATUS, ASL_TIMED_OUT } asl_status;

typedef struct asl_options {
	const char *execution_name;         /* NULL: "local-execution" */
	double wait_scale;                  /* multiplies every wait; 0 skips waiting */
	const asl_allocator *allocator;     /* NULL: malloc/free */
} asl_options;

/* The outcome of one execution. The strings live in `arena`; asl_result_free releases them. */
typedef struct asl_result {
	asl_status status;
	const char *output; /* JSON text when SUCCEEDED */
	size_t output_len;
	const char *error;  /* FAILED / TIMED_OUT: may be NULL when the Fail state gave none */
	const char *cause;
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

/* Command-line front end shared by AOT executables and `aslc run`: parses the options
 * documented in --help, reads the input, runs the machine, prints the outcome and returns the
 * exit status (0 succeeded, 1 failed, 2 usage or input error, 3 timed out). */
int asl_main(int argc, char **argv, const asl_machine *machine);

#ifdef __cplusplus
}
#endif
#endif
