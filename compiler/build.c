/* Turning generated C into something that runs: the system C compiler for native executables,
 * libtcc for running in memory. Also finds the runtime's headers and library. */
#define _DEFAULT_SOURCE
#include <libtcc.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asl/asl.h"
#include "aslc.h"

static char exe_dir[PATH_MAX];

static const char *self_dir(void)
{
	if (!exe_dir[0]) {
		ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
		if (n <= 0)
			return ".";
		exe_dir[n] = '\0';
		char *slash = strrchr(exe_dir, '/');
		if (slash)
			*slash = '\0';
	}
	return exe_dir;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* In the build tree aslc sits in ASLC_BUILD_BIN_DIR; installed, it finds ../include and ../lib. */
static const char *locate(const char *env, const char *build_path, const char *installed_rel)
{
	static char buf[2][PATH_MAX];
	const char *e = getenv(env);
	if (e && *e)
		return e;
	int which = strcmp(env, "ASLC_INCLUDE_DIR") != 0;
	if (!strcmp(self_dir(), ASLC_BUILD_BIN_DIR))
		return build_path;
	snprintf(buf[which], sizeof buf[which], "%s/../%s", self_dir(), installed_rel);
	return is_dir(buf[which]) ? buf[which] : build_path;
}

const char *aslc_include_dir(void)
{
	return locate("ASLC_INCLUDE_DIR", ASLC_BUILD_INCLUDE_DIR, ASLC_INSTALL_INCLUDE_REL);
}

const char *aslc_lib_dir(void)
{
	return locate("ASLC_LIB_DIR", ASLC_BUILD_LIB_DIR, ASLC_INSTALL_LIB_REL);
}

/* Splits a command string on blanks (CC="ccache gcc", CFLAGS="-O2 -g"). */
static int split(char *s, char **argv, int max)
{
	int n = 0;
	for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		argv[n++] = tok;
	return n;
}

int build_native(const char *c_code, size_t len, const build_options *opt, const char *prog)
{
	char cfile[] = "/tmp/aslc-XXXXXX.c";
	int fd = mkstemps(cfile, 2);
	if (fd < 0) {
		perror("aslc: cannot create a temporary file");
		return 2;
	}
	FILE *f = fdopen(fd, "w");
	int failed = !f;
	if (f) {
		fwrite(c_code, 1, len, f);
		failed = ferror(f); /* before fclose, which only reports its own flush */
		failed |= fclose(f) != 0;
	}
	if (failed) {
		perror("aslc: cannot write the generated C");
		unlink(cfile);
		return EXIT_WRITE_FAILED;
	}
	const char *cc = opt->cc ? opt->cc : getenv("CC");
	const char *cflags = opt->cflags ? opt->cflags : getenv("ASLC_CFLAGS");
	char *ccs = strdup(cc && *cc ? cc : "cc");
	char *flags = strdup(cflags ? cflags : "-O2");
	char inc[PATH_MAX + 2], lib[PATH_MAX + 2];
	snprintf(inc, sizeof inc, "-I%s", aslc_include_dir());
	snprintf(lib, sizeof lib, "-L%s", aslc_lib_dir());
	char *argv[96];
	int n = split(ccs, argv, 16);
	n += split(flags, argv + n, 48);
	const char *rest[] = {"-std=c11", inc, cfile, "-o", opt->output};
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		argv[n++] = (char *)rest[i];
	for (int i = 0; i < opt->link_count && n < 64; i++)
		argv[n++] = (char *)opt->links[i]; /* handlers: before the runtime they may call */
	argv[n++] = lib;
	argv[n++] = "-laslrt";
	char *runtime_libs = strdup(ASLC_RUNTIME_LIBS);
	n += split(runtime_libs, argv + n, 8);
	char *runtime_flags = strdup(ASLC_RUNTIME_LDFLAGS); /* e.g. sanitizers of the runtime */
	n += split(runtime_flags, argv + n, 8);
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run the C compiler '%s'\n", prog, argv[0]);
		_exit(127);
	}
	int status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	free(ccs);
	free(flags);
	free(runtime_flags);
	free(runtime_libs);
	if (opt->keep_c)
		fprintf(stderr, "%s: generated C kept in %s\n", prog, cfile);
	else
		unlink(cfile);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s: the C compiler or linker failed%s\n", prog,
			opt->link_count ? " (check the --link files)"
					: " (a c: handler needs --link FILE)");
		return 2;
	}
	return 0;
}

static void tcc_error(void *opaque, const char *msg)
{
	fprintf(stderr, "%s: JIT: %s\n", (const char *)opaque, msg);
}

int run_jit(const char *c_code, size_t len, const build_options *opt, int argc, char **argv,
	    const char *prog)
{
	(void)len;
	TCCState *s = tcc_new();
	if (!s) {
		fprintf(stderr, "%s: cannot start libtcc\n", prog);
		return 2;
	}
	tcc_set_error_func(s, (void *)prog, tcc_error);
	tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
	tcc_add_include_path(s, aslc_include_dir());
	int rc = 2;
	for (int i = 0; i < opt->link_count; i++)
		if (tcc_add_file(s, opt->links[i]) < 0) {
			fprintf(stderr, "%s: JIT: cannot compile or load '%s'\n", prog, opt->links[i]);
			tcc_delete(s);
			return 2;
		}
	if (tcc_compile_string(s, c_code) == 0 && tcc_relocate(s, TCC_RELOCATE_AUTO) >= 0) {
		const asl_machine *m = tcc_get_symbol(s, "asl_generated_machine");
		if (m)
			rc = asl_main(argc, argv, m);
		else
			fprintf(stderr, "%s: JIT: machine table not found\n", prog);
	} else {
		fprintf(stderr, "%s: JIT compilation failed%s\n", prog,
			opt->link_count ? "" : " (a c: handler needs --link FILE)");
	}
	tcc_delete(s);
	return rc;
}
