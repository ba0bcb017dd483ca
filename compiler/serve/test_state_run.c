/* TestState: one small machine compiled with libtcc and run to its end in the request's
 * thread, its history watched for what the tested state did: its input and output, its task's
 * parameters and result, its assigned variables, and the state entered after it. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "aslc/aslc.h"
#include "test_state.h"

/* Whether `g` is one ts_check leaves out: a variable "never assigned" that the request
 * presets (validate.c's wording), or, for a state in a wrapper, an error of the wrapper only,
 * such as its lack of a terminal state when the state's Next is bad (said already) or is the
 * state itself (fine: the run's machine leads it to a landing too, and is checked again). */
static int past_limit(void *user)
{
	return sv_now_ms() >= *(const int64_t *)user;
}

static int left_out(const aslc_diagnostic *g, const char *prefix, const asl_value *variables)
{
	if (prefix && (!g->pointer || strncmp(g->pointer, prefix, strlen(prefix))))
		return 1;
	for (size_t i = 0; i < asl_object_len(variables); i++) {
		size_t len;
		const char *k = asl_object_key(variables, i, &len);
		if (!strncmp(g->message, "variable $", 10) && !strncmp(g->message + 10, k, len) &&
		    !strcmp(g->message + 10 + len, " is never assigned (no Assign in the machine "
						   "gives it a value)"))
			return 1;
	}
	return 0;
}

/* "CODE: message at /pointer (line L, column C)" per error, joined by "; " (machines.c's
 * form), with the wrapper's lines and pointer prefix taken off (line_shift < 0: no line and
 * column, for a text that is ours, not the user's); NULL when none is left. */
static char *diagnostics_text(const aslc_diagnostics *d, int line_shift, const char *prefix,
			      const asl_value *variables, asl_arena *a)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	asl_buffer b;
	asl_buffer_init(&b, a);
	for (size_t i = 0; i < d->count; i++) {
		const aslc_diagnostic *g = &d->items[i];
		if (g->severity != ASLC_ERROR || left_out(g, prefix, variables))
			continue;
		if (b.len)
			asl_buffer_append(&b, "; ", 2);
		const char *at = g->pointer;
		if (at && plen && !strncmp(at, prefix, plen))
			at += plen;
		int line = g->line > line_shift ? g->line - line_shift : g->line;
		char *s = !at ? sv_printf(a, "%s: %s", aslc_code_name(g->code), g->message)
			  : line_shift < 0 ? sv_printf(a, "%s: %s at %s", aslc_code_name(g->code),
						       g->message, *at ? at : "/")
					   : sv_printf(a, "%s: %s at %s (line %d, column %d)",
						       aslc_code_name(g->code), g->message,
						       *at ? at : "/", line, g->column);
		if (s)
			asl_buffer_append(&b, s, strlen(s));
	}
	if (!b.len)
		return NULL;
	asl_buffer_putc(&b, '\0');
	return b.data;
}

