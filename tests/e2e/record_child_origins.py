"""The loopback origins that the `flowscope record` client tests (test_record_node.py,
test_record_java.py) send their requests to, and one helper to run record around a client.

Routes (the same on the plain and the TLS origin):
  /hello?...   200 text "hello <target>"
  /echo?...    200 JSON {method, body, length, chunked}: what the origin received
  /stream?run=K  a chunked response: "part-1 K", then it waits until /ack?run=K has been
               requested, then "part-2 K". A client (or proxy) that waits for the whole body
               before handing the first part on never asks for /ack; after the hang guard the
               origin then sends "part-2 never acked", which the tests see as a wrong body.
  /ack?run=K   200 text "acked K"

The TLS origin's certificate comes from a private test CA (for localhost and 127.0.0.1), which
flowscope is told to trust with --upstream-ca; the clients trust flowscope's CA through what
record sets for them.
"""

import json
import os
import threading
import urllib.parse

import e2e_support as e2e

RECORD_GUARD = e2e.HANG_GUARD * 4  # one whole record run; a hang guard, not a speed claim


def _query(req):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.target).query))


class ChildOrigins:
    """A plain and a TLS origin with the routes above, started together and stopped together."""

    def __init__(self):
        self._acks = {}
        self._lock = threading.Lock()
        routes = {"/hello": self._hello, "/echo": self._echo, "/stream": self._stream, "/ack": self._ack}
        self.pki = e2e.Pki("flowscope record clients e2e CA")
        cert, key = self.pki.issue("origin", "localhost", san="DNS:localhost,IP:127.0.0.1")
        self.plain = e2e.HTTPOrigin(routes)
        self.tls = e2e.HTTPOrigin(routes, e2e.tls_server_context_for(cert, key))

    def stop(self):
        for origin in (self.plain, self.tls):
            origin.stop()

    def _ack_event(self, key):
        with self._lock:
            return self._acks.setdefault(key, threading.Event())

    def _hello(self, h, req):
        h.reply(200, "hello " + req.target, "text/plain")

    def _echo(self, h, req):
        h.reply_json({"method": req.method, "body": req.body.decode("utf-8", "replace"), "length": len(req.body),
                      "chunked": req.chunked})

    def _stream(self, h, req):
        key = _query(req).get("run", "")
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        first = b"part-1 " + key.encode()
        h.wfile.write(b"%x\r\n%s\r\n" % (len(first), first))
        acked = self._ack_event(key).wait(e2e.HANG_GUARD)
        second = b"part-2 " + (key.encode() if acked else b"never acked")
        h.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(second), second))

    def _ack(self, h, req):
        key = _query(req).get("run", "")
        self._ack_event(key).set()
        h.reply(200, "acked " + key, "text/plain")


def record(tmp, origins, *child_argv, env=None):
    """`flowscope record -o tmp/x.har --upstream-ca <test CA> -- CHILD...` with a fresh home.

    Returns (CompletedProcess, HAR entries or None)."""
    har = os.path.join(tmp, "record-%d.har" % len(os.listdir(tmp)))
    home = e2e.make_tempdir("flowscope-e2e-record-home-")
    p = e2e.run_flowscope("record", "--home", home, "-o", har, "--upstream-ca", origins.pki.ca_cert, "--",
                          *child_argv, env=env, timeout=RECORD_GUARD)
    entries = None
    if os.path.exists(har):
        entries = e2e.load_har(har)["log"]["entries"]
    return p, entries


def child_results(p):
    """The JSON object the child printed as its last stdout line, or None."""
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if not lines:
        return None
    try:
        return json.loads(lines[-1])
    except ValueError:
        return None


def recorded(entries):
    """(method, url) of every HAR entry that is an HTTP exchange (tunnels left out)."""
    return sorted((e["request"]["method"], e["request"]["url"]) for e in entries
                  if not e["request"]["url"].startswith("tunnel://"))


def entry(entries, method, url):
    found = [e for e in entries if e["request"]["method"] == method and e["request"]["url"] == url]
    return found[0] if len(found) == 1 else None
