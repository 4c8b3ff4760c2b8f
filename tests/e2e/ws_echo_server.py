"""A WebSocket echo origin for test_websocket.py built on python3-websockets (Debian), the twin of
ws_echo_server.mjs: 127.0.0.1 port 0, ws:// and (with --cert/--key) wss://, permessage-deflate
offered (websockets' default), the same JSON Lines events on stdout and the same behaviour:
a server-initiated text "hello from origin <scheme> <path>" first, then every data message
echoed with its own type, pings answered (websockets does that itself; it has no hook to log
them), a close echoed with its code and reason, and a path with `fragments=N` in its query
echoed in N frames (websockets sends an iterable as a fragmented message; text is cut between
characters, since its pieces are str) with an "echo" event. The process ends when stdin closes.

Run with an interpreter that has the Debian module (e.g. /usr/bin/python3):
    /usr/bin/python3 ws_echo_server.py [--cert CERT.pem --key KEY.pem]
"""

import argparse
import asyncio
import hashlib
import json
import os
import ssl
import sys
import threading
import urllib.parse

import websockets

_out_lock = threading.Lock()


def emit(obj):
    with _out_lock:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()


_next_conn = [1]


def make_handler(scheme):
    async def handler(ws, path=None):
        conn = _next_conn[0]
        _next_conn[0] += 1
        path = ws.path
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
        wanted = int(query.get("fragments", ["1"])[0])
        emit({"event": "connection", "conn": conn, "scheme": scheme, "path": path,
              "headers": {k.lower(): v for k, v in ws.request_headers.raw_items()},
              "extensions": ", ".join(type(e).__name__ for e in (ws.extensions or []))})
        try:
            await ws.send("hello from origin %s %s" % (scheme, path))
            async for msg in ws:
                data = msg if isinstance(msg, bytes) else msg.encode("utf-8")
                emit({"event": "message", "conn": conn, "binary": isinstance(msg, bytes),
                      "length": len(data), "sha256": hashlib.sha256(data).hexdigest()})
                fragments = max(1, min(wanted, len(msg)))
                if fragments == 1:
                    await ws.send(msg)
                else:
                    n = len(msg)
                    await ws.send([msg[i * n // fragments:(i + 1) * n // fragments] for i in range(fragments)])
                    emit({"event": "echo", "conn": conn, "fragments": fragments})
        except websockets.ConnectionClosed:
            pass
        except Exception as e:  # a protocol error the library raised
            emit({"event": "error", "conn": conn, "message": "%s: %s" % (type(e).__name__, e)})
        emit({"event": "close", "conn": conn, "code": ws.close_code, "reason": ws.close_reason})

    return handler


async def serve(args):
    common = dict(max_size=64 * 1024 * 1024, ping_interval=None, compression="deflate")
    plain = await websockets.serve(make_handler("ws"), "127.0.0.1", 0, **common)
    ws_port = plain.sockets[0].getsockname()[1]
    wss_port = None
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        secure = await websockets.serve(make_handler("wss"), "127.0.0.1", 0, ssl=ctx, **common)
        wss_port = secure.sockets[0].getsockname()[1]
    emit({"event": "listening", "ws": ws_port, "wss": wss_port})
    await asyncio.Future()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()

    def watch_stdin():
        # The test owns this process through its stdin: EOF means stop.
        while sys.stdin.buffer.read(65536):
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
