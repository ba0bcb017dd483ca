/* Emitting the state machine: one C function per state, Choice rules as C functions, and the
 * machine table. A state function returns the index of the next state; the runtime's driver
 * loop makes the calls, so loops in the machine never grow the C stack. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

static jpath *parse_path(emitter *e, const asl_value *v)
{
	char err[160];
	return jpath_parse(e->arena, v->u.string.ptr, v->u.string.len, err, sizeof err);
}

static int is_dollar(const asl_value *v)
{
	return v && v->type == ASL_STRING && v->u.string.len == 1 && v->u.string.ptr[0] == '$';
}

/* Code for `dst = path(src)` that fails the state (AWS's InputPath/OutputPath error). */
static void apply_io_path(emitter *e, const asl_value *pv, const char *dst, const char *src)
{
	FILE *b = e->code;
	if (!pv || is_dollar(pv)) {
		if (strcmp(dst, src))
			fprintf(b, "\t%s = %s;\n", dst, src);
		return;
	}
	if (pv->type == ASL_NULL) {
		fprintf(b, "\tif (!(%s = asl_empty_object(ex)))\n\t\treturn asl_failed(ex);\n", dst);
		return;
	}
	int id;
	const char *call = emit_path_expr(e, parse_path(e, pv), src, &id);
	fprintf(b, "\tif (!(%s = %s))\n\t\treturn asl_fail_path(ex, &P%d_);\n", dst, call, id);
}

static const char *next_of(emitter *e, const state_info *s, const asl_value *name)
{
	static char buf[32];
	if (!name)
		return "ASL_END";
	int i = state_index(e->m, s->scope, name->u.string.ptr, name->u.string.len);
	snprintf(buf, sizeof buf, "%d", i);
	return buf;
}

/* ---- Choice rules: each compiles to a function returning 1, 0, or -1 (error raised) ---- */

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

static int emit_rule(emitter *e, const asl_value *r);

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
	const char *get = emit_path_expr(e, parse_path(e, var), "in", &vid);
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
		const char *oget = emit_path_expr(e, parse_path(e, operand), "in", &oid);
		fprintf(out, "\tasl_value *w = %s;\n", oget);
		fprintf(out, "\tif (!w)\n\t\treturn asl_fail_choice_path(ex, &P%d_), -1;\n", oid);
		fprintf(out, "\treturn asl_compare(%s, %s, v, w);\n", KIND_NAMES[op->kind],
			OP_NAMES[op->op]);
	} else {
		fprintf(out, "\treturn asl_compare(%s, %s, v, &L%d_);\n", KIND_NAMES[op->kind],
			OP_NAMES[op->op], emit_constant(e, operand));
	}
}

static int emit_rule(emitter *e, const asl_value *r)
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
			fprintf(out, "\tif ((r = c%d_(ex, in)) != %d)\n\t\treturn r;\n", sub, !is_and);
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

/* Fail's ErrorPath/CausePath: a path (id_out = its id) or an intrinsic (id_out = -1). */
static const char *fail_field(emitter *e, const asl_value *v, const char *name, int *id_out)
{
	if (v->u.string.ptr[0] == '$')
		return emit_path_expr(e, parse_path(e, v), "raw", id_out);
	*id_out = -1;
	int id = emit_intrinsic(e, parse_intrinsic_value(e->arena, v), name);
	char buf[32];
	snprintf(buf, sizeof buf, "i%d_(ex, raw)", id);
	return asl_cstring(e->arena, buf)->u.string.ptr;
}

/* Assign: builds the values now (into `var`), assigns them when the state leaves. Returns
 * the id of the slot table, or -1 when there is no Assign. */
static int emit_assign_values(emitter *e, const asl_value *assign, const char *input,
			      const char *var)
{
	if (!assign || assign->u.object.len == 0)
		return -1;
	int tid = emit_template(e, assign);
	int id = e->counter++;
	fprintf(e->out, "static const int V%d_[] = {", id);
	for (size_t i = 0; i < assign->u.object.len; i++) {
		const asl_member *m = &assign->u.object.members[i];
		size_t n = m->key_len;
		if (n >= 2 && !memcmp(m->key + n - 2, ".$", 2))
			n -= 2;
		const char *name = asl_string(e->arena, m->key, n)->u.string.ptr;
		fprintf(e->out, "%s%d", i ? ", " : "", var_slot(e->m, name));
	}
	fputs("};\n", e->out);
	fprintf(e->code, "\tasl_value *%s;\n\tif (!(%s = t%d_(ex, %s)))\n\t\treturn asl_failed(ex);\n",
		var, var, tid, input);
	return id;
}

static void emit_assign_commit(int id, const char *var, FILE *b, const char *indent)
{
	if (id >= 0)
		fprintf(b, "%sif (asl_assign(ex, %s, V%d_) < 0)\n%s\treturn ASL_FAILED;\n", indent,
			var, id, indent);
}

/* ---- states ---- */

