#pragma once
// The GLFW window with its OpenGL 3 context and Dear ImGui on it: fonts scaled to the
// monitor's content scale, the two themes, the layout file, dropped files, and the
// framebuffer as a PNG for --screenshot. Nothing here knows about flows.
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "gui/ui_fonts.hpp"

struct GLFWwindow;

namespace flowscope::gui {

enum class Theme { kDark, kLight };

struct WindowSettings {
  int width = 1280;
  int height = 800;
  std::filesystem::path layout_file;  // ImGui's ini ($FLOWSCOPE_HOME/gui.ini); empty: none
  bool visible = true;                // false for --screenshot runs: nothing on screen
};

class Window {
 public:
  // Opens the window; the error says what to do (no DISPLAY, no OpenGL 3.3).
  static Result<std::unique_ptr<Window>> open(const WindowSettings& settings);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool should_close() const;
  void request_close();
  // Polls events and starts an ImGui frame.
  void begin_frame();
  // Renders the frame and shows it; a screenshot asked for is taken from it first.
  Result<void> end_frame();
  // The next rendered frame goes to `path` as a PNG of the framebuffer's size.
  void request_screenshot(std::filesystem::path path) { screenshot_ = std::move(path); }
  void framebuffer_size(int& width, int& height) const;

  void set_theme(Theme theme);
  Theme theme() const { return theme_; }
  const UiFonts& fonts() const { return fonts_; }
  // Files dropped onto the window since the last call.
  std::vector<std::string> take_dropped_files();

 private:
  Window() = default;
  void load_fonts(float scale);
  static void on_drop(GLFWwindow* window, int count, const char** paths);
  Result<void> save_png(const std::filesystem::path& path) const;

  GLFWwindow* window_ = nullptr;
  std::string layout_file_;  // ImGui keeps the pointer: it must outlive the context
  UiFonts fonts_{nullptr, nullptr};
  Theme theme_ = Theme::kDark;
  std::vector<std::string> dropped_;
  std::filesystem::path screenshot_;
};

}  // namespace flowscope::gui
