/* HTTP task bindings with libcurl (left out of builds configured with -DASLC_WITH_CURL=OFF,
 * where platform_http_none.c stands in). */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asl/platform.h"

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

static size_t on_header(char *line, size_t size, size_t n, void *user)
{
	asl_http_result *r = user;
	static const char name[] = "X-Amz-Function-Error:";
	if (size * n >= sizeof name - 1 && strncasecmp(line, name, sizeof name - 1) == 0)
		r->function_error = 1;
	return size * n;
}

int asl_platform_http_post(const char *url, const char *body, size_t len, int64_t timeout_ms,
			   asl_http_result *r)
{
	memset(r, 0, sizeof *r);
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(r->error, sizeof r->error, "cannot start libcurl");
		return -1;
	}
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* safe on threads */
	if (timeout_ms > 0)
		curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	CURLcode rc = curl_easy_perform(curl);
	int result = 0;
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		r->timed_out = 1;
	} else if (rc != CURLE_OK) {
		snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
		result = -1;
	} else {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return result;
}

void asl_platform_http_free(asl_http_result *r)
{
	free(r->body);
	r->body = NULL;
}
