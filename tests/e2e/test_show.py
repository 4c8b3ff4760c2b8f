#!/usr/bin/env python3
"""`flowscope show`: a recording made with real curl through `flowscope run -w`, listed back.

Plain lines are the ones `run` printed while recording; --filter selects; --full shows headers
and decoded bodies (a gzip JSON body pretty-printed, a binary body summarised); --json is JSON
Lines that a JSON parser reads through a pipe. Colour only on a terminal (a pty here).

Run: python3 test_show.py --flowscope /path/to/flowscope [unittest args]
"""

import gzip
import json
import os
import pty
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def text_route(handler, req):
    handler.reply(200, b"plain words\n", content_type="text/plain")


def gzip_json_route(handler, req):
    handler.reply(200, gzip.compress(b'{"user":{"name":"ada lovelace","id":7},"tags":["a","b"]}'),
                  content_type="application/json", headers=[("Content-Encoding", "gzip")])


def missing_route(handler, req):
    handler.reply(404, b"no such thing", content_type="text/plain")


def png_route(handler, req):
    handler.reply(200, PNG, content_type="image/png")


ROUTES = {"/text": text_route, "/gzip-json": gzip_json_route, "/missing": missing_route, "/logo.png": png_route}
PATHS = ("/text", "/gzip-json", "/missing", "/logo.png")


