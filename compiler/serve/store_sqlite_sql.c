/* The SQLite store's SQL: the schema of a new store (version SQ_SCHEMA_VERSION) and the text
 * of every statement, by number (store_sqlite.h), in one place so the tables and the queries
 * that read them are read together. */
#include "store_sqlite.h"

/* The SQL below writes a closed task's status as the number 3, so that the partial index on
 * open tasks applies. */
_Static_assert(ST_TASK_CLOSED == 3, "the SQL below writes ST_TASK_CLOSED as 3");

const char sq_schema[] =
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
	" scheduled_ms INTEGER NOT NULL, succeeded INTEGER NOT NULL, output TEXT, error TEXT, cause TEXT) WITHOUT ROWID;"
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
	" succeeded, output, error, cause"

const char *const sq_sql[Q_COUNT] = {
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
		" WHERE id = ?1 AND status = 'RUNNING'",
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
	[Q_ACTIVITY_PUT] = "INSERT INTO activities(id, arn, name, created_ms)"
			   " VALUES(NULL, ?, ?, ?)",
	[Q_ACTIVITY_GET] = "SELECT id, arn, name, created_ms FROM activities WHERE arn = ?",
	[Q_ACTIVITY_LIST] = "SELECT id, arn, name, created_ms FROM activities WHERE name > ?"
			    " ORDER BY name LIMIT ?",
	[Q_ACTIVITY_TAGS_DELETE] = "DELETE FROM tags WHERE arn = ?",
	[Q_ACTIVITY_DELETE] = "DELETE FROM activities WHERE arn = ?",
	[Q_TASK_PUT] =
		"INSERT INTO tasks(" TASK_COLS ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_TASK_GET] = "SELECT " TASK_COLS " FROM tasks WHERE token = ?",
	[Q_TASK_UPDATE] =
		"UPDATE tasks SET execution_id = ?2, kind = ?3, activity_arn = ?4,"
		" input = ?5, status = ?6, worker_name = ?7, scheduled_ms = ?8,"
		" succeeded = ?9, output = ?10, error = ?11, cause = ?12 WHERE token = ?1",
	[Q_TASK_OPEN] = "SELECT " TASK_COLS " FROM tasks WHERE execution_id = ? AND status <> 3"
			" ORDER BY scheduled_ms",
	[Q_TASK_OPEN_ALL] = "SELECT " TASK_COLS " FROM tasks WHERE status <> 3"
			    " ORDER BY scheduled_ms",
	[Q_TAG_SET] = "INSERT INTO tags(arn, key, value) VALUES(?, ?, ?)"
		      " ON CONFLICT(arn, key) DO UPDATE SET value = excluded.value",
	[Q_TAG_REMOVE] = "DELETE FROM tags WHERE arn = ? AND key = ?",
	[Q_TAG_LIST] = "SELECT key, value FROM tags WHERE arn = ? ORDER BY key",
};
