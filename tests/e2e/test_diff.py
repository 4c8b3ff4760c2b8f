#!/usr/bin/env python3
"""`flowscope diff A B`: two recordings made with real curl through `flowscope run -w`.

Recordings that differ in one JSON field name that field and exit 1; identical traffic exits 0
(the origin's Date header, which http.server sends and which changes by the second, is ignored by
default); --ignore-field makes the field count no more; added and removed requests are listed;
a store compares with a HAR; bad flag values exit 2.

Run: python3 test_diff.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402


class Api:
    """An origin whose answers a test changes between two recordings."""

    def __init__(self):
        self.lock = threading.Lock()
        self.user_id = 1
        self.status = 200
        self.page = b"<p>hello</p>"

    def routes(self):
        def user(handler, req):
            with self.lock:
                body = {"user": {"id": self.user_id, "name": "ada"}, "items": [{"sku": "a1"}, {"sku": "b2"}]}
                status = self.status
            handler.reply(status, json.dumps(body).encode(), "application/json")

        def page(handler, req):
            with self.lock:
                body = self.page
            handler.reply(200, body, "text/html")

        return {"/user": user, "/page": page}


class DiffTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.api = Api()
        self.origin = self.start_origin(self.api.routes())
        self.dir = e2e.make_tempdir()

    def record(self, name, *paths):
        store = os.path.join(self.dir, name)
        proxy = self.start_proxy("-w", store, "-q")
        for path in paths:
            r = curl(self.origin.url(path), proxy=proxy.url)
            self.assertEqual(r.returncode, 0, "curl %s failed%s" % (path, self.diag(r)))
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertEqual(len(e2e.read_jsonl(store)), len(paths), proxy.diag())
        return store

    def diff(self, *args):
        return e2e.run_flowscope("diff", *args)

    def test_one_json_field_differs_and_is_named(self):
        a = self.record("a.jsonl", "/user", "/page")
        self.api.user_id = 2
        b = self.record("b.jsonl", "/user", "/page")
        p = self.diff(a, b)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines(), [
            "~ GET %s" % self.origin.url("/user"),
            "    response body $.user.id: 1 → 2",
            "1 changed, 0 removed, 0 added, 1 equal",
        ], e2e.describe_run(p))

        p = self.diff("--ignore-field", "$.user.id", a, b)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout, "no differences: 2 requests in both\n", e2e.describe_run(p))

        p = self.diff("--filter", "~u /page", a, b)
        self.assertEqual(p.returncode, 0, "--filter leaves /user out%s" % e2e.describe_run(p))

    def test_identical_traffic_is_equal(self):
        a = self.record("a.jsonl", "/user", "/page", "/user")
        b = self.record("b.jsonl", "/user", "/page", "/user")
        p = self.diff(a, b)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout, "no differences: 3 requests in both\n", e2e.describe_run(p))
        for _, _, flow, _ in e2e.read_jsonl(a):
            self.assertTrue(any(k.lower() == "date" for k, _ in flow["response"]["headers"]),
                            "the origin sends Date, which the default ignores leave out")

    def test_status_and_non_json_bodies(self):
        a = self.record("a.jsonl", "/user", "/page")
        self.api.status = 503
        self.api.page = b"<p>hello, world</p>"
        b = self.record("b.jsonl", "/user", "/page")
        p = self.diff(a, b)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        out = p.stdout.splitlines()
        self.assertIn("    status: 200 → 503", out, e2e.describe_run(p))
        self.assertIn("~ GET %s" % self.origin.url("/page"), out, e2e.describe_run(p))
        self.assertTrue(any(l.startswith("    response body: 12 B, sha256 ") and " → 19 B, sha256 " in l for l in out),
                        e2e.describe_run(p))
        self.assertEqual(out[-1], "2 changed, 0 removed, 0 added, 0 equal", e2e.describe_run(p))

    def test_added_and_removed_requests_pair_by_occurrence(self):
        a = self.record("a.jsonl", "/user", "/page")
        b = self.record("b.jsonl", "/user", "/user")
        p = self.diff(a, b)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines(), [
            "- GET %s" % self.origin.url("/page"),
            "+ GET %s (#2)" % self.origin.url("/user"),
            "0 changed, 1 removed, 1 added, 1 equal",
        ], e2e.describe_run(p))

    def test_a_store_compares_with_a_har(self):
        a = self.record("a.jsonl", "/user")
        self.api.user_id = 3
        b = self.record("b.jsonl", "/user")
        har = os.path.join(self.dir, "b.har")
        p = e2e.run_flowscope("export", "--har", har, b)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        p = self.diff(a, har)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertIn("    response body $.user.id: 1 → 3", p.stdout.splitlines(), e2e.describe_run(p))
        p = self.diff(b, har)
        self.assertEqual(p.returncode, 0, "a store and its own HAR are equal%s" % e2e.describe_run(p))

    def test_bad_flag_values_exit_2(self):
        a = self.record("a.jsonl", "/user")
        p = self.diff("--ignore-field", "user..id", a, a)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("--ignore-field user..id: empty key at column 6", p.stderr, e2e.describe_run(p))
        p = self.diff("--ignore-header", "x-(", a, a)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("--ignore-header x-(: ", p.stderr, e2e.describe_run(p))
        p = self.diff("--filter", "~c & ~d x", a, a)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        p = self.diff(a)
        self.assertEqual(p.returncode, 2, "a missing argument is a usage error%s" % e2e.describe_run(p))
        self.assertIn("after is required", p.stderr, e2e.describe_run(p))
        notes = e2e.write_temp_file(b"not a recording\n", "notes.txt")
        p = self.diff(a, notes)
        self.assertEqual(p.returncode, 2, "an unreadable recording is trouble, as for diff(1)%s" % e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
