#include "core/store/har_json.hpp"

#include <cmath>

namespace flowscope::store::har {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json* object_at(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_object() ? value : nullptr;
}

const json* array_at(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_array() ? value : nullptr;
}

std::optional<std::string> string_at(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<double> number_at(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value || !value->is_number()) return std::nullopt;
  const double number = value->get<double>();
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

std::optional<std::uint64_t> size_at(const json& object, const char* key) {
  const json* value = member(object, key);
  if (value && value->is_number_unsigned()) return value->get<std::uint64_t>();
  auto number = number_at(object, key);
  if (!number || *number < 0 || *number >= 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(*number);
}

bool flag_at(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_boolean() && value->get<bool>();
}

std::optional<std::uint64_t> id_at(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value) return std::nullopt;
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (!value->is_string()) return std::nullopt;
  const std::string& text = value->get_ref<const std::string&>();
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return id;
}

}  // namespace flowscope::store::har
