#!/usr/bin/env python3
"""SIGINT and SIGTERM stop a running execution cleanly, in compiled executables and `aslc run`
alike: exit status 6 within a second, {} on stdout, "aborted by SIG..." on stderr; a Wait ends
at once, an exec: command is killed with what it started (no orphans), an HTTP request is
dropped, Parallel branches and Map iterations stop; the same signal a second time kills the
program; a signal the program was started with ignored stays ignored.
Usage: stop_signals.py ASLC   (STOP_TIMES=1 also prints how long each stop took)"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ASLC = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
STUBBORN = os.path.join(HERE, "tasks", "stubborn_handler.c")
STOP_WITHIN_S = 1.0  # from the signal to the exit
failures = []
passed = 0


def wait_for(pred, timeout):
    """Polls pred() until it holds; False (and a failure noted by the caller) after timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return False


def gone(pid):
    """The process is gone, or a zombie nobody reaped yet (PID 1 in a container may not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append("%s: %s" % (name, detail))
        print("FAIL %s: %s" % (name, detail), flush=True)


def commands(work, definition, args, mode, run_args=()):
    """The command that runs `definition` in `mode` (aot: compiled with `args` first, jit:
    aslc run with them), with `run_args` for the run."""
    path = os.path.join(work, "m.asl.json")
    with open(path, "w") as f:
        json.dump(definition, f)
    if mode == "jit":
        return [ASLC, "run", path] + args + list(run_args)
    exe = os.path.join(work, "m")
    subprocess.run([ASLC, path, "-o", exe] + args, check=True)
    return [exe] + list(run_args)


def stop_case(name, definition, args, input_doc, ready, sig, orphans=None, run_args=()):
    """Runs the machine in both modes; once ready() holds sends `sig` and expects a clean
    abort. orphans(): pids that must be gone afterwards."""
    for mode in ("aot", "jit"):
        with tempfile.TemporaryDirectory() as work:
            cmd = commands(work, definition, [a.replace("@W", work) for a in args], mode,
                           run_args)
            proc = subprocess.Popen(cmd + ["--input", json.dumps(input_doc)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            tag = "[%s] %s" % (mode, name)
            if not wait_for(lambda: ready(work) or proc.poll() is not None, 30):
                proc.kill()
            if proc.poll() is not None:
                out, err = proc.communicate()
                check(tag, False, "ended before the signal: exit %d %r %r" % (
                    proc.returncode, out[:200], err[:300]))
                continue
            t0 = time.monotonic()
            proc.send_signal(sig)
            try:
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            took = time.monotonic() - t0
            if os.environ.get("STOP_TIMES"):
                print("%s: %.3f s" % (tag, took))
            lines = err.decode(errors="replace").splitlines()
            signame = signal.Signals(sig).name
            check(tag, proc.returncode == 6 and out == b"{}\n" and len(lines) == 1 and
                  lines[0].endswith("aborted by " + signame) and took < STOP_WITHIN_S,
                  "exit %s after %.2f s, stdout %r, stderr %r" % (proc.returncode, took,
                                                                   out[:200], lines[:3]))
            for pid in (orphans(work) if orphans else []):
                survived = not wait_for(lambda: gone(pid), 2)
                check(tag + " (pid %d gone)" % pid, not survived,
                      "a process the command started survived")
                if survived:
                    os.kill(pid, signal.SIGKILL)  # not left behind by this test


def read_pids(work):
    pids = []
    for n in sorted(os.listdir(work)):
        if n.startswith("pid"):
            with open(os.path.join(work, n)) as f:
                text = f.read().strip()
            pids += [int(t) for t in text.split()]
    return pids


def has_file(name, count=1):
    return lambda work: sum(1 for n in os.listdir(work) if n.startswith(name) and
                            os.path.getsize(os.path.join(work, n)) > 0) >= count


def task(resource, nxt=None):
    state = {"Type": "Task", "Resource": resource}
    state.update({"Next": nxt} if nxt else {"End": True})
    return state


WAIT60 = {"Type": "Wait", "Seconds": 60, "End": True}
# a command that starts a grandchild and records both pids in @W/pid-SHELLPID
GRANDCHILD = "exec:sleep 60 & echo $! $$ > @W/pid-$$; wait"

# a Wait of 60 s (after a command that says the execution is running)
stop_case("wait", {"StartAt": "R", "States": {"R": task("ready", "W"), "W": WAIT60}},
          ["--task", "ready=exec:echo 1 > @W/ready"], {}, has_file("ready"), signal.SIGTERM)

# a running command and the grandchild it started
stop_case("exec_grandchild", {"StartAt": "T", "States": {"T": task("work")}},
          ["--task", "work=" + GRANDCHILD], {}, has_file("pid"), signal.SIGINT,
          orphans=read_pids)

# Parallel: a Wait, a command with a grandchild, a Map whose iterations run commands
parallel = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "W", "States": {"W": WAIT60}},
    {"StartAt": "T", "States": {"T": task("work")}},
    {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": True,
                                      "ItemProcessor": {"StartAt": "I", "States": {
                                          "I": task("work")}}}}}]}}}
stop_case("parallel_map", parallel, ["--task", "work=" + GRANDCHILD], {"items": [1, 2, 3]},
          has_file("pid", 4), signal.SIGTERM, orphans=read_pids, run_args=["--threads", "8"])


def silent_server():
    """A server that accepts connections and never answers: the request runs until dropped."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def serve():
        while True:
            try:
                conn, _ = s.accept()
            except OSError:
                return
            held.append(conn)
            open(os.path.join(ready_dir[0], "ready-http"), "w").write("1")

    threading.Thread(target=serve, daemon=True).start()
    return s


