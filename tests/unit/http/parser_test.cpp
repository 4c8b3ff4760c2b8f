// The parser is fed whole, byte by byte, and split at every boundary: the events
// must not depend on how the bytes were cut.
#include "core/http/parser.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace flowscope::http {
namespace {

// Everything one message produced, with body pieces joined.
struct Parsed {
  std::optional<RequestHead> request;
  std::optional<ResponseHead> response;
  std::string body;
  Headers trailers;
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;  // bytes of the input that belong to this message
};

// Feeds `input` cut at `cuts` (sorted offsets) until the first message ends.
Parsed parse_with_cuts(MessageKind kind, const std::string& input, const std::vector<std::size_t>& cuts,
                       bool head_request = false) {
  Parser parser(kind);
  if (head_request) parser.expect_response_to_head();
  Parsed result;
  std::size_t start = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (std::size_t end : ends) {
    std::string piece = input.substr(start, end - start);
    ParseOutput out = parser.feed(piece);
    if (out.head_ready) {
      if (kind == MessageKind::kRequest) result.request = parser.take_request_head();
      else result.response = parser.take_response_head();
    }
    for (auto b : out.body) result.body.append(b);
    result.status = out.status;
    if (out.status != ParseStatus::kNeedMore) {
      result.consumed = start + out.consumed;
      result.trailers = out.trailers;
      return result;
    }
    start = end;
  }
  result.consumed = input.size();
  return result;
}

// Checks `check` on the whole input, byte by byte, and at every single split.
template <class Check>
void for_every_split(MessageKind kind, const std::string& input, Check check, bool head_request = false) {
  check(parse_with_cuts(kind, input, {}, head_request), "whole");
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
  check(parse_with_cuts(kind, input, every, head_request), "byte by byte");
  for (std::size_t i = 1; i < input.size(); ++i) {
    check(parse_with_cuts(kind, input, {i}, head_request), "split at " + std::to_string(i));
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < input.size(); ++i)
      if (rng() % 7 == 0) cuts.push_back(i);
    check(parse_with_cuts(kind, input, cuts, head_request), "random cuts");
  }
}

TEST(Parser, RequestWithContentLengthBody) {
  const std::string input =
      "POST http://example.test/upload?x=1 HTTP/1.1\r\nHost: example.test\r\nX-Dup: a\r\n"
      "Content-Length: 5\r\nX-Dup: b\r\n\r\nhello";
  for_every_split(MessageKind::kRequest, input, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_EQ(p.status, ParseStatus::kComplete);
    ASSERT_TRUE(p.request);
    EXPECT_EQ(p.request->method, "POST");
    EXPECT_EQ(p.request->target, "http://example.test/upload?x=1");
    EXPECT_EQ(p.request->framing, BodyFraming::kContentLength);
    EXPECT_EQ(p.request->content_length, 5u);
    ASSERT_EQ(p.request->headers.items.size(), 4u);
    EXPECT_EQ(p.request->headers.items[1].name, "X-Dup");
    EXPECT_EQ(p.request->headers.items[3].value, "b");  // order and duplicates kept
    EXPECT_EQ(p.body, "hello");
    EXPECT_EQ(p.consumed, input.size());
  });
}

TEST(Parser, ChunkedRequestKeepsTrailers) {
  const std::string input =
      "POST http://h/ HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Checksum: abc\r\n\r\n";
  for_every_split(MessageKind::kRequest, input, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_EQ(p.status, ParseStatus::kComplete);
    EXPECT_EQ(p.request->framing, BodyFraming::kChunked);
    EXPECT_EQ(p.body, "Wikipedia");
    ASSERT_EQ(p.trailers.items.size(), 1u);
    EXPECT_EQ(p.trailers.items[0].name, "X-Checksum");
    EXPECT_EQ(p.trailers.items[0].value, "abc");
    EXPECT_EQ(p.request->headers.items.size(), 2u);  // trailers are not headers
  });
}

TEST(Parser, StopsAfterEachPipelinedMessage) {
  const std::string first = "GET http://h/1 HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string second = "GET http://h/2 HTTP/1.1\r\nHost: h\r\n\r\n";
  Parser parser(MessageKind::kRequest);
  std::string both = first + second;
  ParseOutput out = parser.feed(both);
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(out.consumed, first.size());
  EXPECT_EQ(parser.take_request_head().target, "http://h/1");
  out = parser.feed(std::string_view(both).substr(first.size()));
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(out.consumed, second.size());
  EXPECT_EQ(parser.take_request_head().target, "http://h/2");
}

TEST(Parser, ConnectEndsTheHttpPartOfTheStream) {
  const std::string head = "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n";
  const std::string input = head + "\x16\x03\x01 tls bytes";
  for_every_split(MessageKind::kRequest, input, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_EQ(p.status, ParseStatus::kUpgrade);
    EXPECT_EQ(p.request->method, "CONNECT");
    EXPECT_EQ(p.request->target, "example.test:443");
    EXPECT_EQ(p.consumed, head.size());
    EXPECT_EQ(p.body, "");
  });
}

