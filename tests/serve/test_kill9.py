#!/usr/bin/env python3
"""`aslc serve` survives kill -9 (../shared/research/sfn-api.md §6, §8): 200 executions are
running (110 Pass -> Wait 3 s -> Pass, 40 on an activity of which a worker holds some tokens
and answered a few, 40 on .waitForTaskToken callbacks, 10 waiting for a nested
states:startExecution.sync:2 of the Wait machine) while StartExecution calls keep coming;
the server is killed with SIGKILL, restarted on the same --db, killed again while it resumes,
and restarted once more. Then every execution that was RUNNING must end SUCCEEDED, every
acknowledged StartExecution must exist, histories must have ids 1..N with one ExecutionStarted
and no state entered twice, the tokens handed out before the crash must still work (and an
answered one must be closed), StartExecution must still be idempotent, and ListExecutions must
be what it was apart from status. Prints "running R, resumed R, lost 0".
Standard library only.  Usage: test_kill9.py ASLC"""
import collections
import json
import re
import sys
import threading
import time

from serve_fixture import ROLE, Api, ApiError, Checks, Server, main_args, wait_for, workdir

ASLC = main_args(__doc__.splitlines()[-1].split("Usage: ")[1])
WAITERS, ACTIVITIES, CALLBACKS, NESTED = 110, 40, 40, 10
WAIT_SLACK_S = 2.5  # a Wait that started over after the restarts would take 3 s more
HELD, ANSWERED = 15, 5
STORM_KILL_AT = 50  # StartExecution calls answered before the kill, while more keep coming  # activity tokens the worker takes before the crash: kept, answered
WAITER = {"StartAt": "P1", "States": {
    "P1": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.p1", "Next": "W"},
    "W": {"Type": "Wait", "Seconds": 3, "Next": "P2"},
    "P2": {"Type": "Pass", "Result": {"n": 2}, "ResultPath": "$.p2", "End": True}}}


def nested_machine(child):
    return {"StartAt": "Run", "States": {
        "Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": child, "Input": {"i.$": "$.i"}},
                "ResultSelector": {"status.$": "$.Status", "out.$": "$.Output"}, "End": True}}}


def activity_machine(act):
    return {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": act, "TimeoutSeconds": 300, "Next": "Done"},
        "Done": {"Type": "Pass", "End": True}}}


CALLBACK = {"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                           "MessageBody": {"token.$": "$$.Task.Token"}}, "Next": "Done"},
    "Done": {"Type": "Pass", "End": True}}}


def history(api, x):
    out, token = [], None
    while True:
        kw = {"nextToken": token} if token else {}
        page = api.call("GetExecutionHistory", executionArn=x, maxResults=1000, **kw)
        out += page["events"]
        token = page.get("nextToken")
        if not token:
            return out


def listing(api, sm):
    """{arn: (name, startDate, status)} of every execution of `sm`."""
    out, token = {}, None
    while True:
        kw = {"nextToken": token} if token else {}
        page = api.call("ListExecutions", stateMachineArn=sm, maxResults=1000, **kw)
        for e in page["executions"]:
            out[e["executionArn"]] = (e["name"], e["startDate"], e["status"])
        token = page.get("nextToken")
        if not token:
            return out


