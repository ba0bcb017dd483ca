/* Static validation of a definition (asl-semantics.md §1.2 and the field matrix of §2.2).
 * Every error is reported; the state table for the code generator is built on the way. */
#include <math.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

typedef struct checker {
	source *src;
	asl_arena *arena;
	machine_info *m;
	int scopes;
} checker;

static const char *const COMMON[] = {"Type", "Comment", "QueryLanguage", NULL};
static const char *const IO[] = {"InputPath", "OutputPath", "Assign", NULL};
static const char *const FLOW[] = {"Next", "End", NULL};
static const char *const RESULT[] = {"ResultPath", "Parameters", NULL};
static const char *const TASKLIKE[] = {"ResultSelector", "Retry", "Catch", NULL};

typedef struct type_fields {
	const char *type;
	const char *const *groups[5];
	const char *const own[20];
} type_fields;

static const type_fields TYPES[] = {
	{"Pass", {IO, FLOW, RESULT}, {"Result"}},
	{"Task", {IO, FLOW, RESULT, TASKLIKE},
	 {"Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
	  "HeartbeatSecondsPath", "Credentials", "Arguments", "Output"}},
	{"Choice", {IO}, {"Choices", "Default"}},
	{"Wait", {IO, FLOW}, {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}},
	{"Succeed", {IO}, {"_"}},
	{"Fail", {NULL}, {"Error", "ErrorPath", "Cause", "CausePath"}},
	{"Parallel", {IO, FLOW, RESULT, TASKLIKE}, {"Branches", "Arguments", "Output"}},
	{"Map", {IO, FLOW, RESULT, TASKLIKE},
	 {"ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "MaxConcurrency",
	  "MaxConcurrencyPath", "ItemReader", "ItemBatcher", "ResultWriter",
	  "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
	  "ToleratedFailureCount", "ToleratedFailureCountPath", "Label", "Items", "Output"}},
};

static int in_list(const char *const *list, const char *key, size_t n)
{
	for (; list && *list; list++)
		if (strlen(*list) == n && memcmp(*list, key, n) == 0)
			return 1;
	return 0;
}

static const type_fields *type_of(const char *t)
{
	for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
		if (!strcmp(TYPES[i].type, t))
			return &TYPES[i];
	return NULL;
}

static int field_allowed(const type_fields *tf, const char *key, size_t n)
{
	if (in_list(COMMON, key, n) || in_list(tf->own, key, n))
		return 1;
	for (int g = 0; g < 5; g++)
		if (in_list(tf->groups[g], key, n))
			return 1;
	return 0;
}

static int is_string(const asl_value *v)
{
	return v && v->type == ASL_STRING;
}

static void *grow_table(checker *c, void *old, size_t elem, int count, int *cap)
{
	if (count < *cap)
		return old;
	int ncap = *cap ? *cap * 2 : 16;
	void *p = asl_arena_alloc(c->arena, (size_t)ncap * elem);
	if (p && count)
		memcpy(p, old, (size_t)count * elem);
	*cap = ncap;
	return p;
}

int var_slot(const machine_info *m, const char *name)
{
	for (int i = 0; i < m->var_count; i++)
		if (!strcmp(m->vars[i], name))
			return i;
	return -1;
}

static void note_reference(checker *c, const char *name, const asl_value *at)
{
	machine_info *m = c->m;
	m->refs = grow_table(c, m->refs, sizeof *m->refs, m->ref_count, &m->ref_cap);
	if (m->refs)
		m->refs[m->ref_count++] = (var_ref){name, at};
}

static void note_assignment(checker *c, const char *name)
{
	machine_info *m = c->m;
	if (var_slot(m, name) >= 0)
		return;
	m->vars = grow_table(c, m->vars, sizeof *m->vars, m->var_count, &m->var_cap);
	if (m->vars)
		m->vars[m->var_count++] = name;
}

