#!/usr/bin/env python3
"""flowscope benchmarks: direct vs flowscope vs mitmdump, side by side in one run, as ratios.

Usually started by scripts/bench, which installs nginx-light and mitmproxy and builds Release.
Everything runs on 127.0.0.1: a throwaway nginx (HTTP and HTTPS) is the origin, loadgen
(tests/bench/loadgen) is the client (for the ws scenario: wsload from the same directory is
both the wss:// echo origin and the client), and each proxy is started fresh for every measurement so
that its peak RSS (VmHWM) belongs to that measurement alone. Every process started here is
stopped on exit, on errors and on Ctrl-C.

The full run writes docs/benchmarks.md and docs/benchmarks.json. --quick (the CI smoke test) and
--only write to BUILD/bench/ unless --out-dir says otherwise. Exit status: 0 when every
measurement ran, 1 when any failed to run (targets missed do not fail the run), 2 for setup errors.
"""
import argparse
import collections
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = ["keepalive", "newconn", "mint", "bulk", "ws", "idle", "threads", "micro"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30

# Sizes and durations. mitmdump gets smaller counts: it is ~100× slower and buffers whole bodies.
FULL = dict(duration=5.0, mitm_duration=5.0, conc=(10, 100), newconn_conc=10, mint_hosts=1000, mint_hosts_mitm=200,
            download=GiB, upload=256 * MiB, mitm_body=32 * MiB, idle=10000, idle_mitm=1000,
            profile_s=4.0, micro_min_time=0.5, ws_duration=10.0, ws_inflight=(1, 4, 16), ws_size=64 * KiB)
QUICK = dict(duration=1.0, mitm_duration=3.0, conc=(10, 100), newconn_conc=10, mint_hosts=50, mint_hosts_mitm=20,
             download=32 * MiB, upload=16 * MiB, mitm_body=8 * MiB, idle=200, idle_mitm=20,
             profile_s=1.0, micro_min_time=0.02, ws_duration=1.0, ws_inflight=(4,), ws_size=64 * KiB)

LABEL = {
    "direct": "direct (no proxy)",
    "fs-plain": "flowscope, plain HTTP proxy",
    "fs-tunnel": "flowscope, blind tunnel (--no-intercept)",
    "fs-intercept": "flowscope, intercepting",
    "mitmdump": "mitmdump (intercepting)",
}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def fmt_size(n):
    return f"{n // GiB} GiB" if n >= GiB and n % GiB == 0 else f"{n // MiB} MiB" if n >= MiB else f"{n // KiB} KiB"


# ---------------------------------------------------------------------------------------------
# Processes: every child is in its own session, registered here, and stopped by its id.

class Procs:
    def __init__(self):
        self.live = []

    def start(self, args, log_path, **kw):
        out = open(log_path, "ab")
        p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True, **kw)
        out.close()
        self.live.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=10.0):
        if p is None:
            return None
        if p.poll() is None:
            try:
                p.send_signal(sig)
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                # Its session holds only what it started (nginx workers); the group id is its pid.
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        if p in self.live:
            self.live.remove(p)
        return p.returncode

    def stop_all(self):
        for p in list(reversed(self.live)):
            self.stop(p, timeout=5.0)


PROCS = Procs()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def proc_status(pid):
    """VmRSS, VmHWM, RssAnon, RssFile in KiB from /proc/PID/status."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def proc_cpu_s(pids):
    """utime + stime of the processes (all their threads), seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def ctx_switches(pid):
    """Voluntary + involuntary context switches summed over the process's threads."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches:" in line:  # voluntary_ and nonvoluntary_
                        total += int(line.split()[1])
    except OSError:
        pass
    return total


def children_of(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def system_busy_s():
    """CPU seconds spent in user, nice and system mode by the whole machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2]) / CLK_TCK


def busy_cores(window=0.5):
    b0, t0 = system_busy_s(), time.monotonic()
    time.sleep(window)
    return (system_busy_s() - b0) / (time.monotonic() - t0)


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_text(args, timeout=30):
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unavailable ({e})"


# ---------------------------------------------------------------------------------------------
# The origin: nginx, HTTP and HTTPS on free ports, config and files in a temp dir.

class Origin:
    def __init__(self, work, sizes):
        self.dir = os.path.join(work, "nginx")
        self.www = os.path.join(self.dir, "www")
        os.makedirs(self.www)
        # PUT bodies land in tmpfs, so an upload measures the network path, not the disk.
        shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else work
        self.upload_root = tempfile.mkdtemp(prefix="flowscope-bench-up.", dir=shm)
        os.makedirs(os.path.join(self.upload_root, "upload"))
        for d in (work, self.dir, self.www):
            os.chmod(d, 0o755)
        os.chmod(self.upload_root, 0o777)
        os.chmod(os.path.join(self.upload_root, "upload"), 0o777)
        with open(os.path.join(self.www, "1k.bin"), "wb") as f:
            f.write(os.urandom(1024))
        self.files = {"1k": "/1k.bin"}
        for size in sorted(set(sizes)):
            name = f"/body-{size}.bin"
            with open(self.www + name, "wb") as f:
                f.truncate(size)  # sparse: the page cache serves zeros, the disk is not the test
            self.files[size] = name
        for name in os.listdir(self.www):
            os.chmod(os.path.join(self.www, name), 0o644)
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                            "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:*.bench.test",
                            "-keyout", self.key, "-out", self.cert], capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError("openssl req failed: " + r.stderr)
        os.chmod(self.key, 0o644)
        self.http_port, self.https_port = free_port(), free_port()
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        conf = f"""
worker_processes 2;
worker_rlimit_nofile {nofile};
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
daemon off;
events {{ worker_connections {max(1024, nofile - 100)}; }}
http {{
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 10000000; keepalive_timeout 600s;
  client_body_temp_path {self.upload_root}/tmp; proxy_temp_path {self.dir}/t2;
  fastcgi_temp_path {self.dir}/t3; uwsgi_temp_path {self.dir}/t4; scgi_temp_path {self.dir}/t5;
  server {{
    listen 127.0.0.1:{self.http_port}; listen 127.0.0.1:{self.https_port} ssl;
    server_name _;
    ssl_certificate {self.cert}; ssl_certificate_key {self.key};
    root {self.www};
    # `return 2xx` would answer before the body is read and loadgen would stop sending: WebDAV
    # PUT reads the whole body (into tmpfs) before it answers 201/204.
    location /upload/ {{
      root {self.upload_root}; dav_methods PUT; client_max_body_size 0;
      client_body_buffer_size 1m;
    }}
  }}
}}
"""
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = PROCS.start(["nginx", "-e", os.path.join(self.dir, "error.log"), "-c", self.conf],
                                os.path.join(self.dir, "stdout.log"))
        if not (wait_port(self.http_port, 10, self.proc) and wait_port(self.https_port, 10, self.proc)):
            raise BenchError("nginx did not start: " + open(os.path.join(self.dir, "error.log")).read()[-2000:])
        self.workers = children_of(self.proc.pid)
        # Fault the sparse files into the page cache before anything is timed.
        for size in sizes:
            with open(self.www + self.files[size], "rb") as f:
                while f.read(8 * MiB):
                    pass

    def url(self, scheme, path, host="127.0.0.1"):
        port = self.http_port if scheme == "http" else self.https_port
        return f"{scheme}://{host}:{port}{path}"

    def pids(self):
        return [self.proc.pid] + self.workers

    def close(self):
        PROCS.stop(self.proc, signal.SIGTERM)
        shutil.rmtree(self.upload_root, ignore_errors=True)


class WsOrigin:
    """The WebSocket echo origin: `wsload server` (tests/bench/loadgen/wsload.cpp) on a free
    127.0.0.1 port, wss:// with nginx's certificate, one thread per connection."""

    def __init__(self, env):
        path = env.log_path("wsload-server")
        self.proc = PROCS.start([env.args.wsload, "server", "--cert", env.origin.cert, "--key", env.origin.key], path)
        deadline = time.monotonic() + 10
        self.port = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            m = re.search(r"listening (\d+)", open(path, errors="replace").read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.02)
        if self.port is None:
            PROCS.stop(self.proc)
            raise BenchError("wsload server did not start: " + open(path, errors="replace").read()[-1500:])

    def url(self):
        return f"wss://127.0.0.1:{self.port}/echo"

    def pids(self):
        return [self.proc.pid]

    def close(self):
        PROCS.stop(self.proc)


# ---------------------------------------------------------------------------------------------
# Contenders.

class Proxy:
    """A running proxy: its process, port, and how a client must trust it."""

    def __init__(self, kind, proc, port, cacert):
        self.kind, self.proc, self.port, self.cacert = kind, proc, port, cacert

    @property
    def pid(self):
        return self.proc.pid


