/* The compiler's public entry points (include/aslc/aslc.h). A definition in memory goes through
 * the phases one after the other: source_parse (source.c), validate (validate.c), lower
 * (lower.c), emit_machine from the IR (emit.c), then to the C compiler (build.c) or libtcc
 * (jit.c). aslc_check stops after validate. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "graph/graph_render.h"
#include "ir.h"

#define DEFAULT_SYMBOL "asl_generated_machine"

void aslc_options_init(aslc_options *opts)
{
	memset(opts, 0, sizeof *opts);
}

static const char *const c_keywords[] = {
	"auto",     "break",  "case",   "char",     "const",    "continue", "default",  "do",
	"double",   "else",   "enum",   "extern",   "float",    "for",      "goto",     "if",
	"inline",   "int",    "long",   "register", "restrict", "return",   "short",    "signed",
	"sizeof",   "static", "struct", "switch",   "typedef",  "union",    "unsigned", "void",
	"volatile", "while",  "main",   NULL};

int aslc_symbol_check(const char *s, char *err, size_t errlen)
{
	size_t n = s ? strlen(s) : 0;
	const char *why = NULL;
	if (!n)
		why = "is empty";
	else if (n > 128)
		why = "is longer than 128 characters";
	else if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		why = "must start with a letter";
	for (size_t i = 0; !why && i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			why = "may hold only letters, digits and '_'";
	if (!why && s[n - 1] == '_')
		why = "cannot end in '_' (the names of generated code do)";
	if (!why && !strncmp(s, "asl_", 4) && strcmp(s, DEFAULT_SYMBOL))
		why = "cannot start with asl_ (the runtime's names do)";
	for (int i = 0; !why && c_keywords[i]; i++)
		if (!strcmp(s, c_keywords[i]))
			why = "is a C keyword or main";
	if (!why)
		return 0;
	snprintf(err, errlen, "\"%s\" is not a usable C identifier: it %s", s ? s : "", why);
	return -1;
}

/* AWS's rules for a state machine's name: 0, or -1 with the code of the fault. */
static int name_fault(const char *name, aslc_code *code)
{
	size_t n = strlen(name);
	*code = !n ? ASLC_STATE_MACHINE_NAME_EMPTY : ASLC_STATE_MACHINE_NAME_TOO_LONG;
	if (!n || n > 80)
		return -1;
	*code = ASLC_STATE_MACHINE_NAME_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= ' ' || c == 0x7f || strchr("<>{}[]?*\"#%\\^|~`$&,;:/", c))
			return -1;
	}
	return 0;
}

/* The default name: the file's name without .asl.json or .json, or the folder's name when the
 * file is called definition.asl.json (examples/order-routing/definition.asl.json). */
static const char *default_name(asl_arena *arena, const char *path)
{
	const char *base = strrchr(path, '/');
	if (base && !strcmp(base + 1, "definition.asl.json")) {
		const char *end = base;
		while (end > path && end[-1] == '/')
			end--;
		const char *start = end;
		while (start > path && start[-1] != '/')
			start--;
		if (end > start && !(end - start == 1 && *start == '.') &&
		    !(end - start == 2 && !strncmp(start, "..", 2))) {
			asl_value *v = asl_string(arena, start, (size_t)(end - start));
			if (v)
				return v->u.string.ptr;
		}
	}
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	const char *suffixes[] = {".asl.json", ".json"};
	for (int i = 0; i < 2; i++) {
		size_t k = strlen(suffixes[i]);
		if (n > k && !strcmp(base + n - k, suffixes[i])) {
			n -= k;
			break;
		}
	}
	asl_value *v = asl_string(arena, base, n);
	return v && n ? v->u.string.ptr : "machine";
}

