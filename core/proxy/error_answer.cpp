#include "core/proxy/error_answer.hpp"

#include "core/flow/body.hpp"
#include "core/http/serializer.hpp"

namespace flowscope::proxy {

void answer_error(ConnectionContext& ctx, std::optional<Exchange>& exchange, int status, std::string_view message,
                  const http::Headers& extra) {
  if (!exchange) ctx.new_exchange(exchange);
  std::string body(message);
  if (body.empty() || body.back() != '\n') body.push_back('\n');
  const std::string_view reason = http::reason_phrase(status);
  std::string bytes = http::simple_response(status, reason, body, extra, true);
  flow::Response response{status, std::string(reason), "HTTP/1.1", {}, {}};
  response.headers.add("Content-Type", "text/plain; charset=utf-8");
  response.headers.add("Content-Length", std::to_string(body.size()));
  for (const auto& h : extra.items) response.headers.add(h.name, h.value);
  response.headers.add("Connection", "close");
  flow::append_limited(response.body, body, ctx.config.body_limit);
  exchange->flow().response = std::move(response);
  ctx.send_client(std::move(bytes));
  std::string error(message);
  while (!error.empty() && error.back() == '\n') error.pop_back();
  exchange->stream.finish(std::move(error));
  ctx.release_upstream(false);
  ctx.close_all();
}

}  // namespace flowscope::proxy
