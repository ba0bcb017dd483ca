/* Intrinsic function calls (States.Format(...), ...): parsing and type checking at compile
 * time. Arguments are 'strings' (escapes \' \{ \} \\), numbers, true/false/null, Paths
 * ($, $$, $var) and nested calls, at most 10 deep. */
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

#define MAX_NESTING 10

/* Argument types a function accepts at each position ('*' any, 'S' string, 'N' number,
 * 'B' boolean, 'A' array, 'O' object); the last letter repeats for variadic functions. */
static const intrinsic_fn FUNCTIONS[] = {
	{"States.Format", "asl_fn_format", 1, -1, "S*"},
	{"States.StringToJson", "asl_fn_string_to_json", 1, 1, "S"},
	{"States.JsonToString", "asl_fn_json_to_string", 1, 1, "*"},
	{"States.Array", "asl_fn_array", 0, -1, "*"},
	{"States.ArrayPartition", "asl_fn_array_partition", 2, 2, "AN"},
	{"States.ArrayContains", "asl_fn_array_contains", 2, 2, "A*"},
	{"States.ArrayRange", "asl_fn_array_range", 3, 3, "NNN"},
	{"States.ArrayGetItem", "asl_fn_array_get_item", 2, 2, "AN"},
	{"States.ArrayLength", "asl_fn_array_length", 1, 1, "A"},
	{"States.ArrayUnique", "asl_fn_array_unique", 1, 1, "A"},
	{"States.Base64Encode", "asl_fn_base64_encode", 1, 1, "S"},
	{"States.Base64Decode", "asl_fn_base64_decode", 1, 1, "S"},
	{"States.Hash", "asl_fn_hash", 2, 2, "*S"},
	{"States.JsonMerge", "asl_fn_json_merge", 3, 3, "OOB"},
	{"States.MathRandom", "asl_fn_math_random", 2, 3, "NNN"},
	{"States.MathAdd", "asl_fn_math_add", 2, 2, "NN"},
	{"States.StringSplit", "asl_fn_string_split", 2, 2, "SS"},
	{"States.UUID", "asl_fn_uuid", 0, 0, ""},
};

typedef struct iparser {
	asl_arena *arena;
	const char *s;
	size_t n, i;
	char *err;
	size_t errlen;
	size_t err_at;
} iparser;

static int fail(iparser *p, size_t at, const char *fmt, const char *arg)
{
	if (!p->err[0]) {
		snprintf(p->err, p->errlen, fmt, arg);
		p->err_at = at;
	}
	return -1;
}

static void skip_ws(iparser *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static const intrinsic_fn *find_fn(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof FUNCTIONS / sizeof FUNCTIONS[0]; i++)
		if (strlen(FUNCTIONS[i].name) == len && !memcmp(FUNCTIONS[i].name, name, len))
			return &FUNCTIONS[i];
	return NULL;
}

/* 'text': keeps \{ \} \\ escaped when `keep_brace_escapes` (a Format template), else decodes. */
static int string_literal(iparser *p, iarg *a, int keep_brace_escapes)
{
	size_t start = p->i++;
	char *buf = asl_arena_alloc(p->arena, p->n - p->i + 1);
	size_t o = 0;
	if (!buf)
		return fail(p, start, "%s", "out of memory");
	while (p->i < p->n && p->s[p->i] != '\'') {
		char c = p->s[p->i];
		if (c == '\\') {
			char e = p->i + 1 < p->n ? p->s[p->i + 1] : 0;
			if (e != '\'' && e != '{' && e != '}' && e != '\\')
				return fail(p, p->i, "%s",
					    "invalid escape in string (only \\', \\{, \\} and \\\\ "
					    "are allowed)");
			if (keep_brace_escapes && e != '\'')
				buf[o++] = '\\';
			buf[o++] = e;
			p->i += 2;
			continue;
		}
		buf[o++] = c;
		p->i++;
	}
	if (p->i >= p->n)
		return fail(p, start, "%s", "unterminated string");
	p->i++;
	buf[o] = '\0';
	a->kind = IA_LITERAL;
	a->literal = asl_string(p->arena, buf, o);
	return 0;
}

static int parse_call(iparser *p, intrinsic **out, int depth);

static int argument(iparser *p, iarg *a, int format_template, int depth)
{
	skip_ws(p);
	a->offset = p->i;
	if (p->i >= p->n)
		return fail(p, p->i, "%s", "missing argument");
	char c = p->s[p->i];
	if (c == '\'')
		return string_literal(p, a, format_template);
	if (c == '$') {
		size_t start = p->i;
		int depth_b = 0;
		/* a path runs to the next ',' or ')' outside brackets and quotes */
		char quote = 0;
		while (p->i < p->n) {
			char d = p->s[p->i];
			if (quote) {
				if (d == quote)
					quote = 0;
			} else if (d == '\'' || d == '"') {
				quote = d;
			} else if (d == '[' || d == '(') {
				depth_b++;
			} else if (d == ']' || (d == ')' && depth_b > 0)) {
				depth_b--;
			} else if ((d == ',' || d == ')') && depth_b == 0) {
				break;
			}
			p->i++;
		}
		size_t end = p->i;
		while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t'))
			end--;
		char perr[160];
		a->kind = IA_PATH;
		a->path = jpath_parse(p->arena, p->s + start, end - start, perr, sizeof perr);
		if (!a->path)
			return fail(p, start, "invalid path argument: %s", perr);
		return 0;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t start = p->i;
		while (p->i < p->n && strchr("0123456789+-.eE", p->s[p->i]))
			p->i++;
		asl_parse_error perr;
		a->kind = IA_LITERAL;
		a->literal = asl_parse(p->arena, p->s + start, p->i - start, 0, &perr);
		if (!a->literal)
			return fail(p, start, "%s", "invalid number");
		return 0;
	}
	static const char *const words[] = {"true", "false", "null"};
	for (int w = 0; w < 3; w++) {
		size_t len = strlen(words[w]);
		if (p->n - p->i >= len && !memcmp(p->s + p->i, words[w], len)) {
			asl_parse_error perr;
			a->kind = IA_LITERAL;
			a->literal = asl_parse(p->arena, words[w], len, 0, &perr);
			p->i += len;
			return 0;
		}
	}
	a->kind = IA_CALL;
	return parse_call(p, &a->call, depth + 1);
}

