#!/usr/bin/env python3
"""Tabulates the recorded AWS histories of a conformance corpus (the facts HISTORY.md is built on):
event types, the key sets of each details object, and every previousEventId that is not id-1,
by the type of the event it points at. Usage: history_survey.py CORPUS_DIR"""
import collections
import glob
import json
import os
import sys


def main():
    root = os.path.join(sys.argv[1], "cases")
    types, keysets = collections.Counter(), collections.defaultdict(collections.Counter)
    prevs, example = collections.Counter(), {}
    files = sorted(glob.glob(os.path.join(root, "*", "history.json")))
    for path in files:
        history = json.load(open(path))
        by_id = {e["id"]: e for e in history if isinstance(e["id"], int)}
        for e in history:
            types[e["type"]] += 1
            details = [k for k in e if k.endswith("EventDetails")]
            for k in details:
                keysets[(e["type"], k)][",".join(sorted(e[k]))] += 1
            if not details:
                keysets[(e["type"], "-")]["(no details object)"] += 1
            if not isinstance(e["id"], int):
                prevs[(e["type"], "id redacted (inside a Parallel)")] += 1
                continue
            p = e["previousEventId"]
            if p == e["id"] - 1:
                continue
            target = by_id[p]["type"] if p in by_id else ("0" if p == 0 else "a redacted event")
            key = (e["type"], "-> " + target)
            prevs[key] += 1
            example.setdefault(key, "%s #%d" % (os.path.basename(os.path.dirname(path)), e["id"]))
    print("%d histories\n\nevent types:" % len(files))
    for t, n in types.most_common():
        print("%6d  %s" % (n, t))
    print("\ndetails key sets:")
    for (t, k), sets in sorted(keysets.items()):
        for s, n in sets.most_common():
            print("%6d  %s %s {%s}" % (n, t, k, s))
    print("\npreviousEventId other than id-1 (type -> type pointed at; example):")
    for (t, to), n in sorted(prevs.items()):
        print("%6d  %s %s   %s" % (n, t, to, example.get((t, to), "")))


if __name__ == "__main__":
    main()
