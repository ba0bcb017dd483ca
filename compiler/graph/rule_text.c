/* A Choice rule as the text on its edge: "$.x > 2", "$.s == \"a\"", "$.x is present",
 * "$.a > 1 and not ($.b == true)". Operands are written as JSON, so a string reads quoted
 * and a number bare; timestamps say so, since they compare as times, not as strings. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "graph.h"

static const char *const OPS[] = {"==", "!=", "<", "<=", ">", ">="}; /* ASL_OP_* */

static const char *const TESTS[][2] = {
	/* ASL_RULE_IS_PRESENT ... ASL_RULE_IS_TIMESTAMP: {expect true, expect false} */
	{"is present", "is not present"}, {"is null", "is not null"},
	{"is numeric", "is not numeric"}, {"is string", "is not string"},
	{"is boolean", "is not boolean"}, {"is timestamp", "is not timestamp"},
};

static void write_expr(FILE *f, asl_arena *arena, const ir_expr *e)
{
	if (!e) {
		fputs("?", f);
	} else if (e->kind == IR_PATH) {
		fputs(e->path->text, f);
	} else if (e->kind == IR_CONST) {
		size_t len;
		const char *json = asl_to_json(arena, e->constant, &len);
		if (json)
			fwrite(json, 1, len, f);
	} else {
		fputs("...", f);
	}
}

static void write_rule(FILE *f, asl_arena *arena, const ir_rule *r, int nested)
{
	switch (r->kind) {
	case ASL_RULE_AND:
	case ASL_RULE_OR:
		if (nested)
			fputc('(', f);
		for (int i = 0; i < r->count; i++) {
			if (i)
				fputs(r->kind == ASL_RULE_AND ? " and " : " or ", f);
			write_rule(f, arena, &r->operands[i], 1);
		}
		if (nested)
			fputc(')', f);
		break;
	case ASL_RULE_NOT:
		fputs("not (", f);
		write_rule(f, arena, &r->operands[0], 0);
		fputc(')', f);
		break;
	case ASL_RULE_MATCHES:
		write_expr(f, arena, r->variable);
		fputs(" matches ", f);
		write_expr(f, arena, r->operand);
		break;
	case ASL_RULE_COMPARE:
	case ASL_RULE_COMPARE_PATH:
		write_expr(f, arena, r->variable);
		fprintf(f, " %s ", OPS[r->op]);
		write_expr(f, arena, r->operand);
		if (r->cmp == ASL_CMP_TIMESTAMP)
			fputs(" (timestamp)", f);
		break;
	default:
		write_expr(f, arena, r->variable);
		fprintf(f, " %s", TESTS[r->kind - ASL_RULE_IS_PRESENT][r->expect ? 0 : 1]);
		break;
	}
}

const char *graph_rule_text(asl_arena *arena, const ir_rule *rule)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	write_rule(f, arena, rule, 0);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	const asl_value *copy = asl_string(arena, text, len);
	free(text);
	return copy ? copy->u.string.ptr : NULL;
}
