/* Emitting data: static JSON constants, compiled paths (inline access code for definite
 * paths, segment tables and filter functions for the others), payload templates (construction
 * code) and intrinsic calls. Identical constants and paths are emitted once.
 * Data and declarations go to e->out, functions to e->body, and long text, as byte arrays, to
 * e->data (first in the file: anything may refer to it). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

void emit_number(FILE *out, double d)
{
	if (isinf(d))
		fputs(d < 0 ? "(-1e308 * 10.0)" : "(1e308 * 10.0)", out);
	else
		fprintf(out, "%.17g", d);
}

/* ---- constants ---- */

/* What makes two constants the same: the type, then the scalar or the children's ids (and
 * member names). -1 when it is new, after storing `id` under it. */
static int constant_seen(emitter *e, const asl_value *v, const int *ids, int id)
{
	char *key = NULL;
	size_t len = 0;
	FILE *k = open_memstream(&key, &len);
	fputc('0' + (int)v->type, k);
	switch (v->type) {
	case ASL_ARRAY:
		for (size_t i = 0; i < v->u.array.len; i++)
			fprintf(k, "%d,", ids[i]);
		break;
	case ASL_OBJECT:
		for (size_t i = 0; i < v->u.object.len; i++) {
			const asl_member *m = &v->u.object.members[i];
			fprintf(k, "%zu:", m->key_len);
			fwrite(m->key, 1, m->key_len, k);
			fprintf(k, "=%d,", ids[i]);
		}
		break;
	case ASL_BOOL:
		fputc('0' + !!v->boolean, k);
		break;
	case ASL_NUMBER:
		fprintf(k, "%.17g,%d,", v->u.number, (v->flags & ASL_FLAG_INTEGER) ? 1 : 0);
		if (v->u.number_text)
			fprintf(k, "%s", v->u.number_text);
		break;
	case ASL_STRING:
		fwrite(v->u.string.ptr, 1, v->u.string.len, k);
		break;
	default:
		break;
	}
	fclose(k);
	int found = name_index_find(&e->constants, key, len);
	if (found < 0) {
		const asl_value *stored = asl_string(e->arena, key, len);
		if (stored)
			name_index_add(&e->constants, e->arena, stored->u.string.ptr, len, id);
	}
	free(key);
	return found;
}

static int constant(emitter *e, const asl_value *v)
{
	size_t n = v->type == ASL_ARRAY    ? v->u.array.len
		   : v->type == ASL_OBJECT ? v->u.object.len
					   : 0;
	int *ids = asl_arena_alloc(e->arena, (n + 1) * sizeof(int));
	for (size_t i = 0; i < n; i++)
		ids[i] = constant(e, v->type == ASL_ARRAY ? v->u.array.items[i]
							  : v->u.object.members[i].value);
	int seen = constant_seen(e, v, ids, e->counter);
	if (seen >= 0)
		return seen;
	int id = e->counter++;
	if (v->type == ASL_ARRAY) {
		if (n) {
			fprintf(e->out, "static asl_value *const A%d_[] = {", id);
			for (size_t i = 0; i < n; i++) {
				emit_list_separator(e->out, i);
				fprintf(e->out, "ASL_CONST_VALUE(&L%d_)", ids[i]);
			}
			fprintf(e->out,
				"};\nstatic const asl_value L%d_ = ASL_STATIC_ARRAY(A%d_, %zu);\n",
				id, id, n);
		} else {
			fprintf(e->out,
				"static const asl_value L%d_ = ASL_STATIC_ARRAY(NULL, 0);\n", id);
		}
		return id;
	}
	if (v->type == ASL_OBJECT) {
		if (n) {
			fprintf(e->out, "static const asl_member M%d_[] = {\n", id);
			for (size_t i = 0; i < n; i++) {
				const asl_member *m = &v->u.object.members[i];
				fputs("\t{", e->out);
				emit_c_text(e, e->out, m->key, m->key_len);
				fprintf(e->out, ", %zu, ASL_CONST_VALUE(&L%d_)},\n", m->key_len,
					ids[i]);
			}
			fprintf(e->out,
				"};\nstatic const asl_value L%d_ = ASL_STATIC_OBJECT(M%d_, %zu);\n",
				id, id, n);
		} else {
			fprintf(e->out,
				"static const asl_value L%d_ = ASL_STATIC_OBJECT(NULL, 0);\n", id);
		}
		return id;
	}
	fprintf(e->out, "static const asl_value L%d_ = ", id);
	switch (v->type) {
	case ASL_NULL:
		fputs("ASL_STATIC_NULL", e->out);
		break;
	case ASL_BOOL:
		fprintf(e->out, "ASL_STATIC_BOOL(%d)", v->boolean);
		break;
	case ASL_NUMBER:
		fputs(v->u.number_text ? "ASL_STATIC_NUMBER_TEXT(" : "ASL_STATIC_NUMBER(", e->out);
		emit_number(e->out, v->u.number);
		fprintf(e->out, ", %d", (v->flags & ASL_FLAG_INTEGER) ? 1 : 0);
		if (v->u.number_text) {
			fputs(", ", e->out);
			emit_c_text(e, e->out, v->u.number_text, strlen(v->u.number_text));
		}
		fputc(')', e->out);
		break;
	default:
		fputs("ASL_STATIC_STRING(", e->out);
		emit_c_text(e, e->out, v->u.string.ptr, v->u.string.len);
		fprintf(e->out, ", %zu)", v->u.string.len);
		break;
	}
	fputs(";\n", e->out);
	return id;
}

