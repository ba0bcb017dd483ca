/* Hashes and Base64 for States.Hash, States.Base64Encode and States.Base64Decode, behind one
 * small interface with two implementations: nettle's (digest_nettle.c, the host default) and a
 * built-in one (digest_builtin.c, base64_builtin.c) for targets without nettle. The build picks
 * one with ASL_WITH_NETTLE (CMake option ASLC_WITH_NETTLE); both carry their own names so a test
 * can link them side by side and compare them. */
#ifndef ASL_CORE_DIGEST_H
#define ASL_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	ASL_DIGEST_MD5,
	ASL_DIGEST_SHA1,
	ASL_DIGEST_SHA256,
	ASL_DIGEST_SHA384,
	ASL_DIGEST_SHA512,
} asl_digest_alg;

#define ASL_DIGEST_MAX_SIZE 64 /* SHA-512 */

/* Characters Base64 makes of n bytes, with '=' padding. */
#define ASL_BASE64_ENCODED_LENGTH(n) ((((n) + 2) / 3) * 4)
/* At most this many bytes come out of n Base64 characters. */
#define ASL_BASE64_DECODED_MAX(n) ((((n) + 1) * 6) / 8)

/* The digest of in[0..len) into out; returns its size in bytes. */
size_t asl__digest_nettle(asl_digest_alg alg, const uint8_t *in, size_t len,
			  uint8_t out[ASL_DIGEST_MAX_SIZE]);
size_t asl__digest_builtin(asl_digest_alg alg, const uint8_t *in, size_t len,
			   uint8_t out[ASL_DIGEST_MAX_SIZE]);

/* Writes exactly ASL_BASE64_ENCODED_LENGTH(len) characters (no terminator). */
void asl__base64_encode_nettle(char *out, const uint8_t *in, size_t len);
void asl__base64_encode_builtin(char *out, const uint8_t *in, size_t len);

/* Decodes in[0..len) into out (room for ASL_BASE64_DECODED_MAX(len) bytes), setting *out_len;
 * returns 1, or 0 when the text is not Base64. Accepted: the standard alphabet, white space
 * (HT, LF, VT, FF, CR, space) anywhere, and '=' padding that ends the last group, whose unused
 * bits must be zero; the text must end on a whole group. This is what nettle's decoder accepts,
 * which States.Base64Decode always used. */
int asl__base64_decode_nettle(uint8_t *out, size_t *out_len, const char *in, size_t len);
int asl__base64_decode_builtin(uint8_t *out, size_t *out_len, const char *in, size_t len);

#if ASL_WITH_NETTLE
#define ASL_DIGEST_IMPL(name) asl__##name##_nettle
#else
#define ASL_DIGEST_IMPL(name) asl__##name##_builtin
#endif

/* The implementation this build uses. */
static inline size_t asl__digest(asl_digest_alg alg, const uint8_t *in, size_t len,
				 uint8_t out[ASL_DIGEST_MAX_SIZE])
{
	return ASL_DIGEST_IMPL(digest)(alg, in, len, out);
}

static inline void asl__base64_encode(char *out, const uint8_t *in, size_t len)
{
	ASL_DIGEST_IMPL(base64_encode)(out, in, len);
}

static inline int asl__base64_decode(uint8_t *out, size_t *out_len, const char *in, size_t len)
{
	return ASL_DIGEST_IMPL(base64_decode)(out, out_len, in, len);
}

#endif
