#pragma once
// Shared by the ws tests: events as lines, so a test states the exact ordered events,
// and feeding one input cut in many ways, so the events are shown not to depend on
// where the bytes were cut.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/overloaded.hpp"
#include "core/ws/frame_parser.hpp"
#include "core/ws/message_assembler.hpp"

namespace flowscope::ws::test {

inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// Printable ASCII as is, anything else as \xNN.
inline std::string printable(std::string_view data) {
  std::string out;
  const char* digits = "0123456789abcdef";
  for (char c : data) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && b != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(digits[b >> 4]);
      out.push_back(digits[b & 0xf]);
    }
  }
  return out;
}

inline const char* form_name(LengthForm form) {
  switch (form) {
    case LengthForm::k7Bit:
      return "7";
    case LengthForm::k16Bit:
      return "16";
    case LengthForm::k64Bit:
      return "64";
  }
  return "?";
}

inline std::string error_line(const ProtocolError& e) {
  return "error " + std::to_string(e.close_code) + " at=" + std::to_string(e.offset);
}

// Lines accumulate across feed() calls. Consecutive payload pieces are joined into one
// line: how many pieces a payload arrives in depends on the cuts, the bytes do not.
// Errors are "error CODE at=OFFSET"; their messages are checked on their own.
// Lines with consecutive data pieces joined into one line (FrameLines, MessageLines).
class JoinedLines {
 public:
  std::vector<std::string> lines;

 protected:
  void push(std::string line) {
    lines.push_back(std::move(line));
    in_piece_ = false;
  }
  void piece(std::string_view label, std::string_view data) {
    EXPECT_FALSE(data.empty()) << "empty " << label << " piece";
    if (in_piece_) {
      lines.back() += printable(data);
    } else {
      lines.push_back(std::string(label) + " " + printable(data));
      in_piece_ = true;
    }
  }

 private:
  bool in_piece_ = false;
};

class FrameLines : public JoinedLines {
 public:
  void add(const std::vector<FrameEvent>& events) {
    for (const auto& event : events) {
      std::visit(
          Overloaded{
              [&](const FrameHeader& h) {
                std::string line = "header " + std::string(opcode_name(h.opcode));
                line += h.fin ? " fin" : " more";
                if (h.rsv1 || h.rsv2 || h.rsv3) {
                  line += std::string(" rsv=") + (h.rsv1 ? "1" : "0") + (h.rsv2 ? "1" : "0") +
                          (h.rsv3 ? "1" : "0");
                }
                if (h.masked) line += " masked";
                line += " len=" + std::to_string(h.payload_length) + "/" + form_name(h.length_form);
                line += " size=" + std::to_string(h.header_size);
                line += " at=" + std::to_string(h.offset);
                push(line);
              },
              [&](const FramePayload& p) { piece("payload", p.data); },
              [&](const FrameEnd& e) {
                push(e.control_payload.empty() ? "end" : "end " + printable(e.control_payload));
              },
              [&](const ProtocolError& e) { push(error_line(e)); },
          },
          event);
    }
  }
};

class MessageLines : public JoinedLines {
 public:
  void add(const std::vector<MessageEvent>& events) {
    for (const auto& event : events) {
      std::visit(
          Overloaded{
              [&](const MessageStart& s) {
                push("start " + std::string(opcode_name(s.opcode)) +
                     (s.compressed ? " compressed" : "") + " at=" + std::to_string(s.offset));
              },
              [&](const MessageData& d) { piece("data", d.data); },
              [&](const MessageEnd& e) {
                push("end size=" + std::to_string(e.size) + " frames=" + std::to_string(e.frames));
              },
              [&](const Ping& p) { push("ping " + printable(p.payload)); },
              [&](const Pong& p) { push("pong " + printable(p.payload)); },
              [&](const Close& c) {
                push(c.payload.code ? "close " + std::to_string(*c.payload.code) + " " +
                                          printable(c.payload.reason)
                                    : std::string("close (no code)"));
              },
              [&](const ProtocolError& e) { push(error_line(e)); },
          },
          event);
    }
  }
};

// The offsets to cut `size` bytes at, in the ways every test uses: whole, byte by byte,
// at every single offset (for large inputs: near both ends only) and random cuts.
struct Cuts {
  std::string how;
  std::vector<std::size_t> at;  // sorted, within (0, size)
};

inline std::vector<Cuts> ways_to_cut(std::size_t size) {
  std::vector<Cuts> out;
  out.push_back({"whole", {}});
  Cuts every{"byte by byte", {}};
  for (std::size_t i = 1; i < size; ++i) every.at.push_back(i);
  out.push_back(std::move(every));
  constexpr std::size_t kAllSplitsUpTo = 2048;
  for (std::size_t i = 1; i < size; ++i) {
    if (size > kAllSplitsUpTo && i > 40 && i < size - 40) continue;
    out.push_back({"split at " + std::to_string(i), {i}});
  }
  std::mt19937 rng(6455);
  for (int round = 0; round < 20; ++round) {
    Cuts random{"random cuts " + std::to_string(round), {}};
    const unsigned every_nth = 2 + round * 3;
    for (std::size_t i = 1; i < size; ++i)
      if (rng() % every_nth == 0) random.at.push_back(i);
    out.push_back(std::move(random));
  }
  return out;
}

template <class Feed>
void feed_with_cuts(const std::string& input, const std::vector<std::size_t>& cuts, Feed feed) {
  std::size_t start = 0;
  for (std::size_t end : cuts) {
    feed(std::string_view(input).substr(start, end - start));
    start = end;
  }
  feed(std::string_view(input).substr(start));
}

// The frame lines of `input` read by one parser, fed with `cuts`.
inline std::vector<std::string> frame_lines(Direction from, FrameParserOptions options,
                                            const std::string& input,
                                            const std::vector<std::size_t>& cuts = {}) {
  FrameParser parser(from, options);
  FrameLines lines;
  feed_with_cuts(input, cuts, [&](std::string_view piece) { lines.add(parser.feed(piece)); });
  return lines.lines;
}

inline std::vector<std::string> message_lines(Direction from, FrameParserOptions options,
                                              const std::string& input,
                                              const std::vector<std::size_t>& cuts = {}) {
  MessageReader reader(from, options);
  MessageLines lines;
  feed_with_cuts(input, cuts, [&](std::string_view piece) { lines.add(reader.feed(piece)); });
  return lines.lines;
}

// Every way of cutting `input` gives `expected`.
inline void expect_frames(Direction from, FrameParserOptions options, const std::string& input,
                          const std::vector<std::string>& expected) {
  for (const Cuts& cuts : ways_to_cut(input.size())) {
    SCOPED_TRACE(cuts.how);
    ASSERT_EQ(frame_lines(from, options, input, cuts.at), expected);
  }
}

inline void expect_messages(Direction from, FrameParserOptions options, const std::string& input,
                            const std::vector<std::string>& expected) {
  for (const Cuts& cuts : ways_to_cut(input.size())) {
    SCOPED_TRACE(cuts.how);
    ASSERT_EQ(message_lines(from, options, input, cuts.at), expected);
  }
}

inline constexpr Direction kFromClient = Direction::kClientToServer;
inline constexpr Direction kFromServer = Direction::kServerToClient;
inline constexpr FrameParserOptions kPlain{};
inline constexpr FrameParserOptions kDeflate{.permessage_deflate = true};

}  // namespace flowscope::ws::test
