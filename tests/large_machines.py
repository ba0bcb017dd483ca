#!/usr/bin/env python3
"""Large definitions must cost time and memory linear in their size: a 100 KB JSONPath (checked
and built), a machine with ~19,000 states, a Choice with 10,000 rules built natively and run on inputs that hit
its first, middle and last rules and its Default.

Usage: large_machines.py ASLC
Each check bounds the CPU time or peak memory of one aslc run (measured with getrusage on the
child, so a busy machine slows it down less than wall time would); the bounds are several times
what the linear code needs and below what the old quadratic code took.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

ASLC = sys.argv[1]
WORK = tempfile.mkdtemp()
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL " + msg)


def write(name, definition):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        json.dump(definition, f, separators=(",", ":"))
    return path


def run(argv, input_text=None, timeout=120):
    """Runs argv; returns (rc, stdout, stderr, CPU seconds, peak MB). The CPU time includes the
    C compiler that aslc runs (a child it waits for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run(argv, input=input_text, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "", "timed out after %d s" % timeout, float(timeout), 0.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run the big case first
    return p.returncode, p.stdout, p.stderr, cpu, after.ru_maxrss / 1024.0


def state_name(i):
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    s, i = "", i + 1
    while i:
        s += letters[i % 52]
        i //= 52
    return s


def long_path():
    """A 100 KB path of 33,333 segments: each used to allocate the rest of the path (291 MB)."""
    segs = ["['ab']" if i % 2 else ".ab" for i in range(33333)]
    path = write("long_path.asl.json", {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "InputPath": "$" + "".join(segs), "End": True}}})
    rc, _, err, cpu, mb = run([ASLC, "--check", path])
    if rc != 0:
        fail("long path: --check exit %d: %s" % (rc, err[:200]))
    if mb > 150:
        fail("long path: --check took %.0f MB (bound 150 MB)" % mb)
    print("long path: %.2f s, %.0f MB" % (cpu, mb))
    # built natively: 33,333 inline steps took cc -O2 minutes; a long path is walked as data
    exe = os.path.join(WORK, "long_path")
    rc, _, err, cpu, _ = run([ASLC, path, "-o", exe], timeout=60)
    if rc != 0 or cpu > 20:
        fail("long path: aslc -o exit %d in %.1f s (bound 20 s): %s" % (rc, cpu, err[:200]))
        return
    rc, out, _, _, _ = run([exe, "--input", '{"ab": {"ab": 1}}'])
    if rc != 1 or "Missing property in path $['ab']['ab']['ab']" not in out:
        fail("long path: exit %d, %s" % (rc, out[-200:]))
    print("long path: built in %.1f s" % cpu)


def many_states():
    """19,000 states, each with an Assign, in a chain (just under AWS's 1 MB definition limit):
    looking states and assignments up by a linear search made checking quadratic."""
    n = 19000
    states = {}
    for i in range(n - 1):
        states[state_name(i)] = {"Type": "Pass", "Assign": {"x": i}, "Next": state_name(i + 1)}
    states[state_name(n - 1)] = {"Type": "Succeed"}
    path = write("many_states.asl.json", {"StartAt": state_name(0), "States": states})
    rc, _, err, cpu, _ = run([ASLC, "--check", path])
    if rc != 0:
        fail("many states: --check exit %d: %s" % (rc, err[:200]))
    if cpu > 1.2:  # 0.1 s (0.6 s with sanitizers); the quadratic code took 1.9 s
        fail("many states: --check took %.2f s of CPU (bound 1.2 s)" % cpu)
    print("many states: %.2f s" % cpu)
    # the same with every Next misspelt: one error each, but "did you mean" notes are bounded
    for s in list(states.values())[:-1]:
        s["Next"] = "#" + s["Next"][1:]
    path = write("many_misspelt.asl.json", {"StartAt": state_name(0), "States": states})
    rc, _, err, cpu, _ = run([ASLC, "--check", path])
    if rc != 2 or err.count("Missing 'Next' target") != n - 1:
        fail("misspelt targets: exit %d, %d errors" % (rc, err.count("Missing 'Next' target")))
    if cpu > 2.0:  # 0.1 s; the quadratic code took 27 s
        fail("misspelt targets: --check took %.2f s of CPU (bound 2 s)" % cpu)
    print("misspelt targets: %.2f s" % cpu)


