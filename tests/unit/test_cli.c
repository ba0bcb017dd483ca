/* Unit tests of the aslc command line, run as a subprocess: --check diagnostics, `aslc run`
 * exit statuses and outputs, --help, and a native build behaving like `aslc run`. */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asl/json.h"

#ifndef ASLC_BIN
#error "ASLC_BIN must name the aslc executable"
#endif

/* Each test case gets a scratch directory below `root`, which an unchecked fixture (run in
 * the parent process) removes even when tests fail and their checked teardown never runs. */
static char root[128];
static char dir[160];

/* $TMPDIR, or /tmp: where the test's scratch folder goes. */
static const char *temp_dir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}
static asl_arena scratch; /* strings of the running test */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_root(void)
{
	snprintf(root, sizeof root, "%s/aslc-cli-XXXXXX", temp_dir());
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void remove_root(void)
{
	nftw(root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	asl_arena_init(&scratch, NULL);
	snprintf(dir, sizeof dir, "%s/tXXXXXX", root);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	asl_arena_destroy(&scratch);
}

/* Path of `name` in the test's directory. */
static const char *in_dir(const char *name)
{
	char *p = asl_arena_alloc(&scratch, strlen(dir) + strlen(name) + 2);
	ck_assert_ptr_nonnull(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = in_dir(name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	asl_buffer b;
	asl_buffer_init(&b, &scratch);
	char chunk[4096];
	size_t got;
	ck_assert_int_eq(asl_buffer_append(&b, "", 0), 0);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		ck_assert_int_eq(asl_buffer_append(&b, chunk, got), 0);
	fclose(f);
	return b.data;
}

typedef struct outcome {
	int status; /* exit status, or -1 when killed by a signal */
	char *out, *err;
	double seconds;
} outcome;

/* Runs `argv` (argv[0] is the program) with `in_fd` (or the file `in`) as stdin and the file
 * `out` as stdout (NULL: captured), capturing stderr. */
static outcome run_redirected(const char *const argv[], int in_fd, const char *in, const char *out)
{
	const char *out_path = out ? out : in_dir("stdout"), *err = in_dir("stderr");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fi = in ? open(in, O_RDONLY) : in_fd;
		int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fi < 0 || fo < 0 || fe < 0)
			_exit(127);
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (in_fd >= 0)
		close(in_fd);
	int ws;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	outcome o;
	o.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	o.out = out ? "" : read_file(out_path);
	o.err = read_file(err);
	o.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return o;
}

/* Runs `argv` with `input` on stdin, capturing stdout and stderr. */
static outcome run_prog(const char *const argv[], const char *input)
{
	return run_redirected(argv, -1, write_file("stdin", input ? input : ""), NULL);
}

/* Runs `argv` while a child writes up to `limit` zero bytes to its stdin (`fifo` NULL) or
 * into the FIFO `fifo`: bounded, so a program that reads everything still ends. *stopped says
 * whether the program stopped reading before the end. */
static outcome run_fed(const char *const argv[], const char *fifo, size_t limit, int *stopped)
{
	int p[2] = {-1, -1};
	if (!fifo)
		ck_assert_int_eq(pipe(p), 0);
	pid_t feeder = fork();
	ck_assert_int_ge(feeder, 0);
	if (feeder == 0) {
		static const char zeros[65536];
		signal(SIGPIPE, SIG_IGN); /* the reader closing early is what the test hopes for */
		int fd = fifo ? open(fifo, O_WRONLY) : p[1];
		if (!fifo)
			close(p[0]);
		size_t fed = 0;
		while (fd >= 0 && fed < limit) {
			size_t n = limit - fed < sizeof zeros ? limit - fed : sizeof zeros;
			ssize_t put = write(fd, zeros, n);
			if (put <= 0)
				break;
			fed += (size_t)put;
		}
		_exit(fed < limit ? 0 : 1);
	}
	if (!fifo)
		close(p[1]);
	outcome o = run_redirected(argv, p[0], fifo ? write_file("stdin", "") : NULL, NULL);
	if (fifo) { /* frees a feeder still waiting for a program that never opened the FIFO */
		int fd = open(fifo, O_RDONLY | O_NONBLOCK);
		if (fd >= 0)
			close(fd);
	}
	int ws;
	ck_assert_int_eq(waitpid(feeder, &ws, 0), feeder);
	*stopped = WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	return o;
}

#define ASLC(...) run_prog((const char *const[]){ASLC_BIN, __VA_ARGS__, NULL}, NULL)
#define ASLC_STDIN(input, ...) run_prog((const char *const[]){ASLC_BIN, __VA_ARGS__, NULL}, (input))

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* 1-based line and column of the first occurrence of `needle` in `text`. */
static void position_of(const char *text, const char *needle, int *line, int *col)
{
	const char *at = strstr(text, needle);
	ck_assert_ptr_nonnull(at);
	*line = 1;
	*col = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Checks that every line of `err` naming `file` is "FILE:LINE:COL: error|note: ..." or the
 * closing "FILE: N errors" count; returns the number of error lines. */
static int diagnostics_well_formed(const char *err, const char *file)
{
	char diag[512], summary[512];
	snprintf(diag, sizeof diag, "^%s:[0-9]+:[0-9]+: (error|note): .+$", file);
	snprintf(summary, sizeof summary, "^%s: [0-9]+ errors?$", file);
	regex_t re_diag, re_summary;
	ck_assert_int_eq(regcomp(&re_diag, diag, REG_EXTENDED | REG_NOSUB), 0);
	ck_assert_int_eq(regcomp(&re_summary, summary, REG_EXTENDED | REG_NOSUB), 0);
	int errors = 0;
	char *copy = strdup(err), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, file, strlen(file)) != 0)
			continue; /* the quoted source line and its caret */
		if (regexec(&re_diag, line, 0, NULL, 0) == 0)
			errors += strstr(line, ": error: ") != NULL;
		else
			ck_assert_msg(regexec(&re_summary, line, 0, NULL, 0) == 0,
				      "malformed diagnostic line: %s", line);
	}
	free(copy);
	regfree(&re_diag);
	regfree(&re_summary);
	return errors;
}

static const char *const PASS_MACHINE =
	"{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"Result\": {\"x\": 1},"
	" \"ResultPath\": \"$.r\", \"End\": true}}}\n";
static const char *const ECHO_MACHINE =
	"{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n";
static const char *const FAIL_MACHINE =
	"{\"StartAt\": \"F\", \"States\": {\"F\": {\"Type\": \"Fail\", \"Error\": \"MyErr\","
	" \"Cause\": \"because\"}}}\n";
static const char *const TIMEOUT_MACHINE =
	"{\"StartAt\": \"W\", \"TimeoutSeconds\": 100,\n"
	" \"States\": {\"W\": {\"Type\": \"Wait\", \"Seconds\": 100000, \"End\": true}}}\n";

/* ---- --check ---- */

START_TEST(check_accepts_a_valid_definition)
{
	outcome o = ASLC("--check", write_file("ok.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.err, "");
	ck_assert_str_eq(o.out, "");
}
END_TEST

START_TEST(check_reports_an_unknown_next_state_at_its_position)
{
	const char *text = "{\n"
			   "  \"StartAt\": \"P\",\n"
			   "  \"States\": {\n"
			   "    \"P\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"},\n"
			   "    \"Q\": {\"Type\": \"Succeed\"}\n"
			   "  }\n"
			   "}\n";
	const char *path = write_file("bad.asl.json", text);
	outcome o = ASLC("--check", path);
	ck_assert_int_eq(o.status, 2);
	ck_assert_str_eq(o.out, "");
	int line, col;
	position_of(text, "\"Nowhere\"", &line, &col);
	char want[512];
	snprintf(want, sizeof want, "%s:%d:%d: error: ", path, line, col);
	ck_assert_msg(strncmp(o.err, want, strlen(want)) == 0,
		      "stderr does not start with '%s':\n%s", want, o.err);
	ck_assert_ptr_nonnull(strstr(o.err, "Nowhere"));
	ck_assert_int_ge(diagnostics_well_formed(o.err, path), 1);
}
END_TEST

START_TEST(check_reports_every_error_not_just_the_first)
{
	const char *text = "{\"StartAt\": \"Missing\",\n"
			   " \"States\": {\"P\": {\"Type\": \"Bogus\", \"End\": true}}}\n";
	const char *path = write_file("two.asl.json", text);
	outcome o = ASLC("--check", path);
	ck_assert_int_eq(o.status, 2);
	ck_assert_int_ge(diagnostics_well_formed(o.err, path), 2);
}
END_TEST

START_TEST(check_reports_malformed_json_with_its_position)
{
	const char *text = "{\"StartAt\": \"P\",\n \"States\": {,}}\n";
	const char *path = write_file("syntax.asl.json", text);
	outcome o = ASLC("--check", path);
	ck_assert_int_eq(o.status, 2);
	char want[512];
	snprintf(want, sizeof want, "%s:2:", path);
	ck_assert_msg(strstr(o.err, want) != NULL, "no '%s' in:\n%s", want, o.err);
	ck_assert_int_ge(diagnostics_well_formed(o.err, path), 1);
}
END_TEST

START_TEST(check_reports_invalid_utf8_in_a_definition_at_its_position)
{
	const char *text = "{\"StartAt\": \"P\",\n \"Comment\": \"caf\xC3\xA9 \xED\xA0\x80\",\n"
			   " \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}\n";
	const char *path = write_file("utf8.asl.json", text);
	outcome o = ASLC("--check", path);
	ck_assert_int_eq(o.status, 2);
	char want[512];
	snprintf(want, sizeof want,
		 "%s:2:20: error:", path); /* the 0xED byte (columns count bytes) */
	ck_assert_msg(strstr(o.err, want) != NULL, "no '%s' in:\n%s", want, o.err);
	ck_assert_ptr_nonnull(strstr(o.err, "UTF-8"));
}
END_TEST

/* CPU seconds of `runs` runs of `aslc --check` on the definition text (children's rusage):
 * their sum, or with `best` the least of them. */
static double check_cpu_seconds(const char *name, const char *text, int want_status, int runs,
				bool best)
{
	double total = 0, least = 1e9;
	for (int run = 0; run < runs; run++) {
		struct rusage r0, r1;
		getrusage(RUSAGE_CHILDREN, &r0);
		outcome o = ASLC("--check", write_file(name, text));
		getrusage(RUSAGE_CHILDREN, &r1);
		ck_assert_msg(o.status == want_status, "%s: exit %d: %.300s", name, o.status,
			      o.err);
		double s = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
			   (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
			   (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
			   (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
		total += s;
		least = s < least ? s : least;
	}
	return best ? least : total;
}

/* A Pass state whose Parameters has fields until the text is about `size` bytes. */
static void write_wide_parameters(char *text, size_t size)
{
	char *p = text + sprintf(text, "{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": "
				       "\"Pass\", \"Parameters\": {\"p\": 0");
	for (int i = 0; (size_t)(p - text) < size - 100; i++)
		p += sprintf(p, ",\"p%d\":%d", i, i);
	sprintf(p, "}, \"End\": true}}}");
}

/* A chain of Pass states until the text is about `size` bytes, with S0 defined twice. */
static void write_many_states(char *text, size_t size)
{
	char *p = text + sprintf(text, "{\"StartAt\": \"S0\", \"States\": {");
	int n = 0;
	for (; (size_t)(p - text) < size - 200; n++)
		p += sprintf(p, "\"S%d\":{\"Type\":\"Pass\",\"Next\":\"S%d\"},", n, n + 1);
	sprintf(p, "\"S%d\": {\"Type\": \"Succeed\"}, \"S0\": {\"Type\": \"Succeed\"}}}", n);
}

/* No absolute time bound (CI machines and sanitizer builds differ): a megabyte must cost at
 * most four times what 16 sixteenths of it cost. Linear code measures about 1; the quadratic
 * code that looked for duplicate fields and state names among all those before measured about
 * 15. */
START_TEST(check_of_a_megabyte_of_fields_or_states_takes_linear_time)
{
	enum { pieces = 16 };
	size_t cap = 1040000;
	char *text = malloc(cap);
	write_wide_parameters(text, cap / pieces);
	double wide_pieces = check_cpu_seconds("wide.asl.json", text, 0, pieces, false);
	write_wide_parameters(text, cap);
	double wide = check_cpu_seconds("wide.asl.json", text, 0, 3, true);
	write_many_states(text, cap / pieces);
	double states_pieces = check_cpu_seconds("states.asl.json", text, 2, pieces, false);
	write_many_states(text, cap);
	double states = check_cpu_seconds("states.asl.json", text, 2, 3, true);
	free(text);
	double wide_ratio = wide / (wide_pieces > 0.001 ? wide_pieces : 0.001);
	double states_ratio = states / (states_pieces > 0.001 ? states_pieces : 0.001);
	ck_assert_msg(wide_ratio < 4 && states_ratio < 4,
		      "a megabyte took %.1fx the CPU of 16 sixteenths (fields: %.3f s vs %.3f s), "
		      "%.1fx (states: %.3f s vs %.3f s)",
		      wide_ratio, wide, wide_pieces, states_ratio, states, states_pieces);
}
END_TEST

START_TEST(check_of_a_missing_file_is_an_error)
{
	outcome o = ASLC("--check", in_dir("no-such.asl.json"));
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "no-such.asl.json"));
}
END_TEST

/* ---- aslc run ---- */

START_TEST(run_prints_the_output_and_exits_0)
{
	outcome o = ASLC_STDIN("{\"a\": 1}", "run", write_file("m.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "{\"a\":1,\"r\":{\"x\":1}}\n");
	ck_assert_str_eq(o.err, "");
}
END_TEST

START_TEST(run_treats_empty_input_as_an_empty_object)
{
	outcome o = ASLC_STDIN("", "run", write_file("m.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "{\"r\":{\"x\":1}}\n");
}
END_TEST

START_TEST(run_takes_input_from_the_input_option)
{
	const char *m = write_file("m.asl.json", PASS_MACHINE);
	outcome o = ASLC("run", m, "--input", "{\"b\": [true]}");
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "{\"b\":[true],\"r\":{\"x\":1}}\n");
}
END_TEST

START_TEST(run_accepts_any_json_value_as_input)
{
	const char *m = write_file("echo.asl.json", ECHO_MACHINE);
	outcome o = ASLC("run", m, "--input", "5");
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "5\n");
	o = ASLC("run", m, "--input", "\"hi\"");
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "\"hi\"\n");
	o = ASLC_STDIN("[1, null]", "run", m);
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "[1,null]\n");
}
END_TEST

START_TEST(run_of_a_fail_state_prints_error_and_cause_and_exits_1)
{
	outcome o = ASLC_STDIN("{}", "run", write_file("f.asl.json", FAIL_MACHINE));
	ck_assert_int_eq(o.status, 1);
	ck_assert_str_eq(o.out, "{\"Error\":\"MyErr\",\"Cause\":\"because\"}\n");
}
END_TEST

START_TEST(run_writes_the_history_with_history)
{
	const char *m = write_file("f.asl.json", FAIL_MACHINE), *h = in_dir("history.json");
	outcome o = ASLC("run", m, "--input", "{}", "--history", h);
	ck_assert_int_eq(o.status, 1);
	char *text = read_file(h);
	ck_assert_ptr_nonnull(strstr(text, "{\"events\":[{\"id\":1,\"previousEventId\":0,"));
	ck_assert_ptr_nonnull(
		strstr(text, "\"type\":\"FailStateEntered\",\"stateEnteredEventDetails\""));
	ck_assert_ptr_nonnull(strstr(text, "{\"id\":3,\"previousEventId\":2,"));
	ck_assert_ptr_nonnull(strstr(text, "\"executionFailedEventDetails\":{\"error\":\"MyErr\","
					   "\"cause\":\"because\"}}]}\n"));
	o = ASLC("run", m, "--input", "{}", "--history", in_dir("no/such/dir/h.json"));
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "cannot write"));
	ck_assert_str_eq(o.out, "");
	/* a Distributed Map's iterations are the Map Run's executions, not in this history */
	const char *dist =
		write_file("d.asl.json",
			   "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", "
			   "\"ItemProcessor\": {\"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\"}, "
			   "\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", "
			   "\"End\": true}}}, \"End\": true}}}\n");
	o = ASLC("run", dist, "--input", "[1, 2]", "--history", h);
	ck_assert_int_eq(o.status, 0);
	text = read_file(h);
	ck_assert_ptr_nonnull(strstr(text, "\"type\":\"MapStateStarted\","
					   "\"mapStateStartedEventDetails\":{\"length\":2}}"));
	ck_assert_ptr_nonnull(strstr(text, "\"type\":\"MapRunStarted\""));
	ck_assert_ptr_nonnull(strstr(text, "\"type\":\"MapRunSucceeded\"}"));
	ck_assert_ptr_null(strstr(text, "MapIteration"));
	ck_assert_ptr_null(strstr(text, "PassState"));
	/* a branch cancelled by its sibling's failure (a second later, so that both have
	 * started): its Wait is aborted, not exited */
	const char *cancel = write_file(
		"c.asl.json",
		"{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Parallel\", "
		"\"End\": true, \"Branches\": [{\"StartAt\": \"W\", \"States\": {\"W\": "
		"{\"Type\": \"Wait\", \"Seconds\": 2, \"End\": true}}}, {\"StartAt\": "
		"\"F0\", \"States\": {\"F0\": {\"Type\": \"Wait\", \"Seconds\": 1, \"Next\": "
		"\"F\"}, \"F\": {\"Type\": \"Fail\", \"Error\": \"E\"}}}]}}}\n");
	o = ASLC("run", cancel, "--input", "{}", "--threads", "4", "--history", h);
	ck_assert_int_eq(o.status, 1);
	text = read_file(h);
	ck_assert_ptr_nonnull(strstr(text, "\"type\":\"WaitStateAborted\"}"));
	ck_assert_ptr_null(strstr(text, "{\"name\":\"W\",\"output\""));
	ck_assert_ptr_nonnull(strstr(text, "\"type\":\"ParallelStateFailed\"}"));
	if (access("/dev/full", W_OK) == 0) { /* a full disk */
		o = ASLC("run", m, "--input", "{}", "--history", "/dev/full");
		ck_assert_int_eq(o.status, 5);
		ck_assert_ptr_nonnull(strstr(o.err, "cannot write the history"));
	}
}
END_TEST

START_TEST(run_with_malformed_input_prints_one_line_and_exits_2)
{
	outcome o = ASLC_STDIN("{\"a\": [1,}", "run", write_file("m.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 2);
	ck_assert_str_eq(o.out, "");
	ck_assert_int_eq(count_lines(o.err), 1);
	ck_assert_int_gt(strlen(o.err), 1);
	ck_assert_int_eq(o.err[strlen(o.err) - 1], '\n');
}
END_TEST

START_TEST(run_with_input_that_is_not_utf8_prints_one_line_and_exits_2)
{
	const char *m = write_file("m.asl.json", PASS_MACHINE);
	const char *bad[] = {"{\"a\": \"\xFF\"}", "{\"a\": \"\xC0\xAF\"}",
			     "[\"\xF4\x90\x80\x80\"]"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		outcome o = ASLC_STDIN(bad[i], "run", m);
		ck_assert_int_eq(o.status, 2);
		ck_assert_str_eq(o.out, "");
		ck_assert_int_eq(count_lines(o.err), 1);
		ck_assert_ptr_nonnull(strstr(o.err, "UTF-8"));
	}
}
END_TEST

START_TEST(run_past_top_level_timeout_exits_3)
{
	outcome o = ASLC_STDIN("{}", "run", write_file("t.asl.json", TIMEOUT_MACHINE),
			       "--wait-scale", "0");
	ck_assert_int_eq(o.status, 3);
	ck_assert_str_eq(o.out, "{\"Error\":\"States.Timeout\"}\n");
	ck_assert_msg(o.seconds < 30, "--wait-scale 0 still waited %.1f s", o.seconds);
}
END_TEST

START_TEST(run_stops_reading_an_endless_input_at_the_limit)
{
	int stopped;
	const char *def = write_file("m.asl.json", ECHO_MACHINE);
	outcome o = run_fed((const char *const[]){ASLC_BIN, "run", def, NULL}, NULL, 8u << 20,
			    &stopped);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "larger than AWS's limit of 262144 bytes"));
	ck_assert_int_eq(count_lines(o.err), 1);
	ck_assert_msg(stopped, "the whole stream was read");
}
END_TEST

START_TEST(run_stops_reading_an_endless_config_file_at_the_limit)
{
	int stopped;
	const char *fifo = in_dir("tasks.json");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	const char *def = write_file("m.asl.json", ECHO_MACHINE);
	outcome o = run_fed((const char *const[]){ASLC_BIN, "run", def, "--tasks", fifo, NULL},
			    fifo, 80u << 20, &stopped);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "is larger than the limit of 67108864 bytes"));
	ck_assert_msg(stopped, "the whole stream was read");
}
END_TEST

