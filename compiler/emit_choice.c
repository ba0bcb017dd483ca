/* Choice states. The rules are data: one row per rule in a static table (R<id>_) that the
 * runtime's asl_choose interprets, with And/Or/Not rows pointing at their operand rows. Only
 * what differs per rule is emitted (its paths, shared between rules, and its operand constant),
 * so the C stays small and fast to compile however many rules there are. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

/* The suffixes of ASL_RULE_*, ASL_CMP_*, ASL_OP_* and ASL_ROOT_* the row macros take. */
static const char *const TEST_NAMES[] = {"",           "",           "",
					 "IS_PRESENT", "IS_NULL",    "IS_NUMERIC",
					 "IS_STRING",  "IS_BOOLEAN", "IS_TIMESTAMP"};
static const char *const KIND_NAMES[] = {"STRING", "NUMERIC", "BOOLEAN", "TIMESTAMP"};
static const char *const OP_NAMES[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};
static const char *const ROOT_NAMES[] = {"INPUT", "CONTEXT", "VARIABLE"};

/* One row of the table as the emitter builds it: ids of paths and constants, -1 for none. */
typedef struct rule_row {
	const ir_rule *rule;
	int first; /* And/Or/Not: the operands' first row */
	int variable, operand;
} rule_row;

typedef struct rule_table {
	rule_row *rows;
	int count;
} rule_table;

/* The rows a rule needs: its own and all its operands'. */
static int count_rows(const ir_rule *r)
{
	int n = 1;
	for (int i = 0; i < r->count; i++)
		n += count_rows(&r->operands[i]);
	return n;
}

static int root_of(const ir_expr *x)
{
	return x->path->root == ROOT_CONTEXT    ? ASL_ROOT_CONTEXT
	       : x->path->root == ROOT_VARIABLE ? ASL_ROOT_VARIABLE
						: ASL_ROOT_INPUT;
}

/* Fills row `at` for rule `r`; a composite's operands get the next free rows, together. */
static void fill_row(emitter *e, rule_table *t, int at, const ir_rule *r)
{
	rule_row *row = &t->rows[at];
	*row = (rule_row){r, 0, -1, -1};
	if (r->kind == ASL_RULE_AND || r->kind == ASL_RULE_OR || r->kind == ASL_RULE_NOT) {
		row->first = t->count;
		t->count += r->count;
		for (int i = 0; i < r->count; i++)
			fill_row(e, t, row->first + i, &r->operands[i]);
		return;
	}
	row->variable = emit_path(e, r->variable->path, "Choices");
	if (r->kind == ASL_RULE_COMPARE_PATH)
		row->operand = emit_path(e, r->operand->path, "Choices");
	else if (r->operand)
		row->operand = emit_constant(e, r->operand->constant, "Choices");
}

static void print_row(FILE *out, const rule_row *row)
{
	const ir_rule *r = row->rule;
	const char *root = r->variable ? ROOT_NAMES[root_of(r->variable)] : "";
	switch (r->kind) {
	case ASL_RULE_AND:
	case ASL_RULE_OR:
		fprintf(out, "\tASL_R_%s(%d, %d),\n", r->kind == ASL_RULE_AND ? "AND" : "OR",
			row->first, r->count);
		break;
	case ASL_RULE_NOT:
		fprintf(out, "\tASL_R_NOT(%d),\n", row->first);
		break;
	case ASL_RULE_MATCHES:
		fprintf(out, "\tASL_R_MATCHES(%s, &P%d_, &L%d_),\n", root, row->variable,
			row->operand);
		break;
	case ASL_RULE_COMPARE:
		fprintf(out, "\tASL_R_CMP(%s, %s, %s, &P%d_, &L%d_),\n", KIND_NAMES[r->cmp],
			OP_NAMES[r->op], root, row->variable, row->operand);
		break;
	case ASL_RULE_COMPARE_PATH:
		fprintf(out, "\tASL_R_CMP_PATH(%s, %s, %s, &P%d_, %s, &P%d_),\n",
			KIND_NAMES[r->cmp], OP_NAMES[r->op], root, row->variable,
			ROOT_NAMES[root_of(r->operand)], row->operand);
		break;
	default:
		fprintf(out, "\tASL_R_TEST(%s, %d, %s, &P%d_),\n", TEST_NAMES[r->kind], r->expect,
			root, row->variable);
	}
}

