/* aslc --machine NAME=FILE: other definitions compiled into the same executable (or loaded
 * with it by `aslc run`), for its states:startExecution Tasks. Part of the aslc command. */
#ifndef ASLC_NESTED_MACHINES_H
#define ASLC_NESTED_MACHINES_H

#include "asl/asl.h"
#include "aslc/aslc.h"

#define MAX_NESTED 16

typedef struct nested_machines {
	size_t count;
	const char *names[MAX_NESTED], *files[MAX_NESTED];
	char name_text[MAX_NESTED][81]; /* where names[] point */
	/* build: the temporary C files made for them (and the main() that registers them) */
	char *temps[MAX_NESTED + 1];
	size_t temp_count;
	char *cflags; /* the build's flags with -DASL_NO_MAIN: the generated main() registers them */
	/* run: the loaded machines */
	aslc_module *modules[MAX_NESTED];
	asl_named_machine machines[MAX_NESTED];
} nested_machines;

/* main.c: a definition's text (`path` "-" is standard input), or NULL after a message. */
char *read_definition(const char *path, size_t *len);

/* Adds NAME=FILE (NAME as Step Functions allows: 1 to 80 of A-Z a-z 0-9 - _): 0, or -1 with a
 * message on stderr. */
int nested_add(nested_machines *n, const char *spec);
/* Before a native build: compiles each machine to a C file of its own and a main() that
 * registers them, adding them to opt->links (links[] has room for them) and -DASL_NO_MAIN to
 * the flags. 0, or -1 after printing the diagnostics. */
int nested_prepare_build(nested_machines *n, aslc_options *opt, const char **links,
			 size_t max_links);
/* `aslc run`: loads each machine in memory; 0, or -1 after printing the diagnostics. */
int nested_load(nested_machines *n, const aslc_options *opt);
/* Removes the temporary files and unloads the machines. */
void nested_free(nested_machines *n);

#endif
