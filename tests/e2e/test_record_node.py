#!/usr/bin/env python3
"""`flowscope record -- node …`: Node's fetch() and its http/https modules are recorded.

Node before 24 ignores HTTP_PROXY/HTTPS_PROXY; record makes it use them with a preload that it
adds to NODE_OPTIONS (cli/node_preload.js). One record run of record_node_client.js sends, to a
plain and a TLS loopback origin (record_child_origins.py): fetch() GETs and POSTs (a string
body and a streamed one), http.get, https.get, a chunked https POST, and streamed responses read
part by part with fetch, http and https. The tests check what the client got, what the origin
received, and that the HAR holds every request with its bodies. The same run sets NO_PROXY=localhost
and a NODE_OPTIONS preload of the user's own: requests to localhost go direct (not recorded), and
the user's preload still runs.

Needs node (any version: on Node 24 and later, NODE_USE_ENV_PROXY does the preload's work).

Run: python3 test_record_node.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
import record_child_origins as rc  # noqa: E402

CLIENT = os.path.join(e2e.E2E_DIR, "record_node_client.js")


class RecordNodeTest(e2e.E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.origins = rc.ChildOrigins()
        cls.tmp = e2e.make_tempdir("flowscope-e2e-record-node-")
        cls.plain = cls.origins.plain.url("").rstrip("/")
        cls.tls = cls.origins.tls.url("").rstrip("/")
        cls.bypass = cls.origins.plain.url("", host="localhost").rstrip("/")
        user_preload = os.path.join(cls.tmp, "user-preload.js")
        with open(user_preload, "w") as f:
            f.write("globalThis.flowscopeE2eUserPreload = true;\n")
        cls.rec, cls.entries = rc.record(cls.tmp, cls.origins, "node", CLIENT, cls.plain, cls.tls, cls.bypass,
                                         env={"NO_PROXY": "localhost",
                                              "NODE_OPTIONS": "--require %s" % user_preload})
        cls.results = rc.child_results(cls.rec)

    @classmethod
    def tearDownClass(cls):
        cls.origins.stop()

    def ctx(self):
        return e2e.describe_run(self.rec)

    def result(self, name):
        self.assertEqual(self.rec.returncode, 0, "the node client failed" + self.ctx())
        self.assertIsNotNone(self.results, "the node client printed no results" + self.ctx())
        return self.results[name]

    def har_entry(self, method, url):
        self.assertIsNotNone(self.entries, "no HAR written" + self.ctx())
        found = rc.entry(self.entries, method, url)
        self.assertIsNotNone(found, "no single HAR entry for %s %s; recorded: %r%s"
                             % (method, url, rc.recorded(self.entries), self.ctx()))
        return found

    def test_the_client_got_every_answer_through_the_proxy(self):
        hello = {"fetchGetPlain": "/hello?client=fetch-get", "fetchGetTls": "/hello?client=fetch-get",
                 "httpGet": "/hello?client=http-get", "httpsGet": "/hello?client=https-get"}
        for name, target in hello.items():
            self.assertEqual(self.result(name), {"status": 200, "body": "hello " + target}, name)
        post = json.loads(self.result("fetchPostTls")["body"])
        self.assertEqual((post["method"], post["body"]), ("POST", '{"hello":"fetch"}'))
        streamed_post = json.loads(self.result("fetchPostStreamPlain")["body"])
        self.assertEqual((streamed_post["body"], streamed_post["chunked"]), ("one,two,three", True),
                         "a ReadableStream body goes out chunked, whole")
        parts_post = json.loads(self.result("httpsPost")["body"])
        self.assertEqual((parts_post["body"], parts_post["chunked"]), ("alpha,beta,gamma", True))
        for name, key in (("fetchStreamTls", "fetch-tls"), ("httpStream", "http-plain"), ("httpsStream", "https-tls")):
            self.assertEqual(self.result(name), {"status": 200, "body": "part-1 %s" % key + "part-2 %s" % key,
                                                 "ack": "acked " + key},
                             "%s: the first part must arrive before the response ends" % name)

    def test_every_request_is_recorded_and_nothing_else(self):
        self.assertEqual(self.rec.returncode, 0, self.ctx())
        expected = [
            ("GET", self.plain + "/hello?client=fetch-get"), ("GET", self.tls + "/hello?client=fetch-get"),
            ("POST", self.tls + "/echo?client=fetch-post"), ("POST", self.plain + "/echo?client=fetch-post-stream"),
            ("GET", self.tls + "/stream?run=fetch-tls"), ("GET", self.tls + "/ack?run=fetch-tls"),
            ("GET", self.plain + "/hello?client=http-get"), ("GET", self.tls + "/hello?client=https-get"),
            ("POST", self.tls + "/echo?client=https-post"),
            ("GET", self.plain + "/stream?run=http-plain"), ("GET", self.plain + "/ack?run=http-plain"),
            ("GET", self.tls + "/stream?run=https-tls"), ("GET", self.tls + "/ack?run=https-tls"),
        ]
        self.assertIsNotNone(self.entries, "no HAR written" + self.ctx())
        self.assertEqual(rc.recorded(self.entries), sorted(expected), self.ctx())

    def test_the_har_holds_the_bodies_both_ways(self):
        post = self.har_entry("POST", self.tls + "/echo?client=fetch-post")
        self.assertEqual(post["request"]["postData"]["text"], '{"hello":"fetch"}')
        self.assertEqual(json.loads(post["response"]["content"]["text"])["body"], '{"hello":"fetch"}')
        streamed = self.har_entry("POST", self.plain + "/echo?client=fetch-post-stream")
        self.assertEqual(streamed["request"]["postData"]["text"], "one,two,three")
        parts = self.har_entry("POST", self.tls + "/echo?client=https-post")
        self.assertEqual(parts["request"]["postData"]["text"], "alpha,beta,gamma")
        for base, key in ((self.tls, "fetch-tls"), (self.plain, "http-plain"), (self.tls, "https-tls")):
            stream = self.har_entry("GET", base + "/stream?run=" + key)
            self.assertEqual(stream["response"]["content"]["text"], "part-1 %spart-2 %s" % (key, key))
        https_get = self.har_entry("GET", self.tls + "/hello?client=https-get")
        self.assertEqual(https_get["response"]["content"]["text"], "hello /hello?client=https-get")

    def test_no_proxy_hosts_go_direct(self):
        for name, target in (("bypassFetch", "/hello?client=fetch-bypass"), ("bypassHttp", "/hello?client=http-bypass")):
            self.assertEqual(self.result(name), {"status": 200, "body": "hello " + target}, name)
            self.assertIn(target, [r.target for r in self.origins.plain.requests], "the origin got " + name)
        self.assertEqual([u for _, u in rc.recorded(self.entries) if "localhost" in u], [],
                         "NO_PROXY=localhost: nothing to localhost is recorded" + self.ctx())

    def test_the_users_node_options_are_kept(self):
        self.assertIs(self.result("userPreload"), True,
                      "the --require from the user's NODE_OPTIONS still runs" + self.ctx())


if __name__ == "__main__":
    e2e.main()