/* The options' own faults, before any work. */
static int check_options(const aslc_options *opts, aslc_diagnostics *d)
{
	char err[256];
	if (opts->symbol && aslc_symbol_check(opts->symbol, err, sizeof err) < 0) {
		diag_tool(d, ASLC_ERROR, ASLC_INVALID_SYMBOL, "symbol %s", err);
		return -1;
	}
	aslc_code fault;
	if (opts->name && name_fault(opts->name, &fault) < 0) {
		diag_tool(d, ASLC_ERROR, fault,
			  "state machine name \"%s\" must be 1 to 80 characters without blanks, "
			  "brackets, wildcards or any of \"#%%\\^|~`$&,;:/",
			  opts->name);
		return -1;
	}
	return 0;
}

/* One definition and what the phases make of it, all in one arena. */
typedef struct compilation {
	asl_arena arena;
	source src;
	machine_info m;
} compilation;

/* Parse and validate; `check_only`: no lowering follows. 0, or -1 after a diagnostic. */
static int front_end(compilation *cp, const aslc_source *in, const aslc_options *opts,
		     int check_only, aslc_diagnostics *d)
{
	memset(cp, 0, sizeof *cp);
	asl_arena_init(&cp->arena, NULL);
	const char *file = in->file ? in->file : "-";
	cp->src.path = file;
	cp->src.diags = d;
	if (check_options(opts, d) < 0)
		return -1;
	if (in->len > MAX_DEFINITION) {
		diag_file(d, file, ASLC_DEFINITION_TOO_LARGE,
			  "definition is larger than AWS's limit of %u bytes", MAX_DEFINITION);
		return -1;
	}
	char *text = malloc(in->len + 1); /* source_parse takes a NUL-terminated copy */
	if (!text) {
		diag_file(d, file, ASLC_OUT_OF_MEMORY, "out of memory");
		return -1;
	}
	if (in->len)
		memcpy(text, in->text, in->len);
	text[in->len] = '\0';
	if (source_parse(&cp->src, text, in->len, &cp->arena) < 0)
		return -1;
	cp->m.name = opts->name ? opts->name : default_name(&cp->arena, file);
	cp->m.bindings = opts->bindings;
	cp->m.binding_count = (int)opts->binding_count;
	cp->m.check_only = check_only;
	return validate(&cp->src, &cp->arena, &cp->m) > 0 ? -1 : 0;
}

static void compilation_free(compilation *cp)
{
	free(cp->src.text);
	asl_arena_destroy(&cp->arena);
}

/* `d`, or a list of the caller's that is thrown away. */
#define DIAGS(d, local) ((d) ? (d) : (aslc_diagnostics_init(&(local)), &(local)))

int aslc_check(const aslc_source *src, const aslc_options *opts, aslc_diagnostics *diags)
{
	aslc_diagnostics local, *d = DIAGS(diags, local);
	aslc_options none;
	aslc_options_init(&none);
	int before = d->errors;
	compilation cp;
	front_end(&cp, src, opts ? opts : &none, 1, d);
	compilation_free(&cp);
	int errors = d->errors - before;
	if (!diags)
		aslc_diagnostics_free(&local);
	return errors;
}

