/* Emitting data: escaped C strings, static JSON constants, compiled paths (inline access code
 * for definite paths, segment tables and filter functions for the others) and payload
 * templates (construction code). Data and declarations go to e->out, functions to e->body, and
 * long text, as byte arrays, to e->data (first in the file: anything may refer to it). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

/* Longer user text is split into adjacent literals of this many bytes, one per line, so that
 * no generated line is longer than C11's 4095-character translation limit. */
enum { LITERAL_PIECE = 64 };

void emit_c_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i && i % LITERAL_PIECE == 0)
			fputs("\"\n\t\"", out);
		/* octal escapes take at most three digits, so they never swallow what follows;
		 * '?' is escaped too so no trigraph can form */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(" _-.,:;/$@#!()[]{}<>=+*&^%~|`'", c)))
			fputc(c, out);
		else
			fprintf(out, "\\%03o", c);
	}
	fputc('"', out);
}

void emit_c_text(emitter *e, FILE *out, const char *s, size_t len)
{
	/* C11 guarantees string literals of 4095 characters only (the NUL counted, to be safe) */
	if (len < 4095) {
		emit_c_string(out, s, len);
		return;
	}
	int id = e->counter++;
	fprintf(e->data, "static const char B%d_[%zu] = {\n\t", id, len + 1);
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : 0;
		emit_list_separator(e->data, i);
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			fprintf(e->data, "'%c'", c);
		else
			fprintf(e->data, "'\\%03o'", c);
	}
	fputs("\n};\n", e->data);
	fprintf(out, "B%d_", id);
}

void emit_list_separator(FILE *out, size_t i)
{
	if (i)
		fputs(i % 16 ? ", " : ",\n\t", out);
}

void emit_comment_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)s[i];
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || (c && strchr(" _-.,:", c));
		fputc(safe ? c : '_', out);
	}
}

static void emit_number(FILE *out, double d)
{
	if (isinf(d))
		fputs(d < 0 ? "(-1e308 * 10.0)" : "(1e308 * 10.0)", out);
	else
		fprintf(out, "%.17g", d);
}

