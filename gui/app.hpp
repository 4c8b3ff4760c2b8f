#pragma once
// gui::App: everything the flowscope window holds between frames, and one frame of
// it. The engine runs on its own threads; the App reaches it only through the live
// queue (flows in), Engine::replay, and the breakpoint model (decisions out), so the
// GUI thread never touches a loop.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/engine/engine.hpp"
#include "core/result.hpp"
#include "gui/breakpoints_panel.hpp"
#include "gui/detail_pane.hpp"
#include "gui/flow_table.hpp"
#include "gui/model/background_command.hpp"
#include "gui/model/breakpoints.hpp"
#include "gui/model/edit_form.hpp"
#include "gui/model/flow_list.hpp"
#include "gui/model/live_queue.hpp"
#include "gui/model/paused_list.hpp"
#include "gui/model/recording_loader.hpp"
#include "gui/model/throughput.hpp"
#include "gui/window.hpp"

namespace flowscope::gui {

// What the engine side gave the App: a running engine, or why it is not running.
struct EngineParts {
  std::unique_ptr<engine::Engine> engine;  // null when it did not start
  std::string start_error;                 // why, when engine is null
  std::shared_ptr<LiveQueue> live;
  std::shared_ptr<Breakpoints> breakpoints;
  std::shared_ptr<PausedList> paused;
  std::string store_path;                  // -w, when given
};

class App {
 public:
  App(Window& window, EngineParts parts);
  ~App();

  // Starts loading a .jsonl store or a .har in the background; its flows join the list.
  void open_recording(const std::filesystem::path& path);
  bool loading() const { return loader_ != nullptr && !loader_->done(); }

  // One frame: drains the live queue, draws everything, handles the keyboard.
  void frame();

  // What the menu, the keyboard and the test script do.
  std::optional<FilterProblem> set_filter(const std::string& expression);
  bool select_number(std::uint64_t number);  // the # column
  bool select_last();
  void set_tab(const std::string& tab);
  Result<void> replay_selected();
  Result<void> replay(const flow::Flow& flow);
  Result<void> export_har(const std::filesystem::path& path, bool marked_only);
  Result<void> save_store(const std::filesystem::path& path);
  void clear();

  std::size_t flow_count() const { return flows_.size(); }
  std::size_t finished_count() const;  // flows no longer in flight
  PausedList& paused() { return *parts_.paused; }
  Breakpoints& breakpoints() { return *parts_.breakpoints; }
  // The UI model as JSON, for tests: rows drawn, the selection, the open tab, the flows.
  Result<void> write_state(const std::filesystem::path& path);
  // A sentence for the status bar (and stderr), such as a failed export.
  void report(std::string line);

 private:
  void drain_live_queue();
  void count_body_bytes(const flow::Flow& flow, bool finished, std::int64_t now_ms);
  void take_loaded_flows();
  void draw_menu_bar();
  void draw_path_popup();
  void draw_banners();
  void draw_first_run_panel();
  void draw_flow_views();
  void draw_side_pane();
  void draw_status_bar();
  void handle_shortcuts();
  void open_edit_form(const flow::Flow& flow);
  const flow::Flow* selected_flow() const;
  static bool ca_needs_trust(const EngineParts& parts);

  Window& window_;
  EngineParts parts_;
  FlowList flows_;
  FlowTableUi table_ui_;
  DetailUi detail_ui_;
  BreakpointsUi breakpoints_ui_;
  std::unique_ptr<RecordingLoader> loader_;
  std::filesystem::path loading_path_;
  Throughput throughput_;
  // Per flow in flight, the body bytes already counted, so a progress event counts only what is new.
  struct CountedBytes {
    std::uint64_t in = 0;
    std::uint64_t out = 0;
  };
  std::unordered_map<std::string, CountedBytes> counted_bytes_;

  // The edit form, for an edit-and-replay or for a paused exchange (ticket != 0).
  std::optional<EditForm> edit_form_;
  flow::Flow edit_original_;
  std::uint64_t edit_ticket_ = 0;

  // Which pane shows in the right-hand column.
  enum class SidePane { kDetail, kDiff, kBreakpoints };
  SidePane side_pane_ = SidePane::kDetail;
  bool side_pane_forced_ = false;  // set_tab chose it: the tab bar selects it once
  bool show_structure_ = false;
  bool capture_paused_ = false;  // flows that arrive while paused are dropped from view
  bool ca_needs_trust_ = false;  // the first-run panel shows until dismissed
  bool first_run_dismissed_ = false;
  bool focus_filter_ = false;
  char filter_text_[1024] = {};
  std::optional<FilterProblem> filter_problem_;

  // File → Open / Export / Save as: one popup asking for a path.
  enum class PathAction { kNone, kOpen, kExportHar, kExportMarked, kSaveStore };
  PathAction path_action_ = PathAction::kNone;
  char path_text_[4096] = {};

  std::string last_report_;
  BackgroundCommand install_ca_;
};

}  // namespace flowscope::gui
