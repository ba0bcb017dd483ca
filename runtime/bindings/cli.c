/* The command line of every compiled state machine (and of `aslc run`). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/platform.h"
#include "batch.h"
#include "bindings.h"
#include "json_scan.h"

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--input JSON] [--name NAME] [--wait-scale FACTOR] < input.json\n"
		"       %s --batch [-j N] [--shard I/N] < inputs.ndjson > results.ndjson\n"
		"\n"
		"Runs the compiled state machine once. The execution input is JSON read from\n"
		"standard input (or given with --input); empty input means {}.\n"
		"\n"
		"  --batch              one execution per line of standard input (blank lines are\n"
		"                       skipped but counted), results in input order, one line each:\n"
		"                       {\"line\":K,\"status\":\"SUCCEEDED\",\"output\":...}, FAILED\n"
		"                       or TIMED_OUT with \"error\" and \"cause\" (when there are),\n"
		"                       REJECTED with \"cause\" (invalid JSON, over 256 KiB);\n"
		"                       execution names are NAME-K; a summary on stderr; exit 0\n"
		"                       when every line succeeded, else 1 (or 2, 5, 6 as below)\n"
		"  -j, --jobs N         --batch: executions at once (default: the CPU count)\n"
		"  --shard I/N          --batch: only lines K with (K - 1) mod N = I, 0 <= I < N\n"
		"  --input JSON         execution input instead of standard input\n"
		"  --name NAME          execution name ($$.Execution.Name), default local-execution\n"
		"  --wait-scale FACTOR  multiply every Wait by FACTOR (0 = do not wait)\n"
		"  --stats              print the number of states entered on stderr\n"
		"  --history FILE       write the execution history to FILE as {\"events\": [...]},\n"
		"                       shaped like Step Functions' GetExecutionHistory\n"
		"  --threads N          threads for Parallel and Map (default: the CPU count)\n"
		"  --task RESOURCE=BINDING  bind a Task resource (overrides the compiled binding):\n"
		"                       c:SYMBOL, exec:COMMAND, http(s)://URL or mock:\n"
		"  --tasks FILE         bindings from a JSON object {\"RESOURCE\": \"BINDING\"}\n"
		"  --mock-config FILE   Step Functions Local mock file (MockConfigFile.json)\n"
		"  --s3-root DIR        Distributed Map: s3://BUCKET/KEY is DIR/BUCKET/KEY (default .)\n"
		"  --mock-case NAME     the test case of it to use\n"
		"  --suspend-after N    pause once N states were entered (by all branches and\n"
		"                       iterations together) and save the execution (--snapshot)\n"
		"  --snapshot FILE      where --suspend-after saves it (written whole, or not at all)\n"
		"  --resume FILE        go on with a saved execution instead of starting one (no\n"
		"                       input is read; --suspend-after counts from here)\n"
		"  --help               this text\n"
		"\n"
		"Exit status and output:\n"
		"  0  SUCCEEDED: the output JSON on stdout\n"
		"  1  FAILED: {\"Error\": ..., \"Cause\": ...} on stdout\n"
		"  2  usage error, malformed input JSON, or the --history file cannot be\n"
		"     created: one line on stderr\n"
		"  3  TIMED_OUT (TimeoutSeconds): {\"Error\": \"States.Timeout\"} on stdout\n"
		"  4  SUSPENDED (--suspend-after): saved in the --snapshot FILE, nothing on stdout,\n"
		"     one line on stderr\n"
		"  5  the output or the --history file could not be written (a full disk, a\n"
		"     closed pipe): one line on stderr\n"
		"  6  ABORTED by SIGINT or SIGTERM (the execution stops, its commands are killed):\n"
		"     {} on stdout and one line on stderr; a second signal kills at once\n"
		"     (--batch: the results written so far stay, whole lines in input order)\n",
		prog, prog);
}

#define MAX_CONFIG_FILE (64u << 20) /* --tasks and --mock-config files */
#define MAX_SNAPSHOT_FILE (1u << 30)
/* Exit statuses besides 0 succeeded, 1 failed, 2 usage or input error, 3 timed out */
#define EXIT_SUSPENDED 4
#define EXIT_WRITE_FAILED 5
#define EXIT_ABORTED 6

