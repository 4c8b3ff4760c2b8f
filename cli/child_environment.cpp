#include "cli/child_environment.hpp"

#include <cstdio>
#include <cstdlib>

#include "cli/node_preload.hpp"
#include "cli/trust_files.hpp"

namespace flowscope::cli {

namespace {

namespace fs = std::filesystem;

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

void warn(const std::string& message) {
  std::fprintf(stderr, "flowscope: %s\n", message.c_str());
}

struct HostPort {
  std::string host;  // without IPv6 brackets, as Java's proxyHost wants it
  std::string port;
};

HostPort split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return {host, colon == std::string::npos ? "" : address.substr(colon + 1)};
}

// The JVM reads JAVA_TOOL_OPTIONS before its command line: the user's own -D flags on the
// `java` command still win over these, while these win over the user's JAVA_TOOL_OPTIONS.
// http.nonProxyHosts (which https uses too) is set to the empty string: its default,
// localhost|127.*|[::1], would send loopback traffic past the proxy, and the JDK adds those
// patterns to any non-empty value, so NO_PROXY (which Java never reads) is not translated.
std::string java_tool_options(const HostPort& proxy, const fs::path& trust_store) {
  std::string options = env_or_empty("JAVA_TOOL_OPTIONS");
  auto add = [&options](const std::string& flag) {
    if (!options.empty()) options += ' ';
    options += flag;
  };
  for (const char* scheme : {"http", "https"}) {
    add(std::string("-D") + scheme + ".proxyHost=" + proxy.host);
    add(std::string("-D") + scheme + ".proxyPort=" + proxy.port);
  }
  add("-Dhttp.nonProxyHosts=");
  if (!trust_store.empty()) {
    add("-Djavax.net.ssl.trustStore=" + trust_store.string());
    add(std::string("-Djavax.net.ssl.trustStorePassword=") + kJavaTrustStorePassword);
    add("-Djavax.net.ssl.trustStoreType=PKCS12");
  }
  return options;
}

}  // namespace

std::map<std::string, std::string> child_environment(const fs::path& work_dir,
                                                     const std::string& proxy_address,
                                                     const std::string& ca_pem) {
  std::map<std::string, std::string> env;
  // NO_PROXY/no_proxy are the user's and pass through untouched: hosts listed there are not
  // recorded. The proxy itself needs no entry, since clients reach their proxy directly.
  const std::string proxy_url = "http://" + proxy_address;
  for (const char* name : {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"})
    env[name] = proxy_url;
  env["NODE_USE_ENV_PROXY"] = "1";  // Node 24+ honours HTTP(S)_PROXY only with this

  if (auto preload = write_node_preload(work_dir)) {
    env["NODE_OPTIONS"] = node_options_with_preload(env_or_empty("NODE_OPTIONS"), *preload);
  } else {
    warn(preload.error().message + "; Node before 24 will not be recorded");
  }

  fs::path java_trust_store;
  if (!ca_pem.empty()) {
    env["NODE_EXTRA_CA_CERTS"] = ca_pem;  // added to Node's own roots
    if (auto bundle = write_trust_bundle(work_dir, ca_pem)) {
      // Each of these replaces its tool's roots, hence the bundle with the system roots.
      for (const char* name :
           {"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "PIP_CERT",
            "AWS_CA_BUNDLE", "DENO_CERT", "GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"}) {
        env[name] = bundle->string();
      }
    } else {
      warn(bundle.error().message);
    }
    if (auto store = write_java_trust_store(work_dir, ca_pem)) {
      java_trust_store = *store;
    } else {
      warn("cannot write the Java trust store: " + store.error().message +
           "; Java will not trust the CA");
    }
  }
  env["JAVA_TOOL_OPTIONS"] = java_tool_options(split_address(proxy_address), java_trust_store);
  return env;
}

}  // namespace flowscope::cli
