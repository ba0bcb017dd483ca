#!/usr/bin/env python3
"""Conformance runner: executes every case of an AWS-recorded ASL corpus through aslc's native
(AOT) and JIT back ends and compares status, output, error and cause with what AWS recorded.

Usage: run.py CORPUS_DIR --aslc PATH [--backend aot|jit|both] [--known-failures FILE]
              [--history [--history-known-failures FILE]] [--jobs N] [--filter SUBSTRING]
              [--verbose] [--suspend-resume]

A case listed in the known-failures file (name, TAB, reason) may fail; every other case must
pass, and a listed case that passes is reported as stale so the list only shrinks.
With --history, every case that has a recorded history.json also runs with `--history FILE`, and
that history is compared with the recording (history.py; HISTORY.md describes the recordings);
its mismatches are tracked the same way in the history known-failures file.

--suspend-resume: every case not listed as a known failure runs suspended after N states
(--suspend-after N --snapshot FILE, exit 4) and resumed from the snapshot (--resume FILE), for
N = 1..20 until a run finishes before N states; each resumed run's outcome must match what AWS
recorded, as in the normal comparison; with --history, the suspended run's history followed by
the resumed run's must match the recorded history. The run arguments (mocks, bindings) are the
same on both runs.
Exit status: 0 when all is as expected, 1 otherwise, 77 (ctest's "skipped") when the corpus
folder does not exist.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

import history

STATUS_BY_EXIT = {0: "SUCCEEDED", 1: "FAILED", 3: "TIMED_OUT"}
TIMEOUT_SECONDS = 60
EXIT_SUSPENDED = 4
SUSPEND_UP_TO = 20  # --suspend-resume: suspend after 1, 2, ... up to this many states


def same_json(a, b):
    """JSON equality by value: 1 == 1.0, but true is not 1 and key order does not matter."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def read_known(path):
    known = {}
    if path:
        with open(path) as f:
            for line in f:
                line = line.rstrip("\n")
                if line and not line.startswith("#"):
                    name, _, reason = line.partition("\t")
                    known[name] = reason
    return known


def load_cases(corpus, name_filter):
    cases = []
    root = os.path.join(corpus, "cases")
    if not os.path.isdir(root):
        root = corpus  # a folder of case folders (examples/, tests/machines/)
    for name in sorted(os.listdir(root)):
        if not os.path.isfile(os.path.join(root, name, "definition.asl.json")):
            continue
        if name_filter and name_filter not in name:
            continue
        d = os.path.join(root, name)
        with open(os.path.join(d, "expected.json")) as f:
            expected = json.load(f)
        with open(os.path.join(d, "input.json"), "rb") as f:
            input_text = f.read()
        area = name.split("__", 1)[0] if "__" in name else os.path.basename(
            os.path.normpath(corpus))
        extra = []  # our own machines may bind Task resources
        if os.path.isfile(os.path.join(d, "tasks.json")):
            extra += ["--tasks", os.path.join(d, "tasks.json")]
        if os.path.isfile(os.path.join(d, "handlers.c")):
            extra += ["--link", os.path.join(d, "handlers.c")]
        run_args = []
        if os.path.isfile(os.path.join(d, "mock.json")):
            with open(os.path.join(d, "mock-case.txt")) as f:
                run_args += ["--mock-config", os.path.join(d, "mock.json"),
                             "--mock-case", f.read().strip()]
        recorded = os.path.join(d, "history.json")
        cases.append({"name": name, "area": area, "dir": d, "expected": expected,
                      "input": input_text, "extra": extra, "run_args": run_args,
                      "definition": os.path.join(d, "definition.asl.json"),
                      "history": recorded if os.path.isfile(recorded) else None})
    return cases


def compare(case, proc):
    """Returns None when the outcome matches what AWS recorded, else a one-line reason."""
    exp = case["expected"]
    if proc.returncode == 2:
        return "exit 2: " + (proc.stderr.decode(errors="replace").strip().splitlines() or [""])[0][-300:]
    status = STATUS_BY_EXIT.get(proc.returncode)
    if status is None:
        return "unexpected exit status %d: %s" % (
            proc.returncode, proc.stderr.decode(errors="replace").strip()[:300])
    try:
        got = json.loads(proc.stdout)
    except ValueError:
        return "stdout is not JSON: %r" % proc.stdout[:200]
    if status != exp["status"]:
        return "status %s, expected %s (stdout %s)" % (status, exp["status"],
                                                       proc.stdout.decode()[:300].strip())
    if status == "SUCCEEDED":
        if not same_json(got, exp.get("output")):
            return "output %s, expected %s" % (json.dumps(got)[:400],
                                               json.dumps(exp.get("output"))[:400])
        return None
    if got.get("Error") != exp.get("error"):
        return "error %r, expected %r" % (got.get("Error"), exp.get("error"))
    if "cause_json" in exp:
        try:
            cause = json.loads(got.get("Cause") or "null")
        except ValueError:
            cause = got.get("Cause")
        if not same_json(cause, exp["cause_json"]):
            return "cause %r, expected JSON %r" % (got.get("Cause"), exp["cause_json"])
    elif got.get("Cause") != exp.get("cause"):
        return "cause %r, expected %r" % (got.get("Cause"), exp.get("cause"))
    return None


