#!/usr/bin/env python3
"""`aslc serve` driven by boto3 (../shared/research/sfn-api.md §8): ListExecutions pagination
over 250 executions (keyset: no duplicates across an insert, tampered tokens refused), an
activity worker thread (poll, heartbeat, success, failure, timeouts, closed and garbage tokens,
bad output, stop while started), a .waitForTaskToken round trip with the token from the history,
a nested states:startExecution.sync, StartSyncExecution, TestState, tags, running executions
keeping their revision across UpdateStateMachine, ValidateStateMachineDefinition, the spec's
other rules (names, express ARNs, timeouts, deletes, the wire protocol), and --auth checking
botocore's real SigV4 signatures.

Runs under whatever python3 starts it (exit 77 when it has no boto3); operations the installed
botocore does not know (Debian's 1.29 has no TestState or ValidateStateMachineDefinition) are
skipped with a "skipped: ..." line.  Usage: test_boto3.py ASLC"""
import http.client
import json
import re
import socket
import sys
import threading
import time
import urllib.parse

from serve_fixture import ROLE, SKIP, Checks, Server, arn, error_of, main_args, wait_for, workdir

ASLC = main_args(__doc__.splitlines()[-1].split("Usage: ")[1])
try:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
except ImportError:
    print("skipped: %s has no boto3" % sys.executable)
    sys.exit(SKIP)

HOLD = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}
N = 250


def client(url):
    cfg = Config(inject_host_prefix=False, read_timeout=70, retries={"max_attempts": 1})
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test", config=cfg)


def has_op(sfn, op):
    return op in sfn.meta.service_model.operation_names


def create(sfn, name, definition, **kw):
    text = definition if isinstance(definition, str) else json.dumps(definition)
    return sfn.create_state_machine(name=name, definition=text, roleArn=ROLE, **kw)["stateMachineArn"]


def finished(sfn, x, timeout=20):
    """DescribeExecution once it is no longer RUNNING (or the RUNNING one after `timeout`)."""
    got = wait_for(lambda: (lambda d: d if d["status"] != "RUNNING" else None)(
        sfn.describe_execution(executionArn=x)), timeout)
    return got or sfn.describe_execution(executionArn=x)


def events(sfn, x):
    return sfn.get_paginator("get_execution_history").paginate(executionArn=x).build_full_result()["events"]


def types(sfn, x):
    return [e["type"] for e in events(sfn, x)]


def pagination(c, sfn):
    sm = create(sfn, "hold", HOLD)
    names = ["e%03d" % i for i in range(N)]
    started = [sfn.start_execution(stateMachineArn=sm, name=n)["executionArn"] for n in names]
    pages, got, token = [], [], None
    while True:
        kw = {"nextToken": token} if token else {}
        page = sfn.list_executions(stateMachineArn=sm, maxResults=100, **kw)
        pages.append(len(page["executions"]))
        got += [e["executionArn"] for e in page["executions"]]
        token = page.get("nextToken")
        if not token or len(pages) > 5:
            break
    c.eq("pages of 100", pages, [100, 100, 50])
    c.eq("newest first, all of them", got, started[::-1])
    paged = sfn.get_paginator("list_executions").paginate(stateMachineArn=sm, PaginationConfig={"PageSize": 7})
    c.eq("paginator, PageSize 7", sum(len(p["executions"]) for p in paged), N)
    none = sfn.list_executions(stateMachineArn=sm, statusFilter="SUCCEEDED")
    c.ok("filter SUCCEEDED: empty, no token", none["executions"] == [] and "nextToken" not in none, none)
    page1 = sfn.list_executions(stateMachineArn=sm, maxResults=100)
    late = sfn.start_execution(stateMachineArn=sm, name="late")["executionArn"]
    rest, token = [], page1["nextToken"]
    while token:
        page = sfn.list_executions(stateMachineArn=sm, maxResults=100, nextToken=token)
        rest += [e["executionArn"] for e in page["executions"]]
        token = page.get("nextToken")
    seen = [e["executionArn"] for e in page1["executions"]] + rest
    c.ok("an insert between pages: no duplicates, no gaps", seen == started[::-1] and late not in seen,
         "%d seen, %d unique" % (len(seen), len(set(seen))))
    tok = page1["nextToken"]
    tampered = tok[:-3] + ("AAA" if not tok.endswith("AAA") else "BBB")
    c.raises("tampered token", lambda: sfn.list_executions(stateMachineArn=sm, nextToken=tampered),
             "InvalidToken", "Invalid Token: 'Invalid token'")
    c.raises("token of another filter", lambda: sfn.list_executions(stateMachineArn=sm, statusFilter="RUNNING",
             nextToken=tok), "InvalidToken")
    c.raises("garbage token", lambda: sfn.list_executions(stateMachineArn=sm, nextToken="x" * 40), "InvalidToken")
    for x in started + [late]:
        sfn.stop_execution(executionArn=x)
    aborted = sfn.get_paginator("list_executions").paginate(stateMachineArn=sm, statusFilter="ABORTED")
    c.eq("all aborted", sum(len(p["executions"]) for p in aborted), N + 1)


