/* State machines: Create (validated and compiled), Describe, Update (a new revision; running
 * executions keep theirs), Delete, List, ValidateStateMachineDefinition and
 * DescribeStateMachineForExecution, with AWS's idempotency rules and texts. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "api.h"

static const char *const TYPES[] = {"STANDARD", "EXPRESS", NULL};

static int same(st_text a, const char *b, size_t blen)
{
	if (!a.ptr || !b)
		return !a.ptr && !b;
	return a.len == blen && !memcmp(a.ptr, b, blen);
}

/* A JSON member as its text (NULL when absent). */
static const char *member_json(sv_call *c, const char *key, size_t *len)
{
	const asl_value *v = sv_member(c, key, ASL_OBJECT);
	*len = 0;
	return v ? asl_to_json(&c->arena, v, len) : NULL;
}

static int check_logging(sv_call *c, const char *key)
{
	const asl_value *v = sv_member(c, key, ASL_OBJECT);
	if (!v)
		return 0;
	const asl_value *level = asl_object_get(v, "level", 5);
	const asl_value *dest = asl_object_get(v, "destinations", 12);
	int off = !level || (asl_is_string(level) && !strcmp(asl_string_ptr(level), "OFF"));
	if (!off && asl_array_len(dest) != 1)
		return sv_error(c, "InvalidLoggingConfiguration",
				"Invalid Logging Configuration: Must specify exactly one Log "
				"Destination.");
	return 0;
}

static int tags_of(sv_call *c, st_tag **out, size_t *n)
{
	const asl_value *tags = sv_member(c, "tags", ASL_ARRAY);
	*n = asl_array_len(tags);
	*out = *n ? asl_arena_alloc(&c->arena, *n * sizeof **out) : NULL;
	for (size_t i = 0; i < *n; i++) {
		const asl_value *t = asl_array_get(tags, (int64_t)i);
		const asl_value *k = asl_object_get(t, "key", 3),
				*v = asl_object_get(t, "value", 5);
		if (!asl_is_string(k) || asl_string_len(k) < 1 || asl_string_len(k) > 128)
			return sv_error(c, "ValidationException",
					"1 validation error detected: Value at 'tags' failed to "
					"satisfy constraint: Member must have a key of length 1 to "
					"128");
		(*out)[i].key = (st_text){asl_string_ptr(k), asl_string_len(k)};
		(*out)[i].value = asl_is_string(v) ? (st_text){asl_string_ptr(v), asl_string_len(v)}
						   : (st_text){"", 0};
	}
	if (*n > 50)
		return sv_error(c, "TooManyTags",
				"Too many tags: a resource may have at most 50 (%s).", "tags");
	return 0;
}

