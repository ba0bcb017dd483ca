#!/usr/bin/env python3
"""Generated constants and tables are read-only data: every L/A/M/P/S/R/C/E... table aslc emits
is `const`, so that on a microcontroller it stays in flash instead of taking RAM.

Each definition is emitted with --emit-c and compiled with cc -c twice:
  - without position independence (-fno-pic -fno-pie, as firmware is built): every data symbol
    must be in a read-only section (nm 'r'/'R'), none in .data or .bss. The runtime writes none
    of them (values flagged ASL_FLAG_STATIC are never written, see include/asl/abi.h); what it
    does write per execution (Map limits, intrinsic arguments, built values) is on the stack or
    in arenas, so there is no exception.
  - position independent (the default of most Linux compilers): tables holding pointers go to
    .data.rel.ro, which the loader makes read-only once it has relocated them (RELRO): that
    section, and .rodata*, are accepted, nothing else.
Each data name declared at file scope in the C must appear, so the check is never vacuous.

usage: const_data.py --aslc ASLC --include DIR --cc CC DIR...  (definitions: *.asl.json)
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# file-scope data definitions of generated C: "static const asl_value L3_ =", "static const
# char *const E20_[] =", "static asl_value *const A3_[] =", "const asl_machine asl_generated_..."
DATA_DEF = re.compile(r"^(?:static )?(?:const )?[a-z_0-9]+ (?:\*(?:const )?)*([A-Za-z_0-9]+)(?:\[\d*\])* =",
                      re.M)


def symbols(obj, mode):
    """name -> nm type letter, and name -> section (from objdump -t), of the object's data."""
    kinds = {}
    for line in subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            kinds[parts[2]] = parts[1]
    sections = {}
    if mode == "pie":
        for line in subprocess.run(["objdump", "-t", obj], capture_output=True, text=True,
                                   check=True).stdout.splitlines():
            m = re.match(r"^[0-9a-f]+ .{7} (\S+)\s+[0-9a-f]+ (\S+)$", line)
            if m:
                sections[m.group(2)] = m.group(1)
    return kinds, sections


def check(args, definition, work):
    c_file = os.path.join(work, "m.c")
    r = subprocess.run([args.aslc, "--emit-c", definition, "-o", c_file], capture_output=True, text=True)
    if r.returncode != 0:
        return ["aslc failed: " + r.stderr.strip()], 0
    names = set(DATA_DEF.findall(open(c_file).read()))
    if not names:
        return ["no data definitions found in the generated C (pattern out of date?)"], 0
    problems = []
    for mode, flags in (("static", ["-fno-pic", "-fno-pie"]), ("pie", ["-fPIE"])):
        obj = os.path.join(work, mode + ".o")
        cc = subprocess.run([args.cc, "-std=c11", "-O0", "-c", "-I" + args.include, *flags, c_file,
                             "-o", obj], capture_output=True, text=True)
        if cc.returncode != 0:
            return [cc.stderr.strip()], 0
        kinds, sections = symbols(obj, mode)
        for name in sorted(names):
            if name not in kinds:
                problems.append(f"{mode}: {name} is not in the object file")
            elif mode == "static" and kinds[name] not in "rR":
                problems.append(f"{mode}: {name} is writable data (nm '{kinds[name]}')")
            elif mode == "pie" and kinds[name] not in "rR" and \
                    not sections.get(name, "").startswith((".rodata", ".data.rel.ro")):
                problems.append(f"{mode}: {name} is in {sections.get(name, '?')}")
        writable = [n for n, k in kinds.items() if k in "dDbBgGsSC" and mode == "static"]
        problems += [f"{mode}: {n} is writable data (nm '{kinds[n]}')" for n in writable if n not in names]
    return problems, len(names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    defs = sorted(os.path.join(root, f) for d in args.dirs for root, _, files in os.walk(d)
                  for f in files if f.endswith(".asl.json"))
    failed = tables = 0
    with tempfile.TemporaryDirectory() as work:
        for d in defs:
            problems, n = check(args, d, work)
            tables += n
            if problems:
                failed += 1
                print(f"FAIL {d}")
                for p in problems[:10]:
                    print("   ", p)
    print(f"{len(defs) - failed} passed, {failed} failed ({tables} tables and constants)")
    return 0 if defs and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
