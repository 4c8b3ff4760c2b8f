#!/usr/bin/env python3
"""curl through flowscope as an explicit HTTP proxy for http:// URLs.

Run: python3 test_curl_http.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl, payload, sha256  # noqa: E402

HOP_BY_HOP = ("connection", "proxy-connection", "keep-alive", "proxy-authorization", "te",
              "trailer", "upgrade", "proxy-authenticate")


def chunked_route(handler, req):
    data = payload(300 * 1024, seed=7)
    handler.reply_chunked([data[i:i + 7001] for i in range(0, len(data), 7001)])


def head_route(handler, req):
    handler.reply(200, b"", headers=[("Content-Length", "1234")], send_length=False)


def no_content_route(handler, req):
    handler.reply(204, b"", content_type=None, send_length=False)


def not_modified_route(handler, req):
    handler.reply(304, b"", content_type=None, headers=[("ETag", '"v1"')], send_length=False)


def hop_route(handler, req):
    handler.reply(200, b"hop", headers=[("Connection", "X-Resp-Hop"), ("X-Resp-Hop", "1"),
                                        ("X-Resp-End", "kept")])


ROUTES = {
    "/echo-sha": e2e.echo_sha_route,
    "/chunked": chunked_route,
    "/head": head_route,
    "/204": no_content_route,
    "/304": not_modified_route,
    "/hop": hop_route,
}


class CurlHttpTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.origin = self.start_origin(ROUTES)

    # ---- forwarding --------------------------------------------------------------------------

    def test_get_origin_form_and_headers(self):
        """GET via proxy: body arrives; origin sees origin-form /path?q=1, Host, no proxy headers, no Via."""
        proxy = self.start_proxy()
        r = curl("--proxy-user", "someone:secret", self.origin.url("/path?q=1"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /path?q=1")
        reqs = self.origin.requests
        self.assertEqual(len(reqs), 1, "origin requests: %r%s" % (reqs, self.diag(r)))
        req = reqs[0]
        self.assertEqual(req.method, "GET")
        self.assertEqual(req.target, "/path?q=1", "origin must get origin-form target%s" % self.diag(req))
        self.assertEqual(req.header("Host"), self.origin.hostport, self.diag(req))
        names = req.header_names()
        self.assertEqual(names.count("host"), 1, "exactly one Host%s" % self.diag(req))
        for h in ("proxy-connection", "proxy-authorization", "via"):
            self.assertNotIn(h, names, "origin must not see %s%s" % (h, self.diag(req)))
        self.assertIsNone(r.header("Via"), "proxy must not add Via to the response%s" % self.diag(r))

    def test_hop_by_hop_headers_stripped(self):
        """Connection-listed and hop-by-hop headers are dropped both ways; end-to-end headers kept."""
        proxy = self.start_proxy()
        r = curl("-H", "Connection: keep-alive, X-Custom-Hop", "-H", "X-Custom-Hop: 1",
                 "-H", "Keep-Alive: timeout=5", "-H", "X-End-To-End: yes",
                 self.origin.url("/hop"), proxy=proxy.url)
        self.assertCurlOK(r, b"hop")
        req = self.origin.requests[0]
        names = req.header_names()
        self.assertNotIn("x-custom-hop", names, "header named in Connection must be stripped%s"
                         % self.diag(req))
        self.assertNotIn("keep-alive", names, "Keep-Alive must be stripped%s" % self.diag(req))
        self.assertNotIn("proxy-connection", names, self.diag(req))
        self.assertEqual(req.header("X-End-To-End"), "yes", "end-to-end header lost%s" % self.diag(req))
        self.assertIsNone(r.header("X-Resp-Hop"), "response header named in Connection must be stripped%s"
                          % self.diag(r))
        self.assertEqual(r.header("X-Resp-End"), "kept", self.diag(r))

    def test_post_1mb_binary(self):
        """POST of 1 MiB random bytes (--data-binary) arrives intact (origin echoes sha256)."""
        proxy = self.start_proxy()
        data = payload(1024 * 1024, seed=1)
        path = e2e.write_temp_file(data)
        r = curl("-H", "Expect:", "-H", "Content-Type: application/octet-stream",
                 "--data-binary", "@" + path, self.origin.url("/echo-sha"), proxy=proxy.url)
        self.assertCurlOK(r)
        got = json.loads(r.body)
        self.assertEqual(got["length"], len(data), self.diag(r))
        self.assertEqual(got["sha256"], sha256(data), self.diag(r))
        self.assertEqual(got["method"], "POST")

    def test_chunked_upload(self):
        """POST with Transfer-Encoding: chunked from curl arrives intact."""
        proxy = self.start_proxy()
        data = payload(700 * 1024, seed=2)
        path = e2e.write_temp_file(data)
        r = curl("-H", "Transfer-Encoding: chunked", "-H", "Expect:", "--data-binary", "@" + path,
                 self.origin.url("/echo-sha"), proxy=proxy.url)
        self.assertCurlOK(r)
        got = json.loads(r.body)
        self.assertEqual((got["length"], got["sha256"]), (len(data), sha256(data)), self.diag(r))

    def test_expect_100_continue(self):
        """Expect: 100-continue upload: curl sees a 100 Continue and the body arrives intact."""
        proxy = self.start_proxy()
        data = payload(256 * 1024, seed=3)
        path = e2e.write_temp_file(data)
        # A long expect100-timeout: curl must be told to continue, not give up waiting.
        r = curl("-v", "--expect100-timeout", "50", "-H", "Expect: 100-continue",
                 "--data-binary", "@" + path, self.origin.url("/echo-sha"), proxy=proxy.url)
        self.assertCurlOK(r)
        got = json.loads(r.body)
        self.assertEqual((got["length"], got["sha256"]), (len(data), sha256(data)), self.diag(r))
        # curl -v logs this when its expect100-timeout ran out and it sent the body unasked, i.e.
        # the 100 Continue (from the origin, or from the proxy itself) never came in time.
        self.assertNotIn("Done waiting for 100-continue", r.stderr,
                         "curl had to give up waiting for 100 Continue%s" % self.diag(r))
        self.assertTrue(any(s.split(" ")[1:2] == ["100"] for s, _ in r.header_blocks),
                        "curl never received a 100 Continue interim response%s" % self.diag(r))

    def test_chunked_response(self):
        """A chunked response (300 KiB in 7001-byte chunks) arrives intact."""
        proxy = self.start_proxy()
        r = curl(self.origin.url("/chunked"), proxy=proxy.url)
        self.assertCurlOK(r, payload(300 * 1024, seed=7))

    def test_close_delimited_response(self):
        """An HTTP/1.0-style response with no length, ended by the origin closing, arrives intact."""
        data = payload(256 * 1024, seed=4)

        def serve(sock, origin):
            origin.read_head(sock)
            sock.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n" + data)
            sock.shutdown(e2e.socket.SHUT_WR)

        raw = self.start_raw_origin(serve)
        proxy = self.start_proxy()
        r = curl(raw.url("/close-delimited"), proxy=proxy.url)
        self.assertCurlOK(r, data)
        self.assertTrue(raw.heads and raw.heads[0].startswith(b"GET /close-delimited HTTP/1.1\r\n"),
                        "origin got head %r%s" % (raw.heads[:1], self.diag(r)))

    def test_keep_alive_reuse(self):
        """Two URLs in one curl run reuse one client connection and one origin connection."""
        proxy = self.start_proxy()
        p = e2e.run_curl_raw(["-x", proxy.url, "-w", "%{http_code} %{num_connects}\\n",
                              "-o", "/dev/null", "-o", "/dev/null",
                              self.origin.url("/one"), self.origin.url("/two")])
        out = p.stdout.decode()
        ctx = "curl exit=%s stdout=%r stderr=%r" % (p.returncode, out, p.stderr.decode(errors="replace"))
        self.assertEqual(p.returncode, 0, ctx + self.diag())
        self.assertEqual(out.split(), ["200", "1", "200", "0"],
                         "second request must reuse the client connection (num_connects 0)\n" + ctx
                         + self.diag())
        reqs = self.origin.requests
        self.assertEqual([r.target for r in reqs], ["/one", "/two"], self.diag(*reqs))
        self.assertEqual(self.origin.connection_count, 1,
                         "origin saw %d TCP connections for two keep-alive requests, expected 1 "
                         "(upstream connection reuse)%s" % (self.origin.connection_count, self.diag(*reqs)))

    def test_head_response_then_next_request(self):
        """HEAD answered with Content-Length 1234 and no body; the next request works."""
        proxy = self.start_proxy()
        r = curl("-I", self.origin.url("/head"), proxy=proxy.url)
        self.assertCurlOK(r)  # with -I curl writes the headers as its output, so no body check
        self.assertEqual(r.header("Content-Length"), "1234", self.diag(r))
        self.assertEqual(self.origin.requests[0].method, "HEAD")
        # HEAD, then GET on the same curl handle (same connection when reused).
        p = e2e.run_curl_raw(["-x", proxy.url, "-I", "-w", "%{http_code}\\n", "-o", "/dev/null",
                              self.origin.url("/head"), "--next", "-x", proxy.url, "-w",
                              "%{http_code} %{num_connects}\\n", self.origin.url("/after-head")])
        out = p.stdout.decode()
        self.assertEqual(p.returncode, 0, "curl: %r %r%s" % (out, p.stderr, self.diag()))
        self.assertIn("origin says hi: /after-head", out, self.diag())

    def test_204_and_304(self):
        """204 and 304 (no body) are relayed, and a request after them on the connection works."""
        proxy = self.start_proxy()
        p = e2e.run_curl_raw(["-x", proxy.url, "-H", 'If-None-Match: "v1"',
                              "-w", "[%{http_code} %{num_connects}]\\n",
                              self.origin.url("/204"), self.origin.url("/304"), self.origin.url("/last")])
        out = p.stdout.decode()
        ctx = "curl exit=%s stdout=%r stderr=%r" % (p.returncode, out, p.stderr.decode(errors="replace"))
        self.assertEqual(p.returncode, 0, ctx + self.diag())
        self.assertEqual(out, "[204 1]\n[304 0]\norigin says hi: /last[200 0]\n", ctx + self.diag())

    def test_threads_option_concurrent_clients(self):
        """--threads 2: eight concurrent curl clients all get their own correct answer."""
        proxy = self.start_proxy("--threads", "2")
        results = {}

        def one(i):
            results[i] = curl(self.origin.url("/c%d" % i), proxy=proxy.url)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(8):
            self.assertCurlOK(results[i], b"origin says hi: /c%d" % i)

    # ---- requests the proxy answers itself -----------------------------------------------------

    def test_origin_form_to_proxy_is_400(self):
        """An origin-form request sent straight to the proxy gets 400 with a text body about proxies."""
        proxy = self.start_proxy()
        r = curl(proxy.url + "/")
        self.assertCurlError(r, 400)
        self.assertIn(b"proxy", r.body.lower(), "400 body should explain flowscope is a proxy%s"
                      % self.diag(r))

    def test_resolve_override(self):
        """--resolve fake.test:PORT:127.0.0.1 sends http://fake.test:PORT/ to the local origin."""
        proxy = self.start_proxy("--resolve", "fake.test:%d:127.0.0.1" % self.origin.port)
        r = curl("http://fake.test:%d/named" % self.origin.port, proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /named")
        self.assertEqual(self.origin.requests[0].header("Host"), "fake.test:%d" % self.origin.port)

    def test_refused_is_502(self):
        """A closed origin port gives 502 with a text/plain body."""
        proxy = self.start_proxy()
        r = curl("http://127.0.0.1:%d/" % e2e.closed_port(), proxy=proxy.url)
        self.assertCurlError(r, 502)

    def test_dns_failure_is_502(self):
        """An unresolvable host (nonexistent.invalid) gives 502 with a text/plain body."""
        proxy = self.start_proxy()
        r = curl("http://nonexistent.invalid/", proxy=proxy.url)
        self.assertCurlError(r, 502)

    def test_reset_is_502(self):
        """An origin that resets the connection after reading the request gives 502."""
        def serve(sock, origin):
            origin.read_head(sock)
            e2e.rst_close(sock)

        raw = self.start_raw_origin(serve)
        proxy = self.start_proxy()
        r = curl(raw.url("/reset"), proxy=proxy.url)
        self.assertCurlError(r, 502)

    def test_response_timeout_is_504(self):
        """An origin that never answers, with --response-timeout-ms 300, gives 504."""
        def serve(sock, origin):
            origin.read_head(sock)
            origin.stopping.wait(e2e.HANG_GUARD)

        raw = self.start_raw_origin(serve)
        proxy = self.start_proxy("--response-timeout-ms", "300")
        r = curl(raw.url("/silent"), proxy=proxy.url)
        self.assertCurlError(r, 504)

    def test_connect_timeout_is_504(self):
        """An origin whose accept queue is full (SYNs dropped), with --connect-timeout-ms 300, gives 504."""
        hole = self.track(e2e.BlackholeListener())
        proxy = self.start_proxy("--connect-timeout-ms", "300")
        r = curl("http://127.0.0.1:%d/" % hole.port, proxy=proxy.url)
        self.assertCurlError(r, 504)

    def test_proxy_auth(self):
        """--proxy-auth u:p: 407 + Proxy-Authenticate without or with wrong creds; 200 with -U u:p."""
        proxy = self.start_proxy("--proxy-auth", "u:p")
        for creds in (None, "u:wrong", "x:p"):
            with self.subTest(creds=creds):
                args = ["--proxy-user", creds] if creds else []
                r = curl(*args, self.origin.url("/secret"), proxy=proxy.url)
                self.assertCurlError(r, 407)
                self.assertEqual(r.header("Proxy-Authenticate"), 'Basic realm="flowscope"', self.diag(r))
        self.assertEqual(self.origin.requests, [], "origin must not be contacted without valid creds")
        r = curl("--proxy-user", "u:p", self.origin.url("/secret"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /secret")
        req = self.origin.requests[0]
        self.assertNotIn("proxy-authorization", req.header_names(), self.diag(req))

    # ---- lifecycle ---------------------------------------------------------------------------

    def test_sigterm_exits_0(self):
        """After serving a request, SIGTERM makes flowscope exit with code 0."""
        proxy = self.start_proxy()
        self.assertCurlOK(curl(self.origin.url("/x"), proxy=proxy.url))
        rc = proxy.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, "exit code after SIGTERM%s" % self.diag())

    def test_sigint_exits_0(self):
        """SIGINT makes flowscope exit with code 0."""
        proxy = self.start_proxy()
        self.assertCurlOK(curl(self.origin.url("/x"), proxy=proxy.url))
        rc = proxy.stop(signal.SIGINT)
        self.assertEqual(rc, 0, "exit code after SIGINT%s" % self.diag())

    def test_sigterm_with_idle_keepalive_client(self):
        """SIGTERM with an idle keep-alive client connection open still exits 0 and closes it."""
        proxy = self.start_proxy()
        s = e2e.connect(proxy.port)
        self.addCleanup(s.close)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (self.origin.url("/idle").encode(),
                                                            self.origin.hostport.encode()))
        resp = e2e.read_response(s)
        self.assertEqual(resp.status, 200, resp.describe() + self.diag())
        rc = proxy.stop(signal.SIGTERM)
        self.assertEqual(rc, 0, "exit code after SIGTERM with an idle client%s" % self.diag())
        closed, _ = e2e.wait_closed(s, timeout=10)
        self.assertTrue(closed, "idle client connection still open after exit")

    def test_flow_lines_on_stdout(self):
        """Each finished flow prints a line on stdout that contains the URL."""
        proxy = self.start_proxy()
        self.assertCurlOK(curl(self.origin.url("/flow-line"), proxy=proxy.url))
        self.assertTrue(proxy.wait_for_stdout(lambda l: "/flow-line" in l),
                        "no stdout flow line mentions /flow-line%s" % self.diag())

    def test_live_line_while_a_slow_response_is_in_flight(self):
        """run --live: the request's line is printed while the origin still holds the response."""
        release = threading.Event()

        def slow_route(handler, req):
            release.wait(e2e.HANG_GUARD)
            handler.reply(200, b"finally")

        origin = self.start_origin({"/slow": slow_route})
        proxy = self.start_proxy("--live")
        url = origin.url("/slow")
        results = []
        client = threading.Thread(target=lambda: results.append(curl(url, proxy=proxy.url)))
        client.start()
        try:
            started = proxy.wait_for_stdout(lambda l: l.endswith("GET %s \u2026" % url))
            self.assertTrue(started, "no live line for the request in flight" + self.diag())
            self.assertFalse(any(" 200 " in l for l in proxy.stdout_lines[1:]), "it has not finished yet")
        finally:
            release.set()
            client.join(e2e.HANG_GUARD)
        self.assertCurlOK(results[0], b"finally")
        self.assertTrue(proxy.wait_for_stdout(lambda l: ("GET %s 200" % url) in l), self.diag())


if __name__ == "__main__":
    e2e.main()
