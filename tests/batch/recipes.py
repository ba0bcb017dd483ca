#!/usr/bin/env python3
"""The README's batch example (its console block, run as shown), and the ways examples/batch
and the README scale a batch out, run locally: GNU parallel
--pipepart (same statuses and outputs as one --batch run, line numbers per block), GNU parallel
over --shard, the Slurm job array script for every SLURM_ARRAY_TASK_ID and the Kubernetes
Indexed Job's command for every JOB_COMPLETION_INDEX: their shards together hold every line
exactly once, equal to the single run's. Exits 77 (skipped) only for GNU parallel's parts when
it is not installed (tools/setup.sh installs it).
Usage: recipes.py ASLC"""
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ASLC = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples", "batch")
failures = []
passed = 0
skipped = []


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL", what, file=sys.stderr)


work = tempfile.mkdtemp(prefix="aslc-recipes-")
atexit.register(shutil.rmtree, work, True)
machine = os.path.join(work, "machine")
subprocess.run([ASLC, os.path.join(EXAMPLES, "reshape.asl.json"), "-o", machine], check=True)
inputs = os.path.join(work, "inputs.ndjson")
with open(inputs, "w") as f:
    for i in range(1, 3001):
        if i % 97 == 0:
            f.write("{not json\n")
        else:
            items = [] if i % 10 == 0 else [i % 7, 1]
            f.write(json.dumps({"id": i, "first": "F%d" % i, "last": "L", "items": items}) + "\n")


def results(path):
    with open(path) as f:
        return [json.loads(x) for x in f]


single_path = os.path.join(work, "single.ndjson")
with open(inputs) as i, open(single_path, "w") as o:
    rc = subprocess.run([machine, "--batch"], stdin=i, stdout=o, stderr=subprocess.DEVNULL).returncode
single = results(single_path)
check(rc == 1 and len(single) == 3000, "the single run: exit %d, %d lines" % (rc, len(single)))


def check_union(name, files):
    """Every line of the input exactly once, as in the single run."""
    union = []
    for p in files:
        if not os.path.exists(p):
            check(False, "%s: %s is missing" % (name, p))
            return
        union += results(p)
    union.sort(key=lambda g: g["line"])
    check(union == single, "%s: the shards together are the single run (%d lines, %d files)"
          % (name, len(union), len(files)))


def run_parallel():
    if not shutil.which("parallel"):
        skipped.append("GNU parallel is not installed")
        return
    # --pipepart splits the file into blocks at line ends; each block is one --batch
    out = subprocess.run(["parallel", "--pipepart", "-a", inputs, "--block", "20k", "-j", "2",
                          "--keep-order", machine, "--batch"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    got = [json.loads(x) for x in out.splitlines()]
    strip = lambda rs: [{k: v for k, v in r.items() if k != "line"} for r in rs]
    check(strip(got) == strip(single),
          "parallel --pipepart --keep-order: same statuses and outputs (%d lines)" % len(got))
    starts = sum(1 for r in got if r["line"] == 1)
    check(starts > 1, "parallel --pipepart: line numbers start again in every block (%d)" % starts)
    # stable line numbers: every job reads the file, --shard picks its lines
    cmd = "%s --batch --shard {}/4 < %s > %s/par-{}.ndjson" % (machine, inputs, work)
    subprocess.run(["parallel", "-j", "2", cmd, ":::", "0", "1", "2", "3"],
                   stderr=subprocess.DEVNULL)
    check_union("parallel over --shard", ["%s/par-%d.ndjson" % (work, i) for i in range(4)])


def run_slurm():
    script = os.path.join(EXAMPLES, "slurm.sbatch")
    with open(script) as f:
        text = f.read()
    n = int(re.search(r"^#SBATCH --array=0-(\d+)$", text, re.M).group(1)) + 1
    shards = re.search(r"^N=\$\{SHARDS:-(\d+)\}$", text, re.M)
    check(shards and int(shards.group(1)) == n, "slurm: SHARDS equals the array's size")
    res = os.path.join(work, "slurm")
    files = ["%s/results-%d.ndjson" % (res, i) for i in range(n)]

    def task(i, count):
        env = dict(os.environ, SLURM_ARRAY_TASK_ID=str(i), SLURM_ARRAY_TASK_COUNT=str(count),
                   SLURM_CPUS_PER_TASK="2", MACHINE=machine, INPUT=inputs, RESULTS=res)
        return subprocess.run(["bash", script], env=env, stderr=subprocess.DEVNULL).returncode

    for i in range(n):
        rc = task(i, n)
        check(rc == 0, "slurm task %d: exit %d" % (i, rc))
    check_union("slurm job array", files)
    # the README's re-run of one shard, `sbatch --array=I slurm.sbatch`: Slurm then says the
    # array has one task; the shard must still be the I-th of n
    for i in (0, n - 1):
        os.remove(files[i])
        rc = task(i, 1)
        check(rc == 0, "slurm re-run of task %d alone: exit %d" % (i, rc))
        check_union("slurm job array after re-running task %d" % i, files)


def run_kubernetes():
    with open(os.path.join(EXAMPLES, "k8s-indexed-job.yaml")) as f:
        text = f.read()
    n = int(re.search(r"^  completions: (\d+)$", text, re.M).group(1))
    check(re.search(r"^  completionMode: Indexed$", text, re.M), "k8s: an Indexed Job")
    # the shell script under `args: - |`, as the container's /bin/sh -c gets it
    block = text.split("            - |\n", 1)[1]
    script = ""
    for line in block.splitlines():
        if not line.startswith("              "):
            break
        script += line[14:] + "\n"
    check('--shard "$JOB_COMPLETION_INDEX/%d"' % n in script, "k8s: --shard matches completions")
    data = os.path.join(work, "data")
    os.makedirs(data)
    shutil.copy(inputs, os.path.join(data, "inputs.ndjson"))
    script = script.replace("/app/machine", machine).replace("/data", data)
    for i in range(n):
        env = dict(os.environ, JOB_COMPLETION_INDEX=str(i))
        rc = subprocess.run(["/bin/sh", "-c", script], env=env, stderr=subprocess.DEVNULL).returncode
        check(rc == 0, "k8s index %d: exit %d" % (i, rc))
    check_union("k8s indexed job", ["%s/results/results-%d.ndjson" % (data, i) for i in range(n)])


def run_readme():
    with open(os.path.join(ROOT, "README.md")) as f:
        section = f.read().split("\n## Batch\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    cmd = block[0][2:]  # after "$ ", continued by lines ending in a backslash
    i = 1
    while cmd.endswith("\\"):
        cmd = cmd[:-1] + block[i]
        i += 1
    want = block[i:]
    p = subprocess.run(["bash", "-c", cmd.replace("./reshape", machine)], capture_output=True,
                       text=True)
    timing = lambda t: re.sub(r"in [0-9.]+ s \([0-9]+/s\)", "in T", t.strip())
    check(p.stdout.splitlines() == want[:-1], "README example's results: %r" % p.stdout)
    check(timing(p.stderr) == timing(want[-1]), "README example's summary: %r" % p.stderr)


run_readme()
run_parallel()
run_slurm()
run_kubernetes()
shutil.rmtree(work)
for s in skipped:
    print("skipped:", s)
print("batch recipes: %d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 77 if skipped else 0)
