/* aslc: compile an Amazon States Language definition to C, then to a native executable
 * (`aslc machine.asl.json -o machine`) or run it at once with the libtcc JIT (`aslc run`).
 * A command line over the compiler library (include/aslc/aslc.h): it reads the files, parses
 * the options and prints the diagnostics. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "aslc/aslc.h"
#include "graph_cli.h"
#include "nested_machines.h"
#include "serve/serve.h"

/* the runtime's (runtime/bindings/std_fds.c): before `aslc run` opens the definition and
 * libtcc its headers, so that none takes the number of a closed standard input */
void asl__hold_std_fds(void);

#define EXIT_WRITE_FAILED 5 /* an output could not be written (as asl_main's) */
#define MAX_DEFINITION 1048576u /* AWS's limit on a definition */

static void usage(FILE *out)
{
	fputs("usage:\n"
	      "  aslc [options] MACHINE.asl.json -o OUTPUT   compile to a native executable\n"
	      "  aslc run MACHINE.asl.json [run options]     compile in memory (libtcc) and run\n"
	      "  aslc serve [--port N --db FILE ...]         the Step Functions API (aslc serve --help)\n"
	      "  aslc graph MACHINE.asl.json [-o FILE.svg]   draw it (aslc graph --help)\n"
	      "  aslc --check MACHINE.asl.json               only validate the definition\n"
	      "  aslc --emit-c MACHINE.asl.json [-o FILE]    print the generated C\n"
	      "  aslc --emit-c --symbol NAME MACHINE.asl.json -o NAME.c [--header NAME.h]\n"
	      "                   C defining the machine as `const asl_machine NAME` (no main),\n"
	      "                   to link several machines into one program of one's own\n"
	      "\n"
	      "options:\n"
	      "  -o FILE          output file\n"
	      "  --name NAME      the state machine's name, $$.StateMachine.Name (default: the\n"
	      "                   file name without .asl.json, or the folder's name for a file\n"
	      "                   called definition.asl.json); in aslc run it goes before the\n"
	      "                   definition: after it, --name names the execution\n"
	      "  --symbol NAME    with --emit-c: the C name of the machine descriptor; no main()\n"
	      "  --header FILE    with --emit-c: also write a header declaring it\n"
	      "  --cc CC          C compiler for native builds (default: $CC, else cc)\n"
	      "  --cflags FLAGS   flags for it (default: $ASLC_CFLAGS, else -O2)\n"
	      "  --ldflags FLAGS  link flags, last on the line (default: $ASLC_LDFLAGS)\n"
	      "  --runtime DIR    build for another target: the runtime cross-built for it and\n"
	      "                   installed in DIR (README, Small devices); with --cc for it\n"
	      "  --keep-c         keep the generated C file of a native build\n"
	      "  --task RESOURCE=BINDING   bind a Task resource (repeatable); RESOURCE is the exact\n"
	      "                   Resource or a Lambda function name; BINDING is c:SYMBOL (a C\n"
	      "                   handler, see include/asl/task.h), exec:COMMAND (run with /bin/sh,\n"
	      "                   input JSON on stdin, result JSON on stdout), http(s)://URL (POST)\n"
	      "                   or mock: (responses from --mock-config at run time)\n"
	      "  --tasks FILE     bindings from a JSON object {\"RESOURCE\": \"BINDING\"}\n"
	      "  --link FILE      C source, object or archive with c: handlers (repeatable)\n"
	      "  --machine NAME=FILE   also compile the definition FILE in, as the state machine\n"
	      "                   NAME that arn:aws:states:::states:startExecution Tasks start\n"
	      "                   (StateMachineArn ...:stateMachine:NAME; repeatable; also for\n"
	      "                   aslc run)\n"
	      "  --help           this text\n"
	      "\n"
	      "run options (also accepted by compiled executables):\n"
	      "  --input JSON         execution input (default: standard input; empty means {})\n"
	      "  --name NAME          execution name, $$.Execution.Name (default local-execution)\n"
	      "  --wait-scale FACTOR  multiply Wait durations by FACTOR (0 = do not wait)\n"
	      "  --stats              print the number of states entered on stderr\n"
	      "  --history FILE       write the execution history to FILE ({\"events\": [...]},\n"
	      "                       as Step Functions' GetExecutionHistory)\n"
	      "  --suspend-after N --snapshot FILE   pause once N states were entered, save the\n"
	      "                       execution in FILE and exit 4\n"
	      "  --resume FILE        go on with a saved execution (no input is read)\n"
	      "  --batch [-j N] [--shard I/N]   one execution per line of standard input\n"
	      "                       (NDJSON), results in input order (README.md, \"Batch\")\n"
	      "  --threads N          threads for Parallel and Map (default: the CPU count)\n"
	      "  --s3-root DIR        Distributed Map: s3://BUCKET/KEY is DIR/BUCKET/KEY\n"
	      "  --task, --tasks      run-time bindings, overriding the compiled ones\n"
	      "  --mock-config FILE --mock-case NAME   mocked Task responses (Step Functions\n"
	      "                       Local's MockConfigFile.json format)\n"
	      "\n"
	      "exit status: 0 succeeded (output JSON on stdout); 1 execution failed\n"
	      "({\"Error\",\"Cause\"} on stdout); 2 usage error, invalid definition (file:line:col\n"
	      "diagnostics on stderr) or malformed input JSON; 3 execution timed out\n"
	      "(States.Timeout); 4 suspended (--suspend-after); 5 the output could not be written\n"
	      "(a full disk, a closed pipe, the --history file); 6 aborted by SIGINT or SIGTERM.\n",
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
	static const char *const opts[] = {"--link",    "--task",    "--tasks",   "--cc",
					   "--cflags",  "--ldflags", "--runtime", "--keep-c",
					   "--machine", NULL};
	for (int i = 0; opts[i]; i++)
		if (!strcmp(a, opts[i]))
			return 1;
	return 0;
}

/* --header: the declaration of the descriptor, for the program that links it. */
static int write_header(const char *path, const char *symbol, const char *definition)
{
	FILE *out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "aslc: cannot create %s: %s\n", path, strerror(errno));
		return EXIT_WRITE_FAILED;
	}
	char guard[160];
	size_t n = 0;
	for (const char *p = symbol; *p && n < sizeof guard - 3; p++)
		guard[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	memcpy(guard + n, "_H", 3);
	fputs("/* Generated by aslc. Do not edit. The state machine compiled from ", out);
	for (const char *p = definition; *p; p++) /* the file name, kept from closing the comment */
		fputc(*p == '*' && p[1] == '/' ? '_' : (unsigned char)*p < ' ' ? '?' : *p, out);
	fprintf(out,
		". */\n#ifndef %s\n#define %s\n\n#include <asl/asl.h>\n\n"
		"extern const asl_machine %s;\n\n#endif\n",
		guard, guard, symbol);
	return finish_output(out, path);
}

