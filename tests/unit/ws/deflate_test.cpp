// permessage-deflate for display: negotiation parsing, and inflating messages that zlib
// compressed the way RFC 7692 §7.2.1 says a sender does (raw DEFLATE, a sync flush,
// the trailing 00 00 ff ff removed), with and without context takeover.
#include "core/ws/deflate.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/ws/extensions.hpp"
#include "core/ws/frame_encoder.hpp"
#include "core/ws/message_assembler.hpp"
#include "tests/unit/ws/compressor.hpp"
#include "tests/unit/ws/ws_test_support.hpp"

namespace flowscope::ws {
namespace {

using test::bytes;
using test::Compressor;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

Inflater make_inflater(DeflateParams params, std::size_t max_output = 1 << 20) {
  auto inflater = Inflater::create(params, max_output);
  EXPECT_TRUE(inflater) << inflater.error().message;
  return std::move(*inflater);
}

// Inflates one whole message, fed in one piece.
Result<InflatedMessage> inflate_message(Inflater& inflater, std::string_view compressed) {
  inflater.feed(compressed);
  return inflater.end_message();
}

std::string text_of(const Result<InflatedMessage>& message) {
  if (!message) return "error: " + message.error().message;
  return message->data;
}

// --- negotiation ---

TEST(Extensions, ParsesTheGrammar) {
  auto list = parse_extensions(
      "permessage-deflate ; client_max_window_bits=\"10\";server_no_context_takeover, ,foo");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "permessage-deflate");
  ASSERT_EQ((*list)[0].params.size(), 2u);
  EXPECT_EQ((*list)[0].params[0].name, "client_max_window_bits");
  EXPECT_EQ((*list)[0].params[0].value, "10");
  EXPECT_EQ((*list)[0].params[1].name, "server_no_context_takeover");
  EXPECT_FALSE((*list)[0].params[1].value);
  EXPECT_EQ((*list)[1].name, "foo");
  EXPECT_TRUE((*list)[1].params.empty());

  EXPECT_TRUE(parse_extensions("")->empty());
  for (const char* bad :
       {"permessage-deflate;", "a b", "a;x=", "a;x=\"1", "a;x=\"a b\"", ";x", "a;x=1=2"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_extensions(bad));
  }
}

TEST(Negotiation, DefaultsWhenAcceptedBare) {
  auto pmd = parse_permessage_deflate("permessage-deflate");
  ASSERT_TRUE(pmd) << pmd.error().message;
  ASSERT_TRUE(*pmd);
  EXPECT_FALSE((*pmd)->client.no_context_takeover);
  EXPECT_FALSE((*pmd)->server.no_context_takeover);
  EXPECT_EQ((*pmd)->client.max_window_bits, 15);
  EXPECT_EQ((*pmd)->server.max_window_bits, 15);
}

TEST(Negotiation, EveryParameterGoesToItsDirection) {
  auto pmd = parse_permessage_deflate(
      "x-webkit-thing; a=1, PerMessage-Deflate; server_no_context_takeover; "
      "client_max_window_bits=\"9\"; Server_Max_Window_Bits=12");
  ASSERT_TRUE(pmd) << pmd.error().message;
  ASSERT_TRUE(*pmd);
  const PerMessageDeflate& p = **pmd;
  EXPECT_TRUE(p.server.no_context_takeover);
  EXPECT_FALSE(p.client.no_context_takeover);
  EXPECT_EQ(p.server.max_window_bits, 12);
  EXPECT_EQ(p.client.max_window_bits, 9);
  EXPECT_EQ(&p.sent_by(Direction::kServerToClient), &p.server);
  EXPECT_EQ(&p.sent_by(Direction::kClientToServer), &p.client);

  auto client_only = parse_permessage_deflate("permessage-deflate; client_no_context_takeover");
  ASSERT_TRUE(client_only && *client_only);
  EXPECT_TRUE((*client_only)->client.no_context_takeover);
  EXPECT_FALSE((*client_only)->server.no_context_takeover);
}

TEST(Negotiation, NotAcceptedIsNone) {
  for (const char* value : {"", "x-other", "permessage-deflate-not; a"}) {
    auto pmd = parse_permessage_deflate(value);
    ASSERT_TRUE(pmd) << value;
    EXPECT_FALSE(*pmd) << value;
  }
}

TEST(Negotiation, ResponsesAClientWouldFail) {
  const std::pair<const char*, const char*> cases[] = {
      {"permessage-deflate; foo", "has the unknown parameter \"foo\""},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
       "repeats server_no_context_takeover"},
      {"permessage-deflate; client_no_context_takeover=1",
       "gives client_no_context_takeover a value, which it takes none"},
      {"permessage-deflate; client_max_window_bits", "has client_max_window_bits without a value"},
      {"permessage-deflate; server_max_window_bits=16",
       "has server_max_window_bits=16, not 8 to 15"},
      {"permessage-deflate; server_max_window_bits=7", "has server_max_window_bits=7, not 8 to 15"},
      {"permessage-deflate; server_max_window_bits=09",
       "has server_max_window_bits=09, not 8 to 15"},
      {"permessage-deflate; client_max_window_bits=x", "has client_max_window_bits=x, not 8 to 15"},
      {"permessage-deflate, permessage-deflate", "is accepted twice"},
  };
  for (const auto& [value, what] : cases) {
    SCOPED_TRACE(value);
    auto pmd = parse_permessage_deflate(value);
    ASSERT_FALSE(pmd);
    EXPECT_EQ(pmd.error().message, std::string("Sec-WebSocket-Extensions: permessage-deflate ") +
                                       what + "; the client fails such a connection (RFC 7692 §5)");
  }
  auto syntax = parse_permessage_deflate("permessage-deflate; =1");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().message,
            "Sec-WebSocket-Extensions: expected a parameter name at offset 20");
}

