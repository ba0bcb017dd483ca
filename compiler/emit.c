/* Emitting the state machine: one C function per state (Choice rules are tables, see
 * emit_choice.c) and the machine table. A state function returns the index of the next state; the runtime's driver
 * loop makes the calls, so loops in the machine never grow the C stack. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

jpath *emit_parse_path(emitter *e, const asl_value *v)
{
	char err[160];
	return jpath_parse(e->arena, v->u.string.ptr, v->u.string.len, err, sizeof err);
}

int is_dollar_path(const asl_value *v)
{
	return v && v->type == ASL_STRING && v->u.string.len == 1 && v->u.string.ptr[0] == '$';
}

/* Code for `dst = path(src)` that fails the state (AWS's InputPath/OutputPath error). */
void emit_io_path(emitter *e, const asl_value *pv, const char *dst, const char *src)
{
	FILE *b = e->code;
	if (!pv || is_dollar_path(pv)) {
		if (strcmp(dst, src))
			fprintf(b, "\t%s = %s;\n", dst, src);
		return;
	}
	if (pv->type == ASL_NULL) {
		fprintf(b, "\tif (!(%s = asl_empty_object(ex)))\n\t\treturn asl_failed(ex);\n", dst);
		return;
	}
	int id;
	const char *call = emit_path_expr(e, emit_parse_path(e, pv), src, &id);
	fprintf(b, "\tif (!(%s = %s))\n\t\treturn asl_fail_path(ex, &P%d_);\n", dst, call, id);
}

const char *emit_next(emitter *e, const state_info *s, const asl_value *name)
{
	if (!name)
		return "ASL_END";
	char buf[32];
	snprintf(buf, sizeof buf, "%d",
		 state_index(e->m, s->scope, name->u.string.ptr, name->u.string.len));
	return asl_cstring(e->arena, buf)->u.string.ptr;
}

void emit_result_path(emitter *e, const asl_value *rp, const char *result, const char *on_fail,
		      FILE *b)
{
	if (rp && rp->type == ASL_NULL) {
		fputs("\tout = raw;\n", b);
	} else if (!rp || is_dollar_path(rp)) {
		fprintf(b, "\tout = %s;\n", result);
	} else {
		int id = emit_path(e, emit_parse_path(e, rp));
		fprintf(b, "\tif (!(out = asl_result_path(ex, raw, %s, &P%d_)))\n\t\t%s;\n", result,
			id, on_fail);
	}
}

/* Fail's ErrorPath/CausePath: a path (id_out = its id) or an intrinsic (id_out = -1). */
static const char *fail_field(emitter *e, const asl_value *v, const char *name, int *id_out)
{
	if (v->u.string.ptr[0] == '$')
		return emit_path_expr(e, emit_parse_path(e, v), "raw", id_out);
	*id_out = -1;
	int id = emit_intrinsic(e, parse_intrinsic_value(e->arena, v), name);
	char buf[32];
	snprintf(buf, sizeof buf, "i%d_(ex, raw)", id);
	return asl_cstring(e->arena, buf)->u.string.ptr;
}

/* Assign's tables: the template t<id>_ of its values (*template_id) and the slots V<id>_ they
 * go to (the id returned), or -1 when there is no Assign. */
int emit_assign_tables(emitter *e, const asl_value *assign, int *template_id)
{
	if (!assign || assign->u.object.len == 0)
		return -1;
	*template_id = emit_template(e, assign);
	int id = e->counter++;
	fprintf(e->out, "static const int V%d_[] = {", id);
	for (size_t i = 0; i < assign->u.object.len; i++) {
		const asl_member *m = &assign->u.object.members[i];
		size_t n = m->key_len;
		if (n >= 2 && !memcmp(m->key + n - 2, ".$", 2))
			n -= 2;
		const char *name = asl_string(e->arena, m->key, n)->u.string.ptr;
		emit_list_separator(e->out, i);
		fprintf(e->out, "%d", var_slot(e->m, name));
	}
	fputs("};\n", e->out);
	return id;
}