def callback_token(api, x):
    for e in history(api, x):
        if e["type"] == "TaskScheduled":
            return json.loads(e["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
    return None


class Storm(threading.Thread):
    """StartExecution calls one after another until the server dies: those answered 200 must
    survive; at most the one in flight may or may not."""

    def __init__(self, url, sm):
        super().__init__(daemon=True)
        self.api, self.sm, self.acked = Api(url), sm, {}
        self.going = threading.Event()  # STORM_KILL_AT answered: time to kill

    def run(self):
        for i in range(100000):
            try:
                r = self.api.call("StartExecution", stateMachineArn=self.sm, name="s%05d" % i, input="{}")
            except Exception:
                self.going.set()
                return
            self.acked[r["executionArn"]] = r["startDate"]
            if len(self.acked) >= STORM_KILL_AT:
                self.going.set()


def check_history(c, x, ev, kind):
    tag = x.rsplit(":", 2)[-2] + ":" + x.rsplit(":", 1)[-1]
    c.eq(tag + " ids 1..N", [e["id"] for e in ev], list(range(1, len(ev) + 1)))
    kinds = collections.Counter(e["type"] for e in ev)
    c.eq(tag + " one ExecutionStarted", kinds["ExecutionStarted"], 1)
    entered = collections.Counter(e["stateEnteredEventDetails"]["name"] for e in ev if e["type"].endswith("StateEntered"))
    c.ok(tag + " no state entered twice", all(n == 1 for n in entered.values()), entered)
    c.eq(tag + " ends", ev[-1]["type"] if ev else None, "ExecutionSucceeded")
    if kind == "waiter":
        c.eq(tag + " one Wait", (kinds["WaitStateEntered"], kinds["WaitStateExited"]), (1, 1))
        at = {e["type"]: e["timestamp"] for e in ev}
        waited = at.get("WaitStateExited", 0) - at.get("WaitStateEntered", 0)
        # re-armed at its absolute end: neither skipped nor started over after the restarts
        c.ok(tag + " waited its 3 s", 2.99 <= waited < 3 + WAIT_SLACK_S, "%.3f s" % waited)
    if kind == "activity":
        c.eq(tag + " one activity", (kinds["ActivityScheduled"], kinds["ActivityStarted"],
             kinds["ActivitySucceeded"]), (1, 1, 1))


def main():
    c = Checks("test_kill9")
    srv = Server(ASLC, workdir("kill9")).start()
    try:
        scenario(c, srv)
    except Exception as e:  # the server died, most likely: say so, with its log
        c.ok("the scenario ran to its end", False, "raised %r" % (e,))
    c.eq("clean stop on SIGTERM", srv.stop(), 0)
    rc = c.done(srv)
    srv.cleanup(c.failed)
    return rc


def scenario(c, srv):
    api = srv.api()
    act = api.call("CreateActivity", name="k9-act")["activityArn"]
    sms = {kind: api.call("CreateStateMachine", name="k9-" + kind, roleArn=ROLE, definition=json.dumps(d))["stateMachineArn"]
           for kind, d in (("waiter", WAITER), ("activity", activity_machine(act)), ("callback", CALLBACK))}
    sms["nested"] = api.call("CreateStateMachine", name="k9-nested", roleArn=ROLE,
                             definition=json.dumps(nested_machine(sms["waiter"])))["stateMachineArn"]
    kind_of, inputs = {}, {}
    for kind, n, prefix in (("activity", ACTIVITIES, "a"), ("callback", CALLBACKS, "c"), ("nested", NESTED, "n")):
        for i in range(n):
            inp = json.dumps({"i": i})
            x = api.call("StartExecution", stateMachineArn=sms[kind], name="%s%03d" % (prefix, i), input=inp)["executionArn"]
            kind_of[x], inputs[x] = kind, inp
    held, answered = [], []
    for _ in range(HELD + ANSWERED):
        t = api.call("GetActivityTask", activityArn=act, workerName="k9")
        if c.ok("a task for the worker", t.get("taskToken"), t):
            (answered if len(answered) < ANSWERED else held).append(t["taskToken"])
    for tok in answered:
        api.call("SendTaskSuccess", taskToken=tok, output='{"early":true}')
    cb_tokens = {}
    for x, kind in kind_of.items():
        if kind == "callback":
            cb_tokens[x] = wait_for(lambda: callback_token(api, x), 10)
    c.ok("every callback has its token", all(cb_tokens.values()), [x for x, t in cb_tokens.items() if not t])
    for i in range(WAITERS):
        x = api.call("StartExecution", stateMachineArn=sms["waiter"], name="w%03d" % i, input="{}")["executionArn"]
        kind_of[x], inputs[x] = "waiter", "{}"
    before = {}
    for sm in sms.values():
        before.update(listing(api, sm))
    running = {x for x, (_, _, status) in before.items() if status == "RUNNING" and x in kind_of}  # not children
    storm = Storm(srv.url, sms["waiter"])
    storm.start()
    storm.going.wait(30)
    srv.kill9()
    storm.join(10)
    print("killed with %d of the 200 running and %d more started while it was killed"
          % (len(running), len(storm.acked)), flush=True)
    srv.start()
    time.sleep(0.3)  # and again while it resumes them
    srv.restart()
    api.close()

    after = {}
    for sm in sms.values():
        after.update(listing(api, sm))
    c.ok("every execution listed before is there", set(before) <= set(after), set(before) - set(after))
    c.eq("listed as before apart from status", {x: v[:2] for x, v in after.items() if x in before},
         {x: v[:2] for x, v in before.items()})
    c.ok("every acknowledged start is there", set(storm.acked) <= set(after), set(storm.acked) - set(after))
    extra = set(after) - set(before) - set(storm.acked)
    c.ok("at most the start in flight besides", len(extra) <= 1, extra)
    for x in storm.acked:
        kind_of[x], inputs[x] = "waiter", "{}"
    running |= set(storm.acked)

    one_cb = next(x for x, k in kind_of.items() if k == "callback")
    r = api.call("StartExecution", stateMachineArn=sms["callback"], name=one_cb.rsplit(":", 1)[1], input=inputs[one_cb])
    c.eq("still idempotent while running", (r["executionArn"], r["startDate"]), (one_cb, before[one_cb][1]))
    c.raises("other input: ExecutionAlreadyExists", lambda: api.call("StartExecution", stateMachineArn=sms["callback"],
             name=one_cb.rsplit(":", 1)[1], input='{"other":1}'), "ExecutionAlreadyExists")
    for tok in answered:
        c.raises("an answered token stays closed", lambda: api.call("SendTaskSuccess", taskToken=tok, output="{}"),
                 "TaskTimedOut")
    for tok in held:
        try:
            c.eq("a held token still works", api.call("SendTaskHeartbeat", taskToken=tok), {})
            api.call("SendTaskSuccess", taskToken=tok, output='{"late":true}')
        except ApiError as e:
            c.ok("a held token still works", False, str(e))
    for x, tok in cb_tokens.items():
        if tok:
            try:
                api.call("SendTaskSuccess", taskToken=tok, output='{"called":"back"}')
            except ApiError as e:
                c.ok("a callback token still works", False, str(e))
    queued = []
    for _ in range(ACTIVITIES - HELD - ANSWERED):  # the ones never handed out were queued again
        t = api.call("GetActivityTask", activityArn=act, workerName="k9b")
        if c.ok("a queued task after the restart", t.get("taskToken"), t):
            queued.append(t["taskToken"])
            api.call("SendTaskSuccess", taskToken=t["taskToken"], output='{"after":true}')
    c.ok("queued tokens are new to the worker", not set(queued) & set(held + answered), "a token handed out twice")
    c.eq("nothing more queued", api.call("GetActivityTask", activityArn=act, workerName="k9c").get("taskToken"), None)

    def status(x):
        try:
            return api.call("DescribeExecution", executionArn=x)["status"]
        except ApiError as e:
            return e.code

    def all_done():
        return all(status(x) != "RUNNING" for x in running)
    wait_for(all_done, 30, 0.5)
    resumed = lost = 0
    for x in sorted(kind_of):
        st = status(x)
        if x in running:
            resumed += st == "SUCCEEDED"
            lost += st != "SUCCEEDED"
        why = api.call("DescribeExecution", executionArn=x).get("cause", "") if st == "FAILED" else ""
        name = x.rsplit(":", 1)[1] + " status" if kind_of[x] != "nested" else "nested startExecution.sync:2 status"
        if c.ok(name, st == "SUCCEEDED", "%s %s" % (st, why[:300])):
            check_history(c, x, history(api, x), kind_of[x])
    # the Wait machine's executions named neither w000... (ours) nor s00000... (the storm's,
    # answered or in flight) are the nested ones' children
    children = [e for e in listing(api, sms["waiter"]).values() if not re.fullmatch(r"w\d{3}|s\d{5}", e[0])]
    c.eq("one child per nested execution, none started twice", len(children), NESTED)
    for x, kind in kind_of.items():
        if kind == "nested":
            out = api.call("DescribeExecution", executionArn=x).get("output")
            c.eq("nested: the child's output", json.loads(out or "null"),
                 {"status": "SUCCEEDED", "out": {"i": int(json.loads(inputs[x])["i"]), "p1": {"n": 1}, "p2": {"n": 2}}})
    print("running %d, resumed %d, lost %d" % (len(running), resumed, lost), flush=True)
    c.eq("lost", lost, 0)
    api.close()


if __name__ == "__main__":
    sys.exit(main())
