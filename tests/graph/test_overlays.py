#!/usr/bin/env python3
"""aslc graph --history, --runs and --diff, checked through --format json (the overlay fields).

Usage: test_overlays.py ASLC [CORPUS]

Runs the machines of tests/graph/overlays with `aslc run --history` (mocked Tasks) for each
outcome a state can have and checks every state's status, on_path and counts and every edge's
traversals exactly; overlays the AWS-recorded history.json of corpus cases on their own
definitions; builds a --runs file the documented way (one `--history` file per execution,
concatenated: each is one line); diffs edited definitions; and feeds bad input (exit 2, one line
on stderr)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINES = os.path.join(HERE, "overlays")
ORDER = os.path.join(MACHINES, "order.asl.json")
ORDER_MOCK = os.path.join(MACHINES, "order.mock.json")
FANOUT = os.path.join(MACHINES, "fanout.asl.json")
CORPUS_CASES = 20  # at least this many recorded histories must overlay cleanly

failures = []
aslc_path = None


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run_machine(aslc, machine, tmp, name, input_json, mock_case=None):
    """Runs the machine once; the path of its --history file."""
    history = os.path.join(tmp, name + ".history.json")
    cmd = [aslc, "run", machine, "--history", history, "--wait-scale", "0"]
    if mock_case:
        cmd += ["--mock-config", ORDER_MOCK, "--mock-case", mock_case]
    subprocess.run(cmd, input=input_json, capture_output=True, text=True, timeout=60)
    check(os.path.isfile(history), f"{name}: aslc run wrote no history")
    return history


def graph(aslc, machine, *args):
    p = subprocess.run([aslc, "graph", machine, "--format", "json", *args],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"aslc graph {' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def node_names(g):
    """Node id -> what the expectations call it: the state's name, or the mark's id."""
    return {n["id"]: n["name"] if n["kind"] == "state" else n["id"] for n in g["nodes"]}


def edge_key(g, e):
    names = node_names(g)
    return f"{names[e['from']]}->{names[e['to']]}:{e['kind']}"


def expect_overlay(g, what, states, edges):
    """states: name -> (status, visits, failures, retries), every other state not run;
    edges: "From->To:kind" -> traversals, every other edge never taken. on_path must be
    exactly what was visited or traversed."""
    seen = set()
    for n in g["nodes"]:
        if n["kind"] != "state":
            continue
        name = n["name"]
        seen.add(name)
        want = states.get(name, ("not_run", 0, 0, 0))
        got = (n["status"], n["visits"], n["failures"], n["retries"])
        check(got == want, f"{what}: state {name}: {got}, expected {want}")
        check(n["on_path"] == (want[1] > 0), f"{what}: state {name}: on_path {n['on_path']}")
    check(set(states) <= seen, f"{what}: states expected but missing: {set(states) - seen}")
    keys = set()
    for e in g["edges"]:
        key = edge_key(g, e)
        keys.add(key)
        want = edges.get(key, 0)
        check(e["count"] == want, f"{what}: edge {key}: count {e['count']}, expected {want}")
        check(e["on_path"] == (want > 0), f"{what}: edge {key}: on_path {e['on_path']}")
    check(set(edges) <= keys, f"{what}: edges expected but missing: {set(edges) - keys}")


def test_order_outcomes(aslc, tmp):
    cases = {
        # name: (input, mock case, states, edges)
        "success": ('{"kind":"a"}', "Ok",
                    {"Check": ("succeeded", 1, 0, 0), "Charge": ("succeeded", 1, 0, 0),
                     "Done": ("succeeded", 1, 0, 0)},
                    {"#start->Check:start": 1, "Check->Charge:choice": 1,
                     "Charge->Done:next": 1, "Done->#end:end": 1}),
        "choice_b": ('{"kind":"b"}', "Ok",
                     {"Check": ("succeeded", 1, 0, 0), "Skip": ("succeeded", 1, 0, 0),
                      "Done": ("succeeded", 1, 0, 0)},
                     {"#start->Check:start": 1, "Check->Skip:choice": 1,
                      "Skip->Done:next": 1, "Done->#end:end": 1}),
        "choice_default_fail": ('{"kind":"z"}', "Ok",
                                {"Check": ("succeeded", 1, 0, 0), "Reject": ("failed", 1, 1, 0)},
                                {"#start->Check:start": 1, "Check->Reject:default": 1,
                                 "Reject->#end:end": 1}),
        "task_fails_uncaught": ('{"kind":"a"}', "Broken",
                                {"Check": ("succeeded", 1, 0, 0), "Charge": ("failed", 1, 1, 0)},
                                {"#start->Check:start": 1, "Check->Charge:choice": 1}),
        "task_fails_caught": ('{"kind":"a"}', "Declined",
                              {"Check": ("succeeded", 1, 0, 0), "Charge": ("caught", 1, 1, 0),
                               "Refund": ("succeeded", 1, 0, 0)},
                              {"#start->Check:start": 1, "Check->Charge:choice": 1,
                               "Charge->Refund:catch": 1, "Refund->#end:end": 1}),
        "retry_then_success": ('{"kind":"a"}', "BusyThenOk",
                               {"Check": ("succeeded", 1, 0, 0),
                                "Charge": ("succeeded", 1, 1, 1),
                                "Done": ("succeeded", 1, 0, 0)},
                               {"#start->Check:start": 1, "Check->Charge:choice": 1,
                                "Charge->Done:next": 1, "Done->#end:end": 1}),
    }
    histories = {}
    for name, (inp, mock, states, edges) in cases.items():
        histories[name] = run_machine(aslc, ORDER, tmp, name, inp, mock)
        expect_overlay(graph(aslc, ORDER, "--history", histories[name]), name, states, edges)
        print("ok", name)
    return histories


FANOUT_STATES = {"Fan": ("succeeded", 1, 0, 0), "A": ("succeeded", 1, 0, 0),
                 "B": ("succeeded", 1, 0, 0), "B2": ("succeeded", 1, 0, 0),
                 "Each": ("succeeded", 1, 0, 0), "Test": ("succeeded", 4, 0, 0),
                 "Bad": ("failed", 2, 2, 0), "Good": ("succeeded", 2, 0, 0)}
FANOUT_EDGES = {"#start->Fan:start": 1,
                "Fan->/States/Fan/Branches/0#start:branch": 1,
                "Fan->/States/Fan/Branches/1#start:branch": 1,
                "/States/Fan/Branches/0#start->A:start": 1,
                "A->/States/Fan/Branches/0#end:end": 1,
                "/States/Fan/Branches/1#start->B:start": 1, "B->B2:next": 1,
                "B2->/States/Fan/Branches/1#end:end": 1,
                "Fan->Each:next": 1,
                "Each->/States/Each/ItemProcessor#start:branch": 4,
                "/States/Each/ItemProcessor#start->Test:start": 4,
                "Test->Bad:choice": 2, "Test->Good:default": 2,
                "Bad->/States/Each/ItemProcessor#end:end": 2,
                "Good->/States/Each/ItemProcessor#end:end": 2,
                "Each->#end:end": 1}


def test_parallel_and_map(aslc, tmp):
    """A Parallel, then a Map of 4 items of which 2 fail (tolerated); and the same history cut
    short in the Map's first iteration: what was open is running."""
    history = run_machine(aslc, FANOUT, tmp, "fanout", '{"items":[1,2,3,4]}')
    g = graph(aslc, FANOUT, "--history", history)
    expect_overlay(g, "parallel_and_map", FANOUT_STATES, FANOUT_EDGES)
    each = next(n for n in g["nodes"] if n["name"] == "Each")
    check(each["iterations"] == {"not_run": 0, "succeeded": 2, "failed": 2, "caught": 0,
                                 "running": 0, "aborted": 0}, f"map iterations: {each['iterations']}")
    print("ok parallel_and_map")

    with open(history) as f:
        events = json.load(f)["events"]
    cut = next(i for i, e in enumerate(events)
               if e["type"] == "ChoiceStateEntered"
               and e["stateEnteredEventDetails"]["name"] == "Test")
    running = os.path.join(tmp, "running.json")
    with open(running, "w") as f:
        json.dump({"events": events[:cut + 1]}, f)
    g = graph(aslc, FANOUT, "--history", running)
    states = {k: v for k, v in FANOUT_STATES.items() if k in ("Fan", "A", "B", "B2")}
    states.update({"Each": ("running", 1, 0, 0), "Test": ("running", 1, 0, 0)})
    edges = {k: v for k, v in FANOUT_EDGES.items()
             if not k.startswith(("Test", "Bad", "Good", "Each->#end"))}
    edges.update({"Each->/States/Each/ItemProcessor#start:branch": 1,
                  "/States/Each/ItemProcessor#start->Test:start": 1})
    expect_overlay(g, "running", states, edges)
    each = next(n for n in g["nodes"] if n["name"] == "Each")
    check(each["iterations"]["running"] == 1, f"running iterations: {each['iterations']}")
    print("ok running")


