#include "core/filter/terms.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "core/edit_distance.hpp"
#include "core/filter/flow_facts.hpp"
#include "core/filter/text_pattern.hpp"
#include "core/filter/threshold.hpp"

namespace flowscope::filter {

namespace {

using Built = std::expected<NodePtr, std::string>;

// ---- nodes --------------------------------------------------------------------------------

// The argumentless terms: one fact of the flow.
class Predicate final : public Node {
 public:
  explicit Predicate(bool (*test)(const flow::Flow&)) : test_(test) {}
  bool matches(const flow::Flow& flow) const override { return test_(flow); }

 private:
  bool (*test_)(const flow::Flow&);
};

// ~d with a plain domain: the host is that domain or one of its subdomains, so
// "example.com" matches "api.example.com" but not "badexample.com".
class DomainSuffix final : public Node {
 public:
  DomainSuffix(std::string folded, bool exact) : folded_(std::move(folded)), exact_(exact) {}
  bool matches(const flow::Flow& flow) const override {
    auto host = flow_host(flow);
    if (host.ends_with('.')) host.remove_suffix(1);  // "example.com." is the same name
    if (equals_folded(host, folded_)) return true;
    if (exact_ || host.size() <= folded_.size()) return false;
    auto tail = host.substr(host.size() - folded_.size());
    return host[host.size() - folded_.size() - 1] == '.' && equals_folded(tail, folded_);
  }

 private:
  std::string folded_;
  bool exact_;  // an IP address: "0.0.1" must not match 127.0.0.1
};

class DomainPattern final : public Node {
 public:
  explicit DomainPattern(TextPattern pattern) : pattern_(std::move(pattern)) {}
  bool matches(const flow::Flow& flow) const override { return pattern_.search(flow_host(flow)); }

 private:
  TextPattern pattern_;
};

class Url final : public Node {
 public:
  explicit Url(TextPattern pattern) : pattern_(std::move(pattern)) {}
  bool matches(const flow::Flow& flow) const override { return pattern_.search(flow.request.url); }

 private:
  TextPattern pattern_;
};

class Method final : public Node {
 public:
  explicit Method(std::string folded) : folded_(std::move(folded)) {}
  bool matches(const flow::Flow& flow) const override { return equals_folded(flow.request.method, folded_); }

 private:
  std::string folded_;
};

class Status final : public Node {
 public:
  Status(int low, int high) : low_(low), high_(high) {}
  bool matches(const flow::Flow& flow) const override {
    return flow.response && flow.response->status >= low_ && flow.response->status <= high_;
  }

 private:
  int low_, high_;
};

struct Sides {
  bool request;
  bool response;
};

// ~h, ~hq, ~hs: each header is matched as one "Name: value" line, so `^x-api` and
// `token: ` work as they read.
class HeaderLine final : public Node {
 public:
  HeaderLine(TextPattern pattern, Sides sides) : pattern_(std::move(pattern)), sides_(sides) {}
  bool matches(const flow::Flow& flow) const override {
    if (sides_.request && any_line(flow.request.headers)) return true;
    return sides_.response && flow.response && any_line(flow.response->headers);
  }

 private:
  bool any_line(const http::Headers& headers) const {
    thread_local std::string line;  // reused: no allocation per header once warm
    for (const auto& header : headers.items) {
      line.assign(header.name).append(": ").append(header.value);
      if (pattern_.search(line)) return true;
    }
    return false;
  }
  TextPattern pattern_;
  Sides sides_;
};

// ~t, ~tq, ~ts: the Content-Type value.
class ContentType final : public Node {
 public:
  ContentType(TextPattern pattern, Sides sides) : pattern_(std::move(pattern)), sides_(sides) {}
  bool matches(const flow::Flow& flow) const override {
    if (sides_.request && of(flow.request.headers)) return true;
    return sides_.response && flow.response && of(flow.response->headers);
  }

 private:
  bool of(const http::Headers& headers) const {
    const std::string* type = headers.find("Content-Type");
    return type && pattern_.search(*type);
  }
  TextPattern pattern_;
  Sides sides_;
};

// ~b, ~bq, ~bs: decoded bodies, and the WebSocket messages each side sent.
class BodyText final : public Node {
 public:
  BodyText(TextPattern pattern, Sides sides) : pattern_(std::move(pattern)), sides_(sides) {}
  bool matches(const flow::Flow& flow) const override {
    std::string scratch;
    if (sides_.request && pattern_.search(decoded_body(flow.request.body, flow.request.headers, scratch)))
      return true;
    if (sides_.response && flow.response &&
        pattern_.search(decoded_body(flow.response->body, flow.response->headers, scratch)))
      return true;
    if (!flow.websocket) return false;
    for (const auto& message : flow.websocket->messages) {
      bool wanted = message.from_client ? sides_.request : sides_.response;
      if (wanted && pattern_.search(message.data)) return true;
    }
    return false;
  }

