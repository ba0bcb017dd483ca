/* The firmware tools/cross/cortex-m4.sh runs under qemu: one execution of the machine linked
 * with it (asl_generated_machine), as the host executable `./machine < INPUT` runs it. qemu's
 * -append gives "INPUT OUT ERR", three host files (semihosting): the input is read from the
 * first, what the host executable prints on stdout goes to the second (the output, or
 * {"Error","Cause"}), stderr's messages and the RAM measurement to the third; the exit status
 * is the host executable's (0, 1 failed, 2 bad input, 3 timed out, 6 aborted).
 *
 * RAM is a device's: every byte of the execution comes from asl_m4_buffer (ASL_M4_BUFFER bytes), the
 * stack is the linker script's STACK_SIZE, and the last line on ERR reports the high-water
 * marks: "buffer=B arena=A held=H stack=S" (nothing comes from newlib's malloc: syscalls.c's
 * _sbrk fails loudly). Waits do not wait: the step API's wake time is skipped to at once, as
 * `./machine --wait-scale 0` does. */
#include <stddef.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/baremetal.h"
#include "board.h"
#include "semihost.h"

#ifndef ASL_M4_BUFFER
#define ASL_M4_BUFFER 11008
#endif

/* The arenas' first chunk and the compaction threshold (asl_options; 0: the runtime's
 * defaults, asl/tuning.h): smaller first chunks waste less of the buffer in arenas that hold
 * little, a lower threshold frees garbage sooner. */
#ifndef ASL_M4_FIRST_CHUNK
#define ASL_M4_FIRST_CHUNK \
	768 /* cortex-m4.sh's default: what fits the 10-state example in 16 KiB */
#endif
#ifndef ASL_M4_COMPACT_MIN
#define ASL_M4_COMPACT_MIN 0
#endif

extern const asl_machine asl_generated_machine;

static _Alignas(max_align_t) unsigned char asl_m4_buffer[ASL_M4_BUFFER];

static int err_fd = -1;

static void say(const char *s)
{
	sh_write(err_fd, s, strlen(s));
}

static void say_size(const char *name, size_t n)
{
	char digits[24], *p = digits + sizeof digits;
	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while (n /= 10);
	say(name);
	say(p);
}

/* What the clock and the random numbers need: qemu's host time at reset, its centisecond
 * counter then, and the generator's state. */
typedef struct board {
	int64_t boot_ms, boot_cs;
	uint64_t seed;
} board;

static int64_t clock_ms(void *user)
{
	const board *b = user;
	return b->boot_ms + (sh_clock() - b->boot_cs) * 10;
}

/* qemu's board has no random number generator: xorshift64*, seeded from the clock. A real
 * board gives its TRNG here (States.UUID and MathRandom need strong randomness). */
static int pseudo_random(void *user, void *buf, size_t len)
{
	board *b = user;
	unsigned char *out = buf;
	for (size_t i = 0; i < len; i++) {
		b->seed ^= b->seed >> 12, b->seed ^= b->seed << 25, b->seed ^= b->seed >> 27;
		out[i] = (unsigned char)((b->seed * 0x2545F4914F6CDD1DULL) >> 56);
	}
	return 0;
}

/* The command line, split in place at spaces: qemu gives the kernel's name (argv[0]), then
 * -append's three paths. */
