#include "core/ws/frame.hpp"

namespace flowscope::ws {

std::string_view opcode_name(Opcode op) {
  switch (op) {
    case Opcode::kContinuation:
      return "continuation";
    case Opcode::kText:
      return "text";
    case Opcode::kBinary:
      return "binary";
    case Opcode::kClose:
      return "close";
    case Opcode::kPing:
      return "ping";
    case Opcode::kPong:
      return "pong";
  }
  return "reserved";
}

std::string_view direction_name(Direction d) {
  return d == Direction::kClientToServer ? "client" : "server";
}

}  // namespace flowscope::ws