char *read_definition(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	/* never more than the limit and one byte: `aslc < /dev/zero` must not fill the memory */
	int too_big;
	errno = 0;
	char *buf = asl_read_stream(f, MAX_DEFINITION, len, &too_big);
	int read_error = !buf && !too_big && ferror(f);
	if (f != stdin)
		fclose(f);
	if (buf)
		return buf;
	if (too_big)
		fprintf(stderr, "%s: error: definition is larger than AWS's limit of %u bytes\n",
			path, MAX_DEFINITION);
	else if (read_error)
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
	else
		fprintf(stderr, "%s: error: out of memory\n", path);
	return NULL;
}

/* Exit status for a failed library call: 5 when an output could not be written, else 2. */
static int failure_status(const aslc_diagnostics *d)
{
	for (size_t i = 0; i < d->count; i++)
		if (d->items[i].code == ASLC_WRITE_FAILED)
			return EXIT_WRITE_FAILED;
	return 2;
}

/* `aslc run`: the machine loaded in memory, run by the same front end as an executable. */
static int run_loaded(const aslc_source *src, const aslc_options *opts, nested_machines *nested,
		      int argc, char **argv, aslc_diagnostics *d)
{
	aslc_module *mod = aslc_load(src, opts, d);
	if (!mod)
		return -1;
	if (nested_load(nested, opts) < 0) {
		aslc_unload(mod);
		return 2;
	}
	int rc = asl_main_machines(argc, argv, aslc_module_machine(mod), nested->machines,
				   nested->count);
	aslc_unload(mod);
	return rc;
}

