"""The console of `aslc serve` over plain HTTP (urllib, no browser): every page answers with the
page contract's ids and classes, whatever an execution or a definition holds is HTML-escaped,
unknown ARNs give 404, the start and stop forms redirect (303) or answer 400, the event stream
sends an event and ends with the execution, and an execution of 10,000 events still renders.

usage: test_console_http.py ASLC"""
import html.parser
import http.client
import json
import os
import re
import sys
import threading
import time
import urllib.parse

from serve_fixture import ROLE, Checks, Server, arn, main_args, wait_for, workdir

HOSTILE_STATE = "<script>alert(\"s\")</script> & 'q'"
HOSTILE_INPUT = {"x": "</script><script>alert(1)</script>&amp;\"'"}
HOSTILE_EXEC = "it's(1)=!@+"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Page(html.parser.HTMLParser):
    """The elements of a page: (tag, attrs, text inside) in document order."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements, self.open = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in ("input", "br", "meta", "link", "img", "hr"):
            self.open.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i]["tag"] == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        for el in self.open:
            el["text"] += data

    def find(self, tag=None, id=None, cls=None, **attrs):
        out = []
        for el in self.elements:
            a = el["attrs"]
            if tag and el["tag"] != tag:
                continue
            if id and a.get("id") != id:
                continue
            if cls and cls not in (a.get("class") or "").split():
                continue
            if any(a.get(k) != v for k, v in attrs.items()):
                continue
            out.append(el)
        return out

    def one(self, **kw):
        found = self.find(**kw)
        return found[0] if found else None


class Web:
    """GETs and form POSTs to the console, without following redirects."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        conn.request(method, path, body, headers or {})
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        conn.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, headers=None):
        """A form POST as the console's own page sends it (with its Origin)."""
        h = {"Content-Type": "application/x-www-form-urlencoded",
             "Origin": "http://%s:%d" % (self.host, self.port)}
        h.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(fields), h)


def q(s):
    return urllib.parse.quote(s, safe="")


def machine_page(web, machine_arn, query=""):
    return web.get("/state-machines/" + q(machine_arn) + query)


def execution_page(web, exec_arn, query=""):
    return web.get("/executions/" + q(exec_arn) + query)


def wait_done(api, exec_arn, timeout=60):
    return wait_for(lambda: api.call("DescribeExecution", executionArn=exec_arn)["status"] != "RUNNING"
                    and True, timeout, 0.1)


def check_home(ck, web, machine_arn):
    status, headers, text = web.get("/")
    p = Page(text)
    ck.eq("home: 200", status, 200)
    ck.ok("home: text/html", headers.get("content-type", "").startswith("text/html"), headers)
    ck.ok("home: title", p.one(tag="title") is not None)
    ck.ok("home: no favicon request (a 404 is a console error)", p.one(tag="link", rel="icon") is not None)
    ck.ok("home: nav Home link", p.one(tag="a", href="/") is not None and
          p.one(tag="a", href="/")["text"] == "Home")
    ck.eq("home: h1", p.one(tag="h1")["text"], "aslc console")
    ck.ok("home: table#machines", p.one(tag="table", id="machines") is not None)
    link = p.one(tag="a", href="/state-machines/" + q(machine_arn))
    ck.ok("home: machine link", link is not None, "no link to %s" % machine_arn)
    rows = p.find(tag="tr", cls="machine")
    ck.ok("home: tr.machine rows", len(rows) >= 2, len(rows))
    ck.ok("home: td.name/type/created", p.find(tag="td", cls="type") and
          all(ISO.match(td["text"]) for td in p.find(tag="td", cls="created")))
    ck.ok("home: table#activities", p.one(tag="table", id="activities") is not None)
    ck.ok("home: tr.activity", len(p.find(tag="tr", cls="activity")) == 1)