START_TEST(run_that_cannot_write_its_output_exits_5)
{
	const char *def = write_file("m.asl.json", PASS_MACHINE);
	const char *in = write_file("in.json", "{}");
	outcome o = run_redirected((const char *const[]){ASLC_BIN, "run", def, NULL}, -1, in,
				   "/dev/full");
	ck_assert_int_eq(o.status, 5);
	ck_assert_ptr_nonnull(strstr(o.err, "cannot write the output"));
	ck_assert_int_eq(count_lines(o.err), 1);
	const char *fail = write_file("f.asl.json", FAIL_MACHINE);
	o = run_redirected((const char *const[]){ASLC_BIN, "run", fail, NULL}, -1, in, "/dev/full");
	ck_assert_int_eq(o.status, 5);
}
END_TEST

START_TEST(run_rejects_unknown_machine_options_with_2)
{
	outcome o = ASLC_STDIN("{}", "run", write_file("m.asl.json", PASS_MACHINE), "--bogus", "x");
	ck_assert_int_eq(o.status, 2);
	ck_assert_str_eq(o.out, "");
	ck_assert_int_eq(count_lines(o.err), 1);
	o = ASLC_STDIN("{}", "run", in_dir("m.asl.json"), "--wait-scale", "-1");
	ck_assert_int_eq(o.status, 2);
}
END_TEST

