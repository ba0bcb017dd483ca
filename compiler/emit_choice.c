/* Choice states. The rules are data: one row per rule in a static table (R<id>_) that the
 * runtime's asl_choose interprets, with And/Or/Not rows pointing at their operand rows. Only
 * what differs per rule is emitted (its paths, shared between rules, and its operand constant),
 * so the C stays small and fast to compile however many rules there are. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

typedef struct op_info {
	const char *name;
	int kind, op;
} op_info;

static const op_info COMPARISONS[] = {
	{"StringEquals", ASL_CMP_STRING, ASL_OP_EQ},
	{"StringLessThan", ASL_CMP_STRING, ASL_OP_LT},
	{"StringGreaterThan", ASL_CMP_STRING, ASL_OP_GT},
	{"StringLessThanEquals", ASL_CMP_STRING, ASL_OP_LE},
	{"StringGreaterThanEquals", ASL_CMP_STRING, ASL_OP_GE},
	{"NumericEquals", ASL_CMP_NUMERIC, ASL_OP_EQ},
	{"NumericLessThan", ASL_CMP_NUMERIC, ASL_OP_LT},
	{"NumericGreaterThan", ASL_CMP_NUMERIC, ASL_OP_GT},
	{"NumericLessThanEquals", ASL_CMP_NUMERIC, ASL_OP_LE},
	{"NumericGreaterThanEquals", ASL_CMP_NUMERIC, ASL_OP_GE},
	{"BooleanEquals", ASL_CMP_BOOLEAN, ASL_OP_EQ},
	{"TimestampEquals", ASL_CMP_TIMESTAMP, ASL_OP_EQ},
	{"TimestampLessThan", ASL_CMP_TIMESTAMP, ASL_OP_LT},
	{"TimestampGreaterThan", ASL_CMP_TIMESTAMP, ASL_OP_GT},
	{"TimestampLessThanEquals", ASL_CMP_TIMESTAMP, ASL_OP_LE},
	{"TimestampGreaterThanEquals", ASL_CMP_TIMESTAMP, ASL_OP_GE},
};

static const struct {
	const char *name;
	int kind;
} TYPE_TESTS[] = {
	{"IsPresent", ASL_RULE_IS_PRESENT}, {"IsNull", ASL_RULE_IS_NULL},
	{"IsNumeric", ASL_RULE_IS_NUMERIC}, {"IsString", ASL_RULE_IS_STRING},
	{"IsBoolean", ASL_RULE_IS_BOOLEAN}, {"IsTimestamp", ASL_RULE_IS_TIMESTAMP},
};

/* The suffixes of ASL_RULE_*, ASL_CMP_*, ASL_OP_* and ASL_ROOT_* the row macros take. */
static const char *const TEST_NAMES[] = {"", "", "", "IS_PRESENT", "IS_NULL", "IS_NUMERIC",
					 "IS_STRING", "IS_BOOLEAN", "IS_TIMESTAMP"};
static const char *const KIND_NAMES[] = {"STRING", "NUMERIC", "BOOLEAN", "TIMESTAMP"};
static const char *const OP_NAMES[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};
static const char *const ROOT_NAMES[] = {"INPUT", "CONTEXT", "VARIABLE"};

/* One row of the table as the emitter builds it: ids of paths and constants, -1 for none. */
typedef struct rule_row {
	int kind, cmp, op, expect;
	int variable_root, operand_root;
	int first, count;
	int variable, operand_path, operand;
} rule_row;

typedef struct rule_table {
	rule_row *rows;
	int count;
} rule_table;

static const op_info *comparison(const char *key, size_t n)
{
	for (size_t i = 0; i < sizeof COMPARISONS / sizeof COMPARISONS[0]; i++)
		if (strlen(COMPARISONS[i].name) == n && !memcmp(COMPARISONS[i].name, key, n))
			return &COMPARISONS[i];
	return NULL;
}

/* The rows a rule needs: its own and all its operands'. */
static int count_rows(const asl_value *r)
{
	const asl_value *v;
	int n = 1;
	if ((v = field(r, "And")) || (v = field(r, "Or")))
		for (size_t i = 0; i < v->u.array.len; i++)
			n += count_rows(v->u.array.items[i]);
	else if ((v = field(r, "Not")))
		n += count_rows(v);
	return n;
}