int emit_constant(emitter *e, const asl_value *v, const char *slot)
{
	if (!slot)
		return constant(e, v);
	/* written aside first: the comment goes before a new constant only */
	char *text = NULL;
	size_t len = 0;
	FILE *saved = e->out, *mem = open_memstream(&text, &len);
	e->out = mem;
	int id = constant(e, v);
	fclose(mem);
	e->out = saved;
	if (len) {
		emit_origin(e, e->out, slot);
		fwrite(text, 1, len, e->out);
	}
	free(text);
	return id;
}

/* ---- paths ---- */

static const char *const SEG_KINDS[] = {"ASL_SEG_KEY",      "ASL_SEG_INDEX",    "ASL_SEG_WILDCARD",
					"ASL_SEG_SLICE",    "ASL_SEG_KEYS",     "ASL_SEG_INDEXES",
					"ASL_SEG_DEEP_KEY", "ASL_SEG_DEEP_ALL", "ASL_SEG_FILTER"};

static const char *const OPS[] = {"ASL_OP_EQ", "ASL_OP_NE", "ASL_OP_LT",
				  "ASL_OP_LE", "ASL_OP_GT", "ASL_OP_GE"};

/* What a filter reads, so that its function declares nothing else: 1 ex, 2 root, 4 at. */
static int filter_uses(const filter_expr *f)
{
	int u = 0;
	if (f->kind == F_OR || f->kind == F_AND || f->kind == F_NOT)
		return filter_uses(f->a) | (f->b ? filter_uses(f->b) : 0);
	const filter_operand *ops[2] = {&f->lhs, f->kind == F_CMP ? &f->rhs : NULL};
	for (int i = 0; i < 2; i++)
		if (ops[i] && ops[i]->is_path)
			u |= 1 | (ops[i]->from_root ? 2 : 4);
	return u;
}

static void emit_operand(emitter *e, const filter_operand *o, const char *slot, FILE *out)
{
	if (o->is_path) {
		int id = emit_path(e, o->path, slot);
		fprintf(out, "asl_filter_get(ex, &P%d_, %s)", id, o->from_root ? "root" : "at");
	} else {
		fprintf(out, "&L%d_", emit_constant(e, o->literal, slot));
	}
}

static void emit_filter_expr(emitter *e, const filter_expr *f, const char *slot, FILE *out)
{
	switch (f->kind) {
	case F_OR:
	case F_AND:
		fputc('(', out);
		emit_filter_expr(e, f->a, slot, out);
		fputs(f->kind == F_OR ? " || " : " && ", out);
		emit_filter_expr(e, f->b, slot, out);
		fputc(')', out);
		break;
	case F_NOT:
		fputs("!(", out);
		emit_filter_expr(e, f->a, slot, out);
		fputc(')', out);
		break;
	case F_EXISTS:
		fputs("asl_truthy_present(", out);
		emit_operand(e, &f->lhs, slot, out);
		fputc(')', out);
		break;
	case F_CMP:
		fputs("asl_filter_compare(", out);
		emit_operand(e, &f->lhs, slot, out);
		fprintf(out, ", %s, ", OPS[f->op]);
		emit_operand(e, &f->rhs, slot, out);
		fputc(')', out);
		break;
	}
}

