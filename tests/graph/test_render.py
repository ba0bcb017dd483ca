#!/usr/bin/env python3
"""aslc graph's renderers without graphviz: Mermaid escaping of hostile names, --collapse,
fitting Mermaid to GitHub's limits, and the exit status when dot is missing.
usage: test_render.py ASLC"""
import json
import os
import re
import subprocess
import sys
import tempfile

ASLC = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
MACHINES = os.path.join(HERE, "machines")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def graph(definition, *args, env=None):
    return subprocess.run([ASLC, "graph", definition, *args], capture_output=True, text=True,
                          env=env, timeout=120)


def json_graph(definition, *args):
    r = graph(definition, "--format", "json", *args)
    check(r.returncode == 0, f"json {args}: exit {r.returncode} {r.stderr}")
    return json.loads(r.stdout) if r.returncode == 0 else {"nodes": [], "edges": [], "clusters": []}


def test_mermaid_hostile():
    r = graph(os.path.join(MACHINES, "hostile_names.asl.json"), "--format", "mermaid")
    check(r.returncode == 0, "mermaid of hostile names")
    lines = r.stdout.splitlines()
    check(lines[0] == "flowchart TD", "starts with flowchart TD")
    for line in lines[1:]:
        s = line.strip()
        # ids are ours: n<i>, c<i>; a bare `end` closes a subgraph and nothing else
        check(re.match(r'^(subgraph c\d+\[|end$|n\d+|legend|class |classDef |linkStyle )', s),
              f"unexpected line {s!r}")
        for label in re.findall(r'"([^"]*)"', s):
            bare = label.replace("<br/>", "")
            check(not re.search(r'[<>&|`\n]', bare), f"raw breaking character in {label!r}")
            # every '#' starts one of our entity codes
            check(not re.search(r'#(?!(quot|lt|gt|amp|35|124|96);)', bare), f"raw # in {label!r}")
        check(s.count('"') % 2 == 0, f"unbalanced quotes in {s!r}")
    text = r.stdout
    check("#lt;script#gt;" in text and "<script>" not in text, "<script> escaped")
    check('{"end"}' in text, "the state named end is a label, not an id")
    check("Ünïcødé ✓ 名前" in text, "non-ASCII kept")
    check("a#124;b [c] {d} (e)" in text, "pipe and brackets in a name")


def test_collapse():
    d = os.path.join(MACHINES, "distributed_reader.asl.json")
    plain = json_graph(d)
    check(not any(n.get("hidden") for n in plain["nodes"]), "nothing hidden without --collapse")

    def hidden(g):
        return {n["name"] for n in g["nodes"] if n.get("hidden") and n["kind"] == "state"}

    def collapsed(g):
        return {c["label"] for c in g["clusters"] if c.get("collapsed")}

    maps = json_graph(d, "--collapse", "maps")
    check(hidden(maps) == {"Handle"}, f"maps hides the Map's processor: {hidden(maps)}")
    check(collapsed(maps) == {"ReadRows"}, f"maps collapses ReadRows: {collapsed(maps)}")
    owner = next(n for n in maps["nodes"] if n["name"] == "ReadRows")
    check(owner["details"][-1] == "(1 state collapsed)", f"detail: {owner['details']}")
    par = json_graph(d, "--collapse", "parallels")
    check(hidden(par) == {"ReadRows", "Handle", "Pause", "Done"}, f"parallels: {hidden(par)}")
    fan = next(n for n in par["nodes"] if n["name"] == "Fan")
    check("(4 states collapsed)" in fan["details"], f"Fan detail: {fan.get('details')}")
    # no visible edge touches a hidden node, and the Catch of the collapsed Parallel stays
    names = {n["id"]: n for n in par["nodes"]}
    for e in par["edges"]:
        if not e.get("hidden"):
            check(not names[e["from"]].get("hidden") and not names[e["to"]].get("hidden"),
                  f"visible edge into a hidden node {e}")
    check(any(e["kind"] == "catch" and not e.get("hidden") for e in par["edges"]), "Catch kept")
    check(hidden(json_graph(d, "--collapse", "depth=0")) == hidden(par), "depth=0 collapses all")
    check(hidden(json_graph(d, "--collapse", "depth=1")) == {"Handle"},
          "depth=1 keeps the Parallel, collapses the Map inside it")
    check(hidden(json_graph(d, "--collapse", "depth=2")) == set(), "depth=2 collapses nothing")
    mermaid = graph(d, "--format", "mermaid", "--collapse", "parallels").stdout
    check("Pause" not in mermaid and "(4 states collapsed)" in mermaid, "Mermaid collapsed")
    for bad in ("deep", "depth=", "depth=-1", "depth=x", "depth=1x", "Maps"):
        r = graph(d, "--collapse", bad)
        check(r.returncode == 2 and "--collapse takes maps, parallels or depth=N" in r.stderr,
              f"--collapse {bad}: exit {r.returncode} {r.stderr!r}")


