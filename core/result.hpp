#pragma once
// Errors are values: every fallible call returns Result<T>, whose error carries a
// sentence a person can act on.
#include <expected>
#include <string>

namespace flowscope {

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace flowscope
