/* Emitting intrinsic function calls: each call becomes a C function that evaluates its
 * arguments (literals are static constants, paths inline access code, nested calls their own
 * functions) and calls the runtime function directly. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

int emit_intrinsic(emitter *e, const intrinsic *call, const char *field)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	for (int i = 0; i < call->nargs; i++) {
		const iarg *a = &call->args[i];
		if (a->kind == IA_LITERAL) {
			fprintf(out, "\ta[%d] = &L%d_;\n", i, emit_constant(e, a->literal));
		} else if (a->kind == IA_CALL) {
			int sub = emit_intrinsic(e, a->call, field);
			fprintf(out, "\tif (!(a[%d] = i%d_(ex, in)))\n\t\treturn NULL;\n", i, sub);
		} else {
			int pid;
			const char *get = emit_path_expr(e, a->path, "in", &pid);
			fprintf(out, "\tif (!(a[%d] = %s))\n\t\treturn asl_fail_template(ex, &P%d_, ", i,
				get, pid);
			emit_c_text(e, out, field, strlen(field));
			fputs(", in);\n", out);
		}
	}
	fclose(out);
	int id = e->counter++;
	fprintf(e->out, "static asl_value *i%d_(asl_exec *ex, asl_value *in);\n", id);
	fprintf(e->body, "/* %s */\nstatic asl_value *i%d_(asl_exec *ex, asl_value *in)\n{\n",
		call->fn->name, id);
	fprintf(e->body, "\tasl_value *a[%d];\n\t(void)in;\n%s", call->nargs ? call->nargs : 1,
		text);
	fprintf(e->body, "\treturn %s(ex, a, %d);\n}\n\n", call->fn->c_name, call->nargs);
	free(text);
	return id;
}
