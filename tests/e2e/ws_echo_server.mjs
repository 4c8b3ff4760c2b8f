// A WebSocket echo origin for test_websocket.py: Node's `ws` (npm) on 127.0.0.1, port 0, over
// plain http (ws://) and, with --cert/--key, over https (wss://), permessage-deflate on.
//
//   node ws_echo_server.mjs [--cert CERT.pem --key KEY.pem] [--no-deflate]
//
// It speaks JSON Lines on stdout so the test can wait on events instead of sleeping:
//   {"event":"listening","ws":PORT,"wss":PORT|null}                                first line
//   {"event":"connection","conn":N,"scheme":"ws"|"wss","path":..,"headers":{..},"extensions":..}
//   {"event":"message","conn":N,"binary":bool,"length":N,"sha256":HEX}            one per message
//   {"event":"first_bytes","conn":N,"hex":..}        the first 16 bytes that arrived after the 101
//   {"event":"ping","conn":N,"data_b64":..}
//   {"event":"close","conn":N,"code":N,"reason":..}
//   {"event":"error","conn":N,"message":..,"code":..}                            ws's own errors
//   {"event":"client_error","scheme":..,"message":..}                            TLS/HTTP errors
//
// Behaviour on each connection: first a server-initiated text message
// "hello from origin <scheme> <path>", then every data message is echoed with its own type,
// pings are answered with a pong (ws does that itself), and a close is echoed with the same code
// and reason (ws does that too). A path with `fragments=N` in its query makes the echo of each
// data message go as N frames (cut at byte offsets; fewer when the message is shorter), each
// reported as {"event":"echo","conn":N,"fragments":N}. The process ends when stdin closes.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { WebSocketServer } from "ws";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const deflate = !args.includes("--no-deflate");

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

let nextConn = 1;

function attach(server, scheme) {
  server.on("clientError", (err) => emit({ event: "client_error", scheme, message: String(err && err.message) }));
  server.on("tlsClientError", (err) => emit({ event: "client_error", scheme, message: String(err && err.message) }));
  const wss = new WebSocketServer({ server, perMessageDeflate: deflate, maxPayload: 64 * 1024 * 1024 });
  wss.on("connection", (ws, req) => {
    const conn = nextConn++;
    emit({ event: "connection", conn, scheme, path: req.url, headers: req.headers,
           extensions: ws.extensions || "" });
    // What the first bytes after the 101 look like (a frame header, or e.g. a TLS record
    // header 17 03 03 when a proxy relays the wrong layer): a second listener, ws keeps its own.
    req.socket.once("data", (chunk) => emit({ event: "first_bytes", conn, hex: chunk.subarray(0, 16).toString("hex") }));
    const wanted = Number(new URL(req.url, "http://origin").searchParams.get("fragments") || 1);
    ws.on("message", (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      emit({ event: "message", conn, binary: isBinary, length: buf.length,
             sha256: createHash("sha256").update(buf).digest("hex") });
      const fragments = Math.max(1, Math.min(wanted, buf.length));
      for (let i = 0; i < fragments; i++) {
        const piece = buf.subarray(Math.floor((i * buf.length) / fragments),
                                   Math.floor(((i + 1) * buf.length) / fragments));
        ws.send(piece, { binary: isBinary, fin: i === fragments - 1 });
      }
      if (wanted > 1) emit({ event: "echo", conn, fragments });
    });
    ws.on("ping", (data) => emit({ event: "ping", conn, data_b64: Buffer.from(data).toString("base64") }));
    ws.on("close", (code, reason) => emit({ event: "close", conn, code, reason: Buffer.from(reason).toString("utf8") }));
    ws.on("error", (err) => emit({ event: "error", conn, message: String(err && err.message), code: err && err.code }));
    ws.send("hello from origin " + scheme + " " + req.url);
  });
  wss.on("error", (err) => emit({ event: "error", conn: 0, message: String(err && err.message) }));
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

const plain = http.createServer((req, res) => {
  res.writeHead(426, { "Content-Type": "text/plain" });
  res.end("websocket only\n");
});
attach(plain, "ws");
const wsPort = await listen(plain);

let wssPort = null;
let secure = null;
if (opt("--cert")) {
  secure = https.createServer({ cert: readFileSync(opt("--cert")), key: readFileSync(opt("--key")) }, (req, res) => {
    res.writeHead(426, { "Content-Type": "text/plain" });
    res.end("websocket only\n");
  });
  attach(secure, "wss");
  wssPort = await listen(secure);
}

emit({ event: "listening", ws: wsPort, wss: wssPort });

// The test owns this process through its stdin: EOF means stop.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
