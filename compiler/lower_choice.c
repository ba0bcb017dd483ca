/* Lowering Choice states: each rule becomes a tree of ir_rule nodes (And/Or/Not over data
 * tests) with its paths (as the validator parsed them) and its operand kept as a constant, and
 * each outcome a resolved transition. */
#include <string.h>

#include "asl/abi.h"
#include "lower.h"

typedef struct op_info {
	const char *name;
	int kind, op;
} op_info;

static const op_info COMPARISONS[] = {
	{"StringEquals", ASL_CMP_STRING, ASL_OP_EQ},
	{"StringLessThan", ASL_CMP_STRING, ASL_OP_LT},
	{"StringGreaterThan", ASL_CMP_STRING, ASL_OP_GT},
	{"StringLessThanEquals", ASL_CMP_STRING, ASL_OP_LE},
	{"StringGreaterThanEquals", ASL_CMP_STRING, ASL_OP_GE},
	{"NumericEquals", ASL_CMP_NUMERIC, ASL_OP_EQ},
	{"NumericLessThan", ASL_CMP_NUMERIC, ASL_OP_LT},
	{"NumericGreaterThan", ASL_CMP_NUMERIC, ASL_OP_GT},
	{"NumericLessThanEquals", ASL_CMP_NUMERIC, ASL_OP_LE},
	{"NumericGreaterThanEquals", ASL_CMP_NUMERIC, ASL_OP_GE},
	{"BooleanEquals", ASL_CMP_BOOLEAN, ASL_OP_EQ},
	{"TimestampEquals", ASL_CMP_TIMESTAMP, ASL_OP_EQ},
	{"TimestampLessThan", ASL_CMP_TIMESTAMP, ASL_OP_LT},
	{"TimestampGreaterThan", ASL_CMP_TIMESTAMP, ASL_OP_GT},
	{"TimestampLessThanEquals", ASL_CMP_TIMESTAMP, ASL_OP_LE},
	{"TimestampGreaterThanEquals", ASL_CMP_TIMESTAMP, ASL_OP_GE},
};

static const struct {
	const char *name;
	int kind;
} TYPE_TESTS[] = {
	{"IsPresent", ASL_RULE_IS_PRESENT}, {"IsNull", ASL_RULE_IS_NULL},
	{"IsNumeric", ASL_RULE_IS_NUMERIC}, {"IsString", ASL_RULE_IS_STRING},
	{"IsBoolean", ASL_RULE_IS_BOOLEAN}, {"IsTimestamp", ASL_RULE_IS_TIMESTAMP},
};

static const op_info *comparison(const char *key, size_t n)
{
	for (size_t i = 0; i < sizeof COMPARISONS / sizeof COMPARISONS[0]; i++)
		if (strlen(COMPARISONS[i].name) == n && !memcmp(COMPARISONS[i].name, key, n))
			return &COMPARISONS[i];
	return NULL;
}

static void lower_data_test(lowerer *l, const asl_value *r, ir_rule *rule)
{
	const asl_member *opm = NULL;
	for (size_t i = 0; i < r->u.object.len; i++) {
		const char *k = r->u.object.members[i].key;
		if (strcmp(k, "Variable") && strcmp(k, "Next") && strcmp(k, "Comment") &&
		    strcmp(k, "Assign"))
			opm = &r->u.object.members[i];
	}
	const char *k = opm->key;
	const asl_value *operand = opm->value;
	rule->variable = lower_path(l, field(r, "Variable"), "Variable");
	for (size_t i = 0; i < sizeof TYPE_TESTS / sizeof TYPE_TESTS[0]; i++)
		if (!strcmp(k, TYPE_TESTS[i].name)) {
			rule->kind = TYPE_TESTS[i].kind;
			rule->expect = operand->boolean;
			return;
		}
	if (!strcmp(k, "StringMatches")) {
		rule->kind = ASL_RULE_MATCHES;
		rule->operand = lower_const(l, operand, "StringMatches");
		return;
	}
	size_t n = strlen(k);
	int is_path = n > 4 && !strcmp(k + n - 4, "Path");
	const op_info *op = comparison(k, is_path ? n - 4 : n);
	rule->cmp = op->kind;
	rule->op = op->op;
	rule->kind = is_path ? ASL_RULE_COMPARE_PATH : ASL_RULE_COMPARE;
	rule->operand = is_path ? lower_path(l, operand, k) : lower_const(l, operand, k);
}

static void lower_rule(lowerer *l, const asl_value *r, ir_rule *rule)
{
	const asl_value *v;
	rule->at = r;
	if ((v = field(r, "And")) || (v = field(r, "Or"))) {
		rule->kind = field(r, "And") ? ASL_RULE_AND : ASL_RULE_OR;
		rule->count = (int)v->u.array.len;
		if (!(rule->operands = lower_alloc(l, v->u.array.len * sizeof *rule->operands)))
			return;
		for (int i = 0; i < rule->count; i++)
			lower_rule(l, v->u.array.items[i], &rule->operands[i]);
	} else if ((v = field(r, "Not"))) {
		rule->kind = ASL_RULE_NOT;
		rule->count = 1;
		if ((rule->operands = lower_alloc(l, sizeof *rule->operands)))
			lower_rule(l, v, rule->operands);
	} else {
		lower_data_test(l, r, rule);
	}
}

void lower_choices(lowerer *l, ir_state *s, const asl_value *def)
{
	const asl_value *choices = field(def, "Choices"), *dflt = field(def, "Default");
	s->choice_count = (int)choices->u.array.len;
	if (!(s->choices = lower_alloc(l, choices->u.array.len * sizeof *s->choices)))
		return;
	for (int i = 0; i < s->choice_count; i++) {
		const asl_value *r = choices->u.array.items[i];
		lower_rule(l, r, &s->choices[i].rule);
		s->choices[i].next = lower_target(l, s->scope, field(r, "Next"));
		s->choices[i].assign = lower_assign(l, field(r, "Assign"), "Choices.Assign");
	}
	s->has_default = dflt != NULL;
	s->default_next = lower_target(l, s->scope, dflt);
}
