/* Task states: the binding call between the input and output processing, wrapped in Retry
 * (a loop back to the input processing) and Catch (the Error Output merged into the raw
 * input, then the catcher's Next). Errors of the paths themselves are States.Runtime and leave
 * the state at once; task errors, an oversized result and ResultPathMatchFailure go to
 * `failed`. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

/* The ErrorEquals array of a retrier or catcher as static tables of names (E<id>_) and their
 * lengths (EL<id>_: a name may hold a NUL); returns the id. */
static int error_list(emitter *e, const asl_value *h)
{
	const asl_value *eq = field(h, "ErrorEquals");
	int id = e->counter++;
	fprintf(e->out, "static const char *const E%d_[] = {", id);
	for (size_t i = 0; i < eq->u.array.len; i++) {
		fputs(i ? ", " : "", e->out);
		emit_c_text(e, e->out, eq->u.array.items[i]->u.string.ptr,
			    eq->u.array.items[i]->u.string.len);
	}
	fprintf(e->out, "};\nstatic const size_t EL%d_[] = {", id);
	for (size_t i = 0; i < eq->u.array.len; i++)
		fprintf(e->out, "%s%zu", i ? ", " : "", eq->u.array.items[i]->u.string.len);
	fputs("};\n", e->out);
	return id;
}

static double number_or(const asl_value *h, const char *name, double dflt)
{
	const asl_value *v = field(h, name);
	return v && v->type == ASL_NUMBER ? v->u.number : dflt;
}

static int emit_retriers(emitter *e, const asl_value *retry)
{
	int *lists = asl_arena_alloc(e->arena, (retry->u.array.len + 1) * sizeof(int));
	for (size_t i = 0; i < retry->u.array.len; i++)
		lists[i] = error_list(e, retry->u.array.items[i]);
	int id = e->counter++;
	fprintf(e->out, "static const asl_retrier R%d_[] = {\n", id);
	for (size_t i = 0; i < retry->u.array.len; i++) {
		const asl_value *r = retry->u.array.items[i];
		const asl_value *j = field(r, "JitterStrategy");
		fprintf(e->out, "\t{E%d_, EL%d_, %zu, %.17g, %.17g, %.17g, %.0f, %d},\n", lists[i],
			lists[i], field(r, "ErrorEquals")->u.array.len,
			number_or(r, "IntervalSeconds", 1),
			number_or(r, "BackoffRate", 2), number_or(r, "MaxDelaySeconds", 0),
			number_or(r, "MaxAttempts", 3),
			j && j->type == ASL_STRING && !strcmp(j->u.string.ptr, "FULL"));
	}
	fputs("};\n", e->out);
	return id;
}

static int emit_catchers(emitter *e, const asl_value *c)
{
	int *lists = asl_arena_alloc(e->arena, (c->u.array.len + 1) * sizeof(int));
	for (size_t i = 0; i < c->u.array.len; i++)
		lists[i] = error_list(e, c->u.array.items[i]);
	int id = e->counter++;
	fprintf(e->out, "static const asl_catcher C%d_[] = {", id);
	for (size_t i = 0; i < c->u.array.len; i++)
		fprintf(e->out, "%s{E%d_, EL%d_, %zu}", i ? ", " : "", lists[i], lists[i],
			field(c->u.array.items[i], "ErrorEquals")->u.array.len);
	fputs("};\n", e->out);
	return id;
}

/* An integer setting's literal for an int64_t field: beyond 2^62 every count means "no limit",
 * and converting a larger double would be undefined. */
static double int64_setting(double v)
{
	return v > 4611686018427387904.0 ? 4611686018427387904.0 : v;
}

/* Seconds from a literal or a Reference Path, into C variable `var`. */
static void emit_seconds(emitter *e, const asl_value *def, const char *name, const char *var)
{
	char path_name[40];
	snprintf(path_name, sizeof path_name, "%sPath", name);
	const asl_value *lit = field(def, name), *path = field(def, path_name);
	if (path) {
		int id;
		const char *get = emit_path_expr(e, emit_parse_path(e, path), "in", &id);
		fprintf(e->code, "\tdouble %s = asl_task_seconds(ex, \"%s\", &P%d_, %s);\n", var,
			path_name, id, get);
		fprintf(e->code, "\tif (%s < 0)\n\t\treturn ASL_FAILED;\n", var);
	} else {
		fprintf(e->code, "\tdouble %s = %.0f;\n", var, lit ? lit->u.number : 0.0);
	}
}