// --- inflating ---

TEST(Inflater, RfcExamples) {
  Inflater inflater = make_inflater({});
  // §7.2.3.1, then §7.2.3.2: the second "Hello" refers back to the first.
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}))),
            "Hello");
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0xf2, 0x00, 0x11, 0x00, 0x00}))), "Hello");
  // §7.2.3.3: a stored block.
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c,
                                                     0x6c, 0x6f, 0x00}))),
            "Hello");
  // §7.2.3.5: two blocks in one message.
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff,
                                                     0xca, 0xc9, 0xc9, 0x07, 0x00}))),
            "Hello");
  // §7.2.3.6: an empty message, as one 0x00 or as nothing at all.
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0x00}))), "");
  EXPECT_EQ(text_of(inflate_message(inflater, "")), "");
  EXPECT_FALSE(inflater.broken());
}

TEST(Inflater, FinalBlockKeepsTheWindowForTheNextMessage) {
  // "Hello" in a block with BFINAL set (RFC 7692 §7.2.3.4 allows it; zlib's Z_FINISH
  // makes these bytes); the appended tail comes after the end of the DEFLATE stream.
  Inflater inflater = make_inflater({});
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}))),
            "Hello");
  // A sender that ended its stream may still refer to the window in the next message
  // (context takeover); compress one that does, with the first message as dictionary.
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  ASSERT_EQ(deflateSetDictionary(&z, reinterpret_cast<const Bytef*>("Hello"), 5), Z_OK);
  std::string out(64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>("Hello"));
  z.avail_in = 5;
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  ASSERT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
  out.resize(out.size() - z.avail_out - 4);
  deflateEnd(&z);
  EXPECT_EQ(text_of(inflate_message(inflater, out)), "Hello");
  // And one that ends its stream again, then a message from a fresh compressor.
  EXPECT_EQ(text_of(inflate_message(inflater, bytes({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}))),
            "Hello");
  Compressor fresh(15, false);
  EXPECT_EQ(text_of(inflate_message(inflater, fresh.message("after the end"))), "after the end");
  EXPECT_FALSE(inflater.broken());
}

TEST(Inflater, ContextTakeoverAcrossMessages) {
  Compressor sender(15, false);
  Inflater inflater = make_inflater({});
  const std::string text = "{\"type\":\"update\",\"value\":";
  for (int i = 0; i < 50; ++i) {
    const std::string message = text + std::to_string(i) + "}";
    const std::string compressed = sender.message(message);
    if (i > 0) {
      // Later messages are mostly back-references into earlier ones.
      EXPECT_LT(compressed.size(), 12u) << i;
    }
    EXPECT_EQ(text_of(inflate_message(inflater, compressed)), message) << i;
  }
}

