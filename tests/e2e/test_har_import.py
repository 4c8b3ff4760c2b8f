#!/usr/bin/env python3
"""`flowscope import` of HAR files written by other tools, end to end.

PlaywrightHarTest: Playwright (playwright-core, driving Debian's /usr/bin/chromium through
playwright_har.js) loads two pages from a local origin with `recordHar`: an HTML page that fetches
a JSON endpoint, POSTs JSON with fetch and shows a PNG; and a page that POSTs an urlencoded form,
fetches a gzip-compressed JSON answer and a 404. Closing the context writes the HAR, which
`flowscope import` turns into flows; the flows must carry the methods, URLs, statuses and bodies the
origin saw and sent, and `flowscope export --har` of them must be valid HAR 1.2 with the same
requests and answers.

HandWrittenHarTest: minimal Chrome-DevTools-style and Firefox-style HAR files (HTTP/2 pseudo
headers, IPv6 in brackets, `_error` inside the response, status 0, timezone offsets, bodies not
saved, params without text, base64 images), and the error cases: not JSON, no log.entries, a bad
entry.

Needs node with tests/e2e/node_modules (`npm ci` in tests/e2e runs once if it is missing) and
chromium; the Playwright tests skip, saying why, without chromium. Timeouts are hang guards only.

Run: python3 test_har_import.py --flowscope /path/to/flowscope [unittest args]
"""

import base64
import gzip
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402

PLAYWRIGHT_GUARD = 180  # one whole Playwright run (seconds), a hang guard


def png(width, height, rgb=(200, 30, 90)):
    """A valid RGB PNG, width x height, of one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = png(3, 2)
DATA_JSON = json.dumps({"items": [{"id": 1, "name": "alpha"}, {"id": 2, "name": "b\u00eata \u2713"}], "total": 2},
                       ensure_ascii=False).encode("utf-8")
GZ_TEXT = json.dumps({"compressed": True, "words": ["lorem"] * 200}).encode()
GZ_WIRE = gzip.compress(GZ_TEXT, mtime=0)

INDEX_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>index</title></head><body>
<img id="img" src="/pixel.png?v=1">
<script>
window.__e2eDone = false;
const image = new Promise((resolve) => {
  const i = document.getElementById('img');
  if (i.complete && i.naturalWidth) resolve(i.naturalWidth);
  i.onload = () => resolve(i.naturalWidth);
  i.onerror = () => resolve(-1);
});
Promise.all([
  fetch('/api/data.json?page=index&n=1').then((r) => r.json()),
  fetch('/api/echo', {method: 'POST', headers: {'Content-Type': 'application/json'},
                      body: JSON.stringify({hello: 'world', n: 42, s: 'h\\u00e9'})}).then((r) => r.json()),
  image,
]).then(([data, echo, width]) => { window.__e2eResult = {data, echo, width}; window.__e2eDone = true; },
        (e) => { window.__e2eResult = {error: String(e)}; window.__e2eDone = true; });
</script></body></html>"""

SECOND_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>second</title></head><body>
<script>
window.__e2eDone = false;
Promise.all([
  fetch('/api/form', {method: 'POST', body: new URLSearchParams([['name', 'Ada Lovelace'], ['note', 'a&b=c']])})
    .then((r) => r.text()),
  fetch('/api/gz').then((r) => r.json()),
  fetch('/api/nope?x=1').then((r) => r.status),
]).then(([form, gz, nope]) => { window.__e2eResult = {form, gzWords: gz.words.length, nope};
                                 window.__e2eDone = true; },
        (e) => { window.__e2eResult = {error: String(e)}; window.__e2eDone = true; });