int sv_op_CreateStateMachine(sv_call *c)
{
	size_t name_len, def_len;
	const char *name = sv_string(c, "name", 1, 1, 80, &name_len);
	const char *def = sv_string(c, "definition", 1, 1, 1048576, &def_len);
	const char *role = sv_string(c, "roleArn", 1, 1, 256, NULL);
	int type = sv_enum(c, "type", TYPES);
	int publish = sv_bool(c, "publish", 0);
	const char *vdesc = sv_string(c, "versionDescription", 0, 0, 256, NULL);
	size_t log_len, trace_len, enc_len;
	const char *logging = member_json(c, "loggingConfiguration", &log_len);
	const char *tracing = member_json(c, "tracingConfiguration", &trace_len);
	const char *encryption = member_json(c, "encryptionConfiguration", &enc_len);
	st_tag *tags;
	size_t tag_count;
	if (sv_invalid(c) < 0 || tags_of(c, &tags, &tag_count) < 0 ||
	    check_logging(c, "loggingConfiguration") < 0)
		return -1;
	if (!sv_name_valid(name, name_len))
		return sv_error(c, "InvalidName", "Invalid Name: '%s'", name);
	if (vdesc && !publish)
		return sv_error(c, "ValidationException",
				"Version description can only be set when publish is true");
	int express = type == 1;
	char *why;
	if (sv_machine_check(name, def, def_len, express, &why, &c->arena) < 0)
		return sv_error(c, "InvalidDefinition", "Invalid State Machine Definition: '%s'",
				why);
	sv_server *srv = c->srv;
	st_store *s = srv->store;
	char *arn = sv_printf(&c->arena, "arn:aws:states:%s:%s:stateMachine:%s", c->region,
			      srv->cfg.account, name);
	st_machine old;
	int rc = s->ops->machine_get(s, arn, &c->arena, &old);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc == 0) { /* idempotent on the definition's text and the settings, not on role/tags */
		st_definition d;
		if (s->ops->definition_get(s, old.definition_id, &c->arena, &d))
			return sv_store_failed(c);
		if (same(d.text, def, def_len) &&
		    same(old.type, TYPES[express], strlen(TYPES[express])) &&
		    same(old.logging, logging, log_len) && same(old.tracing, tracing, trace_len)) {
			sv_open(c, NULL);
			sv_put_cstr(c, "stateMachineArn", arn);
			sv_put_time(c, "creationDate", old.created_ms);
			sv_close(c);
			return 0;
		}
		return sv_error(c, "StateMachineAlreadyExists",
				"State Machine Already Exists: '%s'", arn);
	}
	int64_t now = sv_now_ms();
	st_machine m = {0};
	m.arn = st_cstr(arn);
	m.name = (st_text){name, name_len};
	m.type = st_cstr(TYPES[express]);
	m.role_arn = st_cstr(role);
	m.status = st_cstr("ACTIVE");
	m.logging = (st_text){logging, log_len};
	m.tracing = (st_text){tracing, trace_len};
	m.encryption = (st_text){encryption, enc_len};
	m.created_ms = m.updated_ms = now;
	st_definition d = {0};
	d.text = (st_text){def, def_len};
	d.role_arn = st_cstr(role);
	d.created_ms = now;
	if (s->ops->begin(s) < 0)
		return sv_store_failed(c);
	rc = s->ops->machine_put(s, &m);
	if (rc == 0) {
		d.machine_id = m.id;
		rc = s->ops->definition_put(s, &d);
	}
	if (rc == 0) {
		m.definition_id = d.id;
		rc = s->ops->machine_update(s, &m);
	}
	if (rc == 0 && tag_count)
		rc = s->ops->tag_set(s, arn, tags, tag_count);
	if (rc == 0)
		rc = s->ops->commit(s);
	else
		s->ops->rollback(s);
	if (rc == 1)
		return sv_error(c, "StateMachineAlreadyExists",
				"State Machine Already Exists: '%s'", arn);
	if (rc)
		return sv_store_failed(c);
	/* compiled now, so that the first execution starts at once */
	if (!sv_machine_get(srv, d.id, name, role, def, def_len, &why, &c->arena))
		fprintf(stderr, "aslc serve: %s does not compile: %s\n", arn, why);
	sv_open(c, NULL);
	sv_put_cstr(c, "stateMachineArn", arn);
	sv_put_time(c, "creationDate", now);
	sv_close(c);
	return 0;
}

static void put_settings(sv_call *c, const st_machine *m)
{
	if (m->logging.ptr)
		sv_put_raw(c, "loggingConfiguration", m->logging.ptr, m->logging.len);
	else
		sv_put_raw(c, "loggingConfiguration",
			   "{\"level\":\"OFF\",\"includeExecutionData\":false}", 44);
	if (m->tracing.ptr)
		sv_put_raw(c, "tracingConfiguration", m->tracing.ptr, m->tracing.len);
	else
		sv_put_raw(c, "tracingConfiguration", "{\"enabled\":false}", 17);
	if (m->encryption.ptr)
		sv_put_raw(c, "encryptionConfiguration", m->encryption.ptr, m->encryption.len);
}

int sv_op_DescribeStateMachine(sv_call *c)
{
	const char *arn = sv_string(c, "stateMachineArn", 1, 1, 256, NULL);
	st_machine m;
	st_definition d;
	if (sv_invalid(c) < 0 || sv_find_machine(c, arn, &m) < 0)
		return -1;
	if (c->srv->store->ops->definition_get(c->srv->store, m.definition_id, &c->arena, &d))
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_put_cstr(c, "stateMachineArn", sv_text(c, m.arn));
	sv_put_string(c, "name", m.name.ptr, m.name.len);
	sv_put_string(c, "status", m.status.ptr, m.status.len);
	sv_put_string(c, "definition", d.text.ptr, d.text.len);
	sv_put_string(c, "roleArn", m.role_arn.ptr, m.role_arn.len);
	sv_put_string(c, "type", m.type.ptr, m.type.len);
	sv_put_time(c, "creationDate", m.created_ms);
	put_settings(c, &m);
	if (m.revision_id.ptr)
		sv_put_string(c, "revisionId", m.revision_id.ptr, m.revision_id.len);
	sv_close(c);
	return 0;
}