def test_interleaved(aslc, tmp):
    """The Map's iterations at once on 4 threads: their events interleave, and previousEventId
    keeps each iteration's states together."""
    with open(FANOUT) as f:
        doc = json.load(f)
    doc["States"]["Each"]["MaxConcurrency"] = 0
    doc["States"]["Each"]["ToleratedFailureCount"] = 6
    machine = os.path.join(tmp, "fanout_interleaved.asl.json")
    with open(machine, "w") as f:
        json.dump(doc, f)
    history = os.path.join(tmp, "interleaved.json")
    subprocess.run([aslc, "run", machine, "--threads", "4", "--history", history],
                   input='{"items":[1,2,3,4,1,2,3,4,1,2,3,4]}', capture_output=True,
                   text=True, timeout=60)
    with open(history) as f:
        events = json.load(f)["events"]
    open_iterations, interleaved = 0, False
    for e in events:
        if e["type"] == "MapIterationStarted":
            open_iterations += 1
            interleaved |= open_iterations > 1
        elif e["type"].startswith("MapIteration"):
            open_iterations -= 1
    states = dict(FANOUT_STATES)
    states.update({"Test": ("succeeded", 12, 0, 0), "Bad": ("failed", 6, 6, 0),
                   "Good": ("succeeded", 6, 0, 0)})
    edges = dict(FANOUT_EDGES)
    for key in edges:
        if key.startswith(("Each->/", "/States/Each", "Test", "Bad", "Good")):
            edges[key] *= 3
    expect_overlay(graph(aslc, machine, "--history", history), "interleaved", states, edges)
    print("ok interleaved" + (" (at once)" if interleaved else " (one after another)"))

    if interleaved:
        return
    # the same events with the iterations' events dealt out in turn, as AWS writes them when
    # iterations run at once: ids renumbered, previousEventId following them, each iteration
    # started after the MapStateStarted (not after the iteration before it, not yet written)
    pre = next(i for i, e in enumerate(events) if e["type"] == "MapIterationStarted")
    post = max(i for i, e in enumerate(events) if e["type"].startswith("MapIteration")) + 1
    blocks, block = [], []
    for e in events[pre:post]:
        block.append(e)
        if e["type"].startswith("MapIteration") and e["type"] != "MapIterationStarted":
            blocks.append(block)
            block = []
    dealt = []
    while any(blocks):
        for b in blocks:
            if b:
                dealt.append(b.pop(0))
    mixed = events[:pre] + dealt + events[post:]
    new_id = {e["id"]: i + 1 for i, e in enumerate(mixed)}
    new_id[0] = 0
    map_started = next(e["id"] for e in events if e["type"] == "MapStateStarted")
    mixed = [dict(e, id=new_id[e["id"]], previousEventId=new_id[
        map_started if e["type"] == "MapIterationStarted" else e["previousEventId"]])
        for e in mixed]
    with open(history, "w") as f:
        json.dump({"events": mixed}, f)
    expect_overlay(graph(aslc, machine, "--history", history), "dealt", states, edges)
    print("ok iterations dealt out in turn")


