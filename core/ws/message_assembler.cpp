#include "core/ws/message_assembler.hpp"

#include "core/overloaded.hpp"

namespace flowscope::ws {

void MessageAssembler::assemble(const std::vector<FrameEvent>& frames,
                                std::vector<MessageEvent>& out) {
  for (const FrameEvent& event : frames) {
    std::visit(Overloaded{
                   [&](const FrameHeader& h) { on_header(h, out); },
                   [&](const FramePayload& p) {
                     // A control frame's payload arrives whole with its FrameEnd.
                     if (is_control(frame_opcode_)) return;
                     size_ += p.data.size();
                     out.push_back(MessageData{p.data});
                   },
                   [&](const FrameEnd& e) { on_end(e, out); },
                   [&](const ProtocolError& e) { out.push_back(e); },
               },
               event);
  }
}

void MessageAssembler::on_header(const FrameHeader& header, std::vector<MessageEvent>& out) {
  frame_opcode_ = header.opcode;
  fin_ = header.fin;
  if (is_control(header.opcode)) return;
  if (header.opcode != Opcode::kContinuation) {
    in_message_ = true;
    size_ = 0;
    frames_ = 0;
    out.push_back(MessageStart{header.opcode, header.rsv1, header.offset});
  }
  ++frames_;
}

void MessageAssembler::on_end(FrameEnd end, std::vector<MessageEvent>& out) {
  switch (frame_opcode_) {
    case Opcode::kPing:
      out.push_back(Ping{std::move(end.control_payload)});
      return;
    case Opcode::kPong:
      out.push_back(Pong{std::move(end.control_payload)});
      return;
    case Opcode::kClose:
      // The parser has checked it, so it parses.
      out.push_back(Close{parse_close_payload(end.control_payload).value_or(ClosePayload{})});
      return;
    default:
      break;
  }
  if (!fin_) return;
  in_message_ = false;
  out.push_back(MessageEnd{size_, frames_});
}

std::vector<MessageEvent> MessageReader::feed(std::string_view data) {
  std::vector<MessageEvent> out;
  assembler_.assemble(parser_.feed(data), out);
  return out;
}

}  // namespace flowscope::ws
