// wsload: the WebSocket benchmark's two ends, a wss:// echo origin and a load client that keeps
// K messages in flight per connection, directly or through an HTTP proxy (CONNECT, then TLS in
// the tunnel). Standalone like loadgen: it does not link flowscope_core.
//
//   wsload server --cert C --key K          prints "listening PORT" once, echoes until killed
//   wsload client wss://127.0.0.1:PORT/ [--proxy HOST:PORT] --cacert CA -d S -k K -s BYTES
//                 [-c CONNS] [--json FILE]
//
// The client is one thread and poll(2) over non-blocking sockets: it never stops reading while
// it writes, so neither side can deadlock on full socket buffers whatever K is. Every message
// is the same pre-masked binary frame (one 64 KiB constant payload, one mask), so sending costs
// one SSL_write and no per-message work. Received payload is counted, not copied or checked
// beyond its length. The server is a thread per connection with blocking I/O: it unmasks each
// frame in place and writes it back as one unmasked frame of the same opcode. Both ends are
// cheap next to TLS, so the measurement is dominated by what sits between them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::string ssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown error" : out;
}

[[noreturn]] void die(const std::string& msg) {
  std::cerr << "wsload: " << msg << '\n';
  std::exit(2);
}

bool is_ip(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

int tcp_connect(const std::string& host, const std::string& port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr)
    die("cannot resolve " + host);
  int fd = socket(res->ai_family, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0)
    die("connect " + host + ":" + port + ": " + std::strerror(errno));
  freeaddrinfo(res);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads from fd (plain) until the end of an HTTP head; returns the head, leaves the rest in extra.
std::string read_head_plain(int fd, std::string& extra) {
  std::string buf;
  char tmp[4096];
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      extra = buf.substr(end + 4);
      return buf.substr(0, end + 4);
    }
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) die("connection closed before the end of an HTTP head");
    buf.append(tmp, static_cast<size_t>(n));
  }
}

std::string ws_accept(const std::string& key) {
  std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), md);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, md, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

void xor_mask(unsigned char* p, size_t n, const unsigned char mask[4], size_t phase) {
  unsigned char m[8];
  for (int i = 0; i < 8; ++i) m[i] = mask[(phase + i) & 3];
  uint64_t m64;
  std::memcpy(&m64, m, 8);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    v ^= m64;
    std::memcpy(p + i, &v, 8);
  }
  for (; i < n; ++i) p[i] ^= mask[(phase + i) & 3];
}

std::string frame_header(unsigned opcode, uint64_t len, const unsigned char* mask) {
  std::string h;
  h.push_back(static_cast<char>(0x80 | opcode));
  unsigned char mbit = mask ? 0x80 : 0;
  if (len < 126) {
    h.push_back(static_cast<char>(mbit | len));
  } else if (len <= 0xffff) {
    h.push_back(static_cast<char>(mbit | 126));
    h.push_back(static_cast<char>(len >> 8));
    h.push_back(static_cast<char>(len & 0xff));
  } else {
    h.push_back(static_cast<char>(mbit | 127));
    for (int i = 7; i >= 0; --i) h.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
  if (mask) h.append(reinterpret_cast<const char*>(mask), 4);
  return h;
}

// Parses a frame header at p[0..n); returns its size, or 0 when incomplete.
size_t parse_header(const unsigned char* p, size_t n, unsigned& opcode, bool& fin, uint64_t& len,
                    bool& masked, unsigned char mask[4]) {
  if (n < 2) return 0;
  fin = p[0] & 0x80;
  opcode = p[0] & 0x0f;
  masked = p[1] & 0x80;
  len = p[1] & 0x7f;
  size_t off = 2;
  if (len == 126) {
    if (n < 4) return 0;
    len = (uint64_t{p[2]} << 8) | p[3];
    off = 4;
  } else if (len == 127) {
    if (n < 10) return 0;
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
    off = 10;
  }
  if (masked) {
    if (n < off + 4) return 0;
    std::memcpy(mask, p + off, 4);
    off += 4;
  }
  return off;
}

// ---------------------------------------------------------------------------------------------
// Server: thread per connection, blocking.

bool ssl_write_all(SSL* ssl, const void* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    size_t w = 0;
    if (SSL_write_ex(ssl, static_cast<const char*>(data) + done, len - done, &w) != 1) return false;
    done += w;
  }
  return true;
}