int main(int argc, char **argv)
{
	const char *input = NULL, *output = NULL, *header = NULL;
	int check = 0, emit_c = 0, run = 0;
	char *margv[64];
	int margc = 1;
	margv[0] = "aslc run";
	aslc_options opt;
	aslc_options_init(&opt);
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_binding bindings[256];
	const char *links[64 + MAX_NESTED + 1];
	nested_machines nested = {0};
	size_t nbind = 0;
	char err[512];
	int i = 1;
	asl__hold_std_fds();
	if (argc > 1 && !strcmp(argv[1], "graph"))
		return aslc_graph_main(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return aslc_serve_main(argc - 2, argv + 2);
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
			if (i + 1 < argc && strcmp(a, "--stats") && strcmp(a, "--batch") &&
			    a[0] == '-')
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
		} else if (!strcmp(a, "--name") && i + 1 < argc) {
			opt.name = argv[++i];
		} else if (!strcmp(a, "--symbol") && i + 1 < argc) {
			opt.symbol = argv[++i];
		} else if (!strcmp(a, "--header") && i + 1 < argc) {
			header = argv[++i];
		} else if (!strcmp(a, "--cc") && i + 1 < argc) {
			opt.cc = argv[++i];
		} else if (!strcmp(a, "--cflags") && i + 1 < argc) {
			opt.cflags = argv[++i];
		} else if (!strcmp(a, "--ldflags") && i + 1 < argc) {
			opt.ldflags = argv[++i];
		} else if (!strcmp(a, "--runtime") && i + 1 < argc) {
			opt.runtime_dir = argv[++i];
		} else if (!strcmp(a, "--link") && i + 1 < argc) {
			if (opt.link_count == 64) {
				fprintf(stderr, "aslc: too many --link files\n");
				return 2;
			}
			links[opt.link_count++] = argv[++i];
			opt.links = links;
		} else if (!strcmp(a, "--machine") && i + 1 < argc) {
			if (nested_add(&nested, argv[++i]) < 0)
				return 2;
		} else if (!strcmp(a, "--task") && i + 1 < argc) {
			if (nbind == 256 || asl_binding_parse(&arena, argv[++i], &bindings[nbind],
							      err, sizeof err) < 0) {
				fprintf(stderr, "aslc: --task %s\n",
					nbind == 256 ? "given too often" : err);
				return 2;
			}
			nbind++;
		} else if (!strcmp(a, "--tasks") && i + 1 < argc) {
			asl_value *v = asl_read_json_file(&arena, argv[++i], err, sizeof err);
			if (!v ||
			    asl_bindings_from_json(v, bindings, 256, &nbind, err, sizeof err) < 0) {
				fprintf(stderr, "aslc: --tasks: %s\n", err);
				return 2;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr,
				"aslc: unknown or incomplete option '%s' (see aslc --help)\n", a);
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
	if ((opt.symbol || header) && !emit_c) {
		fprintf(stderr, "aslc: --%s goes with --emit-c (see aslc --help)\n",
			opt.symbol ? "symbol" : "header");
		return 2;
	}
	if (opt.symbol && aslc_symbol_check(opt.symbol, err, sizeof err) < 0) {
		fprintf(stderr, "aslc: --symbol: %s\n", err);
		return 2;
	}
	if (nested.count && (check || emit_c)) {
		fprintf(stderr,
			"aslc: --machine goes with a build or aslc run (see aslc --help)\n");
		nested_free(&nested);
		return 2;
	}
	opt.bindings = bindings;
	opt.binding_count = nbind;
	opt.with_main = !opt.symbol; /* a named descriptor goes into a program of one's own */
	size_t len = 0;
	char *text = read_definition(input, &len);
	if (!text) {
		asl_arena_destroy(&arena);
		return 2;
	}
	aslc_source src = {text, len, input};
	aslc_diagnostics diags;
	aslc_diagnostics_init(&diags);
	int rc = 0;
	if (check) {
		rc = aslc_check(&src, &opt, &diags) ? -1 : 0;
	} else if (emit_c) {
		size_t c_len = 0;
		char *c = aslc_compile_c(&src, &opt, &c_len, &diags);
		rc = c ? write_output(output, c, c_len) : -1;
		if (c && !rc && header)
			rc = write_header(header, opt.symbol ? opt.symbol : "asl_generated_machine",
					  input);
		free(c);
	} else if (run) {
		margv[margc] = NULL;
		rc = run_loaded(&src, &opt, &nested, margc, margv, &diags);
	} else if (nested_prepare_build(&nested, &opt, links, sizeof links / sizeof links[0]) < 0) {
		rc = 2;
	} else {
		rc = aslc_build(&src, &opt, output, &diags);
	}
	nested_free(&nested);
	aslc_print_diagnostics(stderr, &diags, text, len, "aslc");
	if (rc < 0)
		rc = failure_status(&diags);
	aslc_diagnostics_free(&diags);
	free(text);
	asl_arena_destroy(&arena);
	return rc;
}
