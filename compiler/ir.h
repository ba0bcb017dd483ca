/* The lowered form of a validated definition (built by lower.c): states as a kind plus typed
 * slots, expressions parsed once, scopes and the transition graph. Back ends (the C emitter,
 * a graph renderer) read only this; every node keeps the asl_value it came from, for
 * diagnostics. Choice rules use the runtime's ASL_RULE_/ASL_CMP_/ASL_OP_ numbering. */
#ifndef ASLC_IR_H
#define ASLC_IR_H

#include "aslc.h"

#define IR_END (-1) /* a transition that ends the scope */

/* ---- expressions ---- */
typedef enum ir_expr_kind {
	IR_CONST, /* a JSON value (a template part without any .$ field) */
	IR_PATH, /* a JSONPath */
	IR_INTRINSIC, /* an intrinsic function call */
	IR_OBJECT, /* a payload template object with dynamic fields */
	IR_ARRAY, /* a payload template array with dynamic items */
	IR_JSONATA, /* reserved for JSONata expressions: never produced yet */
} ir_expr_kind;

typedef struct ir_expr ir_expr;

typedef struct ir_field {
	const char *key; /* the member's name as written (with ".$" when dynamic) */
	size_t key_len;
	size_t name_len; /* without the ".$" */
	ir_expr *value;
} ir_field;

struct ir_expr {
	ir_expr_kind kind;
	const asl_value *at; /* where it was written */
	const char *slot; /* the state's field it belongs to ("Parameters"), for comments */
	const asl_value *constant; /* IR_CONST */
	const jpath *path; /* IR_PATH */
	const intrinsic *call; /* IR_INTRINSIC */
	ir_field *fields; /* IR_OBJECT */
	ir_expr **items; /* IR_ARRAY */
	size_t count; /* fields or items */
};

/* Assign: the values as one template (object) and the variable slot of each field. */
typedef struct ir_assign {
	const asl_value *at;
	ir_expr *values;
	int *slots;
	size_t count;
} ir_assign;

/* ---- Choice rules ---- */
typedef struct ir_rule ir_rule;
struct ir_rule {
	const asl_value *at;
	int kind; /* ASL_RULE_* */
	int cmp, op; /* comparisons: ASL_CMP_*, ASL_OP_* */
	int expect; /* type tests: the boolean operand */
	ir_expr *variable; /* IR_PATH; NULL for And/Or/Not */
	ir_expr *operand; /* IR_CONST, or IR_PATH for ...Path comparisons */
	ir_rule *operands; /* And/Or: count operands; Not: one */
	int count;
};

typedef struct ir_choice {
	ir_rule rule;
	int next;
	ir_assign *assign; /* NULL: none */
} ir_choice;

/* ---- Retry and Catch ---- */
typedef struct ir_errors {
	const asl_value *at; /* the ErrorEquals array */
	const asl_value *const *names;
	size_t count;
} ir_errors;

typedef struct ir_retrier {
	ir_errors errors;
	double interval, backoff, max_delay, max_attempts;
	int full_jitter;
} ir_retrier;

typedef struct ir_catcher {
	ir_errors errors;
	ir_expr *result_path; /* NULL: "$"; an IR_CONST null: discard */
	ir_assign *assign;
	int next;
} ir_catcher;

/* ---- per-kind data ---- */
typedef struct ir_setting { /* a number given as a literal or read from a Reference Path */
	int given;
	double literal;
	ir_expr *path; /* NULL: the literal */
} ir_setting;

typedef struct ir_task {
	const asl_value *resource;
	int wait_for_token; /* .waitForTaskToken */
	ir_setting timeout, heartbeat;
	const asl_value *credentials; /* checked, not used by the runtime */
} ir_task;

typedef enum ir_wait_kind {
	IR_WAIT_SECONDS,
	IR_WAIT_TIMESTAMP,
	IR_WAIT_SECONDS_PATH,
	IR_WAIT_TIMESTAMP_PATH
} ir_wait_kind;
typedef struct ir_wait {
	ir_wait_kind kind;
	double seconds;
	const asl_value *timestamp;
	ir_expr *path;
} ir_wait;

