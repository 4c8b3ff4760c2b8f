// The App's frame around the flow views: the menu bar and its path popup, the
// banners, the first-run CA panel, the status bar and the keyboard shortcuts.
#include <imgui.h>

#include <cstdio>

#include "gui/app.hpp"
#include "gui/model/copy_as.hpp"

namespace flowscope::gui {

namespace {

const ImVec4 kWarning(1.0f, 0.75f, 0.3f, 1.0f);
const ImVec4 kError(1.0f, 0.45f, 0.4f, 1.0f);

std::string human_rate(double bytes_per_second) {
  char text[32];
  if (bytes_per_second >= 1024.0 * 1024.0) {
    std::snprintf(text, sizeof text, "%.1f MiB/s", bytes_per_second / (1024.0 * 1024.0));
  } else if (bytes_per_second >= 1024.0) {
    std::snprintf(text, sizeof text, "%.1f KiB/s", bytes_per_second / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%.0f B/s", bytes_per_second);
  }
  return text;
}

// ImGui 1.86 indexes keys by the backend's codes: GLFW's letter keys are their
// upper-case ASCII codes.
bool ctrl_pressed(char letter) {
  const ImGuiIO& io = ImGui::GetIO();
  return io.KeyCtrl && ImGui::IsKeyPressed(letter, false);
}

bool key_pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), false); }

// The flowscope CLI beside this binary (installed together, or build/cli next to
// build/gui), else the one on PATH. Quoted for the shell.
std::string flowscope_cli_command() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const auto& candidate : {self.parent_path() / "flowscope", self.parent_path().parent_path() / "cli" / "flowscope"}) {
      if (std::filesystem::is_regular_file(candidate, ec)) return shell_quote(candidate.string());
    }
  }
  return "flowscope";
}

}  // namespace

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open…", "drop a file")) path_action_ = PathAction::kOpen;
    if (ImGui::MenuItem("Export all to HAR…")) path_action_ = PathAction::kExportHar;
    if (ImGui::MenuItem("Export marked to HAR…", nullptr, false, !table_ui_.marked.empty())) {
      path_action_ = PathAction::kExportMarked;
    }
    if (ImGui::MenuItem("Save as store…")) path_action_ = PathAction::kSaveStore;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) window_.request_close();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Capture")) {
    ImGui::MenuItem("Pause capture", nullptr, &capture_paused_);
    if (ImGui::MenuItem("Clear", "Ctrl+L")) clear();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Structure tree", nullptr, &show_structure_);
    if (ImGui::MenuItem("Dark theme", nullptr, window_.theme() == Theme::kDark)) window_.set_theme(Theme::kDark);
    if (ImGui::MenuItem("Light theme", nullptr, window_.theme() == Theme::kLight)) window_.set_theme(Theme::kLight);
    if (ImGui::MenuItem("Breakpoints")) {
      side_pane_ = SidePane::kBreakpoints;
      side_pane_forced_ = true;
    }
    ImGui::EndMenu();
  }
  if (path_action_ != PathAction::kNone) ImGui::OpenPopup("path");
  ImGui::EndMenuBar();
}