int sv_op_UpdateStateMachine(sv_call *c)
{
	const char *arn = sv_string(c, "stateMachineArn", 1, 1, 256, NULL);
	size_t def_len, log_len, trace_len, enc_len;
	const char *def = sv_string(c, "definition", 0, 1, 1048576, &def_len);
	const char *role = sv_string(c, "roleArn", 0, 1, 256, NULL);
	const char *logging = member_json(c, "loggingConfiguration", &log_len);
	const char *tracing = member_json(c, "tracingConfiguration", &trace_len);
	const char *encryption = member_json(c, "encryptionConfiguration", &enc_len);
	int publish = sv_bool(c, "publish", 0);
	const char *vdesc = sv_string(c, "versionDescription", 0, 0, 256, NULL);
	st_machine m;
	if (sv_invalid(c) < 0 || check_logging(c, "loggingConfiguration") < 0)
		return -1;
	if (!def && !role && !logging && !tracing && !encryption)
		return sv_error(c, "MissingRequiredParameter",
				"Either the definition, the role ARN, the LoggingConfiguration, or "
				"the TracingConfiguration must be specified");
	if (vdesc && !publish)
		return sv_error(c, "ValidationException",
				"Version description can only be set when publish is true");
	if (sv_find_machine(c, arn, &m) < 0)
		return -1;
	st_store *s = c->srv->store;
	st_definition d;
	if (s->ops->definition_get(s, m.definition_id, &c->arena, &d))
		return sv_store_failed(c);
	char *why;
	if (def && sv_machine_check(sv_text(c, m.name), def, def_len,
				    !strncmp(m.type.ptr, "EXPRESS", 7), &why, &c->arena) < 0)
		return sv_error(c, "InvalidDefinition", "Invalid State Machine Definition: '%s'",
				why);
	int changed = (def && !same(d.text, def, def_len)) ||
		      (role && !same(m.role_arn, role, strlen(role))) ||
		      (logging && !same(m.logging, logging, log_len)) ||
		      (tracing && !same(m.tracing, tracing, trace_len)) ||
		      (encryption && !same(m.encryption, encryption, enc_len));
	int64_t now = sv_now_ms();
	if (changed) { /* a new revision; an identical update keeps the current one */
		char rev[37];
		sv_uuid(rev);
		m.revision_id = st_cstr(sv_printf(&c->arena, "%s", rev));
		if (role)
			m.role_arn = st_cstr(role);
		if (logging)
			m.logging = (st_text){logging, log_len};
		if (tracing)
			m.tracing = (st_text){tracing, trace_len};
		if (encryption)
			m.encryption = (st_text){encryption, enc_len};
		m.updated_ms = now;
		st_definition nd = {0};
		nd.machine_id = m.id;
		nd.text = def ? (st_text){def, def_len} : d.text;
		nd.revision_id = m.revision_id;
		nd.role_arn = m.role_arn;
		nd.created_ms = now;
		int rc = s->ops->begin(s);
		if (!rc)
			rc = s->ops->definition_put(s, &nd);
		if (!rc) {
			m.definition_id = nd.id;
			rc = s->ops->machine_update(s, &m);
		}
		if (!rc)
			rc = s->ops->commit(s);
		else
			s->ops->rollback(s);
		if (rc)
			return sv_store_failed(c);
		if (!sv_machine_get(c->srv, nd.id, sv_text(c, m.name), sv_text(c, nd.role_arn),
				    nd.text.ptr, nd.text.len, &why, &c->arena))
			fprintf(stderr, "aslc serve: %s does not compile: %s\n", arn, why);
	}
	sv_open(c, NULL);
	sv_put_time(c, "updateDate", changed ? now : m.updated_ms);
	if (m.revision_id.ptr)
		sv_put_string(c, "revisionId", m.revision_id.ptr, m.revision_id.len);
	sv_close(c);
	return 0;
}

