#pragma once
// SIGINT and SIGTERM as a request to stop, for a front end that runs the engine in
// the foreground (`flowscope run`). Signal dispositions are the process's, not the
// engine's: a front end that wants this makes one before Engine::start.
#include <csignal>

namespace flowscope::engine {

class StopSignals {
 public:
  // Blocks SIGINT and SIGTERM in the calling thread. The worker threads inherit the
  // mask when Engine::start creates them, so the signals reach only wait().
  StopSignals();
  // Blocks until one of them arrives; returns it.
  int wait();

 private:
  sigset_t signals_;
};

// "SIGINT" or "SIGTERM"
const char* stop_signal_name(int signal);

}  // namespace flowscope::engine
