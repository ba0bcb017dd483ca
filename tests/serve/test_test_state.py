"""TestState in `aslc serve`, through boto3: starts the server from the build on a free loopback
port with a temporary --db and a --tasks file of exec: bindings, and checks each kind of answer
(SUCCEEDED with nextState, FAILED, CAUGHT_ERROR, RETRIABLE), mocks, $variables, DEBUG's
inspectionData, and AWS's errors for what TestState refuses.

usage: test_test_state.py ASLC"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77  # ctest's SKIP_RETURN_CODE
ROLE = "arn:aws:iam::123456789012:role/test"

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print("SKIPPED: boto3 is not installed")
    sys.exit(SKIP)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def start(aslc, workdir, tasks):
    """The server on port 0 (it picks a free one): its process and URL, from the line it prints
    when it listens."""
    log = open(os.path.join(workdir, "serve.log"), "w")
    proc = subprocess.Popen([aslc, "serve", "--host", "127.0.0.1", "--port", "0", "--db",
                             os.path.join(workdir, "t.db"), "--tasks", tasks],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        log.write(line)
        if "listening on " in line:
            # the rest of stderr (a sanitizer's report at exit, say) goes to the log too
            threading.Thread(target=lambda: log.writelines(proc.stderr), daemon=True).start()
            return proc, line.split("listening on ")[1].split()[0]
    proc.kill()
    sys.exit("the server did not start")


def client(url):
    return boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 0}))


def test(sf, state, **kw):
    kw["definition"] = state if isinstance(state, str) else json.dumps(state)
    r = sf.test_state(**kw)
    r.pop("ResponseMetadata", None)
    return r


def error(sf, state, **kw):
    try:
        test(sf, state, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None


def main():
    aslc = sys.argv[1]
    with tempfile.TemporaryDirectory() as workdir:
        runs = os.path.join(workdir, "runs")
        tasks = os.path.join(workdir, "tasks.json")
        with open(tasks, "w") as f:
            json.dump({"arn:aws:states:::aslc:echo": "exec:cat",
                       "arn:aws:states:::aslc:fail":
                           "exec:echo run >> %s; echo oops >&2; exit 3" % runs}, f)
        proc, url = start(aslc, workdir, tasks)
        try:
            cases(client(url), runs)
        finally:
            proc.terminate()
            rc = proc.wait(30)
        check(rc == 0, "the server exited with status %s" % rc)
        if failures:
            with open(os.path.join(workdir, "serve.log")) as f:
                sys.stdout.write(f.read()[-20000:])
    if failures:
        print("%d checks failed" % len(failures))
        sys.exit(1)
    print("test_test_state: all checks passed")


def cases(sf, runs):
    # Pass with Parameters and ResultPath; DEBUG shows every step
    r = test(sf, {"Type": "Pass", "InputPath": "$.in", "Parameters": {"v.$": "$.a"},
                  "ResultPath": "$.r", "OutputPath": "$.r", "Next": "After"},
             input='{"in": {"a": 1}}', inspectionLevel="DEBUG")
    check(r["status"] == "SUCCEEDED" and r["nextState"] == "After", "Pass: %s" % r)
    check(json.loads(r["output"]) == {"v": 1}, "Pass output: %s" % r)
    d = r.get("inspectionData", {})
    check(json.loads(d.get("input", "null")) == {"in": {"a": 1}}, "input: %s" % d)
    check(json.loads(d.get("afterInputPath", "null")) == {"a": 1}, "afterInputPath: %s" % d)
    check(json.loads(d.get("afterParameters", "null")) == {"v": 1}, "afterParameters: %s" % d)
    check(json.loads(d.get("result", "null")) == {"v": 1}, "result: %s" % d)
    check(json.loads(d.get("afterResultPath", "null")) == {"in": {"a": 1}, "r": {"v": 1}},
          "afterResultPath: %s" % d)
    r = test(sf, {"Type": "Pass", "Result": {"x": 1}, "End": True})
    check(r == {"output": '{"x":1}', "status": "SUCCEEDED"}, "INFO has no inspectionData: %s" % r)

    # a Wait is tested for its data, not its time: a long one answers at once
    t0 = time.monotonic()
    r = test(sf, {"Type": "Wait", "Seconds": 99999999, "Next": "After"}, input='{"w": 1}')
    check(r.get("status") == "SUCCEEDED" and r.get("nextState") == "After" and
          json.loads(r.get("output", "null")) == {"w": 1} and time.monotonic() - t0 < 5,
          "Wait: %s" % r)

    # Fail
    r = test(sf, {"Type": "Fail", "Error": "SomeFailure", "Cause": "it broke"})
    check(r == {"error": "SomeFailure", "cause": "it broke", "status": "FAILED"}, "Fail: %s" % r)

    # Choice: the matching rule's Next, else the Default; none matching fails
    choice = {"Type": "Choice", "Default": "Other",
              "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}]}
    r = test(sf, choice, input='{"n": 11}')
    check(r.get("nextState") == "Big" and r["status"] == "SUCCEEDED", "Choice: %s" % r)
    r = test(sf, choice, input='{"n": 1}')
    check(r.get("nextState") == "Other", "Choice Default: %s" % r)
    del choice["Default"]
    r = test(sf, choice, input='{"n": 1}')
    check(r["status"] == "FAILED" and r.get("error") == "States.NoChoiceMatched",
          "no Choice: %s" % r)
    # a state that goes to itself
    r = test(sf, {"Type": "Pass", "Next": "Loop"}, stateName="Loop")
    check(r.get("nextState") == "Loop", "self Next: %s" % r)

    # Task with a mocked result: ResultSelector, ResultPath; no roleArn needed with a mock
    lam = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Parameters": {"FunctionName": "f", "Payload.$": "$"},
           "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.out", "Next": "N"}
    r = test(sf, lam, input='{"a": 1}', inspectionLevel="DEBUG",
             mock={"result": '{"Payload": {"x": 2}, "StatusCode": 200}'})
    check(r["status"] == "SUCCEEDED" and r.get("nextState") == "N", "mock: %s" % r)
    check(json.loads(r["output"]) == {"a": 1, "out": {"p": {"x": 2}}}, "mock output: %s" % r)
    d = r.get("inspectionData", {})
    check(json.loads(d.get("afterParameters", "null")) == {"FunctionName": "f",
                                                          "Payload": {"a": 1}},
          "task afterParameters: %s" % d)
    check(json.loads(d.get("result", "null")) == {"Payload": {"x": 2}, "StatusCode": 200},
          "task result: %s" % d)
    check(json.loads(d.get("afterResultSelector", "null")) == {"p": {"x": 2}},
          "afterResultSelector: %s" % d)

    # Task with a mocked error, caught by its second catcher
    caught = dict(lam, Catch=[{"ErrorEquals": ["Other"], "Next": "A"},
                              {"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Next": "Handler"}])
    r = test(sf, caught, input='{"a": 1}', inspectionLevel="DEBUG",
             mock={"errorOutput": {"error": "Boom", "cause": "bad"}})
    check(r["status"] == "CAUGHT_ERROR" and r.get("nextState") == "Handler", "caught: %s" % r)
    check(r.get("error") == "Boom" and r.get("cause") == "bad", "caught error: %s" % r)
    check(json.loads(r.get("output", "null")) == {"a": 1, "err": {"Error": "Boom", "Cause": "bad"}},
          "caught output: %s" % r)
    check(r.get("inspectionData", {}).get("errorDetails") == {"catchIndex": 1},
          "catchIndex: %s" % r)
    r = test(sf, caught, mock={"errorOutput": {"error": "Unknown"}})
    check(r["status"] == "FAILED" and r.get("error") == "Unknown", "uncaught: %s" % r)

    # Retry: RETRIABLE while the matching retrier has attempts left, then the catchers decide
    retried = dict(caught, Retry=[{"ErrorEquals": ["Nope"]},
                                  {"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 2,
                                   "BackoffRate": 3}])
    boom = {"errorOutput": {"error": "Boom", "cause": "bad"}}
    r = test(sf, retried, mock=boom, inspectionLevel="DEBUG")
    check(r["status"] == "RETRIABLE" and r.get("error") == "Boom", "retriable: %s" % r)
    check(r.get("inspectionData", {}).get("errorDetails") ==
          {"retryIndex": 1, "retryBackoffIntervalSeconds": 2}, "retry details: %s" % r)
    r = test(sf, retried, mock=boom, inspectionLevel="DEBUG",
             stateConfiguration={"retrierRetryCount": 1})
    check(r.get("inspectionData", {}).get("errorDetails", {}).get(
        "retryBackoffIntervalSeconds") == 6, "second backoff: %s" % r)
    r = test(sf, retried, mock=boom, stateConfiguration={"retrierRetryCount": 2})
    check(r["status"] == "CAUGHT_ERROR" and r.get("nextState") == "Handler",
          "retries used up: %s" % r)
    # the first matching retrier decides: MaxAttempts 0 means no retry even if a later one
    # would match
    zero = dict(caught, Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 0},
                               {"ErrorEquals": ["States.ALL"]}])
    r = test(sf, zero, mock=boom)
    check(r["status"] == "CAUGHT_ERROR", "MaxAttempts 0: %s" % r)
    r = test(sf, zero, mock={"errorOutput": {"error": "Else"}})
    check(r["status"] == "RETRIABLE", "States.ALL retrier: %s" % r)

    # a real binding (the server's --tasks): run once, never retried by TestState
    r = test(sf, {"Type": "Task", "Resource": "arn:aws:states:::aslc:echo",
                  "Parameters": {"v.$": "$.a"}, "End": True}, roleArn=ROLE, input='{"a": 7}')
    check(r == {"output": '{"v":7}', "status": "SUCCEEDED"}, "real binding: %s" % r)
    r = test(sf, {"Type": "Task", "Resource": "arn:aws:states:::aslc:fail", "End": True,
                  "Retry": [{"ErrorEquals": ["States.ALL"]}]}, roleArn=ROLE)
    check(r["status"] == "RETRIABLE" and r.get("error") == "States.TaskFailed",
          "real failure: %s" % r)
    with open(runs) as f:
        check(f.read() == "run\n", "the failing binding ran once")

    # $variables: preset ones are visible, assigned ones are reported
    # (a Pass's Assign reads its result: what the Parameters made)
    r = test(sf, {"Type": "Pass", "Parameters": {"seen.$": "$known", "a.$": "$.a"},
                  "Assign": {"n.$": "$.a"}, "End": True},
             input='{"a": 2}', variables='{"known": {"k.$": "literal"}}', inspectionLevel="DEBUG")
    check(json.loads(r.get("output", "null")) == {"seen": {"k.$": "literal"}, "a": 2},
          "preset variable: %s" % r)
    check(json.loads(r.get("inspectionData", {}).get("variables", "null")) ==
          {"known": {"k.$": "literal"}, "n": 2}, "variables after: %s" % r)

    # the context: what of it can be set ($$.Execution.Id and Name, $$.StateMachine.*)
    ex = "arn:aws:states:us-east-1:123456789012:execution:Orders:run1"
    r = test(sf, {"Type": "Pass", "Parameters": {"n.$": "$$.Execution.Name",
                                                 "id.$": "$$.Execution.Id",
                                                 "sm.$": "$$.StateMachine.Name"}, "End": True},
             context=json.dumps({"Execution": {"Id": ex, "Name": "run1"},
                                 "StateMachine": {"Name": "Orders"}}))
    check(json.loads(r.get("output", "null")) == {"n": "run1", "id": ex, "sm": "Orders"},
          "context: %s" % r)
    # without a context, one made-up execution for the whole test: inspectionData's steps
    # show the same $$.Execution.Id as the output
    r = test(sf, {"Type": "Pass", "Parameters": {"x.$": "$$.Execution.Id"}, "End": True},
             input="{}", inspectionLevel="DEBUG")
    made_up = json.loads(r.get("output", "null")).get("x")
    steps = r.get("inspectionData", {})
    check(made_up and all(json.loads(steps[k]) == {"x": made_up} for k in
                          ("afterParameters", "afterResultPath") if k in steps) and
          "afterParameters" in steps, "one made-up execution: %s" % r)
    code, msg = error(sf, {"Type": "Pass", "End": True},
                      context='{"Execution": {"StartTime": "2024-01-01T00:00:00Z"}}')
    check(code == "ValidationException" and "Execution.StartTime" in msg,
          "context member not settable: %s %s" % (code, msg))

    # a whole machine and the state to test
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                          "B": {"Type": "Pass", "InputPath": "$.x", "End": True}}}
    r = test(sf, machine, stateName="B", input='{"x": [1]}')
    check(r == {"output": "[1]", "status": "SUCCEEDED"}, "stateName: %s" % r)
    code, msg = error(sf, machine, stateName="C")
    check(code == "ValidationException", "unknown stateName: %s %s" % (code, msg))

    # a mocked Map: its processing around the mocked result
    r = test(sf, {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {
        "I": {"Type": "Pass", "End": True}}}, "ResultPath": "$.out", "End": True},
        input='{"items": [5]}', mock={"result": "[1, 2]"})
    check(json.loads(r.get("output", "null")) == {"items": [5], "out": [1, 2]},
          "mocked Map: %s" % r)

    # AWS's refusals
    code, msg = error(sf, {"Type": "Task", "Resource": "arn:aws:states:::aslc:echo",
                           "End": True})
    check(code == "ValidationException" and
          msg == "RoleArn must be specified when testing a Task state", "no roleArn: %s" % msg)
    for state, what in [
            ({"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "End": True}}}, "End": True}, "Map"),
            ({"Type": "Parallel", "Branches": [{"StartAt": "I", "States": {
                "I": {"Type": "Pass", "End": True}}}], "End": True}, "Parallel"),
            ({"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a",
              "End": True}, "Activity"),
            ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"MessageBody.$": "$$.Task.Token"}, "End": True}, "waitForTaskToken"),
            ({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
              "Parameters": {"StateMachineArn": "x"}, "End": True}, ".sync")]:
        code, msg = error(sf, state, roleArn=ROLE)
        check(code == "ValidationException" and what in msg and "mock" in msg,
              "%s without a mock: %s %s" % (what, code, msg))
    code, msg = error(sf, {"Type": "Pass", "End": True}, mock={"result": "1"})
    check(code == "ValidationException", "mock of a Pass: %s" % code)
    code, msg = error(sf, '{"Type": "Pass",\n "Next": 3}')
    check(code == "InvalidDefinition" and "(line 2, column 10)" in msg and "/Next" in msg,
          "bad definition: %s %s" % (code, msg))
    code, msg = error(sf, '{"Type": "Pass", "End":')
    check(code == "InvalidDefinition" and "INVALID_JSON_DESCRIPTION" in msg,
          "not JSON: %s %s" % (code, msg))
    code, msg = error(sf, {"Type": "Pass", "End": True}, input="{bad")
    check(code == "InvalidExecutionInput", "bad input: %s" % code)
    code, msg = error(sf, {"Type": "Pass", "End": True}, variables="[1]")
    check(code == "ValidationException", "variables not an object: %s" % code)

    # nothing was stored
    check(sf.list_state_machines()["stateMachines"] == [], "TestState stores no machine")


if __name__ == "__main__":
    main()
