#include "core/engine/stop_signals.hpp"

#include <pthread.h>

namespace flowscope::engine {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::wait() {
  int received = 0;
  sigwait(&signals_, &received);
  return received;
}

const char* stop_signal_name(int signal) { return signal == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace flowscope::engine
