#pragma once
// The environment `flowscope record -- CMD` gives CMD, so that common clients send their
// traffic through the proxy and trust its CA without being told: the proxy variables,
// CA-bundle variables of many tools, a NODE_OPTIONS preload for Node before 24, and
// JAVA_TOOL_OPTIONS for the JVM. docs/cli.md ("What record sets for the child") lists them.
#include <filesystem>
#include <map>
#include <string>

namespace flowscope::cli {

// Writes the files the variables point at (trust bundle, Java trust store, Node preload)
// into work_dir, which the caller removes after the child ends, and returns the variables
// to set over the inherited environment. proxy_address is the proxy's HOST:PORT; ca_pem is
// the CA certificate's path, empty when the proxy does not intercept TLS (then no trust
// variables are set). A file that cannot be written drops its variables, with a warning on
// stderr; the rest still applies.
std::map<std::string, std::string> child_environment(const std::filesystem::path& work_dir,
                                                     const std::string& proxy_address,
                                                     const std::string& ca_pem);

}  // namespace flowscope::cli
