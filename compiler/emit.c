/* Emitting the state machine from its IR: one C function per state (each kind has its own
 * emitter: emit_state.c, emit_task.c, emit_map.c, emit_choice.c) and the machine table. A
 * state function returns the index of the next state; the runtime's driver loop makes the
 * calls, so loops in the machine never grow the C stack. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

static void emit_state_body(emitter *e, const ir_state *s, int index)
{
	switch (s->kind) {
	case IR_PASS:
		emit_pass(e, s, index);
		break;
	case IR_WAIT:
		emit_wait(e, s, index);
		break;
	case IR_SUCCEED:
		emit_succeed(e, s, index);
		break;
	case IR_FAIL:
		emit_fail(e, s, index);
		break;
	case IR_CHOICE:
		emit_choice(e, s, index);
		break;
	case IR_TASK:
	case IR_PARALLEL:
	case IR_MAP:
		emit_task(e, s, index);
		break;
	}
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
	const ir_machine *ir = e->ir;
	const machine_info *m = ir->info; /* the name, variables and bindings */
	fputs("static const asl_state_fn states_[] = {", t);
	for (int i = 0; i < ir->count; i++) {
		emit_list_separator(t, (size_t)i);
		fprintf(t, "s%d_", i);
	}
	fputs("};\nstatic const char *const names_[] = {\n", t);
	for (int i = 0; i < ir->count; i++) {
		fputc('\t', t);
		emit_c_string(t, ir->states[i].name, ir->states[i].name_len); /* 80 bytes at most */
		fputs(",\n", t);
	}
	fputs("};\nstatic const size_t name_lens_[] = {", t);
	for (int i = 0; i < ir->count; i++) {
		emit_list_separator(t, (size_t)i);
		fprintf(t, "%zu", ir->states[i].name_len);
	}
	fputs("};\nstatic const unsigned char types_[] = {", t);
	int max_retriers = 0;
	for (int i = 0; i < ir->count; i++) {
		emit_list_separator(t, (size_t)i);
		fprintf(t, "%d", (int)ir->states[i].kind); /* IR_* is in ASL_STATE_* order */
		if (ir->states[i].retrier_count > max_retriers)
			max_retriers = ir->states[i].retrier_count;
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
	fprintf(t,
		",\n\t.states = states_,\n\t.state_names = names_,\n"
		"\t.state_name_lens = name_lens_,\n\t.state_types = types_,\n"
		"\t.state_count = %d,\n\t.start = %d,\n",
		ir->count, ir->start);
	if (max_retriers)
		fprintf(t, "\t.max_retriers = %d,\n", max_retriers);
	if (opt->definition_hash)
		fprintf(t, "\t.definition_hash = \"%s\",\n", opt->definition_hash);
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
		fprintf(t,
			"\n#ifndef ASL_NO_MAIN\nint main(int argc, char **argv)\n{\n"
			"\treturn asl_main(argc, argv, &%s);\n}\n#endif\n",
			symbol);
}

int emit_machine(const ir_machine *ir, asl_arena *arena, FILE *out, const emit_options *opt)
{
	/* the file is: prototypes, long text (data), declarations, functions (body), tables */
	char *data = NULL, *decls = NULL, *body = NULL, *tables = NULL;
	size_t data_len = 0, decls_len = 0, body_len = 0, tables_len = 0;
	FILE *decl = open_memstream(&decls, &decls_len);
	emitter e = {decl,
		     arena,
		     0,
		     open_memstream(&body, &body_len),
		     NULL,
		     open_memstream(&data, &data_len),
		     {NULL, 0, 0},
		     {NULL, 0, 0},
		     {NULL, 0, 0},
		     ir,
		     NULL,
		     NULL,
		     NULL};
	for (int i = 0; i < ir->count; i++) {
		const ir_state *s = &ir->states[i];
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		e.code = mem;
		e.state = s;
		emit_state_body(&e, s, i);
		fclose(mem);
		fprintf(e.body, "/* %s state ", ir_kind_name(s->kind));
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
	for (int i = 0; i < ir->count; i++)
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