class ShowTest(e2e.E2ETestCase):

    @classmethod
    def setUpClass(cls):
        # One recording for every test: made once, read many times.
        cls.dir = e2e.make_tempdir()
        cls.origin = e2e.HTTPOrigin(ROUTES)
        cls.store = os.path.join(cls.dir, "flows.jsonl")
        proxy = e2e.Flowscope("-w", cls.store)
        try:
            for path in PATHS:
                r = curl(cls.origin.url(path), proxy=proxy.url)
                if r.returncode != 0:
                    raise AssertionError("curl %s failed: %s\n%s" % (path, r.describe(), proxy.diag()))
            if not proxy.wait_for_stdout(lambda l: "/logo.png" in l):
                raise AssertionError("run did not print the last flow\n" + proxy.diag())
            rc = proxy.stop()
            if rc != 0:
                raise AssertionError("run exited %s\n%s" % (rc, proxy.diag()))
            cls.run_lines = proxy.stdout_lines[1:]
        finally:
            proxy.kill()
        cls.har = os.path.join(cls.dir, "flows.har")
        p = e2e.run_flowscope("export", "--har", cls.har, cls.store)
        if p.returncode != 0:
            raise AssertionError("export failed" + e2e.describe_run(p))

    @classmethod
    def tearDownClass(cls):
        cls.origin.stop()

    def show(self, *args):
        return e2e.run_flowscope("show", *args)

    def test_plain_lines_are_the_lines_run_printed(self):
        p = self.show(self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines(), self.run_lines, e2e.describe_run(p))
        self.assertEqual(len(self.run_lines), len(PATHS))
        self.assertNotIn("\x1b[", p.stdout, "colour on a pipe" + e2e.describe_run(p))

    def test_a_har_lists_the_same_requests(self):
        p = self.show(self.har)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), len(PATHS), e2e.describe_run(p))
        for line, path, status in zip(lines, PATHS, (200, 200, 404, 200)):
            self.assertIn("GET %s %d " % (self.origin.url(path), status), line, e2e.describe_run(p))

    def test_filter_selects_flows(self):
        p = self.show("--filter", "~c 404", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout.splitlines(), [l for l in self.run_lines if "/missing" in l], e2e.describe_run(p))

        p = self.show("--filter", "~c 500", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(p.stdout, "", e2e.describe_run(p))
        self.assertIn("none of the 4 flows matches --filter", p.stderr, e2e.describe_run(p))

    def test_filter_on_a_decoded_body(self):
        p = self.show("--filter", "~bs 'ada lovelace'", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertEqual(len(p.stdout.splitlines()), 1, e2e.describe_run(p))
        self.assertIn("/gzip-json", p.stdout, e2e.describe_run(p))

    def test_full_decodes_gzip_and_pretty_prints_json(self):
        p = self.show("--full", "--filter", "~u gzip-json", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        lines = p.stdout.splitlines()
        self.assertIn("> GET %s HTTP/1.1" % self.origin.url("/gzip-json"), lines, e2e.describe_run(p))
        self.assertIn("< HTTP/1.1 200 OK", lines, e2e.describe_run(p))
        self.assertIn("< Content-Encoding: gzip", lines, e2e.describe_run(p))
        body = [l[2:] for l in lines[lines.index("< Content-Encoding: gzip"):] if l.startswith("< ")]
        text = "\n".join(body)
        self.assertIn('{\n  "user": {\n    "name": "ada lovelace",\n    "id": 7\n  },', text, e2e.describe_run(p))
        self.assertEqual(json.loads(text[text.index("{"):]),
                         {"user": {"name": "ada lovelace", "id": 7}, "tags": ["a", "b"]})

    def test_full_summarises_binary_bodies(self):
        p = self.show("--full", "--filter", "~u logo", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        self.assertIn("< [binary body: %d B, image/png, starts 89504e470d0a1a0a0001020304050607…]" % len(PNG),
                      p.stdout.splitlines(), e2e.describe_run(p))
        self.assertNotIn("PNG", p.stdout, "binary bytes were dumped" + e2e.describe_run(p))

    def test_json_goes_through_a_pipe_to_a_json_parser(self):
        show = subprocess.Popen([e2e.FLOWSCOPE, "show", "--json", "--filter", "!~c 404", self.store],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e2e.clean_env())
        parser = subprocess.run([sys.executable, "-c",
                                 "import json, sys\n"
                                 "for line in sys.stdin:\n"
                                 "    f = json.loads(line)\n"
                                 "    print(f['id'], f['request']['url'], f['response']['status'])\n"],
                                stdin=show.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=e2e.HANG_GUARD)
        show.stdout.close()
        self.assertEqual(show.wait(timeout=e2e.HANG_GUARD), 0, show.stderr.read().decode())
        show.stderr.close()
        self.assertEqual(parser.returncode, 0, parser.stderr)
        stored = [(f["id"], f["request"]["url"], f["response"]["status"])
                  for _, _, f, _ in e2e.read_jsonl(self.store) if f["response"]["status"] != 404]
        self.assertEqual(parser.stdout.splitlines(), ["%s %s %s" % s for s in stored])

    def test_json_lines_are_the_store_records(self):
        p = self.show("--json", self.store)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        with open(self.store, encoding="utf-8") as f:
            self.assertEqual(p.stdout, f.read(), "show --json of a store is the store itself")
        p = self.show("--json", self.har)
        self.assertEqual(p.returncode, 0, e2e.describe_run(p))
        records = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual([r["request"]["url"] for r in records], [self.origin.url(x) for x in PATHS])
        self.assertTrue(all(r["format"] == 1 for r in records))

    def test_colour_only_on_a_terminal(self):
        leader, follower = pty.openpty()
        try:
            p = subprocess.Popen([e2e.FLOWSCOPE, "show", self.store], stdin=subprocess.DEVNULL, stdout=follower,
                                 stderr=subprocess.PIPE, env=e2e.clean_env({"TERM": "xterm"}))
            os.close(follower)
            follower = None
            out = bytearray()
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            self.assertEqual(p.wait(timeout=e2e.HANG_GUARD), 0, p.stderr.read().decode())
            p.stderr.close()
        finally:
            os.close(leader)
            if follower is not None:
                os.close(follower)
        text = out.decode("utf-8", "replace")
        self.assertIn("\x1b[32m", text, "a 2xx line is green on a terminal: %r" % text)
        self.assertIn("\x1b[33m", text, "a 4xx line is yellow on a terminal: %r" % text)

    def test_full_and_json_together_is_a_usage_error(self):
        p = self.show("--full", "--json", self.store)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("excludes", p.stderr, e2e.describe_run(p))

    def test_a_bad_filter_exits_2(self):
        p = self.show("--filter", "~c & ~d x", self.store)
        self.assertEqual(p.returncode, 2, e2e.describe_run(p))
        self.assertIn("expected an argument after ~c", p.stderr, e2e.describe_run(p))

    def test_a_file_that_is_no_recording_exits_1(self):
        path = e2e.write_temp_file(b"hello\n", "notes.txt")
        p = self.show(path)
        self.assertEqual(p.returncode, 1, e2e.describe_run(p))
        self.assertIn("notes.txt: HAR is not valid JSON", p.stderr, e2e.describe_run(p))


if __name__ == "__main__":
    e2e.main()