static void check_path(checker *c, const asl_value *v, const char *what, int reference,
		       int allow_null, int allow_context)
{
	if (!v)
		return;
	if (v->type == ASL_NULL && allow_null)
		return;
	if (!is_string(v)) {
		diag_error(c->src, v, "%s must be a string%s", what, allow_null ? " or null" : "");
		return;
	}
	char err[160];
	jpath *p = jpath_parse(c->arena, v->u.string.ptr, v->u.string.len, err, sizeof err);
	if (!p) {
		diag_error(c->src, v, "%s \"%s\" is not a valid JSONPath: %s", what,
			   v->u.string.ptr, err);
		return;
	}
	if (reference && !jpath_is_reference(p))
		diag_error(c->src, v, "%s \"%s\" must be a Reference Path (a single node: no "
				      "wildcards, slices, unions, filters or '..')",
			   what, v->u.string.ptr);
	if (p->root == ROOT_CONTEXT && !allow_context)
		diag_error(c->src, v, "%s cannot refer to the context object ($$)", what);
	if (p->root == ROOT_VARIABLE && !allow_context)
		diag_error(c->src, v, "%s cannot refer to a variable ($%s)", what, p->variable);
	else if (p->root == ROOT_VARIABLE)
		note_reference(c, p->variable, v);
}

/* Reports an error at a character inside a JSON string (exact when the string has no JSON
 * escapes before it, else at the string's start). */
static void error_in_string(checker *c, const asl_value *v, size_t offset, const char *msg)
{
	asl_value at = *v;
	const char *raw = c->src->text + v->pos + 1;
	size_t k = 0;
	while (k < offset && raw[k] != '\\' && raw[k] != '"')
		k++;
	if (k == offset)
		at.pos = v->pos + 1 + (uint32_t)offset;
	diag_error(c->src, &at, "%s", msg);
}

intrinsic *parse_intrinsic_value(asl_arena *arena, const asl_value *v)
{
	char err[200];
	size_t at;
	return intrinsic_parse(arena, v->u.string.ptr, v->u.string.len, err, sizeof err, &at);
}

static void note_intrinsic_refs(checker *c, const intrinsic *call, const asl_value *v)
{
	for (int i = 0; i < call->nargs; i++) {
		const iarg *a = &call->args[i];
		if (a->kind == IA_CALL)
			note_intrinsic_refs(c, a->call, v);
		else if (a->kind == IA_PATH && a->path->root == ROOT_VARIABLE)
			note_reference(c, a->path->variable, v);
	}
}

static void check_intrinsic(checker *c, const asl_value *v, const char *field_name)
{
	char err[200], msg[300];
	size_t at;
	intrinsic *call = intrinsic_parse(c->arena, v->u.string.ptr, v->u.string.len, err,
					  sizeof err, &at);
	if (!call) {
		snprintf(msg, sizeof msg, "the value for the field '%s' must be a valid JSONPath or a "
					  "valid intrinsic function call: %s", field_name, err);
		error_in_string(c, v, at, msg);
		return;
	}
	note_intrinsic_refs(c, call, v);
	if (!strcmp(call->fn->name, "States.Format") && call->args[0].kind == IA_LITERAL) {
		const asl_value *t = call->args[0].literal;
		int holes = intrinsic_format_placeholders(t->u.string.ptr, t->u.string.len);
		if (holes != call->nargs - 1) {
			snprintf(msg, sizeof msg, "States.Format has %d {} in its template but %d "
						  "value%s", holes, call->nargs - 1,
				 call->nargs == 2 ? "" : "s");
			error_in_string(c, v, call->offset, msg);
		}
	}
}

static int is_intrinsic(const asl_value *v)
{
	return is_string(v) && v->u.string.len > 0 && v->u.string.ptr[0] != '$';
}

/* Payload templates: keys ending in ".$" take a Path (intrinsics come with a later issue). */
static void check_template(checker *c, const asl_value *t, const char *what)
{
	if (t->type == ASL_ARRAY) {
		for (size_t i = 0; i < t->u.array.len; i++)
			check_template(c, t->u.array.items[i], what);
		return;
	}
	if (t->type != ASL_OBJECT)
		return;
	for (size_t i = 0; i < t->u.object.len; i++) {
		const asl_member *mb = &t->u.object.members[i];
		int dyn = mb->key_len >= 2 && !memcmp(mb->key + mb->key_len - 2, ".$", 2);
		size_t base = dyn ? mb->key_len - 2 : mb->key_len;
		for (size_t j = 0; j < i; j++) {
			const asl_member *o = &t->u.object.members[j];
			int odyn = o->key_len >= 2 && !memcmp(o->key + o->key_len - 2, ".$", 2);
			size_t obase = odyn ? o->key_len - 2 : o->key_len;
			if (obase == base && !memcmp(o->key, mb->key, base))
				diag_error(c->src, mb->value, "duplicate field \"%.*s\" in %s",
					   (int)base, mb->key, what);
		}
		if (!dyn) {
			check_template(c, mb->value, what);
			continue;
		}
		if (!is_string(mb->value)) {
			diag_error(c->src, mb->value, "the value for the field '%s' must be a valid "
						      "JSONPath or a valid intrinsic function call",
				   mb->key);
		} else if (is_intrinsic(mb->value)) {
			check_intrinsic(c, mb->value, mb->key);
		} else {
			check_path(c, mb->value, mb->key, 0, 0, 1);
		}
	}
}

