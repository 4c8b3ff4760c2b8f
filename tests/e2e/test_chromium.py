#!/usr/bin/env python3
"""Headless Chromium through flowscope's TLS interception.

Chromium on Linux trusts the NSS database in $HOME/.pki/nssdb, so each test makes a fresh one with
certutil, adds the CA of the proxy under test, and runs chromium with HOME pointing there. The
flag --proxy-bypass-list='<-loopback>' removes Chromium's implicit bypass of localhost, without
which it would never send https://localhost/ to the proxy.

Needs chromium and certutil (Debian: chromium, libnss3-tools; scripts/deps installs them). Each
test skips, saying what is missing, when they are not installed.

Run: python3 test_chromium.py --flowscope /path/to/flowscope [unittest args]
"""

import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402

CHROMIUM_GUARD = 90  # hang guard for one chromium run (seconds)

MARKER = "flowscope-chromium-marker-7f3a"

PAGE = ("<!doctype html><html><head><title>e2e</title><script src=\"/app.js\"></script></head>"
        "<body><p id=\"static\">%s-static</p><p id=\"dyn\">not yet</p>"
        "<script>document.getElementById('dyn').textContent = window.fromApp + '-' + (6 * 7);</script>"
        "</body></html>" % MARKER)
APP_JS = "window.fromApp = '%s-js';" % MARKER


def page_route(handler, req):
    handler.reply(200, PAGE, "text/html; charset=utf-8")


def app_route(handler, req):
    handler.reply(200, APP_JS, "application/javascript")


ROUTES = {"/page.html": page_route, "/app.js": app_route}


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ChromiumMixin:
    """Headless chromium for an e2e.E2ETestCase: need_chromium() in setUp, then make_nss_home() and
    dump_dom(). test_websocket.py's Chromium test uses it too."""

    def need_chromium(self):
        self.chromium = find_chromium()
        self.certutil = shutil.which("certutil")
        missing = [n for n, p in (("chromium", self.chromium), ("certutil (libnss3-tools)", self.certutil)) if not p]
        if missing:
            self.skipTest("not installed: %s (apt-get install chromium libnss3-tools; scripts/deps does)"
                          % ", ".join(missing))

    def make_nss_home(self, ca_pem=None):
        """A HOME whose .pki/nssdb is a fresh NSS database, trusting ca_pem for TLS servers."""
        home = e2e.make_tempdir("flowscope-e2e-chromium-home-")
        db = os.path.join(home, ".pki", "nssdb")
        os.makedirs(db)
        self.run_checked([self.certutil, "-d", "sql:" + db, "-N", "--empty-password"])
        if ca_pem:
            self.run_checked([self.certutil, "-d", "sql:" + db, "-A", "-t", "C,,", "-n", "flowscope", "-i", ca_pem])
        return home

    def run_checked(self, argv):
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=e2e.HANG_GUARD)
        if p.returncode != 0:
            self.fail("%s failed (exit %d): %s" % (" ".join(argv), p.returncode, p.stdout.decode(errors="replace")))

    def dump_dom(self, proxy, url, home):
        """Run headless chromium --dump-dom URL through proxy; returns (exit code, stdout, stderr)."""
        user_data = e2e.make_tempdir("flowscope-e2e-chromium-profile-")
        argv = [self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                # fewer background fetches of Google hosts (they would fail at DNS in the proxy anyway)
                "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,"
                "AutofillServerCommunication",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-extensions",
                "--disable-default-apps", "--no-default-browser-check", "--no-pings", "--disable-breakpad",
                "--user-data-dir=" + user_data,
                "--proxy-server=" + proxy.url, "--proxy-bypass-list=<-loopback>",
                "--dump-dom", url]
        env = e2e.clean_env({"HOME": home})
        env.pop("DISPLAY", None)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=CHROMIUM_GUARD)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            self.fail("chromium did not finish within the %ss hang guard\nstdout: %s\nstderr: %s%s"
                      % (CHROMIUM_GUARD, out[-2000:], err.decode(errors="replace")[-4000:], self.diag()))
        finally:
            # chromium's helpers (zygote, GPU, network service) live in its session; end them all
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")

    def describe(self, rc, out, err):
        return "chromium exit %s\n--- dom:\n%s\n--- chromium stderr (tail):\n%s" % (rc, out[-3000:], err[-4000:])


class ChromiumTest(ChromiumMixin, e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.need_chromium()

    def start_tls_origin(self):
        o = e2e.HTTPOrigin(ROUTES, e2e.server_ssl_context())
        self.track(o)
        return o

    def test_intercepted_page_loads(self):
        """Chromium trusting the flowscope CA (NSS db) loads https://localhost:P/page.html and its script
        through interception; the proxy logs both https flows."""
        origin = self.start_tls_origin()
        cert, _ = e2e.tls_material()
        proxy = self.start_proxy("--upstream-ca", cert)
        home = self.make_nss_home(os.path.join(proxy.home, "ca-cert.pem"))
        url = origin.url("/page.html", host="localhost")
        rc, out, err = self.dump_dom(proxy, url, home)
        ctx = self.describe(rc, out, err)
        self.assertEqual(rc, 0, ctx + self.diag())
        self.assertIn(MARKER + "-static", out, "the page did not load through the proxy\n" + ctx + self.diag())
        self.assertIn(MARKER + "-js-42", out, "the page's script did not run (app.js not loaded?)\n" + ctx
                      + self.diag())
        for path in ("/page.html", "/app.js"):
            flow = re.compile(r"^127\.0\.0\.1:\d+ GET %s 200\b" % re.escape(origin.url(path, host="localhost")))
            self.assertTrue(proxy.wait_for_stdout(lambda l: flow.search(l) is not None),
                            "no intercepted flow line for %s\n%s%s" % (path, ctx, self.diag()))

    def test_unverified_origin_shows_502_text(self):
        """Origin with a self-signed certificate and no --upstream-ca: chromium (trusting our CA) gets
        the proxy's 502 page, which names the problem and --insecure."""
        origin = self.start_tls_origin()
        proxy = self.start_proxy()
        home = self.make_nss_home(os.path.join(proxy.home, "ca-cert.pem"))
        rc, out, err = self.dump_dom(proxy, origin.url("/page.html", host="localhost"), home)
        ctx = self.describe(rc, out, err)
        self.assertEqual(rc, 0, ctx + self.diag())
        self.assertNotIn(MARKER, out, "an unverified origin's page must not be served\n" + ctx)
        self.assertIn("--insecure", out, "the 502 text should reach the browser\n" + ctx + self.diag())
        self.assertEqual(origin.requests, [], "no request may reach an unverified origin")

    def test_untrusting_browser_is_refused_then_passthrough(self):
        """Chromium without our CA refuses the leaf: the proxy logs the refusal and, with auto-passthrough,
        tunnels localhost blind afterwards (the browser then sees the origin's own certificate, which
        it does not trust either, so the page still does not load)."""
        origin = self.start_tls_origin()
        cert, _ = e2e.tls_material()
        proxy = self.start_proxy("--upstream-ca", cert)
        home = self.make_nss_home(None)
        rc, out, err = self.dump_dom(proxy, origin.url("/page.html", host="localhost"), home)
        ctx = self.describe(rc, out, err)
        self.assertNotIn(MARKER, out, "a browser that does not trust the CA must not get the page\n" + ctx)
        self.assertTrue(proxy.wait_for_stdout(lambda l: "refused flowscope's certificate" in l),
                        "the proxy should log that the browser refused its certificate\n" + ctx + self.diag())


if __name__ == "__main__":
    e2e.main()
