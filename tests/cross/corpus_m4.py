#!/usr/bin/env python3
"""Runs machines on a Cortex-M4 under qemu (tools/cross/cortex-m4.sh) and compares each with the
host executable: the same stdout, byte for byte, and the same exit status.

Usage: corpus_m4.py DIR --aslc PATH [--m4-dir DIR] [--sample N | --all] [--jobs N]
                    [--filter SUBSTRING] [--buffer BYTES] [--stack BYTES] [--require-identical]
                    [--budget NAME=FLASH,RAM] [--verbose]

DIR is a corpus (run.py's layout: DIR/cases/NAME/ or DIR/NAME/ with definition.asl.json and
input.json). Each case ends as one of
  identical        the device printed what the host printed, and exited the same
  different        it did not (when the device's outcome still matches what AWS recorded,
                   e.g. a timestamp of the run, it says so)
  not built        the case needs what a device without an OS lacks: exec:/HTTP task bindings,
                   C handlers of its own (--link), mocks; or (but not with --require-identical)
                   more RAM than --buffer, or a Cortex-M4 build that fails
A fault on the device (a stack whose peak reaches --stack counts as one), a timeout, newlib's
printf linked into the firmware (the core formats by itself), or a case that differs and does
not match the recording while the host does, fails the run; with --require-identical (the
examples), anything but identical or not built for the lack of an OS does: running out of
memory and a failed build fail the examples. --sample N (the default in CI: 48) runs every
k-th case of the sorted list, k chosen so about N run, the same cases each time; --all runs
them all. --budget fails the run
when case NAME is not identical, or needs more than FLASH bytes of flash or RAM bytes of RAM
(cortex-m4.sh's measurement), or its measured arena or stack does not fit the buffer and the
stack, as a device's would.
Exit status: 0, 1 (a failure), 77 (ctest's skip) when the toolchain or DIR is missing.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
import run as conformance  # noqa: E402  (its case loading and its comparison with AWS)

SKIP = 77
TOOLS = ["arm-none-eabi-gcc", "qemu-system-arm"]
M4 = os.path.join(ROOT, "tools", "cross", "cortex-m4.sh")
OOM = b"The execution ran out of memory."


def not_buildable(case):
    """Why the device cannot run the case at all, or None."""
    extra = case["extra"]
    if "--tasks" in extra:
        with open(extra[extra.index("--tasks") + 1]) as f:
            bindings = json.load(f)
        if any(not str(b).startswith("c:") for b in bindings.values()):
            return "needs exec:/HTTP task bindings"
    if "--link" in extra:
        return "needs C handlers of its own (--link)"
    if case["run_args"]:
        return "needs mocks (the bindings layer)"
    return None


def host_run(case, aslc, tmp):
    exe = os.path.join(tmp, "host")
    build = subprocess.run([aslc, case["definition"], "-o", exe, "--cflags", "-O0"]
                           + case["extra"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=case["dir"])
    if build.returncode:
        return None
    return conformance.run([exe, "--wait-scale", "0"], case["input"], cwd=case["dir"])


def device_run(case, env):
    return subprocess.run([M4, case["definition"], "-"], input=case["input"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          cwd=case["dir"], timeout=300)


def ram_of(stderr):
    """cortex-m4.sh's measurement ("flash=F ram=R ram_reserved=S arena=A buffer=B stack=K
    stack_size=T"), and "printf"/"malloc" when it says the C library's printf or malloc is
    linked."""
    text = stderr.decode(errors="replace")
    sizes = [line for line in text.splitlines() if line.startswith("flash=")]
    marks = re.search(r"arena=(\d+) of (\d+) .* stack=(\d+) of (\d+)", text)
    return (sizes[0] if sizes else "") + \
        (" arena=%s buffer=%s stack=%s stack_size=%s" % marks.groups() if marks else "") + \
        (" printf" if "printf is linked" in text else "") + \
        (" malloc" if "malloc is linked" in text else "")


def one(case, args, env):
    """(verdict, reason, measurement) for one case."""
    why = not_buildable(case)
    if why:
        return "not built", why, ""
    tmp = tempfile.mkdtemp(prefix="m4case")
    try:
        host = host_run(case, args.aslc, tmp)
        if host is None:
            return "not built", "aslc cannot compile it for the host either", ""
        dev = device_run(case, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sizes = ram_of(dev.stderr)
    # the examples must build and fit: there these are failures
    unfit = "failed" if args.require_identical else "not built"
    if dev.returncode == 125:
        return unfit, "the Cortex-M4 build failed: " + \
            dev.stderr.decode(errors="replace").strip().splitlines()[-2:][0][:200], ""
    if OOM in dev.stdout and OOM not in host.stdout:
        return unfit, "needs more RAM than the %d-byte buffer" % args.buffer, sizes
    if dev.returncode in (70, 124):
        return "failed", ("a fault on the device" if dev.returncode == 70 else "timed out") + \
            ": " + dev.stderr.decode(errors="replace").strip()[:200], sizes
    if "printf" in sizes:
        return "failed", "newlib's printf is linked into the firmware", sizes
    if "malloc" in sizes:
        return "failed", "newlib's malloc is linked into the firmware", sizes
    if dev.stdout == host.stdout and dev.returncode == host.returncode:
        return "identical", "", sizes
    reason = "device exit %d %s (stderr %s); host exit %d %s" % (
        dev.returncode, dev.stdout[:160].decode(errors="replace").strip(),
        dev.stderr[-300:].decode(errors="replace").strip(), host.returncode,
        host.stdout[:160].decode(errors="replace").strip())
    if case.get("expected") is not None:
        dev_vs_aws = conformance.compare(case, dev)
        host_vs_aws = conformance.compare(case, host)
        if dev_vs_aws is None:
            return "different", "matches what AWS recorded (a value of the run: time, " \
                "random); " + reason, sizes
        if host_vs_aws is None:
            return "failed", "the host matches AWS, the device does not: " + reason, sizes
    return "different", reason, sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--m4-dir", help="cortex-m4.sh's build folder (ASLC_M4_DIR)")
    ap.add_argument("--sample", type=int, default=48)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter")
    ap.add_argument("--buffer", type=int, default=65536)
    ap.add_argument("--stack", type=int, default=16384,
                    help="the device's stack: values nest at most (STACK - 1536) / 192 levels")
    ap.add_argument("--require-identical", action="store_true")
    ap.add_argument("--budget", action="append", default=[],
                    help="NAME=FLASH,RAM: that case must fit these byte counts")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print("corpus_m4: SKIPPED, %s not installed (tools/cross/setup-arm.sh installs them)"
              % " ".join(missing))
        return SKIP
    if not os.path.isdir(args.corpus):
        print("corpus_m4: SKIPPED, no corpus at %s" % args.corpus)
        return SKIP
    args.aslc = os.path.abspath(args.aslc)
    cases = conformance.load_cases(os.path.abspath(args.corpus), args.filter)
    sampled = not args.all and len(cases) > args.sample > 0
    if sampled:
        step = len(cases) / args.sample
        cases = [cases[int(i * step)] for i in range(args.sample)]
    env = dict(os.environ, ASLC=args.aslc, ASLC_M4_BUFFER=str(args.buffer),
               ASLC_M4_STACK=str(args.stack))
    if args.m4_dir:
        env["ASLC_M4_DIR"] = os.path.abspath(args.m4_dir)
    start = time.time()
    # the runtime for the device, once, before the cases run side by side
    first = subprocess.run([M4, os.path.join(ROOT, "examples", "telemetry-summary",
                                             "definition.asl.json"),
                            os.path.join(ROOT, "examples", "telemetry-summary", "input.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if first.returncode not in (0, 1):
        sys.stdout.write(first.stderr.decode(errors="replace"))
        print("corpus_m4: the Cortex-M4 build does not work (exit %d)" % first.returncode)
        return 1
    env["ASLC_M4_NO_REBUILD"] = "1"
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: (c, one(c, args, env)), cases))
    counts = Counter()
    reasons = Counter()
    failed = False
    for case, (verdict, reason, sizes) in results:
        counts[verdict] += 1
        if verdict == "not built":
            reasons[reason] += 1
        bad = verdict == "failed" or (args.require_identical and verdict == "different")
        failed |= bad
        if bad or args.verbose or (verdict == "different"):
            print("%-10s %s: %s %s" % (verdict.upper(), case["name"], reason, sizes))
        elif args.require_identical or verdict == "identical" and args.verbose:
            print("%-10s %s %s" % (verdict, case["name"], sizes))
    print("cortex-m4 under qemu, %d cases%s in %.0f s: %s" % (
        len(cases), " (a sample; --all for every case)" if sampled else "",
        time.time() - start, ", ".join("%s %d" % (v, counts[v]) for v in
                                       ("identical", "different", "not built", "failed"))))
    for reason, n in reasons.most_common():
        print("  not built: %d %s" % (n, reason))
    failed |= not within_budgets(args.budget, results)
    return 1 if failed else 0


def within_budgets(budgets, results):
    """True when every --budget case ran and fits its flash and RAM: the RAM the board sets
    aside (ram_reserved: data, bss with the buffer, the stacks), which is what a device must
    have; the measured peak (ram) is printed beside it."""
    sizes = {c["name"]: m for c, (_, _, m) in results}
    verdicts = {c["name"]: v for c, (v, _, _) in results}
    ok = True
    for spec in budgets:
        name, _, limits = spec.partition("=")
        flash_max, ram_max = (int(x) for x in limits.split(","))
        got = dict(kv.split("=") for kv in sizes.get(name, "").split() if "=" in kv)
        if not got:
            print("BUDGET %s: not measured" % name)
            ok = False
            continue
        if "stack" not in got:
            print("BUDGET %s: no arena or stack measured" % name)
            ok = False
            continue
        # the run must have been right, and its measured marks inside the buffer and the stack
        # (a peak at the stack's size may have overflowed it)
        fits = verdicts.get(name) == "identical" and int(got["flash"]) <= flash_max and \
            int(got["ram_reserved"]) <= ram_max and \
            int(got["arena"]) <= int(got["buffer"]) and \
            int(got["stack"]) < int(got["stack_size"])
        print("budget %s (%s): flash %s of %d, ram set aside %s of %d (measured peak %s; arena "
              "%s of %s, stack %s of %s): %s" % (
                  name, verdicts.get(name), got["flash"], flash_max, got["ram_reserved"],
                  ram_max, got["ram"], got["arena"], got["buffer"], got["stack"],
                  got["stack_size"], "fits" if fits else "TOO BIG"))
        ok &= fits
    return ok


if __name__ == "__main__":
    sys.exit(main())
