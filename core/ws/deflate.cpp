#include "core/ws/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "core/http/message.hpp"
#include "core/ws/extensions.hpp"

namespace flowscope::ws {

namespace {

// RFC 7692 §7.2.2: the sender strips this empty stored block's tail from each message
// and the receiver puts it back before inflating.
constexpr unsigned char kTail[] = {0x00, 0x00, 0xff, 0xff};

enum ParamIndex { kServerNoTakeover, kClientNoTakeover, kServerWindow, kClientWindow, kParams };
constexpr const char* kParamNames[kParams] = {"server_no_context_takeover",
                                              "client_no_context_takeover",
                                              "server_max_window_bits", "client_max_window_bits"};

std::unexpected<Error> bad_param(const std::string& what) {
  return fail("Sec-WebSocket-Extensions: permessage-deflate " + what +
              "; the client fails such a connection (RFC 7692 §5)");
}

// A decimal integer from 8 to 15 without leading zeros (RFC 7692 §7.1.2.1).
std::optional<int> window_bits(const std::string& value) {
  if (value.empty() || value.size() > 2 || value[0] == '0') return std::nullopt;
  int n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < 8 || n > 15) return std::nullopt;
  return n;
}

Result<PerMessageDeflate> parse_params(const Extension& extension) {
  PerMessageDeflate out;
  bool seen[kParams] = {};
  for (const ExtensionParam& param : extension.params) {
    int index = -1;
    for (int i = 0; i < kParams; ++i)
      if (http::iequals(param.name, kParamNames[i])) index = i;
    if (index < 0) return bad_param("has the unknown parameter \"" + param.name + "\"");
    if (seen[index]) return bad_param("repeats " + param.name);
    seen[index] = true;
    if (index == kServerNoTakeover || index == kClientNoTakeover) {
      if (param.value) return bad_param("gives " + param.name + " a value, which it takes none");
      (index == kServerNoTakeover ? out.server : out.client).no_context_takeover = true;
      continue;
    }
    // In a response both window-bits parameters carry a value (RFC 7692 §7.1.2.2: a bare
    // client_max_window_bits is only for the client's offer).
    if (!param.value) return bad_param("has " + param.name + " without a value");
    auto bits = window_bits(*param.value);
    if (!bits) return bad_param("has " + param.name + "=" + *param.value + ", not 8 to 15");
    (index == kServerWindow ? out.server : out.client).max_window_bits = *bits;
  }
  return out;
}

}  // namespace

Result<std::optional<PerMessageDeflate>> parse_permessage_deflate(
    std::string_view response_extensions) {
  auto extensions = parse_extensions(response_extensions);
  if (!extensions) return std::unexpected(extensions.error());
  std::optional<PerMessageDeflate> out;
  for (const Extension& extension : *extensions) {
    if (!http::iequals(extension.name, "permessage-deflate")) continue;
    // Both would claim RSV1 (RFC 7692 §5: the server accepts at most one offer).
    if (out) return bad_param("is accepted twice");
    auto params = parse_params(extension);
    if (!params) return std::unexpected(params.error());
    out = *params;
  }
  return out;
}

void Inflater::ZStreamDeleter::operator()(z_stream_s* z) const {
  inflateEnd(z);
  delete z;
}

Inflater::Inflater(const DeflateParams& params, std::size_t max_output)
    : params_(params),
      max_output_(max_output),
      z_(new z_stream{}),
      chunk_(std::make_unique<std::array<unsigned char, kChunk>>()) {}

