#!/usr/bin/env python3
"""Seeds for the fuzz targets, from the definitions and inputs in tests/, examples/ and
fuzz/machines/ (and the AWS-recorded corpus in ../shared when it is there), written to
OUT/json, OUT/frontend and OUT/machines. Files are named by a hash of their content, so a
corpus grown by earlier runs stays and nothing is written twice.

Usage: fuzz_corpus.py OUT"""
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "conformance" / "localstack" / "cases"


def files(pattern, *dirs, max_size=1 << 20):
    for d in dirs:
        if d.is_dir():
            yield from (p for p in sorted(d.rglob(pattern)) if p.stat().st_size <= max_size)


def seed(data, out_dir):
    dest = out_dir / ("seed-" + hashlib.sha1(data).hexdigest()[:16])
    if not dest.exists():
        dest.write_bytes(data)


def main():
    out = Path(sys.argv[1])
    for target in ("json", "frontend", "machines"):
        (out / target).mkdir(parents=True, exist_ok=True)
    local = (ROOT / "tests", ROOT / "examples", ROOT / "fuzz" / "machines")
    definitions = [p.read_bytes() for p in files("*.asl.json", *local, SHARED, max_size=16384)]
    inputs = [p.read_bytes() for p in list(files("input.json", *local, SHARED, max_size=4096)) +
              list(files("*.input.json", *local))]
    for d in definitions:
        seed(d, out / "frontend")
        seed(d, out / "json")
    for i in inputs:
        seed(i, out / "json")
    # fuzz_machines: the first byte picks the machine, numbered in sorted file name order as in
    # fuzz/CMakeLists.txt; each machine gets its own input and the inputs of the tests
    machines = sorted(p.name for p in (ROOT / "fuzz" / "machines").glob("*.asl.json"))
    local_inputs = [p.read_bytes() for p in files("input.json", *local)]
    for n, name in enumerate(machines):
        own = ROOT / "fuzz" / "machines" / name.replace(".asl.json", ".input.json")
        for i in ([own.read_bytes()] if own.exists() else []) + local_inputs:
            seed(bytes([n]) + i, out / "machines")


if __name__ == "__main__":
    main()
