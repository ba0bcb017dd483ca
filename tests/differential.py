#!/usr/bin/env python3
"""Differential test: random machines and inputs (tests/differential_gen.py) run through aslc's
AOT executables, `aslc run` (JIT) and the independent npm interpreter aws-local-stepfunctions
(tests/differential_npm.mjs); their outcomes must agree.

AOT and JIT must print the same bytes with the same exit status. aslc and the interpreter must
agree on the status, the output (as JSON values), the Error and, for errors a Fail state raised,
the Cause (States.* causes are each engine's own text). Machines that use something the
interpreter does differently from AWS (differential_gen.NPM_DIFFERENCES) are still run there,
but their differences are only counted. Without node or the package the interpreter comparison
is skipped (said on a SKIPPED line) and AOT is still compared with JIT.

Usage: differential.py --aslc PATH [--count N] [--seed N] [--aot-every K] [--npm-dir DIR]
                       [--out DIR] [--jobs N] [--no-npm]
CI runs a small fixed-seed count; `--count 5000 --seed N` is the long mode. Each disagreement
is printed and saved under --out (definition.asl.json, input.json and the three outcomes).
"""
import atexit
import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import differential_gen as gen  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "conformance"))
from run import same_json  # noqa: E402  (the corpus runner's JSON equality)

PACKAGE_JSON = os.path.join(HERE, "..", "bench", "npm", "package.json")
RUN_TIMEOUT = 60


def run(cmd, stdin=None):
    try:
        return subprocess.run(cmd, input=stdin, capture_output=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, b"", b"no result after %d s" % RUN_TIMEOUT)


def outcome(proc):
    """An aslc exit status and stdout in the driver's terms (see differential_npm.mjs)."""
    first = (proc.stderr.decode(errors="replace").strip().splitlines() or [""])[0]
    try:
        doc = json.loads(proc.stdout) if proc.returncode in (0, 1) else None
    except ValueError:
        return {"status": "CRASHED", "message": "stdout is not JSON: %r" % proc.stdout[:200]}
    if proc.returncode == 0:
        return {"status": "SUCCEEDED", "output": doc}
    if proc.returncode == 1 and isinstance(doc, dict):
        return {"status": "FAILED", "error": doc.get("Error"), "cause": doc.get("Cause")}
    if proc.returncode == 2:
        return {"status": "REJECTED", "message": first}
    if proc.returncode == 3:
        return {"status": "TIMED_OUT"}
    return {"status": "CRASHED", "message": "exit %d: %s" % (proc.returncode, first)}


def npm_differs(mine, theirs):
    """None when aslc's outcome agrees with the interpreter's, else a one-line reason."""
    if theirs["status"] != mine["status"]:
        return "status %s vs %s" % (mine["status"], theirs["status"])
    if mine["status"] == "SUCCEEDED":
        return None if same_json(mine["output"], theirs["output"]) else "output differs"
    if mine["status"] == "FAILED":
        if mine["error"] != theirs["error"]:
            return "error %r vs %r" % (mine["error"], theirs["error"])
        error = mine["error"] or ""
        if not error.startswith("States.") and mine["cause"] != theirs["cause"]:
            return "cause %r vs %r" % (mine["cause"], theirs["cause"])
        return None
    if mine["status"] in ("REJECTED", "CRASHED", "TIMED_OUT"):
        return "both %s" % mine["status"] if mine["status"] != "REJECTED" else None
    return None


def setup_npm(npm_dir):
    """Returns None when the interpreter can be used, else why not."""
    if not shutil.which("node"):
        return "node is not installed"
    pkg = os.path.join(npm_dir, "node_modules", "aws-local-stepfunctions", "package.json")
    if os.path.isfile(pkg):
        return None
    if not shutil.which("npm"):
        return "npm is not installed"
    os.makedirs(npm_dir, exist_ok=True)
    shutil.copy(PACKAGE_JSON, os.path.join(npm_dir, "package.json"))
    try:
        proc = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-package-lock",
                               "--loglevel=error"], cwd=npm_dir, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "npm install did not finish within 300 s"
    if proc.returncode != 0 or not os.path.isfile(pkg):
        lines = proc.stderr.decode(errors="replace").strip().splitlines() or ["(no message)"]
        return "npm install failed (exit %d): %s" % (proc.returncode, " / ".join(
            line.strip() for line in lines[:4]))[:400]
    return None


