/* The states that do no work of their own: Pass, Wait, Succeed and Fail. Each state function
 * enters the state, processes its input and returns the next state's index. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

static const char *enter_call(emitter *e, int index)
{
	char buf[48];
	snprintf(buf, sizeof buf, "asl_enter(ex, %d)", index);
	const asl_value *s = asl_cstring(e->arena, buf);
	return s ? s->u.string.ptr : "";
}

static int is_null(const ir_expr *x)
{
	return x && x->kind == IR_CONST;
}

void emit_pass(emitter *e, const ir_state *s, int index)
{
	FILE *b = e->code;
	/* with a Result the input is unused: only a failing InputPath needs evaluating */
	int need_in = !s->result || s->input_path;
	int raw = (need_in && emit_reads_input(s->input_path)) || s->result_path;
	emit_enter(e, enter_call(e, index), raw, need_in ? "*in, *res, *out" : "*res, *out");
	if (need_in)
		emit_io_path(e, s->input_path, "in", "raw");
	if (s->result)
		fprintf(b, "\tres = ASL_CONST_VALUE(&L%d_);\n",
			emit_constant(e, s->result->constant, "Result"));
	else if (s->parameters)
		fprintf(b, "\tif (!(res = t%d_(ex, in)))\n\t\treturn asl_failed(ex);\n",
			emit_template(e, s->parameters));
	else
		fputs("\tres = in;\n", b);
	if (s->result && s->input_path)
		fputs("\t(void)in;\n", b);
	int assign_id = emit_assign_values(e, s->assign, "res", "asg");
	if (is_null(s->result_path) && !s->assign)
		fputs("\t(void)res;\n", b);
	emit_result_path(e, s->result_path, "res", "return asl_failed(ex)", b);
	emit_io_path(e, s->output_path, "out", "out");
	emit_assign_commit(assign_id, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\n", emit_target(e, s->next));
}

void emit_wait(emitter *e, const ir_state *s, int index)
{
	FILE *b = e->code;
	const ir_wait *w = &s->u.wait;
	emit_enter(e, enter_call(e, index), emit_uses_raw(s), "*in, *out");
	emit_io_path(e, s->input_path, "in", "raw");
	int id;
	const char *call;
	switch (w->kind) {
	case IR_WAIT_SECONDS:
		fprintf(b, "\tint rc = asl_wait_seconds(ex, %.0f);\n", w->seconds);
		break;
	case IR_WAIT_TIMESTAMP:
		fputs("\tint rc = asl_wait_timestamp(ex, ", b);
		emit_c_string(b, w->timestamp->u.string.ptr, w->timestamp->u.string.len);
		fputs(");\n", b);
		break;
	case IR_WAIT_SECONDS_PATH:
	case IR_WAIT_TIMESTAMP_PATH:
		call = emit_path_expr(e, w->path, "in", &id);
		fprintf(b, "\tint rc = asl_wait_%s_path(ex, &P%d_, %s);\n",
			w->kind == IR_WAIT_SECONDS_PATH ? "seconds" : "timestamp", id, call);
		break;
	}
	fputs("\tif (rc < 0) /* ASL_SUSPEND until the time has come, or ASL_FAILED */\n"
	      "\t\treturn rc;\n",
	      b);
	fputs("\tout = in;\n", b);
	int assign_id = emit_assign_values(e, s->assign, "in", "asg");
	emit_io_path(e, s->output_path, "out", "out");
	emit_assign_commit(assign_id, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\n", emit_target(e, s->next));
}

void emit_succeed(emitter *e, const ir_state *s, int index)
{
	emit_enter(e, enter_call(e, index), emit_uses_raw(s), "*in, *out");
	emit_io_path(e, s->input_path, "in", "raw");
	fputs("\tout = in;\n", e->code);
	emit_io_path(e, s->output_path, "out", "out");
	fputs("\treturn asl_leave(ex, out, ASL_END);\n", e->code);
}

/* Error or Cause: the value's expression (on `raw`) and, for a path, its table for messages. */
static void fail_field(emitter *e, const ir_expr *x, char value[96], char path[32])
{
	strcpy(path, "NULL");
	if (!x) {
		strcpy(value, "NULL");
	} else if (x->kind == IR_CONST) {
		snprintf(value, 96, "&L%d_", emit_constant(e, x->constant, x->slot));
	} else if (x->kind == IR_INTRINSIC) {
		snprintf(value, 96, "i%d_(ex, raw)", emit_intrinsic(e, x, x->slot));
	} else {
		int id;
		snprintf(value, 96, "%s", emit_path_expr(e, x, "raw", &id));
		snprintf(path, 32, "&P%d_", id);
	}
}

void emit_fail(emitter *e, const ir_state *s, int index)
{
	const ir_fail *f = &s->u.fail;
	char ev[96], ep[32], cv[96], cp[32];
	fail_field(e, f->error, ev, ep);
	fail_field(e, f->cause, cv, cp);
	int dynamic = (f->error && f->error->kind != IR_CONST) ||
		      (f->cause && f->cause->kind != IR_CONST);
	int raw = (f->error && emit_reads_input(f->error)) ||
		  (f->cause && emit_reads_input(f->cause));
	emit_enter(e, enter_call(e, index), raw, "");
	if (dynamic)
		fprintf(e->code, "\treturn asl_fail_state_path(ex, %s, %s, %s, %s);\n", ep, ev, cp,
			cv);
	else
		fprintf(e->code, "\treturn asl_fail_state(ex, %s, %s);\n", ev, cv);
}