START_TEST(run_of_an_invalid_definition_exits_2_with_diagnostics)
{
	const char *path = write_file("bad.asl.json", "{\"StartAt\": \"X\", \"States\": {}}\n");
	outcome o = ASLC_STDIN("{}", "run", path);
	ck_assert_int_eq(o.status, 2);
	ck_assert_str_eq(o.out, "");
	ck_assert_int_ge(diagnostics_well_formed(o.err, path), 1);
}
END_TEST

/* ---- other modes ---- */

START_TEST(help_prints_usage_and_exits_0)
{
	outcome o = ASLC("--help");
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "usage"));
	ck_assert_ptr_nonnull(strstr(o.out, "--check"));
}
END_TEST

START_TEST(missing_definition_is_a_usage_error)
{
	outcome o = run_prog((const char *const[]){ASLC_BIN, NULL}, NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_int_gt(strlen(o.err), 0);
	o = ASLC("--no-such-option", "x.asl.json");
	ck_assert_int_eq(o.status, 2);
}
END_TEST

START_TEST(emit_c_writes_c_source)
{
	outcome o = ASLC("--emit-c", write_file("m.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "#include"));
	ck_assert_ptr_nonnull(strstr(o.out, "asl_machine"));
}
END_TEST

START_TEST(native_executable_behaves_like_run)
{
	const char *exe = in_dir("machine");
	outcome o = ASLC(write_file("m.asl.json", PASS_MACHINE), "-o", exe);
	ck_assert_msg(o.status == 0, "native build failed (%d): %s", o.status, o.err);
	o = run_prog((const char *const[]){exe, NULL}, "{\"a\": 1}");
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.out, "{\"a\":1,\"r\":{\"x\":1}}\n");
	o = run_prog((const char *const[]){exe, NULL}, "nope");
	ck_assert_int_eq(o.status, 2);
	ck_assert_int_eq(count_lines(o.err), 1);
	o = run_prog((const char *const[]){exe, "--help", NULL}, NULL);
	ck_assert_int_eq(o.status, 0);
}
END_TEST

START_TEST(check_stops_reading_an_endless_definition_at_the_limit)
{
	int stopped;
	outcome o = run_fed((const char *const[]){ASLC_BIN, "--check", "-", NULL}, NULL, 8u << 20,
			    &stopped);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "larger than AWS's limit of 1048576 bytes"));
	ck_assert_msg(stopped, "the whole stream was read");
}
END_TEST