ready_dir = [None]
server = silent_server()
port = server.getsockname()[1]


def http_ready(work):
    ready_dir[0] = work
    return has_file("ready-http")(work)


stop_case("http", {"StartAt": "T", "States": {"T": task("work")}},
          ["--task", "work=http://127.0.0.1:%d/hang" % port], {}, http_ready, signal.SIGINT)
server.close()

# a second signal while a C handler (which cannot be interrupted) runs: killed by it, whether
# it is the same signal (Ctrl-C twice) or the other one (a supervisor's SIGTERM after Ctrl-C)
for mode in ("aot", "jit"):
    for second in (signal.SIGINT, signal.SIGTERM):
        with tempfile.TemporaryDirectory() as work:
            cmd = commands(work, {"StartAt": "T", "States": {"T": task("work")}},
                           ["--task", "work=c:stubborn", "--link", STUBBORN], mode)
            env = dict(os.environ, STOP_TEST_READY=os.path.join(work, "ready"))
            proc = subprocess.Popen(cmd + ["--input", "{}"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env)
            tag = "[%s] second_signal_%s" % (mode, second.name)
            wait_for(lambda: os.path.exists(env["STOP_TEST_READY"]) or
                     proc.poll() is not None, 30)
            proc.send_signal(signal.SIGINT)
            time.sleep(0.2)
            first_survived = proc.poll() is None  # the handler still runs: the first only asks
            proc.send_signal(second)
            try:
                proc.communicate(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            check(tag, first_survived and proc.returncode == -second,
                  "survived the first: %s, exit %s" % (first_survived, proc.returncode))

# started with SIGTERM ignored (nohup, a background job): it stays ignored
for mode in ("aot", "jit"):
    with tempfile.TemporaryDirectory() as work:
        cmd = commands(work, {"StartAt": "R", "States": {"R": task("ready", "W"), "W": {
            "Type": "Wait", "Seconds": 1, "End": True}}},
            ["--task", "ready=exec:echo 1 > %s/ready" % work], mode)
        proc = subprocess.Popen(cmd + ["--input", "{}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_IGN))
        wait_for(lambda: has_file("ready")(work) or proc.poll() is not None, 30)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        check("[%s] ignored_stays_ignored" % mode, proc.returncode == 0 and out == b"null\n",
              "exit %s, %r %r" % (proc.returncode, out[:200], err[:300]))

print("stop_signals: %d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)