/* --snapshot, --resume and --history: NULL when not given. */
typedef struct suspension {
	const char *snapshot, *resume, *history;
} suspension;

static int run(const char *prog, const char *input_arg, const asl_options *opts,
	       const asl_machine *machine, int stats, const suspension *sp);

/* Flushes stdout; on failure (a full disk, a closed pipe) says so on stderr. */
static int flush_failed(const char *prog)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	fprintf(stderr, "%s: cannot write the output: %s\n", prog, strerror(errno));
	return 1;
}

asl_value *asl_read_json_file(asl_arena *arena, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s", path);
		return NULL;
	}
	size_t len;
	int too_big;
	const asl_allocator *al = arena->allocator;
	char *text = asl__read_stream(f, al, MAX_CONFIG_FILE, &len, &too_big);
	fclose(f);
	if (!text) {
		if (too_big)
			snprintf(err, errlen, "%s is larger than the limit of %u bytes", path,
				 MAX_CONFIG_FILE);
		else
			snprintf(err, errlen, "cannot read %s", path);
		return NULL;
	}
	asl_parse_error perr;
	asl_value *v = asl_parse(arena, text, len, 0, &perr);
	al->release(al->user, text);
	if (!v)
		snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, perr.line, perr.column,
			 perr.message);
	return v;
}

#define MAX_BINDINGS 256

/* --shard I/N: 0, or -1 unless 0 <= I < N. */
static int parse_shard(const char *s, asl_batch_options *bo)
{
	char *end;
	errno = 0;
	unsigned long long i = strtoull(s, &end, 10);
	if (end == s || *end != '/' || *s == '-' || errno)
		return -1;
	const char *t = end + 1;
	unsigned long long n = strtoull(t, &end, 10);
	if (end == t || *end || *t == '-' || errno || n < 1 || i >= n)
		return -1;
	bo->shard = i;
	bo->shards = n;
	return 0;
}

/* The options --batch has no use for (one execution per line, nothing to resume or save):
 * the first one given, or NULL. */
static const char *batch_conflict(const char *input_arg, const suspension *sp,
				  const asl_options *opts)
{
	if (input_arg)
		return "--input";
	if (sp->resume)
		return "--resume";
	if (opts->suspend_after)
		return "--suspend-after";
	if (sp->snapshot)
		return "--snapshot";
	if (sp->history)
		return "--history";
	return NULL;
}

int asl_main(int argc, char **argv, const asl_machine *machine)
{
	return asl_main_machines(argc, argv, machine, NULL, 0);
}