/* The filter's expression is written to a buffer first: it emits constants of its own. */
static int emit_filter(emitter *e, const filter_expr *f, const char *slot)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	emit_filter_expr(e, f, slot, mem);
	fclose(mem);
	int id = e->counter++, uses = filter_uses(f);
	fprintf(e->out, "static int f%d_(asl_exec *ex, asl_value *root, asl_value *at)\n{\n", id);
	fprintf(e->out, "%s%s%s\treturn %s;\n}\n", uses & 1 ? "" : "\t(void)ex;\n",
		uses & 2 ? "" : "\t(void)root;\n", uses & 4 ? "" : "\t(void)at;\n", text);
	free(text);
	return id;
}

/* The K (keys) and I (indexes) tables of a path's unions, named after the path's id. */
static void emit_union_tables(emitter *e, const path_seg *s, int id, int i)
{
	if (s->kind == ASL_SEG_KEYS) {
		fprintf(e->out, "static const char *const K%d_%d_[] = {", id, i);
		for (size_t k = 0; k < s->count; k++) {
			emit_list_separator(e->out, k);
			emit_c_text(e, e->out, s->keys[k], s->key_lens[k]);
		}
		fprintf(e->out, "};\nstatic const size_t KL%d_%d_[] = {", id, i);
		for (size_t k = 0; k < s->count; k++) {
			emit_list_separator(e->out, k);
			fprintf(e->out, "%zu", s->key_lens[k]);
		}
		fputs("};\n", e->out);
	}
	if (s->kind == ASL_SEG_INDEXES) {
		fprintf(e->out, "static const int64_t I%d_%d_[] = {", id, i);
		for (size_t k = 0; k < s->count; k++) {
			emit_list_separator(e->out, k);
			fprintf(e->out, "%lld", s->indexes[k]);
		}
		fputs("};\n", e->out);
	}
}

int emit_path(emitter *e, const jpath *p, const char *slot)
{
	size_t text_len = strlen(p->text);
	int id = name_index_find(&e->paths, p->text, text_len);
	if (id >= 0)
		return id;
	/* the filters first: they emit paths and constants of their own */
	int *filters = asl_arena_alloc(e->arena, ((size_t)p->seg_count + 1) * sizeof(int));
	for (int i = 0; i < p->seg_count; i++)
		if (p->segs[i].kind == ASL_SEG_FILTER)
			filters[i] = emit_filter(e, p->segs[i].filter, slot);
	id = e->counter++;
	name_index_add(&e->paths, e->arena, p->text, text_len, id);
	emit_origin(e, e->out, slot);
	for (int i = 0; i < p->seg_count; i++)
		emit_union_tables(e, &p->segs[i], id, i);
	if (p->seg_count) {
		fprintf(e->out, "static const asl_seg S%d_[] = {\n", id);
		for (int i = 0; i < p->seg_count; i++) {
			const path_seg *s = &p->segs[i];
			fprintf(e->out, "\t{.kind = %s", SEG_KINDS[s->kind]);
			if (s->key) {
				fputs(", .key = ", e->out);
				emit_c_text(e, e->out, s->key, s->key_len);
				fprintf(e->out, ", .key_len = %zu", s->key_len);
			}
			if (s->kind == ASL_SEG_INDEX || s->kind == ASL_SEG_SLICE)
				fprintf(e->out, ", .index = %lld", s->index);
			if (s->kind == ASL_SEG_SLICE)
				fprintf(e->out, ", .end = %lld, .step = %lld, .slice_flags = %d",
					s->end, s->step, s->slice_flags);
			if (s->kind == ASL_SEG_KEYS)
				fprintf(e->out,
					", .keys = K%d_%d_, .key_lens = KL%d_%d_, .count = %zu", id,
					i, id, i, s->count);
			if (s->kind == ASL_SEG_INDEXES)
				fprintf(e->out, ", .indexes = I%d_%d_, .count = %zu", id, i,
					s->count);
			if (s->kind == ASL_SEG_FILTER)
				fprintf(e->out, ", .filter = f%d_", filters[i]);
			fputs("},\n", e->out);
		}
		fputs("};\n", e->out);
	}
	int slot_no = p->root == ROOT_VARIABLE ? ir_variable(e->ir, p->variable) : -1;
	fprintf(e->out, "static const asl_path P%d_ = {", id);
	emit_c_text(e, e->out, p->text, text_len);
	if (p->seg_count)
		fprintf(e->out, ", S%d_, %d, %d, %d};\n", id, p->seg_count, p->definite, slot_no);
	else
		fprintf(e->out, ", NULL, 0, %d, %d};\n", p->definite, slot_no);
	return id;
}

