/* `aslc serve`: the Step Functions service. What its parts share: the configuration, the
 * store, the compiled machines, the engine that runs executions, and the activity queues.
 *
 *   serve_main.c   the command line, start-up, recovery and shutdown
 *   http.c         libmicrohttpd: POST / with X-Amz-Target -> api.c
 *   api.c          the operation table; api_machines.c, api_executions.c, api_activities.c,
 *                  api_tags.c: the operations (wire.c: the format)
 *   machines.c     definitions compiled with libtcc, shared by their executions
 *   engine.c       executions stepped with the step API, one commit per state transition
 *   commit.c       group commit: the transitions of executions ready together, one transaction
 *   tasks.c        the service's own Task handler: activities, callbacks, nested executions
 *   activities.c   per-activity FIFO queues of tasks and of long-polling workers
 *   store.h        the durable store (store_sqlite.c) */
#ifndef ASLC_SERVE_SERVER_H
#define ASLC_SERVE_SERVER_H

#include <pthread.h>
#include <stdint.h>

#include "asl/asl.h"
#include "commit.h"
#include "store.h"
#include "wire.h"

typedef struct sv_config {
	const char *host;
	int port;
	const char *db;
	const char *tasks_file;
	const char *region, *account;
	double wait_scale;
	double poll_hold; /* seconds a GetActivityTask waits for a task */
	int sync_full; /* synchronous=FULL: durable across power loss too */
	int workers; /* engine threads */
	const char *auth_key, *auth_secret; /* --auth: SigV4 checked with this key; NULL: not */
#define SV_MAX_CONSOLE_HOSTS 16
	const char *console_hosts[SV_MAX_CONSOLE_HOSTS]; /* --console-host: names the console
							  * answers besides IPs and localhost */
	int console_host_count;
} sv_config;

typedef struct sv_compiled sv_compiled; /* machines.c */
typedef struct sv_live sv_live; /* engine.c */
typedef struct sv_queue sv_queue; /* activities.c */

typedef struct sv_server {
	sv_config cfg;
	st_store *store;
	asl_binding *bindings; /* --tasks */
	size_t binding_count;
	asl_arena config_arena;
	asl_handler handler; /* tasks.c's, bound to the resources the service handles itself */

	pthread_mutex_t lock; /* everything below */
	pthread_cond_t work; /* the engine: an execution is ready, or a timer is due */
	pthread_cond_t ended; /* an execution's end was committed (StopExecution waits) */
	/* executions being launched or ending (not in the table, their row not final yet): at
	 * most one per engine thread and one per connection that starts one */
#define SV_MAX_FINISHING 8192
	int64_t finishing[SV_MAX_FINISHING];
	int finishing_count;
	sv_compiled *compiled;
	sv_live **live; /* running executions, an open hash by id */
	size_t live_count, live_cap;
	sv_live *ready_head, *ready_tail;
	struct sv_timer *timers; /* a binary heap by wake time */
	size_t timer_count, timer_cap;
	sv_queue *queues;
	int stopping;
	int console_streams; /* GET /console/events responses not yet done (console_events.c) */
	pthread_t *threads;
	int thread_count;
	struct asl_pool *pool; /* Parallel and Map children of every execution */
	sv_commits commits; /* the engine's group commit (commit.c) */
} sv_server;

/* api.c: one call; `target` is X-Amz-Target's text. c->out holds the answer. */
void sv_dispatch(sv_call *c, const char *target, const char *body, size_t len);

/* machines.c: the machine compiled from a definition (cached by definition id, kept while
 * executions use it); NULL with AWS's InvalidDefinition text in `err` (our line:col). */
/* A definition already compiled (and its revision's role), without the store; NULL when it
 * is not. */
const asl_machine *sv_machine_cached(sv_server *srv, int64_t definition_id, const char **role);
const asl_machine *sv_machine_get(sv_server *srv, int64_t definition_id, const char *name,
				  const char *role, const char *text, size_t len, char **err,
				  asl_arena *a);
/* Compiles without keeping: 0, or -1 with the diagnostics as AWS's message in *err.
 * `express`: AWS's Express restrictions too. */
int sv_machine_check(const char *name, const char *text, size_t len, int express, char **err,
		     asl_arena *a);
/* The diagnostics of a definition as ValidateStateMachineDefinition lists them. */
void sv_machine_diagnostics(sv_call *c, const char *text, size_t len, int express,
			    size_t max_results);
/* Whether a definition has a Task that the service handles itself (activities, callbacks,
 * nested executions): the resources, as bindings to `handler`, in `a`. */
size_t sv_machine_service_tasks(const char *text, size_t len, asl_arena *a, asl_binding **out);
/* The same, of a compiled definition (sv_machine_get), kept with it: no parse per execution. */
size_t sv_machine_own_tasks(sv_server *srv, int64_t definition_id, const asl_binding **out);

/* engine.c */
int sv_engine_start(sv_server *srv, char *err, size_t errlen);
void sv_engine_stop(sv_server *srv);
/* Recovery: every RUNNING execution of the store goes on from its checkpoint. */
int sv_engine_recover(sv_server *srv, char *err, size_t errlen);
/* Starts a stored execution (just committed) running. */
int sv_engine_launch(sv_server *srv, const st_execution *e, const char *parent_token,
		     int64_t parent_id);
/* Marks an execution as being launched or ending (held 1) until it is in the table or its end
 * is committed (held 0): StopExecution waits meanwhile. */
void sv_engine_hold(sv_server *srv, int64_t id, int held);
/* StopExecution of a running execution: 0 once its end is committed, 1 not running. */
int sv_engine_stop_execution(sv_server *srv, int64_t id, const char *error, const char *cause);
/* A task's outcome or heartbeat by token (SendTask*): 0 delivered, 1 nobody waits on it. */
int sv_engine_deliver(sv_server *srv, const st_task *t, const asl_value *output, const char *error,
		      const char *cause);
int sv_engine_heartbeat(sv_server *srv, int64_t execution_id, const char *token);
/* An execution's options (identity, bindings, handlers, the history hook of `user`). */
void sv_engine_options(sv_server *srv, asl_options *o, const char *exec_arn,
		       const char *machine_arn, const char *name);

/* activities.c */
/* Queues a task for its activity's workers (FIFO). */
void sv_activity_push(sv_server *srv, const char *activity_arn, const char *token);
/* Takes the oldest queued task, waiting until `until` (ms, real time) at the latest; the token
 * in `a`, or NULL (with *too_many set when SV_MAX_POLLERS workers wait already). */
#define SV_MAX_POLLERS 1000
const char *sv_activity_poll(sv_server *srv, const char *activity_arn, int64_t until, asl_arena *a,
			     int *too_many);
/* Withdraws a queued token (its execution ended or the task timed out). */
void sv_activity_withdraw(sv_server *srv, const char *activity_arn, const char *token);
void sv_activity_wake_all(sv_server *srv); /* shutdown: pollers return empty */

/* tasks.c: the handler of the service's own Task resources (asl_handler.fn). */
int sv_service_task(asl_task_call *call);

#endif
