/* Distributed Map: items from an ItemReader (or the state input), grouped by an ItemBatcher,
 * processed chunk by chunk on the thread pool, and either returned or handed to a ResultWriter.
 * The reader and the writer (files standing in for S3) belong to the bindings layer
 * (services.h). Memory holds one chunk of items at a time. */
#include <string.h>

#include "exec.h"
#include "map_run.h"
#include "services.h"

#define CHUNK 1024 /* items (or batches) handed to the pool at once */

typedef struct source {
	const asl__services *sv;
	item_reader *reader; /* NULL: the items come from the state input */
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
	if (s->reader)
		return s->sv->reader_next(ex, s->reader, a, item);
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
		if (items->u.array.len && b->max_bytes > 0 &&
		    (int64_t)(bytes + size) > b->max_bytes) {
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
			       asl_value *items, asl_value *map_input, const asl_map_limits *limits)
{
	const asl__services *sv = asl__services_default();
	source src;
	memset(&src, 0, sizeof src);
	src.sv = sv;
	src.items = items;
	if ((reader && !sv->reader_open) || (writer && !sv->writer_open)) {
		asl_fail(ex,
			 reader && !sv->reader_open ? "States.ItemReaderFailed"
						    : "States.ResultWriterFailed",
			 "This runtime was built without files for Distributed Map.");
		return NULL;
	}
	if (reader) {
		if (reader->max_items == 0)
			return asl_fail(ex, "States.ItemReaderFailed",
					"field MaxItems must be positive"),
			       NULL;
		asl_value *params = reader->parameters ? reader->parameters(ex, map_input) : NULL;
		if (!params && ex->failed)
			return NULL; /* a path of the Parameters found nothing */
		if (sv->reader_open(ex, reader, params, &src.reader) < 0)
			return NULL;
	} else if (!items || items->type != ASL_ARRAY) {
		asl_fail_runtime(ex, "Map state input must be an array but was: %s",
				 items ? asl__json(ex, items) : "null");
		return NULL;
	}
	asl_value *batch_input =
		batcher && batcher->batch_input ? batcher->batch_input(ex, map_input) : NULL;
	if (!batch_input && ex->failed) {
		if (src.reader)
			sv->reader_close(ex, src.reader);
		return NULL;
	}
	result_writer *w = NULL;
	asl_arena chunk, results;
	asl__arena_init(&chunk, ex->opts.allocator, &ex->opts);
	asl__arena_init(&results, ex->opts.allocator, &ex->opts);
	asl_value *out = NULL;
	map_run *run = NULL;
	if (writer && sv->writer_open(ex, writer, map_input, &w) < 0)
		goto done;
	run = asl__map_run_new(ex, map, map_input, limits, writer ? &results : NULL);
	out = writer ? NULL : asl_array(asl_heap(ex), 16);
	if (!run || (!writer && !out))
		goto fail;
	/* the iterations are the Map Run's executions: this history has no event of theirs */
	asl__history_group_started(ex, 1, src.reader ? ASL_NO_LENGTH : items->u.array.len);
	asl__history_map_run(ex, "MapRunStarted");
	for (;;) {
		asl_arena_reset(&chunk);
		asl_value *entries = asl_array(&chunk, CHUNK), *e;
		int rc = entries ? 0 : asl_fail_oom(ex);
		while (entries && entries->u.array.len < CHUNK &&
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
				sv->writer_add(ex, w, entries->u.array.items[i], r, &results);
			else
				asl_array_push(asl_heap(ex), out, r);
		}
		asl_arena_reset(&results);
		if (ex->failed)
			goto fail;
	}
	if (writer)
		out = sv->writer_finish(ex, w);
	if (out) {
		asl__history_map_run(ex, "MapRunSucceeded");
		asl__history_group_ended(ex, "MapStateSucceeded", ex->prev_event);
	}
	goto done;
fail:
	out = NULL;
	if (run) {
		asl__history_map_run(ex, "MapRunFailed");
		ex->group_failed = 1; /* MapStateFailed unless retried */
	}
done:
	if (w)
		sv->writer_free(ex, w);
	asl__map_run_free(run);
	if (src.reader)
		sv->reader_close(ex, src.reader);
	asl_arena_destroy(&chunk);
	asl_arena_destroy(&results);
	return out;
}
