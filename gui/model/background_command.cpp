#include "gui/model/background_command.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace flowscope::gui {

namespace {

CommandOutcome run_to_end(const std::string& command) {
  CommandOutcome outcome;
  // In a subshell, so stderr joins stdout for every command of a list, not only the last.
  FILE* pipe = popen(("(" + command + ") 2>&1").c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) outcome.output += buffer;
  const int status = pclose(pipe);
  outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

}  // namespace

BackgroundCommand::~BackgroundCommand() {
  if (thread_.joinable()) thread_.join();
}

bool BackgroundCommand::start(std::string command) {
  std::lock_guard lock(mutex_);
  if (running_) return false;
  if (thread_.joinable()) thread_.join();  // the last one has ended: running_ is false
  running_ = true;
  outcome_.reset();
  thread_ = std::thread([this, command = std::move(command)] {
    CommandOutcome outcome = run_to_end(command);
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
    running_ = false;
  });
  return true;
}

bool BackgroundCommand::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

std::optional<CommandOutcome> BackgroundCommand::outcome() const {
  std::lock_guard lock(mutex_);
  return outcome_;
}

}  // namespace flowscope::gui