def chain(n, prefix):
    states = {}
    for i in range(n):
        s = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": prefix + "Failed"}]}
        if i + 1 < n:
            s["Next"] = f"{prefix}{i + 1}"
        else:
            s["End"] = True
        states[f"{prefix}{i}"] = s
    states[prefix + "Failed"] = {"Type": "Fail", "Error": "Step.Failed"}
    return {"StartAt": prefix + "0", "States": states}


def mermaid_size(text):
    edges = len(re.findall(r"^\s*n\d+ (-->|==>|-\.->)", text, re.M))
    return edges, len(text)


def test_fit(tmp):
    # 600 states: 40 Parallel states, each with a branch of 14 Tasks catching into a Fail
    states = {}
    for p in range(40):
        states[f"P{p}"] = {"Type": "Parallel", "Branches": [chain(14, f"B{p}_")]}
        if p < 39:
            states[f"P{p}"]["Next"] = f"P{p + 1}"
        else:
            states[f"P{p}"]["End"] = True
    big = os.path.join(tmp, "big.asl.json")
    with open(big, "w") as f:
        json.dump({"StartAt": "P0", "States": states}, f)
    r = graph(big, "--format", "mermaid")
    edges, chars = mermaid_size(r.stdout)
    check(r.returncode == 0 and edges <= 500 and chars <= 50000, f"fitted: {edges} edges, {chars}")
    # one at a time until it fits, not all 40: the last ones keep their branches
    m = re.search(r"collapsed (\d+) Map/Parallel states to fit GitHub's Mermaid limits", r.stdout)
    check(m and 20 <= int(m.group(1)) < 40, f"the note says what was collapsed: {m and m.group(0)}")
    check("(15 states collapsed)" in r.stdout and "B39_3" in r.stdout,
          "only as many Parallels collapsed as needed")
    r = graph(big, "--format", "mermaid", "--no-fit")
    edges, chars = mermaid_size(r.stdout)
    check(edges > 500 or chars > 50000, f"--no-fit does not fit: {edges} edges, {chars}")
    check("collapsed" not in r.stdout, "--no-fit has no note")
    # a 600-state Map then a small Parallel: collapsing the Map alone fits, so the Parallel
    # keeps its states (a whole level at once collapsed both)
    inner = chain(600, "I")
    inner["States"]["I599"].pop("Catch")
    del inner["States"]["IFailed"]
    for st in inner["States"].values():
        st.pop("Catch", None)
    two = os.path.join(tmp, "map_and_parallel.asl.json")
    with open(two, "w") as f:
        json.dump({"StartAt": "M", "States": {
            "M": {"Type": "Map", "ItemProcessor": inner, "Next": "P"},
            "P": {"Type": "Parallel", "End": True,
                  "Branches": [chain(9, "L"), chain(9, "R")]}}}, f)
    r = graph(two, "--format", "mermaid")
    edges, chars = mermaid_size(r.stdout)
    check(r.returncode == 0 and edges <= 500 and chars <= 50000, f"map+parallel fitted: {edges}, {chars}")
    check("collapsed 1 Map/Parallel state to fit" in r.stdout and "(600 states collapsed)" in r.stdout
          and "L8" in r.stdout and "R8" in r.stdout,
          "only the big Map is collapsed, the Parallel keeps its states")
    # nothing to collapse: the note says it still does not fit
    flat = os.path.join(tmp, "flat.asl.json")
    with open(flat, "w") as f:
        json.dump(chain(600, "S"), f)
    r = graph(flat, "--format", "mermaid")
    check("still exceeds GitHub's Mermaid limits" in r.stdout, "the note of a machine that cannot fit")


