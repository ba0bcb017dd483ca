/* Internal header of the aslc compiler: the structures shared by its phases.
 * Pipeline, as library.c runs it for the public API (include/aslc/aslc.h): source.c (parse
 * with positions) -> validate.c, check_values.c (static rules; the state, scope and variable
 * tables; each path parsed by jsonpath.c and each intrinsic call by intrinsic.c, once, and kept
 * in the parsed table, parsed.c) -> lower.c (the IR, ir.h) -> emit*.c (C code, from the IR
 * only; emit.h) -> build.c (cc) or jit.c (libtcc). diagnostics.c records what the phases
 * report; main.c, the CLI, calls library.c. */
#ifndef ASLC_H
#define ASLC_H

#include <stdarg.h>
#include <stdio.h>

#include "asl/json.h"
#include "asl/task.h"
#include "aslc/aslc.h"

#define MAX_DEFINITION 1048576u /* AWS's limit on a definition */

/* ---- source.c: the definition text ---- */
typedef struct source {
	const char *path;
	char *text;
	size_t len;
	size_t *line_starts; /* the offset of each line, for diagnostics */
	size_t line_count;
	asl_value *root;
	int errors;
	aslc_diagnostics *diags; /* where diag_error and diag_note record */
} source;

/* Parses `text`: `src` zeroed but for its path and diags; `text` malloc'd with a NUL at
 * text[len], owned by `src` from now on. 0, or -1 after a diagnostic. */
int source_parse(source *src, char *text, size_t len, asl_arena *arena);
/* 1-based line and column (in bytes) of a byte offset of the text. */
void source_position(const source *src, size_t pos, int *line, int *col);

/* ---- diagnostics.c: recording them (the phases call diag_error and diag_note) ---- */
/* Record a diagnostic at node `at` (NULL: the start) with its line, column and JSON Pointer.
 * diag_error's code is SCHEMA_VALIDATION_FAILED, what most faults are; diag_error_code names
 * another (AWS's ValidateStateMachineDefinition codes, or UNSUPPORTED for what aslc lacks). A
 * note takes the code of the error it explains. */