TEST(Parser, ResponseFramings) {
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  for_every_split(MessageKind::kResponse, chunked, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_EQ(p.status, ParseStatus::kComplete);
    EXPECT_EQ(p.response->status, 200);
    EXPECT_EQ(p.response->reason, "OK");
    EXPECT_EQ(p.response->framing, BodyFraming::kChunked);
    EXPECT_EQ(p.body, "abc");
  });
  const std::string no_content = "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n";
  for_every_split(MessageKind::kResponse, no_content, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    ASSERT_EQ(p.status, ParseStatus::kComplete);
    EXPECT_EQ(p.response->framing, BodyFraming::kNone);
  });
}

TEST(Parser, ResponseToHeadHasNoBodyWhateverItSays) {
  const std::string input = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
  for_every_split(
      MessageKind::kResponse, input,
      [&](const Parsed& p, const std::string& how) {
        SCOPED_TRACE(how);
        ASSERT_EQ(p.status, ParseStatus::kComplete);
        EXPECT_EQ(p.response->framing, BodyFraming::kNone);
        EXPECT_EQ(p.consumed, input.size());
      },
      /*head_request=*/true);
}

TEST(Parser, CloseDelimitedResponseEndsAtEof) {
  Parser parser(MessageKind::kResponse);
  ParseOutput out = parser.feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one ");
  ASSERT_EQ(out.status, ParseStatus::kNeedMore);
  ASSERT_TRUE(out.head_ready);
  EXPECT_EQ(parser.take_response_head().framing, BodyFraming::kUntilClose);
  out = parser.feed("part two");
  EXPECT_EQ(out.body.size(), 1u);
  out = parser.finish();
  EXPECT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_FALSE(parser.keep_alive());
}

TEST(Parser, TruncatedBodyIsAnErrorAtEof) {
  Parser parser(MessageKind::kResponse);
  parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(parser.finish().status, ParseStatus::kError);
}

TEST(Parser, InterimResponseIsItsOwnMessage) {
  Parser parser(MessageKind::kResponse);
  std::string input = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ParseOutput out = parser.feed(input);
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(parser.take_response_head().status, 100);
  out = parser.feed(std::string_view(input).substr(out.consumed));
  ASSERT_EQ(out.status, ParseStatus::kComplete);
  EXPECT_EQ(parser.take_response_head().status, 200);
}

TEST(Parser, ResponseToConnectStartsTheTunnel) {
  Parser parser(MessageKind::kResponse);
  parser.expect_response_to_connect();
  const std::string head = "HTTP/1.1 200 Connection Established\r\n\r\n";
  ParseOutput out = parser.feed(head + "tunnel");
  EXPECT_EQ(out.status, ParseStatus::kUpgrade);
  EXPECT_EQ(out.consumed, head.size());
}

struct HostileCase {
  const char* name;
  const char* input;
  int status;
};

class HostileRequest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileRequest, IsRejected) {
  const std::string input = GetParam().input;
  for_every_split(MessageKind::kRequest, input, [&](const Parsed& p, const std::string& how) {
    SCOPED_TRACE(how);
    EXPECT_EQ(p.status, ParseStatus::kError);
  });
  Parser parser(MessageKind::kRequest);
  parser.feed(input);
  EXPECT_EQ(parser.error().http_status, GetParam().status);
  EXPECT_FALSE(parser.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Parser, HostileRequest,
    ::testing::Values(
        HostileCase{"both_lengths",
                    "POST http://h/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                    400},
        HostileCase{"differing_lengths", "POST http://h/ HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
                    400},
        HostileCase{"bad_chunk_size", "POST http://h/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", 400},
        HostileCase{"obs_fold", "GET http://h/ HTTP/1.1\r\nX-A: b\r\n  c\r\n\r\n", 400},
        HostileCase{"space_before_colon", "GET http://h/ HTTP/1.1\r\nX-A : b\r\n\r\n", 400},
        HostileCase{"empty_value_bad_name", "GET http://h/ HTTP/1.1\r\nX A:\r\n\r\n", 400},
        HostileCase{"garbage", "\x01\x02\x03 nonsense\r\n\r\n", 400},
        HostileCase{"bad_version", "GET http://h/ HTTP/9.9x\r\n\r\n", 400}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Parser, HeadOverLimitIs431) {
  Parser parser(MessageKind::kRequest, 1024);
  std::string input = "GET http://h/ HTTP/1.1\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
  ParseOutput out = parser.feed(input);
  EXPECT_EQ(out.status, ParseStatus::kError);
  EXPECT_EQ(parser.error().http_status, 431);
}

TEST(Parser, LimitCountsEachHeadSeparately) {
  // Many small pipelined heads must not add up to the limit.
  Parser parser(MessageKind::kRequest, 100);
  const std::string one = "GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n";
  for (int i = 0; i < 10; ++i) {
    ParseOutput out = parser.feed(one);
    ASSERT_EQ(out.status, ParseStatus::kComplete) << "request " << i;
  }
}

}  // namespace
}  // namespace flowscope::http
