#pragma once
// The detail pane: one flow's request, response, timing, TLS and WebSocket tabs, the
// actions on it, the edit-and-replay form and the side-by-side diff of two flows.
#include <cstddef>
#include <string>

#include "core/flow/flow.hpp"
#include "gui/model/body_view.hpp"
#include "gui/model/edit_form.hpp"
#include "gui/ui_fonts.hpp"

namespace flowscope::gui {

struct DetailUi {
  std::string tab = "request";  // request, response, timing, tls, websocket
  bool tab_forced = false;      // --tab: select `tab` once, then let the user choose
  BodyMode mode = BodyMode::kAuto;
  bool raw = false;             // show the body as recorded, Content-Encoding not undone
  std::string search;
  std::size_t page = 0;
};

// What the user asked for this frame; main.cpp carries it out.
struct DetailActions {
  bool replay = false;
  bool edit = false;
  bool clear_passthrough = false;
};

DetailActions draw_detail_pane(const flow::Flow& flow, DetailUi& ui, const UiFonts& fonts);

enum class FormChoice { kNone, kSend, kCancel };
FormChoice draw_edit_form(EditForm& form, const UiFonts& fonts, const char* send_label);

void draw_diff_view(const flow::Flow& left, const flow::Flow& right, const UiFonts& fonts);

}  // namespace flowscope::gui
