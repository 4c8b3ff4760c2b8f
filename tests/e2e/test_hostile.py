#!/usr/bin/env python3
"""Hostile and malformed clients, on raw sockets to flowscope.

Each error answer must carry a non-empty text/plain body. Requests rejected while reading the head
must never reach the origin, and the proxy must keep serving other clients.

Run: python3 test_hostile.py --flowscope /path/to/flowscope [unittest args]
"""

import os
import select
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl  # noqa: E402


class HostileTest(e2e.E2ETestCase):

    def setUp(self):
        super().setUp()
        self.origin = self.start_origin({"/echo-sha": e2e.echo_sha_route})
        self.proxy = self.start_proxy()
        self.target = self.origin.url("/bad").encode()
        self.host = self.origin.hostport.encode()

    def request(self, head_lines, body=b"", method=b"POST"):
        """Absolute-form request to the origin with the given extra header lines."""
        head = b"%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, self.target, self.host)
        for line in head_lines:
            head += line + b"\r\n"
        return head + b"\r\n" + body

    def send(self, data, no_body=False):
        return e2e.raw_exchange(self.proxy.port, data, no_body=no_body)

    def assertProxyStillServes(self, expect_origin_untouched=True):
        """A normal request works afterwards; if asked, it is the only thing the origin ever saw."""
        r = curl(self.origin.url("/good"), proxy=self.proxy.url)
        self.assertCurlOK(r, b"origin says hi: /good")
        if expect_origin_untouched:
            reqs = self.origin.requests
            self.assertEqual([q.target for q in reqs], ["/good"],
                             "rejected requests must never reach the origin%s" % self.diag(*reqs))
            self.assertEqual(self.origin.connection_count, 1,
                             "origin saw %d connections; only the good request should have connected%s"
                             % (self.origin.connection_count, self.diag(*reqs)))

    # ---- framing -----------------------------------------------------------------------------

    def test_content_length_and_transfer_encoding(self):
        """Content-Length together with Transfer-Encoding: 400, and nothing reaches the origin."""
        body = b"5\r\nhello\r\n0\r\n\r\n"
        for lines in ([b"Content-Length: %d" % len(body), b"Transfer-Encoding: chunked"],
                      [b"Transfer-Encoding: chunked", b"Content-Length: %d" % len(body)]):
            with self.subTest(order=lines[0]):
                self.assertRawError(self.send(self.request(lines, body)), 400)
        self.assertProxyStillServes()

    def test_conflicting_content_lengths(self):
        """Two different Content-Length values (two lines, or one list): 400."""
        for lines in ([b"Content-Length: 5", b"Content-Length: 6"], [b"Content-Length: 5, 6"]):
            with self.subTest(lines=lines):
                self.assertRawError(self.send(self.request(lines, b"hello!")), 400)
        self.assertProxyStillServes()

    def test_invalid_content_length(self):
        """A non-numeric or negative Content-Length: 400."""
        for value in (b"abc", b"-1", b"0x10"):
            with self.subTest(value=value):
                self.assertRawError(self.send(self.request([b"Content-Length: " + value], b"x")), 400)
        self.assertProxyStillServes()

    def test_bad_chunk_size(self):
        """A chunked body whose chunk size is not hex: 400."""
        data = self.request([b"Transfer-Encoding: chunked"], b"zz\r\nhello\r\n0\r\n\r\n")
        self.assertRawError(self.send(data), 400)
        # The head was valid, so a streaming proxy may already have opened the upstream; only
        # check that the proxy keeps serving.
        self.assertProxyStillServes(expect_origin_untouched=False)

    # ---- header syntax -----------------------------------------------------------------------

    def test_obs_fold(self):
        """An obs-fold continuation line (X-A: b / '  c'): 400."""
        # RFC 9112 5.2 also allows unfolding to SP; flowscope's contract is to reject.
        self.assertRawError(self.send(self.request([b"X-A: b", b"  c"], method=b"GET")), 400)
        self.assertProxyStillServes()

    def test_space_before_colon(self):
        """Whitespace between a header name and the colon: 400 (RFC 9112 5.1: a server MUST reject)."""
        self.assertRawError(self.send(self.request([b"X-A : b"], method=b"GET")), 400)
        self.assertProxyStillServes()

    def test_huge_head_431(self):
        """A 70 KiB request head: 431."""
        big = b"X-Big: " + b"a" * (70 * 1024)
        self.assertRawError(self.send(self.request([big], method=b"GET")), 431)
        self.assertProxyStillServes()

    def test_garbage(self):
        """Garbage bytes (binary, a bare word): 400, and others are still served."""
        garbage = [
            b"\x00\xff\xfe\x01garbage\x7f\r\n\r\n",
            b"HELLO\r\n\r\n",
        ]
        for g in garbage:
            with self.subTest(garbage=g[:16]):
                self.assertRawError(self.send(g), 400)
        self.assertProxyStillServes()

    def test_broken_tls_to_the_proxy(self):
        """A TLS record first means TLS to the proxy itself (an HTTPS proxy). A truncated ClientHello
        followed by a half-close, or a handshake record that is no ClientHello, is closed without an
        answer (there is no TLS to answer in), and others are still served."""
        for g in (bytes.fromhex("160301020001000200030345") + b"\x00" * 64 + b"\r\n\r\n",
                  b"\x16\x03\x01\x00\x05hello"):
            with self.subTest(garbage=g[:16]):
                s = e2e.connect(self.proxy.port)
                try:
                    s.sendall(g)
                    s.shutdown(socket.SHUT_WR)
                    closed, got = e2e.wait_closed(s)
                finally:
                    s.close()
                self.assertTrue(closed, "the proxy must close a broken TLS start" + self.diag())
                self.assertFalse(got.startswith(b"HTTP/"), "no plaintext answer to a TLS client: %r" % got[:40])
        self.assertProxyStillServes()

    # ---- CONNECT targets ---------------------------------------------------------------------

    def test_bad_connect_targets(self):
        """CONNECT with a missing port, a bad host, a bad port, or userinfo: 400."""
        targets = [
            b"127.0.0.1",                 # missing port
            b"localhost",                 # missing port
            b":443",                      # empty host
            b"bad<host>:443",             # bad host characters
            b"[::1:443",                  # unterminated IPv6 literal
            b"user@127.0.0.1:443",        # userinfo
            b"user:pass@localhost:443",   # userinfo with password
            b"127.0.0.1:notaport",        # non-numeric port
            b"127.0.0.1:70000",           # port out of range
            b"http://127.0.0.1:443/",     # absolute URI instead of authority
        ]
        for t in targets:
            with self.subTest(target=t):
                resp = self.send(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (t, t))
                self.assertRawError(resp, 400)
        self.assertProxyStillServes()

    # ---- slow clients ------------------------------------------------------------------------

    def test_slowloris_closed_while_others_served(self):
        """A client dribbling one head byte at a time is cut off (--header-timeout-ms 300) while a
        normal client at the same time succeeds."""
        self.proxy = self.start_proxy("--header-timeout-ms", "300")
        state = {"closed": False, "received": b"", "sent": 0}
        started = threading.Event()
        done = threading.Event()

        def slowloris():
            s = e2e.connect(self.proxy.port)
            try:
                head = (b"GET %s HTTP/1.1\r\nHost: %s\r\nX-Slow: " % (self.target, self.host)) + b"a" * 100000
                deadline = time.monotonic() + e2e.HANG_GUARD
                for i in range(len(head)):
                    if time.monotonic() > deadline:
                        return
                    try:
                        s.send(head[i:i + 1])
                        state["sent"] = i + 1
                    except OSError:
                        state["closed"] = True
                        return
                    if i == 10:
                        started.set()
                    # Pace the bytes (50 ms apart, well inside the 300 ms timeout between any two
                    # bytes), and notice when the proxy answers or closes.
                    r, _, _ = select.select([s], [], [], 0.05)
                    if r:
                        closed, data = e2e.wait_closed(s, timeout=e2e.HANG_GUARD)
                        state["received"] = data
                        state["closed"] = closed
                        return
            finally:
                started.set()
                done.set()
                s.close()

        t = threading.Thread(target=slowloris, daemon=True)
        t.start()
        started.wait(e2e.HANG_GUARD)
        r = curl(self.origin.url("/meanwhile"), proxy=self.proxy.url)
        self.assertCurlOK(r, b"origin says hi: /meanwhile")
        done.wait(e2e.HANG_GUARD + 10)
        t.join(timeout=10)
        self.assertTrue(state["closed"],
                        "slowloris connection still open after %d head bytes over the hang guard "
                        "(the header timeout must bound the whole head, not the gap between bytes)%s"
                        % (state["sent"], self.diag()))
        if state["received"]:
            self.assertTrue(state["received"].startswith(b"HTTP/1.1 408"),
                            "if the proxy answers a head timeout, it should be 408, got %r%s"
                            % (state["received"][:200], self.diag()))
        self.assertNotIn("/bad", [q.target for q in self.origin.requests])

    def test_pipelined_after_error_not_forwarded(self):
        """Bytes pipelined after a malformed request are not treated as a new request."""
        smuggled = b"GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (self.origin.url("/smuggled").encode(), self.host)
        data = self.request([b"Content-Length: 5", b"Transfer-Encoding: chunked"], b"0\r\n\r\n" + smuggled)
        s = e2e.connect(self.proxy.port)
        self.addCleanup(s.close)
        s.sendall(data)
        resp = e2e.read_response(s)
        self.assertRawError(resp, 400)
        closed, rest = e2e.wait_closed(s)
        self.assertTrue(closed, "connection should close after a framing error")
        self.assertFalse(b"HTTP/1.1 200" in rest, "a smuggled request was answered: %r" % rest[:300])
        self.assertProxyStillServes()


if __name__ == "__main__":
    e2e.main()
