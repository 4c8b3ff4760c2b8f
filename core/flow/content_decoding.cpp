#include "core/flow/content_decoding.hpp"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

#include "core/http/message.hpp"

namespace flowscope::flow {

namespace {

constexpr std::size_t kChunk = 64 * 1024;
// RFC 9659: zstd content coding is limited to an 8 MiB window, which also bounds the
// memory a hostile frame can make the decoder allocate.
constexpr int kZstdWindowLogMax = 23;

enum class Coding { kIdentity, kGzip, kDeflate, kBrotli, kZstd };

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string size_text(std::size_t bytes) {
  if (bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " bytes";
}

// Appends decoder output and enforces the cap as it grows, so a bomb stops at the
// limit instead of after exhausting memory.
class Output {
 public:
  Output(const char* name, std::size_t max) : name_(name), max_(max), chunk_(kChunk) {}
  unsigned char* chunk() { return chunk_.data(); }
  std::size_t chunk_size() const { return chunk_.size(); }
  bool take(std::size_t produced) {
    if (out_.size() + produced > max_) return false;
    out_.append(reinterpret_cast<const char*>(chunk_.data()), produced);
    return true;
  }
  Result<std::string> too_big() const {
    return fail(std::string("the ") + name_ + " body decodes to more than " + size_text(max_) +
                " (the limit; it may be a decompression bomb)");
  }
  std::string release() { return std::move(out_); }

 private:
  const char* name_;
  std::size_t max_;
  std::vector<unsigned char> chunk_;
  std::string out_;
};

Result<std::string> truncated(const char* name) {
  return fail(std::string("the ") + name +
              " body ends before its stream does (a stored body cut at the body limit cannot be "
              "fully decoded)");
}

// One zlib stream with the given windowBits: 16+15 gzip, 15 zlib-wrapped, -15 raw.
// gzip allows several members back to back (RFC 1952 §2.2); anything else after the
// end of the stream is an error.
Result<std::string> inflate_stream(std::string_view in, int window_bits, const char* name,
                                   std::size_t max) {
  z_stream z{};
  if (inflateInit2(&z, window_bits) != Z_OK)
    return fail(std::string("cannot start the ") + name + " decoder");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  Output out(name, max);
  const bool gzip = window_bits > 15;
  std::size_t consumed = 0;
  for (;;) {
    std::size_t feed = std::min<std::size_t>(in.size() - consumed, UINT_MAX);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
    z.avail_in = static_cast<uInt>(feed);
    z.next_out = out.chunk();
    z.avail_out = static_cast<uInt>(out.chunk_size());
    int rc = inflate(&z, Z_NO_FLUSH);
    consumed += feed - z.avail_in;
    if (!out.take(out.chunk_size() - z.avail_out)) return out.too_big();
    if (rc == Z_STREAM_END) {
      if (consumed == in.size()) return out.release();
      std::string_view rest = in.substr(consumed);
      if (gzip && rest.size() >= 2 && static_cast<unsigned char>(rest[0]) == 0x1f &&
          static_cast<unsigned char>(rest[1]) == 0x8b) {
        inflateReset(&z);
        continue;
      }
      return fail(std::string("the ") + name + " body has " + std::to_string(rest.size()) +
                  " bytes of trailing data after its stream");
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      return fail(std::string("the ") + name +
                  " body is corrupt: " + (z.msg ? z.msg : "invalid data"));
    }
    if (rc == Z_MEM_ERROR) return fail(std::string("out of memory decoding the ") + name + " body");
    // Z_OK or Z_BUF_ERROR: progress is possible only while input or output space remains.
    if (z.avail_out != 0 && consumed == in.size()) return truncated(name);
  }
}

Result<std::string> inflate_deflate(std::string_view in, std::size_t max) {
  // "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw
  // deflate. A zlib header has CM=8, CINFO<=7 and a 16-bit check multiple of 31.
  auto b0 = static_cast<unsigned char>(in[0]);
  bool zlib_header = in.size() >= 2 && (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 &&
                     ((b0 << 8) | static_cast<unsigned char>(in[1])) % 31 == 0;
  if (!zlib_header) return inflate_stream(in, -MAX_WBITS, "deflate", max);
  auto wrapped = inflate_stream(in, MAX_WBITS, "deflate", max);
  if (wrapped) return wrapped;
  // Raw deflate can begin with bytes that pass the header check by chance.
  if (auto raw = inflate_stream(in, -MAX_WBITS, "deflate", max)) return raw;
  return wrapped;
}

Result<std::string> decode_brotli(std::string_view in, std::size_t max) {
  std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
  if (!state) return fail("cannot start the br decoder");
  Output out("br", max);
  auto next_in = reinterpret_cast<const uint8_t*>(in.data());
  std::size_t avail_in = in.size();
  for (;;) {
    uint8_t* next_out = out.chunk();
    std::size_t avail_out = out.chunk_size();
    BrotliDecoderResult rc = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in,
                                                           &avail_out, &next_out, nullptr);
    if (!out.take(out.chunk_size() - avail_out)) return out.too_big();
    switch (rc) {
      case BROTLI_DECODER_RESULT_SUCCESS:
        if (avail_in != 0) {
          return fail("the br body has " + std::to_string(avail_in) +
                      " bytes of trailing data after its stream");
        }
        return out.release();
      case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        continue;
      case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        return truncated("br");
      case BROTLI_DECODER_RESULT_ERROR:
        return fail(std::string("the br body is corrupt: ") +
                    BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
    }
  }
}

Result<std::string> decode_zstd(std::string_view in, std::size_t max) {
  std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!dctx) return fail("cannot start the zstd decoder");
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, kZstdWindowLogMax);
  Output out("zstd", max);
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::size_t frame_left = 0;  // nonzero while inside an unfinished frame
  for (;;) {
    ZSTD_outBuffer output{out.chunk(), out.chunk_size(), 0};
    frame_left = ZSTD_decompressStream(dctx.get(), &output, &input);
    if (ZSTD_isError(frame_left)) {
      if (ZSTD_getErrorCode(frame_left) == ZSTD_error_frameParameter_windowTooLarge) {
        return fail("the zstd body needs a window larger than the 8 MiB HTTP allows (RFC 9659)");
      }
      return fail(std::string("the zstd body is corrupt: ") + ZSTD_getErrorName(frame_left));
    }
    if (!out.take(output.pos)) return out.too_big();
    // Done when all input is consumed and the decoder has flushed everything it holds.
    if (input.pos == input.size && output.pos < output.size) {
      if (frame_left != 0) return truncated("zstd");
      return out.release();
    }
  }
}

Result<Coding> parse_coding(std::string_view token) {
  std::string name = lower(token);
  if (name == "identity") return Coding::kIdentity;
  if (name == "gzip" || name == "x-gzip") return Coding::kGzip;
  if (name == "deflate") return Coding::kDeflate;
  if (name == "br") return Coding::kBrotli;
  if (name == "zstd") return Coding::kZstd;
  return fail("unsupported content-coding \"" + std::string(token) +
              "\": flowscope decodes gzip, deflate, br and zstd");
}

}  // namespace

Result<std::string> decode_content(std::string_view body, std::string_view content_encoding,
                                   std::size_t max_output) {
  std::vector<Coding> codings;
  for (std::string_view token : http::split_list(content_encoding)) {
    auto coding = parse_coding(token);
    if (!coding) return std::unexpected(coding.error());
    codings.push_back(*coding);
  }
  if (body.size() > max_output && std::all_of(codings.begin(), codings.end(),
                                              [](Coding c) { return c == Coding::kIdentity; })) {
    return fail("the body is larger than the " + size_text(max_output) + " limit");
  }
  std::string data(body);
  // The last coding listed was applied last, so it comes off first.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    // An empty body (HEAD, 204, 304 with a Content-Encoding header) decodes to itself.
    if (data.empty()) break;
    Result<std::string> decoded;
    switch (*it) {
      case Coding::kIdentity:
        continue;
      case Coding::kGzip:
        decoded = inflate_stream(data, 16 + MAX_WBITS, "gzip", max_output);
        break;
      case Coding::kDeflate:
        decoded = inflate_deflate(data, max_output);
        break;
      case Coding::kBrotli:
        decoded = decode_brotli(data, max_output);
        break;
      case Coding::kZstd:
        decoded = decode_zstd(data, max_output);
        break;
    }
    if (!decoded) return std::unexpected(decoded.error());
    data = std::move(*decoded);
  }
  return data;
}

}  // namespace flowscope::flow
