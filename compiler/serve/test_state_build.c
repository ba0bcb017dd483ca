/* TestState: the small machines built around the tested state. Each transition of the state
 * leads to a landing of its own (a Succeed state), so the definition validates, the run ends right
 * after the state, and the landing entered tells which transition was taken. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "test_state.h"

static asl_value *str(asl_arena *a, const char *s)
{
	return asl_cstring(a, s);
}

static void put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	asl_object_append(a, o, key, strlen(key), v);
}

/* A new landing for `target`; its name. */
static const char *landing(ts_machine *m, asl_arena *a, ts_landing_kind kind, int index,
			   const asl_value *target)
{
	if (m->landing_count == m->landing_cap) {
		size_t cap = m->landing_cap ? m->landing_cap * 2 : 8;
		ts_landing *s = asl_arena_alloc(a, cap * sizeof *s);
		if (!s)
			return "";
		if (m->landing_count)
			memcpy(s, m->landings, m->landing_count * sizeof *s);
		m->landings = s;
		m->landing_cap = cap;
	}
	ts_landing *s = &m->landings[m->landing_count];
	s->name = sv_printf(a, "__aslc_landing_%zu", m->landing_count);
	s->target = asl_is_string(target) ? asl_string_ptr(target) : NULL;
	s->kind = kind;
	s->index = index;
	m->landing_count++;
	asl_value *succeed = asl_object(a, 1);
	put(a, succeed, "Type", str(a, "Succeed"));
	put(a, m->states, s->name, succeed);
	return s->name;
}

/* Whether a value has a key ending in ".$" anywhere: Assign would evaluate it as a path. */
static int has_path_key(const asl_value *v)
{
	for (size_t i = 0; i < asl_object_len(v); i++) {
		size_t len;
		const char *k = asl_object_key(v, i, &len);
		if ((len >= 2 && !memcmp(k + len - 2, ".$", 2)) ||
		    has_path_key(asl_object_value(v, i)))
			return 1;
	}
	for (size_t i = 0; i < asl_array_len(v); i++)
		if (has_path_key(asl_array_get(v, (int64_t)i)))
			return 1;
	return 0;
}

/* States.StringToJson('<the value's JSON>'): the exact value, whatever keys it has. */
static asl_value *literal_expression(asl_arena *a, const asl_value *v)
{
	size_t len;
	const char *json = asl_to_json(a, v, &len);
	asl_buffer b;
	asl_buffer_init(&b, a);
	asl_buffer_append(&b, "States.StringToJson('", 21);
	for (size_t i = 0; json && i < len; i++) {
		if (strchr("\\'{}", json[i]))
			asl_buffer_putc(&b, '\\');
		asl_buffer_putc(&b, json[i]);
	}
	asl_buffer_append(&b, "')", 2);
	return asl_string(a, b.data, b.len);
}

void ts_machine_init(ts_machine *m, asl_arena *a, const asl_value *variables, const char *first)
{
	memset(m, 0, sizeof *m);
	m->states = asl_object(a, 8);
	m->start = first;
	if (!asl_object_len(variables))
		return;
	asl_value *assign = asl_object(a, asl_object_len(variables));
	for (size_t i = 0; i < asl_object_len(variables); i++) {
		size_t len;
		const char *k = asl_object_key(variables, i, &len);
		const asl_value *v = asl_object_value(variables, i);
		if (has_path_key(v))
			put(a, assign, sv_printf(a, "%.*s.$", (int)len, k),
			    literal_expression(a, v));
		else
			asl_object_append(a, assign, k, len, asl_copy(a, v));
	}
	asl_value *pass = asl_object(a, 3);
	put(a, pass, "Type", str(a, "Pass"));
	put(a, pass, "Assign", assign);
	put(a, pass, "Next", str(a, first));
	put(a, m->states, TS_VARIABLES, pass);
	m->start = TS_VARIABLES;
}

static int is(const char *k, size_t len, const char *name)
{
	return len == strlen(name) && !memcmp(k, name, len);
}

/* `o` with its Next led to a landing. */
static asl_value *redirect(ts_machine *m, asl_arena *a, const asl_value *o, ts_landing_kind kind,
			   int index)
{
	const asl_value *next = asl_object_get(o, "Next", 4);
	if (!next)
		return asl_copy(a, o);
	return ts_with(a, o, "Next", str(a, landing(m, a, kind, index, next)));
}

static int lists_all(const asl_value *retrier)
{
	const asl_value *errors = asl_object_get(retrier, "ErrorEquals", 11);
	for (size_t i = 0; i < asl_array_len(errors); i++) {
		const asl_value *e = asl_array_get(errors, (int64_t)i);
		if (asl_is_string(e) && !strcmp(asl_string_ptr(e), "States.ALL"))
			return 1;
	}
	return 0;
}

/* One catcher per retrier, up to the first with States.ALL (Catch allows it only last), and a
 * States.ALL one unless that came: the run ends in the landing of the retrier that would apply,
 * or of the catch-all, whose input is the error output {Error, Cause}. */
