"""Shared helpers for flowscope's end-to-end tests.

Every test script is run as `python3 test_x.py --flowscope /path/to/flowscope`. The helpers here
start the real flowscope binary on 127.0.0.1 port 0 (reading the port from its first stdout line,
never sleeping), start origin servers on 127.0.0.1 port 0 in threads, make a throwaway TLS
certificate with the openssl CLI, and drive the real curl binary.

Only loopback addresses are used. Timeouts here are hang guards, never assertions about speed.
"""

import argparse
import atexit
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Generous hang guards (seconds). No test asserts that anything is fast.
HANG_GUARD = 60
STARTUP_GUARD = 30

_PROXY_ENV_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")

_tempdirs = []


def _cleanup_tempdirs():
    for d in _tempdirs:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup_tempdirs)


def make_tempdir(prefix="flowscope-e2e-"):
    d = tempfile.mkdtemp(prefix=prefix)
    _tempdirs.append(d)
    return d


def clean_env(extra=None):
    """The environment for child processes: no proxy variables, so only explicit options count."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_ENV_VARS}
    if extra:
        env.update(extra)
    return env


def scrub_proxy_env():
    """Remove proxy variables from this process too (urllib honours no_proxy even with ProxyHandler)."""
    for k in list(os.environ):
        if k.lower() in _PROXY_ENV_VARS:
            del os.environ[k]


# --------------------------------------------------------------------------------------------
# Command line

FLOWSCOPE = None


def main():
    """Parse --flowscope, then hand the rest of argv to unittest.main (verbosity 2 prints each check)."""
    global FLOWSCOPE
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--flowscope", default=os.environ.get("FLOWSCOPE_BIN"))
    args, rest = parser.parse_known_args(sys.argv[1:])
    if not args.flowscope:
        print("usage: %s --flowscope /path/to/flowscope [unittest args]" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    FLOWSCOPE = os.path.abspath(args.flowscope)
    print("flowscope binary: %s" % FLOWSCOPE, flush=True)
    scrub_proxy_env()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


# --------------------------------------------------------------------------------------------
# The flowscope process

def _listen_re(listen):
    """The exact first stdout line for `--listen listen` (HOST:PORT), with the port the OS picked."""
    host = listen.rsplit(":", 1)[0]
    return re.compile(r"^flowscope: listening on %s:(\d+)$" % re.escape(host))


class FlowscopeError(RuntimeError):
    pass


class Flowscope:
    """One `flowscope run --listen 127.0.0.1:0 ...` process (another address with listen=, another
    subcommand that prints the same listening line, such as serve, with command=).

    stdout and stderr are drained by threads so the proxy never blocks on a full pipe. The first
    stdout line must be exactly `flowscope: listening on 127.0.0.1:PORT` (the listen host).
    Clients reach it at 127.0.0.1 (self.url) whatever it listens on.
    """

    def __init__(self, *options, binary=None, listen="127.0.0.1:0", command="run"):
        self.binary = binary or FLOWSCOPE
        self.home = make_tempdir("flowscope-home-")
        self.listen = listen
        self.argv = [self.binary, command, "--listen", listen] + [str(o) for o in options]
        self.port = None
        self.first_line = None
        self._lines = []
        self._stderr = bytearray()
        self._cond = threading.Condition()
        self._stdout_eof = False
        self.proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=clean_env({"FLOWSCOPE_HOME": self.home, "HOME": self.home}),
        )
        self._t_out = threading.Thread(target=self._read_stdout, daemon=True)
        self._t_err = threading.Thread(target=self._read_stderr, daemon=True)
        self._t_out.start()
        self._t_err.start()
        with self._cond:
            self._cond.wait_for(lambda: self._lines or self._stdout_eof, timeout=STARTUP_GUARD)
            first = self._lines[0] if self._lines else None
        if first is None:
            self.kill()
            raise FlowscopeError("flowscope printed no listening line (hang guard %ss or exit)\n%s"
                                 % (STARTUP_GUARD, self.diag()))
        self.first_line = first
        m = _listen_re(listen).match(first)
        if not m:
            self.kill()
            raise FlowscopeError("flowscope's first stdout line is %r, expected exactly "
                                 "'flowscope: listening on %s:PORT'\n%s"
                                 % (first, listen.rsplit(":", 1)[0], self.diag()))
        self.port = int(m.group(1))
        self.url = "http://127.0.0.1:%d" % self.port

    def _read_stdout(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._cond:
                self._lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self._stdout_eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        while True:
            chunk = self.proc.stderr.read1(65536) if hasattr(self.proc.stderr, "read1") else self.proc.stderr.read(4096)
            if not chunk:
                break
            with self._cond:
                self._stderr += chunk

    @property
    def stdout_lines(self):
        with self._cond:
            return list(self._lines)

    @property
    def stderr(self):
        with self._cond:
            return self._stderr.decode("utf-8", "replace")

    def wait_for_stdout(self, predicate, timeout=HANG_GUARD):
        """Wait (hang guard only) until some stdout line after the first satisfies predicate."""
        with self._cond:
            return self._cond.wait_for(
                lambda: any(predicate(l) for l in self._lines[1:]) or self._stdout_eof, timeout=timeout
            ) and any(predicate(l) for l in self._lines[1:])

    def diag(self):
        rc = self.proc.poll()
        err = self.stderr
        if len(err) > 6000:
            err = "...\n" + err[-6000:]
        out = self.stdout_lines
        if len(out) > 40:
            out = out[:1] + ["..."] + out[-39:]
        return ("--- flowscope: %s\n--- exit code: %s\n--- stdout:\n%s\n--- stderr:\n%s\n---"
                % (" ".join(self.argv), "running" if rc is None else rc, "\n".join(out), err))

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=HANG_GUARD):
        """Send sig and return the exit code (None if it did not exit within the hang guard)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._join()
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=HANG_GUARD)
        except subprocess.TimeoutExpired:
            pass
        self._join()

    def _join(self):
        self._t_out.join(timeout=5)
        self._t_err.join(timeout=5)
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except Exception:
                pass


