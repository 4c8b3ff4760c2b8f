#pragma once
// The test-only command file of `flowscope-gui --script FILE`: what a person would do
// with the mouse, one command a line, so e2e tests drive the window without
// coordinates. Parsing is here (unit-tested); gui/script_runner carries it out.
//
//   wait-flows 2                  until at least 2 flows are listed (in flight or not)
//   wait-finished 2               until at least 2 listed flows have finished
//   select 1                      the flow numbered 1 (the # column)
//   select-last                   the newest flow
//   filter ~m POST                the filter box
//   tab response                  the detail pane's tab
//   replay                        the selected flow
//   breakpoint request ~u /api    request, response or both, then a filter expression
//   wait-paused                   until an exchange is paused at a breakpoint
//   edit-header X-Debug yes       on the oldest paused exchange's message, before continue
//   continue                      the oldest paused exchange (with the edits, if any)
//   abort                         the oldest paused exchange
//   screenshot out.png / dump-state out.json / quit
//
// Blank lines and lines starting with # are skipped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace flowscope::gui {

enum class ScriptVerb {
  kWaitFlows,
  kWaitFinished,
  kSelect,
  kSelectLast,
  kFilter,
  kTab,
  kReplay,
  kBreakpoint,
  kWaitPaused,
  kEditHeader,
  kContinue,
  kAbort,
  kScreenshot,
  kDumpState,
  kQuit,
};

struct ScriptCommand {
  ScriptVerb verb = ScriptVerb::kQuit;
  std::size_t line = 0;          // 1-based, for errors
  std::size_t number = 0;        // wait-flows, wait-finished, select
  std::string text;              // filter, tab, breakpoint expression, path, header name
  std::string value;             // breakpoint side ("request", "response", "both"), header value
};

// Every command of `source`, or the first bad line as "script line N: …".
Result<std::vector<ScriptCommand>> parse_script(std::string_view source);

}  // namespace flowscope::gui