int emit_constant(emitter *e, const asl_value *v)
{
	if (v->type == ASL_ARRAY) {
		int *ids = asl_arena_alloc(e->arena, (v->u.array.len + 1) * sizeof(int));
		for (size_t i = 0; i < v->u.array.len; i++)
			ids[i] = emit_constant(e, v->u.array.items[i]);
		int id = e->counter++;
		if (v->u.array.len) {
			fprintf(e->out, "static asl_value *A%d_[] = {", id);
			for (size_t i = 0; i < v->u.array.len; i++) {
				emit_list_separator(e->out, i);
				fprintf(e->out, "&L%d_", ids[i]);
			}
			fprintf(e->out, "};\nstatic asl_value L%d_ = ASL_STATIC_ARRAY(A%d_, %zu);\n", id,
				id, v->u.array.len);
		} else {
			fprintf(e->out, "static asl_value L%d_ = ASL_STATIC_ARRAY(NULL, 0);\n", id);
		}
		return id;
	}
	if (v->type == ASL_OBJECT) {
		int *ids = asl_arena_alloc(e->arena, (v->u.object.len + 1) * sizeof(int));
		for (size_t i = 0; i < v->u.object.len; i++)
			ids[i] = emit_constant(e, v->u.object.members[i].value);
		int id = e->counter++;
		if (v->u.object.len) {
			fprintf(e->out, "static asl_member M%d_[] = {\n", id);
			for (size_t i = 0; i < v->u.object.len; i++) {
				const asl_member *m = &v->u.object.members[i];
				fputs("\t{", e->out);
				emit_c_text(e, e->out, m->key, m->key_len);
				fprintf(e->out, ", %zu, &L%d_},\n", m->key_len, ids[i]);
			}
			fprintf(e->out, "};\nstatic asl_value L%d_ = ASL_STATIC_OBJECT(M%d_, %zu);\n", id,
				id, v->u.object.len);
		} else {
			fprintf(e->out, "static asl_value L%d_ = ASL_STATIC_OBJECT(NULL, 0);\n", id);
		}
		return id;
	}
	int id = e->counter++;
	fprintf(e->out, "static asl_value L%d_ = ", id);
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

static const char *const SEG_KINDS[] = {
	"ASL_SEG_KEY",     "ASL_SEG_INDEX",    "ASL_SEG_WILDCARD",
	"ASL_SEG_SLICE",   "ASL_SEG_KEYS",     "ASL_SEG_INDEXES",
	"ASL_SEG_DEEP_KEY", "ASL_SEG_DEEP_ALL", "ASL_SEG_FILTER"};

static const char *const OPS[] = {"ASL_OP_EQ", "ASL_OP_NE", "ASL_OP_LT",
				  "ASL_OP_LE", "ASL_OP_GT", "ASL_OP_GE"};

static void emit_filter_expr(emitter *e, const filter_expr *f, FILE *out);

static void emit_operand(emitter *e, const filter_operand *o, FILE *out)
{
	if (o->is_path) {
		int id = emit_path(e, o->path);
		fprintf(out, "asl_filter_get(ex, &P%d_, %s)", id, o->from_root ? "root" : "at");
	} else {
		fprintf(out, "&L%d_", emit_constant(e, o->literal));
	}
}

static void emit_filter_expr(emitter *e, const filter_expr *f, FILE *out)
{
	switch (f->kind) {
	case F_OR:
	case F_AND:
		fputc('(', out);
		emit_filter_expr(e, f->a, out);
		fputs(f->kind == F_OR ? " || " : " && ", out);
		emit_filter_expr(e, f->b, out);
		fputc(')', out);
		break;
	case F_NOT:
		fputs("!(", out);
		emit_filter_expr(e, f->a, out);
		fputc(')', out);
		break;
	case F_EXISTS:
		fputs("asl_truthy_present(", out);
		emit_operand(e, &f->lhs, out);
		fputc(')', out);
		break;
	case F_CMP:
		fputs("asl_filter_compare(", out);
		emit_operand(e, &f->lhs, out);
		fprintf(out, ", %s, ", OPS[f->op]);
		emit_operand(e, &f->rhs, out);
		fputc(')', out);
		break;
	}
}

/* The filter's expression is written to a buffer first: it emits constants of its own. */
static int emit_filter(emitter *e, const filter_expr *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	emit_filter_expr(e, f, mem);
	fclose(mem);
	int id = e->counter++;
	fprintf(e->out, "static int f%d_(asl_exec *ex, asl_value *root, asl_value *at)\n{\n"
			"\t(void)ex;\n\t(void)root;\n\t(void)at;\n\treturn %s;\n}\n",
		id, text);
	free(text);
	return id;
}

int emit_path(emitter *e, const jpath *p)
{
	int *filters = asl_arena_alloc(e->arena, ((size_t)p->seg_count + 1) * sizeof(int));
	for (int i = 0; i < p->seg_count; i++) {
		const path_seg *s = &p->segs[i];
		if (s->kind == ASL_SEG_FILTER)
			filters[i] = emit_filter(e, s->filter);
		if (s->kind == ASL_SEG_KEYS) {
			fprintf(e->out, "static const char *const K%d_%d_[] = {", e->counter, i);
			for (size_t k = 0; k < s->count; k++) {
				emit_list_separator(e->out, k);
				emit_c_text(e, e->out, s->keys[k], s->key_lens[k]);
			}
			fprintf(e->out, "};\nstatic const size_t KL%d_%d_[] = {", e->counter, i);
			for (size_t k = 0; k < s->count; k++) {
				emit_list_separator(e->out, k);
				fprintf(e->out, "%zu", s->key_lens[k]);
			}
			fputs("};\n", e->out);
		}
		if (s->kind == ASL_SEG_INDEXES) {
			fprintf(e->out, "static const int64_t I%d_%d_[] = {", e->counter, i);
			for (size_t k = 0; k < s->count; k++) {
				emit_list_separator(e->out, k);
				fprintf(e->out, "%lld", s->indexes[k]);
			}
			fputs("};\n", e->out);
		}
	}
	int id = e->counter++;
	if (p->seg_count) {
		/* the K/I tables above were named with this path's id */
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
				fprintf(e->out, ", .end = %lld, .step = %lld, .slice_flags = %d", s->end,
					s->step, s->slice_flags);
			if (s->kind == ASL_SEG_KEYS)
				fprintf(e->out, ", .keys = K%d_%d_, .key_lens = KL%d_%d_, .count = %zu",
					id, i, id, i, s->count);
			if (s->kind == ASL_SEG_INDEXES)
				fprintf(e->out, ", .indexes = I%d_%d_, .count = %zu", id, i, s->count);
			if (s->kind == ASL_SEG_FILTER)
				fprintf(e->out, ", .filter = f%d_", filters[i]);
			fputs("},\n", e->out);
		}
		fputs("};\n", e->out);
	}
	int slot = p->root == ROOT_VARIABLE ? var_slot(e->m, p->variable) : -1;
	fprintf(e->out, "static const asl_path P%d_ = {", id);
	emit_c_text(e, e->out, p->text, strlen(p->text));
	if (p->seg_count)
		fprintf(e->out, ", S%d_, %d, %d, %d};\n", id, p->seg_count, p->definite, slot);
	else
		fprintf(e->out, ", NULL, 0, %d, %d};\n", p->definite, slot);
	return id;
}

