#include "gui/flow_table.hpp"

#include <imgui.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace flowscope::gui {

namespace {

struct ColumnSpec {
  const char* label;
  Column column;
  ImGuiTableColumnFlags flags;
  float width;  // 0: stretch
};

constexpr ColumnSpec kColumns[] = {
    {"#", Column::kNumber, ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthFixed, 50},
    {"Time", Column::kTime, ImGuiTableColumnFlags_WidthFixed, 90},
    {"Method", Column::kMethod, ImGuiTableColumnFlags_WidthFixed, 55},
    {"Host", Column::kHost, ImGuiTableColumnFlags_WidthFixed, 130},
    {"Path", Column::kPath, ImGuiTableColumnFlags_WidthStretch, 0},
    {"Status", Column::kStatus, ImGuiTableColumnFlags_WidthFixed, 45},
    {"Type", Column::kType, ImGuiTableColumnFlags_WidthFixed, 50},
    {"Req", Column::kRequestSize, ImGuiTableColumnFlags_WidthFixed, 60},
    {"Resp", Column::kResponseSize, ImGuiTableColumnFlags_WidthFixed, 60},
    {"Duration", Column::kDuration, ImGuiTableColumnFlags_WidthFixed, 60},
};

void format_size(char* out, std::size_t size, std::uint64_t bytes) {
  if (bytes < 1024) std::snprintf(out, size, "%" PRIu64 " B", bytes);
  else if (bytes < 1024 * 1024) std::snprintf(out, size, "%.1f KB", static_cast<double>(bytes) / 1024);
  else std::snprintf(out, size, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
}

void format_time(char* out, std::size_t size, std::int64_t started_us) {
  std::time_t seconds = static_cast<std::time_t>(started_us / 1'000'000);
  std::tm local{};
  localtime_r(&seconds, &local);
  std::snprintf(out, size, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                static_cast<int>((started_us / 1000) % 1000));
}

// The colour a row's text takes: the status class, or what went wrong.
ImVec4 row_colour(const FlowRow& row) {
  switch (row.state) {
    case RowState::kPending: return ImVec4(0.6f, 0.6f, 0.6f, 1);
    case RowState::kFailed: return ImVec4(1.0f, 0.35f, 0.35f, 1);
    case RowState::kTunnel: return ImVec4(0.55f, 0.55f, 0.75f, 1);
    case RowState::kDone: break;
  }
  if (row.status >= 500) return ImVec4(1.0f, 0.45f, 0.4f, 1);
  if (row.status >= 400) return ImVec4(1.0f, 0.7f, 0.3f, 1);
  if (row.status >= 300) return ImVec4(0.5f, 0.7f, 1.0f, 1);
  if (row.status >= 200) return ImGui::GetStyleColorVec4(ImGuiCol_Text);
  return ImVec4(0.7f, 0.7f, 0.7f, 1);
}

bool is_marked(const FlowTableUi& ui, const std::string& id) {
  return std::find(ui.marked.begin(), ui.marked.end(), id) != ui.marked.end();
}

void toggle_mark(FlowTableUi& ui, const std::string& id) {
  auto at = std::find(ui.marked.begin(), ui.marked.end(), id);
  if (at != ui.marked.end()) ui.marked.erase(at);
  else ui.marked.push_back(id);
}

// Marks every visible row between the selection and `to`, both included.
void mark_range(FlowList& flows, FlowTableUi& ui, std::size_t to) {
  const auto& visible = flows.visible();
  auto from = flows.index_of(ui.selected_id);
  auto end = std::find(visible.begin(), visible.end(), to);
  auto begin = from ? std::find(visible.begin(), visible.end(), *from) : visible.end();
  if (begin == visible.end()) begin = end;
  if (begin > end) std::swap(begin, end);
  for (auto it = begin; it != visible.end() && it <= end; ++it) {
    const std::string& id = flows.row(*it).id;
    if (!is_marked(ui, id)) ui.marked.push_back(id);
  }
}

void draw_cells(const FlowRow& row, bool selected, bool marked, FlowTableUi& ui, FlowList& flows,
                std::size_t index) {
  char text[64];
  ImGui::TableNextRow();
  if (marked) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImGuiCol_FrameBgActive));
  ImGui::PushStyleColor(ImGuiCol_Text, row_colour(row));
  ImGui::TableSetColumnIndex(0);
  std::snprintf(text, sizeof text, "%" PRIu64 "##%s", row.number, row.id.c_str());
  if (ImGui::Selectable(text, selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.KeyCtrl) toggle_mark(ui, row.id);
    else if (io.KeyShift) mark_range(flows, ui, index);
    else ui.marked.clear();
    if (!io.KeyCtrl) ui.selected_id = row.id;
    if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) ui.activated = true;
  }
  ImGui::TableSetColumnIndex(1);
  format_time(text, sizeof text, row.started_us);
  ImGui::TextUnformatted(text);
  ImGui::TableSetColumnIndex(2);
  ImGui::TextUnformatted(row.method.c_str());
  ImGui::TableSetColumnIndex(3);
  ImGui::TextUnformatted(row.host.c_str());
  ImGui::TableSetColumnIndex(4);
  if (!row.replay_of.empty()) {
    ImGui::TextUnformatted("\xe2\x86\xbb");  // ↻: a replay, linked by replay_of
    ImGui::SameLine();
  }
  ImGui::TextUnformatted(row.path.c_str());
  if (!row.error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", row.error.c_str());
  ImGui::TableSetColumnIndex(5);
  if (row.state == RowState::kFailed && row.status == 0) ImGui::TextUnformatted("error");
  else if (row.status != 0) ImGui::Text("%d", row.status);
  else if (row.state == RowState::kPending) ImGui::TextUnformatted("\xe2\x80\xa6");  // …
  ImGui::TableSetColumnIndex(6);
  ImGui::TextUnformatted(row.type.c_str());
  ImGui::TableSetColumnIndex(7);
  format_size(text, sizeof text, row.request_size);
  ImGui::TextUnformatted(text);
  ImGui::TableSetColumnIndex(8);
  format_size(text, sizeof text, row.response_size);
  ImGui::TextUnformatted(text);
  ImGui::TableSetColumnIndex(9);
  if (row.duration_ms >= 0) {
    std::snprintf(text, sizeof text, "%.0f ms", row.duration_ms);
    ImGui::TextUnformatted(text);
  }
  ImGui::PopStyleColor();
}

