/* The service's store (store.h) on SQLite: one connection in WAL mode, its statements prepared
 * once, and one mutex that serializes every call and is held from begin to commit, so a
 * transaction sees no other thread's writes in between. */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "store.h"

/* The schema this file writes; a store of an older version is migrated at open (none yet),
 * one of a newer version is refused. */
#define SCHEMA_VERSION 1

/* The SQL below writes a closed task's status as the number 3, so that the partial index on
 * open tasks applies. */
_Static_assert(ST_TASK_CLOSED == 3, "the SQL below writes ST_TASK_CLOSED as 3");

static const char schema[] =
	"CREATE TABLE machines(id INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL UNIQUE, type TEXT NOT NULL, role_arn TEXT, status TEXT NOT NULL,"
	" definition_id INTEGER NOT NULL, revision_id TEXT, logging TEXT, tracing TEXT,"
	" encryption TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);"
	/* no foreign keys to machines: a deleted machine's definitions and executions stay */
	"CREATE TABLE definitions(id INTEGER PRIMARY KEY, machine_id INTEGER NOT NULL,"
	" text TEXT NOT NULL, revision_id TEXT, role_arn TEXT, created_ms INTEGER NOT NULL);"
	"CREATE TABLE executions(id INTEGER PRIMARY KEY, machine_id INTEGER NOT NULL,"
	" definition_id INTEGER NOT NULL, arn TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	" machine_arn TEXT NOT NULL, status TEXT NOT NULL, input TEXT, output TEXT, error TEXT,"
	" cause TEXT, trace_header TEXT, start_ms INTEGER NOT NULL, stop_ms INTEGER NOT NULL,"
	" event_count INTEGER NOT NULL, snapshot BLOB, wake_ms INTEGER NOT NULL,"
	" express INTEGER NOT NULL);"
	/* a STANDARD execution's name is unique within its machine; EXPRESS names may repeat */
	"CREATE UNIQUE INDEX executions_name ON executions(machine_id, name) WHERE express = 0;"
	"CREATE INDEX executions_by_start ON executions(machine_id, start_ms DESC, id DESC);"
	"CREATE INDEX executions_by_status ON executions(machine_id, status, start_ms DESC,"
	" id DESC);"
	"CREATE INDEX executions_running ON executions(start_ms, id) WHERE status = 'RUNNING';"
	"CREATE TABLE events(execution_id INTEGER NOT NULL REFERENCES executions(id),"
	" id INTEGER NOT NULL, previous_id INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,"
	" type TEXT NOT NULL, details_key TEXT, details TEXT, PRIMARY KEY(execution_id, id))"
	" WITHOUT ROWID;"
	"CREATE TABLE activities(id INTEGER PRIMARY KEY, arn TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL);"
	"CREATE TABLE tasks(token TEXT PRIMARY KEY,"
	" execution_id INTEGER NOT NULL REFERENCES executions(id), kind TEXT NOT NULL,"
	" activity_arn TEXT, input TEXT, status INTEGER NOT NULL, worker_name TEXT,"
	" scheduled_ms INTEGER NOT NULL, started_event_id INTEGER NOT NULL,"
	" succeeded INTEGER NOT NULL, output TEXT, error TEXT, cause TEXT) WITHOUT ROWID;"
	"CREATE INDEX tasks_open ON tasks(execution_id, scheduled_ms) WHERE status <> 3;"
	"CREATE TABLE tags(arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
	" PRIMARY KEY(arn, key)) WITHOUT ROWID;";

#define MACHINE_COLS                                                                           \
	"id, arn, name, type, role_arn, status, definition_id, revision_id, logging, tracing," \
	" encryption, created_ms, updated_ms"
#define DEFINITION_COLS "id, machine_id, text, revision_id, role_arn, created_ms"
#define EXECUTION_COLS                                                                         \
	"id, machine_id, definition_id, arn, name, machine_arn, status, input, output, error," \
	" cause, trace_header, start_ms, stop_ms, event_count, snapshot, wake_ms, express"
#define EVENT_COLS "id, previous_id, timestamp_ms, type, details_key, details"
#define TASK_COLS                                                                            \
	"token, execution_id, kind, activity_arn, input, status, worker_name, scheduled_ms," \
	" started_event_id, succeeded, output, error, cause"