def test_runs(aslc, tmp, histories):
    """The --runs recipe: each run's --history file is one line; concatenated, they are the
    NDJSON file. A blank line is skipped."""
    runs = os.path.join(tmp, "runs.ndjson")
    with open(runs, "w") as out:
        for name in ("success", "choice_b", "choice_default_fail", "retry_then_success"):
            with open(histories[name]) as f:
                text = f.read()
            check(text.count("\n") == 1 and text.endswith("\n"), f"{name}: history not one line")
            out.write(text)
        out.write("\n")
    g = graph(aslc, ORDER, "--runs", runs)
    check(g.get("runs") == 4, f"runs: {g.get('runs')}")
    got = {n["name"]: (n["visits"], n["failures"], n["retries"])
           for n in g["nodes"] if n["kind"] == "state"}
    want = {"Check": (4, 0, 0), "Charge": (2, 1, 1), "Skip": (1, 0, 0), "Refund": (0, 0, 0),
            "Reject": (1, 1, 0), "Done": (3, 0, 0)}
    check(got == want, f"runs visits: {got}, expected {want}")
    counts = {edge_key(g, e): e["count"] for e in g["edges"] if e["count"]}
    want_edges = {"#start->Check:start": 4, "Check->Charge:choice": 2, "Check->Skip:choice": 1,
                  "Check->Reject:default": 1, "Charge->Done:next": 2, "Skip->Done:next": 1,
                  "Done->#end:end": 3, "Reject->#end:end": 1}
    check(counts == want_edges, f"runs edges: {counts}")
    print("ok runs")