static asl_value *retry_catchers(ts_machine *m, asl_arena *a, const asl_value *retry)
{
	asl_value *catch = asl_array(a, asl_array_len(retry) + 1);
	int all = 0;
	for (size_t i = 0; !all && i < asl_array_len(retry); i++) {
		const asl_value *r = asl_array_get(retry, (int64_t)i);
		asl_value *c = asl_object(a, 2);
		put(a, c, "ErrorEquals", asl_copy(a, asl_object_get(r, "ErrorEquals", 11)));
		put(a, c, "Next", str(a, landing(m, a, TS_RETRY, (int)i, NULL)));
		asl_array_push(a, catch, c);
		all = lists_all(r);
	}
	if (!all) {
		asl_value *c = asl_object(a, 2), *errors = asl_array(a, 1);
		asl_array_push(a, errors, str(a, "States.ALL"));
		put(a, c, "ErrorEquals", errors);
		put(a, c, "Next", str(a, landing(m, a, TS_CATCH_ALL, 0, NULL)));
		asl_array_push(a, catch, c);
	}
	return catch;
}

void ts_machine_add(ts_machine *m, asl_arena *a, const char *name, const asl_value *state,
		    int retry_as_catch)
{
	asl_value *out = asl_object(a, asl_object_len(state) + 1);
	for (size_t i = 0; i < asl_object_len(state); i++) {
		size_t len;
		const char *k = asl_object_key(state, i, &len);
		const asl_value *v = asl_object_value(state, i);
		asl_value *copy;
		if (is(k, len, "Retry"))
			continue;
		if (is(k, len, "Next") || is(k, len, "Default")) {
			copy = str(a, landing(m, a, TS_NEXT, 0, v));
		} else if (is(k, len, "Choices") || is(k, len, "Catch")) {
			if (retry_as_catch && is(k, len, "Catch"))
				continue;
			int choices = is(k, len, "Choices");
			copy = asl_array(a, asl_array_len(v));
			for (size_t j = 0; j < asl_array_len(v); j++)
				asl_array_push(a, copy,
					       redirect(m, a, asl_array_get(v, (int64_t)j),
							choices ? TS_NEXT : TS_CATCH, (int)j));
		} else {
			copy = asl_copy(a, v);
		}
		asl_object_append(a, out, k, len, copy);
	}
	if (retry_as_catch)
		put(a, out, "Catch", retry_catchers(m, a, asl_object_get(state, "Retry", 5)));
	put(a, m->states, name, out);
}

const ts_landing *ts_machine_landing(const ts_machine *m, const char *name)
{
	for (size_t i = 0; name && i < m->landing_count; i++)
		if (!strcmp(m->landings[i].name, name))
			return &m->landings[i];
	return NULL;
}

const char *ts_machine_text(const ts_machine *m, asl_arena *a, size_t *len)
{
	asl_value *def =
		asl_object(a, 2); /* AWS's 5-minute limit: test_state_run.c's should_stop */
	put(a, def, "StartAt", str(a, m->start));
	put(a, def, "States", m->states);
	return asl_to_json(a, def, len);
}

asl_value *ts_with(asl_arena *a, const asl_value *state, const char *key, const asl_value *v)
{
	size_t klen = strlen(key);
	asl_value *out = asl_object(a, asl_object_len(state) + 1);
	for (size_t i = 0; i < asl_object_len(state); i++) {
		size_t len;
		const char *k = asl_object_key(state, i, &len);
		if (!is(k, len, key))
			asl_object_append(a, out, k, len, asl_copy(a, asl_object_value(state, i)));
	}
	if (v)
		asl_object_append(a, out, key, klen, asl_copy(a, v));
	return out;
}

asl_value *ts_as_task(asl_arena *a, const asl_value *state)
{
	static const char *const KEEP[] = {
		"Comment",        "QueryLanguage", "InputPath", "OutputPath", "ResultPath",
		"ResultSelector", "Retry",         "Catch",     "Next",       "End",
		"Assign",         "Output",        NULL};
	const asl_value *type = asl_object_get(state, "Type", 4);
	/* a Parallel's Parameters and Arguments shape its input as a Task's do; a Map's apply to
	 * each item */
	int parallel = asl_is_string(type) && !strcmp(asl_string_ptr(type), "Parallel");
	asl_value *out = asl_object(a, asl_object_len(state) + 2);
	put(a, out, "Type", str(a, "Task"));
	put(a, out, "Resource", str(a, TS_MOCK_RESOURCE));
	for (size_t i = 0; i < asl_object_len(state); i++) {
		size_t len;
		const char *k = asl_object_key(state, i, &len);
		int keep = parallel && (is(k, len, "Parameters") || is(k, len, "Arguments"));
		for (int j = 0; !keep && KEEP[j]; j++)
			keep = is(k, len, KEEP[j]);
		if (keep)
			asl_object_append(a, out, k, len, asl_copy(a, asl_object_value(state, i)));
	}
	return out;
}

void ts_machine_put(ts_machine *m, asl_arena *a, const char *name, asl_value *state)
{
	put(a, m->states, name, state);
}
