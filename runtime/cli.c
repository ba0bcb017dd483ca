/* The command line of every compiled state machine (and of `aslc run`). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--input JSON] [--name NAME] [--wait-scale FACTOR] < input.json\n"
		"\n"
		"Runs the compiled state machine once. The execution input is JSON read from\n"
		"standard input (or given with --input); empty input means {}.\n"
		"\n"
		"  --input JSON         execution input instead of standard input\n"
		"  --name NAME          execution name ($$.Execution.Name), default local-execution\n"
		"  --wait-scale FACTOR  multiply every Wait by FACTOR (0 = do not wait)\n"
		"  --stats              print the number of states entered on stderr\n"
		"  --help               this text\n"
		"\n"
		"Exit status and output:\n"
		"  0  SUCCEEDED: the output JSON on stdout\n"
		"  1  FAILED: {\"Error\": ..., \"Cause\": ...} on stdout\n"
		"  2  usage error or malformed input JSON: one line on stderr\n"
		"  3  TIMED_OUT (TimeoutSeconds): {\"Error\": \"States.Timeout\"} on stdout\n",
		prog);
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	*len = n;
	return buf;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

int asl_main(int argc, char **argv, const asl_machine *machine)
{
	const char *prog = argc > 0 ? argv[0] : "machine";
	const char *input_arg = NULL;
	int stats = 0;
	asl_options opts;
	asl_options_init(&opts);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, prog);
			return 0;
		}
		if (!strcmp(a, "--stats")) {
			stats = 1;
			continue;
		}
		if (i + 1 >= argc || strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "%s: unknown or incomplete option '%s' (see --help)\n", prog, a);
			return 2;
		}
		const char *val = argv[++i];
		if (!strcmp(a, "--input")) {
			input_arg = val;
		} else if (!strcmp(a, "--name")) {
			opts.execution_name = val;
		} else if (!strcmp(a, "--wait-scale")) {
			char *end;
			opts.wait_scale = strtod(val, &end);
			if (*end || opts.wait_scale < 0) {
				fprintf(stderr, "%s: --wait-scale needs a number >= 0\n", prog);
				return 2;
			}
		} else {
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, a);
			return 2;
		}
	}

	size_t len;
	char *text = input_arg ? strdup(input_arg) : read_all(stdin, &len);
	if (input_arg && text)
		len = strlen(text);
	if (!text) {
		fprintf(stderr, "%s: cannot read the input\n", prog);
		return 2;
	}
	if (len > 256 * 1024) {
		/* StartExecution refuses such inputs on AWS */
		fprintf(stderr, "%s: the input is %zu bytes, more than AWS's limit of 262144\n", prog,
			len);
		free(text);
		return 2;
	}
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error err;
	asl_value *input = blank(text, len) ? asl_object(&arena, 0)
					    : asl_parse(&arena, text, len, 0, &err);
	free(text);
	if (!input) {
		fprintf(stderr, "%s: invalid input JSON at line %d, column %d: %s\n", prog, err.line,
			err.column, err.message);
		asl_arena_destroy(&arena);
		return 2;
	}
	asl_result r;
	asl_execute(machine, input, &opts, &r);
	asl_arena_destroy(&arena);
	int status = 0;
	if (r.status == ASL_SUCCEEDED) {
		fwrite(r.output, 1, r.output_len, stdout);
	} else {
		fputs(asl_result_error_json(&r), stdout);
		status = r.status == ASL_TIMED_OUT ? 3 : 1;
	}
	fputc('\n', stdout);
	fflush(stdout);
	if (stats)
		fprintf(stderr, "states entered: %llu\n", (unsigned long long)r.transitions);
	asl_result_free(&r);
	return status;
}
