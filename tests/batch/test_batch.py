#!/usr/bin/env python3
"""Batch mode (`--batch`) of compiled executables and `aslc run`, which share its code: every
check runs both. Output objects per status, REJECTED lines (invalid JSON, over 256 KiB, worded
as the single execution's refusal), blank lines, a last line without a newline, execution
names, input order under many threads, --shard, usage errors, write failures (a closed pipe,
a full disk), SIGTERM, standard input or output closed, the 256 KiB limit the same for a
single execution and a line (a final newline not counted), --task/--threads/Map and
--mock-config inside a batch, the tty progress line, memory that stays bounded by the window,
not the input, and that a burst of long lines does not keep.
Usage: test_batch.py ASLC [--small]   (--small: the sanitizer builds, fewer lines)"""
import atexit
import json
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ASLC = sys.argv[1]
SMALL = "--small" in sys.argv[2:]
HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 256 * 1024
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL", what, file=sys.stderr)


WORK = tempfile.mkdtemp(prefix="aslc-batch-")
atexit.register(shutil.rmtree, WORK, True)
MACHINES = {}
for name in ("orders", "sleepy", "map_task"):
    src = os.path.join(HERE, name + ".asl.json")
    exe = os.path.join(WORK, name)
    extra = ["--task", "work=exec:read x; echo \"[$x, $x]\""] if name == "map_task" else []
    subprocess.run([ASLC, src, "-o", exe] + extra, check=True)
    MACHINES[name] = (src, exe, extra)
MOCKS = os.path.join(os.path.dirname(HERE), "machines", "task_mock_config")
subprocess.run([ASLC, os.path.join(MOCKS, "definition.asl.json"), "-o",
                os.path.join(WORK, "mocked")], check=True)
MACHINES["mocked"] = (os.path.join(MOCKS, "definition.asl.json"), os.path.join(WORK, "mocked"), [])


def command(mode, machine, args):
    src, exe, extra = MACHINES[machine]
    if mode == "aot":
        return [exe, "--batch"] + args
    return [ASLC, "run", src] + extra + ["--batch"] + args


