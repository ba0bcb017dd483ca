/* Internal to the validator: shared by validate.c (machine structure, states) and
 * check_values.c (paths, templates, intrinsics, Assign, Choice rules, Retry/Catch). */
#ifndef ASLC_VALIDATE_H
#define ASLC_VALIDATE_H

#include "aslc.h"

typedef struct checker {
	source *src;
	asl_arena *arena;
	machine_info *m;
	int scopes;
	int scope; /* the scope being checked */
	int suggestions; /* "did you mean" notes given so far */
} checker;

int in_list(const char *const *list, const char *key, size_t n);
int is_string(const asl_value *v);
int is_string_equal(const asl_value *v, const char *s);
int is_nonneg_int(const asl_value *v);
int is_intrinsic(const asl_value *v);
/* A Path (or Reference Path) field; variables are allowed where the context object is. */
void check_path(checker *c, const asl_value *v, const char *what, int reference, int allow_null,
		int allow_context);
void check_template(checker *c, const asl_value *t, const char *what);
void check_assign(checker *c, const asl_value *v);
void check_choice_rule(checker *c, const asl_value *r, int top);
void check_handlers(checker *c, const asl_value *list, const char *what);
/* A `.$` value (or Fail ErrorPath/CausePath) that is an intrinsic call. */
void check_intrinsic(checker *c, const asl_value *v, const char *field_name);

#endif
