#!/usr/bin/env python3
"""`aslc serve` driven by the AWS CLI, the CI block of ../shared/research/sfn-api.md §8 plus
state machine updates and listings, ListExecutions over 250 executions with the CLI's own
paginator (--page-size, --max-items/--starting-token) and with --max-results --no-paginate,
history paging and stop; error texts checked exactly, with the CLI's exit status for a service
error (255 for v1, 254 for v2). Runs with every CLI found: the pip `aws` (v1) on PATH and
Debian's /usr/bin/aws (v2), both at once, a fresh server (fresh database) for each. The
machine's Wait is 20 s, not §8's 1 s: the execution must still be RUNNING after three more CLI
calls, and one call is 1-3 s of Python start-up on a loaded machine (the checks that do not
need it finished run in the meantime).

v2 (2.9) knows no AWS_DISABLE_HOST_PREFIX_INJECTION: its start-sync-execution goes to
sync-127.0.0.1, so the test appends `127.0.0.1 sync-127.0.0.1` to /etc/hosts when that line is
missing and the file is writable (CI runs as root), and otherwise skips that one check.
Usage: test_cli.py ASLC"""
import json
import os
import subprocess
import sys
import threading
import time

from serve_fixture import ROLE, Checks, Server, arn, client_env, main_args, wait_for, workdir

ASLC = main_args(__doc__.splitlines()[-1])
HOSTS = "/etc/hosts"
D = ('{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"Arg1":"argument1"},"Next":"W"},'
     '"W":{"Type":"Wait","Seconds":20,"Next":"S"},"S":{"Type":"Succeed"}}}')
D2 = '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"two","End":true}}}'
HOLD = '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}'
EXPRESS = '{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"got.$":"$.a"},"End":true}}}'
STATUS_ENUM = "[SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
N = 250  # executions to page through


def find_clis():
    """{"v1": path, "v2": path} of the `aws` commands on PATH and /usr/bin/aws, by version."""
    found = {}
    dirs = os.environ.get("PATH", "").split(os.pathsep) + ["/usr/bin"]
    for d in dirs:
        path = os.path.join(d, "aws")
        if not os.access(path, os.X_OK) or os.path.realpath(path) in map(os.path.realpath, found.values()):
            continue
        try:
            v = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = v.stdout + v.stderr
        for major in ("1", "2"):
            if text.startswith("aws-cli/%s." % major):
                found.setdefault("v" + major, path)
    return found


def sync_host_resolvable():
    """Whether sync-127.0.0.1 resolves, adding it to /etc/hosts when that is possible."""
    try:
        with open(HOSTS) as f:
            if any("sync-127.0.0.1" in line.split("#")[0].split() for line in f):
                return True, ""
    except OSError as e:
        return False, "cannot read %s: %s" % (HOSTS, e)
    if not os.access(HOSTS, os.W_OK):
        return False, "%s has no 'sync-127.0.0.1' line and is not writable" % HOSTS
    with open(HOSTS, "a") as f:
        f.write("127.0.0.1 sync-127.0.0.1 sync-localhost\n")
    print("note: appended '127.0.0.1 sync-127.0.0.1 sync-localhost' to %s" % HOSTS)
    return True, ""


class Cli:
    """One AWS CLI against one server; every call returns (exit status, stdout, stderr)."""

    def __init__(self, path, version, url):
        self.path, self.version, self.url = path, version, url
        self.env = client_env(url)
        self.rc = 255 if version == "v1" else 254

    def __call__(self, *args):
        cmd = [self.path, "--endpoint-url", self.url, "stepfunctions"] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=120)
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def text(self, *args):
        """stdout of a call that must succeed (--output text), or None."""
        rc, out, err = self(*args, "--output", "text")
        return out if rc == 0 else "rc %d: %s" % (rc, err)

    def json(self, *args):
        rc, out, err = self(*args, "--output", "json")
        if rc != 0:
            return {"rc": rc, "stderr": err}
        return json.loads(out) if out else {}


def error_line(op, code, message):
    return "An error occurred (%s) when calling the %s operation: %s" % (code, op, message)


def check_error(c, cli, name, got, op, code, message):
    """A call that must fail: the CLI's exit status and its one-line error, exactly."""
    rc, _, err = got
    line = next((l for l in err.splitlines() if l.startswith("An error occurred")), err)
    c.eq("%s %s: exit status" % (cli.version, name), rc, cli.rc)
    c.eq("%s %s: error" % (cli.version, name), line, error_line(op, code, message))


