#!/usr/bin/env python3
"""`flowscope record`, `run -w`, `export --har` and `import`, end to end with real clients.

RecordHarTest runs one `flowscope record -o api.har -w flows.jsonl --upstream-ca CA -- sh -c
'curl ...; python3 child.py'` against two local origins, one plain HTTP and one HTTPS with a
certificate from a private test CA (passed with --upstream-ca). Both clients, curl and python3
urllib, send the same set of requests to both origins: a GET with a query string, a JSON POST, an
urlencoded form, a binary upload, a gzip-compressed answer, a binary answer, cookies both ways, a
redirect, a 404, and a request to a closed port (502 from the proxy). The tests then check the
HAR against the HAR 1.2 schema (har-validator, through har_validate.js), read it back field by
field, round-trip it through `import` and `export --har`, and compare it with the JSON Lines store.

RecordBehaviourTest covers the child: its exit code, its environment, -q. StoreTest covers `run -w`
stopped by SIGTERM mid-stream and a store with a torn last line.

Needs node (har-validator; `npm ci` in tests/e2e runs once if node_modules is missing), curl and
openssl. Timeouts are hang guards only.

Run: python3 test_record_har.py --flowscope /path/to/flowscope [unittest args]
"""

import base64
import datetime
import gzip
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import urllib.parse
from http import HTTPStatus

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402

RECORD_GUARD = e2e.HANG_GUARD * 4  # one whole record run (two clients, ~40 requests)

COOKIE = "session=abc123; theme=dark"
PKI_CN = "flowscope record e2e CA"

# Response headers are recorded by the origin's routes, so the test knows exactly what was sent.
_sent_lock = threading.Lock()
_sent = {}  # (origin port, method, target) -> dict(status, body, ctype, headers, decoded)


def respond(handler, req, status, body, ctype, headers=(), decoded=None):
    if isinstance(body, str):
        body = body.encode("utf-8")
    port = handler.server.server_address[1]
    with _sent_lock:
        _sent[(port, req.method, req.target)] = {
            "status": status, "body": body, "ctype": ctype, "headers": list(headers),
            "decoded": body if decoded is None else decoded,
        }
    handler.reply(status, body, ctype, headers)


def sent_for(port, method, target):
    with _sent_lock:
        return _sent.get((port, method, target))


def route_search(h, req):
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(req.target).query, keep_blank_values=True)
    respond(h, req, 200, json.dumps({"query": query}), "application/json", [("X-E2E-Route", "search")])


def route_items(h, req):
    created = json.loads(req.body.decode("utf-8"))
    body = json.dumps({"created": created, "id": 42}, ensure_ascii=False)
    respond(h, req, 201, body, "application/json; charset=utf-8",
            [("X-E2E-Route", "items"), ("Location", "/api/items/42")])


def route_form(h, req):
    pairs = urllib.parse.parse_qsl(req.body.decode("ascii"), keep_blank_values=True)
    respond(h, req, 200, "form fields: " + json.dumps(pairs, ensure_ascii=False), "text/plain; charset=utf-8",
            [("X-E2E-Route", "form")])


def route_upload(h, req):
    respond(h, req, 200, json.dumps({"sha256": e2e.sha256(req.body), "length": len(req.body)}),
            "application/json", [("X-E2E-Route", "upload")])


GZIP_TEXT = json.dumps({"message": "compressed h\u00e9llo \u2713", "items": list(range(300))},
                       ensure_ascii=False).encode("utf-8")
GZIP_WIRE = gzip.compress(GZIP_TEXT, mtime=0)


