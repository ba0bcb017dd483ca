/* Turning generated C into a native executable with the system C compiler; also finds the
 * runtime's headers and library for it and for libtcc (jit.c). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aslc.h"
#include "temp_file.h"

/* Facts of the process, found once: the directory of the running program and where the
 * runtime is relative to it. Computed under pthread_once, as compiling calls may come from
 * several threads. */
static char exe_dir[PATH_MAX];
static char installed[2][PATH_MAX + 16]; /* include, lib */
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_dirs(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
	if (n <= 0) {
		strcpy(exe_dir, ".");
	} else {
		exe_dir[n] = '\0';
		char *slash = strrchr(exe_dir, '/');
		if (slash)
			*slash = '\0';
	}
	const char *rel[2] = {ASLC_INSTALL_INCLUDE_REL, ASLC_INSTALL_LIB_REL};
	const char *build[2] = {ASLC_BUILD_INCLUDE_DIR, ASLC_BUILD_LIB_DIR};
	for (int i = 0; i < 2; i++) {
		snprintf(installed[i], sizeof installed[i], "%s/../%s", exe_dir, rel[i]);
		/* in the build tree aslc sits in ASLC_BUILD_BIN_DIR; installed, it finds ../include
		 * and ../lib; any other program (a test, an embedder) gets the build tree's */
		if (!strcmp(exe_dir, ASLC_BUILD_BIN_DIR) || !is_dir(installed[i]))
			snprintf(installed[i], sizeof installed[i], "%s", build[i]);
	}
}

static const char *locate(const char *given, const char *env, int which)
{
	if (given)
		return given;
	const char *e = getenv(env);
	if (e && *e)
		return e;
	pthread_once(&dirs_once, find_dirs);
	return installed[which];
}

/* DIR/include or DIR/lib of a target runtime (--runtime DIR, an install prefix). Per thread,
 * as builds may run on several. */
static const char *runtime_subdir(const char *dir, const char *sub, int which)
{
	static _Thread_local char path[2][PATH_MAX + 16];
	snprintf(path[which], sizeof path[which], "%s/%s", dir, sub);
	return path[which];
}

const char *aslc_include_dir(const aslc_options *opt)
{
	if (!opt->include_dir && opt->runtime_dir)
		return runtime_subdir(opt->runtime_dir, "include", 0);
	return locate(opt->include_dir, "ASLC_INCLUDE_DIR", 0);
}

const char *aslc_lib_dir(const aslc_options *opt)
{
	if (!opt->lib_dir && opt->runtime_dir)
		return runtime_subdir(opt->runtime_dir, "lib", 1);
	return locate(opt->lib_dir, "ASLC_LIB_DIR", 1);
}

/* The compiler's command line, grown as words are added: a long --cflags or --ldflags (a
 * firmware link's -T, --specs, -u and -l) must not lose words. */
typedef struct command {
	char **argv;
	size_t n, cap;
	int failed; /* out of memory */
} command;

static void command_add(command *c, char *word)
{
	if (c->n + 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		char **argv = realloc(c->argv, cap * sizeof *argv);
		if (!argv) {
			c->failed = 1;
			return;
		}
		c->argv = argv;
		c->cap = cap;
	}
	c->argv[c->n++] = word;
	c->argv[c->n] = NULL;
}

/* Adds the words of `s` split on blanks (CC="ccache gcc", CFLAGS="-O2 -g"); `s` is cut up
 * in place and must outlive the command. */
static void command_split(command *c, char *s)
{
	char *save = NULL;
	for (char *tok = strtok_r(s, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		command_add(c, tok);
}

/* A file of the runtime that is not there, named with where its directory came from, so the
 * diagnostic says what to fix (not a compiler's "asl/abi.h: No such file" or a linker's
 * "cannot find -laslrt"). */
static void missing(const aslc_options *opt, int lib, const char *path, aslc_diagnostics *d)
{
	if (opt->runtime_dir && !(lib ? opt->lib_dir : opt->include_dir)) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED,
			  "--runtime %s: %s is missing; install a runtime built for the target "
			  "there with `cmake --install BUILD --prefix %s`",
			  opt->runtime_dir, path, opt->runtime_dir);
		return;
	}
	const char *from = "aslc's installation";
	if (lib ? opt->lib_dir : opt->include_dir)
		from = lib ? "the library directory" : "the include directory";
	else if (getenv(lib ? "ASLC_LIB_DIR" : "ASLC_INCLUDE_DIR"))
		from = lib ? "$ASLC_LIB_DIR" : "$ASLC_INCLUDE_DIR";
	diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "the runtime is incomplete: %s is missing (%s)",
		  path, from);
}

/* The runtime's header and library must be there before the compiler runs. 0, or -1 after a
 * diagnostic. */
