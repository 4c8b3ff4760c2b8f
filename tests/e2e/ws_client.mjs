// A real WebSocket client for test_websocket.py: Node's `ws` (npm) through flowscope.
//
//   node ws_client.mjs PLAN.json
//
// PLAN: {"url": "ws://…" | "wss://…", "proxy": "http://127.0.0.1:PORT", "ca": PEM path | null,
//        "deflate": bool, "messages": [{"binary": bool, "b64": …, "fragments": N, "ping_b64": …}],
//        "ping_b64": …, "close_code": 1000, "close_reason": "bye", "hold": bool}
//
// A message with "fragments" > 1 is sent as that many frames (ws.send(piece, {fin: false}) …
// {fin: true}), cut at byte offsets, so a text message may be cut inside a character; with
// the message's own "ping_b64" a ping goes between its first and second fragment, and its
// pong is awaited after the echo. With "hold" the client reports `holding` once the pong is
// back and waits for its stdin to close before it closes the socket, so the test can look at
// the proxy while the socket is open.
//
// ws:// goes through http-proxy-agent, which sends the upgrade as an absolute-form
// `GET ws-url-as-http://host:port/path` to the proxy (no CONNECT). wss:// goes through
// https-proxy-agent: `CONNECT host:port`, then TLS inside the tunnel, verified against PLAN.ca
// (flowscope's CA) through ws's `ca` option, which reaches tls.connect.
//
// The client waits for the origin's greeting, then sends each message and waits for its echo,
// then pings and waits for the pong, then closes and waits for the close. It reports JSON Lines
// on stdout: upgrade (status, headers), open (peer_port), message (binary, b64), pong (b64),
// close (code, reason, clean), error (message, code), unexpected_response (status, body),
// holding, done.
// The test compares bytes; this script only drives the conversation.

import { readFileSync } from "node:fs";
import { HttpProxyAgent } from "http-proxy-agent";
import { HttpsProxyAgent } from "https-proxy-agent";
import WebSocket from "ws";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// process.exit() drops stdout that is still queued for the pipe (megabytes of echoes are):
// exit once the last write has been handed over.
function exitAfterOutput(code) {
  process.stdout.write("", () => process.exit(code));
}

const secure = plan.url.startsWith("wss:");
const ca = plan.ca ? readFileSync(plan.ca) : undefined;
const agent = secure ? new HttpsProxyAgent(plan.proxy) : new HttpProxyAgent(plan.proxy);
const options = { agent, perMessageDeflate: !!plan.deflate, maxPayload: 64 * 1024 * 1024 };
if (secure && ca) options.ca = ca;

const ws = new WebSocket(plan.url, options);

// Each incoming event resolves the oldest waiter of its kind, or queues up for a later one.
const queues = { message: [], pong: [], close: [] };
const waiters = { message: [], pong: [], close: [] };
let failed = null;
function push(kind, value) {
  const w = waiters[kind].shift();
  if (w) w.resolve(value);
  else queues[kind].push(value);
}
function next(kind) {
  if (queues[kind].length) return Promise.resolve(queues[kind].shift());
  if (failed) return Promise.reject(failed);
  return new Promise((resolve, reject) => waiters[kind].push({ resolve, reject }));
}
function failAll(err) {
  failed = err;
  for (const kind of Object.keys(waiters)) {
    for (const w of waiters[kind].splice(0)) w.reject(err);
  }
}

ws.on("upgrade", (res) => {
  emit({ event: "upgrade", status: res.statusCode, headers: res.headers });
  // No 'data' listener here: one added before ws's own puts the socket in flowing mode, and
  // ws's unshift(head) then hands a greeting that came with the 101 to that listener only.
  // The origin reports the first bytes it gets (ws_echo_server.mjs), which is what matters.
});
ws.on("unexpected-response", (req, res) => {
  const chunks = [];
  res.on("data", (c) => chunks.push(c));
  res.on("end", () => {
    emit({ event: "unexpected_response", status: res.statusCode, headers: res.headers,
           body: Buffer.concat(chunks).toString("utf8") });
    failAll(new Error("unexpected response " + res.statusCode));
  });
});
ws.on("message", (data, isBinary) => {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  emit({ event: "message", binary: isBinary, b64: buf.toString("base64") });
  push("message", buf);
});
ws.on("pong", (data) => {
  emit({ event: "pong", b64: Buffer.from(data).toString("base64") });
  push("pong", data);
});
ws.on("error", (err) => {
  emit({ event: "error", message: String(err && err.message), code: err && err.code });
  failAll(err);
});
ws.on("close", (code, reason) => {
  emit({ event: "close", code, reason: Buffer.from(reason).toString("utf8") });
  push("close", code);
  if (!failed) failAll(new Error("closed with " + code));
});

function opened() {
  return new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
    ws.once("close", (code) => reject(new Error("closed before open (" + code + ")")));
    ws.once("unexpected-response", (req, res) => reject(new Error("unexpected response " + res.statusCode)));
  });
}

try {
  await opened();
  // The TCP peer: the proxy's port when the client really went through it. For wss:// the TLS
  // socket sits on the tunnel's socket, which knows the peer.
  const sock = ws._socket;
  const peerPort = sock.remotePort ?? (sock._parent && sock._parent.remotePort) ?? null;
  const localPort = sock.localPort ?? (sock._parent && sock._parent.localPort) ?? null;
  emit({ event: "open", extensions: ws.extensions, peer_port: peerPort, local_port: localPort });
  await next("message"); // the origin's greeting
  for (const m of plan.messages) {
    const data = Buffer.from(m.b64, "base64");
    const fragments = Math.max(1, Math.min(m.fragments || 1, data.length));
    if (fragments === 1) {
      ws.send(m.binary ? data : data.toString("utf8"), { binary: m.binary });
    } else {
      // Buffers for text too: the pieces are cut at byte offsets, not characters.
      for (let i = 0; i < fragments; i++) {
        const piece = data.subarray(Math.floor((i * data.length) / fragments),
                                    Math.floor(((i + 1) * data.length) / fragments));
        ws.send(piece, { binary: m.binary, fin: i === fragments - 1 });
        if (i === 0 && m.ping_b64) ws.ping(Buffer.from(m.ping_b64, "base64"));
      }
    }
    await next("message");
    if (fragments > 1 && m.ping_b64) await next("pong");
  }
  ws.ping(Buffer.from(plan.ping_b64, "base64"));
  await next("pong");
  if (plan.hold) {
    emit({ event: "holding" });
    await new Promise((resolve) => {
      process.stdin.on("end", resolve);
      process.stdin.on("error", resolve);
      process.stdin.resume();
    });
  }
  ws.close(plan.close_code, plan.close_reason);
  await next("close");
  emit({ event: "done" });
  exitAfterOutput(0);
} catch (err) {
  emit({ event: "failed", message: String(err && err.message) });
  // Give the 'close' event a chance to be reported when the error came first.
  if (ws.readyState !== WebSocket.CLOSED) {
    ws.once("close", () => exitAfterOutput(1));
    ws.terminate();
  } else {
    exitAfterOutput(1);
  }
}
