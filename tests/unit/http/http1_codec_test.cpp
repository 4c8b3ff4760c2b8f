// The HTTP/1 codecs: bytes in (cut at every boundary), the ordered version-neutral
// stream events out; and the framing each side gives what is sent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/http/http1_client_codec.hpp"
#include "core/http/http1_server_codec.hpp"
#include "core/overloaded.hpp"
#include "tests/unit/proxy/session_harness.hpp"  // every_split

namespace flowscope::http {
namespace {

using proxy::testing::every_split;

std::string describe(const StreamEvent& event) {
  return std::visit(Overloaded{
                        [](const RequestHeadEvent& e) {
                          return "head " + std::to_string(e.stream) + " " + e.head.method + " " + e.head.target;
                        },
                        [](const ResponseHeadEvent& e) {
                          return std::string(e.interim ? "interim " : "head ") + std::to_string(e.stream) + " " +
                                 std::to_string(e.head.status);
                        },
                        [](const DataEvent& e) { return "data " + std::to_string(e.stream) + " " + std::string(e.bytes); },
                        [](const EndEvent& e) {
                          std::string line = "end " + std::to_string(e.stream);
                          for (const Header& h : e.trailers.items) line += " " + h.name + "=" + h.value;
                          return line;
                        },
                        [](const UpgradeEvent& e) { return "upgrade " + std::to_string(e.stream); },
                        [](const StreamError& e) { return "error " + std::to_string(e.error.http_status); },
                    },
                    event);
}

// Feeds `pieces` the way a layer does (the unread rest stays for the next feed) and
// lists the events, consecutive data of a stream merged: a cut only splits data.
template <class Codec>
std::vector<std::string> drive(Codec& codec, const std::vector<std::string>& pieces) {
  std::vector<std::string> lines;
  std::string buffer;
  for (const std::string& piece : pieces) {
    buffer += piece;
    while (!buffer.empty()) {
      CodecInput in = codec.feed(buffer);
      bool stop = false;
      for (const StreamEvent& event : in.events) {
        std::string line = describe(event);
        const bool data = std::holds_alternative<DataEvent>(event);
        const std::string prefix = line.substr(0, line.find(' ', 5) + 1);
        if (data && !lines.empty() && lines.back().starts_with(prefix)) {
          lines.back() += line.substr(prefix.size());
        } else {
          lines.push_back(line);
        }
        stop = stop || std::holds_alternative<UpgradeEvent>(event) || std::holds_alternative<StreamError>(event);
      }
      buffer.erase(0, in.consumed);
      if (stop) return lines;
      if (in.consumed == 0) break;
    }
  }
  return lines;
}

TEST(Http1ServerCodec, PipelinedRequestsAreNumberedStreamsAtEverySplit) {
  const std::string input =
      "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"
      "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
      "PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
  for (const auto& pieces : every_split(input)) {
    Http1ServerCodec codec(64 * 1024);
    EXPECT_EQ(drive(codec, pieces),
              (std::vector<std::string>{"head 1 POST /a", "data 1 abcde", "end 1 X-Sum=5", "head 2 GET /b", "end 2",
                                        "head 3 PUT /c", "data 3 hi", "end 3"}));
  }
}

TEST(Http1ServerCodec, ConnectAndUpgradeEndHttpAndAnErrorComesAlone) {
  for (const auto& pieces : every_split("CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n\x16\x03\x01")) {
    Http1ServerCodec codec(64 * 1024);
    EXPECT_EQ(drive(codec, pieces), (std::vector<std::string>{"head 1 CONNECT x:443", "upgrade 1"}));
  }
  Http1ServerCodec codec(64 * 1024);
  CodecInput in = codec.feed("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  ASSERT_EQ(in.events.size(), 1u);
  EXPECT_EQ(describe(in.events[0]), "error 400");
}

TEST(Http1ServerCodec, FramesTheResponseForTheClientsVersion) {
  ResponseHead chunked;
  chunked.status = 200;
  chunked.reason = "OK";
  chunked.framing = BodyFraming::kChunked;
  chunked.headers.add("Transfer-Encoding", "chunked");

  Http1ServerCodec http11(64 * 1024);
  http11.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(http11.response_head(chunked, true), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(http11.data("abc"), "3\r\nabc\r\n");
  EXPECT_EQ(http11.end({}), "0\r\n\r\n");
  EXPECT_FALSE(http11.close_after());

  Http1ServerCodec http10(64 * 1024);
  http10.feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(http10.response_head(chunked, true), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
      << "no chunked coding toward HTTP/1.0: the body ends with the connection";
  EXPECT_EQ(http10.data("abc"), "abc");
  EXPECT_EQ(http10.end({}), "");
  EXPECT_TRUE(http10.close_after());
  ResponseHead interim;
  interim.status = 103;
  interim.reason = "Early Hints";
  EXPECT_EQ(http10.interim(interim), "") << "an HTTP/1.0 client would take it for the response";
  EXPECT_EQ(http11.interim(interim), "HTTP/1.1 103 Early Hints\r\n\r\n");

  ResponseHead until_close;
  until_close.status = 200;
  until_close.reason = "OK";
  until_close.framing = BodyFraming::kUntilClose;
  Http1ServerCodec keep(64 * 1024);
  keep.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(keep.response_head(until_close, true), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
      << "a close-delimited body is re-framed so the connection survives";
  Http1ServerCodec draining(64 * 1024);
  draining.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(draining.response_head(until_close, false), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(draining.close_after());
}

TEST(Http1ClientCodec, FramesTheRequestAsItsHeadSaysAndReadsInterimThenFinal) {
  Http1ClientCodec codec;
  RequestHead head;
  head.method = "POST";
  head.target = "/up";
  head.headers.add("Host", "x");
  head.headers.add("Transfer-Encoding", "gzip, chunked");
  EXPECT_EQ(codec.request_head(head), "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  EXPECT_EQ(codec.data("zz"), "2\r\nzz\r\n");
  EXPECT_EQ(codec.end({}), "0\r\n\r\n");
  EXPECT_EQ(codec.stream(), 1u);

  const std::string response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone";
  for (const auto& pieces : every_split(response)) {
    codec.restart_response();
    EXPECT_EQ(drive(codec, pieces),
              (std::vector<std::string>{"interim 1 100", "end 1", "head 1 200", "data 1 done", "end 1"}));
    EXPECT_TRUE(codec.keep_alive());
  }
}

TEST(Http1ClientCodec, AResponseToHeadHasNoBodyAndCloseDelimitedEndsAtFinish) {
  Http1ClientCodec codec;
  RequestHead head;
  head.method = "HEAD";
  head.target = "/";
  codec.request_head(head);
  EXPECT_EQ(drive(codec, {"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"}),
            (std::vector<std::string>{"head 1 200", "end 1"}));

  head.method = "GET";
  codec.request_head(head);
  EXPECT_EQ(drive(codec, {"HTTP/1.1 200 OK\r\n\r\nuntil the end"}),
            (std::vector<std::string>{"head 2 200", "data 2 until the end"}));
  CodecInput at_eof = codec.finish();
  ASSERT_EQ(at_eof.events.size(), 1u);
  EXPECT_EQ(describe(at_eof.events[0]), "end 2");
  EXPECT_FALSE(codec.keep_alive());

  codec.request_head(head);
  codec.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  at_eof = codec.finish();
  ASSERT_EQ(at_eof.events.size(), 1u);
  EXPECT_EQ(describe(at_eof.events[0]), "error 502") << "cut short by the close";
  codec.done();
  EXPECT_FALSE(codec.expecting_response());
}

}  // namespace
}  // namespace flowscope::http