int asl_main_machines(int argc, char **argv, const asl_machine *machine,
		      const asl_named_machine *machines, size_t machine_count)
{
	const char *prog = argc > 0 ? argv[0] : "machine";
	asl__hold_std_fds();
	if (machine->abi_version != ASL_ABI_VERSION) { /* none of its tables can be trusted */
		fprintf(stderr,
			"%s: the machine was compiled for ABI %d but the runtime is ABI %d; "
			"compile it again with this aslc\n",
			prog, machine->abi_version, ASL_ABI_VERSION);
		return 2;
	}
	const char *input_arg = NULL, *mock_path = NULL;
	int stats = 0, batch = 0, batch_only = 0; /* batch_only: -j or --shard given */
	asl_batch_options bo = {0, 0, 1, 0};
	suspension sp = {NULL, NULL, NULL};
	asl_options opts;
	asl_options_init(&opts);
	asl_arena config; /* bindings and the mock file live as long as the run */
	asl_arena_init(&config, NULL);
	asl_binding bindings[MAX_BINDINGS];
	size_t nbind = 0;
	char err[512];
	int rc = 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, prog);
			rc = flush_failed(prog) ? EXIT_WRITE_FAILED : 0;
			goto out;
		}
		if (!strcmp(a, "--stats")) {
			stats = 1;
			continue;
		}
		if (!strcmp(a, "--batch")) {
			batch = 1;
			continue;
		}
		int jobs = !strcmp(a, "-j") || !strcmp(a, "--jobs");
		if (i + 1 >= argc || (strncmp(a, "--", 2) != 0 && !jobs)) {
			fprintf(stderr, "%s: unknown or incomplete option '%s' (see --help)\n",
				prog, a);
			goto out;
		}
		const char *val = argv[++i];
		if (jobs) {
			char *end;
			long j = strtol(val, &end, 10);
			if (*end || end == val || j < 1 || j > 1024) {
				fprintf(stderr, "%s: %s needs a number from 1 to 1024\n", prog, a);
				goto out;
			}
			bo.jobs = (int)j;
			batch_only = 1;
		} else if (!strcmp(a, "--shard")) {
			if (parse_shard(val, &bo) < 0) {
				fprintf(stderr,
					"%s: --shard needs I/N with whole numbers 0 <= I < N\n",
					prog);
				goto out;
			}
			batch_only = 1;
		} else if (!strcmp(a, "--input")) {
			input_arg = val;
		} else if (!strcmp(a, "--history")) {
			sp.history = val;
		} else if (!strcmp(a, "--name")) {
			opts.execution_name = val;
		} else if (!strcmp(a, "--wait-scale")) {
			char *end;
			opts.wait_scale = strtod(val, &end);
			if (*end || opts.wait_scale < 0) {
				fprintf(stderr, "%s: --wait-scale needs a number >= 0\n", prog);
				goto out;
			}
		} else if (!strcmp(a, "--threads")) {
			char *end;
			long t = strtol(val, &end, 10);
			if (*end || t < 1 || t > 1024) {
				fprintf(stderr, "%s: --threads needs a number from 1 to 1024\n",
					prog);
				goto out;
			}
			opts.threads = (int)t;
		} else if (!strcmp(a, "--task")) {
			if (nbind >= MAX_BINDINGS ||
			    asl_binding_parse(&config, val, &bindings[nbind], err, sizeof err) <
				    0) {
				fprintf(stderr, "%s: --task %s\n", prog,
					nbind >= MAX_BINDINGS ? "given too often" : err);
				goto out;
			}
			nbind++;
		} else if (!strcmp(a, "--tasks")) {
			asl_value *v = asl_read_json_file(&config, val, err, sizeof err);
			if (!v || asl_bindings_from_json(v, bindings, MAX_BINDINGS, &nbind, err,
							 sizeof err) < 0) {
				fprintf(stderr, "%s: --tasks: %s\n", prog, err);
				goto out;
			}
		} else if (!strcmp(a, "--s3-root")) {
			opts.s3_root = val;
		} else if (!strcmp(a, "--mock-config")) {
			mock_path = val;
		} else if (!strcmp(a, "--mock-case")) {
			opts.mock_case = val;
		} else if (!strcmp(a, "--suspend-after")) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(val, &end, 10);
			if (*end || !*val || *val == '-' || n < 1 || errno) {
				fprintf(stderr,
					"%s: --suspend-after needs a number of states >= 1\n",
					prog);
				goto out;
			}
			opts.suspend_after = n;
		} else if (!strcmp(a, "--snapshot")) {
			sp.snapshot = val;
		} else if (!strcmp(a, "--resume")) {
			sp.resume = val;
		} else {
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, a);
			goto out;
		}
	}
	if (!mock_path != !opts.mock_case) {
		fprintf(stderr, "%s: --mock-config and --mock-case go together\n", prog);
		goto out;
	}
	if (mock_path &&
	    !(opts.mock_config = asl_read_json_file(&config, mock_path, err, sizeof err))) {
		fprintf(stderr, "%s: --mock-config: %s\n", prog, err);
		goto out;
	}
	if (!opts.suspend_after != !sp.snapshot) {
		fprintf(stderr, "%s: --suspend-after and --snapshot go together\n", prog);
		goto out;
	}
	if (sp.resume && (input_arg || opts.execution_name)) {
		fprintf(stderr,
			"%s: --resume goes on with the saved execution's input and name: "
			"no --input or --name\n",
			prog);
		goto out;
	}
	const char *conflict = batch ? batch_conflict(input_arg, &sp, &opts) : NULL;
	if (conflict) {
		fprintf(stderr, "%s: --batch runs one execution per input line: no %s\n", prog,
			conflict);
		goto out;
	}
	if (batch_only && !batch) {
		fprintf(stderr, "%s: -j and --shard go with --batch\n", prog);
		goto out;
	}
	opts.bindings = bindings;
	opts.binding_count = nbind;
	opts.machines = machines;
	opts.machine_count = machine_count;
	bo.stats = stats;
	rc = batch ? asl__batch_run(prog, machine, &opts, &bo)
		   : run(prog, input_arg, &opts, machine, stats, &sp);
