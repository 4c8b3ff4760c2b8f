#!/usr/bin/env python3
"""Server replay end to end: `flowscope record --replay` and `flowscope serve`, with real curl and
python3 urllib clients and loopback origins.

RecordReplayTest records one job (curl and urllib against a plain HTTP and an HTTPS origin:
query strings, a JSON POST, a gzip answer, a counter asked several times, a 404) with
`flowscope record -o api.har -w flows.jsonl`, then stops both origins. The job is then run again
with `record --replay` from the HAR and from the store: it must print exactly what it printed
the first time, with no origin running. `--strict` with one new request exits 3 and names it.

ServeTest drives `flowscope serve --from FILE`: http and https answered through the proxy, a
repeated request getting its recorded responses in order and then the last again, the 502 of
an unmatched request, --passthrough reaching the origin, JSON bodies matched by value and the
--match rules.

Needs curl and openssl. Timeouts are hang guards only.

Run: python3 test_server_replay.py --flowscope /path/to/flowscope [unittest args]
"""

import gzip
import json
import os
import shlex
import signal
import socket
import ssl
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402

GZIP_TEXT = json.dumps({"message": "compressed h\u00e9llo", "items": list(range(50))}).encode("utf-8")


class Counter:
    """Counts the requests to /counter, per origin: each answer differs from the one before."""

    def __init__(self):
        self.lock = threading.Lock()
        self.n = 0

    def route(self, handler, req):
        with self.lock:
            self.n += 1
            n = self.n
        handler.reply(200, "count %d" % n)


def hello_route(handler, req):
    handler.reply(200, "hello from the origin: %s %s" % (req.method, req.target))


def items_route(handler, req):
    created = json.loads(req.body.decode("utf-8"))
    handler.reply(201, json.dumps({"created": created, "id": 42}).encode(), "application/json",
                  headers=[("Location", "/api/items/42")])