 private:
  TextPattern pattern_;
  Sides sides_;
};

class ClientIp final : public Node {
 public:
  explicit ClientIp(std::string folded) : folded_(std::move(folded)) {}
  bool matches(const flow::Flow& flow) const override {
    return equals_folded(address_ip(flow.client_address), folded_);
  }

 private:
  std::string folded_;
};

class Measured final : public Node {
 public:
  Measured(Threshold threshold, double (*measure)(const flow::Flow&)) : threshold_(threshold), measure_(measure) {}
  bool matches(const flow::Flow& flow) const override { return threshold_.holds(measure_(flow)); }

 private:
  Threshold threshold_;
  double (*measure_)(const flow::Flow&);
};

// ---- builders -----------------------------------------------------------------------------

std::string fold(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  return out;
}

bool is_plain_domain(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
           c == '_';
  });
}

bool is_ipv4(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

Built build_domain(std::string_view argument) {
  // "*.example.com" and ".example.com" say "subdomains" out loud; the suffix match
  // already includes them.
  std::string_view domain = argument;
  if (domain.starts_with("*.")) domain.remove_prefix(2);
  else if (domain.starts_with('.')) domain.remove_prefix(1);
  if (domain.ends_with('.')) domain.remove_suffix(1);
  if (is_plain_domain(domain)) return std::make_unique<DomainSuffix>(fold(domain), is_ipv4(domain));
  auto pattern = TextPattern::compile(argument);
  if (!pattern) return std::unexpected(pattern.error().message);
  return std::make_unique<DomainPattern>(std::move(*pattern));
}

template <class NodeType, class... Extra>
Built build_pattern(std::string_view argument, Extra... extra) {
  auto pattern = TextPattern::compile(argument);
  if (!pattern) return std::unexpected(pattern.error().message);
  return std::make_unique<NodeType>(std::move(*pattern), extra...);
}

Built build_method(std::string_view argument) {
  if (!std::all_of(argument.begin(), argument.end(), [](char c) { return c > ' ' && c < 0x7f; }))
    return std::unexpected("expected a method such as GET or POST");
  return std::make_unique<Method>(fold(argument));
}

Built build_status(std::string_view argument) {
  constexpr std::string_view kExpected = "expected a status code such as 404, or a class such as 4xx";
  if (argument.size() == 3 && fold(argument.substr(1)) == "xx" && argument[0] >= '1' && argument[0] <= '5') {
    int hundreds = (argument[0] - '0') * 100;
    return std::make_unique<Status>(hundreds, hundreds + 99);
  }
  int code = 0;
  auto [end, ec] = std::from_chars(argument.data(), argument.data() + argument.size(), code);
  if (ec != std::errc() || end != argument.data() + argument.size() || code < 100 || code > 999)
    return std::unexpected(std::string(kExpected));
  return std::make_unique<Status>(code, code);
}

Built build_ip(std::string_view argument) {
  std::string_view ip = argument;
  if (ip.starts_with('[') && ip.ends_with(']')) ip = ip.substr(1, ip.size() - 2);
  if (ip.empty() || ip.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos)
    return std::unexpected("expected an IP address such as 127.0.0.1 or ::1");
  return std::make_unique<ClientIp>(fold(ip));
}

constexpr std::array kDurationUnits{Unit{"us", 0.001}, Unit{"ms", 1}, Unit{"s", 1000}};
constexpr std::array kSizeUnits{Unit{"b", 1}, Unit{"kb", 1024.0}, Unit{"mb", 1024.0 * 1024},
                                Unit{"gb", 1024.0 * 1024 * 1024}};

Built build_duration(std::string_view argument) {
  auto threshold = parse_threshold(argument, kDurationUnits, ">500ms");
  if (!threshold) return std::unexpected(threshold.error());
  return std::make_unique<Measured>(*threshold, total_duration_ms);
}

Built build_size(std::string_view argument) {
  auto threshold = parse_threshold(argument, kSizeUnits, ">1mb");
  if (!threshold) return std::unexpected(threshold.error());
  return std::make_unique<Measured>(*threshold, [](const flow::Flow& flow) {
    return static_cast<double>(total_body_size(flow));
  });
}

template <bool (*Test)(const flow::Flow&)>
Built build_predicate(std::string_view) {
  return std::make_unique<Predicate>(Test);
}

bool failed(const flow::Flow& flow) { return !flow.error.empty(); }
bool is_tunnel(const flow::Flow& flow) { return flow.tunnel.has_value() || flow.scheme == "tunnel"; }
bool is_websocket(const flow::Flow& flow) { return flow.websocket.has_value(); }
bool is_http2(const flow::Flow& flow) {
  auto h2 = [](std::string_view version) { return version == "HTTP/2.0" || version == "HTTP/2"; };
  return h2(flow.request.http_version) || (flow.response && h2(flow.response->http_version));
}
bool is_replay(const flow::Flow& flow) { return !flow.replay_of.empty(); }
bool has_no_response(const flow::Flow& flow) { return !flow.response.has_value(); }
bool has_response(const flow::Flow& flow) { return flow.response.has_value(); }
bool always(const flow::Flow&) { return true; }

constexpr Sides kEither{true, true};
constexpr Sides kRequest{true, false};
constexpr Sides kResponse{false, true};

const std::array kTerms{
    TermSpec{"d", true, false, build_domain},
    TermSpec{"u", true, false, [](std::string_view a) { return build_pattern<Url>(a); }},
    TermSpec{"m", true, false, build_method},
    TermSpec{"c", true, false, build_status},
    TermSpec{"h", true, false, [](std::string_view a) { return build_pattern<HeaderLine>(a, kEither); }},
    TermSpec{"hq", true, false, [](std::string_view a) { return build_pattern<HeaderLine>(a, kRequest); }},
    TermSpec{"hs", true, false, [](std::string_view a) { return build_pattern<HeaderLine>(a, kResponse); }},
    TermSpec{"b", true, true, [](std::string_view a) { return build_pattern<BodyText>(a, kEither); }},
    TermSpec{"bq", true, true, [](std::string_view a) { return build_pattern<BodyText>(a, kRequest); }},
    TermSpec{"bs", true, true, [](std::string_view a) { return build_pattern<BodyText>(a, kResponse); }},
    TermSpec{"t", true, false, [](std::string_view a) { return build_pattern<ContentType>(a, kEither); }},
    TermSpec{"tq", true, false, [](std::string_view a) { return build_pattern<ContentType>(a, kRequest); }},
    TermSpec{"ts", true, false, [](std::string_view a) { return build_pattern<ContentType>(a, kResponse); }},
    TermSpec{"e", false, false, build_predicate<failed>},
    TermSpec{"tunnel", false, false, build_predicate<is_tunnel>},
    TermSpec{"websocket", false, false, build_predicate<is_websocket>},
    TermSpec{"http2", false, false, build_predicate<is_http2>},
    TermSpec{"replay", false, false, build_predicate<is_replay>},
    TermSpec{"q", false, false, build_predicate<has_no_response>},
    TermSpec{"s", false, false, build_predicate<has_response>},
    TermSpec{"all", false, false, build_predicate<always>},
    TermSpec{"ip", true, false, build_ip},
    TermSpec{"dur", true, false, build_duration},
    TermSpec{"size", true, false, build_size},
};

}  // namespace

std::span<const TermSpec> all_terms() { return kTerms; }

const TermSpec* find_term(std::string_view name) {
  for (const auto& term : kTerms)
    if (term.name == name) return &term;
  return nullptr;
}

std::string_view closest_term(std::string_view name) {
  std::string folded = fold(name);
  if (const auto* exact = find_term(folded)) return exact->name;  // "~D" -> "~d"
  std::string_view best;
  std::size_t best_distance = 3;  // further than two edits is a guess, not a typo
  for (const auto& term : kTerms) {
    // A long name that starts with a term ("~websockets", "~durr") is that term.
    std::size_t distance = folded.starts_with(term.name) && term.name.size() >= 3 ? 1 : edit_distance(folded, term.name);
    // Short names are all within two edits of each other: only one edit counts for
    // them, and a one-letter typo suggests no single one (the parser lists them all).
    if (term.name.size() <= 2 && (distance > 1 || folded.size() == 1)) continue;
    if (distance < best_distance) {
      best_distance = distance;
      best = term.name;
    }
  }
  return best;
}

}  // namespace flowscope::filter