def test_dot_missing():
    env = dict(os.environ, ASLC_DOT="/nonexistent/dot")
    d = os.path.join(MACHINES, "parallel_catch.asl.json")
    for fmt in ("svg", "png"):
        r = subprocess.run([ASLC, "graph", d, "--format", fmt], capture_output=True, env=env)
        err = r.stderr.decode()
        check(r.returncode == 3 and "graphviz's dot is not installed" in err and not r.stdout,
              f"{fmt} without dot: exit {r.returncode} {err!r}")
    env["ASLC_DOT"] = "false"  # a dot that fails
    r = subprocess.run([ASLC, "graph", d, "--format", "svg"], capture_output=True, env=env)
    check(r.returncode == 3 and b"failed" in r.stderr, f"a failing dot: {r.returncode} {r.stderr!r}")
    r = graph(d, "--format", "dot", env=env)
    check(r.returncode == 0 and r.stdout.startswith("digraph"), "DOT needs no program")


def test_dot_timeout(tmp):
    slow = os.path.join(tmp, "slow-dot")
    with open(slow, "w") as f:
        f.write("#!/bin/sh\nexec sleep 30\n")
    os.chmod(slow, 0o755)
    env = dict(os.environ, ASLC_DOT=slow, ASLC_DOT_TIMEOUT="1")
    r = graph(os.path.join(MACHINES, "parallel_catch.asl.json"), "--format", "svg", env=env)
    check(r.returncode == 3 and "took longer than 1 s" in r.stderr,
          f"a hanging dot is stopped: {r.returncode} {r.stderr!r}")


def test_dot_group_killed(tmp):
    """A timed-out dot wrapper's own children are stopped with it (its process group)."""
    import time
    wrapper = os.path.join(tmp, "wrapper-dot")
    pidfile = os.path.join(tmp, "child.pid")
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nsleep 300 &\necho $! > {pidfile}\nwait\n")
    os.chmod(wrapper, 0o755)
    env = dict(os.environ, ASLC_DOT=wrapper, ASLC_DOT_TIMEOUT="1")
    r = graph(os.path.join(MACHINES, "parallel_catch.asl.json"), "--format", "svg", env=env)
    check(r.returncode == 3, f"a hanging wrapper is stopped: {r.returncode} {r.stderr!r}")
    with open(pidfile) as f:
        pid = int(f.read())
    os.remove(pidfile)

    def alive():
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(")")[-1].split()[0] != "Z"
        except FileNotFoundError:
            return False
    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    survived = alive()
    if survived:
        os.kill(pid, 9)  # ours: the sleep the wrapper started
    check(not survived, "the wrapper's child was killed with it")
    print("ok dot process group")


def test_nul_names(tmp):
    """A state's name may hold a NUL: the JSON keeps it (\\u0000) in names and pointers, so
    the ids stay distinct and the edge a\\0b -> a is no self-loop; DOT ids percent-encode it."""
    d = os.path.join(tmp, "nul.asl.json")
    with open(d, "w") as f:
        f.write('{"StartAt":"a\\u0000b","States":{"a\\u0000b":{"Type":"Pass","Next":"a"},'
                '"a":{"Type":"Pass","Next":"a\\nb"},"a\\nb":{"Type":"Pass","Next":"a b"},'
                '"a b":{"Type":"Succeed"}}}')
    g = json_graph(d)
    states = {n["id"]: n["name"] for n in g["nodes"] if n["kind"] == "state"}
    check(states == {"/States/a\0b": "a\0b", "/States/a": "a", "/States/a\nb": "a\nb",
                     "/States/a b": "a b"}, f"NUL names: {states}")
    edges = {(e["from"], e["to"]) for e in g["edges"] if e["kind"] == "next"}
    check(("/States/a\0b", "/States/a") in edges and not any(a == b for a, b in edges),
          f"NUL edges: {edges}")
    dot = graph(d, "--format", "dot").stdout
    for svg_id in ("state:/States/a%00b", "state:/States/a%0Ab", "state:/States/a b"):
        check(f'id="{svg_id}"' in dot, f"DOT id {svg_id}")
    r = graph(d, "--format", "mermaid")
    check(r.returncode == 0 and "a b" in r.stdout, "Mermaid of NUL names")
    print("ok NUL names")


