#pragma once
// The breakpoints panel: the list of breakpoint expressions (add, enable, remove) and
// the exchanges paused at them, each answered with Continue, Edit…, Answer or Abort.
// Editing uses the shared edit form, which the app shell opens from the action.
#include <cstdint>
#include <string>

#include "gui/model/breakpoints.hpp"
#include "gui/model/paused_list.hpp"
#include "gui/ui_fonts.hpp"

namespace flowscope::gui {

// What the panel keeps between frames.
struct BreakpointsUi {
  std::string new_expression;
  int new_on = 0;  // BreakOn as an index: request, response, both
  std::string error;
  std::uint64_t selected_ticket = 0;
  std::string answer_status = "200";
  std::string answer_body;
};

struct BreakpointsAction {
  // Non-zero: open the edit form for that paused item and resume it with kContinueEdited.
  std::uint64_t edit_ticket = 0;
};

BreakpointsAction draw_breakpoints_panel(Breakpoints& breakpoints, PausedList& paused, BreakpointsUi& ui,
                                         const UiFonts& fonts);

}  // namespace flowscope::gui
