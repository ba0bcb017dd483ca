/* aslc graph: draws a definition (DOT, Mermaid, JSON; SVG and PNG through graphviz's dot),
 * optionally over an execution's history, many runs or an older definition. The work is the
 * library's aslc_graph; this reads the files, picks the format and writes the result whole,
 * so a failure never leaves half a file. */
#define _XOPEN_SOURCE 700 /* realpath, fchmod */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aslc/aslc.h"
#include "graph_cli.h"
#include "nested_machines.h"

#define EXIT_TOOL 3 /* graphviz's dot is missing or failed */
#define EXIT_WRITE_FAILED 5
#define MAX_HISTORY (512u << 20) /* a history of 25,000 events of 256 KiB each, and then some */

static void usage(FILE *out)
{
	fputs("usage: aslc graph MACHINE.asl.json [options]\n"
	      "\n"
	      "Draws the state machine: states with their details, Choice rules and Catch\n"
	      "errors on the edges, Map and Parallel as containers.\n"
	      "\n"
	      "options:\n"
	      "  --format F       dot, mermaid, json, svg or png (default: from -o's extension\n"
	      "                   .dot .mmd .json .svg .png, else dot); svg and png run\n"
	      "                   graphviz's dot, which must be installed\n"
	      "  -o FILE          write there (default: standard output)\n"
	      "  --history FILE   draw an execution over it: what a run's --history writes or\n"
	      "                   GetExecutionHistory's answer ({\"events\":[...]})\n"
	      "  --runs FILE      many executions as a heat map: one such history per line\n"
	      "  --diff OLD.asl.json   mark states and edges added, removed or changed since OLD\n"
	      "  --collapse WHAT  maps, parallels or depth=N: draw those containers as one node\n"
	      "  --no-fit         Mermaid: do not collapse to fit GitHub's limits (500 edges,\n"
	      "                   50,000 characters)\n"
	      "  --name NAME      the machine's name in the drawing\n"
	      "\n"
	      "exit status: 0 written; 2 usage error, invalid definition, history or runs file;\n"
	      "3 graphviz's dot is not installed or failed; 5 the output could not be written.\n",
	      out);
}

static const char *const FORMATS[] = {"dot", "mermaid", "json", "svg", "png"};
static const char *const EXTENSIONS[] = {".dot", ".mmd", ".json", ".svg", ".png"};

static int format_named(const char *name)
{
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, FORMATS[i]))
			return i;
	return !strcmp(name, "gv") ? ASLC_GRAPH_DOT : -1;
}

static int format_of_file(const char *path)
{
	size_t n = strlen(path);
	for (int i = 0; i < 5; i++) {
		size_t e = strlen(EXTENSIONS[i]);
		if (n > e && !strcmp(path + n - e, EXTENSIONS[i]))
			return i;
	}
	return ASLC_GRAPH_DOT;
}

/* A history or runs file, whole; NULL after a one-line error. */
static char *read_input(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "aslc graph: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	int too_big;
	errno = 0;
	char *text = asl_read_stream(f, MAX_HISTORY, len, &too_big);
	int failed = !text && !too_big && ferror(f);
	if (f != stdin)
		fclose(f);
	if (!text)
		fprintf(stderr, "aslc graph: %s: %s\n", path,
			too_big  ? "larger than 512 MiB"
			: failed ? strerror(errno)
				 : "out of memory");
	return text;
}

/* Writes to an open stream and closes it (stdout is flushed); 0, or -1 with errno set. */
static int write_stream(FILE *out, const char *data, size_t len)
{
	fwrite(data, 1, len, out);
	int failed = ferror(out);
	failed |= (out == stdout ? fflush(out) : fclose(out)) != 0;
	return failed ? -1 : 0;
}

static int write_failed(const char *path)
{
	fprintf(stderr, "aslc graph: cannot write %s: %s\n", path ? path : "the output",
		strerror(errno));
	return EXIT_WRITE_FAILED;
}

/* A regular file (or a new one) is written whole or not at all: a temporary file next to it,
 * renamed over it when complete, so a failure leaves the old drawing as it was. Anything else
 * that exists (a device, a FIFO, /dev/stdout) is written in place and never removed: it is not
 * ours; so is a path under /dev or /proc (/dev/stdout redirected to a file). A symbolic link
 * to a regular file is followed, so the link stays. */
static int write_all(const char *path, const char *data, size_t len)
{
	if (!path)
		return write_stream(stdout, data, len) == 0 ? 0 : write_failed(NULL);
	struct stat st;
	/* /dev/stdout and the like name an open file, whatever it is: written in place too */
	int special = !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6);
	if (stat(path, &st) == 0 && (!S_ISREG(st.st_mode) || special)) {
		FILE *out = fopen(path, "wb");
		if (!out) {
			fprintf(stderr, "aslc graph: cannot open %s: %s\n", path, strerror(errno));
			return EXIT_WRITE_FAILED;
		}
		return write_stream(out, data, len) == 0 ? 0 : write_failed(path);
	}
	int exists = stat(path, &st) == 0;
	char *target = exists ? realpath(path, NULL) : strdup(path);
	char *tmp = target ? malloc(strlen(target) + 16) : NULL;
	if (!tmp) {
		free(target);
		fprintf(stderr, "aslc graph: out of memory\n");
		return EXIT_WRITE_FAILED;
	}
	sprintf(tmp, "%s.tmp-XXXXXX", target);
	int fd = mkstemp(tmp);
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	int rc = 0;
	if (!out) {
		fprintf(stderr, "aslc graph: cannot create %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd), unlink(tmp);
		rc = EXIT_WRITE_FAILED;
	} else {
		/* mkstemp makes it 0600: the mode of the file it replaces, or what umask allows */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask);
		if (write_stream(out, data, len) != 0 || rename(tmp, target) != 0) {
			rc = write_failed(path);
			unlink(tmp); /* only ever our temporary file */
		}
	}
	free(tmp);
	free(target);
	return rc;
}