def route_gzip(h, req):
    respond(h, req, 200, GZIP_WIRE, "application/json; charset=utf-8",
            [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")], decoded=GZIP_TEXT)


BINARY_BODY = b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" + e2e.payload(3000, seed=77)


def route_binary(h, req):
    respond(h, req, 200, BINARY_BODY, "application/octet-stream", [("X-E2E-Route", "binary")])


def route_missing(h, req):
    respond(h, req, 404, "no such thing: " + req.path, "text/plain; charset=utf-8")


def route_cookies(h, req):
    respond(h, req, 200, "cookies set", "text/plain",
            [("Set-Cookie", "sid=xyz789; Path=/; HttpOnly"),
             ("Set-Cookie", "pref=compact; Max-Age=3600; Secure; SameSite=Lax")])


def route_old(h, req):
    respond(h, req, 302, b"", "text/plain", [("Location", "/search?q=moved")])


ROUTES = {"/search": route_search, "/api/items": route_items, "/form": route_form, "/upload": route_upload,
          "/gzip": route_gzip, "/binary": route_binary, "/missing": route_missing, "/cookies": route_cookies,
          "/old": route_old}

# The python3 urllib client that record runs (after the curl commands). It reads a list of
# requests from a JSON file and prints "LABEL STATUS" per request; redirects are not followed.
CHILD_PY = r'''
import base64, json, sys, urllib.error, urllib.request

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

opener = urllib.request.build_opener(NoRedirect)
for item in json.load(open(sys.argv[1])):
    data = base64.b64decode(item["body"]) if item.get("body") is not None else None
    req = urllib.request.Request(item["url"], data=data, method=item["method"], headers=item["headers"])
    try:
        with opener.open(req, timeout=60) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except (urllib.error.URLError, OSError) as e:
        status = "error:" + str(getattr(e, "reason", e)).replace(" ", "_")
    print(item["label"], status, flush=True)
'''


class Exchange:
    """One request a client in the child sends, and what the test expects of its HAR entry."""

    def __init__(self, client, scheme, route, method, url, port, status, body=None, ctype=None):
        self.client = client  # "curl" or "urllib"
        self.scheme = scheme
        self.route = route
        self.method = method
        self.url = url
        self.port = port  # origin port (the closed port for "closed")
        self.status = status  # what the client should see
        self.body = body
        self.ctype = ctype
        self.label = "%s-%s-%s" % (client, scheme, route)

    @property
    def target(self):
        parts = urllib.parse.urlsplit(self.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def __repr__(self):
        return "Exchange(%s %s %s)" % (self.label, self.method, self.url)


JSON_BODY = json.dumps({"name": "widget", "tags": ["a", "b"], "price": 9.5, "note": "h\u00e9llo \u2713"},
                       ensure_ascii=False).encode("utf-8")
FORM_PAIRS = [("name", "Ada Lovelace"), ("note", "a&b=c \u00fc"), ("empty", "")]
UPLOAD = b"\x00\x01\x02\xff" + e2e.payload(5000, seed=99)


def plan(http_port, https_port, closed):
    """Every request of the child, in order: curl first, then urllib."""
    out = []
    for client in ("curl", "urllib"):
        for scheme, port in (("http", http_port), ("https", https_port)):
            base = "%s://127.0.0.1:%d" % (scheme, port)
            q = "client=%s" % client

            def add(route, method, path, status, body=None, ctype=None):
                out.append(Exchange(client, scheme, route, method, base + path, port, status, body, ctype))

            add("search", "GET", "/search?q=hello+world&lang=en&tag=a&tag=b&empty=&enc=%C3%A9%26x&" + q, 200)
            add("json", "POST", "/api/items?" + q, 201, JSON_BODY, "application/json")
            form = urllib.parse.urlencode(FORM_PAIRS).encode("ascii")
            add("form", "POST", "/form?" + q, 200, form, "application/x-www-form-urlencoded")
            add("upload", "POST", "/upload?" + q, 200, UPLOAD, "application/octet-stream")
            add("gzip", "GET", "/gzip?" + q, 200)
            add("binary", "GET", "/binary?" + q, 200)
            add("cookies", "GET", "/cookies?" + q, 200)
            add("redirect", "GET", "/old?" + q, 302)
            add("missing", "GET", "/missing?" + q, 404)
        # A closed port: plain HTTP gets the proxy's 502; HTTPS gets a 502 to its CONNECT.
        out.append(Exchange(client, "http", "closed", "GET", "http://127.0.0.1:%d/down?client=%s" % (closed, client),
                            closed, 502))
        out.append(Exchange(client, "https", "closed", "CONNECT", "127.0.0.1:%d" % closed, closed, 502))
    return out


def curl_command(ex, datadir):
    """The sh command line for one curl exchange: prints 'LABEL HTTP_CODE HTTP_CONNECT'."""
    args = ["curl", "-q", "-sS", "--max-time", str(e2e.HANG_GUARD), "-o", "/dev/null",
            "-w", ex.label + " %{http_code} %{http_connect}\\n", "-b", COOKIE]
    if ex.body is not None:
        path = os.path.join(datadir, ex.label + ".body")
        with open(path, "wb") as f:
            f.write(ex.body)
        args += ["-X", ex.method, "-H", "Content-Type: " + ex.ctype, "--data-binary", "@" + path]
    if ex.route == "gzip":
        args += ["-H", "Accept-Encoding: gzip"]
    url = ex.url if ex.method != "CONNECT" else "https://%s/down?client=curl" % ex.url
    args.append(url)
    return " ".join(shlex.quote(a) for a in args)


def urllib_spec(ex):
    headers = {"Cookie": COOKIE}
    if ex.body is not None:
        headers["Content-Type"] = ex.ctype
    if ex.route == "gzip":
        headers["Accept-Encoding"] = "gzip"
    url = ex.url if ex.method != "CONNECT" else "https://%s/down?client=urllib" % ex.url
    return {"label": ex.label, "method": "GET" if ex.method == "CONNECT" else ex.method, "url": url,
            "headers": headers, "body": base64.b64encode(ex.body).decode() if ex.body is not None else None}


def header_values(headers, name):
    return [h["value"] for h in headers if h["name"].lower() == name.lower()]


def is_subsequence(needle, haystack):
    it = iter(haystack)
    return all(any(x == y for y in it) for x in needle)


def iso_to_datetime(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "te", "trailer", "upgrade", "proxy-authorization"}


class RecordHarTest(e2e.E2ETestCase):
    """One record run shared by every test of this class (setUpClass)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = e2e.make_tempdir("flowscope-e2e-record-")
        cls.pki = e2e.Pki(PKI_CN)
        cert, key = cls.pki.issue("origin", "localhost", san="DNS:localhost,IP:127.0.0.1")
        cls.http_origin = e2e.HTTPOrigin(ROUTES)
        cls.https_origin = e2e.HTTPOrigin(ROUTES, e2e.tls_server_context_for(cert, key))
        cls.closed = e2e.closed_port()
        cls.exchanges = plan(cls.http_origin.port, cls.https_origin.port, cls.closed)

        spec = os.path.join(cls.tmp, "urllib.json")
        with open(spec, "w") as f:
            json.dump([urllib_spec(x) for x in cls.exchanges if x.client == "urllib"], f)
        child = os.path.join(cls.tmp, "child.py")
        with open(child, "w") as f:
            f.write(CHILD_PY)
        script = "\n".join([curl_command(x, cls.tmp) for x in cls.exchanges if x.client == "curl"] +
                           ["exec python3 %s %s" % (shlex.quote(child), shlex.quote(spec))])
        cls.home = e2e.make_tempdir("flowscope-e2e-record-home-")
        cls.har_path = os.path.join(cls.tmp, "api.har")
        cls.store_path = os.path.join(cls.tmp, "flows.jsonl")
        cls.before = datetime.datetime.now(datetime.timezone.utc)
        # --no-redact: these tests hold the HAR to exactly what was sent, cookies included
        # (test_redact.py covers record's default redaction).
        cls.rec = e2e.run_flowscope("record", "--no-redact", "-o", cls.har_path, "-w", cls.store_path,
                                    "--home", cls.home, "--upstream-ca", cls.pki.ca_cert, "--", "sh", "-c", script,
                                    timeout=RECORD_GUARD)
        cls.after = datetime.datetime.now(datetime.timezone.utc)
        cls.har = None
        cls.har_error = None
        try:
            cls.har = e2e.load_har(cls.har_path)
        except (OSError, ValueError) as e:
            cls.har_error = "%s: %s" % (cls.har_path, e)
        cls.client_status = {}
        for line in cls.rec.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                cls.client_status[parts[0]] = parts[1:]

    @classmethod
    def tearDownClass(cls):
        for o in (cls.http_origin, cls.https_origin):
            o.stop()

    # ---- helpers

    def ctx(self):
        return e2e.describe_run(self.rec)

    def entries(self):
        if self.har is None:
            self.fail("no HAR to check: %s%s" % (self.har_error, self.ctx()))
        return self.har["log"]["entries"]

    def entry_for(self, ex):
        """The one HAR entry of this exchange (same method and URL, sent by the same client)."""
        def sent_by_client(e):
            agents = header_values(e["request"]["headers"], "User-Agent")
            if ex.client == "curl":
                return any(v.startswith("curl/") for v in agents)
            # urllib sends no User-Agent with its CONNECT
            return any(v.startswith("Python-urllib/") for v in agents) or (ex.method == "CONNECT" and not agents)

        # A CONNECT's authority form is exported as tunnel://host:port (HAR wants a URI).
        url = "tunnel://" + ex.url if ex.method == "CONNECT" else ex.url
        found = [e for e in self.entries() if e["request"]["method"] == ex.method and e["request"]["url"] == url
                 and sent_by_client(e)]
        if len(found) != 1:
            listing = "\n".join("  %s %s %s" % (e["request"]["method"], e["request"]["url"],
                                                header_values(e["request"]["headers"], "User-Agent"))
                                for e in self.entries())
            self.fail("expected exactly one HAR entry for %r, found %d; entries:\n%s%s"
                      % (ex, len(found), listing, self.ctx()))
        return found[0]

    def origin_request(self, ex):
        origin = self.http_origin if ex.scheme == "http" else self.https_origin
        found = [r for r in origin.requests if r.method == ex.method and r.target == ex.target]
        self.assertEqual(len(found), 1, "origin saw %d requests for %r" % (len(found), ex))
        return found[0]

    def each(self, routes=None, clients=("curl", "urllib")):
        for ex in self.exchanges:
            if (routes is None or ex.route in routes) and ex.client in clients:
                yield ex

    # ---- the run itself

    def test_record_exits_with_childs_status_and_writes_har(self):
        self.assertEqual(self.rec.returncode, 0, "record's exit code (the child exits 0)%s" % self.ctx())
        self.assertIsNotNone(self.har, "api.har is not readable JSON: %s%s" % (self.har_error, self.ctx()))
        self.assertIn("recording through http://127.0.0.1:", self.rec.stderr, self.ctx())
        self.assertRegex(self.rec.stderr, r"recorded %d flows to .*api\.har" % len(self.entries()), self.ctx())
        hosts = {urllib.parse.urlsplit(e["request"]["url"]).hostname for e in self.entries()}
        self.assertRegex(self.rec.stderr, r"the command made %d flows to %d hosts?\b" % (len(self.entries()), len(hosts)),
                         self.ctx())
        # progress: one line per flow on stderr
        for ex in self.each(("search", "json")):
            self.assertIn("%s %s" % (ex.method, ex.url), self.rec.stderr,
                          "no progress line for %r%s" % (ex, self.ctx()))

    def test_clients_saw_the_expected_statuses(self):
        for ex in self.exchanges:
            with self.subTest(ex=ex.label):
                got = self.client_status.get(ex.label)
                self.assertIsNotNone(got, "the child printed no result for %s%s" % (ex.label, self.ctx()))
                if ex.method == "CONNECT":
                    if ex.client == "curl":
                        self.assertEqual(got, ["000", "502"], "curl's http_code/http_connect%s" % self.ctx())
                    else:
                        self.assertTrue(got[0].startswith("error:") and "502" in got[0], "urllib: %r" % got)
                else:
                    self.assertEqual(got[0], str(ex.status), "%s status%s" % (ex.label, self.ctx()))

    def test_har_is_valid_har_1_2(self):
        self.entries()
        ok, output = e2e.validate_har_schema(self.har_path)
        self.assertTrue(ok, "api.har fails HAR 1.2 schema validation (har-validator):\n%s" % output)

    def test_har_follows_spec_rules_the_schema_misses(self):
        problems = e2e.har_spec_problems({"log": {"entries": self.entries()}})
        self.assertEqual(problems, [], "HAR 1.2 rule violations:\n  " + "\n  ".join(problems))

    def test_log_header(self):
        log = self.entries() and self.har["log"]
        self.assertEqual(log["version"], "1.2")
        self.assertEqual(log["creator"]["name"], "flowscope")
        self.assertIsInstance(log["creator"]["version"], str)
        self.assertEqual(len(self.entries()), len(self.exchanges),
                         "one entry per request the child sent (%d), no more%s" % (len(self.exchanges), self.ctx()))

    # ---- field by field

    def test_methods_urls_statuses(self):
        for ex in self.exchanges:
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                # urllib tunnels with "CONNECT host:port HTTP/1.0" and no Host header
                self.assertEqual(e["request"]["httpVersion"], "HTTP/1.0" if ex.label == "urllib-https-closed"
                                 else "HTTP/1.1")
                self.assertEqual(e["response"]["status"], ex.status)
                self.assertEqual(e["response"]["statusText"], HTTPStatus(ex.status).phrase)
                self.assertEqual(e["response"]["httpVersion"], "HTTP/1.1")
                if ex.route != "closed":
                    sent = sent_for(ex.port, ex.method, ex.target)
                    self.assertIsNotNone(sent, "the origin never answered %r" % ex)
                    self.assertEqual(e["response"]["status"], sent["status"])

    def test_query_string(self):
        for ex in self.each():
            if ex.method == "CONNECT":
                continue
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                query = urllib.parse.urlsplit(ex.url).query
                expected = [{"name": n, "value": v} for n, v in urllib.parse.parse_qsl(query, keep_blank_values=True)]
                self.assertEqual(e["request"]["queryString"], expected)
        e = self.entry_for(next(self.each(("search",))))
        names = [p["name"] for p in e["request"]["queryString"]]
        self.assertEqual(names.count("tag"), 2, "repeated query names are kept")
        self.assertIn({"name": "enc", "value": "\u00e9&x"}, e["request"]["queryString"], "percent-decoded")
        self.assertIn({"name": "q", "value": "hello world"}, e["request"]["queryString"], "'+' is a space")

    def test_post_data(self):
        for ex in self.each():
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                req = e["request"]
                if ex.body is None:
                    self.assertNotIn("postData", req, "a request without a body has no postData")
                    self.assertEqual(req["bodySize"], 0)
                    continue
                self.assertEqual(self.origin_request(ex).body, ex.body, "the origin got the body unchanged")
                post = req.get("postData")
                self.assertIsNotNone(post, "postData missing for %r" % ex)
                self.assertEqual(post["mimeType"], ex.ctype)
                self.assertEqual(req["bodySize"], len(ex.body))
                self.assertEqual(e2e.har_text_bytes(post, ("_encoding", "encoding")), ex.body, "postData text")
                if ex.route == "json":
                    self.assertEqual(post["text"], JSON_BODY.decode("utf-8"), "JSON stays readable text")
                    self.assertNotIn("_encoding", post)
                if ex.route == "upload":
                    self.assertEqual(post.get("_encoding"), "base64", "binary bodies are base64: %r" % post.keys())
                if ex.route == "form":
                    self.assertEqual(post["text"], ex.body.decode("ascii"))
                    self.assertEqual(post.get("params"), [{"name": n, "value": v} for n, v in FORM_PAIRS])
                else:
                    self.assertNotIn("params", post)

    def test_response_content(self):
        for ex in self.each():
            if ex.route == "closed":
                continue
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                sent = sent_for(ex.port, ex.method, ex.target)
                resp, content = e["response"], e["response"]["content"]
                self.assertEqual(content["mimeType"], sent["ctype"])
                self.assertEqual(resp["bodySize"], len(sent["body"]), "bodySize is the wire size")
                self.assertEqual(content["size"], len(sent["decoded"]), "content.size is the decoded size")
                if sent["body"]:
                    self.assertEqual(e2e.har_text_bytes(content), sent["decoded"], "content.text")
                if ex.route == "gzip":
                    self.assertNotIn("encoding", content, "decoded gzip JSON is text: %r" % content.keys())
                    self.assertEqual(content["text"], GZIP_TEXT.decode("utf-8"))
                    self.assertEqual(content.get("compression"), len(GZIP_TEXT) - len(GZIP_WIRE),
                                     "compression = bytes saved = size - bodySize")
                    self.assertGreater(content["size"], resp["bodySize"])
                else:
                    self.assertNotIn("compression", content)
                if ex.route == "binary":
                    self.assertEqual(content.get("encoding"), "base64")
                if ex.route in ("search", "json", "form", "missing"):
                    self.assertNotIn("encoding", content)

    def test_headers(self):
        for ex in self.each():
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                req, resp = e["request"], e["response"]
                for side in (req, resp):
                    for h in side["headers"]:
                        self.assertEqual(sorted(h.keys()), ["name", "value"])
                    self.assertIsInstance(side["headersSize"], int)
                    self.assertGreater(side["headersSize"], 0, "an HTTP/1.1 head has a size")
                host = ex.url.split("/")[2] if ex.method != "CONNECT" else ex.url
                if ex.label != "urllib-https-closed":  # urllib's HTTP/1.0 CONNECT has no Host
                    self.assertEqual(header_values(req["headers"], "Host"), [host])
                if ex.route == "closed":
                    continue
                # Every end-to-end header the origin received is in the HAR, with its value.
                har_pairs = [(h["name"].lower(), h["value"]) for h in req["headers"]]
                for k, v in self.origin_request(ex).headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.assertIn((k.lower(), v), har_pairs, "request header %s: %s" % (k, v))
                sent = sent_for(ex.port, ex.method, ex.target)
                got = [(h["name"], h["value"]) for h in resp["headers"]]
                self.assertEqual(header_values(resp["headers"], "Content-Type"), [sent["ctype"]])
                self.assertEqual(header_values(resp["headers"], "Content-Length"), [str(len(sent["body"]))])
                self.assertTrue(is_subsequence(sent["headers"], got),
                                "origin's headers %r, in order with duplicates, within %r" % (sent["headers"], got))

    def test_cookies(self):
        for ex in self.each():
            if ex.method == "CONNECT":
                continue
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                self.assertEqual(e["request"]["cookies"],
                                 [{"name": "session", "value": "abc123"}, {"name": "theme", "value": "dark"}])
                if ex.route != "cookies":
                    self.assertEqual(e["response"]["cookies"], [])
                    continue
                cookies = e["response"]["cookies"]
                self.assertEqual([(c["name"], c["value"]) for c in cookies], [("sid", "xyz789"), ("pref", "compact")])
                sid, pref = cookies
                self.assertEqual(sid.get("path"), "/")
                self.assertIs(sid.get("httpOnly"), True)
                self.assertIs(pref.get("secure"), True)
                self.assertEqual(pref.get("sameSite"), "Lax")
                self.assertIn("expires", pref, "Max-Age gives an expiry")
                expires = datetime.datetime.fromisoformat(pref["expires"].replace("Z", "+00:00"))
                started = iso_to_datetime(e["startedDateTime"])
                self.assertAlmostEqual((expires - started).total_seconds(), 3600, delta=2)

    def test_redirect_url(self):
        for ex in self.each():
            if ex.method == "CONNECT":
                continue
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                expected = {"redirect": "/search?q=moved", "json": "/api/items/42"}.get(ex.route, "")
                self.assertEqual(e["response"]["redirectURL"], expected)

    def test_not_found(self):
        for ex in self.each(("missing",)):
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                self.assertEqual(e["response"]["status"], 404)
                self.assertEqual(e["response"]["content"]["text"], "no such thing: /missing")
                self.assertNotIn("_error", e, "a 404 is an answer, not an error")

    def test_failed_upstream(self):
        for ex in self.each(("closed",)):
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                self.assertEqual(e["response"]["status"], 502)
                error = e.get("_error")
                self.assertTrue(error, "a refused upstream connection gives _error: %r" % e)
                self.assertIn(str(self.closed), error, "_error names the address")
                content = e["response"]["content"]
                self.assertTrue(content["mimeType"].startswith("text/plain"))
                self.assertTrue(content.get("text", "").strip(), "the 502's body is kept")
                if "serverIPAddress" in e:
                    self.assertEqual(e["serverIPAddress"], "127.0.0.1")
                if ex.method == "CONNECT":
                    self.assertEqual(e.get("_tunnel", {}).get("host"), "127.0.0.1", "CONNECT entry: %r" % e)
                    self.assertEqual(e["_tunnel"]["port"], self.closed)
                    self.assertEqual(e["_flowscope"]["scheme"], "tunnel")
        for ex in self.each():
            if ex.route != "closed":
                self.assertNotIn("_error", self.entry_for(ex), "%r completed without error" % ex)

    def test_timings_dates_addresses(self):
        ssl_seen = False
        for ex in self.each():
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                self.assertRegex(e["startedDateTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
                started = iso_to_datetime(e["startedDateTime"])
                margin = datetime.timedelta(seconds=60)  # clock granularity, not a speed limit
                self.assertTrue(self.before - margin <= started <= self.after + margin,
                                "%s is outside the record run" % e["startedDateTime"])
                t = e["timings"]
                for k in ("send", "wait", "receive"):
                    self.assertGreaterEqual(t[k], 0, "timings.%s" % k)
                for k in ("blocked", "dns", "connect", "ssl"):
                    self.assertTrue(t[k] == -1 or t[k] >= 0, "timings.%s = %r" % (k, t[k]))
                self.assertGreaterEqual(e["time"], 0)
                if ex.scheme == "http":
                    self.assertEqual(t["ssl"], -1, "plain HTTP has no TLS phase")
                elif t["ssl"] >= 0:
                    ssl_seen = True
                    self.assertGreaterEqual(t["connect"], t["ssl"], "HAR's connect includes ssl")
                if ex.route != "closed":
                    self.assertEqual(e.get("serverIPAddress"), "127.0.0.1")
                    self.assertRegex(e.get("connection", ""), r"^\d+$")
                    self.assertEqual(e["_flowscope"]["serverAddress"], "127.0.0.1:%d" % ex.port)
                self.assertRegex(e["_flowscope"]["clientAddress"], r"^127\.0\.0\.1:\d+$")
                self.assertRegex(e["_flowscope_id"], r"\S")
        self.assertTrue(ssl_seen, "no HTTPS entry has an ssl phase")

    def test_https_tls_details(self):
        for ex in self.each():
            if ex.scheme != "https" or ex.route == "closed":
                continue
            with self.subTest(ex=ex.label):
                e = self.entry_for(ex)
                self.assertEqual(e["_flowscope"]["scheme"], "https")
                tls = e["_flowscope"].get("tls")
                self.assertIsNotNone(tls, "an intercepted flow has TLS details")
                self.assertEqual(tls["upstreamVerify"], "ok", "verified against --upstream-ca")
                self.assertIn(PKI_CN, tls["serverCertIssuer"])
                self.assertRegex(tls["client"]["version"], r"^TLSv1\.[23]$")
                self.assertRegex(tls["server"]["version"], r"^TLSv1\.[23]$")

    # ---- the JSON Lines store written alongside (-w)

    def test_store_lines_match_har_entries(self):
        entries = self.entries()
        lines = e2e.read_jsonl(self.store_path)
        self.assertEqual(len(lines), len(entries), "flows.jsonl lines vs HAR entries%s" % self.ctx())
        for n, text, obj, err in lines:
            self.assertIsNone(err, "line %d is not JSON: %s: %r" % (n, err, text[:300]))
            self.assertEqual(obj.get("format"), 1, "line %d has format %r" % (n, obj.get("format")))
        self.assertEqual(sorted(o["id"] for _, _, o, _ in lines), sorted(e["_flowscope_id"] for e in entries))

    # ---- round trips

    def test_import_then_export_keeps_every_har_field(self):
        entries = self.entries()
        store = os.path.join(e2e.make_tempdir(), "x.jsonl")
        again = os.path.join(os.path.dirname(store), "again.har")
        imp = e2e.run_flowscope("import", self.har_path, "-o", store)
        self.assertEqual(imp.returncode, 0, e2e.describe_run(imp))
        self.assertIn("imported %d flows" % len(entries), imp.stderr)
        self.assertEqual(len(e2e.read_jsonl(store)), len(entries))
        exp = e2e.run_flowscope("export", "--har", again, store)
        self.assertEqual(exp.returncode, 0, e2e.describe_run(exp))
        second = e2e.load_har(again)
        self.assertEqual(second["log"]["version"], "1.2")
        diffs = e2e.json_diff(self.har["log"]["entries"], second["log"]["entries"], "entries")
        self.assertEqual(diffs, [], "fields lost or changed by import + export:\n  " + "\n  ".join(diffs))

    def test_intercepted_flows_keep_their_tcp_connect_time(self):
        """Each HTTPS request here opens its own client connection, so flowscope connects to the origin
        (TCP, then TLS) for it. The store should time both phases, as it does for plain HTTP."""
        self.entries()
        missing = []
        for _, _, flow, _ in e2e.read_jsonl(self.store_path):
            t = flow["timings"]
            if flow["scheme"] == "https" and t.get("tls") is not None and t.get("connect") is None:
                missing.append("%s %s: timings %s" % (flow["id"], flow["request"]["url"], json.dumps(t)))
        self.assertEqual(missing, [], "intercepted flows with a TLS handshake but no TCP connect time (HAR then "
                                      "reports connect == ssl, i.e. a 0 ms TCP connect):\n  " + "\n  ".join(missing))

    def test_import_restores_the_recorded_flows(self):
        """flows.jsonl (recorded) vs import of the HAR: equal except for what docs/har.md lists as lost
        (send/wait/receive -1 → 0 on flows with a response; decoded response bodies stay decoded;
        times rounded to the microsecond)."""
        self.entries()
        store = os.path.join(e2e.make_tempdir(), "x.jsonl")
        imp = e2e.run_flowscope("import", self.har_path, "-o", store)
        self.assertEqual(imp.returncode, 0, e2e.describe_run(imp))
        recorded = {o["id"]: o for _, _, o, _ in e2e.read_jsonl(self.store_path)}
        imported = {o["id"]: o for _, _, o, _ in e2e.read_jsonl(store)}
        self.assertEqual(sorted(imported), sorted(recorded))
        problems = []
        for fid, want in recorded.items():
            want = json.loads(json.dumps(want))
            got = imported[fid]
            for k, v in want["timings"].items():
                if isinstance(v, float) and isinstance(got["timings"].get(k), (int, float)) \
                        and abs(v - got["timings"][k]) <= 0.0005 + 1e-9:
                    want["timings"][k] = got["timings"][k]  # HAR keeps whole microseconds
            if want.get("response"):
                for k in ("send", "wait", "receive"):
                    if want["timings"].get(k) is None:
                        want["timings"][k] = 0
                headers = want["response"]["headers"]
                if any(k.lower() == "content-encoding" for k, _ in headers):
                    # documented: the body comes back decoded, with the wire size kept
                    wb, gb = want["response"]["body"], got.get("response", {}).get("body", {})
                    decoded = gzip.decompress(e2e.store_body_bytes(wb))
                    if e2e.store_body_bytes(gb) == decoded and gb["size"] == wb["size"]:
                        want["response"]["body"] = gb
            problems += e2e.json_diff(want, got, "flow[%s]" % fid)
        self.assertEqual(problems, [], "flow fields changed by export + import (beyond the losses docs/har.md "
                                       "lists):\n  " + "\n  ".join(problems))


class WebSocketHarTest(e2e.E2ETestCase):
    """`export --har` of a store line with a WebSocket session, written here by hand: the entry carries
    Chrome's _webSocketMessages, the HAR still passes har-validator, and `import` gives the session back."""

    WEBSOCKET = {
        "protocol": "chat", "extensions": "permessage-deflate",
        "messages": [
            {"direction": "client", "time": 1795563481.124456, "opcode": 1, "length": 5, "text": "hello"},
            {"direction": "server", "time": 1795563481.125, "opcode": 1, "length": 19,
             "text": "hello, hello, hello", "compressed": True, "wire_length": 9},
            {"direction": "server", "time": 1795563481.126456, "opcode": 2, "length": 4, "base64": "AAEC/w=="},
            {"direction": "client", "time": 1795563481.127456, "opcode": 1, "length": 4096,
             "base64": base64.b64encode("price: \u20ac".encode("utf-8")[:-1]).decode(), "truncated": True},
            {"direction": "client", "time": 1795563481.128456, "opcode": 9, "length": 2, "base64": "aGk="},
            {"direction": "server", "time": 1795563481.129456, "opcode": 10, "length": 2, "base64": "aGk="},
            {"direction": "client", "time": 1795563481.130456, "opcode": 8, "length": 3, "text": "bye",
             "close_code": 1000},
        ],
        "messages_dropped": 4,
        "close": {"side": "client", "code": 1000, "reason": "bye", "answered": False},
    }

    def record(self):
        return {
            "format": 1, "id": "12-1", "connection_id": 12, "started": "2026-11-24T23:38:01.123456Z",
            "client_address": "127.0.0.1:53422", "server_address": "127.0.0.1:8080", "scheme": "http",
            "request": {"method": "GET", "url": "http://127.0.0.1:8080/socket", "http_version": "HTTP/1.1",
                        "headers": [["Host", "127.0.0.1:8080"], ["Upgrade", "websocket"], ["Connection", "Upgrade"]],
                        "body": {"size": 0, "truncated": False, "encoding": "utf-8", "data": ""}},
            "response": {"status": 101, "reason": "Switching Protocols", "http_version": "HTTP/1.1",
                         "headers": [["Upgrade", "websocket"], ["Connection", "Upgrade"],
                                     ["Sec-WebSocket-Protocol", "chat"]],
                         "body": {"size": 0, "truncated": False, "encoding": "utf-8", "data": ""}},
            "timings": {"dns": None, "connect": 0.5, "tls": None, "send": 0.125, "wait": 1.5, "receive": 0},
            "websocket": self.WEBSOCKET,
        }

    def test_export_is_valid_har_with_chromes_messages_and_imports_back(self):
        d = e2e.make_tempdir()
        store = os.path.join(d, "ws.jsonl")
        with open(store, "w", encoding="utf-8") as f:
            f.write(json.dumps(self.record(), separators=(",", ":")) + "\n")
        har = os.path.join(d, "ws.har")
        p = e2e.run_flowscope("export", "--har", har, store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, output)

        entry = e2e.load_har(har)["log"]["entries"][0]
        got = entry.get("_webSocketMessages")
        self.assertIsInstance(got, list, "the upgrade's entry carries _webSocketMessages: %r" % entry)
        self.assertEqual([(m["type"], m["opcode"]) for m in got],
                         [("send", 1), ("receive", 1), ("receive", 2), ("send", 1), ("send", 9), ("receive", 10),
                          ("send", 8)])
        self.assertEqual(got[0], {"type": "send", "time": 1795563481.124456, "opcode": 1, "data": "hello"})
        self.assertEqual(got[2]["data"], "AAEC/w==", "binary goes as base64, as Chrome writes it")
        self.assertEqual(got[3]["data"], self.WEBSOCKET["messages"][3]["base64"],
                         "text that is not UTF-8 (cut mid-character) stays exact as base64")

        back = os.path.join(d, "back.jsonl")
        p = e2e.run_flowscope("import", har, "-o", back)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        lines = e2e.read_jsonl(back)
        self.assertEqual(len(lines), 1, lines)
        self.assertEqual(lines[0][2].get("websocket"), self.WEBSOCKET,
                         "flowscope -> HAR -> flowscope keeps the WebSocket record")


class RecordBehaviourTest(e2e.E2ETestCase):
    """The child process: exit status, environment, -q, missing command."""

    def setUp(self):
        super().setUp()
        self.tmp = e2e.make_tempdir("flowscope-e2e-record-")
        self.home = e2e.make_tempdir("flowscope-e2e-record-home-")
        self.origin = self.start_origin({"/hello": lambda h, r: h.reply(200, "hello from origin")})

    def record(self, *args, env=None):
        return e2e.run_flowscope("record", "--home", self.home, *args, env=env, timeout=RECORD_GUARD)

    def test_child_exit_code_is_propagated_and_har_still_written(self):
        har = os.path.join(self.tmp, "exit3.har")
        url = self.origin.url("/hello?exit=3")
        p = self.record("-o", har, "--", "sh", "-c", "curl -q -sS -o /dev/null %s; exit 3" % shlex.quote(url))
        self.assertEqual(p.returncode, 3, "record must exit with the child's code%s" % e2e.describe_run(p))
        self.assertTrue(os.path.exists(har), "HAR not written when the child failed%s" % e2e.describe_run(p))
        entries = e2e.load_har(har)["log"]["entries"]
        self.assertEqual([(e["request"]["url"], e["response"]["status"]) for e in entries], [(url, 200)])
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, output)

    def test_child_python_exit_code(self):
        har = os.path.join(self.tmp, "py.har")
        code = ("import sys, urllib.request\n"
                "print(urllib.request.urlopen(%r, timeout=60).read().decode())\n"
                "sys.exit(7)\n" % self.origin.url("/hello?py=1"))
        p = self.record("-o", har, "--", "python3", "-c", code)
        self.assertEqual(p.returncode, 7, e2e.describe_run(p))
        self.assertIn("hello from origin", p.stdout, "the child's stdout is passed through")
        self.assertEqual(len(e2e.load_har(har)["log"]["entries"]), 1)

    def test_child_killed_by_signal(self):
        har = os.path.join(self.tmp, "killed.har")
        p = self.record("-o", har, "--", "sh", "-c", "kill -TERM $$")
        self.assertEqual(p.returncode, 128 + signal.SIGTERM, "a child killed by SIGTERM%s" % e2e.describe_run(p))
        self.assertEqual(e2e.load_har(har)["log"]["entries"], [])

    def test_ctrl_c_reaches_the_child_and_the_har_is_still_written(self):
        """SIGINT to the whole process group (what a terminal's Ctrl-C does) ends the child; record then
        writes the HAR and exits with the child's status."""
        har = os.path.join(self.tmp, "ctrl-c.har")
        code = ("import signal, sys, urllib.request\n"
                "signal.signal(signal.SIGINT, lambda *a: sys.exit(130))\n"
                "urllib.request.urlopen(%r, timeout=60).read()\n"
                "print('ready', flush=True)\n"
                "signal.pause()\n" % self.origin.url("/hello?ctrl-c=1"))
        env = e2e.clean_env({"FLOWSCOPE_HOME": self.home, "HOME": self.home})
        argv = [e2e.FLOWSCOPE, "record", "-o", har, "--", "python3", "-c", code]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, start_new_session=True)
        try:
            ready = [None]
            reader = threading.Thread(target=lambda: ready.__setitem__(0, proc.stdout.readline()), daemon=True)
            reader.start()
            reader.join(RECORD_GUARD)
            self.assertEqual(ready[0], b"ready\n", "the child never got its answer")
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=RECORD_GUARD)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
        self.assertEqual(proc.returncode, 130, "record exits with the child's status; stderr:\n%s" % err.decode())
        entries = e2e.load_har(har)["log"]["entries"]
        self.assertEqual([e["request"]["url"] for e in entries], [self.origin.url("/hello?ctrl-c=1")])

    def test_missing_command(self):
        har = os.path.join(self.tmp, "missing.har")
        p = self.record("-o", har, "--", "/nonexistent/flowscope-e2e-command")
        self.assertNotEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("/nonexistent/flowscope-e2e-command", p.stderr, "the error names the command")
        self.assertEqual(e2e.load_har(har)["log"]["entries"], [], "an empty HAR is still written")

    def test_record_needs_an_output(self):
        p = self.record("--", "true")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("-o", p.stderr)

    def test_body_limit_marks_truncated_bodies(self):
        big = e2e.payload(4000, seed=5).hex().encode()  # 8000 bytes of text
        origin = self.start_origin({"/big": lambda h, r: h.reply(200, big, "text/plain"),
                                    "/post": lambda h, r: h.reply(200, b"ok %d" % len(r.body), "text/plain")})
        har = os.path.join(self.tmp, "limit.har")
        form = ("a=" + "x" * 3000 + "&b=2").encode()
        form_file = e2e.write_temp_file(form)
        script = "curl -q -sS -o /dev/null %s; curl -q -sS -o /dev/null --data-binary @%s %s" % (
            shlex.quote(origin.url("/big")), shlex.quote(form_file), shlex.quote(origin.url("/post")))
        p = self.record("--body-limit", "100", "-o", har, "--", "sh", "-c", script)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        entries = {e["request"]["url"]: e for e in e2e.load_har(har)["log"]["entries"]}
        content = entries[origin.url("/big")]["response"]["content"]
        self.assertIs(content.get("_truncated"), True,
                      "content: %r" % {k: v for k, v in content.items() if k != "text"})
        self.assertEqual(content["size"], len(big))
        self.assertEqual(entries[origin.url("/big")]["response"]["bodySize"], len(big))
        self.assertEqual(content["text"], big[:100].decode(), "the kept prefix")
        post = entries[origin.url("/post")]["request"]
        self.assertEqual(post["bodySize"], len(form))
        self.assertIs(post["postData"].get("_truncated"), True)
        self.assertEqual(post["postData"]["text"], form[:100].decode())
        self.assertNotIn("params", post["postData"], "no params from a cut form")
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, output)
        store = os.path.join(self.tmp, "limit.jsonl")
        again = os.path.join(self.tmp, "limit-again.har")
        for argv in (("import", har, "-o", store), ("export", "--har", again, store)):
            q = e2e.run_flowscope(*argv)
            self.assertEqual(q.returncode, 0, e2e.describe_run(q))
        diffs = e2e.json_diff(e2e.load_har(har)["log"]["entries"], e2e.load_har(again)["log"]["entries"], "entries")
        self.assertEqual(diffs, [], "truncated bodies changed by import + export:\n  " + "\n  ".join(diffs))

    def test_unwritable_har_path(self):
        har = os.path.join(self.tmp, "no", "such", "dir", "x.har")
        p = self.record("-o", har, "--", "true")
        self.assertNotEqual(p.returncode, 0, "a HAR that cannot be written fails the run%s" % e2e.describe_run(p))
        self.assertIn(har, p.stderr, "the message names the file%s" % e2e.describe_run(p))

    def test_child_environment_and_quiet(self):
        har = os.path.join(self.tmp, "env.har")
        dump = os.path.join(self.tmp, "env.json")
        code = ("import json, os, sys, urllib.request\n"
                "urllib.request.urlopen(%r, timeout=60).read()\n"
                "env = dict(os.environ)\n"
                "env['_bundle'] = open(env['SSL_CERT_FILE']).read()\n"
                "work = os.path.dirname(env['SSL_CERT_FILE'])\n"
                "env['_preload'] = open(os.path.join(work, 'node-preload.js')).read()\n"
                "env['_java_store_written'] = os.path.getsize(os.path.join(work, 'java-truststore.p12')) > 0\n"
                "json.dump(env, open(%r, 'w'))\n" % (self.origin.url("/hello?quiet=1"), dump))
        p = self.record("-q", "-o", har, "--", "python3", "-c", code, env={"NO_PROXY": "example.invalid"})
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertNotIn("/hello?quiet=1", p.stderr, "-q prints no flow lines%s" % e2e.describe_run(p))
        self.assertEqual(len(e2e.load_har(har)["log"]["entries"]), 1)
        with open(dump) as f:
            env = json.load(f)
        proxy = env.get("HTTP_PROXY", "")
        self.assertRegex(proxy, r"^http://127\.0\.0\.1:\d+$")
        self.assertIn("recording through " + proxy, p.stderr)
        for name in ("HTTPS_PROXY", "http_proxy", "https_proxy"):
            self.assertEqual(env.get(name), proxy, name)
        self.assertEqual(env.get("NO_PROXY"), "example.invalid", "NO_PROXY passes through unchanged")
        self.assertEqual(env.get("NODE_USE_ENV_PROXY"), "1")
        ca = os.path.join(self.home, "ca-cert.pem")
        self.assertEqual(os.path.realpath(env.get("NODE_EXTRA_CA_CERTS", "")), os.path.realpath(ca))
        with open(ca) as f:
            ca_pem = f.read().strip()
        for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "PIP_CERT",
                     "AWS_CA_BUNDLE", "DENO_CERT", "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"):
            self.assertEqual(env.get(name), env["SSL_CERT_FILE"], name)
        work_dir = os.path.dirname(env["SSL_CERT_FILE"])
        preload = os.path.join(work_dir, "node-preload.js")
        self.assertEqual(env.get("NODE_OPTIONS"), '--require "%s"' % preload)
        self.assertTrue(env["_preload"].startswith("// flowscope record: the preload"), "the preload was written")
        port = proxy.rsplit(":", 1)[1]
        self.assertEqual(env.get("JAVA_TOOL_OPTIONS", "").split(), [
            "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=" + port,
            "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=" + port, "-Dhttp.nonProxyHosts=",
            "-Djavax.net.ssl.trustStore=" + os.path.join(work_dir, "java-truststore.p12"),
            "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"])
        self.assertTrue(env["_java_store_written"], "the Java trust store was written")
        bundle = env["_bundle"]
        self.assertIn(ca_pem, bundle, "the bundle holds flowscope's CA")
        self.assertGreater(len(e2e.split_pem_certs(bundle)), 1, "and the system roots")
        self.assertFalse(os.path.exists(work_dir), "the temporary bundle, preload and trust store are removed afterwards")


