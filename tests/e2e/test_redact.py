#!/usr/bin/env python3
"""Redaction, end to end: `flowscope record` (on by default) and `flowscope run --redact --live`.

Real curl sends secrets every way an application does (Authorization, Proxy-less Cookie, X-Api-Key,
a custom header, a query token, a JSON body with nested and array fields, a form, over plain HTTP and
through intercepted HTTPS), and loopback origins answer with secrets (Set-Cookie, a Location with a
signature, a JSON body, a gzip-compressed JSON body). The tests check that no secret appears in the
JSON Lines store, the HAR, or anything flowscope printed, that the origin still received every real
value (the wire is never changed), and that each flow notes what was redacted. Control runs
(`run` without --redact, `record --no-redact`) show that the same searches do find the secrets when
redaction is off. Also: bad patterns are usage errors (exit 2), and `record --filter`.

Run: python3 test_redact.py --flowscope /path/to/flowscope [unittest args]
"""

import gzip
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402

RECORD_GUARD = e2e.HANG_GUARD * 4

# Every secret holds "zq7", so one search finds any of them; each is unique for the report.
SECRETS = {
    "authorization": "zq7-bearer-b1f3",
    "cookie": "zq7-cookie-77aa",
    "api_key_header": "zq7-xapikey-0c2d",
    "custom_header": "zq7-custom-55e1",
    "query_token": "zq7-query-9d0e",
    "json_password": "zq7-jsonpw-3a3a",
    "json_nested": "zq7-nested-6b6b",
    "json_custom_field": "zq7-ssn-4c4c",
    "form_password": "zq7-formpw-8f8f",
    "set_cookie": "zq7-setcookie-2e2e",
    "location_sig": "zq7-locsig-1a1a",
    "response_token": "zq7-resptoken-7d7d",
    "gzip_api_key": "zq7-gzipkey-5f5f",
}

# Flags that make the custom header and field secret, on top of the built-in lists.
EXTRA_PATTERNS = ("--redact-header", "^x-custom-auth$", "--redact-field", "^ssn$")


def route_login(h, req):
    h.reply(200, json.dumps({"user": "ada", "session": {"token": SECRETS["response_token"], "ttl": 3600}}),
            "application/json", headers=[("Set-Cookie", "sid=%s; Path=/; HttpOnly" % SECRETS["set_cookie"])])


def route_form(h, req):
    h.reply(200, b"form ok", "text/plain")


def route_redirect(h, req):
    h.reply(302, b"", "text/plain", headers=[("Location", "/done?X-Amz-Signature=%s&page=1" % SECRETS["location_sig"])])


GZIP_JSON = json.dumps({"profile": {"name": "ada", "api_key": SECRETS["gzip_api_key"]}}).encode()


def route_gzip(h, req):
    h.reply(200, gzip.compress(GZIP_JSON, mtime=0), "application/json", headers=[("Content-Encoding", "gzip")])


def route_keep(h, req):
    h.reply(200, b"kept", "text/plain")


def route_drop(h, req):
    h.reply(200, b"dropped", "text/plain")


ROUTES = {"/login": route_login, "/form": route_form, "/old": route_redirect, "/gzip": route_gzip,
          "/keep": route_keep, "/drop": route_drop}

LOGIN_JSON = json.dumps({"user": "ada", "password": SECRETS["json_password"],
                         "devices": [{"name": "phone", "secret": SECRETS["json_nested"]}],
                         "ssn": SECRETS["json_custom_field"]})
FORM_BODY = "user=ada&password=%s&remember=1" % SECRETS["form_password"]


def curl_args(base):
    """curl argument lists for every request of one origin (base URL), secrets everywhere."""
    return [
        ["-X", "POST", "-H", "Authorization: Bearer " + SECRETS["authorization"],
         "-b", "session=%s; theme=dark" % SECRETS["cookie"], "-H", "X-Api-Key: " + SECRETS["api_key_header"],
         "-H", "X-Custom-Auth: " + SECRETS["custom_header"], "-H", "Content-Type: application/json",
         "--data-binary", LOGIN_JSON, base + "/login?access_token=%s&page=2" % SECRETS["query_token"]],
        ["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", FORM_BODY, base + "/form"],
        [base + "/old"],
        ["-H", "Accept-Encoding: gzip", base + "/gzip"],
    ]