enum {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q_MACHINE_PUT,
	Q_MACHINE_UPDATE,
	Q_MACHINE_GET,
	Q_MACHINE_GET_ID,
	Q_MACHINE_TAGS_DELETE,
	Q_MACHINE_DELETE,
	Q_MACHINE_LIST,
	Q_DEFINITION_PUT,
	Q_DEFINITION_GET,
	Q_EXECUTION_PUT,
	Q_EXECUTION_GET,
	Q_EXECUTION_GET_ID,
	Q_EXECUTION_GET_NAME,
	Q_EXECUTION_CHECKPOINT,
	Q_EXECUTION_FINISH,
	Q_EXECUTION_CLOSE_TASKS,
	Q_EXECUTION_LIST,
	Q_EXECUTION_LIST_STATUS,
	Q_EXECUTION_RUNNING,
	Q_EVENT_PUT,
	Q_EVENT_LIST,
	Q_EVENT_LIST_REVERSE,
	Q_EVENT_UPDATE,
	Q_ACTIVITY_PUT,
	Q_ACTIVITY_GET,
	Q_ACTIVITY_LIST,
	Q_ACTIVITY_TAGS_DELETE,
	Q_ACTIVITY_DELETE,
	Q_TASK_PUT,
	Q_TASK_GET,
	Q_TASK_UPDATE,
	Q_TASK_OPEN,
	Q_TASK_OPEN_ALL,
	Q_TAG_SET,
	Q_TAG_REMOVE,
	Q_TAG_LIST,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	/* IMMEDIATE: the write lock is taken at begin, so no later statement finds it busy */
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	/* an operation of several statements is all or nothing, inside a transaction or not */
	[Q_SAVEPOINT] = "SAVEPOINT op",
	[Q_RELEASE] = "RELEASE op",
	[Q_ROLLBACK_TO] = "ROLLBACK TO op",
	[Q_MACHINE_PUT] = "INSERT INTO machines(" MACHINE_COLS
			  ") VALUES(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_MACHINE_UPDATE] = "UPDATE machines SET arn = ?2, name = ?3, type = ?4, role_arn = ?5,"
			     " status = ?6, definition_id = ?7, revision_id = ?8, logging = ?9,"
			     " tracing = ?10, encryption = ?11, created_ms = ?12,"
			     " updated_ms = ?13 WHERE id = ?1",
	[Q_MACHINE_GET] = "SELECT " MACHINE_COLS " FROM machines WHERE arn = ?",
	[Q_MACHINE_GET_ID] = "SELECT " MACHINE_COLS " FROM machines WHERE id = ?",
	[Q_MACHINE_TAGS_DELETE] =
		"DELETE FROM tags WHERE arn = (SELECT arn FROM machines WHERE id = ?)",
	[Q_MACHINE_DELETE] = "DELETE FROM machines WHERE id = ?",
	/* '' sorts before every name, and names are never empty */
	[Q_MACHINE_LIST] =
		"SELECT " MACHINE_COLS " FROM machines WHERE name > ? ORDER BY name LIMIT ?",
	[Q_DEFINITION_PUT] =
		"INSERT INTO definitions(" DEFINITION_COLS ") VALUES(NULL, ?, ?, ?, ?, ?)",
	[Q_DEFINITION_GET] = "SELECT " DEFINITION_COLS " FROM definitions WHERE id = ?",
	[Q_EXECUTION_PUT] = "INSERT INTO executions(" EXECUTION_COLS
			    ") VALUES(NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_EXECUTION_GET] = "SELECT " EXECUTION_COLS " FROM executions WHERE arn = ?",
	[Q_EXECUTION_GET_ID] = "SELECT " EXECUTION_COLS " FROM executions WHERE id = ?",
	/* STANDARD executions only (StartExecution's idempotency): an EXPRESS name may repeat and
	 * names none; express = 0 lets the unique partial index answer */
	[Q_EXECUTION_GET_NAME] = "SELECT " EXECUTION_COLS " FROM executions WHERE machine_id = ?"
				 " AND name = ? AND express = 0",
	[Q_EXECUTION_CHECKPOINT] =
		"UPDATE executions SET snapshot = coalesce(?2, snapshot), wake_ms = ?3,"
		" event_count = max(event_count, ?4) WHERE id = ?1",
	[Q_EXECUTION_FINISH] =
		"UPDATE executions SET status = ?2, output = ?3, error = ?4, cause = ?5,"
		" stop_ms = ?6, snapshot = NULL, wake_ms = 0, event_count = max(event_count, ?7)"
		" WHERE id = ?1",
	[Q_EXECUTION_CLOSE_TASKS] =
		"UPDATE tasks SET status = 3 WHERE execution_id = ? AND status <> 3",
	/* keyset pagination, newest first: the row values walk the index backwards */
	/* ?2, the status, only in the second: the two bind the same numbers */
	[Q_EXECUTION_LIST] = "SELECT " EXECUTION_COLS " FROM executions WHERE machine_id = ?1"
			     " AND (start_ms, id) < (?3, ?4) ORDER BY start_ms DESC, id DESC"
			     " LIMIT ?5",
	[Q_EXECUTION_LIST_STATUS] =
		"SELECT " EXECUTION_COLS " FROM executions WHERE machine_id = ?1 AND status = ?2"
		" AND (start_ms, id) < (?3, ?4)"
		" ORDER BY start_ms DESC, id DESC LIMIT ?5",
	[Q_EXECUTION_RUNNING] = "SELECT " EXECUTION_COLS " FROM executions"
				" WHERE status = 'RUNNING' ORDER BY start_ms, id",
	/* after a crash the engine emits again the events of a transition it had committed */
	[Q_EVENT_PUT] = "INSERT OR IGNORE INTO events(execution_id, " EVENT_COLS
			") VALUES(?, ?, ?, ?, ?, ?, ?)",
	[Q_EVENT_LIST] = "SELECT " EVENT_COLS " FROM events WHERE execution_id = ? AND id > ?"
			 " ORDER BY id LIMIT ?",
	[Q_EVENT_LIST_REVERSE] =
		"SELECT " EVENT_COLS " FROM events WHERE execution_id = ? AND id < ?"
		" ORDER BY id DESC LIMIT ?",
	[Q_EVENT_UPDATE] = "UPDATE events SET previous_id = ?3, timestamp_ms = ?4, type = ?5,"
			   " details_key = ?6, details = ?7 WHERE execution_id = ?1 AND id = ?2",
	[Q_ACTIVITY_PUT] = "INSERT INTO activities(id, arn, name, created_ms)"
			   " VALUES(NULL, ?, ?, ?)",
	[Q_ACTIVITY_GET] = "SELECT id, arn, name, created_ms FROM activities WHERE arn = ?",
	[Q_ACTIVITY_LIST] = "SELECT id, arn, name, created_ms FROM activities WHERE name > ?"
			    " ORDER BY name LIMIT ?",
	[Q_ACTIVITY_TAGS_DELETE] = "DELETE FROM tags WHERE arn = ?",
	[Q_ACTIVITY_DELETE] = "DELETE FROM activities WHERE arn = ?",
	[Q_TASK_PUT] =
		"INSERT INTO tasks(" TASK_COLS ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_TASK_GET] = "SELECT " TASK_COLS " FROM tasks WHERE token = ?",
	[Q_TASK_UPDATE] = "UPDATE tasks SET execution_id = ?2, kind = ?3, activity_arn = ?4,"
			  " input = ?5, status = ?6, worker_name = ?7, scheduled_ms = ?8,"
			  " started_event_id = ?9, succeeded = ?10, output = ?11, error = ?12,"
			  " cause = ?13 WHERE token = ?1",
	[Q_TASK_OPEN] = "SELECT " TASK_COLS " FROM tasks WHERE execution_id = ? AND status <> 3"
			" ORDER BY scheduled_ms",
	[Q_TASK_OPEN_ALL] = "SELECT " TASK_COLS " FROM tasks WHERE status <> 3"
			    " ORDER BY scheduled_ms",
	[Q_TAG_SET] = "INSERT INTO tags(arn, key, value) VALUES(?, ?, ?)"
		      " ON CONFLICT(arn, key) DO UPDATE SET value = excluded.value",
	[Q_TAG_REMOVE] = "DELETE FROM tags WHERE arn = ? AND key = ?",
	[Q_TAG_LIST] = "SELECT key, value FROM tags WHERE arn = ? ORDER BY key",
};

