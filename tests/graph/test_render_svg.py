#!/usr/bin/env python3
"""aslc graph --format svg and png through graphviz's dot: the SVG is well-formed XML (also
for state names with quotes, backslashes, newlines, <script>, `end`, pipes, non-ASCII) and has
the ids and classes of the drawing contract that the console and the browser tests select on.
Skipped (77) without dot. usage: test_render_svg.py ASLC"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ASLC = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
MACHINES = os.path.join(HERE, "machines")
SVG = "{http://www.w3.org/2000/svg}"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def render(definition, fmt, *args):
    r = subprocess.run([ASLC, "graph", definition, "--format", fmt, *args], capture_output=True,
                       timeout=300)
    check(r.returncode == 0, f"{fmt} of {definition}: exit {r.returncode} {r.stderr!r}")
    return r.stdout


def groups(svg_bytes):
    root = ET.fromstring(svg_bytes)  # raises on malformed XML
    return {g.get("id"): (g.get("class") or "").split() for g in root.iter(SVG + "g")}


def pointer(name):
    return "/States/" + name.replace("~", "~0").replace("/", "~1")


def test_hostile():
    d = os.path.join(MACHINES, "hostile_names.asl.json")
    g = groups(render(d, "svg"))
    for name in ['say "hi"', "back\\slash", "<script>alert(1)</script>", "end",
                 "a|b [c] {d} (e)", "Ünïcødé ✓ 名前"]:
        check(g.get("state:" + pointer(name), [None])[0] == "node",
              f"state node of {name!r}: {g.get('state:' + pointer(name))}")
    # the newline of a state's name is percent-encoded in its id (a space would be another
    # state's id)
    check("state:/States/new%0Aline" in g, "the name with a newline")
    svg = render(d, "svg").decode()
    check("<script>" not in svg, "no raw <script> in the SVG")


def test_contract():
    d = os.path.join(MACHINES, "distributed_reader.asl.json")
    g = groups(render(d, "svg"))
    types = {"Prepare": "pass", "Fan": "parallel", "ReadRows": "map", "Handle": "task",
             "Pause": "wait", "Done": "succeed", "Check": "choice", "Failed": "fail"}
    for name, t in types.items():
        p = "/States/Fan/Branches/0/States/ReadRows/ItemProcessor/States/Handle" \
            if name == "Handle" else ("/States/Fan/Branches/0/States/ReadRows" if name == "ReadRows"
                                      else "/States/Fan/Branches/1/States/" + name
                                      if name in ("Pause", "Done") else pointer(name))
        cls = g.get("state:" + p)
        check(cls is not None and "state" in cls and "type-" + t in cls, f"{name}: {p} {cls}")
    check("mark start" in " ".join(g.get("mark:#start", [])), "machine start mark")
    check("mark end" in " ".join(g.get("mark:/States/Fan/Branches/1#end", [])), "branch end mark")
    clusters = {i: c for i, c in g.items() if i and i.startswith("cluster:")}
    check("kind-machine" in clusters.get("cluster:", []), "machine cluster")
    check("kind-container" in clusters.get("cluster:/States/Fan", []), "container cluster")
    check("kind-scope" in clusters.get("cluster:/States/Fan/Branches/0", []), "scope cluster")
    edges = {i: c for i, c in g.items() if i and i.startswith("edge:")}
    kinds = {k for c in edges.values() for k in c if k.startswith("kind-")}
    check(kinds == {"kind-start", "kind-next", "kind-choice", "kind-default", "kind-catch",
                    "kind-end", "kind-branch"}, f"edge kinds {kinds}")
    check("edge:/States/Fan->/States/Failed:" in " ".join(edges),
          f"edge ids are edge:<from>-><to>:<index>: {sorted(edges)[:3]}")
    collapsed = groups(render(d, "svg", "--collapse", "maps"))
    check("collapsed" in collapsed.get("state:/States/Fan/Branches/0/States/ReadRows", []),
          "a collapsed Map's node has class collapsed")
    check(not any("Handle" in (i or "") for i in collapsed), "its processor is not drawn")


def decoded(svg_id):
    """An SVG id's pointer: dot.c writes control bytes and '%' as %XX."""
    return re.sub("%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), svg_id)


def expected_ids(definition):
    """The drawing contract's ids, from the JSON graph's pointers."""
    r = subprocess.run([ASLC, "graph", definition, "--format", "json"], capture_output=True,
                       text=True, timeout=120)
    g = json.loads(r.stdout)
    ids = set()
    for n in g["nodes"]:
        ids.add(("state:" if n["kind"] == "state" else "mark:") + n["id"])
    for c in g["clusters"]:
        ids.add("cluster:" + c["id"])
    for i, e in enumerate(g["edges"]):
        ids.add(f"edge:{e['from']}->{e['to']}:{i}")
    return ids


def test_ids_are_pointers(tmp):
    """Every state, mark, cluster and edge id of the SVG is unique and, %XX decoded, the JSON
    Pointer of the JSON graph: names with a NUL, a newline next to a space, entity-like
    "&amp;", '%', and a shared handler drawn as several "ref" copies."""
    nul = os.path.join(tmp, "nul.asl.json")
    with open(nul, "w") as f:
        f.write('{"StartAt":"a\\u0000b","States":{"a\\u0000b":{"Type":"Pass","Next":"a"},'
                '"a":{"Type":"Pass","Next":"a\\nb"},"a\\nb":{"Type":"Pass","Next":"a b"},'
                '"a b":{"Type":"Pass","Next":"x &amp; y% &#35;"},'
                '"x &amp; y% &#35;":{"Type":"Succeed"}}}')
    fan = os.path.join(tmp, "fan.asl.json")
    states = {f"T{i}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}],
                        "Next": f"T{i + 1}" if i < 6 else "Done"} for i in range(7)}
    states.update({"H": {"Type": "Fail"}, "Done": {"Type": "Succeed"}})
    with open(fan, "w") as f:
        json.dump({"StartAt": "T0", "States": states}, f)
    for d in [nul, fan, os.path.join(MACHINES, "hostile_names.asl.json")]:
        root = ET.fromstring(render(d, "svg"))
        ids = [g.get("id") for g in root.iter(SVG + "g") if g.get("id")]
        dups = {i for i in ids if ids.count(i) > 1}
        check(not dups, f"{os.path.basename(d)}: duplicate ids {sorted(dups)[:3]}")
        got = {decoded(i) for i in ids if i.split(":")[0] in ("state", "mark", "cluster", "edge")}
        want = expected_ids(d)
        check(got == want, f"{os.path.basename(d)}: ids not the pointers: "
                           f"{sorted(got - want)[:3]} / {sorted(want - got)[:3]}")
        if d == fan:
            refs = [i for i in ids if i.startswith("ref:")]
            check(len(refs) == 7 and all(re.fullmatch(r"ref:/States/H:\d+", r) for r in refs),
                  f"ref copies: {refs}")


def test_png():
    png = render(os.path.join(MACHINES, "parallel_catch.asl.json"), "png")
    check(png.startswith(b"\x89PNG\r\n\x1a\n"), "a PNG")


def test_every_machine():
    for f in sorted(os.listdir(MACHINES)):
        ET.fromstring(render(os.path.join(MACHINES, f), "svg"))


def main():
    if not shutil.which(os.environ.get("ASLC_DOT") or "dot"):
        print("SKIPPED: graphviz's dot is not installed")
        return 77
    test_hostile()
    test_contract()
    test_png()
    test_every_machine()
    with tempfile.TemporaryDirectory(prefix="aslc-svg-") as tmp:
        test_ids_are_pointers(tmp)
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("test_render_svg: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
