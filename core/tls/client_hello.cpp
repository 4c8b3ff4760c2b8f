#include "core/tls/client_hello.hpp"

#include <cstdint>

namespace flowscope::tls {

namespace {

constexpr std::size_t kMaxHelloBytes = 64 * 1024;

// A bounds-checked reader over a byte string; any overrun marks it bad.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  std::size_t left() const { return data_.size() - pos_; }
  std::uint32_t u8() { return take(1); }
  std::uint32_t u16() { return take(2); }
  std::uint32_t u24() { return take(3); }
  std::string_view bytes(std::size_t n) {
    if (left() < n) {
      ok_ = false;
      return {};
    }
    auto out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  std::uint32_t take(std::size_t n) {
    if (left() < n) {
      ok_ = false;
      return 0;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Plain HTTP inside a tunnel starts with a method and a space.
Sniffed classify_plain(std::string_view data) {
  static constexpr std::string_view kMethods[] = {"GET ",     "POST ",  "PUT ",   "HEAD ",    "DELETE ",
                                                  "OPTIONS ", "PATCH ", "TRACE ", "CONNECT "};
  bool could_be = false;
  for (auto m : kMethods) {
    if (data.starts_with(m)) return Sniffed::kHttp;
    if (m.starts_with(data)) could_be = true;
  }
  return could_be ? Sniffed::kNeedMore : Sniffed::kOther;
}

void parse_extensions(Reader& ext, ClientHello& hello) {
  while (ext.ok() && ext.left() >= 4) {
    std::uint32_t type = ext.u16();
    Reader body(ext.bytes(ext.u16()));
    if (type == 0x0000) {  // server_name
      Reader list(body.bytes(body.u16()));
      while (list.ok() && list.left() >= 3) {
        std::uint32_t name_type = list.u8();
        std::string_view name = list.bytes(list.u16());
        if (name_type == 0 && list.ok()) {
          hello.sni = std::string(name);
          break;
        }
      }
    } else if (type == 0x0010) {  // application_layer_protocol_negotiation
      Reader list(body.bytes(body.u16()));
      while (list.ok() && list.left() >= 1) {
        std::string_view proto = list.bytes(list.u8());
        if (list.ok()) hello.alpn.emplace_back(proto);
      }
    }
  }
}

}  // namespace

SniffResult sniff(std::string_view data) {
  SniffResult result;
  if (data.empty()) return result;
  if (static_cast<unsigned char>(data[0]) != 0x16) {
    result.kind = classify_plain(data);
    return result;
  }
  // The ClientHello handshake message may span several TLS records: reassemble.
  std::string handshake;
  std::string_view rest = data;
  while (true) {
    if (rest.size() < 5) return result;
    Reader record(rest);
    std::uint32_t content_type = record.u8();
    std::uint32_t major = record.u8();
    record.u8();
    std::uint32_t length = record.u16();
    if (content_type != 0x16 || major != 3 || length == 0 || length > 16384 + 2048) {
      result.kind = Sniffed::kOther;
      return result;
    }
    if (rest.size() < 5 + length) return result;
    handshake.append(rest.substr(5, length));
    rest.remove_prefix(5 + length);
    if (handshake.size() >= 4) {
      Reader head(handshake);
      if (head.u8() != 0x01) {  // not a ClientHello
        result.kind = Sniffed::kOther;
        return result;
      }
      std::uint32_t body_length = head.u24();
      if (body_length > kMaxHelloBytes) {
        result.kind = Sniffed::kOther;
        return result;
      }
      if (handshake.size() >= 4 + body_length) break;
    }
  }

  Reader hello(std::string_view(handshake).substr(4));
  hello.u16();                     // legacy_version
  hello.bytes(32);                 // random
  hello.bytes(hello.u8());         // legacy_session_id
  hello.bytes(hello.u16());        // cipher_suites
  hello.bytes(hello.u8());         // legacy_compression_methods
  if (!hello.ok()) {
    result.kind = Sniffed::kOther;
    return result;
  }
  result.kind = Sniffed::kTls;
  if (hello.left() >= 2) {
    Reader extensions(hello.bytes(hello.u16()));
    parse_extensions(extensions, result.hello);
  }
  return result;
}

}  // namespace flowscope::tls
