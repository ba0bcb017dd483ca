/* Task, Parallel and Map states: the work (a binding call, the branches, the iterations)
 * between the input and output processing, wrapped in Retry (a loop back to the input
 * processing) and Catch (the Error Output merged into the raw input, then the catcher's
 * Next). Errors of the paths themselves are States.Runtime and leave the state at once; task
 * errors, an oversized result and ResultPathMatchFailure go to `failed`. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "emit.h"

/* The ErrorEquals array of a retrier or catcher as static tables of names (E<id>_) and their
 * lengths (EL<id>_: a name may hold a NUL); returns the id. */
static int error_list(emitter *e, const ir_errors *eq)
{
	int id = e->counter++;
	fprintf(e->out, "static const char *const E%d_[] = {", id);
	for (size_t i = 0; i < eq->count; i++) {
		fputs(i ? ", " : "", e->out);
		emit_c_text(e, e->out, eq->names[i]->u.string.ptr, eq->names[i]->u.string.len);
	}
	fprintf(e->out, "};\nstatic const size_t EL%d_[] = {", id);
	for (size_t i = 0; i < eq->count; i++)
		fprintf(e->out, "%s%zu", i ? ", " : "", eq->names[i]->u.string.len);
	fputs("};\n", e->out);
	return id;
}

static int emit_retriers(emitter *e, const ir_state *s)
{
	int *lists = asl_arena_alloc(e->arena, ((size_t)s->retrier_count + 1) * sizeof(int));
	for (int i = 0; i < s->retrier_count; i++)
		lists[i] = error_list(e, &s->retriers[i].errors);
	int id = e->counter++;
	emit_origin(e, e->out, "Retry");
	fprintf(e->out, "static const asl_retrier R%d_[] = {\n", id);
	for (int i = 0; i < s->retrier_count; i++) {
		const ir_retrier *r = &s->retriers[i];
		fprintf(e->out, "\t{E%d_, EL%d_, %zu, ", lists[i], lists[i], r->errors.count);
		emit_number(e->out, r->interval);
		fputs(", ", e->out);
		emit_number(e->out, r->backoff);
		fputs(", ", e->out);
		emit_number(e->out, r->max_delay);
		fprintf(e->out, ", %.0f, %d},\n", r->max_attempts, r->full_jitter);
	}
	fputs("};\n", e->out);
	return id;
}

static int emit_catchers(emitter *e, const ir_state *s)
{
	int *lists = asl_arena_alloc(e->arena, ((size_t)s->catcher_count + 1) * sizeof(int));
	for (int i = 0; i < s->catcher_count; i++)
		lists[i] = error_list(e, &s->catchers[i].errors);
	int id = e->counter++;
	emit_origin(e, e->out, "Catch");
	fprintf(e->out, "static const asl_catcher C%d_[] = {", id);
	for (int i = 0; i < s->catcher_count; i++)
		fprintf(e->out, "%s{E%d_, EL%d_, %zu}", i ? ", " : "", lists[i], lists[i],
			s->catchers[i].errors.count);
	fputs("};\n", e->out);
	return id;
}

/* Seconds from a literal or a Reference Path, into C variable `var`. */
static void emit_seconds(emitter *e, const ir_setting *st, const char *path_name, const char *var)
{
	if (st->path) {
		int id;
		const char *get = emit_path_expr(e, st->path, "in", &id);
		fprintf(e->code, "\tdouble %s = asl_task_seconds(ex, \"%s\", &P%d_, %s);\n", var,
			path_name, id, get);
		fprintf(e->code, "\tif (%s < 0)\n\t\treturn ASL_FAILED;\n", var);
	} else {
		fprintf(e->code, "\tdouble %s = %.0f;\n", var, st->literal);
	}
}

/* The catchers' code after `failed:`. */
static void emit_catch_branches(emitter *e, const ir_state *s, int cid)
{
	FILE *b = e->code;
	fprintf(b, "\tswitch (asl_catch(ex, C%d_, %d)) {\n", cid, s->catcher_count);
	for (int i = 0; i < s->catcher_count; i++) {
		const ir_catcher *c = &s->catchers[i];
		fprintf(b, "\tcase %d: {\n\t\tasl_value *eo = asl_error_output(ex);\n", i);
		fputs("\t\tif (!eo)\n\t\t\treturn asl_failed(ex);\n", b);
		char *text = NULL;
		size_t len = 0;
		FILE *saved = e->code, *mem = open_memstream(&text, &len);
		e->code = mem;
		int aid = emit_assign_values(e, c->assign, "eo", "asg");
		emit_result_path(e, c->result_path, "eo", "return ASL_FAILED", mem);
		emit_assign_commit(aid, "asg", mem, "\t");
		fclose(mem);
		e->code = saved;
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			fprintf(b, "\t%s\n", line);
		free(text);
		fprintf(b, "\t\treturn asl_leave(ex, out, %s);\n\t}\n", emit_target(e, c->next));
	}
	fputs("\t}\n", b);
}

