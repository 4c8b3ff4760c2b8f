#pragma once
// The flow list's two views, drawn with Dear ImGui: the sequence table and the
// structure tree. What they show lives in gui/model (FlowList, StructureTree).
#include <string>
#include <vector>

#include "gui/model/flow_list.hpp"
#include "gui/model/structure_tree.hpp"
#include "gui/ui_fonts.hpp"

namespace flowscope::gui {

struct FlowTableUi {
  std::string selected_id;
  // Ctrl-click toggles a mark, shift-click marks the range from the selection: two
  // marked flows are a diff, any number an export.
  std::vector<std::string> marked;
  int rows_drawn = 0;      // rows submitted this frame (the clipper's share)
  bool activated = false;  // Enter or a double-click on a row this frame
  StructureTree structure;  // kept between frames so only new flows are added
};

// BeginTable with sortable columns, virtualised with ImGuiListClipper; up and down
// arrows move the selection while the window is focused.
void draw_flow_table(FlowList& flows, FlowTableUi& ui, const UiFonts& fonts);
// A node per host and path segment with its count; clicking one scopes the table.
void draw_structure_tree(FlowList& flows, FlowTableUi& ui);

}  // namespace flowscope::gui