static int is_ident_char(unsigned char ch, int first)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch >= 0x80 ||
	       (!first && ch >= '0' && ch <= '9');
}

/* Assign: variable names as keys (".$" for paths and intrinsics), templates as values. */
static void check_assign(checker *c, const asl_value *v)
{
	if (v->type != ASL_OBJECT) {
		diag_error(c->src, v, "Assign must be an object of variable names and values");
		return;
	}
	check_template(c, v, "Assign");
	for (size_t i = 0; i < v->u.object.len; i++) {
		const asl_member *mb = &v->u.object.members[i];
		size_t n = mb->key_len;
		if (n >= 2 && !memcmp(mb->key + n - 2, ".$", 2))
			n -= 2;
		int ok = n > 0 && n <= 80;
		for (size_t k = 0; ok && k < n; k++)
			ok = is_ident_char((unsigned char)mb->key[k], k == 0);
		if (!ok) {
			diag_error(c->src, mb->value, "\"%.*s\" is not a valid variable name (letters, "
						      "digits and '_', not starting with a digit, at "
						      "most 80 characters)", (int)n, mb->key);
			continue;
		}
		if (n == 6 && !memcmp(mb->key, "states", 6)) {
			diag_error(c->src, mb->value, "the variable name \"states\" is reserved");
			continue;
		}
		asl_value *name = asl_string(c->arena, mb->key, n);
		if (name)
			note_assignment(c, name->u.string.ptr);
	}
}

static int is_nonneg_int(const asl_value *v)
{
	return v && v->type == ASL_NUMBER && asl_is_integral(v) && v->u.number >= 0;
}

static void check_choice_rule(checker *c, const asl_value *r, int top);

static const char *const DATA_OPS[] = {
	"StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
	"StringGreaterThanEquals", "StringMatches", "NumericEquals", "NumericLessThan",
	"NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
	"BooleanEquals", "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan",
	"TimestampLessThanEquals", "TimestampGreaterThanEquals", "IsNull", "IsPresent",
	"IsNumeric", "IsString", "IsBoolean", "IsTimestamp", NULL};

static int pattern_ok(const asl_value *v)
{
	for (size_t i = 0; i < v->u.string.len; i++)
		if (v->u.string.ptr[i] == '\\') {
			char n = i + 1 < v->u.string.len ? v->u.string.ptr[i + 1] : 0;
			if (n != '*' && n != '\\')
				return 0;
			i++;
		}
	return 1;
}

static void check_operator(checker *c, const asl_member *mb)
{
	const char *k = mb->key;
	size_t n = mb->key_len;
	const asl_value *v = mb->value;
	if (n > 4 && !memcmp(k + n - 4, "Path", 4) && in_list(DATA_OPS, k, n - 4) &&
	    strncmp(k, "StringMatches", 13) != 0 && strncmp(k, "Is", 2) != 0) {
		check_path(c, v, k, 1, 0, 1);
		return;
	}
	if (!in_list(DATA_OPS, k, n)) {
		diag_error(c->src, v, "unknown field \"%.*s\" in a Choice rule", (int)n, k);
		return;
	}
	int ok;
	if (!strncmp(k, "String", 6))
		ok = is_string(v) && (strcmp(k, "StringMatches") || pattern_ok(v));
	else if (!strncmp(k, "Numeric", 7))
		ok = v->type == ASL_NUMBER;
	else if (!strncmp(k, "Timestamp", 9))
		ok = is_string(v) && asl_is_timestamp(v);
	else
		ok = v->type == ASL_BOOL;
	if (!ok)
		diag_error(c->src, v, "invalid operand for %.*s", (int)n, k);
}

