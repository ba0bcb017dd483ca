/* The JSON syntax check that runs before jsmn (internal to the parser). */
#ifndef ASL_JSON_SCAN_H
#define ASL_JSON_SCAN_H

#include "asl/json.h"

typedef struct json_scan_result {
	size_t tokens; /* jsmn tokens of a valid text: values, keys included */
	size_t offset; /* where the first error is */
	const char *message; /* NULL when the text is valid */
	asl_json_error code; /* ASL_JSON_OK when the text is valid */
} json_scan_result;

/* Checks that text is exactly one RFC 8259 JSON text in UTF-8, nested at most
 * ASL_PARSE_MAX_DEPTH deep, in one pass that never looks at a byte twice. */
void asl__json_scan(const char *text, size_t len, json_scan_result *out);

#endif
