/* The runtime's one UTF-8 decoder: the JSON scanner validates text with it, string functions
 * and comparisons walk code points with it. */
#include "utf8.h"

unsigned asl__utf8_next(const char *text, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t at = *i;
	unsigned c = s[at];
	*i = at + 1;
	if (c < 0x80)
		return c;
	int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	if (extra == 0 || at + 1 + (size_t)extra > n)
		return ASL_UTF8_INVALID; /* a stray continuation byte, or a truncated sequence */
	unsigned cp = c & (0x3Fu >> extra);
	for (int k = 1; k <= extra; k++) {
		unsigned b = s[at + (size_t)k];
		if ((b & 0xC0) != 0x80)
			return ASL_UTF8_INVALID;
		cp = (cp << 6) | (b & 0x3F);
	}
	static const unsigned min_cp[4] = {0, 0x80, 0x800, 0x10000};
	if (cp < min_cp[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
		return ASL_UTF8_INVALID; /* overlong, beyond Unicode, or a UTF-16 surrogate */
	*i = at + 1 + (size_t)extra;
	return cp;
}

size_t asl__utf8_check(const char *text, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		size_t at = i;
		if (asl__utf8_next(text, n, &i) == ASL_UTF8_INVALID)
			return at;
	}
	return n;
}