static void check_choice_rule(checker *c, const asl_value *r, int top)
{
	if (!r || r->type != ASL_OBJECT) {
		diag_error(c->src, r, "a Choice rule must be an object");
		return;
	}
	const asl_value *next = field(r, "Next");
	if (top && !is_string(next))
		diag_error(c->src, r, "a Choice rule needs a \"Next\" state name");
	if (!top && next)
		diag_error(c->src, next, "nested Choice rules (inside And, Or, Not) cannot have "
					 "\"Next\"");
	int ops = 0;
	const asl_value *variable = NULL;
	for (size_t i = 0; i < r->u.object.len; i++) {
		const asl_member *mb = &r->u.object.members[i];
		const char *k = mb->key;
		if (!strcmp(k, "Next") || !strcmp(k, "Comment"))
			continue;
		if (!strcmp(k, "Assign")) {
			if (!top)
				diag_error(c->src, mb->value, "nested Choice rules cannot have Assign");
			else
				check_assign(c, mb->value);
			continue;
		}
		if (!strcmp(k, "Variable")) {
			variable = mb->value;
			check_path(c, variable, "Variable", 1, 0, 1);
			continue;
		}
		ops++;
		if (!strcmp(k, "And") || !strcmp(k, "Or")) {
			if (mb->value->type != ASL_ARRAY || mb->value->u.array.len == 0)
				diag_error(c->src, mb->value, "%s needs a non-empty array of rules", k);
			else
				for (size_t j = 0; j < mb->value->u.array.len; j++)
					check_choice_rule(c, mb->value->u.array.items[j], 0);
		} else if (!strcmp(k, "Not")) {
			check_choice_rule(c, mb->value, 0);
		} else if (!strcmp(k, "Condition")) {
			diag_error(c->src, mb->value, "Condition needs JSONata, which is not supported "
						      "yet");
		} else {
			check_operator(c, mb);
			if (!variable && !field(r, "Variable"))
				diag_error(c->src, mb->value, "a comparison needs a \"Variable\"");
		}
	}
	if (ops != 1)
		diag_error(c->src, r, "a Choice rule needs exactly one of And, Or, Not or a "
				      "comparison operator (found %d)", ops);
	else if (variable && (field(r, "And") || field(r, "Or") || field(r, "Not")))
		diag_error(c->src, variable, "\"Variable\" cannot be combined with And, Or or Not");
}

static int is_string_equal(const asl_value *v, const char *s)
{
	return is_string(v) && !strcmp(v->u.string.ptr, s);
}

/* Retry and Catch: ErrorEquals rules, States.ALL alone and last, retrier field ranges. */
static void check_handlers(checker *c, const asl_value *list, const char *what)
{
	static const char *const retry_fields[] = {"ErrorEquals", "IntervalSeconds", "MaxAttempts",
						   "BackoffRate", "MaxDelaySeconds",
						   "JitterStrategy", "Comment", NULL};
	static const char *const catch_fields[] = {"ErrorEquals", "Next", "ResultPath", "Assign",
						   "Output", "Comment", NULL};
	int is_retry = !strcmp(what, "Retry");
	if (list->type != ASL_ARRAY) {
		diag_error(c->src, list, "%s must be an array", what);
		return;
	}
	for (size_t i = 0; i < list->u.array.len; i++) {
		const asl_value *h = list->u.array.items[i], *v;
		if (h->type != ASL_OBJECT) {
			diag_error(c->src, h, "each %s entry must be an object", what);
			continue;
		}
		for (size_t k = 0; k < h->u.object.len; k++) {
			const asl_member *mb = &h->u.object.members[k];
			if (!in_list(is_retry ? retry_fields : catch_fields, mb->key, mb->key_len))
				diag_error(c->src, mb->value, "field \"%s\" is not supported in a %s",
					   mb->key, is_retry ? "Retrier" : "Catcher");
		}
		const asl_value *eq = field(h, "ErrorEquals");
		if (!eq || eq->type != ASL_ARRAY || eq->u.array.len == 0) {
			diag_error(c->src, eq ? eq : h, "ErrorEquals must be a non-empty array of "
							"error names");
			continue;
		}
		for (size_t k = 0; k < eq->u.array.len; k++) {
			const asl_value *e = eq->u.array.items[k];
			if (!is_string(e))
				diag_error(c->src, e, "error names must be strings");
			else if (is_string_equal(e, "States.ALL") &&
				 (eq->u.array.len != 1 || i + 1 != list->u.array.len))
				diag_error(c->src, e, "States.ALL must be the only error name of the last "
						      "%s", is_retry ? "Retrier" : "Catcher");
		}
		if (!is_retry) {
			if (!is_string(field(h, "Next")))
				diag_error(c->src, h, "a Catcher needs a \"Next\" state name");
			check_path(c, field(h, "ResultPath"), "ResultPath", 1, 1, 0);
			continue;
		}
		if ((v = field(h, "IntervalSeconds")) &&
		    (!is_nonneg_int(v) || v->u.number < 1 || v->u.number > 99999999))
			diag_error(c->src, v, "IntervalSeconds must be an integer from 1 to 99999999");
		if ((v = field(h, "MaxAttempts")) && (!is_nonneg_int(v) || v->u.number > 99999999))
			diag_error(c->src, v, "MaxAttempts must be an integer from 0 to 99999999");
		if ((v = field(h, "MaxDelaySeconds")) &&
		    (!is_nonneg_int(v) || v->u.number < 1 || v->u.number > 31622400))
			diag_error(c->src, v, "MaxDelaySeconds must be an integer from 1 to 31622400");
		if ((v = field(h, "BackoffRate")) && (v->type != ASL_NUMBER || v->u.number < 1))
			diag_error(c->src, v, "BackoffRate must be a number >= 1.0");
		if ((v = field(h, "JitterStrategy")) && !is_string_equal(v, "FULL") &&
		    !is_string_equal(v, "NONE"))
			diag_error(c->src, v, "JitterStrategy must be \"FULL\" or \"NONE\"");
	}
}

