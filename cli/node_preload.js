// flowscope record: the preload that makes Node before 24 use HTTP_PROXY and HTTPS_PROXY.
//
// Why: Node's http and https modules and its bundled fetch (undici) ignore the proxy
// variables unless NODE_USE_ENV_PROXY is understood, as it is from Node 24.5 and 22.21
// (24.0 to 24.4: for fetch only). `flowscope record -- CMD` sets NODE_OPTIONS=--require <this file> (written
// into its temporary directory; the source is cli/node_preload.js, embedded at build time),
// so every node process the command starts loads it before its own code.
//
// What it does, once, at startup (like Node 24 it reads the variables only then):
//  * http.globalAgent becomes an agent that sends requests for http:// origins to the proxy
//    in absolute form (GET http://host:port/path HTTP/1.1);
//  * https.globalAgent becomes an agent that opens a tunnel with CONNECT host:port and then
//    runs TLS to the origin inside it (SNI = the host name, certificates checked against
//    Node's roots plus NODE_EXTRA_CA_CERTS, which flowscope points at its CA);
//  * fetch() gets a global dispatcher (the object undici looks up at
//    globalThis[Symbol.for('undici.globalDispatcher.1')]) that sends each fetch request
//    with http.request through agents of those two kinds (its own, so an application that
//    replaces http.globalAgent does not change where fetch goes).
// Requests that pass an agent or a dispatcher of their own keep it; an agent or dispatcher
// that an earlier preload already installed is kept too. Hosts listed in NO_PROXY/no_proxy,
// and the proxy's own address, are reached directly.
//
// It never throws into the application: a failure prints one line to stderr and leaves
// Node as it was.
'use strict';