START_TEST(emit_c_that_cannot_write_exits_5)
{
	const char *def = write_file("m.asl.json", PASS_MACHINE);
	outcome o = ASLC("--emit-c", def, "-o", "/dev/full");
	ck_assert_int_eq(o.status, 5);
	ck_assert_ptr_nonnull(strstr(o.err, "cannot write /dev/full"));
	o = run_redirected((const char *const[]){ASLC_BIN, "--emit-c", def, NULL}, -1,
			   write_file("stdin", ""), "/dev/full");
	ck_assert_int_eq(o.status, 5);
	ck_assert_int_eq(count_lines(o.err), 1);
	o = run_redirected((const char *const[]){ASLC_BIN, "--help", NULL}, -1,
			   write_file("stdin", ""), "/dev/full");
	ck_assert_int_eq(o.status, 5);
}
END_TEST

/* ---- several machines in one program: --symbol, --header, --name ---- */

static const char *const NAME_MACHINE =
	"{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\","
	" \"Parameters\": {\"m.$\": \"$$.StateMachine.Name\"}, \"End\": true}}}\n";

START_TEST(emit_c_with_a_symbol_names_the_descriptor_and_has_no_main)
{
	outcome o = ASLC("--emit-c", "--symbol", "orders", write_file("m.asl.json", PASS_MACHINE));
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.out, "\nconst asl_machine orders = {\n"));
	ck_assert_ptr_nonnull(strstr(o.out, "\t.abi_version = ASL_ABI_VERSION,\n"));
	ck_assert_ptr_null(strstr(o.out, "main("));
	ck_assert_ptr_null(strstr(o.out, "asl_generated_machine"));
	o = ASLC("--emit-c", write_file("m.asl.json", PASS_MACHINE)); /* the default keeps main */
	ck_assert_ptr_nonnull(strstr(o.out, "\nconst asl_machine asl_generated_machine = {\n"));
	ck_assert_ptr_nonnull(strstr(o.out, "int main(int argc, char **argv)"));
}
END_TEST