char *ts_check(const char *text, size_t len, int line_shift, const char *pointer_prefix,
	       const asl_value *variables, asl_arena *a)
{
	aslc_source src = {text, len, "definition"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = TS_SINGLE_NAME;
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	char *err = aslc_check(&src, &opts, &d)
			    ? diagnostics_text(&d, line_shift, pointer_prefix, variables, a)
			    : NULL;
	aslc_diagnostics_free(&d);
	return err;
}

typedef struct watcher {
	asl_arena *arena;
	const char *watch;
	ts_seen *seen;
	int phase; /* 0 before the watched state, 1 in it, 2 after it */
} watcher;

static const char *text_of(watcher *w, const asl_value *details, const char *key)
{
	const asl_value *v = asl_object_get(details, key, strlen(key));
	if (!asl_is_string(v))
		return NULL;
	return sv_printf(w->arena, "%.*s", (int)asl_string_len(v), asl_string_ptr(v));
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

/* A task's own events: Task*, LambdaFunction*, Activity* (not TaskState*). */
static int task_event(const char *type, const char *what)
{
	return ends_with(type, what) && strncmp(type, "TaskState", 9) &&
	       (!strncmp(type, "Task", 4) || !strncmp(type, "LambdaFunction", 14) ||
		!strncmp(type, "Activity", 8));
}

static void on_event(void *user, const asl_event *e)
{
	watcher *w = user;
	ts_seen *s = w->seen;
	const char *name = text_of(w, e->details, "name");
	if (ends_with(e->type, "StateEntered")) {
		if (w->phase == 0 && name && !strcmp(name, w->watch)) {
			w->phase = 1;
			s->input = text_of(w, e->details, "input");
		} else if (w->phase == 2 && !s->next) {
			s->next = name;
			s->next_input = text_of(w, e->details, "input");
		}
	} else if (w->phase == 1 && ends_with(e->type, "StateExited")) {
		w->phase = 2;
		s->output = text_of(w, e->details, "output");
		const asl_value *as = asl_object_get(e->details, "assignedVariables", 17);
		s->assigned = as ? asl_copy(w->arena, as) : NULL;
	} else if (w->phase == 1 && !s->parameters && task_event(e->type, "Scheduled")) {
		s->parameters = text_of(w, e->details, "parameters");
		if (!s->parameters) /* LambdaFunctionScheduled, ActivityScheduled */
			s->parameters = text_of(w, e->details, "input");
	} else if (w->phase == 1 && !s->result && task_event(e->type, "Succeeded")) {
		s->result = text_of(w, e->details, "output");
	}
}

/* The mock's handler: its result, parsed anew into the execution's arena, or its error. */
static int mock_task(asl_task_call *call)
{
	const ts_mock *m = call->user;
	if (m->result) {
		asl_parse_error perr;
		call->result = asl_parse(call->arena, m->result, m->result_len, 0, &perr);
		if (call->result)
			return ASL_TASK_OK;
	}
	call->error = m->error ? m->error : "States.TaskFailed";
	call->cause = m->cause;
	return ASL_TASK_ERROR;
}

static aslc_module *cached(const ts_modules *m, const char *text)
{
	for (size_t i = 0; m && i < m->count; i++)
		if (!strcmp(m->texts[i], text))
			return m->modules[i];
	return NULL;
}

/* 1 when `mod` is kept in `m` (unloaded by ts_modules_free), 0 when the caller unloads it. */
static int remember(ts_modules *m, const char *text, aslc_module *mod)
{
	if (!m || m->count == TS_MAX_MODULES)
		return 0;
	m->texts[m->count] = text; /* in the call's arena, which outlives `m`'s use */
	m->modules[m->count++] = mod;
	return 1;
}

void ts_modules_free(ts_modules *m)
{
	for (size_t i = 0; i < m->count; i++)
		aslc_unload(m->modules[i]);
	m->count = 0;
}

int ts_run(sv_call *c, const ts_request *r, const ts_machine *m, const char *watch,
	   const ts_mock *mock, ts_seen *out, char **err)
{
	size_t len;
	const char *text = ts_machine_text(m, &c->arena, &len);
	aslc_source src = {text, len, "definition"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = r->machine_name ? r->machine_name : TS_SINGLE_NAME;
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	aslc_module *mod = cached(r->modules, text);
	int keep = mod != NULL;
	if (!mod && (mod = aslc_load(&src, &opts, &d)))
		keep = remember(r->modules, text, mod);
	if (!mod) {
		*err = diagnostics_text(&d, -1, NULL, NULL, &c->arena);
		if (!*err)
			*err = "the test machine did not compile";
		aslc_diagnostics_free(&d);
		return -1;
	}
	aslc_diagnostics_free(&d);

	sv_server *srv = c->srv;
	char uuid[37];
	sv_uuid(uuid);
	const char *machine_arn =
		r->machine_arn ? r->machine_arn
			       : sv_printf(&c->arena, "arn:aws:states:%s:%s:stateMachine:%s",
					   c->region, srv->cfg.account, opts.name);
	const char *name = r->execution_name ? r->execution_name : uuid;
	const char *arn = r->execution_arn
				  ? r->execution_arn
				  : sv_printf(&c->arena, "arn:aws:states:%s:%s:execution:%s:%s",
					      c->region, srv->cfg.account, opts.name, name);
	asl_options o;
	sv_engine_options(srv, &o, arn, machine_arn, sv_printf(&c->arena, "%s", name));
	o.region = c->region;
	o.wait_scale = 0; /* a Wait state is tested for its data, not its time: no request waits */
	int64_t limit = sv_now_ms() + 5 * 60 * 1000; /* AWS: a test runs at most 5 minutes */
	o.should_stop = past_limit;
	o.stop_user = &limit;
	/* the mock's binding first: it wins over the server's --tasks for the same resource */
	asl_binding *all = asl_arena_alloc(&c->arena, (srv->binding_count + 1) * sizeof *all);
	asl_handler handler = {"aslc_test_state_mock", mock_task, (void *)mock};
	size_t n = 0;
	if (mock)
		all[n++] = (asl_binding){TS_MOCK_RESOURCE, "c:aslc_test_state_mock"};
	if (srv->binding_count)
		memcpy(all + n, srv->bindings, srv->binding_count * sizeof *all);
	o.bindings = all;
	o.binding_count = n + srv->binding_count;
	o.handlers = &handler;
	o.handler_count = mock ? 1 : 0;
	memset(out, 0, sizeof *out);
	watcher w = {&c->arena, watch, out, 0};
	o.on_event = on_event;
	o.event_user = &w;

	asl_result res;
	asl_execute(aslc_module_machine(mod), r->input, &o, &res);
	out->status = res.status;
	if (res.error)
		out->error = sv_printf(&c->arena, "%.*s", (int)res.error_len, res.error);
	if (res.cause)
		out->cause = sv_printf(&c->arena, "%.*s", (int)res.cause_len, res.cause);
	asl_result_free(&res);
	if (!keep)
		aslc_unload(mod);
	return 0;
}
