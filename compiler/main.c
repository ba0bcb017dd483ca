/* aslc: compile an Amazon States Language definition to C, then to a native executable
 * (`aslc machine.asl.json -o machine`) or run it at once with the libtcc JIT (`aslc run`). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "aslc.h"

static void usage(FILE *out)
{
	fputs("usage:\n"
	      "  aslc [options] MACHINE.asl.json -o OUTPUT   compile to a native executable\n"
	      "  aslc run MACHINE.asl.json [run options]     compile in memory (libtcc) and run\n"
	      "  aslc --check MACHINE.asl.json               only validate the definition\n"
	      "  aslc --emit-c MACHINE.asl.json [-o FILE]    print the generated C\n"
	      "\n"
	      "options:\n"
	      "  -o FILE          output file\n"
	      "  --cc CC          C compiler for native builds (default: $CC, else cc)\n"
	      "  --cflags FLAGS   flags for it (default: $ASLC_CFLAGS, else -O2)\n"
	      "  --keep-c         keep the generated C file of a native build\n"
	      "  --task RESOURCE=BINDING   bind a Task resource (repeatable); RESOURCE is the exact\n"
	      "                   Resource or a Lambda function name; BINDING is c:SYMBOL (a C\n"
	      "                   handler, see include/asl/task.h), exec:COMMAND (run with /bin/sh,\n"
	      "                   input JSON on stdin, result JSON on stdout), http(s)://URL (POST)\n"
	      "                   or mock: (responses from --mock-config at run time)\n"
	      "  --tasks FILE     bindings from a JSON object {\"RESOURCE\": \"BINDING\"}\n"
	      "  --link FILE      C source, object or archive with c: handlers (repeatable)\n"
	      "  --help           this text\n"
	      "\n"
	      "run options (also accepted by compiled executables):\n"
	      "  --input JSON         execution input (default: standard input; empty means {})\n"
	      "  --name NAME          execution name, $$.Execution.Name (default local-execution)\n"
	      "  --wait-scale FACTOR  multiply Wait durations by FACTOR (0 = do not wait)\n"
	      "  --stats              print the number of states entered on stderr\n"
	      "  --threads N          threads for Parallel and Map (default: the CPU count)\n"
	      "  --s3-root DIR        Distributed Map: s3://BUCKET/KEY is DIR/BUCKET/KEY\n"
	      "  --task, --tasks      run-time bindings, overriding the compiled ones\n"
	      "  --mock-config FILE --mock-case NAME   mocked Task responses (Step Functions\n"
	      "                       Local's MockConfigFile.json format)\n"
	      "\n"
	      "exit status: 0 succeeded (output JSON on stdout); 1 execution failed\n"
	      "({\"Error\",\"Cause\"} on stdout); 2 usage error, invalid definition (file:line:col\n"
	      "diagnostics on stderr) or malformed input JSON; 3 execution timed out\n"
	      "(States.Timeout); 4 the output could not be written (a full disk, a closed pipe).\n",
	      out);
}

/* Closes (or flushes) a stream written to; on failure says so and returns EXIT_WRITE_FAILED. */
static int finish_output(FILE *out, const char *name)
{
	int failed = ferror(out); /* before fclose: a failed fwrite may have lost data already */
	if ((out == stdout ? fflush(out) : fclose(out)) != 0)
		failed = 1;
	if (!failed)
		return 0;
	fprintf(stderr, "aslc: cannot write %s: %s\n", name, strerror(errno));
	return EXIT_WRITE_FAILED;
}

/* --emit-c: the C text to `path`, or to stdout without -o. */
static int write_output(const char *path, const char *c, size_t len)
{
	FILE *out = path ? fopen(path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "aslc: cannot create %s: %s\n", path, strerror(errno));
		return EXIT_WRITE_FAILED;
	}
	fwrite(c, 1, len, out); /* a failure sticks in the stream's error flag */
	return finish_output(out, path ? path : "the output");
}

/* Options of aslc itself, accepted after the definition in `aslc run` too. */
static int is_compile_option(const char *a)
{
	static const char *const opts[] = {"--link", "--task", "--tasks", "--cc", "--cflags",
					   "--keep-c", NULL};
	for (int i = 0; opts[i]; i++)
		if (!strcmp(a, opts[i]))
			return 1;
	return 0;
}

static const char *machine_name(asl_arena *arena, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	const char *suffixes[] = {".asl.json", ".json"};
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(suffixes[i]);
		if (n > k && !strcmp(base + n - k, suffixes[i])) {
			n -= k;
			break;
		}
	}
	asl_value *v = asl_string(arena, base, n);
	return v && n ? v->u.string.ptr : "machine";
}

