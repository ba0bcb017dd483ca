"""Compares an execution history written by `--history` with one AWS recorded (HISTORY.md says
what the recordings hold). Events of different Map iterations are compared as per-iteration
sequences, so their interleaving is not significant; Parallel branches are compared the way the
recording was made, as one order-free run of events."""
import json
import re

DETAILS = "EventDetails"
JSON_TEXT_KEYS = ("input", "output")
# Strings the recording's snapshot tooling put in place of ARNs, timestamps and UUIDs, and the
# account id it put in ARNs.
REDACTED_WORDS = {"timestamp", "date", "snf_role_arn"}
PLACEHOLDER = re.compile(r"<[A-Za-z_][A-Za-z0-9_:-]*>|(?<=:)111111111111(?=:)")
ITERATION_END = {"MapIterationSucceeded", "MapIterationFailed", "MapIterationAborted"}
# a Map's own events that may follow the end of one of its iterations
MAP_CLOSE = {"MapStateStarted", "MapStateSucceeded", "MapStateFailed", "MapStateAborted",
             "MapStateExited"}
PARALLEL_CLOSE = {"ParallelStateSucceeded", "ParallelStateAborted", "ParallelStateExited",
                  "ParallelStateFailed"}


def same_json(a, b):
    """JSON equality by value (1 == 1.0, true is not 1); a redacted string of `a` matches any
    string of `b`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    if isinstance(a, str) and isinstance(b, str):
        return a == b or redacted_match(a, b)
    return type(a) is type(b) and a == b


def redacted_match(pattern, s):
    if pattern in REDACTED_WORDS:
        return True
    if not PLACEHOLDER.search(pattern):
        return False
    parts = PLACEHOLDER.split(pattern)
    return re.fullmatch(".*?".join(re.escape(p) for p in parts), s, re.S) is not None


def parse_text(v):
    """The value of a JSON text; the recording keeps objects parsed already."""
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def details(e):
    for k, v in e.items():
        if k.endswith(DETAILS):
            return k, v
    return None, None


def normalise(events):
    """A copy whose input/output/assignedVariables are values rather than JSON text."""
    out = []
    for e in events:
        e = dict(e)
        key, d = details(e)
        if d is not None:
            d = dict(d)
            for k in JSON_TEXT_KEYS:
                if k in d:
                    d[k] = parse_text(d[k])
            if isinstance(d.get("assignedVariables"), dict):
                d["assignedVariables"] = {n: parse_text(v)
                                          for n, v in d["assignedVariables"].items()}
            e[key] = d
        out.append(e)
    return out


def parallel_transform(events):
    """LocalStack's SfnNoneRecursiveParallelTransformer, applied to our history when the recording
    went through it: events after a ParallelStateStarted up to the next closing Parallel event
    lose their ids (id [0], previousEventId 0); its slice arithmetic also drops the event before
    a closing one when the previous closing event ended the run (ParallelStateSucceeded, say)."""
    events = [dict(e) for e in events]
    start, run, inside, i = None, [], False, 0
    while i < len(events):  # the list shrinks while it is walked, as in the original
        t = events[i].get("type")
        if t in PARALLEL_CLOSE:
            if start is not None:
                events[start:i] = run
            inside = False
        elif t == "ParallelStateStarted":
            inside, run, start = True, [], i + 1
        elif inside:
            events[i]["id"], events[i]["previousEventId"] = [0], 0
            run.append(events[i])
        i += 1
    return events


def was_transformed(events):
    return any(not isinstance(e.get("id"), int) for e in events)


def lanes(events):
    """Splits a history into lanes by previousEventId chains: the execution's own events, and one
    lane per Map iteration, keyed by the (Map name, index) pairs on the way to it. An event joins
    the lane of the event it points at, except that MapIterationStarted opens a lane, an
    iteration's end event closes it, and a Map's own events after an iteration ended go back to
    the Map's lane. Returns ({key: [event]}, {id: (key, position)}, [run of redacted events])."""
    lane_of, where, out, runs, ended = {}, {}, {}, [], set()
    last_parallel, run = (), None
    for e in events:
        if not isinstance(e.get("id"), int):  # inside a redacted Parallel
            if run is None:
                run = []
                runs.append(run)
            run.append(e)
            continue
        run = None
        t, prev = e["type"], e.get("previousEventId", 0)
        if not prev:
            lane = ()
        elif prev in lane_of:
            lane = lane_of[prev]
        else:  # points into a redacted Parallel run: the lane that started that Parallel
            lane = last_parallel
        _, d = details(e)
        if t == "MapIterationStarted":
            if lane in ended:  # I(k+1) points at the last event of iteration k
                lane = lane[:-1]
            lane = lane + ((d.get("name"), d.get("index")),)
        elif t in ITERATION_END:
            step = (d.get("name"), d.get("index"))
            lane = lane[:len(lane) - lane[::-1].index(step)] if step in lane else lane + (step,)
            ended.add(lane)
        elif t in MAP_CLOSE and lane in ended:
            lane = lane[:-1]
        if t == "ParallelStateStarted":
            last_parallel = lane
        lane_of[e["id"]] = lane
        seq = out.setdefault(lane, [])
        where[e["id"]] = (lane, len(seq))
        seq.append(e)
    return out, where, runs