/* Assign: builds the values now (into `var`), assigns them when the state leaves. Returns
 * the id of the slot table, or -1 when there is no Assign. */
int emit_assign_values(emitter *e, const asl_value *assign, const char *input,
			      const char *var)
{
	int tid, id = emit_assign_tables(e, assign, &tid);
	if (id >= 0)
		fprintf(e->code, "\tasl_value *%s;\n\tif (!(%s = t%d_(ex, %s)))\n\t\treturn asl_failed(ex);\n",
			var, var, tid, input);
	return id;
}

void emit_assign_commit(int id, const char *var, FILE *b, const char *indent)
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
	const char *next = emit_next(e, s, field(def, "Next"));
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

	if (!strcmp(t, "Task") || !strcmp(t, "Parallel") || !strcmp(t, "Map")) {
		emit_task_state(e, s, index);
		return;
	}
	fprintf(b, "\tasl_value *raw = asl_enter(ex, %d), *in, *out;\n\t(void)raw;\n", index);
	emit_io_path(e, field(def, "InputPath"), "in", "raw");

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
		emit_result_path(e, field(def, "ResultPath"), "res", "return asl_failed(ex)", b);
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
			call = emit_path_expr(e, emit_parse_path(e, v), "in", &id);
			fprintf(b, "\tif (asl_wait_seconds_path(ex, &P%d_, %s) < 0)\n"
				   "\t\treturn ASL_FAILED;\n", id, call);
		} else if ((v = field(def, "TimestampPath"))) {
			call = emit_path_expr(e, emit_parse_path(e, v), "in", &id);
			fprintf(b, "\tif (asl_wait_timestamp_path(ex, &P%d_, %s) < 0)\n"
				   "\t\treturn ASL_FAILED;\n", id, call);
		}
		fputs("\tout = in;\n", b);
		assign_id = emit_assign_values(e, field(def, "Assign"), "in", "asg");
	} else if (!strcmp(t, "Choice")) {
		emit_choice_state(e, s);
		return;
	} else { /* Succeed */
		fputs("\tout = in;\n", b);
		snprintf(next_buf, sizeof next_buf, "ASL_END");
	}
	emit_io_path(e, field(def, "OutputPath"), "out", "out");
	emit_assign_commit(assign_id, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\n", next_buf);
}

/* The Task bindings given to aslc, and the C handlers they name (declared extern: they come
 * from --link). Returns the number of handlers. */
static int emit_bindings(emitter *e, FILE *out, const machine_info *m)
{
	int handlers = 0;
	if (!m->binding_count)
		return 0;
	fputs("static const asl_binding bindings_[] = {\n", out);
	for (int i = 0; i < m->binding_count; i++) {
		fputc('\t', out);
		fputc('{', out);
		emit_c_text(e, out, m->bindings[i].resource, strlen(m->bindings[i].resource));
		fputs(", ", out);
		emit_c_text(e, out, m->bindings[i].binding, strlen(m->bindings[i].binding));
		fputs("},\n", out);
	}
	fputs("};\n", out);
	for (int i = 0; i < m->binding_count; i++) {
		const char *b = m->bindings[i].binding;
		if (strncmp(b, "c:", 2))
			continue;
		int seen = 0; /* one declaration per symbol */
		for (int j = 0; j < i; j++)
			seen |= !strcmp(m->bindings[j].binding, b);
		if (!seen) {
			fprintf(out, "int %s(asl_task_call *call);\n", b + 2);
			handlers++;
		}
	}
	if (!handlers)
		return 0;
	fputs("static const asl_handler handlers_[] = {\n", out);
	for (int i = 0; i < m->binding_count; i++) {
		const char *b = m->bindings[i].binding;
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= !strcmp(m->bindings[j].binding, b);
		if (!strncmp(b, "c:", 2) && !seen)
			fprintf(out, "\t{\"%s\", %s, NULL},\n", b + 2, b + 2);
	}
	fputs("};\n", out);
	return handlers;
}

/* The tables after the state functions: the state functions and names, the variables, the
 * bindings and the machine descriptor (the one exported symbol), then main() when asked. */
