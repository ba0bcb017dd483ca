#!/usr/bin/env python3
"""Large definitions must cost time and memory linear in their size: a 100 KB JSONPath (checked
and built), a machine with ~19,000 states, a Choice with 10,000 rules built natively and run on inputs that hit
its first, middle and last rules and its Default.

Usage: large_machines.py ASLC
Time is never bounded absolutely (a busy CI machine or a sanitizer build would fail it): each
check compares, in this run, the CPU time (getrusage on the child) of one definition with that
of 16 definitions of 1/16 the size. Linear code gives a ratio of about 1; the old quadratic code
gave about 16. Peak memory and the size of the
generated C are bounded directly: they do not depend on the machine.
"""
import atexit
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

ASLC = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="aslc-large-")
atexit.register(shutil.rmtree, WORK, True)
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


SCALE = 16
RATIO_BOUND = 4  # linear: about 1 (fixed costs make it less); quadratic: about SCALE


def cpu_of(argv, runs):
    """The CPU times of `runs` runs of argv, and the last run's exit status and stderr."""
    times, rc, err = [], None, ""
    for _ in range(runs):
        rc, _, err, cpu, _ = run(argv)
        times.append(cpu)
    return times, rc, err


def check_linear(label, make_path, n, want_rc, check_err=None):
    """aslc --check on make_path(n) must cost no more than RATIO_BOUND times SCALE checks of
    make_path(n // SCALE): the same amount of text in pieces. Linear code gives a ratio of about
    1, quadratic code about SCALE. The big run is the best of three."""
    small, rc_small, _ = cpu_of([ASLC, "--check", make_path(n // SCALE)], SCALE)
    big, rc, err = cpu_of([ASLC, "--check", make_path(n)], 3)
    if rc != want_rc or rc_small != want_rc:
        fail("%s: --check exit %d/%d (want %d): %s" % (label, rc_small, rc, want_rc, err[:200]))
    elif check_err and not check_err(err):
        fail("%s: unexpected diagnostics: %s" % (label, err[:300]))
    ratio = min(big) / max(sum(small), 0.001)
    if ratio > RATIO_BOUND:
        fail("%s: one check took %.1f times %d checks of 1/%d the size (%.3f s vs %.3f s; bound "
             "%d)" % (label, ratio, SCALE, SCALE, min(big), sum(small), RATIO_BOUND))
    print("%s: %.2f s at full size, %.2f times %d checks of 1/%d the size" %
          (label, min(big), ratio, SCALE, SCALE))


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
    # built natively: 33,333 inline steps took cc -O2 minutes; a long path is walked as data,
    # so the C grows by a constant per segment (about 15 bytes of C per byte of path)
    path_bytes = len("".join(segs))
    rc, c_text, err, _, _ = run([ASLC, "--emit-c", path])
    if rc != 0 or len(c_text) > 30 * path_bytes:
        fail("long path: --emit-c exit %d, %d bytes of C for a %d-byte path (bound %d): %s" %
             (rc, len(c_text), path_bytes, 30 * path_bytes, err[:200]))
    exe = os.path.join(WORK, "long_path")
    rc, _, err, cpu, _ = run([ASLC, path, "-o", exe], timeout=120)
    if rc != 0:
        fail("long path: aslc -o exit %d: %s" % (rc, err[:200]))
        return
    rc, out, _, _, _ = run([exe, "--input", '{"ab": {"ab": 1}}'])
    if rc != 1 or "Missing property in path $['ab']['ab']['ab']" not in out:
        fail("long path: exit %d, %s" % (rc, out[-200:]))
    print("long path: built in %.1f s" % cpu)


def chain(n, misspelt=False):
    """n states, each with an Assign, in a chain; misspelt: every Next names a missing state."""
    states = {}
    for i in range(n - 1):
        target = state_name(i + 1)
        states[state_name(i)] = {"Type": "Pass", "Assign": {"x": i},
                                 "Next": "#" + target[1:] if misspelt else target}
    states[state_name(n - 1)] = {"Type": "Succeed"}
    return write("chain_%d_%d.asl.json" % (n, misspelt),
                 {"StartAt": state_name(0), "States": states})


def many_states():
    """19,000 states, each with an Assign, in a chain (just under AWS's 1 MB definition limit):
    looking states and assignments up by a linear search made checking quadratic (1.9 s), and
    "did you mean" notes for 19,000 misspelt targets took 27 s."""
    n = 19000
    check_linear("many states", chain, n, 0)
    check_linear("misspelt targets", lambda k: chain(k, True), n, 2,
                 lambda err: err.count("Missing 'Next' target") == n - 1)


def wide_template(n):
    params = {"a%d" % i: i for i in range(n)}
    params["a7.$"] = "$.x"  # the same field as a7
    return write("wide_template_%d.asl.json" % n, {"StartAt": "P", "States": {"P": {
        "Type": "Pass", "Parameters": params, "End": True}}})


def wide_state(n):
    state = {"Type": "Pass", "End": True}
    state.update({"f%d" % i: 0 for i in range(n)})
    return write("wide_state_%d.asl.json" % n, {"StartAt": "P", "States": {"P": state}})


def wide_objects():
    """Objects of 60,000 members: duplicate fields were found by comparing every pair (2.8 s and
    3 s where the linear code takes 0.05 s)."""
    n = 60000
    check_linear("wide template", wide_template, n, 2,
                 lambda err: 'duplicate field "a7" in Parameters' in err)
    check_linear("wide state", wide_state, n, 2,
                 lambda err: err.count("is not supported in a Pass state") == n)


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
    rc, c_text, err, _, _ = run([ASLC, "--emit-c", path])
    if rc != 0 or len(c_text) > 300 * n:  # a table row per rule, not a function
        fail("big choice: --emit-c exit %d, %d bytes of C for %d rules (bound %d)" %
             (rc, len(c_text), n, 300 * n))
    print("big choice: %d bytes of C per rule" % (len(c_text) // n))
    exe = os.path.join(WORK, "big_choice")
    rc, _, err, cpu, _ = run([ASLC, path, "-o", exe], timeout=120)
    if rc != 0:
        fail("big choice: aslc -o exit %d: %s" % (rc, err[:300]))
        return
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