def test_output_file(tmp):
    """-o: a failed write leaves what was there. A regular file is replaced whole (written
    next to it, then renamed), so the old drawing survives a full disk; a device (here
    through a symbolic link to /dev/full) is written in place and never removed."""
    import resource
    import signal
    order = os.path.join(HERE, "overlays", "order.asl.json")
    work = os.path.join(tmp, "out")
    os.mkdir(work)
    full = os.path.join(work, "full.dot")
    os.symlink("/dev/full", full)
    r = graph(order, "-o", full)
    check(r.returncode == 5 and "No space left" in r.stderr, f"-o /dev/full: {r.returncode} {r.stderr!r}")
    check(os.path.islink(full) and os.path.exists("/dev/full"), "the link and /dev/full are kept")
    old = os.path.join(work, "old.dot")
    with open(old, "w") as f:
        f.write("the old drawing\n")

    def small_files():  # writes past 64 bytes fail with EFBIG (SIGXFSZ ignored)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    r = subprocess.run([ASLC, "graph", order, "-o", old], capture_output=True, text=True,
                       preexec_fn=small_files, timeout=60)
    kept = open(old).read() if os.path.exists(old) else None
    check(r.returncode == 5 and kept == "the old drawing\n",
          f"a failed write keeps the old file: {r.returncode} {kept!r} {r.stderr!r}")
    if not os.path.exists(old):
        return
    os.chmod(old, 0o640)
    r = graph(order, "-o", old)
    with open(old) as f:
        check(r.returncode == 0 and f.read().startswith("digraph"), "-o replaces the file")
    check(os.stat(old).st_mode & 0o777 == 0o640, "and keeps its mode")
    link = os.path.join(work, "link.dot")
    os.symlink("old.dot", link)
    r = graph(order, "-o", link, "--format", "json")
    check(r.returncode == 0 and os.path.islink(link), "-o through a link keeps the link")
    r = graph(order, "-o", os.path.join(work, "no", "such", "dir.dot"))
    check(r.returncode == 5 and len(r.stderr.splitlines()) == 1, f"-o in no dir: {r.returncode}")
    # -o /dev/stdout into a file: written through the open file, not renamed over it
    redirected = os.path.join(work, "stdout.json")
    with open(redirected, "w") as f:
        inode = os.fstat(f.fileno()).st_ino
        r = subprocess.run([ASLC, "graph", order, "--format", "json", "-o", "/dev/stdout"],
                           stdout=f, stderr=subprocess.PIPE, timeout=60)
    with open(redirected) as f:
        check(r.returncode == 0 and os.stat(redirected).st_ino == inode
              and f.read().startswith('{"name"'), f"-o /dev/stdout: {r.returncode} {r.stderr!r}")
    left = sorted(set(os.listdir(work)) - {"full.dot", "old.dot", "link.dot", "stdout.json"})
    check(not left, f"temporary files left: {left}")
    print("ok -o")


def main():
    test_mermaid_hostile()
    test_collapse()
    test_dot_missing()
    with tempfile.TemporaryDirectory() as tmp:
        test_fit(tmp)
        test_dot_timeout(tmp)
        test_output_file(tmp)
        test_nul_names(tmp)
        test_dot_group_killed(tmp)
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("test_render: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
