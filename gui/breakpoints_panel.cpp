#include "gui/breakpoints_panel.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

namespace flowscope::gui {
namespace {

constexpr const char* kOnNames[] = {"request", "response", "both"};

void draw_list(Breakpoints& breakpoints) {
  const auto list = breakpoints.list();
  if (list.empty()) {
    ImGui::TextDisabled("No breakpoints. Add a filter expression below, e.g. ~m POST & ~d example.com");
    return;
  }
  if (!ImGui::BeginTable("breakpoints", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return;
  ImGui::TableSetupColumn("on", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("expression", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("breaks on", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed);
  // Edits are applied after the loop: the list is a copy, and indexes stay valid for this frame.
  std::optional<std::size_t> removed;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    bool enabled = list[i].enabled;
    if (ImGui::Checkbox("##enabled", &enabled)) breakpoints.set_enabled(i, enabled);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(list[i].expression.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(break_on_name(list[i].on));
    ImGui::TableNextColumn();
    if (ImGui::SmallButton("Remove")) removed = i;
    ImGui::PopID();
  }
  ImGui::EndTable();
  if (removed) breakpoints.remove(*removed);
}

void draw_add_row(Breakpoints& breakpoints, BreakpointsUi& ui, const UiFonts& fonts) {
  ImGui::SetNextItemWidth(-220.0f);
  if (fonts.mono) ImGui::PushFont(fonts.mono);
  const bool entered = ImGui::InputTextWithHint("##new", "filter expression", &ui.new_expression,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  if (fonts.mono) ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110.0f);
  ImGui::Combo("##on", &ui.new_on, kOnNames, IM_ARRAYSIZE(kOnNames));
  ImGui::SameLine();
  if (ImGui::Button("Add") || entered) {
    const int on = ui.new_on < 0 || ui.new_on > 2 ? 0 : ui.new_on;
    if (auto error = breakpoints.add(ui.new_expression, static_cast<BreakOn>(on))) {
      ui.error = *error;
    } else {
      ui.error.clear();
      ui.new_expression.clear();
    }
  }
  if (!ui.error.empty()) {
    // The message ends with the expression and a caret under the column: monospace keeps them aligned.
    if (fonts.mono) ImGui::PushFont(fonts.mono);
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.35f, 0.3f, 1.0f));
    ImGui::TextUnformatted(ui.error.c_str());
    ImGui::PopStyleColor();
    if (fonts.mono) ImGui::PopFont();
  }
}

// The status field as a number in 100..599, or nothing.
std::optional<int> parse_status(const std::string& text) {
  int status = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
  if (ec != std::errc{} || end != text.data() + text.size() || status < 100 || status > 599) return std::nullopt;
  return status;
}

BreakpointsAction draw_paused(PausedList& paused, BreakpointsUi& ui) {
  BreakpointsAction action;
  // The App expires items every frame, before anything draws.
  const auto now = std::chrono::steady_clock::now();
  const auto items = paused.snapshot();
  ImGui::Text("Paused exchanges: %zu", items.size());
  if (items.empty()) return action;
  if (!ImGui::BeginTable("paused", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) return action;
  ImGui::TableSetupColumn("point", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("method", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("url", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("continues in", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableHeadersRow();
  for (const PausedItem& item : items) {
    ImGui::PushID(static_cast<int>(item.ticket));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const bool selected = ui.selected_ticket == item.ticket;
    if (ImGui::Selectable(proxy::hook_point_name(item.point), selected, ImGuiSelectableFlags_SpanAllColumns))
      ui.selected_ticket = item.ticket;
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(item.flow.request.method.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(item.flow.request.url.c_str());
    ImGui::TableNextColumn();
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(item.deadline - now).count();
    ImGui::Text("%llds", static_cast<long long>(left < 0 ? 0 : left));
    ImGui::PopID();
  }
  ImGui::EndTable();

  if (ui.selected_ticket == 0) {
    ImGui::TextDisabled("Select a paused exchange to answer it.");
    return action;
  }
  bool known = false;
  for (const PausedItem& item : items) known = known || item.ticket == ui.selected_ticket;
  if (!known) {
    ui.selected_ticket = 0;
    return action;
  }
  if (ImGui::Button("Continue")) {
    paused.resume(ui.selected_ticket, Decision{});
    ui.selected_ticket = 0;
    return action;
  }
  ImGui::SameLine();
  if (ImGui::Button("Edit…")) action.edit_ticket = ui.selected_ticket;
  ImGui::SameLine();
  if (ImGui::Button("Abort")) {
    Decision abort;
    abort.kind = DecisionKind::kAbort;
    paused.resume(ui.selected_ticket, std::move(abort));
    ui.selected_ticket = 0;
    return action;
  }
  ImGui::Separator();
  ImGui::SetNextItemWidth(60.0f);
  ImGui::InputText("status", &ui.answer_status, ImGuiInputTextFlags_CharsDecimal);
  ImGui::InputTextMultiline("body", &ui.answer_body, ImVec2(-1.0f, ImGui::GetTextLineHeight() * 5));
  const auto status = parse_status(ui.answer_status);
  if (!status) ImGui::TextDisabled("The status must be a number from 100 to 599.");
  if (status && ImGui::Button("Answer")) {
    Decision answer;
    answer.kind = DecisionKind::kAnswer;
    answer.response.status = *status;
    answer.response.body = ui.answer_body;
    paused.resume(ui.selected_ticket, std::move(answer));
    ui.selected_ticket = 0;
  }
  return action;
}

}  // namespace

BreakpointsAction draw_breakpoints_panel(Breakpoints& breakpoints, PausedList& paused, BreakpointsUi& ui,
                                         const UiFonts& fonts) {
  draw_list(breakpoints);
  draw_add_row(breakpoints, ui, fonts);
  ImGui::Separator();
  return draw_paused(paused, ui);
}

}  // namespace flowscope::gui
