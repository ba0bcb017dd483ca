/* Runtime-internal: reading Distributed Map items from local files. */
#ifndef ASL_ITEM_READER_H
#define ASL_ITEM_READER_H

#include <stdio.h>

#include "exec.h"

typedef struct item_reader {
	const asl_item_reader *spec;
	FILE *f;
	char *line;
	size_t len, cap;
	size_t pos;            /* items (or lines) read */
	int64_t remaining;     /* MaxItems left, -1 for no limit */
	asl_arena arena;       /* a JSON document or the CSV header row */
	asl_value *json;
	const asl_value *headers;
} item_reader;

/* S3_ROOT/BUCKET/KEY, in the current heap. */
const char *asl__s3_path(asl_exec *ex, const char *bucket, const char *key);
/* 0, or -1 after raising States.ItemReaderFailed. */
int asl__reader_open(asl_exec *ex, const asl_item_reader *spec, const asl_value *params,
		     item_reader *r);
/* 1 with the next item in `a`, 0 at the end, ASL_FAILED/-1 on error. */
int asl__reader_next(asl_exec *ex, item_reader *r, asl_arena *a, asl_value **item);
void asl__reader_close(item_reader *r);

#endif
