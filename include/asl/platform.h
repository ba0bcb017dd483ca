/* Host services: what the bindings layer (runtime/bindings: exec: and http: Tasks, Distributed
 * Map's files) asks of the system: processes, HTTP and files, implemented by
 * runtime/platform/posix (a platform without an OS has no bindings). The runtime core never
 * calls these: its needs (a clock, sleeping, randomness, threads) are asl/platform_core.h. */
#ifndef ASL_PLATFORM_H
#define ASL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Opens the regular file `rel` ('/'-separated names) below the directory `root` for reading,
 * or with `create` for writing (making `root`, missing directories and the file, or truncating
 * it). Nothing below `root` may be "..", nor a symbolic link: the file stays inside `root`.
 * 0 with *out set; -1 when it cannot; -2 when a name is ".." or a symbolic link. */
int asl_platform_open_below(const char *root, const char *rel, int create, FILE **out);

/* Runs `command` with /bin/sh, `input` on its stdin. Heartbeats are writes to file descriptor 3
 * ($ASL_HEARTBEAT_FD); with timeout_ms or heartbeat_ms > 0 the process group is killed when
 * one expires. Returns when the command exits (with what its pipes hold then; whatever it left
 * running in its process group is killed), when a limit expires, when `cancel` says so or when
 * the output passes the capture limit: 0 when the process ran (see the result), -1 when it
 * could not start. Signal dispositions are left alone. */
typedef struct asl_process_result {
	int exit_status; /* -1 when killed by a signal */
	int signal;
	int timed_out, heartbeat_timed_out;
	int cancelled; /* cancel said so: the process group was killed */
	int overflow; /* the output passed the capture limit: the group was killed */
	char *out, *err; /* NUL-terminated captures, freed by asl_platform_process_free */
	size_t out_len, err_len;
} asl_process_result;

typedef struct asl_cancel {
	int (*cancelled)(void *ctx); /* polled while the command runs */
	void *ctx;
} asl_cancel;

int asl_platform_run(const char *command, const char *input, size_t input_len, int64_t timeout_ms,
		     int64_t heartbeat_ms, const asl_cancel *cancel, asl_process_result *r);
void asl_platform_process_free(asl_process_result *r);

/* POSTs `body` (JSON) to `url`. Returns 0 with the status, the body and whether the response had
 * an X-Amz-Function-Error header; -1 with a message in `error` when no response came. `cancel`
 * (may be NULL) is polled about once a second; when it says so the request is dropped. */
typedef struct asl_http_result {
	long status;
	int function_error;
	int timed_out;
	int cancelled;
	char *body;
	size_t body_len;
	char error[256];
	/* the final response's status line and header lines as received ("HTTP/1.1 200 OK\r\n
	 * Name: value\r\n..."), NUL-terminated; NULL when none came */
	char *head;
	size_t head_len;
} asl_http_result;

int asl_platform_http_post(const char *url, const char *body, size_t len, int64_t timeout_ms,
			   const asl_cancel *cancel, asl_http_result *r);
/* Any request: `method` (GET, POST, ...), the request's header lines ("Name: value"), and a
 * body when `body` is not NULL; redirects are not followed. Returns as asl_platform_http_post. */
int asl_platform_http_request(const char *method, const char *url, const char *const *headers,
			      size_t header_count, const char *body, size_t len, int64_t timeout_ms,
			      const asl_cancel *cancel, asl_http_result *r);
void asl_platform_http_free(asl_http_result *r);

/* SIGINT and SIGTERM during a command-line run (asl_main): from _catch until _restore the
 * first of them calls stop(ctx) on a thread of the runtime's own (asl_main passes asl_stop: the
 * execution ends as StopExecution ends it, commands' process groups killed, HTTP requests
 * dropped); either signal a second time has its default action. A signal ignored at _catch
 * stays ignored. _catch returns 0, or -1 when it could not start that thread (the signals then
 * keep their actions). _restore puts the previous actions back and returns once a stop that
 * was called has returned. Dispositions belong to the process: one run at a time;
 * asl_execute itself never changes them. */
int asl_platform_stop_signals_catch(void (*stop)(void *ctx), void *ctx);
void asl_platform_stop_signals_restore(void);
/* "SIGINT" or "SIGTERM" once one came since _catch; else NULL. */
const char *asl_platform_stop_signal(void);

#endif