void diag_error(source *src, const asl_value *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
void diag_error_code(source *src, const asl_value *at, aslc_code code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
void diag_note(source *src, const asl_value *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* A diagnostic about the definition as a whole (pointer "", no position). */
void diag_file(aslc_diagnostics *d, const char *file, aslc_code code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* A diagnostic that is not about the definition (pointer NULL): the build, an option. */
void diag_tool(aslc_diagnostics *d, aslc_severity sev, aslc_code code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Member lookup by C string (the first match; duplicates are reported by the validator). */
asl_value *field(const asl_value *obj, const char *key);

/* ---- jsonpath.c: JSONPath syntax ---- */
typedef enum path_root { ROOT_INPUT, ROOT_CONTEXT, ROOT_VARIABLE } path_root;

typedef struct filter_expr filter_expr;

typedef struct path_seg {
	int kind; /* asl_seg_kind */
	char *key;
	size_t key_len;
	long long index, end, step;
	int slice_flags;
	char **keys;
	size_t *key_lens;
	long long *indexes;
	size_t count;
	filter_expr *filter;
} path_seg;

typedef struct jpath {
	const char *text;
	path_root root;
	char *variable; /* ROOT_VARIABLE: the variable name */
	path_seg *segs;
	int seg_count;
	int definite; /* only keys and single indexes */
} jpath;

/* Filter expressions inside [?( )]. */
typedef enum filter_kind { F_OR, F_AND, F_NOT, F_CMP, F_EXISTS } filter_kind;

typedef struct filter_operand {
	int is_path; /* @... or $... */
	int from_root; /* $... rather than @... */
	jpath *path;
	asl_value *literal;
} filter_operand;

struct filter_expr {
	filter_kind kind;
	filter_expr *a, *b;
	int op; /* ASL_OP_* */
	filter_operand lhs, rhs;
};

/* Parses `text` as a Path; returns NULL and a message on error. */
jpath *jpath_parse(asl_arena *arena, const char *text, size_t len, char *err, size_t errlen);
/* A Reference Path: definite, no filters/wildcards. */
int jpath_is_reference(const jpath *p);

/* ---- intrinsic.c: intrinsic function calls ---- */
typedef struct intrinsic_fn {
	const char *name; /* States.Format */
	const char *c_name; /* the runtime function that implements it */
	int min_args, max_args; /* max -1: variadic */
	const char *types;
} intrinsic_fn;

typedef struct intrinsic intrinsic;
typedef enum iarg_kind { IA_LITERAL, IA_PATH, IA_CALL } iarg_kind;
typedef struct iarg {
	iarg_kind kind;
	asl_value *literal;
	jpath *path;
	intrinsic *call;
	size_t offset; /* in the intrinsic text, for diagnostics */
} iarg;
struct intrinsic {
	const intrinsic_fn *fn;
	iarg *args;
	int nargs;
	size_t offset;
};

/* Parses and type-checks a call; NULL with a message and the offset of the fault. */
intrinsic *intrinsic_parse(asl_arena *arena, const char *text, size_t len, char *err, size_t errlen,
			   size_t *err_at);
int intrinsic_format_placeholders(const char *tmpl, size_t len);

/* ---- parsed.c: each path and intrinsic call of the definition, parsed once ---- */
/* The validator keeps what it parsed, found by the string node it was written as; the lowering
 * takes it from here and parses nothing itself. */
typedef struct parsed_slot {
	const asl_value *at; /* NULL: free */
	const void *expr; /* a jpath when the text starts with '$', else an intrinsic */
} parsed_slot;
typedef struct parsed_table { /* zeroed: empty */
	parsed_slot *slots;
	size_t mask, count;
} parsed_table;

/* Keep the parse of `at` (memory from `arena`); 0, or -1 without memory. */
int parsed_add_path(parsed_table *t, asl_arena *arena, const asl_value *at, const jpath *p);
int parsed_add_call(parsed_table *t, asl_arena *arena, const asl_value *at, const intrinsic *call);
/* What was parsed from `at`, or NULL: not parsed, or not of that kind. */
const jpath *parsed_path(const parsed_table *t, const asl_value *at);
const intrinsic *parsed_call(const parsed_table *t, const asl_value *at);

/* ---- name_index.c: names found by hashing (a zeroed index is empty) ---- */
typedef struct name_slot {
	const char *name; /* NULL: free */
	size_t len;
	int id;
} name_slot;
typedef struct name_index {
	name_slot *slots;
	size_t mask, count;
} name_index;

/* The id stored under `name`, or -1. */
int name_index_find(const name_index *ix, const char *name, size_t len);
/* The id already stored under `name`, else stores `id` (memory from `arena`) and returns -1.
 * `name` is borrowed and must outlive the index. */
int name_index_add(name_index *ix, asl_arena *arena, const char *name, size_t len, int id);

/* ---- validate.c: static rules and the state table ---- */
typedef struct state_info {
	const char *name;
	size_t name_len;
	asl_value *def; /* the state object (notes about its name point here: a member's
			       * key has no node of its own) */
	const char *type;
	int scope; /* which States object it belongs to */
} state_info;

typedef struct var_ref {
	const char *name;
	const asl_value *at;
	int scope;
} var_ref;

typedef struct scope_info {
	const asl_value *obj; /* the machine, a Parallel branch or a Map processor */
	int start; /* index of its StartAt state */
	int parent; /* the enclosing scope, -1 for the machine itself */
	int owner; /* the Parallel or Map state it belongs to, -1 for the machine itself */
} scope_info;

typedef struct machine_info {
	scope_info *scopes;
	int scope_count, scope_cap;
	state_info *states;
	int count, cap;
	name_index state_names; /* index in states of each name */
	const char **vars; /* assigned variable names: the index is the variable's slot */
	int var_count, var_cap;
	var_ref *refs; /* variable references, checked once every Assign is known */
	int ref_count, ref_cap;
	var_ref *assigns; /* every Assign of a variable, with its scope */
	int assign_count, assign_cap;
	name_index var_names; /* the slot of each variable */
	parsed_table parsed; /* every path and intrinsic call that was checked, parsed */
	int check_only; /* set before validate: no lowering follows, keep nothing parsed */
	int start;
	double timeout_seconds;
	const char *name;
	const asl_binding *bindings; /* --task / --tasks given to aslc */
	int binding_count;
} machine_info;

/* Validates the definition, reports every error and fills `m` (its parsed table unless
 * m->check_only). Returns the error count. */
int validate(source *src, asl_arena *arena, machine_info *m);
int state_index(const machine_info *m, int scope, const char *name, size_t len);
/* The slot of an assigned variable, or -1. */
int var_slot(const machine_info *m, const char *name);

/* ---- emit*.c: C code generation ---- */
typedef struct emitter {
	FILE *out;
	asl_arena *arena;
	int counter; /* for unique generated names */
	FILE *body; /* helper functions are written here, declarations and data to `out` */
	FILE *code; /* the body of the state function being generated */
	FILE *data; /* long text as byte arrays: written first, before everything else */
	name_index paths; /* the id of the P<id>_ emitted for each path text */
	name_index accessors; /* the paths whose accessor p<id>_ is emitted */
	name_index constants; /* the id of the L<id>_ emitted for each constant (by content) */
	const struct ir_machine *ir;
	const struct ir_state *state; /* the state being emitted: helpers' comments name it */
	const struct ir_state *out_state; /* the last comment written to `out` (one per run) */
	const char *out_slot;
} emitter;

typedef struct emit_options {
	int with_main; /* a main() that calls asl_main (unless -DASL_NO_MAIN) */
	const char *symbol; /* the descriptor's C name; NULL: asl_generated_machine */
	const char *definition_hash; /* hex SHA-256 of the definition text (trusted: hex digits) */
} emit_options;

/* The C of a lowered machine (memory for the emitter's tables from `arena`); 0. */
int emit_machine(const struct ir_machine *ir, asl_arena *arena, FILE *out, const emit_options *opt);
/* C string literal with every unsafe byte escaped (no injection, no trigraphs); for text known
 * to be short (under 4095 bytes). */
void emit_c_string(FILE *out, const char *s, size_t len);
/* User text as a C expression of type const char *: a literal, or, past C11's limit on the
 * length of a literal, the name of a static char array emitted to e->data. */
void emit_c_text(emitter *e, FILE *out, const char *s, size_t len);
/* The ", " before item i of a brace list, with a line break every 16 items. */
void emit_list_separator(FILE *out, size_t i);
/* A comment-safe rendering of user text. */
void emit_comment_text(FILE *out, const char *s, size_t len);
/* The rest of the emitter's interface is internal to emit*.c: see emit.h. */

/* ---- build.c: the system C compiler; jit.c: libtcc ---- */
/* The generated C `c_code` as an executable at `output`; 0, or -1 after a diagnostic. */
int build_native(const char *c_code, size_t len, const aslc_options *opt, const char *output,
		 aslc_diagnostics *d);
/* The generated C compiled in memory; its descriptor is `symbol`. NULL after a diagnostic. */
aslc_module *jit_load(const char *c_code, const aslc_options *opt, const char *symbol,
		      aslc_diagnostics *d);

/* Where the runtime's headers and library are: the option, else $ASLC_INCLUDE_DIR /
 * $ASLC_LIB_DIR, else next to aslc (build tree or install prefix). */
const char *aslc_include_dir(const aslc_options *opt);
const char *aslc_lib_dir(const aslc_options *opt);

#endif