static void emit_machine_table(emitter *e, FILE *t, const emit_options *opt)
{
	const machine_info *m = e->m;
	fputs("static const asl_state_fn states_[] = {", t);
	for (int i = 0; i < m->count; i++) {
		emit_list_separator(t, (size_t)i);
		fprintf(t, "s%d_", i);
	}
	fputs("};\nstatic const char *const names_[] = {\n", t);
	for (int i = 0; i < m->count; i++) {
		fputc('\t', t);
		emit_c_string(t, m->states[i].name, m->states[i].name_len); /* 80 bytes at most */
		fputs(",\n", t);
	}
	fputs("};\nstatic const size_t name_lens_[] = {", t);
	for (int i = 0; i < m->count; i++) {
		emit_list_separator(t, (size_t)i);
		fprintf(t, "%zu", m->states[i].name_len);
	}
	fputs("};\n", t);
	if (m->var_count) {
		fputs("static const char *const vars_[] = {", t);
		for (int i = 0; i < m->var_count; i++) {
			emit_list_separator(t, (size_t)i);
			emit_c_text(e, t, m->vars[i], strlen(m->vars[i]));
		}
		fputs("};\n", t);
	}
	int handlers = emit_bindings(e, t, m);
	const char *symbol = opt->symbol ? opt->symbol : "asl_generated_machine";
	fprintf(t, "\nconst asl_machine %s = {\n\t.abi_version = ASL_ABI_VERSION,\n\t.name = ",
		symbol);
	emit_c_text(e, t, m->name, strlen(m->name));
	fprintf(t, ",\n\t.states = states_,\n\t.state_names = names_,\n"
		   "\t.state_name_lens = name_lens_,\n\t.state_count = %d,\n\t.start = %d,\n",
		m->count, m->start);
	if (m->timeout_seconds > 0)
		fprintf(t, "\t.timeout_seconds = %.0f,\n", m->timeout_seconds);
	if (m->var_count)
		fprintf(t, "\t.var_names = vars_,\n\t.var_count = %d,\n", m->var_count);
	if (m->binding_count)
		fprintf(t, "\t.bindings = bindings_,\n\t.binding_count = %d,\n", m->binding_count);
	if (handlers)
		fprintf(t, "\t.handlers = handlers_,\n\t.handler_count = %d,\n", handlers);
	fputs("};\n", t);
	if (opt->with_main) /* -DASL_NO_MAIN embeds the machine in a program of one's own */
		fprintf(t, "\n#ifndef ASL_NO_MAIN\nint main(int argc, char **argv)\n{\n"
			   "\treturn asl_main(argc, argv, &%s);\n}\n#endif\n",
			symbol);
}

int emit_machine(source *src, machine_info *m, asl_arena *arena, FILE *out,
		 const emit_options *opt)
{
	/* the file is: prototypes, long text (data), declarations, functions (body), tables */
	char *data = NULL, *decls = NULL, *body = NULL, *tables = NULL;
	size_t data_len = 0, decls_len = 0, body_len = 0, tables_len = 0;
	FILE *decl = open_memstream(&decls, &decls_len);
	emitter e = {decl, src, m, arena, 0, open_memstream(&body, &body_len), NULL,
		     open_memstream(&data, &data_len), {NULL, 0, 0}};
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
	FILE *t = open_memstream(&tables, &tables_len);
	emit_machine_table(&e, t, opt);
	fclose(t);
	fclose(e.data);
	fclose(e.body);
	fclose(decl);
	fputs("/* Generated by aslc. Do not edit. */\n#include <asl/abi.h>\n\n", out);
	for (int i = 0; i < m->count; i++)
		fprintf(out, "static int s%d_(asl_exec *ex);\n", i);
	fputc('\n', out);
	fwrite(data, 1, data_len, out);
	fwrite(decls, 1, decls_len, out);
	fputc('\n', out);
	fwrite(body, 1, body_len, out);
	fwrite(tables, 1, tables_len, out);
	free(data);
	free(decls);
	free(body);
	free(tables);
	return 0;
}