static int split_cmdline(char *line, char *words[4])
{
	int n = 0;
	for (char *p = line; *p && n < 4;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n == 4 ? 0 : -1;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

/* AWS's limit on an execution's input, as the host executable enforces it (ASL_PAYLOAD_LIMIT in
 * runtime/core/exec.h, which is not installed) */
#define PAYLOAD_LIMIT (256 * 1024)

/* The input file's text, from the buffer (NULL after saying why). The limit is on the input,
 * not on the newline that ends a file: one byte more is allowed when it is that newline. */
static char *read_text(const char *path, asl_buffer_allocator *al, size_t *len)
{
	int fd = sh_open(path, "rb");
	long n = fd < 0 ? -1 : sh_flen(fd);
	char *text = NULL;
	if (n > PAYLOAD_LIMIT + 1)
		say("machine: the input is larger than AWS's limit of 262144 bytes\n");
	else if (n < 0)
		say("machine: cannot read the input\n");
	else if (!(text = al->allocator.alloc(al, (size_t)n + 1)))
		say("machine: out of memory: the input does not fit the buffer\n");
	else if (sh_read(fd, text, (size_t)n) != 0)
		say("machine: cannot read the input\n");
	else if (n == PAYLOAD_LIMIT + 1 && text[n - 1] != '\n')
		say("machine: the input is larger than AWS's limit of 262144 bytes\n");
	else
		*len = (size_t)n;
	if (fd >= 0)
		sh_close(fd);
	if (text && *len != (size_t)n) {
		al->allocator.release(al, text);
		text = NULL;
	}
	return text;
}

/* The input file parsed into `arena`; its text comes from the buffer too, and goes back. */
static asl_value *read_input(const char *path, asl_buffer_allocator *al, asl_arena *arena)
{
	size_t len = (size_t)-1;
	char *text = read_text(path, al, &len);
	if (!text)
		return NULL;
	asl_parse_error err = {0};
	int empty = blank(text, len);
	asl_value *input = empty ? asl_object(arena, 0) : asl_parse(arena, text, len, 0, &err);
	al->allocator.release(al, text);
	if (!input && (empty || err.code == ASL_JSON_NOMEM)) {
		say("machine: out of memory: the input does not fit the buffer\n");
	} else if (!input) {
		say("machine: invalid input JSON at line ");
		say_size("", (size_t)err.line);
		say_size(", column ", (size_t)err.column);
		say(": ");
		say(err.message);
		say("\n");
	}
	return input;
}

/* Runs the execution to its end with the step API: the firmware's main loop, minus sleeping. */
static void run(asl_execution *e)
{
	asl_step s;
	while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED) {
		if (s.kind == ASL_STEP_PAUSED || s.until_ms == 0) {
			/* tasks nobody here can complete (the device has no worker) */
			asl_stop(e, "States.Runtime", "The execution waits for a task outcome.");
			continue;
		}
		if (s.until_ms > asl_now(e))
			asl_skip_to(e, s.until_ms);
	}
}

static int exit_status(asl_status st)
{
	return st == ASL_SUCCEEDED ? 0 : st == ASL_TIMED_OUT ? 3 : st == ASL_ABORTED ? 6 : 1;
}

static void report(const asl_buffer_allocator *al)
{
	say_size("buffer=", sizeof asl_m4_buffer);
	say_size(" arena=", al->top);
	say_size(" held=", al->peak);
	say_size(" stack=", stack_peak());
	say("\n");
}

int main(void)
{
	static char cmdline[256]; /* cortex-m4.sh passes short relative names */
	char *words[4];
	if (sh_cmdline(cmdline, sizeof cmdline) < 0 || split_cmdline(cmdline, words) < 0) {
		/* no ERR file yet: the console */
		err_fd = sh_open(":tt", "a");
		say("machine: cannot read the command line (\"INPUT OUT ERR\", 255 bytes at most)\n");
		return 2;
	}
	char *const *paths = words + 1;
	err_fd = sh_open(paths[2], "w");
	board b = {sh_time() * 1000, sh_clock(), 0};
	b.seed = (uint64_t)b.boot_ms | 1;
	const asl_baremetal_host host = {clock_ms, pseudo_random, &b};
	asl_platform platform;
	asl_baremetal_platform(&platform, &host);
	asl_buffer_allocator al;
	asl_buffer_allocator_init(&al, asl_m4_buffer, sizeof asl_m4_buffer);

	asl_arena arena;
	asl_arena_init(&arena, &al.allocator);
	asl_value *input = read_input(paths[0], &al, &arena);
	int status = 2;
	if (input) {
		asl_options opts;
		asl_options_init(&opts);
		opts.allocator = &al.allocator;
		opts.platform = &platform;
		opts.arena_first_chunk = ASL_M4_FIRST_CHUNK;
		opts.compact_min = ASL_M4_COMPACT_MIN;
		asl_execution *e = asl_start(&asl_generated_machine, input, &opts);
		asl_result r;
		if (e) {
			run(e);
			asl_finish(e, &r);
		} else {
			asl_execute(&asl_generated_machine, input, &opts, &r); /* out of memory */
		}
		status = exit_status(r.status);
		const char *out = status ? asl_result_error_json(&r) : r.output;
		size_t len = status ? strlen(out) : r.output_len;
		int out_fd = sh_open(paths[1], "w");
		sh_write(out_fd, out, len);
		sh_write(out_fd, "\n", 1);
		sh_close(out_fd);
		asl_result_free(&r);
	}
	asl_arena_destroy(&arena);
	report(&al);
	sh_close(err_fd);
	return status;
}
