/* Runtime-internal: batch mode of the command line (`--batch`): one execution per line of
 * standard input, run on a pool of threads, results written in input order (README.md,
 * "Batch"). batch.c runs it; batch_lines.c reads the lines, batch_result.c turns an outcome
 * into its output line, batch_out.c writes them. */
#ifndef ASL_BATCH_H
#define ASL_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "asl/asl.h"

/* What --batch, -j and --shard asked for. */
typedef struct asl_batch_options {
	int jobs; /* executions at once; 0: the CPU count */
	uint64_t shard, shards; /* lines k with (k - 1) mod shards == shard; shards 1: all */
	int stats; /* --stats: the states entered, in the summary */
} asl_batch_options;

/* Runs the batch: the exit status (0 every line succeeded, 1 some did not, 2 the input could
 * not be read, 5 the output could not be written, 6 stopped by SIGINT or SIGTERM). `opts` is
 * every execution's, its execution_name (NULL: local-execution) followed by "-LINE". */
int asl__batch_run(const char *prog, const asl_machine *machine, const asl_options *opts,
		   const asl_batch_options *bo);

/* A growable byte buffer (malloc'd). */
typedef struct asl_bytes {
	char *data;
	size_t len, cap;
} asl_bytes;
/* Appends; 0, or -1 when out of memory (the buffer is unchanged). */
int asl__bytes_add(asl_bytes *b, const char *s, size_t n);
void asl__bytes_free(asl_bytes *b);
/* Frees it when it has grown past `keep` bytes, once emptied: a long line's buffer is not
 * kept for the short ones after it (each slot has two). */
void asl__bytes_trim(asl_bytes *b, size_t keep);

/* batch_lines.c: standard input split into lines, each at most `limit` bytes kept. */
typedef struct asl_lines {
	int fd, wake_fd; /* input; readable once the batch stops (-1: none) */
	char *buf;
	size_t start, end; /* unread bytes buf[start, end) */
	int eof, error; /* error: the errno of a failed read */
	uint64_t number; /* lines read so far */
	void (*on_stall)(void *user); /* called before waiting for input: time to flush */
	void *stall_user;
} asl_lines;
int asl__lines_open(asl_lines *r, int fd, int wake_fd);
void asl__lines_close(asl_lines *r);
/* Reads the next line (without its newline; a last line without one counts too). With `keep`
 * its bytes go to `dst` (replacing what was there), at most `limit` of them: *too_big says
 * there were more. 1: a line was read (r->number is its number); 0: the end of the input;
 * -1: a read error (r->error) or no memory; -2: woken by wake_fd. */
int asl__lines_next(asl_lines *r, int keep, size_t limit, asl_bytes *dst, int *too_big);

/* batch_result.c: the output line of line `line` (with its newline) into `out`, replacing
 * what was there: {"line":K,"status":"SUCCEEDED","output":...}, FAILED and TIMED_OUT with
 * "error" and "cause" (each left out when the execution has none, as DescribeExecution does),
 * or REJECTED with "cause". 0, or -1 when out of memory. */
int asl__batch_result_line(asl_bytes *out, uint64_t line, const asl_result *r);
int asl__batch_rejected_line(asl_bytes *out, uint64_t line, const char *cause);

/* batch_out.c: standard output written in large blocks, SIGPIPE kept from killing us. */
typedef struct asl_out {
	int fd;
	asl_bytes buf;
	int error; /* the errno of the failed write; then nothing more is written */
} asl_out;
/* 0, or -1 after a write failed (out->error). */
int asl__out_write(asl_out *o, const char *s, size_t n);
int asl__out_flush(asl_out *o);

#endif
