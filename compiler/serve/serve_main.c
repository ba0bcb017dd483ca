/* `aslc serve`: options, start-up (the store, recovery, the engine, the listener), and a clean
 * shutdown on SIGTERM or SIGINT (what runs is checkpointed and goes on after a restart). */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_events.h"
#include "http.h"
#include "serve.h"
#include "server.h"

void sv_machines_free(sv_server *srv);
void sv_activities_free(sv_server *srv);

static void usage(FILE *out)
{
	fputs("usage: aslc serve [options]\n"
	      "  The Step Functions API (AWS JSON 1.0) on HTTP; state machines are compiled to\n"
	      "  native code when they are created, executions are stored in SQLite.\n"
	      "\n"
	      "  --host HOST        address to listen on (default 127.0.0.1; without --auth\n"
	      "                     clients may send any credentials)\n"
	      "  --port N           port (default 8083; 0: any free port, printed)\n"
	      "  --db FILE          the database (default ./aslc.db)\n"
	      "  --tasks FILE       Task bindings, a JSON object {\"RESOURCE\": \"BINDING\"}\n"
	      "                     (as aslc --tasks: c:, exec:, http(s)://)\n"
	      "  --region R         region of the ARNs when a request names none (us-east-1)\n"
	      "  --account N        account of the ARNs (123456789012)\n"
	      "  --auth KEY:SECRET  check every request's AWS Signature Version 4 against this\n"
	      "                     access key and secret (default: any credentials pass)\n"
	      "  --wait-scale F     multiply Wait durations by F (0: do not wait)\n"
	      "  --poll-hold S      seconds GetActivityTask waits for a task (default 55)\n"
	      "  --workers N        engine threads (default 16; a command or HTTP task keeps one\n"
	      "                     busy while it runs)\n"
	      "  --sync-full        make every commit durable across power loss too (slower)\n"
	      "  --console-host NAME  let the console (GET pages, its forms) answer requests\n"
	      "                     to NAME too (repeatable); by default it answers only\n"
	      "                     requests to an IP address or localhost, as a defence\n"
	      "                     against DNS rebinding\n"
	      "\n"
	      "Clients: aws --endpoint-url http://127.0.0.1:8083 stepfunctions ...; set\n"
	      "AWS_DISABLE_HOST_PREFIX_INJECTION=true (or boto3 Config(inject_host_prefix=False))\n"
	      "for start-sync-execution and test-state. README.md, \"Service\", says more.\n",
	      out);
}

static int is_loopback(const char *host)
{
	return !strcmp(host, "127.0.0.1") || !strcmp(host, "localhost") || !strcmp(host, "::1") ||
	       !strncmp(host, "127.", 4);
}