TEST(Inflater, TakeoverStreamNeedsTheWindowItRefersTo) {
  // The same compressed messages, inflated as if each started afresh, fail: the
  // inflater really does carry the window, and without takeover really resets it.
  Compressor sender(15, false);
  const std::string first = sender.message(random_bytes(3000, 1) + "shared tail of text");
  const std::string second = sender.message("shared tail of text");
  Inflater reset_each_time = make_inflater({.no_context_takeover = true});
  EXPECT_TRUE(inflate_message(reset_each_time, first));
  auto second_alone = inflate_message(reset_each_time, second);
  ASSERT_FALSE(second_alone);
  EXPECT_EQ(
      second_alone.error().message,
      "the compressed message is corrupt: invalid distance too far back (permessage-deflate)");
  EXPECT_FALSE(reset_each_time.broken());
}

TEST(Inflater, NoContextTakeoverAcrossMessages) {
  Compressor sender(15, true);
  Inflater inflater = make_inflater({.no_context_takeover = true});
  for (int i = 0; i < 5; ++i) {
    const std::string message = "same message every time, " + std::string(100, 'x');
    const std::string compressed = sender.message(message);
    EXPECT_EQ(text_of(inflate_message(inflater, compressed)), message) << i;
  }
}

TEST(Inflater, FedByteByByte) {
  Compressor sender(15, false);
  Inflater inflater = make_inflater({});
  for (int i = 0; i < 3; ++i) {
    const std::string message =
        random_bytes(500, 7) + std::string(2000, 'a' + i) + random_bytes(300, 8);
    for (char c : sender.message(message)) inflater.feed(std::string_view(&c, 1));
    auto out = inflater.end_message();
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->data, message);
    EXPECT_EQ(out->size, message.size());
  }
}

TEST(Inflater, WindowBits) {
  // A sender limited to a 1 KiB window inflates with a 1 KiB window.
  {
    Compressor sender(10, false);
    Inflater inflater = make_inflater({.max_window_bits = 10});
    const std::string message = random_bytes(900, 3) + random_bytes(900, 3);
    EXPECT_EQ(text_of(inflate_message(inflater, sender.message(message))), message);
    EXPECT_EQ(text_of(inflate_message(inflater, sender.message(message))), message);
  }
  // The window is the history kept from earlier messages: with 10 bits, 1 KiB of it. A
  // sender that refers 2000 bytes back into its previous message overruns that (zlib
  // checks distances against the history it holds), so the window bits are applied.
  {
    const std::string block = random_bytes(2000, 4);
    Compressor sender(15, false);
    const std::string first = sender.message(block);
    const std::string second = sender.message(block);
    Inflater wide = make_inflater({.max_window_bits = 15});
    EXPECT_EQ(text_of(inflate_message(wide, first)), block);
    EXPECT_EQ(text_of(inflate_message(wide, second)), block);
    Inflater narrow = make_inflater({.max_window_bits = 10});
    EXPECT_EQ(text_of(inflate_message(narrow, first)), block);
    auto out = inflate_message(narrow, second);
    ASSERT_FALSE(out);
    EXPECT_EQ(
        out.error().message,
        "the compressed message is corrupt: invalid distance too far back (permessage-deflate)");
  }
  // 8 bits negotiated: zlib senders really use 9, and such streams inflate.
  {
    Compressor sender(9, false);
    Inflater inflater = make_inflater({.max_window_bits = 8});
    const std::string message = random_bytes(400, 5) + random_bytes(400, 5);
    EXPECT_EQ(text_of(inflate_message(inflater, sender.message(message))), message);
  }
  EXPECT_FALSE(Inflater::create({.max_window_bits = 7}, 100));
  EXPECT_FALSE(Inflater::create({.max_window_bits = 16}, 100));
}