def wide_objects():
    """Objects of 60,000 members: duplicate fields were found by comparing every pair."""
    params = {"a%d" % i: i for i in range(60000)}
    params["a7.$"] = "$.x"  # the same field as a7
    path = write("wide_template.asl.json", {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": params, "End": True}}})
    rc, _, err, cpu, _ = run([ASLC, "--check", path])
    if rc != 2 or 'duplicate field "a7" in Parameters' not in err or cpu > 1.0:
        fail("wide template: exit %d in %.2f s (bound 1 s): %s" % (rc, cpu, err[:200]))
    print("wide template: %.2f s" % cpu)  # the quadratic code took 2.8 s
    state = {"Type": "Pass", "End": True}
    state.update({"f%d" % i: 0 for i in range(60000)})
    path = write("wide_state.asl.json", {"StartAt": "P", "States": {"P": state}})
    rc, _, err, cpu, _ = run([ASLC, "--check", path])
    if rc != 2 or err.count("is not supported in a Pass state") != 60000 or cpu > 1.0:
        fail("wide state: exit %d in %.2f s (bound 1 s)" % (rc, cpu))
    print("wide state: %.2f s" % cpu)  # the quadratic code took 3 s


def choice_rule(i):
    """Rule i is true exactly when $.x == i, written in one of five ways."""
    k = i % 5
    if k == 0:
        r = {"Variable": "$.x", "NumericEquals": i}
    elif k == 1:
        r = {"And": [{"Variable": "$.x", "NumericGreaterThanEquals": i},
                     {"Variable": "$.x", "NumericLessThanEquals": i}]}
    elif k == 2:
        r = {"Or": [{"Variable": "$.s", "StringEquals": "k%d" % i},
                    {"Variable": "$.x", "NumericEquals": i}]}
    elif k == 3:
        r = {"Not": {"Not": {"Variable": "$.x", "NumericEquals": i}}}
    else:
        r = {"And": [{"Variable": "$.y", "NumericEqualsPath": "$.x"},
                     {"Variable": "$.x", "NumericEquals": i}]}
    if i % 10 == 7:
        r["Assign"] = {"hit": i}
        r["Next"] = "Assigned"
    else:
        r["Next"] = "T%d" % (i % 97)
    return r


def big_choice():
    """A Choice of 10,000 rules: it used to be 15 MB of C (a function per rule) that cc -O2 took
    minutes to compile; as a table it builds in seconds. Then it must pick the right rule."""
    n = 10000
    states = {"C": {"Type": "Choice", "Choices": [choice_rule(i) for i in range(n)],
                    "Default": "D"},
              "D": {"Type": "Pass", "Result": "default", "End": True},
              "Assigned": {"Type": "Pass", "Parameters": {"hit.$": "$hit"}, "End": True}}
    for t in range(97):
        states["T%d" % t] = {"Type": "Pass", "Result": "T%d" % t, "End": True}
    definition = {"StartAt": "C", "States": states}
    path = write("big_choice.asl.json", definition)
    exe = os.path.join(WORK, "big_choice")
    rc, _, err, cpu, _ = run([ASLC, path, "-o", exe], timeout=60)
    if rc != 0:
        fail("big choice: aslc -o exit %d: %s" % (rc, err[:300]))
        return
    if cpu > 20:
        fail("big choice: aslc -o took %.1f s of CPU (bound 20 s)" % cpu)
    print("big choice: built in %.1f s" % cpu)
    cases = [  # input, exit status, output
        ({"x": 0, "y": 0}, 0, "T0"),                        # the first rule
        ({"x": 5001, "s": "k5001", "y": 1}, 0, "T54"),      # the middle, through an Or
        ({"x": 9999, "y": 9999, "s": ""}, 0, "T8"),         # the last rule (Not Not)
        ({"x": 9994, "y": 9994, "s": ""}, 0, "T3"),         # an And with a *Path operand
        ({"x": 5007, "y": 0, "s": ""}, 0, {"hit": 5007}),   # a rule with Assign
        ({"x": -5, "y": 0, "s": ""}, 0, "default"),         # no rule: Default
        ({"x": 40, "y": 0}, 1, "States.Runtime"),           # rule 2's Or needs $.s
    ]
    for argv in ([exe], [ASLC, "run", path]):
        for inp, want_rc, want in cases:
            rc, out, err, _, _ = run(argv + ["--input", json.dumps(inp)])
            got = json.loads(out) if out.strip() else None
            if want_rc == 1 and isinstance(got, dict):
                got = got.get("Error")
            if rc != want_rc or got != want:
                fail("big choice %s %s: exit %d, %s (want %d, %s)" %
                     (argv[-1], json.dumps(inp), rc, out.strip()[:200], want_rc, want))
    # rules past the 1024th once had their Next targets left unchecked
    definition["States"]["C"]["Choices"][9998]["Next"] = "Nowhere"
    rc, _, err, _, _ = run([ASLC, "--check", write("big_choice_bad.asl.json", definition)])
    if rc != 2 or "Missing 'Next' target: Nowhere" not in err:
        fail("big choice: a missing Next at rule 9998 was not reported (exit %d)" % rc)


long_path()
many_states()
wide_objects()
big_choice()
print("%d failed" % failures)
sys.exit(1 if failures else 0)
