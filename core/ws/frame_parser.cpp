#include "core/ws/frame_parser.hpp"

#include <algorithm>
#include <cstring>

#include "core/ws/close.hpp"

namespace flowscope::ws {

namespace {

constexpr std::size_t kMaxControlPayload = 125;  // RFC 6455 §5.5

std::string frame_name(Opcode op) {
  return std::string(opcode_name(op)) + " frame";
}

std::string hex_opcode(std::uint8_t v) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[v & 0xf];
}

}  // namespace

FrameParser::FrameParser(Direction from, FrameParserOptions options)
    : direction_(from), options_(options) {}

std::vector<FrameEvent> FrameParser::feed(std::string_view data) {
  std::vector<FrameEvent> out;
  if (state_ == State::kFailed) {
    ignored_ += data.size();
    offset_ += data.size();
    return out;
  }
  // Unmasked bytes of this call never outnumber its input, so this reserve keeps every
  // view handed out below valid until the next call.
  scratch_.clear();
  scratch_.reserve(data.size());

  std::size_t pos = 0;
  while (pos < data.size()) {
    if (state_ == State::kHeader) {
      if (have_ == 0) {
        header_ = FrameHeader{};
        header_.offset = offset_ + pos;
      }
      auto byte = static_cast<std::uint8_t>(data[pos++]);
      if (!take_header_byte(byte, out)) break;
      continue;
    }
    // kPayload
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, data.size() - pos));
    std::string_view piece = data.substr(pos, n);
    if (header_.masked) piece = unmask(piece);
    if (is_control(header_.opcode)) control_payload_.append(piece);
    out.push_back(FramePayload{piece});
    pos += n;
    payload_left_ -= n;
    payload_done_ += n;
    if (payload_left_ == 0 && !end_frame(out)) break;
  }
  if (state_ == State::kFailed) ignored_ = data.size() - pos;
  offset_ += data.size();
  return out;
}

// The header is read one byte at a time (at most 14), and each rule is checked as soon
// as the bytes it needs are in, so an error is reported where the peer's own parser
// would fail the connection rather than after more bytes that may never come.
bool FrameParser::take_header_byte(std::uint8_t byte, std::vector<FrameEvent>& out) {
  header_bytes_[have_++] = byte;
  if (have_ == 1) return check_first_byte(out);
  if (have_ == 2) {
    header_.masked = (byte & 0x80) != 0;
    const bool from_client = direction_ == Direction::kClientToServer;
    if (from_client && !header_.masked) {
      fail("unmasked frame from the client: every client frame must be masked (RFC 6455 §5.1)",
           out);
      return false;
    }
    if (!from_client && header_.masked) {
      fail("masked frame from the server: server frames are never masked (RFC 6455 §5.1)", out);
      return false;
    }
    const std::uint8_t len7 = byte & 0x7f;
    std::uint8_t extended = 0;
    if (len7 == 126) {
      header_.length_form = LengthForm::k16Bit;
      extended = 2;
    } else if (len7 == 127) {
      header_.length_form = LengthForm::k64Bit;
      extended = 8;
    } else {
      header_.length_form = LengthForm::k7Bit;
      header_.payload_length = len7;
    }
    need_ = static_cast<std::uint8_t>(2 + extended + (header_.masked ? 4 : 0));
    if (extended == 0 && !check_length(out)) return false;
  } else if ((header_.length_form == LengthForm::k16Bit && have_ == 4) ||
             (header_.length_form == LengthForm::k64Bit && have_ == 10)) {
    std::uint64_t length = 0;
    for (std::uint8_t i = 2; i < have_; ++i) length = (length << 8) | header_bytes_[i];
    header_.payload_length = length;
    if (!check_length(out)) return false;
  }
  if (have_ < need_) return true;
  if (header_.masked) std::copy_n(header_bytes_ + need_ - 4, 4, header_.mask_key.begin());
  header_.header_size = need_;
  return start_payload(out);
}

