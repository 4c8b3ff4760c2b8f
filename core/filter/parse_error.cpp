#include "core/filter/parse_error.hpp"

namespace flowscope::filter {

std::string format_parse_error(std::string_view expression, const ParseError& error) {
  std::string shown;
  std::size_t caret = 0;
  for (std::size_t i = 0; i < expression.size(); ++i) {
    auto c = static_cast<unsigned char>(expression[i]);
    bool continuation = (c & 0xC0) == 0x80;  // a UTF-8 character takes one column, not one per byte
    // Tabs and newlines would move the caret off its column, so they show as spaces.
    shown += c < 0x20 ? ' ' : static_cast<char>(c);
    if (i < error.column && !continuation) ++caret;
  }
  return error.message + "\n  " + shown + "\n  " + std::string(caret, ' ') + "^";
}

}  // namespace flowscope::filter
