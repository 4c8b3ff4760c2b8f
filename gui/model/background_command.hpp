#pragma once
// A shell command run off the GUI thread (the first-run panel's `flowscope ca
// install`, which may wait on certutil or sudo): the frame asks how it went and never
// waits for it.
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace flowscope::gui {

struct CommandOutcome {
  int exit_status = -1;  // the shell's status; -1 when it could not be started
  std::string output;    // stdout and stderr together
};

class BackgroundCommand {
 public:
  ~BackgroundCommand();  // waits for a command still running
  // Starts `command` with /bin/sh unless one is running (then false).
  bool start(std::string command);
  bool running() const;
  // The outcome of the last command, once it has ended.
  std::optional<CommandOutcome> outcome() const;

 private:
  mutable std::mutex mutex_;
  bool running_ = false;
  std::optional<CommandOutcome> outcome_;
  std::thread thread_;
};

}  // namespace flowscope::gui
