"""The console of `aslc serve` in a real browser (headless chromium), against the page contract
of issue 13: the home page, a machine page (graph, executions, status filter), an execution page
of a finished execution (status classes on the graph, the events table against
GetExecutionHistory, step details by click, by keyboard and by deep link, the Map grid), the
Start form with live updates, the Stop button, and no network access beyond the server.

usage: test_console.py ASLC ARTIFACTS_DIR   (screenshots go to ARTIFACTS_DIR/*.png)
Exits 77 (SKIPPED) without chromium, chromedriver or selenium."""
import json
import os
import sys
import time
import traceback
import urllib.parse

import browser_fixture as bf
from serve_fixture import ROLE, SKIP, Checks, Server, read_known, workdir
from serve_fixture import wait_for as wait_for_value

LIVE_S = 20  # the brief's bound for a live status change
# checks that fail for a known reason (name TAB reason), as tests/serve/known-failures.tsv
KNOWN_FAILURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known-failures.tsv")

# The fixture machine: a Choice (Small is not run), a Map of three iterations, a Parallel whose
# branch fails and whose Catch goes on (caught; the Fail inside is failed), then Succeed.
VISUAL = {
    "Comment": "browser fixture",
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 2, "Next": "Fan"}], "Default": "Small"},
        "Small": {"Type": "Pass", "End": True},
        "Fan": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.mapped",
                "ItemProcessor": {"StartAt": "Double", "States": {
                    "Double": {"Type": "Pass", "Parameters": {"item.$": "$"}, "End": True}}},
                "Next": "Risky"},
        "Risky": {"Type": "Parallel", "Branches": [{"StartAt": "Boom", "States": {
            "Boom": {"Type": "Fail", "Error": "Oops", "Cause": "<b>bad</b> & \"quoted\""}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Done"}],
            "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}
POINTERS = {  # state name -> JSON Pointer of its node, and the status class the overlay gives it
    "Check": ("/States/Check", "succeeded"),
    "Small": ("/States/Small", "not-run"),
    "Fan": ("/States/Fan", "succeeded"),
    "Double": ("/States/Fan/ItemProcessor/States/Double", "succeeded"),
    "Risky": ("/States/Risky", "caught"),
    "Boom": ("/States/Risky/Branches/0/States/Boom", "failed"),
    "Done": ("/States/Done", "succeeded"),
}
SLOW = {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 3, "Next": "End"},
                                      "End": {"Type": "Succeed"}}}
SLEEPER = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 600, "End": True}}}
# a Map that runs twice (the Choice sends it back once): two runs of two iterations
RERUN = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "M"},
    "M": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.out", "MaxConcurrency": 1,
          "ItemProcessor": {"StartAt": "P", "States": {
              "P": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}}},
          "Assign": {"n.$": "States.MathAdd($n, 1)"}, "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericLessThan": 2, "Next": "M"}],
          "Default": "D"},
    "D": {"Type": "Succeed"}}}
# a loop of 1 s Waits for about 15 s: a state with many visits while the page updates live
LOOP = {"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "W"},
    "W": {"Type": "Wait", "Seconds": 1, "Assign": {"n.$": "States.MathAdd($n, 1)"}, "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericLessThan": 15, "Next": "W"}],
          "Default": "D"},
    "D": {"Type": "Succeed"}}}


def wait_for(pred, timeout, step=0.05):
    """serve_fixture.wait_for over the page: a live update replaces parts of it, so an element
    found a moment ago may be gone (stale) or not there yet; that try counts as false."""
    from selenium.common.exceptions import WebDriverException

    def attempt():
        try:
            return pred()
        except WebDriverException:
            return None
    return wait_for_value(attempt, timeout, step)


def status_text(d):
    """span#status's text now ("" while a live update swaps it)."""
    return wait_for(lambda: one(d, "span#status").text.strip(), 2) or ""


def q(arn):
    return urllib.parse.quote(arn, safe="")


def by_css(d, css):
    from selenium.webdriver.common.by import By
    return d.find_elements(By.CSS_SELECTOR, css)


def one(d, css):
    from selenium.webdriver.common.by import By
    return d.find_element(By.CSS_SELECTOR, css)


def node(d, pointer):
    return one(d, 'g.state[id="state:%s"]' % pointer)


def classes(el):
    return set((el.get_attribute("class") or "").split())