/* A rule's path table P<id>_, emitted once per distinct path of the machine's Choices. */
static int rule_path(emitter *e, const asl_value *v, int *root)
{
	jpath *p = emit_parse_path(e, v);
	*root = p->root == ROOT_CONTEXT ? ASL_ROOT_CONTEXT
		: p->root == ROOT_VARIABLE ? ASL_ROOT_VARIABLE
					   : ASL_ROOT_INPUT;
	int id = name_index_find(&e->rule_paths, v->u.string.ptr, v->u.string.len);
	if (id < 0) {
		id = emit_path(e, p);
		name_index_add(&e->rule_paths, e->arena, v->u.string.ptr, v->u.string.len, id);
	}
	return id;
}

static void data_test(emitter *e, const asl_value *r, rule_row *row)
{
	const asl_member *opm = NULL;
	for (size_t i = 0; i < r->u.object.len; i++) {
		const char *k = r->u.object.members[i].key;
		if (strcmp(k, "Variable") && strcmp(k, "Next") && strcmp(k, "Comment") &&
		    strcmp(k, "Assign"))
			opm = &r->u.object.members[i];
	}
	const char *k = opm->key;
	const asl_value *operand = opm->value;
	row->variable = rule_path(e, field(r, "Variable"), &row->variable_root);
	for (size_t i = 0; i < sizeof TYPE_TESTS / sizeof TYPE_TESTS[0]; i++)
		if (!strcmp(k, TYPE_TESTS[i].name)) {
			row->kind = TYPE_TESTS[i].kind;
			row->expect = operand->boolean;
			return;
		}
	if (!strcmp(k, "StringMatches")) {
		row->kind = ASL_RULE_MATCHES;
		row->operand = emit_constant(e, operand);
		return;
	}
	size_t n = strlen(k);
	int is_path = n > 4 && !strcmp(k + n - 4, "Path");
	const op_info *op = comparison(k, is_path ? n - 4 : n);
	row->cmp = op->kind;
	row->op = op->op;
	if (is_path) {
		row->kind = ASL_RULE_COMPARE_PATH;
		row->operand_path = rule_path(e, operand, &row->operand_root);
	} else {
		row->kind = ASL_RULE_COMPARE;
		row->operand = emit_constant(e, operand);
	}
}

/* Fills row `at` for rule `r`; a composite's operands get the next free rows, together. */
static void fill_row(emitter *e, rule_table *t, int at, const asl_value *r)
{
	rule_row *row = &t->rows[at];
	const asl_value *v;
	*row = (rule_row){0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1};
	if ((v = field(r, "And")) || (v = field(r, "Or"))) {
		row->kind = field(r, "And") ? ASL_RULE_AND : ASL_RULE_OR;
		row->first = t->count;
		row->count = (int)v->u.array.len;
		t->count += row->count;
		for (int i = 0; i < row->count; i++)
			fill_row(e, t, row->first + i, v->u.array.items[i]);
	} else if ((v = field(r, "Not"))) {
		row->kind = ASL_RULE_NOT;
		row->first = t->count++;
		row->count = 1;
		fill_row(e, t, row->first, v);
	} else {
		data_test(e, r, row);
	}
}

static void print_row(FILE *out, const rule_row *r)
{
	const char *root = ROOT_NAMES[r->variable_root];
	switch (r->kind) {
	case ASL_RULE_AND:
	case ASL_RULE_OR:
		fprintf(out, "\tASL_R_%s(%d, %d),\n", r->kind == ASL_RULE_AND ? "AND" : "OR",
			r->first, r->count);
		break;
	case ASL_RULE_NOT:
		fprintf(out, "\tASL_R_NOT(%d),\n", r->first);
		break;
	case ASL_RULE_MATCHES:
		fprintf(out, "\tASL_R_MATCHES(%s, &P%d_, &L%d_),\n", root, r->variable, r->operand);
		break;
	case ASL_RULE_COMPARE:
		fprintf(out, "\tASL_R_CMP(%s, %s, %s, &P%d_, &L%d_),\n", KIND_NAMES[r->cmp],
			OP_NAMES[r->op], root, r->variable, r->operand);
		break;
	case ASL_RULE_COMPARE_PATH:
		fprintf(out, "\tASL_R_CMP_PATH(%s, %s, %s, &P%d_, %s, &P%d_),\n", KIND_NAMES[r->cmp],
			OP_NAMES[r->op], root, r->variable, ROOT_NAMES[r->operand_root],
			r->operand_path);
		break;
	default:
		fprintf(out, "\tASL_R_TEST(%s, %d, %s, &P%d_),\n", TEST_NAMES[r->kind], r->expect,
			root, r->variable);
	}
}