void serve(SSL_CTX* ctx, int fd) {
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::vector<unsigned char> in(256 * 1024);
  size_t have = 0;
  std::string out;
  if (SSL_accept(ssl) != 1) goto done;
  {
    // The upgrade request.
    std::string head;
    for (;;) {
      size_t got = 0;
      if (SSL_read_ex(ssl, in.data() + have, in.size() - have, &got) != 1) goto done;
      have += got;
      head.assign(reinterpret_cast<char*>(in.data()), have);
      if (auto end = head.find("\r\n\r\n"); end != std::string::npos) {
        std::memmove(in.data(), in.data() + end + 4, have - end - 4);
        have -= end + 4;
        head.resize(end + 4);
        break;
      }
      if (have == in.size()) goto done;
    }
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    auto k = lower.find("\r\nsec-websocket-key:");
    if (k == std::string::npos) {
      const char r[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ssl_write_all(ssl, r, sizeof r - 1);
      goto done;
    }
    auto vb = k + std::strlen("\r\nsec-websocket-key:");
    auto ve = head.find("\r\n", vb);
    std::string key = head.substr(vb, ve - vb);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    std::string resp =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        ws_accept(key) + "\r\n\r\n";
    if (!ssl_write_all(ssl, resp.data(), resp.size())) goto done;
  }
  for (;;) {
    // Echo every complete frame in the buffer, in one write.
    size_t pos = 0;
    out.clear();
    bool closing = false;
    for (;;) {
      unsigned opcode;
      bool fin, masked;
      uint64_t len;
      unsigned char mask[4];
      size_t hl = parse_header(in.data() + pos, have - pos, opcode, fin, len, masked, mask);
      if (hl == 0) break;
      if (len > 64 * 1024 * 1024) goto done;
      if (hl + len > in.size()) in.resize(hl + len + 64 * 1024);
      if (have - pos < hl + len) break;
      unsigned char* payload = in.data() + pos + hl;
      if (masked) xor_mask(payload, len, mask, 0);
      unsigned reply = opcode == 0x9 ? 0xA : opcode;  // ping → pong, close echoed
      if (opcode != 0xA) {
        std::string h = frame_header(reply, len, nullptr);
        if (!fin) h[0] = static_cast<char>(h[0] & 0x7f);
        out += h;
        out.append(reinterpret_cast<char*>(payload), len);
      }
      if (opcode == 0x8) closing = true;
      pos += hl + len;
    }
    if (pos) {
      std::memmove(in.data(), in.data() + pos, have - pos);
      have -= pos;
    }
    if (!out.empty() && !ssl_write_all(ssl, out.data(), out.size())) goto done;
    if (closing) break;
    if (have == in.size()) in.resize(in.size() * 2);
    size_t got = 0;
    if (SSL_read_ex(ssl, in.data() + have, in.size() - have, &got) != 1) break;
    have += got;
  }
  SSL_shutdown(ssl);
done:
  SSL_free(ssl);
  close(fd);
}

int run_server(const std::string& cert, const std::string& key, const std::string& host) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    die("cannot load " + cert + " / " + key + ": " + ssl_errors());
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd, 128) != 0)
    die(std::string("cannot listen: ") + std::strerror(errno));
  socklen_t al = sizeof a;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &al);
  std::cout << "listening " << ntohs(a.sin_port) << std::endl;
  for (;;) {
    int fd = accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(serve, ctx, fd).detach();
  }
}

// ---------------------------------------------------------------------------------------------
// Client: one thread, poll over non-blocking sockets.

