#!/usr/bin/env python3
"""Robustness: mutated definitions must never crash aslc. Each mutation of a seed machine is
checked with `aslc --check` (exit 0, or exit 2 with file:line:col diagnostics) and, when valid,
run through the JIT (exit 0, 1, 2 or 3 — never a signal). Deterministic: fixed seed.

Usage: fuzz_definitions.py ASLC SEED_DIR... [--count N]"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

VALUES = [None, True, 0, -1, 1.5, "", "$", "$$", "$.a[", "$..*", "$.a[?(@.b > 1)]", "Pass",
          "Choice", "Wait", "Fail", "Succeed", "Task", [], {}, [1], {"a": 1},
          "2016-03-14T01:59:00Z", "States.ALL", "\u0000\"*/", "x" * 100]


def mutate(rng, node, depth=0):
    """Returns a copy of a JSON value with one random change somewhere."""
    if isinstance(node, dict) and node and rng.random() < 0.8:
        key = rng.choice(list(node))
        out = dict(node)
        r = rng.random()
        if r < 0.15:
            del out[key]
        elif r < 0.3:
            out[key] = rng.choice(VALUES)
        elif r < 0.4:
            out[key + rng.choice(["Path", "x", ".$"])] = out.pop(key)
        else:
            out[key] = mutate(rng, node[key], depth + 1)
        return out
    if isinstance(node, list) and node and rng.random() < 0.8:
        out = list(node)
        i = rng.randrange(len(out))
        out[i] = mutate(rng, out[i], depth + 1)
        return out
    return rng.choice(VALUES)


def text_mutation(rng, text):
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(["", "{", "]", ",", '"', "\\", "\u00e9", "1e999"]) + text[i + 1:]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = 400
    if "--count" in sys.argv:
        count = int(sys.argv[sys.argv.index("--count") + 1])
    aslc, dirs = args[0], args[1:]
    seeds = []
    for d in dirs:
        for root, _, files in os.walk(d):
            if "definition.asl.json" in files:
                with open(os.path.join(root, "definition.asl.json")) as f:
                    seeds.append(f.read())
    if not seeds:
        print("no seed machines found")
        return 1
    rng = random.Random(20261125)
    with tempfile.TemporaryDirectory(prefix="aslc-fuzz-") as work:
        return fuzz(aslc, rng, seeds, count, os.path.join(work, "m.asl.json"))


def fuzz(aslc, rng, seeds, count, path):
    """Checks and runs COUNT mutations of SEEDS, each written to PATH."""
    failures = valid = 0
    for n in range(count):
        seed = rng.choice(seeds)
        if rng.random() < 0.3:
            text = text_mutation(rng, seed)
            try:  # still an object: bound it too
                doc = json.loads(text)
                if isinstance(doc, dict):
                    doc["TimeoutSeconds"] = 2
                    text = json.dumps(doc)
            except ValueError:
                pass
        else:
            mutated = mutate(rng, json.loads(seed))
            if isinstance(mutated, dict):
                # a mutation can make an endless loop, which is the machine's right: bound it
                mutated["TimeoutSeconds"] = 2
            text = json.dumps(mutated)
        with open(path, "w") as f:
            f.write(text)
        chk = subprocess.run([aslc, "--check", path], capture_output=True, timeout=60)
        bad = None
        if chk.returncode not in (0, 2):
            bad = "aslc --check exit %d" % chk.returncode
        elif chk.returncode == 2 and not re.search(rb":\d+:\d+: error: ", chk.stderr):
            bad = "exit 2 without a file:line:col diagnostic: %r" % chk.stderr[:200]
        elif chk.returncode == 0:
            valid += 1
            try:
                run = subprocess.run([aslc, "run", path, "--wait-scale", "0", "--input", "{}"],
                                     capture_output=True, timeout=60)
                if run.returncode not in (0, 1, 2, 3) or (run.returncode == 2 and
                                                          b"bug" in run.stderr):
                    bad = "aslc run exit %d: %r" % (run.returncode, run.stderr[:300])
            except subprocess.TimeoutExpired:
                bad = "aslc run did not finish within 60 s"
        if bad:
            failures += 1
            print("FAIL #%d: %s\n  definition: %s" % (n, bad, text[:500]))
    print("%d mutations were valid definitions and ran" % valid)
    print("%d passed, %d failed" % (count - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