class Worker(threading.Thread):
    """The §8 worker: long-polls an activity, heartbeats, fails when the input asks for it,
    echoes otherwise; `hold` keeps the token it gets and answers nothing."""

    def __init__(self, sfn, act, hold=False):
        super().__init__(daemon=True)
        self.sfn, self.act, self.hold = sfn, act, hold
        self.stop, self.used, self.errors = threading.Event(), [], []

    def run(self):
        while not self.stop.is_set():
            try:
                t = self.sfn.get_activity_task(activityArn=self.act, workerName="w1")
                tok = t.get("taskToken")
                if not tok:
                    continue
                self.used.append(tok)
                if self.hold:
                    continue
                inp = json.loads(t["input"])
                self.sfn.send_task_heartbeat(taskToken=tok)
                if inp.get("fail"):
                    self.sfn.send_task_failure(taskToken=tok, error="Boom", cause="asked")
                else:
                    self.sfn.send_task_success(taskToken=tok, output=json.dumps({"echo": inp}))
            except Exception as e:  # noted, and the check that depends on it fails
                self.errors.append(repr(e))
                time.sleep(0.2)


def activity_machine(act, timeout=30, heartbeat=10):
    task = {"Type": "Task", "Resource": act, "TimeoutSeconds": timeout, "End": True}
    if heartbeat:
        task["HeartbeatSeconds"] = heartbeat
    task["Catch"] = [{"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "Caught"}]
    return {"StartAt": "A", "States": {"A": task, "Caught": {"Type": "Pass", "End": True}}}


def activities(c, sfn):
    act = sfn.create_activity(name="ci-act")
    c.eq("activity ARN", act["activityArn"], arn("activity", "ci-act"))
    again = sfn.create_activity(name="ci-act")
    c.eq("create_activity is idempotent", (again["activityArn"], again["creationDate"]),
         (act["activityArn"], act["creationDate"]))
    act = act["activityArn"]
    t0 = time.monotonic()
    c.eq("empty poll: no token", sfn.get_activity_task(activityArn=act, workerName="w0").get("taskToken"), None)
    held_s = time.monotonic() - t0
    c.ok("empty poll: held for --poll-hold (1 s), no longer", 0.9 <= held_s < 5, "%.2f s" % held_s)
    # the slow ones first, so that their timeouts run while the worker does the rest
    hb_act = sfn.create_activity(name="ci-hb")["activityArn"]
    hb = sfn.start_execution(stateMachineArn=create(sfn, "hb", activity_machine(hb_act, 30, 2)))["executionArn"]
    idle_act = sfn.create_activity(name="ci-idle")["activityArn"]
    idle = sfn.start_execution(stateMachineArn=create(sfn, "idle", activity_machine(idle_act, 2, 0)))
    stop_act = sfn.create_activity(name="ci-stop")["activityArn"]
    stopped = sfn.start_execution(stateMachineArn=create(sfn, "stopme", activity_machine(stop_act)))
    holder = Worker(sfn, hb_act, hold=True)
    holder.start()
    held = wait_for(lambda: holder.used, 10)  # its 2 s heartbeat runs from now
    if c.ok("heartbeat: the holder got a token", held, holder.errors):
        c.raises("output that is not JSON", lambda: sfn.send_task_success(taskToken=held[0], output="not json"),
                 "InvalidOutput")
    worker = Worker(sfn, act)
    worker.start()
    sm = create(sfn, "act", activity_machine(act))
    ok = sfn.start_execution(stateMachineArn=sm, input='{"x":1}')["executionArn"]
    d = finished(sfn, ok)
    c.eq("activity: success", (d["status"], json.loads(d.get("output", "null"))), ("SUCCEEDED", {"echo": {"x": 1}}))
    ev = events(sfn, ok)
    c.eq("activity history", [e["type"] for e in ev],
         ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded",
          "TaskStateExited", "ExecutionSucceeded"])
    c.eq("activity history ids", [e["id"] for e in ev], list(range(1, 8)))
    c.eq("ExecutionStarted: the machine's role", ev[0].get("executionStartedEventDetails", {}).get("roleArn"), ROLE)
    sched = ev[2].get("activityScheduledEventDetails", {}) if len(ev) > 2 else {}
    c.eq("ActivityScheduled details", (sched.get("resource"), sched.get("timeoutInSeconds"),
         sched.get("heartbeatInSeconds")), (act, 30, 10))
    c.eq("ActivityStarted workerName", ev[3].get("activityStartedEventDetails") if len(ev) > 3 else None,
         {"workerName": "w1"})
    bad = sfn.start_execution(stateMachineArn=sm, input='{"fail":true}')["executionArn"]
    d = finished(sfn, bad)
    c.eq("activity: failure caught", (d["status"], json.loads(d.get("output", "{}")).get("err")),
         ("SUCCEEDED", {"Error": "Boom", "Cause": "asked"}))
    c.ok("ActivityFailed in the history", "ActivityFailed" in types(sfn, bad), types(sfn, bad))
    worker.stop.set()
    c.ok("worker: tokens", len(worker.used) == 2 and not worker.errors, (worker.used, worker.errors))
    if worker.used:
        c.raises("reused token", lambda: sfn.send_task_success(taskToken=worker.used[0], output="{}"),
                 "TaskTimedOut")
        c.raises("reused token, heartbeat", lambda: sfn.send_task_heartbeat(taskToken=worker.used[0]),
                 "TaskTimedOut")
    c.raises("garbage token", lambda: sfn.send_task_success(taskToken="garbage", output="{}"), "InvalidToken")
    c.raises("garbage token, failure", lambda: sfn.send_task_failure(taskToken="garbage"), "InvalidToken")
    # the heartbeat machine: its worker holds the token and answers nothing
    if held:
        d = finished(sfn, hb, 15)
        c.eq("missed heartbeat", (d["status"], d.get("error")), ("FAILED", "States.Timeout"))
        c.eq("missed heartbeat: history", types(sfn, hb)[-2:], ["ActivityTimedOut", "ExecutionFailed"])
        c.raises("heartbeat after the timeout", lambda: sfn.send_task_heartbeat(taskToken=held[0]), "TaskTimedOut")
    holder.stop.set()
    d = finished(sfn, idle["executionArn"], 15)
    c.eq("nobody polls: timeout", (d["status"], d.get("error")), ("FAILED", "States.Timeout"))
    h = types(sfn, idle["executionArn"])
    c.ok("nobody polls: ActivityTimedOut, no ActivityStarted", "ActivityTimedOut" in h and "ActivityStarted" not in h, h)
    # stop while the task is STARTED
    task = sfn.get_activity_task(activityArn=stop_act, workerName="w2")
    if c.ok("stop: the task", task.get("taskToken"), task):
        sfn.stop_execution(executionArn=stopped["executionArn"], error="Manual", cause="probe")
        d = sfn.describe_execution(executionArn=stopped["executionArn"])
        c.eq("stop while started", (d["status"], d.get("error"), d.get("cause")), ("ABORTED", "Manual", "probe"))
        c.raises("success after the stop", lambda: sfn.send_task_success(taskToken=task["taskToken"], output="{}"),
                 "TaskTimedOut")
    holder.join(5)
    worker.join(5)
    c.raises("no such activity", lambda: sfn.get_activity_task(activityArn=arn("activity", "nope")),
             "ActivityDoesNotExist", "Activity Does Not Exist: '%s'" % arn("activity", "nope"))
    names = [a["name"] for a in sfn.list_activities()["activities"]]
    c.eq("list activities", names, ["ci-act", "ci-hb", "ci-idle", "ci-stop"])
    sfn.delete_activity(activityArn=idle_act)
    sfn.delete_activity(activityArn=idle_act)  # twice: still 200
    c.raises("deleted activity", lambda: sfn.describe_activity(activityArn=idle_act), "ActivityDoesNotExist")


CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                           "MessageBody": {"token.$": "$$.Task.Token", "q.$": "$.q"}},
            "Catch": [{"ErrorEquals": ["Nope"], "Next": "Refused"}], "End": True},
    "Refused": {"Type": "Pass", "Result": "refused", "End": True}}}