out:
	asl_arena_destroy(&config);
	return rc;
}

/* SIGINT or SIGTERM came: StopExecution without an error or a cause. */
static void stop_by_signal(void *execution)
{
	asl_stop(execution, NULL, NULL);
}

/* Saves the paused execution in `path` and drops it: EXIT_SUSPENDED, or EXIT_WRITE_FAILED. */
static int suspend(const char *prog, asl_execution *e, const char *path, uint64_t after)
{
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	const char *bytes;
	size_t len;
	char err[512];
	int rc = EXIT_SUSPENDED;
	if (asl_snapshot(e, &arena, &bytes, &len) < 0) {
		fprintf(stderr, "%s: out of memory saving the execution\n", prog);
		rc = EXIT_WRITE_FAILED;
	} else if (asl__write_snapshot_file(path, bytes, len, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = EXIT_WRITE_FAILED;
	} else {
		fprintf(stderr, "%s: suspended after %llu states; the execution is saved in %s\n",
			prog, (unsigned long long)after, path);
	}
	asl_arena_destroy(&arena);
	asl_discard(e); /* it was saved: this copy ends without running anything more */
	return rc;
}

/* The execution --resume names; NULL after saying why. */
static asl_execution *restore(const char *prog, const asl_machine *machine, const char *path,
			      const asl_options *opts)
{
	char err[512];
	const asl_allocator *al = asl_default_allocator();
	size_t len;
	char *bytes = asl__read_snapshot_file(path, al, MAX_SNAPSHOT_FILE, &len, err, sizeof err);
	asl_execution *e = bytes ? asl_restore(machine, bytes, len, opts, err, sizeof err) : NULL;
	if (bytes)
		al->release(al->user, bytes);
	if (!e)
		fprintf(stderr, "%s: --resume %s: %s\n", prog, path, err);
	return e;
}

/* Runs the execution, from `input` or (--resume) from a saved one, to its end: -1, `r` filled.
 * With --suspend-after it runs through the step API instead and, once it pauses, is saved:
 * then the exit status. SIGINT and SIGTERM stop it from a thread of their own, so that nothing
 * is polled before each state. */
static int execute(const char *prog, const asl_machine *machine, const asl_value *input,
		   const asl_options *opts, const suspension *sp, asl_result *r)
{
	asl_execution *e;
	if (sp->resume) {
		if (!(e = restore(prog, machine, sp->resume, opts)))
			return 2;
	} else if (!(e = asl_start(machine, input, opts))) {
		asl_execute(machine, input, opts, r); /* which makes the result for no memory */
		return -1;
	}
	int caught = asl_platform_stop_signals_catch(stop_by_signal, e) == 0;
	int paused = 0;
	if (!opts->suspend_after && !sp->resume) {
		asl_run_to_end(e); /* blocking: the fast path */
	} else { /* a restored execution's children do not block either */
		asl_step s;
		while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED) {
			if ((paused = s.kind == ASL_STEP_PAUSED))
				break;
			asl_wait(e, &s);
		}
	}
	if (caught)
		asl_platform_stop_signals_restore();
	if (paused)
		return suspend(prog, e, sp->snapshot, opts->suspend_after);
	asl_finish(e, r);
	return -1;
}

