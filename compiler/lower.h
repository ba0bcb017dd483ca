/* Internal to the lowering (lower.c, lower_choice.c): its state and the helpers that build
 * IR nodes from definition values. */
#ifndef ASLC_LOWER_H
#define ASLC_LOWER_H

#include "ir.h"

typedef struct lowerer {
	const machine_info *m;
	asl_arena *arena;
	ir_machine *ir;
	int failed; /* out of memory */
} lowerer;

/* Zeroed memory from the arena; sets l->failed when there is none. */
void *lower_alloc(lowerer *l, size_t n);
ir_expr *lower_new_expr(lowerer *l, ir_expr_kind kind, const asl_value *at, const char *slot);
ir_expr *lower_const(lowerer *l, const asl_value *v, const char *slot);
ir_expr *lower_path(lowerer *l, const asl_value *v, const char *slot);
ir_assign *lower_assign(lowerer *l, const asl_value *v, const char *slot);
/* A transition target in `scope` (validated: it exists there), or IR_END without one. */
int lower_target(lowerer *l, int scope, const asl_value *name);
/* Choices and Default of a Choice state. */
void lower_choices(lowerer *l, ir_state *s, const asl_value *def);

#endif
