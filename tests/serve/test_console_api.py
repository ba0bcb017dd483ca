"""The console's JSON endpoints of `aslc serve` (GET /console/api/steps and /console/api/map,
compiler/serve/console_api.c): a server on a free loopback port with a --tasks file of exec:
bindings runs small machines, and each answer is checked exactly: one step per state visit with
its input, output, variables, error and cause, status, Map iteration and the data-flow steps
(afterInputPath, afterParameters, afterResultSelector, afterResultPath) computed from the
state's fields; the Map runs with their iterations' outcomes; running and stopped executions;
the bound on data-flow work (truncated, with a note); hostile state names; 404 and 400.

usage: test_console_api.py ASLC"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_fixture as F  # noqa: E402

ECHO = "arn:aws:states:::aslc:echo"
FAIL = "arn:aws:states:::aslc:fail"
FLAKY = "arn:aws:states:::aslc:flaky"  # fails the first time, then echoes


def get(url, path, **query):
    """(status, parsed JSON body) of a GET."""
    full = url + path + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        with urllib.request.urlopen(full, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Run:
    """Creates machines and runs executions on one server."""

    def __init__(self, server):
        self.url, self.api, self.n = server.url, server.api(), 0

    def machine(self, definition):
        self.n += 1
        return self.api.call("CreateStateMachine", name="m%d" % self.n,
                             definition=json.dumps(definition), roleArn=F.ROLE)["stateMachineArn"]

    def start(self, definition, input_value):
        return self.api.call("StartExecution", stateMachineArn=self.machine(definition),
                             input=json.dumps(input_value))["executionArn"]

    def status(self, arn):
        return self.api.call("DescribeExecution", executionArn=arn)["status"]

    def run(self, definition, input_value):
        arn = self.start(definition, input_value)
        F.wait_for(lambda: self.status(arn) != "RUNNING", 60)
        return arn, self.status(arn)

    def steps(self, arn):
        return get(self.url, "/console/api/steps", execution=arn)

    def maps(self, arn):
        return get(self.url, "/console/api/map", execution=arn)


def step(state, pointer, typ, visit, entered, exited, status, inp, out, variables=None,
         error=None, cause=None, dataflow=None, iteration=None):
    return {"state": state, "pointer": pointer, "type": typ, "visit": visit,
            "entered_event": entered, "exited_event": exited, "status": status, "input": inp,
            "output": out, "variables": variables, "error": error, "cause": cause,
            "dataflow": {} if dataflow is None else dataflow, "iteration": iteration}


def data_flow(c, r):
    """A Pass chain (InputPath, Parameters, ResultPath, Assign), a Task with ResultSelector
    and OutputPath, a Choice, a caught Task failure, a Succeed: every step, exactly."""
    definition = {"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "InputPath": "$.order", "Parameters": {"id.$": "$.id", "k": 1},
                    "ResultPath": "$.prepared", "Assign": {"orderId.$": "$.id"}, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": ECHO, "InputPath": "$.prepared",
                 "Parameters": {"echo.$": "$.id", "seen.$": "$orderId"},
                 "ResultSelector": {"got.$": "$.echo", "var.$": "$.seen"},
                 "ResultPath": "$.call", "OutputPath": "$.call", "Next": "Big?"},
        "Big?": {"Type": "Choice", "Choices": [
            {"Variable": "$.got", "NumericGreaterThan": 2, "Next": "Risky"}], "Default": "Done"},
        "Risky": {"Type": "Task", "Resource": FAIL, "Catch": [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Done"}],
            "Next": "Done"},
        "Done": {"Type": "Succeed"}}}
    arn, status = r.run(definition, {"order": {"id": 5}})
    c.eq("data flow: the execution", status, "SUCCEEDED")
    code, got = r.steps(arn)
    c.eq("data flow: 200", code, 200)
    called = {"got": 5, "var": 5}
    err = {"Error": "Boom", "Cause": "it broke"}
    want = [
        step("Prepare", "/States/Prepare", "Pass", 1, 2, 3, "succeeded", {"order": {"id": 5}},
             {"order": {"id": 5}, "prepared": {"id": 5, "k": 1}}, variables={"orderId": 5},
             dataflow={"afterInputPath": {"id": 5}, "afterParameters": {"id": 5, "k": 1},
                       "afterResultPath": {"order": {"id": 5}, "prepared": {"id": 5, "k": 1}}}),
        step("Call", "/States/Call", "Task", 1, 4, 8, "succeeded",
             {"order": {"id": 5}, "prepared": {"id": 5, "k": 1}}, called,
             dataflow={"afterInputPath": {"id": 5, "k": 1},
                       "afterParameters": {"echo": 5, "seen": 5},
                       "afterResultSelector": called,
                       "afterResultPath": {"order": {"id": 5}, "prepared": {"id": 5, "k": 1},
                                           "call": called}}),
        step("Big?", "/States/Big?", "Choice", 1, 9, 10, "succeeded", called, called,
             dataflow={"afterInputPath": called}),
        step("Risky", "/States/Risky", "Task", 1, 11, 15, "caught", called,
             dict(called, err=err), error="Boom", cause="it broke",
             dataflow={"afterInputPath": called, "afterParameters": called}),
        step("Done", "/States/Done", "Succeed", 1, 16, 17, "succeeded", dict(called, err=err),
             dict(called, err=err), dataflow={"afterInputPath": dict(called, err=err)}),
    ]
    c.eq("data flow: steps", got.get("steps"), want)
    c.eq("data flow: not truncated", got.get("truncated"), False)
    code, got = r.maps(arn)
    c.eq("data flow: no Map", (code, got), (200, {"maps": [], "truncated": False}))


def map_grid(c, r):
    """A Map tolerating one failed iteration, a Parallel inside it; a retried Map that is
    caught in the end; a Map nested in a Map."""
    definition = {"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
                 "ToleratedFailureCount": 1, "ResultPath": "$.out", "Next": "Again",
                 "ItemProcessor": {"StartAt": "Two?", "States": {
                     "Two?": {"Type": "Choice", "Choices": [
                         {"Variable": "$.v", "NumericEquals": 2, "Next": "Bad"}],
                         "Default": "Both"},
                     "Bad": {"Type": "Fail", "Error": "Two", "Cause": "two is bad"},
                     "Both": {"Type": "Parallel", "End": True, "Branches": [
                         {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a",
                                                           "End": True}}},
                         {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": ECHO,
                                                           "End": True}}}]}}}},
        "Again": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
                  "Retry": [{"ErrorEquals": ["Two"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught",
                             "Next": "Nested"}],
                  "Next": "Nested", "ItemProcessor": {"StartAt": "Bad2?", "States": {
                      "Bad2?": {"Type": "Choice", "Choices": [
                          {"Variable": "$.v", "NumericEquals": 2, "Next": "Bad2"}],
                          "Default": "Fine"},
                      "Bad2": {"Type": "Fail", "Error": "Two", "Cause": "still two"},
                      "Fine": {"Type": "Pass", "End": True}}}},
        "Nested": {"Type": "Map", "ItemsPath": "$.outer", "MaxConcurrency": 1, "End": True,
                   "ItemProcessor": {"StartAt": "Inner", "States": {
                       "Inner": {"Type": "Map", "ItemsPath": "$.inner", "End": True,
                                 "ItemProcessor": {"StartAt": "Leaf", "States": {
                                     "Leaf": {"Type": "Pass", "End": True}}}}}}}}}
    inp = {"items": [{"v": 1}, {"v": 2}, {"v": 3}],
           "outer": [{"inner": [1, 2]}, {"inner": [3]}]}
    arn, status = r.run(definition, inp)
    c.eq("map: the execution", status, "SUCCEEDED")
    code, got = r.maps(arn)
    c.eq("map: 200", code, 200)
    grid = {m["state"]: m for m in got.get("maps", [])}
    c.eq("map: Map states in order", [m["state"] for m in got.get("maps", [])],
         ["Each", "Again", "Nested", "Inner"])

    def cells(name):
        return [[(i["index"], i["status"]) for i in run["iterations"]]
                for run in grid.get(name, {}).get("runs", [])]
    c.eq("map: tolerated failure", cells("Each"), [[(0, "succeeded"), (1, "failed"),
                                                    (2, "succeeded")]])
    c.eq("map: a retry is a second run", cells("Again"),
         [[(0, "succeeded"), (1, "failed")], [(0, "succeeded"), (1, "failed")]])
    c.eq("map: a nested Map has a run per outer iteration", cells("Inner"),
         [[(0, "succeeded"), (1, "succeeded")], [(0, "succeeded")]])
    inner = grid.get("Inner", {})
    c.eq("map: nested pointer", inner.get("pointer"), "/States/Nested/ItemProcessor/States/Inner")
    c.eq("map: nested runs say where they ran",
         [(run["run"], run["visit"], run["iteration"], run["length"]) for run in inner.get("runs", [])],
         [(1, 1, {"map": "Nested", "index": 0, "run": 1}, 2),
          (2, 2, {"map": "Nested", "index": 1, "run": 1}, 1)])
    c.eq("map: not distributed", {run["distributed"] for m in got.get("maps", [])
                                  for run in m["runs"]}, {False})

    code, got = r.steps(arn)
    steps = got.get("steps", [])
    brief = [(s["state"], s["status"], s["error"], s["cause"],
              s["iteration"] and (s["iteration"]["map"], s["iteration"]["index"]))
             for s in steps if s["iteration"] and s["iteration"]["map"] == "Each"]
    c.eq("map: iteration steps", brief, [
        ("Two?", "succeeded", None, None, ("Each", 0)),
        ("Both", "succeeded", None, None, ("Each", 0)),
        ("A", "succeeded", None, None, ("Each", 0)),
        ("B", "succeeded", None, None, ("Each", 0)),
        ("Two?", "succeeded", None, None, ("Each", 1)),
        ("Bad", "failed", "Two", "two is bad", ("Each", 1)),
        ("Two?", "succeeded", None, None, ("Each", 2)),
        ("Both", "succeeded", None, None, ("Each", 2)),
        ("A", "succeeded", None, None, ("Each", 2)),
        ("B", "succeeded", None, None, ("Each", 2))])
    by = {(s["state"], s["visit"]): s for s in steps}
    c.eq("map: branch pointers", [by.get(("A", 1), {}).get("pointer"), by.get(("B", 2), {}).get("pointer")],
         ["/States/Each/ItemProcessor/States/Both/Branches/0/States/A",
          "/States/Each/ItemProcessor/States/Both/Branches/1/States/B"])
    each = by.get(("Each", 1), {})
    c.eq("map: the Map's own step", (each.get("status"), each.get("iteration"), each.get("error")),
         ("succeeded", None, None))
    c.eq("map: a Map's data flow (its result is in no event)",
         each.get("dataflow"), {"afterInputPath": inp, "afterResultPath": each.get("output")})
    c.eq("map: the Map's output holds the failed iteration's error",
         (each.get("output") or {}).get("out", [None, None])[1], {"Error": "Two", "Cause": "two is bad"})
    again = by.get(("Again", 1), {})
    c.eq("map: a caught Map: its error from the catcher's output",
         (again.get("status"), again.get("error"), again.get("cause")),
         ("caught", "Two", "still two"))
    c.eq("map: one visit of the retried Map", ("Again", 2) in by, False)
    c.eq("map: steps of a retry's run", [(s["state"], s["iteration"]["index"], s["iteration"]["run"])
                                         for s in steps if s["state"] == "Bad2"],
         [("Bad2", 1, 1), ("Bad2", 1, 2)])
    leaves = [(s["visit"], s["input"], s["iteration"]) for s in steps if s["state"] == "Leaf"]
    c.eq("map: steps of nested iterations", leaves,
         [(1, 1, {"map": "Inner", "index": 0, "run": 1}),
          (2, 2, {"map": "Inner", "index": 1, "run": 1}),
          (3, 3, {"map": "Inner", "index": 0, "run": 2})])


def running_and_stopped(c, r):
    """An execution waiting on an activity inside a Map: running steps and cells; stopped:
    aborted."""
    act = r.api.call("CreateActivity", name="never-polled")["activityArn"]
    definition = {"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": {
            "StartAt": "Wait for it", "States": {"Wait for it": {
                "Type": "Task", "Resource": act, "End": True}}}}}}
    arn = r.start(definition, {"items": [1, 2]})

    def both_waiting():
        code, got = r.steps(arn)
        waiting = [s for s in got.get("steps", []) if s["state"] == "Wait for it"]
        return got if len(waiting) == 2 else None
    got = F.wait_for(both_waiting, 30) or {}
    c.eq("running: statuses", sorted((s["state"], s["status"]) for s in got.get("steps", [])),
         [("Fan", "running"), ("Wait for it", "running"), ("Wait for it", "running")])
    task = [s for s in got.get("steps", []) if s["state"] == "Wait for it"]
    c.eq("running: the activity's input is its parameters",
         sorted(json.dumps(s["dataflow"], sort_keys=True) for s in task),
         ['{"afterInputPath": 1, "afterParameters": 1}', '{"afterInputPath": 2, "afterParameters": 2}'])
    code, grid = r.maps(arn)
    c.eq("running: cells", [[(i["index"], i["status"]) for i in run["iterations"]]
                            for m in grid.get("maps", []) for run in m["runs"]],
         [[(0, "running"), (1, "running")]])
    r.api.call("StopExecution", executionArn=arn, error="Enough", cause="stopped by the test")
    F.wait_for(lambda: r.status(arn) != "RUNNING", 30)
    code, got = r.steps(arn)
    c.eq("stopped: statuses", sorted((s["state"], s["status"]) for s in got.get("steps", [])),
         [("Fan", "aborted"), ("Wait for it", "aborted"), ("Wait for it", "aborted")])
    fan = [s for s in got.get("steps", []) if s["state"] == "Fan"]
    c.eq("stopped: the top state says why", [(s["error"], s["cause"]) for s in fan],
         [("Enough", "stopped by the test")])
    code, grid = r.maps(arn)
    c.eq("stopped: cells", [[(i["index"], i["status"]) for i in run["iterations"]]
                            for m in grid.get("maps", []) for run in m["runs"]],
         [[(0, "aborted"), (1, "aborted")]])


def not_computed(c, r):
    """A field that reads the context object is not computed (the tiny runs would not see
    this execution's); a state that failed uncaught has the execution's error."""
    definition = {"StartAt": "Ctx", "States": {
        "Ctx": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "Next": "Boom"},
        "Boom": {"Type": "Task", "Resource": FAIL, "End": True}}}
    arn, status = r.run(definition, {"a": 1})
    c.eq("context: the execution", status, "FAILED")
    code, got = r.steps(arn)
    steps = got.get("steps", [])
    c.eq("context: no data flow from $$", [s["dataflow"] for s in steps], [{}, {"afterInputPath": {"id": arn},
                                                                               "afterParameters": {"id": arn}}])
    c.eq("context: the output is still there", steps[0]["output"] if steps else None, {"id": arn})
    c.eq("uncaught: failed with the task's error",
         [(s["state"], s["status"], s["error"], s["cause"]) for s in steps][1:],
         [("Boom", "failed", "Boom", "it broke")])


def variables_retries_parallel(c, r):
    """Variables seen by a later state's Parameters (also inside a Map iteration), a Task that
    succeeds on its retry, a Parallel whose failed branch is caught."""
    definition = {"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"x": 3}, "Next": "Use"},
        "Use": {"Type": "Pass", "Parameters": {"v.$": "$x"}, "Next": "Inside"},
        "Inside": {"Type": "Map", "Next": "Flaky", "ItemsPath": "$$.Execution.Input.items",
                   "ItemProcessor": {"StartAt": "UseToo", "States": {"UseToo": {
                       "Type": "Pass", "Parameters": {"w.$": "$x", "i.$": "$"}, "End": True}}}},
        "Flaky": {"Type": "Task", "Resource": FLAKY, "Next": "Split",
                  "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}]},
        "Split": {"Type": "Parallel", "End": True, "Catch": [
            {"ErrorEquals": ["States.ALL"], "Next": "Handled"}], "Branches": [
            {"StartAt": "Ok", "States": {"Ok": {"Type": "Pass", "End": True}}},
            {"StartAt": "No", "States": {"No": {"Type": "Fail", "Error": "Nope",
                                                "Cause": "branch two"}}}]},
        "Handled": {"Type": "Pass", "End": True}}}
    arn, status = r.run(definition, {"items": [7]})
    c.eq("variables: the execution", status, "SUCCEEDED")
    code, got = r.steps(arn)
    by = {s["state"]: s for s in got.get("steps", [])}
    c.eq("variables: a Pass's Parameters see them", by.get("Use", {}).get("dataflow"),
         {"afterInputPath": {"items": [7]}, "afterParameters": {"v": 3},
          "afterResultPath": {"v": 3}})
    c.eq("variables: so do a Map iteration's", by.get("UseToo", {}).get("dataflow"),
         {"afterInputPath": 7, "afterParameters": {"w": 3, "i": 7},
          "afterResultPath": {"w": 3, "i": 7}})
    c.eq("variables: assigned", by.get("Set", {}).get("variables"), {"x": 3})
    flaky = by.get("Flaky", {})
    c.eq("retried: succeeded, no error, the last attempt's parameters",
         (flaky.get("status"), flaky.get("error"), flaky.get("dataflow", {}).get("afterParameters")),
         ("succeeded", None, [{"w": 3, "i": 7}]))
    c.eq("parallel: caught, with the branch's error",
         [(s["state"], s["status"], s["error"], s["cause"]) for s in got.get("steps", [])
          if s["state"] in ("Split", "Ok", "No", "Handled")],
         [("Split", "caught", "Nope", "branch two"), ("Ok", "succeeded", None, None),
          ("No", "failed", "Nope", "branch two"), ("Handled", "succeeded", None, None)])
    c.eq("parallel: no data flow past a caught failure", by.get("Split", {}).get("dataflow"),
         {"afterInputPath": [{"w": 3, "i": 7}]})


def distributed_and_timeout(c, r):
    """A Distributed Map's run (its iterations are child executions: no cells, the Map Run's
    status); an execution that timed out in a Wait."""
    arn, status = r.run({"StartAt": "D", "States": {"D": {
        "Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}}}}}, {"items": [1, 2]})
    c.eq("distributed: the execution", status, "SUCCEEDED")
    code, got = r.maps(arn)
    runs = [run for m in got.get("maps", []) for run in m["runs"]]
    c.eq("distributed: the run", [(run["distributed"], run.get("mapRun", {}).get("status"),
                                   run["iterations"], run["length"]) for run in runs],
         [(True, "succeeded", [], 2)])
    arn, status = r.run({"TimeoutSeconds": 1, "StartAt": "Long", "States": {"Long": {
        "Type": "Wait", "Seconds": 60, "End": True}}}, {})
    c.eq("timeout: the execution", status, "TIMED_OUT")
    code, got = r.steps(arn)
    c.eq("timeout: the Wait was cut off", [(s["state"], s["status"], s["error"])
                                           for s in got.get("steps", [])],
         [("Long", "aborted", "States.Timeout")])


def bounded(c, r):
    """Data-flow steps for at most 1,000 visits per answer: beyond, "truncated" with a note,
    and "dataflow": null."""
    definition = {"StartAt": "Many", "States": {"Many": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 8, "End": True,
        "ItemProcessor": {"StartAt": "One", "States": {"One": {
            "Type": "Pass", "Parameters": {"v.$": "$.v"}, "ResultPath": "$.r", "End": True}}}}}}
    arn, status = r.run(definition, {"items": [{"v": i} for i in range(1100)]})
    c.eq("bounded: the execution", status, "SUCCEEDED")
    code, got = r.steps(arn)
    steps = got.get("steps", [])
    c.eq("bounded: every step listed", len(steps), 1101)
    c.eq("bounded: truncated", got.get("truncated"), True)
    c.eq("bounded: the note", got.get("note"),
         '1101 of 1101 steps listed; data-flow steps computed for the first 1000 '
         '(the others have "dataflow": null)')
    c.eq("bounded: computed, then not", [s["dataflow"] is None for s in steps].index(True)
         if steps else None, 1000)
    one = [s for s in steps[:1000] if s["state"] == "One"]
    c.eq("bounded: computed ones are right",
         all(s["dataflow"]["afterParameters"] == {"v": s["input"]["v"]} and
             s["dataflow"]["afterResultPath"] == s["output"] for s in one), True)
    code, grid = r.maps(arn)
    c.eq("bounded: 1100 cells", [len(run["iterations"]) for m in grid["maps"] for run in m["runs"]],
         [1100])


def hostile(c, r):
    """Names with quotes, angle brackets, slashes and tildes come back as they are, and
    pointers are escaped as RFC 6901 says."""
    name = "a/b~c \"</script><b>"
    arn, status = r.run({"StartAt": name, "States": {name: {"Type": "Pass", "End": True}}},
                        {"x": "</script>"})
    code, got = r.steps(arn)
    s = (got.get("steps") or [{}])[0]
    c.eq("hostile: name, pointer, input", (s.get("state"), s.get("pointer"), s.get("input")),
         (name, "/States/a~1b~0c \"<~1script><b>", {"x": "</script>"}))


def errors(c, r):
    nope = F.arn("execution", "m1", "nope")
    for path in ("/console/api/steps", "/console/api/map"):
        c.eq("404 " + path, get(r.url, path, execution=nope),
             (404, {"error": "Execution Does Not Exist: '%s'" % nope}))
        code, got = get(r.url, path)
        c.eq("400 " + path, (code, sorted(got)), (400, ["error"]))
        code, got = get(r.url, path, execution="")
        c.eq("400 empty " + path, (code, sorted(got)), (400, ["error"]))


def main():
    aslc = F.main_args("test_console_api.py ASLC")
    c = F.Checks("test_console_api")
    wd = F.workdir("console-api")
    tasks = os.path.join(wd, "tasks.json")
    with open(tasks, "w") as f:
        json.dump({ECHO: "exec:cat", FAIL: "exec:echo '{\"errorType\":\"Boom\","
                                           "\"errorMessage\":\"it broke\"}'; exit 1",
                   FLAKY: "exec:if [ -e %s ]; then cat; else touch %s; exit 1; fi"
                          % ((os.path.join(wd, "flaked"),) * 2)}, f)
    server = F.Server(aslc, wd, extra=["--tasks", tasks])
    try:
        server.start()
        r = Run(server)
        for case in (data_flow, map_grid, running_and_stopped, not_computed,
                     variables_retries_parallel, distributed_and_timeout, bounded, hostile,
                     errors):
            case(c, r)
        r.api.close()
    finally:
        c.eq("the server stops cleanly", server.stop(), 0)
        rc = c.done(server)
        server.cleanup(rc != 0)
    sys.exit(rc)


if __name__ == "__main__":
    main()