/* A definite path compiles to inline access code: one lookup per step (up to 16 steps). */
static void emit_accessor(emitter *e, const jpath *p, int id)
{
	fprintf(e->body, "static asl_value *p%d_(asl_exec *ex, asl_value *v)\n{\n", id);
	if (p->seg_count > 16) { /* a long path is data: a function of 30,000 steps compiles slowly */
		fprintf(e->body, "\treturn asl_path_get(ex, &P%d_, v);\n}\n\n", id);
		fprintf(e->out, "static asl_value *p%d_(asl_exec *ex, asl_value *v);\n", id);
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
	if (p->seg_count == 0) /* `$`, `$$` or `$var` alone: the table is only for messages */
		fprintf(e->body, "\t(void)&P%d_;\n", id);
	fputs("\t(void)ex;\n\treturn v;\n}\n\n", e->body);
	fprintf(e->out, "static asl_value *p%d_(asl_exec *ex, asl_value *v);\n", id);
}

/* ---- payload templates ---- */

static int has_dynamic(const asl_value *v)
{
	if (v->type == ASL_ARRAY) {
		for (size_t i = 0; i < v->u.array.len; i++)
			if (has_dynamic(v->u.array.items[i]))
				return 1;
	} else if (v->type == ASL_OBJECT) {
		for (size_t i = 0; i < v->u.object.len; i++) {
			const asl_member *m = &v->u.object.members[i];
			if ((m->key_len >= 2 && !memcmp(m->key + m->key_len - 2, ".$", 2)) ||
			    has_dynamic(m->value))
				return 1;
		}
	}
	return 0;
}

/* Writes code into `out` that leaves the built value in variable `var`. */
static void build_value(emitter *e, const asl_value *v, const char *var, FILE *out, int depth);

static void path_call(emitter *e, const jpath *p, int id, const char *input, FILE *out)
{
	char var_root[48];
	const char *root = p->root == ROOT_CONTEXT ? "asl_context(ex)" : input;
	if (p->root == ROOT_VARIABLE) {
		snprintf(var_root, sizeof var_root, "asl_var(ex, %d)", var_slot(e->m, p->variable));
		root = var_root;
	}
	if (p->definite)
		fprintf(out, "p%d_(ex, %s)", id, root);
	else
		fprintf(out, "asl_select(ex, &P%d_, %s)", id, root);
}

const char *emit_path_expr(emitter *e, const jpath *p, const char *input, int *id_out)
{
	int id = emit_path(e, p);
	if (p->definite)
		emit_accessor(e, p, id);
	if (id_out)
		*id_out = id;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	path_call(e, p, id, input, mem);
	fclose(mem);
	asl_value *s = asl_string(e->arena, text, len);
	free(text);
	return s->u.string.ptr;
}

static void build_value(emitter *e, const asl_value *v, const char *var, FILE *out, int depth)
{
	if (!has_dynamic(v)) {
		fprintf(out, "\t%s = &L%d_;\n", var, emit_constant(e, v));
		return;
	}
	char child[32];
	snprintf(child, sizeof child, "v%d", depth + 1);
	if (v->type == ASL_ARRAY) {
		fprintf(out, "\t%s = asl_array(a, %zu);\n", var, v->u.array.len);
		for (size_t i = 0; i < v->u.array.len; i++) {
			build_value(e, v->u.array.items[i], child, out, depth + 1);
			fprintf(out, "\tif (asl_array_push(a, %s, %s) < 0)\n\t\treturn NULL;\n", var,
				child);
		}
		return;
	}
	fprintf(out, "\t%s = asl_object(a, %zu);\n", var, v->u.object.len);
	for (size_t i = 0; i < v->u.object.len; i++) {
		const asl_member *m = &v->u.object.members[i];
		int dyn = m->key_len >= 2 && !memcmp(m->key + m->key_len - 2, ".$", 2);
		size_t klen = dyn ? m->key_len - 2 : m->key_len;
		if (dyn && m->value->u.string.ptr[0] != '$') {
			int iid = emit_intrinsic(e, parse_intrinsic_value(e->arena, m->value), m->key);
			fprintf(out, "\tif (!(%s = i%d_(ex, in)))\n\t\treturn NULL;\n", child, iid);
		} else if (dyn) {
			char err[160];
			const asl_value *pv = m->value;
			jpath *p = jpath_parse(e->arena, pv->u.string.ptr, pv->u.string.len, err,
					       sizeof err);
			int pid;
			const char *call = emit_path_expr(e, p, "in", &pid);
			fprintf(out, "\tif (!(%s = %s))\n\t\treturn asl_fail_template(ex, &P%d_, ",
				child, call, pid);
			emit_c_text(e, out, m->key, m->key_len);
			fputs(", in);\n", out);
		} else {
			build_value(e, m->value, child, out, depth + 1);
		}
		fprintf(out, "\tif (asl_object_append(a, %s, ", var);
		emit_c_text(e, out, m->key, klen);
		fprintf(out, ", %zu, %s) < 0)\n\t\treturn NULL;\n", klen, child);
	}
}

static int max_depth(const asl_value *v)
{
	int d = 0;
	if (v->type == ASL_ARRAY)
		for (size_t i = 0; i < v->u.array.len; i++) {
			int k = max_depth(v->u.array.items[i]);
			d = k > d ? k : d;
		}
	if (v->type == ASL_OBJECT)
		for (size_t i = 0; i < v->u.object.len; i++) {
			int k = max_depth(v->u.object.members[i].value);
			d = k > d ? k : d;
		}
	return d + 1;
}

int emit_template(emitter *e, const asl_value *tpl)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	build_value(e, tpl, "v0", mem, 0);
	fclose(mem);
	int id = e->counter++;
	int depth = max_depth(tpl);
	fprintf(e->body, "static asl_value *t%d_(asl_exec *ex, asl_value *in)\n{\n", id);
	fputs("\tasl_arena *a = asl_heap(ex);\n", e->body);
	for (int i = 0; i <= depth; i++)
		fprintf(e->body, "\tasl_value *v%d;\n", i);
	fprintf(e->body, "%s", text);
	for (int i = 1; i <= depth; i++)
		fprintf(e->body, "\t(void)v%d;\n", i);
	fputs("\t(void)ex;\n\t(void)in;\n\t(void)a;\n\treturn v0;\n}\n\n", e->body);
	fprintf(e->out, "static asl_value *t%d_(asl_exec *ex, asl_value *in);\n", id);
	free(text);
	return id;
}
