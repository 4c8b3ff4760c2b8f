#include "gui/app.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/overloaded.hpp"
#include "gui/model/ca_trust.hpp"

namespace flowscope::gui {

App::App(Window& window, EngineParts parts)
    : window_(window), parts_(std::move(parts)), ca_needs_trust_(ca_needs_trust(parts_)) {}

App::~App() = default;

void App::report(std::string line) {
  std::fprintf(stderr, "flowscope-gui: %s\n", line.c_str());
  last_report_ = std::move(line);
}

void App::open_recording(const std::filesystem::path& path) {
  loader_ = std::make_unique<RecordingLoader>();
  loading_path_ = path;
  if (!loader_->start(path)) {
    report("cannot open " + path.string() + (loader_->error() ? ": " + *loader_->error() : std::string()));
  }
}

void App::take_loaded_flows() {
  if (loader_ == nullptr) return;
  // Flow ids are numbered per run ("1-1"), so a recording's ids would meet this run's
  // live ones: its flows are listed as "file:1-1", and a replay of one says so in replay_of.
  const std::string tag = loading_path_.stem().string() + ":";
  for (auto& flow : loader_->take()) {
    flow.id = tag + flow.id;
    flows_.add(std::move(flow));
  }
  if (loader_->done()) {
    if (auto error = loader_->error()) report(*error);
    else if (loader_->skipped() > 0) report(std::to_string(loader_->skipped()) + " unreadable records skipped in " + loading_path_.string());
    loader_.reset();
  }
}

// Body sizes in live events are totals so far: the meter gets what is new since the
// last event of that flow, and a finished flow's entry is dropped.
void App::count_body_bytes(const flow::Flow& flow, bool finished, std::int64_t now_ms) {
  CountedBytes& seen = counted_bytes_[flow.id];
  const std::uint64_t out = flow.request.body.size;
  const std::uint64_t in = flow.response ? flow.response->body.size : 0;
  throughput_.add(now_ms, in > seen.in ? in - seen.in : 0, out > seen.out ? out - seen.out : 0);
  seen.in = std::max(seen.in, in);
  seen.out = std::max(seen.out, out);
  if (finished) counted_bytes_.erase(flow.id);
}

void App::drain_live_queue() {
  const std::int64_t now = steady_now_ms();
  for (LiveItem& item : parts_.live->drain()) {
    std::visit(Overloaded{
                   [&](flow::FlowEvent& event) { count_body_bytes(event.flow, false, now); },
                   [&](FinishedFlow& finished) { count_body_bytes(finished.flow, true, now); },
                   [&](Notice& notice) { last_report_ = notice.line; },
               },
               item);
    if (!capture_paused_ && !std::holds_alternative<Notice>(item)) flows_.apply(item);
  }
}

void App::frame() {
  take_loaded_flows();
  drain_live_queue();
  parts_.paused->expire(std::chrono::steady_clock::now());
  for (const std::string& dropped : window_.take_dropped_files()) open_recording(dropped);
  handle_shortcuts();

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_MenuBar |
                                 ImGuiWindowFlags_NoSavedSettings;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(6, 4));
  ImGui::Begin("flowscope", nullptr, flags);
  ImGui::PopStyleVar();
  draw_menu_bar();
  draw_banners();
  draw_first_run_panel();

  // The status bar takes the last line; the rest splits into the list and the side pane.
  const float status_height = ImGui::GetFrameHeightWithSpacing();
  const ImVec2 room = ImGui::GetContentRegionAvail();
  const float list_width = std::max(320.0f, room.x * 0.58f);
  ImGui::BeginChild("flows", ImVec2(list_width, room.y - status_height), true);
  draw_flow_views();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("side", ImVec2(0, room.y - status_height), true);
  draw_side_pane();
  ImGui::EndChild();
  draw_status_bar();
  draw_path_popup();
  ImGui::End();
}

