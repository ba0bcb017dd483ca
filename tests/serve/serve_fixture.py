"""The harness the tests/serve suites share: starts `aslc serve` on a free loopback port with a
temporary --db, waits until it says it listens, kills it with SIGKILL and restarts it on the
same database, calls the API directly over HTTP (for bulk set-up that would take minutes through
the CLI), and counts checks. Standard library only, so that it runs under any python3.

ASLC_SERVE_URL=http://127.0.0.1:PORT runs the suites against a server that is already running
(moto_server, say, to try a test script); restarts are then skipped."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::%s:role/sfn" % ACCOUNT
READY_S = 60  # compiling nothing yet, the server should be up in well under a second
STOP_S = 15  # SIGTERM to exit
SKIP = 77  # ctest's SKIP_RETURN_CODE for the suites


def arn(kind, *names):
    return "arn:aws:states:%s:%s:%s:%s" % (REGION, ACCOUNT, kind, ":".join(names))


def client_env(url):
    """The environment every AWS client gets: dummy credentials (clients refuse to sign without
    some), the region, no pager, no `sync-` host prefix (StartSyncExecution and TestState)."""
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=REGION,
               AWS_PAGER="", AWS_DISABLE_HOST_PREFIX_INJECTION="true", AWS_ENDPOINT_URL_SFN=url)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `aslc serve` process on 127.0.0.1 over a database in `workdir`; its stderr goes to
    workdir/serve.log (printed when something goes wrong)."""

    def __init__(self, aslc, workdir, poll_hold=1, wait_scale=1.0, extra=()):
        self.aslc, self.workdir = aslc, workdir
        self.db = os.path.join(workdir, "sfn.db")
        self.log = os.path.join(workdir, "serve.log")
        self.args = ["--poll-hold", str(poll_hold), "--wait-scale", str(wait_scale),
                     "--region", REGION, "--account", ACCOUNT] + list(extra)
        self.external = os.environ.get("ASLC_SERVE_URL")
        self.proc, self.port = None, None
        self.url = self.external

    def start(self):
        if self.external:
            return self
        if self.port is None:
            self.port = free_port()
        cmd = [self.aslc, "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--db", self.db] + self.args
        logf = open(self.log, "a")
        logf.write("$ %s\n" % " ".join(cmd))
        logf.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=logf,
                                     stderr=subprocess.PIPE, text=True)
        ready = threading.Event()
        found = {}

        def pump(proc=self.proc):  # copies stderr to the log, noticing the ready line
            for line in proc.stderr:
                logf.write(line)
                logf.flush()
                m = re.search(r"listening on (http://\S+)", line)
                if m and not ready.is_set():
                    found["url"] = m.group(1).rstrip("/")
                    ready.set()
            ready.set()
            logf.close()

        threading.Thread(target=pump, daemon=True).start()
        ready.wait(READY_S)
        if "url" not in found:
            self.proc.kill()
            raise RuntimeError("aslc serve did not get ready (exit %s); log:\n%s"
                               % (self.proc.wait(), self.log_text()))
        self.url = found["url"]
        return self

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()[-6000:]
        except OSError:
            return ""

    def kill9(self):
        """SIGKILL: no chance to flush or close anything."""
        if self.external:
            raise RuntimeError("cannot kill an external server")
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def restart(self):
        """kill -9, then a new process on the same --db and port."""
        self.kill9()
        return self.start()

    def stop(self):
        """SIGTERM; returns the exit status (0 for a clean stop), killing it if it hangs."""
        if self.external or not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "hung after SIGTERM"

    def api(self):
        return Api(self.url)

    def cleanup(self, failed):
        """Removes the work directory (database, log) unless a check failed: then it is kept
        for a look, and named."""
        if self.external:
            return
        if failed:
            print("kept %s (database and serve.log)" % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__("%s %s: %s" % (status, code, message))
        self.status, self.code, self.message = status, code, message


class Api:
    """AWS JSON 1.0 calls on one keep-alive connection, the way botocore sends them (minus a
    real signature, which the server does not check)."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def call(self, op, **params):
        body = json.dumps(params).encode()
        day = time.strftime("%Y%m%d", time.gmtime())
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AWSStepFunctions." + op,
            "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/%s/%s/states/aws4_request, "
                             "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                             "Signature=0" % (day, REGION)}
        for attempt in (0, 1):  # a kept connection the server closed: once more on a new one
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=90)
            try:
                self.conn.request("POST", "/", body, headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        out = json.loads(data) if data.strip() else {}
        if resp.status != 200:
            code = out.get("__type", "?").split("#")[-1].split(":")[0]
            raise ApiError(resp.status, code, out.get("message", out.get("Message", "")))
        return out

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None


def wait_for(pred, timeout, step=0.05):
    """Polls pred() until it returns something true (returned) or `timeout` seconds pass (None)."""
    end = time.monotonic() + timeout
    while True:
        got = pred()
        if got or time.monotonic() >= end:
            return got or None
        time.sleep(step)


KNOWN_FAILURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known-failures.tsv")


def read_known(path=KNOWN_FAILURES):
    """{check name: reason} of the server's known bugs (name, TAB, reason; # comments)."""
    known = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.rstrip("\n").partition("\t")
                known[name] = reason
    return known


class Checks:
    """Counts checks; prints each failure at once and a summary at the end. A check listed in
    known-failures.tsv may fail (it is printed as known); listed and passing is a failure, so
    that the list is kept up to date."""

    def __init__(self, suite):
        self.suite, self.passed, self.failed, self.skipped = suite, 0, [], []
        self.known, self.known_failed = read_known(), set()

    def ok(self, name, cond, detail=""):
        if cond and name in self.known:
            self.failed.append(name)
            print("FAIL %s: passes, but known-failures.tsv lists it: remove it there" % name, flush=True)
        elif cond:
            self.passed += 1
        elif name in self.known:
            self.known_failed.add(name)
            print("known failure %s: %s (%s)" % (name, detail, self.known[name]), flush=True)
        else:
            self.failed.append(name)
            print("FAIL %s: %s" % (name, detail), flush=True)
        return cond

    def eq(self, name, got, want):
        return self.ok(name, got == want, "got %r, want %r" % (got, want))

    def raises(self, name, fn, code, message=None):
        """fn() must fail with the error `code` (and exactly `message` when given)."""
        try:
            got = fn()
        except Exception as e:  # ApiError or botocore's ClientError
            c, m = error_of(e)
            if message is None:
                return self.eq(name, c, code)
            return self.eq(name, (c, m), (code, message))
        return self.ok(name, False, "no error (want %s), got %r" % (code, got))

    def skip(self, name, why):
        self.skipped.append(name)
        print("skipped: %s: %s" % (name, why), flush=True)

    def done(self, server=None):
        print("%s: %d checks passed, %d failed, %d known failures, %d skipped"
              % (self.suite, self.passed, len(self.failed), len(self.known_failed), len(self.skipped)), flush=True)
        if self.failed and server is not None and server.proc:
            print("--- server log (tail) ---\n" + server.log_text())
        return 1 if self.failed else 0


def error_of(e):
    """(code, message) of an ApiError or a botocore ClientError."""
    if isinstance(e, ApiError):
        return e.code, e.message
    resp = getattr(e, "response", None)
    if resp and "Error" in resp:
        return resp["Error"].get("Code"), resp["Error"].get("Message")
    return type(e).__name__, str(e)


def workdir(name):
    return tempfile.mkdtemp(prefix="aslc-%s-" % name)


def main_args(usage):
    """The one argument every suite takes: the aslc binary."""
    if len(sys.argv) != 2:
        sys.exit("usage: " + usage)
    return sys.argv[1]