// Arrow keys step through the visible rows; Enter activates the selection. Returns
// the position to scroll into view, or -1.
int handle_keys(FlowList& flows, FlowTableUi& ui) {
  if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows)) return -1;
  const auto& visible = flows.visible();
  if (visible.empty()) return -1;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) && !ui.selected_id.empty()) ui.activated = true;
  int step = 0;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) step = -1;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) step = 1;
  if (step == 0) return -1;
  auto index = flows.index_of(ui.selected_id);
  auto at = index ? std::find(visible.begin(), visible.end(), *index) : visible.end();
  int position = at == visible.end() ? (step > 0 ? 0 : static_cast<int>(visible.size()) - 1)
                                     : static_cast<int>(at - visible.begin()) + step;
  position = std::clamp(position, 0, static_cast<int>(visible.size()) - 1);
  ui.selected_id = flows.row(visible[static_cast<std::size_t>(position)]).id;
  return position;
}

void draw_node(FlowList& flows, const StructureNode& node) {
  const bool selected = node.host == flows.scope_host() && node.path_prefix == flows.scope_path();
  ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanAvailWidth;
  if (node.children.empty()) flags |= ImGuiTreeNodeFlags_Leaf;
  if (selected) flags |= ImGuiTreeNodeFlags_Selected;
  const bool open = ImGui::TreeNodeEx(&node, flags, "%s (%zu)", node.label.c_str(), node.count);
  if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) flows.set_scope(node.host, node.path_prefix);
  if (!open) return;
  for (const auto& child : node.children) draw_node(flows, child);
  ImGui::TreePop();
}

}  // namespace

void draw_flow_table(FlowList& flows, FlowTableUi& ui, const UiFonts& fonts) {
  ui.rows_drawn = 0;
  ui.activated = false;
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                     ImGuiTableFlags_Resizable | ImGuiTableFlags_Reorderable |
                                     ImGuiTableFlags_Hideable | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("flows", static_cast<int>(std::size(kColumns)), kFlags)) return;
  if (fonts.text) ImGui::PushFont(fonts.text);
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const auto& spec : kColumns)
    ImGui::TableSetupColumn(spec.label, spec.flags, spec.width, static_cast<ImGuiID>(spec.column));
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* sort = ImGui::TableGetSortSpecs(); sort && sort->SpecsDirty) {
    if (sort->SpecsCount > 0)
      flows.sort_by(static_cast<Column>(sort->Specs[0].ColumnUserID),
                    sort->Specs[0].SortDirection != ImGuiSortDirection_Descending);
    sort->SpecsDirty = false;
  }

  const int scroll_to = handle_keys(flows, ui);
  const auto& visible = flows.visible();
  const float row_height = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  if (scroll_to >= 0) {
    // The clipper skips rows out of view, so the row cannot scroll itself into view.
    const float top = static_cast<float>(scroll_to) * row_height;
    const float view = ImGui::GetWindowHeight() - 2 * row_height;  // less the frozen header
    if (top < ImGui::GetScrollY()) ImGui::SetScrollY(top);
    else if (top + row_height > ImGui::GetScrollY() + view) ImGui::SetScrollY(top + row_height - view);
  }
  const auto selected = flows.index_of(ui.selected_id);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(visible.size()), row_height);
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::size_t index = visible[static_cast<std::size_t>(i)];
      const FlowRow& row = flows.row(index);
      draw_cells(row, selected == index, is_marked(ui, row.id), ui, flows, index);
      ++ui.rows_drawn;
    }
  }
  if (fonts.text) ImGui::PopFont();
  ImGui::EndTable();
}

void draw_structure_tree(FlowList& flows, FlowTableUi& ui) {
  const auto& hosts = ui.structure.update(flows);
  if (ImGui::Selectable("All flows", flows.scope_host().empty())) flows.set_scope("", "");
  for (const auto& host : hosts) draw_node(flows, host);
}

}  // namespace flowscope::gui
