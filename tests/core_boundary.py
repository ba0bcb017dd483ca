#!/usr/bin/env python3
"""The runtime core stays portable: checks runtime/core's sources and the objects of its library.

Sources (comments and string literals left out): no allocation calls (memory comes from the
host's asl_allocator), no strtod/strtof/strtold/atof (newlib's can malloc: the core has its own,
runtime/core/number_parse.c), no stdio at all (no <stdio.h>, no printf family: the core formats with
its own asl__fmt, runtime/core/format.c, since newlib-nano's printf garbles %zu/%lld and drops
floats), only the C library's freestanding-ish headers plus nettle, and no host-services header
(asl/platform.h).
Objects (--library, nm): every symbol the core needs from outside is in ALLOWED_EXTERNAL: the
C library's string, strtol and math functions (no printf family), nettle, compiler and
sanitizer runtime, and the three hooks a host provides (the platform table, the default allocator, the
services table). Exit status 1 with one line per finding."""
import argparse
import pathlib
import re
import subprocess
import sys

ALLOWED_HEADERS = {
    "string.h", "stdint.h", "stddef.h", "stdarg.h", "stdbool.h", "limits.h", "float.h",
    "math.h", "stdatomic.h",
    "stdlib.h",  # strtol and qsort only: allocation and strtod are refused below
}
ALLOWED_HEADER_PREFIXES = ("nettle/",)  # hashes and Base64 for the intrinsics

ALLOCATION = re.compile(r"\b(malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|"
                        r"posix_memalign|alloca)\s*\(")
FILE_ACCESS = re.compile(
    r"\b(FILE|fopen|fdopen|freopen|fclose|fread|fwrite|fgetc|fgets|getc|getchar|fputc|fputs|"
    r"putc|putchar|puts|printf|fprintf|vprintf|vfprintf|scanf|fscanf|fflush|ferror|feof|"
    r"fseek|ftell|rewind|stdin|stdout|stderr|perror|tmpfile|remove|rename)\b")
# newlib's strtod builds Bigints with malloc: the core parses numbers itself (number_parse.c)
FLOAT_PARSE = re.compile(r"\b(strtod|strtof|strtold|atof)\s*\(")
PRINTF_FAMILY = re.compile(r"\b(v?s?n?printf|v?as?printf|v?dprintf)\b")
# GCC's format-checking attribute names printf without calling it
FORMAT_ATTRIBUTE = re.compile(r"\bformat\s*\(\s*printf\b")
FEATURE_MACRO = re.compile(r"#\s*define\s+_(POSIX_C_SOURCE|DEFAULT_SOURCE|GNU_SOURCE|"
                           r"XOPEN_SOURCE|BSD_SOURCE)\b")
SYSTEM_INCLUDE = re.compile(r'#\s*include\s*<([^>]+)>')
LOCAL_INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')

ALLOWED_EXTERNAL = re.compile(
    r"^(mem(chr|cmp|cpy|move|set)|"
    r"str(chr|rchr|cmp|ncmp|cpy|ncpy|cat|ncat|len|nlen|str|spn|cspn|tol|toll|toul|toull)|"
    r"qsort|"
    r"(floor|ceil|fabs|fmod|pow|sqrt|log|log10|exp|round|trunc|modf|frexp|ldexp)f?|"
    r"__isoc\d+_strto(l|ll|ul|ull)|"
    r"nettle_\w+|"
    r"asl_platform_default|asl_default_allocator|asl__services_default|"
    r"__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__(asan|ubsan|tsan|sanitizer|sancov|msan)\w*|"
    r"__atomic_\w+)$")


def strip_comments_and_strings(text):
    """C text with comments and string/char literals blanked (newlines kept for line numbers)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_sources(core_dir):
    findings = []
    files = sorted(list(core_dir.glob("*.c")) + list(core_dir.glob("*.h")))
    if not files:
        return [f"{core_dir}: no sources found"]
    for path in files:
        raw = path.read_text()
        # include lines are read from the raw text: their "..." are not string literals
        for lineno, line in enumerate(raw.splitlines(), 1):
            m = SYSTEM_INCLUDE.match(line.strip())
            if m and m.group(1) not in ALLOWED_HEADERS and \
                    not m.group(1).startswith(ALLOWED_HEADER_PREFIXES):
                findings.append(f"{path}:{lineno}: OS or non-portable header <{m.group(1)}>")
            m = LOCAL_INCLUDE.match(line.strip())
            if m and m.group(1) == "asl/platform.h":
                findings.append(f"{path}:{lineno}: host services header \"asl/platform.h\" "
                                "(the core uses asl/platform_core.h)")
            elif m and not m.group(1).startswith("asl/") and \
                    not (core_dir / m.group(1)).exists():
                findings.append(f"{path}:{lineno}: \"{m.group(1)}\" is not a core header")
        code = FORMAT_ATTRIBUTE.sub("format(", strip_comments_and_strings("\n".join(
            "" if line.lstrip().startswith("#include") else line
            for line in raw.splitlines())))
        for lineno, line in enumerate(code.splitlines(), 1):
            for pattern, what in ((ALLOCATION, "allocation call"),
                                  (FILE_ACCESS, "stdio file access"),
                                  (FLOAT_PARSE, "C library float parsing (use asl__strtod)"),
                                  (PRINTF_FAMILY, "printf-family call (use asl__fmt)"),
                                  (FEATURE_MACRO, "OS feature macro")):
                m = pattern.search(line)
                if m:
                    findings.append(f"{path}:{lineno}: {what} '{m.group(0).strip()}'")
    return findings


def check_library(library, nm):
    out = subprocess.run([nm, "-P", library], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2 or fields[0].endswith(":") or line.endswith(":"):
            continue
        name, kind = fields[0], fields[1]
        if kind == "U":
            undefined.add(name)
        elif kind not in "wv":
            defined.add(name)
    if not defined:
        return [f"{library}: no symbols (not the core library?)"]
    return [f"{library}: the core needs '{name}' from outside (not in the allowed list)"
            for name in sorted(undefined - defined) if not ALLOWED_EXTERNAL.match(name)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=pathlib.Path, required=True, help="runtime/core")
    ap.add_argument("--library", help="libaslrt_core.a")
    ap.add_argument("--nm", default="nm")
    args = ap.parse_args()
    findings = check_sources(args.sources)
    if args.library:
        findings += check_library(args.library, args.nm)
    for f in findings:
        print(f)
    if not findings:
        print("runtime core: sources and objects within the boundary")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
