#pragma once
// The Sec-WebSocket-Extensions value (RFC 6455 §9.1): a comma-separated list of
// extensions, each a token with ";"-separated parameters, each a token with an
// optional "=" value that is a token or a quoted-string.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::ws {

struct ExtensionParam {
  std::string name;
  std::optional<std::string> value;  // unquoted; none for a bare name
};

struct Extension {
  std::string name;
  std::vector<ExtensionParam> params;
};

// Several Sec-WebSocket-Extensions fields are one list: join their values with ", ".
// Whitespace around the separators is allowed and empty list elements are skipped. A
// quoted value must be a token once unescaped (§9.1), like a bare one.
Result<std::vector<Extension>> parse_extensions(std::string_view value);

}  // namespace flowscope::ws
