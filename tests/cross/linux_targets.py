#!/usr/bin/env python3
"""The same machines built for other Linux targets behave as the host's build: every example,
every machine of tests/machines, and a deterministic sample of the conformance corpus (every
Nth case by name, and every case using States.Hash or States.Base64*, built-in code on the
targets instead of nettle), each built with tools/cross/linux.sh for armhf and aarch64 (run
under qemu-user) and as a static musl x86-64 executable, must give the host executable's exit
status and byte-identical stdout.

Usage: linux_targets.py --aslc ASLC --cross-dir DIR [--targets T,T] [--every N] [--jobs N]
                        CASE_DIR... (examples/, tests/machines/, a corpus folder)

Prints, per target, how many cases were identical, different (with the difference) and not
built (with the compiler's first error line). Exit status: 0 when every case is identical on
every target, 1 otherwise, 77 (ctest's "skipped") when no target's compiler and emulator are
installed (tools/cross/setup-linux.sh installs them).
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import run as conformance  # noqa: E402  (case loading, as the conformance test reads cases)

LINUX_SH = os.path.join(ROOT, "tools", "cross", "linux.sh")
TOOLS = {  # what a target needs on the host
    "arm-linux-gnueabihf": ["arm-linux-gnueabihf-gcc", "qemu-arm"],
    "aarch64-linux-gnu": ["aarch64-linux-gnu-gcc", "qemu-aarch64"],
    "x86_64-linux-musl": ["musl-gcc"],
}
TIMEOUT = 120  # seconds for one build or run (qemu is slower than the host)


def first_line(data):
    lines = data.decode(errors="replace").strip().splitlines()
    errors = [line for line in lines if "error" in line]
    return ((errors or lines or [""])[0])[:300]


def call(cmd, stdin=None, cwd=None, env=None):
    try:
        return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT, cwd=cwd, env=env)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, -1, b"", b"timed out after %ds" % TIMEOUT)


# Intrinsics whose code differs on the targets (the runtime's own digests, not nettle): every
# corpus case using one is in the sample.
BUILT_IN = (b"States.Hash", b"States.Base64")


def sample(dirs, every):
    """Every case of a folder of our own (examples/, tests/machines/); of a corpus (cases/), every `every`th
    and those using a BUILT_IN intrinsic."""
    cases = []
    for d in dirs:
        found = conformance.load_cases(d, None)
        if os.path.isdir(os.path.join(d, "cases")):
            def uses_built_in(case):
                with open(case["definition"], "rb") as f:
                    text = f.read()
                return any(name in text for name in BUILT_IN)
            found = [c for n, c in enumerate(found) if n % every == 0 or uses_built_in(c)]
        cases += found
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--cross-dir", required=True)
    ap.add_argument("--targets", default=",".join(TOOLS))
    ap.add_argument("--every", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    start = time.time()
    env = dict(os.environ, ASLC=os.path.abspath(args.aslc),
               ASLC_CROSS_DIR=os.path.abspath(args.cross_dir))

    targets, missing = [], []
    for t in args.targets.split(","):
        absent = [tool for tool in TOOLS[t] if not shutil.which(tool)]
        if absent:
            missing.append("%s (no %s)" % (t, ", ".join(absent)))
        else:
            targets.append(t)
    for m in missing:
        print("linux_targets: SKIPPED target %s: tools/cross/setup-linux.sh installs it" % m)
    if not targets:
        print("linux_targets: no target can be built: SKIPPED (exit 77)")
        return 77
    for t in targets:  # once, before the builds that use it run in parallel
        proc = call([LINUX_SH, "runtime", t], env=env)
        if proc.returncode != 0:
            print("linux_targets: the runtime for %s does not build:\n%s" % (
                t, proc.stderr.decode(errors="replace")[-2000:]))
            return 1
    print("linux_targets: runtimes built (%.0fs)" % (time.time() - start))

    for d in args.dirs:
        if not os.path.isdir(d):
            print("linux_targets: %s not found: its cases are left out" % d)
    cases = sample([d for d in args.dirs if os.path.isdir(d)], args.every)
    work = tempfile.mkdtemp(prefix="aslc-linux-targets-")

    def build_and_run(job):
        """(case, target, exe's result or None, build result); target None: the host."""
        n, case, target = job
        exe = os.path.join(work, "%d-%s" % (n, target or "host"))
        if target:
            cmd = [LINUX_SH, "build", target, case["definition"], "-o", exe] + case["extra"]
        else:
            cmd = [args.aslc, case["definition"], "-o", exe] + case["extra"]
        built = call(cmd, env=env)
        if built.returncode != 0:
            return case, target, None, built
        runner = [LINUX_SH, "run", target] if target else []
        ran = call(runner + [exe, "--wait-scale", "0"] + case["run_args"], case["input"],
                   case["dir"], env)
        os.unlink(exe)
        return case, target, ran, built

    # The host first: a case aslc refuses (JSONata, a field it does not support) is refused
    # for every target alike and is not built for them.
    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for case, target, ran, built in pool.map(build_and_run,
                                                 [(n, c, None) for n, c in enumerate(cases)]):
            results[(case["name"], None)] = (ran, built)
    refused = [c for c in cases if results[(c["name"], None)][0] is None]
    cases = [c for c in cases if results[(c["name"], None)][0] is not None]
    jobs = [(n, c, t) for n, c in enumerate(cases) for t in targets]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for case, target, ran, built in pool.map(build_and_run, jobs):
            results[(case["name"], target)] = (ran, built)
    shutil.rmtree(work, ignore_errors=True)

    print("\nlinux_targets: %d cases (%s; corpus: every %dth and those of States.Hash/Base64),"
          " compared with the host build" % (
        len(cases) + len(refused),
        ", ".join(os.path.basename(os.path.normpath(d)) for d in args.dirs), args.every))
    print("%-22s %10s %10s %10s" % ("target", "identical", "different", "not built"))
    lines, identical = [], 0
    for t in targets:
        counts = [0, 0, 0]
        for case in cases:
            host, _ = results[(case["name"], None)]
            ran, built = results[(case["name"], t)]
            if ran is None:
                counts[2] += 1
                lines.append("NOT BUILT [%s] %s: %s" % (t, case["name"], first_line(built.stderr)))
            elif (ran.returncode, ran.stdout) != (host.returncode, host.stdout):
                counts[1] += 1
                lines.append("DIFFERENT [%s] %s: exit %d, stdout %r; host: exit %d, stdout %r%s" % (
                    t, case["name"], ran.returncode, ran.stdout[:200], host.returncode,
                    host.stdout[:200], "; stderr " + first_line(ran.stderr) if ran.stderr else ""))
            else:
                counts[0] += 1
        identical += counts[0]
        print("%-22s %10d %10d %10d" % (t, *counts))
    for line in lines:
        print(line)
    reasons = {}
    for c in refused:
        reason = first_line(results[(c["name"], None)][1].stderr).split(" error: ", 1)[-1]
        reasons[reason] = reasons.get(reason, 0) + 1
    print("not built for any target, as aslc refuses them on the host too: %d" % len(refused))
    for reason, n in sorted(reasons.items()):
        print("  %3d  %s" % (n, reason))
    print("linux_targets: %.0fs" % (time.time() - start))
    failed = len(cases) * len(targets) - identical
    print("%d passed, %d failed" % (identical, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
