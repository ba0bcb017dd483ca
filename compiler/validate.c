/* Static validation of a definition (asl-semantics.md §1.2 and the field matrix of §2.2).
 * Every error is reported; the tables the lowering reads (states, scopes, variables and the
 * parsed paths and intrinsic calls, check_values.c) are built on the way. */
#include <math.h>
#include <string.h>

#include "asl/abi.h"
#include "validate.h"

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
	{"Task",
	 {IO, FLOW, RESULT, TASKLIKE},
	 {"Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
	  "HeartbeatSecondsPath", "Credentials", "Arguments", "Output"}},
	{"Choice", {IO}, {"Choices", "Default"}},
	{"Wait", {IO, FLOW}, {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"}},
	{"Succeed", {IO}, {"_"}},
	{"Fail", {NULL}, {"Error", "ErrorPath", "Cause", "CausePath"}},
	{"Parallel", {IO, FLOW, RESULT, TASKLIKE}, {"Branches", "Arguments", "Output"}},
	{"Map",
	 {IO, FLOW, RESULT, TASKLIKE},
	 {"ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "MaxConcurrency",
	  "MaxConcurrencyPath", "ItemReader", "ItemBatcher", "ResultWriter",
	  "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount",
	  "ToleratedFailureCountPath", "Label", "Items", "Output"}},
};

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

static void check_fields(checker *c, const asl_value *st, const type_fields *tf)
{
	name_index seen = {NULL, 0, 0};
	for (size_t i = 0; i < st->u.object.len; i++) {
		const asl_member *mb = &st->u.object.members[i];
		if (!field_allowed(tf, mb->key, mb->key_len))
			diag_error(c->src, mb->value,
				   "field \"%.*s\" is not supported in a %s state",
				   (int)mb->key_len, mb->key, tf->type);
		if (name_index_add(&seen, c->arena, mb->key, mb->key_len, (int)i) >= 0)
			diag_error(c->src, mb->value, "duplicate field \"%s\"", mb->key);
	}
}

static void exclusive(checker *c, const asl_value *st, const char *a, const char *b)
{
	if (field(st, a) && field(st, b))
		diag_error(c->src, field(st, b), "\"%s\" and \"%s\" cannot both be given", a, b);
}

/* ItemReader (local files for s3:getObject), ItemBatcher and ResultWriter (s3:putObject). */
static void check_distributed(checker *c, const asl_value *st)
{
	const asl_value *r = field(st, "ItemReader"), *v;
	if (r) {
		if (!is_string_equal(field(r, "Resource"), "arn:aws:states:::s3:getObject"))
			diag_error_code(
				c->src, field(r, "Resource") ? field(r, "Resource") : r,
				ASLC_UNSUPPORTED,
				"only the ItemReader resource arn:aws:states:::s3:getObject is "
				"supported (read from --s3-root)");
		const asl_value *cfg = field(r, "ReaderConfig");
		const asl_value *type = field(cfg, "InputType");
		if (!is_string_equal(type, "JSON") && !is_string_equal(type, "JSONL") &&
		    !is_string_equal(type, "CSV"))
			diag_error(c->src, type ? type : (cfg ? cfg : r),
				   "ReaderConfig.InputType must be JSON, JSONL or CSV");
		if ((v = field(cfg, "CSVDelimiter")) && !is_string_equal(v, "COMMA") &&
		    !is_string_equal(v, "PIPE") && !is_string_equal(v, "SEMICOLON") &&
		    !is_string_equal(v, "SPACE") && !is_string_equal(v, "TAB"))
			diag_error(c->src, v,
				   "CSVDelimiter must be COMMA, PIPE, SEMICOLON, SPACE or TAB");
		if (is_string_equal(field(cfg, "CSVHeaderLocation"), "GIVEN")) {
			v = field(cfg, "CSVHeaders");
			int ok = v && v->type == ASL_ARRAY && v->u.array.len;
			for (size_t i = 0; ok && i < v->u.array.len; i++)
				ok = is_string(v->u.array.items[i]);
			if (!ok)
				diag_error(c->src, v ? v : cfg,
					   "CSVHeaderLocation GIVEN needs CSVHeaders, "
					   "an array of strings");
		}
		if ((v = field(cfg, "MaxItems")) && !is_nonneg_int(v))
			diag_error(c->src, v, "MaxItems must be a non-negative integer");
		if (field(cfg, "MaxItemsPath"))
			diag_error_code(c->src, field(cfg, "MaxItemsPath"), ASLC_UNSUPPORTED,
					"MaxItemsPath is not supported yet");
		if ((v = field(r, "Parameters")))
			check_template(c, v, "Parameters");
	}
	const asl_value *b = field(st, "ItemBatcher");
	if (b) {
		const char *const unsupported[] = {"MaxItemsPerBatchPath",
						   "MaxInputBytesPerBatchPath"};
		for (size_t i = 0; i < 2; i++)
			if ((v = field(b, unsupported[i])))
				diag_error_code(c->src, v, ASLC_UNSUPPORTED,
						"%s is not supported yet", unsupported[i]);
		if (!field(b, "MaxItemsPerBatch") && !field(b, "MaxInputBytesPerBatch") &&
		    !field(b, "MaxItemsPerBatchPath") && !field(b, "MaxInputBytesPerBatchPath"))
			diag_error(c->src, b,
				   "ItemBatcher needs MaxItemsPerBatch or "
				   "MaxInputBytesPerBatch");
		if ((v = field(b, "MaxItemsPerBatch")) && (!is_nonneg_int(v) || v->u.number < 1))
			diag_error(c->src, v, "MaxItemsPerBatch must be a positive integer");
		if ((v = field(b, "MaxInputBytesPerBatch")) &&
		    (!is_nonneg_int(v) || v->u.number < 1))
			diag_error(c->src, v, "MaxInputBytesPerBatch must be a positive integer");
		if ((v = field(b, "BatchInput")))
			check_template(c, v, "BatchInput");
	}
	const asl_value *w = field(st, "ResultWriter");
	if (w) {
		if (!is_string_equal(field(w, "Resource"), "arn:aws:states:::s3:putObject"))
			diag_error_code(
				c->src, field(w, "Resource") ? field(w, "Resource") : w,
				ASLC_UNSUPPORTED,
				"only the ResultWriter resource arn:aws:states:::s3:putObject is "
				"supported (written under --s3-root)");
		if ((v = field(w, "Parameters")))
			check_template(c, v, "Parameters");
	}
}

static void check_map(checker *c, const asl_value *st)
{
	const asl_value *v;
	exclusive(c, st, "Iterator", "ItemProcessor");
	exclusive(c, st, "ItemSelector", "Parameters");
	exclusive(c, st, "MaxConcurrency", "MaxConcurrencyPath");
	exclusive(c, st, "ToleratedFailureCount", "ToleratedFailureCountPath");
	exclusive(c, st, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
	const asl_value *proc = field(st, "ItemProcessor");
	if (!proc)
		proc = field(st, "Iterator");
	if (!proc || proc->type != ASL_OBJECT)
		diag_error(c->src, proc ? proc : st,
			   "a Map state needs an \"ItemProcessor\" object");
	const asl_value *cfg = field(proc, "ProcessorConfig");
	if (cfg && (v = field(cfg, "Mode")) && !is_string_equal(v, "INLINE") &&
	    !is_string_equal(v, "DISTRIBUTED"))
		diag_error(c->src, v, "ProcessorConfig.Mode must be \"INLINE\" or \"DISTRIBUTED\"");
	if ((v = field(st, "Items")))
		diag_error_code(c->src, v, ASLC_UNSUPPORTED,
				"Items needs JSONata, which is not supported yet");
	int distributed = cfg && is_string_equal(field(cfg, "Mode"), "DISTRIBUTED");
	static const char *const dist[] = {"ItemReader", "ItemBatcher", "ResultWriter"};
	for (int i = 0; i < 3; i++)
		if ((v = field(st, dist[i])) && !distributed)
			diag_error(c->src, v, "%s needs ProcessorConfig.Mode DISTRIBUTED", dist[i]);
	check_distributed(c, st);
	check_path(c, field(st, "ItemsPath"), "ItemsPath", 1, 0, 1);
	if ((v = field(st, "ItemSelector")))
		check_template(c, v, "ItemSelector");
	if ((v = field(st, "MaxConcurrency")) && !is_nonneg_int(v))
		diag_error(c->src, v, "MaxConcurrency must be a non-negative integer");
	if ((v = field(st, "ToleratedFailureCount")) && !is_nonneg_int(v))
		diag_error(c->src, v, "ToleratedFailureCount must be a non-negative integer");
	if ((v = field(st, "ToleratedFailurePercentage")) &&
	    (v->type != ASL_NUMBER || v->u.number < 0 || v->u.number > 100))
		diag_error(c->src, v, "ToleratedFailurePercentage must be a number from 0 to 100");
	static const char *const paths[] = {"MaxConcurrencyPath", "ToleratedFailureCountPath",
					    "ToleratedFailurePercentagePath"};
	for (int i = 0; i < 3; i++)
		check_path(c, field(st, paths[i]), paths[i], 1, 0, 1);
	if ((v = field(st, "Label")) && !is_string(v))
		diag_error(c->src, v, "Label must be a string");
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
		diag_error_code(c->src, v, ASLC_UNSUPPORTED,
				"JSONata states are not supported yet");
	if ((v = field(st, "Assign")))
		check_assign(c, v);

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
	check_path(c, field(st, "TimeoutSecondsPath"), "TimeoutSecondsPath", 1, 0, 1);
	check_path(c, field(st, "HeartbeatSecondsPath"), "HeartbeatSecondsPath", 1, 0, 1);
	if (!strcmp(type, "Task") && (field(st, "Arguments") || field(st, "Output")))
		diag_error_code(c->src,
				field(st, "Arguments") ? field(st, "Arguments")
						       : field(st, "Output"),
				ASLC_UNSUPPORTED,
				"Arguments and Output need JSONata, which is not supported yet");
	if ((v = field(st, "Credentials")) && (v->type != ASL_OBJECT || !field(v, "RoleArn")))
		diag_error(c->src, v, "The field 'RoleArn' is required but was missing");
	if (!strcmp(type, "Parallel")) {
		v = field(st, "Branches");
		if (!v || v->type != ASL_ARRAY || v->u.array.len == 0)
			diag_error(c->src, v ? v : st, "Branches must be a non-empty array");
	}
	if (!strcmp(type, "Map"))
		check_map(c, st);

	if (!strcmp(type, "Choice")) {
		v = field(st, "Choices");
		if (!v || v->type != ASL_ARRAY || v->u.array.len == 0)
			diag_error(c->src, v ? v : st,
				   "a Choice state needs a non-empty \"Choices\" "
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
			diag_error(c->src, st,
				   "a Wait state needs exactly one of Seconds, SecondsPath, "
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

/* The transitions of a state: Next, Default, Choices[].Next and Catch[].Next, one at a time
 * (a Choice can have any number of rules). */
typedef struct target_iter {
	const asl_value *st;
	int part;
	size_t i;
} target_iter;

static const asl_value *next_target(target_iter *it)
{
	static const char *const parts[] = {"Next", "Default", "Choices", "Catch"};
	for (; it->part < 4; it->part++, it->i = 0) {
		const asl_value *v = field(it->st, parts[it->part]);
		if (it->part < 2) {
			if (it->i++ == 0 && is_string(v))
				return v;
			continue;
		}
		if (!v || v->type != ASL_ARRAY)
			continue;
		while (it->i < v->u.array.len) {
			const asl_value *next = field(v->u.array.items[it->i++], "Next");
			if (is_string(next))
				return next;
		}
	}
	return NULL;
}

int state_index(const machine_info *m, int scope, const char *name, size_t len)
{
	int i = name_index_find(&m->state_names, name, len); /* names are unique machine-wide */
	return i >= 0 && m->states[i].scope == scope ? i : -1;
}

static void check_scope(checker *c, const asl_value *obj, int nested, int owner);
static void check_scope_body(checker *c, const asl_value *obj, int nested, int scope);

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

/* Only for the first few missing targets: each costs a pass over every state. */
static void suggest_state(checker *c, int scope, const asl_value *target)
{
	const state_info *best = NULL;
	size_t best_d = 3; /* only close matches are worth a note */
	size_t n = target->u.string.len;
	if (c->suggestions++ >= 10)
		return;
	for (int i = 0; i < c->m->count; i++) {
		const state_info *s = &c->m->states[i];
		if (s->scope != scope || s->name_len + best_d <= n || n + best_d <= s->name_len)
			continue; /* the lengths alone differ by best_d or more */
		size_t d = edit_distance(target->u.string.ptr, target->u.string.len, s->name,
					 s->name_len);
		if (d < best_d) {
			best_d = d;
			best = s;
		}
	}
	if (best)
		diag_note(c->src, best->def, "did you mean \"%s\"?", best->name);
}

static void add_state(checker *c, const asl_member *mb, int scope)
{
	machine_info *m = c->m;
	int first = name_index_add(&m->state_names, c->arena, mb->key, mb->key_len, m->count);
	if (first >= 0) {
		diag_error_code(c->src, mb->value, ASLC_DUPLICATE_STATE_NAME,
				"duplicate state name \"%s\"", mb->key);
		diag_note(c->src, m->states[first].def, "\"%s\" is first defined here",
			  m->states[first].name);
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
	s->scope = scope;
	const asl_value *t = field(mb->value, "Type");
	s->type = is_string(t) ? t->u.string.ptr : "";
}

static void check_scope(checker *c, const asl_value *obj, int nested, int owner)
{
	int scope = c->scopes++, outer = c->scope;
	machine_info *m = c->m;
	if (m->scope_count == m->scope_cap) {
		int ncap = m->scope_cap ? m->scope_cap * 2 : 8;
		scope_info *ns = asl_arena_alloc(c->arena, (size_t)ncap * sizeof *ns);
		if (!ns)
			return;
		if (m->scope_count)
			memcpy(ns, m->scopes, (size_t)m->scope_count * sizeof *ns);
		m->scopes = ns;
		m->scope_cap = ncap;
	}
	m->scopes[m->scope_count++] = (scope_info){obj, -1, nested ? outer : -1, owner};
	c->scope = scope;
	check_scope_body(c, obj, nested, scope);
	c->scope = outer;
}

static void check_scope_body(checker *c, const asl_value *obj, int nested, int scope)
{
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
			diag_error_code(c->src, mb->value, ASLC_INVALID_STATE_NAME,
					"state names must be 1 to 80 characters long");
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
		int owner = c->m->count;
		add_state(c, mb, scope);
		if (c->m->count ==
		    owner) /* not added (a duplicate name): no state owns its scopes */
			owner = -1;
		check_state(c, mb->value, t->u.string.ptr);
		const asl_value *br = field(mb->value, "Branches");
		if (br && br->type == ASL_ARRAY)
			for (size_t b = 0; b < br->u.array.len; b++)
				check_scope(c, br->u.array.items[b], 1, owner);
		const asl_value *proc = field(mb->value, "ItemProcessor");
		if (!proc)
			proc = field(mb->value, "Iterator");
		if (proc && proc->type == ASL_OBJECT)
			check_scope(c, proc, 1, owner);
	}
	/* transitions and reachability within this scope */
	int last = c->m->count, terminal = 0;
	unsigned char *seen = asl_arena_alloc(c->arena, (size_t)(last - first) + 1);
	int *queue = asl_arena_alloc(c->arena, (size_t)(last - first + 1) * sizeof(int));
	if (!seen || !queue)
		return;
	memset(seen, 0, (size_t)(last - first) + 1);
	for (int i = first; i < last; i++) {
		state_info *s = &c->m->states[i];
		if (s->scope != scope)
			continue; /* a nested branch's state: checked with its own scope */
		const asl_value *end = field(s->def, "End");
		if (!strcmp(s->type, "Succeed") || !strcmp(s->type, "Fail") ||
		    (end && end->type == ASL_BOOL && end->boolean))
			terminal = 1;
		target_iter it = {s->def, 0, 0};
		for (const asl_value *t; (t = next_target(&it));)
			if (state_index(c->m, scope, t->u.string.ptr, t->u.string.len) < 0) {
				diag_error_code(c->src, t, ASLC_MISSING_TRANSITION_TARGET,
						"Missing 'Next' target: %s", t->u.string.ptr);
				suggest_state(c, scope, t);
			}
	}
	if (!terminal)
		diag_error_code(c->src, states, ASLC_MISSING_END_STATE,
				"no terminal state: a Succeed, a Fail or a state with "
				"\"End\": true is needed");
	if (!is_string(start))
		return;
	int s0 = state_index(c->m, scope, start->u.string.ptr, start->u.string.len);
	if (s0 < 0) {
		diag_error_code(c->src, start, ASLC_MISSING_TRANSITION_TARGET,
				"StartAt names a state that does not exist here: \"%s\"",
				start->u.string.ptr);
		return;
	}
	if (!nested)
		c->m->start = s0;
	c->m->scopes[scope].start = s0;
	int head = 0, tail = 0;
	queue[tail++] = s0;
	seen[s0 - first] = 1;
	while (head < tail) {
		target_iter it = {c->m->states[queue[head++]].def, 0, 0};
		for (const asl_value *t; (t = next_target(&it));) {
			int j = state_index(c->m, scope, t->u.string.ptr, t->u.string.len);
			if (j >= 0 && !seen[j - first]) {
				seen[j - first] = 1;
				queue[tail++] = j;
			}
		}
	}
	for (int i = first; i < last; i++)
		if (!seen[i - first] && c->m->states[i].scope == scope)
			diag_error_code(c->src, c->m->states[i].def, ASLC_MISSING_TRANSITION_TARGET,
					"State \"%s\" is not reachable.", c->m->states[i].name);
}

/* A Parallel branch or Map iteration must not assign a variable of an enclosing scope. */
static void check_variable_scopes(source *src, asl_arena *arena, const machine_info *m)
{
	/* the names each scope assigns, so that each Assign looks only at its enclosing scopes */
	name_index *assigned = asl_arena_alloc(arena, (size_t)m->scope_count * sizeof *assigned);
	if (!assigned)
		return;
	memset(assigned, 0, (size_t)m->scope_count * sizeof *assigned);
	for (int j = 0; j < m->assign_count; j++)
		name_index_add(&assigned[m->assigns[j].scope], arena, m->assigns[j].name,
			       strlen(m->assigns[j].name), j);
	for (int j = 0; j < m->assign_count; j++) {
		const var_ref *a = &m->assigns[j];
		for (int s = m->scopes[a->scope].parent; s >= 0; s = m->scopes[s].parent)
			if (name_index_find(&assigned[s], a->name, strlen(a->name)) >= 0) {
				diag_error(src, a->at,
					   "variable $%s is assigned in an enclosing "
					   "scope; a Parallel branch or Map iteration "
					   "cannot assign it",
					   a->name);
				break;
			}
	}
}

int validate(source *src, asl_arena *arena, machine_info *m)
{
	checker c = {src, arena, m, 0, -1, 0};
	const asl_value *root = src->root;
	if (root->type != ASL_OBJECT) {
		diag_error(src, root, "Definition must be a valid JSON object");
		return src->errors;
	}
	static const char *const top[] = {"Comment",        "StartAt",       "States", "Version",
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
		if (!is_string(v) ||
		    (strcmp(v->u.string.ptr, "JSONPath") && strcmp(v->u.string.ptr, "JSONata")))
			diag_error(src, v, "QueryLanguage must be \"JSONPath\" or \"JSONata\"");
		else if (!strcmp(v->u.string.ptr, "JSONata"))
			diag_error_code(src, v, ASLC_UNSUPPORTED, "JSONata is not supported yet");
	}
	check_scope(&c, root, 0, -1);
	check_variable_scopes(src, arena, m);
	for (int i = 0; i < m->ref_count; i++)
		if (var_slot(m, m->refs[i].name) < 0)
			diag_error(src, m->refs[i].at,
				   "variable $%s is never assigned (no Assign in the "
				   "machine gives it a value)",
				   m->refs[i].name);
	return src->errors;
}
