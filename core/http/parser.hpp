#pragma once
// A sans-io HTTP/1.x message parser over llhttp (strict: no lenient flags).
//
// feed() consumes bytes and stops right after each complete message, so the caller
// decides when the next pipelined message may be parsed. Body pieces are views into
// the fed buffer and are valid only until the caller's buffer changes.
#include <llhttp.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.hpp"

namespace flowscope::http {

enum class ParseStatus {
  kNeedMore,  // all input consumed, message not complete yet
  kComplete,  // one message ended; `consumed` stops right after it
  kUpgrade,   // message ended and the connection switches protocol (CONNECT, 101)
  kError,
};

struct ParseOutput {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;
  bool head_ready = false;              // a head was completed by this call: take it
  std::vector<std::string_view> body;   // decoded body pieces, in order
  Headers trailers;                     // chunked trailers, set on kComplete
};

struct ParseError {
  int http_status = 400;  // what a server should answer: 400 or 431
  std::string message;
};

enum class MessageKind { kRequest, kResponse };

class Parser {
 public:
  static constexpr std::size_t kDefaultMaxHeadBytes = 64 * 1024;

  explicit Parser(MessageKind kind, std::size_t max_head_bytes = kDefaultMaxHeadBytes);
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  ParseOutput feed(std::string_view data);
  // The peer closed: ends a close-delimited body, or reports a truncated message.
  ParseOutput finish();

  RequestHead take_request_head() { return std::move(request_); }
  ResponseHead take_response_head() { return std::move(response_); }

  // The next response answers a HEAD request, so it has no body whatever it says.
  void expect_response_to_head() { response_to_head_ = true; }
  // The next response answers a CONNECT: a 2xx ends the HTTP part of the stream.
  void expect_response_to_connect() { response_to_connect_ = true; }
  // After kUpgrade was declined by the other side (no 101), carry on parsing HTTP.
  void resume_after_declined_upgrade();
  // Starts over on a new stream (HTTP inside an intercepted CONNECT tunnel).
  void reset();

  bool keep_alive() const { return keep_alive_; }
  bool in_message() const { return in_message_; }
  bool head_started() const { return head_bytes_ > 0; }
  const ParseError& error() const { return error_; }

 private:
  static int on_message_begin(llhttp_t*);
  static int on_method(llhttp_t*, const char*, std::size_t);
  static int on_url(llhttp_t*, const char*, std::size_t);
  static int on_status(llhttp_t*, const char*, std::size_t);
  static int on_header_field(llhttp_t*, const char*, std::size_t);
  static int on_header_value(llhttp_t*, const char*, std::size_t);
  static int on_headers_complete(llhttp_t*);
  static int on_body(llhttp_t*, const char*, std::size_t);
  static int on_message_complete(llhttp_t*);

  bool count_head_bytes(std::size_t n);
  bool flush_header();  // false (and error_ set) for an invalid field name
  ParseOutput run(std::string_view data, bool at_eof);

  MessageKind kind_;
  std::size_t max_head_bytes_;
  llhttp_settings_t settings_{};
  llhttp_t parser_{};

  RequestHead request_;
  ResponseHead response_;
  std::string field_, value_;
  bool in_value_ = false;
  bool in_trailers_ = false;
  const char* feed_begin_ = nullptr;  // start of the buffer being executed
  char previous_feed_last_ = 0;       // last byte of the previous buffer
  bool in_message_ = false;
  bool paused_ = false;
  bool upgraded_ = false;
  bool keep_alive_ = true;
  bool response_to_head_ = false;
  bool response_to_connect_ = false;
  std::size_t head_bytes_ = 0;
  ParseOutput* out_ = nullptr;
  ParseError error_;
};

}  // namespace flowscope::http