/* The table R<id>_ of a Choice state's rules: Choices[i] is row i. Returns the id. */
static int emit_rule_table(emitter *e, const asl_value *choices)
{
	int n = (int)choices->u.array.len, total = 0;
	for (int i = 0; i < n; i++)
		total += count_rows(choices->u.array.items[i]);
	rule_table t = {asl_arena_alloc(e->arena, (size_t)total * sizeof *t.rows), n};
	if (!t.rows)
		return -1;
	for (int i = 0; i < n; i++)
		fill_row(e, &t, i, choices->u.array.items[i]);
	int id = e->counter++;
	fprintf(e->out, "static const asl_rule R%d_[] = {\n", id);
	for (int i = 0; i < t.count; i++)
		print_row(e->out, &t.rows[i]);
	fputs("};\n", e->out);
	return id;
}

static int has_assign(const asl_value *v)
{
	const asl_value *a = field(v, "Assign");
	return a && a->type == ASL_OBJECT && a->u.object.len;
}

/* Code that builds a rule's (or the Default's) Assign values into `asg` for the common tail. */
static void assign_case(emitter *e, const asl_value *assign, int index)
{
	int tid, slots = emit_assign_tables(e, assign, &tid);
	fprintf(e->code, "\tcase %d:\n\t\tif (!(asg = t%d_(ex, in)))\n\t\t\treturn asl_failed(ex);\n"
			 "\t\tslots = V%d_;\n\t\tbreak;\n", index, tid, slots);
}

void emit_choice_state(emitter *e, const state_info *s)
{
	const asl_value *def = s->def, *choices = field(def, "Choices"), *dflt = field(def, "Default");
	int n = (int)choices->u.array.len, assigns = dflt && has_assign(def);
	FILE *b = e->code;
	int id = emit_rule_table(e, choices);
	/* the state each outcome goes to: Choices[i] for i < n, then the Default */
	fprintf(e->out, "static const int N%d_[] = {", id);
	for (int i = 0; i < n; i++) {
		const asl_value *rule = choices->u.array.items[i];
		emit_list_separator(e->out, (size_t)i);
		fputs(emit_next(e, s, field(rule, "Next")), e->out);
		assigns |= has_assign(rule);
	}
	if (dflt) {
		emit_list_separator(e->out, (size_t)n);
		fputs(emit_next(e, s, dflt), e->out);
	}
	fputs("};\n", e->out);

	fprintf(b, "\tint r = asl_choose(ex, R%d_, %d, in);\n\tif (r < 0)\n\t\treturn ASL_FAILED;\n",
		id, n);
	if (!dflt)
		fprintf(b, "\tif (r == %d)\n\t\treturn asl_fail_no_choice(ex);\n", n);
	if (assigns) {
		/* the values are built from the input before OutputPath, assigned after it */
		fputs("\tasl_value *asg = NULL;\n\tconst int *slots = NULL;\n\tswitch (r) {\n", b);
		for (int i = 0; i < n; i++)
			if (has_assign(choices->u.array.items[i]))
				assign_case(e, field(choices->u.array.items[i], "Assign"), i);
		if (dflt && has_assign(def))
			assign_case(e, field(def, "Assign"), n);
		fputs("\t}\n", b);
	}
	emit_io_path(e, field(def, "OutputPath"), "out", "in");
	if (assigns)
		fputs("\tif (asg && asl_assign(ex, asg, slots) < 0)\n\t\treturn ASL_FAILED;\n", b);
	fprintf(b, "\treturn asl_leave(ex, out, N%d_[r]);\n", id);
}