def compare_history(case, path):
    """None when the history our run wrote to `path` matches the recording, else a reason."""
    try:
        with open(path) as f:
            ours = json.load(f)["events"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return "no history written (%s)" % e
    with open(case["history"]) as f:
        recorded = json.load(f)
    return history.compare(recorded, ours)


def tabulate(title, results, areas, backends):
    print(title)
    print("%-22s" % "area" + "".join("%14s" % b.upper() for b in backends))
    for area in areas:
        print("%-22s" % area + "".join(
            "%14s" % ("%d/%d" % tuple(results[b][area])) for b in backends))
    print("%-22s" % "total" + "".join("%14s" % ("%d/%d" % (
        sum(v[0] for v in results[b].values()), sum(v[1] for v in results[b].values())))
        for b in backends))


class Tally:
    """Pass counts per back end and area, and the failures against a known-failures list."""

    def __init__(self, known):
        self.known = known
        self.results = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.unexpected, self.stale, self.known_failed = [], set(), set()
        self.failing = defaultdict(set)

    def add(self, case, backend, reason, label, verbose):
        cell = self.results[backend][case["area"]]
        cell[1] += 1
        if reason is None:
            cell[0] += 1
            if case["name"] in self.known:
                self.stale.add(case["name"])
            return
        self.failing[case["name"]].add(backend)
        if case["name"] in self.known:
            self.known_failed.add(case["name"])
            if verbose:
                print("known %sfailure [%s] %s: %s" % (label, backend, case["name"], reason))
        else:
            self.unexpected.append((case["name"], backend, reason))

    def report(self, label):
        """Prints the failures; True when all is as expected."""
        print("known %sfailures (listed, still failing): %d" % (label, len(self.known_failed)))
        for name, backend, reason in sorted(self.unexpected):
            print("FAIL %s[%s] %s: %s" % (label, backend, name, reason))
        # A listed case counts as stale only if it passed on every back end that ran.
        stale = {n for n in self.stale if not self.failing.get(n)}
        for name in sorted(stale):
            print("STALE known %sfailure (now passes, remove it from the list): %s" % (label, name))
        return not self.unexpected and not stale


def run(cmd, stdin, cwd=None):
    try:
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_SECONDS, cwd=cwd)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, b"", b"timed out after %ds" % TIMEOUT_SECONDS)


def main():
    """Runs the corpus in a scratch folder that is removed whatever happens."""
    workdir = tempfile.mkdtemp(prefix="aslc-conformance-")
    try:
        return run_corpus(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_corpus(workdir):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--backend", choices=["aot", "jit", "both"], default="both")
    ap.add_argument("--known-failures")
    ap.add_argument("--history", action="store_true",
                    help="also compare each run's --history with the recorded history.json")
    ap.add_argument("--history-known-failures")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--filter")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--suspend-resume", action="store_true",
                    help="suspend every case after 1..%d states and resume it" % SUSPEND_UP_TO)
    args = ap.parse_args()
    args.aslc = os.path.abspath(args.aslc)  # cases run in their own folder
    args.corpus = os.path.abspath(args.corpus)

    if not os.path.isdir(args.corpus):
        print("conformance: corpus not found at %s: SKIPPED (exit 77)" % args.corpus)
        return 77
    outputs = Tally(read_known(args.known_failures))
    histories = Tally(read_known(args.history_known_failures))
    cases = load_cases(args.corpus, args.filter)
    backends = ["aot", "jit"] if args.backend == "both" else [args.backend]

    # AOT: compile each distinct definition once.
    executables = {}
    if "aot" in backends:
        defs = {}
        for c in cases:
            with open(c["definition"], "rb") as f:
                key = hashlib.sha1(f.read() + repr(c["extra"]).encode()).hexdigest()[:16]
            c["key"] = key
            defs.setdefault(key, (c["definition"], c["extra"]))

        def build(item):
            key, (path, extra) = item
            exe = os.path.join(workdir, key)
            proc = run([args.aslc, path, "-o", exe] + extra, None)
            return key, (exe if proc.returncode == 0 else None), proc

        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            for key, exe, proc in pool.map(build, defs.items()):
                executables[key] = (exe, proc)

    def command(case, backend):
        """The command that runs the case (None when its build failed), and the build."""
        if backend == "aot":
            exe, build_proc = executables[case["key"]]
            return ([exe, "--wait-scale", "0"] + case["run_args"] if exe else None), build_proc
        return [args.aslc, "run", case["definition"], "--wait-scale", "0"] + case["extra"] + \
            case["run_args"], None

    def execute(job):
        case, backend, n = job
        hist = None
        if args.history and case["history"]:
            hist = os.path.join(workdir, "history-%d-%s.json" % (n, backend))
        cmd, build_proc = command(case, backend)
        if cmd is None:
            reason = compare(case, build_proc)
            return case, backend, reason, reason if hist else None
        proc = run(cmd + (["--history", hist] if hist else []), case["input"], case["dir"])
        hreason = None
        if hist:
            hreason = compare_history(case, hist)
            if os.path.exists(hist):
                os.unlink(hist)
        return case, backend, compare(case, proc), hreason

    if args.suspend_resume:
        return suspend_resume(args, cases, backends, outputs.known, histories.known, command,
                              workdir)

    jobs = [(c, b, n) for n, c in enumerate(cases) for b in backends]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for case, backend, reason, hreason in pool.map(execute, jobs):
            outputs.add(case, backend, reason, "", args.verbose)
            if args.history and case["history"]:
                histories.add(case, backend, hreason, "history ", args.verbose)

    areas = sorted({c["area"] for c in cases})
    print("\nconformance: %d cases from %s" % (len(cases), args.corpus))
    tabulate("outputs", outputs.results, areas, backends)
    ok = outputs.report("")
    if args.history:
        tabulate("\nhistories (cases with a recorded history.json)", histories.results,
                 sorted({c["area"] for c in cases if c["history"]}), backends)
        ok = histories.report("history ") and ok
    passed = sum(v[0] for b in backends for v in outputs.results[b].values())
    total = sum(v[1] for b in backends for v in outputs.results[b].values())
    print("%d passed, %d failed" % (passed, total - passed))
    print("conformance: %s" % ("OK" if ok else "FAILED"))
    return 0 if ok else 1