def text_json(d, css):
    """The JSON in the element's text (None when it is empty or not JSON)."""
    t = one(d, css).get_attribute("textContent").strip()
    try:
        return json.loads(t)
    except ValueError:
        return None


def finished(api, x, timeout=30):
    return wait_for(lambda: (lambda s: s if s != "RUNNING" else None)(
        api.call("DescribeExecution", executionArn=x)["status"]), timeout)


def details_for(d, name, timeout=5):
    """Waits until #details is shown with h2#details-name naming `name`."""
    return wait_for(lambda: one(d, "#details").is_displayed()
                    and one(d, "#details-name").text.strip().endswith(name), timeout)


def setup(api):
    """Creates the machines and an activity, runs the finished executions; returns the ARNs."""
    ids = {}
    for name, definition in (("visual", VISUAL), ("slow", SLOW), ("sleeper", SLEEPER),
                             ("rerun", RERUN), ("loop", LOOP)):
        ids[name] = api.call("CreateStateMachine", name=name, roleArn=ROLE,
                             definition=json.dumps(definition))["stateMachineArn"]
    api.call("CreateActivity", name="worker-queue")
    ids["ok"] = api.call("StartExecution", stateMachineArn=ids["visual"], name="ok",
                         input=json.dumps({"n": 5, "items": [1, 2, 3]}))["executionArn"]
    # no items: the Map's ItemsPath fails, so the execution fails (for the status filter)
    ids["broken"] = api.call("StartExecution", stateMachineArn=ids["visual"], name="broken",
                             input=json.dumps({"n": 5}))["executionArn"]
    ids["ok_status"] = finished(api, ids["ok"])
    ids["broken_status"] = finished(api, ids["broken"])
    return ids


def home(c, b, ids):
    """1. The home page lists the machines and the activity, without console errors."""
    b.get("/", "home")
    d = b.driver
    c.ok("home: title", bool(d.title.strip()), repr(d.title))
    c.eq("home: h1", one(d, "h1").text.strip(), "aslc console")
    c.ok("home: nav has a Home link", bool(by_css(d, 'nav a[href="/"]')))
    names = sorted(r.text.strip() for r in by_css(d, "table#machines tr.machine td.name"))
    c.eq("home: machines listed", names, ["loop", "rerun", "sleeper", "slow", "visual"])
    link = by_css(d, "table#machines tr.machine td.name a")
    c.ok("home: machine links", any(a.get_attribute("href") == b.base + "/state-machines/" +
                                    q(ids["visual"]) for a in link),
         [a.get_attribute("href") for a in link])
    c.eq("home: activities listed", len(by_css(d, "table#activities tr.activity")), 1)
    b.shot("home")


def machine(c, b, ids):
    """2. The machine page: every state in the graph, the executions with their status, the
    status filter."""
    d = b.driver
    b.get("/state-machines/" + q(ids["visual"]), "machine")
    c.eq("machine: h1", one(d, "h1").text.strip(), "visual")
    drawn = {e.get_attribute("id") for e in by_css(d, "div#graph svg g.state")}
    want = {"state:" + p for p, _ in POINTERS.values()}
    c.eq("machine: graph shows every state", drawn, want)
    rows = {r.find_element("css selector", "td.name").text.strip(): r.get_attribute("data-status")
            for r in by_css(d, "table#executions tr.execution")}
    c.eq("machine: executions with status", rows, {"ok": ids["ok_status"],
                                                  "broken": ids["broken_status"]})
    c.eq("machine: fixture statuses", (ids["ok_status"], ids["broken_status"]),
         ("SUCCEEDED", "FAILED"))
    b.shot("machine")
    from selenium.webdriver.support.ui import Select
    form = one(d, "form#status-filter")
    Select(form.find_element("css selector", 'select[name="status"]')).select_by_value("FAILED")
    buttons = form.find_elements("css selector", 'button, input[type="submit"]')
    if buttons:
        buttons[0].click()
    else:
        d.execute_script("arguments[0].submit()", form)
    wait_for(lambda: "status=FAILED" in d.current_url, 10)
    b.settle("machine?status=FAILED")
    c.ok("machine: filter submits ?status=", "status=FAILED" in d.current_url, d.current_url)
    got = [(r.find_element("css selector", "td.name").text.strip(), r.get_attribute("data-status"))
           for r in by_css(d, "table#executions tr.execution")]
    c.eq("machine: filter keeps only FAILED", got, [("broken", "FAILED")])