int sv_op_DeleteStateMachine(sv_call *c)
{
	const char *arn = sv_string(c, "stateMachineArn", 1, 1, 256, NULL);
	if (sv_invalid(c) < 0 || sv_check_arn(c, arn, "stateMachine") < 0)
		return -1;
	st_store *s = c->srv->store;
	st_machine m;
	int rc = s->ops->machine_get(s, arn, &c->arena, &m);
	if (rc < 0)
		return sv_store_failed(c);
	if (rc) /* AWS: deleting what is not there succeeds */
		return 0;
	m.status = st_cstr("DELETING");
	if (s->ops->machine_update(s, &m))
		return sv_store_failed(c);
	/* its running executions are stopped (recorded as ABORTED), then it goes */
	st_exec_query q = {m.id, st_cstr("RUNNING"), 0, 0, 100};
	for (;;) { /* page by page (keyset): a stopped one leaves RUNNING, the rest stay */
		st_execution *rows;
		size_t n;
		if (s->ops->execution_list(s, &q, &c->arena, &rows, &n) < 0)
			return sv_store_failed(c);
		for (size_t i = 0; i < n; i++)
			sv_engine_stop_execution(c->srv, rows[i].id, "States.Aborted",
						 "The state machine was deleted.");
		if (n < q.limit)
			break;
		q.after_start_ms = rows[n - 1].start_ms;
		q.after_id = rows[n - 1].id;
	}
	if (s->ops->machine_delete(s, m.id) < 0)
		return sv_store_failed(c);
	return 0;
}

int sv_op_ListStateMachines(sv_call *c)
{
	int64_t max = sv_int(c, "maxResults", 0, 0, 1000);
	const char *token = sv_string(c, "nextToken", 0, 1, 1024, NULL);
	if (sv_invalid(c) < 0)
		return -1;
	size_t limit = max ? (size_t)max : 100;
	sv_page_key key = {{0, 0}, NULL};
	if (token && sv_token_read(c, token, "ListStateMachines", 0, &key) < 0)
		return -1;
	st_machine *rows;
	size_t n;
	if (c->srv->store->ops->machine_list(c->srv->store, key.text, limit + 1, &c->arena, &rows,
					     &n) < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_open_array(c, "stateMachines");
	for (size_t i = 0; i < n && i < limit; i++) {
		sv_open(c, NULL);
		sv_put_string(c, "stateMachineArn", rows[i].arn.ptr, rows[i].arn.len);
		sv_put_string(c, "name", rows[i].name.ptr, rows[i].name.len);
		sv_put_string(c, "type", rows[i].type.ptr, rows[i].type.len);
		sv_put_time(c, "creationDate", rows[i].created_ms);
		sv_close(c);
	}
	sv_close_array(c);
	if (n > limit) {
		sv_page_key next = {{0, 0}, sv_text(c, rows[limit - 1].name)};
		sv_put_cstr(c, "nextToken", sv_token_make(c, "ListStateMachines", 0, &next));
	}
	sv_close(c);
	return 0;
}

int sv_op_ValidateStateMachineDefinition(sv_call *c)
{
	size_t def_len;
	const char *def = sv_string(c, "definition", 1, 1, 1048576, &def_len);
	int type = sv_enum(c, "type", TYPES);
	static const char *const SEVERITIES[] = {"ERROR", "WARNING", NULL};
	sv_enum(c, "severity", SEVERITIES);
	int64_t max = sv_int(c, "maxResults", 0, 0, 100);
	if (sv_invalid(c) < 0)
		return -1;
	sv_open(c, NULL);
	sv_machine_diagnostics(c, def, def_len, type == 1, max ? (size_t)max : 100);
	sv_close(c);
	return 0;
}

int sv_op_DescribeStateMachineForExecution(sv_call *c)
{
	const char *arn = sv_string(c, "executionArn", 1, 1, 256, NULL);
	st_execution e;
	if (sv_invalid(c) < 0 || sv_find_execution(c, arn, &e) < 0)
		return -1;
	st_store *s = c->srv->store;
	st_machine m;
	st_definition d;
	if (s->ops->definition_get(s, e.definition_id, &c->arena, &d))
		return sv_store_failed(c);
	int gone = s->ops->machine_get_id(s, e.machine_id, &c->arena, &m);
	if (gone < 0)
		return sv_store_failed(c);
	sv_open(c, NULL);
	sv_put_string(c, "stateMachineArn", e.machine_arn.ptr, e.machine_arn.len);
	if (!gone)
		sv_put_string(c, "name", m.name.ptr, m.name.len);
	sv_put_string(c, "definition", d.text.ptr, d.text.len);
	sv_put_string(c, "roleArn", d.role_arn.ptr, d.role_arn.len);
	sv_put_time(c, "updateDate", d.created_ms);
	if (!gone)
		put_settings(c, &m);
	if (d.revision_id.ptr)
		sv_put_string(c, "revisionId", d.revision_id.ptr, d.revision_id.len);
	sv_close(c);
	return 0;
}
