"""A real WebSocket client for test_websocket.py: python's websocket-client (Debian
python3-websocket, `import websocket`) through flowscope with http_proxy_host/http_proxy_port.

    /usr/bin/python3 ws_client.py PLAN.json

PLAN is the same as for ws_client.mjs ("proxy" is "http://127.0.0.1:PORT"). websocket-client
opens a `CONNECT host:port` tunnel for ws:// as well as for wss://; for wss:// it then verifies
the leaf against PLAN.ca (flowscope's CA) through sslopt ca_certs, with hostname checks.

The conversation and the JSON Lines on stdout are those of ws_client.mjs: greeting, each message
and its echo, a ping and its pong, a close 1000 "bye" and the origin's close frame. A message
with "fragments" > 1 goes as that many frames cut at byte offsets (websocket-client's
ABNF.create_frame with fin 0, then continuation frames), with the message's "ping_b64" as a
ping between the first two; "hold" waits for stdin to close before the close. websocket-client
has no permessage-deflate, so "deflate" is ignored.
"""

import base64
import json
import socket
import ssl
import struct
import sys
import urllib.parse

import websocket

GUARD = 60  # seconds; a hang guard on every socket operation, never a speed assertion


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    proxy = urllib.parse.urlsplit(plan["proxy"])
    sslopt = {"ca_certs": plan["ca"]} if plan.get("ca") else {}
    try:
        ws = websocket.create_connection(
            plan["url"], timeout=GUARD, http_proxy_host=proxy.hostname, http_proxy_port=proxy.port,
            proxy_type="http", sslopt=sslopt, enable_multithread=False,
            # websocket-client bypasses the proxy for localhost and 127.0.0.1 unless told
            # otherwise (its DEFAULT_NO_PROXY_HOST); a list naming nothing real turns that off.
            http_no_proxy=["no-such-host.invalid"])
    except websocket.WebSocketBadStatusException as e:
        emit({"event": "unexpected_response", "status": e.status_code, "message": str(e)})
        emit({"event": "failed", "message": str(e)})
        return 1
    except (websocket.WebSocketException, OSError, ssl.SSLError) as e:
        emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})
        emit({"event": "failed", "message": str(e)})
        return 1
    emit({"event": "upgrade", "status": ws.getstatus(),
          "headers": {k.lower(): v for k, v in (ws.getheaders() or {}).items()}})
    peer = ws.sock.getpeername()
    emit({"event": "open", "peer_port": peer[1], "local_port": ws.sock.getsockname()[1]})

    def recv_message():
        opcode, data = ws.recv_data(control_frame=False)
        if opcode == websocket.ABNF.OPCODE_CLOSE:  # recv_data has already answered it
            code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
            emit({"event": "close", "code": code, "reason": data[2:].decode("utf-8", "replace")})
            raise websocket.WebSocketConnectionClosedException("closed by the peer with %d" % code)
        binary = opcode == websocket.ABNF.OPCODE_BINARY
        emit({"event": "message", "binary": binary, "b64": base64.b64encode(data).decode()})
        return data

    def recv_pong():
        while True:
            frame = ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_PONG:
                emit({"event": "pong", "b64": base64.b64encode(frame.data).decode()})
                return
            emit({"event": "unexpected_frame", "opcode": frame.opcode,
                  "b64": base64.b64encode(frame.data).decode()})

    try:
        recv_message()  # the origin's greeting
        for m in plan["messages"]:
            data = base64.b64decode(m["b64"])
            opcode = websocket.ABNF.OPCODE_BINARY if m["binary"] else websocket.ABNF.OPCODE_TEXT
            fragments = max(1, min(m.get("fragments") or 1, len(data)))
            if fragments == 1:
                ws.send(data, opcode=opcode)
            else:
                for i in range(fragments):
                    piece = data[i * len(data) // fragments:(i + 1) * len(data) // fragments]
                    ws.send_frame(websocket.ABNF.create_frame(
                        piece, opcode if i == 0 else websocket.ABNF.OPCODE_CONT, fin=int(i == fragments - 1)))
                    if i == 0 and m.get("ping_b64"):
                        ws.ping(base64.b64decode(m["ping_b64"]))
            if fragments > 1 and m.get("ping_b64"):
                recv_pong()  # the origin answers the ping before it has the whole message
            recv_message()
        ws.ping(base64.b64decode(plan["ping_b64"]))
        recv_pong()
        if plan.get("hold"):
            emit({"event": "holding"})
            while sys.stdin.buffer.read(65536):
                pass
        ws.send_close(plan["close_code"], plan["close_reason"].encode("utf-8"))
        while True:
            frame = ws.recv_frame()
            if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                code = struct.unpack("!H", frame.data[:2])[0] if len(frame.data) >= 2 else 1005
                emit({"event": "close", "code": code,
                      "reason": frame.data[2:].decode("utf-8", "replace")})
                break
            emit({"event": "unexpected_frame", "opcode": frame.opcode,
                  "b64": base64.b64encode(frame.data).decode()})
        ws.shutdown()
        emit({"event": "done"})
        return 0
    except (websocket.WebSocketException, OSError, ssl.SSLError, socket.timeout) as e:
        emit({"event": "error", "message": "%s: %s" % (type(e).__name__, e)})
        emit({"event": "failed", "message": str(e)})
        return 1


if __name__ == "__main__":
    sys.exit(main())
