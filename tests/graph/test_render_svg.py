#!/usr/bin/env python3
"""aslc graph --format svg and png through graphviz's dot: the SVG is well-formed XML (also
for state names with quotes, backslashes, newlines, <script>, `end`, pipes, non-ASCII) and has
the ids and classes of the drawing contract that the console and the browser tests select on.
Skipped (77) without dot. usage: test_render_svg.py ASLC"""
import os
import shutil
import subprocess
import sys
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
    # the newline of a state's name is a space in its id
    check("state:/States/new line" in g, "the name with a newline")
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
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("test_render_svg: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
