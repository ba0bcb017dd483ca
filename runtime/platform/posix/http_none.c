/* Stand-in for builds without libcurl (-DASLC_WITH_CURL=OFF): HTTP bindings report that they
 * are not built in. */
#include <stdio.h>
#include <string.h>

#include "asl/platform.h"

int asl_platform_http_request(const char *method, const char *url, const char *const *headers,
			      size_t header_count, const char *body, size_t len, int64_t timeout_ms,
			      const asl_cancel *cancel, asl_http_result *r)
{
	(void)method, (void)url, (void)headers, (void)header_count, (void)body, (void)len;
	(void)timeout_ms, (void)cancel;
	memset(r, 0, sizeof *r);
	snprintf(r->error, sizeof r->error,
		 "this runtime was built without HTTP support "
		 "(ASLC_WITH_CURL=OFF)");
	return -1;
}

int asl_platform_http_post(const char *url, const char *body, size_t len, int64_t timeout_ms,
			   const asl_cancel *cancel, asl_http_result *r)
{
	return asl_platform_http_request("POST", url, NULL, 0, body, len, timeout_ms, cancel, r);
}

void asl_platform_http_free(asl_http_result *r)
{
	(void)r;
}