/* The table R<id>_ of a Choice state's rules: Choices[i] is row i. Returns the id. */
static int emit_rule_table(emitter *e, const ir_state *s)
{
	int n = s->choice_count, total = 0;
	for (int i = 0; i < n; i++)
		total += count_rows(&s->choices[i].rule);
	rule_table t = {asl_arena_alloc(e->arena, (size_t)total * sizeof *t.rows), n};
	if (!t.rows)
		return -1;
	for (int i = 0; i < n; i++)
		fill_row(e, &t, i, &s->choices[i].rule);
	int id = e->counter++;
	emit_origin(e, e->out, "Choices");
	fprintf(e->out, "static const asl_rule R%d_[] = {\n", id);
	for (int i = 0; i < t.count; i++)
		print_row(e->out, &t.rows[i]);
	fputs("};\n", e->out);
	return id;
}

/* Code that builds a rule's (or the Default's) Assign values into `asg` for the common tail. */
static void assign_case(emitter *e, const ir_assign *assign, int index)
{
	int tid, slots = emit_assign_tables(e, assign, &tid);
	fprintf(e->code,
		"\tcase %d:\n\t\tif (!(asg = t%d_(ex, in)))\n\t\t\treturn asl_failed(ex);\n"
		"\t\tslots = V%d_;\n\t\tbreak;\n",
		index, tid, slots);
}

void emit_choice(emitter *e, const ir_state *s, int index)
{
	FILE *b = e->code;
	int n = s->choice_count;
	/* the state's own Assign applies with the Default only */
	const ir_assign *dflt_assign = s->has_default ? s->assign : NULL;
	int assigns = dflt_assign != NULL;
	char enter[48];
	snprintf(enter, sizeof enter, "asl_enter(ex, %d)", index);
	emit_enter(e, enter, emit_uses_raw(s), "*in, *out");
	emit_io_path(e, s->input_path, "in", "raw");
	int id = emit_rule_table(e, s);
	/* the state each outcome goes to: Choices[i] for i < n, then the Default */
	fprintf(e->out, "static const int N%d_[] = {", id);
	for (int i = 0; i < n; i++) {
		emit_list_separator(e->out, (size_t)i);
		fputs(emit_target(e, s->choices[i].next), e->out);
		assigns |= s->choices[i].assign != NULL;
	}
	if (s->has_default) {
		emit_list_separator(e->out, (size_t)n);
		fputs(emit_target(e, s->default_next), e->out);
	}
	fputs("};\n", e->out);

	fprintf(b,
		"\tint r = asl_choose(ex, R%d_, %d, in);\n\tif (r < 0)\n\t\treturn ASL_FAILED;\n",
		id, n);
	if (!s->has_default)
		fprintf(b, "\tif (r == %d)\n\t\treturn asl_fail_no_choice(ex);\n", n);
	if (assigns) {
		/* the values are built from the input before OutputPath, assigned after it */
		fputs("\tasl_value *asg = NULL;\n\tconst int *slots = NULL;\n\tswitch (r) {\n", b);
		for (int i = 0; i < n; i++)
			if (s->choices[i].assign)
				assign_case(e, s->choices[i].assign, i);
		if (dflt_assign)
			assign_case(e, dflt_assign, n);
		fputs("\t}\n", b);
	}
	emit_io_path(e, s->output_path, "out", "in");
	if (assigns)
		fputs("\tif (asg && asl_assign(ex, asg, slots) < 0)\n\t\treturn ASL_FAILED;\n", b);
	fprintf(b, "\treturn asl_leave(ex, out, N%d_[r]);\n", id);
}