/* Front end and code generation; returns the C text or NULL after diagnostics. */
static char *compile(const char *path, asl_arena *arena, int with_main, size_t *len,
		     const asl_binding *bindings, int nbind)
{
	source src;
	if (source_load(&src, path, arena) < 0)
		return NULL;
	machine_info m;
	memset(&m, 0, sizeof m);
	m.name = machine_name(arena, path);
	m.bindings = bindings;
	m.binding_count = nbind;
	if (validate(&src, arena, &m) > 0) {
		fprintf(stderr, "%s: %d error%s\n", path, src.errors, src.errors == 1 ? "" : "s");
		free(src.text);
		return NULL;
	}
	char *c = NULL;
	FILE *out = open_memstream(&c, len);
	emit_options eo = {with_main, NULL};
	emit_machine(&src, &m, arena, out, &eo);
	fclose(out);
	free(src.text);
	return c;
}

int main(int argc, char **argv)
{
	const char *input = NULL, *output = NULL;
	int check = 0, emit_c = 0, run = 0;
	char *margv[64];
	int margc = 1;
	margv[0] = "aslc run";
	build_options opt;
	memset(&opt, 0, sizeof opt);
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_binding bindings[256];
	const char *links[64];
	size_t nbind = 0;
	char err[512];
	int i = 1;
	if (argc > 1 && !strcmp(argv[1], "run")) {
		run = 1;
		i = 2;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return finish_output(stdout, "the output");
		} else if (run && input && !is_compile_option(a)) {
			margv[margc++] = argv[i]; /* the machine's own options */
			if (i + 1 < argc && strcmp(a, "--stats") && a[0] == '-')
				margv[margc++] = argv[++i];
			if (margc > 60) {
				fprintf(stderr, "aslc: too many options\n");
				return 2;
			}
		} else if (!strcmp(a, "--check")) {
			check = 1;
		} else if (!strcmp(a, "--emit-c")) {
			emit_c = 1;
		} else if (!strcmp(a, "--keep-c")) {
			opt.keep_c = 1;
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			output = argv[++i];
		} else if (!strcmp(a, "--cc") && i + 1 < argc) {
			opt.cc = argv[++i];
		} else if (!strcmp(a, "--cflags") && i + 1 < argc) {
			opt.cflags = argv[++i];
		} else if (!strcmp(a, "--link") && i + 1 < argc) {
			if (opt.link_count == 64) {
				fprintf(stderr, "aslc: too many --link files\n");
				return 2;
			}
			links[opt.link_count++] = argv[++i];
			opt.links = links;
		} else if (!strcmp(a, "--task") && i + 1 < argc) {
			if (nbind == 256 ||
			    asl_binding_parse(&arena, argv[++i], &bindings[nbind], err, sizeof err) < 0) {
				fprintf(stderr, "aslc: --task %s\n", nbind == 256 ? "given too often" : err);
				return 2;
			}
			nbind++;
		} else if (!strcmp(a, "--tasks") && i + 1 < argc) {
			asl_value *v = asl_read_json_file(&arena, argv[++i], err, sizeof err);
			if (!v || asl_bindings_from_json(v, bindings, 256, &nbind, err, sizeof err) < 0) {
				fprintf(stderr, "aslc: --tasks: %s\n", err);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "aslc: unknown or incomplete option '%s' (see aslc --help)\n", a);
			return 2;
		} else if (!input) {
			input = a;
		} else {
			fprintf(stderr, "aslc: more than one definition given ('%s')\n", a);
			return 2;
		}
	}
	if (!input) {
		fprintf(stderr, "aslc: no definition given (see aslc --help)\n");
		return 2;
	}
	if (!run && !check && !emit_c && !output) {
		fprintf(stderr, "aslc: say where the executable goes with -o (see aslc --help)\n");
		return 2;
	}
	size_t len = 0;
	char *c = compile(input, &arena, !run, &len, bindings, (int)nbind);
	int rc = 0;
	if (!c) {
		rc = 2;
	} else if (check) {
		rc = 0;
	} else if (emit_c) {
		rc = write_output(output, c, len);
	} else if (run) {
		margv[margc] = NULL;
		rc = run_jit(c, len, &opt, margc, margv, "aslc");
	} else {
		opt.output = output;
		rc = build_native(c, len, &opt, "aslc");
	}
	free(c);
	asl_arena_destroy(&arena);
	return rc;
}
