/* Definitions as the service compiles them: validated with aslc's diagnostics (AWS's
 * InvalidDefinition and ValidateStateMachineDefinition texts carry our line:col), AWS's Express
 * restrictions, the Task resources the service handles itself, and the machines compiled in
 * memory by libtcc, kept by definition id for as long as the server runs (a definition's code
 * is a few kilobytes; executions of old revisions keep theirs). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "aslc/aslc.h"
#include "server.h"

struct sv_compiled {
	int64_t definition_id;
	aslc_module *module;
	asl_arena arena; /* own_tasks */
	asl_binding *own_tasks; /* sv_machine_service_tasks of the definition, found once */
	const char *role; /* the revision's roleArn (in arena) */
	size_t own_count;
	sv_compiled *next;
};

/* "CODE: message at /pointer (line L, column C)" for every error, joined by "; ". */
static char *diagnostics_text(const aslc_diagnostics *d, asl_arena *a)
{
	asl_buffer b;
	asl_buffer_init(&b, a);
	for (size_t i = 0; i < d->count; i++) {
		const aslc_diagnostic *g = &d->items[i];
		if (g->severity != ASLC_ERROR)
			continue;
		if (b.len)
			asl_buffer_append(&b, "; ", 2);
		char *s = g->pointer ? sv_printf(a, "%s: %s at %s (line %d, column %d)",
						 aslc_code_name(g->code), g->message,
						 *g->pointer ? g->pointer : "/", g->line, g->column)
				     : sv_printf(a, "%s: %s", aslc_code_name(g->code), g->message);
		if (s)
			asl_buffer_append(&b, s, strlen(s));
	}
	asl_buffer_putc(&b, '\0');
	return b.data;
}

/* Express restrictions: activities, .sync and .waitForTaskToken, found in every Task of the
 * definition (nested states included). The first one's text in *why, or NULL. */
static void express_fault(const asl_value *states, const char *path, asl_arena *a, char **why)
{
	for (size_t i = 0; !*why && i < asl_object_len(states); i++) {
		size_t klen;
		const char *key = asl_object_key(states, i, &klen);
		const asl_value *st = asl_object_value(states, i);
		const char *here = sv_printf(a, "%s/%.*s", path, (int)klen, key);
		const asl_value *res = asl_object_get(st, "Resource", 8);
		const char *r = asl_is_string(res) ? asl_string_ptr(res) : "";
		size_t n = strlen(r);
		if (strstr(r, ":activity:"))
			*why = sv_printf(a,
					 "SCHEMA_VALIDATION_FAILED: Express state machine does not "
					 "support Activity ARN at %s/Resource",
					 here);
		else if (n > 17 && !strcmp(r + n - 17, ".waitForTaskToken"))
			*why = sv_printf(a,
					 "SCHEMA_VALIDATION_FAILED: Express state machine does not "
					 "support '.waitForTaskToken' service integration at %s/%s",
					 here, "Resource");
		else if (strstr(r, ".sync"))
			*why = sv_printf(a,
					 "SCHEMA_VALIDATION_FAILED: Express state machine does not "
					 "support '.sync' service integration at %s/%s",
					 here, "Resource");
		const asl_value *branches = asl_object_get(st, "Branches", 8);
		for (size_t b = 0; !*why && b < asl_array_len(branches); b++)
			express_fault(
				asl_object_get(asl_array_get(branches, (int64_t)b), "States", 6),
				sv_printf(a, "%s/Branches/%zu/States", here, b), a, why);
		const asl_value *proc = asl_object_get(st, "ItemProcessor", 13);
		if (!proc)
			proc = asl_object_get(st, "Iterator", 8);
		if (proc && !*why)
			express_fault(asl_object_get(proc, "States", 6),
				      sv_printf(a, "%s/ItemProcessor/States", here), a, why);
	}
}