typedef struct sq_store {
	st_store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[Q_COUNT]; /* prepared on first use */
	/* recursive: begin keeps it locked until commit or rollback, and the calls that thread
	 * makes in between lock it again */
	pthread_mutex_t mutex;
	int in_tx; /* between a successful begin and its commit or rollback; read under mutex */
} sq_store;

static const st_store_ops sqlite_ops;

static sq_store *from(st_store *s)
{
	return (sq_store *)s;
}

static void lock(sq_store *s)
{
	pthread_mutex_lock(&s->mutex);
}

static void unlock(sq_store *s)
{
	pthread_mutex_unlock(&s->mutex);
}

/* Keeps the database's message for the caller, with the operation it came from. */
static int fail(sq_store *s, const char *op)
{
	snprintf(s->base.err, sizeof s->base.err, "%s: %s", op, sqlite3_errmsg(s->db));
	return -1;
}

static int fail_nomem(sq_store *s, const char *op)
{
	snprintf(s->base.err, sizeof s->base.err, "%s: out of memory", op);
	return -1;
}

/* The cached statement `q`, reset and ready for binding; NULL when it cannot be prepared. */
static sqlite3_stmt *stmt(sq_store *s, int q)
{
	if (!s->stmt[q] &&
	    sqlite3_prepare_v3(s->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[q], NULL))
		return NULL;
	return s->stmt[q];
}

static int bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

/* Texts are bound with their length, so embedded NUL bytes are kept. */
static int bind_text(sqlite3_stmt *st, int i, st_text t)
{
	if (!t.ptr)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text64(st, i, t.ptr, t.len, SQLITE_STATIC, SQLITE_UTF8);
}

static int bind_blob(sqlite3_stmt *st, int i, st_text t)
{
	if (!t.ptr)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_blob64(st, i, t.ptr, t.len, SQLITE_STATIC);
}

static int bind_limit(sqlite3_stmt *st, int i, size_t limit)
{
	return bind_i64(st, i, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
}

/* Runs a statement that returns no rows: 0, 1 for a unique or primary key conflict, -1. */
static int run(sq_store *s, sqlite3_stmt *st, const char *op)
{
	int rc = sqlite3_step(st);
	int ext = sqlite3_extended_errcode(s->db);
	int r = 0;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		r = ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ? 1 : -1;
		fail(s, op);
	}
	sqlite3_reset(st);
	return r;
}

/* Copies column i into the arena, NUL-terminated; NULL stays absent. -1: out of memory. */
static int col_text(sqlite3_stmt *st, int i, asl_arena *a, st_text *out)
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

static int64_t col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

typedef int (*row_reader)(sqlite3_stmt *st, asl_arena *a, void *out);

/* Row readers, in the order of the *_COLS lists above; nonzero: out of memory. */
static int read_machine(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_machine *m = out;
	m->id = col_i64(st, 0);
	m->definition_id = col_i64(st, 6);
	m->created_ms = col_i64(st, 11);
	m->updated_ms = col_i64(st, 12);
	return col_text(st, 1, a, &m->arn) || col_text(st, 2, a, &m->name) ||
	       col_text(st, 3, a, &m->type) || col_text(st, 4, a, &m->role_arn) ||
	       col_text(st, 5, a, &m->status) || col_text(st, 7, a, &m->revision_id) ||
	       col_text(st, 8, a, &m->logging) || col_text(st, 9, a, &m->tracing) ||
	       col_text(st, 10, a, &m->encryption);
}

static int read_definition(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_definition *d = out;
	d->id = col_i64(st, 0);
	d->machine_id = col_i64(st, 1);
	d->created_ms = col_i64(st, 5);
	return col_text(st, 2, a, &d->text) || col_text(st, 3, a, &d->revision_id) ||
	       col_text(st, 4, a, &d->role_arn);
}