void App::draw_path_popup() {
  if (path_action_ != PathAction::kNone && !ImGui::IsPopupOpen("path")) ImGui::OpenPopup("path");
  if (!ImGui::BeginPopupModal("path", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const char* prompt = path_action_ == PathAction::kOpen ? "Open a .jsonl store or a .har file:"
                       : path_action_ == PathAction::kSaveStore ? "Save every flow as a JSON Lines store:"
                                                                : "Export to a HAR file:";
  ImGui::TextUnformatted(prompt);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  const bool entered =
      ImGui::InputText("##path", path_text_, sizeof path_text_, ImGuiInputTextFlags_EnterReturnsTrue);
  const bool ok = ImGui::Button("OK") || entered;
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel") || key_pressed(ImGuiKey_Escape);
  if (ok && path_text_[0] != '\0') {
    const std::filesystem::path path = path_text_;
    Result<void> done;
    switch (path_action_) {
      case PathAction::kOpen: open_recording(path); break;
      case PathAction::kExportHar: done = export_har(path, false); break;
      case PathAction::kExportMarked: done = export_har(path, true); break;
      case PathAction::kSaveStore: done = save_store(path); break;
      case PathAction::kNone: break;
    }
    if (!done) report(done.error().message);
    path_action_ = PathAction::kNone;
    ImGui::CloseCurrentPopup();
  } else if (cancel) {
    path_action_ = PathAction::kNone;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

void App::draw_banners() {
  if (parts_.engine == nullptr) {
    ImGui::TextColored(kError, "The proxy is not running: %s", parts_.start_error.c_str());
    ImGui::TextDisabled("Flows from files can still be viewed. Start flowscope-gui with another --listen to capture.");
  }
  if (capture_paused_) ImGui::TextColored(kWarning, "Capture paused: new flows are not listed (Capture → Pause capture).");
  if (loader_ != nullptr) {
    ImGui::ProgressBar(static_cast<float>(loader_->progress()), ImVec2(-1, 0),
                       ("loading " + loading_path_.filename().string()).c_str());
  }
}

void App::draw_first_run_panel() {
  if (first_run_dismissed_ || !ca_needs_trust_) return;
  const engine::CaSummary& ca = *parts_.engine->ca();
  const std::string proxy = "http://" + parts_.engine->listen_address();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
  ImGui::BeginChild("first-run", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6.5f), true);
  ImGui::TextColored(kWarning, "%s", ca.created ? "A new CA was created for intercepting HTTPS. No client trusts it yet."
                                                : "This machine's system store does not trust the flowscope CA yet.");
  ImGui::Text("Point clients at the proxy:  export HTTP_PROXY=%s HTTPS_PROXY=%s", proxy.c_str(), proxy.c_str());
  ImGui::Text("CA certificate: %s", ca.cert_pem.c_str());
  ImGui::Text("SHA-256 fingerprint: %s", ca.fingerprint_sha256.c_str());
  ImGui::BeginDisabled(install_ca_.running());
  if (ImGui::Button(install_ca_.running() ? "Installing…" : "Install CA…")) {
    // `flowscope ca install` writes the system and NSS stores; it may need root, so
    // its report (or its refusal) is shown as it is.
    // --home: the CA this window intercepts with, wherever --home or $FLOWSCOPE_HOME put it.
    install_ca_.start(flowscope_cli_command() + " ca install --home " + shell_quote(ca.cert_pem.parent_path().string()));
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Copy curl example")) {
    ImGui::SetClipboardText(("curl --proxy " + proxy + " --cacert " + ca.cert_pem.string() + " https://example.com/").c_str());
  }
  ImGui::SameLine();
  if (ImGui::Button("Dismiss")) first_run_dismissed_ = true;
  if (auto outcome = install_ca_.outcome()) {
    if (outcome->exit_status != 0) {
      ImGui::TextColored(kError, "flowscope ca install failed: run it in a terminal (as root for the system store).");
    }
    ImGui::TextWrapped("%s", outcome->output.c_str());
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void App::draw_status_bar() {
  const Rates rates = throughput_.rates(steady_now_ms());
  if (parts_.engine != nullptr) {
    ImGui::Text("proxy %s", parts_.engine->listen_address().c_str());
  } else {
    ImGui::TextColored(kError, "proxy stopped");
  }
  ImGui::SameLine();
  ImGui::Text("|  %zu flows (%zu shown)  |  in %s  out %s", flows_.size(), flows_.visible().size(),
              human_rate(rates.in_per_second).c_str(), human_rate(rates.out_per_second).c_str());
  const std::size_t paused = parts_.paused->size();
  ImGui::SameLine();
  if (paused > 0) {
    ImGui::TextColored(kWarning, "|  %zu paused at breakpoints", paused);
  } else {
    ImGui::TextDisabled("|  no breakpoint paused");
  }
  if (!parts_.store_path.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("|  store %s", parts_.store_path.c_str());
  }
  if (!last_report_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("|  %s", last_report_.c_str());
  }
}

void App::handle_shortcuts() {
  // Typing into a text field must not trigger the list's shortcuts.
  if (ImGui::GetIO().WantTextInput) return;
  if (ctrl_pressed('F')) focus_filter_ = true;
  if (ctrl_pressed('L')) clear();
  if (ctrl_pressed('R')) {
    if (auto sent = replay_selected(); !sent) report(sent.error().message);
  }
  if (ctrl_pressed('E')) {
    if (const flow::Flow* flow = selected_flow()) open_edit_form(*flow);
  }
  if (key_pressed(ImGuiKey_Delete) && !table_ui_.selected_id.empty()) {
    flows_.erase(table_ui_.selected_id);
    table_ui_.selected_id.clear();
  }
}

}  // namespace flowscope::gui