def test_runs_recipe(aslc, tmp):
    """The README's loop that makes a --runs file, run as written on a compiled machine."""
    with open(os.path.join(HERE, "..", "..", "README.md")) as f:
        readme = f.read()
    start = readme.index(": > runs.ndjson\n")
    end = readme.index("done < inputs.ndjson\n", start) + len("done < inputs.ndjson\n")
    work = os.path.join(tmp, "recipe")
    os.mkdir(work)
    p = subprocess.run([aslc, ORDER, "-o", os.path.join(work, "machine")], capture_output=True,
                       text=True, timeout=300)
    check(p.returncode == 0, f"recipe: aslc -o machine: {p.stderr}")
    with open(os.path.join(work, "inputs.ndjson"), "w") as f:
        f.write('{"kind":"b"}\n{"kind":"z"}\n{"kind":"b"}\n')
    subprocess.run(["bash", "-c", readme[start:end]], cwd=work, capture_output=True,
                   timeout=120)
    g = graph(aslc, ORDER, "--runs", os.path.join(work, "runs.ndjson"))
    got = {n["name"]: n["visits"] for n in g["nodes"] if n["kind"] == "state" and n["visits"]}
    check(g.get("runs") == 3 and got == {"Check": 3, "Skip": 2, "Done": 2, "Reject": 1},
          f"recipe: {g.get('runs')} runs, visits {got}")
    print("ok the README's --runs recipe")


