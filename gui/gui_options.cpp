#include "gui/gui_options.hpp"

namespace flowscope::gui {

void add_gui_options(CLI::App& app, GuiOptions& options) {
  cli::add_proxy_options(app, options.proxy);
  // In the window --filter is the filter box's first expression: everything is still
  // captured, and clearing the box shows it.
  app.get_option("--filter")->description("The flow list's filter at start, e.g. '~d example.com & ~c 4xx' (docs/filters.md)");
  app.add_option("FILE", options.open, "A .jsonl store or a .har file to open")->check(CLI::ExistingFile);
  app.add_option("--screenshot", options.screenshot, "Render --frames frames, write the window as this PNG and exit");
  app.add_option("--frames", options.frames, "Exit after this many frames (after FILE has loaded)")->check(CLI::NonNegativeNumber);
  app.add_option("--select", options.select, "Select the flow numbered N (the # column)");
  app.add_option("--tab", options.tab, "Open this tab of the detail pane")
      ->check(CLI::IsMember({"request", "response", "timing", "tls", "websocket"}));
  app.add_option("--dump-state", options.dump_state, "At exit, write the UI state as JSON (rows drawn, selection, tab)");
  app.add_option("--script", options.script, "Run test commands from this file, one a frame")->check(CLI::ExistingFile);
  app.add_option("--theme", options.theme, "dark or light")->check(CLI::IsMember({"dark", "light"}))->capture_default_str();
  app.add_option("--width", options.width, "Window width in pixels")->check(CLI::Range(200, 8192))->capture_default_str();
  app.add_option("--height", options.height, "Window height in pixels")->check(CLI::Range(200, 8192))->capture_default_str();
}

}  // namespace flowscope::gui