def spec_block(c, cli, api):
    """The §8 CLI block."""
    v = cli.version
    sm = cli.text("create-state-machine", "--name", "hello", "--role-arn", ROLE, "--definition", D,
                  "--query", "stateMachineArn")
    c.eq(v + " create", sm, arn("stateMachine", "hello"))
    c.eq(v + " create again: same ARN", cli.text("create-state-machine", "--name", "hello", "--role-arn",
         ROLE, "--definition", D, "--query", "stateMachineArn"), sm)
    check_error(c, cli, "create with another definition",
                cli("create-state-machine", "--name", "hello", "--role-arn", ROLE, "--definition", D + " "),
                "CreateStateMachine", "StateMachineAlreadyExists", "State Machine Already Exists: '%s'" % sm)
    start = ("start-execution", "--state-machine-arn", sm, "--name", "run1")
    x = cli.text(*start, "--input", '{"a":1}', "--query", "executionArn")
    c.eq(v + " start", x, arn("execution", "hello", "run1"))
    c.eq(v + " start again: same ARN", cli.text(*start, "--input", '{"a":1}', "--query", "executionArn"), x)
    check_error(c, cli, "start again with other input", cli(*start, "--input", '{"a":2}'),
                "StartExecution", "ExecutionAlreadyExists", "Execution Already Exists: '%s'" % x)
    c.eq(v + " running", cli.text("describe-execution", "--execution-arn", x, "--query", "status"), "RUNNING")
    check_error(c, cli, "bad status filter", cli("list-executions", "--state-machine-arn", sm,
                "--status-filter", "succeeded"), "ListExecutions", "ValidationException",
                "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
                "constraint: Member must satisfy enum value set: " + STATUS_ENUM)
    check_error(c, cli, "maxResults 1001", cli("list-executions", "--state-machine-arn", sm, "--max-results",
                "1001"), "ListExecutions", "ValidationException",
                "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
                "Member must have value less than or equal to 1000")
    check_error(c, cli, "empty input", cli("start-execution", "--state-machine-arn", sm, "--input", ""),
                "StartExecution", "InvalidExecutionInput",
                "Invalid State Machine Execution Input: 'Invalid execution input.'")
    check_error(c, cli, "no such execution", cli("describe-execution", "--execution-arn", x + "x"),
                "DescribeExecution", "ExecutionDoesNotExist", "Execution Does Not Exist: '%sx'" % x)
    check_error(c, cli, "bad ARN", cli("describe-state-machine", "--state-machine-arn", "not_a_valid_arn"),
                "DescribeStateMachine", "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'")
    check_error(c, cli, "bad activity name", cli("create-activity", "--name", "bad name"),
                "CreateActivity", "InvalidName", "Invalid Name: 'bad name'")
    c.eq(v + " delete a machine that does not exist", cli("delete-state-machine", "--state-machine-arn",
         sm + "nope")[0], 0)
    c.eq(v + " tag", cli("tag-resource", "--resource-arn", sm, "--tags", "key=k,value=v")[0], 0)
    c.eq(v + " list tags", cli.text("list-tags-for-resource", "--resource-arn", sm, "--query", "tags[0].key"), "k")
    wait_for(lambda: api.call("DescribeExecution", executionArn=x)["status"] != "RUNNING", 40)
    c.eq(v + " succeeded", cli.text("describe-execution", "--execution-arn", x, "--query", "[status,output]"),
         'SUCCEEDED\t{"Arg1":"argument1"}')
    c.eq(v + " history types", cli.text("get-execution-history", "--execution-arn", x,
         "--query", "events[].type").split(),
         ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
          "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"])
    c.eq(v + " history ids", cli.text("get-execution-history", "--execution-arn", x,
         "--query", "events[:2].[id,previousEventId]").split(), ["1", "0", "2", "0"])
    c.eq(v + " history reversed, 1", cli.text("get-execution-history", "--execution-arn", x, "--reverse-order",
         "--max-results", "1", "--no-paginate", "--query", "events[0].type"), "ExecutionSucceeded")
    c.eq(v + " list succeeded", cli.text("list-executions", "--state-machine-arn", sm, "--status-filter",
         "SUCCEEDED", "--query", "executions[].name"), "run1")
    y = cli.text("start-execution", "--state-machine-arn", sm, "--query", "executionArn")
    c.eq(v + " stop", cli("stop-execution", "--execution-arn", y, "--error", "Manual", "--cause", "probe")[0], 0)
    c.eq(v + " stopped", cli.text("describe-execution", "--execution-arn", y, "--query", "[status,error,cause]"),
         "ABORTED\tManual\tprobe")
    return sm, x


