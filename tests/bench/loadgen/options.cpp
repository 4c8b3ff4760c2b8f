#include "options.hpp"

#include <CLI/CLI.hpp>

namespace flowscope::loadgen {

std::expected<Options, int> parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{
      "loadgen: HTTP/1.1 load generator, direct or through an HTTP proxy (absolute-form for\n"
      "http://, CONNECT + TLS for https://). Exit status: 0 all requests completed, 1 some "
      "failed,\n"
      "2 bad arguments or setup."};
  app.add_option("url", o.urls, "http://host:port/path or https://...; several are rotated")
      ->required();
  app.add_option("--proxy", o.proxy, "HTTP proxy host:port to send every request through");
  app.add_option("-c,--connections", o.connections, "concurrent connections")
      ->check(CLI::Range(1u, 100000u));
  app.add_option("-t,--threads", o.threads, "worker threads, each with its own event loop")
      ->check(CLI::Range(1u, 256u));
  app.add_option("-n,--requests", o.requests, "total requests (default: run for --duration)");
  app.add_option("-d,--duration", o.duration_s, "seconds to run (default 10 unless -n is given)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--new-connection", o.new_connection,
               "one connection (and TLS handshake) per request instead of keep-alive");
  app.add_option("-m,--method", o.method, "request method (default GET, or POST with --body-size)");
  app.add_option("--body-size", o.body_size, "upload a generated request body of BYTES");
  app.add_option("-H,--header", o.headers, "extra request header \"Name: value\" (repeatable)")
      ->allow_extra_args(false);  // one value per -H, so a URL after it stays a URL
  auto* hosts_file = app.add_option("--hosts-file", o.hosts_file,
                                    "file of hostnames (one a line) substituted into the URLs")
                         ->check(CLI::ExistingFile);
  auto* host_count = app.add_option("--host-count", o.host_count,
                                    "use N hostnames made from --host-pattern ({} = 0..N-1)");
  host_count->excludes(hosts_file);
  app.add_option("--host-pattern", o.host_pattern, "pattern for --host-count")
      ->capture_default_str();
  app.add_option("--resolve-to", o.resolve_to,
                 "connect to this IP for every hostname when going direct (like curl --resolve)");
  auto* insecure = app.add_flag("-k,--insecure", o.insecure, "do not verify TLS certificates");
  app.add_option("--cacert", o.cacert,
                 "verify TLS against this CA bundle (PEM) instead of the "
                 "system store")
      ->check(CLI::ExistingFile)
      ->excludes(insecure);
  app.add_option("--json", o.json_path, "write the results as JSON to FILE");
  app.add_option("--timeout-ms", o.timeout_ms, "per-request timeout, counted as an error (0: none)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return std::unexpected(app.exit(e));
  }
  if (o.requests == 0 && o.duration_s == 0) o.duration_s = 10;
  if (o.method.empty()) o.method = o.body_size > 0 ? "POST" : "GET";
  // More threads than connections would leave loops with nothing to do.
  if (o.threads > o.connections) o.threads = o.connections;
  return o;
}

}  // namespace flowscope::loadgen
