/* Validation of the values inside states: paths, payload templates, intrinsic calls, Assign,
 * Choice rules and Retry/Catch. Each path and intrinsic call is parsed here, once, and kept in
 * the machine's parsed table for the lowering (parsed.c). */
#include <string.h>

#include "asl/abi.h"
#include "validate.h"

int in_list(const char *const *list, const char *key, size_t n)
{
	for (; list && *list; list++)
		if (strlen(*list) == n && memcmp(*list, key, n) == 0)
			return 1;
	return 0;
}

int is_string(const asl_value *v)
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
	return name_index_find(&m->var_names, name, strlen(name));
}

static void note_reference(checker *c, const char *name, const asl_value *at)
{
	machine_info *m = c->m;
	m->refs = grow_table(c, m->refs, sizeof *m->refs, m->ref_count, &m->ref_cap);
	if (m->refs)
		m->refs[m->ref_count++] = (var_ref){name, at, c->scope};
}

static void note_assignment(checker *c, const char *name, const asl_value *at)
{
	machine_info *m = c->m;
	m->assigns = grow_table(c, m->assigns, sizeof *m->assigns, m->assign_count, &m->assign_cap);
	if (m->assigns)
		m->assigns[m->assign_count++] = (var_ref){name, at, c->scope};
	if (var_slot(m, name) >= 0)
		return;
	m->vars = grow_table(c, m->vars, sizeof *m->vars, m->var_count, &m->var_cap);
	if (m->vars)
		m->vars[m->var_count++] = name;
	name_index_add(&m->var_names, c->arena, name, strlen(name), m->var_count - 1);
}

void check_path(checker *c, const asl_value *v, const char *what, int reference, int allow_null,
		int allow_context)
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
		diag_error(c->src, v,
			   "%s \"%s\" must be a Reference Path (a single node: no "
			   "wildcards, slices, unions, filters or '..')",
			   what, v->u.string.ptr);
	if (!c->m->check_only) /* kept for the lowering (without memory, it fails and says so) */
		parsed_add_path(&c->m->parsed, c->arena, v, p);
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

void check_intrinsic(checker *c, const asl_value *v, const char *field_name)
{
	char err[200], msg[300];
	size_t at;
	intrinsic *call =
		intrinsic_parse(c->arena, v->u.string.ptr, v->u.string.len, err, sizeof err, &at);
	if (!call) {
		snprintf(msg, sizeof msg,
			 "the value for the field '%s' must be a valid JSONPath or a "
			 "valid intrinsic function call: %s",
			 field_name, err);
		error_in_string(c, v, at, msg);
		return;
	}
	if (!c->m->check_only) /* for the lowering, as paths are */
		parsed_add_call(&c->m->parsed, c->arena, v, call);
	note_intrinsic_refs(c, call, v);
	if (!strcmp(call->fn->name, "States.Format") && call->args[0].kind == IA_LITERAL) {
		const asl_value *t = call->args[0].literal;
		int holes = intrinsic_format_placeholders(t->u.string.ptr, t->u.string.len);
		if (holes != call->nargs - 1) {
			snprintf(msg, sizeof msg,
				 "States.Format has %d {} in its template but %d "
				 "value%s",
				 holes, call->nargs - 1, call->nargs == 2 ? "" : "s");
			error_in_string(c, v, call->offset, msg);
		}
	}
}

int is_intrinsic(const asl_value *v)
{
	return is_string(v) && v->u.string.len > 0 && v->u.string.ptr[0] != '$';
}

/* Payload templates: a key ending in ".$" takes a Path or an intrinsic function call; the
 * other values are constants, checked for nested templates. */
