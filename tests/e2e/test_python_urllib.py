#!/usr/bin/env python3
"""Python's urllib through flowscope: http GET/POST via the explicit proxy, https via CONNECT.

Run: python3 test_python_urllib.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402


def json_route(handler, req):
    try:
        received = json.loads(req.body)
    except ValueError as e:
        handler.reply(400, "bad json: %s" % e)
        return
    handler.reply_json({"received": received, "content_type": req.header("Content-Type"),
                        "method": req.method, "target": req.target})


def missing_route(handler, req):
    handler.reply(404, b"no such thing here")


ROUTES = {"/json": json_route, "/missing": missing_route}


class PythonUrllibTest(e2e.E2ETestCase):
    # These tests check the blind tunnel; interception has its own tests.
    proxy_defaults = ("--no-intercept",)


    def setUp(self):
        super().setUp()
        self.http_origin = self.start_origin(ROUTES)
        self.tls_origin = self.start_origin(ROUTES, tls=True)
        self.proxy = self.start_proxy()
        proxies = {"http": self.proxy.url, "https": self.proxy.url}
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler(proxies),
            urllib.request.HTTPSHandler(context=e2e.client_ssl_context()))

    def fetch(self, url, data=None, headers=None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=e2e.HANG_GUARD) as resp:
                return resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers.items()), e.read()
        except urllib.error.URLError as e:
            self.fail("urllib could not fetch %s: %r%s" % (url, e, self.diag()))

    def test_http_get(self):
        """urllib GET of an http:// URL through the proxy returns the origin's body."""
        status, _, body = self.fetch(self.http_origin.url("/py?lang=python"))
        self.assertEqual((status, body), (200, b"origin says hi: /py?lang=python"), self.diag())
        req = self.http_origin.requests[0]
        self.assertEqual(req.target, "/py?lang=python", self.diag(req))
        self.assertEqual(req.header("Host"), self.http_origin.hostport, self.diag(req))

    def test_http_post_json(self):
        """urllib POST of a JSON document through the proxy arrives parsed and intact."""
        doc = {"name": "flowscope", "numbers": list(range(50)), "nested": {"ok": True, "text": "h\u00e9"}}
        status, headers, body = self.fetch(self.http_origin.url("/json"), data=json.dumps(doc).encode(),
                                           headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, "%r %r%s" % (headers, body, self.diag()))
        got = json.loads(body)
        self.assertEqual(got["received"], doc)
        self.assertEqual(got["content_type"], "application/json")
        self.assertEqual(got["method"], "POST")

    def test_http_error_status_relayed(self):
        """An origin 404 with a body is relayed unchanged."""
        status, _, body = self.fetch(self.http_origin.url("/missing"))
        self.assertEqual((status, body), (404, b"no such thing here"), self.diag())

    def test_http_refused_is_502(self):
        """urllib through the proxy to a closed port gets 502 with a text/plain body."""
        status, headers, body = self.fetch("http://127.0.0.1:%d/" % e2e.closed_port())
        ctype = {k.lower(): v for k, v in headers.items()}.get("content-type")
        self.assertTextPlainError(status, ctype, body, 502, "headers=%r body=%r" % (headers, body))

    def test_https_get_via_tunnel(self):
        """urllib GET of https://localhost:PORT/ via CONNECT, verifying the origin's certificate."""
        status, _, body = self.fetch(self.tls_origin.url("/secure", host="localhost"))
        self.assertEqual((status, body), (200, b"origin says hi: /secure"), self.diag())

    def test_https_post_json_via_tunnel(self):
        """urllib POST of JSON to https:// via CONNECT arrives intact."""
        doc = {"tls": True, "items": ["a", "b", "c"] * 100}
        status, _, body = self.fetch(self.tls_origin.url("/json", host="localhost"),
                                     data=json.dumps(doc).encode(),
                                     headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, "%r%s" % (body, self.diag()))
        self.assertEqual(json.loads(body)["received"], doc)


if __name__ == "__main__":
    e2e.main()