def test_corpus(aslc, corpus, every):
    """Recorded AWS histories on their own definitions: no error, every state entered is on
    the path with as many visits as StateEntered events, and none is left running. `every`:
    only every Nth case (the sanitizer builds, where each run is several times slower)."""
    cases = os.path.join(corpus, "cases")
    if not os.path.isdir(cases):
        print("note: no corpus at", corpus, "- the recorded-history check did not run")
        return
    done = 0
    recorded = [c for c in sorted(os.listdir(cases))
                 if os.path.isfile(os.path.join(cases, c, "history.json"))]
    for case in recorded[::every]:
        d = os.path.join(cases, case)
        hist = os.path.join(d, "history.json")
        definition = os.path.join(d, "definition.asl.json")
        p = subprocess.run([aslc, "--check", definition], capture_output=True, timeout=60)
        if p.returncode != 0:
            continue  # a definition aslc does not take (JSONata): nothing to overlay on
        with open(hist) as f:
            events = json.load(f)
        events = events["events"] if isinstance(events, dict) else events
        try:
            g = graph(aslc, definition, "--history", hist)
        except AssertionError as e:
            check(False, f"corpus {case}: {e}")
            continue
        entered = {}
        for e in events:
            if e["type"].endswith("StateEntered"):
                name = e["stateEnteredEventDetails"]["name"]
                entered[name] = entered.get(name, 0) + 1
        states = {n["name"]: n for n in g["nodes"] if n["kind"] == "state"}
        for name, visits in entered.items():
            n = states[name]
            check(n["on_path"] and n["visits"] == visits and n["status"] != "not_run",
                  f"corpus {case}: {name}: {n['status']} {n['visits']} visits, "
                  f"{visits} entered")
            check(n["status"] != "running", f"corpus {case}: {name} running after the end")
        done += 1
    check(done >= CORPUS_CASES // every, f"only {done} corpus histories overlaid")
    print(f"ok corpus: {done} recorded histories")


def write(tmp, name, doc, **dump):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(doc, f, **dump)
    return path


def changes(g):
    nodes = {n["name"]: (n["change"], n["cluster"]) for n in g["nodes"] if n["kind"] == "state"}
    edges = {edge_key(g, e): e["change"] for e in g["edges"] if e["change"] != "same"}
    return nodes, edges


def test_diff(aslc, tmp):
    with open(ORDER) as f:
        order = json.load(f)
    with open(FANOUT) as f:
        fanout = json.load(f)

    # the same definition, and the same written with members reordered and re-indented
    def reorder(v):
        if isinstance(v, dict):
            return {k: reorder(v[k]) for k in reversed(list(v))}
        if isinstance(v, list):
            return [reorder(x) for x in v]
        return v

    for what, doc, dump in (("identical", order, {}), ("reordered", reorder(order), {"indent": 7})):
        old = write(tmp, what + ".asl.json", doc, **dump)
        g = graph(aslc, ORDER, "--diff", old)
        nodes, edges = changes(g)
        check(all(c == "same" for c, _ in nodes.values()) and not edges,
              f"diff {what}: {nodes} {edges}")
        check(g["notes"] == ["0 states added, 0 removed, 0 changed"], f"diff note: {g['notes']}")
        print("ok diff", what)

    # the new order: Skip is gone (rule b goes to Done), Audit comes between Charge and Done,
    # Reject has another Cause
    new = json.loads(json.dumps(order))
    states = new["States"]
    del states["Skip"]
    states["Check"]["Choices"][1]["Next"] = "Done"
    states["Charge"]["Next"] = "Audit"
    states["Audit"] = {"Type": "Pass", "Next": "Done"}
    states["Reject"]["Cause"] = "something else"
    new_path = write(tmp, "order.asl.json", new)
    g = graph(aslc, new_path, "--diff", ORDER)
    nodes, edges = changes(g)
    check(nodes == {"Check": ("changed", ""), "Charge": ("changed", ""), "Refund": ("same", ""),
                    "Reject": ("changed", ""), "Done": ("same", ""), "Audit": ("added", ""),
                    "Skip": ("removed", "")}, f"diff states: {nodes}")
    check(edges == {"Check->Done:choice": "added", "Charge->Audit:next": "added",
                    "Audit->Done:next": "added", "Check->Skip:choice": "removed",
                    "Skip->Done:next": "removed", "Charge->Done:next": "removed"},
          f"diff edges: {edges}")
    check(g["notes"] == ["1 state added, 1 removed, 3 changed"], f"diff note: {g['notes']}")
    print("ok diff order")

    # a state removed inside a Parallel branch is drawn in that branch; the Parallel itself is
    # not changed by what happens inside it
    new = json.loads(json.dumps(fanout))
    branch = new["States"]["Fan"]["Branches"][1]["States"]
    del branch["B2"]
    branch["B"] = {"Type": "Pass", "End": True}
    new_path = write(tmp, "fanout.asl.json", new)
    g = graph(aslc, new_path, "--diff", FANOUT)
    nodes, edges = changes(g)
    check(nodes["B2"] == ("removed", "/States/Fan/Branches/1"), f"removed in a branch: {nodes}")
    check(nodes["B"] == ("changed", "/States/Fan/Branches/1") and nodes["Fan"][0] == "same",
          f"changed in a branch: {nodes}")
    check(edges == {"B->/States/Fan/Branches/1#end:end": "added", "B->B2:next": "removed",
                    "B2->/States/Fan/Branches/1#end:end": "removed"}, f"branch edges: {edges}")
    print("ok diff branch")
    return os.path.join(tmp, "order.asl.json")


def dot_line(dot, node_id):
    """The DOT statement of the node with that id (the drawing contract's id="state:...")."""
    return next((l for l in dot.splitlines() if f'id="state:{node_id}"' in l), "")


def test_dot(aslc, histories, new_order):
    """The overlays as the DOT renderer draws them: the contract's status and change classes;
    and the drawing of a diff goes through graphviz when it is installed."""
    p = subprocess.run([aslc, "graph", ORDER, "--history", histories["task_fails_caught"]],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, f"dot --history: {p.stderr}")
    for node, cls in (("/States/Check", "status-succeeded on-path"),
                      ("/States/Charge", "status-caught on-path"),
                      ("/States/Skip", "status-not-run")):
        check(cls in dot_line(p.stdout, node), f"dot: {node} is not {cls}")
    p = subprocess.run([aslc, "graph", new_order, "--diff", ORDER], capture_output=True,
                       text=True, timeout=60)
    check("change-removed" in dot_line(p.stdout, "/States/Skip"), "dot: Skip not removed")
    check("change-added" in dot_line(p.stdout, "/States/Audit"), "dot: Audit not added")
    if shutil.which("dot"):
        p = subprocess.run([aslc, "graph", new_order, "--diff", ORDER, "--format", "svg"],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 0 and "<svg" in p.stdout, f"svg of a diff: {p.stderr}")
    else:
        print("note: graphviz's dot is not installed: the SVG of a diff was not drawn")
    print("ok dot")


def test_aborted(aslc, tmp):
    """A state left open when the execution was stopped or timed out is drawn "aborted" (as
    the console's steps call it), not failed: its own class, fill, border and marker, and a
    legend line; an aborted Map iteration counts as aborted."""
    machine = write(tmp, "stopped.asl.json", {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 600, "Next": "F"}, "F": {"Type": "Fail"}}})
    for end in ("ExecutionAborted", "ExecutionTimedOut"):
        history = write(tmp, end + ".json", {"events": [
            {"id": 1, "previousEventId": 0, "type": "ExecutionStarted",
             "executionStartedEventDetails": {"input": "{}"}},
            {"id": 2, "previousEventId": 1, "type": "WaitStateEntered",
             "stateEnteredEventDetails": {"name": "W", "input": "{}"}},
            {"id": 3, "previousEventId": 2, "type": end}]})
        g = graph(aslc, machine, "--history", history)
        expect_overlay(g, end, {"W": ("aborted", 1, 0, 0)}, {"#start->W:start": 1})
        p = subprocess.run([aslc, "graph", machine, "--history", history],
                           capture_output=True, text=True, timeout=60)
        line = dot_line(p.stdout, "/States/W")
        check("status-aborted" in line and "#e2e3e5" in line and "dashed,bold" in line and
              "■ W" in line, f"{end}: dot: W drawn {line}")
        check("■ aborted" in p.stdout, f"{end}: dot: no aborted line in the legend")
        p = subprocess.run([aslc, "graph", machine, "--history", history, "--format", "mermaid"],
                           capture_output=True, text=True, timeout=60)
        check("status_aborted" in p.stdout and "classDef status_aborted" in p.stdout,
              f"{end}: mermaid: {p.stdout[-400:]}")
    print("ok aborted")