# --------------------------------------------------------------------------------------------
# HTTP origin (http.server based), optionally over TLS


class RecordedRequest:
    def __init__(self, method, target, version, headers, body, chunked, client_address, conn_id):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # list of (name, value), order and duplicates kept
        self.body = body
        self.chunked = chunked
        self.client_address = client_address
        self.conn_id = conn_id

    @property
    def path(self):
        return self.target.split("?", 1)[0]

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_names(self):
        return [k.lower() for k, _ in self.headers]

    def __repr__(self):
        return "RecordedRequest(%s %s %s headers=%r body=%d bytes chunked=%s conn=%s)" % (
            self.method, self.target, self.version, self.headers, len(self.body), self.chunked,
            self.conn_id)


def read_chunked(rfile):
    body = bytearray()
    while True:
        line = rfile.readline(65537)
        if not line:
            raise ValueError("EOF in chunked body")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while True:  # trailers
                t = rfile.readline(65537)
                if t in (b"\r\n", b"\n", b""):
                    return bytes(body)
        data = rfile.read(size)
        if len(data) != size:
            raise ValueError("EOF in chunk")
        body += data
        rfile.readline(3)


class OriginHandler(BaseHTTPRequestHandler):
    """Records every request, then runs the route for its path (default: a short text answer).

    A route is `fn(handler, request)`; it writes the whole response, e.g. with handler.reply().
    """

    protocol_version = "HTTP/1.1"
    timeout = HANG_GUARD
    server_version = "e2e-origin"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.conn_id = self.server.register_connection(self.client_address)

    def _dispatch(self):
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        try:
            if chunked:
                body = read_chunked(self.rfile)
            else:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                if len(body) != n:
                    raise ValueError("EOF in body")
        except (ValueError, OSError):
            # The proxy gave up on this request mid-body (e.g. a malformed chunk); nothing to answer.
            self.close_connection = True
            return
        req = RecordedRequest(self.command, self.path, self.request_version, list(self.headers.items()),
                              body, chunked, self.client_address, self.conn_id)
        self.server.record(req)
        route = self.server.routes.get(req.path)
        if route is None:
            route = self.server.routes.get("*", default_route)
        route(self, req)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_OPTIONS = do_PATCH = _dispatch

    def reply(self, status=200, body=b"", content_type="text/plain", headers=(), send_length=True):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in headers:
            self.send_header(k, v)
        if send_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def reply_json(self, obj, status=200):
        self.reply(status, json.dumps(obj).encode(), "application/json")

    def reply_chunked(self, chunks, content_type="application/octet-stream"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for c in chunks:
            if c:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
        self.wfile.write(b"0\r\n\r\n")


def default_route(handler, req):
    handler.reply(200, b"origin says hi: " + req.target.encode())


def echo_sha_route(handler, req):
    """Answers JSON with the sha256 and length of the request body as the origin received it."""
    handler.reply_json({
        "sha256": hashlib.sha256(req.body).hexdigest(),
        "length": len(req.body),
        "chunked": req.chunked,
        "method": req.method,
    })


class _OriginServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, routes, ssl_context):
        self.routes = routes
        self.ssl_context = ssl_context
        self.requests = []
        self.connections = []  # client addresses, one per accepted TCP connection
        self._lock = threading.Lock()
        self._open = set()
        super().__init__(("127.0.0.1", 0), OriginHandler)

    def handle_error(self, request, client_address):
        pass  # a proxy dropping a connection mid-request is expected in some tests

    def register_connection(self, addr):
        with self._lock:
            self.connections.append(addr)
            return len(self.connections)

    def record(self, req):
        with self._lock:
            self.requests.append(req)

    def process_request(self, request, client_address):
        with self._lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread, so one stuck client
        # cannot block the accept loop.
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        try:
            request.settimeout(HANG_GUARD)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            with self._lock:
                self._open.add(tls)
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def shutdown_request(self, request):
        with self._lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_all(self):
        with self._lock:
            socks = list(self._open)
            self._open.clear()
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass


