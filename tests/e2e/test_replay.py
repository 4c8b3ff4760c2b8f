#!/usr/bin/env python3
"""`flowscope replay`: a recording made with real curl through `flowscope run -w`, sent again.

Against the unchanged origin the replays are recorded with replay_of (-w and -o) and --check
passes; with the origin changed (a status, a JSON field) --check exits 1 and the closing table
shows what changed; --ignore-field quiets a volatile field; --concurrency N really has N requests
at the origin at once (and never more); https replays verify the origin's certificate.

Run: python3 test_replay.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402


class Api:
    """An origin whose answers a test changes after recording."""

    def __init__(self):
        self.lock = threading.Lock()
        self.user_id = 1
        self.text_status = 200

    def routes(self):
        def user(handler, req):
            with self.lock:
                body = {"user": {"id": self.user_id, "name": "ada"}}
            handler.reply(200, json.dumps(body).encode(), "application/json")

        def echo(handler, req):
            handler.reply_json({"method": req.method, "got": json.loads(req.body or b"null")})

        def text(handler, req):
            with self.lock:
                status = self.text_status
            handler.reply(status, b"some text", "text/plain")

        return {"/user": user, "/echo": echo, "/text": text}


class InFlight:
    """Counts requests the origin is answering at once. Each waits at a barrier of `parties`, so
    the replays must really run side by side (the barrier's timeout is only a hang guard)."""

    def __init__(self, parties):
        self.barrier = threading.Barrier(parties, timeout=e2e.HANG_GUARD)
        self.lock = threading.Lock()
        self.armed = False  # off while the requests are recorded one after another
        self.now = 0
        self.most = 0

    def route(self, handler, req):
        if not self.armed:
            handler.reply(200, b"together", "text/plain")
            return
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            self.barrier.wait()
            handler.reply(200, b"together", "text/plain")
        except threading.BrokenBarrierError:
            handler.reply(504, b"the other requests never came", "text/plain")
        finally:
            with self.lock:
                self.now -= 1


class ReplayTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.api = Api()
        self.origin = self.start_origin(self.api.routes())
        self.dir = e2e.make_tempdir()

    def record(self, *requests, origin=None, proxy_options=(), curl_options=()):
        """A finished store of `requests`: paths (GET) or (method, path, json body)."""
        origin = origin or self.origin
        store = os.path.join(self.dir, "recorded.jsonl")
        proxy = self.start_proxy("-w", store, "-q", *proxy_options)
        for r in requests:
            method, path, body = ("GET", r, None) if isinstance(r, str) else r
            args = list(curl_options) + ["-X", method, origin.url(path)]
            if body is not None:
                args += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
            result = curl(*args, proxy=proxy.url)
            self.assertEqual(result.returncode, 0, "curl %s failed%s" % (path, self.diag(result)))
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertEqual(len(e2e.read_jsonl(store)), len(requests), proxy.diag())
        return store

    def replay(self, *args):
        return e2e.run_flowscope("replay", *args)

    def test_unchanged_origin_passes_check_and_records_replays(self):
        store = self.record("/user", ("POST", "/echo", {"q": [1, 2]}), "/text")
        out_store = os.path.join(self.dir, "replays.jsonl")
        out_har = os.path.join(self.dir, "replays.har")
        p = self.replay(store, "--check", "-w", out_store, "-o", out_har)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        lines = p.stdout.splitlines()
        # Not a terminal: one line per request, then the table's summary.
        self.assertEqual(len(lines), 4, e2e.describe_run(p))
        for n, path in enumerate(("/user", "/echo", "/text"), 1):
            self.assertTrue(lines[n - 1].startswith("[%d/3] replay " % n), e2e.describe_run(p))
            self.assertIn(self.origin.url(path), lines[n - 1])
            self.assertTrue(lines[n - 1].endswith(": same"), e2e.describe_run(p))
        self.assertEqual(lines[3], "replayed 3 of 3: 3 same, 0 changed, 0 with header changes only, 0 not sent")

        originals = {f["request"]["url"]: f for _, _, f, _ in e2e.read_jsonl(store)}
        replays = [f for _, _, f, _ in e2e.read_jsonl(out_store)]
        self.assertEqual(len(replays), 3)
        for r in replays:
            self.assertEqual(r["replay_of"], originals[r["request"]["url"]]["id"], r)
        self.assertEqual(len({r["id"] for r in replays}), 3, "each replay is a flow of its own")
        echo = next(r for r in replays if r["request"]["url"].endswith("/echo"))
        self.assertEqual(json.loads(e2e.store_body_bytes(echo["response"]["body"])),
                         {"method": "POST", "got": {"q": [1, 2]}}, "the request body was sent again")
        self.assertEqual(len(self.origin.requests), 6, "each recorded request reached the origin twice")

        entries = e2e.load_har(out_har)["log"]["entries"]
        self.assertEqual(sorted(e["_flowscope"]["replayOf"] for e in entries),
                         sorted(f["id"] for f in originals.values()))

    def test_changed_origin_fails_check_and_the_table_says_why(self):
        store = self.record("/user", "/text")
        self.api.user_id = 2
        self.api.text_status = 500
        p = self.replay(store, "--check")
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        out = p.stdout.splitlines()
        self.assertIn("[1/2] replay GET %s 200 OK" % self.origin.url("/user"), out[0], e2e.describe_run(p))
        self.assertTrue(out[0].endswith(": changed"), e2e.describe_run(p))
        header = next(i for i, l in enumerate(out) if l.startswith("#  request"))
        self.assertEqual(out[header].split(), ["#", "request", "status", "response", "body", "sha256", "size"])
        user_row = out[header + 1].split()
        self.assertEqual(user_row[:4], ["1", "GET", self.origin.url("/user"), "200"], e2e.describe_run(p))
        self.assertIn("response body $.user.id: 1 → 2", out[header + 2], e2e.describe_run(p))
        text_row = out[header + 3].split()
        self.assertEqual(text_row[:6], ["2", "GET", self.origin.url("/text"), "200", "→", "500"], e2e.describe_run(p))
        self.assertIn("status: 200 → 500", out[header + 4], e2e.describe_run(p))
        self.assertEqual(out[-1], "replayed 2 of 2: 0 same, 2 changed, 0 with header changes only, 0 not sent")

        p = self.replay(store)
        self.assertEqual(p.returncode, 0, "without --check a change is reported, not failed%s" % e2e.describe_run(p))

        p = self.replay(store, "--check", "--ignore-field", "user.id", "--filter", "~u /user")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines()[-1],
                         "replayed 1 of 1: 1 same, 0 changed, 0 with header changes only, 0 not sent")

    def test_concurrency_has_n_requests_in_flight_and_no_more(self):
        together = InFlight(3)
        origin = self.start_origin({"*": together.route})
        store = self.record(*["/t%d" % i for i in range(6)], origin=origin)
        together.armed = True
        p = self.replay(store, "--check", "--concurrency", "3")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(together.most, 3, "--concurrency 3: three at the origin at once, never more")
        self.assertIn("replayed 6 of 6: 6 same", p.stdout, e2e.describe_run(p))

    def test_https_replays_verify_the_origin(self):
        tls_origin = self.start_origin(self.api.routes(), tls=True)
        cert, _ = e2e.tls_material()
        store = os.path.join(self.dir, "tls.jsonl")
        proxy = self.start_proxy("-w", store, "-q", "--upstream-ca", cert)
        r = curl("--cacert", os.path.join(proxy.home, "ca-cert.pem"), tls_origin.url("/user"), proxy=proxy.url)
        self.assertEqual(r.returncode, 0, self.diag(r))
        self.assertEqual(proxy.stop(), 0, proxy.diag())

        p = self.replay(store, "--check", "--upstream-ca", cert)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("1 same", p.stdout.splitlines()[-1], e2e.describe_run(p))

        p = self.replay(store, "--check")
        self.assertEqual(p.returncode, 1, "an untrusted origin must fail verification%s" % e2e.describe_run(p))
        self.assertIn("200 → 502", p.stdout, e2e.describe_run(p))

        p = self.replay(store, "--check", "--insecure")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))

    def test_what_cannot_be_replayed_is_listed(self):
        store = self.record("/user")
        with open(store, "a", encoding="utf-8") as f:
            tunnel = {"format": 1, "id": "9-1", "connection_id": 9, "started": "2026-01-01T00:00:00.000000Z",
                      "client_address": "127.0.0.1:1", "server_address": "", "scheme": "tunnel",
                      "request": {"method": "CONNECT", "url": "blind.test:443", "http_version": "HTTP/1.1",
                                  "headers": [], "body": {"size": 0, "truncated": False, "encoding": "utf-8",
                                                          "data": ""}},
                      "timings": {"dns": None, "connect": None, "tls": None, "send": None, "wait": None,
                                  "receive": None},
                      "tunnel": {"host": "blind.test", "port": 443, "bytes_from_client": 0,
                                 "bytes_from_server": 0, "duration_ms": 0}}
            f.write(json.dumps(tunnel) + "\n")
        p = self.replay(store, "--check")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("[2/2] CONNECT blind.test:443: not sent: flow 9-1 is a blind tunnel", p.stdout,
                      e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines()[-1],
                         "replayed 1 of 2: 1 same, 0 changed, 0 with header changes only, 1 not sent")

    def test_usage_errors_exit_2_before_anything_is_sent(self):
        store = self.record("/user")
        before = len(self.origin.requests)
        p = self.replay(store, "-w", os.path.join(self.dir, "no-such-dir", "out.jsonl"))
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("does not exist", p.stderr, e2e.describe_run(p))
        p = self.replay(store, "--ignore-field", "a[", "--check")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        p = self.replay(store, "--filter", "~c &")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertEqual(len(self.origin.requests), before, "nothing was replayed")

    def test_nothing_to_replay(self):
        store = self.record("/user")
        p = self.replay(store, "--filter", "~c 500")
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("nothing to replay", p.stderr, e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