/* The SHA-256 of the definition text in hex: a snapshot names its definition by it. */
static void definition_hash(const compilation *cp, char hex[2 * SHA256_DIGEST_SIZE + 1])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, cp->src.len, (const uint8_t *)cp->src.text);
	sha256_digest(&ctx, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++) {
		hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

/* The generated C: front_end, then lower and emit_machine. NULL after a diagnostic. */
static char *compile_c(const aslc_source *src, const aslc_options *opts, int with_main, size_t *len,
		       aslc_diagnostics *d)
{
	compilation cp;
	char *c = NULL;
	size_t n = 0;
	if (front_end(&cp, src, opts, 0, d) == 0) {
		const ir_machine *ir = lower(&cp.m, &cp.arena);
		FILE *out = ir ? open_memstream(&c, &n) : NULL;
		if (out) {
			char hash[2 * SHA256_DIGEST_SIZE + 1];
			definition_hash(&cp, hash);
			emit_options eo = {with_main, opts->symbol, hash};
			emit_machine(ir, &cp.arena, out, &eo);
		}
		if (!out || fclose(out) != 0 || cp.arena.failed) {
			diag_tool(d, ASLC_ERROR, ASLC_OUT_OF_MEMORY, "out of memory");
			free(c);
			c = NULL;
		}
	}
	compilation_free(&cp);
	if (len)
		*len = c ? n : 0;
	return c;
}

char *aslc_compile_c(const aslc_source *src, const aslc_options *opts, size_t *len,
		     aslc_diagnostics *diags)
{
	aslc_diagnostics local, *d = DIAGS(diags, local);
	aslc_options none;
	aslc_options_init(&none);
	opts = opts ? opts : &none;
	char *c = compile_c(src, opts, opts->with_main, len, d);
	if (!diags)
		aslc_diagnostics_free(&local);
	return c;
}

int aslc_build(const aslc_source *src, const aslc_options *opts, const char *output,
	       aslc_diagnostics *diags)
{
	aslc_diagnostics local, *d = DIAGS(diags, local);
	aslc_options none;
	aslc_options_init(&none);
	opts = opts ? opts : &none;
	size_t len = 0;
	char *c = compile_c(src, opts, 1, &len, d);
	int rc = c ? build_native(c, len, opts, output, d) : -1;
	free(c);
	if (!diags)
		aslc_diagnostics_free(&local);
	return rc;
}

aslc_module *aslc_load(const aslc_source *src, const aslc_options *opts, aslc_diagnostics *diags)
{
	aslc_diagnostics local, *d = DIAGS(diags, local);
	aslc_options none;
	aslc_options_init(&none);
	opts = opts ? opts : &none;
	char *c = compile_c(src, opts, 0, NULL, d);
	aslc_module *mod =
		c ? jit_load(c, opts, opts->symbol ? opts->symbol : DEFAULT_SYMBOL, d) : NULL;
	free(c);
	if (!diags)
		aslc_diagnostics_free(&local);
	return mod;
}

/* The graph: the front end and lower for the definition (and the older one of a diff), then
 * graph_build and graph_render (compiler/graph/). */
char *aslc_graph(const aslc_source *src, const aslc_options *opts, const aslc_graph_options *gopts,
		 size_t *len, aslc_diagnostics *diags)
{
	aslc_diagnostics local, *d = DIAGS(diags, local);
	aslc_options none;
	aslc_options_init(&none);
	opts = opts ? opts : &none;
	aslc_graph_options plain = {.format = ASLC_GRAPH_DOT};
	gopts = gopts ? gopts : &plain;
	compilation cp, old;
	char *out = NULL;
	size_t n = 0;
	int have_old = 0;
	if (front_end(&cp, src, opts, 0, d) == 0) {
		const ir_machine *ir = lower(&cp.m, &cp.arena);
		gr_graph *g = ir ? graph_build(ir, &cp.src, &cp.arena) : NULL;
		gr_graph *og = NULL;
		int ok = g != NULL;
		if (ok && gopts->old) {
			have_old = 1;
			aslc_options old_opts = *opts;
			old_opts.name = cp.m.name; /* the same machine, an older text */
			ok = front_end(&old, gopts->old, &old_opts, 0, d) == 0;
			const ir_machine *oir = ok ? lower(&old.m, &old.arena) : NULL;
			og = oir ? graph_build(oir, &old.src, &old.arena) : NULL;
			if (ok && !og)
				ok = 0, g = NULL;
		}
		if (!g && d->errors == 0)
			diag_tool(d, ASLC_ERROR, ASLC_OUT_OF_MEMORY, "out of memory");
		if (ok && g)
			out = graph_render(g, og, gopts, &n, d);
	}
	if (have_old)
		compilation_free(&old);
	compilation_free(&cp);
	if (len)
		*len = out ? n : 0;
	if (!diags)
		aslc_diagnostics_free(&local);
	return out;
}
