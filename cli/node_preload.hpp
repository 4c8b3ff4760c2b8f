#pragma once
// The preload that makes Node before 24 send http, https and fetch() traffic through
// HTTP_PROXY/HTTPS_PROXY (its source and the reasons are in cli/node_preload.js, which the
// build embeds). `flowscope record` writes it into its temporary directory and adds
// `--require <it>` to the child's NODE_OPTIONS.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace flowscope::cli {

// The text of cli/node_preload.js.
std::string_view node_preload_source();

// dir/node-preload.js.
Result<std::filesystem::path> write_node_preload(const std::filesystem::path& dir);

// NODE_OPTIONS with `--require "<preload>"` appended to what the user already has, quoted
// as Node splits NODE_OPTIONS (double quotes, backslash escapes).
std::string node_options_with_preload(std::string_view existing,
                                      const std::filesystem::path& preload);

}  // namespace flowscope::cli
