#include "gui/model/gui_script.hpp"

#include <gtest/gtest.h>

namespace flowscope::gui {
namespace {

TEST(GuiScript, ParsesEveryCommandWithItsArguments) {
  auto script = parse_script(
      "# a comment\n"
      "wait-flows 2\n"
      "\n"
      "wait-finished 3\n"
      "select 1\r\n"
      "select-last\n"
      "filter ~m POST & ~c 2xx\n"
      "tab response\n"
      "replay\n"
      "breakpoint request ~u /api\n"
      "wait-paused\n"
      "edit-header X-Debug  yes please\n"
      "continue\n"
      "abort\n"
      "screenshot out.png\n"
      "dump-state state.json\n"
      "quit\n");
  ASSERT_TRUE(script) << script.error().message;
  ASSERT_EQ(script->size(), 15u);
  EXPECT_EQ((*script)[1].verb, ScriptVerb::kWaitFinished);
  EXPECT_EQ((*script)[1].number, 3u);
  script->erase(script->begin() + 1);
  const auto& c = *script;
  EXPECT_EQ(c[0].verb, ScriptVerb::kWaitFlows);
  EXPECT_EQ(c[0].number, 2u);
  EXPECT_EQ(c[0].line, 2u);
  EXPECT_EQ(c[1].verb, ScriptVerb::kSelect);
  EXPECT_EQ(c[1].number, 1u);
  EXPECT_EQ(c[1].line, 5u);
  EXPECT_EQ(c[2].verb, ScriptVerb::kSelectLast);
  EXPECT_EQ(c[3].verb, ScriptVerb::kFilter);
  EXPECT_EQ(c[3].text, "~m POST & ~c 2xx");
  EXPECT_EQ(c[4].text, "response");
  EXPECT_EQ(c[5].verb, ScriptVerb::kReplay);
  EXPECT_EQ(c[6].verb, ScriptVerb::kBreakpoint);
  EXPECT_EQ(c[6].value, "request");
  EXPECT_EQ(c[6].text, "~u /api");
  EXPECT_EQ(c[7].verb, ScriptVerb::kWaitPaused);
  EXPECT_EQ(c[8].verb, ScriptVerb::kEditHeader);
  EXPECT_EQ(c[8].text, "X-Debug");
  EXPECT_EQ(c[8].value, "yes please");
  EXPECT_EQ(c[9].verb, ScriptVerb::kContinue);
  EXPECT_EQ(c[10].verb, ScriptVerb::kAbort);
  EXPECT_EQ(c[11].text, "out.png");
  EXPECT_EQ(c[12].verb, ScriptVerb::kDumpState);
  EXPECT_EQ(c[13].verb, ScriptVerb::kQuit);
}

TEST(GuiScript, AnEmptyFilterClearsIt) {
  auto script = parse_script("filter\n");
  ASSERT_TRUE(script);
  ASSERT_EQ(script->size(), 1u);
  EXPECT_EQ((*script)[0].text, "");
}

TEST(GuiScript, NamesTheFirstBadLine) {
  struct Case {
    const char* source;
    const char* error;
  };
  const Case cases[] = {
      {"quit\nfly away\n", "script line 2: unknown command 'fly'"},
      {"select one\n", "script line 1: select takes a number, not 'one'"},
      {"wait-flows\n", "script line 1: wait-flows takes a number, not ''"},
      {"select 3x\n", "script line 1: select takes a number, not '3x'"},
      {"\n\nbreakpoint sideways ~m GET\n", "script line 3: breakpoint takes request, response or both, then a filter expression"},
      {"breakpoint both\n", "script line 1: breakpoint needs a filter expression"},
      {"screenshot\n", "script line 1: screenshot needs an argument"},
      {"replay now\n", "script line 1: replay takes no argument"},
      {"edit-header\n", "script line 1: edit-header takes a header name and a value"},
  };
  for (const auto& c : cases) {
    auto script = parse_script(c.source);
    ASSERT_FALSE(script) << c.source;
    EXPECT_EQ(script.error().message, c.error);
  }
}

}  // namespace
}  // namespace flowscope::gui
