/* Stand-ins for the console's JSON endpoints (console_api.h) while their implementation
 * (console_api.c) is not in the tree: a 200 answer that says so, which the page shows as
 * "step details not available" (a 404 would be a console error in the browser). CMake builds
 * this file only when console_api.c is missing. */
#include "console_api.h"

static int unavailable(const char **body, size_t *len)
{
	static const char text[] =
		"{\"unavailable\":true,\"error\":\"step details not available\"}";
	*body = text;
	*len = sizeof text - 1;
	return 200;
}

int console_api_steps(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		      size_t *len)
{
	(void)srv, (void)a, (void)execution_arn;
	return unavailable(body, len);
}

int console_api_map(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		    size_t *len)
{
	(void)srv, (void)a, (void)execution_arn;
	return unavailable(body, len);
}