START_TEST(a_symbol_that_is_not_a_usable_c_identifier_exits_2)
{
	const char *def = write_file("m.asl.json", PASS_MACHINE);
	const char *bad[] = {"1st", "has-dash", "int", "main", "states_", "asl_enter", "", "a b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		outcome o = ASLC("--emit-c", "--symbol", bad[i], def);
		ck_assert_int_eq(o.status, 2);
		ck_assert_str_eq(o.out, "");
		ck_assert_msg(strstr(o.err, "aslc: --symbol: ") == o.err &&
				      strstr(o.err, "is not a usable C identifier") &&
				      count_lines(o.err) == 1,
			      "for '%s': %s", bad[i], o.err);
	}
	outcome o = ASLC("--symbol", "ok", def, "-o", in_dir("exe")); /* only with --emit-c */
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "--symbol goes with --emit-c"));
}
END_TEST

START_TEST(header_declares_the_descriptor_with_an_include_guard)
{
	const char *def = write_file("m.asl.json", PASS_MACHINE);
	const char *h = in_dir("orders.h");
	outcome o = ASLC("--emit-c", "--symbol", "order_v2", def, "-o", in_dir("orders.c"),
			 "--header", h);
	ck_assert_int_eq(o.status, 0);
	char want[512];
	snprintf(want, sizeof want,
		 "/* Generated by aslc. Do not edit. The state machine compiled from %s. */\n"
		 "#ifndef ORDER_V2_H\n#define ORDER_V2_H\n\n#include <asl/asl.h>\n\n"
		 "extern const asl_machine order_v2;\n\n#endif\n",
		 def);
	ck_assert_str_eq(read_file(h), want);
}
END_TEST

