#!/usr/bin/env python3
"""Open N HTTPS connections through an HTTP proxy (CONNECT + TLS), make one request on each,
then hold them all idle until stdin says stop. run_bench.py measures the proxy's RSS meanwhile.

loadgen cannot hold connections idle, so this is the client for the "idle connections" scenario.
Protocol on stdout (one JSON object a line):
  {"event": "ready", "ok": N, "failed": M, "errors": {...}, "elapsed_s": S}
then the client waits for a line (or EOF) on stdin, closes everything, and prints
  {"event": "closed"}
Exit status: 0 when every connection was made, 1 otherwise, 2 for bad arguments.
"""
import argparse
import asyncio
import collections
import json
import resource
import ssl
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--proxy", required=True, help="HOST:PORT of the HTTP proxy")
    p.add_argument("--target", required=True, help="HOST:PORT to CONNECT to (an HTTPS origin)")
    p.add_argument("--path", default="/1k.bin", help="path of the one request made on each connection")
    p.add_argument("--count", type=int, required=True, help="connections to open and hold")
    p.add_argument("--cacert", help="PEM bundle to verify the TLS peer with (default: no verification)")
    p.add_argument("--concurrency", type=int, default=100, help="connections being set up at once")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per connection setup")
    return p.parse_args()


async def open_one(args, ctx, host, conns, errors, sem):
    proxy_host, proxy_port = args.proxy.rsplit(":", 1)
    async with sem:
        try:
            async def setup():
                reader, writer = await asyncio.open_connection(proxy_host, int(proxy_port))
                try:
                    writer.write(f"CONNECT {args.target} HTTP/1.1\r\nHost: {args.target}\r\n\r\n".encode())
                    head = await reader.readuntil(b"\r\n\r\n")
                    if not head.split(b" ", 2)[1].startswith(b"2"):
                        raise RuntimeError("CONNECT answered " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
                    await writer.start_tls(ctx, server_hostname=host)
                    writer.write(f"GET {args.path} HTTP/1.1\r\nHost: {args.target}\r\n\r\n".encode())
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value.strip())
                    if not head.split(b" ", 2)[1].startswith(b"2"):
                        raise RuntimeError("GET answered " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
                    await reader.readexactly(length)
                except BaseException:
                    writer.transport.abort()
                    raise
                return writer

            conns.append(await asyncio.wait_for(setup(), args.timeout))
        except Exception as e:  # counted by kind; the run goes on
            errors[type(e).__name__ + ": " + str(e)[:120]] += 1


async def main_async(args):
    ctx = ssl.create_default_context(cafile=args.cacert) if args.cacert else ssl._create_unverified_context()
    ctx.set_alpn_protocols(["http/1.1"])
    host = args.target.rsplit(":", 1)[0]
    conns, errors = [], collections.Counter()
    sem = asyncio.Semaphore(args.concurrency)
    t0 = time.monotonic()
    await asyncio.gather(*(open_one(args, ctx, host, conns, errors, sem) for _ in range(args.count)))
    print(json.dumps({"event": "ready", "ok": len(conns), "failed": sum(errors.values()),
                      "errors": dict(errors.most_common(5)), "elapsed_s": round(time.monotonic() - t0, 3)}),
          flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for w in conns:
        w.transport.abort()
    print(json.dumps({"event": "closed"}), flush=True)
    return 0 if not errors else 1


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.count + 64 > hard:
        print(f"bench_idle: --count {args.count} needs more file descriptors than the limit {hard}",
              file=sys.stderr)
        return 2
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