def shell_script(bases):
    lines = []
    for base in bases:
        for args in curl_args(base):
            argv = ["curl", "-q", "-sS", "--fail-with-body", "--max-time", str(e2e.HANG_GUARD), "-o", "/dev/null"] + args
            lines.append(" ".join(shlex.quote(a) for a in argv) + " || exit 9")
    return "\n".join(lines)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class RedactTestCase(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.dir = e2e.make_tempdir("flowscope-e2e-redact-")
        self.origin = self.start_origin(ROUTES)

    def assert_no_secret(self, what, data):
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        leaked = [name for name, value in SECRETS.items() if value in data]
        self.assertEqual(leaked, [], "%s holds these secrets: %s" % (what, leaked))
        self.assertNotIn("zq7", data, "%s holds a secret" % what)

    def assert_origin_got_the_real_values(self, origin):
        """The wire is never changed: every secret the clients sent reached the origin as sent."""
        got = "\n".join("%s %s\n%s\n%s" % (r.method, r.target, "\n".join("%s: %s" % kv for kv in r.headers),
                                             r.body.decode("utf-8", "replace")) for r in origin.requests)
        for name in ("authorization", "cookie", "api_key_header", "custom_header", "query_token", "json_password",
                     "json_nested", "json_custom_field", "form_password"):
            self.assertIn(SECRETS[name], got, "the origin did not receive the real %s" % name)
        login = [r for r in origin.requests if r.path == "/login"][0]
        self.assertEqual(json.loads(login.body), json.loads(LOGIN_JSON), "the JSON body reached the origin unchanged")
        self.assertEqual(login.header("Authorization"), "Bearer " + SECRETS["authorization"])

    def check_store_notes(self, store, base):
        """What each flow of the store says was redacted, and what its redacted fields hold now."""
        flows = {parsed["request"]["url"].split("?")[0]: parsed for _, _, parsed, _ in e2e.read_jsonl(store)}
        login = flows[base + "/login"]
        notes = {(n["where"], n["name"]): n["original_length"] for n in login["redactions"]}
        self.assertEqual(notes, {
            ("request_header", "Authorization"): len("Bearer " + SECRETS["authorization"]),
            ("request_header", "Cookie"): len("session=%s; theme=dark" % SECRETS["cookie"]),
            ("request_header", "X-Api-Key"): len(SECRETS["api_key_header"]),
            ("request_header", "X-Custom-Auth"): len(SECRETS["custom_header"]),
            ("query", "access_token"): len(SECRETS["query_token"]),
            ("request_body", "password"): len(SECRETS["json_password"]),
            ("request_body", "devices[0].secret"): len(SECRETS["json_nested"]),
            ("request_body", "ssn"): len(SECRETS["json_custom_field"]),
            ("response_header", "Set-Cookie"): len("sid=%s; Path=/; HttpOnly" % SECRETS["set_cookie"]),
            ("response_body", "session.token"): len(SECRETS["response_token"]),
        }, json.dumps(login["redactions"], indent=1))
        headers = dict((k.lower(), v) for k, v in login["request"]["headers"])
        self.assertEqual(headers["authorization"], "Bearer REDACTED")
        self.assertEqual(headers["cookie"], "session=REDACTED; theme=REDACTED")
        self.assertEqual(login["request"]["url"], base + "/login?access_token=REDACTED&page=2")
        body = json.loads(login["request"]["body"]["data"])
        self.assertEqual(body, {"user": "ada", "password": "REDACTED",
                                "devices": [{"name": "phone", "secret": "REDACTED"}], "ssn": "REDACTED"})
        self.assertEqual(login["request"]["body"]["size"], len(LOGIN_JSON), "size stays the wire size")
        self.assertEqual(dict(login["response"]["headers"])["Set-Cookie"], "sid=REDACTED; Path=/; HttpOnly")

        form = flows[base + "/form"]
        self.assertEqual(form["request"]["body"]["data"], "user=ada&password=REDACTED&remember=1")
        old = flows[base + "/old"]
        self.assertEqual(dict(old["response"]["headers"])["Location"], "/done?X-Amz-Signature=REDACTED&page=1")
        self.assertIn({"where": "response_header", "name": "Location?X-Amz-Signature",
                       "original_length": len(SECRETS["location_sig"])}, old["redactions"])

        # The gzip body was decoded to be redacted: stored decoded, without its Content-Encoding.
        gz = flows[base + "/gzip"]
        self.assertEqual(json.loads(gz["response"]["body"]["data"]),
                         {"profile": {"name": "ada", "api_key": "REDACTED"}})
        self.assertNotIn("content-encoding", [k.lower() for k, _ in gz["response"]["headers"]])
        self.assertEqual(gz["redactions"], [{"where": "response_body", "name": "profile.api_key",
                                             "original_length": len(SECRETS["gzip_api_key"]),
                                             "content_encoding": "gzip"}])
        return flows

    def check_har(self, har, base):
        self.assert_no_secret("the HAR", read_bytes(har))
        entries = {e["request"]["url"].split("?")[0]: e for e in e2e.load_har(har)["log"]["entries"]}
        login = entries[base + "/login"]
        self.assertIn({"where": "query", "name": "access_token", "originalLength": len(SECRETS["query_token"])},
                      login["_flowscope"]["redactions"])
        self.assertEqual({c["name"]: c["value"] for c in login["request"]["cookies"]},
                         {"session": "REDACTED", "theme": "REDACTED"})
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, "the redacted HAR fails HAR 1.2 validation:\n%s" % output)