def machines(c, cli, sm):
    """Describe, update (a new revision), list, delete."""
    v = cli.version
    c.eq(v + " describe", cli.text("describe-state-machine", "--state-machine-arn", sm,
         "--query", "[name,type,status,roleArn,definition]").split("\t"), ["hello", "STANDARD", "ACTIVE", ROLE, D])
    if v == "v2":  # its model (botocore 1.29) has no revisionId, so it drops the member
        c.eq(v + " update", cli("update-state-machine", "--state-machine-arn", sm, "--definition", D2)[0], 0)
        c.eq(v + " updated definition", cli.text("describe-state-machine", "--state-machine-arn", sm,
             "--query", "definition"), D2)
        c.skip(v + " revisionId", "the CLI v2 2.9 does not know the member")
    else:
        c.eq(v + " no revision before an update", cli.text("describe-state-machine", "--state-machine-arn", sm,
             "--query", "revisionId"), "None")
        rev = cli.text("update-state-machine", "--state-machine-arn", sm, "--definition", D2, "--query",
                       "revisionId")
        c.ok(v + " update: a revision", len(rev) >= 8 and " " not in rev, rev)
        c.eq(v + " updated definition", cli.text("describe-state-machine", "--state-machine-arn", sm,
             "--query", "[definition,revisionId]").split("\t"), [D2, rev])
        c.eq(v + " same update, same revision", cli.text("update-state-machine", "--state-machine-arn", sm,
             "--definition", D2, "--query", "revisionId"), rev)
    check_error(c, cli, "update with nothing", cli("update-state-machine", "--state-machine-arn", sm),
                "UpdateStateMachine", "MissingRequiredParameter",
                "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration "
                "must be specified")
    bad = '{"StartAt":"P"}'
    rc, _, err = cli("create-state-machine", "--name", "broken", "--role-arn", ROLE, "--definition", bad)
    c.eq(v + " invalid definition: exit status", rc, cli.rc)
    c.ok(v + " invalid definition: error",
         error_line("CreateStateMachine", "InvalidDefinition", "Invalid State Machine Definition: '") in err, err)
    hold = cli.text("create-state-machine", "--name", "hold", "--role-arn", ROLE, "--definition", HOLD,
                    "--query", "stateMachineArn")
    gone = cli.text("create-state-machine", "--name", "gone", "--role-arn", ROLE, "--definition", D2,
                    "--query", "stateMachineArn")
    c.eq(v + " list machines (by name)", cli.text("list-state-machines", "--query", "stateMachines[].name").split(),
         ["gone", "hello", "hold"])
    c.eq(v + " list machines, pages of 1", cli.text("list-state-machines", "--page-size", "1",
         "--query", "stateMachines[].name").split(), ["gone", "hello", "hold"])
    c.eq(v + " delete", cli("delete-state-machine", "--state-machine-arn", gone)[0], 0)
    check_error(c, cli, "deleted", cli("describe-state-machine", "--state-machine-arn", gone),
                "DescribeStateMachine", "StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'" % gone)
    c.eq(v + " list after delete", cli.text("list-state-machines", "--query", "stateMachines[].name").split(),
         ["hello", "hold"])
    return hold


def paging(c, cli, api, hold):
    """ListExecutions over N executions: the paginator, --max-items tokens, --max-results."""
    v = cli.version
    names = ["e%03d" % i for i in range(N)]
    for name in names:  # through the API: N CLI processes would take minutes
        api.call("StartExecution", stateMachineArn=hold, name=name, input="{}")
    newest = names[::-1]
    lst = ("list-executions", "--state-machine-arn", hold)
    c.eq(v + " paginator, --page-size 7", cli.text(*lst, "--page-size", "7", "--query", "executions[].name").split(),
         newest)
    c.eq(v + " everything (default pages)", cli.text(*lst, "--query", "executions[].name").split(), newest)
    got, token, pages = [], None, []
    for _ in range(5):
        more = ("--starting-token", token) if token else ()
        page = cli.json(*lst, "--max-items", "100", *more)
        names_page = [e["name"] for e in page.get("executions", [])]
        pages.append(len(names_page))
        got += names_page
        token = page.get("NextToken")
        if not token:
            break
    c.eq(v + " --max-items 100 pages", pages, [100, 100, 50])
    c.eq(v + " --max-items 100: all, newest first", got, newest)
    got, token, pages = [], None, []
    for _ in range(5):
        more = ("--next-token", token) if token else ()
        page = cli.json(*lst, "--max-results", "100", "--no-paginate", *more)
        pages.append(len(page.get("executions", [])))
        got += [e["name"] for e in page.get("executions", [])]
        token = page.get("nextToken")
        if not token:
            break
    c.eq(v + " --max-results 100 --no-paginate pages", pages, [100, 100, 50])
    c.eq(v + " --max-results 100: all, newest first", got, newest)
    c.eq(v + " status filter, nothing", cli.json(*lst, "--status-filter", "SUCCEEDED"), {"executions": []})
    first = arn("execution", "hold", names[0])
    c.eq(v + " stop one", cli("stop-execution", "--execution-arn", first)[0], 0)
    for name in names[1:]:
        api.call("StopExecution", executionArn=arn("execution", "hold", name))
    c.eq(v + " all aborted", sorted(cli.text(*lst, "--status-filter", "ABORTED", "--query",
         "executions[].name").split()), names)
    c.eq(v + " stopped without error", cli.text("describe-execution", "--execution-arn", first,
         "--query", "[status,error,cause]"), "ABORTED\tNone\tNone")
    c.eq(v + " aborted history", cli.text("get-execution-history", "--execution-arn", first,
         "--query", "events[].[id,previousEventId,type]").split(),
         ["1", "0", "ExecutionStarted", "2", "0", "WaitStateEntered", "3", "0", "ExecutionAborted"])


