#pragma once
// Carries out a --script command file (gui/model/gui_script.hpp) against the App,
// one command a frame, so what a command changed is drawn before the next one looks.
// Waits never hang a test run: each gives up after kWaitLimit with the line it was on.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/flow/flow.hpp"
#include "gui/app.hpp"
#include "gui/model/gui_script.hpp"
#include "gui/window.hpp"

namespace flowscope::gui {

class ScriptRunner {
 public:
  enum class Step { kRunning, kFinished, kFailed };
  static constexpr std::chrono::seconds kWaitLimit{120};

  explicit ScriptRunner(std::vector<ScriptCommand> commands) : commands_(std::move(commands)) {}

  // Before the frame is drawn: runs at most one command (or keeps waiting).
  Step step(App& app, Window& window);
  const std::string& error() const { return error_; }

 private:
  Step run(const ScriptCommand& command, App& app, Window& window);
  Step wait_until(bool done, const ScriptCommand& command, const char* what);
  Step failed(const ScriptCommand& command, const std::string& why);
  std::optional<PausedItem> oldest_paused(App& app) const;

  std::vector<ScriptCommand> commands_;
  std::size_t next_ = 0;
  int settle_frames_ = 0;  // frames to draw before a screenshot or state dump
  std::optional<std::chrono::steady_clock::time_point> waiting_since_;
  // edit-header's changes to a paused exchange, sent by the next continue.
  std::uint64_t edited_ticket_ = 0;
  flow::Flow edited_flow_;
  std::string error_;
};

}  // namespace flowscope::gui