static void check_fields(checker *c, const asl_value *st, const type_fields *tf)
{
	for (size_t i = 0; i < st->u.object.len; i++) {
		const asl_member *mb = &st->u.object.members[i];
		if (!field_allowed(tf, mb->key, mb->key_len))
			diag_error(c->src, mb->value, "field \"%.*s\" is not supported in a %s state",
				   (int)mb->key_len, mb->key, tf->type);
		for (size_t j = 0; j < i; j++)
			if (st->u.object.members[j].key_len == mb->key_len &&
			    !memcmp(st->u.object.members[j].key, mb->key, mb->key_len))
				diag_error(c->src, mb->value, "duplicate field \"%s\"", mb->key);
	}
}

static void exclusive(checker *c, const asl_value *st, const char *a, const char *b)
{
	if (field(st, a) && field(st, b))
		diag_error(c->src, field(st, b), "\"%s\" and \"%s\" cannot both be given", a, b);
}

static void check_state(checker *c, const asl_value *st, const char *type)
{
	const type_fields *tf = type_of(type);
	check_fields(c, st, tf);
	const asl_value *v;
	const char *ql = is_string(v = field(st, "QueryLanguage")) ? v->u.string.ptr : NULL;
	if (v && (!ql || (strcmp(ql, "JSONPath") && strcmp(ql, "JSONata"))))
		diag_error(c->src, v, "QueryLanguage must be \"JSONPath\" or \"JSONata\"");
	else if (ql && !strcmp(ql, "JSONata"))
		diag_error(c->src, v, "JSONata states are not supported yet");
	if ((v = field(st, "Assign")))
		check_assign(c, v);
	if (!strcmp(type, "Task") || !strcmp(type, "Parallel") || !strcmp(type, "Map"))
		diag_error(c->src, field(st, "Type"), "%s states are not supported yet", type);

	int terminal = !strcmp(type, "Succeed") || !strcmp(type, "Fail") || !strcmp(type, "Choice");
	const asl_value *next = field(st, "Next"), *end = field(st, "End");
	if (!terminal) {
		if (next && end)
			diag_error(c->src, end, "a state cannot have both \"Next\" and \"End\"");
		else if (!next && !end)
			diag_error(c->src, st, "a %s state needs \"Next\" or \"End\": true", type);
		if (next && !is_string(next))
			diag_error(c->src, next, "\"Next\" must be a state name");
		if (end && (end->type != ASL_BOOL || !end->boolean))
			diag_error(c->src, end, "\"End\" must be true");
	}
	check_path(c, field(st, "InputPath"), "InputPath", 0, 1, 1);
	check_path(c, field(st, "OutputPath"), "OutputPath", 0, 1, 1);
	check_path(c, field(st, "ResultPath"), "ResultPath", 1, 1, 0);
	if ((v = field(st, "Parameters")))
		check_template(c, v, "Parameters");
	if ((v = field(st, "ResultSelector")))
		check_template(c, v, "ResultSelector");
	if ((v = field(st, "Retry")))
		check_handlers(c, v, "Retry");
	if ((v = field(st, "Catch")))
		check_handlers(c, v, "Catch");
	exclusive(c, st, "TimeoutSeconds", "TimeoutSecondsPath");
	exclusive(c, st, "HeartbeatSeconds", "HeartbeatSecondsPath");
	const asl_value *to = field(st, "TimeoutSeconds"), *hb = field(st, "HeartbeatSeconds");
	if (to && (!is_nonneg_int(to) || to->u.number < 1))
		diag_error(c->src, to, "TimeoutSeconds must be a positive integer");
	if (hb && (!is_nonneg_int(hb) || hb->u.number < 1))
		diag_error(c->src, hb, "HeartbeatSeconds must be a positive integer");
	else if (hb && to && to->type == ASL_NUMBER && hb->u.number >= to->u.number)
		diag_error(c->src, hb, "HeartbeatSeconds must be smaller than TimeoutSeconds");
	if (!strcmp(type, "Task") && !is_string(field(st, "Resource")))
		diag_error(c->src, st, "a Task state needs a \"Resource\" string");
	if (!strcmp(type, "Parallel")) {
		v = field(st, "Branches");
		if (!v || v->type != ASL_ARRAY || v->u.array.len == 0)
			diag_error(c->src, v ? v : st, "Branches must be a non-empty array");
	}
	if (!strcmp(type, "Map")) {
		exclusive(c, st, "Iterator", "ItemProcessor");
		exclusive(c, st, "ItemSelector", "Parameters");
		exclusive(c, st, "MaxConcurrency", "MaxConcurrencyPath");
		if (!field(st, "Iterator") && !field(st, "ItemProcessor"))
			diag_error(c->src, st, "a Map state needs an \"ItemProcessor\"");
		check_path(c, field(st, "ItemsPath"), "ItemsPath", 1, 0, 1);
		if ((v = field(st, "ItemSelector")))
			check_template(c, v, "ItemSelector");
	}

	if (!strcmp(type, "Choice")) {
		v = field(st, "Choices");
		if (!v || v->type != ASL_ARRAY || v->u.array.len == 0)
			diag_error(c->src, v ? v : st, "a Choice state needs a non-empty \"Choices\" "
						       "array");
		else
			for (size_t i = 0; i < v->u.array.len; i++)
				check_choice_rule(c, v->u.array.items[i], 1);
		if ((v = field(st, "Default")) && !is_string(v))
			diag_error(c->src, v, "\"Default\" must be a state name");
	} else if (!strcmp(type, "Wait")) {
		int n = !!field(st, "Seconds") + !!field(st, "SecondsPath") +
			!!field(st, "Timestamp") + !!field(st, "TimestampPath");
		if (n != 1)
			diag_error(c->src, st, "a Wait state needs exactly one of Seconds, SecondsPath, "
					       "Timestamp or TimestampPath");
		if ((v = field(st, "Seconds")) && (!is_nonneg_int(v) || v->u.number > 99999999))
			diag_error(c->src, v, "Seconds must be an integer from 0 to 99999999");
		if ((v = field(st, "Timestamp")) && !(is_string(v) && asl_is_timestamp(v)))
			diag_error(c->src, v, "String does not match RFC3339 timestamp");
		check_path(c, field(st, "SecondsPath"), "SecondsPath", 1, 0, 1);
		check_path(c, field(st, "TimestampPath"), "TimestampPath", 1, 0, 1);
	} else if (!strcmp(type, "Fail")) {
		exclusive(c, st, "Error", "ErrorPath");
		exclusive(c, st, "Cause", "CausePath");
		if ((v = field(st, "Error")) && !is_string(v))
			diag_error(c->src, v, "Error must be a string");
		if ((v = field(st, "Cause")) && !is_string(v))
			diag_error(c->src, v, "Cause must be a string");
		const char *paths[] = {"ErrorPath", "CausePath"};
		for (int i = 0; i < 2; i++) {
			v = field(st, paths[i]);
			if (is_intrinsic(v))
				check_intrinsic(c, v, paths[i]);
			else
				check_path(c, v, paths[i], 1, 0, 1);
		}
	}
}

