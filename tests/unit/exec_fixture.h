/* A hand-made execution for unit tests of runtime functions that take an asl_exec: the parts of
 * asl_execute's set-up they rely on (one state named "First", empty heaps), and value helpers. */
#ifndef EXEC_FIXTURE_H
#define EXEC_FIXTURE_H

#include <check.h>
#include <string.h>

#include "exec.h"

static asl_exec ex;
static const char *const state_names[] = {"First"};
static const size_t state_name_lens[] = {5};
static const asl_machine machine = {.name = "m",
				    .state_names = state_names,
				    .state_name_lens = state_name_lens,
				    .state_count = 1};

static inline void setup(void)
{
	memset(&ex, 0, sizeof ex);
	ex.machine = &machine;
	asl_options_init(&ex.opts);
	asl_arena_init(&ex.perm, NULL);
	asl_arena_init(&ex.heaps[0], NULL);
	asl_arena_init(&ex.heaps[1], NULL);
}

static inline void teardown(void)
{
	asl_arena_destroy(&ex.heaps[0]);
	asl_arena_destroy(&ex.heaps[1]);
	asl_arena_destroy(&ex.perm);
}

/* A value parsed from test JSON, in the execution's heap. */
static inline asl_value *doc(const char *text)
{
	asl_parse_error err;
	asl_value *v = asl_parse(asl_heap(&ex), text, strlen(text), 0, &err);
	ck_assert_msg(v != NULL, "bad test JSON '%s': %s", text, err.message);
	return v;
}

static inline asl_value *str(const char *s)
{
	return asl_cstring(asl_heap(&ex), s);
}

#endif