static char type_of_literal(const asl_value *v)
{
	switch (v->type) {
	case ASL_STRING:
		return 'S';
	case ASL_NUMBER:
		return 'N';
	case ASL_BOOL:
		return 'B';
	case ASL_NULL:
		return '0';
	default:
		return '*';
	}
}

static const char *type_name(char t)
{
	switch (t) {
	case 'S':
		return "a string";
	case 'N':
		return "a number";
	case 'B':
		return "a boolean";
	case 'A':
		return "an array";
	case 'O':
		return "an object";
	default:
		return "any value";
	}
}

static int check_types(iparser *p, const intrinsic *call)
{
	const intrinsic_fn *fn = call->fn;
	if (call->nargs < fn->min_args || (fn->max_args >= 0 && call->nargs > fn->max_args)) {
		char msg[200];
		if (fn->max_args < 0)
			snprintf(msg, sizeof msg, "%s takes at least %d argument%s, not %d",
				 fn->name, fn->min_args, fn->min_args == 1 ? "" : "s", call->nargs);
		else if (fn->min_args == fn->max_args)
			snprintf(msg, sizeof msg, "%s takes %d argument%s, not %d", fn->name,
				 fn->min_args, fn->min_args == 1 ? "" : "s", call->nargs);
		else
			snprintf(msg, sizeof msg, "%s takes %d to %d arguments, not %d", fn->name,
				 fn->min_args, fn->max_args, call->nargs);
		return fail(p, call->offset, "%s", msg);
	}
	size_t ntypes = strlen(fn->types);
	for (int i = 0; i < call->nargs; i++) {
		const iarg *a = &call->args[i];
		if (a->kind != IA_LITERAL || ntypes == 0)
			continue;
		char want = fn->types[(size_t)i < ntypes ? (size_t)i : ntypes - 1];
		char got = type_of_literal(a->literal);
		if (want != '*' && want != got) {
			char msg[200];
			snprintf(msg, sizeof msg, "argument %d of %s must be %s", i + 1, fn->name,
				 type_name(want));
			return fail(p, a->offset, "%s", msg);
		}
	}
	return 0;
}

static int parse_call(iparser *p, intrinsic **out, int depth)
{
	skip_ws(p);
	size_t start = p->i;
	if (depth > MAX_NESTING)
		return fail(p, start, "%s", "intrinsic functions are nested more than 10 deep");
	while (p->i < p->n && !strchr("(,) \t\n\r", p->s[p->i]))
		p->i++;
	const intrinsic_fn *fn = find_fn(p->s + start, p->i - start);
	if (!fn) {
		char name[100];
		snprintf(name, sizeof name, "%.*s", (int)(p->i - start), p->s + start);
		return fail(p, start, "unknown intrinsic function '%s'", name);
	}
	skip_ws(p);
	if (p->i >= p->n || p->s[p->i] != '(')
		return fail(p, p->i, "%s", "expected '(' after the function name");
	p->i++;
	intrinsic *call = asl_arena_alloc(p->arena, sizeof *call);
	iarg args[64];
	memset(call, 0, sizeof *call);
	call->fn = fn;
	call->offset = start;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == ')') {
		p->i++;
	} else {
		for (;;) {
			if (call->nargs == 64)
				return fail(p, p->i, "%s", "too many arguments");
			iarg *a = &args[call->nargs];
			memset(a, 0, sizeof *a);
			int template = call->nargs == 0 && !strcmp(fn->name, "States.Format");
			if (argument(p, a, template, depth) < 0)
				return -1;
			call->nargs++;
			skip_ws(p);
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == ')') {
				p->i++;
				break;
			}
			return fail(p, p->i, "%s", "expected ',' or ')'");
		}
	}
	call->args = asl_arena_alloc(p->arena, (size_t)(call->nargs + 1) * sizeof(iarg));
	memcpy(call->args, args, (size_t)call->nargs * sizeof(iarg));
	*out = call;
	return check_types(p, call);
}

intrinsic *intrinsic_parse(asl_arena *arena, const char *text, size_t len, char *err, size_t errlen,
			   size_t *err_at)
{
	iparser p = {arena, text, len, 0, err, errlen, 0};
	err[0] = '\0';
	intrinsic *call = NULL;
	if (parse_call(&p, &call, 1) == 0) {
		skip_ws(&p);
		if (p.i != p.n)
			fail(&p, p.i, "%s", "unexpected text after the function call");
	}
	*err_at = p.err_at;
	return err[0] ? NULL : call;
}

/* A Format template literal: each {} must match an argument. */
int intrinsic_format_placeholders(const char *tmpl, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len; i++) {
		if (tmpl[i] == '\\') {
			i++;
			continue;
		}
		if (tmpl[i] == '{' && i + 1 < len && tmpl[i + 1] == '}')
			n++;
	}
	return n;
}