def execution(c, b, api, ids):
    """3. A finished execution: status classes, the events, step details (click, keyboard,
    deep link), the Map grid."""
    d = b.driver
    x = ids["ok"]
    page = "/executions/" + q(x)
    b.get(page, "execution")
    c.eq("execution: h1", one(d, "h1").text.strip(), "ok")
    st = one(d, "span#status")
    c.eq("execution: status", (st.text.strip(), st.get_attribute("data-status")),
         ("SUCCEEDED", "SUCCEEDED"))
    for name, (pointer, status) in POINTERS.items():
        got = sorted(k for k in classes(node(d, pointer)) if k.startswith("status-"))
        c.eq("execution: %s is %s" % (name, status), got, ["status-" + status])
    events = bf.history(api, x)
    rows = by_css(d, "table#events tr.event")
    c.eq("execution: one row per history event", len(rows), len(events))
    c.eq("execution: event types", [r.find_element("css selector", "td.type").text.strip()
                                    for r in rows], [e["type"] for e in events])
    c.ok("execution: details hidden at first", not one(d, "#details").is_displayed())
    # a click on a node shows that state's input and output, as the history has them
    node(d, POINTERS["Fan"][0]).click()
    c.ok("execution: click shows details", details_for(d, "Fan"))
    (inp, out), = bf.visits(events, "Fan")
    c.eq("execution: Fan input", text_json(d, "#details-input"), inp)
    c.eq("execution: Fan output", text_json(d, "#details-output"), out)
    b.shot("execution-details")
    node(d, POINTERS["Risky"][0]).click()
    c.ok("execution: click Risky", details_for(d, "Risky"))
    err = one(d, "#details-error").get_attribute("textContent")
    c.ok("execution: Risky's error and cause", "Oops" in err and "<b>bad</b>" in err, repr(err))
    c.ok("execution: the cause is text, not markup", not by_css(d, "#details-error b"))
    # Double ran once per iteration: the latest visit first, the others through the select
    node(d, POINTERS["Double"][0]).click()
    c.ok("execution: click Double", details_for(d, "Double"))
    c.eq("execution: Double's latest visit", text_json(d, "#details-input"), 3)
    from selenium.webdriver.support.ui import Select
    visit = Select(one(d, "select#details-visit"))
    c.eq("execution: one choice per visit", len(visit.options), 3)
    visit.select_by_index(0)
    c.ok("execution: the first visit", wait_for(lambda: text_json(d, "#details-input") == 1, 5))
    flow = {dt.get_attribute("textContent").strip(): dd for dt, dd in zip(
        by_css(d, "dl#details-dataflow dt"), by_css(d, "dl#details-dataflow dd"))}
    after = [json.loads(dd.get_attribute("textContent")) for k, dd in flow.items()
             if k.replace(" ", "").lower() == "afterparameters"]
    c.eq("execution: the data-flow step after Parameters", after, [{"item": 1}])
    # a state link of the events table
    link = [a for a in by_css(d, "table#events a.state-link") if a.text.strip() == "Check"]
    c.ok("execution: the events link to their states", link)
    if link:
        d.execute_script("arguments[0].scrollIntoView()", link[0])
        link[0].click()
        c.ok("execution: a state link shows its details", details_for(d, "Check"))
    # the keyboard: Tab until a state node has the focus, Enter shows its details
    b.get(page, "execution (keyboard)")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    focused = None
    for _ in range(80):
        ActionChains(d).send_keys(Keys.TAB).perform()
        focused = d.execute_script("var e = document.activeElement;"
                                   "return e && e.matches('g.state') ? e.id : null")
        if focused:
            break
    c.ok("execution: Tab reaches a state node", focused)
    if focused:
        name = next((n for n, (p, _) in POINTERS.items() if "state:" + p == focused), "?")
        ActionChains(d).send_keys(Keys.ENTER).perform()
        c.ok("execution: Enter shows details of %s" % name, details_for(d, name))
    # deep links
    b.get(page + "#state=" + q("Done"), "execution#state=Done")
    c.ok("execution: #state=Done opens its details", details_for(d, "Done"))
    (inp, out), = bf.visits(events, "Done")
    c.eq("execution: Done input by deep link", text_json(d, "#details-input"), inp)
    # the Map grid: one run of three succeeded iterations; a cell opens its iteration
    cells = by_css(d, 'div#map-grid div.map-run[data-state="Fan"] div.cell')
    c.eq("execution: Map grid cells", [(e.get_attribute("data-index"), e.get_attribute("data-status"))
                                       for e in cells],
         [("0", "succeeded"), ("1", "succeeded"), ("2", "succeeded")])
    if len(cells) == 3:
        cells[1].click()
        c.ok("execution: a cell shows its iteration", wait_for(
            lambda: one(d, "#details").is_displayed() and text_json(d, "#details-input") == 2, 5),
            one(d, "#details").get_attribute("textContent")[:300])
    b.get(page + "#iteration=" + q("Fan") + "/2", "execution#iteration=Fan/2")
    c.ok("execution: #iteration=Fan/2 opens it", wait_for(
        lambda: one(d, "#details").is_displayed() and text_json(d, "#details-input") == 3, 5))
    b.get(page, "execution")
    b.shot("execution")


