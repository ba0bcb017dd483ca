/* The JSON scanner: checks the syntax of a text and finds its tokens (internal to the parser). */
#ifndef ASL_JSON_SCAN_H
#define ASL_JSON_SCAN_H

#include <stdint.h>

#include "asl/json.h"

typedef enum json_token_type {
	JSON_TOKEN_PRIMITIVE, /* a number, true, false or null */
	JSON_TOKEN_STRING,
	JSON_TOKEN_OBJECT,
	JSON_TOKEN_ARRAY,
} json_token_type;

typedef struct json_token {
	uint32_t start; /* its first byte: the bracket, the opening quote, the literal's first */
	uint32_t end; /* just past its last byte */
	uint32_t size; /* an object's members, an array's items */
	uint8_t type; /* json_token_type */
} json_token;

/* Texts of this many tokens or fewer need no allocation for them. */
#define JSON_SCAN_INLINE_TOKENS 32

typedef struct json_scan_result {
	json_token *tokens; /* the values in text order, each key before its value */
	size_t count;
	size_t offset; /* where the first error is */
	const char *message; /* NULL when the text is valid */
	asl_json_error code; /* ASL_JSON_OK when the text is valid */
	json_token inline_tokens[JSON_SCAN_INLINE_TOKENS]; /* where small texts' tokens go */
} json_scan_result;

/* Checks that text (at most 2^31 - 1 bytes) is exactly one RFC 8259 JSON text in UTF-8, nested
 * at most ASL_PARSE_MAX_DEPTH deep, and lists its tokens (a second pass, over accepted text
 * only). Larger token arrays come from al; asl__json_scan_release gives them back, also after an
 * error. */
void asl__json_scan(const char *text, size_t len, const asl_allocator *al, json_scan_result *out);
void asl__json_scan_release(const asl_allocator *al, json_scan_result *out);
/* Whether `s` holds nothing but JSON white space (a blank command output or response). */
int asl__json_blank(const char *s, size_t n);

#endif
