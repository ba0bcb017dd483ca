#!/usr/bin/env python3
"""Choice And/Or/Not over whole truth tables, through the AOT and the JIT back ends.

Every rule shape below is compiled once and run on every assignment of its operands to true,
false or missing. The expected outcome comes from a small reference evaluator written from the
ASL specification and AWS's observed behaviour: operands are evaluated left to right, And stops
at the first false operand, Or at the first true one, and a Variable that does not exist raises
States.Runtime at the moment it is evaluated (so a missing operand after the decisive one is
never seen, and the cause names the first missing operand reached).

Usage: choice_truth_tables.py ASLC
Prints one line per failing case and closes with "N passed, N failed".
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile

# Each operand position tests its own variable with its own operator, so the table also covers
# the three comparison kinds; a value is "true", "false" or None (absent from the input).
LEAVES = [
    ("v1", "BooleanEquals", True, {"true": True, "false": False}),
    ("v2", "NumericGreaterThan", 0, {"true": 1, "false": 0}),
    ("v3", "StringEquals", "y", {"true": "y", "false": "n"}),
]

# Rule shapes as nested tuples; an int is the index of a leaf in LEAVES.
SHAPES = [
    ("And", 0, 1),
    ("Or", 0, 1),
    ("And", 0, 1, 2),
    ("Or", 0, 1, 2),
    ("Not", ("Or", 0, 1)),
    ("Not", ("And", 0, 1)),
    ("Or", ("And", 0, 1), ("Not", 2)),
    ("And", ("Or", 0, 1), 2),
    ("And", 0, ("Or", 1, ("Not", 2))),
    ("Not", ("Not", 0)),
]


class Missing(Exception):
    def __init__(self, var):
        self.var = var


def leaves_of(shape):
    if isinstance(shape, int):
        return {shape}
    return set().union(*(leaves_of(s) for s in shape[1:]))


def to_rule(shape):
    if isinstance(shape, int):
        var, op, operand, _ = LEAVES[shape]
        return {"Variable": "$." + var, op: operand}
    if shape[0] == "Not":
        return {"Not": to_rule(shape[1])}
    return {shape[0]: [to_rule(s) for s in shape[1:]]}


def evaluate(shape, values):
    """The reference: left to right, stop at the first decisive operand."""
    if isinstance(shape, int):
        value = values[shape]
        if value is None:
            raise Missing(LEAVES[shape][0])
        return value == "true"
    if shape[0] == "Not":
        return not evaluate(shape[1], values)
    decisive = shape[0] == "Or"  # Or stops at true, And at false
    for operand in shape[1:]:
        if evaluate(operand, values) == decisive:
            return decisive
    return not decisive


def definition(shape):
    rule = to_rule(shape)
    rule["Next"] = "Yes"
    return {
        "StartAt": "C",
        "States": {
            "C": {"Type": "Choice", "Choices": [rule], "Default": "No"},
            "Yes": {"Type": "Pass", "Result": "T", "End": True},
            "No": {"Type": "Pass", "Result": "F", "End": True},
        },
    }


def expected(shape, values):
    try:
        return {"status": "SUCCEEDED", "output": "T" if evaluate(shape, values) else "F"}
    except Missing as m:
        return {"status": "FAILED", "error": "States.Runtime",
                "cause": "An error occurred while executing the state 'C' (entered at the event "
                         "id #2). Invalid path '$.%s' : No results for path: $['%s']"
                         % (m.var, m.var)}


def outcome(proc):
    status = {0: "SUCCEEDED", 1: "FAILED"}.get(proc.returncode, "exit %d" % proc.returncode)
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        return {"status": status, "stdout": proc.stdout.decode(errors="replace"),
                "stderr": proc.stderr.decode(errors="replace")}
    if status == "FAILED":
        return {"status": status, "error": out.get("Error"), "cause": out.get("Cause")}
    return {"status": status, "output": out}


def main():
    aslc = os.path.abspath(sys.argv[1])
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="aslc-truth-") as work:
        for n, shape in enumerate(SHAPES):
            path = os.path.join(work, "shape%d.asl.json" % n)
            with open(path, "w") as f:
                json.dump(definition(shape), f)
            exe = os.path.join(work, "shape%d" % n)
            build = subprocess.run([aslc, path, "-o", exe], capture_output=True)
            if build.returncode != 0:
                print("FAIL build %s: %s" % (json.dumps(to_rule(shape)), build.stderr.decode()))
                failed += 1
                continue
            used = sorted(leaves_of(shape))
            for combo in itertools.product(["true", "false", None], repeat=len(used)):
                values = dict(zip(used, combo))
                document = {LEAVES[i][0]: LEAVES[i][3][v] for i, v in values.items() if v}
                text = json.dumps(document).encode()
                want = expected(shape, values)
                for backend, cmd in (("aot", [exe]), ("jit", [aslc, "run", path])):
                    got = outcome(subprocess.run(cmd, input=text, capture_output=True))
                    if got == want:
                        passed += 1
                        continue
                    failed += 1
                    print("FAIL %s %s input %s\n  want %s\n  got  %s" % (
                        backend, json.dumps(to_rule(shape)), text.decode(),
                        json.dumps(want), json.dumps(got)))
    print("choice truth tables: %d shapes" % len(SHAPES))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