/* Names reachable from StartAt, following Next, Default, Choices[].Next and Catch[].Next. */
static void targets(const asl_value *st, const asl_value **out, int *n)
{
	const asl_value *v;
	if (is_string(v = field(st, "Next")))
		out[(*n)++] = v;
	if (is_string(v = field(st, "Default")))
		out[(*n)++] = v;
	const char *lists[] = {"Choices", "Catch"};
	for (int l = 0; l < 2; l++) {
		const asl_value *a = field(st, lists[l]);
		if (!a || a->type != ASL_ARRAY)
			continue;
		for (size_t i = 0; i < a->u.array.len && *n < 1024; i++)
			if (is_string(v = field(a->u.array.items[i], "Next")))
				out[(*n)++] = v;
	}
}

int state_index(const machine_info *m, int scope, const char *name, size_t len)
{
	for (int i = 0; i < m->count; i++)
		if (m->states[i].scope == scope && m->states[i].name_len == len &&
		    !memcmp(m->states[i].name, name, len))
			return i;
	return -1;
}

static void check_scope(checker *c, const asl_value *obj, int nested);

/* Levenshtein distance, capped: used to suggest the state a misspelt Next meant. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t row[81];
	if (n > 80 || m > 80)
		return (size_t)-1;
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[m];
}

static void suggest_state(checker *c, int scope, const asl_value *target)
{
	const state_info *best = NULL;
	size_t best_d = 3; /* only close matches are worth a note */
	for (int i = 0; i < c->m->count; i++) {
		const state_info *s = &c->m->states[i];
		if (s->scope != scope)
			continue;
		size_t d = edit_distance(target->u.string.ptr, target->u.string.len, s->name,
					 s->name_len);
		if (d < best_d) {
			best_d = d;
			best = s;
		}
	}
	if (best)
		diag_note(c->src, best->name_node, "did you mean \"%s\"?", best->name);
}