/* The catchers' code after `failed:`. */
static void emit_catch_branches(emitter *e, const state_info *s, const asl_value *catch_, int cid)
{
	FILE *b = e->code;
	fprintf(b, "\tswitch (asl_catch(ex, C%d_, %zu)) {\n", cid, catch_->u.array.len);
	for (size_t i = 0; i < catch_->u.array.len; i++) {
		const asl_value *c = catch_->u.array.items[i];
		fprintf(b, "\tcase %zu: {\n\t\tasl_value *eo = asl_error_output(ex);\n", i);
		fputs("\t\tif (!eo)\n\t\t\treturn asl_failed(ex);\n", b);
		char *text = NULL;
		size_t len = 0;
		FILE *saved = e->code, *mem = open_memstream(&text, &len);
		e->code = mem;
		int aid = emit_assign_values(e, field(c, "Assign"), "eo", "asg");
		emit_result_path(e, field(c, "ResultPath"), "eo", "return ASL_FAILED", mem);
		emit_assign_commit(aid, "asg", mem, "\t");
		fclose(mem);
		e->code = saved;
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
			fprintf(b, "\t%s\n", line);
		free(text);
		fprintf(b, "\t\treturn asl_leave(ex, out, %s);\n\t}\n",
			emit_next(e, s, field(c, "Next")));
	}
	fputs("\t}\n", b);
}

/* The start state of a nested machine (a Parallel branch, a Map's ItemProcessor). */
static int scope_start(emitter *e, const asl_value *obj)
{
	for (int i = 0; i < e->m->scope_count; i++)
		if (e->m->scopes[i].obj == obj)
			return e->m->scopes[i].start;
	return -1;
}

/* Parallel: `res` = the branches' outputs. */
static void emit_parallel_call(emitter *e, const asl_value *def)
{
	const asl_value *br = field(def, "Branches");
	int id = e->counter++;
	fprintf(e->out, "static const int B%d_[] = {", id);
	for (size_t i = 0; i < br->u.array.len; i++)
		fprintf(e->out, "%s%d", i ? ", " : "", scope_start(e, br->u.array.items[i]));
	fputs("};\n", e->out);
	fprintf(e->code, "\tif (!(res = asl_run_parallel(ex, B%d_, %zu, in)))\n\t\tgoto failed;\n",
		id, br->u.array.len);
}

/* A Map setting from a literal or its *Path field, into `lim`. */
static void emit_map_setting(emitter *e, const asl_value *def, const char *name, int kind,
			     const char *member)
{
	char path_name[48];
	snprintf(path_name, sizeof path_name, "%sPath", name);
	const asl_value *lit = field(def, name), *path = field(def, path_name);
	if (lit) {
		fprintf(e->code, "\tlim.%s = %.17g;\n", member,
			kind == 'p' ? lit->u.number : int64_setting(lit->u.number));
	} else if (path) {
		int id;
		const char *get = emit_path_expr(e, emit_parse_path(e, path), "in", &id);
		fprintf(e->code, "\tif (asl_map_setting(ex, '%c', &P%d_, %s, &lim) < 0)\n"
				 "\t\treturn ASL_FAILED;\n", kind, id, get);
	}
}

static const char *template_or_null(emitter *e, const asl_value *tpl, char *buf, size_t n)
{
	if (!tpl)
		return "NULL";
	snprintf(buf, n, "t%d_", emit_template(e, tpl));
	return buf;
}

/* The ItemReader, ItemBatcher and ResultWriter tables of a distributed Map ("NULL" when
 * absent), as expressions for asl_run_distributed. */
