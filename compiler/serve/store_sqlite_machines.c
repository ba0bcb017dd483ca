/* The SQLite store's state machines, their definitions (one per revision), activities, and
 * the tags of either. */
#include "store_sqlite.h"

/* --- state machines and definitions --- */

/* Row readers (sq_row_reader), in the order of MACHINE_COLS, DEFINITION_COLS and the
 * activities' and tags' columns in store_sqlite_sql.c. */
static int read_machine(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_machine *m = out;
	m->id = sq_col_i64(st, 0);
	m->definition_id = sq_col_i64(st, 6);
	m->created_ms = sq_col_i64(st, 11);
	m->updated_ms = sq_col_i64(st, 12);
	return sq_col_text(st, 1, a, &m->arn) || sq_col_text(st, 2, a, &m->name) ||
	       sq_col_text(st, 3, a, &m->type) || sq_col_text(st, 4, a, &m->role_arn) ||
	       sq_col_text(st, 5, a, &m->status) || sq_col_text(st, 7, a, &m->revision_id) ||
	       sq_col_text(st, 8, a, &m->logging) || sq_col_text(st, 9, a, &m->tracing) ||
	       sq_col_text(st, 10, a, &m->encryption);
}

static int read_definition(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_definition *d = out;
	d->id = sq_col_i64(st, 0);
	d->machine_id = sq_col_i64(st, 1);
	d->created_ms = sq_col_i64(st, 5);
	return sq_col_text(st, 2, a, &d->text) || sq_col_text(st, 3, a, &d->revision_id) ||
	       sq_col_text(st, 4, a, &d->role_arn);
}

static int read_activity(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_activity *act = out;
	act->id = sq_col_i64(st, 0);
	act->created_ms = sq_col_i64(st, 3);
	return sq_col_text(st, 1, a, &act->arn) || sq_col_text(st, 2, a, &act->name);
}

static int read_tag(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_tag *t = out;
	return sq_col_text(st, 0, a, &t->key) || sq_col_text(st, 1, a, &t->value);
}

/* Every field but the id, from parameter i on, in the order of MACHINE_COLS. */
static int bind_machine(sqlite3_stmt *st, int i, const st_machine *m)
{
	return sq_bind_text(st, i, m->arn) || sq_bind_text(st, i + 1, m->name) ||
	       sq_bind_text(st, i + 2, m->type) || sq_bind_text(st, i + 3, m->role_arn) ||
	       sq_bind_text(st, i + 4, m->status) || sq_bind_i64(st, i + 5, m->definition_id) ||
	       sq_bind_text(st, i + 6, m->revision_id) || sq_bind_text(st, i + 7, m->logging) ||
	       sq_bind_text(st, i + 8, m->tracing) || sq_bind_text(st, i + 9, m->encryption) ||
	       sq_bind_i64(st, i + 10, m->created_ms) || sq_bind_i64(st, i + 11, m->updated_ms);
}

int sq_machine_put(st_store *base, st_machine *m)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_MACHINE_PUT, "machine_put");
	if (!st)
		return -1;
	if (bind_machine(st, 1, m))
		return sq_bind_failed(s, st, "machine_put");
	return sq_insert(s, st, "machine_put", &m->id);
}

int sq_machine_update(st_store *base, const st_machine *m)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_MACHINE_UPDATE, "machine_update");
	if (!st)
		return -1;
	if (sq_bind_i64(st, 1, m->id) || bind_machine(st, 2, m))
		return sq_bind_failed(s, st, "machine_update");
	return sq_update(s, st, "machine_update");
}

int sq_machine_get(st_store *base, const char *arn, asl_arena *a, st_machine *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_MACHINE_GET, "machine_get");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(arn)))
		return sq_bind_failed(s, st, "machine_get");
	return sq_get_one(s, st, "machine_get", read_machine, a, out);
}

int sq_machine_get_id(st_store *base, int64_t id, asl_arena *a, st_machine *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_MACHINE_GET_ID, "machine_get_id");
	if (!st)
		return -1;
	sq_bind_i64(st, 1, id); /* an integer binds to a valid index without fail */
	return sq_get_one(s, st, "machine_get_id", read_machine, a, out);
}

int sq_machine_delete(st_store *base, int64_t id)
{
	sq_store *s = sq_from(base);
	if (sq_op_begin(s, "machine_delete"))
		return -1;
	sqlite3_stmt *tags = sq_stmt(s, Q_MACHINE_TAGS_DELETE), *del = sq_stmt(s, Q_MACHINE_DELETE);
	int r;
	if (!tags || !del)
		r = sq_fail(s, "machine_delete");
	else {
		sq_bind_i64(tags, 1, id);
		sq_bind_i64(del, 1, id);
		r = sq_run(s, tags, "machine_delete");
		if (r == 0)
			r = sq_changed(s, sq_run(s, del, "machine_delete"), "machine_delete");
	}
	return sq_op_end(s, r, "machine_delete");
}

