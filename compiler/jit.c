/* Machines compiled in memory by libtcc (aslc_load): each one is a TCCState of its own that
 * holds its code and data, so any number live side by side and each is freed on its own. */
#define _POSIX_C_SOURCE 200809L
#include <libtcc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

struct aslc_module {
	TCCState *tcc;
	const asl_machine *machine;
};

/* libtcc 0.9 keeps compiler state in globals: one compilation (or deletion) at a time. */
static pthread_mutex_t tcc_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct jit_errors {
	aslc_diagnostics *d;
	int undefined; /* a runtime symbol was missing: the program does not export them */
} jit_errors;

static void tcc_message(void *opaque, const char *msg)
{
	jit_errors *je = opaque;
	diag_tool(je->d, ASLC_ERROR, ASLC_BUILD_FAILED, "JIT: %s", msg);
	je->undefined |= strstr(msg, "undefined symbol 'asl_") != NULL; /* not a c: handler's */
}

aslc_module *jit_load(const char *c_code, const aslc_options *opt, const char *symbol,
		      aslc_diagnostics *d)
{
	aslc_module *mod = calloc(1, sizeof *mod);
	if (!mod) {
		diag_tool(d, ASLC_ERROR, ASLC_OUT_OF_MEMORY, "out of memory");
		return NULL;
	}
	jit_errors je = {d, 0};
	pthread_mutex_lock(&tcc_lock);
	TCCState *s = mod->tcc = tcc_new();
	int ok = s != NULL;
	if (!s)
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "cannot start libtcc");
	if (ok) {
		tcc_set_error_func(s, &je, tcc_message);
		tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
		tcc_add_include_path(s, aslc_include_dir(opt));
	}
	for (size_t i = 0; ok && i < opt->link_count; i++)
		if (tcc_add_file(s, opt->links[i]) < 0) {
			diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED,
				  "JIT: cannot compile or load '%s'", opt->links[i]);
			ok = 0;
		}
	if (ok && (tcc_compile_string(s, c_code) != 0 || tcc_relocate(s, TCC_RELOCATE_AUTO) < 0)) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "JIT compilation failed%s",
			  opt->link_count ? "" : " (a c: handler needs --link FILE)");
		if (je.undefined)
			diag_tool(d, ASLC_NOTE, ASLC_BUILD_FAILED,
				  "JIT: a program that loads machines must export the runtime's "
				  "symbols (-rdynamic; see include/aslc/aslc.h)");
		ok = 0;
	}
	if (ok && !(mod->machine = tcc_get_symbol(s, symbol))) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "JIT: machine table not found");
		ok = 0;
	}
	if (s)
		tcc_set_error_func(s, NULL, NULL); /* `je` lives on this stack only */
	if (!ok && s)
		tcc_delete(s);
	pthread_mutex_unlock(&tcc_lock);
	if (!ok) {
		free(mod);
		return NULL;
	}
	return mod;
}

const asl_machine *aslc_module_machine(const aslc_module *mod)
{
	return mod->machine;
}

void aslc_unload(aslc_module *mod)
{
	if (!mod)
		return;
	pthread_mutex_lock(&tcc_lock);
	tcc_delete(mod->tcc);
	pthread_mutex_unlock(&tcc_lock);
	free(mod);
}
