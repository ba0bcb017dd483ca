/* The local stand-in for S3: s3://BUCKET/KEY is the file S3_ROOT/BUCKET/KEY (--s3-root).
 * Buckets, keys and prefixes come from the execution input, so none of them may reach a file
 * outside S3_ROOT: no NUL (it would cut the name short), no '/' in a bucket, and the platform
 * refuses ".." and symbolic links below the root. */
#include <string.h>

#include "asl/platform.h"
#include "item_reader.h"

const char *asl__s3_param(const asl_value *params, const char *name, int *unsafe)
{
	const asl_value *v = asl_object_get(params, name, strlen(name));
	if (!v || v->type != ASL_STRING)
		return NULL;
	if (memchr(v->u.string.ptr, '\0', v->u.string.len))
		*unsafe = 1;
	return v->u.string.ptr;
}

/* A ".." part refuses the name whatever exists on disk (the platform checks again). */
static int has_dotdot(const char *key)
{
	for (const char *p = key; (p = strstr(p, "..")); p += 2)
		if ((p == key || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return 1;
	return 0;
}

int asl__s3_open(asl_exec *ex, const char *bucket, const char *key, int create, FILE **out)
{
	*out = NULL;
	if (!*bucket || strchr(bucket, '/') || !strcmp(bucket, ".") || !strcmp(bucket, "..") ||
	    has_dotdot(key))
		return -2;
	const char *root = ex->opts.s3_root ? ex->opts.s3_root : ".";
	size_t n = strlen(bucket) + strlen(key) + 2;
	char *rel = asl_arena_alloc(asl_heap(ex), n);
	if (!rel)
		return -1;
	memcpy(rel, bucket, strlen(bucket));
	rel[strlen(bucket)] = '/';
	memcpy(rel + strlen(bucket) + 1, key, strlen(key) + 1);
	return asl_platform_open_below(root, rel, create, out);
}