(function installFlowscopeProxy() {
  const PREFIX = 'flowscope node preload: ';
  try {
    const http = require('http');
    const https = require('https');
    const net = require('net');
    const { EventEmitter } = require('events');

    // Where NODE_USE_ENV_PROXY works for the http module (Node 24.5+, 22.21+), Node builds
    // its global agent with a proxyEnv option, and fetch honours the variable as well:
    // nothing to do. Node 24.0 to 24.4 honour it for fetch only, so there only the agents
    // are replaced.
    if (http.globalAgent && http.globalAgent.options && http.globalAgent.options.proxyEnv) return;
    const builtinFetch = Number(process.versions.node.split('.')[0]) >= 24;

    const httpProxy = proxyFromEnv('http_proxy', 'HTTP_PROXY');
    const httpsProxy = proxyFromEnv('https_proxy', 'HTTPS_PROXY');
    const noProxy = parseNoProxy(process.env.no_proxy || process.env.NO_PROXY || '');

    // Per-request routing decision, carried from addRequest to createConnection and into
    // the pool key, so direct and proxied sockets are never mixed up.
    const kViaProxy = Symbol('flowscope.viaProxy');

    class ProxyHttpAgent extends http.Agent {
      constructor(proxy, options) {
        super(options);
        this.proxy = proxy;
      }

      addRequest(req, options) {
        const port = Number(options.port) || 80;
        // A Unix socket has no proxy. A path that is not origin-form (already absolute, or
        // '*') means the caller speaks to a proxy of its own: leave that conversation alone.
        const via = !options.socketPath && goesThroughProxy(this.proxy, options.host, port) &&
                    String(req.path).startsWith('/');
        if (via) {
          const absolute = 'http://' + authority(options.host, port, 80) + req.path;
          req.path = absolute;
          // With an Expect header or array headers the request line is already rendered.
          if (typeof req._header === 'string' && req._header) {
            req._header = req._header.replace(/^(\S+ )\S+/, (_, method) => method + absolute);
          }
          const credentials = proxyCredentials(this.proxy);
          if (credentials && !req.headersSent) req.setHeader('Proxy-Authorization', credentials);
        }
        super.addRequest(req, { ...options, [kViaProxy]: via });
      }

      getName(options) {
        return super.getName(options) + (options[kViaProxy] ? ':flowscope-proxy' : '');
      }

      createConnection(options, callback) {
        if (!options[kViaProxy]) return super.createConnection(options, callback);
        return net.connect({ host: this.proxy.hostname, port: this.proxy.port });
      }
    }

    class ProxyHttpsAgent extends https.Agent {
      constructor(proxy, options) {
        super(options);
        this.proxy = proxy;
      }

      addRequest(req, options) {
        const via = !options.socketPath && goesThroughProxy(this.proxy, options.host, Number(options.port) || 443);
        super.addRequest(req, { ...options, [kViaProxy]: via });
      }

      getName(options) {
        return super.getName(options) + (options[kViaProxy] ? ':flowscope-proxy' : '');
      }

      createConnection(options, callback) {
        if (!options[kViaProxy]) return super.createConnection(options, callback);
        openTunnel(this.proxy, options.host, Number(options.port) || 443, (error, socket) => {
          if (error) return callback(error);
          // https.Agent's own createConnection runs tls.connect (servername, session reuse,
          // the request's TLS options) over the socket it is given.
          let tlsSocket;
          try {
            tlsSocket = super.createConnection({ ...options, socket });
          } catch (tlsError) {
            socket.destroy();
            return callback(tlsError);
          }
          callback(null, tlsSocket);
        });
        return undefined;  // the Agent waits for the callback
      }
    }

    // ---- proxy settings

    function proxyFromEnv(...names) {
      for (const name of names) {
        const value = process.env[name];
        if (!value) continue;
        const url = new URL(value.includes('://') ? value : 'http://' + value);
        if (url.protocol !== 'http:') {
          process.stderr.write(PREFIX + name + ' is ' + url.protocol + ' (only http:// proxies are handled); not used\n');
          return null;
        }
        return { hostname: stripBrackets(url.hostname), port: Number(url.port) || 80,
                 username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
      }
      return null;
    }

    function proxyCredentials(proxy) {
      if (!proxy.username && !proxy.password) return null;
      return 'Basic ' + Buffer.from(proxy.username + ':' + proxy.password).toString('base64');
    }

    // NO_PROXY as curl and Node 24 read it: comma- or space-separated names, each matching
    // itself and its subdomains (a leading '.' or '*.' is ignored), an optional :port, or '*'.
    function parseNoProxy(value) {
      return value.split(/[\s,]+/).filter(Boolean).map((entry) => {
        const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(entry.trim().toLowerCase());
        if (!match) return null;
        return { host: stripBrackets(match[1]).replace(/^\*?\./, ''), port: match[2] ? Number(match[2]) : 0 };
      }).filter(Boolean);
    }

    function goesThroughProxy(proxy, rawHost, port) {
      if (!proxy) return false;
      const host = stripBrackets(String(rawHost || 'localhost').toLowerCase()).replace(/\.$/, '');
      if (host === proxy.hostname.toLowerCase() && port === proxy.port) return false;  // the proxy itself
      for (const entry of noProxy) {
        if (entry.port && entry.port !== port) continue;
        if (entry.host === '*' || host === entry.host || host.endsWith('.' + entry.host)) return false;
      }
      return true;
    }

    function stripBrackets(host) {
      return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    }

    function authority(host, port, defaultPort) {
      const name = net.isIPv6(stripBrackets(host)) ? '[' + stripBrackets(host) + ']' : host;
      return port === defaultPort ? name : name + ':' + port;
    }

    // ---- CONNECT

    // Connects to the proxy, asks for a tunnel to host:port and calls back with the plain
    // socket once the proxy answered 200, or with an error that quotes the proxy's answer.
    function openTunnel(proxy, host, port, callback) {
      const target = authority(host, port, -1);
      const socket = net.connect({ host: proxy.hostname, port: proxy.port });
      let head = Buffer.alloc(0);
      let settled = false;
      const settle = (error) => {
        if (settled) return;
        settled = true;
        socket.removeListener('data', onData);
        socket.removeListener('error', settle);
        socket.removeListener('end', onEnd);
        if (error) {
          socket.destroy();
          callback(error);
        } else {
          socket.pause();  // TLS takes over reading
          callback(null, socket);
        }
      };
      const onEnd = () => settle(new Error('the proxy closed the connection before answering CONNECT ' + target));
      const onData = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 65536) settle(new Error('the proxy sent an oversized answer to CONNECT ' + target));
          return;
        }
        const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!/^HTTP\/1\.[01] 200\b/.test(statusLine)) {
          return settle(new Error('the proxy answered CONNECT ' + target + ' with "' + statusLine + '"'));
        }
        // The origin speaks only after our ClientHello, so nothing follows the head here.
        const rest = head.subarray(end + 4);
        if (rest.length) socket.unshift(rest);
        settle(null);
      };
      socket.on('data', onData);
      socket.on('error', settle);
      socket.on('end', onEnd);
      const credentials = proxyCredentials(proxy);
      socket.write('CONNECT ' + target + ' HTTP/1.1\r\nHost: ' + target + '\r\n' +
                   (credentials ? 'Proxy-Authorization: ' + credentials + '\r\n' : '') + '\r\n');
    }

    // ---- fetch

    // A dispatcher in the sense of undici's Dispatcher: fetch calls dispatch(options, handler)
    // once per request, and Node 20's fetch handler expects, in this order:
    //   onConnect(abort)                     before anything else; abort(reason) cancels;
    //   onResponseStarted()                  (optional) the response began;
    //   onHeaders(status, rawHeaders, resume, statusText)
    //                                        rawHeaders = [name, value, …] as Buffers;
    //   onData(chunk)                        a Buffer; returning false means "pause until
    //                                        resume() is called";
    //   onComplete(rawTrailers)              the end; or onError(error) instead, once;
    //   onUpgrade(status, rawHeaders, socket) for a request with options.upgrade (WebSocket).
    // Each request is sent with http.request over the proxy agents above.
    class ProxyFetchDispatcher extends EventEmitter {
      constructor(plainAgent, tlsAgent) {
        super();
        this.plainAgent = plainAgent;
        this.tlsAgent = tlsAgent;
      }

      dispatch(options, handler) {
        let done = false;
        let request = null;
        const fail = (error) => {
          if (done) return;
          done = true;
          if (request) request.destroy();
          handler.onError(error);
        };
        try {
          const url = new URL(options.path, options.origin);
          const secure = url.protocol === 'https:';
          const headers = headerObject(options.headers);
          if (options.upgrade) {
            headers.connection = 'upgrade';
            headers.upgrade = options.upgrade;
          }
          request = (secure ? https : http).request({
            protocol: url.protocol, hostname: stripBrackets(url.hostname), port: url.port || (secure ? 443 : 80),
            path: url.pathname + url.search, method: options.method || 'GET', headers,
            agent: secure ? this.tlsAgent : this.plainAgent,
          });
        } catch (error) {
          process.nextTick(fail, error);
          return true;
        }
        request.on('error', fail);
        request.on('response', (response) => {
          if (done) return response.destroy();
          if (handler.onResponseStarted) handler.onResponseStarted();
          const resume = () => response.resume();
          if (handler.onHeaders(response.statusCode, rawBuffers(response.rawHeaders), resume,
                                response.statusMessage) === false) {
            response.pause();
          }
          response.on('data', (chunk) => {
            if (!done && handler.onData(chunk) === false) response.pause();
          });
          response.on('end', () => {
            if (done) return;
            done = true;
            handler.onComplete(rawBuffers(response.rawTrailers));
          });
          response.on('error', fail);
          response.on('close', () => {
            if (!response.complete) fail(new Error('the response from ' + options.origin + ' was cut off'));
          });
        });
        request.on('upgrade', (response, socket, rest) => {
          if (done) return socket.destroy();
          done = true;
          if (rest && rest.length) socket.unshift(rest);
          handler.onUpgrade(response.statusCode, rawBuffers(response.rawHeaders), socket);
        });
        if (handler.onConnect) handler.onConnect(fail);
        if (!done) sendBody(request, options.body, fail);
        return true;
      }

      close(callback) {
        return this.destroy(null, callback);
      }

      destroy(error, callback) {
        if (typeof error === 'function') callback = error;
        this.plainAgent.destroy();
        this.tlsAgent.destroy();
        if (typeof callback === 'function') return void process.nextTick(callback, null, null);
        return Promise.resolve();
      }
    }

    // undici takes headers as an object (values strings or arrays) or as a flat
    // [name, value, …] array; http.request takes an object whose array values repeat.
    function headerObject(input) {
      const out = {};
      const add = (name, value) => {
        if (value === undefined || value === null) return;
        const key = String(name).toLowerCase();
        const values = Array.isArray(value) ? value.map(String) : [String(value)];
        out[key] = key in out ? [].concat(out[key], values) : (values.length === 1 ? values[0] : values);
      };
      if (Array.isArray(input)) {
        for (let i = 0; i + 1 < input.length; i += 2) add(input[i], input[i + 1]);
      } else if (input && typeof input[Symbol.iterator] === 'function') {
        for (const [name, value] of input) add(name, value);
      } else if (input) {
        for (const name of Object.keys(input)) add(name, input[name]);
      }
      return out;
    }

    function rawBuffers(strings) {
      return (strings || []).map((text) => Buffer.from(text, 'latin1'));
    }

    // fetch hands over its body as an async iterable of Uint8Arrays; undici's own callers
    // may pass a string, a buffer, a stream or a Blob.
    function sendBody(request, body, fail) {
      if (body === undefined || body === null) return request.end();
      if (typeof body === 'string' || body instanceof Uint8Array) return request.end(body);
      if (typeof body.pipe === 'function') {
        body.on('error', fail);
        return body.pipe(request);
      }
      const chunks = typeof body[Symbol.asyncIterator] === 'function' ? body
        : typeof body.stream === 'function' ? body.stream() : null;
      if (!chunks) return fail(new TypeError('flowscope preload: unsupported request body type'));
      (async () => {
        for await (const chunk of chunks) {
          if (request.destroyed) return;
          if (!request.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
            await new Promise((resolve) => {
              request.once('drain', resolve);
              request.once('close', resolve);
            });
          }
        }
        request.end();
      })().catch(fail);
    }

    // ---- installation (after the classes above exist)

    // Keeps Node's own defaults for its global agents (keep-alive, scheduling, timeout).
    const httpAgent = httpProxy && http.globalAgent.constructor === http.Agent
      ? new ProxyHttpAgent(httpProxy, { ...http.globalAgent.options }) : null;
    const httpsAgent = httpsProxy && https.globalAgent.constructor === https.Agent
      ? new ProxyHttpsAgent(httpsProxy, { ...https.globalAgent.options }) : null;
    if (httpAgent) http.globalAgent = httpAgent;
    if (httpsAgent) https.globalAgent = httpsAgent;

    const dispatcherKey = Symbol.for('undici.globalDispatcher.1');
    if (!builtinFetch && (httpProxy || httpsProxy) && globalThis[dispatcherKey] === undefined) {
      const dispatcher = new ProxyFetchDispatcher(
        new ProxyHttpAgent(httpProxy, { keepAlive: true }), new ProxyHttpsAgent(httpsProxy, { keepAlive: true }));
      // The same property shape undici's setGlobalDispatcher() gives it, so that a later
      // call from the application replaces ours as usual.
      Object.defineProperty(globalThis, dispatcherKey,
                            { value: dispatcher, writable: true, enumerable: false, configurable: false });
    }
  } catch (error) {
    process.stderr.write(PREFIX + 'not installed: ' + ((error && error.message) || error) + '\n');
  }
})();