static int read_execution(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_execution *e = out;
	e->id = col_i64(st, 0);
	e->machine_id = col_i64(st, 1);
	e->definition_id = col_i64(st, 2);
	e->start_ms = col_i64(st, 12);
	e->stop_ms = col_i64(st, 13);
	e->event_count = col_i64(st, 14);
	e->wake_ms = col_i64(st, 16);
	e->express = (int)col_i64(st, 17);
	return col_text(st, 3, a, &e->arn) || col_text(st, 4, a, &e->name) ||
	       col_text(st, 5, a, &e->machine_arn) || col_text(st, 6, a, &e->status) ||
	       col_text(st, 7, a, &e->input) || col_text(st, 8, a, &e->output) ||
	       col_text(st, 9, a, &e->error) || col_text(st, 10, a, &e->cause) ||
	       col_text(st, 11, a, &e->trace_header) || col_text(st, 15, a, &e->snapshot);
}

static int read_event(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_event *e = out;
	e->id = col_i64(st, 0);
	e->previous_id = col_i64(st, 1);
	e->timestamp_ms = col_i64(st, 2);
	return col_text(st, 3, a, &e->type) || col_text(st, 4, a, &e->details_key) ||
	       col_text(st, 5, a, &e->details);
}

static int read_activity(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_activity *act = out;
	act->id = col_i64(st, 0);
	act->created_ms = col_i64(st, 3);
	return col_text(st, 1, a, &act->arn) || col_text(st, 2, a, &act->name);
}

static int read_task(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_task *t = out;
	t->execution_id = col_i64(st, 1);
	t->status = (st_task_status)col_i64(st, 5);
	t->scheduled_ms = col_i64(st, 7);
	t->started_event_id = col_i64(st, 8);
	t->succeeded = (int)col_i64(st, 9);
	return col_text(st, 0, a, &t->token) || col_text(st, 2, a, &t->kind) ||
	       col_text(st, 3, a, &t->activity_arn) || col_text(st, 4, a, &t->input) ||
	       col_text(st, 6, a, &t->worker_name) || col_text(st, 10, a, &t->output) ||
	       col_text(st, 11, a, &t->error) || col_text(st, 12, a, &t->cause);
}

static int read_tag(sqlite3_stmt *st, asl_arena *a, void *out)
{
	st_tag *t = out;
	return col_text(st, 0, a, &t->key) || col_text(st, 1, a, &t->value);
}

/* Steps a bound query to its first row and reads it into `out`: 0, 1 when there is none, -1.
 * Resets the statement and unlocks the store. */
static int get_one(sq_store *s, sqlite3_stmt *st, const char *op, row_reader read, asl_arena *a,
		   void *out)
{
	int rc = sqlite3_step(st), r;
	if (rc == SQLITE_ROW)
		r = read(st, a, out) ? fail_nomem(s, op) : 0;
	else if (rc == SQLITE_DONE) {
		snprintf(s->base.err, sizeof s->base.err, "%s: not found", op);
		r = 1;
	} else
		r = fail(s, op);
	sqlite3_reset(st);
	unlock(s);
	return r;
}

/* Steps a bound query through all its rows into an array of `size`-byte items that grows in
 * the arena (*rows; NULL when there are none): 0 or -1. Resets the statement and unlocks the
 * store. */
static int get_all(sq_store *s, sqlite3_stmt *st, const char *op, row_reader read, size_t size,
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
				r = fail_nomem(s, op);
				break;
			}
			if (count)
				memcpy(grown, items, count * size);
			items = grown;
			cap = more;
		}
		if (read(st, a, items + count * size)) {
			r = fail_nomem(s, op);
			break;
		}
		count++;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = fail(s, op);
	sqlite3_reset(st);
	unlock(s);
	*rows = r ? NULL : items;
	*n = r ? 0 : count;
	return r;
}

/* Prepares statement q under the lock; on failure unlocks and reports. */
static sqlite3_stmt *start(sq_store *s, int q, const char *op)
{
	lock(s);
	sqlite3_stmt *st = stmt(s, q);
	if (!st) {
		fail(s, op);
		unlock(s);
	}
	return st;
}

/* Reports a binding that failed (too big, out of memory) and leaves the call: -1. Unlocks. */
static int bind_failed(sq_store *s, sqlite3_stmt *st, const char *op)
{
	fail(s, op);
	sqlite3_reset(st);
	unlock(s);
	return -1;
}

/* The rows an UPDATE or DELETE changed: none is "not found". */
static int changed(sq_store *s, int r, const char *op)
{
	if (r == 0 && sqlite3_changes(s->db) == 0) {
		snprintf(s->base.err, sizeof s->base.err, "%s: not found", op);
		return 1;
	}
	return r;
}

/* Runs a bound INSERT: 0 with the new row's id in *id (id may be NULL), 1 when a unique key
 * is taken, -1. Unlocks. */
static int insert(sq_store *s, sqlite3_stmt *st, const char *op, int64_t *id)
{
	int r = run(s, st, op);
	if (r == 0 && id)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return r;
}

/* Runs a bound UPDATE of one row: 0, 1 when there is no such row or a unique key is taken,
 * -1. Unlocks. */
static int update(sq_store *s, sqlite3_stmt *st, const char *op)
{
	int r = changed(s, run(s, st, op), op);
	unlock(s);
	return r;
}

/* Runs the cached statement q, which takes no parameters (savepoints): 0 or -1. */
static int exec_cached(sq_store *s, int q, const char *op)
{
	sqlite3_stmt *st = stmt(s, q);
	return st ? run(s, st, op) : fail(s, op);
}

/* An operation of several statements opens a savepoint (inside begin..commit or not) and ends
 * it with op_end: released when r is 0, rolled back to otherwise. Returns r. */
static int op_begin(sq_store *s, const char *op)
{
	lock(s);
	if (exec_cached(s, Q_SAVEPOINT, op)) {
		unlock(s);
		return -1;
	}
	return 0;
}