/* Parallel: `res` = the branches' outputs. */
static void emit_parallel_call(emitter *e, const ir_state *s)
{
	const ir_parallel *p = &s->u.parallel;
	int id = e->counter++;
	fprintf(e->out, "static const int B%d_[] = {", id);
	for (int i = 0; i < p->count; i++)
		fprintf(e->out, "%s%d", i ? ", " : "", e->ir->scopes[p->branches[i]].start);
	fputs("};\n", e->out);
	fprintf(e->code, "\tres = asl_run_parallel(ex, B%d_, %d, in);\n", id, p->count);
}

/* The Task's table T<id>_ (its resource); returns the id. */
static int emit_task_table(emitter *e, const ir_task *t)
{
	int id = e->counter++;
	fprintf(e->out, "static const asl_task T%d_ = {", id);
	emit_c_text(e, e->out, t->resource->u.string.ptr, t->resource->u.string.len);
	fprintf(e->out, ", %d};\n", t->wait_for_token);
	return id;
}

void emit_task(emitter *e, const ir_state *s, int index)
{
	FILE *b = e->code;
	int tid = s->kind == IR_TASK ? emit_task_table(e, &s->u.task) : -1;
	int rid = s->retrier_count ? emit_retriers(e, s) : -1;
	int cid = s->catcher_count ? emit_catchers(e, s) : -1;

	char enter[64];
	if (tid >= 0)
		snprintf(enter, sizeof enter, "asl_enter_retryable(ex, %d, &T%d_)", index, tid);
	else
		snprintf(enter, sizeof enter, "asl_enter_retryable(ex, %d, NULL)", index);
	emit_enter(e, enter, emit_uses_raw(s), "*in, *out, *res");
	if (s->kind != IR_TASK) /* its input, items and settings were taken on the first call */
		fputs("\tif (asl_children_waiting(ex)) { /* called again while they wait */\n"
		      "\t\tres = asl_run_children(ex);\n\t\tgoto children;\n\t}\n",
		      b);
	emit_io_path(e, s->input_path, "in", "raw");
	if (s->kind == IR_MAP) {
		emit_map_call(e, s);
		fputs("children:\n\tif (!res)\n\t\tgoto failed;\n", b);
	} else {
		if (s->parameters)
			fprintf(b, "\tif (!(in = t%d_(ex, in)))\n\t\treturn asl_failed(ex);\n",
				emit_template(e, s->parameters));
		if (s->kind == IR_TASK) {
			emit_seconds(e, &s->u.task.timeout, "TimeoutSecondsPath", "timeout");
			emit_seconds(e, &s->u.task.heartbeat, "HeartbeatSecondsPath", "heartbeat");
			fprintf(b,
				"\tif (!(res = asl_task_run(ex, &T%d_, in, timeout, heartbeat)))\n"
				"\t\tgoto failed;\n",
				tid);
		} else {
			emit_parallel_call(e, s);
			fputs("children:\n\tif (!res)\n\t\tgoto failed;\n", b);
		}
	}
	/* Assign sees the raw result, before ResultSelector */
	int aid = emit_assign_values(e, s->assign, "res", "asg");
	if (s->result_selector)
		fprintf(b, "\tif (!(res = t%d_(ex, res)))\n\t\treturn asl_failed(ex);\n",
			emit_template(e, s->result_selector));
	emit_result_path(e, s->result_path, "res", "goto failed", b);
	emit_io_path(e, s->output_path, "out", "out");
	emit_assign_commit(aid, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\nfailed:\n", emit_target(e, s->next));
	fputs("\tif (asl_suspended(ex))\n\t\treturn ASL_SUSPEND;\n", b);
	if (rid >= 0) /* the next attempt runs the state again from the top */
		fprintf(b, "\tif (asl_retry(ex, R%d_, %d))\n\t\treturn ASL_SUSPEND;\n", rid,
			s->retrier_count);
	if (cid >= 0)
		emit_catch_branches(e, s, cid);
	fputs("\treturn ASL_FAILED;\n", b);
}