def show(o):
    return json.dumps(o, ensure_ascii=False)[:1500] if o is not None else "(not run)"


def generate(args):
    rng = random.Random(args.seed)
    machines = []
    for i in range(args.count):
        comparable = rng.random() < args.comparable
        definition, inputs, tags = gen.generate(rng, comparable, rng.randrange(2, 8))
        machines.append({"i": i, "definition": definition, "inputs": inputs, "tags": tags,
                         "comparable": comparable and not tags})
    return machines


def start_npm(args, machines, work):
    """Starts the interpreter on every machine in the background: (process, results file)."""
    jobs = os.path.join(work, "jobs.json")
    with open(jobs, "w") as f:
        json.dump([{"definition": m["definition"], "inputs": m["inputs"]} for m in machines], f)
    results = os.path.join(work, "npm-results.json")
    proc = subprocess.Popen(["node", os.path.join(HERE, "differential_npm.mjs"), args.npm_dir,
                             jobs, results] + ([] if args.npm_validate else ["--no-validate"]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, results


def run_aslc(args, machines, work):
    """Runs every input through `aslc run`, and every aot_every-th machine's through AOT."""
    def execute(m):
        m["path"] = os.path.join(work, "m%d.asl.json" % m["i"])
        with open(m["path"], "w") as f:
            json.dump(m["definition"], f)
        texts = [json.dumps(x).encode() for x in m["inputs"]]
        m["jit"] = [run([args.aslc, "run", m["path"], "--wait-scale", "0"], t) for t in texts]
        m["aot"] = None
        if m["i"] % args.aot_every == 0:
            exe = m["path"][:-len(".asl.json")]
            build = run([args.aslc, m["path"], "-o", exe])
            m["aot"] = [build] * len(texts) if build.returncode != 0 else [
                run([exe, "--wait-scale", "0"], t) for t in texts]

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(execute, machines))


class Tally:
    def __init__(self):
        self.compared = self.aot_runs = self.npm_compared = self.rejected_by_both = 0
        self.known = collections.Counter()  # expected interpreter differences, by tag
        self.kinds = collections.Counter()  # disagreements by kind
        self.disagreements = []


def event_ids_blanked(stdout):
    """The output without the history event ids in causes ("entered at the event id #12"):
    inside Parallel branches and Map iterations that run at once they depend on the order the
    threads ran in, as on AWS."""
    return re.sub(rb"event id #[0-9]+", b"event id #N", stdout)


def check(m, k, tally):
    """Compares the outcomes of input k of machine m; records what disagrees."""
    tally.compared += 1
    jit = m["jit"][k]
    mine = outcome(jit)
    aot = m["aot"][k] if m["aot"] else None
    theirs = m["npm"][k] if "npm" in m else None
    reasons = []
    if aot is not None:
        tally.aot_runs += 1
        if (aot.returncode, event_ids_blanked(aot.stdout)) != (
                jit.returncode, event_ids_blanked(jit.stdout)):
            reasons.append(("AOT/JIT", "AOT exit %d %r, JIT exit %d %r" % (
                aot.returncode, aot.stdout[:200], jit.returncode, jit.stdout[:200])))
    if mine["status"] in ("CRASHED", "TIMED_OUT"):
        reasons.append(("aslc", show(mine)))
    if mine["status"] == "REJECTED":  # every generated machine is meant to be valid
        if theirs is not None and theirs["status"] == "REJECTED":
            tally.rejected_by_both += 1
        else:
            reasons.append(("aslc", "rejected a generated machine: %s" % mine["message"]))
    elif theirs is not None and mine.get("error") == "States.DataLimitExceeded":
        tally.known["payload-limit"] += 1  # the interpreter has no size limit
    elif theirs is not None:
        why = npm_differs(mine, theirs)
        if m["comparable"]:
            tally.npm_compared += 1
            if why is not None:
                reasons.append(("aslc/npm", why))
        elif why is not None:
            tally.known.update(m["tags"])
    for kind, _ in reasons:
        tally.kinds[kind] += 1
    if reasons:
        tally.disagreements.append((m, k, ["%s: %s" % r for r in reasons], aot, mine, theirs))


def report(args, tally):
    """Prints the first disagreements and saves every one under args.out."""
    if tally.disagreements:
        shutil.rmtree(args.out, ignore_errors=True)
    for n, (m, k, reasons, aot, mine, theirs) in enumerate(tally.disagreements):
        d = os.path.join(args.out, "case%d-machine%d-input%d" % (n, m["i"], k))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "definition.asl.json"), "w") as f:
            json.dump(m["definition"], f, indent=1, ensure_ascii=False)
        with open(os.path.join(d, "input.json"), "w") as f:
            json.dump(m["inputs"][k], f, ensure_ascii=False)
        with open(os.path.join(d, "outcomes.txt"), "w") as f:
            f.write("\n".join(reasons) + "\n")
            f.write("JIT: exit %d %s\n" % (m["jit"][k].returncode,
                                           m["jit"][k].stdout.decode(errors="replace")))
            if aot is not None:
                f.write("AOT: exit %d %s\n" % (aot.returncode, aot.stdout.decode(errors="replace")))
            f.write("npm: %s\ntags: %s\n" % (json.dumps(theirs, ensure_ascii=False),
                                              sorted(m["tags"])))
        if n < 20:
            print("DISAGREEMENT machine %d input %d (seed %d): %s" % (
                m["i"], k, args.seed, "; ".join(reasons)))
            print("  machine: %s" % json.dumps(m["definition"], ensure_ascii=False)[:3000])
            print("  input:   %s" % json.dumps(m["inputs"][k], ensure_ascii=False))
            print("  AOT: %s\n  JIT: %s\n  npm: %s\n  saved in %s" % (
                show(outcome(aot)) if aot is not None else "(not built)", show(mine),
                show(theirs), d))
    if len(tally.disagreements) > 20:
        print("... %d more, all saved under %s" % (len(tally.disagreements) - 20, args.out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--count", type=int, default=150, help="machines (3 inputs each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--aot-every", type=int, default=3,
                    help="build every K-th machine as an AOT executable (JIT runs all)")
    ap.add_argument("--comparable", type=float, default=0.8,
                    help="share of machines kept to what the interpreter does as AWS does")
    ap.add_argument("--npm-dir", default=os.path.join(tempfile.gettempdir(), "aslc-diff-npm"))
    ap.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "aslc-differential"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--no-npm", action="store_true")
    ap.add_argument("--npm-validate", action="store_true",
                    help="let the interpreter validate each definition too (5x slower)")
    args = ap.parse_args()
    args.aslc = os.path.abspath(args.aslc)
    args.npm_dir = os.path.abspath(args.npm_dir)
    started = time.monotonic()

    machines = generate(args)
    work = tempfile.mkdtemp(prefix="aslc-differential-")
    atexit.register(shutil.rmtree, work, True)
    skip = "--no-npm given" if args.no_npm else setup_npm(args.npm_dir)
    npm = start_npm(args, machines, work) if skip is None else None
    run_aslc(args, machines, work)
    if npm is not None:
        proc, results = npm
        _, err = proc.communicate()
        if proc.returncode != 0:  # a bug of this test, not a missing interpreter
            print("FAIL: differential_npm.mjs exit %d: %s" % (
                proc.returncode, err.decode(errors="replace").strip()[-2000:]))
            print("0 passed, 1 failed")
            return 1
        with open(results) as f:
            for m, res in zip(machines, json.load(f)):
                m["npm"] = res
    else:
        print("SKIPPED interpreter comparison: %s" % skip)

    tally = Tally()
    for m in machines:
        for k in range(len(m["inputs"])):
            check(m, k, tally)
    report(args, tally)

    statuses = collections.Counter()
    for m in machines:
        for jit in m["jit"]:
            o = outcome(jit)
            error = o.get("error") or ""
            statuses[error if error.startswith("States.") else
                     "Fail state" if o["status"] == "FAILED" else o["status"]] += 1
    print("aslc outcomes: %s" % ", ".join("%s %d" % kv for kv in statuses.most_common()))
    print("interpreter: %d executions compared; in the other machines, executions that differed "
          "as expected, by tag used: %s; machines both rejected: %d" % (
              tally.npm_compared, ", ".join("%s %d" % kv for kv in tally.known.most_common())
              or "none", tally.rejected_by_both))
    n = len(tally.disagreements)
    print("differential: %d machines, %d inputs compared, %d disagreements (AOT/JIT/npm)" % (
        len(machines), tally.compared, n))
    print("  by kind: %s; %d AOT executions; seed %d; %.1f s" % (
        ", ".join("%s %d" % kv for kv in sorted(tally.kinds.items())) or "none",
        tally.aot_runs, args.seed, time.monotonic() - started))
    print("%d passed, %d failed" % (tally.compared - n, n))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main())
