/* Task bindings given on command lines and in --tasks files: RESOURCE=BINDING. */
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"

static int valid_symbol(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9') || !strcmp(s, "main") || !strncmp(s, "asl_", 4))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

int asl_binding_check(const char *binding, char *err, size_t errlen)
{
	if (!strncmp(binding, "c:", 2)) {
		if (valid_symbol(binding + 2))
			return 0;
		snprintf(err, errlen, "'%s': c: needs a C function name (not main, not asl_...)",
			 binding);
		return -1;
	}
	if ((!strncmp(binding, "exec:", 5) && binding[5]) || !strncmp(binding, "http://", 7) ||
	    !strncmp(binding, "https://", 8) || !strcmp(binding, "mock:"))
		return 0;
	snprintf(err, errlen,
		 "'%s' is not a binding (c:SYMBOL, exec:COMMAND, http(s)://URL or "
		 "mock:)",
		 binding);
	return -1;
}

int asl_binding_parse(asl_arena *arena, const char *spec, asl_binding *out, char *err,
		      size_t errlen)
{
	const char *eq = strchr(spec, '=');
	if (!eq || eq == spec) {
		snprintf(err, errlen, "'%s' is not RESOURCE=BINDING", spec);
		return -1;
	}
	asl_value *r = asl_string(arena, spec, (size_t)(eq - spec));
	if (!r || asl_binding_check(eq + 1, err, errlen) < 0)
		return -1;
	out->resource = r->u.string.ptr;
	out->binding = eq + 1;
	return 0;
}

int asl_bindings_from_json(const asl_value *v, asl_binding *out, size_t max, size_t *count,
			   char *err, size_t errlen)
{
	if (!v || v->type != ASL_OBJECT) {
		snprintf(err, errlen,
			 "a tasks file holds an object {\"RESOURCE\": \"BINDING\", ...}");
		return -1;
	}
	for (size_t i = 0; i < v->u.object.len; i++) {
		const asl_member *m = &v->u.object.members[i];
		if (m->value->type != ASL_STRING) {
			snprintf(err, errlen, "the binding of '%s' must be a string", m->key);
			return -1;
		}
		if (asl_binding_check(m->value->u.string.ptr, err, errlen) < 0)
			return -1;
		if (*count >= max) {
			snprintf(err, errlen, "too many bindings (at most %zu)", max);
			return -1;
		}
		out[(*count)++] = (asl_binding){m->key, m->value->u.string.ptr};
	}
	return 0;
}