static int check_runtime(const aslc_options *opt, aslc_diagnostics *d)
{
	char path[PATH_MAX + 32];
	struct stat st;
	snprintf(path, sizeof path, "%s/asl/abi.h", aslc_include_dir(opt));
	if (stat(path, &st) != 0) {
		missing(opt, 0, path, d);
		return -1;
	}
	snprintf(path, sizeof path, "%s/libaslrt.a", aslc_lib_dir(opt));
	if (stat(path, &st) != 0) {
		missing(opt, 1, path, d);
		return -1;
	}
	return 0;
}

/* What libaslrt.a needs after it on the link line: the lib directory's aslrt.link, written
 * by the runtime's build for its target (a cross-built runtime has its own), else the host
 * runtime's, compiled in. Only aslc's own runtime (its build tree's or installation's) may
 * go without: any other directory (--runtime, $ASLC_LIB_DIR) may hold a runtime built for
 * another target or with other options, for which the host's libraries are wrong.
 * malloc'd; NULL after a diagnostic. */
static char *runtime_link_flags(const aslc_options *opt, aslc_diagnostics *d)
{
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/aslrt.link", aslc_lib_dir(opt));
	FILE *f = fopen(path, "r");
	const char *env = getenv("ASLC_LIB_DIR");
	int own = !opt->lib_dir && !opt->runtime_dir && !(env && *env);
	if (!f && !own) {
		missing(opt, 1, path, d);
		return NULL;
	}
	char line[1024] = ASLC_RUNTIME_LIBS " " ASLC_RUNTIME_LDFLAGS;
	if (f && !fgets(line, sizeof line, f))
		line[0] = '\0';
	if (f)
		fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	char *flags = strdup(line);
	if (!flags)
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "out of memory");
	return flags;
}

int build_native(const char *c_code, size_t len, const aslc_options *opt, const char *output,
		 aslc_diagnostics *d)
{
	if (check_runtime(opt, d) != 0)
		return -1;
	char *runtime_libs = runtime_link_flags(opt, d);
	if (!runtime_libs)
		return -1;
	char *cfile;
	int fd = temp_c_file("aslc", &cfile);
	if (fd < 0) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "cannot create a temporary file: %s",
			  strerror(errno));
		free(runtime_libs);
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	int failed = !f;
	if (f) {
		fwrite(c_code, 1, len, f);
		failed = ferror(f); /* before fclose, which only reports its own flush */
		failed |= fclose(f) != 0;
	}
	if (failed) {
		diag_tool(d, ASLC_ERROR, ASLC_WRITE_FAILED, "cannot write the generated C: %s",
			  strerror(errno));
		unlink(cfile);
		free(cfile);
		free(runtime_libs);
		return -1;
	}
	const char *cc = opt->cc ? opt->cc : getenv("CC");
	const char *cflags = opt->cflags ? opt->cflags : getenv("ASLC_CFLAGS");
	const char *ldflags = opt->ldflags ? opt->ldflags : getenv("ASLC_LDFLAGS");
	char *ccs = strdup(cc && *cc ? cc : "cc");
	char *flags = strdup(cflags ? cflags : "-O2");
	char *user_ldflags = strdup(ldflags ? ldflags : "");
	char inc[PATH_MAX + 32], lib[PATH_MAX + 32];
	snprintf(inc, sizeof inc, "-I%s", aslc_include_dir(opt));
	snprintf(lib, sizeof lib, "-L%s", aslc_lib_dir(opt));
	command cmd = {0};
	cmd.failed = !ccs || !flags || !user_ldflags;
	if (!cmd.failed) {
		command_split(&cmd, ccs);
		if (cmd.n == 0)
			command_add(&cmd, "cc"); /* CC of blanks */
		command_split(&cmd, flags);
		char *rest[] = {"-std=c11", inc, cfile, "-o", (char *)output};
		for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
			command_add(&cmd, rest[i]);
		for (size_t i = 0; i < opt->link_count; i++)
			command_add(&cmd, (char *)opt->links[i]); /* handlers: before the runtime */
		command_add(&cmd, lib);
		command_add(&cmd, "-laslrt");
		command_split(&cmd, runtime_libs);
		command_split(&cmd, user_ldflags); /* last: -T, --specs, -l of the target */
	}
	char **argv = cmd.argv;
	pid_t pid = cmd.failed ? -1 : fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "aslc: cannot run the C compiler '%s'\n", argv[0]);
		_exit(127);
	}
	int status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	free(cmd.argv);
	free(ccs);
	free(flags);
	free(user_ldflags);
	free(runtime_libs);
	if (opt->keep_c)
		diag_tool(d, ASLC_NOTE, ASLC_BUILD_FAILED, "generated C kept in %s", cfile);
	else
		unlink(cfile);
	free(cfile);
	if (cmd.failed) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "out of memory");
		return -1;
	}
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		diag_tool(d, ASLC_ERROR, ASLC_BUILD_FAILED, "the C compiler or linker failed%s",
			  opt->link_count ? " (check the --link files)"
					  : " (a c: handler needs --link FILE)");
		return -1;
	}
	return 0;
}
