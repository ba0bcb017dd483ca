/* Batch mode's output: results gathered into large blocks for write(2), so that a batch makes
 * few system calls, and a closed pipe or a full disk is an error to report (exit 5) rather
 * than a SIGPIPE that kills the process. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <unistd.h>

#include "../platform/posix/sigpipe.h" /* the bindings run on the POSIX platform only */
#include "batch.h"

#define BLOCK (64u << 10)

int asl__out_flush(asl_out *o)
{
	if (o->error)
		return -1;
	asl_sigpipe_guard g;
	asl__sigpipe_block(&g);
	size_t done = 0;
	while (done < o->buf.len) {
		ssize_t n = write(o->fd, o->buf.data + done, o->buf.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->error = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	asl__sigpipe_restore(&g);
	o->buf.len = 0;
	asl__bytes_trim(&o->buf, 2 * BLOCK); /* grown by a long result line */
	return o->error ? -1 : 0;
}

int asl__out_write(asl_out *o, const char *s, size_t n)
{
	if (o->error)
		return -1;
	if (asl__bytes_add(&o->buf, s, n) < 0) {
		o->error = ENOMEM;
		return -1;
	}
	return o->buf.len >= BLOCK ? asl__out_flush(o) : 0;
}