static void emit_state_body(emitter *e, const state_info *s, int index, FILE *b)
{
	const asl_value *def = s->def, *v;
	const char *t = s->type;
	const char *next = next_of(e, s, field(def, "Next"));
	int assign_id = -1;
	char next_buf[32];
	snprintf(next_buf, sizeof next_buf, "%s", next);

	if (!strcmp(t, "Fail")) {
		const asl_value *ep = field(def, "ErrorPath"), *cp = field(def, "CausePath");
		if (ep || cp) {
			int eid = -1, cid = -1;
			const char *eget = ep ? fail_field(e, ep, "ErrorPath", &eid) : NULL;
			const char *cget = cp ? fail_field(e, cp, "CausePath", &cid) : NULL;
			fprintf(b, "\tasl_value *raw = asl_enter(ex, %d);\n\t(void)raw;\n", index);
			char ebuf[32] = "NULL", cbuf[32] = "NULL";
			if (ep && eid >= 0)
				snprintf(ebuf, sizeof ebuf, "&P%d_", eid);
			if (cp && cid >= 0)
				snprintf(cbuf, sizeof cbuf, "&P%d_", cid);
			const asl_value *el = field(def, "Error"), *cl = field(def, "Cause");
			char elit[32] = "NULL", clit[32] = "NULL";
			if (el)
				snprintf(elit, sizeof elit, "&L%d_", emit_constant(e, el));
			if (cl)
				snprintf(clit, sizeof clit, "&L%d_", emit_constant(e, cl));
			fprintf(b, "\treturn asl_fail_state_path(ex, %s, %s, %s, %s);\n", ebuf,
				ep ? eget : elit, cbuf, cp ? cget : clit);
			return;
		}
		fprintf(b, "\tasl_enter(ex, %d);\n", index);
		char el[32] = "NULL", cl[32] = "NULL";
		if ((v = field(def, "Error")))
			snprintf(el, sizeof el, "&L%d_", emit_constant(e, v));
		if ((v = field(def, "Cause")))
			snprintf(cl, sizeof cl, "&L%d_", emit_constant(e, v));
		fprintf(b, "\treturn asl_fail_state(ex, %s, %s);\n", el, cl);
		return;
	}

	fprintf(b, "\tasl_value *raw = asl_enter(ex, %d), *in, *out;\n\t(void)raw;\n", index);
	apply_io_path(e, field(def, "InputPath"), "in", "raw");

	if (!strcmp(t, "Pass")) {
		fputs("\tasl_value *res;\n", b);
		if ((v = field(def, "Result")))
			fprintf(b, "\tres = &L%d_;\n", emit_constant(e, v));
		else if ((v = field(def, "Parameters")))
			fprintf(b, "\tif (!(res = t%d_(ex, in)))\n\t\treturn asl_failed(ex);\n",
				emit_template(e, v));
		else
			fputs("\tres = in;\n", b);
		assign_id = emit_assign_values(e, field(def, "Assign"), "res", "asg");
		const asl_value *rp = field(def, "ResultPath");
		if (rp && rp->type == ASL_NULL) {
			fputs("\tout = raw;\n", b);
		} else if (!rp || is_dollar(rp)) {
			fputs("\tout = res;\n", b);
		} else {
			int id = emit_path(e, parse_path(e, rp));
			fprintf(b, "\tif (!(out = asl_result_path(ex, raw, res, &P%d_)))\n"
				   "\t\treturn asl_failed(ex);\n", id);
		}
		fputs("\t(void)in;\n\t(void)res;\n", b);
	} else if (!strcmp(t, "Wait")) {
		const char *call = NULL;
		int id = -1;
		if ((v = field(def, "Seconds"))) {
			fprintf(b, "\tif (asl_wait_seconds(ex, %.0f) < 0)\n\t\treturn ASL_FAILED;\n",
				v->u.number);
		} else if ((v = field(def, "Timestamp"))) {
			fputs("\tif (asl_wait_timestamp(ex, ", b);
			emit_c_string(b, v->u.string.ptr, v->u.string.len);
			fputs(") < 0)\n\t\treturn ASL_FAILED;\n", b);
		} else if ((v = field(def, "SecondsPath"))) {
			call = emit_path_expr(e, parse_path(e, v), "in", &id);
			fprintf(b, "\tif (asl_wait_seconds_path(ex, &P%d_, %s) < 0)\n"
				   "\t\treturn ASL_FAILED;\n", id, call);
		} else if ((v = field(def, "TimestampPath"))) {
			call = emit_path_expr(e, parse_path(e, v), "in", &id);
			fprintf(b, "\tif (asl_wait_timestamp_path(ex, &P%d_, %s) < 0)\n"
				   "\t\treturn ASL_FAILED;\n", id, call);
		}
		fputs("\tout = in;\n", b);
		assign_id = emit_assign_values(e, field(def, "Assign"), "in", "asg");
	} else if (!strcmp(t, "Choice")) {
		const asl_value *choices = field(def, "Choices");
		fputs("\tint r;\n", b);
		for (size_t i = 0; i < choices->u.array.len; i++) {
			const asl_value *rule = choices->u.array.items[i];
			int id = emit_rule(e, rule);
			fprintf(b, "\tif ((r = c%d_(ex, in)) < 0)\n\t\treturn ASL_FAILED;\n", id);
			fprintf(b, "\tif (r) {\n");
			fprintf(b, "\t\tout = in;\n");
			FILE *outer = e->code;
			char *atext = NULL;
			size_t alen = 0;
			FILE *amem = open_memstream(&atext, &alen);
			e->code = amem;
			int rule_assign = emit_assign_values(e, field(rule, "Assign"), "in", "asg");
			fclose(amem);
			e->code = outer;
			for (char *line = strtok(atext, "\n"); line; line = strtok(NULL, "\n"))
				fprintf(b, "\t%s\n", line);
			free(atext);
			/* OutputPath is applied in the branch taken */
			FILE *saved = e->code;
			char *text = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&text, &len);
			e->code = mem;
			apply_io_path(e, field(def, "OutputPath"), "out", "in");
			fclose(mem);
			e->code = saved;
			for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
				fprintf(b, "\t%s\n", line);
			free(text);
			emit_assign_commit(rule_assign, "asg", b, "\t\t");
			fprintf(b, "\t\treturn asl_leave(ex, out, %s);\n\t}\n",
				next_of(e, s, field(rule, "Next")));
		}
		if ((v = field(def, "Default"))) {
			int state_assign = emit_assign_values(e, field(def, "Assign"), "in", "asg");
			apply_io_path(e, field(def, "OutputPath"), "out", "in");
			emit_assign_commit(state_assign, "asg", b, "\t");
			fprintf(b, "\treturn asl_leave(ex, out, %s);\n", next_of(e, s, v));
		} else {
			fputs("\t(void)out;\n\treturn asl_fail_no_choice(ex);\n", b);
		}
		return;
	} else { /* Succeed */
		fputs("\tout = in;\n", b);
		snprintf(next_buf, sizeof next_buf, "ASL_END");
	}
	apply_io_path(e, field(def, "OutputPath"), "out", "out");
	emit_assign_commit(assign_id, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\n", next_buf);
}

