#!/usr/bin/env python3
"""`flowscope run` for a person at a terminal: the start banner, `--har` written at stop, the
closing tally, and live lines coloured on a terminal (and only there).

Run: python3 test_run_cli.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import pty
import re
import select
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402


def ok_route(handler, req):
    handler.reply(200, b"fine", content_type="text/plain")


def missing_route(handler, req):
    handler.reply(404, b"no such thing", content_type="text/plain")


ROUTES = {"/ok": ok_route, "/missing": missing_route}


class RunCliTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.origin = self.start_origin(ROUTES)
        self.dir = e2e.make_tempdir()

    def test_banner_says_how_to_point_clients_and_which_ca_to_trust(self):
        proxy = self.start_proxy()
        self.assertEqual(curl(self.origin.url("/ok"), proxy=proxy.url).returncode, 0)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/ok 200" in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        err = proxy.stderr
        self.assertIn("export HTTP_PROXY=%s HTTPS_PROXY=%s" % (proxy.url, proxy.url), err)
        ca = os.path.join(proxy.home, "ca-cert.pem")
        self.assertIn("HTTPS is intercepted with the CA %s" % ca, err)
        self.assertIn("flowscope ca install", err)
        self.assertIn("curl --proxy %s --cacert %s" % (proxy.url, ca), err)
        self.assertIn("flowscope: 1 flow to 1 host", err, "the closing tally")
        self.assertFalse(any("\x1b[" in l for l in proxy.stdout_lines), "no colour into a pipe")

    def test_har_is_written_when_the_proxy_stops_without_a_store(self):
        har = os.path.join(self.dir, "run.har")
        before = set(d for d in os.listdir("/tmp") if d.startswith("flowscope-run-"))
        proxy = self.start_proxy("--har", har)
        for path in ("/ok", "/missing"):
            self.assertEqual(curl(self.origin.url(path), proxy=proxy.url).returncode, 0)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/missing 404" in l), proxy.diag())
        self.assertFalse(os.path.exists(har), "written at stop, not before")
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        with open(har) as f:
            entries = json.load(f)["log"]["entries"]
        self.assertEqual(sorted(e["response"]["status"] for e in entries), [200, 404])
        self.assertIn("wrote 2 flows to %s" % har, proxy.stderr)
        after = set(d for d in os.listdir("/tmp") if d.startswith("flowscope-run-"))
        self.assertEqual(after - before, set(), "the temporary store is removed")

    def test_har_and_store_together(self):
        har = os.path.join(self.dir, "both.har")
        store = os.path.join(self.dir, "both.jsonl")
        proxy = self.start_proxy("--har", har, "-w", store)
        self.assertEqual(curl(self.origin.url("/ok"), proxy=proxy.url).returncode, 0)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/ok 200" in l), proxy.diag())
        self.assertEqual(proxy.stop(), 0, proxy.diag())
        with open(store) as f:
            self.assertEqual(len(f.readlines()), 1)
        with open(har) as f:
            self.assertEqual(len(json.load(f)["log"]["entries"]), 1)

    def test_live_lines_are_coloured_on_a_terminal(self):
        master, slave = pty.openpty()
        home = e2e.make_tempdir("flowscope-home-")
        proc = subprocess.Popen([e2e.FLOWSCOPE, "run", "--listen", "127.0.0.1:0", "--live"],
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL,
                                env=e2e.clean_env({"FLOWSCOPE_HOME": home, "HOME": home}))
        os.close(slave)
        seen = b""

        def read_until(pattern):
            nonlocal seen
            while not re.search(pattern, seen):
                ready, _, _ = select.select([master], [], [], e2e.HANG_GUARD)
                if not ready:
                    return False
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return False
                if not chunk:
                    return False
                seen += chunk
            return True

        try:
            self.assertTrue(read_until(rb"listening on 127\.0\.0\.1:(\d+)"), seen)
            port = int(re.search(rb"listening on 127\.0\.0\.1:(\d+)", seen).group(1))
            proxy_url = "http://127.0.0.1:%d" % port
            self.assertEqual(curl(self.origin.url("/ok"), proxy=proxy_url).returncode, 0)
            self.assertEqual(curl(self.origin.url("/missing"), proxy=proxy_url).returncode, 0)
            self.assertTrue(read_until(rb"/missing 404[^\n]*\x1b\[0m"), seen)
        finally:
            proc.terminate()
            proc.wait(timeout=e2e.HANG_GUARD)
            os.close(master)
        text = seen.decode("utf-8", "replace")
        self.assertRegex(text, r"\x1b\[2m127\.0\.0\.1:\d+ GET %s …\x1b\[0m" % re.escape(self.origin.url("/ok")))
        self.assertRegex(text, r"\x1b\[32m127\.0\.0\.1:\d+ GET %s 200 " % re.escape(self.origin.url("/ok")))
        self.assertRegex(text, r"\x1b\[33m127\.0\.0\.1:\d+ GET %s 404 " % re.escape(self.origin.url("/missing")))


if __name__ == "__main__":
    e2e.main()
