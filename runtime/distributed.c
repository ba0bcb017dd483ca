/* Distributed Map on local data: items from an ItemReader (or the state input), grouped by an
 * ItemBatcher, processed chunk by chunk on the thread pool, and either returned or written by a
 * ResultWriter as files (S3_ROOT/BUCKET/PREFIX/EXECUTION/...) with a manifest, the way AWS
 * writes them to S3. Memory holds one chunk of items at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/platform.h"
#include "exec.h"
#include "item_reader.h"
#include "map_run.h"

#define CHUNK 1024 /* items (or batches) handed to the pool at once */

typedef struct writer_state {
	FILE *f;
	const char *bucket, *prefix, *run, *results_key;
	size_t count, bytes;
} writer_state;

static const char *joined(asl_exec *ex, const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s = asl_arena_alloc(&ex->perm, n);
	if (s)
		snprintf(s, n, "%s%s%s%s%s", a, *a ? "/" : "", b, *c ? "/" : "", c);
	return s ? s : "";
}

static int writer_fail(asl_exec *ex, int rc, const char *key, writer_state *w)
{
	char buf[600];
	if (rc == -2)
		snprintf(buf, sizeof buf, ASL_S3_OUTSIDE, w->bucket, key);
	asl_value *cause = rc == -2 ? asl_cstring(asl_heap(ex), buf) : NULL;
	asl_fail(ex, "States.ResultWriterFailed",
		 cause ? cause->u.string.ptr : "Cannot write the results (--s3-root).");
	return -1;
}

static int writer_open(asl_exec *ex, const asl_result_writer *spec, asl_value *map_input,
		       writer_state *w)
{
	asl_value *params = spec->parameters ? spec->parameters(ex, map_input) : NULL;
	if (!params && ex->failed)
		return -1; /* a path of the Parameters found nothing: its own States.Runtime */
	int unsafe = 0;
	w->bucket = asl__s3_param(params, "Bucket", &unsafe);
	w->prefix = asl__s3_param(params, "Prefix", &unsafe);
	if (!w->bucket) {
		asl_fail(ex, "States.ResultWriterFailed", "The ResultWriter Parameters need a Bucket.");
		return -1;
	}
	/* copies in the execution's arena: they outlive the state's heap */
	w->bucket = joined(ex, "", w->bucket, "");
	w->run = joined(ex, w->prefix ? w->prefix : "", ex->name, "");
	w->results_key = joined(ex, w->run, "SUCCEEDED_0.json", "");
	int rc = unsafe ? -2 : asl__s3_open(ex, w->bucket, w->results_key, 1, &w->f);
	if (rc < 0)
		return writer_fail(ex, rc, w->results_key, w);
	fputc('[', w->f);
	w->bytes = 1;
	return 0;
}

/* One child's result, in the shape AWS writes: Input and Output as JSON text. */
static void writer_add(asl_exec *ex, writer_state *w, const asl_value *input,
		       const asl_value *output, asl_arena *a)
{
	asl_value *entry = asl_object(a, 3);
	asl_object_append(a, entry, "Input", 5, asl_cstring(a, asl_to_json(a, input, NULL)));
	asl_object_append(a, entry, "Output", 6, asl_cstring(a, asl_to_json(a, output, NULL)));
	asl_object_append(a, entry, "Status", 6, asl_cstring(a, "SUCCEEDED"));
	size_t len;
	const char *text = asl_to_json(a, entry, &len);
	if (!text)
		return (void)asl_fail_oom(ex);
	if (w->count++)
		fputc(',', w->f), w->bytes++;
	fwrite(text, 1, len, w->f);
	w->bytes += len;
}

static asl_value *writer_close(asl_exec *ex, writer_state *w)
{
	fputc(']', w->f);
	w->bytes++;
	int bad = fclose(w->f) != 0;
	w->f = NULL;
	asl_arena *a = asl_heap(ex);
	const asl_machine *m = ex->machine;
	char arn[512];
	snprintf(arn, sizeof arn, "arn:aws:states:local:000000000000:mapRun:%s/%s:%s", m->name,
		 m->state_names[ex->state], ex->name);
	asl_value *file = asl_object(a, 2), *files = asl_object(a, 3), *ok = asl_array(a, 1);
	asl_object_append(a, file, "Key", 3, asl_cstring(a, w->results_key));
	asl_object_append(a, file, "Size", 4, asl_integer(a, (int64_t)w->bytes));
	asl_array_push(a, ok, file);
	asl_object_append(a, files, "FAILED", 6, asl_array(a, 0));
	asl_object_append(a, files, "PENDING", 7, asl_array(a, 0));
	asl_object_append(a, files, "SUCCEEDED", 9, ok);
	asl_value *manifest = asl_object(a, 3);
	asl_object_append(a, manifest, "DestinationBucket", 17, asl_cstring(a, w->bucket));
	asl_object_append(a, manifest, "MapRunArn", 9, asl_cstring(a, arn));
	asl_object_append(a, manifest, "ResultFiles", 11, files);
	const char *mk = joined(ex, w->run, "manifest.json", "");
	FILE *f;
	int rc = asl__s3_open(ex, w->bucket, mk, 1, &f);
	size_t len;
	const char *text = asl_to_json(a, manifest, &len);
	if (!f || !text || fwrite(text, 1, len, f) != len)
		bad = 1;
	if (f && fclose(f) != 0)
		bad = 1;
	if (bad) {
		writer_fail(ex, rc, mk, w);
		return NULL;
	}
	asl_value *details = asl_object(a, 2), *out = asl_object(a, 2);
	asl_object_append(a, details, "Bucket", 6, asl_cstring(a, w->bucket));
	asl_object_append(a, details, "Key", 3, asl_cstring(a, mk));
	asl_object_append(a, out, "MapRunArn", 9, asl_cstring(a, arn));
	asl_object_append(a, out, "ResultWriterDetails", 19, details);
	return a->failed ? NULL : out;
}

