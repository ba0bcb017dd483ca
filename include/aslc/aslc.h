/* The aslc compiler as a library: an Amazon States Language definition held in memory becomes
 * C text, a machine loaded in memory (libtcc) or a native executable, with its diagnostics
 * returned as data. The aslc command is a thin CLI over these functions.
 *
 * Running what it loads: a loaded machine's code calls the runtime (include/asl/abi.h) by name,
 * and libtcc resolves those names in the running program (dlsym). A program that calls
 * aslc_load must therefore link the whole runtime and export its symbols: in CMake, link the
 * aslrt_objects objects (or libaslrt.a with -Wl,--whole-archive) and set ENABLE_EXPORTS (the
 * linker's -rdynamic). Otherwise aslc_load fails with libtcc's "undefined symbol" in a
 * diagnostic. c: Task handlers the machine names resolve the same way (exported functions of
 * the program) or come from opts->links.
 *
 * Threads: loaded machines run on any threads, many at once; the compiling calls may be made
 * from several threads too (libtcc's use is serialized inside). Memory comes from malloc. */
#ifndef ASLC_ASLC_H
#define ASLC_ASLC_H

#include <stddef.h>
#include <stdio.h>

#include "asl/asl.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- diagnostics ---- */
typedef enum aslc_severity { ASLC_ERROR, ASLC_NOTE } aslc_severity;

/* What a diagnostic is about. The definition's rules use the codes of AWS's
 * ValidateStateMachineDefinition; a note has the code of the error it explains. */
typedef enum aslc_code {
	ASLC_SCHEMA_VALIDATION_FAILED, /* a field is missing, unknown or has a wrong value */
	ASLC_INVALID_JSON_DESCRIPTION, /* the text is not JSON */
	ASLC_MISSING_TRANSITION_TARGET, /* Next/Default/StartAt name no state; a state unreachable */
	ASLC_MISSING_END_STATE, /* no Succeed, Fail or End: true */
	ASLC_DUPLICATE_STATE_NAME,
	ASLC_INVALID_STATE_NAME,
	ASLC_STATE_MACHINE_NAME_EMPTY, /* opts->name */
	ASLC_STATE_MACHINE_NAME_INVALID,
	ASLC_STATE_MACHINE_NAME_TOO_LONG,
	/* aslc's own */
	ASLC_UNSUPPORTED, /* valid for AWS, not supported by aslc yet (JSONata, ...) */
	ASLC_DEFINITION_TOO_LARGE, /* over AWS's 1 MiB */
	ASLC_INVALID_SYMBOL, /* opts->symbol is not a usable C identifier */
	ASLC_BUILD_FAILED, /* the C compiler, the linker or libtcc failed */
	ASLC_WRITE_FAILED, /* an output file could not be written */
	ASLC_OUT_OF_MEMORY,
	ASLC_GRAPH_INPUT_INVALID, /* aslc_graph: a history, runs file or collapse spec is bad */
	ASLC_TOOL_MISSING /* aslc_graph: graphviz's dot (for SVG and PNG) is not installed */
} aslc_code;

typedef struct aslc_diagnostic {
	aslc_severity severity;
	aslc_code code;
	const char *message;
	const char *file; /* the definition's file name (aslc_source.file) */
	int line, column; /* 1-based (the column counts bytes); 0 when it has no position */
	size_t offset; /* the byte offset in the text that line and column name */
	/* JSON Pointer (RFC 6901) of the node, e.g. "/States/Check/Next"; "" is the whole
	 * definition; NULL when the diagnostic is not about the definition (a build failed). */
	const char *pointer;
} aslc_diagnostic;

/* The diagnostics of one or more calls, in the order found. Zero it (or aslc_diagnostics_init)
 * before the first call; every call appends; aslc_diagnostics_free releases the strings. */
typedef struct aslc_diagnostics {
	const aslc_diagnostic *items;
	size_t count;
	int errors; /* how many of them are errors */
	struct aslc_diag_store *store; /* private: owns items and their strings */
} aslc_diagnostics;

void aslc_diagnostics_init(aslc_diagnostics *d);
void aslc_diagnostics_free(aslc_diagnostics *d);
/* AWS's name of a code ("MISSING_TRANSITION_TARGET"), or aslc's ("UNSUPPORTED"). */
const char *aslc_code_name(aslc_code code);
/* Prints `d` as aslc does: "FILE:LINE:COL: error: MESSAGE", the source line from `text` (may
 * be NULL) with a caret under the column, "FILE: N errors" after the definition's errors, and
 * "PROG: MESSAGE" for diagnostics that are not about the definition. */
void aslc_print_diagnostics(FILE *out, const aslc_diagnostics *d, const char *text, size_t len,
			    const char *prog);

/* ---- options ---- */
typedef struct aslc_source {
	const char *text; /* the definition's JSON, borrowed; need not end in a NUL */
	size_t len;
	const char *file; /* its file name, for diagnostics and the default name; NULL: "-" */
} aslc_source;