def history(c, cli, x):
    """GetExecutionHistory pages through the CLI: the paginator and --max-results tokens."""
    v = cli.version
    h = ("get-execution-history", "--execution-arn", x)
    c.eq(v + " history, --page-size 3", cli.text(*h, "--page-size", "3", "--query", "events[].id").split(),
         [str(i) for i in range(1, 9)])
    c.eq(v + " history reversed, --page-size 3", cli.text(*h, "--reverse-order", "--page-size", "3",
         "--query", "events[].id").split(), [str(i) for i in range(8, 0, -1)])
    page = cli.json(*h, "--max-results", "5", "--no-paginate")
    c.eq(v + " history page 1", [e["id"] for e in page.get("events", [])], [1, 2, 3, 4, 5])
    page = cli.json(*h, "--max-results", "5", "--no-paginate", "--next-token", page.get("nextToken", "?"))
    c.eq(v + " history page 2", [e["id"] for e in page.get("events", [])], [6, 7, 8])
    c.ok(v + " history page 2 is the last", "nextToken" not in page, page.get("nextToken"))
    c.eq(v + " history without data", cli.text(*h, "--no-include-execution-data",
         "--query", "events[0].executionStartedEventDetails.input"), "None")


def sync(c, cli):
    v = cli.version
    ok, why = (True, "") if v == "v1" else sync_host_resolvable()
    if not ok:
        return c.skip(v + " start-sync-execution", why)
    ex = cli.text("create-state-machine", "--name", "quick", "--type", "EXPRESS", "--role-arn", ROLE,
                  "--definition", EXPRESS, "--query", "stateMachineArn")
    c.eq(v + " start-sync-execution", cli.text("start-sync-execution", "--state-machine-arn", ex,
         "--input", '{"a":7}', "--query", "[status,output]"), 'SUCCEEDED\t{"got":7}')
    if v == "v2":  # 2.9 has neither command
        return c.skip(v + " test-state, validate-state-machine-definition", "the CLI v2 2.9 does not have them")
    c.eq(v + " test-state", cli.text("test-state", "--definition", '{"Type":"Pass","Parameters":{"b.$":"$.a"},'
         '"End":true}', "--input", '{"a":[1]}', "--query", "[status,output]"), 'SUCCEEDED\t{"b":[1]}')
    c.eq(v + " validate-state-machine-definition", cli.text("validate-state-machine-definition", "--definition", D,
         "--query", "[result,length(diagnostics)]"), "OK\t0")


def run(c, cli_path, version):
    srv = Server(ASLC, workdir("cli-" + version)).start()
    try:
        cli, api = Cli(cli_path, version, srv.url), srv.api()
        sm, x = spec_block(c, cli, api)
        history(c, cli, x)
        hold = machines(c, cli, sm)
        paging(c, cli, api, hold)
        sync(c, cli)
        api.close()
    finally:
        c.eq(version + " clean stop on SIGTERM", srv.stop(), 0)
        if c.failed:
            print("--- server log (tail) ---\n" + srv.log_text())
        srv.cleanup(c.failed)


def timed_run(c, path, version):
    t0 = time.monotonic()
    try:
        run(c, path, version)
    except Exception as e:  # the other CLI's run goes on
        c.ok(version + " run", False, "raised %r" % (e,))
    print("%s (%s): %.1f s" % (version, path, time.monotonic() - t0), flush=True)


def main():
    c = Checks("test_cli")
    clis = find_clis()
    runs = []
    for version in ("v1", "v2"):
        if version not in clis:
            c.skip(version, "no AWS CLI %s found (pip awscli / apt-get install awscli)" % version)
            continue
        # at the same time, on servers of their own: each CLI call is ~1 s of Python start-up
        runs.append(threading.Thread(target=timed_run, args=(c, clis[version], version)))
        runs[-1].start()
    for t in runs:
        t.join()
    if not clis:
        c.done()
        return 77
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
