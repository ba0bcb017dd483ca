/* Base64 (RFC 4648, standard alphabet, '=' padding) for targets without nettle
 * (ASLC_WITH_NETTLE=OFF). The decoder accepts exactly what nettle's does (digest.h says what),
 * so States.Base64Decode refuses the same inputs on every target; tests/unit/test_digest.c
 * checks that against nettle over every byte value and many short strings. */
#include "digest.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void asl__base64_encode_builtin(char *out, const uint8_t *in, size_t len)
{
	for (; len >= 3; in += 3, len -= 3, out += 4) {
		uint32_t v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
		out[0] = alphabet[v >> 18], out[1] = alphabet[(v >> 12) & 63];
		out[2] = alphabet[(v >> 6) & 63], out[3] = alphabet[v & 63];
	}
	if (len) {
		uint32_t v = (uint32_t)in[0] << 16 | (len > 1 ? (uint32_t)in[1] << 8 : 0);
		out[0] = alphabet[v >> 18], out[1] = alphabet[(v >> 12) & 63];
		out[2] = len > 1 ? alphabet[(v >> 6) & 63] : '=';
		out[3] = '=';
	}
}

enum { SEXTET_SPACE = -2, SEXTET_PAD = -3, SEXTET_INVALID = -1 };

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	switch (c) {
	case '+':
		return 62;
	case '/':
		return 63;
	case '=':
		return SEXTET_PAD;
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
		return SEXTET_SPACE;
	default:
		return SEXTET_INVALID;
	}
}

int asl__base64_decode_builtin(uint8_t *out, size_t *out_len, const char *in, size_t len)
{
	/* word keeps the bits not yet output (bits of them: 0, 2, 4 or 6); padding counts '=' */
	unsigned word = 0, bits = 0, padding = 0;
	size_t done = 0;
	for (size_t i = 0; i < len; i++) {
		int v = sextet((unsigned char)in[i]);
		if (v == SEXTET_SPACE)
			continue;
		if (v == SEXTET_INVALID)
			return 0;
		if (v == SEXTET_PAD) {
			/* '=' only where bits are left over, and those must be zero */
			if (!bits || padding > 2 || (word & ((1u << bits) - 1)))
				return 0;
			padding++, bits -= 2;
			continue;
		}
		if (padding) /* nothing but white space after '=' */
			return 0;
		word = (word << 6 | (unsigned)v) & 0xfff, bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[done++] = (uint8_t)(word >> bits);
		}
	}
	*out_len = done;
	return bits == 0;
}