typedef struct aslc_options {
	/* StateMachine.Name in $$. NULL: the file name without .asl.json (or .json), or the
	 * folder's name for a file called definition.asl.json ("orders/definition.asl.json" is
	 * "orders"). Given, it must be 1 to 80 characters without blanks or any of <>{}[]?*"#%\^|~`$&,;:/ */
	const char *name;
	/* The C name of the machine descriptor. NULL: asl_generated_machine. A C identifier that
	 * is not a keyword, main, asl_-prefixed or ending in '_' (those are generated code's). */
	const char *symbol;
	int with_main; /* aslc_compile_c: also a main() that calls asl_main */
	const asl_binding *bindings; /* Task bindings compiled in (aslc --task), borrowed */
	size_t binding_count;
	const char *const *links; /* C sources, objects or archives with c: handlers */
	size_t link_count;
	const char *cc; /* aslc_build: NULL: $CC, else cc */
	const char *cflags; /* aslc_build: NULL: $ASLC_CFLAGS, else -O2 */
	int keep_c; /* aslc_build: keep the generated C (a note says where) */
	/* The runtime's headers (for libtcc and cc) and libaslrt.a (for cc). NULL: $ASLC_INCLUDE_DIR
	 * and $ASLC_LIB_DIR, else ../include and ../lib next to the program when they exist
	 * (an installed aslc), else the build tree the library was built in. */
	const char *include_dir;
	const char *lib_dir;
	/* aslc_build: a runtime built for another target (an install prefix: DIR/include,
	 * DIR/lib/libaslrt.a and DIR/lib/aslrt.link, the libraries it needs), used where
	 * include_dir and lib_dir are NULL. NULL: the host's. */
	const char *runtime_dir;
	const char *ldflags; /* aslc_build: last on the link line. NULL: $ASLC_LDFLAGS, else none */
} aslc_options;

/* All zero: no main, the default name and symbol, no bindings. */
void aslc_options_init(aslc_options *opts);
/* 0 if `symbol` can name a machine descriptor, else -1 with the reason in `err`. */
int aslc_symbol_check(const char *symbol, char *err, size_t errlen);

/* ---- compiling ----
 * Each call reports into `diags` (NULL: not kept) and fails when it found an error. */

/* Validates the definition only. Returns the number of errors. */
int aslc_check(const aslc_source *src, const aslc_options *opts, aslc_diagnostics *diags);
/* The generated C (malloc'd, NUL-terminated, its length in *len; free() it), or NULL. */
char *aslc_compile_c(const aslc_source *src, const aslc_options *opts, size_t *len,
		     aslc_diagnostics *diags);
/* A native executable at `output`, built by the system C compiler against libaslrt.a (its
 * messages go to stderr). 0, or -1 (ASLC_WRITE_FAILED when the C could not be written). */
int aslc_build(const aslc_source *src, const aslc_options *opts, const char *output,
	       aslc_diagnostics *diags);

/* ---- machines in memory ---- */
/* A machine compiled by libtcc into this process; it owns the machine's code and data. */
typedef struct aslc_module aslc_module;

/* Compiles and loads the definition; NULL after diagnostics. Any number can be loaded at once. */
aslc_module *aslc_load(const aslc_source *src, const aslc_options *opts, aslc_diagnostics *diags);
/* The loaded machine, for asl_execute or asl_main; valid until aslc_unload. */
const asl_machine *aslc_module_machine(const aslc_module *mod);
/* Frees the machine's code and data. No execution of it may still be running. */
void aslc_unload(aslc_module *mod);

/* ---- graphs (aslc graph) ---- */
typedef enum aslc_graph_format {
	ASLC_GRAPH_DOT,
	ASLC_GRAPH_MERMAID,
	ASLC_GRAPH_JSON, /* nodes (ids are JSON Pointers into the definition, with line:col),
			  * edges with kinds, clusters */
	ASLC_GRAPH_SVG, /* SVG and PNG run graphviz's dot on the DOT */
	ASLC_GRAPH_PNG
} aslc_graph_format;

typedef struct aslc_graph_options {
	aslc_graph_format format;
	/* An execution to draw over the graph: GetExecutionHistory's answer or what a run's
	 * --history writes ({"events":[...]}); NULL: none. Borrowed. */
	const char *history;
	size_t history_len;
	/* Many executions as a heat map: one such history per line (NDJSON); NULL: none. */
	const char *runs;
	size_t runs_len;
	const aslc_source *old; /* an older definition: states and edges added, removed, changed */
	const char *collapse; /* "maps", "parallels" or "depth=N": draw those as one node; NULL */
	/* Mermaid: collapse the deepest containers until the text fits GitHub's limits (500
	 * edges, 50,000 characters), saying so in a note. */
	int fit_github;
} aslc_graph_options;

/* The drawing of a valid definition in `gopts->format` (malloc'd, its length in *len; free()
 * it), or NULL after diagnostics. */
char *aslc_graph(const aslc_source *src, const aslc_options *opts, const aslc_graph_options *gopts,
		 size_t *len, aslc_diagnostics *diags);

#ifdef __cplusplus
}
#endif
#endif
