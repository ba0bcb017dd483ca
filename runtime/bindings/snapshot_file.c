/* Snapshot files for the command line (--snapshot, --resume): written whole or not at all (a
 * temporary file next to the target, renamed over it), read back with a bound. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bindings.h"

int asl__write_snapshot_file(const char *path, const char *bytes, size_t len, char *err,
			     size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		snprintf(err, errlen, "cannot write %s: the name is too long", path);
		return -1;
	}
	int fd = mkstemp(tmp); /* in the target's directory, so the rename stays on its disk */
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	/* on disk before it replaces the old snapshot: a crash leaves one or the other */
	int ok = done == len && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

char *asl__read_snapshot_file(const char *path, const asl_allocator *al, size_t max, size_t *len,
			      char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	int too_big;
	char *bytes = asl__read_stream(f, al, max, len, &too_big);
	fclose(f);
	if (!bytes && too_big)
		snprintf(err, errlen, "%s is larger than the limit of %zu bytes", path, max);
	else if (!bytes)
		snprintf(err, errlen, "cannot read %s", path);
	return bytes;
}