def batch(mode, machine, args, data, timeout=60):
    p = subprocess.run(command(mode, machine, args), input=data, capture_output=True,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def lines(out):
    return [json.loads(x) for x in out.splitlines()]


def single_error(input_text):
    """What the single-execution path says about an input it refuses (after 'input ...')."""
    _, exe, _ = MACHINES["orders"]
    p = subprocess.run([exe], input=input_text, capture_output=True)
    return p.returncode, p.stderr.decode()


ORDER = b'{"id":%d,"qty":%d,"price":3}'
padded = b'{"id":9,"qty":1,"price":1}'
at_limit = padded + b" " * (LIMIT - len(padded))
STATUS_INPUT = b"\n".join([
    ORDER % (1, 2),  # 1 SUCCEEDED
    ORDER % (2, 0),  # 2 FAILED BadQuantity
    b"",  # 3 blank: skipped but counted
    b"not json",  # 4 REJECTED
    b'{"id":3,"qty":-1,"price":1}',  # 5 Wait 60 s past TimeoutSeconds 5: TIMED_OUT
    b'{"id":' + b"7" * LIMIT + b"}",  # 6 over the limit: REJECTED
    b'{"id":5, "qty"',  # 7 REJECTED at a column
    at_limit,  # 8 exactly the limit: runs
    b"   ",  # 9 blank too
    ORDER % (4, 5),  # 10 no newline after it: still a line
])


def test_statuses(mode):
    rc, out, err = batch(mode, "orders", ["--wait-scale", "0", "--name", "job", "-j", "3"],
                         STATUS_INPUT)
    got = lines(out)
    check(rc == 1, "%s statuses: exit %d, want 1 (%s)" % (mode, rc, err))
    check([g["line"] for g in got] == [1, 2, 4, 5, 6, 7, 8, 10],
          "%s statuses: line numbers %s" % (mode, [g.get("line") for g in got]))
    if len(got) != 8:
        return
    check(got[0] == {"line": 1, "status": "SUCCEEDED",
                     "output": {"order": "order-1", "total": 5, "execution": "job-1"}},
          "%s SUCCEEDED line: %s" % (mode, got[0]))
    check(got[1] == {"line": 2, "status": "FAILED", "error": "BadQuantity",
                     "cause": "qty must be positive"}, "%s FAILED line: %s" % (mode, got[1]))
    # the parser's message, as the single execution reports it
    src_rc, src_err = single_error(b"not json")
    m = re.search(r"invalid input JSON at line 1, column (\d+): (.*)", src_err)
    check(src_rc == 2 and m, "single path's refusal: %r" % src_err)
    if m:
        check(got[2] == {"line": 4, "status": "REJECTED", "cause": "invalid input JSON at column "
                         "%s: %s" % (m.group(1), m.group(2))}, "%s REJECTED: %s" % (mode, got[2]))
    # AWS's DescribeExecution has no cause for a timed-out execution: the key is left out
    check(got[3] == {"line": 5, "status": "TIMED_OUT", "error": "States.Timeout"},
          "%s TIMED_OUT line: %s" % (mode, got[3]))
    src_rc, src_err = single_error(b'{"id":' + b"7" * LIMIT + b"}")
    words = src_err.split(": ", 1)[-1].strip()
    check(src_rc == 2 and "larger than" in words, "single path's size refusal: %r" % src_err)
    check(got[4] == {"line": 6, "status": "REJECTED", "cause": words},
          "%s oversize REJECTED: %s" % (mode, got[4]))
    check(got[5]["status"] == "REJECTED" and
          got[5]["cause"].startswith("invalid input JSON at column 15: "),
          "%s truncated JSON: %s" % (mode, got[5]))
    check(got[6]["status"] == "SUCCEEDED" and got[6]["output"]["execution"] == "job-8",
          "%s a line of exactly 256 KiB runs: %s" % (mode, str(got[6])[:200]))
    check(got[7]["output"] == {"order": "order-4", "total": 8, "execution": "job-10"},
          "%s the last line without a newline: %s" % (mode, got[7]))
    check(re.search(r"batch: 8 lines \(and 2 blank\): 3 succeeded, 1 failed, 1 timed out, "
                    r"3 rejected in [0-9.]+ s \([0-9]+/s\)\n$", err),
          "%s summary: %r" % (mode, err))
    check("\r" not in err, "%s: no progress line when stderr is not a terminal" % mode)


def test_all_succeed(mode):
    data = b"\n".join(ORDER % (i, 1) for i in range(1, 51)) + b"\n"
    rc, out, err = batch(mode, "orders", [], data)
    got = lines(out)
    check(rc == 0 and len(got) == 50, "%s all succeed: exit %d, %d lines" % (mode, rc, len(got)))
    check(all(g["output"]["execution"] == "local-execution-%d" % g["line"] for g in got),
          "%s default names are local-execution-LINE" % mode)
    rc, out, err = batch(mode, "orders", ["--stats"], data)
    check(rc == 0 and err.endswith("; states entered: 200\n"), "%s --stats: %r" % (mode, err))
    rc, out, err = batch(mode, "orders", [], b"")
    check(rc == 0 and out == "" and "batch: 0 lines" in err, "%s empty input: %d %r" % (mode, rc, err))


def test_order(mode):
    """Later lines finish first; the output still follows the input."""
    n = 24
    data = b"".join(b'{"w":%d,"n":%d}\n' % (n - i, i) for i in range(n))
    t0 = time.monotonic()
    rc, out, err = batch(mode, "sleepy", ["-j", "8", "--wait-scale", "0.05"], data)
    got = lines(out)
    check(rc == 0 and [g["output"]["n"] for g in got] == list(range(n)) and
          [g["line"] for g in got] == list(range(1, n + 1)),
          "%s input order under 8 threads: %s" % (mode, out[:300]))
    # one by one the waits take 300 * 50 ms = 15 s; 8 at a time about (24 + 16 + 8) * 50 ms =
    # 2.4 s, which leaves a busy machine several seconds for the start-up
    took = time.monotonic() - t0
    check(took < 9.0 + (10 if SMALL else 0), "%s ran concurrently (%.1f s)" % (mode, took))


def test_shards(mode):
    data = b"".join(ORDER % (i, i % 3) + b"\n" for i in range(1, 31))
    _, whole, _ = batch(mode, "orders", [], data)
    for n in (1, 3, 7):
        union = []
        for i in range(n):
            rc, out, _ = batch(mode, "orders", ["--shard", "%d/%d" % (i, n)], data)
            got = lines(out)
            check(all((g["line"] - 1) % n == i for g in got),
                  "%s shard %d/%d takes lines k with (k-1) mod N = I" % (mode, i, n))
            union += got
        union.sort(key=lambda g: g["line"])
        check(union == lines(whole), "%s the %d shards together are the whole batch" % (mode, n))
    rc, out, err = batch(mode, "orders", ["--shard", "5/7"], ORDER % (1, 1))
    check(rc == 0 and out == "", "%s a shard with no lines: %d %r" % (mode, rc, out))


def test_usage(mode):
    for args, word in ((["--shard", "2/2"], "--shard"), (["--shard", "1"], "--shard"),
                       (["--shard", "-1/2"], "--shard"), (["-j", "0"], "-j"),
                       (["--jobs", "x"], "--jobs"), (["--input", "{}"], "--input"),
                       (["--resume", "x"], "--resume"), (["--history", "x"], "--history"),
                       (["--suspend-after", "1", "--snapshot", "x"], "--suspend-after")):
        rc, out, err = batch(mode, "orders", args, b"{}\n")
        check(rc == 2 and out == "" and word in err, "%s usage %s: %d %r" % (mode, args, rc, err))
    _, exe, _ = MACHINES["orders"]
    if mode == "aot":
        for args in (["-j", "2"], ["--shard", "0/2"]):
            p = subprocess.run([exe] + args, input=b"{}", capture_output=True)
            check(p.returncode == 2 and b"go with --batch" in p.stderr,
                  "%s without --batch: %r" % (args, p.stderr))


def test_write_failures(mode):
    data = b"".join(ORDER % (i, 1) + b"\n" for i in range(1, (20000 if SMALL else 100000) + 1))
    with open("/dev/full", "wb") as full:
        p = subprocess.run(command(mode, "orders", []), input=data, stdout=full,
                           stderr=subprocess.PIPE, timeout=120)
    check(p.returncode == 5 and b"cannot write the output" in p.stderr,
          "%s > /dev/full: %d %r" % (mode, p.returncode, p.stderr[-200:]))
    # `| head -1`: the reader goes away after one line
    p = subprocess.Popen(command(mode, "orders", []), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    feed = threading.Thread(target=feed_and_close, args=(p, [data]), daemon=True)
    feed.start()
    first = p.stdout.readline()
    p.stdout.close()
    rc = p.wait(timeout=120)
    err = p.stderr.read()
    check(json.loads(first)["line"] == 1 and rc == 5 and b"cannot write the output" in err,
          "%s | head -1: exit %d %r" % (mode, rc, err[-200:]))


def test_closed_fds(mode):
    """Standard input or output closed (`<&-`, `>&-`): an error and an exit status, as the
    single execution gives, not a batch that reads its own wake pipe forever."""
    for redirect, want_rc, words in (("<&-", 2, "cannot read the input"),
                                     (">&-", 5, "cannot write the output")):
        args = ["bash", "-c", 'exec "$@" ' + redirect, "-"] + command(mode, "orders", [])
        try:
            p = subprocess.run(args, input=b"{}\n" if redirect == ">&-" else None,
                               capture_output=True, timeout=20)
            rc, err = p.returncode, p.stderr.decode()
        except subprocess.TimeoutExpired:
            rc, err = None, "hung"
        check(rc == want_rc and words in err, "%s %s: exit %s %r" % (mode, redirect, rc, err))


def test_limit_newline(mode):
    """The 256 KiB limit is on the input, not on the newline after it: a single execution and a
    batch line accept the same inputs."""
    _, exe, _ = MACHINES["orders"]
    for text, ok in ((at_limit + b"\n", True), (at_limit + b" ", False),
                     (at_limit + b" \n", False)):
        if mode == "aot":
            p = subprocess.run([exe], input=text, capture_output=True)
            check((p.returncode == 0) == ok, "single path, %d bytes ending %r: exit %d %r"
                  % (len(text), text[-2:], p.returncode, p.stderr[-120:]))
        rc, out, err = batch(mode, "orders", [], text)
        got = lines(out)
        check(len(got) == 1 and (got[0]["status"] == "SUCCEEDED") == ok,
              "%s batch, %d bytes ending %r: %s" % (mode, len(text), text[-2:], out[:120]))


def test_sigterm(mode):
    """SIGTERM: what was written stays whole lines in input order; exit 6."""
    data = b"".join(b'{"w":0,"n":%d}\n' % i for i in range(4))
    data += b"".join(b'{"w":30,"n":%d}\n' % i for i in range(4, 100))
    p = subprocess.Popen(command(mode, "sleepy", ["-j", "2"]), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(data)
    p.stdin.flush()  # left open: the batch is still reading when it is stopped
    first = [p.stdout.readline() for _ in range(4)]  # flushed while the window waits
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    rest = p.stdout.read()
    rc = p.wait(timeout=30)
    took = time.monotonic() - t0
    err = p.stderr.read().decode()
    got = [json.loads(x) for x in first] + lines(rest.decode())
    check(rc == 6 and [g["line"] for g in got] == [1, 2, 3, 4],
          "%s SIGTERM: exit %d, lines %s" % (mode, rc, [g.get("line") for g in got]))
    check(took < 5 + (10 if SMALL else 0), "%s SIGTERM stopped within seconds (%.1f s)" % (mode, took))
    check("aborted by SIGTERM: the output ends with line 4" in err, "%s SIGTERM stderr %r" % (mode, err))


def test_tasks_and_map(mode):
    data = b'{"items":[1,2,3]}\n{"items":[]}\n{"items":[{"a":1}]}\n'
    rc, out, err = batch(mode, "map_task", ["--threads", "2", "-j", "2"], data)
    got = [g.get("output") for g in lines(out)]
    check(rc == 0 and got == [[[1, 1], [2, 2], [3, 3]], [], [[{"a": 1}, {"a": 1}]]],
          "%s Map with an exec: Task in a batch: %d %s %s" % (mode, rc, out, err))


def test_mock_config(mode):
    """--mock-config in a batch: every execution counts its own calls (two failures, then
    the mocked result, for each line)."""
    args = ["--mock-config", os.path.join(MOCKS, "mock.json"), "--mock-case", "HappyPath",
            "--wait-scale", "0", "-j", "2"]
    rc, out, err = batch(mode, "mocked", args, b'{"amount":1}\n{"amount":2}\n{"amount":3}\n')
    got = lines(out)
    check(rc == 0 and [g["output"]["charge"] for g in got] == [{"charged": "mocked"}] * 3 and
          [g["output"]["amount"] for g in got] == [1, 2, 3],
          "%s --mock-config in a batch: %d %s %s" % (mode, rc, out, err))


def test_progress(mode):
    """stderr a terminal: a progress line, cleared before the summary."""
    master, slave = os.openpty()
    data = b"".join(ORDER % (i, 1) + b"\n" for i in range(1, 2001))
    p = subprocess.Popen(command(mode, "orders", []), stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    p.communicate(data, timeout=60)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    check(re.search(rb"\rbatch: \d+ lines, \d+ not succeeded, \d+/s", err) and
          re.search(rb"\r\x1b\[K\s*batch: 2000 lines: 2000 succeeded", err),
          "%s progress on a terminal: %r" % (mode, err[-300:]))


def feed_and_close(p, chunks):
    """Writes the chunks to p's stdin and closes it; a batch that stopped reading is fine."""
    try:
        for c in chunks:
            p.stdin.write(c)
        p.stdin.close()
    except BrokenPipeError:
        pass


def max_rss_kib(args, lines_count):
    """Runs a batch of `lines_count` short lines fed through a pipe: its exit status and peak
    RSS, VmHWM of /proc/PID/status read until it exits (ru_maxrss would count the Python
    process it was forked from)."""
    block = b"".join(ORDER % (i, i % 4) + b"\n" for i in range(10000))
    # AddressSanitizer holds freed memory back (its quarantine, 256 MB): that would grow with
    # the number of executions, not with what the batch keeps
    env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
               ":quarantine_size_mb=1:thread_local_quarantine_size_kb=64")
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    t = threading.Thread(target=feed_and_close, args=(p, [block] * (lines_count // 10000)))
    t.start()
    peak = 0
    while p.poll() is None:
        try:
            with open("/proc/%d/status" % p.pid) as f:
                m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
            if m:
                peak = max(peak, int(m.group(1)))
        except OSError:
            pass
        time.sleep(0.02)
    t.join()
    return p.returncode, peak


def test_memory():
    """The same memory for 100k and 1M lines (10k and 100k under sanitizers), under 64 MB."""
    few, many = (10000, 100000) if SMALL else (100000, 1000000)
    args = command("aot", "orders", ["-j", "2"])
    rc1, rss1 = max_rss_kib(args, few)
    rc2, rss2 = max_rss_kib(args, many)
    print("max RSS: %d lines %d KiB, %d lines %d KiB" % (few, rss1, many, rss2))
    check(rc1 == 1 and rc2 == 1, "memory runs ended: %d %d" % (rc1, rc2))
    check(rss2 < rss1 * 1.25 + 2048, "RSS grows with the input: %d -> %d KiB" % (rss1, rss2))
    if not SMALL:  # the sanitizers' shadow memory is no measure of ours
        check(rss2 < 64 * 1024, "RSS %d KiB over 64 MB" % rss2)


def test_memory_after_long_lines():
    """Long lines do not pin memory: once a burst of 250 KB lines is done, the slots give their
    large buffers back (each would keep ~256 KiB, 16 slots a worker)."""
    long_line = padded + b" " * (250 * 1024) + b"\n"
    count = 300
    p = subprocess.Popen(command("aot", "orders", ["-j", "16"]), stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    feed = threading.Thread(target=lambda: (p.stdin.write(long_line * count), p.stdin.flush()),
                            daemon=True)
    feed.start()
    got = [p.stdout.readline() for _ in range(count)]  # all done; stdin stays open
    feed.join()
    time.sleep(0.3)
    with open("/proc/%d/status" % p.pid) as f:
        status = f.read()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    p.stdin.close()
    rc = p.wait(timeout=60)
    print("after %d lines of %d bytes at -j 16: RSS %d KiB (peak %d KiB)"
          % (count, len(long_line), rss, hwm))
    check(rc == 0 and all(json.loads(g)["status"] == "SUCCEEDED" for g in got),
          "long lines: exit %d" % rc)
    if not SMALL:  # the sanitizers hold freed memory back
        check(rss < 24 * 1024, "RSS after long lines %d KiB, over 24 MB" % rss)


for m in ("aot", "jit"):
    test_statuses(m)
    test_all_succeed(m)
    test_order(m)
    test_shards(m)
    test_usage(m)
    test_write_failures(m)
    test_sigterm(m)
    test_closed_fds(m)
    test_limit_newline(m)
    test_tasks_and_map(m)
    test_mock_config(m)
    test_progress(m)
test_memory()
test_memory_after_long_lines()
subprocess.run(["rm", "-rf", WORK])
print("batch: %d passed, %d failed" % (passed, len(failures)))
sys.exit(1 if failures else 0)
