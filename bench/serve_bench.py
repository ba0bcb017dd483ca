#!/usr/bin/env python3
"""The load benchmark of `aslc serve` against the npm interpreter behind a small HTTP server
(bench/npm_service.mjs), both measured in this run on this machine (bench/serve.sh builds and
calls this; bench/README.md explains the figures). For each engine, on 127.0.0.1:

1. StartExecution requests/s: STARTS starts of a 10-Pass machine on CONNS keep-alive
   connections (bench/serve_load, a C client), and (measured last) of a machine whose
   executions only suspend in a Wait of an hour;
2. executions completed/s: CONCURRENT executions of the 10-Pass machine started at once, from
   the first request until the last one is SUCCEEDED; the same for 10 states with a Wait of
   1 s scaled by WAIT_SCALE;
3. StartSyncExecution latency p50/p99 (and requests/s): SYNC calls on an EXPRESS 10-Pass
   machine while CONCURRENT other executions are RUNNING (held in a Wait of an hour).

Each engine runs REPS times (a fresh server each time, the engines taking turns); the table
has the medians and their ratio aslc / npm.
Usage: serve_bench.py --aslc ASLC --load SERVE_LOAD --work DIR [options]"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "serve"))
from serve_fixture import ROLE, Api, Server  # noqa: E402  (the test suite's harness)


def pass_chain(n, wait_at=None):
    states = {}
    for i in range(n):
        nxt = {"Next": "S%d" % (i + 1)} if i + 1 < n else {"End": True}
        if i == wait_at:
            states["S%d" % i] = dict({"Type": "Wait", "Seconds": 1}, **nxt)
        else:
            states["S%d" % i] = dict({"Type": "Pass", "Result": i, "ResultPath": "$.s%d" % i}, **nxt)
    return {"StartAt": "S0", "States": states}


MACHINES = {"rate10": (pass_chain(10), "STANDARD"), "pass10": (pass_chain(10), "STANDARD"),
            "wait10": (pass_chain(10, wait_at=4), "STANDARD"),
            "hold": ({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}, "STANDARD"),
            "hold2": ({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}, "STANDARD"),
            "sync10": (pass_chain(10), "EXPRESS")}


class Npm:
    """bench/npm_service.mjs on a free port."""

    def __init__(self, work, wait_scale):
        self.portfile = os.path.join(work, "npm.port")
        if os.path.exists(self.portfile):
            os.unlink(self.portfile)
        self.log = open(os.path.join(work, "npm.log"), "w")
        self.proc = subprocess.Popen(["node", os.path.join(HERE, "npm_service.mjs"), self.portfile, str(wait_scale)],
                                     cwd=os.path.join(HERE, "npm"), stdout=self.log, stderr=self.log)
        end = time.monotonic() + 30
        while not os.path.exists(self.portfile) or not open(self.portfile).read():
            if self.proc.poll() is not None or time.monotonic() > end:
                sys.exit("npm_service did not start; see %s" % self.log.name)
            time.sleep(0.05)
        self.url = "http://127.0.0.1:" + open(self.portfile).read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


def load(args, url, op, conns, count, body, expect=None):
    """Runs serve_load; its figures as a dict."""
    port = url.rsplit(":", 1)[1]
    cmd = [args.load, "127.0.0.1", port, op, str(conns), str(count), body] + ([expect] if expect else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("serve_load %s failed: %s" % (op, p.stderr.strip()))
    f = p.stdout.split()
    return {f[i]: float(f[i + 1]) for i in range(0, len(f), 2)}


def count(api, sm, status):
    n, token = 0, None
    while True:
        kw = {"nextToken": token} if token else {}
        page = api.call("ListExecutions", stateMachineArn=sm, statusFilter=status, maxResults=1000, **kw)
        n += len(page["executions"])
        token = page.get("nextToken")
        if not token:
            return n


def any_running(api, sm):
    """One cheap poll: a page of at most one RUNNING execution."""
    return api.call("ListExecutions", stateMachineArn=sm, statusFilter="RUNNING", maxResults=1)["executions"]


def wait_done(api, sm, n, timeout=600):
    """Waits until none of the n executions started is RUNNING; returns when, after checking
    that all n SUCCEEDED."""
    end = time.monotonic() + timeout
    while any_running(api, sm):
        if time.monotonic() > end:
            sys.exit("timed out waiting for the executions of %s" % sm)
        time.sleep(0.02)
    t = time.monotonic()
    if count(api, sm, "SUCCEEDED") != n:
        sys.exit("%s: %d of %d executions SUCCEEDED" % (sm, count(api, sm, "SUCCEEDED"), n))
    return t


def start_body(sm, prefix):
    return json.dumps({"stateMachineArn": sm, "name": prefix + "%d", "input": "{}"})


def measure(args, url):
    api = Api(url)
    sms = {name: api.call("CreateStateMachine", name=name, roleArn=ROLE, definition=json.dumps(d), type=t)
           ["stateMachineArn"] for name, (d, t) in MACHINES.items()}
    out = {}
    r = load(args, url, "StartExecution", args.conns, args.starts, start_body(sms["rate10"], "rate-"))
    out["start_rps"] = r["rps"]
    wait_done(api, sms["rate10"], args.starts)
    for machine, key in (("pass10", "done_pass"), ("wait10", "done_wait")):
        t0 = time.monotonic()
        load(args, url, "StartExecution", args.conns, args.concurrent, start_body(sms[machine], "burst-"))
        out[key] = args.concurrent / (wait_done(api, sms[machine], args.concurrent) - t0)
    load(args, url, "StartExecution", args.conns, args.concurrent, start_body(sms["hold"], "held-"))
    out["held"] = count(api, sms["hold"], "RUNNING")
    body = json.dumps({"stateMachineArn": sms["sync10"], "input": "{}"})
    load(args, url, "StartSyncExecution", args.sync_conns, max(args.sync // 10, 1), body, '"SUCCEEDED"')  # warm-up
    r = load(args, url, "StartSyncExecution", args.sync_conns, args.sync, body, '"SUCCEEDED"')
    out.update(sync_rps=r["rps"], sync_p50=r["p50_ms"], sync_p99=r["p99_ms"])
    # last, since these stay RUNNING: starts whose execution only suspends (aslc: one commit)
    r = load(args, url, "StartExecution", args.conns, args.starts, start_body(sms["hold2"], "wait-"))
    out["start_wait_rps"] = r["rps"]
    api.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--load", required=True, help="the serve_load binary")
    ap.add_argument("--work", required=True)
    ap.add_argument("--starts", type=int, default=5000)
    ap.add_argument("--concurrent", type=int, default=1000)
    ap.add_argument("--sync", type=int, default=2000)
    ap.add_argument("--conns", type=int, default=16, help="connections for StartExecution")
    ap.add_argument("--sync-conns", type=int, default=8)
    ap.add_argument("--wait-scale", type=float, default=0.1)
    ap.add_argument("--engines", default="aslc,npm")
    ap.add_argument("--reps", type=int, default=3, help="runs per engine; the table has the medians")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    runs = {}
    for rep in range(args.reps):  # the engines take turns, so that other load hits both alike
        for engine in args.engines.split(","):
            print("== %s, run %d of %d" % (engine, rep + 1, args.reps), file=sys.stderr, flush=True)
            runs.setdefault(engine, []).append(run_engine(args, engine))
            print(json.dumps(runs[engine][-1]), file=sys.stderr, flush=True)
    res = {engine: {k: median([r[k] for r in rs]) for k in rs[0]} for engine, rs in runs.items()}
    table(args, res)


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def run_engine(args, engine):
    """One measure() of a fresh server (a new database) of that engine."""
    if engine == "aslc":
        d = os.path.join(args.work, "aslc")
        os.makedirs(d, exist_ok=True)
        for f in ("sfn.db", "sfn.db-wal", "sfn.db-shm", "serve.log"):
            if os.path.exists(os.path.join(d, f)):
                os.unlink(os.path.join(d, f))
        srv = Server(args.aslc, d, wait_scale=args.wait_scale).start()
    else:
        srv = Npm(args.work, args.wait_scale)
    try:
        return measure(args, srv.url)
    finally:
        srv.stop()


def table(args, res):
    a, n = res.get("aslc", {}), res.get("npm", {})
    rows = [("StartExecution requests/s (%d starts, %d connections)" % (args.starts, args.conns), "start_rps", "/s"),
            ("StartExecution requests/s, a machine that only waits", "start_wait_rps", "/s"),
            ("completed/s, 10 Pass states (%d at once)" % args.concurrent, "done_pass", "/s"),
            ("completed/s, 9 Pass + Wait 1 s x %g (%d at once)" % (args.wait_scale, args.concurrent), "done_wait", "/s"),
            ("StartSyncExecution requests/s (%d connections, %d others running)" % (args.sync_conns, args.concurrent),
             "sync_rps", "/s"),
            ("StartSyncExecution p50 latency", "sync_p50", "ms"),
            ("StartSyncExecution p99 latency", "sync_p99", "ms")]
    print("| | aslc serve | npm service | aslc / npm |")
    print("|---|---|---|---|")
    for label, key, unit in rows:
        x, y = a.get(key), n.get(key)
        fmt = (lambda v: ("%.3g %s" if unit == "ms" else "%.0f%s") % (v, unit) if v is not None else "-")
        ratio = "%.2f" % (x / y) if x is not None and y else "-"
        if unit == "ms" and x and y:
            ratio += " (%.1fx lower)" % (y / x)
        print("| %s | %s | %s | %s |" % (label, fmt(x), fmt(y), ratio))
    for engine, r in res.items():
        if r.get("held") != args.concurrent:
            print("note: %s had %s held executions RUNNING, not %d" % (engine, r.get("held"), args.concurrent))


if __name__ == "__main__":
    main()