def lane_name(key):
    return "execution" if not key else "/".join("%s[%s]" % step for step in key)


def same_event(want, got):
    """None when the two events agree on type and details (timestamps and ids aside)."""
    if want["type"] != got["type"]:
        return "type %s, expected %s" % (got["type"], want["type"])
    wk, wd = details(want)
    gk, gd = details(got)
    if wk != gk:
        return "%s: details %s, expected %s" % (want["type"], gk, wk)
    if wd is None:
        return None
    if wd.keys() != gd.keys():
        return "%s: details keys %s, expected %s" % (want["type"], sorted(gd), sorted(wd))
    for k in sorted(wd):
        if not same_json(wd[k], gd[k]):
            return "%s %s: %s, expected %s" % (want["type"], k, json.dumps(gd[k])[:300],
                                                json.dumps(wd[k])[:300])
    return None


def compare(recorded, ours):
    """None when our history matches the recorded one, else the first difference (one line)."""
    recorded = normalise(recorded)
    ours = normalise(ours)
    if was_transformed(recorded):
        ours = parallel_transform(ours)
    want, want_at, want_runs = lanes(recorded)
    got, got_at, got_runs = lanes(ours)

    def ref(at, p):
        return 0 if not p else at.get(p, ("id", p))

    for key in sorted(set(want) | set(got), key=lambda k: (len(k), str(k))):
        w, g = want.get(key, []), got.get(key, [])
        for i, (we, ge) in enumerate(zip(w, g)):
            where = "%s event %d" % (lane_name(key), i + 1)
            reason = same_event(we, ge)
            if reason is None and not key and we["id"] != ge["id"]:
                reason = "%s: id %s, expected %s" % (we["type"], ge["id"], we["id"])
            if reason is None and ref(want_at, we["previousEventId"]) != ref(
                    got_at, ge["previousEventId"]):
                reason = "%s: previousEventId %s, expected %s" % (
                    we["type"], ge["previousEventId"], we["previousEventId"])
            if reason:
                return "%s (id %s): %s" % (where, we["id"], reason)
        if len(w) != len(g):
            extra = g[len(w)] if len(g) > len(w) else None
            return "%s: %d events, expected %d (%s)" % (
                lane_name(key), len(g), len(w),
                "first extra: " + extra["type"] if extra else "first missing: " + w[len(g)]["type"])
    if len(want_runs) != len(got_runs):
        return "%d Parallel runs, expected %d" % (len(got_runs), len(want_runs))
    for n, (w, g) in enumerate(zip(want_runs, got_runs)):
        left = list(g)
        for we in w:
            match = next((ge for ge in left if same_event(we, ge) is None), None)
            if match is None:
                return "Parallel run %d: no %s like %s" % (
                    n + 1, we["type"], json.dumps(details(we)[1])[:300])
            left.remove(match)
        if left:
            return "Parallel run %d: extra %s" % (n + 1, left[0]["type"])
    return None