/* The options' values, read from argv. */
typedef struct graph_args {
	const char *definition, *output, *history, *runs, *old, *collapse, *name;
	int format; /* -1: from the output's name */
	int no_fit;
} graph_args;

static int parse_args(int argc, char **argv, graph_args *a)
{
	*a = (graph_args){.format = -1};
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		const char **value = !strcmp(o, "-o")           ? &a->output
				     : !strcmp(o, "--history")  ? &a->history
				     : !strcmp(o, "--runs")     ? &a->runs
				     : !strcmp(o, "--diff")     ? &a->old
				     : !strcmp(o, "--collapse") ? &a->collapse
				     : !strcmp(o, "--name")     ? &a->name
								: NULL;
		if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(o, "--no-fit")) {
			a->no_fit = 1;
		} else if (!strcmp(o, "--format")) {
			if (i + 1 >= argc || (a->format = format_named(argv[i + 1])) < 0) {
				fprintf(stderr,
					"aslc graph: --format takes dot, mermaid, json, svg or png\n");
				return -1;
			}
			i++;
		} else if (value) {
			if (i + 1 >= argc) {
				fprintf(stderr, "aslc graph: %s needs a value\n", o);
				return -1;
			}
			*value = argv[++i];
		} else if (o[0] == '-' && o[1]) {
			fprintf(stderr, "aslc graph: unknown option %s (aslc graph --help)\n", o);
			return -1;
		} else if (a->definition) {
			fprintf(stderr, "aslc graph: one definition only (%s and %s)\n",
				a->definition, o);
			return -1;
		} else {
			a->definition = o;
		}
	}
	if (!a->definition) {
		usage(stderr);
		return -1;
	}
	if (a->format < 0)
		a->format = a->output ? format_of_file(a->output) : ASLC_GRAPH_DOT;
	if (a->format == ASLC_GRAPH_PNG && !a->output && isatty(1)) {
		fprintf(stderr, "aslc graph: PNG is not written to a terminal: give -o FILE\n");
		return -1;
	}
	return 0;
}

/* Validates the --diff definition, printing its diagnostics; the number of errors. */
static int old_errors(const aslc_source *old, const aslc_options *opts)
{
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	int errors = aslc_check(old, opts, &d);
	aslc_print_diagnostics(stderr, &d, old->text, old->len, "aslc graph");
	aslc_diagnostics_free(&d);
	return errors;
}

int aslc_graph_main(int argc, char **argv)
{
	graph_args a;
	if (parse_args(argc, argv, &a) < 0)
		return 2;
	size_t len = 0, old_len = 0, history_len = 0, runs_len = 0;
	char *text = read_definition(a.definition, &len);
	char *old_text = text && a.old ? read_definition(a.old, &old_len) : NULL;
	char *history = text && a.history ? read_input(a.history, &history_len) : NULL;
	char *runs = text && a.runs ? read_input(a.runs, &runs_len) : NULL;
	int rc = 2;
	if (text && (!a.old || old_text) && (!a.history || history) && (!a.runs || runs)) {
		aslc_source src = {text, len, a.definition}, old = {old_text, old_len, a.old};
		aslc_options opts;
		aslc_options_init(&opts);
		opts.name = a.name;
		aslc_graph_options g = {.format = (aslc_graph_format)a.format,
					.history = history,
					.history_len = history_len,
					.runs = runs,
					.runs_len = runs_len,
					.old = a.old ? &old : NULL,
					.collapse = a.collapse,
					.fit_github = !a.no_fit};
		aslc_diagnostics d;
		aslc_diagnostics_init(&d);
		size_t n = 0;
		/* the old definition first, so that its diagnostics quote its own lines */
		char *out = a.old && old_errors(&old, &opts) ? NULL
							     : aslc_graph(&src, &opts, &g, &n, &d);
		aslc_print_diagnostics(stderr, &d, text, len, "aslc graph");
		if (out) {
			rc = write_all(a.output, out, n);
		} else {
			rc = 2;
			for (size_t i = 0; i < d.count; i++)
				if (d.items[i].code == ASLC_TOOL_MISSING ||
				    d.items[i].code == ASLC_BUILD_FAILED)
					rc = EXIT_TOOL;
		}
		free(out);
		aslc_diagnostics_free(&d);
	}
	free(text);
	free(old_text);
	free(history);
	free(runs);
	return rc;
}