/* $$.StateMachine.Name of `def` run by aslc run, with `name` given to --name (or not). */
static void expect_machine_name(const char *def, const char *name, const char *want)
{
	outcome o =
		name ? ASLC_STDIN("{}", "run", "--name", name, def) : ASLC_STDIN("{}", "run", def);
	ck_assert_msg(o.status == 0, "exit %d: %s", o.status, o.err);
	char out[256];
	snprintf(out, sizeof out, "{\"m\":\"%s\"}\n", want);
	ck_assert_str_eq(o.out, out);
}

START_TEST(the_name_is_the_file_name_without_its_suffix)
{
	expect_machine_name(write_file("orders.asl.json", NAME_MACHINE), NULL, "orders");
	expect_machine_name(write_file("billing.json", NAME_MACHINE), NULL, "billing");
}
END_TEST

START_TEST(a_definition_asl_json_is_named_after_its_folder)
{
	ck_assert_int_eq(mkdir(in_dir("shop"), 0755), 0);
	expect_machine_name(write_file("shop/definition.asl.json", NAME_MACHINE), NULL, "shop");
	/* the execution's --name after the definition is still the run option */
	outcome o = ASLC_STDIN("{}", "run", in_dir("shop/definition.asl.json"), "--name", "exec1");
	ck_assert_str_eq(o.out, "{\"m\":\"shop\"}\n");
}
END_TEST

