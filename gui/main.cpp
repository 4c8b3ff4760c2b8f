// flowscope-gui: the proxy of `flowscope run` with a window that shows its flows live,
// opens recordings, replays, edits and pauses exchanges at breakpoints.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/engine/interception_setup.hpp"
#include "gui/app.hpp"
#include "gui/gui_options.hpp"
#include "gui/model/breakpoint_hook.hpp"
#include "gui/script_runner.hpp"
#include "gui/window.hpp"

namespace {

using namespace flowscope;
using namespace flowscope::gui;

// The engine with the GUI's sink and breakpoint hook. A proxy that cannot start (the
// port is taken) leaves a window that still opens recordings, with the reason shown.
EngineParts start_engine(GuiOptions& options) {
  EngineParts parts;
  parts.live = std::make_shared<LiveQueue>();
  parts.breakpoints = std::make_shared<Breakpoints>();
  parts.paused = std::make_shared<PausedList>(
      std::chrono::milliseconds(options.proxy.engine.config.breakpoint_timeout_ms));
  parts.store_path = options.proxy.engine.store.path;
  // The hook is a sink too: a finished flow tells it to forget an exchange it held.
  auto breakpoint_hook = std::make_shared<BreakpointHook>(parts.breakpoints, parts.paused);
  options.proxy.engine.hooks.push_back(breakpoint_hook);
  auto engine = cli::try_start_engine(options.proxy, {parts.live, breakpoint_hook});
  if (engine) {
    parts.engine = std::move(*engine);
    std::fprintf(stderr, "flowscope-gui: proxy listening on %s\n", parts.engine->listen_address().c_str());
  } else {
    parts.start_error = engine.error().message;
    std::fprintf(stderr, "flowscope-gui: the proxy did not start: %s\n", parts.start_error.c_str());
  }
  return parts;
}

std::optional<std::vector<ScriptCommand>> load_script(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto commands = parse_script(source);
  if (!commands) {
    std::fprintf(stderr, "flowscope-gui: %s: %s\n", path.c_str(), commands.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*commands);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"flowscope-gui: the flowscope proxy with a window that shows its flows live"};
  GuiOptions options;
  add_gui_options(cli, options);
  CLI11_PARSE(cli, argc, argv);

  std::optional<ScriptRunner> script;
  if (!options.script.empty()) {
    auto commands = load_script(options.script);
    if (!commands) return 2;
    script.emplace(std::move(*commands));
  }
  // The view filter: the engine keeps capturing everything.
  const std::optional<std::string> view_filter = std::exchange(options.proxy.filter, std::nullopt);

  WindowSettings settings;
  settings.width = options.width;
  settings.height = options.height;
  settings.visible = !options.headless();
  if (!options.headless()) {  // a test run neither reads nor changes the person's layout
    if (auto home = engine::resolve_home(options.proxy.engine.ca.home)) settings.layout_file = *home / "gui.ini";
  }
  auto window = Window::open(settings);
  if (!window) {
    std::fprintf(stderr, "flowscope-gui: %s\n", window.error().message.c_str());
    return 1;
  }
  (*window)->set_theme(options.theme == "light" ? Theme::kLight : Theme::kDark);

  App app(**window, start_engine(options));
  if (!options.open.empty()) app.open_recording(options.open);
  if (view_filter) {
    if (auto problem = app.set_filter(*view_filter)) {
      std::fprintf(stderr, "flowscope-gui: --filter: %s\n", problem->message.c_str());
      return 2;
    }
  }

  int exit_code = 0;
  int frames_drawn = 0;  // counted once the recording has loaded, so N frames show it all
  bool selection_applied = false;
  while (!(*window)->should_close()) {
    (*window)->begin_frame();
    if (!app.loading() && !selection_applied) {
      selection_applied = true;
      if (options.select && !app.select_number(*options.select)) {
        std::fprintf(stderr, "flowscope-gui: --select: no flow numbered %llu\n",
                     static_cast<unsigned long long>(*options.select));
      }
      if (!options.tab.empty()) app.set_tab(options.tab);
    }
    if (script) {
      const auto step = script->step(app, **window);
      if (step == ScriptRunner::Step::kFailed) {
        std::fprintf(stderr, "flowscope-gui: %s\n", script->error().c_str());
        exit_code = 1;
        (*window)->request_close();
      } else if (step == ScriptRunner::Step::kFinished && options.frames == 0) {
        (*window)->request_close();
      }
    }
    const bool last_frame = options.frames > 0 && !app.loading() && ++frames_drawn >= options.frames;
    if (last_frame && !options.screenshot.empty()) (*window)->request_screenshot(options.screenshot);
    app.frame();
    if (auto shown = (*window)->end_frame(); !shown) {
      std::fprintf(stderr, "flowscope-gui: %s\n", shown.error().message.c_str());
      exit_code = 1;
    }
    if (last_frame) (*window)->request_close();
  }
  if (!options.dump_state.empty()) {
    if (auto written = app.write_state(options.dump_state); !written) {
      std::fprintf(stderr, "flowscope-gui: %s\n", written.error().message.c_str());
      exit_code = 1;
    }
  }
  return exit_code;
}