def start_and_stop(c, b, api, ids):
    """4. The Start form lands on the new execution, whose status changes live; Stop aborts."""
    d = b.driver
    b.get("/state-machines/" + q(ids["slow"]), "machine slow")
    area = one(d, "textarea#start-input")
    area.clear()
    area.send_keys("{not json")
    one(d, "button#start-button").click()
    wait_for(lambda: by_css(d, "p.error"), 10)
    b.settle("start with bad input", error_status=400)
    c.ok("start: invalid JSON shows p.error", bool(by_css(d, "p.error")))
    c.eq("start: nothing started", api.call("ListExecutions", stateMachineArn=ids["slow"])
         ["executions"], [])
    area = one(d, "textarea#start-input")
    area.clear()
    area.send_keys('{"from": "browser"}')
    one(d, 'form#start-form input[name="name"]').send_keys("from-form")
    one(d, "button#start-button").click()
    landed = wait_for(lambda: "/executions/" in d.current_url, 10)
    c.ok("start: lands on the execution page", landed, d.current_url)
    if landed:
        b.settle("started execution")
        x = urllib.parse.unquote(d.current_url.split("/executions/", 1)[1].split("#")[0])
        c.eq("start: the execution's input", json.loads(
            api.call("DescribeExecution", executionArn=x)["input"]), {"from": "browser"})
        c.eq("start: h1 is the name", one(d, "h1").text.strip(), "from-form")
        d.execute_script("window.__aslcNoReload = 1")
        t0 = time.monotonic()
        done = wait_for(lambda: status_text(d) == "SUCCEEDED", LIVE_S, 0.2)
        c.ok("start: status turns SUCCEEDED live", done,
             "%s after %.1f s" % (status_text(d), time.monotonic() - t0))
        c.ok("start: without a reload", d.execute_script("return window.__aslcNoReload === 1"))
        c.ok("start: the graph follows", wait_for(lambda: "status-succeeded" in classes(
            node(d, "/States/End")), 5))
        b.settle("live execution")
        b.shot("execution-live")
    # Stop: a Wait of 600 s (the server waits for real: --wait-scale 1)
    y = api.call("StartExecution", stateMachineArn=ids["sleeper"], name="long")["executionArn"]
    b.get("/executions/" + q(y), "running execution")
    c.eq("stop: RUNNING first", status_text(d), "RUNNING")
    button = one(d, "button#stop-button")
    c.ok("stop: the button is shown while RUNNING", button.is_displayed())
    button.click()
    aborted = wait_for(lambda: status_text(d) == "ABORTED", LIVE_S, 0.2)
    c.ok("stop: the page shows ABORTED", aborted, status_text(d))
    c.eq("stop: the execution is ABORTED", finished(api, y, 5), "ABORTED")
    c.ok("stop: the running state is drawn aborted", wait_for(
        lambda: "status-aborted" in classes(node(d, "/States/Sleep")), 5))
    c.ok("stop: no button once stopped", wait_for(lambda: not any(
        e.is_displayed() for e in by_css(d, "button#stop-button")), 5))
    b.settle("stopped execution")
    b.shot("execution-aborted")