START_TEST(name_sets_the_state_machine_name)
{
	const char *def = write_file("shop.asl.json", NAME_MACHINE);
	expect_machine_name(def, "Billing-v2", "Billing-v2");
	outcome o = ASLC("--emit-c", "--name", "Billing", def);
	ck_assert_ptr_nonnull(strstr(o.out, "\t.name = \"Billing\",\n"));
	o = ASLC("--check", "--name", "no spaces", def);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.err, "aslc: state machine name \"no spaces\" must be"));
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("check");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, check_accepts_a_valid_definition);
	tcase_add_test(tc, check_reports_an_unknown_next_state_at_its_position);
	tcase_add_test(tc, check_reports_every_error_not_just_the_first);
	tcase_add_test(tc, check_reports_malformed_json_with_its_position);
	tcase_add_test(tc, check_of_a_missing_file_is_an_error);
	tcase_add_test(tc, check_of_a_megabyte_of_fields_or_states_takes_linear_time);
	tcase_add_test(tc, check_reports_invalid_utf8_in_a_definition_at_its_position);
	tcase_add_test(tc, check_stops_reading_an_endless_definition_at_the_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, run_prints_the_output_and_exits_0);
	tcase_add_test(tc, run_writes_the_history_with_history);
	tcase_add_test(tc, run_treats_empty_input_as_an_empty_object);
	tcase_add_test(tc, run_takes_input_from_the_input_option);
	tcase_add_test(tc, run_accepts_any_json_value_as_input);
	tcase_add_test(tc, run_of_a_fail_state_prints_error_and_cause_and_exits_1);
	tcase_add_test(tc, run_with_malformed_input_prints_one_line_and_exits_2);
	tcase_add_test(tc, run_past_top_level_timeout_exits_3);
	tcase_add_test(tc, run_with_input_that_is_not_utf8_prints_one_line_and_exits_2);
	tcase_add_test(tc, run_stops_reading_an_endless_input_at_the_limit);
	tcase_add_test(tc, run_stops_reading_an_endless_config_file_at_the_limit);
	tcase_add_test(tc, run_that_cannot_write_its_output_exits_5);
	tcase_add_test(tc, run_rejects_unknown_machine_options_with_2);
	tcase_add_test(tc, run_of_an_invalid_definition_exits_2_with_diagnostics);
	suite_add_tcase(s, tc);

	tc = tcase_create("modes");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, help_prints_usage_and_exits_0);
	tcase_add_test(tc, missing_definition_is_a_usage_error);
	tcase_add_test(tc, emit_c_writes_c_source);
	tcase_add_test(tc, emit_c_that_cannot_write_exits_5);
	tcase_add_test(tc, native_executable_behaves_like_run);
	suite_add_tcase(s, tc);

	tc = tcase_create("several_machines");
	tcase_add_unchecked_fixture(tc, make_root, remove_root);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, emit_c_with_a_symbol_names_the_descriptor_and_has_no_main);
	tcase_add_test(tc, a_symbol_that_is_not_a_usable_c_identifier_exits_2);
	tcase_add_test(tc, header_declares_the_descriptor_with_an_include_guard);
	tcase_add_test(tc, the_name_is_the_file_name_without_its_suffix);
	tcase_add_test(tc, a_definition_asl_json_is_named_after_its_folder);
	tcase_add_test(tc, name_sets_the_state_machine_name);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists every test */
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