static int op_end(sq_store *s, int r, const char *op)
{
	if (r == 0 && exec_cached(s, Q_RELEASE, op))
		r = -1;
	if (r != 0) {
		char keep[sizeof s->base.err];
		memcpy(keep, s->base.err, sizeof keep); /* the first error is the one to tell */
		exec_cached(s, Q_ROLLBACK_TO, op);
		exec_cached(s, Q_RELEASE, op);
		memcpy(s->base.err, keep, sizeof keep);
	}
	unlock(s);
	return r;
}

/* --- transactions --- */

static int sq_begin(st_store *base)
{
	sq_store *s = from(base);
	lock(s);
	if (s->in_tx) {
		snprintf(s->base.err, sizeof s->base.err, "begin: a transaction is already open");
		unlock(s);
		return -1;
	}
	if (exec_cached(s, Q_BEGIN, "begin")) {
		unlock(s);
		return -1;
	}
	s->in_tx = 1;
	return 0; /* the mutex stays locked until commit or rollback */
}

/* Ends the open transaction and releases begin's lock (the caller holds its own too). */
static void end_tx(sq_store *s)
{
	s->in_tx = 0;
	unlock(s);
}

static int sq_commit(st_store *base)
{
	sq_store *s = from(base);
	lock(s);
	int r = 0;
	if (!s->in_tx) {
		snprintf(s->base.err, sizeof s->base.err, "commit: no transaction is open");
		r = -1;
	} else {
		if (exec_cached(s, Q_COMMIT, "commit")) {
			/* nothing of it is kept, so a rollback after this is harmless */
			r = -1;
			if (!sqlite3_get_autocommit(s->db))
				exec_cached(s, Q_ROLLBACK, "commit");
		}
		end_tx(s);
	}
	unlock(s);
	return r;
}

static void sq_rollback(st_store *base)
{
	sq_store *s = from(base);
	lock(s);
	if (s->in_tx) {
		exec_cached(s, Q_ROLLBACK, "rollback");
		end_tx(s);
	}
	unlock(s);
}

/* --- state machines and definitions --- */

/* Every field but the id, from parameter i on, in the order of MACHINE_COLS. */
static int bind_machine(sqlite3_stmt *st, int i, const st_machine *m)
{
	return bind_text(st, i, m->arn) || bind_text(st, i + 1, m->name) ||
	       bind_text(st, i + 2, m->type) || bind_text(st, i + 3, m->role_arn) ||
	       bind_text(st, i + 4, m->status) || bind_i64(st, i + 5, m->definition_id) ||
	       bind_text(st, i + 6, m->revision_id) || bind_text(st, i + 7, m->logging) ||
	       bind_text(st, i + 8, m->tracing) || bind_text(st, i + 9, m->encryption) ||
	       bind_i64(st, i + 10, m->created_ms) || bind_i64(st, i + 11, m->updated_ms);
}

static int sq_machine_put(st_store *base, st_machine *m)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_MACHINE_PUT, "machine_put");
	if (!st)
		return -1;
	if (bind_machine(st, 1, m))
		return bind_failed(s, st, "machine_put");
	return insert(s, st, "machine_put", &m->id);
}

static int sq_machine_update(st_store *base, const st_machine *m)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_MACHINE_UPDATE, "machine_update");
	if (!st)
		return -1;
	if (bind_i64(st, 1, m->id) || bind_machine(st, 2, m))
		return bind_failed(s, st, "machine_update");
	return update(s, st, "machine_update");
}

static int sq_machine_get(st_store *base, const char *arn, asl_arena *a, st_machine *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_MACHINE_GET, "machine_get");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(arn)))
		return bind_failed(s, st, "machine_get");
	return get_one(s, st, "machine_get", read_machine, a, out);
}

static int sq_machine_get_id(st_store *base, int64_t id, asl_arena *a, st_machine *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_MACHINE_GET_ID, "machine_get_id");
	if (!st)
		return -1;
	bind_i64(st, 1, id); /* an integer binds to a valid index without fail */
	return get_one(s, st, "machine_get_id", read_machine, a, out);
}

static int sq_machine_delete(st_store *base, int64_t id)
{
	sq_store *s = from(base);
	if (op_begin(s, "machine_delete"))
		return -1;
	sqlite3_stmt *tags = stmt(s, Q_MACHINE_TAGS_DELETE), *del = stmt(s, Q_MACHINE_DELETE);
	int r;
	if (!tags || !del)
		r = fail(s, "machine_delete");
	else {
		bind_i64(tags, 1, id);
		bind_i64(del, 1, id);
		r = run(s, tags, "machine_delete");
		if (r == 0)
			r = changed(s, run(s, del, "machine_delete"), "machine_delete");
	}
	return op_end(s, r, "machine_delete");
}

static int sq_machine_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
			   st_machine **out, size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_MACHINE_LIST, "machine_list");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(after_name ? after_name : "")) || bind_limit(st, 2, limit))
		return bind_failed(s, st, "machine_list");
	void *rows;
	int r = get_all(s, st, "machine_list", read_machine, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

static int sq_definition_put(st_store *base, st_definition *d)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_DEFINITION_PUT, "definition_put");
	if (!st)
		return -1;
	if (bind_i64(st, 1, d->machine_id) || bind_text(st, 2, d->text) ||
	    bind_text(st, 3, d->revision_id) || bind_text(st, 4, d->role_arn) ||
	    bind_i64(st, 5, d->created_ms))
		return bind_failed(s, st, "definition_put");
	return insert(s, st, "definition_put", &d->id);
}

