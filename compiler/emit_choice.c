/* Choice rules: each compiles to a C function returning 1 (true), 0 (false) or -1 (an error
 * was raised, e.g. a Variable that does not exist). */
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

static const char *const KIND_NAMES[] = {"ASL_CMP_STRING", "ASL_CMP_NUMERIC", "ASL_CMP_BOOLEAN",
					 "ASL_CMP_TIMESTAMP"};
static const char *const OP_NAMES[] = {"ASL_OP_EQ", "ASL_OP_NE", "ASL_OP_LT",
				       "ASL_OP_LE", "ASL_OP_GT", "ASL_OP_GE"};

static const op_info *comparison(const char *key, size_t n)
{
	for (size_t i = 0; i < sizeof COMPARISONS / sizeof COMPARISONS[0]; i++)
		if (strlen(COMPARISONS[i].name) == n && !memcmp(COMPARISONS[i].name, key, n))
			return &COMPARISONS[i];
	return NULL;
}


/* Writes the body of a data-test rule into `out`. */
static void data_test(emitter *e, const asl_value *r, FILE *out)
{
	const asl_value *var = field(r, "Variable");
	const asl_member *opm = NULL;
	for (size_t i = 0; i < r->u.object.len; i++) {
		const char *k = r->u.object.members[i].key;
		if (strcmp(k, "Variable") && strcmp(k, "Next") && strcmp(k, "Comment") &&
		    strcmp(k, "Assign"))
			opm = &r->u.object.members[i];
	}
	int vid;
	const char *get = emit_path_expr(e, emit_parse_path(e, var), "in", &vid);
	const char *k = opm->key;
	const asl_value *operand = opm->value;
	fprintf(out, "\tasl_value *v = %s;\n", get);
	if (!strcmp(k, "IsPresent")) {
		fprintf(out, "\treturn (v != NULL) == %d;\n", operand->boolean);
		return;
	}
	fprintf(out, "\tif (!v)\n\t\treturn asl_fail_choice_path(ex, &P%d_), -1;\n", vid);
	const char *test = NULL;
	if (!strcmp(k, "IsNull"))
		test = "v->type == ASL_NULL";
	else if (!strcmp(k, "IsNumeric"))
		test = "v->type == ASL_NUMBER";
	else if (!strcmp(k, "IsString"))
		test = "v->type == ASL_STRING";
	else if (!strcmp(k, "IsBoolean"))
		test = "v->type == ASL_BOOL";
	else if (!strcmp(k, "IsTimestamp"))
		test = "asl_is_timestamp(v)";
	if (test) {
		fprintf(out, "\treturn (%s) == %d;\n", test, operand->boolean);
		return;
	}
	if (!strcmp(k, "StringMatches")) {
		fputs("\treturn asl_string_matches(v, ", out);
		emit_c_string(out, operand->u.string.ptr, operand->u.string.len);
		fprintf(out, ", %zu);\n", operand->u.string.len);
		return;
	}
	size_t n = strlen(k);
	int is_path = n > 4 && !strcmp(k + n - 4, "Path");
	const op_info *op = comparison(k, is_path ? n - 4 : n);
	if (is_path) {
		int oid;
		const char *oget = emit_path_expr(e, emit_parse_path(e, operand), "in", &oid);
		fprintf(out, "\tasl_value *w = %s;\n", oget);
		fprintf(out, "\tif (!w)\n\t\treturn asl_fail_choice_path(ex, &P%d_), -1;\n", oid);
		fprintf(out, "\treturn asl_compare(%s, %s, v, w);\n", KIND_NAMES[op->kind],
			OP_NAMES[op->op]);
	} else {
		fprintf(out, "\treturn asl_compare(%s, %s, v, &L%d_);\n", KIND_NAMES[op->kind],
			OP_NAMES[op->op], emit_constant(e, operand));
	}
}

int emit_rule(emitter *e, const asl_value *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	const asl_value *v;
	if ((v = field(r, "And")) || (v = field(r, "Or"))) {
		int is_and = field(r, "And") != NULL;
		fputs("\tint r;\n", out);
		for (size_t i = 0; i < v->u.array.len; i++) {
			int sub = emit_rule(e, v->u.array.items[i]);
			/* AWS evaluates left to right and stops at the first decisive operand: false
			 * for And, true for Or; an error (-1) always stops. */
			fprintf(out, "\tif ((r = c%d_(ex, in)) != %d)\n\t\treturn r;\n", sub, is_and);
		}
		fprintf(out, "\treturn %d;\n", is_and);
	} else if ((v = field(r, "Not"))) {
		int sub = emit_rule(e, v);
		fprintf(out, "\tint r = c%d_(ex, in);\n\treturn r < 0 ? r : !r;\n", sub);
	} else {
		data_test(e, r, out);
	}
	fclose(out);
	int id = e->counter++;
	fprintf(e->out, "static int c%d_(asl_exec *ex, asl_value *in);\n", id);
	fprintf(e->body, "static int c%d_(asl_exec *ex, asl_value *in)\n{\n\t(void)ex;\n\t(void)in;\n%s}\n\n",
		id, text);
	free(text);
	return id;
}
