#include "gui/model/background_command.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace flowscope::gui {
namespace {

CommandOutcome wait_for(const BackgroundCommand& command) {
  while (command.running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return command.outcome().value();
}

TEST(BackgroundCommand, GivesTheOutputAndStatusOnceItEnds) {
  BackgroundCommand command;
  EXPECT_FALSE(command.outcome());
  ASSERT_TRUE(command.start("echo out; echo err >&2; exit 3"));
  const CommandOutcome outcome = wait_for(command);
  EXPECT_EQ(outcome.exit_status, 3);
  EXPECT_NE(outcome.output.find("out\n"), std::string::npos);
  EXPECT_NE(outcome.output.find("err\n"), std::string::npos);
}

TEST(BackgroundCommand, RefusesASecondWhileOneRunsAndRunsAgainAfter) {
  BackgroundCommand command;
  ASSERT_TRUE(command.start("sleep 0.2; echo first"));
  // A slow machine may not even have started it yet; a second start is refused only while it runs.
  if (command.running()) {
    EXPECT_FALSE(command.start("true"));
  }
  wait_for(command);
  ASSERT_TRUE(command.start("echo again"));
  EXPECT_EQ(wait_for(command).output, "again\n");
}

}  // namespace
}  // namespace flowscope::gui