def callback_token(sfn, x):
    """The token, from the parameters of the TaskScheduled event (None until it is there)."""
    for e in events(sfn, x):
        if e["type"] == "TaskScheduled":
            return json.loads(e["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
    return None


def callbacks(c, sfn):
    sm = create(sfn, "callback", CALLBACK)
    x = sfn.start_execution(stateMachineArn=sm, input='{"q":"yes?"}')["executionArn"]
    tok = wait_for(lambda: callback_token(sfn, x), 10)
    if not c.ok("callback: token in TaskScheduled's parameters", tok, types(sfn, x)):
        return
    c.eq("callback: still running", sfn.describe_execution(executionArn=x)["status"], "RUNNING")
    sfn.send_task_heartbeat(taskToken=tok)
    sfn.send_task_success(taskToken=tok, output='{"answer":42}')
    d = finished(sfn, x)
    c.eq("callback: success", (d["status"], json.loads(d.get("output", "null"))), ("SUCCEEDED", {"answer": 42}))
    h = types(sfn, x)
    c.ok("callback: history", h[:3] == ["ExecutionStarted", "TaskStateEntered", "TaskScheduled"]
         and "TaskSucceeded" in h and h[-1] == "ExecutionSucceeded", h)
    c.raises("callback: token used twice", lambda: sfn.send_task_success(taskToken=tok, output="{}"), "TaskTimedOut")
    y = sfn.start_execution(stateMachineArn=sm, input='{"q":"no?"}')["executionArn"]
    tok = wait_for(lambda: callback_token(sfn, y), 10)
    if tok:
        sfn.send_task_failure(taskToken=tok, error="Nope", cause="declined")
    d = finished(sfn, y)
    c.eq("callback: failure caught", (d["status"], d.get("output")), ("SUCCEEDED", '"refused"'))
    c.ok("callback: TaskFailed", "TaskFailed" in types(sfn, y), types(sfn, y))


def nested(c, sfn):
    child = create(sfn, "child", {"StartAt": "C", "States": {"C": {"Type": "Pass",
                                  "Parameters": {"twice.$": "States.MathAdd($.v, $.v)"}, "End": True}}})
    parent = create(sfn, "parent", {"StartAt": "Run", "States": {"Run": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": child, "Input": {"v.$": "$.v"}},
        "ResultSelector": {"status.$": "$.Status", "out.$": "States.StringToJson($.Output)"}, "End": True}}})
    x = sfn.start_execution(stateMachineArn=parent, input='{"v":21}')["executionArn"]
    d = finished(sfn, x)
    c.eq("startExecution.sync", (d["status"], json.loads(d.get("output", "null"))),
         ("SUCCEEDED", {"status": "SUCCEEDED", "out": {"twice": 42}}))
    kids = sfn.list_executions(stateMachineArn=child)["executions"]
    c.eq("the nested execution is the child's", [k["status"] for k in kids], ["SUCCEEDED"])


def activity_queue(c, sfn):
    """Tasks come out in the order they were scheduled, and each token goes to one poller."""
    act = sfn.create_activity(name="ci-fifo")["activityArn"]
    sm = create(sfn, "fifo", activity_machine(act, 60, 0))
    for i in range(5):
        sfn.start_execution(stateMachineArn=sm, input=json.dumps({"i": i}))
        wait_for(lambda: "ActivityScheduled" in types(sfn, sfn.list_executions(stateMachineArn=sm,
                 maxResults=1)["executions"][0]["executionArn"]), 5)
    got = [json.loads(sfn.get_activity_task(activityArn=act).get("input", "null")) for _ in range(5)]
    c.eq("FIFO tasks", got, [{"i": i} for i in range(5)])
    for i in range(20):
        sfn.start_execution(stateMachineArn=sm, input=json.dumps({"j": i}))
    tokens, lock = [], threading.Lock()

    def poller():
        while True:
            with lock:
                if len(tokens) >= 20:
                    return
            t = sfn.get_activity_task(activityArn=act, workerName="p").get("taskToken")
            if t:
                with lock:
                    tokens.append(t)
            elif time.monotonic() > deadline:
                return
    deadline = time.monotonic() + 20
    pollers = [threading.Thread(target=poller) for _ in range(4)]
    for t in pollers:
        t.start()
    for t in pollers:
        t.join()
    c.eq("4 pollers, 20 tasks: each token once", (len(tokens), len(set(tokens))), (20, 20))


def express(c, sfn):
    if not has_op(sfn, "StartSyncExecution"):
        return c.skip("StartSyncExecution", "this botocore does not know it")
    ex = create(sfn, "quick", {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"got.$": "$.a"},
                                "End": True}}}, type="EXPRESS")
    r = sfn.start_sync_execution(stateMachineArn=ex, input='{"a":7}')
    c.eq("StartSyncExecution", (r["status"], r.get("output")), ("SUCCEEDED", '{"got":7}'))
    c.ok("express execution ARN", r["executionArn"].startswith(arn("express", "quick", "")), r["executionArn"])
    f = create(sfn, "quickfail", {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}},
               type="EXPRESS")
    r = sfn.start_sync_execution(stateMachineArn=f)
    c.eq("StartSyncExecution, failed: still 200", (r["status"], r.get("error"), r.get("cause")), ("FAILED", "E", "C"))
    try:
        socket.gethostbyname("sync-127.0.0.1")
        prefixed = boto3.client("stepfunctions", endpoint_url=sfn.meta.endpoint_url, region_name="us-east-1",
                                aws_access_key_id="test", aws_secret_access_key="test",
                                config=Config(retries={"max_attempts": 1}))
        r = prefixed.start_sync_execution(stateMachineArn=ex, input='{"a":8}')
        c.eq("StartSyncExecution to sync-127.0.0.1 (the Host is ignored)", (r["status"], r.get("output")),
             ("SUCCEEDED", '{"got":8}'))
    except socket.gaierror:
        c.skip("StartSyncExecution with the sync- prefix", "sync-127.0.0.1 does not resolve (/etc/hosts)")
    std = create(sfn, "standard", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    c.raises("StartSyncExecution on STANDARD", lambda: sfn.start_sync_execution(stateMachineArn=std),
             "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
    c.raises("express rejects activities", lambda: create(sfn, "exact", activity_machine(arn("activity", "ci-act")),
             type="EXPRESS"), "InvalidDefinition")


def test_state(c, sfn):
    if not has_op(sfn, "TestState"):
        return c.skip("TestState", "this botocore does not know it")
    pas = json.dumps({"Type": "Pass", "Parameters": {"a.$": "$.x"}, "End": True})
    r = sfn.test_state(definition=pas, input='{"x":5}')
    c.eq("TestState Pass", (r.get("status"), r.get("output")), ("SUCCEEDED", '{"a":5}'))
    r = sfn.test_state(definition=pas, input='{"x":5}', inspectionLevel="DEBUG")
    data = r.get("inspectionData", {})
    c.eq("TestState DEBUG", (data.get("input"), data.get("afterParameters")), ('{"x":5}', '{"a":5}'))
    fail = json.dumps({"Type": "Fail", "Error": "SomeFailure", "Cause": "because"})
    r = sfn.test_state(definition=fail, input="{}")
    c.eq("TestState Fail", (r.get("status"), r.get("error"), r.get("cause")), ("FAILED", "SomeFailure", "because"))
    task = json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "ResultSelector": {"r.$": "$.r"},
                       "Next": "After"})
    if "mock" not in sfn.meta.service_model.operation_model("TestState").input_shape.members:
        return c.skip("TestState mock", "this botocore has no TestState mock member")
    r = sfn.test_state(definition=task, roleArn=ROLE, input="{}", mock={"result": '{"r":1,"other":2}'})
    c.eq("TestState Task, mocked", (r.get("status"), r.get("output"), r.get("nextState")),
         ("SUCCEEDED", '{"r":1}', "After"))
    r = sfn.test_state(definition=task, roleArn=ROLE, input="{}",
                       mock={"errorOutput": {"error": "Lambda.Unknown", "cause": "mocked"}})
    c.eq("TestState Task, mocked error", (r.get("status"), r.get("error"), r.get("cause")),
         ("FAILED", "Lambda.Unknown", "mocked"))
    r = sfn.test_state(definition=json.dumps({"Type": "Pass", "Parameters": {"v.$": "$x"}, "End": True}),
                       input="{}", variables='{"x":3}')
    c.eq("TestState with variables", (r.get("status"), r.get("output")), ("SUCCEEDED", '{"v":3}'))