int sq_machine_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
		    st_machine **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_MACHINE_LIST, "machine_list");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(after_name ? after_name : "")) ||
	    sq_bind_limit(st, 2, limit))
		return sq_bind_failed(s, st, "machine_list");
	void *rows;
	int r = sq_get_all(s, st, "machine_list", read_machine, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

int sq_definition_put(st_store *base, st_definition *d)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_DEFINITION_PUT, "definition_put");
	if (!st)
		return -1;
	if (sq_bind_i64(st, 1, d->machine_id) || sq_bind_text(st, 2, d->text) ||
	    sq_bind_text(st, 3, d->revision_id) || sq_bind_text(st, 4, d->role_arn) ||
	    sq_bind_i64(st, 5, d->created_ms))
		return sq_bind_failed(s, st, "definition_put");
	return sq_insert(s, st, "definition_put", &d->id);
}

int sq_definition_get(st_store *base, int64_t id, asl_arena *a, st_definition *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_DEFINITION_GET, "definition_get");
	if (!st)
		return -1;
	sq_bind_i64(st, 1, id);
	return sq_get_one(s, st, "definition_get", read_definition, a, out);
}

/* --- activities --- */

int sq_activity_put(st_store *base, st_activity *act)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_ACTIVITY_PUT, "activity_put");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, act->arn) || sq_bind_text(st, 2, act->name) ||
	    sq_bind_i64(st, 3, act->created_ms))
		return sq_bind_failed(s, st, "activity_put");
	return sq_insert(s, st, "activity_put", &act->id);
}

int sq_activity_get(st_store *base, const char *arn, asl_arena *a, st_activity *out)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_ACTIVITY_GET, "activity_get");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(arn)))
		return sq_bind_failed(s, st, "activity_get");
	return sq_get_one(s, st, "activity_get", read_activity, a, out);
}

int sq_activity_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
		     st_activity **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_ACTIVITY_LIST, "activity_list");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(after_name ? after_name : "")) ||
	    sq_bind_limit(st, 2, limit))
		return sq_bind_failed(s, st, "activity_list");
	void *rows;
	int r = sq_get_all(s, st, "activity_list", read_activity, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

int sq_activity_delete(st_store *base, const char *arn)
{
	sq_store *s = sq_from(base);
	if (sq_op_begin(s, "activity_delete"))
		return -1;
	sqlite3_stmt *tags = sq_stmt(s, Q_ACTIVITY_TAGS_DELETE),
		     *del = sq_stmt(s, Q_ACTIVITY_DELETE);
	int r;
	if (!tags || !del || sq_bind_text(tags, 1, st_cstr(arn)) ||
	    sq_bind_text(del, 1, st_cstr(arn)))
		r = sq_fail(s, "activity_delete");
	else {
		r = sq_run(s, tags, "activity_delete");
		if (r == 0)
			r = sq_changed(s, sq_run(s, del, "activity_delete"), "activity_delete");
	}
	return sq_op_end(s, r, "activity_delete");
}

/* --- tags --- */

int sq_tag_set(st_store *base, const char *arn, const st_tag *tags, size_t n)
{
	sq_store *s = sq_from(base);
	if (sq_op_begin(s, "tag_set"))
		return -1;
	sqlite3_stmt *st = sq_stmt(s, Q_TAG_SET);
	int r = st ? 0 : sq_fail(s, "tag_set");
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (sq_bind_text(st, 1, st_cstr(arn)) || sq_bind_text(st, 2, tags[i].key) ||
		    sq_bind_text(st, 3, tags[i].value)) {
			sqlite3_reset(st);
			r = sq_fail(s, "tag_set");
		} else
			r = sq_run(s, st, "tag_set");
	}
	return sq_op_end(s, r, "tag_set");
}

int sq_tag_remove(st_store *base, const char *arn, const st_text *keys, size_t n)
{
	sq_store *s = sq_from(base);
	if (sq_op_begin(s, "tag_remove"))
		return -1;
	sqlite3_stmt *st = sq_stmt(s, Q_TAG_REMOVE);
	int r = st ? 0 : sq_fail(s, "tag_remove");
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (sq_bind_text(st, 1, st_cstr(arn)) || sq_bind_text(st, 2, keys[i])) {
			sqlite3_reset(st);
			r = sq_fail(s, "tag_remove");
		} else
			r = sq_run(s, st, "tag_remove");
	}
	return sq_op_end(s, r, "tag_remove");
}

int sq_tag_list(st_store *base, const char *arn, asl_arena *a, st_tag **out, size_t *n)
{
	sq_store *s = sq_from(base);
	sqlite3_stmt *st = sq_start(s, Q_TAG_LIST, "tag_list");
	if (!st)
		return -1;
	if (sq_bind_text(st, 1, st_cstr(arn)))
		return sq_bind_failed(s, st, "tag_list");
	void *rows;
	int r = sq_get_all(s, st, "tag_list", read_tag, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}