Result<Inflater> Inflater::create(const DeflateParams& params, std::size_t max_output) {
  if (params.max_window_bits < 8 || params.max_window_bits > 15)
    return fail("permessage-deflate window bits must be 8 to 15, not " +
                std::to_string(params.max_window_bits));
  Inflater inflater(params, max_output);
  // zlib cannot compress with a 256-byte window and silently uses 512 instead, so
  // senders built on it that negotiated 8 send 9-bit streams. A larger window still
  // inflates every stream a smaller one can, so 9 is the least that is used. Negative
  // window bits: raw DEFLATE, no zlib header (RFC 7692 §7.2.1).
  const int bits = std::max(params.max_window_bits, 9);
  if (inflateInit2(inflater.z_.get(), -bits) != Z_OK) {
    // inflateEnd on a stream whose init failed is harmless: it reports an error.
    return fail("cannot start the permessage-deflate inflater (out of memory?)");
  }
  return inflater;
}

void Inflater::feed(std::string_view compressed) {
  if (broken_ || error_ || stream_ended_) return;
  inflate_piece(compressed);
}

Result<InflatedMessage> Inflater::end_message() {
  if (broken_) {
    return fail(
        "cannot inflate: an earlier message in this direction failed, and with context "
        "takeover every later message depends on it");
  }
  if (!error_ && !stream_ended_) {
    inflate_piece(std::string_view(reinterpret_cast<const char*>(kTail), sizeof kTail));
  }
  std::optional<std::string> error = std::move(error_);
  error_.reset();
  InflatedMessage message = std::move(message_);
  message_ = InflatedMessage{};
  if (error && !params_.no_context_takeover) broken_ = true;
  if (params_.no_context_takeover) {
    // The sender starts each message with an empty window.
    inflateReset(z_.get());
  } else if (stream_ended_) {
    restart_keeping_window();
  }
  stream_ended_ = false;
  if (error) return fail(std::move(*error));
  return message;
}

void Inflater::inflate_piece(std::string_view in) {
  z_stream* z = z_.get();
  while (!in.empty()) {
    const auto feed = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT_MAX));
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z->avail_in = feed;
    for (;;) {
      z->next_out = chunk_->data();
      z->avail_out = static_cast<uInt>(chunk_->size());
      const uInt before_in = z->avail_in;
      // Z_SYNC_FLUSH: hand out everything decodable now, so nothing of a message waits
      // inside zlib for the next one.
      const int rc = inflate(z, Z_SYNC_FLUSH);
      const std::size_t produced = chunk_->size() - z->avail_out;
      keep(chunk_->data(), produced);
      if (rc == Z_STREAM_END) {
        // A block with BFINAL set ended the DEFLATE stream, which RFC 7692 §7.2.3.4
        // allows. A DEFLATE decoder stops there, so the rest of the message and the
        // appended tail are not inflated; the next message starts a new stream.
        stream_ended_ = true;
        return;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        error_ = std::string("the compressed message is corrupt: ") +
                 (z->msg ? z->msg : "invalid DEFLATE data") + " (permessage-deflate)";
        if (rc == Z_MEM_ERROR) error_ = "out of memory inflating a permessage-deflate message";
        return;
      }
      // Done with this input once it is consumed and the output space was not filled
      // (so zlib holds nothing more); Z_BUF_ERROR with no progress means the same.
      if (z->avail_in == 0 && z->avail_out != 0) break;
      if (produced == 0 && z->avail_in == before_in) break;
    }
    in.remove_prefix(feed - z->avail_in);
    if (z->avail_in != 0) break;  // no progress possible; do not spin
  }
}

void Inflater::restart_keeping_window() {
  z_stream* z = z_.get();
  // inflateReset forgets the window, but under context takeover the sender's next
  // message may still refer to it, so it is carried over.
  std::array<Bytef, 1 << 15> window;
  uInt length = 0;
  inflateGetDictionary(z, window.data(), &length);
  inflateReset(z);
  if (length > 0) inflateSetDictionary(z, window.data(), length);
}

void Inflater::keep(const unsigned char* out, std::size_t n) {
  message_.size += n;
  const std::size_t room = max_output_ - std::min(max_output_, message_.data.size());
  message_.data.append(reinterpret_cast<const char*>(out), std::min(n, room));
}

}  // namespace flowscope::ws