def tags(c, sfn):
    sm = create(sfn, "tagged", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                tags=[{"key": "a", "value": "1"}])
    sfn.tag_resource(resourceArn=sm, tags=[{"key": "b", "value": ""}, {"key": "a", "value": "2"}])
    got = sorted((t["key"], t["value"]) for t in sfn.list_tags_for_resource(resourceArn=sm)["tags"])
    c.eq("tags", got, [("a", "2"), ("b", "")])
    sfn.untag_resource(resourceArn=sm, tagKeys=["a"])
    c.eq("untag", sfn.list_tags_for_resource(resourceArn=sm)["tags"], [{"key": "b", "value": ""}])
    nope = arn("stateMachine", "nope")
    c.raises("tags of nothing", lambda: sfn.list_tags_for_resource(resourceArn=nope), "ResourceNotFound",
             "Resource not found: '%s'" % nope)


def revisions(c, sfn):
    def machine(result):
        return {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "P"},
                                          "P": {"Type": "Pass", "Result": result, "End": True}}}
    d1, d2 = json.dumps(machine("one")), json.dumps(machine("two"))
    sm = create(sfn, "revised", d1)
    a = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    rev = sfn.update_state_machine(stateMachineArn=sm, definition=d2).get("revisionId")
    b = sfn.start_execution(stateMachineArn=sm)["executionArn"]
    da = sfn.describe_state_machine_for_execution(executionArn=a)
    db = sfn.describe_state_machine_for_execution(executionArn=b)
    c.eq("the running execution keeps its definition", (da["definition"], db["definition"]), (d1, d2))
    shape = sfn.meta.service_model.operation_model("DescribeStateMachineForExecution").output_shape
    if "revisionId" not in shape.members:
        c.skip("revisionId", "this botocore does not know the member")
    else:
        c.ok("revisions", db.get("revisionId") == rev and da.get("revisionId") != rev, (da.get("revisionId"), rev))
    c.eq("outputs by revision", (finished(sfn, a).get("output"), finished(sfn, b).get("output")), ('"one"', '"two"'))