typedef struct ir_fail { /* each: NULL, IR_CONST (Error/Cause), IR_PATH or IR_INTRINSIC */
	ir_expr *error, *cause;
} ir_fail;

typedef struct ir_reader {
	const asl_value *at;
	const asl_value *input_type; /* JSON, JSONL or CSV */
	int first_row; /* CSV headers from the first row */
	const asl_value *headers; /* CSVHeaders when GIVEN */
	char delimiter;
	double max_items; /* -1: no limit */
	ir_expr *parameters;
} ir_reader;

typedef struct ir_batcher {
	const asl_value *at;
	double max_items, max_bytes; /* -1: no limit */
	ir_expr *batch_input;
} ir_batcher;

typedef struct ir_map {
	int processor; /* the scope of the ItemProcessor (or Iterator) */
	int distributed;
	ir_expr *items_path; /* always a path ("$" when not given); not used with a reader,
				* which gives the items (AWS applies ItemsPath to the state input) */
	ir_expr *selector; /* ItemSelector or Parameters; NULL */
	ir_setting max_concurrency, tolerated_count, tolerated_percentage;
	ir_reader *reader; /* NULL unless distributed and given */
	ir_batcher *batcher;
	ir_expr *writer; /* ResultWriter: its Parameters (NULL) */
	int has_writer;
} ir_map;

typedef struct ir_parallel {
	int *branches; /* scope indexes */
	int count;
} ir_parallel;

/* ---- states, scopes and the graph ---- */
typedef enum ir_kind {
	IR_PASS,
	IR_TASK,
	IR_CHOICE,
	IR_WAIT,
	IR_SUCCEED,
	IR_FAIL,
	IR_PARALLEL,
	IR_MAP
} ir_kind;

typedef enum ir_edge_kind {
	IR_EDGE_NEXT,
	IR_EDGE_DEFAULT,
	IR_EDGE_CHOICE,
	IR_EDGE_CATCH,
	IR_EDGE_BRANCH
} ir_edge_kind;

typedef struct ir_edge {
	ir_edge_kind kind;
	int to; /* a state index */
	int which; /* the rule, catcher or branch (scope) index; 0 for Next and Default */
} ir_edge;

typedef struct ir_state {
	ir_kind kind;
	const char *name;
	size_t name_len;
	const asl_value *at; /* the state object */
	int scope;
	ir_expr *input_path, *output_path; /* NULL: "$"; IR_CONST null: {} */
	ir_expr *parameters; /* Parameters (Pass, Task, Parallel; a Map's is its selector) */
	ir_expr *result; /* Pass: the Result constant */
	ir_expr *result_selector;
	ir_expr *result_path; /* NULL: "$"; IR_CONST null: discard the result */
	ir_assign *assign;
	int next; /* IR_END when End (or a terminal state) */
	ir_choice *choices;
	int choice_count;
	int has_default, default_next;
	ir_retrier *retriers;
	int retrier_count;
	ir_catcher *catchers;
	int catcher_count;
	union {
		ir_task task;
		ir_wait wait;
		ir_fail fail;
		ir_map map;
		ir_parallel parallel;
	} u;
	ir_edge *edges; /* every successor, in the order above */
	int edge_count;
} ir_state;

typedef struct ir_scope {
	const asl_value *at; /* the machine, a Parallel branch or a Map processor */
	int start;
	int parent; /* -1 for the machine */
	int owner; /* the Parallel or Map state, -1 for the machine */
} ir_scope;

typedef struct ir_machine {
	ir_state *states;
	int count;
	ir_scope *scopes;
	int scope_count;
	int start;
	const machine_info *info; /* the validator's tables: names, variables, bindings */
} ir_machine;

/* Lowers a definition that validated without errors; NULL when out of memory. */
ir_machine *lower(const machine_info *m, asl_arena *arena);
const char *ir_kind_name(ir_kind k);
/* The slot of an assigned variable (its index in the machine's variable table), or -1. */
int ir_variable(const ir_machine *ir, const char *name);

#endif
