/* Distributed Map ResultWriter on local files: the results go to
 * S3_ROOT/BUCKET/PREFIX/EXECUTION/SUCCEEDED_0.json with a manifest.json beside them, the way AWS
 * writes them to S3. */
#include <stdio.h>
#include <string.h>

#include "bindings.h"
#include "item_reader.h"

struct result_writer {
	FILE *f;
	const char *bucket, *prefix, *run, *results_key;
	size_t count, bytes;
};

static const char *joined(asl_exec *ex, const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *s = asl_arena_alloc(&ex->perm, n);
	if (s)
		snprintf(s, n, "%s%s%s%s%s", a, *a ? "/" : "", b, *c ? "/" : "", c);
	return s ? s : "";
}

static int writer_fail(asl_exec *ex, int rc, const char *key, result_writer *w)
{
	char buf[600];
	if (rc == -2)
		snprintf(buf, sizeof buf, ASL_S3_OUTSIDE, w->bucket, key);
	asl_value *cause = rc == -2 ? asl_cstring(asl_heap(ex), buf) : NULL;
	asl_fail(ex, "States.ResultWriterFailed",
		 cause ? cause->u.string.ptr : "Cannot write the results (--s3-root).");
	return -1;
}

static int open_results(asl_exec *ex, const asl_result_writer *spec, asl_value *map_input,
			result_writer *w)
{
	asl_value *params = spec->parameters ? spec->parameters(ex, map_input) : NULL;
	if (!params && ex->failed)
		return -1; /* a path of the Parameters found nothing: its own States.Runtime */
	int unsafe = 0;
	w->bucket = asl__s3_param(params, "Bucket", &unsafe);
	w->prefix = asl__s3_param(params, "Prefix", &unsafe);
	if (!w->bucket) {
		asl_fail(ex, "States.ResultWriterFailed",
			 "The ResultWriter Parameters need a Bucket.");
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
void asl__writer_add(asl_exec *ex, result_writer *w, const asl_value *input,
		     const asl_value *output, asl_arena *a)
{
	asl_value *entry = asl_object(a, 3);
	if (!entry)
		return (void)asl_fail_oom(ex);
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

asl_value *asl__writer_finish(asl_exec *ex, result_writer *w)
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

int asl__writer_open(asl_exec *ex, const asl_result_writer *spec, asl_value *map_input,
		     result_writer **out)
{
	const asl_allocator *al = asl__allocator(ex);
	result_writer *w = al->alloc(al->user, sizeof *w);
	*out = NULL;
	if (!w)
		return asl_fail_oom(ex), -1;
	memset(w, 0, sizeof *w);
	if (open_results(ex, spec, map_input, w) < 0) {
		asl__writer_free(ex, w);
		return -1;
	}
	*out = w;
	return 0;
}

void asl__writer_free(asl_exec *ex, result_writer *w)
{
	const asl_allocator *al = asl__allocator(ex);
	if (w->f)
		fclose(w->f);
	al->release(al->user, w);
}
