#pragma once
// flowscope-gui's command line: every flag of `flowscope run` (the proxy starts the
// same way), a recording to open, and the flags of headless runs that tests and the
// README screenshot use.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "cli/proxy_options.hpp"

namespace flowscope::gui {

struct GuiOptions {
  cli::ProxyOptions proxy;
  std::string open;              // FILE: a .jsonl store or a .har
  std::string screenshot;        // --screenshot out.png: render --frames frames, save, exit
  int frames = 0;                // 0: run until the window closes
  std::optional<std::uint64_t> select;  // --select N: the flow numbered N
  std::string tab;               // --tab request|response|timing|tls|websocket
  std::string dump_state;        // --dump-state out.json, written at exit
  std::string script;            // --script FILE: test-only commands (gui/model/gui_script.hpp)
  std::string theme = "dark";
  int width = 1280;
  int height = 800;

  bool headless() const { return !screenshot.empty() || frames > 0 || !script.empty(); }
};

void add_gui_options(CLI::App& app, GuiOptions& options);

}  // namespace flowscope::gui