void App::draw_flow_views() {
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Tree").x * 2.5f);
  if (focus_filter_) {
    ImGui::SetKeyboardFocusHere();
    focus_filter_ = false;
  }
  if (ImGui::InputTextWithHint("##filter", "filter: ~d example.com & ~c 4xx   (Ctrl+F)", filter_text_,
                               sizeof filter_text_)) {
    filter_problem_ = flows_.set_filter(filter_text_);
  }
  ImGui::SameLine();
  ImGui::Checkbox("Tree", &show_structure_);
  if (filter_problem_) {
    // The caret under the column the filter language stopped at.
    ImGui::PushFont(window_.fonts().mono);
    const std::string caret = std::string(filter_problem_->column, ' ') + "^";
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s\n%s", filter_text_, caret.c_str());
    ImGui::PopFont();
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", filter_problem_->message.c_str());
  }
  if (show_structure_) {
    ImGui::BeginChild("structure", ImVec2(ImGui::GetContentRegionAvail().x * 0.35f, 0), true);
    draw_structure_tree(flows_, table_ui_);
    ImGui::EndChild();
    ImGui::SameLine();
  }
  ImGui::BeginChild("table");
  draw_flow_table(flows_, table_ui_, window_.fonts());
  ImGui::EndChild();
  if (table_ui_.activated) {
    side_pane_ = SidePane::kDetail;
    table_ui_.activated = false;
  }
}

void App::draw_side_pane() {
  if (ImGui::BeginTabBar("side-pane")) {
    const auto tab = [&](const char* label, SidePane pane) {
      const bool force = side_pane_forced_ && side_pane_ == pane;
      if (ImGui::BeginTabItem(label, nullptr, force ? ImGuiTabItemFlags_SetSelected : 0)) {
        side_pane_ = pane;
        ImGui::EndTabItem();
      }
    };
    tab("Flow", SidePane::kDetail);
    tab("Diff", SidePane::kDiff);
    const std::string breakpoints_label = "Breakpoints (" + std::to_string(parts_.paused->size()) + " paused)###bp";
    tab(breakpoints_label.c_str(), SidePane::kBreakpoints);
    side_pane_forced_ = false;
    ImGui::EndTabBar();
  }

  if (edit_form_) {
    const bool paused = edit_ticket_ != 0;
    ImGui::TextUnformatted(paused ? "Edit the paused request, then continue" : "Edit and replay");
    const FormChoice choice = draw_edit_form(*edit_form_, window_.fonts(), paused ? "Continue" : "Send");
    if (choice == FormChoice::kSend) {
      auto request = request_from_form(*edit_form_, edit_original_);
      if (!request) {
        report(request.error().message);
      } else if (paused) {
        if (!parts_.paused->resume(edit_ticket_, Decision{DecisionKind::kContinueEdited, std::move(*request), {}})) {
          report("the paused exchange had already ended (or continued by itself); the edit was not sent");
        }
        edit_form_.reset();
      } else if (auto sent = replay(*request); !sent) {
        report(sent.error().message);
      } else {
        edit_form_.reset();
      }
    } else if (choice == FormChoice::kCancel) {
      edit_form_.reset();
    }
    return;
  }

  switch (side_pane_) {
    case SidePane::kDetail: {
      const flow::Flow* flow = selected_flow();
      if (flow == nullptr) {
        ImGui::TextDisabled("Select a flow to see its request and response.");
        break;
      }
      const DetailActions actions = draw_detail_pane(*flow, detail_ui_, window_.fonts());
      if (actions.replay) {
        if (auto sent = replay(*flow); !sent) report(sent.error().message);
      }
      if (actions.edit) open_edit_form(*flow);
      if (actions.clear_passthrough) {
        report("learned passthrough expires by itself (--passthrough-ttl-ms); restart the proxy to clear it now");
      }
      break;
    }
    case SidePane::kDiff: {
      if (table_ui_.marked.size() != 2) {
        ImGui::TextWrapped("Ctrl+click two flows in the list to compare them side by side.");
        break;
      }
      const flow::Flow* left = flows_.find(table_ui_.marked[0]);
      const flow::Flow* right = flows_.find(table_ui_.marked[1]);
      if (left == nullptr || right == nullptr) {
        ImGui::TextDisabled("One of the two marked flows is gone.");
        break;
      }
      draw_diff_view(*left, *right, window_.fonts());
      break;
    }
    case SidePane::kBreakpoints: {
      const BreakpointsAction action =
          draw_breakpoints_panel(*parts_.breakpoints, *parts_.paused, breakpoints_ui_, window_.fonts());
      if (action.edit_ticket != 0) {
        for (const PausedItem& item : parts_.paused->snapshot()) {
          if (item.ticket != action.edit_ticket) continue;
          // The form edits a request; a paused response is answered instead (the panel's Answer).
          if (item.point != proxy::HookPoint::kRequestHead && item.point != proxy::HookPoint::kRequestEnd) {
            report("a paused response cannot be edited in the form yet: use Answer, or Continue");
            continue;
          }
          open_edit_form(item.flow);
          edit_ticket_ = item.ticket;
        }
      }
      break;
    }
  }
}

