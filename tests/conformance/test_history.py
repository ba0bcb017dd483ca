#!/usr/bin/env python3
"""Self-test of history.py, the history comparison of the conformance runner: Map iterations are
compared per iteration whatever their interleaving, Parallel branches through LocalStack's
transformer, and a wrong id, previousEventId, value or missing event is reported. Optional
argument: a corpus folder, whose every recorded history must match itself."""
import glob
import json
import os
import sys

import history


def ev(i, prev, type_, key=None, **d):
    e = {"id": i, "previousEventId": prev, "timestamp": "timestamp", "type": type_}
    if key:
        e[key] = d
    return e


def entered(i, prev, type_, name, value):
    return ev(i, prev, type_ + "StateEntered", "stateEnteredEventDetails", name=name,
              input=json.dumps(value), inputDetails={"truncated": False})


def exited(i, prev, type_, name, value):
    return ev(i, prev, type_ + "StateExited", "stateExitedEventDetails", name=name,
              output=json.dumps(value), outputDetails={"truncated": False})


def iteration(i, prev, kind, index):
    return ev(i, prev, "MapIteration" + kind, "mapIteration%sEventDetails" % kind, name="M",
              index=index)


def start(value):
    return ev(1, 0, "ExecutionStarted", "executionStartedEventDetails", input=json.dumps(value),
              inputDetails={"truncated": False}, roleArn="arn:aws:iam::000000000000:role/x")


def sequential_map():
    """A Map of two items run in order, AWS's ids (MaxConcurrency 1)."""
    return [start([1, 2]), entered(2, 0, "Map", "M", [1, 2]),
            ev(3, 2, "MapStateStarted", "mapStateStartedEventDetails", length=2),
            iteration(4, 3, "Started", 0), entered(5, 4, "Pass", "P", 1),
            exited(6, 5, "Pass", "P", 1), iteration(7, 6, "Succeeded", 0),
            iteration(8, 6, "Started", 1), entered(9, 8, "Pass", "P", 2),
            exited(10, 9, "Pass", "P", 2), iteration(11, 10, "Succeeded", 1),
            ev(12, 11, "MapStateSucceeded"), exited(13, 11, "Map", "M", [1, 2]),
            ev(14, 13, "ExecutionSucceeded", "executionSucceededEventDetails", output="[1,2]",
               outputDetails={"truncated": False})]


def interleave(events, order):
    """`events` in the given order of their ids, renumbered 1..N with previousEventIds mapped."""
    by_id = {e["id"]: e for e in events}
    new_id = {old: n + 1 for n, old in enumerate(order)}
    out = []
    for old in order:
        e = dict(by_id[old])
        e["id"], e["previousEventId"] = new_id[old], new_id.get(e["previousEventId"], 0)
        out.append(e)
    return out


def recorded_form(events):
    """What the corpus holds: JSON-object texts parsed, other JSON texts kept as text."""
    out = []
    for e in events:
        e = json.loads(json.dumps(e))
        for k, d in e.items():
            if k.endswith("EventDetails"):
                for f in ("input", "output"):
                    if f in d and isinstance(json.loads(d[f]), dict):
                        d[f] = json.loads(d[f])
                if "roleArn" in d:
                    d["roleArn"] = "snf_role_arn"
                e["timestamp"] = "timestamp"
        out.append(e)
    return out


def parallel(order):
    """A Parallel of two one-state branches; `order`: the four branch events' order."""
    branch = {"a1": entered(0, 3, "Pass", "A", {}), "b1": entered(0, 3, "Pass", "B", {}),
              "a2": exited(0, "a1", "Pass", "A", 1), "b2": exited(0, "b1", "Pass", "B", 2)}
    events = [start({}), entered(2, 0, "Parallel", "Par", {}), ev(3, 2, "ParallelStateStarted")]
    ids = {}
    for n, name in enumerate(order):
        e = dict(branch[name])
        e["id"] = ids[name] = 4 + n
        if isinstance(e["previousEventId"], str):
            e["previousEventId"] = ids[e["previousEventId"]]
        events.append(e)
    return events + [ev(8, 7, "ParallelStateSucceeded"), exited(9, 7, "Parallel", "Par", [1, 2]),
                     ev(10, 9, "ExecutionSucceeded", "executionSucceededEventDetails",
                        output="[1,2]", outputDetails={"truncated": False})]


def check(label, reason, want_match):
    ok = (reason is None) == want_match
    print("%s %s%s" % ("ok  " if ok else "FAIL", label, "" if reason is None else ": " + reason))
    return ok


def main():
    seq = sequential_map()
    recorded = recorded_form(seq)
    ok = check("a history matches its recorded form", history.compare(recorded, seq), True)
    # iteration 1 runs alongside iteration 0: same per-iteration sequences, other ids
    mixed = interleave(seq, [1, 2, 3, 4, 8, 5, 9, 6, 10, 7, 11, 12, 13, 14])
    ok &= check("interleaved iterations match", history.compare(recorded, mixed), True)
    wrong = [dict(e) for e in seq]
    wrong[7]["previousEventId"] = 7  # I(1) pointing at E(0) instead of iteration 0's last event
    ok &= check("a wrong previousEventId is found", history.compare(recorded, wrong), False)
    wrong = [dict(e) for e in seq]
    wrong[13]["id"] = 15
    ok &= check("a wrong id is found", history.compare(recorded, wrong), False)
    wrong = [dict(e) for e in seq]
    wrong[9] = exited(10, 9, "Pass", "P", 3)
    ok &= check("a wrong output is found", history.compare(recorded, wrong), False)
    ok &= check("a missing event is found", history.compare(recorded, seq[:11] + seq[12:]),
                False)
    swapped = [dict(e) for e in seq]
    swapped[4], swapped[8] = entered(5, 4, "Pass", "P", 2), entered(9, 8, "Pass", "P", 1)
    ok &= check("events swapped between iterations are found",
                history.compare(recorded, swapped), False)

    # Parallel: the recording went through LocalStack's transformer
    ours = parallel(["a1", "b1", "a2", "b2"])
    rec = history.parallel_transform(recorded_form(parallel(["b1", "a1", "b2", "a2"])))
    ok &= check("the transformer drops ParallelStateSucceeded",
                None if "ParallelStateSucceeded" not in [e["type"] for e in rec] else "kept",
                True)
    ok &= check("Parallel branches in any order match", history.compare(rec, ours), True)
    wrong = parallel(["a1", "b1", "a2", "b2"])
    wrong[5] = exited(6, 4, "Pass", "A", 7)
    ok &= check("a wrong branch output is found", history.compare(rec, wrong), False)

    cause = "An error in 'arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:x'"
    ok &= check("placeholders match any text", None if history.same_json(
        cause, "An error in 'arn:aws:states:local:111111111111:execution:m:x'") else "no", True)
    ok &= check("placeholders keep the rest", None if history.same_json(
        cause, "An error in 'arn:aws:states:local:111111111111:stateMachine:m:x'") else "no",
        False)

    if len(sys.argv) > 1 and os.path.isdir(sys.argv[1]):
        files = glob.glob(os.path.join(sys.argv[1], "cases", "*", "history.json"))
        bad = [f for f in files if history.compare(json.load(open(f)), json.load(open(f)))]
        ok &= check("all %d recorded histories match themselves" % len(files),
                    "%d do not, e.g. %s" % (len(bad), bad[:1]) if bad else None, True)
    print("test_history: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
