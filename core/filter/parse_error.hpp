#pragma once
// A parse error points at a column of the expression; the message a person reads
// shows the expression with a caret under that column:
//   expected an argument after ~c
//     ~c & ~d x
//        ^
#include <cstddef>
#include <string>
#include <string_view>

namespace flowscope::filter {

struct ParseError {
  std::string message;
  std::size_t column = 0;  // byte offset into the expression; its length for "at the end"
};

std::string format_parse_error(std::string_view expression, const ParseError& error);

}  // namespace flowscope::filter