def joined_history(case, first, second, path):
    """Writes the events of the suspended run's history and then the resumed run's to `path`
    (one history, as the uninterrupted run would write it) and compares it with the recording;
    None when they match, else a reason."""
    events = []
    for part in (first, second):
        try:
            with open(part) as f:
                events += json.load(f)["events"]
        except (OSError, ValueError, KeyError, TypeError) as e:
            return "no history written (%s)" % e
    with open(path, "w") as f:
        json.dump({"events": events}, f)
    return compare_history(case, path)


def suspend_resume(args, cases, backends, known, history_known, command, workdir):
    """--suspend-resume: each case suspended after N states and resumed, N = 1, 2, ... until a
    run finishes first (or SUSPEND_UP_TO); the resumed outcome must be AWS's, and with
    --history the two runs' histories together must be AWS's recorded one."""
    skipped = [c for c in cases if c["name"] in known]
    cases = [c for c in cases if c["name"] not in known]

    def execute(job):
        case, backend = job
        cmd, build_proc = command(case, backend)
        if cmd is None:
            return case, backend, 0, [(0, "build: %s" % compare(case, build_proc))]
        snapshot = os.path.join(workdir, "%s.%s.snapshot" % (case["name"], backend))
        hist = None
        if args.history and case["history"] and case["name"] not in history_known:
            hist = [os.path.join(workdir, "%s.%s.history-%d" % (case["name"], backend, i))
                    for i in range(3)]
        pairs, failures = 0, []
        for n in range(1, SUSPEND_UP_TO + 1):
            if os.path.exists(snapshot):
                os.remove(snapshot)
            first = run(cmd + ["--suspend-after", str(n), "--snapshot", snapshot] +
                        (["--history", hist[0]] if hist else []), case["input"], case["dir"])
            if first.returncode != EXIT_SUSPENDED:
                # it finished before N states: as in a normal run, and no later N suspends
                reason = compare(case, first)
                if reason:
                    failures.append((n, "unsuspended: " + reason))
                break
            pairs += 1
            if first.stdout or not os.path.exists(snapshot):
                failures.append((n, "exit 4 without a snapshot: %s" %
                                 first.stderr.decode(errors="replace").strip()[:300]))
                continue
            resumed = run(cmd + ["--resume", snapshot] + (["--history", hist[1]] if hist else []),
                          b"", case["dir"])
            reason = compare(case, resumed)
            if not reason and hist:
                reason = joined_history(case, hist[0], hist[1], hist[2])
                if reason:
                    reason = "history: " + reason
            if reason:
                failures.append((n, reason))
        return case, backend, pairs, failures

    jobs = [(c, b) for c in cases for b in backends]
    pairs = defaultdict(int)
    failed = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for case, backend, n, failures in pool.map(execute, jobs):
            pairs[backend] += n
            failed += [(case["name"], backend, k, reason) for k, reason in failures]
    print("\nconformance --suspend-resume: %d cases from %s, suspended after 1..%d states" % (
        len(cases), args.corpus, SUSPEND_UP_TO))
    print("skipped: %d cases of the known-failures list" % len(skipped))
    for b in backends:
        print("%-6s %d (case, N) pairs suspended and resumed" % (b.upper(), pairs[b]))
    for name, backend, n, reason in sorted(failed):
        print("FAIL [%s] %s, suspended after %d: %s" % (backend, name, n, reason))
    print("%d pairs checked, %d failed" % (sum(pairs.values()), len(failed)))
    print("conformance --suspend-resume: %s" % ("FAILED" if failed else "OK"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