class StoreTest(e2e.E2ETestCase):
    """`flowscope run -w`: SIGTERM in the middle of a streamed response, torn last lines."""

    def start_stream_origin(self):
        """A raw origin: /stream sends its head and a first chunk, then holds the response open."""
        first_chunk_sent = threading.Event()

        def on_connection(sock, origin):
            origin.read_head(sock)
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"b\r\nfirst-chunk\r\n")
            first_chunk_sent.set()
            origin.stopping.wait(e2e.HANG_GUARD)

        return self.start_raw_origin(on_connection), first_chunk_sent

    def write_flows(self, store, mode, complete=3):
        """run -w STORE: `complete` finished GETs, then one response cut mid-stream by SIGTERM."""
        origin = self.start_origin()
        stream, _ = self.start_stream_origin()
        proxy = self.start_proxy("-w", store, "--fsync", mode, "--shutdown-grace-ms", "500")
        urls = [origin.url("/done/%d?fsync=%s" % (i, mode)) for i in range(complete)]
        for url in urls:
            target = "/" + url.split("/", 3)[3]
            self.assertCurlOK(e2e.curl(url, proxy=proxy.url), body=b"origin says hi: " + target.encode())
        s = e2e.connect(proxy.port)
        try:
            s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (stream.url("/stream"), stream.hostport)).encode())
            got = bytearray()
            while b"first-chunk" not in got:
                chunk = s.recv(65536)
                self.assertTrue(chunk, "proxy closed before the first chunk: %r%s" % (bytes(got), self.diag()))
                got += chunk
            rc = proxy.stop(signal.SIGTERM)
        finally:
            s.close()
        self.assertEqual(rc, 0, "exit code after SIGTERM%s" % self.diag())
        return urls, stream.url("/stream")

    def test_sigterm_mid_stream_leaves_a_readable_store(self):
        for mode in ("every", "interval", "never"):
            with self.subTest(fsync=mode):
                store = os.path.join(e2e.make_tempdir(), "flows.jsonl")
                urls, stream_url = self.write_flows(store, mode)
                lines = e2e.read_jsonl(store)
                for n, text, obj, err in lines:
                    self.assertIsNone(err, "line %d is not JSON (%s): %r" % (n, err, text[:300]))
                    self.assertEqual(obj["format"], 1)
                with open(store, "rb") as f:
                    self.assertTrue(f.read().endswith(b"\n"), "the store ends with a complete line")
                by_url = {o["request"]["url"]: o for _, _, o, _ in lines}
                for url in urls:
                    self.assertIn(url, by_url, "finished flow missing from the store%s" % self.diag())
                    self.assertEqual(by_url[url]["response"]["status"], 200)
                cut = by_url.get(stream_url)
                self.assertIsNotNone(cut, "the flow cut by shutdown is recorded (DESIGN: appended when the "
                                          "exchange ends or fails); store: %r" % sorted(by_url))
                self.assertTrue(cut.get("error"), "the cut flow carries an error: %r" % cut)
                self.assertEqual(e2e.store_body_bytes(cut["response"]["body"]), b"first-chunk",
                                 "the part that was streamed is kept")
                har = os.path.join(os.path.dirname(store), "out.har")
                p = e2e.run_flowscope("export", "--har", har, store)
                self.assertEqual(p.returncode, 0, e2e.describe_run(p))
                self.assertEqual(len(e2e.load_har(har)["log"]["entries"]), len(lines))
                ok, output = e2e.validate_har_schema(har)
                self.assertTrue(ok, output)

    def test_torn_last_line_is_skipped_with_a_warning(self):
        store = os.path.join(e2e.make_tempdir(), "flows.jsonl")
        urls, _ = self.write_flows(store, "every")
        complete = e2e.read_jsonl(store)
        with open(store, "rb") as f:
            first_line = f.read().split(b"\n", 1)[0]
        with open(store, "ab") as f:
            f.write(first_line[:len(first_line) // 2])  # a writer killed mid-line
        har = os.path.join(os.path.dirname(store), "torn.har")
        p = e2e.run_flowscope("export", "--har", har, store)
        self.assertEqual(p.returncode, 0, "a torn last line must not fail the export%s" % e2e.describe_run(p))
        self.assertRegex(p.stderr, r"(?i)incomplete|torn", "a warning about the torn line%s" % e2e.describe_run(p))
        entries = e2e.load_har(har)["log"]["entries"]
        self.assertEqual(len(entries), len(complete), "every complete flow is exported")
        self.assertEqual([e["_flowscope_id"] for e in entries], [o["id"] for _, _, o, _ in complete])
        for url in urls:
            self.assertIn(url, [e["request"]["url"] for e in entries])
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, output)

        # A new writer on the same store starts on a fresh line: the fragment stays one bad line.
        origin = self.start_origin()
        proxy = self.start_proxy("-w", store, "--fsync", "every")
        url = origin.url("/after-restart")
        self.assertCurlOK(e2e.curl(url, proxy=proxy.url))
        self.assertEqual(proxy.stop(signal.SIGTERM), 0, self.diag())
        self.assertRegex(proxy.stderr, r"(?i)incomplete", "the writer warns about the fragment")
        har2 = os.path.join(os.path.dirname(store), "restart.har")
        p = e2e.run_flowscope("export", "--har", har2, store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("skipped", p.stderr, "the fragment line is reported%s" % e2e.describe_run(p))
        got = [e["request"]["url"] for e in e2e.load_har(har2)["log"]["entries"]]
        self.assertEqual(got, [o["request"]["url"] for _, _, o, _ in complete] + [url])

    def test_bad_fsync_value(self):
        p = e2e.run_flowscope("run", "--listen", "127.0.0.1:0", "-w", os.path.join(e2e.make_tempdir(), "f.jsonl"),
                              "--fsync", "sometimes", timeout=e2e.HANG_GUARD)
        self.assertNotEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("every, interval or never", p.stderr, e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
