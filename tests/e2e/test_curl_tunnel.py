#!/usr/bin/env python3
"""curl through flowscope's CONNECT blind tunnel to a local TLS origin, and proxy chaining.

The TLS origin uses a self-signed certificate made at test time with the openssl CLI; the tunnel
passes TLS through untouched, so curl trusts the origin's own certificate (--cacert).

Run: python3 test_curl_tunnel.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
from e2e_support import curl, payload, sha256  # noqa: E402

BIG = 5 * 1024 * 1024


def big_route(handler, req):
    handler.reply(200, payload(BIG, seed=5), "application/octet-stream")


ROUTES = {"/big": big_route, "/echo-sha": e2e.echo_sha_route}


class CurlTunnelTest(e2e.E2ETestCase):
    # These tests check the blind tunnel; interception has its own tests.
    proxy_defaults = ("--no-intercept",)


    def setUp(self):
        super().setUp()
        self.cert, _ = e2e.tls_material()
        self.tls_origin = self.start_origin(ROUTES, tls=True)

    def https(self, path="/", host="localhost"):
        return self.tls_origin.url(path, host=host)

    def assertTunnelRefused(self, r, status):
        """curl's view of a refused CONNECT: exit 56 and %{http_connect} == status."""
        self.assertEqual(r.http_connect, status, "CONNECT answer seen by curl%s" % self.diag(r))
        self.assertEqual(r.returncode, 56, "curl exit code for a refused CONNECT%s" % self.diag(r))

    def raw_connect(self, proxy, target, extra=b""):
        return e2e.raw_exchange(proxy.port, b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s\r\n"
                                % (target.encode(), target.encode(), extra))

    # ---- tunnel ------------------------------------------------------------------------------

    def test_https_localhost(self):
        """curl --cacert -x PROXY https://localhost:PORT/ works through the blind tunnel."""
        proxy = self.start_proxy()
        r = curl("--cacert", self.cert, self.https("/hello"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /hello")
        self.assertEqual(r.http_connect, 200, self.diag(r))
        req = self.tls_origin.requests[0]
        self.assertEqual((req.method, req.target), ("GET", "/hello"), self.diag(req))

    def test_https_ip_literal(self):
        """curl --cacert -x PROXY https://127.0.0.1:PORT/ (IP SAN) works through the tunnel."""
        proxy = self.start_proxy()
        r = curl("--cacert", self.cert, self.https("/ip", host="127.0.0.1"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /ip")

    def test_https_5mb_download(self):
        """A 5 MiB download through the tunnel arrives intact (sha256)."""
        proxy = self.start_proxy()
        r = curl("--cacert", self.cert, self.https("/big"), proxy=proxy.url)
        self.assertCurlOK(r, payload(BIG, seed=5))

    def test_https_1mb_upload(self):
        """A 1 MiB POST through the tunnel arrives intact (origin echoes sha256)."""
        proxy = self.start_proxy()
        data = payload(1024 * 1024, seed=6)
        path = e2e.write_temp_file(data)
        r = curl("--cacert", self.cert, "--data-binary", "@" + path, self.https("/echo-sha"),
                 proxy=proxy.url)
        self.assertCurlOK(r)
        got = json.loads(r.body)
        self.assertEqual((got["length"], got["sha256"]), (len(data), sha256(data)), self.diag(r))

    def test_tunnel_is_blind(self):
        """Raw CONNECT: exact '200 Connection Established' line, then the origin's own certificate."""
        proxy = self.start_proxy()
        s = e2e.connect(proxy.port)
        self.addCleanup(s.close)
        target = b"localhost:%d" % self.tls_origin.port
        s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (target, target))
        resp = e2e.read_response(s, no_body=True)
        self.assertEqual(resp.status_line, "HTTP/1.1 200 Connection Established", resp.describe() + self.diag())
        self.assertEqual(resp.body, b"", "bytes after the CONNECT answer: %r" % resp.body)
        tls = e2e.client_ssl_context().wrap_socket(s, server_hostname="localhost")
        self.addCleanup(tls.close)
        self.assertEqual(tls.getpeercert(binary_form=True), e2e.cert_der(),
                         "the tunnel must pass the origin's certificate through untouched")
        tls.sendall(b"GET /raw HTTP/1.1\r\nHost: localhost:%d\r\nConnection: close\r\n\r\n"
                    % self.tls_origin.port)
        inner = e2e.read_response(tls)
        self.assertEqual((inner.status, inner.body), (200, b"origin says hi: /raw"), inner.describe())

    # ---- refusals ----------------------------------------------------------------------------

    def test_connect_ports_403(self):
        """--connect-ports 1: CONNECT to the origin port gets 403 (curl exit 56, http_connect 403)."""
        proxy = self.start_proxy("--connect-ports", "1")
        r = curl("--cacert", self.cert, self.https("/"), proxy=proxy.url)
        self.assertTunnelRefused(r, 403)
        self.assertRawError(self.raw_connect(proxy, "localhost:%d" % self.tls_origin.port), 403)
        self.assertEqual(self.tls_origin.connection_count, 0, "origin must not be contacted")

    def test_connect_ports_list_allows_listed(self):
        """--connect-ports 443,PORT: CONNECT to a listed port is allowed."""
        proxy = self.start_proxy("--connect-ports", "443,%d" % self.tls_origin.port)
        r = curl("--cacert", self.cert, self.https("/listed"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /listed")

    def test_connect_closed_port_502(self):
        """CONNECT to a closed port gets 502 with a text/plain body."""
        proxy = self.start_proxy()
        port = e2e.closed_port()
        r = curl("--cacert", self.cert, "https://localhost:%d/" % port, proxy=proxy.url)
        self.assertTunnelRefused(r, 502)
        self.assertRawError(self.raw_connect(proxy, "127.0.0.1:%d" % port), 502)

    def test_connect_dns_failure_502(self):
        """CONNECT to an unresolvable host gets 502."""
        proxy = self.start_proxy()
        self.assertRawError(self.raw_connect(proxy, "nonexistent.invalid:443"), 502)

    def test_connect_timeout_504(self):
        """CONNECT to a listener that drops SYNs, with --connect-timeout-ms 300, gets 504."""
        hole = self.track(e2e.BlackholeListener())
        proxy = self.start_proxy("--connect-timeout-ms", "300")
        self.assertRawError(self.raw_connect(proxy, "127.0.0.1:%d" % hole.port), 504)

    def test_connect_proxy_auth(self):
        """--proxy-auth u:p: CONNECT without creds gets 407 + Proxy-Authenticate; with -U u:p it works."""
        proxy = self.start_proxy("--proxy-auth", "u:p")
        r = curl("--cacert", self.cert, self.https("/"), proxy=proxy.url)
        self.assertTunnelRefused(r, 407)
        resp = self.raw_connect(proxy, "localhost:%d" % self.tls_origin.port)
        self.assertRawError(resp, 407)
        self.assertEqual(resp.header("Proxy-Authenticate"), 'Basic realm="flowscope"', resp.describe())
        r = curl("--cacert", self.cert, "--proxy-user", "u:p", self.https("/authed"), proxy=proxy.url)
        self.assertCurlOK(r, b"origin says hi: /authed")

    # ---- chaining ----------------------------------------------------------------------------

    def start_chain(self, first_options=(), upstream_userinfo=""):
        """first: resolves fake.test to the local origins; second: --upstream-proxy first.

        Only the first proxy knows fake.test, so an answer for fake.test proves the chain was used.
        """
        self.http_origin = self.start_origin()
        first = self.start_proxy("--resolve", "fake.test:%d:127.0.0.1" % self.tls_origin.port,
                                 "--resolve", "fake.test:%d:127.0.0.1" % self.http_origin.port,
                                 *first_options)
        second = self.start_proxy("--upstream-proxy",
                                  "http://%s127.0.0.1:%d" % (upstream_userinfo, first.port))
        return first, second

    def test_chained_https(self):
        """Second proxy with --upstream-proxy first: https via chained CONNECT reaches the origin."""
        first, second = self.start_chain()
        r = curl("--cacert", self.cert, self.https("/chained", host="fake.test"), proxy=second.url)
        self.assertCurlOK(r, b"origin says hi: /chained")
        r = curl("--cacert", self.cert, self.https("/chained-localhost"), proxy=second.url)
        self.assertCurlOK(r, b"origin says hi: /chained-localhost")

    def test_chained_http(self):
        """Second proxy with --upstream-proxy first: plain http reaches the origin via the first."""
        first, second = self.start_chain()
        r = curl("http://fake.test:%d/plain?x=1" % self.http_origin.port, proxy=second.url)
        self.assertCurlOK(r, b"origin says hi: /plain?x=1")
        req = self.http_origin.requests[0]
        self.assertEqual(req.target, "/plain?x=1", self.diag(req))
        self.assertEqual(req.header("Host"), "fake.test:%d" % self.http_origin.port, self.diag(req))
        self.assertNotIn("via", req.header_names(), self.diag(req))

    def test_chained_with_upstream_credentials(self):
        """--upstream-proxy http://u:p@host:port authenticates to a first proxy run with --proxy-auth."""
        first, second = self.start_chain(("--proxy-auth", "u:p"), upstream_userinfo="u:p@")
        r = curl("--cacert", self.cert, self.https("/cred-tls", host="fake.test"), proxy=second.url)
        self.assertCurlOK(r, b"origin says hi: /cred-tls")
        r = curl("http://fake.test:%d/cred-plain" % self.http_origin.port, proxy=second.url)
        self.assertCurlOK(r, b"origin says hi: /cred-plain")
        req = self.http_origin.requests[0]
        self.assertNotIn("proxy-authorization", req.header_names(), self.diag(req))


if __name__ == "__main__":
    e2e.main()