static int sq_definition_get(st_store *base, int64_t id, asl_arena *a, st_definition *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_DEFINITION_GET, "definition_get");
	if (!st)
		return -1;
	bind_i64(st, 1, id);
	return get_one(s, st, "definition_get", read_definition, a, out);
}

/* --- executions and their history --- */

static int sq_execution_put(st_store *base, st_execution *e)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EXECUTION_PUT, "execution_put");
	if (!st)
		return -1;
	int bad = bind_i64(st, 1, e->machine_id) || bind_i64(st, 2, e->definition_id) ||
		  bind_text(st, 3, e->arn) || bind_text(st, 4, e->name) ||
		  bind_text(st, 5, e->machine_arn) || bind_text(st, 6, e->status) ||
		  bind_text(st, 7, e->input) || bind_text(st, 8, e->output) ||
		  bind_text(st, 9, e->error) || bind_text(st, 10, e->cause) ||
		  bind_text(st, 11, e->trace_header) || bind_i64(st, 12, e->start_ms) ||
		  bind_i64(st, 13, e->stop_ms) || bind_i64(st, 14, e->event_count) ||
		  bind_blob(st, 15, e->snapshot) || bind_i64(st, 16, e->wake_ms) ||
		  bind_i64(st, 17, e->express != 0);
	if (bad)
		return bind_failed(s, st, "execution_put");
	return insert(s, st, "execution_put", &e->id);
}

static int sq_execution_get(st_store *base, const char *arn, asl_arena *a, st_execution *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EXECUTION_GET, "execution_get");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(arn)))
		return bind_failed(s, st, "execution_get");
	return get_one(s, st, "execution_get", read_execution, a, out);
}

static int sq_execution_get_id(st_store *base, int64_t id, asl_arena *a, st_execution *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EXECUTION_GET_ID, "execution_get_id");
	if (!st)
		return -1;
	bind_i64(st, 1, id);
	return get_one(s, st, "execution_get_id", read_execution, a, out);
}

static int sq_execution_get_name(st_store *base, int64_t machine_id, const char *name, asl_arena *a,
				 st_execution *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EXECUTION_GET_NAME, "execution_get_name");
	if (!st)
		return -1;
	if (bind_i64(st, 1, machine_id) || bind_text(st, 2, st_cstr(name)))
		return bind_failed(s, st, "execution_get_name");
	return get_one(s, st, "execution_get_name", read_execution, a, out);
}

/* The largest event id of events[0..n-1]: the execution's event_count after they are stored
 * (ids only grow). */
static int64_t last_id(const st_event *events, size_t n)
{
	int64_t last = 0;
	for (size_t i = 0; i < n; i++)
		if (events[i].id > last)
			last = events[i].id;
	return last;
}

/* Inserts events of execution `id`, keeping those already there: 0 or -1. Under the lock. */
static int put_events(sq_store *s, int64_t id, const st_event *events, size_t n, const char *op)
{
	sqlite3_stmt *st = stmt(s, Q_EVENT_PUT);
	if (!st)
		return fail(s, op);
	for (size_t i = 0; i < n; i++) {
		const st_event *e = &events[i];
		if (bind_i64(st, 1, id) || bind_i64(st, 2, e->id) ||
		    bind_i64(st, 3, e->previous_id) || bind_i64(st, 4, e->timestamp_ms) ||
		    bind_text(st, 5, e->type) || bind_text(st, 6, e->details_key) ||
		    bind_text(st, 7, e->details)) {
			sqlite3_reset(st);
			return fail(s, op);
		}
		if (run(s, st, op))
			return -1; /* OR IGNORE: any error here is a real one */
	}
	return 0;
}

static int sq_execution_checkpoint(st_store *base, int64_t id, const st_event *events, size_t n,
				   st_text snapshot, int64_t wake_ms)
{
	sq_store *s = from(base);
	const char *op = "execution_checkpoint";
	if (op_begin(s, op))
		return -1;
	/* the execution first, so that an unknown one is "not found", not a foreign key error */
	sqlite3_stmt *st = stmt(s, Q_EXECUTION_CHECKPOINT);
	int r;
	if (!st)
		r = fail(s, op);
	else if (bind_i64(st, 1, id) || bind_blob(st, 2, snapshot) || bind_i64(st, 3, wake_ms) ||
		 bind_i64(st, 4, last_id(events, n))) {
		sqlite3_reset(st);
		r = fail(s, op);
	} else
		r = changed(s, run(s, st, op), op);
	if (r == 0)
		r = put_events(s, id, events, n, op);
	return op_end(s, r, op);
}

static int sq_execution_finish(st_store *base, int64_t id, const st_event *events, size_t n,
			       const st_execution *end)
{
	sq_store *s = from(base);
	const char *op = "execution_finish";
	if (op_begin(s, op))
		return -1;
	sqlite3_stmt *st = stmt(s, Q_EXECUTION_FINISH), *tasks = stmt(s, Q_EXECUTION_CLOSE_TASKS);
	int r;
	if (!st || !tasks)
		r = fail(s, op);
	else if (bind_i64(st, 1, id) || bind_text(st, 2, end->status) ||
		 bind_text(st, 3, end->output) || bind_text(st, 4, end->error) ||
		 bind_text(st, 5, end->cause) || bind_i64(st, 6, end->stop_ms) ||
		 bind_i64(st, 7, last_id(events, n))) {
		sqlite3_reset(st);
		r = fail(s, op);
	} else
		r = changed(s, run(s, st, op), op); /* first, as in a checkpoint */
	if (r == 0)
		r = put_events(s, id, events, n, op);
	if (r == 0) {
		bind_i64(tasks, 1, id);
		r = run(s, tasks, op);
	}
	return op_end(s, r, op);
}

