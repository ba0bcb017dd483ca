/* Activities and task tokens: Create (idempotent on the name), Describe, List, Delete,
 * GetActivityTask (a long poll; the task is marked started and its ActivityStarted event gets
 * the worker's name before the answer is written), and SendTaskSuccess / Failure / Heartbeat
 * with AWS's InvalidToken, TaskTimedOut and InvalidOutput. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "api.h"
#include "engine.h"

int sv_op_CreateActivity(sv_call *c)
{
	size_t len;
	const char *name = sv_string(c, "name", 1, 1, 80, &len);
	if (sv_invalid(c) < 0)
		return -1;
	if (!sv_name_valid(name, len))
		return sv_error(c, "InvalidName", "Invalid Name: '%s'", name);
	st_store *s = c->srv->store;
	st_activity a = {0};
	a.arn = st_cstr(sv_printf(&c->arena, "arn:aws:states:%s:%s:activity:%s", c->region,
				  c->srv->cfg.account, name));
	a.name = (st_text){name, len};
	a.created_ms = sv_now_ms();
	int rc = s->ops->activity_put(s, &a);
	if (rc == 1) /* idempotent: the first one's ARN and date */
		rc = s->ops->activity_get(s, a.arn.ptr, &c->arena, &a);
	if (rc)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_put_string(c, "activityArn", a.arn.ptr, a.arn.len);
	sv_put_time(c, "creationDate", a.created_ms);
	sv_close(c);
	return 0;
}

static int find_activity(sv_call *c, const char *arn, st_activity *a)
{
	if (sv_check_arn(c, arn, "activity") < 0)
		return -1;
	int rc = c->srv->store->ops->activity_get(c->srv->store, arn, &c->arena, a);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc)
		return sv_error(c, "ActivityDoesNotExist", "Activity Does Not Exist: '%s'", arn);
	return 0;
}

int sv_op_DescribeActivity(sv_call *c)
{
	const char *arn = sv_string(c, "activityArn", 1, 1, 256, NULL);
	st_activity a;
	if (sv_invalid(c) < 0 || find_activity(c, arn, &a) < 0)
		return -1;
	sv_open(c, NULL);
	sv_put_string(c, "activityArn", a.arn.ptr, a.arn.len);
	sv_put_string(c, "name", a.name.ptr, a.name.len);
	sv_put_time(c, "creationDate", a.created_ms);
	sv_put_raw(c, "encryptionConfiguration", "{\"type\":\"AWS_OWNED_KEY\"}", 24);
	sv_close(c);
	return 0;
}

int sv_op_ListActivities(sv_call *c)
{
	int64_t max = sv_int(c, "maxResults", 0, 0, 1000);
	const char *token = sv_string(c, "nextToken", 0, 1, 1024, NULL);
	if (sv_invalid(c) < 0)
		return -1;
	sv_page_key key = {{0, 0}, NULL};
	if (token && sv_token_read(c, token, "ListActivities", 0, &key) < 0)
		return -1;
	size_t limit = max ? (size_t)max : 100;
	st_activity *rows;
	size_t n;
	if (c->srv->store->ops->activity_list(c->srv->store, key.text, limit + 1, &c->arena, &rows,
					      &n) < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_open_array(c, "activities");
	for (size_t i = 0; i < n && i < limit; i++) {
		sv_open(c, NULL);
		sv_put_string(c, "activityArn", rows[i].arn.ptr, rows[i].arn.len);
		sv_put_string(c, "name", rows[i].name.ptr, rows[i].name.len);
		sv_put_time(c, "creationDate", rows[i].created_ms);
		sv_close(c);
	}
	sv_close_array(c);
	if (n > limit) {
		sv_page_key next = {{0, 0}, sv_text(c, rows[limit - 1].name)};
		sv_put_cstr(c, "nextToken", sv_token_make(c, "ListActivities", 0, &next));
	}
	sv_close(c);
	return 0;
}

int sv_op_DeleteActivity(sv_call *c)
{
	const char *arn = sv_string(c, "activityArn", 1, 1, 256, NULL);
	if (sv_invalid(c) < 0 || sv_check_arn(c, arn, "activity") < 0)
		return -1;
	if (c->srv->store->ops->activity_delete(c->srv->store, arn) < 0)
		return sv_store_failed(c);
	return 0; /* AWS: deleting twice succeeds */
}

int sv_op_GetActivityTask(sv_call *c)
{
	const char *arn = sv_string(c, "activityArn", 1, 1, 256, NULL);
	size_t wlen;
	const char *worker = sv_string(c, "workerName", 0, 1, 80, &wlen);
	st_activity a;
	if (sv_invalid(c) < 0 || find_activity(c, arn, &a) < 0)
		return -1;
	st_store *s = c->srv->store;
	int64_t until = sv_now_ms() + (int64_t)(c->srv->cfg.poll_hold * 1000);
	for (;;) {
		int too_many;
		const char *token = sv_activity_poll(c->srv, arn, until, &c->arena, &too_many);
		if (too_many)
			return sv_error(c, "ActivityWorkerLimitExceeded",
					"Activity Worker Limit Exceeded: more than %s workers poll "
					"'%s'",
					"1000", arn);
		if (!token)
			break;
		/* checked and taken in one transaction: the engine closes rows in its own */
		st_task t;
		int rc = s->ops->begin(s);
		if (rc)
			return sv_store_failed(c);
		if (s->ops->task_get(s, token, &c->arena, &t) || t.status != ST_TASK_SCHEDULED ||
		    !sv_engine_waiting(c->srv, t.execution_id, token)) {
			s->ops->rollback(s);
			if (sv_now_ms() >= until)
				break;
			continue; /* withdrawn meanwhile (timed out, stopped): the next one */
		}
		t.status = ST_TASK_STARTED;
		t.worker_name = (st_text){worker, worker ? wlen : 0};
		rc = s->ops->task_update(s, &t);
		if (!rc)
			rc = s->ops->commit(s);
		else
			s->ops->rollback(s);
		if (rc) {
			sv_activity_push(c->srv, arn, token); /* not handed out after all */
			return sv_store_failed(c);
		}
		/* the execution records ActivityStarted{workerName} and starts its heartbeat clock at
		 * its next step (a restart says it again: recorded once) */
		sv_engine_started(c->srv, t.execution_id, token, t.worker_name.ptr ? worker : NULL);
		sv_open(c, NULL);
		sv_put_cstr(c, "taskToken", token);
		sv_put_string(c, "input", t.input.ptr ? t.input.ptr : "{}",
			      t.input.ptr ? t.input.len : 2);
		sv_close(c);
		return 0;
	}
	return 0; /* nothing within the hold: {} */
}

/* The task of a token, open: 0, or -1 with InvalidToken / TaskTimedOut answered. */
static int open_task(sv_call *c, const char *token, st_task *t)
{
	int rc = c->srv->store->ops->task_get(c->srv->store, token, &c->arena, t);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc)
		return sv_error(c, "InvalidToken", "Invalid Token: 'Invalid token'");
	if (t->status == ST_TASK_CLOSED || t->status == ST_TASK_DONE ||
	    !sv_engine_waiting(c->srv, t->execution_id, token))
		return sv_error(c, "TaskTimedOut",
				"Task Timed Out: 'Provided task does not exist anymore'");
	return 0;
}