/* A definite path of one or more steps compiles to inline access code: one lookup per step
 * (up to 16 steps). Emitted once per path. */
static void emit_accessor(emitter *e, const jpath *p, int id, const char *slot)
{
	if (name_index_add(&e->accessors, e->arena, p->text, strlen(p->text), id) >= 0)
		return;
	emit_origin(e, e->body, slot);
	emit_origin(e, e->out, slot);
	fprintf(e->body, "static asl_value *p%d_(asl_exec *ex, asl_value *v)\n{\n", id);
	fprintf(e->out, "static asl_value *p%d_(asl_exec *ex, asl_value *v);\n", id);
	if (p->seg_count >
	    16) { /* a long path is data: a function of 30,000 steps compiles slowly */
		fprintf(e->body, "\treturn asl_path_get(ex, &P%d_, v);\n}\n\n", id);
		return;
	}
	for (int i = 0; i < p->seg_count; i++) {
		const path_seg *s = &p->segs[i];
		if (s->kind == ASL_SEG_KEY) {
			fputs("\tif (!(v = asl_key(v, ", e->body);
			emit_c_text(e, e->body, s->key, s->key_len);
			fprintf(e->body, ", %zu)))\n", s->key_len);
		} else {
			fprintf(e->body, "\tif (!(v = asl_index(v, %lld)))\n", s->index);
		}
		fprintf(e->body, "\t\treturn asl_miss(ex, &P%d_, %d);\n", id, i);
	}
	fputs("\treturn v;\n}\n\n", e->body);
}

/* The expression for path `p` on `input`: `$`, `$$` or `$var` alone is its root itself, a
 * definite path its accessor, any other asl_select. */
static const char *path_expr(emitter *e, const jpath *p, const char *slot, const char *input,
			     int *id_out)
{
	int id = emit_path(e, p, slot);
	if (id_out)
		*id_out = id;
	char buf[96], root_buf[48];
	const char *root = p->root == ROOT_CONTEXT ? "asl_context(ex)" : input;
	if (p->root == ROOT_VARIABLE) {
		snprintf(root_buf, sizeof root_buf, "asl_var(ex, %d)",
			 ir_variable(e->ir, p->variable));
		root = root_buf;
	}
	const char *text = buf;
	if (!p->definite) {
		snprintf(buf, sizeof buf, "asl_select(ex, &P%d_, %s)", id, root);
	} else if (p->seg_count) {
		emit_accessor(e, p, id, slot);
		snprintf(buf, sizeof buf, "p%d_(ex, %s)", id, root);
	} else {
		text = root;
	}
	const asl_value *s = asl_cstring(e->arena, text);
	return s ? s->u.string.ptr : "NULL";
}

const char *emit_path_expr(emitter *e, const ir_expr *x, const char *input, int *id_out)
{
	return path_expr(e, x->path, x->slot, input, id_out);
}

/* ---- intrinsic calls: each a function that evaluates the arguments (literals are
 * constants, paths inline access code, nested calls their own functions) and calls the
 * runtime function directly ---- */

