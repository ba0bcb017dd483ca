/* The console's routing: which GET (or console POST) gets which page, the embedded assets,
 * part D's JSON endpoints, and a 404 page for everything else. http.c sends the answer. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "console.h"
#include "console_api.h"
#include "console_events.h"

int cn_wants(const char *method, const char *url)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		return 1;
	return !strcmp(method, "POST") && !strncmp(url, "/console/", 9);
}

/* The rest of `url` after `prefix`, or NULL when it does not start so (or nothing follows). */
static const char *after(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);
	return !strncmp(url, prefix, n) && url[n] ? url + n : NULL;
}

static void asset(cn_page *p, const char *type, const char *text, size_t len)
{
	p->type = type;
	cn_putn(p, text, len);
}

/* Part D's endpoints answer JSON with their own status. */
static void api(cn_page *p,
		int (*fn)(sv_server *, asl_arena *, const char *, const char **, size_t *))
{
	const char *body = NULL;
	size_t len = 0;
	p->status = fn(p->srv, &p->arena, p->arg(p->arg_user, "execution"), &body, &len);
	p->type = "application/json";
	if (body)
		cn_putn(p, body, len);
}

/* GET /console/api/status?execution=ARN: {"status":"RUNNING","events":N} from the store's row
 * alone (no history read), what the execution page polls once a second while it runs. */
static void status(cn_page *p)
{
	const char *arn = p->arg(p->arg_user, "execution");
	char s[16];
	int64_t events;
	p->type = "application/json";
	if (!arn || !*arn) {
		p->status = 400;
		cn_put(p, "{\"error\":\"the request names no execution\"}");
		return;
	}
	int rc = cn_execution_status(p->srv, arn, s, &events);
	if (!rc)
		cn_printf(p, "{\"status\":\"%s\",\"events\":%lld}", s, (long long)events);
	else if (rc > 0)
		p->status = 404, cn_put(p, "{\"error\":\"there is no such execution\"}");
	else
		p->status = 500, cn_put(p, "{\"error\":\"the store failed\"}");
}

void cn_handle(cn_page *p, const char *method, const char *url, const char *body, size_t len)
{
	const char *rest;
	if (!strcmp(method, "POST")) {
		if (!strcmp(url, "/console/start"))
			cn_start(p, body, len);
		else if (!strcmp(url, "/console/stop"))
			cn_stop(p, body, len);
		else
			cn_message_page(p, 404, "Not found", "There is no such console action.");
		return;
	}
	if (!strcmp(url, "/"))
		cn_home(p);
	else if ((rest = after(url, "/state-machines/")))
		cn_machine(p, rest, NULL, NULL, NULL);
	else if ((rest = after(url, "/executions/")))
		cn_execution(p, rest, p->arg(p->arg_user, "fragment"));
	else if (!strcmp(url, "/console/app.css"))
		asset(p, "text/css; charset=utf-8", cn_app_css, cn_app_css_len);
	else if (!strcmp(url, "/console/app.js"))
		asset(p, "text/javascript; charset=utf-8", cn_app_js, cn_app_js_len);
	else if (!strcmp(url, "/console/api/steps"))
		api(p, console_api_steps);
	else if (!strcmp(url, "/console/api/map"))
		api(p, console_api_map);
	else if (!strcmp(url, "/console/api/status"))
		status(p);
	else
		cn_message_page(p, 404, "Not found", "There is no such page.");
}