static int sq_execution_list(st_store *base, const st_exec_query *q, asl_arena *a,
			     st_execution **out, size_t *n)
{
	sq_store *s = from(base);
	int by_status = q->status.ptr != NULL;
	sqlite3_stmt *st =
		start(s, by_status ? Q_EXECUTION_LIST_STATUS : Q_EXECUTION_LIST, "execution_list");
	if (!st)
		return -1;
	/* the first page starts after the largest key there can be */
	int64_t after_start = q->after_id ? q->after_start_ms : INT64_MAX;
	int64_t after_id = q->after_id ? q->after_id : INT64_MAX;
	if (bind_i64(st, 1, q->machine_id) || (by_status && bind_text(st, 2, q->status)) ||
	    bind_i64(st, 3, after_start) || bind_i64(st, 4, after_id) ||
	    bind_limit(st, 5, q->limit))
		return bind_failed(s, st, "execution_list");
	void *rows;
	int r = get_all(s, st, "execution_list", read_execution, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

static int sq_execution_running(st_store *base, asl_arena *a, st_execution **out, size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EXECUTION_RUNNING, "execution_running");
	if (!st)
		return -1;
	void *rows;
	int r = get_all(s, st, "execution_running", read_execution, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

static int sq_event_list(st_store *base, int64_t execution_id, int reverse, int64_t from_id,
			 size_t limit, asl_arena *a, st_event **out, size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, reverse ? Q_EVENT_LIST_REVERSE : Q_EVENT_LIST, "event_list");
	if (!st)
		return -1;
	if (reverse && from_id == 0)
		from_id = INT64_MAX; /* from the end */
	bind_i64(st, 1, execution_id);
	bind_i64(st, 2, from_id);
	bind_limit(st, 3, limit);
	void *rows;
	int r = get_all(s, st, "event_list", read_event, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

static int sq_event_update(st_store *base, int64_t execution_id, const st_event *e)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_EVENT_UPDATE, "event_update");
	if (!st)
		return -1;
	int bad = bind_i64(st, 1, execution_id) || bind_i64(st, 2, e->id) ||
		  bind_i64(st, 3, e->previous_id) || bind_i64(st, 4, e->timestamp_ms) ||
		  bind_text(st, 5, e->type) || bind_text(st, 6, e->details_key) ||
		  bind_text(st, 7, e->details);
	if (bad)
		return bind_failed(s, st, "event_update");
	return update(s, st, "event_update");
}

/* --- activities --- */

static int sq_activity_put(st_store *base, st_activity *act)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_ACTIVITY_PUT, "activity_put");
	if (!st)
		return -1;
	if (bind_text(st, 1, act->arn) || bind_text(st, 2, act->name) ||
	    bind_i64(st, 3, act->created_ms))
		return bind_failed(s, st, "activity_put");
	return insert(s, st, "activity_put", &act->id);
}

static int sq_activity_get(st_store *base, const char *arn, asl_arena *a, st_activity *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_ACTIVITY_GET, "activity_get");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(arn)))
		return bind_failed(s, st, "activity_get");
	return get_one(s, st, "activity_get", read_activity, a, out);
}

static int sq_activity_list(st_store *base, const char *after_name, size_t limit, asl_arena *a,
			    st_activity **out, size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_ACTIVITY_LIST, "activity_list");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(after_name ? after_name : "")) || bind_limit(st, 2, limit))
		return bind_failed(s, st, "activity_list");
	void *rows;
	int r = get_all(s, st, "activity_list", read_activity, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

static int sq_activity_delete(st_store *base, const char *arn)
{
	sq_store *s = from(base);
	if (op_begin(s, "activity_delete"))
		return -1;
	sqlite3_stmt *tags = stmt(s, Q_ACTIVITY_TAGS_DELETE), *del = stmt(s, Q_ACTIVITY_DELETE);
	int r;
	if (!tags || !del || bind_text(tags, 1, st_cstr(arn)) || bind_text(del, 1, st_cstr(arn)))
		r = fail(s, "activity_delete");
	else {
		r = run(s, tags, "activity_delete");
		if (r == 0)
			r = changed(s, run(s, del, "activity_delete"), "activity_delete");
	}
	return op_end(s, r, "activity_delete");
}

/* --- task tokens --- */

/* The 13 columns of TASK_COLS, token first. */
static int bind_task(sqlite3_stmt *st, const st_task *t)
{
	return bind_text(st, 1, t->token) || bind_i64(st, 2, t->execution_id) ||
	       bind_text(st, 3, t->kind) || bind_text(st, 4, t->activity_arn) ||
	       bind_text(st, 5, t->input) || bind_i64(st, 6, t->status) ||
	       bind_text(st, 7, t->worker_name) || bind_i64(st, 8, t->scheduled_ms) ||
	       bind_i64(st, 9, t->started_event_id) || bind_i64(st, 10, t->succeeded != 0) ||
	       bind_text(st, 11, t->output) || bind_text(st, 12, t->error) ||
	       bind_text(st, 13, t->cause);
}

static int sq_task_put(st_store *base, const st_task *t)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_TASK_PUT, "task_put");
	if (!st)
		return -1;
	if (bind_task(st, t))
		return bind_failed(s, st, "task_put");
	return insert(s, st, "task_put", NULL);
}

static int sq_task_get(st_store *base, const char *token, asl_arena *a, st_task *out)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_TASK_GET, "task_get");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(token)))
		return bind_failed(s, st, "task_get");
	return get_one(s, st, "task_get", read_task, a, out);
}

