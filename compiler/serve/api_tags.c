/* Tags of state machines and activities: TagResource, UntagResource, ListTagsForResource. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "api.h"

/* The resource must exist: a state machine or an activity (versions and others: not found). */
static int find_resource(sv_call *c, const char *arn)
{
	sv_arn a;
	if (sv_arn_parse(arn, &a) < 0)
		return sv_error(c, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", arn);
	st_store *s = c->srv->store;
	int rc = 1;
	if (a.kind_len == 12 && !strncmp(a.kind, "stateMachine", 12)) {
		st_machine m;
		rc = s->ops->machine_get(s, arn, &c->arena, &m);
	} else if (a.kind_len == 8 && !strncmp(a.kind, "activity", 8)) {
		st_activity act;
		rc = s->ops->activity_get(s, arn, &c->arena, &act);
	}
	if (rc < 0)
		return sv_store_failed(c);
	if (rc)
		return sv_error(c, "ResourceNotFound", "Resource not found: '%s'", arn);
	return 0;
}

int sv_op_TagResource(sv_call *c)
{
	const char *arn = sv_string(c, "resourceArn", 1, 1, 256, NULL);
	const asl_value *tags = sv_member(c, "tags", ASL_ARRAY);
	if (!tags && !c->bad_type)
		sv_violation(c, "tags", NULL, "not be null");
	if (sv_invalid(c) < 0 || find_resource(c, arn) < 0)
		return -1;
	size_t n = asl_array_len(tags);
	st_tag *t = n ? asl_arena_alloc(&c->arena, n * sizeof *t) : NULL;
	for (size_t i = 0; i < n; i++) {
		const asl_value *e = asl_array_get(tags, (int64_t)i);
		const asl_value *k = asl_object_get(e, "key", 3),
				*v = asl_object_get(e, "value", 5);
		if (!asl_is_string(k) || !asl_string_len(k) || asl_string_len(k) > 128 ||
		    (v && (!asl_is_string(v) || asl_string_len(v) > 256)))
			return sv_error(
				c, "ValidationException",
				"1 validation error detected: Value at 'tags' failed to "
				"satisfy constraint: Member must satisfy constraint: keys of "
				"1 to 128 and values of 0 to 256 characters");
		t[i].key = (st_text){asl_string_ptr(k), asl_string_len(k)};
		t[i].value = v ? (st_text){asl_string_ptr(v), asl_string_len(v)} : (st_text){"", 0};
	}
	st_store *s = c->srv->store;
	st_tag *old;
	size_t have;
	if (s->ops->tag_list(s, arn, &c->arena, &old, &have) < 0)
		return sv_store_failed(c);
	size_t total = have;
	for (size_t i = 0; i < n; i++) {
		int known = 0;
		for (size_t j = 0; j < have; j++)
			known |= old[j].key.len == t[i].key.len &&
				 !memcmp(old[j].key.ptr, t[i].key.ptr, t[i].key.len);
		total += !known;
	}
	if (total > 50)
		return sv_error(c, "TooManyTags", "Too many tags: '%s' may have at most 50.", arn);
	if (n && s->ops->tag_set(s, arn, t, n) < 0)
		return sv_store_failed(c);
	return 0;
}

int sv_op_UntagResource(sv_call *c)
{
	const char *arn = sv_string(c, "resourceArn", 1, 1, 256, NULL);
	const asl_value *keys = sv_member(c, "tagKeys", ASL_ARRAY);
	if (!keys && !c->bad_type)
		sv_violation(c, "tagKeys", NULL, "not be null");
	if (sv_invalid(c) < 0 || find_resource(c, arn) < 0)
		return -1;
	size_t n = asl_array_len(keys);
	st_text *k = n ? asl_arena_alloc(&c->arena, n * sizeof *k) : NULL;
	for (size_t i = 0; i < n; i++) {
		const asl_value *e = asl_array_get(keys, (int64_t)i);
		k[i] = asl_is_string(e) ? (st_text){asl_string_ptr(e), asl_string_len(e)}
					: (st_text){"", 0};
	}
	if (n && c->srv->store->ops->tag_remove(c->srv->store, arn, k, n) < 0)
		return sv_store_failed(c);
	return 0;
}

int sv_op_ListTagsForResource(sv_call *c)
{
	const char *arn = sv_string(c, "resourceArn", 1, 1, 256, NULL);
	if (sv_invalid(c) < 0 || find_resource(c, arn) < 0)
		return -1;
	st_tag *t;
	size_t n;
	if (c->srv->store->ops->tag_list(c->srv->store, arn, &c->arena, &t, &n) < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_open_array(c, "tags");
	for (size_t i = 0; i < n; i++) {
		sv_open(c, NULL);
		sv_put_string(c, "key", t[i].key.ptr, t[i].key.len);
		sv_put_string(c, "value", t[i].value.ptr, t[i].value.len);
		sv_close(c);
	}
	sv_close_array(c);
	sv_close(c);
	return 0;
}