def many_tabs(c, b, api, ids):
    """5. Seven tabs on running executions hold no connection: an eighth page still loads
    (a browser opens only 6 connections to one server)."""
    d = b.driver
    first = d.current_window_handle
    running = [api.call("StartExecution", stateMachineArn=ids["sleeper"],
                        name="tab-%d" % i)["executionArn"] for i in range(7)]
    try:
        for x in running:
            d.switch_to.new_window("tab")
            d.get(b.base + "/executions/" + q(x))
        time.sleep(3)  # a few polls from each tab
        d.switch_to.new_window("tab")
        d.set_page_load_timeout(15)
        t0 = time.monotonic()
        try:
            d.get(b.base + "/")
            loaded = one(d, "h1").text.strip() == "aslc console"
        except Exception as e:  # selenium's TimeoutException: the page waited for a connection
            loaded = "%s" % type(e).__name__
        c.eq("tabs: an 8th page loads beside 7 running executions", loaded, True)
        print("tabs: the 8th page in %.1f s" % (time.monotonic() - t0), flush=True)
    finally:
        d.set_page_load_timeout(bf.PAGE_LOAD_S)
        for h in d.window_handles:
            if h != first:
                d.switch_to.window(h)
                d.close()
        d.switch_to.window(first)
        for x in running:
            api.call("StopExecution", executionArn=x)
    b.settle("many tabs")


def map_runs(c, b, api, ids):
    """6. A Map state that ran twice: one labelled row per run, and a cell of run 2 shows run
    2's steps (#iteration=M/0@2; the old form M/0 means the latest run)."""
    d = b.driver
    x = api.call("StartExecution", stateMachineArn=ids["rerun"], name="rerun",
                 input=json.dumps({"items": ["a", "b"]}))["executionArn"]
    c.eq("map runs: succeeded", finished(api, x), "SUCCEEDED")
    page = "/executions/" + q(x)
    b.get(page, "execution rerun")
    wait_for(lambda: len(by_css(d, 'div.map-run[data-state="M"]')) == 2, 5)
    rows = by_css(d, 'div#map-grid div.map-run[data-state="M"]')
    c.eq("map runs: one row per run", [(r.get_attribute("data-run"), len(
        r.find_elements("css selector", "div.cell"))) for r in rows], [("1", 2), ("2", 2)])
    labels = [r.find_element("css selector", "h3").text for r in rows]
    c.ok("map runs: the rows are labelled by run", len(set(labels)) == 2 and "run 2" in labels[-1],
         labels)

    def visits_listed():
        return [o.text for o in by_css(d, "select#details-visit option")]

    def p_visits():
        return sorted(int(t.split("visit ")[1].split(")")[0]) for t in visits_listed())

    if len(rows) == 2:
        rows[1].find_elements("css selector", "div.cell")[0].click()
        c.ok("map runs: a cell of run 2 links to it", wait_for(
            lambda: d.execute_script("return location.hash") == "#iteration=M/0@2", 5),
            d.execute_script("return location.hash"))
        c.ok("map runs: run 2's cell shows only run 2's step", wait_for(
            lambda: len(p_visits()) == 1 and p_visits()[0] > 2, 5), visits_listed())
    b.get(page + "#iteration=M/0@1", "execution rerun #iteration=M/0@1")
    c.ok("map runs: @1 shows run 1's step", wait_for(
        lambda: len(p_visits()) == 1 and p_visits()[0] <= 2, 5), visits_listed())
    b.get(page + "#iteration=M/1", "execution rerun #iteration=M/1")
    c.ok("map runs: the old link form is the latest run", wait_for(
        lambda: len(p_visits()) == 1 and p_visits()[0] > 2, 5), visits_listed())
    b.shot("execution-map-runs")


