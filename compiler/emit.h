/* Internal to the C emitter (emit*.c), which reads only the IR. The files call downwards only:
 * emit.c (the machine) -> emit_state.c, emit_task.c, emit_map.c, emit_choice.c (one state kind
 * each) -> emit_io.c (what states share: I/O paths, ResultPath, Assign, transitions) ->
 * emit_data.c (constants, paths, templates, intrinsics) -> emit_text.c (escaped user text). */
#ifndef ASLC_EMIT_H
#define ASLC_EMIT_H

#include "ir.h"

/* ---- emit_text.c (with emit_c_string, emit_c_text, emit_comment_text: aslc.h) ---- */
/* A `/+ State.Field +/` comment line naming where a helper comes from (user text escaped);
 * in e->out, one per run of tables from the same field. */
void emit_origin(emitter *e, FILE *out, const char *slot);

/* ---- emit_data.c ---- */
/* A double as a C constant: %.17g, or an expression for an infinity (a JSON number past the
 * double range, like 1e340, reads as one). */
void emit_number(FILE *out, double d);
/* Static constant for a JSON value, emitted once per distinct value; returns its id (L<id>_). */
int emit_constant(emitter *e, const asl_value *v, const char *slot);
/* The path table P<id>_, emitted once per path text; returns its id. */
int emit_path(emitter *e, const jpath *p, const char *slot);
/* A C expression evaluating path `x` on `input` (or on $$ or a variable); *id_out gets the
 * path's id (for &P<id>_ in messages). */
const char *emit_path_expr(emitter *e, const ir_expr *x, const char *input, int *id_out);
/* Intrinsic call function i<id>_(ex, in); `key` names the field in path errors. */
int emit_intrinsic(emitter *e, const ir_expr *x, const char *key);
/* Payload template function t<id>_(ex, in); returns its id. */
int emit_template(emitter *e, const ir_expr *tpl);

/* ---- emit_io.c ---- */
/* The C expression for a transition: a state index or ASL_END. */
const char *emit_target(emitter *e, int next);
/* Whether an InputPath-like slot reads its input (NULL, "$", reads it; null, $$..., $var do not). */
int emit_reads_input(const ir_expr *x);
/* Whether the state's code reads `raw` (the state's input before InputPath). */
int emit_uses_raw(const ir_state *s);
/* The state's first line: `enter` (an asl_enter call) and the declarations of `raw` (when
 * used) and of `vars` ("*in, *out"). */
void emit_enter(emitter *e, const char *enter, int uses_raw, const char *vars);
/* Code for `dst = path(src)`, failing the state as AWS does for InputPath/OutputPath. */
void emit_io_path(emitter *e, const ir_expr *x, const char *dst, const char *src);
/* ResultPath: `out` = `result` merged into `raw`; `on_fail` (a statement) when it cannot be. */
void emit_result_path(emitter *e, const ir_expr *x, const char *result, const char *on_fail,
		      FILE *b);
/* Assign's template (*template_id) and slot table V<id>_ (returned; -1 without Assign). */
int emit_assign_tables(emitter *e, const ir_assign *a, int *template_id);
/* Assign: builds the values into `var` now; returns the slot table id (or -1 without Assign). */
int emit_assign_values(emitter *e, const ir_assign *a, const char *input, const char *var);
void emit_assign_commit(int id, const char *var, FILE *b, const char *indent);

/* ---- the state emitters: the body of state function s<index>_ into e->code ---- */
void emit_pass(emitter *e, const ir_state *s, int index);
void emit_wait(emitter *e, const ir_state *s, int index);
void emit_succeed(emitter *e, const ir_state *s, int index);
void emit_fail(emitter *e, const ir_state *s, int index);
void emit_choice(emitter *e, const ir_state *s, int index);
/* Task, Parallel and Map (emit_task.c); the Map call itself is emit_map.c's. */
void emit_task(emitter *e, const ir_state *s, int index);
void emit_map_call(emitter *e, const ir_state *s);

#endif
