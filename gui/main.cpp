// flowscope-gui: the window that will show flows live. Today it opens the window and
// says plainly that the flow views are not built yet (see README "GUI").
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"flowscope-gui: the flowscope window"};
  int frames = 0;
  app.add_option("--frames", frames, "exit after this many frames (0: run until closed); for tests");
  CLI11_PARSE(app, argc, argv);

  if (!glfwInit()) {
    std::fprintf(stderr, "flowscope-gui: cannot initialise GLFW (is DISPLAY set? try xvfb-run)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWwindow* window = glfwCreateWindow(1100, 700, "flowscope", nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "flowscope-gui: cannot open an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  for (int frame = 0; !glfwWindowShouldClose(window) && (frames == 0 || frame < frames); ++frame) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("flowscope", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::TextUnformatted("flowscope");
    ImGui::Separator();
    ImGui::TextWrapped("The live flow list and replay are not built yet. Capture with `flowscope run`.");
    ImGui::End();
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(window);
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return 0;
}