static int number(const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

static int load_tasks(sv_server *srv, const char *path)
{
	char err[512];
	asl_value *v = asl_read_json_file(&srv->config_arena, path, err, sizeof err);
	if (!v) {
		fprintf(stderr, "aslc serve: %s\n", err);
		return -1;
	}
	size_t max = asl_object_len(v);
	srv->bindings = asl_arena_alloc(&srv->config_arena, (max + 1) * sizeof *srv->bindings);
	if (!srv->bindings || asl_bindings_from_json(v, srv->bindings, max, &srv->binding_count,
						     err, sizeof err) < 0) {
		fprintf(stderr, "aslc serve: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

int aslc_serve_main(int argc, char **argv)
{
	sv_server srv;
	memset(&srv, 0, sizeof srv);
	sv_config *cfg = &srv.cfg;
	cfg->host = "127.0.0.1";
	cfg->port = 8083;
	cfg->db = "aslc.db";
	cfg->region = "us-east-1";
	cfg->account = "123456789012";
	cfg->wait_scale = 1;
	cfg->poll_hold = 55;
	cfg->workers = 16;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		double d;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--sync-full")) {
			cfg->sync_full = 1;
			continue;
		}
		if (!v || strncmp(a, "--", 2)) {
			fprintf(stderr, "aslc serve: %s: %s\n", a,
				strncmp(a, "--", 2) ? "unexpected argument" : "needs a value");
			usage(stderr);
			return 2;
		}
		i++;
		if (!strcmp(a, "--host"))
			cfg->host = v;
		else if (!strcmp(a, "--port") && !number(v, 0, 65535, &d))
			cfg->port = (int)d;
		else if (!strcmp(a, "--db"))
			cfg->db = v;
		else if (!strcmp(a, "--tasks"))
			cfg->tasks_file = v;
		else if (!strcmp(a, "--region"))
			cfg->region = v;
		else if (!strcmp(a, "--auth") && strchr(v, ':') && strchr(v, ':') != v) {
			char *copy = strdup(v), *colon = strchr(copy, ':');
			*colon = '\0';
			cfg->auth_key = copy;
			cfg->auth_secret = colon + 1;
		} else if (!strcmp(a, "--account"))
			cfg->account = v;
		else if (!strcmp(a, "--wait-scale") && !number(v, 0, 1e6, &d))
			cfg->wait_scale = d;
		else if (!strcmp(a, "--poll-hold") && !number(v, 0, 3600, &d))
			cfg->poll_hold = d;
		else if (!strcmp(a, "--workers") && !number(v, 1, 256, &d))
			cfg->workers = (int)d;
		else if (!strcmp(a, "--console-host") && *v &&
			 cfg->console_host_count < SV_MAX_CONSOLE_HOSTS)
			cfg->console_hosts[cfg->console_host_count++] = v;
		else {
			fprintf(stderr, "aslc serve: bad option or value: %s %s\n", a, v);
			usage(stderr);
			return 2;
		}
	}
	if (!is_loopback(cfg->host) && !cfg->auth_key)
		fprintf(stderr,
			"aslc serve: warning: listening on %s, beyond this machine; there is no "
			"authentication (any client can create and run state machines)\n",
			cfg->host);
	asl_arena_init(&srv.config_arena, NULL);
	pthread_mutex_init(&srv.lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_REALTIME);
	pthread_cond_init(&srv.work, &attr);
	pthread_cond_init(&srv.ended, NULL);
	pthread_condattr_destroy(&attr);
	if (cfg->tasks_file && load_tasks(&srv, cfg->tasks_file) < 0)
		return 2;
	/* the signals are taken by sigwait below, on this thread, not by a handler */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	char err[512];
	srv.store = st_sqlite_open(cfg->db, cfg->sync_full, err, sizeof err);
	if (!srv.store) {
		fprintf(stderr, "aslc serve: %s: %s\n", cfg->db, err);
		return 1;
	}
	int rc = 1;
	sv_http *http = NULL;
	if (sv_engine_start(&srv, err, sizeof err) < 0 ||
	    sv_engine_recover(&srv, err, sizeof err) < 0) {
		fprintf(stderr, "aslc serve: %s\n", err);
		goto out;
	}
	int port = 0;
	if (!(http = sv_http_start(&srv, cfg->host, cfg->port, &port, err, sizeof err))) {
		fprintf(stderr, "aslc serve: %s\n", err);
		goto out;
	}
	fprintf(stderr, "aslc serve: listening on http://%s%s%s:%d (database %s)\n",
		strchr(cfg->host, ':') ? "[" : "", cfg->host, strchr(cfg->host, ':') ? "]" : "",
		port, cfg->db);
	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "aslc serve: %s: shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
out:
	pthread_mutex_lock(&srv.lock);
	srv.stopping = 1; /* long polls return empty */
	pthread_mutex_unlock(&srv.lock);
	sv_activity_wake_all(&srv);
	cn_events_drain(&srv, 3000);
	sv_http_stop(http);
	sv_engine_stop(&srv);
	sv_activities_free(&srv);
	srv.store->ops->close(srv.store);
	sv_machines_free(&srv);
	asl_arena_destroy(&srv.config_arena);
	free((char *)cfg->auth_key); /* the --auth copy; the secret is part of it */
	return rc;
}