static void add_state(checker *c, const asl_member *mb, int scope)
{
	machine_info *m = c->m;
	for (int i = 0; i < m->count; i++)
		if (m->states[i].name_len == mb->key_len &&
		    !memcmp(m->states[i].name, mb->key, mb->key_len)) {
			diag_error(c->src, mb->value, "duplicate state name \"%s\"", mb->key);
			diag_note(c->src, m->states[i].def, "\"%s\" is first defined here",
				  m->states[i].name);
			return;
		}
	if (m->count == m->cap) {
		int ncap = m->cap ? m->cap * 2 : 16;
		state_info *ns = asl_arena_alloc(c->arena, (size_t)ncap * sizeof *ns);
		if (!ns)
			return;
		if (m->count)
			memcpy(ns, m->states, (size_t)m->count * sizeof *ns);
		m->states = ns;
		m->cap = ncap;
	}
	state_info *s = &m->states[m->count++];
	memset(s, 0, sizeof *s);
	s->name = mb->key;
	s->name_len = mb->key_len;
	s->def = mb->value;
	s->name_node = mb->value;
	s->scope = scope;
	const asl_value *t = field(mb->value, "Type");
	s->type = is_string(t) ? t->u.string.ptr : "";
}

static void check_scope(checker *c, const asl_value *obj, int nested)
{
	int scope = c->scopes++;
	const asl_value *start = field(obj, "StartAt"), *states = field(obj, "States");
	if (!start || !states) {
		diag_error(c->src, obj, "These fields are required: [States, StartAt]");
		return;
	}
	if (!is_string(start))
		diag_error(c->src, start, "StartAt must be a state name");
	if (states->type != ASL_OBJECT || states->u.object.len == 0) {
		diag_error(c->src, states, "States must be a non-empty object");
		return;
	}
	int first = c->m->count;
	for (size_t i = 0; i < states->u.object.len; i++) {
		const asl_member *mb = &states->u.object.members[i];
		if (mb->key_len == 0 || mb->key_len > 80)
			diag_error(c->src, mb->value, "state names must be 1 to 80 characters long");
		if (mb->value->type != ASL_OBJECT) {
			diag_error(c->src, mb->value, "state \"%s\" must be an object", mb->key);
			continue;
		}
		const asl_value *t = field(mb->value, "Type");
		if (!is_string(t) || !type_of(t->u.string.ptr)) {
			diag_error(c->src, t ? t : mb->value,
				   "The field 'Type' should have one of these values: [Task, Wait, "
				   "Pass, Succeed, Fail, Choice, Parallel, Map]");
			continue;
		}
		add_state(c, mb, scope);
		check_state(c, mb->value, t->u.string.ptr);
		const asl_value *br = field(mb->value, "Branches");
		if (br && br->type == ASL_ARRAY)
			for (size_t b = 0; b < br->u.array.len; b++)
				check_scope(c, br->u.array.items[b], 1);
		const asl_value *proc = field(mb->value, "ItemProcessor");
		if (!proc)
			proc = field(mb->value, "Iterator");
		if (proc && proc->type == ASL_OBJECT)
			check_scope(c, proc, 1);
	}
	(void)nested;
	/* transitions and reachability within this scope */
	int last = c->m->count, terminal = 0;
	unsigned char *seen = asl_arena_alloc(c->arena, (size_t)(last - first) + 1);
	int *queue = asl_arena_alloc(c->arena, (size_t)(last - first + 1) * sizeof(int));
	if (!seen || !queue)
		return;
	memset(seen, 0, (size_t)(last - first) + 1);
	for (int i = first; i < last; i++) {
		state_info *s = &c->m->states[i];
		const asl_value *end = field(s->def, "End");
		if (!strcmp(s->type, "Succeed") || !strcmp(s->type, "Fail") ||
		    (end && end->type == ASL_BOOL && end->boolean))
			terminal = 1;
		const asl_value *t[1024];
		int n = 0;
		targets(s->def, t, &n);
		for (int k = 0; k < n; k++)
			if (state_index(c->m, scope, t[k]->u.string.ptr, t[k]->u.string.len) < 0) {
				diag_error(c->src, t[k], "Missing 'Next' target: %s",
					   t[k]->u.string.ptr);
				suggest_state(c, scope, t[k]);
			}
	}
	if (!terminal)
		diag_error(c->src, states, "no terminal state: a Succeed, a Fail or a state with "
					   "\"End\": true is needed");
	if (!is_string(start))
		return;
	int s0 = state_index(c->m, scope, start->u.string.ptr, start->u.string.len);
	if (s0 < 0) {
		diag_error(c->src, start, "StartAt names a state that does not exist here: \"%s\"",
			   start->u.string.ptr);
		return;
	}
	if (!nested)
		c->m->start = s0;
	int head = 0, tail = 0;
	queue[tail++] = s0;
	seen[s0 - first] = 1;
	while (head < tail) {
		const asl_value *t[1024];
		int n = 0;
		targets(c->m->states[queue[head++]].def, t, &n);
		for (int k = 0; k < n; k++) {
			int j = state_index(c->m, scope, t[k]->u.string.ptr, t[k]->u.string.len);
			if (j >= 0 && !seen[j - first]) {
				seen[j - first] = 1;
				queue[tail++] = j;
			}
		}
	}
	for (int i = first; i < last; i++)
		if (!seen[i - first] && c->m->states[i].scope == scope)
			diag_error(c->src, c->m->states[i].def, "State \"%s\" is not reachable.",
				   c->m->states[i].name);
}

