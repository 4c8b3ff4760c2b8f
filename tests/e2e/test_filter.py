#!/usr/bin/env python3
"""`flowscope run --filter` and `flowscope export --filter`, driven with real curl.

run: only the flows the expression matches are printed and written to the -w store.
export: only matching flows reach the HAR. A bad expression exits 2 with the caret message
before anything starts (no listening line, no HAR file).

Run: python3 test_filter.py --flowscope /path/to/flowscope [unittest args]
"""

import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402


def keep_route(handler, req):
    handler.reply(200, b"kept", content_type="text/plain")


def drop_route(handler, req):
    handler.reply(200, b"dropped", content_type="text/plain")


def missing_route(handler, req):
    handler.reply(404, b"no such thing", content_type="text/plain")


def gzip_route(handler, req):
    handler.reply(200, gzip.compress(b'{"user":"ada lovelace"}'), content_type="application/json",
                  headers=[("Content-Encoding", "gzip")])


ROUTES = {"/keep": keep_route, "/drop": drop_route, "/missing": missing_route, "/gzip": gzip_route}

BAD_EXPRESSION = "~c & ~d x"
BAD_MESSAGE = "expected an argument after ~c\n  ~c & ~d x\n     ^"


class FilterTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.origin = self.start_origin(ROUTES)
        self.dir = e2e.make_tempdir()

    def fetch(self, proxy, *paths):
        for path in paths:
            r = curl(self.origin.url(path), proxy=proxy.url)
            self.assertEqual(r.returncode, 0, "curl %s failed%s" % (path, self.diag(r)))

    def record_store(self, *paths):
        """An unfiltered -w store of GETs for `paths`, finished (proxy stopped)."""
        store = os.path.join(self.dir, "all.jsonl")
        proxy = self.start_proxy("-w", store)
        self.fetch(proxy, *paths)
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertEqual(len(e2e.read_jsonl(store)), len(paths), proxy.diag())
        return store

    # ---- run --filter ----------------------------------------------------------------------

    def test_run_prints_and_stores_only_matching_flows(self):
        store = os.path.join(self.dir, "filtered.jsonl")
        proxy = self.start_proxy("-w", store, "--filter", "~u /keep | ~c 4xx")
        self.fetch(proxy, "/drop", "/keep", "/missing", "/drop?again=1")
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/missing" in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        printed = proxy.stdout_lines[1:]
        self.assertTrue(any("/keep" in l for l in printed), proxy.diag())
        self.assertFalse(any("/drop" in l for l in printed), "a non-matching flow was printed%s" % proxy.diag())
        urls = sorted(parsed["request"]["url"] for _, _, parsed, _ in e2e.read_jsonl(store))
        self.assertEqual(urls, sorted([self.origin.url("/keep"), self.origin.url("/missing")]), proxy.diag())
        self.assertEqual(len(self.origin.requests), 4, "the filter must not change what is forwarded")

    def test_run_filter_on_a_decoded_body(self):
        proxy = self.start_proxy("--filter", "~bs 'ada lovelace'")
        self.fetch(proxy, "/keep", "/gzip")
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/gzip" in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        self.assertFalse(any("/keep" in l for l in proxy.stdout_lines[1:]), proxy.diag())

    def test_run_with_a_bad_filter_exits_2_before_listening(self):
        store = os.path.join(self.dir, "never.jsonl")
        p = e2e.run_flowscope("run", "--listen", "127.0.0.1:0", "-w", store, "--filter", BAD_EXPRESSION)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn(BAD_MESSAGE, p.stderr, e2e.describe_run(p))
        self.assertNotIn("listening", p.stdout, e2e.describe_run(p))
        self.assertFalse(os.path.exists(store), "the store must not be created%s" % e2e.describe_run(p))

    def test_run_with_an_unknown_term_suggests_one(self):
        p = e2e.run_flowscope("run", "--listen", "127.0.0.1:0", "--filter", "~websockt")
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("did you mean ~websocket?", p.stderr, e2e.describe_run(p))

    # ---- export --filter -------------------------------------------------------------------

    def test_export_writes_only_matching_flows(self):
        store = self.record_store("/keep", "/missing", "/drop")
        har = os.path.join(self.dir, "errors.har")
        p = e2e.run_flowscope("export", "--har", har, "--filter", "~c 4xx | ~u keep", store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("exported 2 flows", p.stderr, e2e.describe_run(p))
        self.assertIn("1 not matching --filter", p.stderr, e2e.describe_run(p))
        entries = e2e.load_har(har)["log"]["entries"]
        self.assertEqual([(e["request"]["url"], e["response"]["status"]) for e in entries],
                         [(self.origin.url("/keep"), 200), (self.origin.url("/missing"), 404)])
        ok, output = e2e.validate_har_schema(har)
        self.assertTrue(ok, "filtered export fails HAR 1.2 validation:\n%s" % output)

    def test_export_with_nothing_matching_is_an_empty_har(self):
        store = self.record_store("/keep")
        har = os.path.join(self.dir, "none.har")
        p = e2e.run_flowscope("export", "--har", har, "--filter", "~e", store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(e2e.load_har(har)["log"]["entries"], [])

    def test_export_with_a_bad_filter_exits_2_and_writes_nothing(self):
        store = self.record_store("/keep")
        har = os.path.join(self.dir, "never.har")
        p = e2e.run_flowscope("export", "--har", har, "--filter", BAD_EXPRESSION, store)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn(BAD_MESSAGE, p.stderr, e2e.describe_run(p))
        self.assertFalse(os.path.exists(har), "the HAR must not be created%s" % e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
