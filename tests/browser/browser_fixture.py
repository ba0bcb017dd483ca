"""The harness of the browser tests: Debian's chromium, headless, driven through its chromedriver
by selenium (Debian's python3-selenium 4.8), against an `aslc serve` on loopback started by
tests/serve/serve_fixture.py. Every page load is checked for browser console errors (any SEVERE
entry of the "browser" log fails the check) and for resources loaded from anywhere but the
server; screenshots go to the artifacts folder given on the command line.

Chromium, its driver and their scratch files all live in one temporary folder (TMPDIR points
there for them) that is removed at the end, so a run leaves nothing in the caller's TMPDIR."""
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
import serve_fixture  # noqa: E402  (the path above first)

CHROMIUM = os.environ.get("ASLC_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ASLC_CHROMEDRIVER", "/usr/bin/chromedriver")
PAGE_LOAD_S = 30
WIDTH, HEIGHT = 1280, 900
MAX_SHOT_HEIGHT = 4000  # a full-page screenshot of a long events table stays a few hundred KB


def missing():
    """Why the browser tests cannot run here (None when they can): the skip message."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return "%s is missing (apt-get install %s, or tools/setup.sh)" % (path, package)
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is missing for %s (apt-get install python3-selenium)" % sys.executable
    return None


def fetch(url):
    """(HTTP status, Content-Type, body text) of a plain GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")


class Browser:
    """One headless chromium session. `get` loads a page of the server and checks it; `shot`
    saves a screenshot; `settle` checks what happened on the page since the last check."""

    def __init__(self, base_url, checks, artifacts):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.base, self.checks, self.artifacts = base_url, checks, artifacts
        self.favicon = []
        self.scratch = tempfile.mkdtemp(prefix="aslc-browser-")
        env = dict(os.environ, TMPDIR=self.scratch, HOME=self.scratch)
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--metrics-recording-only", "--mute-audio",
                  "--window-size=%d,%d" % (WIDTH, HEIGHT),
                  "--user-data-dir=" + os.path.join(self.scratch, "profile"),
                  # belt and braces for the no-network check: names other than the loopback
                  # server's do not resolve, so a CDN link fails loudly (a SEVERE entry)
                  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(CHROMEDRIVER, env=env,
                          log_path=os.path.join(self.scratch, "chromedriver.log"))
        self.driver = webdriver.Chrome(service=service, options=opts)
        self.driver.set_page_load_timeout(PAGE_LOAD_S)
        os.makedirs(artifacts, exist_ok=True)

    def get(self, path, page):
        """Loads base+path and checks it under the name `page`."""
        self.driver.get(self.base + path)
        self.settle(page)

    def settle(self, page, error_status=None):
        """Checks the console log (no SEVERE entry) and the resources (all from the server)
        of the page now shown; the log is emptied by reading it. error_status: the page itself
        is meant to answer with this HTTP status (a form shown again with its error), which
        chromium logs as an error of its own; only that entry is let through."""
        entries = self.driver.get_log("browser")
        severe = [e.get("message", "") for e in entries if e.get("level") == "SEVERE"]
        if error_status:
            expected = "%s - Failed to load resource: the server responded with a status of %d " \
                % (self.driver.current_url, error_status)
            severe = [m for m in severe if not m.startswith(expected)]
        # the browser asks for /favicon.ico by itself, once: counted in one check (close)
        self.favicon += [m for m in severe if "/favicon.ico " in m]
        severe = [m for m in severe if "/favicon.ico " not in m]
        self.checks.ok("%s: no console errors" % page, not severe, "; ".join(severe)[:2000])
        urls = self.driver.execute_script(
            "return [location.href].concat(performance.getEntriesByType('resource')"
            ".map(function (e) { return e.name; }))")
        foreign = [u for u in urls if not (u == self.base or u.startswith(self.base + "/"))]
        self.checks.ok("%s: loads nothing from outside the server" % page, not foreign,
                       ", ".join(foreign)[:2000])

    def shot(self, name):
        """Saves a screenshot of the whole page (up to MAX_SHOT_HEIGHT) as artifacts/NAME.png and
        prints its path."""
        d = self.driver
        height = d.execute_script("return Math.max(document.body.scrollHeight, "
                                  "document.documentElement.scrollHeight)")
        d.set_window_size(WIDTH, max(HEIGHT, min(int(height) + 120, MAX_SHOT_HEIGHT)))
        path = os.path.join(self.artifacts, name + ".png")
        ok = d.save_screenshot(path)
        d.set_window_size(WIDTH, HEIGHT)
        self.checks.ok("screenshot %s" % name, ok and os.path.getsize(path) > 0, path)
        print("screenshot: %s" % path, flush=True)

    def close(self):
        self.checks.ok("the browser's own /favicon.ico request does not fail", not self.favicon,
                       "; ".join(self.favicon)[:500])
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)


def history(api, execution_arn):
    """Every event of GetExecutionHistory, all pages."""
    events, token = [], None
    while True:
        params = dict(executionArn=execution_arn, maxResults=1000)
        if token:
            params["nextToken"] = token
        page = api.call("GetExecutionHistory", **params)
        events += page.get("events", [])
        token = page.get("nextToken")
        if not token:
            return events


def visits(events, name):
    """[(input, output or None)] of each visit of the state `name` in a history, in order."""
    out, open_visit = [], None
    for e in events:
        t = e.get("type", "")
        if t.endswith("StateEntered") and e["stateEnteredEventDetails"]["name"] == name:
            open_visit = [json.loads(e["stateEnteredEventDetails"].get("input", "null")), None]
            out.append(open_visit)
        elif t.endswith("StateExited") and e["stateExitedEventDetails"]["name"] == name:
            if open_visit is not None:
                open_visit[1] = json.loads(e["stateExitedEventDetails"].get("output", "null"))
                open_visit = None
    return [tuple(v) for v in out]