int validate(source *src, asl_arena *arena, machine_info *m)
{
	checker c = {src, arena, m, 0};
	const asl_value *root = src->root;
	if (root->type != ASL_OBJECT) {
		diag_error(src, root, "Definition must be a valid JSON object");
		return src->errors;
	}
	static const char *const top[] = {"Comment", "StartAt", "States", "Version",
					  "TimeoutSeconds", "QueryLanguage", NULL};
	for (size_t i = 0; i < root->u.object.len; i++) {
		const asl_member *mb = &root->u.object.members[i];
		if (!in_list(top, mb->key, mb->key_len))
			diag_error(src, mb->value, "unknown top-level field \"%s\"", mb->key);
	}
	const asl_value *v;
	if ((v = field(root, "Version")) && !is_string(v))
		diag_error(src, v, "Version must be a string");
	if ((v = field(root, "Comment")) && !is_string(v))
		diag_error(src, v, "Comment must be a string");
	if ((v = field(root, "TimeoutSeconds"))) {
		if (!is_nonneg_int(v) || v->u.number < 1 || v->u.number > 99999999)
			diag_error(src, v, "TimeoutSeconds must be an integer from 1 to 99999999");
		else
			m->timeout_seconds = v->u.number;
	}
	if ((v = field(root, "QueryLanguage"))) {
		if (!is_string(v) || (strcmp(v->u.string.ptr, "JSONPath") &&
				      strcmp(v->u.string.ptr, "JSONata")))
			diag_error(src, v, "QueryLanguage must be \"JSONPath\" or \"JSONata\"");
		else if (!strcmp(v->u.string.ptr, "JSONata"))
			diag_error(src, v, "JSONata is not supported yet");
	}
	check_scope(&c, root, 0);
	for (int i = 0; i < m->ref_count; i++)
		if (var_slot(m, m->refs[i].name) < 0)
			diag_error(src, m->refs[i].at, "variable $%s is never assigned (no Assign in the "
						       "machine gives it a value)", m->refs[i].name);
	return src->errors;
}
