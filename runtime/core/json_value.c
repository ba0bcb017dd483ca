/* JSON value constructors, builders, lookups, equality and copying. */
#include <math.h>
#include <string.h>

#include "asl/json.h"
#include "decimal.h"

/* Read-only like the constants of generated code: a static value is never written, so the
 * casts that lend them out as `asl_value *` are safe. */
static const asl_value null_value = {.type = ASL_NULL, .flags = ASL_FLAG_STATIC};
static const asl_value true_value = {.type = ASL_BOOL, .flags = ASL_FLAG_STATIC, .boolean = 1};
static const asl_value false_value = {.type = ASL_BOOL, .flags = ASL_FLAG_STATIC, .boolean = 0};

asl_value *asl_null(void)
{
	return (asl_value *)&null_value;
}
asl_value *asl_true(void)
{
	return (asl_value *)&true_value;
}
asl_value *asl_false(void)
{
	return (asl_value *)&false_value;
}
asl_value *asl_bool(int b)
{
	return (asl_value *)(b ? &true_value : &false_value);
}

static asl_value *new_value(asl_arena *arena, asl_type type)
{
	asl_value *v = asl_arena_alloc(arena, sizeof *v);
	if (!v)
		return NULL;
	memset(v, 0, sizeof *v);
	v->type = (uint8_t)type;
	return v;
}

asl_value *asl_number(asl_arena *arena, double n)
{
	asl_value *v = new_value(arena, ASL_NUMBER);
	if (v)
		v->u.number = n;
	return v;
}

asl_value *asl_integer(asl_arena *arena, int64_t n)
{
	asl_value *v = asl_number(arena, (double)n);
	if (v)
		v->flags |= ASL_FLAG_INTEGER;
	return v;
}

asl_value *asl_string(asl_arena *arena, const char *s, size_t len)
{
	asl_value *v = new_value(arena, ASL_STRING);
	if (!v)
		return NULL;
	char *p = asl_arena_alloc(arena, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	v->u.string.ptr = p;
	v->u.string.len = len;
	return v;
}

asl_value *asl_cstring(asl_arena *arena, const char *s)
{
	if (!s) /* a builder before ran out of memory: the arena says so */
		return NULL;
	return asl_string(arena, s, strlen(s));
}

asl_value *asl_array(asl_arena *arena, size_t capacity)
{
	asl_value *v = new_value(arena, ASL_ARRAY);
	if (!v)
		return NULL;
	if (capacity) {
		v->u.array.items = asl_arena_alloc(arena, capacity * sizeof(asl_value *));
		if (!v->u.array.items)
			return NULL;
		v->u.array.cap = capacity;
	}
	return v;
}

asl_value *asl_object(asl_arena *arena, size_t capacity)
{
	asl_value *v = new_value(arena, ASL_OBJECT);
	if (!v)
		return NULL;
	if (capacity) {
		v->u.object.members = asl_arena_alloc(arena, capacity * sizeof(asl_member));
		if (!v->u.object.members)
			return NULL;
		v->u.object.cap = capacity;
	}
	return v;
}

/* Grows a table inside the arena; the old table stays until the arena is reset. */
static void *grow(asl_arena *arena, void *old, size_t elem, size_t len, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p = asl_arena_alloc(arena, ncap * elem);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, old, len * elem);
	*cap = ncap;
	return p;
}

int asl_array_push(asl_arena *arena, asl_value *a, asl_value *item)
{
	if (!item || !a) /* out of memory earlier: the arena says so */
		return -1;
	if (a->u.array.len == a->u.array.cap) {
		asl_value **p =
			grow(arena, a->u.array.items, sizeof *p, a->u.array.len, &a->u.array.cap);
		if (!p)
			return -1;
		a->u.array.items = p;
	}
	a->u.array.items[a->u.array.len++] = item;
	return 0;
}

int asl_object_append(asl_arena *arena, asl_value *o, const char *key, size_t key_len,
		      asl_value *value)
{
	if (!value || !o) /* out of memory earlier: the arena says so */
		return -1;
	if (o->u.object.len == o->u.object.cap) {
		asl_member *p = grow(arena, o->u.object.members, sizeof *p, o->u.object.len,
				     &o->u.object.cap);
		if (!p)
			return -1;
		o->u.object.members = p;
	}
	asl_member *m = &o->u.object.members[o->u.object.len++];
	m->key = key;
	m->key_len = key_len;
	m->value = value;
	return 0;
}

static asl_member *find_member(const asl_value *o, const char *key, size_t key_len)
{
	if (!o || o->type != ASL_OBJECT)
		return NULL;
	/* Last match wins, like a JSON parser that keeps the last duplicate. Keys of one object
	 * often share a prefix (d0, d1, ...): the last byte rules most of them out before memcmp. */
	if (key_len == 0) {
		for (size_t i = o->u.object.len; i-- > 0;)
			if (o->u.object.members[i].key_len == 0)
				return &o->u.object.members[i];
		return NULL;
	}
	char last = key[key_len - 1];
	for (size_t i = o->u.object.len; i-- > 0;) {
		asl_member *m = &o->u.object.members[i];
		if (m->key_len == key_len && m->key[key_len - 1] == last &&
		    memcmp(m->key, key, key_len) == 0)
			return m;
	}
	return NULL;
}

int asl_object_set(asl_arena *arena, asl_value *o, const char *key, size_t key_len,
		   asl_value *value)
{
	asl_member *m = find_member(o, key, key_len);
	if (m) {
		if (!value)
			return -1;
		m->value = value;
		return 0;
	}
	return asl_object_append(arena, o, key, key_len, value);
}