static void emit_distributed(emitter *e, const asl_value *def, char r[32], char bt[32], char w[32])
{
	char tb[32];
	const asl_value *reader = field(def, "ItemReader"), *batcher = field(def, "ItemBatcher");
	const asl_value *writer = field(def, "ResultWriter");
	strcpy(r, "NULL");
	strcpy(bt, "NULL");
	strcpy(w, "NULL");
	if (reader) {
		const asl_value *cfg = field(reader, "ReaderConfig");
		const asl_value *loc = field(cfg, "CSVHeaderLocation"), *hdr = field(cfg, "CSVHeaders");
		const asl_value *delim = field(cfg, "CSVDelimiter"), *max = field(cfg, "MaxItems");
		const char *d = !delim ? "," : !strcmp(delim->u.string.ptr, "PIPE") ? "|"
				: !strcmp(delim->u.string.ptr, "SEMICOLON")        ? ";"
				: !strcmp(delim->u.string.ptr, "SPACE")            ? " "
				: !strcmp(delim->u.string.ptr, "TAB")              ? "\\t"
										   : ",";
		int first_row = !loc || strcmp(loc->u.string.ptr, "GIVEN");
		char hb[32] = "NULL";
		if (hdr && !first_row)
			snprintf(hb, sizeof hb, "&L%d_", emit_constant(e, hdr));
		const char *params = template_or_null(e, field(reader, "Parameters"), tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_item_reader R%d_ = {", id);
		emit_c_string(e->out, field(cfg, "InputType")->u.string.ptr,
			      field(cfg, "InputType")->u.string.len);
		fprintf(e->out, ", %d, %s, '%s', %.0f, %s};\n", first_row, hb, d,
			max ? int64_setting(max->u.number) : -1.0, params);
		snprintf(r, 32, "&R%d_", id);
	}
	if (batcher) {
		const asl_value *mi = field(batcher, "MaxItemsPerBatch");
		const asl_value *mb = field(batcher, "MaxInputBytesPerBatch");
		const char *bi = template_or_null(e, field(batcher, "BatchInput"), tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_item_batcher IB%d_ = {%.0f, %.0f, %s};\n", id,
			mi ? int64_setting(mi->u.number) : -1.0,
			mb ? int64_setting(mb->u.number) : -1.0, bi);
		snprintf(bt, 32, "&IB%d_", id);
	}
	if (writer) {
		const char *params = template_or_null(e, field(writer, "Parameters"), tb, sizeof tb);
		int id = e->counter++;
		fprintf(e->out, "static const asl_result_writer W%d_ = {%s};\n", id, params);
		snprintf(w, 32, "&W%d_", id);
	}
}

/* Map: `res` = the processor's outputs for the items. */
static void emit_map_call(emitter *e, const asl_value *def)
{
	const asl_value *proc = field(def, "ItemProcessor");
	if (!proc)
		proc = field(def, "Iterator");
	const asl_value *sel = field(def, "ItemSelector");
	if (!sel)
		sel = field(def, "Parameters");
	int tid = sel ? emit_template(e, sel) : -1;
	int id = e->counter++;
	char selector[32] = "NULL";
	if (tid >= 0)
		snprintf(selector, sizeof selector, "t%d_", tid);
	fprintf(e->out, "static const asl_map M%d_ = {%d, %s};\n", id, scope_start(e, proc),
		selector);
	const asl_value *ip = field(def, "ItemsPath");
	char err[64];
	jpath *items_path = ip ? emit_parse_path(e, ip) : jpath_parse(e->arena, "$", 1, err, sizeof err);
	int pid;
	const char *get = emit_path_expr(e, items_path, "in", &pid);
	FILE *b = e->code;
	if (field(def, "ItemReader")) {
		fprintf(b, "\tasl_value *items = NULL; /* read by the ItemReader */\n\t(void)&P%d_;\n",
			pid);
	} else {
		fprintf(b, "\tasl_value *items = %s;\n", get);
		fprintf(b, "\tif (!items || (items->type != ASL_ARRAY && items->type != ASL_OBJECT))"
			   "\n\t\treturn asl_fail_items(ex, &P%d_, items);\n", pid);
	}
	fputs("\tasl_map_limits lim = {0, -1, -1};\n", b);
	emit_map_setting(e, def, "MaxConcurrency", 'c', "max_concurrency");
	emit_map_setting(e, def, "ToleratedFailureCount", 'n', "tolerated_count");
	emit_map_setting(e, def, "ToleratedFailurePercentage", 'p', "tolerated_percentage");
	const asl_value *cfg = field(proc, "ProcessorConfig");
	const asl_value *mode = field(cfg, "Mode");
	if (mode && !strcmp(mode->u.string.ptr, "DISTRIBUTED")) {
		char r[32], bt[32], w[32];
		emit_distributed(e, def, r, bt, w);
		fprintf(b, "\tif (!(res = asl_run_distributed(ex, &M%d_, %s, %s, %s, items, in, "
			   "&lim)))\n\t\tgoto failed;\n", id, r, bt, w);
	} else {
		fprintf(b, "\tif (!(res = asl_run_map(ex, &M%d_, items, in, &lim)))\n"
			   "\t\tgoto failed;\n", id);
	}
}

void emit_task_state(emitter *e, const state_info *s, int index)
{
	const asl_value *def = s->def, *v;
	FILE *b = e->code;
	int is_task = !strcmp(s->type, "Task");
	int tid = -1;
	if (is_task) {
		const asl_value *resource = field(def, "Resource");
		const char *r = resource->u.string.ptr;
		size_t rlen = resource->u.string.len;
		const char *suffix = ".waitForTaskToken";
		int token = rlen >= strlen(suffix) && !strcmp(r + rlen - strlen(suffix), suffix);
		tid = e->counter++;
		fprintf(e->out, "static const asl_task T%d_ = {", tid);
		emit_c_text(e, e->out, r, rlen);
		fprintf(e->out, ", %d};\n", token);
	}
	const asl_value *retry = field(def, "Retry"), *catch_ = field(def, "Catch");
	int rid = retry && retry->u.array.len ? emit_retriers(e, retry) : -1;
	int cid = catch_ && catch_->u.array.len ? emit_catchers(e, catch_) : -1;

	char task_ref[32] = "NULL";
	if (is_task)
		snprintf(task_ref, sizeof task_ref, "&T%d_", tid);
	fprintf(b, "\tasl_value *raw = asl_enter_retryable(ex, %d, %s), *in, *out, *res;\n",
		index, task_ref);
	if (rid >= 0)
		fprintf(b, "\tint attempts[%zu] = {0};\nretry:\n", retry->u.array.len);
	emit_io_path(e, field(def, "InputPath"), "in", "raw");
	if (!strcmp(s->type, "Map")) {
		emit_map_call(e, def);
	} else {
		if ((v = field(def, "Parameters")))
			fprintf(b, "\tif (!(in = t%d_(ex, in)))\n\t\treturn asl_failed(ex);\n",
				emit_template(e, v));
		if (is_task) {
			emit_seconds(e, def, "TimeoutSeconds", "timeout");
			emit_seconds(e, def, "HeartbeatSeconds", "heartbeat");
			fprintf(b, "\tif (!(res = asl_task_run(ex, &T%d_, in, timeout, heartbeat)))\n"
				   "\t\tgoto failed;\n", tid);
		} else {
			emit_parallel_call(e, def);
		}
	}
	/* Assign sees the raw result, before ResultSelector */
	int aid = emit_assign_values(e, field(def, "Assign"), "res", "asg");
	if ((v = field(def, "ResultSelector")))
		fprintf(b, "\tif (!(res = t%d_(ex, res)))\n\t\treturn asl_failed(ex);\n",
			emit_template(e, v));
	emit_result_path(e, field(def, "ResultPath"), "res", "goto failed", b);
	emit_io_path(e, field(def, "OutputPath"), "out", "out");
	emit_assign_commit(aid, "asg", b, "\t");
	fprintf(b, "\treturn asl_leave(ex, out, %s);\nfailed:\n", emit_next(e, s, field(def, "Next")));
	if (rid >= 0)
		fprintf(b, "\tif (asl_retry(ex, R%d_, %zu, attempts))\n\t\tgoto retry;\n", rid,
			retry->u.array.len);
	if (cid >= 0)
		emit_catch_branches(e, s, catch_, cid);
	fputs("\treturn ASL_FAILED;\n", b);
}