static int call_fn(emitter *e, const intrinsic *call, const char *key, const char *slot)
{
	char *text = NULL;
	size_t len = 0;
	int uses_in = 0;
	FILE *out = open_memstream(&text, &len);
	for (int i = 0; i < call->nargs; i++) {
		const iarg *a = &call->args[i];
		if (a->kind == IA_LITERAL) {
			fprintf(out, "\ta[%d] = ASL_CONST_VALUE(&L%d_);\n", i,
				emit_constant(e, a->literal, slot));
		} else if (a->kind == IA_CALL) {
			int sub = call_fn(e, a->call, key, slot);
			fprintf(out, "\tif (!(a[%d] = i%d_(ex, in)))\n\t\treturn NULL;\n", i, sub);
			uses_in = 1;
		} else {
			int pid;
			const char *get = path_expr(e, a->path, slot, "in", &pid);
			fprintf(out,
				"\tif (!(a[%d] = %s))\n\t\treturn asl_fail_template(ex, &P%d_, ", i,
				get, pid);
			emit_c_text(e, out, key, strlen(key));
			fputs(", in);\n", out);
			uses_in = 1;
		}
	}
	fclose(out);
	int id = e->counter++;
	fprintf(e->out, "static asl_value *i%d_(asl_exec *ex, asl_value *in);\n", id);
	emit_origin(e, e->body, slot);
	fprintf(e->body, "static asl_value *i%d_(asl_exec *ex, asl_value *in) /* %s */\n{\n", id,
		call->fn->name);
	fprintf(e->body, "\tasl_value *a[%d];\n%s%s", call->nargs ? call->nargs : 1,
		uses_in ? "" : "\t(void)in;\n", text);
	fprintf(e->body, "\treturn %s(ex, a, %d);\n}\n\n", call->fn->c_name, call->nargs);
	free(text);
	return id;
}

int emit_intrinsic(emitter *e, const ir_expr *x, const char *key)
{
	return call_fn(e, x->call, key, x->slot);
}

/* ---- payload templates ---- */

/* Writes code into `out` that leaves the built value in v<depth>; *vars: the v's used. */
static void build_value(emitter *e, const ir_expr *x, int depth, FILE *out, int *vars)
{
	int need = x->kind == IR_CONST ? depth + 1 : depth + 2;
	if (need > *vars)
		*vars = need;
	if (x->kind == IR_CONST) {
		fprintf(out, "\tv%d = ASL_CONST_VALUE(&L%d_);\n", depth,
			emit_constant(e, x->constant, x->slot));
		return;
	}
	int child = depth + 1;
	if (x->kind == IR_ARRAY) {
		fprintf(out, "\tv%d = asl_array(a, %zu);\n", depth, x->count);
		for (size_t i = 0; i < x->count; i++) {
			build_value(e, x->items[i], child, out, vars);
			fprintf(out, "\tif (asl_array_push(a, v%d, v%d) < 0)\n\t\treturn NULL;\n",
				depth, child);
		}
		return;
	}
	fprintf(out, "\tv%d = asl_object(a, %zu);\n", depth, x->count);
	for (size_t i = 0; i < x->count; i++) {
		const ir_field *f = &x->fields[i];
		if (f->value->kind == IR_INTRINSIC) {
			int iid = emit_intrinsic(e, f->value, f->key);
			fprintf(out, "\tif (!(v%d = i%d_(ex, in)))\n\t\treturn NULL;\n", child,
				iid);
		} else if (f->key_len != f->name_len) { /* a path */
			int pid;
			const char *call = emit_path_expr(e, f->value, "in", &pid);
			fprintf(out, "\tif (!(v%d = %s))\n\t\treturn asl_fail_template(ex, &P%d_, ",
				child, call, pid);
			emit_c_text(e, out, f->key, f->key_len);
			fputs(", in);\n", out);
		} else {
			build_value(e, f->value, child, out, vars);
		}
		fprintf(out, "\tif (asl_object_append(a, v%d, ", depth);
		emit_c_text(e, out, f->key, f->name_len);
		fprintf(out, ", %zu, v%d) < 0)\n\t\treturn NULL;\n", f->name_len, child);
	}
}

int emit_template(emitter *e, const ir_expr *tpl)
{
	char *text = NULL;
	size_t len = 0;
	int vars = 0;
	FILE *mem = open_memstream(&text, &len);
	build_value(e, tpl, 0, mem, &vars);
	fclose(mem);
	int id = e->counter++;
	emit_origin(e, e->body, tpl->slot);
	fprintf(e->body, "static asl_value *t%d_(asl_exec *ex, asl_value *in)\n{\n", id);
	if (tpl->kind == IR_CONST) /* a template without a `.$` field: its value is a constant */
		fputs("\t(void)ex;\n\t(void)in;\n", e->body);
	else
		fputs("\tasl_arena *a = asl_heap(ex);\n", e->body);
	for (int i = 0; i < vars; i++)
		fprintf(e->body, "%sv%d", i ? ", *" : "\tasl_value *", i);
	fprintf(e->body, ";\n%s\treturn v0;\n}\n\n", text);
	fprintf(e->out, "static asl_value *t%d_(asl_exec *ex, asl_value *in);\n", id);
	free(text);
	return id;
}
