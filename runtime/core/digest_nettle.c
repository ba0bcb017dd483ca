/* The digest.h interface on nettle: the host default (ASLC_WITH_NETTLE=ON). */
#include <nettle/base64.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include "digest.h"

size_t asl__digest_nettle(asl_digest_alg alg, const uint8_t *in, size_t len,
			  uint8_t out[ASL_DIGEST_MAX_SIZE])
{
	switch (alg) {
	case ASL_DIGEST_MD5: {
		struct md5_ctx c;
		md5_init(&c), md5_update(&c, len, in), md5_digest(&c, MD5_DIGEST_SIZE, out);
		return MD5_DIGEST_SIZE;
	}
	case ASL_DIGEST_SHA1: {
		struct sha1_ctx c;
		sha1_init(&c), sha1_update(&c, len, in), sha1_digest(&c, SHA1_DIGEST_SIZE, out);
		return SHA1_DIGEST_SIZE;
	}
	case ASL_DIGEST_SHA256: {
		struct sha256_ctx c;
		sha256_init(&c), sha256_update(&c, len, in),
			sha256_digest(&c, SHA256_DIGEST_SIZE, out);
		return SHA256_DIGEST_SIZE;
	}
	case ASL_DIGEST_SHA384: {
		struct sha384_ctx c;
		sha384_init(&c), sha384_update(&c, len, in),
			sha384_digest(&c, SHA384_DIGEST_SIZE, out);
		return SHA384_DIGEST_SIZE;
	}
	case ASL_DIGEST_SHA512:
		break;
	}
	struct sha512_ctx c;
	sha512_init(&c), sha512_update(&c, len, in), sha512_digest(&c, SHA512_DIGEST_SIZE, out);
	return SHA512_DIGEST_SIZE;
}

void asl__base64_encode_nettle(char *out, const uint8_t *in, size_t len)
{
	base64_encode_raw(out, len, in);
}

int asl__base64_decode_nettle(uint8_t *out, size_t *out_len, const char *in, size_t len)
{
	struct base64_decode_ctx ctx;
	base64_decode_init(&ctx);
	*out_len = ASL_BASE64_DECODED_MAX(len);
	return base64_decode_update(&ctx, out_len, out, len, in) && base64_decode_final(&ctx);
}