int sv_machine_check(const char *name, const char *text, size_t len, int express, char **err,
		     asl_arena *a)
{
	aslc_source src = {text, len, "definition"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = name;
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	int errors = aslc_check(&src, &opts, &d);
	*err = errors ? diagnostics_text(&d, a) : NULL;
	aslc_diagnostics_free(&d);
	if (errors)
		return -1;
	if (express) {
		asl_parse_error perr;
		const asl_value *def = asl_parse(a, text, len, 0, &perr);
		express_fault(asl_object_get(def, "States", 6), "/States", a, err);
		if (*err)
			return -1;
	}
	return 0;
}

void sv_machine_diagnostics(sv_call *c, const char *text, size_t len, int express,
			    size_t max_results)
{
	aslc_source src = {text, len, "definition"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	aslc_check(&src, NULL, &d);
	char *why = NULL;
	if (!d.errors && express) {
		asl_parse_error perr;
		const asl_value *def = asl_parse(&c->arena, text, len, 0, &perr);
		express_fault(asl_object_get(def, "States", 6), "/States", &c->arena, &why);
	}
	size_t shown = 0, errors = 0;
	sv_open_array(c, "diagnostics");
	for (size_t i = 0; i < d.count; i++) {
		const aslc_diagnostic *g = &d.items[i];
		if (g->severity != ASLC_ERROR)
			continue;
		errors++;
		if (shown == max_results)
			continue;
		shown++;
		sv_open(c, NULL);
		sv_put_cstr(c, "severity", "ERROR");
		sv_put_cstr(c, "code", aslc_code_name(g->code));
		sv_put_cstr(c, "message",
			    g->line ? sv_printf(&c->arena, "%s (line %d, column %d)", g->message,
						g->line, g->column)
				    : g->message);
		sv_put_cstr(c, "location", g->pointer ? (*g->pointer ? g->pointer : "/") : NULL);
		sv_close(c);
	}
	if (why && shown < max_results) {
		errors++;
		shown++;
		const char *at = strstr(why, " at /");
		sv_open(c, NULL);
		sv_put_cstr(c, "severity", "ERROR");
		sv_put_cstr(c, "code", "SCHEMA_VALIDATION_FAILED");
		sv_put_string(c, "message", why + 26,
			      at ? (size_t)(at - why - 26) : strlen(why + 26));
		sv_put_cstr(c, "location", at ? at + 4 : "/");
		sv_close(c);
	}
	sv_close_array(c);
	sv_put_cstr(c, "result", errors ? "FAIL" : "OK");
	sv_put_bool(c, "truncated", shown < errors);
	aslc_diagnostics_free(&d);
}

static int service_resource(const char *r)
{
	size_t n = strlen(r);
	return (!strncmp(r, "arn:aws:states:", 15) && strstr(r, ":activity:")) ||
	       (n > 17 && !strcmp(r + n - 17, ".waitForTaskToken")) ||
	       !strncmp(r, "arn:aws:states:::states:startExecution", 38);
}

static void collect(const asl_value *states, asl_arena *a, asl_binding **out, size_t *n,
		    size_t *cap)
{
	for (size_t i = 0; i < asl_object_len(states); i++) {
		const asl_value *st = asl_object_value(states, i);
		const asl_value *res = asl_object_get(st, "Resource", 8);
		if (asl_is_string(res) && service_resource(asl_string_ptr(res))) {
			if (*n == *cap) {
				size_t grown = *cap ? *cap * 2 : 8;
				asl_binding *b = asl_arena_alloc(a, grown * sizeof *b);
				if (!b)
					return;
				if (*n)
					memcpy(b, *out, *n * sizeof *b);
				*out = b;
				*cap = grown;
			}
			(*out)[*n].resource = asl_string_ptr(res);
			(*out)[*n].binding = "c:aslc_serve_task";
			(*n)++;
		}
		const asl_value *branches = asl_object_get(st, "Branches", 8);
		for (size_t b = 0; b < asl_array_len(branches); b++)
			collect(asl_object_get(asl_array_get(branches, (int64_t)b), "States", 6), a,
				out, n, cap);
		const asl_value *proc = asl_object_get(st, "ItemProcessor", 13);
		if (!proc)
			proc = asl_object_get(st, "Iterator", 8);
		if (proc)
			collect(asl_object_get(proc, "States", 6), a, out, n, cap);
	}
}

size_t sv_machine_service_tasks(const char *text, size_t len, asl_arena *a, asl_binding **out)
{
	asl_parse_error perr;
	const asl_value *def = asl_parse(a, text, len, 0, &perr);
	size_t n = 0, cap = 0;
	*out = NULL;
	collect(asl_object_get(def, "States", 6), a, out, &n, &cap);
	return n;
}

const asl_machine *sv_machine_cached(sv_server *srv, int64_t definition_id, const char **role)
{
	const asl_machine *m = NULL;
	pthread_mutex_lock(&srv->lock);
	for (sv_compiled *k = srv->compiled; k && !m; k = k->next)
		if (k->definition_id == definition_id) {
			m = aslc_module_machine(k->module);
			*role = k->role;
		}
	pthread_mutex_unlock(&srv->lock);
	return m;
}

const asl_machine *sv_machine_get(sv_server *srv, int64_t definition_id, const char *name,
				  const char *role, const char *text, size_t len, char **err,
				  asl_arena *a)
{
	*err = NULL;
	pthread_mutex_lock(&srv->lock);
	for (sv_compiled *k = srv->compiled; k; k = k->next)
		if (k->definition_id == definition_id) {
			pthread_mutex_unlock(&srv->lock);
			return aslc_module_machine(k->module);
		}
	pthread_mutex_unlock(&srv->lock);
	/* compiled outside the lock (libtcc serializes itself); a second compile of the same
	 * definition racing this one is dropped below */
	aslc_source src = {text, len, "definition"};
	aslc_options opts;
	aslc_options_init(&opts);
	opts.name = name;
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	aslc_module *mod = aslc_load(&src, &opts, &d);
	if (!mod) {
		*err = diagnostics_text(&d, a);
		aslc_diagnostics_free(&d);
		return NULL;
	}
	aslc_diagnostics_free(&d);
	sv_compiled *k = calloc(1, sizeof *k);
	if (!k) {
		aslc_unload(mod);
		*err = "out of memory";
		return NULL;
	}
	k->definition_id = definition_id;
	k->module = mod;
	asl_arena_init(&k->arena, NULL);
	k->own_count = sv_machine_service_tasks(text, len, &k->arena, &k->own_tasks);
	k->role = role ? sv_printf(&k->arena, "%s", role) : NULL;
	pthread_mutex_lock(&srv->lock);
	for (sv_compiled *o = srv->compiled; o; o = o->next)
		if (o->definition_id == definition_id) {
			pthread_mutex_unlock(&srv->lock);
			aslc_unload(mod);
			asl_arena_destroy(&k->arena);
			free(k);
			return aslc_module_machine(o->module);
		}
	k->next = srv->compiled;
	srv->compiled = k;
	pthread_mutex_unlock(&srv->lock);
	return aslc_module_machine(mod);
}

void sv_machines_free(sv_server *srv)
{
	while (srv->compiled) {
		sv_compiled *k = srv->compiled;
		srv->compiled = k->next;
		aslc_unload(k->module);
		asl_arena_destroy(&k->arena);
		free(k);
	}
}

size_t sv_machine_own_tasks(sv_server *srv, int64_t definition_id, const asl_binding **out)
{
	size_t n = 0;
	*out = NULL;
	pthread_mutex_lock(&srv->lock);
	for (sv_compiled *k = srv->compiled; k; k = k->next)
		if (k->definition_id == definition_id) {
			*out = k->own_tasks;
			n = k->own_count;
		}
	pthread_mutex_unlock(&srv->lock);
	return n;
}