static int timed_out(sv_call *c)
{
	return sv_error(c, "TaskTimedOut",
			"Task Timed Out: 'Provided task does not exist anymore'");
}

static int send_outcome(sv_call *c, const char *token, const char *output, size_t len,
			const char *error, const char *cause)
{
	asl_parse_error perr;
	const asl_value *v = output ? asl_parse(&c->arena, output, len, 0, &perr) : NULL;
	if (output && !v)
		return sv_error(c, "InvalidOutput", "Invalid Output: '%s'", perr.message);
	/* checked and marked DONE in one transaction: of two sends of one token, one wins */
	st_store *s = c->srv->store;
	if (s->ops->begin(s))
		return sv_store_failed(c);
	st_task t;
	if (open_task(c, token, &t) < 0) {
		s->ops->rollback(s);
		return -1;
	}
	t.status = ST_TASK_DONE; /* committed before the answer: it survives a crash */
	t.succeeded = output != NULL;
	t.output = (st_text){output, len};
	t.error = st_cstr(error);
	t.cause = st_cstr(cause);
	int rc = s->ops->task_update(s, &t);
	if (!rc)
		rc = s->ops->commit(s);
	else
		s->ops->rollback(s);
	if (rc)
		return sv_store_failed(c);
	if (sv_engine_deliver(c->srv, &t, v, error, cause))
		return timed_out(c);
	return 0;
}

int sv_op_SendTaskSuccess(sv_call *c)
{
	const char *token = sv_string(c, "taskToken", 1, 1, 2048, NULL);
	size_t len;
	const char *output = sv_string(c, "output", 1, 0, 262144, &len);
	if (sv_invalid(c) < 0)
		return -1;
	return send_outcome(c, token, output, len, NULL, NULL);
}

int sv_op_SendTaskFailure(sv_call *c)
{
	const char *token = sv_string(c, "taskToken", 1, 1, 2048, NULL);
	const char *error = sv_string(c, "error", 0, 0, 256, NULL);
	const char *cause = sv_string(c, "cause", 0, 0, 32768, NULL);
	if (sv_invalid(c) < 0)
		return -1;
	return send_outcome(c, token, NULL, 0, error, cause);
}

int sv_op_SendTaskHeartbeat(sv_call *c)
{
	const char *token = sv_string(c, "taskToken", 1, 1, 2048, NULL);
	st_task t;
	if (sv_invalid(c) < 0 || open_task(c, token, &t) < 0)
		return -1;
	if (sv_engine_heartbeat(c->srv, t.execution_id, token))
		return timed_out(c);
	return 0;
}