const asl_value *asl_object_get(const asl_value *o, const char *key, size_t key_len)
{
	asl_member *m = find_member(o, key, key_len);
	return m ? m->value : NULL;
}

const asl_value *asl_array_get(const asl_value *a, int64_t index)
{
	if (!a || a->type != ASL_ARRAY)
		return NULL;
	if (index < 0)
		index += (int64_t)a->u.array.len;
	if (index < 0 || (uint64_t)index >= a->u.array.len)
		return NULL;
	return a->u.array.items[index];
}

int asl_is_integral(const asl_value *v)
{
	return v->type == ASL_NUMBER && isfinite(v->u.number) && floor(v->u.number) == v->u.number;
}

/* The exact decimal digits of an integer: its kept text, else those of its double. */
static const char *integer_digits(const asl_value *v, char buf[400])
{
	if (v->u.number_text && (v->flags & ASL_FLAG_INTEGER))
		return v->u.number_text;
	if (!isfinite(v->u.number) || floor(v->u.number) != v->u.number)
		return NULL;
	asl__format_integer(buf, 400, v->u.number == 0 ? 0.0 : v->u.number);
	return buf;
}

/* Equality of numbers of which one keeps its text: by exact value, so 9007199254740993 equals
 * itself but not 9007199254740992, which is its double. */
static int numbers_equal(const asl_value *a, const asl_value *b)
{
	int big_a = a->u.number_text && (a->flags & ASL_FLAG_INTEGER);
	int big_b = b->u.number_text && (b->flags & ASL_FLAG_INTEGER);
	if (!big_a && !big_b)
		return a->u.number == b->u.number; /* "-0.0" is exactly its double */
	char buf_a[400], buf_b[400];
	const char *x = integer_digits(a, buf_a), *y = integer_digits(b, buf_b);
	return x && y && strcmp(x, y) == 0;
}

int asl_equal(const asl_value *a, const asl_value *b)
{
	if (a == b)
		return 1;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case ASL_NULL:
		return 1;
	case ASL_BOOL:
		return a->boolean == b->boolean;
	case ASL_NUMBER:
		return numbers_equal(a, b);
	case ASL_STRING:
		return a->u.string.len == b->u.string.len &&
		       memcmp(a->u.string.ptr, b->u.string.ptr, a->u.string.len) == 0;
	case ASL_ARRAY:
		if (a->u.array.len != b->u.array.len)
			return 0;
		for (size_t i = 0; i < a->u.array.len; i++)
			if (!asl_equal(a->u.array.items[i], b->u.array.items[i]))
				return 0;
		return 1;
	case ASL_OBJECT:
		if (a->u.object.len != b->u.object.len)
			return 0;
		for (size_t i = 0; i < a->u.object.len; i++) {
			const asl_member *m = &a->u.object.members[i];
			const asl_value *other = asl_object_get(b, m->key, m->key_len);
			if (!other || !asl_equal(m->value, other))
				return 0;
		}
		return 1;
	}
	return 0;
}

asl_value *asl_shallow_copy(asl_arena *arena, const asl_value *v)
{
	asl_value *c;
	if (v->type == ASL_ARRAY) {
		c = asl_array(arena, v->u.array.len + 1);
		if (c && v->u.array.len)
			memcpy(c->u.array.items, v->u.array.items,
			       v->u.array.len * sizeof(asl_value *));
		if (c)
			c->u.array.len = v->u.array.len;
		return c;
	}
	if (v->type == ASL_OBJECT) {
		c = asl_object(arena, v->u.object.len + 1);
		if (c && v->u.object.len)
			memcpy(c->u.object.members, v->u.object.members,
			       v->u.object.len * sizeof(asl_member));
		if (c)
			c->u.object.len = v->u.object.len;
		return c;
	}
	return asl_copy(arena, v);
}

asl_value *asl_copy(asl_arena *arena, const asl_value *v)
{
	if (v->flags & ASL_FLAG_STATIC)
		return (asl_value *)v;
	asl_value *c;
	switch (v->type) {
	case ASL_STRING:
		c = asl_string(arena, v->u.string.ptr, v->u.string.len);
		break;
	case ASL_ARRAY:
		c = asl_array(arena, v->u.array.len);
		for (size_t i = 0; c && i < v->u.array.len; i++) {
			asl_value *item = asl_copy(arena, v->u.array.items[i]);
			if (!item)
				return NULL;
			c->u.array.items[i] = item;
		}
		if (c)
			c->u.array.len = v->u.array.len;
		break;
	case ASL_OBJECT:
		c = asl_object(arena, v->u.object.len);
		for (size_t i = 0; c && i < v->u.object.len; i++) {
			const asl_member *m = &v->u.object.members[i];
			asl_value *key = asl_string(arena, m->key, m->key_len);
			asl_value *val = asl_copy(arena, m->value);
			if (!key || !val)
				return NULL;
			c->u.object.members[i] = (asl_member){key->u.string.ptr, m->key_len, val};
		}
		if (c)
			c->u.object.len = v->u.object.len;
		break;
	default:
		c = asl_arena_alloc(arena, sizeof *c);
		if (c)
			*c = *v;
		if (c && v->type == ASL_NUMBER && v->u.number_text) {
			asl_value *text = asl_cstring(arena, v->u.number_text);
			if (!text)
				return NULL;
			c->u.number_text = text->u.string.ptr;
		}
		break;
	}
	if (c) {
		c->flags = v->flags & ASL_FLAG_INTEGER;
		c->pos = v->pos;
	}
	return c;
}