void App::open_edit_form(const flow::Flow& flow) {
  edit_form_ = edit_form_from(flow);
  edit_original_ = flow;
  edit_ticket_ = 0;
}

std::size_t App::finished_count() const {
  std::size_t finished = 0;
  for (std::size_t index = 0; index < flows_.size(); ++index) {
    if (flows_.row(index).state != RowState::kPending) ++finished;
  }
  return finished;
}

const flow::Flow* App::selected_flow() const {
  return table_ui_.selected_id.empty() ? nullptr : flows_.find(table_ui_.selected_id);
}

std::optional<FilterProblem> App::set_filter(const std::string& expression) {
  std::snprintf(filter_text_, sizeof filter_text_, "%s", expression.c_str());
  filter_problem_ = flows_.set_filter(expression);
  return filter_problem_;
}

bool App::select_number(std::uint64_t number) {
  for (std::size_t index : flows_.visible()) {
    if (flows_.row(index).number != number) continue;
    table_ui_.selected_id = flows_.row(index).id;
    return true;
  }
  return false;
}

bool App::select_last() {
  const auto& visible = flows_.visible();
  if (visible.empty()) return false;
  std::uint64_t newest = 0;
  for (std::size_t index : visible) newest = std::max(newest, flows_.row(index).number);
  return select_number(newest);
}

void App::set_tab(const std::string& tab) {
  detail_ui_.tab = tab;
  detail_ui_.tab_forced = true;
  side_pane_ = SidePane::kDetail;
  side_pane_forced_ = true;
}

Result<void> App::replay_selected() {
  const flow::Flow* flow = selected_flow();
  if (flow == nullptr) return fail("select a flow to replay first");
  return replay(*flow);
}

Result<void> App::replay(const flow::Flow& flow) {
  if (parts_.engine == nullptr) return fail("the proxy is not running, so nothing can be replayed: " + parts_.start_error);
  if (flow.scheme == "tunnel") return fail("a blind tunnel carries no request to replay");
  // The new flow reaches the list through the live queue, with replay_of set.
  return parts_.engine->replay(flow, [](flow::Flow) {});
}

void App::clear() {
  flows_.clear();
  table_ui_.selected_id.clear();
  table_ui_.marked.clear();
  edit_form_.reset();
}

// Read once at start, not every frame: it compares two files on disk.
bool App::ca_needs_trust(const EngineParts& parts) {
  if (parts.engine == nullptr || !parts.engine->ca()) return false;
  const engine::CaSummary& ca = *parts.engine->ca();
  return ca.created || !ca_installed_at(ca.cert_pem, kSystemCaAnchor);
}

}  // namespace flowscope::gui