TEST(Inflater, OutputIsCappedAndTheRestCounted) {
  Compressor sender(15, false);
  Inflater inflater = make_inflater({}, 10);
  const std::string big = std::string(100000, 'z') + "end";
  auto out = inflate_message(inflater, sender.message(big));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->data, std::string(10, 'z'));
  EXPECT_EQ(out->size, big.size());
  EXPECT_TRUE(out->truncated());
  // What was not kept was still inflated: the next message refers to it.
  auto next = inflate_message(inflater, sender.message("zzzzzzzzend"));
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->data, "zzzzzzzzen");
  EXPECT_EQ(next->size, 11u);
  auto small = inflate_message(inflater, sender.message("short"));
  ASSERT_TRUE(small);
  EXPECT_FALSE(small->truncated());
  EXPECT_EQ(small->data, "short");
}

TEST(Inflater, CorruptStreamIsAnErrorAndBreaksATakeoverDirection) {
  Compressor sender(15, false);
  Inflater inflater = make_inflater({});
  EXPECT_EQ(text_of(inflate_message(inflater, sender.message("fine"))), "fine");
  // 0xff: BFINAL=1 with the reserved block type 11.
  auto bad = inflate_message(inflater, bytes({0xff, 0xff, 0xff}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "the compressed message is corrupt: invalid block type (permessage-deflate)");
  EXPECT_TRUE(inflater.broken());
  inflater.feed(sender.message("later"));  // ignored
  auto later = inflater.end_message();
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().message,
            "cannot inflate: an earlier message in this direction failed, and with context "
            "takeover every later message depends on it");
}

TEST(Inflater, CorruptMessageCostsOnlyItselfWithoutTakeover) {
  Compressor sender(15, true);
  Inflater inflater = make_inflater({.no_context_takeover = true});
  // The error comes in the first piece; the rest of the message is ignored.
  inflater.feed(bytes({0xff}));
  inflater.feed(sender.message("ignored"));
  EXPECT_FALSE(inflater.end_message());
  EXPECT_FALSE(inflater.broken());
  EXPECT_EQ(text_of(inflate_message(inflater, sender.message("recovered"))), "recovered");
}

TEST(Inflater, CompressedFragmentedMessageFromTheWire) {
  // Frames to messages to text: a compressed message split over three masked frames,
  // cut into pieces, through MessageReader and an Inflater.
  Compressor client(15, false);
  const std::string message = "hello " + std::string(300, 'w') + " world";
  const std::string compressed = client.message(message);
  ASSERT_GE(compressed.size(), 6u);
  const std::size_t a = compressed.size() / 3, b = 2 * compressed.size() / 3;
  FrameOptions first;
  first.fin = false;
  first.rsv1 = true;
  first.mask = MaskKey{9, 9, 9, 9};
  FrameOptions middle = first;
  middle.rsv1 = false;
  FrameOptions last = middle;
  last.fin = true;
  const std::string wire =
      encode_frame(Opcode::kText, compressed.substr(0, a), first) +
      encode_frame(Opcode::kPing, "", last) +
      encode_frame(Opcode::kContinuation, compressed.substr(a, b - a), middle) +
      encode_frame(Opcode::kContinuation, compressed.substr(b), last);
  for (const auto& cuts : test::ways_to_cut(wire.size())) {
    SCOPED_TRACE(cuts.how);
    MessageReader reader(Direction::kClientToServer, test::kDeflate);
    Inflater inflater = make_inflater({});
    std::vector<std::string> seen;
    test::feed_with_cuts(wire, cuts.at, [&](std::string_view piece) {
      for (const MessageEvent& event : reader.feed(piece)) {
        if (auto* start = std::get_if<MessageStart>(&event)) {
          seen.push_back(start->compressed ? "start compressed" : "start");
        } else if (auto* data = std::get_if<MessageData>(&event)) {
          inflater.feed(data->data);
        } else if (std::holds_alternative<MessageEnd>(event)) {
          seen.push_back("text " + text_of(inflater.end_message()));
        } else if (std::holds_alternative<Ping>(event)) {
          seen.push_back("ping");
        } else {
          seen.push_back("other");
        }
      }
    });
    ASSERT_EQ(seen, (std::vector<std::string>{"start compressed", "ping", "text " + message}));
  }
}

}  // namespace
}  // namespace flowscope::ws
