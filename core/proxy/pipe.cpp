#include "core/proxy/pipe.hpp"

#include <utility>

namespace flowscope::proxy {

void Pipe::reset(ConnectionId id) {
  id_ = id;
  layers_.clear();
  failed_level_ = -1;
  error_.clear();
}

void Pipe::push_tls(tls::Endpoint endpoint, bool start_handshake) {
  layers_.push_back(std::move(endpoint));
  if (start_handshake) {
    layers_.back().start();
    flush(layers_.size() - 1);
  }
}

// Ciphertext the endpoint at `level` produced goes down through the ones below it.
void Pipe::flush(std::size_t level) {
  std::string bytes = layers_[level].take_ciphertext();
  for (std::size_t below = level; below-- > 0 && !bytes.empty();) {
    layers_[below].send(bytes);
    bytes = layers_[below].take_ciphertext();
  }
  if (!bytes.empty()) out_.push_back(SendBytes{id_, std::move(bytes)});
}

void Pipe::send(std::string plaintext) {
  if (plaintext.empty()) return;
  if (layers_.empty()) {
    out_.push_back(SendBytes{id_, std::move(plaintext)});
    return;
  }
  layers_.back().send(plaintext);
  flush(layers_.size() - 1);
}

std::string Pipe::receive_from(std::size_t level, std::string_view bytes) {
  if (level >= layers_.size()) return std::string(bytes);
  std::string data;
  std::string_view in = bytes;
  for (std::size_t i = level; i < layers_.size(); ++i) {
    if (in.empty() && i > level) break;
    layers_[i].receive(in);
    flush(i);  // SSL_read can write: handshake replies, key updates
    data = layers_[i].take_plaintext();
    in = data;
  }
  check_failure();
  return data;
}

std::string Pipe::receive_eof() {
  std::string data;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (!data.empty()) layers_[i].receive(data);
    layers_[i].receive_eof();
    flush(i);
    data = layers_[i].take_plaintext();
  }
  check_failure();
  return data;
}

void Pipe::check_failure() {
  if (failed()) return;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i].state() == tls::EndpointState::kFailed) {
      failed_level_ = static_cast<int>(i);
      error_ = layers_[i].error();
      return;
    }
  }
}

bool Pipe::peer_closed() const {
  for (const tls::Endpoint& endpoint : layers_) {
    if (endpoint.state() == tls::EndpointState::kClosed) return true;
  }
  return false;
}

void Pipe::close_notify() {
  for (std::size_t i = layers_.size(); i-- > 0;) {
    if (layers_[i].state() != tls::EndpointState::kEstablished) continue;
    layers_[i].close();
    flush(i);
  }
}

}  // namespace flowscope::proxy