class Env:
    def __init__(self, args, cfg, work):
        self.args, self.cfg, self.work = args, cfg, work
        self.fs_home = os.path.join(work, "flowscope-home")
        self.mitm_conf = os.path.join(work, "mitmproxy-conf")
        self.mitm_addon = os.path.join(work, "mitm_resolve.py")
        with open(self.mitm_addon, "w") as f:
            # mitmdump has no --resolve: this addon is its equivalent for the *.bench.test names.
            f.write("class Resolve:\n"
                    "    def server_connect(self, data):\n"
                    "        host, port = data.server.address\n"
                    "        if host.endswith('.bench.test'):\n"
                    "            data.server.address = ('127.0.0.1', port)\n"
                    "addons = [Resolve()]\n")
        self.origin = None
        self.ws_origin = None
        self.logs = os.path.join(work, "logs")
        os.makedirs(self.logs)
        self.counter = 0

    def log_path(self, name):
        self.counter += 1
        return os.path.join(self.logs, f"{self.counter:03d}-{name}.log")

    def start_proxy(self, kind, threads=None, resolve=()):
        if kind == "direct":
            return None
        if kind == "mitmdump":
            return self._start_mitmdump()
        args = [self.args.flowscope, "run", "--listen", "127.0.0.1:0", "-q", "--home", self.fs_home,
                "--upstream-ca", self.origin.cert]
        if kind == "fs-tunnel":
            args.append("--no-intercept")
        if threads:
            args += ["--threads", str(threads)]
        for r in resolve:
            args += ["--resolve", r]
        path = self.log_path(kind)
        p = PROCS.start(args, path)
        deadline = time.monotonic() + 15
        port = None
        while time.monotonic() < deadline and p.poll() is None:
            with open(path, errors="replace") as f:
                m = re.search(r"listening on 127\.0\.0\.1:(\d+)", f.read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.02)
        if port is None:
            PROCS.stop(p)
            raise BenchError(f"flowscope did not start ({' '.join(args[:12])} ...): " + open(path).read()[-1500:])
        cacert = self.origin.cert
        if kind != "fs-tunnel":
            cacert = os.path.join(self.fs_home, "ca-cert.pem")
            while not os.path.exists(cacert) and time.monotonic() < deadline:
                time.sleep(0.02)
        return Proxy(kind, p, port, cacert)

    def _start_mitmdump(self):
        port = free_port()
        args = ["mitmdump", "-q", "--listen-host", "127.0.0.1", "--listen-port", str(port),
                "--set", "ssl_insecure=true", "--set", f"confdir={self.mitm_conf}", "-s", self.mitm_addon]
        p = PROCS.start(args, self.log_path("mitmdump"))
        if not wait_port(port, 30, p):
            PROCS.stop(p)
            raise BenchError("mitmdump did not start")
        cacert = os.path.join(self.mitm_conf, "mitmproxy-ca-cert.pem")
        deadline = time.monotonic() + 10
        while not os.path.exists(cacert) and time.monotonic() < deadline:
            time.sleep(0.05)
        return Proxy("mitmdump", p, port, cacert)

    def client_tls(self, proxy, scheme):
        if scheme != "https":
            return []
        return ["--cacert", proxy.cacert if proxy else self.origin.cert]


# ---------------------------------------------------------------------------------------------
# One measurement ("cell"): a fresh proxy, one loadgen run, the proxy's CPU and peak RSS.

def settle(env):
    """Wait (bounded) until the machine is quiet: other work on 2 cores skews every figure."""
    limit = env.args.settle
    if limit <= 0:
        return None
    deadline = time.monotonic() + limit
    load = busy_cores(0.3)
    while load > 0.3 and time.monotonic() < deadline:
        load = busy_cores(0.5)
    return round(load, 2)