BAD = '''{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "Nowhere"}
  }
}'''


def validation(c, sfn):
    # where "Nowhere" is, as file:line:col or as AWS-style "line L, column C"
    line = 4
    col = BAD.splitlines()[line - 1].index('"Nowhere"') + 1
    where = re.compile(r"\b%d:%d\b|line %d, column %d\b" % (line, col, line, col))
    try:
        create(sfn, "broken", BAD)
        c.ok("InvalidDefinition", False, "created")
    except Exception as e:
        code, msg = error_of(e)
        c.eq("InvalidDefinition", code, "InvalidDefinition")
        c.ok("InvalidDefinition: AWS's text with our line:col",
             msg.startswith("Invalid State Machine Definition: '") and where.search(msg), msg)
    if not has_op(sfn, "ValidateStateMachineDefinition"):
        return c.skip("ValidateStateMachineDefinition", "this botocore does not know it")
    r = sfn.validate_state_machine_definition(definition=json.dumps(HOLD))
    c.eq("valid definition", (r["result"], r["diagnostics"]), ("OK", []))
    r = sfn.validate_state_machine_definition(definition=BAD)
    diags = r["diagnostics"]
    c.eq("invalid definition", r["result"], "FAIL")
    c.ok("diagnostics carry line:col", diags and diags[0]["severity"] == "ERROR"
         and any(where.search(d.get("message", "") + " " + d.get("location", "")) for d in diags), diags)
    r = sfn.validate_state_machine_definition(definition="{not json")
    c.eq("not JSON", (r["result"], [d["code"] for d in r["diagnostics"]][:1]), ("FAIL", ["INVALID_JSON_DESCRIPTION"]))


