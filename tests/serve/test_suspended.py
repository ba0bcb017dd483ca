#!/usr/bin/env python3
"""10,000 executions suspended in one `aslc serve` (issue 11, "Durability and scale"): a third
each waiting on a Wait, an activity and a callback. None holds a thread (the server's thread count
stays that of an idle server), all are listed as RUNNING, each kind still goes on (a worker takes
an activity task, a callback token is answered), and after a clean restart all are resumed.
Usage: test_suspended.py ASLC"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import boto3
    from botocore.config import Config
except ImportError:
    print("test_suspended: skipped: boto3 is not installed")
    sys.exit(0)

ASLC = sys.argv[1]
COUNT = 10000
ROLE = "arn:aws:iam::123456789012:role/test"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db, log):
    port = free_port()
    p = subprocess.Popen([ASLC, "serve", "--port", str(port), "--db", db, "--poll-hold", "1"],
                         stderr=log)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if p.poll() is not None:
                sys.exit("test_suspended: the server did not start")
            time.sleep(0.05)
    sfn = boto3.client("stepfunctions", endpoint_url=f"http://127.0.0.1:{port}",
                       region_name="us-east-1", aws_access_key_id="test",
                       aws_secret_access_key="test",
                       config=Config(inject_host_prefix=False, read_timeout=70,
                                     retries={"max_attempts": 3}, max_pool_connections=16))
    return p, sfn


def threads(p):
    with open(f"/proc/{p.pid}/status") as f:
        return int(f.read().split("Threads:")[1].split()[0])


def running(sfn, arn):
    n, kw = 0, {}
    while True:
        r = sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1000, **kw)
        n += len(r["executions"])
        if "nextToken" not in r:
            return n
        kw = {"nextToken": r["nextToken"]}


def stop(p):
    p.terminate()
    return p.wait(timeout=60)


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "sfn.db")
    log = open(os.path.join(tmp, "server.log"), "w+")
    p, sfn = start(db, log)
    idle = threads(p)
    act = sfn.create_activity(name="slow")["activityArn"]
    machines = {
        "wait": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}},
        "activity": {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": act,
                                                      "End": True}}},
        "callback": {"StartAt": "C", "States": {"C": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"Token.$": "$$.Task.Token"}, "End": True}}},
    }
    arns = {k: sfn.create_state_machine(name=k, definition=json.dumps(d), roleArn=ROLE)
            ["stateMachineArn"] for k, d in machines.items()}
    jobs = [(arns[k], i) for i in range(COUNT) for k in machines][:COUNT]
    t0 = time.time()
    with ThreadPoolExecutor(8) as pool:
        started = list(pool.map(lambda j: sfn.start_execution(
            stateMachineArn=j[0], input=json.dumps({"i": j[1]}))["executionArn"], jobs))
    took = time.time() - t0
    time.sleep(1)
    busy = threads(p)
    print(f"test_suspended: {len(started)} started in {took:.1f} s; server threads {idle} idle, "
          f"{busy} with them all waiting")
    # the engine's threads and the connection threads of the 8 clients; nothing per execution
    check(busy <= idle + 16, f"threads grew from {idle} to {busy}")
    per_kind = {k: running(sfn, a) for k, a in arns.items()}
    check(sum(per_kind.values()) == COUNT, f"running per kind {per_kind}")

    # each kind still goes on
    task = sfn.get_activity_task(activityArn=act, workerName="w")
    check("taskToken" in task, "no activity task for a worker")
    if "taskToken" in task:
        sfn.send_task_success(taskToken=task["taskToken"], output='{"done":1}')
    one = next(a for a, j in zip(started, jobs) if j[0] == arns["callback"])
    events = sfn.get_execution_history(executionArn=one)["events"]
    params = [e for e in events if e["type"] == "TaskScheduled"][0]
    token = json.loads(params["taskScheduledEventDetails"]["parameters"])["Token"]
    sfn.send_task_success(taskToken=token, output='{"ok":true}')
    time.sleep(0.5)
    check(sfn.describe_execution(executionArn=one)["status"] == "SUCCEEDED",
          "the answered callback did not succeed")
    check(stop(p) == 0, "the server did not stop cleanly")

    # a restart resumes them all from their checkpoints
    t0 = time.time()
    p, sfn = start(db, log)
    left = sum(running(sfn, a) for a in arns.values())
    print(f"test_suspended: restarted with {left} running in {time.time() - t0:.1f} s")
    check(left == COUNT - 2, f"{left} running after the restart, not {COUNT - 2}")
    check(stop(p) == 0, "the restarted server did not stop cleanly")
    log.seek(0)
    text = log.read()
    check("could not be resumed" not in text or ", 0 could not be resumed" in text,
          "some executions could not be resumed:\n" + text[-2000:])

if failures:
    print(f"test_suspended: {len(failures)} failures")
    sys.exit(1)
print("test_suspended: all checks passed")