def live_keeps_choice(c, b, api, ids):
    """7. Live updates keep the visit chosen in #details-visit and the focused graph node."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
    d = b.driver
    x = api.call("StartExecution", stateMachineArn=ids["loop"], name="loop")["executionArn"]
    b.get("/executions/" + q(x), "execution loop")
    d.execute_script("document.getElementById('state:/States/W').focus()")
    ActionChains(d).send_keys(Keys.ENTER).perform()
    c.ok("live: W's details", details_for(d, "W"))
    c.ok("live: W has run twice", wait_for(
        lambda: len(by_css(d, "select#details-visit option")) >= 2, 10))
    Select(one(d, "select#details-visit")).select_by_index(0)
    d.execute_script("document.getElementById('state:/States/C').focus()")
    before = d.execute_script("return JSON.parse(document.getElementById('console-data')"
                              ".textContent).events")
    time.sleep(3.5)  # three or so live updates
    events = d.execute_script("return document.querySelectorAll('tr.event').length")
    c.ok("live: the page was updated meanwhile", events > before, (before, events))
    chosen = Select(one(d, "select#details-visit")).first_selected_option.text
    c.ok("live: the chosen visit stays", chosen.startswith("visit 1:"), chosen)
    c.eq("live: the focus stays on the node", d.execute_script(
        "return document.activeElement && document.activeElement.id"), "state:/States/C")
    api.call("StopExecution", executionArn=x)
    c.ok("live: ABORTED shown", wait_for(lambda: status_text(d) == "ABORTED", LIVE_S, 0.2))
    b.settle("execution loop")


def slow_refreshes(c, b, api, ids):
    """8. Slow fragment answers (2.5 s each, a busy server) while changes come every second:
    one refresh at a time, so no older answer lands after a newer one, and the page ends
    showing the end."""
    d = b.driver
    x = api.call("StartExecution", stateMachineArn=ids["loop"], name="slow-loop")["executionArn"]
    b.get("/executions/" + q(x), "execution slow-loop")
    d.execute_script("""
        var real = window.fetch;
        window.__inflight = 0; window.__most = 0;
        window.fetch = function (url, opts) {
            if (String(url).indexOf('fragment=') < 0)
                return real(url, opts);
            window.__inflight++;
            window.__most = Math.max(window.__most, window.__inflight);
            return new Promise(function (ok) { setTimeout(ok, 2500); })
                .then(function () { return real(url, opts); })
                .finally(function () { window.__inflight--; });
        };""")
    time.sleep(6)
    api.call("StopExecution", executionArn=x)
    c.ok("slow: ABORTED shown in the end", wait_for(lambda: status_text(d) == "ABORTED", LIVE_S, 0.2),
         status_text(d))
    time.sleep(3)  # answers still on their way must not bring RUNNING back
    c.eq("slow: still ABORTED", status_text(d), "ABORTED")
    c.ok("slow: one refresh (3 parts) at a time", d.execute_script("return window.__most") <= 3,
         d.execute_script("return window.__most"))
    b.settle("execution slow-loop")


def run_section(c, fn, *args):
    """Runs one section; an exception (an element the contract names is missing, say) fails
    that section and the next one runs."""
    t0 = time.monotonic()
    try:
        fn(*args)
    except Exception as e:  # selenium's NoSuchElementException and the like
        c.ok("%s: ran to the end" % fn.__name__, False, "%s: %s\n%s" % (
            type(e).__name__, str(e).splitlines()[0] if str(e) else "",
            "".join(traceback.format_exc().splitlines(True)[-4:])))
    print("section %s: %.1f s" % (fn.__name__, time.monotonic() - t0), flush=True)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_console.py ASLC ARTIFACTS_DIR")
    aslc, artifacts = sys.argv[1], sys.argv[2]
    why = bf.missing()
    if why:
        print("SKIPPED: " + why)
        return SKIP
    t0 = time.monotonic()
    c = Checks("browser")
    c.known = read_known(KNOWN_FAILURES)
    server = Server(aslc, workdir("browser")).start()
    status, ctype, _ = bf.fetch(server.url + "/")
    if status != 200 or not ctype.startswith("text/html"):
        server.stop()
        server.cleanup(False)
        print("SKIPPED: this aslc serve has no console (GET / answers %s %s)" % (status, ctype))
        return SKIP
    api = server.api()
    browser = None
    try:
        ids = setup(api)
        browser = bf.Browser(server.url, c, artifacts)
        run_section(c, home, c, browser, ids)
        run_section(c, machine, c, browser, ids)
        run_section(c, execution, c, browser, api, ids)
        run_section(c, start_and_stop, c, browser, api, ids)
        run_section(c, many_tabs, c, browser, api, ids)
        run_section(c, map_runs, c, browser, api, ids)
        run_section(c, live_keeps_choice, c, browser, api, ids)
        run_section(c, slow_refreshes, c, browser, api, ids)
    except Exception:
        c.ok("browser suite ran", False, traceback.format_exc())
    finally:
        if browser:
            browser.close()
        api.close()
        # 0: a clean SIGTERM shutdown (under ASan, no leak and no error report either)
        c.eq("the server stops cleanly", server.stop(), 0)
    print("browser suite: %.1f s" % (time.monotonic() - t0))
    rc = c.done(server)
    server.cleanup(rc != 0)
    return rc


if __name__ == "__main__":
    sys.exit(main())