void check_template(checker *c, const asl_value *t, const char *what)
{
	if (t->type == ASL_ARRAY) {
		for (size_t i = 0; i < t->u.array.len; i++)
			check_template(c, t->u.array.items[i], what);
		return;
	}
	if (t->type != ASL_OBJECT)
		return;
	name_index seen = {NULL, 0, 0}; /* the keys without ".$" */
	for (size_t i = 0; i < t->u.object.len; i++) {
		const asl_member *mb = &t->u.object.members[i];
		int dyn = mb->key_len >= 2 && !memcmp(mb->key + mb->key_len - 2, ".$", 2);
		size_t base = dyn ? mb->key_len - 2 : mb->key_len;
		if (name_index_add(&seen, c->arena, mb->key, base, (int)i) >= 0)
			diag_error(c->src, mb->value, "duplicate field \"%.*s\" in %s", (int)base,
				   mb->key, what);
		if (!dyn) {
			check_template(c, mb->value, what);
			continue;
		}
		if (!is_string(mb->value)) {
			diag_error(c->src, mb->value,
				   "the value for the field '%s' must be a valid "
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
void check_assign(checker *c, const asl_value *v)
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
			diag_error(c->src, mb->value,
				   "\"%.*s\" is not a valid variable name (letters, "
				   "digits and '_', not starting with a digit, at "
				   "most 80 characters)",
				   (int)n, mb->key);
			continue;
		}
		if (n == 6 && !memcmp(mb->key, "states", 6)) {
			diag_error(c->src, mb->value, "the variable name \"states\" is reserved");
			continue;
		}
		asl_value *name = asl_string(c->arena, mb->key, n);
		if (name)
			note_assignment(c, name->u.string.ptr, mb->value);
	}
}

int is_nonneg_int(const asl_value *v)
{
	return v && v->type == ASL_NUMBER && asl_is_integral(v) && v->u.number >= 0;
}

void check_choice_rule(checker *c, const asl_value *r, int top);

static const char *const DATA_OPS[] = {"StringEquals",
				       "StringLessThan",
				       "StringGreaterThan",
				       "StringLessThanEquals",
				       "StringGreaterThanEquals",
				       "StringMatches",
				       "NumericEquals",
				       "NumericLessThan",
				       "NumericGreaterThan",
				       "NumericLessThanEquals",
				       "NumericGreaterThanEquals",
				       "BooleanEquals",
				       "TimestampEquals",
				       "TimestampLessThan",
				       "TimestampGreaterThan",
				       "TimestampLessThanEquals",
				       "TimestampGreaterThanEquals",
				       "IsNull",
				       "IsPresent",
				       "IsNumeric",
				       "IsString",
				       "IsBoolean",
				       "IsTimestamp",
				       NULL};

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

void check_choice_rule(checker *c, const asl_value *r, int top)
{
	if (!r || r->type != ASL_OBJECT) {
		diag_error(c->src, r, "a Choice rule must be an object");
		return;
	}
	const asl_value *next = field(r, "Next");
	if (top && !is_string(next))
		diag_error(c->src, r, "a Choice rule needs a \"Next\" state name");
	if (!top && next)
		diag_error(c->src, next,
			   "nested Choice rules (inside And, Or, Not) cannot have "
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
				diag_error(c->src, mb->value,
					   "nested Choice rules cannot have Assign");
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
				diag_error(c->src, mb->value, "%s needs a non-empty array of rules",
					   k);
			else
				for (size_t j = 0; j < mb->value->u.array.len; j++)
					check_choice_rule(c, mb->value->u.array.items[j], 0);
		} else if (!strcmp(k, "Not")) {
			check_choice_rule(c, mb->value, 0);
		} else if (!strcmp(k, "Condition")) {
			diag_error_code(c->src, mb->value, ASLC_UNSUPPORTED,
					"Condition needs JSONata, which is not supported yet");
		} else {
			check_operator(c, mb);
			if (!variable && !field(r, "Variable"))
				diag_error(c->src, mb->value, "a comparison needs a \"Variable\"");
		}
	}
	if (ops != 1)
		diag_error(c->src, r,
			   "a Choice rule needs exactly one of And, Or, Not or a "
			   "comparison operator (found %d)",
			   ops);
	else if (variable && (field(r, "And") || field(r, "Or") || field(r, "Not")))
		diag_error(c->src, variable, "\"Variable\" cannot be combined with And, Or or Not");
}

int is_string_equal(const asl_value *v, const char *s)
{
	return is_string(v) && !strcmp(v->u.string.ptr, s);
}

/* Retry and Catch: ErrorEquals rules, States.ALL alone and last, retrier field ranges. */
void check_handlers(checker *c, const asl_value *list, const char *what)
{
	static const char *const retry_fields[] = {
		"ErrorEquals",     "IntervalSeconds", "MaxAttempts", "BackoffRate",
		"MaxDelaySeconds", "JitterStrategy",  "Comment",     NULL};
	static const char *const catch_fields[] = {"ErrorEquals", "Next",    "ResultPath", "Assign",
						   "Output",      "Comment", NULL};
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
				diag_error(c->src, mb->value,
					   "field \"%s\" is not supported in a %s", mb->key,
					   is_retry ? "Retrier" : "Catcher");
		}
		const asl_value *eq = field(h, "ErrorEquals");
		if (!eq || eq->type != ASL_ARRAY || eq->u.array.len == 0) {
			diag_error(c->src, eq ? eq : h,
				   "ErrorEquals must be a non-empty array of "
				   "error names");
			continue;
		}
		for (size_t k = 0; k < eq->u.array.len; k++) {
			const asl_value *e = eq->u.array.items[k];
			if (!is_string(e))
				diag_error(c->src, e, "error names must be strings");
			else if (is_string_equal(e, "States.ALL") &&
				 (eq->u.array.len != 1 || i + 1 != list->u.array.len))
				diag_error(c->src, e,
					   "States.ALL must be the only error name of the last "
					   "%s",
					   is_retry ? "Retrier" : "Catcher");
		}
		if (!is_retry) {
			if (!is_string(field(h, "Next")))
				diag_error(c->src, h, "a Catcher needs a \"Next\" state name");
			check_path(c, field(h, "ResultPath"), "ResultPath", 1, 1, 0);
			if ((v = field(h, "Assign")))
				check_assign(c, v);
			continue;
		}
		if ((v = field(h, "IntervalSeconds")) &&
		    (!is_nonneg_int(v) || v->u.number < 1 || v->u.number > 99999999))
			diag_error(c->src, v,
				   "IntervalSeconds must be an integer from 1 to 99999999");
		if ((v = field(h, "MaxAttempts")) && (!is_nonneg_int(v) || v->u.number > 99999999))
			diag_error(c->src, v, "MaxAttempts must be an integer from 0 to 99999999");
		if ((v = field(h, "MaxDelaySeconds")) &&
		    (!is_nonneg_int(v) || v->u.number < 1 || v->u.number > 31622400))
			diag_error(c->src, v,
				   "MaxDelaySeconds must be an integer from 1 to 31622400");
		if ((v = field(h, "BackoffRate")) && (v->type != ASL_NUMBER || v->u.number < 1))
			diag_error(c->src, v, "BackoffRate must be a number >= 1.0");
		if ((v = field(h, "JitterStrategy")) && !is_string_equal(v, "FULL") &&
		    !is_string_equal(v, "NONE"))
			diag_error(c->src, v, "JitterStrategy must be \"FULL\" or \"NONE\"");
	}
}
