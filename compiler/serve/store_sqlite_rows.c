/* The SQLite store's statements run one way: bind values (texts with their length), step, read
 * rows into the caller's arena, report, and for a single-statement call, reset and unlock
 * (store_sqlite.h says which helper does what). */
#include <string.h>

#include "store_sqlite.h"

/* Texts are bound with their length, so embedded NUL bytes are kept. */
int sq_bind_text(sqlite3_stmt *st, int i, st_text t)
{
	if (!t.ptr)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text64(st, i, t.ptr, t.len, SQLITE_STATIC, SQLITE_UTF8);
}

int sq_bind_blob(sqlite3_stmt *st, int i, st_text t)
{
	if (!t.ptr)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_blob64(st, i, t.ptr, t.len, SQLITE_STATIC);
}

int sq_bind_limit(sqlite3_stmt *st, int i, size_t limit)
{
	return sq_bind_i64(st, i, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* Runs a statement that returns no rows: 0, 1 for a unique or primary key conflict, -1. */
int sq_run(sq_store *s, sqlite3_stmt *st, const char *op)
{
	int rc = sqlite3_step(st);
	int ext = sqlite3_extended_errcode(s->db);
	int r = 0;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		r = ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ? 1 : -1;
		sq_fail(s, op);
	}
	sqlite3_reset(st);
	return r;
}

/* Copies column i into the arena, NUL-terminated; NULL stays absent. -1: out of memory. */
int sq_col_text(sqlite3_stmt *st, int i, asl_arena *a, st_text *out)
{
	out->ptr = NULL;
	out->len = 0;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	const void *p = sqlite3_column_blob(st, i); /* bytes as stored, no conversion */
	size_t len = (size_t)sqlite3_column_bytes(st, i);
	char *copy = asl_arena_alloc(a, len + 1);
	if (!copy)
		return -1;
	if (len)
		memcpy(copy, p, len);
	copy[len] = '\0';
	out->ptr = copy;
	out->len = len;
	return 0;
}

/* Steps a bound query to its first row and reads it into `out`: 0, 1 when there is none, -1.
 * Resets the statement and unlocks the store. */
int sq_get_one(sq_store *s, sqlite3_stmt *st, const char *op, sq_row_reader read, asl_arena *a,
	       void *out)
{
	int rc = sqlite3_step(st), r;
	if (rc == SQLITE_ROW)
		r = read(st, a, out) ? sq_fail_nomem(op) : 0;
	else if (rc == SQLITE_DONE) {
		sq_message("%s: not found", op);
		r = 1;
	} else
		r = sq_fail(s, op);
	sqlite3_reset(st);
	sq_unlock(s);
	return r;
}

/* Steps a bound query through all its rows into an array of `size`-byte items that grows in
 * the arena (*rows; NULL when there are none): 0 or -1. Resets the statement and unlocks the
 * store. */
int sq_get_all(sq_store *s, sqlite3_stmt *st, const char *op, sq_row_reader read, size_t size,
	       asl_arena *a, void **rows, size_t *n)
{
	char *items = NULL;
	size_t count = 0, cap = 0;
	int rc, r = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			size_t more = cap ? cap * 2 : 16;
			char *grown = asl_arena_alloc(a, more * size);
			if (!grown) {
				r = sq_fail_nomem(op);
				break;
			}
			if (count)
				memcpy(grown, items, count * size);
			items = grown;
			cap = more;
		}
		if (read(st, a, items + count * size)) {
			r = sq_fail_nomem(op);
			break;
		}
		count++;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sq_fail(s, op);
	sqlite3_reset(st);
	sq_unlock(s);
	*rows = r ? NULL : items;
	*n = r ? 0 : count;
	return r;
}

/* Prepares statement q under the lock; on failure unlocks and reports. */
sqlite3_stmt *sq_start(sq_store *s, int q, const char *op)
{
	sq_lock(s);
	sqlite3_stmt *st = sq_stmt(s, q);
	if (!st) {
		sq_fail(s, op);
		sq_unlock(s);
	}
	return st;
}

/* Reports a binding that failed (too big, out of memory) and leaves the call: -1. Unlocks. */
int sq_bind_failed(sq_store *s, sqlite3_stmt *st, const char *op)
{
	sq_fail(s, op);
	sqlite3_reset(st);
	sq_unlock(s);
	return -1;
}

/* The rows an UPDATE or DELETE changed: none is "not found". */
int sq_changed(sq_store *s, int r, const char *op)
{
	if (r == 0 && sqlite3_changes(s->db) == 0) {
		sq_message("%s: not found", op);
		return 1;
	}
	return r;
}

/* Runs a bound INSERT: 0 with the new row's id in *id (id may be NULL), 1 when a unique key
 * is taken, -1. Unlocks. */
int sq_insert(sq_store *s, sqlite3_stmt *st, const char *op, int64_t *id)
{
	int r = sq_run(s, st, op);
	if (r == 0 && id)
		*id = sqlite3_last_insert_rowid(s->db);
	sq_unlock(s);
	return r;
}

/* Runs a bound UPDATE of one row: 0, 1 when there is no such row or a unique key is taken,
 * -1. Unlocks. */
int sq_update(sq_store *s, sqlite3_stmt *st, const char *op)
{
	int r = sq_changed(s, sq_run(s, st, op), op);
	sq_unlock(s);
	return r;
}