def test_bad_input(aslc, tmp, histories):
    def fails(what, args, needle):
        p = subprocess.run([aslc, "graph", *args], capture_output=True, text=True, timeout=60)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == 2, f"{what}: exit {p.returncode}, expected 2")
        check(len(lines) == 1 and needle in p.stderr, f"{what}: stderr {p.stderr!r}")
        check(p.stdout == "", f"{what}: wrote {p.stdout[:80]!r}")

    not_json = os.path.join(tmp, "not.json")
    with open(not_json, "w") as f:
        f.write('{"events": [')
    fails("not JSON", [ORDER, "--history", not_json], "not JSON")
    no_events = write(tmp, "noevents.json", {"executions": []})
    fails("no events", [ORDER, "--history", no_events], 'no "events" array')
    fails("another machine", [FANOUT, "--history", histories["success"]],
          "the history names state 'Check', which this machine does not have")
    truncated = os.path.join(tmp, "truncated.ndjson")
    with open(histories["success"]) as f:
        line = f.read()
    with open(truncated, "w") as f:
        f.write(line + line[:len(line) // 2] + "\n")
    fails("truncated runs line", [ORDER, "--runs", truncated], "--runs line 2: not a history")
    fails("runs of another machine", [FANOUT, "--runs", truncated], "--runs line 1:")
    print("ok bad input")


def graph_raw(aslc, machine, *args):
    """Exit status, stdout and stderr of aslc graph --format json."""
    p = subprocess.run([aslc, "graph", machine, "--format", "json", *args],
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def recorded_histories(tmp, corpus):
    """(definition, history) pairs: the ones this test ran, and a few recorded by AWS."""
    pairs = []
    for name in sorted(os.listdir(tmp)):
        if name.endswith(".history.json"):
            pairs.append((FANOUT if name.startswith("fanout") else ORDER,
                          os.path.join(tmp, name)))
    pairs.append((os.path.join(tmp, "fanout_interleaved.asl.json"), os.path.join(tmp, "interleaved.json")))
    cases = os.path.join(corpus, "cases") if corpus else ""
    if cases and os.path.isdir(cases):
        for case in sorted(os.listdir(cases))[::25]:
            d = os.path.join(cases, case)
            hist, definition = os.path.join(d, "history.json"), os.path.join(d, "definition.asl.json")
            if os.path.isfile(hist) and subprocess.run(
                    [aslc_path, "--check", definition], capture_output=True).returncode == 0:
                pairs.append((definition, hist))
    return [(m, h) for m, h in pairs if os.path.isfile(m) and os.path.isfile(h)]


def events_of(path):
    with open(path) as f:
        doc = json.load(f)
    return doc["events"] if isinstance(doc, dict) else doc


def test_kind_mismatch(aslc, tmp):
    """An event that does not fit its state's kind (a Map iteration of a Task or a Fail, a
    Pass's entry naming a Task) is another machine's history: exit 2 and one line, never a
    crash (it read the Map's data of a Task)."""
    for name, kind in (("Charge", "Task"), ("Reject", "Fail")):
        bad = write(tmp, "kind.json", {"events": [
            {"id": 1, "type": "ExecutionStarted"},
            {"id": 2, "previousEventId": 1, "type": "MapIterationStarted",
             "mapIterationStartedEventDetails": {"name": name, "index": 0}},
            {"id": 3, "previousEventId": 2, "type": "PassStateEntered",
             "stateEnteredEventDetails": {"name": "Skip"}}]})
        rc, out, err = graph_raw(aslc, ORDER, "--history", bad)
        check(rc == 2 and len(err.strip().splitlines()) == 1 and f"a {kind} state" in err,
              f"MapIterationStarted of {name}: exit {rc}: {err!r}")
    bad = write(tmp, "kind.json", {"events": [
        {"id": 1, "type": "ExecutionStarted"},
        {"id": 2, "previousEventId": 1, "type": "PassStateEntered",
         "stateEnteredEventDetails": {"name": "Charge"}}]})
    rc, out, err = graph_raw(aslc, ORDER, "--history", bad)
    check(rc == 2 and "PassStateEntered event names 'Charge', which is a Task" in err,
          f"PassStateEntered of a Task: exit {rc}: {err!r}")
    bad = write(tmp, "kind.json", {"events": [
        {"id": 1, "type": "ExecutionStarted"},
        {"id": 2, "previousEventId": 1, "type": "PassStateEntered",
         "stateEnteredEventDetails": {"name": "Skip"}},
        {"id": 3, "previousEventId": 2, "type": "MapStateStarted"}]})
    rc, out, err = graph_raw(aslc, ORDER, "--history", bad)
    check(rc == 2 and "a MapStateStarted event where no such state runs" in err,
          f"MapStateStarted in a Pass: exit {rc}: {err!r}")
    dup = write(tmp, "dup.json", {"events": [
        {"id": 1, "type": "ExecutionStarted"}, {"id": 1, "type": "ExecutionSucceeded"}]})
    rc, out, err = graph_raw(aslc, ORDER, "--history", dup)
    check(rc == 2 and "two events have the id 1" in err, f"duplicate ids: exit {rc}: {err!r}")
    print("ok kind mismatch")


def test_fuzz(aslc, tmp, pairs, runs=300):
    """Mutated real histories (types, names, ids, previousEventIds changed; events dropped,
    doubled, moved): every run exits 0 or 2 with one line, never crashes."""
    import random
    rnd = random.Random(13)
    types = sorted({e["type"] for _, h in pairs for e in events_of(h)})
    crashes = 0
    for i in range(runs):
        machine, hist = pairs[i % len(pairs)]
        events = [dict(e) for e in events_of(hist)]
        with open(machine) as f:
            names = list(json.load(f)["States"]) + ["Nope"]
        for _ in range(rnd.randint(1, 4)):
            if not events:
                break
            k = rnd.randrange(len(events))
            e = events[k]
            what = rnd.randrange(7)
            if what == 0:
                e["type"] = rnd.choice(types)
            elif what == 1:
                details = next((v for key, v in e.items() if key.endswith("EventDetails")
                                and isinstance(v, dict)), None)
                if details is not None:
                    details["name"] = rnd.choice(names)
                else:
                    e["stateEnteredEventDetails"] = {"name": rnd.choice(names)}
            elif what == 2:
                e["previousEventId"] = rnd.randint(0, len(events) + 2)
            elif what == 3:
                e["id"] = rnd.randint(0, len(events) + 2)
            elif what == 4:
                del events[k]
            elif what == 5:
                events.insert(rnd.randrange(len(events) + 1), dict(e))
            else:
                events.insert(rnd.randrange(len(events) + 1), events.pop(k))
        path = write(tmp, "fuzz.json", {"events": events})
        rc, out, err = graph_raw(aslc, machine, "--history", path)
        ok = (rc == 0 and "runtime error" not in err) or (
            rc == 2 and len(err.strip().splitlines()) == 1)
        if not ok:
            crashes += 1
            keep = os.path.join(tmp, f"crash{i}.json")
            shutil.copy(path, keep)
            check(False, f"fuzz {i} ({os.path.basename(hist)}): exit {rc}: {err[-300:]!r}")
    print(f"ok fuzz: {runs} mutated histories, {crashes} bad exits")


def test_reversed(aslc, tmp, pairs):
    """GetExecutionHistory --reverse-order lists the newest event first: the same overlay."""
    for machine, hist in pairs:
        events = events_of(hist)
        rev = write(tmp, "reversed.json", {"events": events[::-1]})
        a, b = graph_raw(aslc, machine, "--history", hist), graph_raw(aslc, machine,
                                                                      "--history", rev)
        check(a[0] == 0 and a == b, f"reversed {hist}: exit {a[0]}/{b[0]}, same: {a == b}")
    print(f"ok reversed: {len(pairs)} histories")


def test_big_map_reversed(aslc, tmp, items=20000):
    """A 20,000-iteration Map's history, newest first: found by id, not by scanning (that
    was quadratic: minutes)."""
    import time
    machine = write(tmp, "bigmap.asl.json", {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "ItemProcessor": {
            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}})
    events = []

    def add(type_, key=None, name=None, prev=None):
        e = {"id": len(events) + 1, "previousEventId": len(events) if prev is None else prev,
             "type": type_}
        if key:
            e[key] = {"name": name}
        events.append(e)
        return e["id"]

    add("ExecutionStarted")
    add("MapStateEntered", "stateEnteredEventDetails", "M")
    started = add("MapStateStarted")
    for i in range(items):
        add("MapIterationStarted", "mapIterationStartedEventDetails", "M", prev=started)
        add("PassStateEntered", "stateEnteredEventDetails", "P")
        add("PassStateExited", "stateExitedEventDetails", "P")
        add("MapIterationSucceeded", "mapIterationSucceededEventDetails", "M")
    add("MapStateSucceeded")
    add("MapStateExited", "stateExitedEventDetails", "M")
    add("ExecutionSucceeded")
    hist = write(tmp, "bigmap.json", {"events": events[::-1]})
    t = time.monotonic()
    rc, out, err = graph_raw(aslc, machine, "--history", hist)
    took = time.monotonic() - t
    m = next((n for n in json.loads(out)["nodes"] if n["name"] == "M"), {}) if rc == 0 else {}
    check(rc == 0 and m.get("iterations", {}).get("succeeded") == items and took < 60,
          f"big reversed map: exit {rc}, {m.get('iterations')}, {took:.1f} s: {err!r}")
    print(f"ok big reversed map: {len(events)} events in {took:.1f} s")


def test_diff_removed_nested(aslc, tmp):
    """A removed Map inside a branch that is still there is drawn in that branch, with its
    states, not at the machine's level."""
    def machine(branch_states, start):
        return {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": start, "States": branch_states}]}}}
    m = {"Type": "Map", "Next": "Y", "ItemProcessor": {
        "StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}}}
    old = write(tmp, "old_nested.asl.json", machine({"M": m, "Y": {"Type": "Succeed"}}, "M"))
    new = write(tmp, "new_nested.asl.json", machine({"Y": {"Type": "Succeed"}}, "Y"))
    nodes, _ = changes(graph(aslc, new, "--diff", old))
    branch = "/States/P/Branches/0"
    check(nodes.get("M") == ("removed", branch) and nodes.get("X") == ("removed", branch),
          f"removed nested: {nodes}")
    print("ok diff removed nested")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    global aslc_path
    aslc = aslc_path = sys.argv[1]
    every = 1
    if "--every" in sys.argv:
        i = sys.argv.index("--every")
        every = int(sys.argv[i + 1])
        del sys.argv[i:i + 2]
    corpus = sys.argv[2] if len(sys.argv) > 2 else ""
    with tempfile.TemporaryDirectory(prefix="aslc-overlays-") as tmp:
        histories = test_order_outcomes(aslc, tmp)
        test_parallel_and_map(aslc, tmp)
        test_interleaved(aslc, tmp)
        test_runs(aslc, tmp, histories)
        test_runs_recipe(aslc, tmp)
        new_order = test_diff(aslc, tmp)
        test_dot(aslc, histories, new_order)
        test_aborted(aslc, tmp)
        test_bad_input(aslc, tmp, histories)
        test_kind_mismatch(aslc, tmp)
        test_diff_removed_nested(aslc, tmp)
        pairs = recorded_histories(tmp, corpus)
        test_reversed(aslc, tmp, pairs)
        test_fuzz(aslc, tmp, pairs)
        test_big_map_reversed(aslc, tmp)
        if corpus:
            test_corpus(aslc, corpus, every)
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)
    print("all overlay tests passed")


if __name__ == "__main__":
    main()