bool FrameParser::check_first_byte(std::vector<FrameEvent>& out) {
  const std::uint8_t b = header_bytes_[0];
  header_.fin = (b & 0x80) != 0;
  header_.rsv1 = (b & 0x40) != 0;
  header_.rsv2 = (b & 0x20) != 0;
  header_.rsv3 = (b & 0x10) != 0;
  header_.opcode = static_cast<Opcode>(b & 0x0f);
  const Opcode op = header_.opcode;
  if (is_reserved(op)) {
    fail("frame with the reserved opcode " + hex_opcode(b & 0x0f) + " (RFC 6455 §5.2)", out);
    return false;
  }
  if (header_.rsv2 || header_.rsv3) {
    fail(std::string(header_.rsv2 ? "RSV2" : "RSV3") +
             " bit set, but no negotiated extension defines it (RFC 6455 §5.2)",
         out);
    return false;
  }
  if (header_.rsv1 && !options_.permessage_deflate) {
    fail("RSV1 bit set, but permessage-deflate was not negotiated (RFC 6455 §5.2)", out);
    return false;
  }
  if (header_.rsv1 && (is_control(op) || op == Opcode::kContinuation)) {
    fail("RSV1 bit set on a " + frame_name(op) +
             ": permessage-deflate marks only the first frame of a data message (RFC 7692 §6)",
         out);
    return false;
  }
  if (is_control(op) && !header_.fin) {
    fail("fragmented " + frame_name(op) +
             " (FIN clear): control frames cannot be fragmented (RFC 6455 §5.5)",
         out);
    return false;
  }
  if (op == Opcode::kContinuation && !in_message_) {
    fail("continuation frame without a fragmented message to continue (RFC 6455 §5.4)", out);
    return false;
  }
  if ((op == Opcode::kText || op == Opcode::kBinary) && in_message_) {
    fail(frame_name(op) +
             " while a fragmented message is still open: its continuation frames must come "
             "first (RFC 6455 §5.4)",
         out);
    return false;
  }
  return true;
}

bool FrameParser::check_length(std::vector<FrameEvent>& out) {
  const std::uint64_t length = header_.payload_length;
  if (header_.length_form == LengthForm::k64Bit && (length >> 63) != 0) {
    fail("64-bit payload length with the most significant bit set (RFC 6455 §5.2)", out);
    return false;
  }
  if (is_control(header_.opcode) && length > kMaxControlPayload) {
    fail(frame_name(header_.opcode) + " with a " + std::to_string(length) +
             "-byte payload: control frames carry at most 125 bytes (RFC 6455 §5.5)",
         out);
    return false;
  }
  return true;
}

bool FrameParser::start_payload(std::vector<FrameEvent>& out) {
  // The header is valid: from here on this frame's opcode shapes what may follow.
  const Opcode op = header_.opcode;
  if (op == Opcode::kText || op == Opcode::kBinary) in_message_ = !header_.fin;
  if (op == Opcode::kContinuation && header_.fin) in_message_ = false;
  out.push_back(header_);
  have_ = 0;
  payload_left_ = header_.payload_length;
  payload_done_ = 0;
  state_ = State::kPayload;
  if (payload_left_ == 0) return end_frame(out);
  return true;
}

bool FrameParser::end_frame(std::vector<FrameEvent>& out) {
  if (header_.opcode == Opcode::kClose) {
    auto close = parse_close_payload(control_payload_);
    if (!close) {
      fail(std::move(close.error().message), out, close.error().close_code);
      return false;
    }
  }
  out.push_back(FrameEnd{std::move(control_payload_)});
  control_payload_.clear();
  state_ = State::kHeader;
  return true;
}

void FrameParser::fail(std::string message, std::vector<FrameEvent>& out,
                       std::uint16_t close_code) {
  error_ = ProtocolError{std::move(message), close_code, header_.offset};
  out.push_back(*error_);
  state_ = State::kFailed;
}

std::string_view FrameParser::unmask(std::string_view piece) {
  // The key applies from the first payload byte (§5.3), so a piece that starts mid-
  // payload starts mid-key.
  MaskKey key;
  for (std::size_t i = 0; i < 4; ++i) key[i] = header_.mask_key[(payload_done_ + i) & 3];
  // Eight bytes at a time: the key repeats every four, so one word holds it twice
  // (in memory order, whatever the machine's byte order). Every relayed byte of a
  // client passes here, so a byte loop was a tenth of the proxy's CPU on wss:// echo.
  std::uint8_t key_twice[8];
  for (std::size_t i = 0; i < 8; ++i) key_twice[i] = key[i & 3];
  std::uint64_t key_word;
  std::memcpy(&key_word, key_twice, sizeof key_word);

  const std::size_t start = scratch_.size();
  const std::size_t n = piece.size();
  scratch_.resize_and_overwrite(start + n, [&](char* buffer, std::size_t size) {
    char* dst = buffer + start;
    const char* src = piece.data();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, src + i, sizeof word);
      word ^= key_word;
      std::memcpy(dst + i, &word, sizeof word);
    }
    for (; i < n; ++i) dst[i] = static_cast<char>(static_cast<std::uint8_t>(src[i]) ^ key[i & 3]);
    return size;
  });
  return {scratch_.data() + start, n};
}

}  // namespace flowscope::ws
