#include "core/http/parser.hpp"

namespace flowscope::http {

namespace {
Parser* self(llhttp_t* p) { return static_cast<Parser*>(p->data); }

// RFC 9110 §5.6.2 tchar. llhttp 8 lets a space before the colon into the field
// name ("X-A : b"); RFC 9112 §5.1 requires a 400 for it.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}
}  // namespace

Parser::Parser(MessageKind kind, std::size_t max_head_bytes) : kind_(kind), max_head_bytes_(max_head_bytes) {
  llhttp_settings_init(&settings_);
  settings_.on_message_begin = &Parser::on_message_begin;
  settings_.on_method = &Parser::on_method;
  settings_.on_url = &Parser::on_url;
  settings_.on_status = &Parser::on_status;
  settings_.on_header_field = &Parser::on_header_field;
  settings_.on_header_value = &Parser::on_header_value;
  settings_.on_headers_complete = &Parser::on_headers_complete;
  settings_.on_body = &Parser::on_body;
  settings_.on_message_complete = &Parser::on_message_complete;
  llhttp_init(&parser_, kind == MessageKind::kRequest ? HTTP_REQUEST : HTTP_RESPONSE, &settings_);
  parser_.data = this;
}

bool Parser::count_head_bytes(std::size_t n) {
  head_bytes_ += n;
  if (head_bytes_ <= max_head_bytes_) return true;
  error_ = {431, "request head larger than " + std::to_string(max_head_bytes_ / 1024) + " KiB"};
  if (kind_ == MessageKind::kResponse) error_ = {502, "response head larger than limit"};
  llhttp_set_error_reason(&parser_, "head too large");
  return false;
}

bool Parser::flush_header() {
  if (field_.empty() && !in_value_) return true;
  if (!is_token(field_)) {
    error_ = {kind_ == MessageKind::kRequest ? 400 : 502, "invalid header name '" + field_.substr(0, 64) + "'"};
    llhttp_set_error_reason(&parser_, "invalid header name");
    return false;
  }
  Headers& target = in_trailers_ ? out_->trailers
                    : kind_ == MessageKind::kRequest ? request_.headers
                                                     : response_.headers;
  target.add(std::move(field_), std::move(value_));
  field_.clear();
  value_.clear();
  in_value_ = false;
  return true;
}

int Parser::on_message_begin(llhttp_t* p) {
  Parser* s = self(p);
  s->request_ = RequestHead{};
  s->response_ = ResponseHead{};
  s->in_trailers_ = false;
  s->in_message_ = true;
  s->in_value_ = false;
  s->field_.clear();
  s->value_.clear();
  return 0;
}

int Parser::on_method(llhttp_t* p, const char* at, std::size_t n) {
  Parser* s = self(p);
  if (!s->count_head_bytes(n)) return HPE_USER;
  s->request_.method.append(at, n);
  return 0;
}

int Parser::on_url(llhttp_t* p, const char* at, std::size_t n) {
  Parser* s = self(p);
  if (!s->count_head_bytes(n)) return HPE_USER;
  s->request_.target.append(at, n);
  return 0;
}

int Parser::on_status(llhttp_t* p, const char* at, std::size_t n) {
  Parser* s = self(p);
  if (!s->count_head_bytes(n)) return HPE_USER;
  s->response_.reason.append(at, n);
  return 0;
}

int Parser::on_header_field(llhttp_t* p, const char* at, std::size_t n) {
  Parser* s = self(p);
  if (!s->count_head_bytes(n)) return HPE_USER;
  if (s->in_value_ && !s->flush_header()) return HPE_USER;
  s->field_.append(at, n);
  return 0;
}

int Parser::on_header_value(llhttp_t* p, const char* at, std::size_t n) {
  Parser* s = self(p);
  if (!s->count_head_bytes(n)) return HPE_USER;
  // llhttp 8 accepts obs-fold: it drops the CRLF and reports the continuation
  // line as more of the same value. A value span normally follows ':' or OWS, a
  // continuation follows the LF. RFC 9112 §5.2 lets us reject it, and we do:
  // folding is a request-smuggling vector.
  const char before = at == s->feed_begin_ ? s->previous_feed_last_ : at[-1];
  if (before == '\n') {
    s->error_ = {400, "obsolete line folding (obs-fold) in a header value"};
    llhttp_set_error_reason(p, "obs-fold");
    return HPE_USER;
  }
  s->in_value_ = true;
  s->value_.append(at, n);
  return 0;
}

int Parser::on_headers_complete(llhttp_t* p) {
  Parser* s = self(p);
  if (!s->flush_header()) return HPE_USER;
  s->in_trailers_ = true;
  s->out_->head_ready = true;

  const bool chunked = (p->flags & F_CHUNKED) != 0;
  const bool has_length = (p->flags & F_CONTENT_LENGTH) != 0;
  BodyFraming framing = chunked      ? BodyFraming::kChunked
                        : has_length ? BodyFraming::kContentLength
                                     : BodyFraming::kNone;
  if (has_length && !chunked && p->content_length == 0) framing = BodyFraming::kNone;

  if (s->kind_ == MessageKind::kRequest) {
    RequestHead& r = s->request_;
    r.method = llhttp_method_name(static_cast<llhttp_method_t>(llhttp_get_method(p)));
    r.version_major = llhttp_get_http_major(p);
    r.version_minor = llhttp_get_http_minor(p);
    r.framing = framing;
    r.content_length = framing == BodyFraming::kContentLength ? p->content_length : 0;
    return 0;
  }

  ResponseHead& r = s->response_;
  r.status = llhttp_get_status_code(p);
  r.version_major = llhttp_get_http_major(p);
  r.version_minor = llhttp_get_http_minor(p);
  const bool bodyless_status = r.status / 100 == 1 || r.status == 204 || r.status == 304;
  if (s->response_to_connect_ && r.status / 100 == 2) {
    r.framing = BodyFraming::kNone;
    return 2;  // the tunnel begins right after this head
  }
  if (s->response_to_head_ || bodyless_status) {
    r.framing = BodyFraming::kNone;
    r.content_length = 0;
    // 1xx other than 101 are interim: the real response follows on the same stream.
    return s->response_to_head_ && !bodyless_status ? 1 : 0;
  }
  if (framing == BodyFraming::kNone && !has_length) framing = BodyFraming::kUntilClose;
  if (!chunked && (p->flags & F_TRANSFER_ENCODING)) framing = BodyFraming::kUntilClose;
  r.framing = framing;
  r.content_length = framing == BodyFraming::kContentLength ? p->content_length : 0;
  return 0;
}

int Parser::on_body(llhttp_t* p, const char* at, std::size_t n) {
  self(p)->out_->body.emplace_back(at, n);
  return 0;
}

int Parser::on_message_complete(llhttp_t* p) {
  Parser* s = self(p);
  if (!s->flush_header()) return HPE_USER;
  s->in_message_ = false;
  s->keep_alive_ = llhttp_should_keep_alive(p) != 0;
  const int status = s->response_.status;
  // A HEAD or CONNECT expectation covers one final response; 1xx are interim.
  if (s->kind_ == MessageKind::kResponse && !(status >= 100 && status < 200 && status != 101)) {
    s->response_to_head_ = false;
    s->response_to_connect_ = false;
  }
  s->head_bytes_ = 0;
  return HPE_PAUSED;
}

ParseOutput Parser::run(std::string_view data, bool at_eof) {
  ParseOutput out;
  if (upgraded_) {
    out.status = ParseStatus::kUpgrade;
    return out;
  }
  out_ = &out;
  if (paused_) {
    llhttp_resume(&parser_);
    paused_ = false;
  }
  feed_begin_ = data.data();
  llhttp_errno_t rc = at_eof ? llhttp_finish(&parser_) : llhttp_execute(&parser_, data.data(), data.size());
  const char* pos = llhttp_get_error_pos(&parser_);
  switch (rc) {
    case HPE_OK:
      out.status = ParseStatus::kNeedMore;
      out.consumed = data.size();
      break;
    case HPE_PAUSED:
      paused_ = true;
      out.status = ParseStatus::kComplete;
      out.consumed = at_eof || pos == nullptr ? data.size() : static_cast<std::size_t>(pos - data.data());
      if (llhttp_get_upgrade(&parser_)) {
        // llhttp reports the upgrade on the next execute; we know it already.
        upgraded_ = true;
        out.status = ParseStatus::kUpgrade;
      }
      break;
    case HPE_PAUSED_UPGRADE:
      upgraded_ = true;
      out.status = ParseStatus::kUpgrade;
      out.consumed = pos == nullptr ? data.size() : static_cast<std::size_t>(pos - data.data());
      break;
    default:
      out.status = ParseStatus::kError;
      out.consumed = pos == nullptr ? 0 : static_cast<std::size_t>(pos - data.data());
      if (rc != HPE_USER || error_.message.empty()) {
        error_.http_status = kind_ == MessageKind::kRequest ? 400 : 502;
        error_.message = std::string(llhttp_errno_name(rc)) + ": " + llhttp_get_error_reason(&parser_);
      }
      break;
  }
  if (out.consumed > 0 && out.consumed <= data.size()) previous_feed_last_ = data[out.consumed - 1];
  out_ = nullptr;
  return out;
}

ParseOutput Parser::feed(std::string_view data) { return run(data, false); }

ParseOutput Parser::finish() { return run({}, true); }

void Parser::reset() {
  llhttp_init(&parser_, kind_ == MessageKind::kRequest ? HTTP_REQUEST : HTTP_RESPONSE, &settings_);
  parser_.data = this;
  upgraded_ = paused_ = in_message_ = false;
  keep_alive_ = true;
  head_bytes_ = 0;
  previous_feed_last_ = 0;
}

void Parser::resume_after_declined_upgrade() {
  // The upgrade request was a complete message, so starting over loses nothing;
  // llhttp_resume_after_upgrade would not clear the pause we put on that message.
  if (upgraded_) reset();
}

}  // namespace flowscope::http