static int sq_task_update(st_store *base, const st_task *t)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_TASK_UPDATE, "task_update");
	if (!st)
		return -1;
	if (bind_task(st, t))
		return bind_failed(s, st, "task_update");
	return update(s, st, "task_update");
}

static int sq_task_open(st_store *base, int64_t execution_id, asl_arena *a, st_task **out,
			size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, execution_id ? Q_TASK_OPEN : Q_TASK_OPEN_ALL, "task_open");
	if (!st)
		return -1;
	if (execution_id)
		bind_i64(st, 1, execution_id);
	void *rows;
	int r = get_all(s, st, "task_open", read_task, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

/* --- tags --- */

static int sq_tag_set(st_store *base, const char *arn, const st_tag *tags, size_t n)
{
	sq_store *s = from(base);
	if (op_begin(s, "tag_set"))
		return -1;
	sqlite3_stmt *st = stmt(s, Q_TAG_SET);
	int r = st ? 0 : fail(s, "tag_set");
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (bind_text(st, 1, st_cstr(arn)) || bind_text(st, 2, tags[i].key) ||
		    bind_text(st, 3, tags[i].value)) {
			sqlite3_reset(st);
			r = fail(s, "tag_set");
		} else
			r = run(s, st, "tag_set");
	}
	return op_end(s, r, "tag_set");
}

static int sq_tag_remove(st_store *base, const char *arn, const st_text *keys, size_t n)
{
	sq_store *s = from(base);
	if (op_begin(s, "tag_remove"))
		return -1;
	sqlite3_stmt *st = stmt(s, Q_TAG_REMOVE);
	int r = st ? 0 : fail(s, "tag_remove");
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (bind_text(st, 1, st_cstr(arn)) || bind_text(st, 2, keys[i])) {
			sqlite3_reset(st);
			r = fail(s, "tag_remove");
		} else
			r = run(s, st, "tag_remove");
	}
	return op_end(s, r, "tag_remove");
}

static int sq_tag_list(st_store *base, const char *arn, asl_arena *a, st_tag **out, size_t *n)
{
	sq_store *s = from(base);
	sqlite3_stmt *st = start(s, Q_TAG_LIST, "tag_list");
	if (!st)
		return -1;
	if (bind_text(st, 1, st_cstr(arn)))
		return bind_failed(s, st, "tag_list");
	void *rows;
	int r = get_all(s, st, "tag_list", read_tag, sizeof **out, a, &rows, n);
	*out = rows;
	return r;
}

/* --- opening and closing --- */

static void sq_close(st_store *base)
{
	sq_store *s = from(base);
	if (!s)
		return;
	if (s->in_tx) /* closed inside begin..commit: what it wrote is dropped */
		sq_rollback(base);
	for (int q = 0; q < Q_COUNT; q++)
		sqlite3_finalize(s->stmt[q]);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mutex);
	free(s);
}

static int64_t user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Creates the tables of a new store, or checks the version of an existing one: 0 or -1. */
static int prepare_schema(sq_store *s, const char *path)
{
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, "schema");
	int64_t v = user_version(s->db);
	int r = 0;
	if (v < 0)
		r = fail(s, "schema");
	else if (v == 0) {
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version = %d", SCHEMA_VERSION);
		if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, set, NULL, NULL, NULL) != SQLITE_OK)
			r = fail(s, "schema");
	} else if (v > SCHEMA_VERSION) {
		snprintf(s->base.err, sizeof s->base.err,
			 "%s: the store's schema version is %" PRId64
			 ", newer than this aslc's (%d)",
			 path, v, SCHEMA_VERSION);
		r = -1;
	}
	/* versions between 1 and SCHEMA_VERSION would be migrated here */
	if (sqlite3_exec(s->db, r ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && r == 0)
		r = fail(s, "schema");
	return r;
}

st_store *st_sqlite_open(const char *path, int sync_full, char *err, size_t errlen)
{
	sq_store *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mutex, &attr);
	pthread_mutexattr_destroy(&attr);
	/* NOMUTEX: the store's own mutex already serializes every use of the connection */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "cannot open the store");
		sq_close(&s->base);
		return NULL;
	}
	char pragmas[160];
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;"
		 " PRAGMA synchronous = %s; PRAGMA foreign_keys = ON;",
		 sync_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		sq_close(&s->base);
		return NULL;
	}
	if (prepare_schema(s, path)) {
		snprintf(err, errlen, "%s", s->base.err);
		sq_close(&s->base);
		return NULL;
	}
	return &s->base;
}

static const st_store_ops sqlite_ops = {
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.machine_put = sq_machine_put,
	.machine_update = sq_machine_update,
	.machine_get = sq_machine_get,
	.machine_get_id = sq_machine_get_id,
	.machine_delete = sq_machine_delete,
	.machine_list = sq_machine_list,
	.definition_put = sq_definition_put,
	.definition_get = sq_definition_get,
	.execution_put = sq_execution_put,
	.execution_get = sq_execution_get,
	.execution_get_id = sq_execution_get_id,
	.execution_get_name = sq_execution_get_name,
	.execution_checkpoint = sq_execution_checkpoint,
	.execution_finish = sq_execution_finish,
	.execution_list = sq_execution_list,
	.execution_running = sq_execution_running,
	.event_list = sq_event_list,
	.event_update = sq_event_update,
	.activity_put = sq_activity_put,
	.activity_get = sq_activity_get,
	.activity_list = sq_activity_list,
	.activity_delete = sq_activity_delete,
	.task_put = sq_task_put,
	.task_get = sq_task_get,
	.task_update = sq_task_update,
	.task_open = sq_task_open,
	.tag_set = sq_tag_set,
	.tag_remove = sq_tag_remove,
	.tag_list = sq_tag_list,
};