def gzip_route(handler, req):
    handler.reply(200, gzip.compress(GZIP_TEXT, mtime=0), "application/json",
                  headers=[("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])


def missing_route(handler, req):
    handler.reply(404, "no such thing: " + req.path)


def routes():
    counter = Counter()
    return {"/hello": hello_route, "/api/items": items_route, "/gzip": gzip_route, "/missing": missing_route,
            "/counter": counter.route, "/fresh": hello_route}


# The urllib part of the job: prints "LABEL STATUS BODY" per request (bodies here are short text).
CHILD_PY = r'''
import json, sys, urllib.error, urllib.request

http, https = sys.argv[1], sys.argv[2]
requests = [
    ("urllib-hello", "GET", https + "/hello?z=26&a=1", None),
    ("urllib-items", "POST", https + "/api/items", {"name": "gadget", "tags": ["x"]}),
    ("urllib-counter", "GET", http + "/counter", None),
    ("urllib-missing", "GET", https + "/missing", None),
]
for label, method, url, body in requests:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    print(label, status, text.decode("utf-8", "replace").replace("\n", " | "), flush=True)
'''


def curl_line(label, url, *args):
    """A curl call of the job: prints 'LABEL CODE BODY'."""
    argv = ["curl", "-q", "-sS", "--max-time", str(e2e.HANG_GUARD), "-o", "-", "-w", " [%{http_code}]\\n"] + list(args)
    return "printf '%s '; " % label + " ".join(shlex.quote(a) for a in argv + [url])


def job_script(tmp, http_url, https_url, extra=()):
    child = os.path.join(tmp, "child.py")
    with open(child, "w") as f:
        f.write(CHILD_PY)
    lines = [
        curl_line("curl-hello", http_url + "/hello?b=2&a=1"),
        curl_line("curl-items", http_url + "/api/items", "-H", "Content-Type: application/json",
                  "--data-binary", '{"name":"widget","price":9.5}'),
        curl_line("curl-gzip", https_url + "/gzip", "--compressed"),
        curl_line("curl-counter-1", http_url + "/counter"),
        curl_line("curl-counter-2", http_url + "/counter"),
        curl_line("curl-counter-3", http_url + "/counter"),
        curl_line("curl-https-counter", https_url + "/counter"),
        curl_line("curl-missing", http_url + "/missing"),
    ] + list(extra) + ["python3 %s %s %s" % (shlex.quote(child), shlex.quote(http_url), shlex.quote(https_url))]
    return "\n".join(lines)


def port_is_closed(port):
    s = socket.socket()
    try:
        return s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        s.close()


class RecordReplayTest(e2e.E2ETestCase):
    """One recording (setUpClass), with the origins stopped before any test replays it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = e2e.make_tempdir("flowscope-e2e-replay-")
        cert, _ = e2e.tls_material()
        http_origin = e2e.HTTPOrigin(routes())
        https_origin = e2e.HTTPOrigin(routes(), e2e.server_ssl_context())
        cls.http_url = "http://127.0.0.1:%d" % http_origin.port
        cls.https_url = "https://127.0.0.1:%d" % https_origin.port
        cls.ports = (http_origin.port, https_origin.port)
        cls.script = job_script(cls.tmp, cls.http_url, cls.https_url)
        cls.har = os.path.join(cls.tmp, "api.har")
        cls.store = os.path.join(cls.tmp, "flows.jsonl")
        try:
            cls.recorded = e2e.run_flowscope("record", "-o", cls.har, "-w", cls.store, "--upstream-ca", cert,
                                             "--", "sh", "-c", cls.script)
            cls.origin_requests = len(http_origin.requests) + len(https_origin.requests)
        finally:
            http_origin.stop()
            https_origin.stop()

    def setUp(self):
        super().setUp()
        self.assertEqual(self.recorded.returncode, 0, e2e.describe_run(self.recorded))
        for port in self.ports:
            self.assertTrue(port_is_closed(port), "origin port %d still answers: the replay would not be offline" % port)

    def replay(self, recording, *options, script=None):
        return e2e.run_flowscope("record", "--replay", recording, *options, "--", "sh", "-c", script or self.script)

    def test_the_recorded_job_saw_every_answer(self):
        out = self.recorded.stdout
        self.assertEqual(len(out.splitlines()), 12, e2e.describe_run(self.recorded))
        self.assertIn("curl-hello hello from the origin: GET /hello?b=2&a=1 [200]", out)
        self.assertIn("curl-counter-3 count 3 [200]", out)
        self.assertIn("curl-https-counter count 1 [200]", out)
        self.assertIn("curl-gzip " + GZIP_TEXT.decode() + " [200]", out)
        self.assertIn("urllib-counter 200 count 4", out)
        self.assertIn("urllib-missing 404 no such thing: /missing", out)
        self.assertEqual(self.origin_requests, 12)

    def test_replay_from_the_har_offline_prints_what_the_recording_did(self):
        replayed_store = os.path.join(e2e.make_tempdir(), "replayed.jsonl")
        p = self.replay(self.har, "--strict", "-w", replayed_store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout, self.recorded.stdout, "the job's output differs under replay%s" % e2e.describe_run(p))
        self.assertIn("flowscope: 12 requests: 12 served from the recording, 0 unmatched (502)", p.stderr)
        self.assertNotIn("never asked for", p.stderr)
        # Each request is a line as it is answered.
        self.assertIn("GET %s/counter 200 served (recorded " % self.http_url, p.stderr)
        self.assertIn(", 3 of 4)", p.stderr, "the http counter was recorded four times (curl 3, urllib 1)")
        flows = [parsed for _, _, parsed, _ in e2e.read_jsonl(replayed_store)]
        self.assertEqual(len(flows), 12, e2e.describe_run(p))
        self.assertTrue(all(f.get("served_from") for f in flows),
                        "every replayed flow names the recorded flow it was served from: %r"
                        % [(f["request"]["url"], f.get("served_from")) for f in flows])
        recorded_ids = {e["_flowscope_id"] for e in e2e.load_har(self.har)["log"]["entries"]}
        self.assertTrue({f["served_from"] for f in flows} <= recorded_ids)
        https = [f for f in flows if f["scheme"] == "https"]
        self.assertEqual(len(https), 5, "https was intercepted with the origin offline")

    def test_replay_from_the_store_offline_prints_what_the_recording_did(self):
        p = self.replay(self.store, "--strict")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout, self.recorded.stdout, "the job's output differs under replay%s" % e2e.describe_run(p))

    def test_replay_writes_a_har_of_what_it_served(self):
        out = os.path.join(e2e.make_tempdir(), "replayed.har")
        p = self.replay(self.har, "-o", out, "-q")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertNotIn("served (recorded", p.stderr, "-q prints no line per request%s" % e2e.describe_run(p))
        entries = e2e.load_har(out)["log"]["entries"]
        self.assertEqual(len(entries), 12)
        self.assertTrue(all(e["_flowscope"].get("servedFrom") for e in entries))

    def test_strict_with_one_new_request_exits_3_and_names_it(self):
        new = self.http_url + "/brand-new?x=1"
        script = job_script(e2e.make_tempdir(), self.http_url, self.https_url,
                            extra=[curl_line("curl-new", new)])
        p = self.replay(self.har, "--strict", script=script)
        self.assertEqual(p.returncode, 3, e2e.describe_run(p))
        self.assertIn("flowscope: 13 requests: 12 served from the recording, 1 unmatched (502)", p.stderr)
        self.assertIn("flowscope: not in the recording:\nflowscope:   GET %s\n" % new, p.stderr, e2e.describe_run(p))
        self.assertIn("GET %s 502 unmatched" % new, p.stderr)
        # The client got the 502, whose body names the request and how to record it; everything
        # else it printed is as recorded.
        recorded = self.recorded.stdout.splitlines(keepends=True)
        answer = ("flowscope server replay: no recorded response for GET %s\n"
                  "The recording api.har has no request with this method, URL (query parameters in any order) "
                  "and body.\n"
                  "Record it with: flowscope record -o FILE.har -- CMD (then serve the new FILE.har), or pass "
                  "--passthrough to forward unmatched requests to the origin.\n" % new)
        self.assertEqual(p.stdout, "".join(recorded[:8]) + "curl-new " + answer + " [502]\n" + "".join(recorded[8:]),
                         e2e.describe_run(p))

    def test_without_strict_a_new_request_gets_the_502_and_the_commands_status_stands(self):
        script = job_script(e2e.make_tempdir(), self.http_url, self.https_url,
                            extra=[curl_line("curl-new", self.http_url + "/brand-new")])
        p = self.replay(self.har, script=script)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("1 unmatched (502)", p.stderr)
        p = self.replay(self.har, script="exit 7")
        self.assertEqual(p.returncode, 7, "record exits with the command's status%s" % e2e.describe_run(p))
        self.assertIn("9 recorded requests were never asked for:", p.stderr, e2e.describe_run(p))

    def test_an_unreadable_recording_exits_1_before_the_command_runs(self):
        marker = os.path.join(e2e.make_tempdir(), "ran")
        missing = os.path.join(e2e.make_tempdir(), "nope.har")
        p = self.replay(missing, script="touch %s" % shlex.quote(marker))
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertIn("cannot read the recording %s: no such file (make one with flowscope record -o FILE.har -- CMD)"
                      % missing, p.stderr)
        self.assertFalse(os.path.exists(marker), "the command must not run")

    def test_replay_options_without_replay_are_usage_errors(self):
        p = e2e.run_flowscope("record", "-o", os.path.join(e2e.make_tempdir(), "x.har"), "--strict", "--", "true")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("--strict, --passthrough and --match need --replay FILE", p.stderr)
        p = self.replay(self.har, "--match", "ignore-everything")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn('unknown --match rule "ignore-everything": expected ignore-body, ignore-param=NAME or header=NAME',
                      p.stderr)


class ServeTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.dir = e2e.make_tempdir()
        self.cert, _ = e2e.tls_material()

    def record(self, origin, *paths):
        """A store of GETs for `paths` through `flowscope run -w`, finished (proxy stopped)."""
        store = os.path.join(self.dir, "recorded.jsonl")
        proxy = self.start_proxy("-w", store, "--upstream-ca", self.cert)
        for path in paths:
            r = curl(origin.url(path), "--cacert", os.path.join(proxy.home, "ca-cert.pem"), proxy=proxy.url)
            self.assertEqual(r.returncode, 0, "recording %s failed%s" % (path, self.diag(r)))
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertEqual(len(e2e.read_jsonl(store)), len(paths), proxy.diag())
        return store

    def serve(self, recording, *options):
        return self.start_proxy("--from", recording, *options, command="serve")

    def fetch(self, proxy, url, *args):
        return curl(url, "--cacert", os.path.join(proxy.home, "ca-cert.pem"), *args, proxy=proxy.url)

    def test_serve_answers_http_and_https_with_the_origins_stopped(self):
        http_origin = self.start_origin(routes())
        https_origin = self.start_origin(routes(), tls=True)
        store = os.path.join(self.dir, "both.jsonl")
        first = self.start_proxy("-w", store, "--upstream-ca", self.cert)
        recorded = {}
        for url in (http_origin.url("/hello?q=1"), https_origin.url("/hello?q=2"), https_origin.url("/gzip")):
            recorded[url] = self.fetch(first, url, "--compressed")
            self.assertEqual(recorded[url].status, 200, self.diag(recorded[url]))
        self.assertEqual(first.stop(), 0, first.diag())
        http_origin.stop()
        https_origin.stop()

        proxy = self.serve(store)
        for url, before in recorded.items():
            r = self.fetch(proxy, url, "--compressed")
            self.assertCurlOK(r, body=before.body)
        self.assertEqual(self.fetch(proxy, https_origin.url("/gzip")).header("Content-Encoding"), "gzip",
                         "served as it was on the wire")
        # python3 urllib, through the proxy, trusting its CA.
        ctx = ssl.create_default_context(cafile=os.path.join(proxy.home, "ca-cert.pem"))
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": proxy.url, "https": proxy.url}),
            urllib.request.HTTPSHandler(context=ctx))
        with opener.open(https_origin.url("/hello?q=2"), timeout=e2e.HANG_GUARD) as r:
            self.assertEqual(r.read(), recorded[https_origin.url("/hello?q=2")].body)
        lines = e2e.wait_for_stdout_count(proxy, lambda l: " served (recorded " in l, 5)
        self.assertEqual(len(lines), 5, proxy.diag())
        self.assertTrue(any(l.endswith("GET %s 200 served (recorded 1-1, 1 of 1)" % http_origin.url("/hello?q=1"))
                            for l in lines), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertIn("flowscope: 5 requests: 5 served from the recording, 0 unmatched (502)", proxy.stdout_lines,
                      proxy.diag())

    def test_a_repeated_request_gets_its_responses_in_order_then_the_last_again(self):
        origin = self.start_origin(routes())
        store = self.record(origin, "/counter", "/counter", "/counter")
        origin.stop()
        proxy = self.serve(store)
        bodies = [self.fetch(proxy, origin.url("/counter")).body for _ in range(5)]
        self.assertEqual(bodies, [b"count 1", b"count 2", b"count 3", b"count 3", b"count 3"], proxy.diag())
        lines = e2e.wait_for_stdout_count(proxy, lambda l: " served (recorded " in l, 5)
        self.assertEqual([l.rsplit("(", 1)[1] for l in lines],
                         ["recorded 1-1, 1 of 3)", "recorded 2-1, 2 of 3)", "recorded 3-1, 3 of 3)",
                          "recorded 3-1, 3 of 3)", "recorded 3-1, 3 of 3)"], proxy.diag())

    def test_an_unmatched_request_gets_a_502_that_names_it(self):
        origin = self.start_origin(routes())
        store = self.record(origin, "/hello")
        proxy = self.serve(store, "--strict")
        r = self.fetch(proxy, origin.url("/elsewhere?id=7"))
        self.assertCurlError(r, 502)
        body = r.body.decode()
        self.assertIn("no recorded response for GET %s" % origin.url("/elsewhere?id=7"), body)
        self.assertIn("flowscope record -o FILE.har -- CMD", body)
        self.assertIn("--passthrough", body)
        self.assertEqual([q.path for q in origin.requests], ["/hello"], "nothing reached the origin")
        self.assertTrue(e2e.wait_for_stdout_count(proxy, lambda l: l.endswith(" 502 unmatched"), 1), proxy.diag())
        self.assertEqual(proxy.stop(), 3, "--strict exits 3 after an unmatched request%s" % proxy.diag())
        out = proxy.stdout_lines
        self.assertIn("flowscope: 1 request: 0 served from the recording, 1 unmatched (502)", out, proxy.diag())
        self.assertIn("flowscope:   GET %s" % origin.url("/elsewhere?id=7"), out)
        self.assertIn("flowscope: 1 recorded request was never asked for:", out)

    def test_passthrough_reaches_the_origin_and_is_recorded(self):
        origin = self.start_origin(routes())
        store = self.record(origin, "/hello")
        written = os.path.join(self.dir, "served.jsonl")
        proxy = self.serve(store, "--passthrough", "-w", written)
        self.assertCurlOK(self.fetch(proxy, origin.url("/fresh")),
                          body=b"hello from the origin: GET /fresh")
        self.assertCurlOK(self.fetch(proxy, origin.url("/hello")), body=b"hello from the origin: GET /hello")
        self.assertEqual([q.path for q in origin.requests], ["/hello", "/fresh"],
                         "the recorded /hello was served without the origin")
        self.assertTrue(e2e.wait_for_stdout_count(proxy, lambda l: "passed to the origin" in l, 1), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        flows = {f["request"]["url"]: f for _, _, f, _ in e2e.read_jsonl(written)}
        self.assertEqual(set(flows), {origin.url("/fresh"), origin.url("/hello")}, proxy.diag())
        self.assertNotIn("served_from", flows[origin.url("/fresh")])
        self.assertEqual(flows[origin.url("/hello")]["served_from"], "1-1")
        self.assertIn("flowscope: 2 requests: 1 served from the recording, 0 unmatched (502), 1 passed to the origin",
                      proxy.stdout_lines)

    def test_bodies_tell_requests_apart_and_json_compares_by_value(self):
        origin = self.start_origin(routes())
        store = os.path.join(self.dir, "posts.jsonl")
        first = self.start_proxy("-w", store)
        for body in ('{"name":"widget","tags":["a","b"]}', '{"name":"gadget"}'):
            r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json", "--data-binary", body,
                     proxy=first.url)
            self.assertEqual(r.status, 201, self.diag(r))
        self.assertEqual(first.stop(), 0, first.diag())
        origin.stop()

        proxy = self.serve(store)
        r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json",
                 "--data-binary", '{ "tags": ["a", "b"],\n  "name": "widget" }', proxy=proxy.url)
        self.assertEqual(r.status, 201, self.diag(r))
        self.assertEqual(json.loads(r.body)["created"], {"name": "widget", "tags": ["a", "b"]})
        r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json", "--data-binary",
                 '{"name":"gadget"}', proxy=proxy.url)
        self.assertEqual(json.loads(r.body)["created"], {"name": "gadget"}, self.diag(r))
        # A body that was never recorded: the 502 says the URL was, with other bodies.
        r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json", "--data-binary",
                 '{"name":"sprocket"}', proxy=proxy.url)
        self.assertCurlError(r, 502)
        self.assertIn("It has 2 requests with this method and URL and another body: pass --match ignore-body",
                      r.body.decode())
        # python3 urllib, with its own spacing of the same JSON.
        req = urllib.request.Request(origin.url("/api/items"), data=b'{"name": "gadget"}', method="POST",
                                     headers={"Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": proxy.url}))
        with opener.open(req, timeout=e2e.HANG_GUARD) as resp:
            self.assertEqual(resp.status, 201)
            self.assertEqual(json.loads(resp.read())["created"], {"name": "gadget"})

    def test_match_ignore_body_serves_any_body(self):
        origin = self.start_origin(routes())
        store = os.path.join(self.dir, "post.jsonl")
        first = self.start_proxy("-w", store)
        r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json", "--data-binary", '{"n":1}',
                 proxy=first.url)
        self.assertEqual(r.status, 201, self.diag(r))
        self.assertEqual(first.stop(), 0, first.diag())
        origin.stop()
        proxy = self.serve(store, "--match", "ignore-body")
        r = curl(origin.url("/api/items"), "-H", "Content-Type: application/json", "--data-binary", '{"n":2}',
                 proxy=proxy.url)
        self.assertEqual(r.status, 201, self.diag(r))
        self.assertEqual(json.loads(r.body)["created"], {"n": 1})

    def test_match_ignore_param_serves_a_request_whose_parameter_differs(self):
        origin = self.start_origin(routes())
        store = self.record(origin, "/hello?id=1&ts=100")
        origin.stop()
        proxy = self.serve(store, "--match", "ignore-param=ts")
        r = self.fetch(proxy, origin.url("/hello?ts=999&id=1"))
        self.assertCurlOK(r, body=b"hello from the origin: GET /hello?id=1&ts=100")
        self.assertCurlError(self.fetch(proxy, origin.url("/hello?ts=999&id=2")), 502)

    def test_filter_chooses_what_is_served(self):
        origin = self.start_origin(routes())
        store = self.record(origin, "/hello", "/missing")
        origin.stop()
        proxy = self.serve(store, "--from-filter", "~c 4xx")
        self.assertEqual(self.fetch(proxy, origin.url("/missing")).status, 404)
        self.assertCurlError(self.fetch(proxy, origin.url("/hello")), 502)

    def test_usage_errors_exit_2_and_an_unreadable_recording_exits_1(self):
        missing = os.path.join(self.dir, "nope.har")
        p = e2e.run_flowscope("serve", "--listen", "127.0.0.1:0", "--from", missing, "--match", "header")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("--match header needs a name: --match header=NAME", p.stderr)
        p = e2e.run_flowscope("serve", "--listen", "127.0.0.1:0", "--from", missing, "--from-filter", "~c &")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        p = e2e.run_flowscope("serve", "--listen", "127.0.0.1:0", "--from", missing)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertIn("cannot read the recording %s: no such file" % missing, p.stderr)
        self.assertNotIn("listening", p.stdout)
        p = e2e.run_flowscope("serve", "--listen", "127.0.0.1:0")
        self.assertNotEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("--from is required", p.stderr)


if __name__ == "__main__":
    e2e.main()
