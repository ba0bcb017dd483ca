/* Read-only accessors of values (json.h): one defined answer for every type and for NULL. */
#include "asl/json.h"

asl_type asl_type_of(const asl_value *v)
{
	return v ? (asl_type)v->type : ASL_NONE;
}

int asl_is_null(const asl_value *v)
{
	return v && v->type == ASL_NULL;
}
int asl_is_bool(const asl_value *v)
{
	return v && v->type == ASL_BOOL;
}
int asl_is_number(const asl_value *v)
{
	return v && v->type == ASL_NUMBER;
}
int asl_is_string(const asl_value *v)
{
	return v && v->type == ASL_STRING;
}
int asl_is_array(const asl_value *v)
{
	return v && v->type == ASL_ARRAY;
}
int asl_is_object(const asl_value *v)
{
	return v && v->type == ASL_OBJECT;
}

int asl_bool_value(const asl_value *v)
{
	return asl_is_bool(v) && v->boolean;
}

double asl_number_value(const asl_value *v)
{
	return asl_is_number(v) ? v->u.number : 0;
}

const char *asl_string_ptr(const asl_value *v)
{
	return asl_is_string(v) ? v->u.string.ptr : NULL;
}

size_t asl_string_len(const asl_value *v)
{
	return asl_is_string(v) ? v->u.string.len : 0;
}

size_t asl_array_len(const asl_value *v)
{
	return asl_is_array(v) ? v->u.array.len : 0;
}

size_t asl_object_len(const asl_value *v)
{
	return asl_is_object(v) ? v->u.object.len : 0;
}

const char *asl_object_key(const asl_value *o, size_t i, size_t *key_len)
{
	int ok = i < asl_object_len(o);
	if (key_len)
		*key_len = ok ? o->u.object.members[i].key_len : 0;
	return ok ? o->u.object.members[i].key : NULL;
}

const asl_value *asl_object_value(const asl_value *o, size_t i)
{
	return i < asl_object_len(o) ? o->u.object.members[i].value : NULL;
}