class RecordRedactsTest(RedactTestCase):

    def test_record_redacts_store_har_and_console_by_default(self):
        pki = e2e.Pki("flowscope redact e2e CA")
        cert, key = pki.issue("origin", "localhost", san="DNS:localhost,IP:127.0.0.1")
        https_origin = e2e.HTTPOrigin(ROUTES, e2e.tls_server_context_for(cert, key))
        self.track(https_origin)
        har = os.path.join(self.dir, "api.har")
        store = os.path.join(self.dir, "flows.jsonl")
        bases = ["http://127.0.0.1:%d" % self.origin.port, "https://127.0.0.1:%d" % https_origin.port]
        p = e2e.run_flowscope("record", "-o", har, "-w", store, "--upstream-ca", pki.ca_cert, *EXTRA_PATTERNS,
                              "--", "sh", "-c", shell_script(bases), timeout=RECORD_GUARD)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("recorded 8 flows", p.stderr, e2e.describe_run(p))
        # The console lines (stderr) and the child's output (stdout).
        self.assertIn("/login?access_token=REDACTED&page=2", p.stderr, e2e.describe_run(p))
        self.assert_no_secret("record's output", p.stdout + p.stderr)
        self.assert_no_secret("the store", read_bytes(store))
        for base in bases:
            self.check_store_notes(store, base)
            self.check_har(har, base)
        self.assert_origin_got_the_real_values(self.origin)
        self.assert_origin_got_the_real_values(https_origin)

    def test_record_no_redact_keeps_the_secrets(self):
        har = os.path.join(self.dir, "raw.har")
        base = "http://127.0.0.1:%d" % self.origin.port
        p = e2e.run_flowscope("record", "--no-redact", "-o", har, "--", "sh", "-c", shell_script([base]),
                              timeout=RECORD_GUARD)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        text = read_bytes(har).decode()
        for name in ("authorization", "cookie", "query_token", "json_password", "form_password", "set_cookie",
                     "response_token"):
            self.assertIn(SECRETS[name], text, "--no-redact must record %s as sent" % name)
        self.assertNotIn('"redactions"', text)

    def test_bad_patterns_are_usage_errors(self):
        marker = os.path.join(self.dir, "child-ran")
        p = e2e.run_flowscope("record", "-o", os.path.join(self.dir, "x.har"), "--redact-field", "(unclosed",
                              "--", "touch", marker)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn('--redact-field "(unclosed": invalid regex', p.stderr, e2e.describe_run(p))
        self.assertFalse(os.path.exists(marker), "the child must not run after a usage error")

        p = e2e.run_flowscope("record", "--no-redact", "--redact-header", "x-token", "-o",
                              os.path.join(self.dir, "y.har"), "--", "touch", marker)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("need redaction on", p.stderr, e2e.describe_run(p))

        p = e2e.run_flowscope("run", "--listen", "127.0.0.1:0", "--redact-param", "session")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("add --redact", p.stderr, e2e.describe_run(p))
        self.assertNotIn("listening", p.stdout, e2e.describe_run(p))


