/* The console's view of a definition: the state object of a visit, looked up in the scope it
 * ran in (a Map's ItemProcessor or Iterator, the branch of a Parallel that has it, the
 * machine), with its JSON Pointer as the graph names its node ("/States/M/ItemProcessor/
 * States/B"). */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console_history.h"

struct cs_states {
	asl_arena *a;
	const asl_value *root;
};

cs_states *cs_states_of(asl_arena *a, const char *definition, size_t len)
{
	asl_parse_error perr;
	const asl_value *root = definition ? asl_parse(a, definition, len, 0, &perr) : NULL;
	cs_states *s = root ? asl_arena_alloc(a, sizeof *s) : NULL;
	if (!s)
		return NULL;
	s->a = a;
	s->root = root;
	return s;
}

int cs_states_jsonata(const cs_states *s)
{
	const asl_value *q = asl_object_get(s->root, "QueryLanguage", 13);
	return asl_is_string(q) && !strcmp(asl_string_ptr(q), "JSONata");
}

/* "/States/<name>" with the name escaped as RFC 6901 says (~0 ~1), after `prefix`. */
static const char *pointer_of(asl_arena *a, const char *prefix, const char *name)
{
	asl_buffer b;
	asl_buffer_init(&b, a);
	asl_buffer_append(&b, prefix, strlen(prefix));
	asl_buffer_append(&b, "/States/", 8);
	for (const char *p = name; *p; p++) {
		if (*p == '~')
			asl_buffer_append(&b, "~0", 2);
		else if (*p == '/')
			asl_buffer_append(&b, "~1", 2);
		else
			asl_buffer_putc(&b, *p);
	}
	asl_buffer_putc(&b, '\0');
	return b.data ? b.data : "";
}

static const asl_value *state_in(const asl_value *scope, const char *name)
{
	const asl_value *o = asl_object_get(asl_object_get(scope, "States", 6), name, strlen(name));
	return asl_is_object(o) ? o : NULL;
}

/* The state `name` in the scope `sc` runs; its pointer in *pointer. */
static const asl_value *find(cs_states *s, const cs_scope *sc, const char *name,
			     const char **pointer)
{
	if (!sc || !sc->owner) {
		*pointer = pointer_of(s->a, "", name);
		return state_in(s->root, name);
	}
	const char *owner_ptr;
	const asl_value *owner = find(s, sc->owner->scope, sc->owner->state, &owner_ptr);
	if (!owner)
		return NULL;
	if (sc->index >= 0) { /* a Map iteration */
		const char *key =
			asl_object_get(owner, "ItemProcessor", 13) ? "ItemProcessor" : "Iterator";
		const char *prefix = sv_printf(s->a, "%s/%s", owner_ptr, key);
		*pointer = pointer_of(s->a, prefix, name);
		return state_in(asl_object_get(owner, key, strlen(key)), name);
	}
	const asl_value *branches = asl_object_get(owner, "Branches", 8);
	for (size_t i = 0; i < asl_array_len(branches); i++) {
		const asl_value *st = state_in(asl_array_get(branches, (int64_t)i), name);
		if (st) {
			const char *prefix = sv_printf(s->a, "%s/Branches/%zu", owner_ptr, i);
			*pointer = pointer_of(s->a, prefix, name);
			return st;
		}
	}
	return NULL;
}

const asl_value *cs_state_of(cs_states *s, const cs_visit *v, const char **pointer)
{
	*pointer = NULL;
	if (!s)
		return NULL;
	const char *p;
	const asl_value *st = find(s, v->scope, v->state, &p);
	if (st)
		*pointer = p;
	return st;
}
