#include "core/net/pause_handle.hpp"

#include <utility>

#include "core/net/client_connection.hpp"
#include "core/net/worker.hpp"

namespace flowscope::net {

bool LoopPost::post(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  return worker_ != nullptr && worker_->post(std::move(task));
}

void LoopPost::detach() {
  std::lock_guard lock(mutex_);
  worker_ = nullptr;
}

void PauseHandle::resume(proxy::HookAnswer answer, std::optional<flow::Flow> edited) {
  if (resumed_.exchange(true)) return;
  post_->post([connection = connection_, id = pause_id_, answer = std::move(answer),
               edited = std::move(edited)]() mutable {
    if (connection->connection != nullptr) connection->connection->resume_hook(id, std::move(answer), std::move(edited));
  });
}

}  // namespace flowscope::net