struct Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  // Writing: the frame being sent, and how much of it is out.
  size_t sent_in_frame = 0;
  bool sending = false;
  unsigned inflight = 0;
  std::deque<Clock::time_point> started;  // send start of each message in flight
  // Reading: the frame being received.
  std::vector<unsigned char> hdr;  // partial header bytes
  uint64_t remaining = 0;          // payload bytes still to come in the current frame
  uint64_t msg_len = 0;
  bool in_payload = false, frame_fin = false;
  unsigned frame_op = 0;
  bool want_write_on_read = false, want_read_on_write = false;
  bool closed = false;
};

struct Totals {
  uint64_t sent_msgs = 0, sent_bytes = 0, recv_msgs = 0, recv_bytes = 0, bad = 0;
  std::vector<double> rtt_ms;
};

std::string error_of(SSL* ssl, int rc, const char* what) {
  int e = SSL_get_error(ssl, rc);
  return std::string(what) + ": SSL error " + std::to_string(e) + " " + ssl_errors();
}

int run_client(const std::string& url, const std::string& proxy, const std::string& cacert,
               double duration, unsigned inflight, size_t size, unsigned conns,
               const std::string& json_path) {
  // wss://host:port/path
  if (url.rfind("wss://", 0) != 0) die("only wss:// URLs");
  std::string rest = url.substr(6);
  std::string hostport = rest.substr(0, rest.find('/'));
  std::string path = rest.find('/') == std::string::npos ? "/" : rest.substr(rest.find('/'));
  std::string host = hostport.substr(0, hostport.rfind(':'));
  std::string port =
      hostport.find(':') == std::string::npos ? "443" : hostport.substr(hostport.rfind(':') + 1);

  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, cacert.c_str(), nullptr) != 1)
    die("cannot load CA " + cacert + ": " + ssl_errors());

  // One pre-masked frame, sent again and again.
  const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string frame = frame_header(0x2, size, mask);
  size_t hlen = frame.size();
  frame.append(size, 'x');
  xor_mask(reinterpret_cast<unsigned char*>(frame.data()) + hlen, size, mask, 0);

  auto t_setup = Clock::now();
  std::vector<Conn> cs(conns);
  for (auto& c : cs) {
    if (proxy.empty()) {
      c.fd = tcp_connect(host, port);
    } else {
      auto colon = proxy.rfind(':');
      c.fd = tcp_connect(proxy.substr(0, colon), proxy.substr(colon + 1));
      std::string req = "CONNECT " + hostport + " HTTP/1.1\r\nHost: " + hostport + "\r\n\r\n";
      if (::write(c.fd, req.data(), req.size()) != static_cast<ssize_t>(req.size()))
        die("CONNECT write");
      std::string extra;
      std::string head = read_head_plain(c.fd, extra);
      if (head.find(" 200") == std::string::npos || head.find(" 200") > head.find("\r\n"))
        die("proxy refused CONNECT: " + head.substr(0, head.find("\r\n")));
      if (!extra.empty()) die("bytes after the CONNECT answer");
    }
    c.ssl = SSL_new(ctx);
    SSL_set_fd(c.ssl, c.fd);
    if (!is_ip(host)) SSL_set_tlsext_host_name(c.ssl, host.c_str());
    if (is_ip(host) ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c.ssl), host.c_str()) != 1
                    : SSL_set1_host(c.ssl, host.c_str()) != 1)
      die("cannot set the name to verify");
    if (SSL_connect(c.ssl) != 1)
      die("TLS handshake: " + ssl_errors() +
          " (verify: " + X509_verify_cert_error_string(SSL_get_verify_result(c.ssl)) + ")");
    std::string up =
        "GET " + path + " HTTP/1.1\r\nHost: " + hostport +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (!ssl_write_all(c.ssl, up.data(), up.size())) die("upgrade write: " + ssl_errors());
    std::string head;
    char b;
    // Byte by byte, so nothing after the 101 is consumed here (the server sends nothing first).
    while (head.size() < 8192 && head.find("\r\n\r\n") == std::string::npos) {
      if (SSL_read(c.ssl, &b, 1) != 1) die("connection closed during the upgrade: " + ssl_errors());
      head.push_back(b);
    }
    if (head.rfind("HTTP/1.1 101", 0) != 0)
      die("upgrade refused: " + head.substr(0, head.find("\r\n")));
    if (head.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == std::string::npos)
      die("bad Sec-WebSocket-Accept");
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  }
  double setup_s = std::chrono::duration<double>(Clock::now() - t_setup).count();

  Totals t;
  std::string error;
  std::vector<unsigned char> rbuf(256 * 1024);
  auto t0 = Clock::now();
  auto deadline =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(duration));
  std::vector<pollfd> pfds(conns);
  bool running = true;
  while (running && error.empty()) {
    auto now = Clock::now();
    if (now >= deadline) break;
    for (size_t i = 0; i < conns; ++i) {
      auto& c = cs[i];
      // Read everything there is.
      for (;;) {
        size_t got = 0;
        int rc = SSL_read_ex(c.ssl, rbuf.data(), rbuf.size(), &got);
        if (rc != 1) {
          int e = SSL_get_error(c.ssl, rc);
          if (e == SSL_ERROR_WANT_READ) break;
          if (e == SSL_ERROR_WANT_WRITE) {
            c.want_write_on_read = true;
            break;
          }
          error = e == SSL_ERROR_ZERO_RETURN ? "the peer closed the connection"
                                             : error_of(c.ssl, rc, "TLS read");
          break;
        }
        const unsigned char* p = rbuf.data();
        size_t n = got;
        while (n > 0) {
          if (!c.in_payload) {
            size_t take = std::min<size_t>(n, 14 - std::min<size_t>(14, c.hdr.size()));
            size_t before = c.hdr.size();
            c.hdr.insert(c.hdr.end(), p, p + take);
            unsigned op;
            bool fin, masked;
            uint64_t len;
            unsigned char m[4];
            size_t hl = parse_header(c.hdr.data(), c.hdr.size(), op, fin, len, masked, m);
            if (hl == 0) {
              p += take;
              n -= take;
              continue;
            }
            size_t used = hl - before;  // header bytes taken from this read
            p += used;
            n -= used;
            c.hdr.clear();
            c.in_payload = true;
            c.remaining = len;
            c.frame_fin = fin;
            if (op != 0) c.frame_op = op;
          }
          size_t take = static_cast<size_t>(std::min<uint64_t>(n, c.remaining));
          c.remaining -= take;
          c.msg_len += take;
          p += take;
          n -= take;
          if (c.remaining == 0) {
            c.in_payload = false;
            if (c.frame_fin) {
              if (c.frame_op == 0x2 || c.frame_op == 0x1) {
                if (c.msg_len != size) t.bad++;
                t.recv_msgs++;
                t.recv_bytes += c.msg_len;
                if (c.inflight) c.inflight--;
                if (!c.started.empty()) {
                  t.rtt_ms.push_back(
                      std::chrono::duration<double, std::milli>(Clock::now() - c.started.front())
                          .count());
                  c.started.pop_front();
                }
              } else if (c.frame_op == 0x8) {
                error = "the server sent a close frame";
              }
              c.msg_len = 0;
            }
          }
        }
      }
      if (!error.empty()) break;
      // Write while there is room for another message in flight (read first: an echo that frees
      // a slot is followed by the next send before any poll).
      for (;;) {
        if (!c.sending) {
          if (c.inflight >= inflight) break;
          c.sending = true;
          c.sent_in_frame = 0;
          c.inflight++;
          c.started.push_back(Clock::now());
        }
        size_t w = 0;
        int rc =
            SSL_write_ex(c.ssl, frame.data() + c.sent_in_frame, frame.size() - c.sent_in_frame, &w);
        if (rc == 1) {
          c.sent_in_frame += w;
          if (c.sent_in_frame == frame.size()) {
            c.sending = false;
            t.sent_msgs++;
            t.sent_bytes += size;
          }
          continue;
        }
        int e = SSL_get_error(c.ssl, rc);
        if (e == SSL_ERROR_WANT_WRITE) break;
        if (e == SSL_ERROR_WANT_READ) {
          c.want_read_on_write = true;
          break;
        }
        error = error_of(c.ssl, rc, "TLS write");
        break;
      }
      short ev = POLLIN;
      if (c.sending || c.want_write_on_read) ev |= POLLOUT;
      pfds[i] = pollfd{c.fd, ev, 0};
      c.want_write_on_read = c.want_read_on_write = false;
    }
    if (!error.empty()) break;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    // SSL may hold decrypted bytes the socket no longer shows: poll only when none are pending.
    bool pending = false;
    for (auto& c : cs) pending |= SSL_pending(c.ssl) > 0;
    if (!pending) poll(pfds.data(), pfds.size(), static_cast<int>(std::min<long long>(left, 100)));
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& c : cs) {
    // A close frame, best effort; the measurement is over.
    close(c.fd);
    SSL_free(c.ssl);
  }
  std::sort(t.rtt_ms.begin(), t.rtt_ms.end());
  auto pct = [&](double q) {
    return t.rtt_ms.empty()
               ? 0.0
               : t.rtt_ms[std::min(t.rtt_ms.size() - 1, static_cast<size_t>(q * t.rtt_ms.size()))];
  };
  nlohmann::json j = {
      {"url", url},
      {"proxy", proxy},
      {"connections", conns},
      {"inflight", inflight},
      {"message_size", size},
      {"setup_s", setup_s},
      {"elapsed_s", elapsed},
      {"sent_messages", t.sent_msgs},
      {"sent_bytes", t.sent_bytes},
      {"echoed_messages", t.recv_msgs},
      {"echoed_bytes", t.recv_bytes},
      {"bad_lengths", t.bad},
      {"messages_per_s", t.recv_msgs / elapsed},
      {"up_mib_per_s", t.sent_bytes / elapsed / (1 << 20)},
      {"down_mib_per_s", t.recv_bytes / elapsed / (1 << 20)},
      {"rtt_ms",
       {{"p50", pct(0.5)}, {"p99", pct(0.99)}, {"max", t.rtt_ms.empty() ? 0.0 : t.rtt_ms.back()}}},
      {"error", error.empty() ? nlohmann::json() : nlohmann::json(error)}};
  std::cout << j.dump(1) << '\n';
  if (!json_path.empty()) std::ofstream(json_path) << j.dump(1) << '\n';
  return error.empty() && t.recv_msgs > 0 && t.bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"wsload: wss:// echo origin (server) and load client (client) for run_bench.py"};
  app.require_subcommand(1);
  auto* srv = app.add_subcommand("server", "wss:// echo server on 127.0.0.1, port 0");
  std::string cert, key, listen_host = "127.0.0.1";
  srv->add_option("--cert", cert)->required();
  srv->add_option("--key", key)->required();
  auto* cli = app.add_subcommand("client", "keep K messages in flight for D seconds");
  std::string url, proxy, cacert, json_path;
  double duration = 10;
  unsigned inflight = 1, conns = 1;
  size_t size = 64 * 1024;
  cli->add_option("url", url, "wss://host:port/path")->required();
  cli->add_option("--proxy", proxy, "HTTP proxy host:port (CONNECT)");
  cli->add_option("--cacert", cacert, "CA bundle to verify the server (or the proxy's leaf)")
      ->required();
  cli->add_option("-d,--duration", duration)->capture_default_str();
  cli->add_option("-k,--inflight", inflight, "messages in flight per connection")
      ->capture_default_str();
  cli->add_option("-s,--size", size, "binary message size in bytes")->capture_default_str();
  cli->add_option("-c,--connections", conns)->capture_default_str();
  cli->add_option("--json", json_path);
  CLI11_PARSE(app, argc, argv);
  if (*srv) return run_server(cert, key, listen_host);
  return run_client(url, proxy, cacert, duration, inflight, size, conns, json_path);
}
