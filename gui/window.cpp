#include "gui/window.hpp"

// GL 1.1 entry points (glReadPixels, glClear) come from GLFW's own GL header; the
// OpenGL 3 backend loads what it needs itself.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

namespace flowscope::gui {

namespace {

constexpr const char* kSansFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kMonoFont = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
constexpr float kBaseFontPixels = 15.0f;

bool readable(const char* path) {
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) return false;
  std::fclose(file);
  return true;
}

// Latin-1, and the few symbols the views use: … (general punctuation), ↻ and the
// arrows, ▲▼ (geometric shapes). ImGui keeps the pointer, so it is static.
const ImWchar kGlyphRanges[] = {0x0020, 0x00FF, 0x2000, 0x206F, 0x2190, 0x21FF, 0x25A0, 0x25FF, 0};

// ImGui's own font, scaled, when DejaVu is missing (fonts-dejavu-core not installed).
ImFont* load_font(const char* path, float pixels) {
  ImGuiIO& io = ImGui::GetIO();
  if (readable(path)) return io.Fonts->AddFontFromFileTTF(path, pixels, nullptr, kGlyphRanges);
  ImFontConfig config;
  config.SizePixels = pixels;
  return io.Fonts->AddFontDefault(&config);
}

}  // namespace

Result<std::unique_ptr<Window>> Window::open(const WindowSettings& settings) {
  if (!glfwInit()) {
    return fail("cannot initialise GLFW: is DISPLAY set? Under no display, run it with xvfb-run");
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_VISIBLE, settings.visible ? GLFW_TRUE : GLFW_FALSE);
  GLFWwindow* raw = glfwCreateWindow(settings.width, settings.height, "flowscope", nullptr, nullptr);
  if (raw == nullptr) {
    glfwTerminate();
    return fail("cannot open an OpenGL 3.3 window (a GPU driver or Mesa's llvmpipe is needed)");
  }
  std::unique_ptr<Window> window(new Window());
  window->window_ = raw;
  glfwSetWindowUserPointer(raw, window.get());
  glfwSetDropCallback(raw, &Window::on_drop);
  glfwMakeContextCurrent(raw);
  // A hidden window renders as fast as it can; a visible one follows the display.
  glfwSwapInterval(settings.visible ? 1 : 0);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  window->layout_file_ = settings.layout_file.string();
  io.IniFilename = window->layout_file_.empty() ? nullptr : window->layout_file_.c_str();
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  ImGui_ImplGlfw_InitForOpenGL(raw, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  float x_scale = 1.0f;
  float y_scale = 1.0f;
  glfwGetWindowContentScale(raw, &x_scale, &y_scale);
  const float scale = std::clamp(std::max(x_scale, y_scale), 1.0f, 4.0f);
  window->load_fonts(scale);
  window->set_theme(Theme::kDark);
  ImGui::GetStyle().ScaleAllSizes(scale);
  return window;
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void Window::load_fonts(float scale) {
  fonts_.text = load_font(kSansFont, kBaseFontPixels * scale);
  fonts_.mono = load_font(kMonoFont, kBaseFontPixels * scale);
}

bool Window::should_close() const { return glfwWindowShouldClose(window_) != 0; }

void Window::request_close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void Window::begin_frame() {
  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

Result<void> Window::end_frame() {
  ImGui::Render();
  int width = 0;
  int height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  glViewport(0, 0, width, height);
  const ImVec4 background = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(background.x, background.y, background.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  Result<void> saved;
  if (!screenshot_.empty()) saved = save_png(std::exchange(screenshot_, {}));
  glfwSwapBuffers(window_);
  return saved;
}

void Window::framebuffer_size(int& width, int& height) const { glfwGetFramebufferSize(window_, &width, &height); }

Result<void> Window::save_png(const std::filesystem::path& path) const {
  int width = 0;
  int height = 0;
  framebuffer_size(width, height);
  if (width <= 0 || height <= 0) return fail("the window has no framebuffer to save");
  // RGB: the framebuffer's alpha is not what was shown.
  const std::size_t stride = static_cast<std::size_t>(width) * 3;
  std::vector<unsigned char> pixels(stride * static_cast<std::size_t>(height));
  // The back buffer, before the swap leaves it undefined.
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows go bottom-up, PNG's top-down.
  stbi_flip_vertically_on_write(1);
  if (stbi_write_png(path.c_str(), width, height, 3, pixels.data(), static_cast<int>(stride)) == 0) {
    return fail("cannot write the screenshot " + path.string());
  }
  return {};
}

void Window::set_theme(Theme theme) {
  theme_ = theme;
  if (theme == Theme::kDark) {
    ImGui::StyleColorsDark();
  } else {
    ImGui::StyleColorsLight();
  }
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.TabRounding = 3.0f;
}

std::vector<std::string> Window::take_dropped_files() { return std::exchange(dropped_, {}); }

void Window::on_drop(GLFWwindow* window, int count, const char** paths) {
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
  for (int i = 0; i < count; ++i) self->dropped_.emplace_back(paths[i]);
}

}  // namespace flowscope::gui
