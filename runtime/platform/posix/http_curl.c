/* HTTP task bindings with libcurl, loaded with dlopen on the first HTTP call: executables
 * and aslc start without its thirty-odd shared libraries (a Map machine started in 6 ms with
 * them linked, under 1 ms without). Builds configured with -DASLC_WITH_CURL=OFF use
 * http_none.c instead. */
#define _DEFAULT_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asl/platform.h"
#include "sigpipe.h"

static struct {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	int loaded;
} lib;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	CURLcode (*global_init)(long) = (CURLcode(*)(long))dlsym(h, "curl_global_init");
	*(void **)&lib.easy_init = dlsym(h, "curl_easy_init");
	*(void **)&lib.easy_setopt = dlsym(h, "curl_easy_setopt");
	*(void **)&lib.easy_perform = dlsym(h, "curl_easy_perform");
	*(void **)&lib.easy_getinfo = dlsym(h, "curl_easy_getinfo");
	*(void **)&lib.easy_cleanup = dlsym(h, "curl_easy_cleanup");
	*(void **)&lib.easy_strerror = dlsym(h, "curl_easy_strerror");
	*(void **)&lib.slist_append = dlsym(h, "curl_slist_append");
	*(void **)&lib.slist_free_all = dlsym(h, "curl_slist_free_all");
	lib.loaded = global_init && lib.easy_init && lib.easy_setopt && lib.easy_perform &&
		     lib.easy_getinfo && lib.easy_cleanup && lib.easy_strerror &&
		     lib.slist_append && lib.slist_free_all && global_init(CURL_GLOBAL_ALL) == 0;
}

#define MAX_BODY (64u << 20)

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	asl_http_result *r = user;
	size_t len = size * n;
	if (r->body_len + len > MAX_BODY)
		return 0;
	char *nb = realloc(r->body, r->body_len + len + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->body_len, data, len);
	r->body_len += len;
	nb[r->body_len] = '\0';
	r->body = nb;
	return len;
}

/* Keeps the header lines of the final response (a 100 Continue or a redirect's come first:
 * each status line starts over) and notes Lambda's X-Amz-Function-Error. */
static size_t on_header(char *line, size_t size, size_t n, void *user)
{
	asl_http_result *r = user;
	static const char name[] = "X-Amz-Function-Error:";
	size_t len = size * n;
	if (len >= sizeof name - 1 && strncasecmp(line, name, sizeof name - 1) == 0)
		r->function_error = 1;
	if (len >= 5 && !memcmp(line, "HTTP/", 5))
		r->head_len = 0;
	if (r->head_len + len > MAX_BODY)
		return 0;
	char *nh = realloc(r->head, r->head_len + len + 1);
	if (!nh)
		return 0;
	memcpy(nh + r->head_len, line, len);
	r->head_len += len;
	nh[r->head_len] = '\0';
	r->head = nh;
	return len;
}

/* libcurl's progress callback: non-zero aborts the transfer (a sibling branch failed). */
static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	const asl_cancel *cancel = user;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return cancel->cancelled(cancel->ctx);
}

int asl_platform_http_request(const char *method, const char *url, const char *const *headers,
			      size_t header_count, const char *body, size_t len, int64_t timeout_ms,
			      const asl_cancel *cancel, asl_http_result *r)
{
	memset(r, 0, sizeof *r);
	pthread_once(&load_once, load);
	if (!lib.loaded) {
		snprintf(r->error, sizeof r->error, "libcurl (libcurl.so.4) could not be loaded");
		return -1;
	}
	CURL *curl = lib.easy_init();
	if (!curl) {
		snprintf(r->error, sizeof r->error, "cannot start libcurl");
		return -1;
	}
	struct curl_slist *list = NULL, *grown;
	for (size_t i = 0; i < header_count; i++, list = grown)
		if (!(grown = lib.slist_append(list, headers[i]))) {
			lib.slist_free_all(list);
			lib.easy_cleanup(curl);
			snprintf(r->error, sizeof r->error, "out of memory");
			return -1;
		}
	lib.easy_setopt(curl, CURLOPT_URL, url);
	if (!strcmp(method, "HEAD"))
		lib.easy_setopt(curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 || body)
		lib.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		lib.easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	lib.easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	lib.easy_setopt(curl, CURLOPT_WRITEDATA, r);
	lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	lib.easy_setopt(curl, CURLOPT_HEADERDATA, r);
	lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* no signal handlers: safe on threads */
	if (timeout_ms > 0)
		lib.easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	if (cancel) {
		lib.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
		lib.easy_setopt(curl, CURLOPT_XFERINFODATA, (void *)cancel);
		lib.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	}
	/* NOSIGNAL leaves SIGPIPE to us: a peer closing mid-write must not kill the process */
	asl_sigpipe_guard g;
	asl__sigpipe_block(&g);
	CURLcode rc = lib.easy_perform(curl);
	asl__sigpipe_restore(&g);
	int result = 0;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		r->timed_out = 1;
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		r->cancelled = 1;
	} else if (rc != CURLE_OK) {
		snprintf(r->error, sizeof r->error, "%s", lib.easy_strerror(rc));
		result = -1;
	} else {
		lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	}
	lib.slist_free_all(list);
	lib.easy_cleanup(curl);
	return result;
}

int asl_platform_http_post(const char *url, const char *body, size_t len, int64_t timeout_ms,
			   const asl_cancel *cancel, asl_http_result *r)
{
	static const char *const json[] = {"Content-Type: application/json"};
	return asl_platform_http_request("POST", url, json, 1, body, len, timeout_ms, cancel, r);
}

void asl_platform_http_free(asl_http_result *r)
{
	free(r->body);
	free(r->head);
	r->body = NULL;
	r->head = NULL;
}