static int exit_status(asl_status st)
{
	switch (st) {
	case ASL_SUCCEEDED:
		return 0;
	case ASL_TIMED_OUT:
		return 3;
	case ASL_ABORTED:
		return EXIT_ABORTED;
	default:
		return 1;
	}
}

/* Reads the execution input (--input or standard input) into `arena`: 0, or the exit status
 * after saying why on stderr. */
static int read_input(const char *prog, const char *input_arg, asl_arena *arena, asl_value **input)
{
	size_t len = 0;
	int too_big = 0;
	char *text;
	const asl_allocator *al = asl_default_allocator();
	if (input_arg) {
		len = strlen(input_arg);
		too_big = len > ASL_PAYLOAD_LIMIT;
		text = too_big ? NULL : al->alloc(al->user, len + 1);
		if (text)
			memcpy(text, input_arg, len + 1);
	} else {
		/* the limit is on the input, not on the newline that ends a file: one byte more
		 * is read, and kept when it is that newline (as a line of --batch is) */
		text = asl__read_stream(stdin, al, ASL_PAYLOAD_LIMIT + 1, &len, &too_big);
		if (text && len > ASL_PAYLOAD_LIMIT && text[len - 1] != '\n') {
			al->release(al->user, text);
			text = NULL;
			too_big = 1;
		}
	}
	if (too_big) {
		/* StartExecution refuses such inputs on AWS */
		fprintf(stderr, "%s: the input is larger than AWS's limit of %d bytes\n", prog,
			ASL_PAYLOAD_LIMIT);
		return 2;
	}
	if (!text) {
		fprintf(stderr, "%s: cannot read the input\n", prog);
		return 2;
	}
	asl_parse_error err;
	*input = asl__json_blank(text, len) ? asl_object(arena, 0)
					    : asl_parse(arena, text, len, 0, &err);
	al->release(al->user, text);
	if (!*input) {
		fprintf(stderr, "%s: invalid input JSON at line %d, column %d: %s\n", prog,
			err.line, err.column, err.message);
		return 2;
	}
	return 0;
}

static int run(const char *prog, const char *input_arg, const asl_options *opts,
	       const asl_machine *machine, int stats, const suspension *sp)
{
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_value *input = NULL;
	asl_result r;
	int rc = sp->resume ? 0 : read_input(prog, input_arg, &arena, &input);
	asl_options o = *opts;
	asl_history_file hf;
	if (rc == 0 && sp->history) {
		if (asl__history_open(&hf, sp->history) < 0) {
			fprintf(stderr, "%s: cannot write %s: %s\n", prog, sp->history,
				strerror(errno));
			rc = 2;
		}
		o.on_event = asl__history_event;
		o.event_user = &hf;
	}
	if (rc == 0)
		rc = execute(prog, machine, input, &o, sp, &r);
	asl_arena_destroy(&arena);
	int history_failed = rc != 2 && sp->history && asl__history_close(&hf) < 0;
	if (history_failed)
		fprintf(stderr, "%s: cannot write the history to %s\n", prog, sp->history);
	if (rc >= 0) /* an input error, or suspended: nothing on stdout */
		return history_failed && rc == 0 ? EXIT_WRITE_FAILED : rc;
	asl_status st = r.status;
	int status = exit_status(st);
	if (st == ASL_ABORTED && asl_platform_stop_signal())
		fprintf(stderr, "%s: aborted by %s\n", prog, asl_platform_stop_signal());
	if (history_failed)
		status = EXIT_WRITE_FAILED;
	const char *out = status ? asl_result_error_json(&r) : r.output;
	size_t out_len = status ? (out ? strlen(out) : 0) : r.output_len;
	if (!out) {
		fprintf(stderr, "%s: out of memory\n", prog);
	} else {
		fwrite(out, 1, out_len, stdout);
		fputc('\n', stdout);
		if (flush_failed(
			    prog)) /* the stream's error flag keeps any failure of the writes */
			status = EXIT_WRITE_FAILED;
	}
	if (stats)
		fprintf(stderr, "states entered: %llu\n", (unsigned long long)r.transitions);
	asl_result_free(&r);
	return status;
}