</script></body></html>"""


def route_index(h, req):
    h.reply(200, INDEX_HTML, "text/html; charset=utf-8")


def route_second(h, req):
    h.reply(200, SECOND_HTML, "text/html; charset=utf-8")


def route_png(h, req):
    h.reply(200, PNG, "image/png")


def route_data(h, req):
    h.reply(200, DATA_JSON, "application/json")


def route_echo(h, req):
    h.reply(201, json.dumps({"echo": json.loads(req.body), "length": len(req.body)}), "application/json")


def route_form(h, req):
    pairs = urllib.parse.parse_qsl(req.body.decode("ascii"), keep_blank_values=True)
    h.reply(200, "form: " + json.dumps(pairs), "text/plain; charset=utf-8")


def route_gz(h, req):
    h.reply(200, GZ_WIRE, "application/json", headers=[("Content-Encoding", "gzip")])


def route_nope(h, req):
    h.reply(404, "nothing here", "text/plain")


def route_favicon(h, req):
    h.reply(404, "", "text/plain")


ROUTES = {"/index.html": route_index, "/second.html": route_second, "/pixel.png": route_png,
          "/api/data.json": route_data, "/api/echo": route_echo, "/api/form": route_form, "/api/gz": route_gz,
          "/api/nope": route_nope, "/favicon.ico": route_favicon}


def flows_of(path):
    lines = e2e.read_jsonl(path)
    bad = [(n, err, text[:200]) for n, text, obj, err in lines if err]
    if bad:
        raise AssertionError("store %s has lines that are not JSON: %r" % (path, bad))
    return [obj for _, _, obj, _ in lines]


def header_values(headers, name):
    """Values of a header in a store header list ([[name, value], ...]) or a HAR one."""
    out = []
    for h in headers:
        k, v = (h["name"], h["value"]) if isinstance(h, dict) else h
        if k.lower() == name.lower():
            out.append(v)
    return out


def write_json(obj, name):
    d = e2e.make_tempdir("flowscope-e2e-har-")
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
    return path


def import_har(test, har, store=None, expect_ok=True):
    store = store or os.path.join(e2e.make_tempdir("flowscope-e2e-store-"), "flows.jsonl")
    p = e2e.run_flowscope("import", har, "-o", store)
    if expect_ok:
        test.assertEqual(p.returncode, 0, "import failed%s" % e2e.describe_run(p))
    return p, store


def export_har(test, store):
    out = os.path.join(os.path.dirname(store), "exported.har")
    p = e2e.run_flowscope("export", "--har", out, store)
    test.assertEqual(p.returncode, 0, "export failed%s" % e2e.describe_run(p))
    return e2e.load_har(out), out


class PlaywrightHarTest(e2e.E2ETestCase):
    """Chromium (via Playwright) records a HAR of two local pages; flowscope imports it."""

    @classmethod
    def setUpClass(cls):
        cls.skip_reason = None
        cls.chromium = os.environ.get("FLOWSCOPE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        if not os.path.exists(cls.chromium):
            cls.skip_reason = "chromium is not installed (apt-get install chromium; scripts/deps does)"
            return
        problem = e2e.ensure_node_modules()
        if problem:
            raise AssertionError(problem)
        cls.origin = e2e.HTTPOrigin(ROUTES)
        cls.har_path = os.path.join(e2e.make_tempdir("flowscope-e2e-playwright-"), "playwright.har")
        home = e2e.make_tempdir("flowscope-e2e-playwright-home-")
        env = e2e.clean_env({"HOME": home})
        env.pop("DISPLAY", None)
        argv = ["node", os.path.join(e2e.E2E_DIR, "playwright_har.js"), "--har", cls.har_path,
                "--chromium", cls.chromium, "--timeout-ms", str(e2e.HANG_GUARD * 1000),
                cls.origin.url("/index.html"), cls.origin.url("/second.html")]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=PLAYWRIGHT_GUARD)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        finally:
            try:  # chromium's helper processes live in the same session
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        cls.pw_rc = proc.returncode
        cls.pw_out = out.decode("utf-8", "replace")
        cls.pw_err = err.decode("utf-8", "replace")
        cls.pages = None
        try:
            cls.pages = json.loads(cls.pw_out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            pass

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "origin", None):
            cls.origin.stop()

    def setUp(self):
        super().setUp()
        if self.skip_reason:
            self.skipTest(self.skip_reason)
        self.assertEqual(self.pw_rc, 0, "playwright_har.js failed (exit %s)\nstdout:\n%s\nstderr:\n%s"
                         % (self.pw_rc, self.pw_out[-3000:], self.pw_err[-6000:]))
        self.har = e2e.load_har(self.har_path)

    def pw_entry(self, method, path):
        url = self.origin.url(path)
        entries = self.har["log"]["entries"]
        found = [e for e in entries if e["request"]["method"] == method and e["request"]["url"] == url]
        self.assertEqual(len(found), 1, "Playwright's HAR has %d entries for %s %s: %r" % (
            len(found), method, url, [(e["request"]["method"], e["request"]["url"]) for e in entries]))
        return found[0]

    def origin_request(self, method, path):
        found = [r for r in self.origin.requests if r.method == method and r.target == path]
        self.assertEqual(len(found), 1, "origin requests for %s %s" % (method, path))
        return found[0]

    # (method, path, status, response bytes the origin sent (decoded), request body or None)
    def expected(self):
        return [
            ("GET", "/index.html", 200, INDEX_HTML.encode(), None),
            ("GET", "/pixel.png?v=1", 200, PNG, None),
            ("GET", "/api/data.json?page=index&n=1", 200, DATA_JSON, None),
            ("POST", "/api/echo", 201, None, self.origin_request("POST", "/api/echo").body),
            ("GET", "/second.html", 200, SECOND_HTML.encode(), None),
            ("POST", "/api/form", 200, None, b"name=Ada+Lovelace&note=a%26b%3Dc"),
            ("GET", "/api/gz", 200, GZ_TEXT, None),
            ("GET", "/api/nope?x=1", 404, b"nothing here", None),
        ]

    def test_pages_ran(self):
        self.assertIsNotNone(self.pages, "playwright_har.js printed no results: %r" % self.pw_out)
        index, second = self.pages
        self.assertEqual(index["status"], 200)
        self.assertEqual(index["result"].get("width"), 3, "the PNG loaded: %r" % index)
        self.assertEqual(index["result"]["data"]["total"], 2)
        self.assertEqual(index["result"]["echo"]["echo"], {"hello": "world", "n": 42, "s": "h\u00e9"})
        self.assertEqual(second["result"], {"form": 'form: [["name", "Ada Lovelace"], ["note", "a&b=c"]]',
                                            "gzWords": 200, "nope": 404}, "second page: %r" % second)

    def test_import_gives_one_flow_per_entry_with_methods_urls_statuses_bodies(self):
        p, store = import_har(self, self.har_path)
        entries = self.har["log"]["entries"]
        self.assertIn("imported %d flows" % len(entries), p.stderr)
        flows = flows_of(store)
        self.assertEqual(len(flows), len(entries), "one flow per HAR entry")
        for f in flows:
            self.assertEqual(f.get("format"), 1)
        for method, path, status, body, req_body in self.expected():
            with self.subTest(request="%s %s" % (method, path)):
                url = self.origin.url(path)
                found = [f for f in flows if f["request"]["method"] == method and f["request"]["url"] == url]
                self.assertEqual(len(found), 1, "flows for %s %s: %r" % (method, url, [
                    (f["request"]["method"], f["request"]["url"]) for f in flows]))
                f = found[0]
                self.assertEqual(f["scheme"], "http")
                self.assertEqual(f["response"]["status"], status)
                self.assertEqual(f["server_address"], "127.0.0.1:%d" % self.origin.port,
                                 "serverIPAddress + Playwright's _serverPort")
                self.assertTrue(f["id"], "imported flows get an id")
                self.assertEqual(header_values(f["request"]["headers"], "Host"), [self.origin.hostport])
                if body is not None:
                    self.assertEqual(e2e.store_body_bytes(f["response"]["body"]), body, "response body")
                    self.assertFalse(f["response"]["body"]["truncated"])
                if req_body is not None:
                    self.assertEqual(e2e.store_body_bytes(f["request"]["body"]), req_body, "request body")
                    self.assertEqual(f["request"]["body"]["size"], len(req_body))
                    self.assertEqual(req_body, self.origin_request(method, path).body, "what the origin got")
                if path == "/api/gz":
                    self.assertEqual(header_values(f["response"]["headers"], "Content-Encoding"), ["gzip"])
                if path == "/pixel.png?v=1":
                    self.assertEqual(f["response"]["body"]["encoding"], "base64", "binary bodies are base64")
                    self.assertEqual(header_values(f["response"]["headers"], "Content-Type"), ["image/png"])

    def test_export_round_trip_is_valid_har_with_the_same_exchanges(self):
        _, store = import_har(self, self.har_path)
        exported, path = export_har(self, store)
        ok, output = e2e.validate_har_schema(path)
        self.assertTrue(ok, "export of Playwright's HAR fails HAR 1.2 validation:\n%s" % output)
        problems = e2e.har_spec_problems(exported)
        self.assertEqual(problems, [], "\n".join(problems))
        theirs, ours = self.har["log"]["entries"], exported["log"]["entries"]
        self.assertEqual(len(ours), len(theirs))
        for a, b in zip(theirs, ours):  # export keeps the store's order, which is the HAR's
            with self.subTest(request="%s %s" % (a["request"]["method"], a["request"]["url"])):
                for key in ("method", "url", "httpVersion", "headers", "queryString"):
                    self.assertEqual(b["request"][key], a["request"][key], "request.%s" % key)
                for key in ("status", "statusText", "httpVersion", "headers", "redirectURL"):
                    self.assertEqual(b["response"][key], a["response"][key], "response.%s" % key)
                self.assertEqual(b["startedDateTime"], a["startedDateTime"])
                self.assertEqual(b.get("serverIPAddress"), a.get("serverIPAddress"))
                if "postData" in a["request"]:
                    self.assertEqual(b["request"]["postData"]["text"], a["request"]["postData"]["text"])
                    self.assertEqual(b["request"]["postData"]["mimeType"], a["request"]["postData"]["mimeType"])
                    if a["request"]["postData"].get("params"):
                        self.assertEqual(b["request"]["postData"].get("params"), a["request"]["postData"]["params"])
                self.assertEqual(e2e.har_text_bytes(b["response"]["content"]),
                                 e2e.har_text_bytes(a["response"]["content"]), "response content")
                self.assertEqual(b["response"]["content"]["size"], a["response"]["content"]["size"])
                ta = a["timings"]
                # Playwright writes an ssl phase for plain-HTTP requests, often larger than connect (which
                # HAR says includes it); flowscope reads connect - ssl as 0 then, so connect is only
                # compared where the input is consistent.
                consistent = ta.get("ssl", -1) < 0 or ta.get("connect", -1) >= ta["ssl"]
                for k in ("dns", "connect", "ssl", "send", "wait", "receive"):
                    if k == "connect" and not consistent:
                        self.assertEqual(b["timings"]["connect"], b["timings"]["ssl"])
                        continue
                    if k in a["timings"]:
                        want = max(a["timings"][k], 0) if k in ("send", "wait", "receive") else a["timings"][k]
                        self.assertAlmostEqual(b["timings"][k], want, delta=0.0011, msg="timings.%s" % k)

    def test_import_appends(self):
        _, store = import_har(self, self.har_path)
        n = len(flows_of(store))
        import_har(self, self.har_path, store)
        self.assertEqual(len(flows_of(store)), 2 * n, "a second import appends to the store")


# --------------------------------------------------------------------------------------------
# Hand-written HARs in the shapes Chrome DevTools and Firefox write

TINY_PNG = png(1, 1)

CHROME_HAR = {"log": {
    "version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"startedDateTime": "2024-03-01T12:00:00.000Z", "id": "page_1", "title": "https://example.com/",
               "pageTimings": {"onContentLoad": 100.5, "onLoad": 200.25}}],
    "entries": [
        {"_initiator": {"type": "other"}, "_priority": "VeryHigh", "_resourceType": "document", "cache": {},
         "connection": "12345", "pageref": "page_1",
         "request": {"method": "GET", "url": "https://example.com/search?q=a%20b&x=1", "httpVersion": "http/2.0",
                     "headers": [{"name": ":authority", "value": "example.com"}, {"name": ":method", "value": "GET"},
                                 {"name": ":path", "value": "/search?q=a%20b&x=1"},
                                 {"name": ":scheme", "value": "https"}, {"name": "accept", "value": "text/html"},
                                 {"name": "cookie", "value": "a=1; b=2"}],
                     "queryString": [{"name": "q", "value": "a%20b"}, {"name": "x", "value": "1"}],
                     "cookies": [{"name": "a", "value": "1", "path": "/", "domain": "example.com",
                                  "expires": "2025-01-01T00:00:00.000Z", "httpOnly": False, "secure": True},
                                 {"name": "b", "value": "2"}],
                     "headersSize": -1, "bodySize": 0},
         "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                      "headers": [{"name": "content-type", "value": "text/html; charset=utf-8"},
                                  {"name": "content-encoding", "value": "br"},
                                  {"name": "set-cookie", "value": "sid=1; Path=/; HttpOnly"}],
                      "cookies": [{"name": "sid", "value": "1", "path": "/", "httpOnly": True, "secure": False}],
                      "content": {"size": 28, "mimeType": "text/html", "compression": -120,
                                  "text": "<html><body>hi</body></html>"},
                      "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 148, "_error": None},
         "serverIPAddress": "[2606:2800:220:1:248:1893:25c8:1946]", "startedDateTime": "2024-03-01T12:00:00.123Z",
         "time": 85.25,
         "timings": {"blocked": 1.5, "dns": 10.25, "ssl": 20.5, "connect": 30.75, "send": 0.25, "wait": 40.5,
                     "receive": 2.0, "_blocked_queueing": 1.0}},
        {"_resourceType": "fetch", "cache": {}, "connection": "12345", "pageref": "page_1",
         "request": {"method": "POST", "url": "https://example.com/api/form", "httpVersion": "http/2.0",
                     "headers": [{"name": ":method", "value": "POST"},
                                 {"name": "content-type", "value": "application/x-www-form-urlencoded"}],
                     "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 25,
                     "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "name=Ada+Lovelace&lang=en",
                                  "params": [{"name": "name", "value": "Ada+Lovelace"},
                                             {"name": "lang", "value": "en"}]}},
         "response": {"status": 201, "statusText": "", "httpVersion": "http/2.0",
                      "headers": [{"name": "content-type", "value": "application/json"}], "cookies": [],
                      "content": {"size": 11, "mimeType": "application/json", "text": "{\"id\": 42}\n"},
                      "redirectURL": "", "headersSize": -1, "bodySize": 11, "_transferSize": 60, "_error": None},
         "serverIPAddress": "[2606:2800:220:1:248:1893:25c8:1946]", "startedDateTime": "2024-03-01T12:00:01.5Z",
         "time": 12.5, "timings": {"blocked": 0.5, "dns": -1, "ssl": -1, "connect": -1, "send": 1, "wait": 10,
                                   "receive": 1}},
        {"_resourceType": "image", "cache": {}, "connection": "12346", "pageref": "page_1",
         "request": {"method": "GET", "url": "https://cdn.example.com/p.png", "httpVersion": "http/2.0",
                     "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0",
                      "headers": [{"name": "content-type", "value": "image/png"}], "cookies": [],
                      "content": {"size": len(TINY_PNG), "mimeType": "image/png",
                                  "text": base64.encodebytes(TINY_PNG).decode(), "encoding": "base64"},
                      "redirectURL": "", "headersSize": -1, "bodySize": len(TINY_PNG), "_error": None},
         "serverIPAddress": "192.0.2.10", "startedDateTime": "2024-03-01T12:00:02.000Z", "time": 3,
         "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 2, "receive": 1}},
        {"_resourceType": "fetch", "cache": {}, "pageref": "page_1",
         "request": {"method": "GET", "url": "http://localhost:9/down", "httpVersion": "", "headers": [],
                     "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [],
                      "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1,
                      "bodySize": -1, "_transferSize": 0, "_error": "net::ERR_CONNECTION_REFUSED"},
         "serverIPAddress": "", "startedDateTime": "2024-03-01T12:00:03.000Z", "time": 0,
         "timings": {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0}},
    ]}}

FIREFOX_HAR = {"log": {
    "version": "1.2", "creator": {"name": "Firefox", "version": "124.0"},
    "browser": {"name": "Firefox", "version": "124.0"},
    "pages": [{"startedDateTime": "2024-03-01T13:00:00.000+01:00", "id": "page_1", "title": "Example",
               "pageTimings": {"onContentLoad": -1, "onLoad": -1}}],
    "entries": [
        {"pageref": "page_1", "startedDateTime": "2024-03-01T13:00:00.250+01:00",
         "request": {"bodySize": 0, "method": "GET", "url": "http://example.org/data.json?id=7&tag=x+y",
                     "httpVersion": "HTTP/1.1",
                     "headers": [{"name": "Host", "value": "example.org"},
                                 {"name": "User-Agent",
                                  "value": "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Firefox/124.0"},
                                 {"name": "Accept-Encoding", "value": "gzip, deflate"}],
                     "cookies": [], "queryString": [{"name": "id", "value": "7"}, {"name": "tag", "value": "x+y"}],
                     "headersSize": 320},
         "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                      "headers": [{"name": "Content-Type", "value": "application/json"},
                                  {"name": "Content-Encoding", "value": "gzip"},
                                  {"name": "Content-Length", "value": "45"}],
                      "cookies": [], "content": {"mimeType": "application/json", "size": 18,
                                                 "text": "{\"id\":7,\"ok\":true}"},
                      "redirectURL": "", "headersSize": 210, "bodySize": 45},
         "cache": {}, "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": 25, "receive": 1},
         "time": 26, "_securityState": "insecure", "serverIPAddress": "93.184.216.34", "connection": "80"},
        {"pageref": "page_1", "startedDateTime": "2024-03-01T07:00:01.000-05:00",
         "request": {"bodySize": 21, "method": "POST", "url": "http://example.org/login", "httpVersion": "HTTP/1.1",
                     "headers": [{"name": "Host", "value": "example.org"},
                                 {"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
                     "cookies": [], "queryString": [], "headersSize": 200,
                     "postData": {"mimeType": "application/x-www-form-urlencoded",
                                  "params": [{"name": "user", "value": "ada"},
                                             {"name": "pass", "value": "two words"}]}},
         "response": {"status": 302, "statusText": "Found", "httpVersion": "HTTP/1.1",
                      "headers": [{"name": "Location", "value": "/home"}], "cookies": [],
                      "content": {"mimeType": "text/html", "size": 0, "text": ""},
                      "redirectURL": "/home", "headersSize": 100, "bodySize": 0},
         "cache": {}, "timings": {"blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": 5,
                                  "receive": 0},
         "time": 5, "serverIPAddress": "93.184.216.34", "connection": "80"},
        {"pageref": "page_1", "startedDateTime": "2024-03-01T13:00:02.000+0100",
         "request": {"bodySize": 0, "method": "GET", "url": "https://example.org/photo.jpg", "httpVersion": "HTTP/2",
                     "headers": [], "cookies": [], "queryString": [], "headersSize": 150},
         "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
                      "headers": [{"name": "content-type", "value": "image/jpeg"}], "cookies": [],
                      "content": {"mimeType": "image/jpeg", "size": 5000},
                      "redirectURL": "", "headersSize": 90, "bodySize": 5000},
         "cache": {}, "timings": {"blocked": 0, "dns": 0, "connect": 0, "ssl": 0, "send": 0, "wait": 10,
                                  "receive": 4},
         "time": 14, "serverIPAddress": "93.184.216.34", "connection": "443"},
    ]}}


class HandWrittenHarTest(e2e.E2ETestCase):

    def test_chrome_devtools_har(self):
        har = write_json(CHROME_HAR, "chrome.har")
        p, store = import_har(self, har)
        self.assertIn("imported 4 flows", p.stderr, e2e.describe_run(p))
        flows = flows_of(store)
        self.assertEqual([f["request"]["method"] + " " + f["request"]["url"] for f in flows],
                         ["GET https://example.com/search?q=a%20b&x=1", "POST https://example.com/api/form",
                          "GET https://cdn.example.com/p.png", "GET http://localhost:9/down"])
        doc, form, image, failed = flows
        for f in flows:
            self.assertEqual(f["format"], 1)
        self.assertEqual([f["id"] for f in flows], ["har-1", "har-2", "har-3", "har-4"])
        self.assertEqual(doc["started"], "2024-03-01T12:00:00.123000Z")
        self.assertEqual(form["started"], "2024-03-01T12:00:01.500000Z")
        self.assertEqual(doc["connection_id"], 12345)
        self.assertEqual(doc["scheme"], "https")
        self.assertEqual(doc["server_address"], "2606:2800:220:1:248:1893:25c8:1946", "brackets dropped, no port")
        self.assertEqual(doc["request"]["http_version"], "http/2.0")
        self.assertEqual(doc["request"]["headers"], [[h["name"], h["value"]] for h in
                                                     CHROME_HAR["log"]["entries"][0]["request"]["headers"]],
                         "headers in order, HTTP/2 pseudo-headers kept")
        self.assertEqual(doc["response"]["status"], 200)
        self.assertEqual(doc["response"]["reason"], "")
        self.assertEqual(e2e.store_body_bytes(doc["response"]["body"]), b"<html><body>hi</body></html>")
        self.assertFalse(doc["response"]["body"]["truncated"])
        self.assertNotIn("error", doc, "Chrome's _error: null is no error")
        t = doc["timings"]
        self.assertEqual((t["dns"], t["tls"], t["connect"], t["send"], t["wait"], t["receive"]),
                         (10.25, 20.5, 10.25, 0.25, 40.5, 2.0), "HAR connect includes ssl: %r" % t)
        self.assertEqual(e2e.store_body_bytes(form["request"]["body"]), b"name=Ada+Lovelace&lang=en")
        self.assertEqual(form["request"]["body"]["size"], 25)
        self.assertEqual(form["response"]["status"], 201)
        self.assertEqual(e2e.store_body_bytes(form["response"]["body"]), b"{\"id\": 42}\n")
        self.assertEqual(e2e.store_body_bytes(image["response"]["body"]), TINY_PNG, "line-wrapped base64 decoded")
        self.assertEqual(image["server_address"], "192.0.2.10")
        self.assertIsNone(failed.get("response"), "status 0 is no response: %r" % failed.get("response"))
        self.assertEqual(failed.get("error"), "net::ERR_CONNECTION_REFUSED", "Chrome's response._error")
        self.assertEqual([failed["timings"][k] for k in ("send", "wait", "receive")], [None, None, None],
                         "without a response, HAR's forced zeros mean 'did not happen'")
        self.check_export(store, flows)

    def test_firefox_har(self):
        har = write_json(FIREFOX_HAR, "firefox.har")
        p, store = import_har(self, har)
        self.assertIn("imported 3 flows", p.stderr, e2e.describe_run(p))
        data, login, photo = flows_of(store)
        self.assertEqual(data["started"], "2024-03-01T12:00:00.250000Z", "+01:00 converted to UTC")
        self.assertEqual(login["started"], "2024-03-01T12:00:01.000000Z", "-05:00 converted to UTC")
        self.assertEqual(photo["started"], "2024-03-01T12:00:02.000000Z", "+0100 converted to UTC")
        self.assertEqual(data["request"]["url"], "http://example.org/data.json?id=7&tag=x+y")
        self.assertEqual(data["server_address"], "93.184.216.34")
        self.assertEqual(data["connection_id"], 80)
        self.assertEqual(e2e.store_body_bytes(data["response"]["body"]), b'{"id":7,"ok":true}',
                         "the decoded text Firefox saved")
        self.assertEqual(data["response"]["body"]["size"], 45, "bodySize is the wire size")
        self.assertFalse(data["response"]["body"]["truncated"])
        self.assertEqual(login["request"]["method"], "POST")
        self.assertEqual(e2e.store_body_bytes(login["request"]["body"]), b"user=ada&pass=two+words",
                         "params without text are serialized as a form")
        self.assertEqual(login["response"]["status"], 302)
        self.assertEqual(header_values(login["response"]["headers"], "Location"), ["/home"])
        self.assertEqual(photo["request"]["http_version"], "HTTP/2")
        self.assertEqual(photo["response"]["body"]["size"], 5000)
        self.assertTrue(photo["response"]["body"]["truncated"], "a body Firefox did not save is truncated")
        self.assertEqual(e2e.store_body_bytes(photo["response"]["body"]), b"")
        exported = self.check_export(store, [data, login, photo])
        content = exported["log"]["entries"][0]["response"]["content"]
        self.assertEqual(content.get("text"), '{"id":7,"ok":true}', "not decoded a second time")
        self.assertEqual(content["size"], 18)
        self.assertEqual(exported["log"]["entries"][0]["response"]["bodySize"], 45)
        self.assertEqual(exported["log"]["entries"][1]["request"]["postData"].get("params"),
                         [{"name": "user", "value": "ada"}, {"name": "pass", "value": "two words"}])
        self.assertEqual(exported["log"]["entries"][1]["response"]["redirectURL"], "/home")

    def check_export(self, store, flows):
        """export --har of imported flows: valid HAR 1.2, same requests and statuses, in order."""
        exported, path = export_har(self, store)
        ok, output = e2e.validate_har_schema(path)
        self.assertTrue(ok, "export of an imported HAR fails HAR 1.2 validation:\n%s" % output)
        problems = e2e.har_spec_problems(exported)
        self.assertEqual(problems, [], "\n".join(problems))
        entries = exported["log"]["entries"]
        self.assertEqual([(e["request"]["method"], e["request"]["url"], e["response"]["status"]) for e in entries],
                         [(f["request"]["method"], f["request"]["url"], (f.get("response") or {}).get("status", 0))
                          for f in flows])
        return exported

    def test_empty_entries(self):
        har = write_json({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": []}},
                         "empty.har")
        p, store = import_har(self, har)
        self.assertIn("imported 0 flows", p.stderr)
        self.assertEqual(flows_of(store), [])

    # ---- errors

    def assert_import_fails(self, content, *needles, name="bad.har"):
        d = e2e.make_tempdir("flowscope-e2e-har-")
        har = os.path.join(d, name)
        with open(har, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())
        store = os.path.join(d, "flows.jsonl")
        p = e2e.run_flowscope("import", har, "-o", store)
        self.assertNotEqual(p.returncode, 0, "import of a bad HAR must fail%s" % e2e.describe_run(p))
        self.assertTrue(p.stderr.strip(), "a message on stderr%s" % e2e.describe_run(p))
        for needle in needles:
            self.assertIn(needle, p.stderr, "the message should say %r%s" % (needle, e2e.describe_run(p)))
        self.assertNotIn("Traceback", p.stderr)
        self.assertNotIn("terminate called", p.stderr, "no uncaught exception%s" % e2e.describe_run(p))
        return p, store

    def test_not_json(self):
        p, store = self.assert_import_fails("this is not JSON {", "not valid JSON", "bad.har")
        self.assertEqual(flows_of(store) if os.path.exists(store) else [], [], "nothing appended")

    def test_error_names_the_file_once(self):
        p, _ = self.assert_import_fails("this is not JSON {", "not valid JSON", name="once.har")
        line = [l for l in p.stderr.splitlines() if "not valid JSON" in l][0]
        self.assertEqual(line.count("once.har"), 1, "the file name is repeated in %r" % line)

    def test_truncated_json(self):
        text = json.dumps(FIREFOX_HAR)
        self.assert_import_fails(text[:len(text) // 2], "not valid JSON")

    def test_json_without_log_entries(self):
        p, store = self.assert_import_fails(json.dumps({"log": {"version": "1.2", "creator": {"name": "x"}}}),
                                            "log.entries")
        self.assertEqual(flows_of(store) if os.path.exists(store) else [], [], "nothing appended")
        self.assert_import_fails(json.dumps({"entries": []}), '"log"')
        self.assert_import_fails("[1, 2, 3]", "not a JSON object")
        self.assert_import_fails(json.dumps({"log": {"entries": {"0": {}}}}), "log.entries")

    def test_entry_without_url(self):
        broken = json.loads(json.dumps(FIREFOX_HAR))
        del broken["log"]["entries"][1]["request"]["url"]
        self.assert_import_fails(json.dumps(broken), "log.entries[1].request.url")

    def test_bad_base64(self):
        broken = json.loads(json.dumps(CHROME_HAR))
        broken["log"]["entries"][2]["response"]["content"]["text"] = "***not base64***"
        self.assert_import_fails(json.dumps(broken), "log.entries[2].response.content.text", "base64")

    def test_bad_date(self):
        broken = json.loads(json.dumps(FIREFOX_HAR))
        broken["log"]["entries"][0]["startedDateTime"] = "last tuesday"
        self.assert_import_fails(json.dumps(broken), "log.entries[0].startedDateTime")

    def test_missing_file(self):
        d = e2e.make_tempdir("flowscope-e2e-har-")
        p = e2e.run_flowscope("import", os.path.join(d, "nope.har"), "-o", os.path.join(d, "f.jsonl"))
        self.assertNotEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("nope.har", p.stderr, e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