class HTTPOrigin:
    """An HTTP/1.1 origin on 127.0.0.1:0 in a thread. Pass ssl_context to serve HTTPS."""

    def __init__(self, routes=None, ssl_context=None):
        self.server = _OriginServer(dict(routes or {}), ssl_context)
        self.port = self.server.server_address[1]
        self.scheme = "https" if ssl_context else "http"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def url(self, path="/", host="127.0.0.1"):
        return "%s://%s:%d%s" % (self.scheme, host, self.port, path)

    @property
    def hostport(self):
        return "127.0.0.1:%d" % self.port

    @property
    def requests(self):
        with self.server._lock:
            return list(self.server.requests)

    @property
    def connection_count(self):
        with self.server._lock:
            return len(self.server.connections)

    def stop(self):
        self.server.shutdown()
        self.server.close_all()
        self.server.server_close()
        self._thread.join(timeout=10)


# --------------------------------------------------------------------------------------------
# Raw socket origin, for misbehaving servers


class RawOrigin:
    """Accepts on 127.0.0.1:0 and runs on_connection(sock, origin) in a thread per connection.

    origin.stopping is an Event set by stop(); handlers that hold a connection open wait on it.
    """

    def __init__(self, on_connection):
        self.on_connection = on_connection
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.connections = 0
        self.heads = []  # request heads read with read_head()
        self._socks = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def url(self, path="/"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    @property
    def hostport(self):
        return "127.0.0.1:%d" % self.port

    def _accept_loop(self):
        while not self.stopping.is_set():
            try:
                r, _, _ = select.select([self.listener], [], [], 0.05)
                if not r:
                    continue
                s, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self._socks.append(s)
            threading.Thread(target=self._run, args=(s,), daemon=True).start()

    def _run(self, s):
        s.settimeout(HANG_GUARD)
        try:
            self.on_connection(s, self)
        except OSError:
            pass
        finally:
            try:
                s.close()
            except OSError:
                pass

    def read_head(self, s):
        """Read one request head (through the blank line) and remember it."""
        buf = bytearray()
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head = bytes(buf)
        with self.lock:
            self.heads.append(head)
        return head

    def stop(self):
        self.stopping.set()
        self._thread.join(timeout=10)
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.close()
            except OSError:
                pass


def closed_port():
    """A loopback port that nothing listens on (bound, then closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class BlackholeListener:
    """A loopback listener whose accept queue is full, so further SYNs are dropped and a connect()
    to it stays pending. Used to provoke a connect timeout without leaving loopback."""

    def __init__(self, fillers=8):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers = []
        for _ in range(fillers):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", self.port))
            self.fillers.append(c)

    def close(self):
        for c in self.fillers:
            c.close()
        self.listener.close()


# --------------------------------------------------------------------------------------------
# TLS material

_tls_lock = threading.Lock()
_tls_material = None

# fake.test is in the SAN so a chained-proxy test can use a name that only the upstream proxy
# resolves (through --resolve).
CERT_SAN = "subjectAltName=DNS:localhost,DNS:fake.test,IP:127.0.0.1"


def tls_material():
    """(cert_path, key_path) of a self-signed EC P-256 certificate for localhost and 127.0.0.1,
    made once per test process with the openssl CLI into a temp dir."""
    global _tls_material
    with _tls_lock:
        if _tls_material is None:
            d = make_tempdir("flowscope-e2e-tls-")
            cert = os.path.join(d, "cert.pem")
            key = os.path.join(d, "key.pem")
            cmd = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                   "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", CERT_SAN,
                   "-keyout", key, "-out", cert]
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=HANG_GUARD)
            if p.returncode != 0:
                raise RuntimeError("openssl req failed: %s" % p.stdout.decode(errors="replace"))
            _tls_material = (cert, key)
        return _tls_material


def server_ssl_context():
    cert, key = tls_material()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def client_ssl_context():
    cert, _ = tls_material()
    return ssl.create_default_context(cafile=cert)


def cert_der():
    cert, _ = tls_material()
    with open(cert) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


# --------------------------------------------------------------------------------------------
# Payloads

_payload_cache = {}


def payload(size, seed=1234):
    """Deterministic pseudo-random bytes."""
    key = (size, seed)
    if key not in _payload_cache:
        _payload_cache[key] = random.Random(seed).randbytes(size)
    return _payload_cache[key]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# curl


class CurlResult:
    def __init__(self, argv, proc, body, header_blocks):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr.decode("utf-8", "replace")
        self.body = body
        self.header_blocks = header_blocks  # [(status_line, [(k, v)...]), ...] every response seen
        try:
            self.info = json.loads(proc.stdout.decode("utf-8", "replace") or "{}")
        except ValueError:
            self.info = {}
        self.status = int(self.info.get("http_code") or 0)
        self.http_connect = int(self.info.get("http_connect") or 0)
        self.num_connects = self.info.get("num_connects")

    @property
    def headers(self):
        """Headers of the last response."""
        return self.header_blocks[-1][1] if self.header_blocks else []

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def describe(self):
        blocks = "\n".join("  %s %r" % (s, h) for s, h in self.header_blocks)
        body = self.body[:400]
        return ("curl %s\n  exit=%s http_code=%s http_connect=%s\n  responses:\n%s\n  body[:400]=%r\n"
                "  stderr:\n%s" % (" ".join(self.argv[1:]), self.returncode, self.status,
                                   self.http_connect, blocks, body, self.stderr[-3000:]))


def parse_header_blocks(raw):
    blocks = []
    for part in re.split(rb"\r?\n\r?\n", raw):
        lines = [l for l in re.split(rb"\r?\n", part) if l]
        if not lines or not lines[0].startswith(b"HTTP/"):
            continue
        hdrs = []
        for l in lines[1:]:
            if b":" in l:
                k, v = l.split(b":", 1)
                hdrs.append((k.decode("latin-1").strip(), v.decode("latin-1").strip()))
        blocks.append((lines[0].decode("latin-1"), hdrs))
    return blocks


def run_curl_raw(args, timeout=HANG_GUARD + 30):
    """Run curl with the given arguments (plus -q -sS and a --max-time hang guard)."""
    argv = ["curl", "-q", "-sS", "--max-time", str(HANG_GUARD)] + list(args)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(),
                          timeout=timeout, stdin=subprocess.DEVNULL)


def curl(*args, proxy=None, timeout=HANG_GUARD + 30):
    """Run curl for one URL; returns a CurlResult with status, headers, body and %{json} info."""
    d = make_tempdir("flowscope-curl-")
    try:
        hfile = os.path.join(d, "headers")
        bfile = os.path.join(d, "body")
        argv = ["curl", "-q", "-sS", "--max-time", str(HANG_GUARD), "-D", hfile, "-o", bfile,
                "-w", "%{json}"]
        if proxy is not None:
            argv += ["-x", proxy]
        argv += list(args)
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env(),
                              timeout=timeout, stdin=subprocess.DEVNULL)
        body = b""
        if os.path.exists(bfile):
            with open(bfile, "rb") as f:
                body = f.read()
        raw = b""
        if os.path.exists(hfile):
            with open(hfile, "rb") as f:
                raw = f.read()
        return CurlResult(argv, proc, body, parse_header_blocks(raw))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def write_temp_file(data, name="data.bin"):
    d = make_tempdir("flowscope-data-")
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# --------------------------------------------------------------------------------------------
# Raw client side


class RawResponse:
    def __init__(self, raw_head, body, closed, error=None):
        self.raw_head = raw_head
        self.body = body
        self.closed = closed
        self.error = error
        self.status_line = ""
        self.status = 0
        self.headers = []
        if raw_head:
            lines = raw_head.decode("latin-1").split("\r\n")
            self.status_line = lines[0]
            parts = self.status_line.split(" ", 2)
            if len(parts) >= 2 and parts[1].isdigit():
                self.status = int(parts[1])
            for l in lines[1:]:
                if ":" in l:
                    k, v = l.split(":", 1)
                    self.headers.append((k.strip(), v.strip()))

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def describe(self):
        return "status_line=%r headers=%r body[:300]=%r closed=%s error=%r" % (
            self.status_line, self.headers, self.body[:300], self.closed, self.error)


def _recv(sock, n=65536):
    try:
        return sock.recv(n), None
    except ConnectionResetError as e:
        return b"", e


def read_response(sock, no_body=False):
    """Read one HTTP/1.x response from sock. A connection reset ends reading (what arrived is kept).

    The body is framed by Content-Length, chunked encoding, or the connection closing.
    """
    buf = bytearray()
    error = None
    while b"\r\n\r\n" not in buf:
        chunk, error = _recv(sock)
        if not chunk:
            return RawResponse(bytes(buf), b"", True, error)
        buf += chunk
    head, rest = bytes(buf).split(b"\r\n\r\n", 1)
    resp = RawResponse(head, b"", False)
    if no_body or resp.status in (204, 304) or 100 <= resp.status < 200:
        resp.body = rest
        return resp
    te = (resp.header("Transfer-Encoding") or "").lower()
    cl = resp.header("Content-Length")
    body = bytearray(rest)
    if "chunked" in te:
        while True:
            try:
                resp.body = _decode_chunked_complete(bytes(body))
                return resp
            except _Incomplete:
                pass
            chunk, error = _recv(sock)
            if not chunk:
                resp.body, resp.closed, resp.error = bytes(body), True, error
                return resp
            body += chunk
    if cl is not None and cl.strip().isdigit():
        n = int(cl)
        while len(body) < n:
            chunk, error = _recv(sock)
            if not chunk:
                resp.closed, resp.error = True, error
                break
            body += chunk
        resp.body = bytes(body[:n])
        return resp
    while True:
        chunk, error = _recv(sock)
        if not chunk:
            break
        body += chunk
    resp.body, resp.closed, resp.error = bytes(body), True, error
    return resp


class _Incomplete(Exception):
    pass


def _decode_chunked_complete(data):
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            raise _Incomplete()
        size = int(data[pos:eol].split(b";", 1)[0].strip() or b"0", 16)
        pos = eol + 2
        if size == 0:
            if data.find(b"\r\n\r\n", pos - 2) < 0:
                raise _Incomplete()
            return bytes(out)
        if len(data) < pos + size + 2:
            raise _Incomplete()
        out += data[pos:pos + size]
        pos += size + 2


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=HANG_GUARD)
    s.settimeout(HANG_GUARD)
    return s


def send_all_background(sock, data):
    """sendall in a thread, so a peer that answers and closes early cannot deadlock us."""
    result = {}

    def run():
        try:
            sock.sendall(data)
            result["ok"] = True
        except OSError as e:
            result["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, result


def raw_exchange(port, data, no_body=False):
    """Open a connection to the proxy, send data, read one response, close."""
    s = connect(port)
    try:
        t, _ = send_all_background(s, data)
        resp = read_response(s, no_body=no_body)
        t.join(timeout=HANG_GUARD)
        return resp
    finally:
        s.close()


def wait_closed(sock, timeout=HANG_GUARD):
    """Read until the peer closes; returns (closed, bytes_read). Hang guard only."""
    sock.settimeout(timeout)
    got = bytearray()
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True, bytes(got)
            got += chunk
    except ConnectionResetError:
        return True, bytes(got)
    except socket.timeout:
        return False, bytes(got)


def rst_close(sock):
    """Close with SO_LINGER 0, so the peer sees a TCP reset."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


# --------------------------------------------------------------------------------------------
# Test case base


class E2ETestCase(unittest.TestCase):
    """Tracks proxies and origins started by a test and stops them all in tearDown."""

    def setUp(self):
        self._proxies = []
        self._origins = []

    def tearDown(self):
        for p in self._proxies:
            p.kill()
        for o in self._origins:
            try:
                o.stop()
            except Exception:
                pass

    # Extra options for every proxy a test class starts; blind-tunnel tests set
    # ("--no-intercept",) so that clients see the origin's own certificate.
    proxy_defaults = ()

    def start_proxy(self, *options, listen="127.0.0.1:0", command="run"):
        try:
            p = Flowscope(*self.proxy_defaults, *options, listen=listen, command=command)
        except FlowscopeError as e:
            self.fail(str(e))
        self._proxies.append(p)
        return p

    def start_origin(self, routes=None, tls=False):
        o = HTTPOrigin(routes, server_ssl_context() if tls else None)
        self._origins.append(o)
        return o

    def start_raw_origin(self, on_connection):
        o = RawOrigin(on_connection)
        self._origins.append(o)
        return o

    def track(self, closable):
        """Stop/close something in tearDown (anything with stop() or close())."""
        self._origins.append(closable if hasattr(closable, "stop") else _Closer(closable))
        return closable

    def diag(self, *things):
        parts = []
        for t in things:
            if hasattr(t, "describe"):
                parts.append(t.describe())
            elif t is not None:
                parts.append(str(t))
        for p in self._proxies:
            parts.append(p.diag())
        return "\n" + "\n".join(parts)

    def assertTextPlainError(self, status, content_type, body, expected_status, *ctx):
        self.assertEqual(status, expected_status, "expected HTTP %d, got %s%s"
                         % (expected_status, status, self.diag(*ctx)))
        self.assertIsNotNone(content_type, "error answer %d has no Content-Type%s"
                             % (expected_status, self.diag(*ctx)))
        self.assertTrue(content_type.lower().startswith("text/plain"),
                        "error answer %d has Content-Type %r, expected text/plain%s"
                        % (expected_status, content_type, self.diag(*ctx)))
        self.assertTrue(body and body.strip(), "error answer %d has an empty body%s"
                        % (expected_status, self.diag(*ctx)))

    def assertCurlError(self, result, expected_status):
        self.assertTextPlainError(result.status, result.header("Content-Type"), result.body,
                                  expected_status, result)

    def assertRawError(self, resp, expected_status):
        self.assertTextPlainError(resp.status, resp.header("Content-Type"), resp.body, expected_status,
                                  resp)

    def assertCurlOK(self, result, body=None, status=200):
        self.assertEqual(result.returncode, 0, "curl failed%s" % self.diag(result))
        self.assertEqual(result.status, status, "unexpected status%s" % self.diag(result))
        if body is not None:
            if len(body) > 1000:
                self.assertEqual(len(result.body), len(body), "body length differs%s" % self.diag(result))
                self.assertEqual(sha256(result.body), sha256(body), "body sha256 differs%s"
                                 % self.diag(result))
            else:
                self.assertEqual(result.body, body, "body differs%s" % self.diag(result))


class _Closer:
    def __init__(self, obj):
        self.obj = obj

    def stop(self):
        self.obj.close()


# --------------------------------------------------------------------------------------------
# TLS interception helpers: a throwaway PKI, origin contexts, certificate inspection


def run_openssl(args, input=None):
    """Run the openssl CLI; returns stdout as text, raises RuntimeError (with output) on failure."""
    p = subprocess.run(["openssl"] + list(args), input=input, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=HANG_GUARD)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed (exit %d):\n%s%s" % (
            " ".join(args), p.returncode, p.stdout.decode(errors="replace"),
            p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8", "replace")


class Pki:
    """A private CA made with the openssl CLI in a temp dir, and certificates it signs.

    Keys are EC P-256. `issue(..., days=-1)` gives a certificate whose notAfter is before its
    notBefore (now), i.e. already expired, which is how an expired certificate is made with
    OpenSSL 3.0 (no -not_after there).
    """

    def __init__(self, cn="flowscope e2e test CA"):
        self.dir = make_tempdir("flowscope-e2e-pki-")
        self.ca_cert = os.path.join(self.dir, "ca.pem")
        self.ca_key = os.path.join(self.dir, "ca.key")
        run_openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-days", "2", "-subj", "/CN=" + cn,
                     "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-keyout", self.ca_key, "-out", self.ca_cert])

    def _new_key_and_csr(self, name, cn):
        key = os.path.join(self.dir, name + ".key")
        csr = os.path.join(self.dir, name + ".csr")
        run_openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-subj", "/CN=" + cn, "-keyout", key, "-out", csr])
        return key, csr

    def issue(self, name, cn, san=None, days=2, eku="serverAuth"):
        """A certificate signed by this CA; san like 'DNS:localhost,IP:127.0.0.1'. -> (cert, key)"""
        key, csr = self._new_key_and_csr(name, cn)
        ext = os.path.join(self.dir, name + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n")
            f.write("extendedKeyUsage=%s\n" % eku)
            if san:
                f.write("subjectAltName=%s\n" % san)
        cert = os.path.join(self.dir, name + ".pem")
        run_openssl(["x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key,
                     "-set_serial", "0x" + os.urandom(16).hex(), "-days", str(days),
                     "-extfile", ext, "-out", cert])
        return cert, key

    def bundle(self, name, cert, key):
        """cert and key concatenated into one PEM file (what --client-cert takes)."""
        path = os.path.join(self.dir, name + ".bundle.pem")
        with open(path, "w") as out:
            for p in (cert, key):
                with open(p) as f:
                    out.write(f.read())
        return path


def tls_server_context_for(cert, key, client_ca=None):
    """A server SSLContext for an origin. Records the SNI each client sent in ctx.sni_seen (None
    when the client sent none). With client_ca, the origin requires a client certificate."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_seen = []

    def on_sni(sock, name, _ctx):
        ctx.sni_seen.append(name)
        return None

    ctx.sni_callback = on_sni
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    return ctx


def split_pem_certs(text):
    """Every PEM certificate block in text, in order."""
    return re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", text, re.S)


def x509_fields(pem_text, *fields):
    """`openssl x509 -noout FIELDS` on a PEM certificate given as text; returns stdout."""
    return run_openssl(["x509", "-noout"] + list(fields), input=pem_text.encode())


def x509_san(pem_text):
    """The subjectAltName entries of a PEM certificate, e.g. ['DNS:localhost', 'IP Address:127.0.0.1']."""
    out = x509_fields(pem_text, "-ext", "subjectAltName")
    lines = [l.strip() for l in out.splitlines()[1:] if l.strip()]
    return [e.strip() for l in lines for e in l.split(",") if e.strip()]


def s_client_via_proxy(proxy_port, connect, servername=None, extra=()):
    """openssl s_client through the proxy's CONNECT (-proxy), with -showcerts and stdin closed.

    servername None sends the CONNECT host as SNI (s_client's default); "" sends no SNI.
    Returns the CompletedProcess (text).
    """
    argv = ["openssl", "s_client", "-proxy", "127.0.0.1:%d" % proxy_port, "-connect", connect,
            "-showcerts"]
    if servername == "":
        argv.append("-noservername")
    elif servername is not None:
        argv += ["-servername", servername]
    argv += list(extra)
    return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=HANG_GUARD + 30, env=clean_env())


_CURL_ISSUER_RE = re.compile(r"^\*\s+issuer:\s*(.*)$", re.M)


def curl_issuer(result):
    """The server certificate issuer that `curl -v` printed (None if it printed none)."""
    m = _CURL_ISSUER_RE.search(result.stderr)
    return m.group(1).strip() if m else None


def wait_for_stdout_count(proxy, predicate, count, timeout=HANG_GUARD):
    """Wait (hang guard only) until at least count stdout lines after the first satisfy predicate;
    returns the matching lines (fewer than count if the guard ran out or stdout ended)."""
    def matching():
        return [l for l in proxy._lines[1:] if predicate(l)]

    with proxy._cond:
        proxy._cond.wait_for(lambda: len(matching()) >= count or proxy._stdout_eof, timeout=timeout)
        return matching()


# --------------------------------------------------------------------------------------------
# HAR and JSON Lines helpers (flowscope record / export / import), and the Node tools in this
# directory (package.json: har-validator, playwright-core; ws, http-proxy-agent and
# https-proxy-agent for test_websocket.py).

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
NODE_MODULES = os.path.join(E2E_DIR, "node_modules")
_NODE_PACKAGES = ("har-validator", "playwright-core", "ws", "http-proxy-agent", "https-proxy-agent")
_npm_lock = threading.Lock()
_npm_ready = None  # None: not checked yet; True; or a string saying why the packages are missing


def _node_packages_present():
    return all(os.path.isfile(os.path.join(NODE_MODULES, p, "package.json")) for p in _NODE_PACKAGES)


def ensure_node_modules():
    """Make sure tests/e2e/node_modules holds the packages of package-lock.json.

    scripts/test runs `npm ci --prefix tests/e2e` first; a test script run on its own installs them
    once here (an exclusive file lock keeps two test scripts started together from running npm ci
    into the same directory at once). Returns None when ready, else a message saying what failed.
    """
    global _npm_ready
    with _npm_lock:
        if _npm_ready is not None:
            return None if _npm_ready is True else _npm_ready
        if _node_packages_present():
            _npm_ready = True
            return None
        if not shutil.which("node") or not shutil.which("npm"):
            _npm_ready = "node and npm are needed (Debian: apt-get install nodejs npm)"
            return _npm_ready
        import fcntl
        lock_path = os.path.join(tempfile.gettempdir(),
                                 "flowscope-e2e-npm-%s.lock" % hashlib.sha256(E2E_DIR.encode()).hexdigest()[:12])
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not _node_packages_present():
                    print("e2e: %s is missing; running `npm ci` in %s once (scripts/test does this "
                          "with `npm ci --prefix tests/e2e`)" % (NODE_MODULES, E2E_DIR), file=sys.stderr, flush=True)
                    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=E2E_DIR,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       timeout=600)
                    if p.returncode != 0 or not _node_packages_present():
                        _npm_ready = ("`npm ci` in %s failed (exit %d); the tests need the packages of its "
                                      "package-lock.json:\n%s" % (E2E_DIR, p.returncode,
                                                                  p.stdout.decode(errors="replace")[-4000:]))
                        return _npm_ready
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        _npm_ready = True
        return None


def validate_har_schema(*paths):
    """Run `node har_validate.js PATHS` (har-validator, HAR 1.2 JSON schema).

    Returns (ok, output): output holds the validator's errors (JSON path, message, value)."""
    problem = ensure_node_modules()
    if problem:
        return False, problem
    p = subprocess.run(["node", os.path.join(E2E_DIR, "har_validate.js")] + [str(x) for x in paths],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=HANG_GUARD, env=clean_env())
    return p.returncode == 0, p.stdout.decode("utf-8", "replace")


def run_flowscope(*args, env=None, timeout=HANG_GUARD * 2, binary=None):
    """Run `flowscope ARGS` to completion (hang guard only); returns the CompletedProcess, text mode.

    env: extra variables over clean_env(); FLOWSCOPE_HOME/HOME point to a fresh temp dir unless
    given, so a run never touches the user's ~/.flowscope."""
    home = make_tempdir("flowscope-home-")
    full_env = clean_env({"FLOWSCOPE_HOME": home, "HOME": home})
    if env:
        full_env.update(env)
    argv = [binary or FLOWSCOPE] + [str(a) for a in args]
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=full_env, timeout=timeout, text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        raise FlowscopeError("flowscope %s did not finish within the %ss hang guard\nstdout: %s\nstderr: %s"
                             % (" ".join(argv[1:]), timeout, e.stdout, e.stderr))


def describe_run(p):
    """A CompletedProcess as text for assertion messages."""
    out = p.stdout if isinstance(p.stdout, str) else (p.stdout or b"").decode(errors="replace")
    err = p.stderr if isinstance(p.stderr, str) else (p.stderr or b"").decode(errors="replace")
    argv = " ".join(str(a) for a in p.args)
    if len(argv) > 1500:
        argv = argv[:1500] + " …"
    return "\n--- %s\n--- exit code: %s\n--- stdout:\n%s\n--- stderr:\n%s\n---" % (
        argv, p.returncode, out[-6000:], err[-6000:])


def load_har(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_jsonl(path):
    """The lines of a JSON Lines store: [(line_number, text, parsed or None, error or None)]."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    for n, raw in enumerate(data.split(b"\n"), 1):
        if not raw:
            continue
        text = raw.decode("utf-8", "replace")
        try:
            out.append((n, text, json.loads(text), None))
        except ValueError as e:
            out.append((n, text, None, str(e)))
    return out


def store_body_bytes(body):
    """The bytes of a store body object {size, truncated, encoding, data}."""
    if body is None:
        return None
    data = body.get("data") or ""
    if (body.get("encoding") or "").lower() == "base64":
        import base64
        return base64.b64decode(data)
    return data.encode("utf-8")


def har_text_bytes(obj, encoding_keys=("encoding",)):
    """The bytes of a HAR postData/content object's text (base64 when an encoding key says so)."""
    if obj is None or "text" not in obj:
        return None
    for key in encoding_keys:
        if (obj.get(key) or "").lower() == "base64":
            import base64
            return base64.b64decode(obj["text"])
    return obj["text"].encode("utf-8")


def json_diff(a, b, path="", limit=200):
    """Every difference between two JSON values, as 'path: a != b' lines (at most limit)."""
    diffs = []

    def short(v):
        s = json.dumps(v, ensure_ascii=False)
        return s if len(s) <= 200 else s[:200] + "…"

    def walk(x, y, p):
        if len(diffs) >= limit:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in x:
                if k not in y:
                    diffs.append("%s.%s: lost (was %s)" % (p, k, short(x[k])))
                else:
                    walk(x[k], y[k], "%s.%s" % (p, k))
            for k in y:
                if k not in x:
                    diffs.append("%s.%s: added %s" % (p, k, short(y[k])))
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                diffs.append("%s: %d items != %d items (%s != %s)" % (p, len(x), len(y), short(x), short(y)))
            for i, (xi, yi) in enumerate(zip(x, y)):
                walk(xi, yi, "%s[%d]" % (p, i))
        elif type(x) is not type(y) and not (isinstance(x, (int, float)) and isinstance(y, (int, float))
                                             and not isinstance(x, bool) and not isinstance(y, bool)):
            diffs.append("%s: %s (%s) != %s (%s)" % (p, short(x), type(x).__name__, short(y), type(y).__name__))
        elif x != y:
            diffs.append("%s: %s != %s" % (p, short(x), short(y)))

    walk(a, b, path)
    return diffs


_HAR_DATE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def har_spec_problems(har):
    """HAR 1.2 rules that har-validator's schema does not enforce (its timings use "min", which JSON
    Schema ignores): send/wait/receive >= 0, other phases >= -1, time >= 0 and equal to the sum of
    the phases that happened (ssl is inside connect), connect >= ssl, integer sizes, ISO 8601 dates.
    Returns a list of 'log.entries[i].field: problem' strings."""
    problems = []
    log = har.get("log", {})
    for i, e in enumerate(log.get("entries", [])):
        where = "log.entries[%d]" % i
        t = e.get("timings", {})
        for k in ("send", "wait", "receive"):
            v = t.get(k)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                problems.append("%s.timings.%s = %r: HAR 1.2 requires a number >= 0" % (where, k, v))
        for k in ("blocked", "dns", "connect", "ssl"):
            if k in t:
                v = t[k]
                if not isinstance(v, (int, float)) or isinstance(v, bool) or (v < 0 and v != -1):
                    problems.append("%s.timings.%s = %r: must be -1 or a number >= 0" % (where, k, v))
        ssl_ms, connect_ms = t.get("ssl", -1), t.get("connect", -1)
        if isinstance(ssl_ms, (int, float)) and ssl_ms >= 0 and not (isinstance(connect_ms, (int, float))
                                                                     and connect_ms >= ssl_ms - 0.0011):
            problems.append("%s.timings: connect %r < ssl %r (HAR: connect includes ssl)" % (where, connect_ms, ssl_ms))
        time_ms = e.get("time")
        if not isinstance(time_ms, (int, float)) or isinstance(time_ms, bool) or time_ms < 0:
            problems.append("%s.time = %r: must be a number >= 0" % (where, time_ms))
        elif "_tunnel" not in e:
            total = sum(v for k, v in t.items() if k in ("blocked", "dns", "connect", "send", "wait", "receive")
                        and isinstance(v, (int, float)) and v > 0)
            if abs(total - time_ms) > 0.002 + 1e-9 * total:
                problems.append("%s.time = %r is not the sum of its timings (%r)" % (where, time_ms, total))
        if not _HAR_DATE_RE.match(str(e.get("startedDateTime", ""))):
            problems.append("%s.startedDateTime = %r is not ISO 8601" % (where, e.get("startedDateTime")))
        for side in ("request", "response"):
            msg = e.get(side, {})
            for k in ("headersSize", "bodySize"):
                v = msg.get(k)
                if not isinstance(v, int) or isinstance(v, bool) or v < -1:
                    problems.append("%s.%s.%s = %r: must be an integer >= -1" % (where, side, k, v))
        content = e.get("response", {}).get("content", {})
        if not isinstance(content.get("size"), int) or content.get("size") < 0:
            problems.append("%s.response.content.size = %r: must be an integer >= 0" % (where, content.get("size")))
    return problems
