#include "gui/script_runner.hpp"

namespace flowscope::gui {

namespace {

// Commands that change what is drawn: a screenshot or dump after them waits a frame
// or two, so the list and the pane show the change.
bool changes_the_view(ScriptVerb verb) {
  switch (verb) {
    case ScriptVerb::kSelect:
    case ScriptVerb::kSelectLast:
    case ScriptVerb::kFilter:
    case ScriptVerb::kTab:
    case ScriptVerb::kReplay:
    case ScriptVerb::kBreakpoint:
    case ScriptVerb::kContinue:
    case ScriptVerb::kAbort:
    case ScriptVerb::kWaitFlows:
    case ScriptVerb::kWaitFinished:
    case ScriptVerb::kWaitPaused:
      return true;
    default:
      return false;
  }
}

bool is_request_point(proxy::HookPoint point) {
  return point == proxy::HookPoint::kRequestHead || point == proxy::HookPoint::kRequestEnd;
}

}  // namespace

ScriptRunner::Step ScriptRunner::step(App& app, Window& window) {
  if (next_ >= commands_.size()) return Step::kFinished;
  const ScriptCommand& command = commands_[next_];
  const bool looks = command.verb == ScriptVerb::kScreenshot || command.verb == ScriptVerb::kDumpState;
  if (looks && settle_frames_ > 0) {
    --settle_frames_;
    return Step::kRunning;
  }
  const Step result = run(command, app, window);
  if (result == Step::kFinished) {  // this command is done; the script goes on
    if (changes_the_view(command.verb)) settle_frames_ = 2;
    waiting_since_.reset();
    ++next_;
    return next_ >= commands_.size() ? Step::kFinished : Step::kRunning;
  }
  return result;
}

ScriptRunner::Step ScriptRunner::failed(const ScriptCommand& command, const std::string& why) {
  error_ = "script line " + std::to_string(command.line) + ": " + why;
  return Step::kFailed;
}

ScriptRunner::Step ScriptRunner::wait_until(bool done, const ScriptCommand& command, const char* what) {
  if (done) return Step::kFinished;
  const auto now = std::chrono::steady_clock::now();
  if (!waiting_since_) waiting_since_ = now;
  if (now - *waiting_since_ > kWaitLimit) {
    return failed(command, std::string("gave up after ") + std::to_string(kWaitLimit.count()) + " s waiting for " + what);
  }
  return Step::kRunning;
}

std::optional<PausedItem> ScriptRunner::oldest_paused(App& app) const {
  std::optional<PausedItem> oldest;
  for (PausedItem& item : app.paused().snapshot()) {
    if (!oldest || item.ticket < oldest->ticket) oldest = std::move(item);
  }
  return oldest;
}

ScriptRunner::Step ScriptRunner::run(const ScriptCommand& command, App& app, Window& window) {
  switch (command.verb) {
    case ScriptVerb::kWaitFlows:
      return wait_until(!app.loading() && app.flow_count() >= command.number, command, "the flows");
    case ScriptVerb::kWaitFinished:
      return wait_until(!app.loading() && app.finished_count() >= command.number, command, "the flows to finish");
    case ScriptVerb::kWaitPaused:
      return wait_until(app.paused().size() > 0, command, "an exchange paused at a breakpoint");
    case ScriptVerb::kSelect:
      if (!app.select_number(command.number)) return failed(command, "no flow numbered " + std::to_string(command.number) + " is listed");
      return Step::kFinished;
    case ScriptVerb::kSelectLast:
      if (!app.select_last()) return failed(command, "no flow is listed");
      return Step::kFinished;
    case ScriptVerb::kFilter:
      if (auto problem = app.set_filter(command.text)) return failed(command, problem->message);
      return Step::kFinished;
    case ScriptVerb::kTab:
      app.set_tab(command.text);
      return Step::kFinished;
    case ScriptVerb::kReplay:
      if (auto sent = app.replay_selected(); !sent) return failed(command, sent.error().message);
      return Step::kFinished;
    case ScriptVerb::kBreakpoint: {
      const BreakOn on = command.value == "request" ? BreakOn::kRequest
                         : command.value == "response" ? BreakOn::kResponse
                                                       : BreakOn::kBoth;
      if (auto error = app.breakpoints().add(command.text, on)) return failed(command, *error);
      return Step::kFinished;
    }
    case ScriptVerb::kEditHeader: {
      auto paused = oldest_paused(app);
      if (!paused) return failed(command, "no exchange is paused to edit");
      if (edited_ticket_ != paused->ticket) {
        edited_ticket_ = paused->ticket;
        edited_flow_ = paused->flow;
      }
      if (is_request_point(paused->point)) {
        edited_flow_.request.headers.set(command.text, command.value);
      } else if (edited_flow_.response) {
        edited_flow_.response->headers.set(command.text, command.value);
      }
      return Step::kFinished;
    }
    case ScriptVerb::kContinue:
    case ScriptVerb::kAbort: {
      auto paused = oldest_paused(app);
      if (!paused) return failed(command, "no exchange is paused");
      Decision decision;
      if (command.verb == ScriptVerb::kAbort) {
        decision.kind = DecisionKind::kAbort;
      } else if (edited_ticket_ == paused->ticket) {
        decision.kind = DecisionKind::kContinueEdited;
        decision.edited = std::move(edited_flow_);
      }
      edited_ticket_ = 0;
      if (!app.paused().resume(paused->ticket, std::move(decision))) {
        return failed(command, "the paused exchange ended before it could be resumed");
      }
      return Step::kFinished;
    }
    case ScriptVerb::kScreenshot:
      window.request_screenshot(command.text);
      return Step::kFinished;
    case ScriptVerb::kDumpState:
      if (auto written = app.write_state(command.text); !written) return failed(command, written.error().message);
      return Step::kFinished;
    case ScriptVerb::kQuit:
      window.request_close();
      return Step::kFinished;
  }
  return Step::kFinished;
}

}  // namespace flowscope::gui
