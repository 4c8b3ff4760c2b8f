// The Node client that test_record_node.py runs under `flowscope record`: fetch() and the
// http/https modules, plain and TLS, with plain and streamed bodies both ways. It uses no proxy
// setting of its own; whatever reaches the proxy does so through what record set up.
// Usage: node record_node_client.js PLAIN_BASE TLS_BASE [BYPASS_BASE]
// Prints one JSON object: {name: {status, body}} per request, plus the preload markers.
'use strict';
const http = require('http');
const https = require('https');

const [plain, tls, bypass] = process.argv.slice(2);

function collect(res) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    res.on('data', (chunk) => chunks.push(chunk));
    res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', reject);
  });
}

function get(module, url) {
  return new Promise((resolve, reject) => module.get(url, (res) => collect(res).then(resolve, reject)).on('error', reject));
}

// A POST whose body goes out in three writes without a length (chunked).
function postInParts(module, url, parts) {
  return new Promise((resolve, reject) => {
    const req = module.request(url, { method: 'POST', headers: { 'content-type': 'text/plain' } },
                               (res) => collect(res).then(resolve, reject));
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

async function fetchText(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}

// Reads the first part of /stream, then asks for /ack, then reads the rest: this only finishes
// with the right body if every hop hands the first part on before the response ends.
async function fetchStreamed(base, key) {
  const res = await fetch(base + '/stream?run=' + key);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  while (!body.includes('part-1 ' + key)) {
    const { value, done } = await reader.read();
    if (done) break;
    body += decoder.decode(value, { stream: true });
  }
  const ack = await fetchText(base + '/ack?run=' + key);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    body += decoder.decode(value, { stream: true });
  }
  return { status: res.status, body, ack: ack.body };
}

function getStreamed(module, base, key) {
  return new Promise((resolve, reject) => {
    module.get(base + '/stream?run=' + key, (res) => {
      let body = '';
      let acked = null;
      res.setEncoding('utf8');
      res.on('data', (text) => {
        body += text;
        if (acked === null && body.includes('part-1 ' + key)) {
          acked = get(module, base + '/ack?run=' + key);
        }
      });
      res.on('end', () => Promise.resolve(acked).then((ack) => resolve({ status: res.statusCode, body, ack: ack && ack.body })));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function streamOf(parts) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function main() {
  const out = { node: process.versions.node, userPreload: globalThis.flowscopeE2eUserPreload === true };
  out.fetchGetPlain = await fetchText(plain + '/hello?client=fetch-get');
  out.fetchGetTls = await fetchText(tls + '/hello?client=fetch-get');
  out.fetchPostTls = await fetchText(tls + '/echo?client=fetch-post', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'fetch' }),
  });
  out.fetchPostStreamPlain = await fetchText(plain + '/echo?client=fetch-post-stream', {
    method: 'POST', body: streamOf(['one,', 'two,', 'three']), duplex: 'half',
  });
  out.fetchStreamTls = await fetchStreamed(tls, 'fetch-tls');
  out.httpGet = await get(http, plain + '/hello?client=http-get');
  out.httpsGet = await get(https, tls + '/hello?client=https-get');
  out.httpsPost = await postInParts(https, tls + '/echo?client=https-post', ['alpha,', 'beta,', 'gamma']);
  out.httpStream = await getStreamed(http, plain, 'http-plain');
  out.httpsStream = await getStreamed(https, tls, 'https-tls');
  if (bypass) {
    out.bypassFetch = await fetchText(bypass + '/hello?client=fetch-bypass');
    out.bypassHttp = await get(http, bypass + '/hello?client=http-bypass');
  }
  console.log(JSON.stringify(out));
}

main().catch((error) => {
  console.error('record_node_client failed:', error, error && error.cause);
  process.exit(1);
});
