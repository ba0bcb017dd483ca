/* The service's store (store.h) on SQLite: one connection in WAL mode, its statements prepared
 * once, and one mutex that serializes every call and is held from begin to commit, so a
 * transaction sees no other thread's writes in between. This file opens the store, keeps the
 * calling thread's message, caches the statements and runs transactions and savepoints; the
 * operations are in store_sqlite_machines.c, _executions.c and _tasks.c, the SQL in _sql.c. */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"

static const st_store_ops sqlite_ops;

/* --- the calling thread's message --- */

/* Per thread, not per store: the store serves several threads at once, and one thread's
 * failure must not replace another's message before that one has read it. The one kept is the
 * thread's last, whichever store it came from. */
static _Thread_local char last_error[256];

void sq_message(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

/* Keeps the database's message for the caller, with the operation it came from. */
int sq_fail(sq_store *s, const char *op)
{
	sq_message("%s: %s", op, sqlite3_errmsg(s->db));
	return -1;
}

int sq_fail_nomem(const char *op)
{
	sq_message("%s: out of memory", op);
	return -1;
}

static const char *sq_error(st_store *s)
{
	(void)s; /* one message per thread, whichever store */
	return last_error;
}

/* --- the statement cache --- */

sqlite3_stmt *sq_stmt(sq_store *s, int q)
{
	if (!s->stmt[q] &&
	    sqlite3_prepare_v3(s->db, sq_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[q], NULL))
		return NULL;
	return s->stmt[q];
}

/* Runs the cached statement q, which takes no parameters (savepoints): 0 or -1. */
static int exec_cached(sq_store *s, int q, const char *op)
{
	sqlite3_stmt *st = sq_stmt(s, q);
	return st ? sq_run(s, st, op) : sq_fail(s, op);
}

/* Savepoints (store_sqlite.h): an operation of several statements is all or nothing. */
int sq_op_begin(sq_store *s, const char *op)
{
	sq_lock(s);
	if (exec_cached(s, Q_SAVEPOINT, op)) {
		sq_unlock(s);
		return -1;
	}
	return 0;
}

int sq_op_end(sq_store *s, int r, const char *op)
{
	if (r == 0 && exec_cached(s, Q_RELEASE, op))
		r = -1;
	if (r != 0) {
		char keep[sizeof last_error];
		memcpy(keep, last_error, sizeof keep); /* the first error is the one to tell */
		exec_cached(s, Q_ROLLBACK_TO, op);
		exec_cached(s, Q_RELEASE, op);
		memcpy(last_error, keep, sizeof keep);
	}
	sq_unlock(s);
	return r;
}

/* --- transactions --- */

static int sq_begin(st_store *base)
{
	sq_store *s = sq_from(base);
	sq_lock(s);
	if (s->in_tx) {
		sq_message("begin: a transaction is already open");
		sq_unlock(s);
		return -1;
	}
	if (exec_cached(s, Q_BEGIN, "begin")) {
		sq_unlock(s);
		return -1;
	}
	s->in_tx = 1;
	return 0; /* the mutex stays locked until commit or rollback */
}

/* Ends the open transaction and releases begin's lock (the caller holds its own too). */
static void end_tx(sq_store *s)
{
	s->in_tx = 0;
	sq_unlock(s);
}

static int sq_commit(st_store *base)
{
	sq_store *s = sq_from(base);
	sq_lock(s);
	int r = 0;
	if (!s->in_tx) {
		sq_message("commit: no transaction is open");
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
	sq_unlock(s);
	return r;
}

static void sq_rollback(st_store *base)
{
	sq_store *s = sq_from(base);
	sq_lock(s);
	if (s->in_tx) {
		exec_cached(s, Q_ROLLBACK, "rollback");
		end_tx(s);
	}
	sq_unlock(s);
}

/* --- opening and closing --- */

static void sq_close(st_store *base)
{
	sq_store *s = sq_from(base);
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
		return sq_fail(s, "schema");
	int64_t v = user_version(s->db);
	int r = 0;
	if (v < 0)
		r = sq_fail(s, "schema");
	else if (v == 0) {
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version = %d", SQ_SCHEMA_VERSION);
		if (sqlite3_exec(s->db, sq_schema, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, set, NULL, NULL, NULL) != SQLITE_OK)
			r = sq_fail(s, "schema");
	} else if (v > SQ_SCHEMA_VERSION) {
		sq_message("%s: the store's schema version is %" PRId64
			   ", newer than this aslc's (%d)",
			   path, v, SQ_SCHEMA_VERSION);
		r = -1;
	}
	/* versions between 1 and SQ_SCHEMA_VERSION would be migrated here */
	if (sqlite3_exec(s->db, r ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && r == 0)
		r = sq_fail(s, "schema");
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
	/* EXCLUSIVE: one server owns the file (no file lock taken and dropped per transaction, and
	 * a second server on the same file is refused instead of sharing it); a larger
	 * auto-checkpoint makes the WAL's fsyncs rarer */
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA busy_timeout = 2000; PRAGMA locking_mode = EXCLUSIVE;"
		 " PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 4000;"
		 " PRAGMA synchronous = %s; PRAGMA foreign_keys = ON;",
		 sync_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		if (sqlite3_errcode(s->db) == SQLITE_BUSY)
			snprintf(err, errlen, "in use by another process (another aslc serve?)");
		else
			snprintf(err, errlen, "%s", sqlite3_errmsg(s->db));
		sq_close(&s->base);
		return NULL;
	}
	if (prepare_schema(s, path)) {
		if (sqlite3_errcode(s->db) == SQLITE_BUSY)
			snprintf(err, errlen, "in use by another process (another aslc serve?)");
		else
			snprintf(err, errlen, "%s", last_error);
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
	.error = sq_error,
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