def check_machine(ck, web, machine_arn, name):
    status, _, text = machine_page(web, machine_arn)
    p = Page(text)
    ck.eq("machine: 200", status, 200)
    ck.eq("machine: h1", p.one(tag="h1")["text"], name)
    ck.ok("machine: div#graph", p.one(tag="div", id="graph") is not None)
    ck.ok("machine: table#executions", p.one(tag="table", id="executions") is not None)
    rows = p.find(tag="tr", cls="execution")
    ck.ok("machine: tr.execution data-status", rows and all(
        r["attrs"].get("data-status") in ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
        for r in rows), [r["attrs"] for r in rows[:3]])
    ck.ok("machine: form#status-filter GET", (p.one(tag="form", id="status-filter") or {}).get(
        "attrs", {}).get("method", "").upper() == "GET")
    opts = [o["attrs"].get("value") for o in p.find(tag="option")]
    ck.ok("machine: status options", all(s in opts for s in
          ("ALL", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")), opts)
    ck.ok("machine: select name=status", p.one(tag="select", name="status") is not None)
    form = p.one(tag="form", id="start-form")
    ck.ok("machine: form#start-form", form is not None and form["attrs"].get("method") == "POST"
          and form["attrs"].get("action") == "/console/start")
    ck.ok("machine: hidden stateMachineArn", p.one(tag="input", name="stateMachineArn",
                                                    type="hidden", value=machine_arn) is not None)
    ck.ok("machine: input name", p.one(tag="input", name="name") is not None)
    ta = p.one(tag="textarea", id="start-input")
    ck.ok("machine: textarea#start-input {}", ta is not None and ta["attrs"].get("name") == "input"
          and ta["text"] == "{}")
    ck.ok("machine: button#start-button", p.one(tag="button", id="start-button") is not None)


def check_graph(ck, where, text, want_class):
    """The graph: the SVG with the overlay's classes when dot and the renderer can draw it,
    else the note that says why (p.graph-missing, and the Mermaid text)."""
    p = Page(text)
    graph = p.one(tag="div", id="graph")
    ck.ok(where + ": div#graph", graph is not None)
    if "<svg" in text:
        ck.ok(where + ": no XML prolog inline", "<?xml" not in text and "<!DOCTYPE svg" not in text)
        classes = " ".join(el["attrs"].get("class") or "" for el in p.find(tag="g", cls="state"))
        ck.ok(where + ": g.state nodes", "type-" in classes, classes[:200])
        if want_class:
            ck.ok(where + ": " + want_class, want_class in classes, classes[:300])
    else:
        ck.ok(where + ": p.graph-missing when not drawn",
              p.one(tag="p", cls="graph-missing") is not None)
        ck.skip(where + ": svg classes", "the SVG could not be drawn here (%s)" %
                (p.one(tag="p", cls="graph-missing") or {"text": "?"})["text"][:120])


def check_execution(ck, web, api, exec_arn, exec_name):
    status, _, text = execution_page(web, exec_arn)
    p = Page(text)
    ck.eq("execution: 200", status, 200)
    ck.eq("execution: h1", p.one(tag="h1")["text"], exec_name)
    span = p.one(tag="span", id="status")
    ck.ok("execution: span#status", span is not None and span["text"] == "SUCCEEDED" and
          span["attrs"].get("data-status") == "SUCCEEDED", span)
    ck.ok("execution: no stop button when finished", p.one(id="stop-button") is None)
    history = api.call("GetExecutionHistory", executionArn=exec_arn, maxResults=1000)["events"]
    rows = p.find(tag="tr", cls="event")
    ck.eq("execution: one tr.event per event", len(rows), len(history))
    ids = [td["text"] for td in p.find(tag="td", cls="id")]
    types = [td["text"] for td in p.find(tag="td", cls="type")]
    ck.eq("execution: event ids", ids, [str(e["id"]) for e in history])
    ck.eq("execution: event types", types, [e["type"] for e in history])
    stamps = [td["text"] for td in p.find(tag="td", cls="timestamp")]
    ck.ok("execution: ISO 8601 UTC timestamps", stamps and all(ISO.match(s) for s in stamps), stamps[:2])
    ck.eq("execution: td.details", len(p.find(tag="td", cls="details")), len(history))
    links = p.find(tag="a", cls="state-link")
    ck.ok("execution: a.state-link data-state", any(a["attrs"].get("data-state") == HOSTILE_STATE
                                                     for a in links), [a["attrs"] for a in links[:3]])
    for id in ("details", "details-name", "details-input", "details-output", "details-variables",
               "details-error", "details-dataflow", "details-visit", "map-grid", "graph"):
        ck.ok("execution: #" + id, p.one(id=id) is not None)
    dts = [dt["text"] for dt in p.find(tag="dt")]
    ck.ok("execution: dataflow dt", all(k in dts for k in ("afterInputPath", "afterParameters",
                                                            "afterResultSelector", "afterResultPath")), dts)
    ck.ok("execution: #details hidden", "hidden" in p.one(id="details")["attrs"])
    data = p.one(tag="script", id="console-data")
    ck.ok("execution: console-data JSON", data is not None and
          json.loads(data["text"])["execution"] == exec_arn)
    check_graph(ck, "execution graph", text, "status-succeeded")
    # the parts the page reloads
    for part, marker in (("status", 'id="status"'), ("events", 'id="events"'), ("graph", "")):
        s, _, t = execution_page(web, exec_arn, "?fragment=" + part)
        ck.ok("fragment %s: 200" % part, s == 200 and marker in t and "<html" not in t, (s, t[:200]))
    s, _, _ = execution_page(web, exec_arn, "?fragment=bogus")
    ck.eq("fragment bogus: 400", s, 400)


def check_escaping(ck, web, machine_arn, exec_arn):
    for where, (s, _, text) in (("machine", machine_page(web, machine_arn)),
                                ("execution", execution_page(web, exec_arn)),
                                ("events fragment", execution_page(web, exec_arn, "?fragment=events"))):
        ck.ok("escaping %s: no raw <script>alert" % where, "<script>alert" not in text, text[:0])
        ck.ok("escaping %s: no raw </script><script>" % where,
              "</script><script>alert" not in text)
        scripts = [el for el in Page(text).find(tag="script") if "src" not in el["attrs"]]
        for el in scripts:
            ck.ok("escaping %s: JSON script parses" % where, json.loads(el["text"]) is not None)
    p = Page(execution_page(web, exec_arn)[2])
    ck.ok("escaping: the hostile state name reads back", HOSTILE_STATE in
          "".join(td["text"] for td in p.find(tag="td", cls="details")))
    pre = p.one(tag="pre", cls="execution-input")
    ck.eq("escaping: the hostile input reads back", json.loads(pre["text"]) if pre else None,
          HOSTILE_INPUT)


def check_hostile_machine(ck, web, api):
    """A machine name may hold ' ( ) = ! @ + (AWS forbids < > & and double quotes)."""
    name = "m'(x)=!@+"
    m = api.call("CreateStateMachine", name=name, definition=json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}), roleArn=ROLE)
    s, _, text = web.get("/")
    ck.ok("hostile machine: home escapes it", "m'(x)" not in text and "m&#39;(x)=!@+" in text)
    ck.ok("hostile machine: home link", Page(text).one(
        tag="a", href="/state-machines/" + q(m["stateMachineArn"])) is not None)
    s, _, text = machine_page(web, m["stateMachineArn"])
    ck.ok("hostile machine: page", s == 200 and Page(text).one(tag="h1")["text"] == name and
          "m'(x)" not in text, s)


def check_not_found(ck, web):
    for path in ("/executions/" + q(arn("execution", "Nope", "nope")),
                 "/state-machines/" + q(arn("stateMachine", "Nope")),
                 "/no/such/page", "/console/nothing"):
        s, headers, text = web.get(path)
        ck.eq("404: " + path, s, 404)
        ck.ok("404 page: html " + path, "<h1>" in text and headers.get("content-type", "").startswith("text/html"))
    # a malformed ARN is a bad request (InvalidArn), not "no such thing"
    for path in ("/executions/not-an-arn", "/state-machines/not-an-arn"):
        s, _, text = web.get(path)
        ck.ok("400: " + path, s == 400 and "InvalidArn" in text, (s, text[-300:]))
    s, _, _ = web.get("/console/events?execution=" + q(arn("execution", "Nope", "nope")))
    ck.eq("events: unknown execution 404", s, 404)
    s, _, _ = web.get("/console/events")
    ck.eq("events: no execution 400", s, 400)


def check_assets(ck, web):
    s, h, text = web.get("/console/app.css")
    ck.ok("app.css", s == 200 and h.get("content-type", "").startswith("text/css") and "{" in text)
    s, h, text = web.get("/console/app.js")
    ck.ok("app.js", s == 200 and "javascript" in h.get("content-type", "") and
          "/console/api/status" in text and "/console/api/steps" in text)
    s, h, text = web.get("/console/api/steps?execution=x")
    try:
        ok = isinstance(json.loads(text), dict)
    except ValueError:
        ok = False
    ck.ok("api/steps answers JSON", ok and h.get("content-type", "").startswith("application/json"), text[:100])


def check_start(ck, web, api, machine_arn):
    s, h, _ = web.post("/console/start", {"stateMachineArn": machine_arn, "name": HOSTILE_EXEC,
                                          "input": json.dumps(HOSTILE_INPUT)})
    ck.eq("start: 303", s, 303)
    want = "/executions/" + q(arn("execution", "Console", HOSTILE_EXEC))
    ck.eq("start: Location", h.get("location"), want)
    s, _, text = web.get(h.get("location", "/"))
    ck.ok("start: the page of the new execution", s == 200 and
          Page(text).one(tag="h1")["text"] == HOSTILE_EXEC, s)
    s, h, _ = web.post("/console/start", {"stateMachineArn": machine_arn, "input": "{}"})
    ck.ok("start: no name: a generated one", s == 303 and "/executions/" in h.get("location", ""))
    bad = '{"x": <b>&'
    s, _, text = web.post("/console/start", {"stateMachineArn": machine_arn, "input": bad})
    p = Page(text)
    ck.eq("start: bad JSON 400", s, 400)
    ck.ok("start: bad JSON p.error", p.one(tag="p", cls="error") is not None)
    ta = p.one(tag="textarea", id="start-input")
    ck.ok("start: the input sent is shown again", ta is not None and ta["text"] == bad, ta)
    ck.ok("start: bad JSON escaped", "<b>&" not in text)
    s, _, _ = web.post("/console/start", {"input": "{}"})
    ck.eq("start: no machine 400", s, 400)
    s, _, _ = web.post("/console/start", {"stateMachineArn": arn("stateMachine", "Nope"), "input": "{}"})
    ck.eq("start: unknown machine 404", s, 404)
    s, _, _ = web.post("/console/start", {"stateMachineArn": machine_arn, "input": "{}"},
                       {"Origin": "http://evil.example"})
    ck.eq("start: another origin 403", s, 403)
    s, _, _ = web.post("/console/start", {"stateMachineArn": machine_arn, "input": "{}"},
                       {"Origin": "http://%s:%d" % (web.host, web.port)})
    ck.eq("start: same origin 303", s, 303)


def read_sse(web, exec_arn, timeout=30):
    """Opens the event stream: the connection and its response."""
    conn = http.client.HTTPConnection(web.host, web.port, timeout=timeout)
    conn.request("GET", "/console/events?execution=" + q(exec_arn))
    return conn, conn.getresponse()


def sse_events(resp):
    """The JSON of each `data:` line until the stream ends."""
    while True:
        line = resp.readline()
        if not line:
            return
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


def check_live_and_stop(ck, web, api, wait_arn, server):
    e = api.call("StartExecution", stateMachineArn=wait_arn, name="long-wait", input="{}")
    exec_arn = e["executionArn"]
    s, _, text = execution_page(web, exec_arn)
    p = Page(text)
    ck.ok("running: span#status RUNNING", p.one(id="status")["attrs"].get("data-status") == "RUNNING")
    ck.ok("running: button#stop-button", p.one(tag="button", id="stop-button") is not None)
    stop_form = p.one(tag="form", action="/console/stop")
    ck.ok("running: stop form POST", stop_form is not None and stop_form["attrs"].get("method") == "POST")
    conn, resp = read_sse(web, exec_arn)
    ck.eq("events: 200", resp.status, 200)
    ck.ok("events: text/event-stream", resp.getheader("Content-Type", "").startswith("text/event-stream"))
    events = sse_events(resp)
    first = next(events, None)
    ck.ok("events: a first event while running", first is not None and first.get("status") == "RUNNING"
          and first.get("events", 0) >= 1, first)
    s, h, _ = web.post("/console/stop", {"executionArn": exec_arn})
    ck.eq("stop: 303", s, 303)
    ck.eq("stop: Location", h.get("location"), "/executions/" + q(exec_arn))
    t0 = time.monotonic()
    rest = list(events)  # the stream must end by itself once the execution ended
    conn.close()
    ck.ok("events: ends after the end", time.monotonic() - t0 < 10, time.monotonic() - t0)
    ck.ok("events: final ABORTED", rest and rest[-1].get("status") == "ABORTED", rest)
    s, _, text = execution_page(web, exec_arn)
    p = Page(text)
    ck.ok("stopped: ABORTED shown", p.one(id="status")["attrs"].get("data-status") == "ABORTED")
    ck.ok("stopped: no stop button", p.one(id="stop-button") is None)
    # the state that was running is drawn aborted, as the steps API calls it (not failed)
    check_graph(ck, "stopped graph", text, "status-aborted")
    steps = json.loads(web.get("/console/api/steps?execution=" + q(exec_arn))[2])["steps"]
    ck.eq("stopped: steps say aborted too", [st["status"] for st in steps], ["aborted"])
    s, _, _ = web.post("/console/stop", {})
    ck.eq("stop: no ARN 400", s, 400)
    s, _, _ = web.post("/console/stop", {"executionArn": arn("execution", "Nope", "nope")})
    ck.eq("stop: unknown execution 404", s, 404)
    s, _, text = web.post("/console/stop", {"executionArn": "garbage"})
    ck.ok("stop: malformed ARN 400", s == 400 and "InvalidArn" in text, (s, text[-200:]))
    # a client that goes away ends its stream (the server would else hold a thread per page)
    e2 = api.call("StartExecution", stateMachineArn=wait_arn, name="left-alone", input="{}")
    threads = lambda: len(os.listdir("/proc/%d/task" % pid)) if pid else 0
    pid = server.proc.pid if server.proc and os.path.isdir("/proc/%d/task" % server.proc.pid) else None
    before = threads()
    conn, resp = read_sse(web, e2["executionArn"])
    next(sse_events(resp), None)
    during = threads()
    conn.close()
    if pid:
        ck.ok("events: a closed client ends its stream", during > before and
              wait_for(lambda: threads() < during, 10, 0.1), (before, during, threads()))
    else:
        ck.skip("events: a closed client ends its stream", "no /proc of the server here")
    api.call("StopExecution", executionArn=e2["executionArn"])
    # a client going away is normal: no "application error" in the server's log
    ck.ok("events: a closed client is not an error in the log",
          "application error" not in server.log_text(), server.log_text()[-500:])


def check_status_api(ck, web, api, wait_arn, done_arn):
    """GET /console/api/status: what the page polls, the store's row only."""
    e = api.call("StartExecution", stateMachineArn=wait_arn, name="polled", input="{}")
    deadline = time.monotonic() + 10  # the engine writes the first events a moment later
    while True:
        s, h, text = web.get("/console/api/status?execution=" + q(e["executionArn"]))
        got = json.loads(text) if s == 200 else None
        if not got or got.get("events", 0) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    ck.ok("status api: RUNNING", got and got["status"] == "RUNNING" and got["events"] >= 2 and
          h.get("content-type", "").startswith("application/json"), (s, text))
    api.call("StopExecution", executionArn=e["executionArn"])
    got = json.loads(web.get("/console/api/status?execution=" + q(e["executionArn"]))[2])
    ck.eq("status api: ABORTED after the stop", got.get("status"), "ABORTED")
    n = len(api.call("GetExecutionHistory", executionArn=done_arn, maxResults=1000)["events"])
    got = json.loads(web.get("/console/api/status?execution=" + q(done_arn))[2])
    ck.eq("status api: the events count", got, {"status": "SUCCEEDED", "events": n})
    s, _, text = web.get("/console/api/status?execution=" + q(arn("execution", "Nope", "nope")))
    ck.ok("status api: unknown 404 JSON", s == 404 and "error" in json.loads(text), (s, text))
    s, _, text = web.get("/console/api/status")
    ck.ok("status api: none 400", s == 400 and "error" in json.loads(text), (s, text))


def check_events_range(ck, web, exec_arn):
    """?events_after= at or past the end shows the last page, not "Events n+1 to n"."""
    n = len(Page(execution_page(web, exec_arn)[2]).find(tag="tr", cls="event"))
    for after in (n, 18000):
        s, _, text = execution_page(web, exec_arn, "?events_after=%d" % after)
        p = Page(text)
        rng = p.one(tag="p", cls="events-range")
        ck.ok("events past the end (%d): the last page" % after, s == 200 and rng is None and
              len(p.find(tag="tr", cls="event")) == n and p.one(id="events-previous") is None,
              (s, rng, len(p.find(tag="tr", cls="event")), n))


def check_hosts(ck, web, api, machine_arn):
    """DNS rebinding: a page on http://evil.example:PORT (a name that now points here) is
    refused, GET and POST; IP addresses and localhost are answered."""
    host = "evil.example:%d" % web.port
    s, _, text = web.request("GET", "/", headers={"Host": host})
    ck.ok("host: a domain name 403", s == 403 and "DNS rebinding" in text, (s, text[-300:]))
    s, _, _ = web.request("GET", "/console/api/steps?execution=x", headers={"Host": host})
    ck.eq("host: a domain name 403 (api)", s, 403)
    before = len(api.call("ListExecutions", stateMachineArn=machine_arn,
                          maxResults=1000)["executions"])
    s, _, _ = web.post("/console/start", {"stateMachineArn": machine_arn, "input": "{}"},
                       {"Host": host, "Origin": "http://" + host})
    ck.eq("host: a rebinding POST 403", s, 403)
    ck.eq("host: it started nothing", len(api.call("ListExecutions", stateMachineArn=machine_arn,
                                                   maxResults=1000)["executions"]), before)
    for ok_host in ("localhost:%d" % web.port, "LocalHost", "[::1]:%d" % web.port,
                    "127.0.0.1:%d" % web.port, "10.1.2.3"):
        s, _, _ = web.request("GET", "/", headers={"Host": ok_host})
        ck.eq("host: %s 200" % ok_host, s, 200)
    for bad in ("[not-v6]:1", "127.0.0.1.evil.example", "a:b:c", ""):
        s, _, _ = web.request("GET", "/", headers={"Host": bad})
        ck.ok("host: %r refused" % bad, s in (400, 403), s)
    # POSTs: an Origin of this server, or Sec-Fetch-Site: same-origin; neither: refused
    form = urllib.parse.urlencode({"stateMachineArn": machine_arn, "input": "{}"})
    plain = {"Content-Type": "application/x-www-form-urlencoded"}
    s, _, _ = web.request("POST", "/console/start", form, plain)
    ck.eq("post: no Origin nor Sec-Fetch-Site 403", s, 403)
    s, _, _ = web.request("POST", "/console/start", form, dict(plain, **{"Sec-Fetch-Site": "cross-site"}))
    ck.eq("post: Sec-Fetch-Site cross-site 403", s, 403)
    s, _, _ = web.request("POST", "/console/start", form, dict(plain, **{"Sec-Fetch-Site": "same-origin"}))
    ck.eq("post: Sec-Fetch-Site same-origin 303", s, 303)


def check_console_host_option(ck, aslc):
    """--console-host NAME allows that name (and only it)."""
    server = Server(aslc, workdir("console-host"), extra=("--console-host", "console.test")).start()
    try:
        web = Web(server.url)
        s, _, _ = web.request("GET", "/", headers={"Host": "console.test:%d" % web.port})
        ck.eq("--console-host: the name 200", s, 200)
        s, _, _ = web.request("GET", "/", headers={"Host": "other.test:%d" % web.port})
        ck.eq("--console-host: another name 403", s, 403)
    finally:
        rc = server.stop()
    ck.eq("--console-host server: clean stop", rc, 0)
    server.cleanup(False)


def check_stream_at_shutdown(ck, server, api, wait_arn):
    """SIGTERM with a stream open: the stream ends with its last chunk (a complete response),
    not a cut connection."""
    e = api.call("StartExecution", stateMachineArn=wait_arn, name="at-shutdown", input="{}")
    web = Web(server.url)
    conn, resp = read_sse(web, e["executionArn"])
    first = next(sse_events(resp), None)
    outcome = {}

    def drain():
        try:
            outcome["rest"] = list(sse_events(resp))
            outcome["complete"] = True
        except (http.client.IncompleteRead, ConnectionError, OSError) as ex:
            outcome["complete"] = repr(ex)

    t = threading.Thread(target=drain)
    t.start()
    time.sleep(0.3)
    rc = server.stop()
    t.join(15)
    conn.close()
    ck.ok("shutdown: the stream had begun", first is not None, first)
    ck.eq("shutdown: the stream ends complete", outcome.get("complete"), True)
    return rc


def check_filter_and_paging(ck, web, api, machine_arn):
    for i in range(55):
        api.call("StartExecution", stateMachineArn=machine_arn, name="bulk-%02d" % i, input="{}")
    wait_for(lambda: not api.call("ListExecutions", stateMachineArn=machine_arn,
                                  statusFilter="RUNNING")["executions"], 60, 0.2)
    total = len(api.call("ListExecutions", stateMachineArn=machine_arn, maxResults=1000)["executions"])
    seen, query, pages = [], "", 0
    while pages < 10:
        s, _, text = machine_page(web, machine_arn, query)
        p = Page(text)
        seen += [td["text"] for td in p.find(tag="td", cls="name")]
        pages += 1
        nxt = p.one(tag="a", id="next-page")
        if not nxt:
            break
        query = "?" + nxt["attrs"]["href"].split("?", 1)[1]
    ck.ok("paging: a#next-page pages", pages >= 2, pages)
    ck.eq("paging: every execution once", sorted(seen), sorted(set(seen)))
    ck.eq("paging: all of them", len(seen), total)
    s, _, text = machine_page(web, machine_arn, "?status=SUCCEEDED")
    statuses = {r["attrs"]["data-status"] for r in Page(text).find(tag="tr", cls="execution")}
    ck.eq("filter: SUCCEEDED only", statuses, {"SUCCEEDED"})
    s, _, text = machine_page(web, machine_arn, "?status=FAILED")
    ck.eq("filter: FAILED none", len(Page(text).find(tag="tr", cls="execution")), 0)
    sel = [o for o in Page(text).find(tag="option") if "selected" in o["attrs"]]
    ck.ok("filter: the choice stays selected", sel and sel[0]["attrs"]["value"] == "FAILED")


def check_big(ck, web, api):
    """A Map of 2,500 Pass iterations: 4 events each, about 10,000 in all."""
    d = {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "End": True,
         "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}}}}
    m = api.call("CreateStateMachine", name="Big", definition=json.dumps(d), roleArn=ROLE)
    e = api.call("StartExecution", stateMachineArn=m["stateMachineArn"], name="big",
                 input=json.dumps({"items": list(range(2500))}))
    wait_done(api, e["executionArn"], 120)
    t0 = time.monotonic()
    s, _, text = execution_page(web, e["executionArn"])
    took = time.monotonic() - t0
    p = Page(text)
    n = json.loads(p.one(tag="script", id="console-data")["text"])["events"]
    print("big execution: %d events, page %.1f s, %d bytes" % (n, took, len(text)))
    ck.ok("big: 10,000 events", n >= 10000, n)
    ck.eq("big: 200", s, 200)
    ck.eq("big: first page 1000 rows", len(p.find(tag="tr", cls="event")), 1000)
    ids, query = [], ""
    for _ in range(20):
        s, _, t = execution_page(web, e["executionArn"], query + ("&" if query else "?") + "fragment=events")
        pp = Page(t)
        ids += [int(td["text"]) for td in pp.find(tag="td", cls="id")]
        nxt = pp.one(tag="a", id="events-next")
        if not nxt:
            break
        query = "?" + nxt["attrs"]["href"].split("?", 1)[1]
    ck.eq("big: the pages hold every event once, in order", ids, list(range(1, n + 1)))


def main():
    aslc = main_args(__doc__.strip().splitlines()[-1])
    ck = Checks("console_http")
    server = Server(aslc, workdir("console")).start()
    try:
        api, web = server.api(), Web(server.url)
        d = {"StartAt": HOSTILE_STATE, "States": {
            HOSTILE_STATE: {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Succeed"}}}
        m = api.call("CreateStateMachine", name="Console", definition=json.dumps(d), roleArn=ROLE)
        machine_arn = m["stateMachineArn"]
        w = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 600, "End": True}}}
        wait_arn = api.call("CreateStateMachine", name="Waiting", definition=json.dumps(w),
                            roleArn=ROLE)["stateMachineArn"]
        api.call("CreateActivity", name="an-activity")
        check_hostile_machine(ck, web, api)
        e = api.call("StartExecution", stateMachineArn=machine_arn, name="first",
                     input=json.dumps(HOSTILE_INPUT))
        wait_done(api, e["executionArn"])
        check_home(ck, web, machine_arn)
        check_machine(ck, web, machine_arn, "Console")
        check_graph(ck, "machine graph", machine_page(web, machine_arn)[2], None)
        check_execution(ck, web, api, e["executionArn"], "first")
        check_escaping(ck, web, machine_arn, e["executionArn"])
        check_not_found(ck, web)
        check_assets(ck, web)
        check_start(ck, web, api, machine_arn)
        check_live_and_stop(ck, web, api, wait_arn, server)
        check_status_api(ck, web, api, wait_arn, e["executionArn"])
        check_events_range(ck, web, e["executionArn"])
        check_hosts(ck, web, api, machine_arn)
        check_filter_and_paging(ck, web, api, machine_arn)
        check_big(ck, web, api)
        # the API is untouched: POST / still answers as before
        ck.ok("api: still served", api.call("ListStateMachines")["stateMachines"] != [])
        rc = check_stream_at_shutdown(ck, server, api, wait_arn)
    finally:
        rc = server.stop()
    ck.eq("server: clean stop", rc, 0)
    check_console_host_option(ck, aslc)
    failed = ck.done(server)
    server.cleanup(failed)
    return failed


if __name__ == "__main__":
    sys.exit(main())
