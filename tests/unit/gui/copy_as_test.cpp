#include "gui/model/copy_as.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace flowscope::gui {
namespace {

// Runs `script` with `shell` -c and returns what it printed.
std::string run_shell(const std::string& shell, const std::string& script) {
  const std::string command = shell + " -c " + shell_quote(script);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "(popen failed)";
  std::string out;
  std::array<char, 4096> buffer{};
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

const char* const kTricky[] = {
    "plain", "it's", "'", "''", "a\nb", "$HOME", "`id`", "$(id)", "back\\slash", "\"dq\"", "!x", "",
};

TEST(CopyAs, ShellQuoteReadsBackExactly) {
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  for (const char* value : kTricky)
    EXPECT_EQ(run_shell("/bin/sh", "printf %s " + shell_quote(value)), value) << value;
}

flow::Flow sample_flow() {
  flow::Flow flow;
  flow.request.method = "POST";
  flow.request.url = "https://api.example/items?q=a&b='c'";
  flow.request.headers.add("Host", "api.example");
  flow.request.headers.add("Content-Type", "application/json");
  flow.request.headers.add("X-Tricky", "it's $HOME `id`");
  flow.request.headers.add("Connection", "keep-alive");
  flow.request.headers.add("Content-Length", "17");
  flow.request.body.data = "{\"a\": \"it's\"}\n$x";
  flow.request.body.size = flow.request.body.data.size();
  return flow;
}

TEST(CopyAs, CurlLeavesOutHopByHopAndLength) {
  const std::string curl = copy_as_curl(sample_flow());
  EXPECT_EQ(curl.find("Connection"), std::string::npos);
  EXPECT_EQ(curl.find("Content-Length"), std::string::npos);
  EXPECT_NE(curl.find("-H 'Content-Type: application/json'"), std::string::npos);
  EXPECT_NE(curl.find("--data-binary"), std::string::npos);
  EXPECT_EQ(curl.find("-X"), std::string::npos);  // POST with a body is curl's default
  flow::Flow get = sample_flow();
  get.request.method = "DELETE";
  get.request.body = {};
  EXPECT_NE(copy_as_curl(get).find("-X 'DELETE'"), std::string::npos);
}

TEST(CopyAs, CurlArgumentsRoundTripThroughTheShell) {
  // Replace curl by a function printing each argument on its own line, then run it.
  const std::string curl = copy_as_curl(sample_flow());
  const std::string out = run_shell("/bin/sh", "curl() { for a in \"$@\"; do printf '%s\\n--\\n' \"$a\"; done; }\n" + curl);
  const flow::Flow flow = sample_flow();
  EXPECT_NE(out.find(flow.request.url + "\n--\n"), std::string::npos) << out;
  EXPECT_NE(out.find("X-Tricky: it's $HOME `id`\n--\n"), std::string::npos) << out;
  EXPECT_NE(out.find("--data-binary\n--\n" + flow.request.body.data + "\n--\n"), std::string::npos) << out;
}

TEST(CopyAs, CurlBinaryBodyUsesAnsiCQuotingWithANote) {
  flow::Flow flow = sample_flow();
  flow.request.body.data = std::string("\x00\x01'\\\xff", 5);
  const std::string curl = copy_as_curl(flow);
  EXPECT_NE(curl.find("# the body is binary"), std::string::npos);
  EXPECT_NE(curl.find("--data-binary $'\\x00\\x01\\'\\\\\\xff'"), std::string::npos) << curl;
  if (access("/bin/bash", X_OK) == 0) {
    // bash reads the word back byte for byte (NUL aside: shells cannot hold it in an argument).
    flow.request.body.data = "\x01'\\\xff";
    const std::string out = run_shell("/bin/bash", "curl() { printf %s \"${@: -1}\"; }\n" + copy_as_curl(flow));
    EXPECT_EQ(out, flow.request.body.data);
  }
}

TEST(CopyAs, PythonLiteralsEscapeEverything) {
  EXPECT_EQ(python_str_literal("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\x01\"");
  EXPECT_EQ(python_str_literal("héllo"), "\"héllo\"");
  EXPECT_EQ(python_str_literal("bad \xff"), "\"bad \\xff\"");
  EXPECT_EQ(python_bytes_literal(std::string("\x00\"é", 4)), "b\"\\x00\\\"\\xc3\\xa9\"");
  const std::string script = copy_as_python(sample_flow());
  EXPECT_NE(script.find("import requests"), std::string::npos);
  EXPECT_NE(script.find("\"X-Tricky\": \"it's $HOME `id`\""), std::string::npos);
  EXPECT_EQ(script.find("Content-Length"), std::string::npos);
  EXPECT_NE(script.find("data = b\"{\\\"a\\\": \\\"it's\\\"}\\n$x\""), std::string::npos) << script;
}

TEST(CopyAs, PythonLiteralsEvaluateBackToTheBytes) {
  if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  const std::string bytes = std::string("\x00\x01\"'\\\n\r\t\x7f\x80\xff end", 14);
  const std::string out = run_shell(
      "/usr/bin/python3",
      "import sys; sys.stdout.buffer.write(" + python_bytes_literal(bytes) + ")");
  EXPECT_EQ(out, bytes);
  const std::string text = "q=\"it's\" \\ é\n";
  EXPECT_EQ(run_shell("/usr/bin/python3", "import sys; sys.stdout.buffer.write(" +
                                              python_str_literal(text) + ".encode())"),
            text);
}

}  // namespace
}  // namespace flowscope::gui
