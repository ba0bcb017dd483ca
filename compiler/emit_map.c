/* The work of a Map state: its items (ItemsPath, or a distributed Map's ItemReader), its
 * limits, and the call that runs the processor on each item (or batch). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

/* An integer setting's literal for an int64_t field: beyond 2^62 every count means "no limit",
 * and converting a larger double would be undefined. */
static double int64_setting(double v)
{
	return v > 4611686018427387904.0 ? 4611686018427387904.0 : v;
}

/* A Map setting from a literal or its *Path field, into `lim`. */
static void emit_map_setting(emitter *e, const ir_setting *st, int kind, const char *member)
{
	if (!st->given)
		return;
	if (!st->path) {
		fprintf(e->code, "\tlim.%s = %.17g;\n", member,
			kind == 'p' ? st->literal : int64_setting(st->literal));
	} else {
		int id;
		const char *get = emit_path_expr(e, st->path, "in", &id);
		fprintf(e->code,
			"\tif (asl_map_setting(ex, '%c', &P%d_, %s, items, &lim) < 0)\n"
			"\t\treturn ASL_FAILED;\n",
			kind, id, get);
	}
}

static const char *template_or_null(emitter *e, const ir_expr *tpl, char *buf, size_t n)
{
	if (!tpl)
		return "NULL";
	snprintf(buf, n, "t%d_", emit_template(e, tpl));
	return buf;
}

static const char *delimiter_text(char d)
{
	return d == '\t' ? "\\t" : d == '|' ? "|" : d == ';' ? ";" : d == ' ' ? " " : ",";
}

/* The ItemReader, ItemBatcher and ResultWriter tables of a distributed Map ("NULL" when
 * absent), as expressions for asl_run_distributed. */
static void emit_distributed(emitter *e, const ir_map *mp, char r[32], char bt[32], char w[32])
{
	char tb[32];
	strcpy(r, "NULL");
	strcpy(bt, "NULL");
	strcpy(w, "NULL");
	if (mp->reader) {
		const ir_reader *rd = mp->reader;
		char hb[32] = "NULL";
		if (rd->headers)
			snprintf(hb, sizeof hb, "&L%d_",
				 emit_constant(e, rd->headers, "ItemReader.CSVHeaders"));
		const char *params = template_or_null(e, rd->parameters, tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_item_reader R%d_ = {", id);
		emit_c_string(e->out, rd->input_type->u.string.ptr, rd->input_type->u.string.len);
		fprintf(e->out, ", %d, %s, '%s', %.0f, %s};\n", rd->first_row, hb,
			delimiter_text(rd->delimiter),
			rd->max_items >= 0 ? int64_setting(rd->max_items) : -1.0, params);
		snprintf(r, 32, "&R%d_", id);
	}
	if (mp->batcher) {
		const ir_batcher *b = mp->batcher;
		const char *bi = template_or_null(e, b->batch_input, tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_item_batcher IB%d_ = {%.0f, %.0f, %s};\n", id,
			b->max_items >= 0 ? int64_setting(b->max_items) : -1.0,
			b->max_bytes >= 0 ? int64_setting(b->max_bytes) : -1.0, bi);
		snprintf(bt, 32, "&IB%d_", id);
	}
	if (mp->has_writer) {
		const char *params = template_or_null(e, mp->writer, tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_result_writer W%d_ = {%s};\n", id, params);
		snprintf(w, 32, "&W%d_", id);
	}
}

/* Map: `res` = the processor's outputs for the items. */
void emit_map_call(emitter *e, const ir_state *s)
{
	const ir_map *mp = &s->u.map;
	char selector[32] = "NULL";
	if (mp->selector)
		snprintf(selector, sizeof selector, "t%d_", emit_template(e, mp->selector));
	int id = e->counter++;
	fprintf(e->out, "static const asl_map M%d_ = {%d, %s};\n", id,
		e->ir->scopes[mp->processor].start, selector);
	FILE *b = e->code;
	if (mp->reader) {
		fputs("\tasl_value *items = NULL; /* read by the ItemReader */\n", b);
	} else {
		int pid;
		const char *get = emit_path_expr(e, mp->items_path, "in", &pid);
		fprintf(b, "\tasl_value *items = %s;\n", get);
		fprintf(b,
			"\tif (!items || (items->type != ASL_ARRAY && items->type != ASL_OBJECT))"
			"\n\t\treturn asl_fail_items(ex, &P%d_, items);\n",
			pid);
	}
	fputs("\tasl_map_limits lim = {0, -1, -1};\n", b);
	emit_map_setting(e, &mp->max_concurrency, 'c', "max_concurrency");
	emit_map_setting(e, &mp->tolerated_count, 'n', "tolerated_count");
	emit_map_setting(e, &mp->tolerated_percentage, 'p', "tolerated_percentage");
	if (mp->distributed) {
		char r[32], bt[32], w[32];
		emit_distributed(e, mp, r, bt, w);
		fprintf(b, "\tres = asl_run_distributed(ex, &M%d_, %s, %s, %s, items, in, &lim);\n",
			id, r, bt, w);
	} else {
		fprintf(b, "\tres = asl_run_map(ex, &M%d_, items, in, &lim);\n", id);
	}
}