def edges(c, sfn):
    """The rest of the spec's rules that real clients meet: names, express ARNs, timeouts,
    Fail, delete while running, stopping twice, history without data, joined violations."""
    pas = create(sfn, "edge", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    again = sfn.create_state_machine(name="edge", roleArn=ROLE + "-other", definition=json.dumps(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))
    c.eq("create again with another role: the same machine", (again["stateMachineArn"],
         sfn.describe_state_machine(stateMachineArn=pas)["roleArn"]), (pas, ROLE))
    c.raises("ListExecutions without an ARN", lambda: sfn.list_executions(), "ValidationException")
    c.raises("execution name with a space", lambda: sfn.start_execution(stateMachineArn=pas, name="bad name"),
             "InvalidName", "Invalid Name: 'bad name'")
    c.raises("execution input not JSON", lambda: sfn.start_execution(stateMachineArn=pas, input="{x"),
             "InvalidExecutionInput")
    x = sfn.start_execution(stateMachineArn=pas, input="2")["executionArn"]
    c.eq("any JSON value as input", (finished(sfn, x)["status"], finished(sfn, x).get("output")), ("SUCCEEDED", "2"))
    d = finished(sfn, x)
    c.eq("stopping a closed execution: 200, nothing changes", (sfn.stop_execution(executionArn=x)["stopDate"],
         sfn.describe_execution(executionArn=x)["status"]), (d["stopDate"], "SUCCEEDED"))
    ev = sfn.get_execution_history(executionArn=x, includeExecutionData=False)["events"]
    c.ok("includeExecutionData=false drops the data", all("input" not in e.get("executionStartedEventDetails", {})
         and "output" not in e.get("executionSucceededEventDetails", {}) for e in ev), ev[:1])
    c.raises("two violations, joined", lambda: sfn.list_executions(stateMachineArn=pas, maxResults=1001,
             statusFilter="bad"), "ValidationException",
             "2 validation errors detected: Value 'bad' at 'statusFilter' failed to satisfy constraint: Member must "
             "satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]; Value "
             "'1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000")
    ex = create(sfn, "edge-x", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, type="EXPRESS")
    a = sfn.start_execution(stateMachineArn=ex, name="same")["executionArn"]
    b = sfn.start_execution(stateMachineArn=ex, name="same")["executionArn"]
    c.ok("express: a new execution each time", a != b and a.startswith(arn("express", "edge-x", "same", "")), (a, b))
    c.raises("express: no DescribeExecution", lambda: sfn.describe_execution(executionArn=a), "InvalidArn",
             "Invalid Arn: 'Resource type not valid in this context: express'")
    c.raises("express: no ListExecutions", lambda: sfn.list_executions(stateMachineArn=ex),
             "StateMachineTypeNotSupported")
    slow = create(sfn, "edge-t", {"TimeoutSeconds": 1, "StartAt": "W",
                                  "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}})
    t = sfn.start_execution(stateMachineArn=slow)["executionArn"]
    fail = create(sfn, "edge-f", {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}})
    f = sfn.start_execution(stateMachineArn=fail)["executionArn"]
    d = finished(sfn, f)
    c.eq("Fail", (d["status"], d.get("error"), d.get("cause"), types(sfn, f)),
         ("FAILED", "E", "C", ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]))
    d = finished(sfn, t, 10)
    c.eq("execution timeout: TIMED_OUT, no error or cause", (d["status"], d.get("error"), d.get("cause")),
         ("TIMED_OUT", None, None))
    last = events(sfn, t)[-1]
    c.eq("execution timeout: the event", (last["type"], last["previousEventId"],
         last.get("executionTimedOutEventDetails")), ("ExecutionTimedOut", 0, {"error": "States.Timeout"}))
    held = create(sfn, "edge-h", HOLD)
    h = sfn.start_execution(stateMachineArn=held)["executionArn"]
    sfn.delete_state_machine(stateMachineArn=held)
    c.eq("delete while running: the execution is aborted", finished(sfn, h, 10)["status"], "ABORTED")
    c.raises("delete: no more starts", lambda: sfn.start_execution(stateMachineArn=held),
             "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'" % held)
    c.raises("too many tags", lambda: sfn.tag_resource(resourceArn=pas, tags=[{"key": "k%d" % i, "value": ""}
             for i in range(51)]), "TooManyTags")


def wire(c, sfn):
    """The protocol itself, as other SDKs use it: errors by name, bodies botocore never sends."""
    u = urllib.parse.urlsplit(sfn.meta.endpoint_url)

    def post(target, body, ctype="application/x-amz-json-1.0"):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        headers = {"Content-Type": ctype}
        if target:
            headers["X-Amz-Target"] = target
        conn.request("POST", "/", body, headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(data) if data else None

    status, headers, body = post("AWSStepFunctions.Nope", b"{}")
    c.eq("unknown operation", (status, body.get("__type"), headers.get("x-amzn-errortype")),
         (400, "UnknownOperationException", "UnknownOperationException"))
    c.eq("no X-Amz-Target", post(None, b"{}")[2].get("__type"), "UnknownOperationException")
    c.eq("a body that is not JSON", post("AWSStepFunctions.ListActivities", b"{not json")[2].get("__type"),
         "SerializationException")
    c.eq("a member of the wrong type", post("AWSStepFunctions.ListActivities", b'{"maxResults":"x"}')[2]
         .get("__type"), "SerializationException")
    status, headers, body = post("AWSStepFunctions.ListActivities", b"")
    c.ok("an empty body is {}", status == 200 and "activities" in body and headers.get("x-amzn-requestid"),
         (status, headers, body))
    c.eq("application/json", post("AWSStepFunctions.ListActivities", b"{}", "application/json")[0], 200)
    c.eq("unknown members are ignored", post("AWSStepFunctions.ListActivities", b'{"fromTheFuture":1}')[0], 200)


def auth(c, sfn):
    """--auth KEY:SECRET: the server checks botocore's real SigV4 signatures (over the Host it
    received, sync- prefix included) and refuses wrong, unknown and missing ones."""
    srv = Server(ASLC, workdir("auth"), extra=("--auth", "AKIDTEST:s3cret")).start()
    try:
        def signed(key, secret, **cfg):
            return boto3.client("stepfunctions", endpoint_url=srv.url, region_name="us-east-1",
                                aws_access_key_id=key, aws_secret_access_key=secret,
                                config=Config(retries={"max_attempts": 1}, **cfg))
        good = signed("AKIDTEST", "s3cret", inject_host_prefix=False)
        c.eq("--auth: a good signature", good.list_state_machines()["stateMachines"], [])
        ex = create(good, "authx", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, type="EXPRESS")
        c.eq("--auth: a good signature, a bigger body", good.start_sync_execution(stateMachineArn=ex,
             input=json.dumps({"pad": "x" * 5000}))["status"], "SUCCEEDED")
        try:
            socket.gethostbyname("sync-127.0.0.1")
            r = signed("AKIDTEST", "s3cret").start_sync_execution(stateMachineArn=ex)
            c.eq("--auth: signed for the sync- host", r["status"], "SUCCEEDED")
        except socket.gaierror:
            c.skip("--auth with the sync- prefix", "sync-127.0.0.1 does not resolve (/etc/hosts)")
        c.raises("--auth: a wrong secret", lambda: signed("AKIDTEST", "wrong").list_state_machines(),
                 "InvalidSignatureException")
        c.raises("--auth: an unknown key", lambda: signed("AKIDOTHER", "s3cret").list_state_machines(),
                 "UnrecognizedClientException")
        c.raises("--auth: no signature", lambda: signed("x", "y", signature_version=UNSIGNED).list_state_machines(),
                 "MissingAuthenticationTokenException")
    finally:
        c.eq("--auth: clean stop", srv.stop(), 0)
        srv.cleanup(c.failed)


def main():
    c = Checks("test_boto3 (%s, boto3 %s)" % (sys.executable, boto3.__version__))
    srv = Server(ASLC, workdir("boto3")).start()
    sfn = client(srv.url)
    try:
        for part in (activities, activity_queue, pagination, callbacks, nested, express, test_state, tags, revisions, validation,
                     edges, wire, auth):
            t0 = time.monotonic()
            try:
                part(c, sfn)
            except Exception as e:  # one part's surprise must not hide the others' results
                c.ok(part.__name__, False, "raised %r" % (e,))
            print("%s: %.1f s" % (part.__name__, time.monotonic() - t0), flush=True)
    finally:
        c.eq("clean stop on SIGTERM", srv.stop(), 0)
    rc = c.done(srv)
    srv.cleanup(c.failed)
    return rc


if __name__ == "__main__":
    sys.exit(main())