class RunRedactTest(RedactTestCase):

    def run_requests(self, proxy, base):
        for args in curl_args(base):
            r = curl(*args, proxy=proxy.url)
            self.assertEqual(r.returncode, 0, r.describe())

    def test_run_redact_live_keeps_secrets_out_of_every_output(self):
        store = os.path.join(self.dir, "live.jsonl")
        base = "http://127.0.0.1:%d" % self.origin.port
        proxy = self.start_proxy("--redact", "--live", "-w", store, *EXTRA_PATTERNS)
        self.run_requests(proxy, base)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/gzip" in l and " 200 " in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        printed = "\n".join(proxy.stdout_lines)
        # The live line printed when the request started is redacted too.
        self.assertTrue(any("/login?access_token=REDACTED&page=2" in l and " 200 " not in l
                            for l in proxy.stdout_lines[1:]), proxy.diag())
        self.assert_no_secret("run's stdout", printed)
        self.assert_no_secret("run's stderr", proxy.stderr)
        self.assert_no_secret("the store", read_bytes(store))
        self.check_store_notes(store, base)
        har = os.path.join(self.dir, "live.har")
        p = e2e.run_flowscope("export", "--har", har, store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.check_har(har, base)
        self.assert_origin_got_the_real_values(self.origin)

    def test_run_without_redact_records_the_secrets(self):
        """The control: the same searches find the secrets when redaction is off (run's default)."""
        store = os.path.join(self.dir, "plain.jsonl")
        base = "http://127.0.0.1:%d" % self.origin.port
        proxy = self.start_proxy("--live", "-w", store)
        self.run_requests(proxy, base)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/gzip" in l and " 200 " in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertIn(SECRETS["query_token"], "\n".join(proxy.stdout_lines))
        text = read_bytes(store).decode()
        for name in ("authorization", "cookie", "api_key_header", "query_token", "json_password", "set_cookie"):
            self.assertIn(SECRETS[name], text, "without --redact the store keeps %s" % name)


class RecordFilterTest(RedactTestCase):

    def test_record_filter_keeps_only_matching_flows(self):
        har = os.path.join(self.dir, "filtered.har")
        store = os.path.join(self.dir, "filtered.jsonl")
        script = "; ".join("curl -q -sS -o /dev/null %s" % shlex.quote(self.origin.url(path))
                           for path in ("/drop", "/keep", "/drop?again=1"))
        p = e2e.run_flowscope("record", "--filter", "~u /keep", "-o", har, "-w", store, "--", "sh", "-c", script,
                              timeout=RECORD_GUARD)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual([e["request"]["url"] for e in e2e.load_har(har)["log"]["entries"]],
                         [self.origin.url("/keep")])
        self.assertEqual([parsed["request"]["url"] for _, _, parsed, _ in e2e.read_jsonl(store)],
                         [self.origin.url("/keep")])
        self.assertEqual(len(self.origin.requests), 3, "the filter must not change what is forwarded")
        self.assertNotIn("/drop", p.stderr, "a non-matching flow was printed%s" % e2e.describe_run(p))

    def test_record_with_a_bad_filter_exits_2_before_the_child_runs(self):
        marker = os.path.join(self.dir, "child-ran")
        har = os.path.join(self.dir, "never.har")
        p = e2e.run_flowscope("record", "--filter", "~c & ~d x", "-o", har, "--", "touch", marker)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("expected an argument after ~c", p.stderr, e2e.describe_run(p))
        self.assertFalse(os.path.exists(marker), "the child must not run")
        self.assertFalse(os.path.exists(har), "no HAR is written")


if __name__ == "__main__":
    e2e.main()