typedef struct source {
	item_reader reader;
	int has_reader;
	asl_value *items; /* from the state input */
	size_t next;
	asl_value *pending; /* an item read but not yet placed (a full batch) */
} source;

static int next_item(asl_exec *ex, source *s, asl_arena *a, asl_value **item)
{
	if (s->pending) {
		*item = s->pending;
		s->pending = NULL;
		return 1;
	}
	if (s->has_reader)
		return asl__reader_next(ex, &s->reader, a, item);
	if (s->next >= s->items->u.array.len)
		return 0;
	*item = s->items->u.array.items[s->next++];
	return 1;
}

/* The next entry for the pool: an item, or a batch {"Items": [...], "BatchInput": ...}. */
static int next_entry(asl_exec *ex, source *s, const asl_item_batcher *b, asl_value *batch_input,
		      asl_arena *a, asl_value **entry)
{
	if (!b)
		return next_item(ex, s, a, entry);
	asl_value *items = asl_array(a, 16), *item;
	size_t bytes = 0;
	int rc;
	while ((rc = next_item(ex, s, a, &item)) == 1) {
		size_t size = asl_json_size(item, (size_t)-1 / 2);
		if (items->u.array.len && b->max_bytes > 0 && (int64_t)(bytes + size) > b->max_bytes) {
			s->pending = item;
			break;
		}
		asl_array_push(a, items, item);
		bytes += size;
		if (b->max_items > 0 && (int64_t)items->u.array.len >= b->max_items)
			break;
	}
	if (rc < 0)
		return rc;
	if (!items->u.array.len)
		return 0;
	asl_value *batch = asl_object(a, 2);
	asl_object_append(a, batch, "Items", 5, items);
	if (batch_input)
		asl_object_append(a, batch, "BatchInput", 10, batch_input);
	*entry = batch;
	return a->failed ? asl_fail_oom(ex) : 1;
}

asl_value *asl_run_distributed(asl_exec *ex, const asl_map *map, const asl_item_reader *reader,
			       const asl_item_batcher *batcher, const asl_result_writer *writer,
			       asl_value *items, asl_value *map_input,
			       const asl_map_limits *limits)
{
	source src;
	memset(&src, 0, sizeof src);
	src.items = items;
	if (reader) {
		if (reader->max_items == 0)
			return asl_fail(ex, "States.ItemReaderFailed", "field MaxItems must be positive"),
			       NULL;
		asl_value *params = reader->parameters ? reader->parameters(ex, map_input) : NULL;
		if (!params && ex->failed)
			return NULL; /* a path of the Parameters found nothing */
		if (asl__reader_open(ex, reader, params, &src.reader) < 0) {
			asl__reader_close(&src.reader);
			return NULL;
		}
		src.has_reader = 1;
	} else if (!items || items->type != ASL_ARRAY) {
		asl_fail_runtime(ex, "Map state input must be an array but was: %s",
				 items ? asl__json(ex, items) : "null");
		return NULL;
	}
	asl_value *batch_input = batcher && batcher->batch_input
					 ? batcher->batch_input(ex, map_input)
					 : NULL;
	if (!batch_input && ex->failed) {
		if (src.has_reader)
			asl__reader_close(&src.reader);
		return NULL;
	}
	writer_state w;
	memset(&w, 0, sizeof w);
	asl_arena chunk, results;
	asl_arena_init(&chunk, ex->opts.allocator);
	asl_arena_init(&results, ex->opts.allocator);
	asl_value *out = NULL;
	map_run *run = NULL;
	if (writer && writer_open(ex, writer, map_input, &w) < 0)
		goto done;
	run = asl__map_run_new(ex, map, map_input, limits, writer ? &results : NULL);
	out = writer ? NULL : asl_array(asl_heap(ex), 16);
	if (!run || (!writer && !out))
		goto fail;
	for (;;) {
		asl_arena_reset(&chunk);
		asl_value *entries = asl_array(&chunk, CHUNK), *e;
		int rc = 0;
		while (entries->u.array.len < CHUNK &&
		       (rc = next_entry(ex, &src, batcher, batch_input, &chunk, &e)) == 1)
			asl_array_push(&chunk, entries, e);
		if (rc < 0)
			goto fail;
		if (!entries->u.array.len)
			break;
		asl_value **res = asl__map_run_chunk(run, entries);
		if (!res)
			goto fail;
		for (size_t i = 0; i < entries->u.array.len; i++) {
			asl_value *r = res[i] ? res[i] : asl_null();
			if (writer)
				writer_add(ex, &w, entries->u.array.items[i], r, &results);
			else
				asl_array_push(asl_heap(ex), out, r);
		}
		asl_arena_reset(&results);
		if (ex->failed)
			goto fail;
	}
	if (writer)
		out = writer_close(ex, &w);
	goto done;
fail:
	out = NULL;
done:
	if (w.f)
		fclose(w.f);
	asl__map_run_free(run);
	if (src.has_reader)
		asl__reader_close(&src.reader);
	asl_arena_destroy(&chunk);
	asl_arena_destroy(&results);
	return out;
}
