#pragma once
// The usual std::visit helper: one lambda per variant alternative.
namespace flowscope {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace flowscope
