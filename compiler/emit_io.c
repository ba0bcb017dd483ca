/* What every state's code shares: InputPath/OutputPath, ResultPath, Assign and the
 * transition to the next state. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

const char *emit_target(emitter *e, int next)
{
	if (next == IR_END)
		return "ASL_END";
	char buf[32];
	snprintf(buf, sizeof buf, "%d", next);
	const asl_value *s = asl_cstring(e->arena, buf);
	return s ? s->u.string.ptr : "ASL_END";
}

static int is_null(const ir_expr *x)
{
	return x && x->kind == IR_CONST;
}

int emit_reads_input(const ir_expr *x)
{
	if (!x)
		return 1; /* "$": the input itself */
	if (x->kind == IR_PATH)
		return x->path->root == ROOT_INPUT; /* not $$ or a variable */
	return x->kind != IR_CONST;
}

int emit_uses_raw(const ir_state *s)
{
	if (emit_reads_input(s->input_path))
		return 1; /* in = raw or a path of raw */
	if (s->result_path) /* only the kinds that have a ResultPath get one */
		return 1; /* merged into raw, or raw kept */
	for (int i = 0; i < s->catcher_count; i++)
		if (s->catchers[i].result_path)
			return 1;
	return 0;
}

void emit_enter(emitter *e, const char *enter, int uses_raw, const char *vars)
{
	if (uses_raw)
		fprintf(e->code, "\tasl_value *raw = %s%s%s;\n", enter, *vars ? ", " : "", vars);
	else if (*vars)
		fprintf(e->code, "\t%s;\n\tasl_value %s;\n", enter, vars);
	else
		fprintf(e->code, "\t%s;\n", enter);
}

/* Code for `dst = path(src)` that fails the state (AWS's InputPath/OutputPath error). */
void emit_io_path(emitter *e, const ir_expr *x, const char *dst, const char *src)
{
	FILE *b = e->code;
	if (!x) {
		if (strcmp(dst, src))
			fprintf(b, "\t%s = %s;\n", dst, src);
		return;
	}
	if (is_null(x)) {
		fprintf(b, "\tif (!(%s = asl_empty_object(ex)))\n\t\treturn asl_failed(ex);\n",
			dst);
		return;
	}
	int id;
	const char *call = emit_path_expr(e, x, src, &id);
	fprintf(b, "\tif (!(%s = %s))\n\t\treturn asl_fail_path(ex, &P%d_);\n", dst, call, id);
}

void emit_result_path(emitter *e, const ir_expr *x, const char *result, const char *on_fail,
		      FILE *b)
{
	if (is_null(x)) {
		fputs("\tout = raw;\n", b);
	} else if (!x) {
		fprintf(b, "\tout = %s;\n", result);
	} else {
		int id = emit_path(e, x->path, x->slot);
		fprintf(b, "\tif (!(out = asl_result_path(ex, raw, %s, &P%d_)))\n\t\t%s;\n", result,
			id, on_fail);
	}
}

/* Assign's tables: the template t<id>_ of its values (*template_id) and the slots V<id>_ they
 * go to (the id returned), or -1 when there is no Assign. */
int emit_assign_tables(emitter *e, const ir_assign *a, int *template_id)
{
	if (!a)
		return -1;
	*template_id = emit_template(e, a->values);
	int id = e->counter++;
	fprintf(e->out, "static const int V%d_[] = {", id);
	for (size_t i = 0; i < a->count; i++) {
		emit_list_separator(e->out, i);
		fprintf(e->out, "%d", a->slots[i]);
	}
	fputs("};\n", e->out);
	return id;
}

/* Assign: builds the values now (into `var`), assigns them when the state leaves. */
int emit_assign_values(emitter *e, const ir_assign *a, const char *input, const char *var)
{
	int tid, id = emit_assign_tables(e, a, &tid);
	if (id >= 0)
		fprintf(e->code,
			"\tasl_value *%s;\n\tif (!(%s = t%d_(ex, %s)))\n\t\treturn asl_failed(ex);\n",
			var, var, tid, input);
	return id;
}

void emit_assign_commit(int id, const char *var, FILE *b, const char *indent)
{
	if (id >= 0)
		fprintf(b, "%sif (asl_assign(ex, %s, V%d_) < 0)\n%s\treturn ASL_FAILED;\n", indent,
			var, id, indent);
}
