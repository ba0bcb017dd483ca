/* The console's JSON (GET /console/api/...): the steps of an execution (one per state visit,
 * with input, output, variables, error and the data-flow steps) and its Map iteration grid,
 * both from the execution's stored history. http.c's GET router calls these. */
#ifndef ASLC_SERVE_CONSOLE_API_H
#define ASLC_SERVE_CONSOLE_API_H

#include <stddef.h>

#include "server.h"

/* GET /console/api/steps?execution=ARN and GET /console/api/map?execution=ARN: the JSON body
 * in *body (*len bytes, in `a`, which must live until the answer is sent) and the HTTP status
 * returned: 200, 400 (execution_arn NULL or empty: the parameter is missing), 404 (no such
 * execution) or 500 (the store failed). Errors are {"error":"..."}. The caller URL-decodes
 * the parameter and answers with Content-Type application/json. */
int console_api_steps(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		      size_t *len);
int console_api_map(sv_server *srv, asl_arena *a, const char *execution_arn, const char **body,
		    size_t *len);

#endif
