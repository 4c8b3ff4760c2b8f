#!/usr/bin/env python3
"""`flowscope record -- java …`: the JVM's HTTP clients are recorded.

record sets JAVA_TOOL_OPTIONS: the http(s).proxyHost/proxyPort properties, an empty
http.nonProxyHosts (Java's default, localhost|127.*|[::1], would send loopback traffic past the
proxy, and the JDK adds those patterns to any value that is not empty, so NO_PROXY is not
translated: Java never reads it), and a PKCS#12 trust store with the system roots plus
flowscope's CA.
One record run of RecordJavaClient.java (a single-file program) sends, to a plain and a TLS
loopback origin (record_child_origins.py), GETs and a POST with HttpURLConnection/
HttpsURLConnection and with java.net.http.HttpClient. The run also sets NO_PROXY=localhost (which
Java ignores, so a request to localhost is recorded too) and a JAVA_TOOL_OPTIONS property of the
user's own.

Needs a JDK 17 (`java File.java`): Debian's openjdk-17-jdk-headless, which scripts/deps installs.
Without one the tests fail and say so.

Run: python3 test_record_java.py --flowscope /path/to/flowscope [unittest args]
"""

import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e_support as e2e  # noqa: E402
import record_child_origins as rc  # noqa: E402

CLIENT = os.path.join(e2e.E2E_DIR, "RecordJavaClient.java")
# Where Debian's openjdk-17-jdk-headless puts java; PATH's java is the fallback.
DEBIAN_JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"


def find_java():
    if os.access(DEBIAN_JAVA, os.X_OK):
        return DEBIAN_JAVA
    return shutil.which("java")


class RecordJavaTest(e2e.E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.java = find_java()
        if cls.java is None:
            return
        cls.origins = rc.ChildOrigins()
        cls.tmp = e2e.make_tempdir("flowscope-e2e-record-java-")
        cls.plain = cls.origins.plain.url("").rstrip("/")
        cls.tls = cls.origins.tls.url("").rstrip("/")
        cls.localhost = cls.origins.plain.url("", host="localhost").rstrip("/")
        cls.rec, cls.entries = rc.record(cls.tmp, cls.origins, cls.java, CLIENT, cls.plain, cls.tls, cls.localhost,
                                         env={"NO_PROXY": "localhost",
                                              "JAVA_TOOL_OPTIONS": "-Dflowscope.e2e.user=kept"})
        cls.results = {}
        for line in cls.rec.stdout.splitlines():
            parts = line.split("\t", 2)
            if len(parts) == 3:
                cls.results[parts[0]] = (int(parts[1]), parts[2])

    @classmethod
    def tearDownClass(cls):
        if cls.java is not None:
            cls.origins.stop()

    def setUp(self):
        super().setUp()
        self.assertIsNotNone(self.java, "no java: install openjdk-17-jdk-headless (scripts/deps lists it)")

    def ctx(self):
        return e2e.describe_run(self.rec)

    def result(self, name):
        self.assertEqual(self.rec.returncode, 0, "the Java client failed" + self.ctx())
        self.assertIn(name, self.results, self.ctx())
        return self.results[name]

    def test_the_client_got_every_answer(self):
        for name, target in (("urlconnection-plain", "/hello?client=urlconnection"),
                             ("urlconnection-tls", "/hello?client=urlconnection"),
                             ("httpclient-plain", "/hello?client=httpclient"),
                             ("httpclient-tls", "/hello?client=httpclient")):
            self.assertEqual(self.result(name), (200, "hello " + target), name)
        for name, body in (("urlconnection-tls-post", "posted by HttpsURLConnection"),
                           ("httpclient-tls-post", "posted by HttpClient")):
            status, text = self.result(name)
            self.assertEqual((status, json.loads(text)["body"]), (200, body), name)

    def test_every_request_is_recorded_and_nothing_else(self):
        self.assertEqual(self.rec.returncode, 0, self.ctx())
        expected = [
            ("GET", self.plain + "/hello?client=urlconnection"), ("GET", self.tls + "/hello?client=urlconnection"),
            ("POST", self.tls + "/echo?client=urlconnection-post"),
            ("GET", self.plain + "/hello?client=httpclient"), ("GET", self.tls + "/hello?client=httpclient"),
            ("POST", self.tls + "/echo?client=httpclient-post"),
            ("GET", self.localhost + "/hello?client=urlconnection-localhost"),
        ]
        self.assertIsNotNone(self.entries, "no HAR written" + self.ctx())
        self.assertEqual(rc.recorded(self.entries), sorted(expected), self.ctx())
        for url, body in ((self.tls + "/echo?client=urlconnection-post", "posted by HttpsURLConnection"),
                          (self.tls + "/echo?client=httpclient-post", "posted by HttpClient")):
            self.assertEqual(rc.entry(self.entries, "POST", url)["request"]["postData"]["text"], body)
        tls_get = rc.entry(self.entries, "GET", self.tls + "/hello?client=httpclient")
        self.assertEqual(tls_get["response"]["content"]["text"], "hello /hello?client=httpclient")

    def test_localhost_is_recorded_even_when_no_proxy_names_it(self):
        self.assertEqual(self.result("urlconnection-localhost"), (200, "hello /hello?client=urlconnection-localhost"))
        self.assertIsNotNone(rc.entry(self.entries, "GET", self.localhost + "/hello?client=urlconnection-localhost"),
                             "Java ignores NO_PROXY and record clears http.nonProxyHosts" + self.ctx())

    def test_the_users_java_tool_options_are_kept(self):
        self.assertEqual(self.result("user-property"), (0, "kept"), self.ctx())


if __name__ == "__main__":
    e2e.main()
