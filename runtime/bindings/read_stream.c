/* Reading a whole stream of text with a bound, for inputs, definitions and files an execution
 * reads: one byte past the bound is enough to refuse it, so `< /dev/zero` cannot fill memory. */
#include <string.h>

#include "asl/platform_core.h"
#include "bindings.h"

/* Grows `buf` (n bytes used) to `cap` bytes; the allocator has no realloc. Frees it on failure. */
static char *grown(const asl_allocator *al, char *buf, size_t n, size_t cap)
{
	char *nb = al->alloc(al->user, cap);
	if (nb)
		memcpy(nb, buf, n);
	al->release(al->user, buf);
	return nb;
}

char *asl_read_stream(FILE *f, size_t max, size_t *len, int *too_big)
{
	return asl__read_stream(f, asl_default_allocator(), max, len, too_big);
}

char *asl__read_stream(FILE *f, const asl_allocator *al, size_t max, size_t *len, int *too_big)
{
	size_t cap = 4096, n = 0;
	char *buf = al->alloc(al->user, cap);
	*too_big = 0;
	while (buf) {
		size_t room = cap - 1 - n; /* one byte stays for the NUL */
		size_t want = room < max + 1 - n ? room : max + 1 - n;
		size_t got = fread(buf + n, 1, want, f);
		n += got;
		if (n > max || (got < want && ferror(f))) {
			*too_big = n > max;
			al->release(al->user, buf);
			return NULL;
		}
		if (got < want)
			break; /* the end of the stream */
		if (n + 1 == cap) {
			size_t ncap = cap * 2 < max + 2 ? cap * 2 : max + 2;
			buf = grown(al, buf, n, ncap);
			cap = ncap;
		}
	}
	if (!buf)
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
}