def run_loadgen(env, lg_args, timeout, name):
    out_json = os.path.join(env.work, "loadgen.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    cmd = [env.args.loadgen] + lg_args + ["--json", out_json]
    log_file = env.log_path(name)
    try:
        with open(log_file, "wb") as out:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return cmd, None, f"loadgen did not finish within {timeout:.0f} s"
    report = None
    if os.path.exists(out_json):
        with open(out_json) as f:
            report = json.load(f)
    if rc == 2 or report is None:
        return cmd, report, f"loadgen exit {rc}: " + open(log_file, errors="replace").read()[-600:]
    return cmd, report, None


def run_wsload(env, ws_args, timeout, name):
    out_json = os.path.join(env.work, "wsload.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    cmd = [env.args.wsload, "client"] + ws_args + ["--json", out_json]
    log_file = env.log_path(name)
    try:
        with open(log_file, "wb") as out:
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return cmd, None, f"wsload did not finish within {timeout:.0f} s"
    report = None
    if os.path.exists(out_json):
        with open(out_json) as f:
            report = json.load(f)
    if rc == 2 or report is None:
        return cmd, report, f"wsload exit {rc}: " + open(log_file, errors="replace").read()[-600:]
    return cmd, report, None


SYSCALLS = ("read", "write", "readv", "writev", "recvfrom", "sendto", "sendmsg", "epoll_wait", "epoll_ctl",
            "connect", "accept4", "close")


def read_perf_stat(path):
    counts = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) >= 3 and parts[0].replace(".", "").isdigit():
                    name = parts[2].split(":")[-1].replace("sys_enter_", "")
                    name = "all syscalls" if name == "sys_enter" else name
                    counts[name] = int(float(parts[0]))
    except OSError:
        pass
    return counts


def measure(env, spec, perf_out=None):
    """spec: scenario, case, kind, scheme, metric ('req/s' or 'MB/s'), lg (loadgen args without
    --proxy/--cacert), url, timeout, and optionally threads, resolve, requests (for per-request CPU)."""
    rec = {k: spec[k] for k in ("scenario", "case", "kind", "scheme", "metric")}
    rec.update(contender=LABEL[spec["kind"]], threads=spec.get("threads"), status="ok", error=None)
    rec["background_cores_before"] = settle(env)
    proxy = None
    perf = perf_stat = None
    try:
        proxy = env.start_proxy(spec["kind"], spec.get("threads"), spec.get("resolve", ()))
        ws = spec.get("client") == "wsload"
        lg = list(spec["lg"])
        if proxy:
            lg += ["--proxy", f"127.0.0.1:{proxy.port}"]
        lg += env.client_tls(proxy, spec["scheme"]) + spec.get("urls", [spec.get("url")])
        lg = [a for a in lg if a is not None]
        origin_pids = env.ws_origin.pids() if ws else env.origin.pids()
        pids = ([proxy.pid] if proxy else []) + origin_pids
        if proxy:
            st = proc_status(proxy.pid)
            rec["proxy_rss_start_kib"] = st.get("VmRSS")
        if perf_out:
            perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", perf_out, "-p", str(proxy.pid),
                                     "--", "sleep", str(env.cfg["profile_s"])],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            PROCS.live.append(perf)
            # Syscalls over the whole loadgen run, so that they divide by the requests completed.
            events = ",".join(["raw_syscalls:sys_enter", "context-switches"]
                              + [f"syscalls:sys_enter_{n}" for n in SYSCALLS])
            perf_stat = subprocess.Popen(["perf", "stat", "-x", ",", "-e", events, "-o", perf_out + ".stat",
                                          "-p", str(proxy.pid)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            PROCS.live.append(perf_stat)
            time.sleep(0.2)  # attached before the first request
        cpu_ours0 = proc_cpu_s(pids) + children_cpu_s()
        proxy_cpu0 = proc_cpu_s([proxy.pid]) if proxy else 0.0
        ctx0 = ctx_switches(proxy.pid) if proxy else 0
        busy0, t0 = system_busy_s(), time.monotonic()
        client_run = run_wsload if ws else run_loadgen
        cmd, report, err = client_run(env, lg, spec["timeout"], f"{'wsload' if ws else 'loadgen'}-{spec['scenario']}-{spec['kind']}")
        wall = time.monotonic() - t0
        busy = system_busy_s() - busy0
        if perf_stat is not None:
            PROCS.stop(perf_stat, signal.SIGINT)
            counts = read_perf_stat(perf_out + ".stat")
            if ws and report and report.get("echoed_messages") and counts:
                rec["syscalls_per"] = f"message echoed ({fmt_size(report['message_size'])} each way)"
                done = report["echoed_messages"]
                rec["syscalls"] = {k: round(v / done, 2) for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v}
            elif report and report.get("completed") and counts:
                tp = report["throughput"]
                unit, done = (("request", report["completed"]) if spec["metric"] == "req/s" else
                              ("MB", (tp["response_body_bytes"] + tp["request_body_bytes"]) / 1e6))
                rec["syscalls_per"] = unit
                rec["syscalls"] = {k: round(v / done, 2) for k, v in sorted(counts.items(), key=lambda kv: -kv[1]) if v}
        ours = proc_cpu_s(pids) + children_cpu_s() - cpu_ours0
        rec["loadgen_cmd"] = " ".join(shlex.quote(os.path.relpath(a, ROOT) if a in (env.args.loadgen, env.args.wsload)
                                                  else a) for a in cmd[:-2])
        rec["background_cores"] = round(max(0.0, busy - ours) / wall, 2)
        rec["all_cpu_s"] = round(ours, 3)
        if proxy:
            proxy_cpu = proc_cpu_s([proxy.pid]) - proxy_cpu0
            st = proc_status(proxy.pid)
            rec["proxy_ctx_switches"] = ctx_switches(proxy.pid) - ctx0
            rec.update(proxy_cpu_s=round(proxy_cpu, 3), proxy_peak_rss_kib=st.get("VmHWM"),
                       proxy_rss_end_kib=st.get("VmRSS"), proxy_threads=st.get("Threads"))
            if proxy.proc.poll() is not None:
                err = err or f"the proxy exited during the run (status {proxy.proc.returncode})"
        if report and ws:
            rec.update(inflight=report["inflight"], connections=report["connections"],
                       message_size=report["message_size"], elapsed_s=round(report["elapsed_s"], 3),
                       setup_s=round(report["setup_s"], 3), completed=report["echoed_messages"],
                       sent_messages=report["sent_messages"], messages_per_s=round(report["messages_per_s"], 1),
                       up_mib_per_s=round(report["up_mib_per_s"], 1), down_mib_per_s=round(report["down_mib_per_s"], 1),
                       body_bytes=report["sent_bytes"] + report["echoed_bytes"],
                       latency_p50_ms=round(report["rtt_ms"]["p50"], 2), latency_p99_ms=round(report["rtt_ms"]["p99"], 2))
            # The ratio is over echoed payload: a message counts once it has come back.
            rec["value"] = rec["down_mib_per_s"]
            if report.get("error"):
                err = err or f"wsload: {report['error']}"
            elif not report["echoed_messages"]:
                err = err or "no message was echoed"
            elif report.get("bad_lengths"):
                err = err or f"{report['bad_lengths']} echoed message(s) had the wrong length"
            n = report["echoed_messages"]
            if n:
                rec["all_cpu_us_per_msg"] = round(1e6 * ours / n, 1)
                if proxy:
                    rec["proxy_cpu_us_per_msg"] = round(1e6 * rec["proxy_cpu_s"] / n, 1)
                    rec["proxy_ctx_switches_per_msg"] = round(rec["proxy_ctx_switches"] / n, 2)
                    rec["proxy_cpu_ms_per_mb"] = round(1e3 * rec["proxy_cpu_s"] / (rec["body_bytes"] / 1e6), 3)
        elif report:
            tp = report["throughput"]
            completed, errors = report["completed"], report["errors"]["total"]
            rec.update(completed=completed, errors=errors, elapsed_s=round(report["elapsed_s"], 3),
                       requests_per_s=round(report["requests_per_s"], 1), mb_per_s=round(tp["mb_per_s"], 1),
                       body_bytes=tp["response_body_bytes"] + tp["request_body_bytes"],
                       latency_p50_ms=report["latency_ms"]["p50"], latency_p99_ms=report["latency_ms"]["p99"],
                       status_2xx=report["status"]["2xx"])
            rec["value"] = rec["requests_per_s"] if spec["metric"] == "req/s" else rec["mb_per_s"]
            if errors:
                ex = report["errors"].get("examples")
                err = err or f"{errors} request(s) failed: {json.dumps(ex)[:300]}"
            elif completed == 0:
                err = err or "no request completed"
            elif report["status"]["2xx"] != completed:
                err = err or f"only {report['status']['2xx']} of {completed} responses were 2xx: {report['status']}"
            elif spec.get("expect_bytes") and rec["body_bytes"] < spec["expect_bytes"]:
                err = err or f"moved {rec['body_bytes']} body bytes, expected {spec['expect_bytes']}"
            if completed and spec["metric"] == "req/s":
                rec["all_cpu_us_per_req"] = round(1e6 * ours / completed, 1)
            if proxy and completed:
                rec["proxy_cpu_us_per_req"] = round(1e6 * rec["proxy_cpu_s"] / completed, 1)
                rec["proxy_ctx_switches_per_req"] = round(rec["proxy_ctx_switches"] / completed, 2)
                if rec["body_bytes"]:
                    rec["proxy_cpu_ms_per_mb"] = round(1e3 * rec["proxy_cpu_s"] / (rec["body_bytes"] / 1e6), 3)
        if err:
            rec.update(status="failed", error=err)
    except BenchError as e:
        rec.update(status="failed", error=str(e))
    finally:
        if perf is not None:
            try:
                perf.wait(env.cfg["profile_s"] + 30)
            except subprocess.TimeoutExpired:
                PROCS.stop(perf, signal.SIGINT)
            if perf in PROCS.live:
                PROCS.live.remove(perf)
        if proxy:
            PROCS.stop(proxy.proc)
    v = rec.get("value")
    log(f"{spec['scenario']:9} {spec['case']:42} {spec['kind']:12} "
        + (f"{v:>10.1f} {spec['metric']}" if v is not None else "          -")
        + (f"  peak {rec['proxy_peak_rss_kib'] / 1024:.1f} MiB" if rec.get("proxy_peak_rss_kib") else "")
        + (f"  bg {rec['background_cores']:.2f}" if "background_cores" in rec else "")
        + ("" if rec["status"] == "ok" else f"  FAILED: {rec['error']}"))
    return rec


# ---------------------------------------------------------------------------------------------
# Scenarios. Each returns a list of specs (run by measure) or records.

def timeout_for(duration):
    return duration + 60


def specs_keepalive(env):
    o, cfg, d = env.origin, env.cfg, env.cfg["duration"]
    specs = []
    for c in cfg["conc"]:
        for scheme, kinds in (("http", ("direct", "fs-plain", "mitmdump")),
                              ("https", ("direct", "fs-tunnel", "fs-intercept", "mitmdump"))):
            for kind in kinds:
                # mitmdump needs ~1 s for 100 handshakes: quick runs give it longer than 1 s.
                dd = cfg["mitm_duration"] if kind == "mitmdump" else d
                specs.append(dict(scenario="keepalive", case=f"{scheme} 1 KiB GET keep-alive, {c} conns",
                                  kind=kind, scheme=scheme, metric="req/s", lg=["-d", str(dd), "-c", str(c)],
                                  url=o.url(scheme, o.files["1k"]), timeout=timeout_for(dd)))
    return specs


def specs_newconn(env):
    o, cfg, d = env.origin, env.cfg, env.cfg["duration"]
    c = cfg["newconn_conc"]
    specs = []
    for kind in ("direct", "fs-tunnel", "fs-intercept", "mitmdump"):
        dd = cfg["mitm_duration"] if kind == "mitmdump" else d
        specs.append(dict(scenario="newconn", case=f"https 1 KiB GET, new TLS connection per request, {c} conns",
                          kind=kind, scheme="https", metric="req/s",
                          lg=["-d", str(dd), "-c", str(c), "--new-connection"],
                          url=o.url("https", o.files["1k"]), timeout=timeout_for(dd)))
    return specs


def specs_mint(env):
    o, cfg = env.origin, env.cfg
    specs = []
    for kind in ("direct", "fs-tunnel", "fs-intercept", "mitmdump"):
        n = cfg["mint_hosts_mitm"] if kind == "mitmdump" else cfg["mint_hosts"]
        lg = ["-n", str(n), "-c", "10", "--new-connection", "--host-count", str(n),
              "--host-pattern", "h{}.bench.test"]
        resolve = ()
        if kind == "direct":
            lg += ["--resolve-to", "127.0.0.1"]
        elif kind.startswith("fs-"):
            resolve = [f"h{i}.bench.test:{o.https_port}:127.0.0.1" for i in range(n)]
        specs.append(dict(scenario="mint", case=f"https first request to each of N distinct hostnames",
                          kind=kind, scheme="https", metric="req/s", lg=lg, resolve=resolve,
                          url=o.url("https", o.files["1k"], host="x.bench.test"), timeout=180, hosts=n))
    return specs


def specs_bulk(env):
    o, cfg = env.origin, env.cfg
    specs = []
    for direction in ("download", "upload"):
        for scheme, kinds in (("http", ("direct", "fs-plain", "mitmdump")),
                              ("https", ("direct", "fs-tunnel", "fs-intercept", "mitmdump"))):
            for kind in kinds:
                size = cfg["mitm_body"] if kind == "mitmdump" else cfg[direction]
                lg = ["-n", "1", "-c", "1", "--timeout-ms", "300000"]
                if direction == "download":
                    url = o.url(scheme, o.files[size])
                else:
                    lg += ["-m", "PUT", "--body-size", str(size)]
                    url = o.url(scheme, "/upload/body.bin")
                specs.append(dict(scenario="bulk", case=f"{scheme} {direction}, 1 conn",
                                  kind=kind, scheme=scheme, metric="MB/s", lg=lg, url=url, timeout=320,
                                  expect_bytes=size, size=size))
    return specs


def ws_case(k, size):
    return f"wss {fmt_size(size)} binary echo, {k} in flight"


def specs_ws(env):
    """wss:// echo of binary messages through CONNECT + interception; wsload keeps K in flight."""
    cfg, d = env.cfg, env.cfg["ws_duration"]
    specs = []
    for k in cfg["ws_inflight"]:
        for kind in ("direct", "fs-tunnel", "fs-intercept", "mitmdump"):
            specs.append(dict(scenario="ws", case=ws_case(k, cfg["ws_size"]), kind=kind, scheme="https",
                              metric="MiB/s", client="wsload", inflight=k,
                              lg=["-d", str(d), "-k", str(k), "-s", str(cfg["ws_size"])],
                              url=env.ws_origin.url(), timeout=timeout_for(d)))
    return specs


def specs_threads(env):
    o, d = env.origin, env.cfg["duration"]
    specs = []
    for scheme, kind in (("http", "fs-plain"), ("https", "fs-intercept")):
        for t in (1, 2):
            specs.append(dict(scenario="threads", case=f"{scheme} 1 KiB GET keep-alive, 100 conns",
                              kind=kind, scheme=scheme, metric="req/s", threads=t,
                              lg=["-d", str(d), "-c", "100"], url=o.url(scheme, o.files["1k"]),
                              timeout=timeout_for(d)))
    return specs


def run_idle(env):
    """N idle HTTPS connections held open through each proxy: RSS per connection."""
    o, cfg = env.origin, env.cfg
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    # An intercepted (or tunnelled) connection costs the proxy two descriptors: client and origin.
    fit = (nofile - 200) // 2
    recs = []
    for kind in ("fs-intercept", "fs-tunnel", "mitmdump"):
        want = cfg["idle_mitm"] if kind == "mitmdump" else cfg["idle"]
        n = min(want, fit)
        rec = dict(scenario="idle", case="idle HTTPS connections, one 1 KiB GET each, then held",
                   kind=kind, scheme="https", metric="KiB/conn", contender=LABEL[kind], status="ok",
                   error=None, connections=n, connections_wanted=want, nofile_limit=nofile)
        rec["background_cores_before"] = settle(env)
        proxy = client = None
        try:
            proxy = env.start_proxy(kind)
            target = f"127.0.0.1:{o.https_port}"
            base_cmd = [sys.executable, os.path.join(HERE, "bench_idle.py"), "--proxy", f"127.0.0.1:{proxy.port}",
                        "--target", target, "--cacert", proxy.cacert]
            # Warm up (CA load, leaf for 127.0.0.1, upstream TLS context) so the baseline has them.
            r = subprocess.run(base_cmd + ["--count", "4"], input="\n", capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                raise BenchError("warm-up connections failed: " + (r.stdout + r.stderr)[-800:])
            time.sleep(0.3)
            before = proc_status(proxy.pid)
            client = subprocess.Popen(base_cmd + ["--count", str(n)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      start_new_session=True)
            PROCS.live.append(client)
            t0 = time.monotonic()
            line = client.stdout.readline()
            if not line:
                raise BenchError("idle client failed: " + client.stderr.read()[-800:])
            ready = json.loads(line)
            time.sleep(1.0)  # let the proxy finish any per-connection work before sampling
            held = proc_status(proxy.pid)
            rec.update(setup_s=round(time.monotonic() - t0, 2), opened=ready["ok"], failed=ready["failed"],
                       client_errors=ready["errors"], proxy_rss_before_kib=before.get("VmRSS"),
                       proxy_rss_held_kib=held.get("VmRSS"), proxy_rss_anon_held_kib=held.get("RssAnon"),
                       proxy_peak_rss_kib=held.get("VmHWM"), connections_per_s=round(ready["ok"] / ready["elapsed_s"], 1))
            if ready["ok"]:
                rec["value"] = round((held["VmRSS"] - before["VmRSS"]) / ready["ok"], 2)
            if ready["failed"] or not ready["ok"]:
                rec.update(status="failed", error=f"{ready['failed']} of {n} connections failed: {ready['errors']}")
            client.stdin.write("\n")
            client.stdin.flush()
            client.wait(60)
        except (BenchError, subprocess.TimeoutExpired, ValueError, KeyError) as e:
            rec.update(status="failed", error=f"{type(e).__name__}: {e}")
        finally:
            if client is not None:
                PROCS.stop(client)
            if proxy:
                PROCS.stop(proxy.proc)
        log(f"idle      {n} conns {kind:12} "
            + (f"{rec['value']:.1f} KiB/conn (RSS {rec['proxy_rss_before_kib']} -> {rec['proxy_rss_held_kib']} KiB)"
               if rec.get("value") is not None else "-")
            + ("" if rec["status"] == "ok" else f"  FAILED: {rec['error']}"))
        recs.append(rec)
    return recs


def run_micro(env):
    exe = os.path.join(env.args.build_dir, "tests", "bench", "micro_bench")
    rec = dict(scenario="micro", case="leaf minting (micro_bench)", kind="micro", status="ok", error=None)
    if not os.path.exists(exe):
        rec.update(status="skipped", error=f"{os.path.relpath(exe, ROOT)} not built")
        log("micro: " + rec["error"])
        return [rec]
    out = os.path.join(env.work, "micro.json")
    cmd = [exe, "--benchmark_format=console", f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_min_time={env.cfg['micro_min_time']}"]
    if env.args.quick:
        cmd.append("--benchmark_filter=MintNewLeaf")
    rec["cmd"] = " ".join([os.path.relpath(exe, ROOT)] + cmd[1:2] + cmd[4:])
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise BenchError(f"micro_bench exit {r.returncode}: {(r.stdout + r.stderr)[-800:]}")
        with open(out) as f:
            data = json.load(f)
        rec["benchmarks"] = [dict(name=b["name"], real_time=round(b["real_time"], 3), cpu_time=round(b["cpu_time"], 3),
                                  unit=b.get("time_unit", "ns"), iterations=b["iterations"])
                             for b in data["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
        for b in rec["benchmarks"]:
            log(f"micro     {b['name']:40} {b['cpu_time']} {b['unit']} cpu")
    except (BenchError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
        rec.update(status="failed", error=str(e))
        log("micro FAILED: " + str(e))
    return [rec]


# ---------------------------------------------------------------------------------------------
# Ratios and targets.

def find(recs, scenario, case=None, kind=None, threads=None, case_has=None):
    for r in recs:
        if r["scenario"] != scenario or (kind and r["kind"] != kind):
            continue
        if case and r["case"] != case or case_has and case_has not in r["case"]:
            continue
        if threads is not None and r.get("threads") != threads:
            continue
        return r
    return None


def ok_value(r):
    return r.get("value") if r and r["status"] == "ok" else None


def add_ratios(recs):
    for r in recs:
        if r["scenario"] in ("keepalive", "newconn", "mint", "bulk", "ws") and r["kind"] != "direct":
            d = find(recs, r["scenario"], r["case"], "direct")
            m = find(recs, r["scenario"], r["case"], "mitmdump")
            v, dv, mv = ok_value(r), ok_value(d), ok_value(m)
            r["ratio_direct"] = round(v / dv, 3) if v and dv else None
            if r["kind"] != "mitmdump":
                r["ratio_mitmdump"] = round(v / mv, 1) if v and mv else None
        if r["scenario"] == "threads" and r.get("threads") == 2:
            one = find(recs, "threads", r["case"], r["kind"], threads=1)
            v, ov = ok_value(r), ok_value(one)
            r["ratio_threads1"] = round(v / ov, 3) if v and ov else None


def evaluate_targets(recs, cfg):
    targets = []

    def add(tid, what, goal, measured, met, profile=None):
        targets.append(dict(id=tid, target=what, goal=goal, measured=measured, met=met, profile=profile))

    for c in cfg["conc"]:
        case = f"https 1 KiB GET keep-alive, {c} conns"
        r = find(recs, "keepalive", case, "fs-intercept")
        if r:
            rd, rm = r.get("ratio_direct"), r.get("ratio_mitmdump")
            add(f"intercept-direct-{c}", f"intercepting, {case}", "≥ 50% of direct",
                f"{rd:.0%} ({r['value']:,.0f} req/s)" if rd else "not measured",
                None if rd is None else rd >= 0.5, r)
            add(f"intercept-mitm-{c}", f"intercepting, {case}", "≥ 10× mitmdump",
                f"{rm:.1f}×" if rm else "not measured", None if rm is None else rm >= 10, r)
        case = f"http 1 KiB GET keep-alive, {c} conns"
        r = find(recs, "keepalive", case, "fs-plain")
        if r:
            rd = r.get("ratio_direct")
            add(f"plain-direct-{c}", f"plain proxy, {case}", "≥ 50% of direct",
                f"{rd:.0%} ({r['value']:,.0f} req/s)" if rd else "not measured", None if rd is None else rd >= 0.5, r)
    for direction in ("download", "upload"):
        for scheme, kind, goal in (("http", "fs-plain", 0.7), ("https", "fs-tunnel", 0.7), ("https", "fs-intercept", 0.5)):
            r = find(recs, "bulk", f"{scheme} {direction}, 1 conn", kind)
            if not r:
                continue
            rd, peak = r.get("ratio_direct"), r.get("proxy_peak_rss_kib")
            size = fmt_size(cfg[direction])
            met = None if rd is None or peak is None else (rd >= goal and peak < 64 * 1024)
            add(f"bulk-{direction}-{kind}", f"{LABEL[kind]}, {scheme} {size} {direction}",
                f"≥ {goal:.0%} of direct MB/s, peak RSS < 64 MiB",
                (f"{rd:.0%} ({r['value']:,.0f} MB/s), peak {peak / 1024:.1f} MiB" if rd and peak else "not measured"),
                met, r)
    for k in cfg.get("ws_inflight", ()):
        r = find(recs, "ws", ws_case(k, cfg["ws_size"]), "fs-intercept")
        if not r:
            continue
        rd, peak = r.get("ratio_direct"), r.get("proxy_peak_rss_kib")
        met = None if rd is None or peak is None else (rd >= 0.5 and peak < 64 * 1024)
        add(f"ws-{k}", f"{LABEL['fs-intercept']}, {r['case']}", "≥ 50% of direct MiB/s, peak RSS < 64 MiB",
            (f"{rd:.0%} ({r['value']:,.0f} MiB/s echoed), peak {peak / 1024:.1f} MiB" if rd and peak else "not measured"),
            met, r)
    m = find(recs, "micro")
    if m and m["status"] == "ok":
        b = next((b for b in m["benchmarks"] if b["name"].startswith("BM_MintNewLeaf/ec_ca")), None)
        if b:
            us = b["cpu_time"] / {"ns": 1000, "us": 1, "ms": 0.001}.get(b["unit"], 1)
            add("mint", "mint a new leaf (EC CA), micro_bench BM_MintNewLeaf/ec_ca", "≤ 100 µs",
                f"{us:.1f} µs CPU", us <= 100)
    elif m:
        add("mint", "mint a new leaf (micro_bench)", "≤ 100 µs", m["error"] or "skipped", None)
    r = find(recs, "idle", kind="fs-intercept")
    if r:
        v = ok_value(r)
        add("idle", f"{r['connections']:,} idle intercepted connections", "≤ 100 KiB RSS each",
            f"{v:.1f} KiB each" if v is not None else "not measured", None if v is None else v <= 100)
    for scheme, kind in (("http", "fs-plain"), ("https", "fs-intercept")):
        r = find(recs, "threads", kind=kind, threads=2)
        if r:
            x = r.get("ratio_threads1")
            add(f"threads-{kind}", f"--threads 2 vs --threads 1, {r['case']} ({LABEL[kind]})", "≥ 1.6×",
                f"{x:.2f}×" if x else "not measured", None if x is None else x >= 1.6, r)
    return targets


# ---------------------------------------------------------------------------------------------
# Profiles: perf on flowscope while a missed target's measurement runs again.

def perf_report(path):
    r = subprocess.run(["perf", "report", "-i", path, "--stdio", "--no-children", "--sort", "dso,sym",
                        "-g", "none", "--percent-limit", "0"], capture_output=True, text=True, timeout=120)
    rows = []
    for line in r.stdout.splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.+?)\s*$", line)
        if m:
            rows.append((float(m.group(1)), m.group(2), m.group(3), m.group(4)))
    if not rows:
        return None
    kernel = sum(p for p, _, k, _ in rows if k == "k")
    by_dso = collections.Counter()
    for p, dso, _, _ in rows:
        by_dso[dso] += p
    return dict(kernel_pct=round(kernel, 1), user_pct=round(sum(p for p, *_ in rows) - kernel, 1),
                by_dso=[(d, round(p, 1)) for d, p in by_dso.most_common(6)],
                top=[dict(pct=p, dso=d, kind="kernel" if k == "k" else "user", symbol=s[:90]) for p, d, k, s in rows[:15]])


def run_profiles(env, targets, specs_by_key):
    if not shutil.which("perf"):
        log("perf not found: no profiles")
        return []
    profiles, seen = [], set()
    for t in targets:
        if t["met"] is not False or not t.get("profile"):
            continue
        r = t["profile"]
        key = (r["scenario"], r["case"], r["kind"], r.get("threads"))
        if key in seen or key not in specs_by_key:
            continue
        seen.add(key)
        spec = dict(specs_by_key[key])
        if spec["scenario"] in ("keepalive", "threads", "newconn"):
            spec["lg"] = [a if a != str(env.cfg["duration"]) else str(env.cfg["profile_s"] + 1) for a in spec["lg"]]
        if spec["scenario"] == "ws":
            spec["lg"] = [a if a != str(env.cfg["ws_duration"]) else str(env.cfg["profile_s"] + 1) for a in spec["lg"]]
        path = os.path.join(env.work, f"perf-{len(profiles)}.data")
        log(f"profiling: {spec['case']} / {spec['kind']}")
        rec = measure(env, spec, perf_out=path)
        rep = perf_report(path) if os.path.exists(path) else None
        profiles.append(dict(for_targets=[x["id"] for x in targets if x.get("profile") is r], scenario=spec["scenario"],
                             case=spec["case"], kind=spec["kind"], threads=spec.get("threads"),
                             value=rec.get("value"), metric=spec["metric"], report=rep,
                             proxy_cpu_us_per_req=rec.get("proxy_cpu_us_per_req"),
                             proxy_cpu_us_per_msg=rec.get("proxy_cpu_us_per_msg"),
                             proxy_peak_rss_kib=rec.get("proxy_peak_rss_kib"),
                             proxy_ctx_switches_per_req=rec.get("proxy_ctx_switches_per_req"),
                             syscalls=rec.get("syscalls"), syscalls_per=rec.get("syscalls_per"),
                             error=None if rep else "perf recorded nothing"))
    return profiles


# ---------------------------------------------------------------------------------------------
# Report.

def machine_info(args):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with open("/proc/meminfo") as f:
        mem = f"{int(f.readline().split()[1]) / (1 << 20):.1f} GiB"
    rev = run_text(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = run_text(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])
    build_type = "build type unknown"
    d = os.path.dirname(os.path.realpath(args.flowscope))
    while d != os.path.dirname(d):
        cache = os.path.join(d, "CMakeCache.txt")
        if os.path.exists(cache):
            m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", open(cache).read(), re.M)
            build_type = (m.group(1) if m else "") or "no CMAKE_BUILD_TYPE"
            break
        d = os.path.dirname(d)
    return dict(
        nproc=os.cpu_count(), cpu=cpu, kernel=platform.release(), memory=mem,
        os=run_text(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        flowscope=run_text([args.flowscope, "--version"]) + f" (git {rev}{'+local changes' if dirty else ''}, "
                  f"{os.path.relpath(args.flowscope, ROOT)}, {build_type})",
        compiler=run_text(["c++", "--version"]).splitlines()[0],
        openssl=run_text(["openssl", "version"]),
        libuv=run_text(["dpkg-query", "-W", "-f", "${Version}", "libuv1"]),
        nginx=run_text(["nginx", "-v"]).replace("nginx version: ", ""),
        mitmdump=run_text(["mitmdump", "--version"]).splitlines()[0] if shutil.which("mitmdump") else "not installed",
        python=platform.python_version(), perf=run_text(["perf", "--version"]),
        nofile_limit=resource.getrlimit(resource.RLIMIT_NOFILE)[1],
    )


def fmt_num(v, metric=None):
    if v is None:
        return "–"
    if metric == "MB/s" or abs(v) < 100:
        return f"{v:,.1f}"
    return f"{v:,.0f}"


def fmt_ratio(x, pct=True):
    if x is None:
        return "–"
    return f"{x:.0%}" if pct else f"{x:,.1f}×"


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def cell_rows(recs, scenario, size_col=False):
    rows = []
    for r in recs:
        if r["scenario"] != scenario:
            continue
        v = r.get("value")
        absval = (fmt_num(v, r["metric"]) + f" {r['metric']}") if r["status"] == "ok" else "**failed**"
        if r.get("attempts"):
            absval += f" (best of {len(r['attempts'])})"
        peak = f"{r['proxy_peak_rss_kib'] / 1024:.1f}" if r.get("proxy_peak_rss_kib") else "–"
        if r["metric"] == "MB/s":
            cpu = f"{r['proxy_cpu_ms_per_mb']:.2f} ms/MB" if r.get("proxy_cpu_ms_per_mb") is not None else "–"
        else:
            cpu = f"{r['proxy_cpu_us_per_req']:,.0f} µs" if r.get("proxy_cpu_us_per_req") is not None else "–"
        lat = (f"{r['latency_p50_ms']:.2f} / {r['latency_p99_ms']:.2f}" if r.get("latency_p50_ms") is not None else "–")
        allcpu = f"{r['all_cpu_us_per_req']:,.0f} µs" if r.get("all_cpu_us_per_req") is not None else "–"
        if r["metric"] == "MB/s" and r.get("all_cpu_s") and r.get("body_bytes"):
            allcpu = f"{r['all_cpu_s'] * 1e3 / (r['body_bytes'] / 1e6):.2f} ms/MB"
        row = [r["case"], r["contender"] + (f" `--threads {r['threads']}`" if r.get("threads") else "")]
        if size_col:
            row.append(fmt_size(r["size"]) if r.get("size") else (f"{r['hosts']} names" if r.get("hosts") else ""))
        row += [absval, fmt_ratio(r.get("ratio_direct")) if r["kind"] != "direct" else "1",
                fmt_ratio(r.get("ratio_mitmdump"), pct=False) if r["kind"] not in ("direct", "mitmdump") else "–",
                peak, cpu, allcpu, lat, f"{r.get('background_cores', 0):.2f}"]
        rows.append(row)
    header = ["case", "contender"] + (["size"] if size_col else []) + [
        "result", "÷ direct", "÷ mitmdump", "proxy peak RSS MiB", "proxy CPU per request (or MB)", "CPU, all processes", "latency p50 / p99 ms", "other CPU (cores)"]
    return md_table(header, rows)


def ws_section_text(cfg):
    return (f"`wsload client -d {cfg['ws_duration']:g} -k K -s {cfg['ws_size']}` per row (tests/bench/loadgen/wsload.cpp): "
            "one wss:// connection, K binary messages kept in flight, each new one sent as an echo comes back; "
            "the clock starts after CONNECT, TLS and the 101. The origin is `wsload server` on loopback (a "
            "thread per connection: unmask, echo unmasked), with nginx's certificate. Through the proxies the "
            "client sends `CONNECT 127.0.0.1:PORT`, then TLS verified against the proxy's CA (flowscope's "
            "`HOME/ca-cert.pem`, mitmdump's), then the upgrade: flowscope terminates TLS, parses every frame and "
            "records the messages (default limits: 1 MiB of each, at most 10,000 per flow, 16 MiB of payload in all). The tunnel row "
            "(`--no-intercept`) relays the TLS bytes blind, for scale. Up / down are message payload "
            "client → origin and back, MiB = 2²⁰ bytes; ratios are over the echoed (down) MiB/s. Per-message CPU "
            "is per message echoed (64 KiB each way). RTT is from the first byte of a message written to the "
            "last byte of its echo read, so with K in flight it includes the K − 1 ahead of it.")


def ws_rows(recs):
    rows = []
    for r in recs:
        if r["scenario"] != "ws":
            continue
        ok = r["status"] == "ok"
        res = f"{fmt_num(r.get('up_mib_per_s'), 'MB/s')} / {fmt_num(r.get('down_mib_per_s'), 'MB/s')}" if ok else "**failed**"
        if r.get("attempts"):
            res += f" (best of {len(r['attempts'])})"
        rows.append([r["case"], r["contender"], res, fmt_num(r.get("messages_per_s")) if ok else "–",
                     fmt_ratio(r.get("ratio_direct")) if r["kind"] != "direct" else "1",
                     fmt_ratio(r.get("ratio_mitmdump"), pct=False) if r["kind"] not in ("direct", "mitmdump") else "–",
                     f"{r['proxy_peak_rss_kib'] / 1024:.1f}" if r.get("proxy_peak_rss_kib") else "–",
                     f"{r['proxy_cpu_us_per_msg']:,.0f} µs" if r.get("proxy_cpu_us_per_msg") is not None else "–",
                     f"{r['all_cpu_us_per_msg']:,.0f} µs" if r.get("all_cpu_us_per_msg") is not None else "–",
                     f"{r['latency_p50_ms']:.2f} / {r['latency_p99_ms']:.2f}" if r.get("latency_p50_ms") is not None else "–",
                     f"{r.get('background_cores', 0):.2f}"])
    return md_table(["case", "contender", "MiB/s up / down", "messages/s", "÷ direct", "÷ mitmdump",
                     "proxy peak RSS MiB", "proxy CPU per message", "CPU, all processes", "RTT p50 / p99 ms",
                     "other CPU (cores)"], rows)


ANALYSIS_BEGIN = "<!-- analysis:begin (hand-written; scripts/bench keeps this block) -->"
ANALYSIS_END = "<!-- analysis:end -->"


def write_report(env, info, recs, targets, profiles, started, wall, out_dir, command, write_json=True):
    """env needs .cfg and .args.quick only (so --render-only can pass a stand-in)."""
    cfg = env.cfg
    md_path, json_path = os.path.join(out_dir, "benchmarks.md"), os.path.join(out_dir, "benchmarks.json")
    old_analysis = ""
    if os.path.exists(md_path):
        text = open(md_path).read()
        i, j = text.find(ANALYSIS_BEGIN), text.find(ANALYSIS_END)
        if i >= 0 and j > i:
            old_analysis = text[i + len(ANALYSIS_BEGIN):j].strip("\n")
    failed = [r for r in recs if r["status"] == "failed"]
    L = []
    L.append("# Benchmarks\n")
    L.append("<!-- Generated by scripts/bench (tests/bench/run_bench.py). Edit the generator, not this file, "
             "except inside the analysis block. -->\n")
    L.append(f"flowscope against the same requests sent **direct** to the origin and through **mitmdump**, "
             f"measured side by side in one run on one machine. Ratios are flowscope ÷ direct and "
             f"flowscope ÷ mitmdump from that run; absolute figures are alongside. Run "
             f"{time.strftime('%Y-%m-%d %H:%M %Z', time.localtime(started))}, {wall / 60:.1f} min"
             f"{', **quick mode (tiny sizes; smoke test, not figures)**' if env.args.quick else ''}.\n")
    L.append("Reproduce:\n\n```\n" + command + "\n```\n")
    L.append("## Machine\n")
    L.append(md_table(["", ""], [
        ["CPU", f"{info['nproc']} × {info['cpu']}"], ["memory", info["memory"]], ["OS, kernel", f"{info['os']}, {info['kernel']}"],
        ["flowscope", info["flowscope"]], ["compiler", info["compiler"]], ["OpenSSL", info["openssl"]],
        ["libuv", info["libuv"]], ["origin", info["nginx"] + " (2 workers, sendfile, access_log off)"],
        ["mitmdump", info["mitmdump"] + f", Python {info['python']}"],
        ["load average (1 min) at start / end", f"{info['loadavg_start']} / {info['loadavg_end']}"],
        ["open files limit", str(info["nofile_limit"])],
        ["nice", f"{info['nice']} (every process of the run)"]]))
    L.append("\nEverything shares the same cores: loadgen (1 thread), nginx (2 workers), the proxy "
             "(flowscope: one worker loop per hardware thread unless `--threads` says otherwise; mitmdump: "
             "one Python process). \"other CPU\" is the machine's busy time during the measurement minus "
             "that of loadgen, nginx and the proxy, in cores: work by something else on the machine (or "
             "softirq time not charged to a process). Where it is well above 0, that row is depressed by "
             "outside load.\n")
    if failed:
        L.append("## Failed measurements\n")
        L.append("\n".join(f"* {r['scenario']} / {r['case']} / {r['contender']}: {r['error']}" for r in failed) + "\n")
    L.append("## Targets\n")
    L.append("Measured, not asserted: a missed target does not fail `scripts/bench`.\n")
    L.append(md_table(["target", "goal", "measured", "result"],
                      [[t["target"], t["goal"], t["measured"],
                        "met" if t["met"] else "**missed**" if t["met"] is False else "not measured"] for t in targets]))
    L.append("")
    sections = [
        ("keepalive", "1 KiB GETs on keep-alive connections",
         f"`loadgen -d {cfg['duration']:g} -c C` per row. HTTPS direct and through the tunnel verify nginx's "
         "certificate; through the intercepting proxies the client verifies the proxy's CA (flowscope's "
         "`HOME/ca-cert.pem`, mitmdump's `mitmproxy-ca-cert.pem`), and flowscope verifies nginx with "
         "`--upstream-ca` (mitmdump runs with `ssl_insecure=true`).", False),
        ("newconn", "A new TLS connection per request",
         f"`loadgen -d {cfg['duration']:g} -c {cfg['newconn_conc']} --new-connection`: CONNECT and full "
         "handshakes (client side and, when intercepting, origin side) on every request. No TLS session "
         "resumption anywhere.", False),
        ("mint", "Certificate minting: first request to each of N hostnames",
         f"`loadgen -n N -c 10 --new-connection --host-count N --host-pattern 'h{{}}.bench.test'`, "
         f"N = {cfg['mint_hosts']} ({cfg['mint_hosts_mitm']} for mitmdump). Every request is a new name, "
         "so flowscope mints a leaf each time. flowscope maps the names to 127.0.0.1 with one "
         "`--resolve NAME:PORT:127.0.0.1` per name; mitmdump has no such option, so a 6-line addon "
         "(`server_connect` hook) rewrites `*.bench.test` to 127.0.0.1; direct uses `loadgen "
         "--resolve-to`. nginx's certificate carries `*.bench.test`. Compare with the new-connection "
         "table above (one name, leaf cached) for the cost of minting.", True),
        ("bulk", "Large bodies, one connection",
         f"`loadgen -n 1 -c 1` of a {fmt_size(cfg['download'])} sparse file (download) and a "
         f"{fmt_size(cfg['upload'])} `PUT` (upload; nginx's WebDAV `PUT` reads the whole body into tmpfs "
         f"before answering, as `return 204` would answer early and not read it). mitmdump moves "
         f"{fmt_size(cfg['mitm_body'])} only: it buffers whole bodies in memory (no `stream_large_bodies` "
         "set, its default), so its MB/s is over a smaller body and its ratio is indicative. MB = 10⁶ bytes.", True),
        ("threads", "Thread scaling: flowscope `--threads 1` vs `--threads 2`",
         f"Same as the keep-alive rows with 100 connections. The machine has {info['nproc']} cores, shared "
         "by loadgen, nginx's 2 workers and the proxy, so a second proxy thread competes with them for "
         "the same cores: this bounds the scaling that can show here.", False),
    ]
    for key, title, text, size_col in sections:
        if not any(r["scenario"] == key for r in recs):
            continue
        L.append(f"## {title}\n")
        L.append(text + "\n")
        L.append(cell_rows(recs, key, size_col))
        if key == "threads":
            rows = [[r["case"], r["contender"], fmt_ratio(r.get("ratio_threads1"), pct=False)]
                    for r in recs if r["scenario"] == "threads" and r.get("threads") == 2]
            L.append("\n" + md_table(["case", "contender", "--threads 2 ÷ --threads 1"], rows))
        L.append("")
    if any(r["scenario"] == "ws" for r in recs):
        L.append("## WebSocket echo, 64 KiB binary messages\n")
        L.append(ws_section_text(cfg) + "\n")
        L.append(ws_rows(recs))
        L.append("")
    idle = [r for r in recs if r["scenario"] == "idle"]
    if idle:
        L.append("## Idle connections: memory per connection\n")
        L.append("`tests/bench/bench_idle.py` (asyncio) opens N connections through the proxy (CONNECT, TLS, "
                 "one 1 KiB GET each) and holds them idle; RSS per connection = (proxy VmRSS while holding − "
                 "VmRSS after 4 warm-up connections) ÷ N. An intercepted or tunnelled connection holds two "
                 f"sockets in the proxy, and the open files limit here is {info['nofile_limit']} (raising the "
                 "hard limit needs CAP_SYS_RESOURCE), so N is capped at (limit − 200) ÷ 2 where that is below "
                 f"the {cfg['idle']:,} wanted. mitmdump is measured with {cfg['idle_mitm']:,} connections: it "
                 "sets up about a hundred per second.\n")
        L.append(md_table(["contender", "connections held", "RSS before → held (MiB)", "RSS per connection",
                           "set-up rate (conn/s)", "other CPU before (cores)"],
                          [[r["contender"], f"{r.get('opened', 0):,} of {r['connections']:,}",
                            (f"{r['proxy_rss_before_kib'] / 1024:.1f} → {r['proxy_rss_held_kib'] / 1024:.1f}"
                             if r.get("proxy_rss_held_kib") else "–"),
                            f"{r['value']:.1f} KiB" if r.get("value") is not None else "**failed**",
                            fmt_num(r.get("connections_per_s")),
                            f"{r['background_cores_before']:.2f}" if r.get("background_cores_before") is not None else "–"]
                           for r in idle]))
        L.append("")
    micro = find(recs, "micro")
    if micro:
        L.append("## Micro-benchmarks (leaf minting)\n")
        if micro["status"] == "ok":
            L.append(f"`{micro['cmd']}` (Google Benchmark, CPU time per iteration).\n")
            L.append(md_table(["benchmark", "CPU time", "wall time", "iterations"],
                              [[b["name"], f"{b['cpu_time']:,.2f} {b['unit']}", f"{b['real_time']:,.2f} {b['unit']}",
                                f"{b['iterations']:,}"] for b in micro["benchmarks"]]))
        else:
            L.append(f"Not run: {micro['error']}.")
        L.append("")
    L.append("## What limits it\n")
    if profiles:
        L.append(f"For each missed throughput target, the measurement ran again with `perf record -F 999 -g "
                 f"-p PID` on flowscope for {cfg['profile_s']:g} s. Self time by symbol (`perf report "
                 "--no-children --sort dso,sym`); the kernel share is mostly loopback TCP and syscalls.\n")
        for p in profiles:
            rep = p["report"]
            L.append(f"### {p['case']}, {LABEL[p['kind']]}"
                     + (f" `--threads {p['threads']}`" if p.get("threads") else "") + "\n")
            if not rep:
                L.append(p["error"] + "\n")
                continue
            L.append(f"Targets: {', '.join(p['for_targets'])}. Under perf: {fmt_num(p['value'], p['metric'])} "
                     f"{p['metric']}"
                     + (f", flowscope {p['proxy_cpu_us_per_req']:,.0f} µs CPU and "
                        f"{p['proxy_ctx_switches_per_req']:.2f} context switches per request"
                        if p.get("proxy_cpu_us_per_req") is not None and p["metric"] == "req/s" else "")
                     + (f", flowscope {p['proxy_cpu_us_per_msg']:,.0f} µs CPU per message echoed, peak RSS "
                        f"{p['proxy_peak_rss_kib'] / 1024:.1f} MiB"
                        if p.get("proxy_cpu_us_per_msg") is not None and p.get("proxy_peak_rss_kib") else "")
                     + f". Samples: **{rep['kernel_pct']:.0f}% kernel, {rep['user_pct']:.0f}% user**; "
                     "by object: " + ", ".join(f"{d} {v:.0f}%" for d, v in rep["by_dso"]) + ".\n")
            if p.get("syscalls"):
                L.append(f"Per {p['syscalls_per']} (perf stat over the whole run): "
                         + ", ".join(f"{k} {v:,.2f}" for k, v in p["syscalls"].items() if v >= 0.005) + ".\n")
            L.append(md_table(["self %", "object", "symbol"],
                              [[f"{t['pct']:.1f}", t["dso"], f"`{t['symbol']}`"] for t in rep["top"][:12]]))
            L.append("")
    elif any(t["met"] is False for t in targets):
        L.append("Missed targets were not profiled in this run (`--no-profile`, or perf missing).\n")
    else:
        L.append("Every measured target was met; nothing was profiled.\n")
    L.append(ANALYSIS_BEGIN)
    L.append(old_analysis)
    L.append(ANALYSIS_END)
    L.append("")
    L.append("## Method\n")
    L.append("* Origin: nginx on two free 127.0.0.1 ports (HTTP and HTTPS; self-signed P-256 certificate with SAN "
             "localhost, 127.0.0.1, `*.bench.test`), config and files generated in a temp dir; 1 KiB file, "
             "sparse large files read once into the page cache before timing.\n"
             "* Client: `loadgen` (tests/bench/loadgen), one thread. `-d` runs drop requests in flight at the "
             "deadline. A measurement fails when any request fails or answers non-2xx, or when fewer body "
             "bytes moved than the size asked for.\n"
             "* Every proxy is started fresh for each row, so its peak RSS (VmHWM from /proc/PID/status) "
             "belongs to that row. Proxy CPU is its utime + stime over the row, per request (or per MB). "
             "\"All processes\" adds loadgen's and nginx's: on a machine where the client and the origin "
             "already keep every core busy, throughput through a proxy is bounded by about direct's CPU per "
             "request ÷ the proxied CPU per request.\n"
             "* flowscope runs `flowscope run --listen 127.0.0.1:0 -q --home TMP --upstream-ca NGINX_CERT` "
             "(+ `--no-intercept` for the tunnel rows); the same CA home serves every row. mitmdump runs "
             "`mitmdump -q --listen-host 127.0.0.1 --listen-port P --set ssl_insecure=true --set confdir=TMP "
             "-s resolve_addon.py`.\n"
             "* Before each row the run waits (up to `--settle` s) for the machine to go quiet. When other work "
             "still took more than 0.3 cores during a row, the row is measured again (`--retries`) and the faster "
             "attempt is kept, marked \"best of N\"; docs/benchmarks.json lists every attempt.\n"
             "* WebSocket rows: `wsload` (tests/bench/loadgen/wsload.cpp) is both the wss:// echo origin and the "
             "client; one C++ thread with poll(2) on the client side, so the client costs little next to TLS. "
             "A measurement fails when the connection breaks, no message comes back or an echo has the wrong length.\n"
             "* Each measurement's exact loadgen (or wsload) command is in docs/benchmarks.json (`loadgen_cmd`).\n")
    with open(md_path, "w") as f:
        f.write("\n".join(L))

    def clean(r):
        return {k: v for k, v in r.items() if k != "profile"}
    if not write_json:
        log(f"wrote {os.path.relpath(md_path, ROOT)}")
        return
    with open(json_path, "w") as f:
        json.dump(dict(command=command, started=time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
                       wall_s=round(wall, 1), quick=env.args.quick, config=cfg, machine=info, results=recs,
                       targets=[clean(t) for t in targets], profiles=profiles), f, indent=1, default=str)
    log(f"wrote {os.path.relpath(md_path, ROOT)} and {os.path.relpath(json_path, ROOT)}")


# ---------------------------------------------------------------------------------------------

def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes and 1 s runs: a smoke test (< 2 min)")
    p.add_argument("--only", action="append", choices=SCENARIOS, metavar="SCENARIO",
                   help="run only this scenario (repeatable): " + ", ".join(SCENARIOS))
    p.add_argument("--micro", action="store_true",
                   help="also run micro_bench with --quick or --only (the full run always does)")
    p.add_argument("--profile", dest="profile", action="store_true", default=None,
                   help="profile flowscope with perf where a target is missed (default in the full run)")
    p.add_argument("--no-profile", dest="profile", action="store_false")
    p.add_argument("--settle", type=float, default=None,
                   help="wait up to S seconds before each measurement for other CPU load to drop "
                        "(default 3 in the full run, 0 with --quick)")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                   help="before starting, wait up to S seconds for the machine to be idle (< 0.25 cores "
                        "busy over 5 s)")
    p.add_argument("--retries", type=int, default=None,
                   help="measure again (up to N times) when other load took > 0.3 cores; the faster run "
                        "counts (default 1 in the full run, 0 with --quick)")
    p.add_argument("--nice", type=int, default=0,
                   help="run everything at this nice value (negative needs root); every contender gets "
                        "the same. On a shared machine it can reduce, not remove, the skew from other work")
    p.add_argument("--build-dir", default=os.path.join(ROOT, "build-release"))
    p.add_argument("--flowscope", help="flowscope binary (default BUILD/cli/flowscope)")
    p.add_argument("--loadgen", help="loadgen binary (default BUILD/tests/bench/loadgen/loadgen)")
    p.add_argument("--wsload", help="wsload binary, the ws scenario's client and origin (default: next to loadgen)")
    p.add_argument("--out-dir", help="where benchmarks.md/.json go (default docs/ for the full run, "
                                     "BUILD/bench/ for --quick or --only)")
    p.add_argument("--keep-work", action="store_true", help="keep the temp dir (logs, nginx config, perf data)")
    p.add_argument("--render-only", metavar="JSON",
                   help="measure nothing: rewrite benchmarks.md from a benchmarks.json (its directory, or "
                        "--out-dir), e.g. after editing the report code or the analysis block")
    p.add_argument("--no-build", action="store_true", help=argparse.SUPPRESS)  # scripts/bench's flag
    args = p.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    args.flowscope = os.path.abspath(args.flowscope or os.path.join(args.build_dir, "cli", "flowscope"))
    args.loadgen = os.path.abspath(args.loadgen or os.path.join(args.build_dir, "tests", "bench", "loadgen", "loadgen"))
    args.wsload = os.path.abspath(args.wsload or os.path.join(os.path.dirname(args.loadgen), "wsload"))
    partial = args.quick or bool(args.only)
    if args.profile is None:
        args.profile = not partial
    if args.retries is None:
        args.retries = 0 if args.quick else 1
    if args.settle is None:
        args.settle = 0.0 if args.quick else 3.0
    args.out_dir_given = bool(args.out_dir)
    if not args.out_dir:
        args.out_dir = os.path.join(args.build_dir, "bench") if partial else os.path.join(ROOT, "docs")
    return args


def on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def render_only(args):
    with open(args.render_only) as f:
        data = json.load(f)
    out_dir = args.out_dir if args.out_dir_given else os.path.dirname(os.path.abspath(args.render_only))
    stand_in = argparse.Namespace(cfg=data["config"], args=argparse.Namespace(quick=data["quick"]))
    started = time.mktime(time.strptime(data["started"][:19], "%Y-%m-%dT%H:%M:%S"))
    write_report(stand_in, data["machine"], data["results"], data["targets"], data["profiles"], started,
                 data["wall_s"], out_dir, data["command"], write_json=False)
    return 0


def main():
    args = parse_args()
    if args.render_only:
        return render_only(args)
    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, on_sigterm)
    cfg = QUICK if args.quick else FULL
    scenarios = args.only or [s for s in SCENARIOS if s != "micro" or not args.quick or args.micro]
    if args.micro and "micro" not in scenarios:
        scenarios.append("micro")
    needs_net = [s for s in scenarios if s != "micro"]
    exes = [(args.flowscope, "flowscope"), (args.loadgen, "loadgen")] + ([(args.wsload, "wsload")] if "ws" in scenarios else [])
    for exe, what in exes:
        if needs_net and not os.access(exe, os.X_OK):
            log(f"{what} not found at {exe}: build it (scripts/bench does) or pass --{what}")
            return 2
    for tool in ("nginx", "openssl") if needs_net else ():
        if not shutil.which(tool):
            log(f"{tool} not found: apt-get install -y nginx-light (scripts/bench does)")
            return 2
    if needs_net and not shutil.which("mitmdump"):
        log("mitmdump not found: apt-get install -y mitmproxy (scripts/bench does)")
        return 2
    if args.nice:
        os.nice(args.nice)  # inherited by every process started below
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children (proxies, nginx) inherit it
    entry = os.environ.get("FLOWSCOPE_BENCH_ENTRY", "python3 tests/bench/run_bench.py")
    command = " ".join([entry] + [shlex.quote(a) for a in sys.argv[1:]])
    if args.wait_quiet > 0:
        deadline = time.monotonic() + args.wait_quiet
        load = busy_cores(5)
        while load > 0.25 and time.monotonic() < deadline:
            log(f"waiting for a quiet machine: {load:.2f} cores busy")
            load = busy_cores(5)
        log(f"starting with {load:.2f} cores busy")
    started = time.time()
    info = machine_info(args)
    info["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    info["loadavg_start"] = open("/proc/loadavg").read().split()[0]
    work = tempfile.mkdtemp(prefix="flowscope-bench.")
    env = Env(args, cfg, work)
    recs, specs_by_key, profiles = [], {}, []
    interrupted = False
    log(f"scenarios: {', '.join(scenarios)}; work dir {work}")
    try:
        if needs_net:
            sizes = [cfg["download"], cfg["mitm_body"]] if "bulk" in scenarios else []
            env.origin = Origin(work, sizes)
            log(f"nginx on 127.0.0.1:{env.origin.http_port} (http) and :{env.origin.https_port} (https)")
        if "ws" in scenarios:
            env.ws_origin = WsOrigin(env)
            log(f"wsload echo server on 127.0.0.1:{env.ws_origin.port} (wss)")
        builders = dict(keepalive=specs_keepalive, newconn=specs_newconn, mint=specs_mint, bulk=specs_bulk,
                        ws=specs_ws, threads=specs_threads)
        for s in scenarios:
            if s in builders:
                for spec in builders[s](env):
                    specs_by_key[(spec["scenario"], spec["case"], spec["kind"], spec.get("threads"))] = spec
                    t0 = time.monotonic()
                    r = measure(env, spec)
                    tries = [r]
                    for _ in range(args.retries):
                        # Slow rows (mitmdump's bodies) are not measured twice: they would double the run.
                        if (r["status"] != "ok" or tries[-1].get("background_cores", 0) <= 0.3
                                or time.monotonic() - t0 > 15):
                            break
                        log(f"  other load {tries[-1]['background_cores']:.2f} cores during that measurement: again")
                        again = measure(env, spec)
                        tries.append(again)
                        # Outside load only ever slows a run down: the faster attempt is the better estimate.
                        if again["status"] == "ok" and again.get("value", 0) > r.get("value", 0):
                            r = again
                    if len(tries) > 1:
                        r["attempts"] = [dict(value=t.get("value"), background_cores=t.get("background_cores"))
                                         for t in tries]
                    for k in ("size", "hosts"):
                        if k in spec:
                            r[k] = spec[k]
                    recs.append(r)
            elif s == "idle":
                recs += run_idle(env)
            elif s == "micro":
                recs += run_micro(env)
        add_ratios(recs)
        targets = evaluate_targets(recs, cfg)
        if args.profile:
            profiles = run_profiles(env, targets, specs_by_key)
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}): stopping everything")
        interrupted = True
    except BenchError as e:
        log(f"setup failed: {e}")
        PROCS.stop_all()
        shutil.rmtree(work, ignore_errors=True)
        return 2
    finally:
        PROCS.stop_all()
        if env.ws_origin:
            env.ws_origin.close()
        if env.origin:
            env.origin.close()
    if interrupted:
        shutil.rmtree(work, ignore_errors=True)
        return 130
    info["loadavg_end"] = open("/proc/loadavg").read().split()[0]
    wall = time.time() - started
    os.makedirs(args.out_dir, exist_ok=True)
    write_report(env, info, recs, targets, profiles, started, wall, args.out_dir, command)
    if args.keep_work:
        log(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in recs if r["status"] == "failed"]
    for t in targets:
        log(f"target {'met   ' if t['met'] else 'MISSED' if t['met'] is False else 'n/a   '} {t['target']}: "
            f"{t['measured']} (goal {t['goal']})")
    log(f"done in {wall:.0f} s; {len(recs)} measurements, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
