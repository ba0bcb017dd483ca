/* Runtime-internal: reading Distributed Map items from local files. */
#ifndef ASL_ITEM_READER_H
#define ASL_ITEM_READER_H

#include <stdio.h>

#include "services.h"

struct item_reader {
	const asl_allocator *al; /* the execution's: the line buffer and a JSON file's text */
	const asl_item_reader *spec;
	FILE *f;
	char *line;
	size_t len, cap;
	size_t pos; /* items (or lines) read */
	int64_t remaining; /* MaxItems left, -1 for no limit */
	asl_arena arena; /* a JSON document or the CSV header row */
	asl_value *json;
	const asl_value *headers;
};

/* S3_ROOT/BUCKET/KEY, in the current heap (for messages). */
const char *asl__s3_path(asl_exec *ex, const char *bucket, const char *key);
/* The string member `name` of `params` (NULL when absent or not a string); sets *unsafe when
 * it holds a NUL character. */
const char *asl__s3_param(const asl_value *params, const char *name, int *unsafe);
/* Opens s3://BUCKET/KEY for reading, or with `create` for writing (making directories). 0 with
 * *out; -1 when it cannot; -2 when the name would leave S3_ROOT ('/' in the bucket, a ".."
 * part, a symbolic link). Raises nothing. */
int asl__s3_open(asl_exec *ex, const char *bucket, const char *key, int create, FILE **out);
/* The cause text for -2, naming the object. */
#define ASL_S3_OUTSIDE                                                                           \
	"The object s3://%s/%s would be outside --s3-root: a bucket, key or prefix cannot hold " \
	"'..' parts or NUL characters, a bucket cannot hold '/', and no symbolic link is followed."
/* 0, or -1 after raising States.ItemReaderFailed. */
int asl__reader_open(asl_exec *ex, const asl_item_reader *spec, const asl_value *params,
		     item_reader *r);
/* 1 with the next item in `a`, 0 at the end, ASL_FAILED/-1 on error. */
int asl__reader_next(asl_exec *ex, item_reader *r, asl_arena *a, asl_value **item);
void asl__reader_close(item_reader *r);

#endif