int emit_machine(source *src, machine_info *m, asl_arena *arena, FILE *out, int with_main)
{
	char *body = NULL;
	size_t body_len = 0;
	emitter e = {out, src, m, arena, 0, open_memstream(&body, &body_len), NULL};
	fputs("/* Generated by aslc. Do not edit. */\n#include <asl/asl.h>\n\n", out);
	for (int i = 0; i < m->count; i++)
		fprintf(out, "static int s%d_(asl_exec *ex);\n", i);
	fputc('\n', out);
	for (int i = 0; i < m->count; i++) {
		const state_info *s = &m->states[i];
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		e.code = mem;
		emit_state_body(&e, s, i, mem);
		fclose(mem);
		fprintf(e.body, "/* %s state ", s->type);
		emit_comment_text(e.body, s->name, s->name_len);
		fprintf(e.body, " */\nstatic int s%d_(asl_exec *ex)\n{\n%s}\n\n", i, text);
		free(text);
	}
	fclose(e.body);
	fputc('\n', out);
	fwrite(body, 1, body_len, out);
	free(body);
	fputs("static const asl_state_fn states_[] = {", out);
	for (int i = 0; i < m->count; i++)
		fprintf(out, "%ss%d_", i ? ", " : "", i);
	fputs("};\nstatic const char *const names_[] = {\n", out);
	for (int i = 0; i < m->count; i++) {
		fputc('\t', out);
		emit_c_string(out, m->states[i].name, m->states[i].name_len);
		fputs(",\n", out);
	}
	fputs("};\nstatic const size_t name_lens_[] = {", out);
	for (int i = 0; i < m->count; i++)
		fprintf(out, "%s%zu", i ? ", " : "", m->states[i].name_len);
	fputs("};\n", out);
	if (m->var_count) {
		fputs("static const char *const vars_[] = {", out);
		for (int i = 0; i < m->var_count; i++) {
			fputs(i ? ", " : "", out);
			emit_c_string(out, m->vars[i], strlen(m->vars[i]));
		}
		fputs("};\n", out);
	}
	fputs("\nconst asl_machine asl_generated_machine = {\n\t", out);
	emit_c_string(out, m->name, strlen(m->name));
	fprintf(out, ", states_, names_, name_lens_, %d, %d, %.0f, %s, %d};\n", m->count,
		m->start, m->timeout_seconds, m->var_count ? "vars_" : "NULL", m->var_count);
	if (with_main)
		fputs("\nint main(int argc, char **argv)\n{\n"
		      "\treturn asl_main(argc, argv, &asl_generated_machine);\n}\n",
		      out);
	return 0;
}
